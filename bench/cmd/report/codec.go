package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	jsoniter "github.com/json-iterator/go"
	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/dynamic"
	kwtyped "github.com/kubewire/kubewire/typed"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubewire/kubewire/bench/fixture"
)

// api is kubewire's json-iterator configuration (internal/codec.API).
var api = jsoniter.ConfigCompatibleWithStandardLibrary

// inputs are one list size's encodings.
type inputs struct {
	n     int
	json  []byte
	proto []byte
	k8s   *corev1.PodList
}

func newInputs(n int) (*inputs, error) {
	l := fixture.PodList(n)
	js := fixture.PodListJSON(n)
	var pb bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(l, &pb); err != nil {
		return nil, err
	}
	return &inputs{n: n, json: js, proto: pb.Bytes(), k8s: l}, nil
}

// clientgoDecoders are the decoders client-go's clientset negotiates for
// core/v1 (its rest client's content negotiator over the scheme's codecs,
// without conversion), by content type.
var clientgoDecoders = map[string]runtime.Decoder{}

func init() {
	n := runtime.NewClientNegotiator(scheme.Codecs.WithoutConversion(), corev1.SchemeGroupVersion)
	for _, ct := range []string{"application/json", "application/vnd.kubernetes.protobuf"} {
		d, err := n.Decoder(ct, nil)
		if err != nil {
			panic(err)
		}
		clientgoDecoders[ct] = d
	}
}

// clientgoDecode decodes as client-go's clientset does: JSON, or protobuf
// when the data starts with the protobuf envelope's magic number.
func clientgoDecode(data []byte) (*corev1.PodList, error) {
	d := clientgoDecoders["application/json"]
	if bytes.HasPrefix(data, []byte("k8s\x00")) {
		d = clientgoDecoders["application/vnd.kubernetes.protobuf"]
	}
	var l corev1.PodList
	obj, _, err := d.Decode(data, nil, &l)
	if err != nil {
		return nil, err
	}
	return obj.(*corev1.PodList), nil
}

// kubewireDecode decodes as kubewire's rest client does (internal/codec:
// a json-iterator Iterator and the generated DecodeJSON).
func kubewireDecode(data []byte) (*kwcorev1.PodList, error) {
	var l kwcorev1.PodList
	it := api.BorrowIterator(data)
	defer api.ReturnIterator(it)
	l.DecodeJSON(it)
	if it.Error != nil && it.Error != io.EOF {
		return nil, it.Error
	}
	return &l, nil
}

// kubewireDecodeReader decodes from a reader with the 64 KB buffer the rest
// client's Into uses.
func kubewireDecodeReader(r io.Reader) (*kwcorev1.PodList, error) {
	var l kwcorev1.PodList
	it := jsoniter.Parse(api, r, 64<<10)
	l.DecodeJSON(it)
	if it.Error != nil && it.Error != io.EOF {
		return nil, it.Error
	}
	return &l, nil
}

func checkLen(what string, got, want int) error {
	if got != want {
		return fmt.Errorf("%s: %d items, want %d", what, got, want)
	}
	return nil
}

// typedDecodeContenders are workload 1's decoders for one size.
func typedDecodeContenders(in *inputs) []contender {
	return []contender{
		{label: "client-go JSON (scheme codec)", run: func() error {
			l, err := clientgoDecode(in.json)
			if err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "client-go protobuf", run: func() error {
			l, err := clientgoDecode(in.proto)
			if err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "kubewire typed JSON (DecodeJSON on an iterator, one item at a time)", kubewire: true, run: func() error {
			l, err := kubewireDecode(in.json)
			if err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "kubewire typed JSON (typed.DecodeList, List's path: parallel when large; includes copying the input)", kubewire: true, run: func() error {
			var l kwcorev1.PodList
			if err := kwtyped.DecodeList[kwcorev1.Pod](bytes.Clone(in.json), &l); err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "kubewire typed JSON (UnmarshalJSON)", kubewire: true, run: func() error {
			var l kwcorev1.PodList
			if err := l.UnmarshalJSON(in.json); err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "json-iterator Skip (keeps nothing: the ceiling)", run: func() error {
			it := api.BorrowIterator(in.json)
			defer api.ReturnIterator(it)
			it.Skip()
			if it.Error != nil && it.Error != io.EOF {
				return it.Error
			}
			return nil
		}},
	}
}

// typedEncodeContenders are workload 1's encoders for one size.
func typedEncodeContenders(in *inputs) ([]contender, error) {
	kw, err := kubewireDecode(in.json)
	if err != nil {
		return nil, err
	}
	js := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, json.SerializerOptions{})
	pb := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	var buf bytes.Buffer
	return []contender{
		{label: "client-go JSON (scheme codec)", run: func() error {
			buf.Reset()
			if err := js.Encode(in.k8s, &buf); err != nil {
				return err
			}
			return checkSize(buf.Len(), len(in.json))
		}},
		{label: "client-go protobuf", run: func() error {
			buf.Reset()
			if err := pb.Encode(in.k8s, &buf); err != nil {
				return err
			}
			return checkSize(buf.Len(), len(in.proto))
		}},
		{label: "kubewire typed JSON (EncodeJSON)", kubewire: true, run: func() error {
			// Into the same reused buffer as the client-go rows, through
			// a stream that writes through to it.
			buf.Reset()
			s := jsoniter.NewStream(api, &buf, 64<<10)
			kw.EncodeJSON(s)
			if err := s.Flush(); err != nil {
				return err
			}
			return checkSize(buf.Len(), len(in.json))
		}},
	}, nil
}

// checkSize accepts an encoding within 1% of the reference size (encoders
// may differ in a trailing newline).
func checkSize(got, want int) error {
	if d := got - want; d > want/100 || -d > want/100 {
		return fmt.Errorf("encoded %d bytes, want about %d", got, want)
	}
	return nil
}

// unstructuredContenders are workload 2's decoders.
func unstructuredContenders(in *inputs) []contender {
	return []contender{
		{label: "client-go unstructured (dynamic client's UnstructuredJSONScheme)", run: func() error {
			l, err := clientgoUnstructured(in.json)
			if err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "kubewire dynamic (List.DecodeJSONFrom, from a reader)", kubewire: true, run: func() error {
			l, err := kubewireDynamicStream(in.json)
			if err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
		{label: "kubewire dynamic (DecodeJSON on an iterator)", kubewire: true, run: func() error {
			l, err := kubewireDynamic(in.json)
			if err != nil {
				return err
			}
			return checkLen("decode", len(l.Items), in.n)
		}},
	}
}

func clientgoUnstructured(data []byte) (*unstructured.UnstructuredList, error) {
	obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, data)
	if err != nil {
		return nil, err
	}
	l, ok := obj.(*unstructured.UnstructuredList)
	if !ok {
		return nil, errors.New("not a list")
	}
	return l, nil
}

// kubewireDynamicStream decodes as kubewire's dynamic client does: the
// response body streamed through the list's own decoder.
func kubewireDynamicStream(data []byte) (*dynamic.List, error) {
	var l dynamic.List
	if err := l.DecodeJSONFrom(bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return &l, nil
}

func kubewireDynamic(data []byte) (*dynamic.List, error) {
	var l dynamic.List
	it := api.BorrowIterator(data)
	defer api.ReturnIterator(it)
	l.DecodeJSON(it)
	if it.Error != nil && it.Error != io.EOF {
		return nil, it.Error
	}
	return &l, nil
}

// heldContenders measure the heap a decoded list keeps alive, per pod.
type heldContender struct {
	label    string
	kubewire bool
	build    func() (any, error)
}

func heldDecoders(in *inputs) []heldContender {
	return []heldContender{
		{"client-go typed (JSON)", false, func() (any, error) { return clientgoDecode(in.json) }},
		{"kubewire typed", true, func() (any, error) { return kubewireDecode(in.json) }},
		{"client-go unstructured", false, func() (any, error) { return clientgoUnstructured(in.json) }},
		{"kubewire dynamic", true, func() (any, error) { return kubewireDynamicStream(in.json) }},
	}
}
