package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostile serves one answer per path: JSON, and the bodies raw-rest must
// not print as JSON.
func hostile(t *testing.T) string {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	answers := map[string]struct{ ct, body string }{
		"/api":       {"application/json", `{"kind":"APIVersions","versions":["v1"]}`},
		"/login":     {"text/html; charset=utf-8", "<html><head><title>Sign in</title></head><body>proxy login</body></html>"},
		"/truncated": {"application/json", `{"kind":"APIVersions","versions":["v1"`},
		"/deep":      {"application/json", deep},
		"/trailing":  {"application/json", `{"kind":"APIVersions"} {"x":1}`},
		"/healthz":   {"text/plain; charset=utf-8", "ok"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ct)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	kc := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(kc, fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %q}}]
users: [{name: u, user: {}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`, srv.URL), 0o600))
	return kc
}

func runRaw(t *testing.T, kc, path string) (string, string, int) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-kubeconfig", kc, path}, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func TestRawRestPrintsJSON(t *testing.T) {
	stdout, stderr, code := runRaw(t, hostile(t), "/api")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "{\n  \"kind\": \"APIVersions\",\n  \"versions\": [\n    \"v1\"\n  ]\n}\n", stdout)
}

// Failed before the change: each of these was printed and raw-rest exited 0.
func TestRawRestRejectsWhatIsNotJSON(t *testing.T) {
	kc := hostile(t)
	for path, want := range map[string]string{
		"/login":     `error: GET /login: the server answered with content type "text/html; charset=utf-8", not JSON (72 bytes): <html><head><title>Sign in</title>`,
		"/healthz":   `error: GET /healthz: the server answered with content type "text/plain; charset=utf-8", not JSON (2 bytes): ok`,
		"/truncated": `error: GET /truncated: the server answered with malformed JSON (38 bytes): `,
		"/deep":      `error: GET /deep: the server answered with malformed JSON (40000 bytes): `,
		"/trailing":  `error: GET /trailing: the server answered with malformed JSON (30 bytes): `,
	} {
		t.Run(path, func(t *testing.T) {
			stdout, stderr, code := runRaw(t, kc, path)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			assert.True(t, strings.HasPrefix(stderr, want), "got %q", stderr)
			assert.NotContains(t, stderr, "[[[[")
		})
	}
}
