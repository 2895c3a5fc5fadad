package typed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/authorizationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/api/networkingv1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/fixtures"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// call is one request the test server received.
type call struct {
	Method, Path, Query, ContentType, Body string
}

// setup starts a server whose handlers are keyed by "METHOD /path"; any other
// request fails the test. It returns the client and the calls log.
func setup(t *testing.T, routes map[string]http.HandlerFunc) (*rest.Client, *[]call) {
	t.Helper()
	return setupRC(t, routes)
}

// setupRC is setup returning the rest client.
func setupRC(t *testing.T, routes map[string]http.HandlerFunc) (*rest.Client, *[]call) {
	t.Helper()
	var mu sync.Mutex
	calls := &[]call{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		*calls = append(*calls, call{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), string(body)})
		mu.Unlock()
		h, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	// These routes speak JSON, as a server that does not know protobuf
	// (proto_test.go covers protobuf against the fake server).
	rc, err := rest.New(&config.Config{Server: srv.URL}, rest.WithRateLimit(-1, 0), rest.WithMaxRetries(0), rest.WithJSON())
	require.NoError(t, err)
	return rc, calls
}

func respond(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }
}

func status(code int, reason, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":%q,"reason":%q,"code":%d}`, msg, reason, code)
	}
}

const cmPath = "/api/v1/namespaces/ns1/configmaps"

func TestGetDecodesTypedObject(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{
		"GET " + cmPath + "/web": respond(`{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"web","namespace":"ns1","resourceVersion":"7"},"data":{"k":"v"}}`),
	})
	cm, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Get(context.Background(), "web", metav1.GetOptions{ResourceVersion: "0"})
	require.NoError(t, err)
	assert.Equal(t, "web", cm.Name)
	assert.Equal(t, "7", cm.ResourceVersion)
	assert.Equal(t, map[string]string{"k": "v"}, cm.Data)
	assert.Equal(t, "resourceVersion=0", (*calls)[0].Query)
}

func TestGetNotFoundIsTypedError(t *testing.T) {
	c, _ := setup(t, map[string]http.HandlerFunc{
		"GET " + cmPath + "/nope": status(404, "NotFound", `configmaps "nope" not found`),
	})
	_, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Get(context.Background(), "nope", metav1.GetOptions{})
	require.Error(t, err)
	assert.True(t, rest.IsNotFound(err))
	assert.Equal(t, `configmaps "nope" not found`, err.Error())
}

func TestScopeErrors(t *testing.T) {
	c, calls := setup(t, nil)
	ctx := context.Background()
	all := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "")
	_, err := all.Get(ctx, "x", metav1.GetOptions{})
	var se *rest.RequestError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "Namespace", se.Field)
	assert.Contains(t, err.Error(), "namespace is required")
	_, err = all.Create(ctx, &corev1.ConfigMap{}, metav1.CreateOptions{})
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "Namespace", se.Field)
	_, err = typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Get(ctx, "", metav1.GetOptions{})
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "Name", se.Field)
	_, err = typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Apply(ctx, "x", map[string]any{}, metav1.ApplyOptions{})
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "FieldManager", se.Field)
	assert.Empty(t, *calls, "no request is sent for a request that cannot be right")
}

func TestClusterScopedIgnoresNamespace(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{
		"GET /api/v1/nodes/n1": respond(`{"kind":"Node","apiVersion":"v1","metadata":{"name":"n1"}}`),
	})
	n, err := typed.For[corev1.Node, corev1.NodeList](c, "").Get(context.Background(), "n1", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "n1", n.Name)
	assert.Equal(t, "/api/v1/nodes/n1", (*calls)[0].Path)
}

func TestListSendsOptions(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{
		"GET /api/v1/pods": respond(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"a","namespace":"x"}}]}`),
	})
	yes := true
	l, err := typed.For[corev1.Pod, corev1.PodList](c, "").List(context.Background(), metav1.ListOptions{
		LabelSelector: "app=web", FieldSelector: "spec.nodeName=n1", Limit: 5, TimeoutSeconds: 3,
		ResourceVersion: "0", ResourceVersionMatch: "NotOlderThan", AllowWatchBookmarks: true, SendInitialEvents: &yes,
	})
	require.NoError(t, err)
	require.Len(t, l.Items, 1)
	assert.Equal(t, "9", l.ResourceVersion)
	q := (*calls)[0].Query
	for _, want := range []string{"labelSelector=app%3Dweb", "fieldSelector=spec.nodeName%3Dn1", "limit=5", "timeoutSeconds=3",
		"resourceVersion=0", "resourceVersionMatch=NotOlderThan", "allowWatchBookmarks=true", "sendInitialEvents=true"} {
		assert.Contains(t, q, want)
	}
}

// pages serves a list in pages of two, keyed by the continue token; expire
// makes the second token answer 410 Expired.
func pages(items []string, expire bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := 0
		if tok := r.URL.Query().Get("continue"); tok != "" {
			if expire {
				status(410, "Expired", "The provided continue parameter is too old")(w, r)
				return
			}
			fmt.Sscanf(tok, "tok%d", &start)
		}
		end := len(items)
		if r.URL.Query().Get("limit") == "2" && start+2 < len(items) {
			end = start + 2
		}
		var objs []string
		for _, n := range items[start:end] {
			objs = append(objs, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":"ns1"}}`, n))
		}
		cont := ""
		if end < len(items) {
			cont = fmt.Sprintf("tok%d", end)
		}
		fmt.Fprintf(w, `{"kind":"ConfigMapList","metadata":{"continue":%q},"items":[%s]}`, cont, strings.Join(objs, ","))
	}
}

func names(t *testing.T, c typed.Interface[corev1.ConfigMap, corev1.ConfigMapList], opts metav1.ListOptions) ([]string, error) {
	t.Helper()
	var out []string
	for cm, err := range c.All(context.Background(), opts) {
		if err != nil {
			return out, err
		}
		out = append(out, cm.Name)
	}
	return out, nil
}

func TestAllFollowsContinueWithoutChangingOptions(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{"GET " + cmPath: pages([]string{"a", "b", "c", "d", "e"}, false)})
	opts := metav1.ListOptions{Limit: 2, LabelSelector: "x=y"}
	got, err := names(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1"), opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, got)
	assert.Len(t, *calls, 3)
	assert.Equal(t, metav1.ListOptions{Limit: 2, LabelSelector: "x=y"}, opts)
	assert.Contains(t, (*calls)[2].Query, "continue=tok4")
	assert.Contains(t, (*calls)[2].Query, "labelSelector=x%3Dy")
}

func TestAllFallsBackToFullListWhenTokenExpired(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{"GET " + cmPath: pages([]string{"a", "b", "c", "d"}, true)})
	got, err := names(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1"), metav1.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", "d"}, got, "each object once, none lost")
	require.Len(t, *calls, 3)
	assert.NotContains(t, (*calls)[2].Query, "continue")
	assert.NotContains(t, (*calls)[2].Query, "limit")
}

func TestAllStopsEarlyAndYieldsErrors(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{
		"GET " + cmPath:                       pages([]string{"a", "b", "c"}, false),
		"GET /api/v1/namespaces/x/configmaps": status(403, "Forbidden", `configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "x"`),
	})
	for range typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").All(context.Background(), metav1.ListOptions{Limit: 2}) {
		break
	}
	assert.Len(t, *calls, 1, "breaking out of the loop fetches no more pages")
	_, err := names(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "x"), metav1.ListOptions{})
	assert.True(t, rest.IsForbidden(err))
}

func TestCreateUpdatePatchApplyBodies(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) }
	c, calls := setup(t, map[string]http.HandlerFunc{
		"POST " + cmPath:                                echo,
		"PUT " + cmPath + "/web":                        echo,
		"PUT " + "/api/v1/namespaces/ns1/pods/p/status": echo,
		"PATCH " + cmPath + "/web":                      respond(`{"metadata":{"name":"web"},"data":{"p":"1"}}`),
	})
	ctx := context.Background()
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web", ResourceVersion: "3"}, Data: map[string]string{"a": "b"}}

	got, err := cms.Create(ctx, cm, metav1.CreateOptions{DryRun: true, FieldManager: "me"})
	require.NoError(t, err)
	assert.Equal(t, cm.Data, got.Data)
	assert.Equal(t, "dryRun=All&fieldManager=me", (*calls)[0].Query)
	assert.Equal(t, "application/json", (*calls)[0].ContentType)

	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	require.NoError(t, err)
	var sent corev1.ConfigMap
	require.NoError(t, json.Unmarshal([]byte((*calls)[1].Body), &sent))
	want := *cm
	want.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}
	assert.Equal(t, want, sent, "the whole object is sent, apiVersion and kind from the descriptor")
	assert.Equal(t, metav1.TypeMeta{}, cm.TypeMeta, "the caller's object is left as it was")

	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}}
	_, err = typed.For[corev1.Pod, corev1.PodList](c, "ns1").UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/namespaces/ns1/pods/p/status", (*calls)[2].Path)

	p, err := cms.Patch(ctx, "web", rest.StrategicMergePatch, []byte(`{"data":{"p":"1"}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Equal(t, "1", p.Data["p"])
	assert.Equal(t, string(rest.StrategicMergePatch), (*calls)[3].ContentType)

	_, err = cms.Apply(ctx, "web", []byte("apiVersion: v1\nkind: ConfigMap\n"), metav1.ApplyOptions{FieldManager: "kw", Force: true})
	require.NoError(t, err)
	assert.Equal(t, string(rest.ApplyPatch), (*calls)[4].ContentType)
	assert.Equal(t, "fieldManager=kw&force=true", (*calls)[4].Query)
	assert.Equal(t, "apiVersion: v1\nkind: ConfigMap\n", (*calls)[4].Body, "raw apply config is sent as it is")
}

func TestUpdateConflict(t *testing.T) {
	msg := `Operation cannot be fulfilled on configmaps "web": the object has been modified; please apply your changes to the latest version and try again`
	c, _ := setup(t, map[string]http.HandlerFunc{"PUT " + cmPath + "/web": status(409, "Conflict", msg)})
	_, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Update(context.Background(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web"}}, metav1.UpdateOptions{})
	assert.True(t, rest.IsConflict(err))
	assert.Equal(t, msg, err.Error())
}

func TestDeleteOptionsTravelInBody(t *testing.T) {
	ok := respond(`{"kind":"Status","apiVersion":"v1","status":"Success"}`)
	c, calls := setup(t, map[string]http.HandlerFunc{
		"DELETE " + cmPath + "/web": ok,
		"DELETE " + cmPath:          ok,
	})
	ctx := context.Background()
	require.NoError(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Delete(ctx, "web", metav1.DeleteOptions{}))
	assert.Empty(t, (*calls)[0].Body)
	zero := int64(0)
	require.NoError(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Delete(ctx, "web", metav1.DeleteOptions{
		PropagationPolicy: new(metav1.DeletePropagationForeground), GracePeriodSeconds: &zero, DryRun: []string{metav1.DryRunAll},
		Preconditions: &metav1.Preconditions{UID: new("u1"), ResourceVersion: new("5")},
	}))
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte((*calls)[1].Body), &body))
	assert.Equal(t, map[string]any{"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground",
		"gracePeriodSeconds": 0.0, "dryRun": []any{"All"}, "preconditions": map[string]any{"uid": "u1", "resourceVersion": "5"}}, body)
	require.NoError(t, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "a=b"}))
	assert.Equal(t, "labelSelector=a%3Db", (*calls)[2].Query)
}

func TestWatchDecodesTypedEvents(t *testing.T) {
	c, calls := setup(t, map[string]http.HandlerFunc{
		"GET " + cmPath: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"2"}}}`+"\n")
			io.WriteString(w, `{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"3"}}}`+"\n")
			io.WriteString(w, `{"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410,"message":"too old resource version: 1 (2)"}}`+"\n")
		},
	})
	w, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Watch(context.Background(), metav1.ListOptions{ResourceVersion: "1", AllowWatchBookmarks: true})
	require.NoError(t, err)
	defer w.Close()
	var got []string
	var last error
	for ev, err := range w.Events() {
		if err != nil {
			last = err
			break
		}
		got = append(got, string(ev.Type)+":"+ev.Object.Name+"@"+ev.Object.ResourceVersion)
	}
	assert.Equal(t, []string{"ADDED:a@2", "BOOKMARK:@3"}, got)
	assert.True(t, rest.IsResourceExpired(last), "410 in the stream is a typed error: %v", last)
	assert.Contains(t, (*calls)[0].Query, "watch=true")
}

func TestWatchGarbageObjectIsDecodeError(t *testing.T) {
	c, _ := setup(t, map[string]http.HandlerFunc{
		"GET " + cmPath: respond(`{"type":"ADDED","object":{"metadata":{"name":5}}}` + "\n"),
	})
	w, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Watch(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	defer w.Close()
	_, err = w.Next()
	var de *rest.DecodeError
	assert.True(t, errors.As(err, &de), "got %v", err)
}

// listServer serves a PodList of n pods (fixtures.PodListJSON) at
// /api/v1/pods, without Content-Length like the API server, over HTTP/1.1
// or, with tls2, HTTP/2 over TLS; with mem, from memory without a server.
func listServer(tb testing.TB, n int, tls2, mem bool) (*rest.Client, int) {
	tb.Helper()
	body := fixtures.PodListJSON(n)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	if mem {
		rc, err := rest.New(&config.Config{Server: "http://mem"}, rest.WithRateLimit(-1, 0),
			rest.WithTransport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1, Request: r}, nil
			})))
		require.NoError(tb, err)
		return rc, len(body)
	}
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
	tb.Cleanup(srv.Close)
	cfg.Server = srv.URL
	rc, err := rest.New(cfg, rest.WithRateLimit(-1, 0))
	require.NoError(tb, err)
	return rc, len(body)
}

// BenchmarkListPods is a typed List end to end: 10,000 pods (62.7 MB of
// JSON) from an httptest server in the same process.
func BenchmarkListPods(b *testing.B) {
	for _, tc := range []struct {
		name string
		n    int
		tls2 bool
		mem  bool
	}{
		{"10000/mem", 10000, false, true}, {"10000/http1", 10000, false, false},
		{"10000/http2tls", 10000, true, false}, {"100/http1", 100, false, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			rc, size := listServer(b, tc.n, tc.tls2, tc.mem)
			pods := typed.For[corev1.Pod, corev1.PodList](rc, "")
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				l, err := pods.List(context.Background(), metav1.ListOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Items) != tc.n {
					b.Fatal(len(l.Items))
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// cpuTime is the process's user and system CPU time, which a loaded
// machine disturbs less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// A large list is decoded in parallel from the body; it must equal the
// sequential decoder's result.
func TestListLargeMatchesUnmarshal(t *testing.T) {
	rc, _ := listServer(t, 700, false, false)
	got, err := typed.For[corev1.Pod, corev1.PodList](rc, "").List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	var want corev1.PodList
	require.NoError(t, want.UnmarshalJSON(fixtures.PodListJSON(700)))
	require.Len(t, got.Items, 700)
	assert.Equal(t, want, *got)

	rc, _ = listServer(t, 700, true, false)
	got, err = typed.For[corev1.Pod, corev1.PodList](rc, "").List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, want, *got)
}

func TestListBadBodyIsDecodeError(t *testing.T) {
	for _, body := range []string{`{"items":[{"metadata":{"name":1}}]}`, `{"items":[`, `[]`, `{"kind":"PodList"} x`} {
		c, _ := setup(t, map[string]http.HandlerFunc{"GET /api/v1/pods": respond(body)})
		_, err := typed.For[corev1.Pod, corev1.PodList](c, "").List(context.Background(), metav1.ListOptions{})
		var de *rest.DecodeError
		assert.ErrorAs(t, err, &de, body)
	}
}

func TestForTakesTheKindsDescriptor(t *testing.T) {
	pods := typed.For[corev1.Pod, corev1.PodList](nil, "team-a")
	assert.Same(t, &corev1.PodResource, pods.Resource())
	assert.Equal(t, "team-a", pods.Namespace())
	nodes := typed.For[corev1.Node, corev1.NodeList](nil, "ignored")
	assert.Same(t, &corev1.NodeResource, nodes.Resource())
	assert.Equal(t, "", nodes.Namespace(), "a cluster-scoped kind has no namespace")
	assert.Same(t, &networkingv1.NetworkPolicyResource, typed.For[networkingv1.NetworkPolicy, networkingv1.NetworkPolicyList](nil, "x").Resource())
	assert.Same(t, &appsv1.StatefulSetResource, typed.For[appsv1.StatefulSet, appsv1.StatefulSetList](nil, "").Resource())
	reviews := typed.For[authorizationv1.SelfSubjectAccessReview, metav1.Status](nil, "")
	assert.Same(t, &authorizationv1.SelfSubjectAccessReviewResource, reviews.Resource())
}
