package dynamic

// DeepCopy returns a copy of o that shares no memory with it: every map and
// slice of the tree is copied (nil stays nil, empty stays empty), and
// strings, numbers and booleans, which are immutable, are shared. Besides
// the JSON shapes (map[string]any, []any and scalars) it copies the Go
// shapes code may have stored: Object, []string, map[string]string,
// []map[string]any and []byte. Values of other types are copied by
// assignment. The nil Object copies to nil.
func (o Object) DeepCopy() Object {
	if o == nil {
		return nil
	}
	return Object(copyMap(o))
}

// DeepCopyInto sets *out to a deep copy of o (see DeepCopy).
func (o Object) DeepCopyInto(out *Object) { *out = o.DeepCopy() }

// DeepCopy returns a copy of l that shares no memory with it (see
// Object.DeepCopy), nil for nil.
func (l *List) DeepCopy() *List {
	if l == nil {
		return nil
	}
	out := new(List)
	l.DeepCopyInto(out)
	return out
}

// DeepCopyInto sets *out to a deep copy of l: its header and every item.
func (l *List) DeepCopyInto(out *List) {
	out.Header = l.Header.DeepCopy()
	if l.Items == nil {
		out.Items = nil
		return
	}
	items := make([]Object, len(l.Items))
	for i, it := range l.Items {
		items[i] = it.DeepCopy()
	}
	out.Items = items
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch v.(type) {
		case string, int64, float64, bool, nil:
			out[k] = v
		default:
			out[k] = deepCopy(v)
		}
	}
	return out
}

func copySlice(s []any) []any {
	out := make([]any, len(s))
	for i, v := range s {
		switch v.(type) {
		case string, int64, float64, bool, nil:
			out[i] = v
		default:
			out[i] = deepCopy(v)
		}
	}
	return out
}

// deepCopy copies a value of an Object's tree.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return v
		}
		return copyMap(v)
	case []any:
		if v == nil {
			return v
		}
		return copySlice(v)
	case Object:
		return v.DeepCopy()
	case []string:
		if v == nil {
			return v
		}
		return append(make([]string, 0, len(v)), v...)
	case map[string]string:
		if v == nil {
			return v
		}
		out := make(map[string]string, len(v))
		for k, x := range v {
			out[k] = x
		}
		return out
	case []map[string]any:
		if v == nil {
			return v
		}
		out := make([]map[string]any, len(v))
		for i, m := range v {
			if m != nil {
				out[i] = copyMap(m)
			}
		}
		return out
	case []byte:
		if v == nil {
			return v
		}
		return append(make([]byte, 0, len(v)), v...)
	}
	return v
}
