package fake

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// widgetSchema compiles the schema of testdata/crd-schema-widgets.json,
// the CRD the facts below were read with from kube-apiserver v1.37.2.
func widgetSchema(t *testing.T) *crdSchema {
	t.Helper()
	b, err := os.ReadFile("testdata/crd-schema-widgets.json")
	require.NoError(t, err)
	crd, err := decodeJSON(b)
	require.NoError(t, err)
	v := asList(nested(crd, "spec", "versions"))[0].(obj)
	s := compileCRDSchema(nested(v, "schema", "openAPIV3Schema"))
	require.NotNil(t, s)
	return s
}

// crMessages runs a custom resource body through pruning, defaulting and
// validation and returns the Invalid message the server would send ("" if
// valid), the unknown fields and the object.
func crMessages(t *testing.T, s *crdSchema, spec string) (string, []string, obj, bool) {
	t.Helper()
	o, err := decodeJSON([]byte(`{"apiVersion":"probe.kubewire.io/v1","kind":"Widget","metadata":{"name":"w"},` + strings.TrimPrefix(spec, "{")))
	require.NoError(t, err, spec)
	unknown := pruneCR(o, s)
	defaultCR(o, s)
	errs, cel := validateCR(o, s)
	if len(errs) == 0 {
		return "", unknown, o, cel
	}
	return errInvalid("probe.kubewire.io", "Widget", "w", errs...).s.Message, unknown, o, cel
}

// The messages kube-apiserver v1.37.2 answered for each body (see the
// differential test for the same cases end to end).
func TestCRDSchemaValidationMessages(t *testing.T) {
	s := widgetSchema(t)
	const cel = `, <nil>: Invalid value: null: ` + celNotChecked + `]`
	for _, tc := range []struct{ body, want string }{
		{`{"spec":{"size":3}}`, ``},
		{`{"spec":{"size":"three"}}`, `[spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"` + cel},
		{`{"spec":{}}`, `[spec.size: Required value` + cel},
		{`{"spec":{"size":3,"color":"pink"}}`, `[spec.color: Unsupported value: "pink": supported values: "red", "blue"` + cel},
		{`{"spec":{"size":0}}`, `spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1`},
		{`{"spec":{"size":11}}`, `spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10`},
		{`{"spec":{"size":3,"ratio":0}}`, `[spec.ratio: Invalid value: 0: factor MultipleOf declared for spec.ratio must be positive: 0, spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0]`},
		{`{"spec":{"size":3,"ratio":0.7}}`, `spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5`},
		{`{"spec":{"size":3,"code":"ab"}}`, `spec.code: Invalid value: "ab": spec.code in body should match '^[0-9]+$'`},
		{`{"spec":{"size":3,"code":"1"}}`, `spec.code: Invalid value: "1": spec.code in body should be at least 2 chars long`},
		{`{"spec":{"size":3,"code":"123456"}}`, `[spec.code: Too long: may not be more than 5 bytes` + cel},
		{`{"spec":{"size":3,"email":"nope"}}`, `[spec.email: Invalid value: "nope": spec.email in body must be of type email: "nope"` + cel},
		{`{"spec":{"size":3,"when":"yesterday"}}`, `[spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"` + cel},
		{`{"spec":{"size":3,"tags":["a","b","c","d"]}}`, `[spec.tags: Too many: 4: must have at most 3 items` + cel},
		{`{"spec":{"size":3,"tags":[]}}`, `spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items`},
		{`{"spec":{"size":3,"tags":["a","a"]}}`, `spec.tags[1]: Duplicate value: "a"`},
		{`{"spec":{"size":3,"ports":[{"name":"a"},{"name":"a","port":2}]}}`, `spec.ports[1]: Duplicate value: {"name":"a"}`},
		{`{"spec":{"size":3,"ports":[{"port":2}]}}`, `[spec.ports[0].name: Required value` + cel},
		{`{"spec":{"size":3,"labels":{"a":1}}}`, `[spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"` + cel},
		{`{"spec":{"size":3,"labels":{"a":"1","b":"2","c":"3"}}}`, `[spec.labels: Too many: 3: must have at most 2 items` + cel},
		{`{"spec":{"size":3,"port":"http"}}`, ``},
		{`{"spec":{"size":3,"port":true}}`, `[spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean", <nil>: Invalid value: "": "spec.port" must validate at least one schema (anyOf), spec.port: Invalid value: "boolean": spec.port in body must be of type integer: "boolean"` + cel},
		{`{"spec":{"size":3,"opt":null}}`, ``},
		{`{"spec":{"size":3,"code":null}}`, ``},
		{`{"spec":{"size":3,"tmpl":{"spec":{}}}}`, `[spec.tmpl.apiVersion: Required value, spec.tmpl.kind: Required value` + cel},
		{`{"spec":{"size":3.5}}`, `[spec.size: Invalid value: "number": spec.size in body must be of type integer: "number", <nil>: Invalid value: "": Checked value must be of type integer (default format) in spec.size` + cel},
		{`{"spec":{"size":3,"nested":{"b":"yes"}}}`, `[spec.nested.b: Invalid value: "string": spec.nested.b in body must be of type boolean: "string"` + cel},
	} {
		got, _, _, _ := crMessages(t, s, tc.body)
		want := tc.want
		if want != "" {
			want = `Widget.probe.kubewire.io "w" is invalid: ` + want
		}
		assert.Equal(t, want, got, tc.body)
	}
}

func TestCRDSchemaPruneAndDefault(t *testing.T) {
	s := widgetSchema(t)
	_, unknown, o, celSkipped := crMessages(t, s, `{"spec":{"size":3,"bogus":1,"nested":{"zz":2},"free":{"x":{"y":1}},"tmpl":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","bogus":1},"spec":{}}},"top":1,"status":{"ready":true,"bad":1}}`)
	assert.Equal(t, []string{"spec.bogus", "spec.nested.zz", "spec.tmpl.metadata.bogus", "status.bad", "top"}, unknown)
	assert.True(t, celSkipped, "the schema's CEL rules would have run")
	b, err := json.Marshal(o["spec"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"size":3,"color":"red","nested":{"a":"x"},"free":{"x":{"y":1}},"tmpl":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}}`, string(b))
	assert.Equal(t, map[string]any{"ready": true}, o["status"])

	_, _, o, _ = crMessages(t, s, `{"spec":{"size":3,"opt":null,"code":null,"ports":[{"name":"a"}]}}`)
	sp := o["spec"].(obj)
	assert.Contains(t, sp, "opt", "nullable: the null is kept")
	assert.NotContains(t, sp, "code", "not nullable, no default: the null is dropped")
	assert.Equal(t, "80", sp["ports"].([]any)[0].(obj)["port"].(interface{ String() string }).String(), "list items get their defaults")

	// No schema: everything is kept and nothing is checked.
	o = obj{"spec": obj{"anything": 1}}
	assert.Empty(t, pruneCR(o, nil))
	errs, _ := validateCR(o, nil)
	assert.Empty(t, errs)
}
