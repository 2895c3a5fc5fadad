package metav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kubewire/kubewire/api/metav1"
)

func TestWriteOptionsFieldValidation(t *testing.T) {
	for _, fv := range []string{metav1.FieldValidationStrict, metav1.FieldValidationWarn, metav1.FieldValidationIgnore} {
		w := metav1.WriteOptions{FieldValidation: fv}
		assert.Equal(t, fv, metav1.CreateOptions(w).Query().Get("fieldValidation"))
		assert.Equal(t, fv, metav1.UpdateOptions(w).Query().Get("fieldValidation"))
		assert.Equal(t, fv, metav1.PatchOptions{WriteOptions: w}.Query().Get("fieldValidation"))
		q := metav1.ApplyOptions{FieldManager: "m", Force: true, DryRun: true, FieldValidation: fv}.Query()
		assert.Equal(t, fv, q.Get("fieldValidation"))
		assert.Equal(t, "m", q.Get("fieldManager"))
		assert.Equal(t, "true", q.Get("force"))
		assert.Equal(t, "All", q.Get("dryRun"))
	}
	for _, q := range []map[string][]string{
		metav1.WriteOptions{}.Query(), metav1.PatchOptions{}.Query(), metav1.ApplyOptions{}.Query(),
	} {
		assert.NotContains(t, q, "fieldValidation", "unset means the server's default")
	}
}
