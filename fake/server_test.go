package fake

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
)

const cmA = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"app":"web"}},"data":{"k":"v"}}`

func TestErrors(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, cmA).code)
	tests := []struct {
		name, method, path, ct, body string
		code                         int
		reason, msg                  string
	}{
		{"not found", "GET", "/api/v1/namespaces/default/pods/x", "", "", 404, "NotFound", `pods "x" not found`},
		{"group not found", "GET", "/apis/apps/v1/namespaces/default/deployments/x", "", "", 404, "NotFound", `deployments.apps "x" not found`},
		{"namespace missing", "POST", "/api/v1/namespaces/y/configmaps", ctJSON, `{"metadata":{"name":"a"}}`, 404, "NotFound", `namespaces "y" not found`},
		{"exists", "POST", "/api/v1/namespaces/default/configmaps", ctJSON, cmA, 409, "AlreadyExists", `configmaps "a" already exists`},
		{"no name", "POST", "/api/v1/namespaces/default/pods", ctJSON, `{}`, 422, "Invalid",
			`Pod "" is invalid: [metadata.name: Required value: name or generateName is required, spec.containers: Required value]`},
		{"bad name", "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"Bad_Name"}}`, 422, "Invalid",
			`ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ` + msgSubdomain},
		{"conflict", "PUT", "/api/v1/namespaces/default/configmaps/a", ctJSON, `{"metadata":{"name":"a","resourceVersion":"1"}}`, 409, "Conflict",
			`Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again`},
		{"update missing", "PUT", "/api/v1/namespaces/default/configmaps/zz", ctJSON, `{"metadata":{"name":"zz"}}`, 404, "NotFound", `configmaps "zz" not found`},
		{"name mismatch", "PUT", "/api/v1/namespaces/default/configmaps/a", ctJSON, `{"metadata":{"name":"b"}}`, 400, "BadRequest", `the name of the object (b) does not match the name on the URL (a)`},
		{"field label", "GET", "/api/v1/pods?fieldSelector=spec.foo%3Dx", "", "", 400, "BadRequest", `field label not supported: spec.foo`},
		{"field label generic", "GET", "/api/v1/configmaps?fieldSelector=data.k%3Dx", "", "", 400, "BadRequest", `"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"`},
		{"rv on create", "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"q","resourceVersion":"3"}}`, 500, "", `resourceVersion should not be set on objects to be created`},
		{"unknown resource", "GET", "/api/v1/nopes", "", "", 404, "NotFound", `the server could not find the requested resource`},
		{"patch of unknown type", "PATCH", "/api/v1/namespaces/default/configmaps/a", "text/plain", `{}`, 415, "UnsupportedMediaType", `415: Unsupported Media Type`},
		{"apply without manager", "PATCH", "/api/v1/namespaces/default/configmaps/a", ctApply, cmA, 422, "Invalid",
			`PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`},
		{"precondition uid", "DELETE", "/api/v1/namespaces/default/configmaps/a", ctJSON, `{"preconditions":{"uid":"nope"}}`, 409, "Conflict", ""},
		{"method", "POST", "/api/v1/namespaces/default/configmaps/a", ctJSON, `{}`, 405, "MethodNotAllowed", `the server does not allow this method on the requested resource`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, tt.method, tt.path, tt.ct, tt.body)
			assert.Equal(t, tt.code, r.code, r.raw)
			assert.Equal(t, "Status", r.str("kind"))
			assert.Equal(t, "Failure", r.str("status"))
			assert.Equal(t, tt.reason, r.str("reason"))
			if tt.msg != "" {
				assert.Equal(t, tt.msg, r.str("message"))
			}
		})
	}
}

func TestCreateGetUpdate(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"generateName":"cm-"}}`)
	require.Equal(t, 201, r.code, r.raw)
	name := r.str("metadata", "name")
	assert.Regexp(t, `^cm-[a-z0-9]{5}$`, name)
	assert.NotEmpty(t, r.str("metadata", "uid"))
	assert.NotEmpty(t, r.str("metadata", "creationTimestamp"))
	rv := r.str("metadata", "resourceVersion")

	// dry run stores nothing
	d := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps?dryRun=All", ctJSON, `{"metadata":{"name":"dry"}}`)
	require.Equal(t, 201, d.code)
	assert.Equal(t, 404, call(t, srv, "GET", "/api/v1/namespaces/default/configmaps/dry", "", "").code)

	u := call(t, srv, "PUT", "/api/v1/namespaces/default/configmaps/"+name, ctJSON,
		fmt.Sprintf(`{"metadata":{"name":%q,"resourceVersion":%q},"data":{"x":"y"}}`, name, rv))
	require.Equal(t, 200, u.code, u.raw)
	assert.NotEqual(t, rv, u.str("metadata", "resourceVersion"))
	assert.Equal(t, `{"x":"y"}`, u.str("data"))
}

func TestStatusAndGeneration(t *testing.T) {
	srv := NewServer(t)
	dep := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},` +
		`"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}},"status":{"replicas":9}}`
	r := call(t, srv, "POST", "/apis/apps/v1/namespaces/default/deployments", ctJSON, dep)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "1", r.str("metadata", "generation"))
	assert.Equal(t, "{}", r.str("status"), "status is reset on create")

	// status changes through the main resource are ignored
	r = call(t, srv, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d", ctMergePatch, `{"status":{"replicas":5},"metadata":{"labels":{"a":"b"}}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "{}", r.str("status"))
	assert.Equal(t, "1", r.str("metadata", "generation"))

	// the status subresource changes only status
	r = call(t, srv, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d/status", ctMergePatch, `{"status":{"replicas":5},"spec":{"replicas":7}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "5", r.str("status", "replicas"))
	assert.Equal(t, "1", r.str("spec", "replicas"))

	// spec changes bump generation
	r = call(t, srv, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d", ctMergePatch, `{"spec":{"replicas":3}}`)
	assert.Equal(t, "2", r.str("metadata", "generation"))

	// scale subresource
	r = call(t, srv, "GET", "/apis/apps/v1/namespaces/default/deployments/d/scale", "", "")
	assert.Equal(t, "Scale", r.str("kind"))
	assert.Equal(t, "3", r.str("spec", "replicas"))
	r = call(t, srv, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d/scale", ctMergePatch, `{"spec":{"replicas":4}}`)
	require.Equal(t, 200, r.code, r.raw)
	r = call(t, srv, "GET", "/apis/apps/v1/namespaces/default/deployments/d", "", "")
	assert.Equal(t, "4", r.str("spec", "replicas"))
}

func TestListSelectorsAndPagination(t *testing.T) {
	srv := NewServer(t)
	for i := 0; i < 5; i++ {
		tier := "front"
		if i%2 == 1 {
			tier = "back"
		}
		body := fmt.Sprintf(`{"metadata":{"name":"p%d","labels":{"tier":%q}},"spec":{"nodeName":"n%d","containers":[{"name":"c","image":"i"}]}}`, i, tier, i%2)
		require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/pods", ctJSON, body).code)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"labelSelector=tier%3Dfront", []string{"p0", "p2", "p4"}},
		{"labelSelector=tier+in+(back)", []string{"p1", "p3"}},
		{"labelSelector=tier!%3Dback,!missing", []string{"p0", "p2", "p4"}},
		{"fieldSelector=spec.nodeName%3Dn1", []string{"p1", "p3"}},
		{"fieldSelector=metadata.name!%3Dp0,status.phase%3DPending", []string{"p1", "p2", "p3", "p4"}},
	}
	for _, tt := range tests {
		r := call(t, srv, "GET", "/api/v1/namespaces/default/pods?"+tt.query, "", "")
		require.Equal(t, 200, r.code, r.raw)
		assert.Equal(t, tt.want, names(r), tt.query)
		assert.Equal(t, "PodList", r.str("kind"))
	}
	r := call(t, srv, "GET", "/api/v1/namespaces/default/pods?labelSelector=a+in", "", "")
	assert.Equal(t, 400, r.code)

	// pagination: a consistent snapshot across pages
	r = call(t, srv, "GET", "/api/v1/pods?limit=2", "", "")
	assert.Equal(t, []string{"p0", "p1"}, names(r))
	assert.Equal(t, "3", r.str("metadata", "remainingItemCount"))
	cont := r.str("metadata", "continue")
	require.NotEmpty(t, cont)
	require.Equal(t, 200, call(t, srv, "DELETE", "/api/v1/namespaces/default/pods/p3", "", "").code)
	r = call(t, srv, "GET", "/api/v1/pods?limit=2&continue="+cont, "", "")
	assert.Equal(t, []string{"p2", "p3"}, names(r))
	r = call(t, srv, "GET", "/api/v1/pods?limit=2&continue="+r.str("metadata", "continue"), "", "")
	assert.Equal(t, []string{"p4"}, names(r))
	assert.Equal(t, "", r.str("metadata", "continue"))
}

func TestContinueExpired(t *testing.T) {
	srv := NewServer(t, WithHistory(3), WithoutDefaultNamespaces())
	call(t, srv, "POST", "/api/v1/namespaces", ctJSON, `{"metadata":{"name":"default"}}`)
	for i := 0; i < 3; i++ {
		call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, fmt.Sprintf(`{"metadata":{"name":"c%d"}}`, i))
	}
	r := call(t, srv, "GET", "/api/v1/namespaces/default/configmaps?limit=1", "", "")
	cont := r.str("metadata", "continue")
	for i := 0; i < 4; i++ {
		call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, fmt.Sprintf(`{"metadata":{"name":"d%d"}}`, i))
	}
	r = call(t, srv, "GET", "/api/v1/namespaces/default/configmaps?limit=1&continue="+cont, "", "")
	assert.Equal(t, 410, r.code)
	assert.Equal(t, "Expired", r.str("reason"))
	assert.Equal(t, msgContinueExpired, r.str("message"))
	assert.NotEmpty(t, r.str("metadata", "continue"))
}

// images is "name=image ..." of the containers of the pod r answered.
func images(r resp) string {
	var cs []struct{ Name, Image string }
	_ = json.Unmarshal([]byte(r.str("template", "spec", "containers")), &cs)
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"="+c.Image)
	}
	return strings.Join(out, " ")
}

func TestPatchTypes(t *testing.T) {
	srv := NewServer(t)
	// A pod template: a pod's update may not add or remove containers.
	pt := `{"metadata":{"name":"p"},"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}}`
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/podtemplates", ctJSON, pt).code)
	path := "/api/v1/namespaces/default/podtemplates/p"

	r := call(t, srv, "PATCH", path, ctSMP, `{"template":{"spec":{"containers":[{"name":"b","image":"z"},{"name":"c","image":"w"}]}}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "a=x b=z c=w", images(r))

	r = call(t, srv, "PATCH", path, ctSMP, `{"template":{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}}`)
	assert.Equal(t, "b=z c=w", images(r))

	// An unknown "$" key is no directive: merged as a field, which the
	// built-in type drops.
	r = call(t, srv, "PATCH", path, ctSMP, `{"metadata":{"$bogus":1}}`)
	assert.Equal(t, 200, r.code)
	assert.Empty(t, r.str("metadata", "$bogus"))

	r = call(t, srv, "PATCH", path, ctSMP, `{"template":{"$patch":"bogus"}}`)
	assert.Equal(t, 500, r.code)
	assert.Equal(t, "unknown patch type: bogus in map: map[$patch:bogus]", r.str("message"))

	r = call(t, srv, "PATCH", path, ctMergePatch, `{"metadata":{"labels":{"a":"1","b":"2"}}}`)
	r = call(t, srv, "PATCH", path, ctMergePatch, `{"metadata":{"labels":{"a":null}}}`)
	assert.Equal(t, `{"b":"2"}`, r.str("metadata", "labels"))

	r = call(t, srv, "PATCH", path, ctJSONPatch, `[{"op":"add","path":"/metadata/labels/c","value":"3"},{"op":"remove","path":"/template/spec/containers/0"}]`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, `{"b":"2","c":"3"}`, r.str("metadata", "labels"))
	assert.Equal(t, "c=w", images(r))

	r = call(t, srv, "PATCH", path, ctJSONPatch, `[{"op":"test","path":"/metadata/labels/c","value":"no"}]`)
	assert.Equal(t, 422, r.code)

	// a patch carrying a stale resourceVersion is a conflict
	r = call(t, srv, "PATCH", path, ctMergePatch, `{"metadata":{"resourceVersion":"1"}}`)
	assert.Equal(t, 409, r.code)

	// SMP is not served for custom resources
	createCRD(t, srv)
	call(t, srv, "POST", "/apis/example.com/v1/namespaces/default/widgets", ctJSON, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`)
	r = call(t, srv, "PATCH", "/apis/example.com/v1/namespaces/default/widgets/w", ctSMP, `{}`)
	assert.Equal(t, 415, r.code)
}

func TestServerSideApply(t *testing.T) {
	srv := NewServer(t)
	path := "/api/v1/namespaces/default/configmaps/a"
	cfg := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: one\n  j: two\n"
	r := call(t, srv, "PATCH", path+"?fieldManager=alice", ctApply, cfg)
	require.Equal(t, 201, r.code, r.raw)
	assert.Contains(t, r.str("metadata", "managedFields"), `"manager":"alice","operation":"Apply"`)

	// bob's conflicting value is refused, then forced
	r = call(t, srv, "PATCH", path+"?fieldManager=bob", ctApply, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: other\n")
	assert.Equal(t, 409, r.code)
	assert.Equal(t, `Apply failed with 1 conflict: conflict with "alice": .data.k`, r.str("message"))
	r = call(t, srv, "PATCH", path+"?fieldManager=bob&force=true", ctApply, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: other\n")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "other", r.str("data", "k"))

	// alice stops applying j: it is removed; k is bob's now and stays
	r = call(t, srv, "PATCH", path+"?fieldManager=alice", ctApply, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, `{"k":"other"}`, r.str("data"))

	// an apply that changes nothing, a second later, changes nothing:
	// not the resourceVersion, not alice's timestamp
	cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  j: three\n"
	r = call(t, srv, "PATCH", path+"?fieldManager=alice", ctApply, cfg)
	require.Equal(t, 200, r.code, r.raw)
	rv, fields := r.str("metadata", "resourceVersion"), r.str("metadata", "managedFields")
	require.Contains(t, fields, `"manager":"alice"`)
	time.Sleep(1100 * time.Millisecond)
	r = call(t, srv, "PATCH", path+"?fieldManager=alice", ctApply, cfg)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, rv, r.str("metadata", "resourceVersion"))
	assert.Equal(t, fields, r.str("metadata", "managedFields"))
}

func TestDeleteFinalizersAndNamespaces(t *testing.T) {
	srv := NewServer(t)
	call(t, srv, "POST", "/api/v1/namespaces", ctJSON, `{"metadata":{"name":"ns1"}}`)
	r := call(t, srv, "POST", "/api/v1/namespaces/ns1/configmaps", ctJSON, `{"metadata":{"name":"f","finalizers":["x/y"]}}`)
	require.Equal(t, 201, r.code)
	r = call(t, srv, "DELETE", "/api/v1/namespaces/ns1/configmaps/f", "", "")
	require.Equal(t, 200, r.code)
	r = call(t, srv, "GET", "/api/v1/namespaces/ns1/configmaps/f", "", "")
	require.Equal(t, 200, r.code)
	assert.NotEmpty(t, r.str("metadata", "deletionTimestamp"))

	r = call(t, srv, "DELETE", "/api/v1/namespaces/ns1", "", "")
	require.Equal(t, 200, r.code)
	assert.Equal(t, "Terminating", r.str("status", "phase"))
	r = call(t, srv, "POST", "/api/v1/namespaces/ns1/configmaps", ctJSON, `{"metadata":{"name":"g"}}`)
	assert.Equal(t, 403, r.code)
	assert.Equal(t, `configmaps "g" is forbidden: unable to create new content in namespace ns1 because it is being terminated`, r.str("message"))

	// removing the finalizer lets the object and then the namespace go
	r = call(t, srv, "PATCH", "/api/v1/namespaces/ns1/configmaps/f", ctMergePatch, `{"metadata":{"finalizers":null}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, 404, call(t, srv, "GET", "/api/v1/namespaces/ns1/configmaps/f", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/api/v1/namespaces/ns1", "", "").code)

	// deletecollection with a selector
	for _, n := range []string{"a", "b", "c"} {
		call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, fmt.Sprintf(`{"metadata":{"name":%q,"labels":{"del":"%v"}}}`, n, n != "c"))
	}
	r = call(t, srv, "DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=del%3Dtrue", "", "")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, []string{"a", "b"}, names(r))
	assert.Equal(t, []string{"c"}, names(call(t, srv, "GET", "/api/v1/namespaces/default/configmaps", "", "")))
}

func TestWatch(t *testing.T) {
	srv := NewServer(t, WithHistory(5), WithBookmarkInterval(50_000_000))
	r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"w1"}}`)
	rv1 := r.str("metadata", "resourceVersion")
	call(t, srv, "PUT", "/api/v1/namespaces/default/configmaps/w1", ctJSON, `{"metadata":{"name":"w1"},"data":{"a":"b"}}`)

	// replay after rv1
	next, stop := watchEvents(t, srv, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion="+rv1)
	ev := next()
	assert.Equal(t, "MODIFIED", evType(ev))
	call(t, srv, "DELETE", "/api/v1/namespaces/default/configmaps/w1", "", "")
	ev = next()
	assert.Equal(t, "DELETED", evType(ev))
	stop()

	// sendInitialEvents: ADDED then a BOOKMARK marking the end
	call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"w2","labels":{"x":"y"}}}`)
	next, stop = watchEvents(t, srv, "/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=x%3Dy")
	ev = next()
	assert.Equal(t, "ADDED", evType(ev))
	assert.Equal(t, "w2", evName(ev))
	ev = next()
	assert.Equal(t, "BOOKMARK", evType(ev))
	assert.Equal(t, "true", ev["object"].(map[string]any)["metadata"].(map[string]any)["annotations"].(map[string]any)["k8s.io/initial-events-end"])
	// leaving the selection is a DELETED event
	call(t, srv, "PATCH", "/api/v1/namespaces/default/configmaps/w2", ctMergePatch, `{"metadata":{"labels":{"x":"z"}}}`)
	for ev = next(); evType(ev) == "BOOKMARK"; ev = next() {
	}
	assert.Equal(t, "DELETED", evType(ev))
	stop()

	// 410 for a resourceVersion out of the window
	for i := 0; i < 6; i++ {
		call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, fmt.Sprintf(`{"metadata":{"name":"x%d"}}`, i))
	}
	next, stop = watchEvents(t, srv, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2")
	ev = next()
	assert.Equal(t, "ERROR", evType(ev))
	obj := ev["object"].(map[string]any)
	assert.Equal(t, "Expired", obj["reason"])
	assert.EqualValues(t, 410, obj["code"])
	assert.Regexp(t, `^too old resource version: 2 \(\d+\)$`, obj["message"])
	stop()
}

func TestDiscoveryAndCRD(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "GET", "/api/v1", "", "")
	assert.Equal(t, "APIResourceList", r.str("kind"))
	assert.Contains(t, r.raw, `"name":"pods/status"`)
	r = call(t, srv, "GET", "/apis", "", "")
	assert.Contains(t, r.raw, `"name":"apps"`)
	r = call(t, srv, "GET", "/apis", "", "", "Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
	assert.Equal(t, "APIGroupDiscoveryList", r.str("kind"))
	assert.Contains(t, r.raw, `"resource":"deployments"`)
	r = call(t, srv, "GET", "/version", "", "")
	assert.Equal(t, "v1.37.2", r.str("gitVersion"))

	assert.Equal(t, 404, call(t, srv, "GET", "/apis/example.com/v1", "", "").code)
	crd := createCRD(t, srv)
	assert.Contains(t, crd.raw, `"type":"Established","status":"True"`)
	r = call(t, srv, "GET", "/apis/example.com/v1", "", "")
	assert.Contains(t, r.raw, `"name":"widgets"`)
	assert.Contains(t, r.raw, `"name":"widgets/status"`)
	r = call(t, srv, "POST", "/apis/example.com/v1/namespaces/default/widgets", ctJSON, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"n":1}}`)
	require.Equal(t, 201, r.code, r.raw)
	r = call(t, srv, "GET", "/apis/example.com/v1/namespaces/default/widgets", "", "")
	assert.Equal(t, "WidgetList", r.str("kind"))
	assert.Equal(t, "example.com/v1", r.items()[0]["apiVersion"], "custom resource items keep their type")
	// unconditional update is refused for custom resources
	r = call(t, srv, "PUT", "/apis/example.com/v1/namespaces/default/widgets/w", ctJSON, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`)
	// (The storage layer names the resource where the kind would be.)
	assert.Equal(t, `widgets.example.com "w" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update`, r.str("message"))
	assert.Equal(t, "widgets", r.str("details", "kind"))
	// deleting the CRD removes its objects and the endpoint
	require.Equal(t, 200, call(t, srv, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", "", "").code)
	assert.Equal(t, 404, call(t, srv, "GET", "/apis/example.com/v1/namespaces/default/widgets", "", "").code)
}

func createCRD(t *testing.T, srv *Server) resp {
	t.Helper()
	r := call(t, srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ctJSON, `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
	"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
	"versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	return r
}

func TestAuthFaultsAndLog(t *testing.T) {
	srv := NewServer(t, WithUser("jane", "jane-token", Rule{Verbs: []string{"get"}, Resources: []string{"pods"}}))
	r := call(t, srv, "GET", "/api/v1/namespaces/default/pods", "", "", "Authorization", "Bearer wrong")
	assert.Equal(t, 401, r.code)
	assert.Equal(t, "Unauthorized", r.str("reason"))
	r = call(t, srv, "GET", "/api/v1/namespaces/default/pods", "", "", "Authorization", "Bearer jane-token")
	assert.Equal(t, 403, r.code)
	assert.Equal(t, `pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"`, r.str("message"))
	r = call(t, srv, "GET", "/apis/apps/v1/deployments", "", "", "Authorization", "Bearer jane-token")
	assert.Equal(t, `deployments.apps is forbidden: User "jane" cannot list resource "deployments" in API group "apps" at the cluster scope`, r.str("message"))
	r = call(t, srv, "GET", "/api/v1/namespaces/default/pods/x", "", "", "Authorization", "Bearer jane-token")
	assert.Equal(t, 404, r.code)
	admin := "Bearer " + srv.Config().Auth.Token.Reveal()
	assert.Equal(t, 200, call(t, srv, "GET", "/api/v1/namespaces/default/pods", "", "", "Authorization", admin).code)

	remove := srv.Inject(Fault{Verb: "list", Resource: "pods", Status: &metav1.Status{Code: 429, Reason: "TooManyRequests", Message: "slow down"}, Times: 1})
	r = call(t, srv, "GET", "/api/v1/namespaces/default/pods", "", "", "Authorization", admin)
	assert.Equal(t, 429, r.code)
	assert.Equal(t, "slow down", r.str("message"))
	assert.Equal(t, 200, call(t, srv, "GET", "/api/v1/namespaces/default/pods", "", "", "Authorization", admin).code)
	remove()

	log := srv.Requests()
	require.NotEmpty(t, log)
	last := log[len(log)-1]
	assert.Equal(t, "list", last.Verb)
	assert.Equal(t, "pods", last.Resource)
	assert.Equal(t, "admin", last.User)
	assert.Equal(t, 200, last.Code)
	for _, e := range log {
		assert.NotContains(t, fmt.Sprint(e), "jane-token")
	}
}

func TestDropWatchFault(t *testing.T) {
	srv := NewServer(t)
	call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"a"}}`)
	srv.Inject(Fault{Verb: "watch", Resource: "configmaps", DropWatch: true, DropAfter: 1})
	next, stop := watchEvents(t, srv, "/api/v1/namespaces/default/configmaps?watch=true")
	defer stop()
	assert.Equal(t, "ADDED", evType(next()))
	call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"b"}}`)
	assert.Nil(t, next(), "the stream ends")
}

func TestTLSAndSeed(t *testing.T) {
	srv := NewServer(t, WithTLS(), WithObjects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n  namespace: seeded\ndata:\n  n: \"1\"\n"))
	assert.Contains(t, srv.URL(), "https://")
	assert.NotEmpty(t, srv.Config().TLS.CAData)
	assert.Contains(t, string(srv.Kubeconfig()), "certificate-authority-data")
	_, err := Start(WithObjects(42))
	assert.Error(t, err)
	_, err = Start(WithHistory(0))
	assert.Error(t, err)
}
