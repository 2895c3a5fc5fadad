package typed

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/kubewire/kubewire/internal/codec"
)

// Extract returns what the field manager manager applied to obj (an object
// read from the server) as an apply configuration: a new T holding only
// the fields that manager owns through server-side apply on subresource
// ("" for the object itself, "status" for its status), and the object's
// apiVersion, kind, name and namespace. explicit are pointers into the new
// T to the owned fields that hold their zero value (an applied paused:
// false, which the server does not write back), for
// ApplyOptions.Explicit: applying the two back unchanged as manager
// changes nothing, and changing the T and applying it changes only what
// was changed. It is client-go's ExtractDeployment for every kind: a
// manager that owns nothing gets the identity fields alone.
//
// The fields are those of metadata.managedFields entries with operation
// Apply, this manager and this subresource. A malformed entry is a
// *ManagedFieldsError.
//
// Extract is a function rather than a Client method: it does no I/O, and a
// method of Client would be compiled for every kind of every generated
// package.
func Extract[T any](obj *T, manager, subresource string) (out *T, explicit []any, err error) {
	if obj == nil {
		return nil, nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Reason: "the object is nil"}
	}
	data, err := codec.Marshal(obj)
	if err != nil {
		return nil, nil, encodeError(reflect.TypeFor[T]().Name(), err)
	}
	root, err := parseJSON(data)
	if err != nil || root.kind != 'o' {
		return nil, nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Reason: "the object does not encode to a JSON object"}
	}
	set, err := managedSet(root, manager, subresource)
	if err != nil {
		return nil, nil, err
	}
	applied := extractObject(root, set)
	s := codec.API.BorrowStream(nil)
	defer codec.API.ReturnStream(s)
	applied.write(s)
	out = new(T)
	if err := codec.Unmarshal(s.Buffer(), out); err != nil {
		return nil, nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Reason: "the extracted fields do not decode: " + err.Error()}
	}
	zeroFields(reflect.ValueOf(out).Elem(), applied, &explicit)
	return out, explicit, nil
}

// managedSet is the union of the field sets of root's managedFields entries
// of manager's applies to subresource.
func managedSet(root *jnode, manager, subresource string) (*fieldSet, error) {
	set := &fieldSet{}
	entries := root.get("metadata").get("managedFields")
	if entries == nil {
		return set, nil
	}
	if entries.kind != 'a' {
		if string(entries.raw) == "null" {
			return set, nil
		}
		return nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Reason: "metadata.managedFields is not a list"}
	}
	for i, e := range entries.elems {
		if e.kind != 'o' {
			return nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Entry: i, Reason: "is not an object"}
		}
		if e.str("manager") != manager || e.str("operation") != "Apply" || e.str("subresource") != subresource {
			continue
		}
		fields := e.get("fieldsV1")
		if fields == nil || string(fields.raw) == "null" {
			continue
		}
		if t := e.str("fieldsType"); t != "FieldsV1" {
			return nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Entry: i, Reason: "has fieldsType " + quote(t) + ", not FieldsV1"}
		}
		if err := parseFieldSet(fields, set, ""); err != nil {
			return nil, &ManagedFieldsError{Manager: manager, Subresource: subresource, Entry: i, Reason: err.Error()}
		}
	}
	return set, nil
}

func quote(s string) string { return `"` + s + `"` }

// extractObject is root filtered by set, with its apiVersion, kind, name
// and namespace.
func extractObject(root *jnode, set *fieldSet) *jnode {
	out := &jnode{kind: 'o', set: set}
	for i, k := range root.keys {
		v := root.vals[i]
		switch {
		case k == "apiVersion" || k == "kind":
			out.add(k, v)
		case k == "metadata" && v.kind == 'o':
			md := &jnode{kind: 'o'}
			if sub := set.fields[k]; sub != nil {
				md = filter(v, sub)
			}
			for _, id := range []string{"name", "namespace"} {
				if md.get(id) == nil && v.get(id) != nil {
					md.add(id, v.get(id))
				}
			}
			out.add(k, md)
		default:
			if sub := set.fields[k]; sub != nil {
				out.add(k, filter(v, sub))
			}
		}
	}
	return out
}

// zeroFields appends to explicit the address of each field of v, the
// value decoded from n, that n's field set names as a leaf and that holds
// its zero value where an apply encoding would leave it out: a
// non-pointer scalar or struct field. Fields the set names that n lacks
// (the server does not write zero scalars back) are visited too.
func zeroFields(v reflect.Value, n *jnode, explicit *[]any) {
	set := n.set
	if set == nil {
		return
	}
	if set.leaf() {
		return
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		for _, name := range slices.Sorted(maps.Keys(set.fields)) {
			f, ok := fieldByJSONName(v, name)
			if !ok {
				continue
			}
			// A field n lacks was left out by the server: its zero value.
			markZero(f, set.fields[name], explicit)
			if child := n.get(name); child != nil {
				zeroFields(f, child, explicit)
			}
		}
	case reflect.Slice:
		for i, e := range n.elems {
			if i < v.Len() {
				zeroFields(v.Index(i), e, explicit)
			}
		}
	}
}

// markZero marks f when sub owns it whole and an apply encoding would
// leave its zero value out.
func markZero(f reflect.Value, sub *fieldSet, explicit *[]any) {
	if !sub.leaf() {
		return
	}
	switch f.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.Struct:
		if f.IsZero() && f.CanAddr() {
			*explicit = append(*explicit, f.Addr().Interface())
		}
	}
}

// fieldByJSONName returns the field of struct v that JSON calls name,
// looking into embedded structs without a JSON name (inline).
func fieldByJSONName(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" || !sf.IsExported() && !sf.Anonymous {
			continue
		}
		if tag == "" && sf.Anonymous {
			fv := v.Field(i)
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				if f, ok := fieldByJSONName(fv, name); ok {
					return f, true
				}
			}
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		if tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// ManagedFieldsError reports metadata.managedFields that Extract cannot
// read: an entry of the manager that is not FieldsV1 or whose fieldsV1 is
// malformed.
type ManagedFieldsError struct {
	// Manager and Subresource are Extract's arguments.
	Manager, Subresource string
	// Entry is the index of the entry in metadata.managedFields.
	Entry int
	// Reason says what is wrong.
	Reason string
}

// Error returns the error's message.
func (e *ManagedFieldsError) Error() string {
	return "extract the fields of manager " + quote(e.Manager) + " (subresource " + quote(e.Subresource) + "): managedFields[" +
		strconv.Itoa(e.Entry) + "] " + e.Reason
}
