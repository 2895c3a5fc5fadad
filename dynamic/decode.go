package dynamic

import (
	"encoding/json"
	"strconv"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
)

// maxDepth bounds the nesting of decoded values, so hostile input cannot
// exhaust the stack.
const maxDepth = 10000

// decoder reads JSON values into the shapes of this package: map[string]any
// for objects, []any for arrays, string, bool, nil, int64 for integral
// numbers that fit and float64 for the others. Its scratch stacks let every
// map and slice be allocated once at its final size.
type decoder struct {
	keys  []string
	ovals []any
	avals []any
	depth int
}

func (d *decoder) value(it *jsoniter.Iterator) any {
	switch it.WhatIsNext() {
	case jsoniter.StringValue:
		return it.ReadString()
	case jsoniter.NumberValue:
		return readNumber(it)
	case jsoniter.BoolValue:
		return it.ReadBool()
	case jsoniter.NilValue:
		it.ReadNil()
		return nil
	case jsoniter.ArrayValue:
		return d.array(it)
	case jsoniter.ObjectValue:
		return d.object(it)
	default:
		it.ReportError("decode", "expected a JSON value")
		return nil
	}
}

func (d *decoder) enter(it *jsoniter.Iterator) bool {
	d.depth++
	if d.depth > maxDepth {
		it.ReportError("decode", "value nested too deeply")
		return false
	}
	return true
}

func (d *decoder) array(it *jsoniter.Iterator) []any {
	if !d.enter(it) {
		return nil
	}
	defer func() { d.depth-- }()
	base := len(d.avals)
	for it.ReadArray() {
		v := d.value(it)
		if it.Error != nil {
			break
		}
		d.avals = append(d.avals, v)
	}
	out := make([]any, len(d.avals)-base)
	copy(out, d.avals[base:])
	clear(d.avals[base:])
	d.avals = d.avals[:base]
	return out
}

func (d *decoder) object(it *jsoniter.Iterator) map[string]any {
	if !d.enter(it) {
		return nil
	}
	defer func() { d.depth-- }()
	base := len(d.keys)
	it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
		v := d.value(it)
		if it.Error != nil {
			return false
		}
		d.keys = append(d.keys, key)
		d.ovals = append(d.ovals, v)
		return true
	})
	out := make(map[string]any, len(d.keys)-base)
	for i := base; i < len(d.keys); i++ {
		out[d.keys[i]] = d.ovals[i]
	}
	clear(d.keys[base:])
	clear(d.ovals[base:])
	d.keys, d.ovals = d.keys[:base], d.ovals[:base]
	return out
}

// readNumber returns an int64 for an integral number that fits, a float64
// otherwise.
func readNumber(it *jsoniter.Iterator) any {
	n := it.ReadNumber()
	if it.Error != nil {
		return nil
	}
	s := string(n)
	integral, ok := checkNumber(s)
	if !ok {
		it.ReportError("decode", "invalid number")
		return nil
	}
	if integral {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		it.ReportError("decode", "number out of range")
		return nil
	}
	return f
}

// checkNumber validates s against the JSON number grammar and reports
// whether it has neither fraction nor exponent.
func checkNumber(s string) (integral, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false, false
	}
	integral = true
	if i < len(s) && s[i] == '.' {
		integral = false
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integral = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false, false
		}
	}
	return integral, i == len(s)
}

// DecodeJSON reads one JSON object into o from a json-iterator Iterator
// (null leaves o nil). Numbers become int64 when integral and in range,
// float64 otherwise. kubewire's clients decode through DecodeWire.
func (o *Object) DecodeJSON(it *jsoniter.Iterator) {
	switch it.WhatIsNext() {
	case jsoniter.NilValue:
		it.ReadNil()
		*o = nil
	case jsoniter.ObjectValue:
		var d decoder
		*o = d.object(it)
	default:
		it.ReportError("decode object", "expected a JSON object")
		it.Skip()
	}
}

// UnmarshalJSON decodes like DecodeWire, for encoding/json users.
func (o *Object) UnmarshalJSON(b []byte) error {
	return codec.DecodeBody(b, "", o, codec.Detached)
}

// DecodeJSON reads a list object: items into Items, every other field into
// Header. Items without apiVersion and kind (the API server omits them in
// typed lists) get the list's apiVersion and its kind without the "List"
// suffix.
func (l *List) DecodeJSON(it *jsoniter.Iterator) {
	if it.WhatIsNext() != jsoniter.ObjectValue {
		it.ReportError("decode list", "expected a JSON object")
		it.Skip()
		return
	}
	var d decoder
	header := Object{}
	it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
		if key == "items" {
			if it.WhatIsNext() == jsoniter.NilValue {
				it.ReadNil()
				return true
			}
			if it.WhatIsNext() != jsoniter.ArrayValue {
				it.ReportError("decode list", "items is not an array")
				return false
			}
			for it.ReadArray() {
				var item Object
				if it.WhatIsNext() != jsoniter.ObjectValue {
					it.ReportError("decode list", "an item is not an object")
					return false
				}
				item = d.object(it)
				if it.Error != nil {
					return false
				}
				l.Items = append(l.Items, item)
			}
			return it.Error == nil
		}
		v := d.value(it)
		header[key] = v
		return it.Error == nil
	})
	l.Header = header
	l.fillItemKinds()
}

// fillItemKinds gives items without apiVersion and kind the list's
// apiVersion and its kind without the "List" suffix.
func (l *List) fillItemKinds() {
	apiVersion, kind := l.Header.GetAPIVersion(), l.Header.GetKind()
	if len(kind) > 4 && kind[len(kind)-4:] == "List" {
		kind = kind[:len(kind)-4]
	} else {
		kind = ""
	}
	for _, item := range l.Items {
		if item != nil && item.GetKind() == "" && item.GetAPIVersion() == "" && kind != "" {
			item["kind"], item["apiVersion"] = kind, apiVersion
		}
	}
}

// UnmarshalJSON decodes like DecodeWire, for encoding/json users.
func (l *List) UnmarshalJSON(b []byte) error {
	return codec.DecodeBody(b, "", l, codec.Detached)
}

// MarshalJSON encodes the list: Header's fields and items.
func (l List) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(l.Header)+1)
	for k, v := range l.Header {
		m[k] = v
	}
	items := make([]any, len(l.Items))
	for i, it := range l.Items {
		items[i] = map[string]any(it)
	}
	m["items"] = items
	return codec.API.Marshal(m)
}

// Decode decodes one JSON object into an Object.
func Decode(data []byte) (Object, error) {
	var o Object
	if err := codec.Unmarshal(data, &o); err != nil {
		return nil, err
	}
	return o, nil
}

var _ json.Unmarshaler = (*Object)(nil)
