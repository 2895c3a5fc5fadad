package dynamic

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/rest"
)

// podListJSON returns a PodList of n realistic pods (about 3.5 KB each:
// labels, annotations, an owner reference, managed fields, two containers
// with env, ports, resources, probes and mounts, and a running status), in
// the API server's field order.
func podListJSON(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"%d"},"items":[`, 100000+n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, podTemplate, i, i%7, 1000+i, i%3, i%250, i)
	}
	b.WriteString("]}")
	return b.Bytes()
}

var podTemplate = strings.Join(strings.Fields(`{"metadata":{"name":"web-%[1]d-7f9c8d","generateName":"web-7f9c8d-","namespace":"ns-%[2]d",
"uid":"0b2c6a44-6f1e-4c36-9f0a-%012[3]d","resourceVersion":"%[3]d","creationTimestamp":"2025-01-0%[4]dT10:00:00Z",
"labels":{"app":"web","pod-template-hash":"7f9c8d","tier":"frontend","release":"stable"},
"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z","prometheus.io/scrape":"true","prometheus.io/port":"9090"},
"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7f9c8d","uid":"5d1b1d1c-1b1e-4e5e-9c1c-1c1c1c1c1c1c","controller":true,"blockOwnerDeletion":true}],
"managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2025-01-01T10:00:00Z","fieldsType":"FieldsV1",
"fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"5d1b1d1c\"}":{}}},
"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{}}}}}}]},
"spec":{"volumes":[{"name":"config","configMap":{"name":"web-config","defaultMode":420}},{"name":"kube-api-access-x7k2p","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},
{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}}],"defaultMode":420}}],
"containers":[{"name":"web","image":"registry.example.com/web:1.%[5]d.0","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],
"env":[{"name":"LOG_LEVEL","value":"info"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}},{"name":"RATIO","value":"0.75"}],
"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},
"volumeMounts":[{"name":"config","readOnly":true,"mountPath":"/etc/web"},{"name":"kube-api-access-x7k2p","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],
"livenessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"initialDelaySeconds":10,"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
"readinessProbe":{"httpGet":{"path":"/ready","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":5,"successThreshold":1,"failureThreshold":3},
"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"},
{"name":"sidecar","image":"registry.example.com/proxy:2.1","args":["--port=15001","--admin=15000"],"resources":{"requests":{"cpu":"10m","memory":"32Mi"}},
"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"web","serviceAccount":"web","nodeName":"node-%[2]d",
"securityContext":{"runAsNonRoot":true,"fsGroup":2000},"schedulerName":"default-scheduler",
"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},
"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T10:00:00Z"},
{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T10:00:05Z"},{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T10:00:05Z"},
{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T10:00:00Z"}],
"hostIP":"10.0.0.%[5]d","podIP":"10.244.%[2]d.%[5]d","podIPs":[{"ip":"10.244.%[2]d.%[5]d"}],"startTime":"2025-01-01T10:00:00Z",
"containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2025-01-01T10:00:02Z"}},"lastState":{},"ready":true,"restartCount":%[6]d,
"image":"registry.example.com/web:1.0.0","imageID":"registry.example.com/web@sha256:4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b","containerID":"containerd://9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e","started":true},
{"name":"sidecar","state":{"running":{"startedAt":"2025-01-01T10:00:03Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"registry.example.com/proxy:2.1",
"imageID":"registry.example.com/proxy@sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b","containerID":"containerd://0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b","started":true}],
"qosClass":"Burstable"}}`), "")

// clientGoStyleDecode does what client-go's unstructured JSON scheme does
// to a list (apimachinery's decodeToList): one pass collecting the items as
// raw messages, one decoding the whole list into a map, then each item
// decoded again into its own map; numbers kept as int64 when integral.
// client-go itself cannot be imported here (the module allows no k8s.io
// dependency), so this is built from encoding/json as it is.
func clientGoStyleDecode(data []byte) (map[string]any, []map[string]any, error) {
	var dl struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &dl); err != nil {
		return nil, nil, err
	}
	var list map[string]any
	if err := unmarshalPreserveInts(data, &list); err != nil {
		return nil, nil, err
	}
	delete(list, "items")
	items := make([]map[string]any, 0, len(dl.Items))
	for _, raw := range dl.Items {
		var m map[string]any
		if err := unmarshalPreserveInts(raw, &m); err != nil {
			return nil, nil, err
		}
		if m["kind"] == nil && m["apiVersion"] == nil {
			m["kind"], m["apiVersion"] = "Pod", list["apiVersion"]
		}
		items = append(items, m)
	}
	return list, items, nil
}

func unmarshalPreserveInts(data []byte, v *map[string]any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	convertNumbers(*v)
	return nil
}

func BenchmarkDecodePodList(b *testing.B) {
	data := podListJSON(1000)
	b.Run("kubewire", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var l List
			if err := decodeIter(data, &l); err != nil {
				b.Fatal(err)
			}
			if len(l.Items) != 1000 {
				b.Fatal(len(l.Items))
			}
		}
	})
	b.Run("kubewire-owned", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var l List
			if err := decodeOwned(&l, bytes.Clone(data)); err != nil {
				b.Fatal(err)
			}
			if len(l.Items) != 1000 {
				b.Fatal(len(l.Items))
			}
		}
	})
	b.Run("kubewire-stream", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var l List
			if err := l.DecodeJSONFrom(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
			if len(l.Items) != 1000 {
				b.Fatal(len(l.Items))
			}
		}
	})
	b.Run("client-go-style", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			_, items, err := clientGoStyleDecode(data)
			if err != nil || len(items) != 1000 {
				b.Fatal(err)
			}
		}
	})
}

func TestDecodeMatchesBaseline(t *testing.T) {
	data := podListJSON(20)
	var l List
	if err := decodeIter(data, &l); err != nil {
		t.Fatal(err)
	}
	header, items, err := clientGoStyleDecode(data)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(map[string]any(l.Header)) != fmt.Sprint(header) {
		t.Fatalf("header %v != %v", l.Header, header)
	}
	for i := range items {
		if fmt.Sprint(map[string]any(l.Items[i])) != fmt.Sprint(items[i]) {
			t.Fatalf("item %d differs", i)
		}
	}
	if _, ok := l.Items[3]["spec"].(map[string]any)["terminationGracePeriodSeconds"].(int64); !ok {
		t.Fatal("integers must decode as int64")
	}
}

// BenchmarkListPodsE2E is the dynamic client's List of 10,000 pods
// (fixtures.PodListJSON, 62.7 MB) from an httptest server in the same
// process, over HTTP/1.1 and HTTP/2 over TLS.
func BenchmarkListPodsE2E(b *testing.B) {
	body := fixtures.PodListJSON(10000)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	for _, tls2 := range []bool{false, true} {
		name := "http1"
		if tls2 {
			name = "http2tls"
		}
		b.Run(name, func(b *testing.B) {
			var srv *httptest.Server
			cfg := &config.Config{}
			if tls2 {
				srv = httptest.NewUnstartedServer(h)
				srv.EnableHTTP2 = true
				srv.StartTLS()
				cfg.TLS.CAData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
			} else {
				srv = httptest.NewServer(h)
			}
			defer srv.Close()
			cfg.Server = srv.URL
			rc, err := rest.New(cfg, rest.WithRateLimit(-1, 0))
			if err != nil {
				b.Fatal(err)
			}
			c := New(rc, &corev1.PodResource, "")
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				l, err := c.List(context.Background(), metav1.ListOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Items) != 10000 {
					b.Fatal(len(l.Items))
				}
			}
		})
	}
}
