package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
)

const crdYAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    subresources: {status: {}}
`

func newFakeClient(t *testing.T, opts ...Option) (*Client, *fake.Server) {
	t.Helper()
	srv := fake.NewServer(t, fake.WithObjects(crdYAML))
	rc, err := rest.New(srv.Config(), rest.WithMaxRetries(0), rest.WithRateLimit(1000, 1000))
	require.NoError(t, err)
	c, err := New(rc, opts...)
	require.NoError(t, err)
	return c, srv
}

func TestServerResourcesAggregatedAndLegacyAgree(t *testing.T) {
	ctx := t.Context()
	agg, srv := newFakeClient(t)
	srv.ResetRequests()
	a, err := agg.ServerResources(ctx)
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 2, "aggregated discovery takes two requests")

	rc, err := rest.New(srv.Config(), rest.WithRateLimit(1000, 1000))
	require.NoError(t, err)
	leg, err := New(rc, WithLegacyDiscovery())
	require.NoError(t, err)
	l, err := leg.ServerResources(ctx)
	require.NoError(t, err)
	require.Equal(t, len(a.Groups), len(l.Groups))
	assert.Equal(t, a.Preferred(), l.Preferred())

	apps, ok := a.Group("apps")
	require.True(t, ok)
	assert.Equal(t, "v1", apps.PreferredVersion)
	var dep Resource
	for _, r := range apps.Versions[0].Resources {
		if r.Name == "deployments" {
			dep = r
		}
	}
	assert.Equal(t, "Deployment", dep.Kind)
	assert.Equal(t, "deployment", dep.SingularName)
	assert.True(t, dep.Namespaced)
	assert.Contains(t, dep.ShortNames, "deploy")
	assert.Contains(t, dep.Categories, "all")
	assert.True(t, dep.HasVerb("watch"))
	var subs []string
	for _, s := range dep.Subresources {
		subs = append(subs, s.Name)
		if s.Name == "scale" {
			assert.Equal(t, "Scale", s.Kind)
			assert.Equal(t, "autoscaling", s.Group)
		}
	}
	assert.ElementsMatch(t, []string{"scale", "status"}, subs)

	wg, ok := a.Group("example.com")
	require.True(t, ok)
	assert.Equal(t, "widgets", wg.Versions[0].Resources[0].Name)

	// Memory cache: no more requests.
	srv.ResetRequests()
	_, err = agg.ServerResources(ctx)
	require.NoError(t, err)
	assert.Empty(t, srv.Requests())
	agg.Invalidate()
	_, err = agg.ServerResources(ctx)
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 2)
}

func TestServerVersion(t *testing.T) {
	c, _ := newFakeClient(t)
	v, err := c.ServerVersion(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "1", v.Major)
	assert.True(t, strings.HasPrefix(v.GitVersion, "v1."))
}

func TestLegacyGroupVersionFailureIsPartial(t *testing.T) {
	c, srv := newFakeClient(t, WithLegacyDiscovery())
	// The fake answers /apis/example.com/v1 from its registry; make it fail
	// like an unavailable aggregated API by proxying through a handler.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/apis/example.com/v1" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"service unavailable","reason":"ServiceUnavailable","code":503}`))
			return
		}
		srv.ServeHTTP(w, r)
	})
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	rc, err := rest.New(&config.Config{Server: hs.URL}, rest.WithMaxRetries(0), rest.WithRateLimit(1000, 1000))
	require.NoError(t, err)
	c, err = New(rc, WithLegacyDiscovery())
	require.NoError(t, err)

	res, err := c.ServerResources(t.Context())
	var pe *PartialError
	require.ErrorAs(t, err, &pe)
	require.Len(t, pe.Failed, 1)
	assert.Equal(t, "example.com/v1", pe.Failed[0].GroupVersion)
	assert.True(t, rest.IsServiceUnavailable(pe.Failed[0].Err))
	require.NotNil(t, res)
	_, ok := res.Group("apps")
	assert.True(t, ok)
	m := NewRESTMapper(res)
	r, err := m.ResourceFor("deploy")
	require.NoError(t, err)
	assert.Equal(t, "deployments.v1.apps", r.String())
}

// aggregatedServer serves a hand-written aggregated discovery document with
// one stale group version, and counts requests.
func aggregatedServer(t *testing.T, apis *atomic.Value, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if !strings.Contains(r.Header.Get("Accept"), "as=APIGroupDiscoveryList") {
			t.Errorf("unexpected legacy request %s", r.URL.Path)
			http.NotFound(w, r)
			return
		}
		var body string
		switch r.URL.Path {
		case "/api":
			body = `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{},"versions":[{"version":"v1","freshness":"Current","resources":[
{"resource":"pods","responseKind":{"group":"","version":"v1","kind":"Pod"},"scope":"Namespaced","singularResource":"pod","verbs":["get","list"],"shortNames":["po"],"categories":["all"],
 "subresources":[{"subresource":"status","responseKind":{"group":"","version":"v1","kind":"Pod"},"verbs":["get","patch"]}]}]}]}]}`
		case "/apis":
			body = apis.Load().(string)
		default:
			t.Errorf("unexpected path %s", r.URL.Path)
			http.NotFound(w, r)
			return
		}
		etag := `"` + hashString(body) + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
		w.Write([]byte(body))
	}))
	t.Cleanup(hs.Close)
	return hs
}

func hashString(s string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return strings.Repeat("x", int(h%7)+1) + string(rune('a'+h%26))
}

const apisWithStale = `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[
{"metadata":{"name":"apps"},"versions":[{"version":"v1","freshness":"Current","resources":[{"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment","verbs":["get"],"shortNames":["deploy"]}]}]},
{"metadata":{"name":"metrics.k8s.io"},"versions":[{"version":"v1beta1","freshness":"Stale"}]}]}`

func TestAggregatedStaleGroupIsPartial(t *testing.T) {
	var apis atomic.Value
	apis.Store(apisWithStale)
	var hits atomic.Int32
	hs := aggregatedServer(t, &apis, &hits)
	rc, err := rest.New(&config.Config{Server: hs.URL})
	require.NoError(t, err)
	c, err := New(rc)
	require.NoError(t, err)
	res, err := c.ServerResources(t.Context())
	var pe *PartialError
	require.ErrorAs(t, err, &pe)
	require.Len(t, pe.Failed, 1)
	assert.Equal(t, "metrics.k8s.io/v1beta1", pe.Failed[0].GroupVersion)
	var se *StaleError
	assert.True(t, errors.As(err, &se))
	assert.Contains(t, err.Error(), "metrics.k8s.io/v1beta1")
	assert.Equal(t, int32(2), hits.Load())
	require.NotNil(t, res)
	m := NewRESTMapper(res)
	r, err := m.ResourceFor("po")
	require.NoError(t, err)
	assert.Equal(t, "pods", r.Name)
	assert.Equal(t, "status", r.Subresources[0].Name)
}

const apisCurrent = `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[
{"metadata":{"name":"apps"},"versions":[{"version":"v1","freshness":"Current","resources":[{"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment","verbs":["get"],"shortNames":["deploy"]}]}]}]}`

const apisWithCRD = `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[
{"metadata":{"name":"apps"},"versions":[{"version":"v1","freshness":"Current","resources":[{"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment","verbs":["get"],"shortNames":["deploy"]}]}]},
{"metadata":{"name":"example.com"},"versions":[{"version":"v1","freshness":"Current","resources":[{"resource":"widgets","responseKind":{"group":"example.com","version":"v1","kind":"Widget"},"scope":"Namespaced","singularResource":"widget","verbs":["get"]}]}]}]}`

func TestDiskCache(t *testing.T) {
	var apis atomic.Value
	apis.Store(apisCurrent)
	var hits atomic.Int32
	hs := aggregatedServer(t, &apis, &hits)
	notModified := countNotModified(t, hs)
	dir := filepath.Join(t.TempDir(), "cache", "discovery")
	rc, err := rest.New(&config.Config{Server: hs.URL})
	require.NoError(t, err)

	now := time.Now()
	newClient := func() *Client {
		c, err := New(rc, WithDiskCache(dir, time.Hour))
		require.NoError(t, err)
		c.now = func() time.Time { return now }
		return c
	}
	ctx := context.Background()
	_, err = newClient().ServerResources(ctx)
	require.NoError(t, err)
	require.Equal(t, int32(2), hits.Load())

	// Private permissions.
	sdir := ServerCacheDir(dir, hs.URL)
	assert.NotContains(t, filepath.Base(sdir), ":")
	fi, err := os.Stat(sdir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(sdir, cacheFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// A new client revalidates the entry with the ETags: 304, nothing to
	// download.
	res, err := newClient().ServerResources(ctx)
	require.NoError(t, err)
	assert.Equal(t, int32(4), hits.Load())
	assert.Equal(t, int32(2), notModified.Load())
	_, ok := res.Group("apps")
	assert.True(t, ok)

	// A new group, within the TTL: the ETag no longer matches and the new
	// answer is used and replaces the entry. Failed before the change:
	// the entry was used without asking.
	apis.Store(apisWithCRD)
	res, err = newClient().ServerResources(ctx)
	require.NoError(t, err)
	_, ok = res.Group("example.com")
	assert.True(t, ok, "a group added since the entry was stored")
	var stored diskEntry
	b, err := os.ReadFile(filepath.Join(sdir, cacheFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &stored))
	_, ok = stored.Resources.Group("example.com")
	assert.True(t, ok, "the new answer was stored")
	r, err := newClient().ResourceFor(ctx, "widgets")
	require.NoError(t, err)
	assert.Equal(t, "Widget", r.Kind)

	// A cache file others can write is ignored: asked for in full.
	require.NoError(t, os.Chmod(filepath.Join(sdir, cacheFile), 0o666))
	before, before304 := hits.Load(), notModified.Load()
	_, err = newClient().ServerResources(ctx)
	require.NoError(t, err)
	assert.Equal(t, before+2, hits.Load())
	assert.Equal(t, before304, notModified.Load())

	// A corrupt file is replaced: asked for in full, then revalidated.
	require.NoError(t, os.WriteFile(filepath.Join(sdir, cacheFile), []byte("{garbage"), 0o600))
	_, err = newClient().ServerResources(ctx)
	require.NoError(t, err)
	assert.Equal(t, before304, notModified.Load())
	_, err = newClient().ServerResources(ctx)
	require.NoError(t, err)
	assert.Equal(t, before+6, hits.Load())
	assert.Equal(t, before304+2, notModified.Load())
}

// countNotModified counts the 304 answers hs sends.
func countNotModified(t *testing.T, hs *httptest.Server) *atomic.Int32 {
	var n atomic.Int32
	h := hs.Config.Handler
	hs.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&statusRecorder{ResponseWriter: w, n: &n}, r)
	})
	return &n
}

type statusRecorder struct {
	http.ResponseWriter
	n *atomic.Int32
}

func (s *statusRecorder) WriteHeader(code int) {
	if code == http.StatusNotModified {
		s.n.Add(1)
	}
	s.ResponseWriter.WriteHeader(code)
}

// Legacy discovery: an entry within its TTL is used only while the group
// lists are unchanged. Failed before the change: a new group was missing
// until the TTL ran out.
func TestLegacyDiskCacheNoticesNewGroup(t *testing.T) {
	srv := fake.NewServer(t)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	dir := t.TempDir()
	newClient := func() *Client {
		c, err := New(rc, WithDiskCache(dir, time.Hour), WithLegacyDiscovery())
		require.NoError(t, err)
		return c
	}
	ctx := t.Context()
	_, err = newClient().ServerResources(ctx)
	require.NoError(t, err)

	before := len(srv.Requests())
	res, err := newClient().ServerResources(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, len(srv.Requests())-before, "only /api and /apis are read while the groups are unchanged")
	_, ok := res.Group("example.com")
	assert.False(t, ok)

	require.NoError(t, srv.Seed(crdYAML))
	res, err = newClient().ServerResources(ctx)
	require.NoError(t, err)
	_, ok = res.Group("example.com")
	assert.True(t, ok, "a group added since the entry was stored")
}
