package typed_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/typed"
)

// typed.Watcher ends as rest.Watcher does. Failed before the change: the
// typed loop yielded io.EOF as an error, stopped at the first ERROR event
// and left the watcher open.
func TestWatchEndOfStreamAsRest(t *testing.T) {
	const stream = `{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"2"}}}
{"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"InternalError","code":500,"message":"transient"}}
{"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"3"}}}
`
	c, _ := setup(t, map[string]http.HandlerFunc{"GET " + cmPath: respond(stream)})
	ctx := context.Background()

	rw, err := c.Get().Version("v1").Namespace("ns1").Resource("configmaps").Watch(ctx)
	require.NoError(t, err)
	var restSeen []string
	for ev, err := range rw.Events() {
		restSeen = append(restSeen, string(ev.Type)+errText(err))
	}

	tw, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	var typedSeen []string
	for ev, err := range tw.Events() {
		typedSeen = append(typedSeen, string(ev.Type)+errText(err))
	}
	assert.Equal(t, []string{"ADDED", "ERROR: transient", "MODIFIED"}, restSeen)
	assert.Equal(t, restSeen, typedSeen, "the same events, the same errors, no io.EOF")

	_, err = tw.Next()
	assert.Equal(t, io.EOF, err, "the watch stays ended")

	// Next reports the clean end as io.EOF, again and again.
	tw, err = typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns1").Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	defer tw.Close()
	for range 3 {
		_, err = tw.Next()
		if err != nil && err != io.EOF {
			continue // the ERROR event
		}
	}
	for range 2 {
		_, err = tw.Next()
		assert.Equal(t, io.EOF, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}
