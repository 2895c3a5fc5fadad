package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Server-side apply refuses what does not fit the kind's schema and what
// does not decode, with a 500 without reason, as kube-apiserver does.
func TestApplyChecksSchema(t *testing.T) {
	srv := NewServer(t)
	const pods = "/api/v1/namespaces/default/pods"
	for _, c := range []struct{ name, body, msg string }{
		{"unknown", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"}],` +
			`"volumes":[{"name":"v","rbd":{"monitors":["m"],"image":"i","imagefeatures":"x","imageformat":"2"}}]}}`,
			`failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.volumes[name="v"].rbd.imagefeatures: field not declared in schema`},
		{"type", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":"PORT","protocol":"SCTP"}]}]}}`,
			`failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.containers[name="c"].ports[containerPort="PORT",protocol="SCTP"].containerPort: expected numeric (int or float), got string`},
		{"two", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","x":1},"spec":{"y":2,"containers":[{"name":"c","image":"nginx"}]}}`,
			"failed to create typed patch object (default/p; /v1, Kind=Pod): errors:\n  .metadata.x: field not declared in schema\n  .spec.y: field not declared in schema"},
		{"quantity", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","resources":{"limits":{"memory":"SIZE"}}}]}}`,
			`failed to convert new object (default/p; /v1, Kind=Pod) to proper version: unable to convert unstructured object to /v1, Kind=Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`},
	} {
		r := call(t, srv, "PATCH", pods+"/p?fieldManager=m", ctApply, c.body)
		assert.Equal(t, 500, r.code, c.name)
		assert.Equal(t, "", r.str("reason"), c.name)
		assert.Equal(t, c.msg, r.str("message"), c.name)
	}
	r := call(t, srv, "PATCH", "/api/v1/namespaces/default/secrets/s?fieldManager=m", ctApply, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"%%"}}`)
	assert.Equal(t, 500, r.code)
	assert.Equal(t, `failed to convert new object (default/s; /v1, Kind=Secret) to proper version: unable to convert unstructured object to /v1, Kind=Secret: error decoding from json: illegal base64 data at input byte 0`, r.str("message"))
}

// An applied configuration naming a uid does not create the object.
func TestApplyWithUIDOfMissingObject(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "PATCH", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h?fieldManager=m", ctApply,
		`{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","uid":"5facf481-5435-4a2d-890b-e684c45a2e9f","resourceVersion":"12"},`+
			`"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"d"},"maxReplicas":3}}`)
	assert.Equal(t, 409, r.code, r.raw)
	assert.Equal(t, "Conflict", r.str("reason"))
	assert.Equal(t, `Operation cannot be fulfilled on horizontalpodautoscalers.autoscaling "h": uid mismatch: the provided object specified uid 5facf481-5435-4a2d-890b-e684c45a2e9f, and no existing object was found`, r.str("message"))
}
