package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Job without labels shows the labels its template gets on create; one
// with labels of its own keeps just those, even when they equal the
// template's.
func TestJobLabels(t *testing.T) {
	srv := NewServer(t)
	const jobs = "/apis/batch/v1/namespaces/default/jobs"
	tmpl := `"template":{"metadata":{"labels":{"app":"a"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}`
	r := call(t, srv, "POST", jobs, ctJSON, `{"metadata":{"name":"own","labels":{"app":"a"}},"spec":{`+tmpl+`}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, `{"app":"a"}`, r.str("metadata", "labels"))
	assert.Equal(t, "own", r.str("spec", "template", "metadata", "labels", "job-name"))

	r = call(t, srv, "POST", jobs, ctJSON, `{"metadata":{"name":"none"},"spec":{`+tmpl+`}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "none", r.str("metadata", "labels", "job-name"))
	assert.Equal(t, r.str("metadata", "uid"), r.str("metadata", "labels", "batch.kubernetes.io/controller-uid"))

	// Neither the Job nor its template has labels: the Job shows the
	// generated ones, also when applied.
	r = call(t, srv, "PATCH", jobs+"/bare?fieldManager=m", ctApply, `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"bare"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "bare", r.str("metadata", "labels", "job-name"))
	r = call(t, srv, "PATCH", jobs+"/tl?fieldManager=m", ctApply, `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"tl"},"spec":{`+tmpl+`}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.Equal(t, "tl", r.str("metadata", "labels", "job-name"))
	assert.Equal(t, "a", r.str("metadata", "labels", "app"))
}
