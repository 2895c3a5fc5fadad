package transport

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// execOf digs the exec authenticator out of a transport New built.
func execOf(t *testing.T, rt http.RoundTripper) *execAuth {
	t.Helper()
	for {
		switch r := rt.(type) {
		case *userAgentRoundTripper:
			rt = r.next
		case *impersonateRoundTripper:
			rt = r.next
		case *execRoundTripper:
			return r.auth
		default:
			t.Fatalf("no exec round tripper in the chain (found %T)", rt)
		}
	}
}

// execRT returns a transport to rs authenticated by plugin p.
func execRT(t *testing.T, rs *recordingServer, p *testPlugin) http.RoundTripper {
	t.Helper()
	cfg := rs.cfg()
	cfg.Auth.Exec = p.exec
	return newRT(t, cfg, Options{})
}

func TestExecTokenCached(t *testing.T) {
	rs := newRecordingServer(t)
	p := newTestPlugin(t, "token", map[string]string{
		"PLUGIN_TOKEN":  "exec-token",
		"PLUGIN_EXPIRY": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	})
	rt := execRT(t, rs, p)
	assert.Equal(t, 0, p.runs(t), "New must not run the plugin")
	assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
	assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
	assert.Equal(t, 1, p.runs(t))

	// An explicit Authorization header is sent as is.
	assert.Equal(t, "Bearer mine", rs.authOf(t, rt, "Authorization", "Bearer mine"))
	assert.Equal(t, 1, p.runs(t))
}

func TestExecRerunAfterExpiry(t *testing.T) {
	t.Run("already expired", func(t *testing.T) {
		rs := newRecordingServer(t)
		p := newTestPlugin(t, "token", map[string]string{
			"PLUGIN_TOKEN":  "exec-token",
			"PLUGIN_EXPIRY": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		})
		rt := execRT(t, rs, p)
		assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
		assert.Equal(t, "Bearer exec-token-2", rs.authOf(t, rt))
		assert.Equal(t, 2, p.runs(t))
	})

	t.Run("expires later", func(t *testing.T) {
		rs := newRecordingServer(t)
		p := newTestPlugin(t, "token", map[string]string{
			"PLUGIN_TOKEN":  "exec-token",
			"PLUGIN_EXPIRY": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		})
		rt := execRT(t, rs, p)
		ea := execOf(t, rt)
		var offset atomic.Int64
		ea.now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
		offset.Store(int64(59 * time.Minute))
		assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
		offset.Store(int64(61 * time.Minute))
		assert.Equal(t, "Bearer exec-token-2", rs.authOf(t, rt))
		assert.Equal(t, 2, p.runs(t))
	})

	t.Run("no expiry", func(t *testing.T) {
		rs := newRecordingServer(t)
		p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": "exec-token"})
		rt := execRT(t, rs, p)
		execOf(t, rt).now = func() time.Time { return time.Now().Add(1000 * time.Hour) }
		assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
		assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
		assert.Equal(t, 1, p.runs(t))
	})
}

func TestExecRerunAfter401(t *testing.T) {
	rs := newRecordingServer(t)
	rs.setReject("exec-token-1")
	p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": "exec-token"})
	rt := execRT(t, rs, p)

	resp, _, err := do(t, rt, rs.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "Bearer exec-token-2", rs.authOf(t, rt))
	assert.Equal(t, "Bearer exec-token-2", rs.authOf(t, rt))
	assert.Equal(t, 2, p.runs(t))
}

func TestExecOneRunForConcurrentRequests(t *testing.T) {
	rs := newRecordingServer(t)
	p := newTestPlugin(t, "token", map[string]string{
		"PLUGIN_TOKEN": "exec-token",
		"PLUGIN_DELAY": "300ms",
	})
	rt := execRT(t, rs, p)

	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			resp, _, err := do(t, rt, rs.URL)
			if err == nil && resp.StatusCode != http.StatusOK {
				err = errors.New(resp.Status)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, p.runs(t))
	rs.mu.Lock()
	defer rs.mu.Unlock()
	require.Len(t, rs.headers, n)
	for _, h := range rs.headers {
		assert.Equal(t, "Bearer exec-token-1", h.Get("Authorization"))
	}
}

func TestExecWaiterGivesUp(t *testing.T) {
	rs := newRecordingServer(t)
	p := newTestPlugin(t, "token", map[string]string{
		"PLUGIN_TOKEN": "exec-token",
		"PLUGIN_DELAY": "500ms",
	})
	rt := execRT(t, rs, p)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := doCtx(ctx, t, rt, rs.URL)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// The run goes on and its credential serves the next request.
	assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
	assert.Equal(t, 1, p.runs(t))
}

func TestExecInfo(t *testing.T) {
	t.Setenv("KUBEWIRE_TEST_INHERITED", "inherited-value")
	rs := newRecordingServer(t)

	t.Run("v1 with cluster info", func(t *testing.T) {
		p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": "exec-token", "PLUGIN_EXTRA": "extra-value"})
		p.exec.ProvideClusterInfo = true
		p.exec.Config = []byte(`{"audience":"aud-1","nested":{"n":1}}`)
		p.exec.Args = []string{"--flag", "value"}
		cfg := rs.cfg()
		cfg.TLS.ServerName = "example.com"
		cfg.DisableCompression = true
		cfg.Auth.Exec = p.exec
		rt := newRT(t, cfg, Options{})
		mustDo(t, rt, rs.URL)

		info := p.info(t)
		assert.Equal(t, execAPIVersionV1, info["apiVersion"])
		assert.Equal(t, "ExecCredential", info["kind"])
		spec := info["spec"].(map[string]any)
		assert.Equal(t, false, spec["interactive"])
		cluster := spec["cluster"].(map[string]any)
		assert.Equal(t, rs.URL, cluster["server"])
		assert.Equal(t, "example.com", cluster["tls-server-name"])
		assert.Equal(t, true, cluster["disable-compression"])
		assert.Equal(t, base64.StdEncoding.EncodeToString(serverCA(rs.Server)), cluster["certificate-authority-data"])
		assert.Equal(t, map[string]any{"audience": "aud-1", "nested": map[string]any{"n": float64(1)}}, cluster["config"])
		assert.NotContains(t, cluster, "insecure-skip-tls-verify")
		assert.NotContains(t, cluster, "proxy-url")

		env, err := os.ReadFile(p.envFile)
		require.NoError(t, err)
		lines := strings.Split(string(env), "\n")
		assert.Contains(t, lines, "KUBEWIRE_TEST_INHERITED=inherited-value")
		assert.Contains(t, lines, "PLUGIN_EXTRA=extra-value")
	})

	t.Run("cluster info with insecure and proxy", func(t *testing.T) {
		p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": "exec-token"})
		p.exec.ProvideClusterInfo = true
		cfg := &config.Config{Server: "https://kube.example.test", ProxyURL: "socks5://127.0.0.1:1080", TLS: config.TLS{Insecure: true}}
		cfg.Auth.Exec = p.exec
		rt := newRT(t, cfg, Options{})
		_, err := execOf(t, rt).credential(context.Background())
		require.NoError(t, err)
		cluster := p.info(t)["spec"].(map[string]any)["cluster"].(map[string]any)
		assert.Equal(t, true, cluster["insecure-skip-tls-verify"])
		assert.Equal(t, "socks5://127.0.0.1:1080", cluster["proxy-url"])
		assert.NotContains(t, cluster, "config")
		assert.NotContains(t, cluster, "certificate-authority-data")
	})

	t.Run("v1beta1 without cluster info", func(t *testing.T) {
		p := newTestPlugin(t, "token", map[string]string{"PLUGIN_TOKEN": "exec-token"})
		p.exec.APIVersion = execAPIVersionV1beta1
		p.exec.InteractiveMode = ""
		rt := execRT(t, rs, p)
		assert.Equal(t, "Bearer exec-token-1", rs.authOf(t, rt))
		info := p.info(t)
		assert.Equal(t, execAPIVersionV1beta1, info["apiVersion"])
		spec := info["spec"].(map[string]any)
		assert.NotContains(t, spec, "cluster")
		assert.Equal(t, false, spec["interactive"], "the test's stdin is not a terminal")
	})
}

func TestExecInteractive(t *testing.T) {
	rs := newRecordingServer(t)

	// stdin returns a pipe that yields line, standing in for a terminal.
	stdin := func(t *testing.T, line string) *os.File {
		r, w, err := os.Pipe()
		require.NoError(t, err)
		_, err = io.WriteString(w, line)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		t.Cleanup(func() { _ = r.Close() })
		return r
	}

	for _, tc := range []struct {
		mode     string
		terminal bool
		want     string // token, or "error"
	}{
		{interactiveAlways, true, "typed-token"},
		{interactiveAlways, false, "error"},
		{interactiveIfAvailable, true, "typed-token"},
		{interactiveIfAvailable, false, "exec-token-1"},
		{interactiveNever, true, "exec-token-1"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			p := newTestPlugin(t, "stdin", map[string]string{"PLUGIN_TOKEN": "exec-token"})
			p.exec.InteractiveMode = tc.mode
			p.exec.Timeout = time.Nanosecond // interactive runs are not timed
			if tc.mode == interactiveNever || !tc.terminal {
				p.exec.Timeout = 0
			}
			rt := execRT(t, rs, p)
			ea := execOf(t, rt)
			ea.stdin = stdin(t, "typed-token\n")
			ea.isTerminal = func(*os.File) bool { return tc.terminal }

			resp, _, err := do(t, rt, rs.URL)
			if tc.want == "error" {
				var ee *ExecError
				require.ErrorAs(t, err, &ee)
				assert.Contains(t, err.Error(), "terminal")
				assert.Equal(t, 0, p.runs(t))
				return
			}
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "Bearer "+tc.want, rs.last(t).Get("Authorization"))
			assert.Equal(t, tc.want == "typed-token", p.info(t)["spec"].(map[string]any)["interactive"])
		})
	}
}
