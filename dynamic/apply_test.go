package dynamic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
)

func configMap(name string) Object {
	o := Object{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"k": "v"}}
	o.SetName(name)
	return o
}

// applyValidations returns the fieldValidation parameter of every apply
// patch the server received.
func applyValidations(reqs []fake.Request) []string {
	var out []string
	for _, r := range reqs {
		if r.Method == "PATCH" && r.ContentType == "application/apply-patch+yaml" {
			out = append(out, r.Query.Get("fieldValidation"))
		}
	}
	return out
}

func TestApplyFieldValidation(t *testing.T) {
	ctx := t.Context()
	rc, dc, srv := newFake(t)
	a := NewApplier(rc, dc, "test")
	_, err := a.Apply(ctx, []Object{configMap("a")})
	require.NoError(t, err)
	assert.Equal(t, []string{"Strict"}, applyValidations(srv.Requests()), "Strict by default, as kubectl")

	srv.ResetRequests()
	a.FieldValidation = metav1.FieldValidationWarn
	_, err = a.Apply(ctx, []Object{configMap("a")})
	require.NoError(t, err)
	assert.Equal(t, []string{"Warn"}, applyValidations(srv.Requests()))
}
