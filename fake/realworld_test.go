package fake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/selector"
)

// The answers below are what kube-apiserver v1.37.2 gives for the same
// requests (see internal/integration/fidelity_test.go).

// realErrorCase is one request and the real server's error answer to it,
// after ConfigMap cmA ("a") was created in namespace default.
type realErrorCase struct {
	name, method, path, ct, body string
	code                         int
	reason, msg                  string
}

const cms = "/api/v1/namespaces/default/configmaps"

var realErrorCases = []realErrorCase{
	{"truncated body", "POST", cms, ctJSON, `{"apiVersion":`, 400, "BadRequest",
		`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":)`},
	{"empty body", "POST", cms, ctJSON, ``, 400, "BadRequest",
		`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)`},
	{"not JSON", "POST", cms, ctJSON, `xyz`, 400, "BadRequest",
		`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'x' looking for beginning of value (78797a)`},
	{"trailing data", "POST", cms, ctJSON, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"q1"}} x`, 400, "BadRequest",
		`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'x' after top-level value ({"apiVersion":"v1","kind":"Con ...)`},
	{"array body", "POST", cms, ctJSON, `[]`, 400, "BadRequest",
		`the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\"apiVersion,omitempty\""; Kind string "json:\"kind,omitempty\"" } (5b5d)`},
	{"other kind", "POST", cms, ctJSON, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}`, 400, "BadRequest",
		`Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion`},
	{"other group's kind", "POST", "/apis/apps/v1/namespaces/default/deployments", ctJSON, `{"apiVersion":"v1","kind":"Pod"}`, 400, "BadRequest",
		`Pod in version "v1" cannot be handled as a Deployment: converting (v1.Pod) to (apps.Deployment): unknown conversion`},
	{"unknown kind", "POST", cms, ctJSON, `{"apiVersion":"apps/v1","kind":"Foo"}`, 400, "BadRequest",
		`Foo in version "v1" cannot be handled as a ConfigMap: no kind "Foo" is registered for version "apps/v1" in scheme "pkg/runtime/scheme.go:111"`},
	{"kind in another group", "POST", cms, ctJSON, `{"apiVersion":"apps/v1"}`, 400, "BadRequest",
		`ConfigMap in version "v1" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "apps/v1" in scheme "pkg/runtime/scheme.go:111"`},
	{"null body", "POST", cms, ctJSON, `null`, 422, "Invalid", `ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required`},
	{"bad label selector", "GET", cms + "?labelSelector=app+in+web", "", "", 400, "BadRequest", `unable to parse requirement: found 'web' expected: '('`},
	{"bad continue", "GET", cms + "?limit=2&continue=garbage", "", "", 400, "BadRequest",
		`invalid continue token: continue key is not valid: invalid character '\u0081' looking for beginning of value`},
	{"continue before rv", "GET", cms + "?continue=abc&resourceVersion=abc", "", "", 400, "BadRequest",
		`invalid continue token: continue key is not valid: invalid character 'i' looking for beginning of value`},
	{"bad limit", "GET", cms + "?limit=abc&continue=garbage", "", "", 400, "BadRequest", `strconv.ParseInt: parsing "abc": invalid syntax`},
	{"bad timeout", "GET", cms + "?timeoutSeconds=abc", "", "", 400, "BadRequest", `strconv.ParseInt: parsing "abc": invalid syntax`},
	{"bad rv list", "GET", cms + "?resourceVersion=abc", "", "", 400, "BadRequest",
		`invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`},
	{"bad rv paged list", "GET", cms + "?resourceVersion=abc&limit=2", "", "", 400, "BadRequest",
		`invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`},
	{"bad rv get", "GET", cms + "/a?resourceVersion=-1", "", "", 500, "", `resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax`},
	{"bad rv watch", "GET", cms + "?watch=true&resourceVersion=abc", "", "", 500, "", `resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`},
	{"bad rv update", "PUT", cms + "/a", ctJSON, `{"metadata":{"name":"a","resourceVersion":"xyz"}}`, 500, "", `strconv.ParseUint: parsing "xyz": invalid syntax`},
	{"bad grace period", "DELETE", cms + "/a?gracePeriodSeconds=abc", "", "", 400, "BadRequest", `strconv.ParseInt: parsing "abc": invalid syntax`},
	{"json patch not array", "PATCH", cms + "/a", ctJSONPatch, `{"op":"remove"}`, 400, "BadRequest",
		`error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp`},
	{"json patch op type", "PATCH", cms + "/a", ctJSONPatch, `[{"op":1}]`, 400, "BadRequest",
		`error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string`},
	{"json patch truncated", "PATCH", cms + "/a", ctJSONPatch, `[{"op":`, 400, "BadRequest", `invalid JSON patch`},
	{"json patch truncated, missing object", "PATCH", cms + "/zz", ctJSONPatch, `[{"op":`, 400, "BadRequest", `invalid JSON patch`},
	{"json patch test fails", "PATCH", cms + "/a", ctJSONPatch, `[{"op":"test","path":"/data/k","value":"no"}]`, 422, "Invalid",
		`the server rejected our request due to an error in our request`},
	{"merge patch truncated", "PATCH", cms + "/a", ctMergePatch, `{"data":`, 400, "BadRequest", `invalid JSON patch`},
	{"merge patch trailing data", "PATCH", cms + "/a", ctMergePatch, `{} {}`, 400, "BadRequest", `invalid JSON patch`},
	{"merge patch null", "PATCH", cms + "/a", ctMergePatch, `null`, 400, "BadRequest", `Invalid JSON Patch`},
	{"merge patch string", "PATCH", cms + "/a", ctMergePatch, `"x"`, 400, "BadRequest",
		`error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}`},
	{"merge patch array", "PATCH", cms + "/a", ctMergePatch, `[1]`, 400, "BadRequest",
		`error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}`},
	{"smp truncated", "PATCH", cms + "/a", ctSMP, `{"data":`, 400, "BadRequest", `invalid JSON patch`},
	{"smp number", "PATCH", cms + "/a", ctSMP, `5`, 400, "BadRequest", `json: cannot unmarshal number into Go value of type map[string]interface {}`},
	{"truncated patch with force", "PATCH", cms + "/a?force=true", ctMergePatch, `{"data":`, 422, "Invalid",
		`PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch`},
	{"smp bad directive", "PATCH", "/api/v1/namespaces/default/configmaps/a", ctSMP, `{"data":{"$patch":"bogus"}}`, 500, "",
		`unknown patch type: bogus in map: map[$patch:bogus]`},
	{"smp bad retainKeys", "PATCH", cms + "/a", ctSMP, `{"$retainKeys":"x"}`, 400, "BadRequest", `invalid patch format of retainKeys`},
	{"put collection", "PUT", cms, ctJSON, cmA, 405, "MethodNotAllowed", `the server does not allow this method on the requested resource`},
	{"patch collection", "PATCH", cms, ctMergePatch, `{}`, 405, "MethodNotAllowed", `the server does not allow this method on the requested resource`},
	{"unknown version", "GET", "/apis/apps/v9/deployments", "", "", 404, "NotFound", `the server could not find the requested resource`},
	{"field selector term", "GET", cms + "?fieldSelector=b%3D1%2Ca", "", "", 400, "BadRequest", `invalid selector: 'b=1,a'; can't understand 'a'`},
	{"field selector escape", "GET", cms + "?fieldSelector=metadata.name%3Da%5Cx", "", "", 400, "BadRequest", `invalid field selector: invalid escape sequence: \x`},
	{"field selector trailing escape", "GET", cms + "?fieldSelector=metadata.name%3Da%5C", "", "", 400, "BadRequest", `invalid field selector: invalid escape sequence: \`},
	{"field selector bare =", "GET", cms + "?fieldSelector=metadata.name%21%3D%3Dzz", "", "", 400, "BadRequest", `invalid field selector: unescaped character in value: 61`},
	{"field selector spaces", "GET", cms + "?fieldSelector=+metadata.name+%3D+a", "", "", 400, "BadRequest",
		`" metadata.name " is not a known field selector: only "metadata.name", "metadata.namespace"`},
	{"list match errors", "GET", cms + "?resourceVersionMatch=Bogus", "", "", 422, "Invalid",
		`ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Unsupported value: "Bogus": supported values: "Exact", "NotOlderThan", ""]`},
	{"list match with continue", "GET", cms + "?resourceVersionMatch=NotOlderThan&continue=abc&resourceVersion=1", "", "", 422, "Invalid",
		`ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided`},
	{"list sendInitialEvents", "GET", cms + "?sendInitialEvents=true", "", "", 422, "Invalid",
		`ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list`},
	{"watch sendInitialEvents", "GET", cms + "?watch=true&sendInitialEvents=true", "", "", 422, "Invalid",
		`ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`},
	{"watch match", "GET", cms + "?watch=true&resourceVersionMatch=Exact&resourceVersion=5", "", "", 422, "Invalid",
		`ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]`},
	{"fieldValidation", "POST", cms + "?fieldValidation=Bogus", ctJSON, `{"metadata":{"name":"x"}}`, 422, "Invalid",
		`CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"`},
	{"delete body", "DELETE", cms + "/a", ctJSON, `{bad`, 400, "BadRequest",
		`couldn't get version/kind; json parse error: invalid character 'b' looking for beginning of object key string`},
	{"log of missing pod", "GET", "/api/v1/namespaces/default/pods/zz/log", "", "", 404, "NotFound", `pods "zz" not found`},
	{"scale of missing deployment", "GET", "/apis/apps/v1/namespaces/default/deployments/zz/scale", "", "", 404, "NotFound", `deployments.apps "zz" not found`},
	{"apply of another kind", "PATCH", cms + "/zz?fieldManager=m", ctApply, `{"apiVersion":"v1","kind":"Secret"}`, 400, "BadRequest", `invalid object type: /v1, Kind=Secret`},
	{"apply without apiVersion", "PATCH", cms + "/zz?fieldManager=m", ctApply, `{"kind":"ConfigMap"}`, 400, "BadRequest", `invalid object type: /, Kind=ConfigMap`},
	{"apply in another group", "PATCH", cms + "/zz?fieldManager=m", ctApply, `{"apiVersion":"apps/v1","kind":"ConfigMap"}`, 400, "BadRequest", `invalid object type: apps/v1, Kind=ConfigMap`},
	{"apply bad YAML", "PATCH", cms + "/zz?fieldManager=m", ctApply, `{bad`, 400, "BadRequest",
		`error decoding patch: error converting YAML to JSON: yaml: line 1: did not find expected ',' or '}'`},
	{"apply of a list", "PATCH", cms + "/zz?fieldManager=m", ctApply, `[1]`, 400, "BadRequest",
		`error decoding patch: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}`},
	{"apply YAML with a tab", "PATCH", cms + "/zz?fieldManager=m", ctApply, "a:\n\tb: c", 400, "BadRequest",
		`error encoding patch: yaml: line 2: found character that cannot start any token`},
	{"create bad YAML", "POST", cms, "application/yaml", `metadata: [`, 400, "BadRequest",
		`the object provided is unrecognized (must be of type ConfigMap): yaml: line 1: did not find expected node content (6d657461646174613a205b)`},
	{"dryRun values", "POST", cms + "?dryRun=Some", ctJSON, `{"metadata":{"name":"q"}}`, 422, "Invalid",
		`CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"`},
	{"delete options in the body", "DELETE", cms + "/a?dryRun=Bad", ctJSON, `{"dryRun":["Some","All"],"propagationPolicy":"Bad"}`, 422, "Invalid",
		`DeleteOptions.meta.k8s.io "" is invalid: [propagationPolicy: Unsupported value: "Bad": supported values: "Foreground", "Background", "Orphan", "nil", dryRun: Unsupported value: ["Some","All"]: supported values: "All"]`},
	{"delete options in the query", "DELETE", cms + "/a?dryRun=Some&dryRun=All&propagationPolicy=Bad", "", "", 422, "Invalid",
		`DeleteOptions.meta.k8s.io "" is invalid: [propagationPolicy: Unsupported value: "Bad": supported values: "Foreground", "Background", "Orphan", "nil", dryRun: Unsupported value: ["Some","All"]: supported values: "All"]`},
	{"service name with a dot", "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"name":"web.1"},"spec":{"ports":[{"port":80}]}}`, 422, "Invalid",
		`Service "web.1" is invalid: metadata.name: Invalid value: "web.1": must not contain dots`},
	{"service name in capitals", "POST", "/api/v1/namespaces/default/services", ctJSON, `{"metadata":{"name":"Web"},"spec":{"ports":[{"port":80}]}}`, 422, "Invalid",
		`Service "Web" is invalid: metadata.name: Invalid value: "Web": ` + msgLabel},
	{"namespace name with a dot", "POST", "/api/v1/namespaces", ctJSON, `{"metadata":{"name":"a.b"}}`, 422, "Invalid",
		`Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots`},
	{"scale patch of missing deployment", "PATCH", "/apis/apps/v1/namespaces/default/deployments/zz/scale", ctMergePatch, `{}`, 404, "NotFound", `deployments.apps "zz" not found`},
}

func TestRealErrorWording(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", cms, ctJSON, cmA).code)
	for _, tt := range realErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, tt.method, tt.path, tt.ct, tt.body)
			assert.Equal(t, tt.code, r.code, r.raw)
			assert.Equal(t, "Status", r.str("kind"))
			assert.Equal(t, tt.reason, r.str("reason"))
			assert.Equal(t, tt.msg, r.str("message"))
		})
	}
	// The JSON patch failure carries empty details.
	r := call(t, srv, "PATCH", cms+"/a", ctJSONPatch, `[{"op":"remove","path":"/data/nope"}]`)
	assert.Equal(t, "{}", r.str("details"))
}

func TestLabelKeyErrors(t *testing.T) {
	srv := NewServer(t)
	long := strings.Repeat("a", 64) + "%"
	r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON,
		`{"metadata":{"name":"lk","labels":{"`+long+`":"x","":"y","a/b/c":"z"}}}`)
	require.Equal(t, 422, r.code)
	inv := func(k, msg string) string { return `metadata.labels: Invalid value: "` + k + `": ` + msg }
	want := `ConfigMap "lk" is invalid: [` + strings.Join([]string{
		inv("", "name part must be non-empty"), inv("", selector.MsgQualifiedName),
		inv("a/b/c", selector.MsgQualifiedNameWithPrefix),
		inv(long, "name part must be no more than 63 bytes"), inv(long, selector.MsgQualifiedName),
	}, ", ") + `]`
	assert.Equal(t, want, r.str("message"))
}

func TestPlainNotFound(t *testing.T) {
	srv := NewServer(t)
	for _, p := range []string{"/apis/nope.example.com/v1/things", "/apis/nope.example.com/v1", "/apis/nope.example.com", "/foo"} {
		res, err := http.Get(srv.URL() + p)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, 404, res.StatusCode, p)
		assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"), p)
	}
}

// An update's error is reported once for the kinds of kube-apiserver's
// own registry (1.32 repeated it per metadata check); custom resources,
// CustomResourceDefinitions and APIServices still report it per layer.
func TestUpdateCauses(t *testing.T) {
	srv := NewServer(t)
	cms := "/api/v1/namespaces/default/configmaps"
	require.Equal(t, 201, call(t, srv, "POST", cms, ctJSON, `{"metadata":{"name":"f","finalizers":["example.com/keep"]}}`).code)
	require.Equal(t, 200, call(t, srv, "DELETE", cms+"/f", "", "").code)
	r := call(t, srv, "PATCH", cms+"/f", ctMergePatch, `{"metadata":{"labels":{"a b":"c"},"finalizers":["example.com/keep","example.com/more"]}}`)
	require.Equal(t, 422, r.code)
	fin := `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}`
	label := `Invalid value: "a b": ` + selector.MsgQualifiedName
	assert.Equal(t, `ConfigMap "f" is invalid: [metadata.labels: `+label+`, metadata.finalizers: `+fin+`]`, r.str("message"))
	assert.Equal(t, `[{"field":"metadata.labels","message":`+quote(label)+`,"reason":"FieldValueInvalid"},`+
		`{"field":"metadata.finalizers","message":`+quote(fin)+`,"reason":"FieldValueForbidden"}]`, r.str("details", "causes"))

	createCRD(t, srv)
	ws := "/apis/example.com/v1/namespaces/default/widgets"
	require.Equal(t, 201, call(t, srv, "POST", ws, ctJSON, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`).code)
	r = call(t, srv, "PATCH", ws+"/w", ctMergePatch, `{"metadata":{"labels":{"a b":"c"}}}`)
	require.Equal(t, 422, r.code)
	assert.Equal(t, 3, strings.Count(r.str("details", "causes"), `"field":"metadata.labels"`))
	assert.Equal(t, 1, strings.Count(r.str("message"), "metadata.labels"))
	r = call(t, srv, "PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", ctMergePatch, `{"metadata":{"labels":{"a b":"c"}}}`)
	require.Equal(t, 422, r.code)
	assert.Equal(t, 3, strings.Count(r.str("details", "causes"), `"field":"metadata.labels"`))
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestStrategicMergeOrder(t *testing.T) {
	srv := NewServer(t)
	svc := "/api/v1/namespaces/default/services/w"
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/services", ctJSON,
		`{"metadata":{"name":"w"},"spec":{"ports":[{"name":"a","port":80},{"name":"b","port":81},{"name":"c","port":82}]}}`).code)
	ports := func(r resp) string {
		var out []string
		for _, p := range r.body["spec"].(map[string]any)["ports"].([]any) {
			out = append(out, p.(map[string]any)["name"].(string))
		}
		return strings.Join(out, ",")
	}
	r := call(t, srv, "PATCH", svc, ctSMP, `{"spec":{"ports":[{"name":"x","port":90},{"port":81,"name":"b2"},{"name":"y","port":91}]}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "x,a,b2,y,c", ports(r))
	r = call(t, srv, "PATCH", svc, ctSMP, `{"spec":{"$setElementOrder/ports":[{"port":91},{"port":80},{"port":92},{"port":81}],"ports":[{"port":92,"name":"z"}]}}`)
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "x,y,a,z,b2,c", ports(r))

	cm := "/api/v1/namespaces/default/configmaps"
	require.Equal(t, 201, call(t, srv, "POST", cm, ctJSON, `{"metadata":{"name":"f","finalizers":["a/x","b/y"]}}`).code)
	r = call(t, srv, "PATCH", cm+"/f", ctSMP, `{"metadata":{"finalizers":["c/z","b/y","d/w"]}}`)
	assert.Equal(t, `["c/z","a/x","b/y","d/w"]`, r.str("metadata", "finalizers"))
}

func TestPodDeleteGraceful(t *testing.T) {
	srv := NewServer(t)
	pods := "/api/v1/namespaces/default/pods"
	r := call(t, srv, "POST", pods, ctJSON, `{"metadata":{"name":"q"},"spec":{"containers":[{"name":"c","image":"x"}]}}`)
	require.Equal(t, 201, r.code)
	next, stop := watchEvents(t, srv, pods+"?watch=true&resourceVersion="+r.str("metadata", "resourceVersion"))
	defer stop()
	r = call(t, srv, "DELETE", pods+"/q", "", "")
	require.Equal(t, 200, r.code)
	assert.Equal(t, "Pod", r.str("kind"))
	assert.Equal(t, "0", r.str("metadata", "deletionGracePeriodSeconds"))
	assert.NotEmpty(t, r.str("metadata", "deletionTimestamp"))
	ev := next()
	assert.Equal(t, "MODIFIED", evType(ev))
	ev = next()
	assert.Equal(t, "DELETED", evType(ev))
	assert.Equal(t, 404, call(t, srv, "GET", pods+"/q", "", "").code)

	// A scheduled pod gets its grace period in the answer; the fake, with
	// no kubelet, removes it at once.
	require.Equal(t, 201, call(t, srv, "POST", pods, ctJSON, `{"metadata":{"name":"s"},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"x"}]}}`).code)
	r = call(t, srv, "DELETE", pods+"/s", "", "")
	assert.Equal(t, "30", r.str("metadata", "deletionGracePeriodSeconds"))
	r = call(t, srv, "DELETE", pods+"/x?gracePeriodSeconds=0", "", "")
	assert.Equal(t, 404, r.code)
}

func TestDeleteMarkBumpsGeneration(t *testing.T) {
	srv := NewServer(t, WithoutGarbageCollector()) // the collector would finish the delete
	deps := "/apis/apps/v1/namespaces/default/deployments"
	require.Equal(t, 201, call(t, srv, "POST", deps, ctJSON,
		`{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`).code)
	r := call(t, srv, "DELETE", deps+"/d?propagationPolicy=Foreground", "", "")
	require.Equal(t, 200, r.code, r.raw)
	assert.Equal(t, "2", r.str("metadata", "generation"))
	assert.Equal(t, "2", call(t, srv, "GET", deps+"/d", "", "").str("metadata", "generation"))
}

func TestPodFieldSelectorDefaults(t *testing.T) {
	srv := NewServer(t)
	pods := "/api/v1/namespaces/default/pods"
	require.Equal(t, 201, call(t, srv, "POST", pods, ctJSON, `{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x"}]}}`).code)
	assert.Equal(t, []string{"p"}, names(call(t, srv, "GET", pods+"?fieldSelector=spec.restartPolicy%3DAlways", "", "")))
	assert.Equal(t, []string{"p"}, names(call(t, srv, "GET", pods+"?fieldSelector=spec.schedulerName%3Ddefault-scheduler", "", "")))
	assert.Empty(t, names(call(t, srv, "GET", pods+"?fieldSelector=spec.restartPolicy%3DNever", "", "")))
}

// Kubernetes 1.37 takes any RFC 1123 label as a service's name (relaxed
// service name validation, GA); 1.32 wanted a DNS-1035 label, which may
// not start with a digit.
func TestServiceNameRelaxed(t *testing.T) {
	srv := NewServer(t)
	svcs := "/api/v1/namespaces/default/services"
	r := call(t, srv, "POST", svcs, ctJSON, `{"metadata":{"name":"1web"},"spec":{"ports":[{"port":80}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	r = call(t, srv, "POST", svcs, ctJSON, `{"metadata":{"generateName":"1-"},"spec":{"ports":[{"port":80}]}}`)
	require.Equal(t, 201, r.code, r.raw)
	long := strings.Repeat("a", 64) + ".b"
	r = call(t, srv, "POST", svcs, ctJSON, `{"metadata":{"name":"`+long+`"},"spec":{"ports":[{"port":80}]}}`)
	require.Equal(t, 422, r.code, r.raw)
	assert.Equal(t, `Service "`+long+`" is invalid: [metadata.name: Invalid value: "`+long+`": must be no more than 63 characters, `+
		`metadata.name: Invalid value: "`+long+`": must not contain dots]`, r.str("message"))
}
