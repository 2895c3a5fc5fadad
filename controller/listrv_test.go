package controller_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/typed"
)

// listQueries returns the resourceVersion and resourceVersionMatch of the
// list requests in the server's log, in order.
func listQueries(e *env) [][2]string {
	var out [][2]string
	for _, r := range e.srv.Requests() {
		if r.Verb == "list" {
			out = append(out, [2]string{r.Query.Get("resourceVersion"), r.Query.Get("resourceVersionMatch")})
		}
	}
	return out
}

// The informer lists as client-go's reflector does: first at
// resourceVersion "0" (the watch cache), after an expired watch at a
// version not older than the last it saw, and, when the server no longer
// has that version, at once again as a consistent read; the next relist
// goes back to the cache.
func TestInformerListResourceVersions(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	base := configMapCount(ctx, t, e)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.core, "default")
	for i := range 3 {
		_, err := cms.Create(ctx, cm("default", fmt.Sprint("pre-", i), nil, nil), metav1.CreateOptions{})
		require.NoError(t, err)
	}
	e.srv.ResetRequests()
	inf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](e.watch, "")),
		controller.WithBackoff(fastBackoff))
	require.NoError(t, err)
	run(t, inf)
	assert.Equal(t, [][2]string{{"0", ""}}, listQueries(e), "the first list is served from the watch cache")
	assert.Equal(t, base+3, inf.Lister().Len())

	waitLists := func(n int) [][2]string {
		t.Helper()
		require.Eventually(t, func() bool { return len(listQueries(e)) >= n }, 5*time.Second, time.Millisecond)
		return listQueries(e)
	}

	// watching waits until a watch follows the last list, so that a
	// poisoned frame reaches it.
	watching := func() {
		t.Helper()
		require.Eventually(t, func() bool {
			watch := false
			for _, r := range e.srv.Requests() {
				switch r.Verb {
				case "list":
					watch = false
				case "watch":
					watch = r.Code == 200
				}
			}
			return watch
		}, 5*time.Second, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
	}

	// The watch expires: list again, not older than the cache.
	c, err := cms.Create(ctx, cm("default", "a", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	watching()
	e.srv.ResetRequests()
	last := inf.LastResourceVersion()
	e.chaos.poison(expiredFrame)
	c, err = cms.Create(ctx, cm("default", "b", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	got := waitLists(1)
	assert.Equal(t, "NotOlderThan", got[0][1])
	assert.GreaterOrEqual(t, atoi(t, got[0][0]), atoi(t, last), "not older than the cache")

	// The list at that version fails with 410: the informer lists again at
	// once, consistently, and goes back to the cache afterwards.
	watching()
	e.srv.ResetRequests()
	e.srv.Inject(fake.Fault{Verb: "list", Status: &metav1.Status{Code: 410, Reason: "Expired", Message: "too old resource version"}, Times: 1})
	e.chaos.poison(expiredFrame)
	c, err = cms.Create(ctx, cm("default", "c", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	got = waitLists(2)
	assert.Equal(t, "NotOlderThan", got[0][1])
	assert.Equal(t, [2]string{"", ""}, got[1], "a consistent read after the 410")
	assert.Equal(t, base+6, inf.Lister().Len())

	watching()
	e.srv.ResetRequests()
	e.chaos.poison(expiredFrame)
	c, err = cms.Create(ctx, cm("default", "d", nil, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, inf.WaitForResourceVersion(ctx, c.ResourceVersion))
	got = waitLists(1)
	assert.Equal(t, "NotOlderThan", got[0][1], "back to the cache once a list succeeded")
	assert.Equal(t, base+7, inf.Lister().Len())
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err, s)
	return n
}
