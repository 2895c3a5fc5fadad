package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/controller"
	kwmetadata "github.com/kubewire/kubewire/metadata"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"
)

// partialLists returns the pod list as the API server answers
// `as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`: JSON and protobuf.
func partialLists(pods *corev1.PodList) (js, pb []byte, err error) {
	l := &metav1.PartialObjectMetadataList{
		TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadataList", APIVersion: "meta.k8s.io/v1"},
		ListMeta: pods.ListMeta,
	}
	for i := range pods.Items {
		p := meta.AsPartialObjectMetadata(&pods.Items[i])
		p.TypeMeta = metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"}
		l.Items = append(l.Items, *p)
	}
	if js, err = json.Marshal(l); err != nil {
		return nil, nil, err
	}
	s := runtime.NewScheme()
	metav1.AddMetaToScheme(s)
	var b bytes.Buffer
	if err := protobuf.NewSerializer(s, s).Encode(l, &b); err != nil {
		return nil, nil, err
	}
	return js, b.Bytes(), nil
}

// metadataServer holds the metadata lists of pods apiServer answers.
type metadataServer struct {
	metaJSON, metaProto []byte
}

func (m *metadataServer) list(accept string) (ct string, body []byte, ok bool) {
	if !strings.Contains(accept, "as=PartialObjectMetadataList") {
		return "", nil, false
	}
	// The first acceptable type wins: client-go's metadata client asks
	// for protobuf first, as it does of a real server.
	if strings.HasPrefix(accept, "application/vnd.kubernetes.protobuf") {
		return "application/vnd.kubernetes.protobuf", m.metaProto, true
	}
	return "application/json", m.metaJSON, true
}

// metadataCases are the informers of pods as PartialObjectMetadata.
func metadataCases() []informerCase {
	return []informerCase{
		{"client-go metadatainformer (PartialObjectMetadata)", false, clientgoMetadataInformer},
		{"kubewire metadata informer (metav1.PartialObjectMetadata)", true, kubewireMetadataInformer},
	}
}

// listOnlyMetadata is client-go's metadata client declaring that it lists
// with LIST, as the other client-go cases are told.
type listOnlyMetadata struct {
	metadata.Interface
	listOnly
}

func clientgoMetadataInformer(s *server, n int) (func(), error) {
	mc, err := metadata.NewForConfig(s.clientgo)
	if err != nil {
		return nil, err
	}
	gvr := corev1.SchemeGroupVersion.WithResource("pods")
	inf := metadatainformer.NewFilteredMetadataInformer(listOnlyMetadata{Interface: mc}, gvr, "", 0,
		cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}, nil).Informer()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { inf.Run(stop); close(done) }()
	if err := waitFor(func() bool { return inf.HasSynced() && len(inf.GetStore().ListKeys()) == n }); err != nil {
		close(stop)
		return nil, fmt.Errorf("client-go metadata informer: %w", err)
	}
	return func() { close(stop); <-done }, nil
}

func kubewireMetadataInformer(s *server, n int) (func(), error) {
	rc, err := s.kubewireREST()
	if err != nil {
		return nil, err
	}
	inf, err := controller.NewInformer(kwmetadata.ListerWatcher(kwmetadata.New(rc, &kwcorev1.PodResource, "")))
	if err != nil {
		return nil, err
	}
	return runKubewire(inf, n)
}
