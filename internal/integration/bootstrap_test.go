//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// What kube-apiserver creates by itself when it starts: a fresh fake server
// holds the same objects as a fresh kube-apiserver v1.37.2 of the harness,
// resource by resource, after the normalisation below. The fake's objects
// come from fake/bootstrap.json, which this test also writes:
//
//	KUBEWIRE_WRITE_BOOTSTRAP=1 KUBE_APISERVER_BIN=~/.cache/kubewire/kube-apiserver-v1.37.2 \
//	go test -tags integration -count=1 -run TestBootstrap ./internal/integration/
//
// (then run it again without, to check the fake built with the new file).
// Without KUBEWIRE_WRITE_BOOTSTRAP it is the staleness check of that file.
func TestBootstrapObjects(t *testing.T) {
	// kube-apiserver's default endpoint reconciler writes the kubernetes
	// Service's Endpoints and EndpointSlice, but 1.37 refuses it with a
	// loopback advertise address (the harness's): this server advertises
	// the host's address instead.
	advertise := hostAddress()
	var opts []testenv.StartOption
	if advertise != "" {
		opts = append(opts, testenv.WithAPIServerArgs("--endpoint-reconciler-type", "lease", "--advertise-address", advertise))
	} else {
		t.Log("no non-loopback IPv4 address: the real server has no endpoint reconciler, its Endpoints are not compared")
	}
	env := freshServer(t, opts...) // the shared server holds other tests' objects
	ctx := testContext(t)
	realRC := clientFor(t, env, testenv.IdentityAdminToken)
	srv := fake.NewServer(t, fake.WithTLS(), fake.WithServiceCIDR("10.0.0.0/24"))
	fakeRC := newClient(t, srv.Config())

	if advertise != "" {
		// The reconciler writes them shortly after the server is ready.
		require.Eventually(t, func() bool {
			code, _ := env.Do(ctx, "GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes", nil, nil)
			return code == 200
		}, 30*time.Second, 200*time.Millisecond, "the kubernetes EndpointSlice")
		require.Eventually(t, func() bool {
			code, _ := env.Do(ctx, "GET", "/api/v1/namespaces/default/endpoints/kubernetes", nil, nil)
			return code == 200
		}, 30*time.Second, 200*time.Millisecond, "the kubernetes Endpoints")
	}
	realObjs := listEverything(ctx, t, realRC)
	dropRepairEvents(t, realObjs)
	if os.Getenv("KUBEWIRE_WRITE_BOOTSTRAP") != "" {
		require.NotEmpty(t, advertise, "the data is written from a server with an endpoint reconciler")
		writeBootstrapData(t, realObjs)
	}
	fakeObjs := listEverything(ctx, t, fakeRC)

	ru, err := url.Parse(env.Server)
	require.NoError(t, err)
	realN := normaliseBootstrapSet(realObjs, advertise, ru.Port(), env.CAPEM)
	fu, err := url.Parse(srv.URL())
	require.NoError(t, err)
	fakeN := normaliseBootstrapSet(fakeObjs, fu.Hostname(), fu.Port(), srv.CAData())
	if advertise == "" {
		for _, p := range []string{"/api/v1/endpoints", "/apis/discovery.k8s.io/v1/endpointslices"} {
			delete(fakeN, p)
		}
	}
	// The harness creates the "default" service account of namespace
	// default (there is no controller manager); the fake plays the
	// service-account controller, which gives every namespace one.
	for _, ns := range []string{"kube-system", "kube-public", "kube-node-lease"} {
		delete(fakeN["/api/v1/serviceaccounts"], ns+"/default")
	}
	assert.NotEmpty(t, realN["/apis/rbac.authorization.k8s.io/v1/clusterroles"])
	var paths []string
	for p := range realN {
		paths = append(paths, p)
	}
	for p := range fakeN {
		if realN[p] == nil {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		r, f := realN[p], fakeN[p]
		var names []string
		for k := range r {
			names = append(names, k)
		}
		for k := range f {
			if _, ok := r[k]; !ok {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			assert.Equal(t, r[n], f[n], "%s %s", p, n)
		}
	}

	// The same through kubectl 1.32 for each resource that has objects.
	kubectl := kubectlPath(t)
	dir := t.TempDir()
	fakeKC := filepath.Join(dir, "fake.kubeconfig")
	require.NoError(t, os.WriteFile(fakeKC, srv.Kubeconfig(), 0o600))
	realKC := env.Kubeconfig(testenv.IdentityAdminToken)
	for _, p := range paths {
		if len(realN[p]) == 0 || strings.HasSuffix(p, "/serviceaccounts") {
			continue
		}
		res := kubectlResource(p)
		get := func(kc, ip, port string, ca []byte) (map[string]string, string) {
			cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", kc, "get", res, "-A", "-o", "json")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr // deprecation warnings (v1 Endpoints)
			out, err := cmd.Output()
			if err != nil {
				return nil, err.Error() + ": " + stderr.String()
			}
			var l struct{ Items []map[string]any }
			if err := json.Unmarshal(out, &l); err != nil {
				return nil, err.Error()
			}
			return normaliseBootstrapSet(map[string][]map[string]any{p: l.Items}, ip, port, ca)[p], ""
		}
		r, rerr := get(realKC, advertise, ru.Port(), env.CAPEM)
		f, ferr := get(fakeKC, fu.Hostname(), fu.Port(), srv.CAData())
		require.Empty(t, rerr, res)
		require.Empty(t, ferr, res)
		assert.Equal(t, r, f, "kubectl get %s -A -o json", res)
	}
}

// dropRepairEvents removes the Warning events of kube-apiserver's cluster IP
// repair controller: at start it sometimes runs between the kubernetes
// Service's allocation and its IPAddress and reports `Cluster IP [IPv4]:
// 10.0.0.1 is not allocated; repairing` (ClusterIPNotAllocated), a race of
// the real server's, not a fact of its start.
func dropRepairEvents(t *testing.T, objs map[string][]map[string]any) {
	for p, items := range objs {
		if !strings.HasSuffix(p, "/events") {
			continue
		}
		var keep []map[string]any
		for _, o := range items {
			if o["reason"] == "ClusterIPNotAllocated" {
				t.Logf("left out: %s event %v", p, o["metadata"].(map[string]any)["name"])
				continue
			}
			keep = append(keep, o)
		}
		objs[p] = keep
	}
}

// kubectlResource names the resource of list path p for kubectl
// ("/apis/rbac.authorization.k8s.io/v1/clusterroles" is
// "clusterroles.v1.rbac.authorization.k8s.io").
func kubectlResource(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if parts[0] == "api" {
		return parts[2]
	}
	return parts[3] + "." + parts[2] + "." + parts[1]
}

// listEverything lists every resource the server serves with the list
// verb, by list path, with apiVersion and kind set on each item.
func listEverything(ctx context.Context, t *testing.T, rc *rest.Client) map[string][]map[string]any {
	t.Helper()
	gvs := []string{"v1"}
	var groups struct {
		Groups []struct {
			Versions []struct{ GroupVersion string }
		}
	}
	require.NoError(t, rc.Get().AbsPath("apis").Into(ctx, &groups))
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			gvs = append(gvs, v.GroupVersion)
		}
	}
	out := map[string][]map[string]any{}
	for _, gv := range gvs {
		base := "/apis/" + gv
		if gv == "v1" {
			base = "/api/v1"
		}
		var rl struct {
			Resources []struct {
				Name, Kind string
				Verbs      []string
			}
		}
		require.NoError(t, rc.Get().AbsPath(base).Into(ctx, &rl), base)
		for _, r := range rl.Resources {
			if strings.Contains(r.Name, "/") || !contains(r.Verbs, "list") || r.Name == "componentstatuses" {
				// componentstatuses are not stored: the real server
				// probes the components when listed.
				continue
			}
			var l struct{ Items []map[string]any }
			require.NoError(t, rc.Get().AbsPath(base, r.Name).Into(ctx, &l), base+"/"+r.Name)
			for _, it := range l.Items {
				it["apiVersion"], it["kind"] = gv, r.Kind
			}
			out[base+"/"+r.Name] = l.Items
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// hostAddress is the first non-loopback IPv4 address of the host, or "".
func hostAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsGlobalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}

// normaliseBootstrapSet returns the objects of each list path by
// "namespace/name", as indented JSON normalised for comparison: uids,
// resourceVersions, creation, managedFields and condition times removed, and
// the values that name the server itself (its advertised address ip and
// port, its CA, the holder of its identity lease) replaced when they are
// that server's. The
// managedFields entry of the harness's own aggregation of ClusterRoles (an
// Update by Go-http-client, as the controller manager's aggregation would
// do) is dropped; the aggregated rules are compared.
func normaliseBootstrapSet(in map[string][]map[string]any, ip, port string, ca []byte) map[string]map[string]string {
	out := map[string]map[string]string{}
	for p, items := range in {
		m := map[string]string{}
		for _, o := range items {
			o = normaliseBootstrapObject(o)
			b, _ := json.Marshal(o)
			if ip != "" {
				b = bytes.ReplaceAll(b, []byte(`"`+net.JoinHostPort(ip, port)+`"`), []byte(`"<address>"`))
				b = bytes.ReplaceAll(b, []byte(`"`+ip+`"`), []byte(`"<advertiseIP>"`))
			}
			if port != "" {
				b = bytes.ReplaceAll(b, []byte(`"targetPort":`+port+`}`), []byte(`"targetPort":"<port>"}`))
				b = bytes.ReplaceAll(b, []byte(`"port":`+port+`,`), []byte(`"port":"<port>",`))
			}
			if len(ca) > 0 {
				q, _ := json.Marshal(string(ca))
				b = bytes.ReplaceAll(b, q, []byte(`"<clientCA>"`))
			}
			var v any
			_ = json.Unmarshal(b, &v)
			ind, _ := json.MarshalIndent(v, "", "  ")
			md, _ := o["metadata"].(map[string]any)
			ns, _ := md["namespace"].(string)
			name, _ := md["name"].(string)
			m[ns+"/"+name] = string(ind)
		}
		if len(m) > 0 {
			out[p] = m
		}
	}
	return out
}

// normaliseBootstrapObject removes what differs from server to server and
// from start to start in one object (see normaliseBootstrapSet).
func normaliseBootstrapObject(o map[string]any) map[string]any {
	md, _ := o["metadata"].(map[string]any)
	for _, k := range []string{"uid", "resourceVersion", "creationTimestamp"} {
		delete(md, k)
	}
	if mf, ok := md["managedFields"].([]any); ok {
		var keep []any
		for _, e := range mf {
			em, _ := e.(map[string]any)
			if em["manager"] == "Go-http-client" && o["kind"] == "ClusterRole" {
				continue
			}
			delete(em, "time")
			keep = append(keep, em)
		}
		md["managedFields"] = keep
	}
	if st, ok := o["status"].(map[string]any); ok {
		if cs, ok := st["conditions"].([]any); ok {
			for _, c := range cs {
				if cm, ok := c.(map[string]any); ok {
					delete(cm, "lastTransitionTime")
				}
			}
		}
	}
	if o["kind"] == "Lease" {
		if spec, ok := o["spec"].(map[string]any); ok {
			delete(spec, "renewTime")
			if h, ok := spec["holderIdentity"].(string); ok {
				if id, _, ok := strings.Cut(h, "_"); ok && id == md["name"] {
					spec["holderIdentity"] = id + "_<uuid>"
				}
			}
		}
	}
	return o
}

// writeBootstrapData writes fake/bootstrap.json from a fresh real server's
// objects: normalised, server-specific values as placeholders the fake
// fills in, namespaces first, service accounts left out (the fake's
// service-account controller makes them).
func writeBootstrapData(t *testing.T, objs map[string][]map[string]any) {
	t.Helper()
	var paths []string
	for p := range objs {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		ni, nj := strings.HasSuffix(paths[i], "/namespaces"), strings.HasSuffix(paths[j], "/namespaces")
		if ni != nj {
			return ni
		}
		return paths[i] < paths[j]
	})
	var out []map[string]any
	for _, p := range paths {
		if strings.HasSuffix(p, "/serviceaccounts") {
			continue
		}
		for _, o := range objs[p] {
			var c map[string]any
			b, _ := json.Marshal(o)
			require.NoError(t, json.Unmarshal(b, &c))
			out = append(out, bootstrapPlaceholders(t, normaliseBootstrapObject(c)))
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the placeholders' <>
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(out))
	path := filepath.Join(moduleRoot(t), "fake", "bootstrap.json")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	t.Logf("wrote %d objects to %s", len(out), path)
}

// bootstrapPlaceholders replaces in o the values that depend on the
// server's flags, address and host by the placeholders fake/bootstrap.go
// fills in.
func bootstrapPlaceholders(t *testing.T, o map[string]any) map[string]any {
	md := o["metadata"].(map[string]any)
	name := fmt.Sprint(md["name"])
	switch o["kind"] {
	case "Service":
		if name == "kubernetes" {
			spec := o["spec"].(map[string]any)
			spec["clusterIP"], spec["clusterIPs"] = "<clusterIP>", []any{"<clusterIP>"}
			for _, p := range spec["ports"].([]any) {
				p.(map[string]any)["targetPort"] = "<port>"
			}
		}
	case "IPAddress":
		md["name"] = "<clusterIP>"
	case "ServiceCIDR":
		o["spec"].(map[string]any)["cidrs"] = []any{"<serviceCIDR>"}
	case "ConfigMap":
		data := o["data"].(map[string]any)
		if _, ok := data["client-ca-file"]; ok {
			data["client-ca-file"] = "<clientCA>"
		}
		if _, ok := data["since"]; ok {
			data["since"] = "<date>"
		}
	case "Endpoints":
		for _, ss := range o["subsets"].([]any) {
			for _, a := range ss.(map[string]any)["addresses"].([]any) {
				a.(map[string]any)["ip"] = "<advertiseIP>"
			}
			for _, p := range ss.(map[string]any)["ports"].([]any) {
				p.(map[string]any)["port"] = "<port>"
			}
		}
	case "EndpointSlice":
		for _, e := range o["endpoints"].([]any) {
			e.(map[string]any)["addresses"] = []any{"<advertiseIP>"}
		}
		for _, p := range o["ports"].([]any) {
			p.(map[string]any)["port"] = "<port>"
		}
	case "Lease":
		md["name"] = "<identity>"
		spec := o["spec"].(map[string]any)
		spec["holderIdentity"] = "<holder>"
		spec["renewTime"] = "<time>"
		if l, ok := md["labels"].(map[string]any); ok && l["kubernetes.io/hostname"] != nil {
			l["kubernetes.io/hostname"] = "<hostname>"
		}
		if a, ok := md["annotations"].(map[string]any); ok && a["kubernetes.io/peer-advertise-address"] != nil {
			a["kubernetes.io/peer-advertise-address"] = "<address>"
		}
	}
	return o
}

// TestBootstrapAPIServicesAllVersions: with every API version on
// (--runtime-config=api/all=true, fake.WithRuntimeConfig), both servers
// have one local APIService per served group/version, the same ones. With
// KUBEWIRE_WRITE_BOOTSTRAP it adds those of versions off by default to
// fake/bootstrap.json (run it after TestBootstrapObjects, which writes the
// file anew).
func TestBootstrapAPIServicesAllVersions(t *testing.T) {
	env := freshServer(t, testenv.WithAPIServerArgs("--runtime-config", "api/all=true"))
	ctx := testContext(t)
	const path = "/apis/apiregistration.k8s.io/v1/apiservices"
	list := func(rc *rest.Client) map[string][]map[string]any {
		var l struct{ Items []map[string]any }
		require.NoError(t, rc.Get().AbsPath(path).Into(ctx, &l))
		for _, it := range l.Items {
			it["apiVersion"], it["kind"] = "apiregistration.k8s.io/v1", "APIService"
		}
		return map[string][]map[string]any{path: l.Items}
	}
	realObjs := list(clientFor(t, env, testenv.IdentityAdminToken))
	if os.Getenv("KUBEWIRE_WRITE_BOOTSTRAP") != "" {
		addBootstrapAPIServices(t, realObjs[path])
	}
	srv := fake.NewServer(t, fake.WithRuntimeConfig("api/all=true"))
	fakeObjs := list(newClient(t, srv.Config()))
	r := normaliseBootstrapSet(realObjs, "", "", nil)[path]
	f := normaliseBootstrapSet(fakeObjs, "", "", nil)[path]
	assert.Greater(t, len(r), 22, "versions off by default have APIServices")
	assert.Equal(t, r, f)
}

// addBootstrapAPIServices adds to fake/bootstrap.json the APIServices of
// items it does not hold yet.
func addBootstrapAPIServices(t *testing.T, items []map[string]any) {
	t.Helper()
	path := filepath.Join(moduleRoot(t), "fake", "bootstrap.json")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var data []map[string]any
	require.NoError(t, json.Unmarshal(b, &data))
	have := map[string]bool{}
	for _, o := range data {
		if o["kind"] == "APIService" {
			have[o["metadata"].(map[string]any)["name"].(string)] = true
		}
	}
	added := 0
	for _, o := range items {
		if name := o["metadata"].(map[string]any)["name"].(string); !have[name] {
			var c map[string]any
			cb, _ := json.Marshal(o)
			require.NoError(t, json.Unmarshal(cb, &c))
			data = append(data, normaliseBootstrapObject(c))
			added++
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(data))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	t.Logf("added %d APIServices to %s", added, path)
}
