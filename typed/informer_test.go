package typed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// pagedServer serves configmaps in pages keyed by the continue token; a
// token listed in expired answers 410 Expired. It records the queries.
func pagedServer(t *testing.T, pages map[string]string, expired string) (*rest.Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		tok := r.URL.Query().Get("continue")
		if tok != "" && tok == expired {
			w.WriteHeader(http.StatusGone)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old"}`)
			return
		}
		if r.URL.Query().Get("limit") == "" {
			tok = "unpaged"
		}
		body, ok := pages[tok]
		if !ok {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"InternalError","code":500,"message":"no such page"}`)
			return
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	rc, err := rest.New(&config.Config{Server: srv.URL}, rest.WithRateLimit(-1, 0), rest.WithMaxRetries(0))
	require.NoError(t, err)
	return rc, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), queries...) }
}

func TestListItemsFollowsContinue(t *testing.T) {
	c, queries := pagedServer(t, map[string]string{
		"":   `{"metadata":{"resourceVersion":"40","continue":"p2","remainingItemCount":1},"items":[{"metadata":{"name":"a","namespace":"ns"}},{"metadata":{"name":"b","namespace":"ns"}}]}`,
		"p2": `{"metadata":{"resourceVersion":"40"},"items":[{"metadata":{"name":"c","namespace":"ns"}}]}`,
	}, "")
	opts := metav1.ListOptions{LabelSelector: "app=x", Limit: 2}
	items, meta, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns").ListItems(context.Background(), opts)
	require.NoError(t, err)
	require.Len(t, items, 3)
	assert.Equal(t, []string{"a", "b", "c"}, []string{items[0].Name, items[1].Name, items[2].Name})
	assert.Equal(t, "40", meta.ResourceVersion)
	assert.Empty(t, meta.Continue)
	assert.Nil(t, meta.RemainingItemCount)
	assert.Equal(t, []string{"labelSelector=app%3Dx&limit=2", "continue=p2&labelSelector=app%3Dx&limit=2"}, queries())
	assert.Equal(t, metav1.ListOptions{LabelSelector: "app=x", Limit: 2}, opts, "the caller's options are unchanged")
}

func TestListItemsExpiredContinueRelistsInFull(t *testing.T) {
	c, queries := pagedServer(t, map[string]string{
		"":        `{"metadata":{"resourceVersion":"40","continue":"p2"},"items":[{"metadata":{"name":"a","namespace":"ns"}}]}`,
		"unpaged": `{"metadata":{"resourceVersion":"55"},"items":[{"metadata":{"name":"a","namespace":"ns"}},{"metadata":{"name":"z","namespace":"ns"}}]}`,
	}, "p2")
	items, meta, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns").ListItems(context.Background(), metav1.ListOptions{Limit: 1, ResourceVersion: "0", ResourceVersionMatch: "NotOlderThan"})
	require.NoError(t, err)
	require.Len(t, items, 2, "the first page is dropped: every item comes from one snapshot")
	assert.Equal(t, "z", items[1].Name)
	assert.Equal(t, "55", meta.ResourceVersion)
	assert.Equal(t, []string{"limit=1&resourceVersion=0&resourceVersionMatch=NotOlderThan", "continue=p2&limit=1", ""}, queries())
}

func TestListItemsError(t *testing.T) {
	c, _ := pagedServer(t, map[string]string{
		"": `{"metadata":{"resourceVersion":"40","continue":"p2"},"items":[]}`,
	}, "")
	_, _, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns").ListItems(context.Background(), metav1.ListOptions{})
	require.Error(t, err)
	assert.True(t, rest.IsInternalError(err), "%v", err)
}

// ListItems decodes detached: items share identical strings and raw values
// with each other, never memory with the response.
func TestListItemsShareIdenticalValues(t *testing.T) {
	item := func(name string) string {
		return `{"metadata":{"name":"` + name + `","namespace":"ns","labels":{"app":"web"},` +
			`"managedFields":[{"manager":"m","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}]},"data":{"k":"v"}}`
	}
	c, _ := pagedServer(t, map[string]string{
		"": `{"metadata":{"resourceVersion":"40"},"items":[` + item("a") + `,` + item("b") + `]}`,
	}, "")
	items, _, err := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "ns").ListItems(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, items, 2)
	a, b := items[0], items[1]
	assert.Equal(t, "web", a.Labels["app"])
	assert.Same(t, unsafe.StringData(a.Labels["app"]), unsafe.StringData(b.Labels["app"]))
	assert.Same(t, unsafe.StringData(a.Namespace), unsafe.StringData(b.Namespace))
	fa, fb := a.ManagedFields[0].FieldsV1, b.ManagedFields[0].FieldsV1
	assert.JSONEq(t, `{"f:data":{"f:k":{}}}`, string(fa))
	assert.Same(t, &fa[0], &fb[0])
	assert.Equal(t, len(fa), cap(fa), "appending to a shared raw value copies it")
}
