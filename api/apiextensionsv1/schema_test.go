package apiextensionsv1_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/apiextensionsv1"
	"github.com/kubewire/kubewire/internal/codec"
)

const schemaJSON = `{"type":"object","properties":{
  "spec":{"type":"object","required":["size"],"properties":{
    "size":{"type":"integer","minimum":1,"default":3},
    "tags":{"type":"array","items":{"type":"string","enum":["a","b"]}},
    "tuple":{"type":"array","items":[{"type":"string"},{"type":"integer"}]},
    "labels":{"type":"object","additionalProperties":{"type":"string"}},
    "closed":{"type":"object","additionalProperties":false},
    "port":{"x-kubernetes-int-or-string":true},
    "deps":{"type":"object","dependencies":{"a":["b","c"],"d":{"required":["e"]}}}},
  "x-kubernetes-validations":[{"rule":"self.size < 10","message":"too big"}]}}}`

func TestSchemaUnions(t *testing.T) {
	var s apiextensionsv1.JSONSchemaProps
	require.NoError(t, codec.Unmarshal([]byte(schemaJSON), &s))
	spec := s.Properties["spec"]
	assert.Equal(t, "string", spec.Properties["tags"].Items.Schema.Type)
	assert.Len(t, spec.Properties["tuple"].Items.JSONSchemas, 2)
	assert.Equal(t, "string", spec.Properties["labels"].AdditionalProperties.Schema.Type)
	assert.True(t, spec.Properties["labels"].AdditionalProperties.Allows)
	closed := spec.Properties["closed"].AdditionalProperties
	assert.False(t, closed.Allows)
	assert.Nil(t, closed.Schema)
	assert.Equal(t, []string{"b", "c"}, spec.Properties["deps"].Dependencies["a"].Property)
	assert.Equal(t, []string{"e"}, spec.Properties["deps"].Dependencies["d"].Schema.Required)
	assert.Equal(t, "3", string(spec.Properties["size"].Default))
	assert.True(t, spec.Properties["port"].XIntOrString)
	assert.Equal(t, "self.size < 10", spec.XValidations[0].Rule)

	out, err := json.Marshal(&s)
	require.NoError(t, err)
	var a, b any
	require.NoError(t, json.Unmarshal([]byte(schemaJSON), &a))
	require.NoError(t, json.Unmarshal(out, &b))
	assert.Equal(t, a, b, "round trip")

	for _, bad := range []string{`{"items":true}`, `{"additionalProperties":[]}`, `{"dependencies":{"a":1}}`} {
		require.Error(t, json.Unmarshal([]byte(bad), &s), bad)
	}
}
