package typed

import (
	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/typed/metav1"
)

// keyed is implemented by objects whose metadata is reachable without
// re-reading their JSON.
type keyed interface {
	GetName() string
	GetNamespace() string
}

// page is one page of a list, decoded without knowing the list type: its
// continue token, its items, and each item's namespace/name key.
type page[T any] struct {
	metav1.ListMeta
	Items []T
	keys  []string
}

// DecodeJSON reads a list object, keeping metadata and items only.
func (p *page[T]) DecodeJSON(it *jsoniter.Iterator) {
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "metadata":
			it.ReadVal(&p.ListMeta)
		case "items":
			p.decodeItems(it)
		default:
			it.Skip()
		}
		if it.Error != nil {
			return
		}
	}
}

func (p *page[T]) decodeItems(it *jsoniter.Iterator) {
	var probe T
	_, hasKey := any(&probe).(keyed)
	for it.ReadArray() {
		p.Items = append(p.Items, probe)
		item := &p.Items[len(p.Items)-1]
		if hasKey {
			decodeInto(it, item)
			k := any(item).(keyed)
			p.keys = append(p.keys, k.GetNamespace()+"/"+k.GetName())
			continue
		}
		raw := it.SkipAndReturnBytes()
		if it.Error != nil {
			return
		}
		if err := codec.Unmarshal(raw, item); err != nil {
			it.ReportError("decode list item", err.Error())
			return
		}
		p.keys = append(p.keys, jsoniter.Get(raw, "metadata", "namespace").ToString()+"/"+jsoniter.Get(raw, "metadata", "name").ToString())
	}
}

// decodeInto reads one value into v, through its generated decoder when it
// has one.
func decodeInto(it *jsoniter.Iterator, v any) {
	if d, ok := v.(codec.Decoder); ok {
		d.DecodeJSON(it)
		return
	}
	it.ReadVal(v)
}
