package apiregistry_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apiregistry"
	"github.com/kubewire/kubewire/internal/codec"
)

func TestRegistry(t *testing.T) {
	kinds := apiregistry.Kinds()
	if len(kinds) < 200 {
		t.Fatalf("%d kinds registered", len(kinds))
	}
	for _, k := range kinds {
		if o, ok := apiregistry.New(k); !ok || o == nil {
			t.Errorf("%v: no constructor", k)
		}
	}
	if _, ok := apiregistry.New(apiregistry.GVK{Group: "example.com", Version: "v1", Kind: "Widget"}); ok {
		t.Error("a custom kind is registered")
	}
	if o, _ := apiregistry.New(apiregistry.GVK{Group: "apps", Version: "v1", Kind: "Deployment"}); o == nil {
		t.Fatal("no Deployment")
	} else if _, ok := o.(*appsv1.Deployment); !ok {
		t.Errorf("Deployment is %T", o)
	}
}

// A protobuf body decodes into its kind with apiVersion and kind set, and
// encodes back to the same bytes; its JSON is the object's.
func TestDecodeEncode(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "n"}, Data: map[string]string{"b": "2", "a": "1"}}
	body := apiregistry.Encode(nil, "v1", "ConfigMap", cm)
	obj, env, err := apiregistry.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := obj.(*corev1.ConfigMap)
	if !ok || env.Kind != "ConfigMap" || got.APIVersion != "v1" || got.Kind != "ConfigMap" || got.Data["a"] != "1" {
		t.Fatalf("%T %+v", obj, obj)
	}
	if again := apiregistry.Encode(nil, env.APIVersion, env.Kind, obj); !bytes.Equal(again, body) {
		t.Error("re-encoded differently")
	}
	js, err := codec.Marshal(obj)
	if err != nil || !bytes.Contains(js, []byte(`"kind":"ConfigMap","apiVersion":"v1"`)) {
		t.Errorf("JSON %s %v", js, err)
	}
	var pe *metav1.ProtoError
	if _, _, err := apiregistry.Decode(append([]byte("k8s\x00\x0a\x0f\x0a\x02v1\x12\x09ConfigMop"), 0x1a, 0, 0x22, 0)); !errors.As(err, &pe) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := apiregistry.Decode(body[:len(body)-6]); !errors.As(err, &pe) {
		t.Errorf("truncated: %v", err)
	}
}
