package typed_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/typed"
)

// liveDeployment is a Deployment as the server returns it after two
// managers applied to it and a controller updated its status.
const liveDeployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns1","uid":"u1",
"resourceVersion":"42","generation":2,"creationTimestamp":"2026-12-01T10:00:00Z",
"labels":{"app":"web","tier":"front"},"annotations":{"team":"a","owner":"b"},"finalizers":["x/one","x/two"],
"managedFields":[
 {"manager":"a","operation":"Apply","apiVersion":"apps/v1","time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":
  {"f:metadata":{"f:labels":{"f:app":{}},"f:finalizers":{"v:\"x/one\"":{}}},
   "f:spec":{"f:paused":{},"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
    "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},
     "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:hostPort":{}}}}}}}}}},
 {"manager":"b","operation":"Apply","apiVersion":"apps/v1","time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":
  {"f:metadata":{"f:annotations":{"f:owner":{}},"f:labels":{"f:tier":{}}},"f:spec":{"f:minReadySeconds":{}}}},
 {"manager":"a","operation":"Update","apiVersion":"apps/v1","time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":
  {"f:metadata":{"f:annotations":{"f:team":{}}}}},
 {"manager":"kcm","operation":"Update","apiVersion":"apps/v1","subresource":"status","fieldsType":"FieldsV1","fieldsV1":
  {"f:status":{"f:replicas":{},"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:type":{},"f:status":{}}}}}},
 {"manager":"a","operation":"Apply","apiVersion":"apps/v1","subresource":"status","fieldsType":"FieldsV1","fieldsV1":
  {"f:status":{"f:observedGeneration":{}}}}
]},
"spec":{"replicas":3,"minReadySeconds":5,"selector":{"matchLabels":{"app":"web"}},
 "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,
 "progressDeadlineSeconds":600,
 "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[
  {"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":81,"protocol":"TCP"}],
   "resources":{},"terminationMessagePath":"/dev/termination-log","imagePullPolicy":"IfNotPresent"},
  {"name":"sidecar","image":"busybox"}],
  "restartPolicy":"Always","dnsPolicy":"ClusterFirst"}}},
"status":{"replicas":3,"observedGeneration":2,"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"}]}}`

func decodeDeployment(t *testing.T, s string) *appsv1.Deployment {
	t.Helper()
	d := new(appsv1.Deployment)
	require.NoError(t, codec.Unmarshal([]byte(s), d))
	return d
}

// Extract keeps exactly the fields the manager applied (maps by key, lists
// by item key or value, atomic values whole) and the identity fields; an
// owned zero field the server did not write back comes out as explicit.
func TestExtractKeepsWhatTheManagerApplied(t *testing.T) {
	live := decodeDeployment(t, liveDeployment)
	cfg, explicit, err := typed.Extract(live, "a", "")
	require.NoError(t, err)
	require.Equal(t, []any{&cfg.Spec.Paused, &cfg.Spec.Template.Spec.Containers[0].Ports[0].HostPort}, explicit)
	body, missed, err := jsonwire.MarshalApply(cfg, explicit)
	require.NoError(t, err)
	require.Empty(t, missed)
	assert.JSONEq(t, `{"apiVersion":"apps/v1","kind":"Deployment",
		"metadata":{"name":"web","namespace":"ns1","labels":{"app":"web"},"finalizers":["x/one"]},
		"spec":{"paused":false,"replicas":3,"selector":{"matchLabels":{"app":"web"}},
		 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
		  {"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80,"hostPort":0}]}]}}}}`, string(body))

	cfg, explicit, err = typed.Extract(live, "b", "")
	require.NoError(t, err)
	assert.Empty(t, explicit)
	body, _, err = jsonwire.MarshalApply(cfg, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"apiVersion":"apps/v1","kind":"Deployment",
		"metadata":{"name":"web","namespace":"ns1","annotations":{"owner":"b"},"labels":{"tier":"front"}},
		"spec":{"minReadySeconds":5}}`, string(body))

	cfg, _, err = typed.Extract(live, "a", "status")
	require.NoError(t, err)
	body, _, err = jsonwire.MarshalApply(cfg, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns1"},
		"status":{"observedGeneration":2}}`, string(body))

	// Updates are not applies; a manager that applied nothing gets the
	// identity fields alone.
	for _, m := range []string{"kcm", "nobody"} {
		cfg, _, err = typed.Extract(live, m, "")
		require.NoError(t, err)
		body, _, err = jsonwire.MarshalApply(cfg, nil)
		require.NoError(t, err)
		assert.JSONEq(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns1"}}`, string(body), m)
	}
}

// Items named by index (i:) and set items (v:) are found, and every entry
// of the manager counts.
func TestExtractIndexesAndUnion(t *testing.T) {
	live := decodeDeployment(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","managedFields":[
		{"manager":"m","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{"i:1":{"f:args":{}}}}}}}},
		{"manager":"m","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":{"v:\"b\"":{}}}}}]},
		"spec":{"template":{"spec":{"containers":[{"name":"a","args":["1"]},{"name":"b","args":["2","3"]}]}}}}`)
	cfg, _, err := typed.Extract(live, "m", "")
	require.NoError(t, err)
	assert.Equal(t, []corev1.Container{{Args: []string{"2", "3"}}}, cfg.Spec.Template.Spec.Containers)
	assert.Nil(t, cfg.Finalizers, "the object has no finalizer b")
}

// Malformed managedFields of the manager are a ManagedFieldsError naming
// the entry and the member; other managers' entries are not read.
func TestExtractMalformedManagedFields(t *testing.T) {
	for fields, want := range map[string]string{
		`"fieldsType":"FieldsV2","fieldsV1":{}`:               `managedFields[1] has fieldsType "FieldsV2", not FieldsV1`,
		`"fieldsType":"FieldsV1","fieldsV1":[]`:               `fieldsV1 member  is not a JSON object`,
		`"fieldsType":"FieldsV1","fieldsV1":{"f:spec":1}`:     `member /f:spec is not a JSON object`,
		`"fieldsType":"FieldsV1","fieldsV1":{"spec":{}}`:      `member /spec has no f:, k:, v: or i: prefix`,
		`"fieldsType":"FieldsV1","fieldsV1":{"x:spec":{}}`:    `member /x:spec has an unknown prefix "x:"`,
		`"fieldsType":"FieldsV1","fieldsV1":{"k:[1]":{}}`:     `member /k:[1] does not hold a JSON object`,
		`"fieldsType":"FieldsV1","fieldsV1":{"v:{":{}}`:       `member /v:{ does not hold a JSON value`,
		`"fieldsType":"FieldsV1","fieldsV1":{"i:-1":{}}`:      `member /i:-1 is not a list index`,
		`"fieldsType":"FieldsV1","fieldsV1":{".":{"f:a":{}}}`: `member /. is not {}`,
	} {
		live := decodeDeployment(t, `{"metadata":{"name":"d","managedFields":[{"manager":"other","operation":"Apply","fieldsType":"Bad"},
			{"manager":"m","operation":"Apply",`+fields+`}]}}`)
		_, _, err := typed.Extract(live, "m", "")
		var me *typed.ManagedFieldsError
		require.True(t, errors.As(err, &me), "%s: %v", fields, err)
		assert.Equal(t, 1, me.Entry)
		assert.Equal(t, "m", me.Manager)
		assert.True(t, strings.Contains(err.Error(), want), "%s: %v", fields, err)
	}
	_, _, err := typed.Extract[appsv1.Deployment](nil, "m", "")
	var me *typed.ManagedFieldsError
	assert.True(t, errors.As(err, &me))
}
