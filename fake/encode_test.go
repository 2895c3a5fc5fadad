package fake

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnswersInGoFieldOrder(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON,
		`{"data":{"z":"2","a":"<1>"},"metadata":{"labels":{"b":"1","a":"2"},"name":"cm"},"kind":"ConfigMap","apiVersion":"v1"}`)
	require.Equal(t, 201, r.code, r.raw)
	r = call(t, srv, "GET", "/api/v1/namespaces/default/configmaps/cm", "", "")
	assert.True(t, strings.HasPrefix(r.raw, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm","namespace":"default","uid":"`), r.raw)
	assert.Contains(t, r.raw, `"creationTimestamp":"`)
	assert.Contains(t, r.raw, `"labels":{"a":"2","b":"1"},"managedFields":[{"manager":`)
	assert.True(t, strings.HasSuffix(r.raw, `},"data":{"a":"\u003c1\u003e","z":"2"}}`+"\n"), r.raw)

	r = call(t, srv, "GET", "/api/v1/namespaces/default/configmaps/nope", "", "")
	assert.Equal(t, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"nope\" not found",`+
		`"reason":"NotFound","details":{"name":"nope","kind":"configmaps"},"code":404}`+"\n", r.raw)

	r = call(t, srv, "GET", "/api/v1/namespaces/default/configmaps?limit=1", "", "")
	assert.True(t, strings.HasPrefix(r.raw, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"`), r.raw)
	assert.Contains(t, r.raw, `"items":[{"metadata":{"name":"cm",`)
}

func TestAnswersPrettyLikeKubeAPIServer(t *testing.T) {
	srv := NewServer(t)
	path := "/api/v1/namespaces/default/configmaps"
	require.Equal(t, 201, call(t, srv, "POST", path, ctJSON, `{"metadata":{"name":"cm"},"data":{"a":"1"}}`).code)
	for _, c := range []struct {
		query, agent string
		pretty       bool
	}{
		{"", "curl/8.5.0", true},
		{"", "Wget/1.21", true},
		{"", "Mozilla/5.0 (X11)", true},
		{"?pretty=true", "kubectl/v1.32.0", true},
		{"?pretty=1", "", true},
		{"?pretty=false", "curl/8.5.0", false},
		{"?pretty=yes", "curl/8.5.0", false},
		{"?pretty=", "curl/8.5.0", true},
		{"", "kubectl/v1.32.0", false},
	} {
		r := call(t, srv, "GET", path+"/cm"+c.query, "", "", "User-Agent", c.agent)
		require.Equal(t, 200, r.code, r.raw)
		if c.pretty {
			assert.True(t, strings.HasPrefix(r.raw, "{\n  \"kind\": \"ConfigMap\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {\n    \"name\": \"cm\","), "%+v: %s", c, r.raw)
			assert.True(t, strings.HasSuffix(r.raw, "\n  \"data\": {\n    \"a\": \"1\"\n  }\n}"), "%+v: %s", c, r.raw)
		} else {
			assert.True(t, strings.HasPrefix(r.raw, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm",`), "%+v: %s", c, r.raw)
			assert.True(t, strings.HasSuffix(r.raw, "}\n"), "%+v: %s", c, r.raw)
		}
	}
}

func TestCustomResourceAnswersSorted(t *testing.T) {
	srv := NewServer(t)
	createCRD(t, srv)
	r := call(t, srv, "POST", "/apis/example.com/v1/namespaces/default/widgets", ctJSON,
		`{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w"}}`)
	require.Equal(t, 201, r.code, r.raw)
	assert.True(t, strings.HasPrefix(r.raw, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"creationTimestamp":"`), r.raw)
}

func TestWatchEventsTypeFirst(t *testing.T) {
	srv := NewServer(t)
	require.Equal(t, 201, call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", ctJSON, `{"metadata":{"name":"cm"}}`).code)
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(line, `{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm",`), line)
	assert.True(t, strings.HasSuffix(line, "}}\n"), line)
}

// TestMetaShapesOrder checks the field orders of the kinds the spec does
// not describe against the facts bench/cmd/apifacts recorded from
// k8s.io/apimachinery and k8s.io/api.
func TestMetaShapesOrder(t *testing.T) {
	b, err := os.ReadFile("../internal/gen/apifacts.txt")
	require.NoError(t, err)
	orders := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == "order" {
			orders[f[0]] = f[2:]
		}
	}
	for name, sh := range metaTypes {
		want, ok := orders[name]
		require.True(t, ok, "apifacts.txt has no order for %s", name)
		assert.Equal(t, want, sh.Order, name)
		assert.Equal(t, name, sh.Name)
	}
	for key, sh := range metaShapes {
		assert.NotNil(t, sh, key)
	}
}
