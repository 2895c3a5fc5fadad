package metav1_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
)

// A whole object's protobuf decodes into PartialObjectMetadata (field 1 is
// every kind's metadata), and a list's items each into theirs, through the
// one decode path in every ownership.
func TestPartialObjectMetadataProto(t *testing.T) {
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: "ns", UID: "u-" + name, ResourceVersion: "7",
			Labels: map[string]string{"app": "web"}, Finalizers: []string{"f"}}
	}
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "9", Continue: "tok"}, Items: []corev1.Pod{
		{ObjectMeta: meta("a"), Spec: corev1.PodSpec{NodeName: "n1"}},
		{ObjectMeta: meta("b"), Status: corev1.PodStatus{Phase: corev1.PodRunning}},
	}}
	body := protowire.Wrap(nil, "meta.k8s.io/v1", "PartialObjectMetadataList", list)
	for _, own := range []codec.Ownership{codec.Owned, codec.Borrowed, codec.Detached} {
		var got metav1.PartialObjectMetadataList
		require.NoError(t, codec.DecodeBody(body, codec.ProtobufContentType, &got, own))
		assert.Equal(t, metav1.TypeMeta{Kind: "PartialObjectMetadataList", APIVersion: "meta.k8s.io/v1"}, got.TypeMeta)
		assert.Equal(t, list.ListMeta, got.ListMeta)
		require.Len(t, got.Items, 2)
		for i, it := range got.Items {
			assert.Equal(t, metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"}, it.TypeMeta)
			assert.Equal(t, list.Items[i].ObjectMeta, it.ObjectMeta)
		}
	}

	pod := list.Items[0]
	var one metav1.PartialObjectMetadata
	require.NoError(t, codec.DecodeBody(protowire.Wrap(nil, "v1", "Pod", &pod), codec.ProtobufContentType, &one, codec.Detached))
	assert.Equal(t, metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"}, one.TypeMeta)
	assert.Equal(t, pod.ObjectMeta, one.ObjectMeta)

	msg := pod.AppendProto(nil)
	for n := 1; n < len(msg); n++ {
		var p metav1.PartialObjectMetadata
		err := p.UnmarshalProto(msg[:n])
		var pe *metav1.ProtoError
		if err != nil {
			require.True(t, errors.As(err, &pe), "truncated at %d: %T %v", n, err, err)
		}
	}
}

// PartialObjectMetadata(List) encode as the server writes them: what a
// ConfigMap's message holds in field 1, and a list whose items carry no
// type; decoding gives back the same values.
func TestPartialObjectMetadataProtoEncode(t *testing.T) {
	n := int64(3)
	list := metav1.PartialObjectMetadataList{
		TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadataList", APIVersion: "meta.k8s.io/v1"},
		ListMeta: metav1.ListMeta{ResourceVersion: "9", Continue: "tok", RemainingItemCount: &n},
	}
	for _, name := range []string{"a", "b"} {
		list.Items = append(list.Items, metav1.PartialObjectMetadata{
			TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: "u-" + name, ResourceVersion: "7",
				Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"x": "y"}, Finalizers: []string{"f"},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "p", UID: "pu"}}},
		})
	}
	msg := list.AppendProto(nil)
	assert.Len(t, msg, list.ProtoSize())
	var got metav1.PartialObjectMetadataList
	require.NoError(t, codec.DecodeBody(protowire.Wrap(nil, "meta.k8s.io/v1", "PartialObjectMetadataList", &list),
		codec.ProtobufContentType, &got, codec.Detached))
	assert.Equal(t, list, got)

	one := list.Items[0]
	assert.Len(t, one.AppendProto(nil), one.ProtoSize())
	cm := corev1.ConfigMap{ObjectMeta: one.ObjectMeta}
	assert.Equal(t, cm.AppendProto(nil), one.AppendProto(nil), "field 1 of the object's message")
	var back metav1.PartialObjectMetadata
	require.NoError(t, codec.DecodeBody(protowire.Wrap(nil, "meta.k8s.io/v1", "PartialObjectMetadata", &one),
		codec.ProtobufContentType, &back, codec.Detached))
	assert.Equal(t, one, back)
}
