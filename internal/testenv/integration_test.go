//go:build integration

package testenv

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

func TestSharedServer(t *testing.T) {
	env := Shared(t)
	ctx := context.Background()
	assert.Same(t, env, Shared(t), "one server per package run")

	var version struct{ GitVersion string }
	_, err := env.Do(ctx, http.MethodGet, "/version", nil, &version)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(version.GitVersion, "v1.37."), version.GitVersion)

	t.Run("default service account", func(t *testing.T) {
		code, err := env.Do(ctx, http.MethodGet, "/api/v1/namespaces/default/serviceaccounts/default", nil, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, code)
	})

	t.Run("namespace helper", func(t *testing.T) {
		require.NoError(t, env.CreateNamespace(ctx, "testenv-ns"))
		require.NoError(t, env.CreateNamespace(ctx, "testenv-ns"), "idempotent")
		require.NoError(t, env.CreateServiceAccount(ctx, "testenv-ns", "robot"))
		code, err := env.Do(ctx, http.MethodGet, "/api/v1/namespaces/testenv-ns/serviceaccounts/robot", nil, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, code)
	})

	t.Run("aggregated roles", func(t *testing.T) {
		rules := map[string]int{}
		for _, name := range []string{"view", "edit", "admin"} {
			var role clusterRole
			_, err := env.Do(ctx, http.MethodGet, "/apis/rbac.authorization.k8s.io/v1/clusterroles/"+name, nil, &role)
			require.NoError(t, err)
			rules[name] = len(role.Rules)
			assert.NotEmpty(t, role.Rules, name)
		}
		assert.Less(t, rules["view"], rules["edit"])
		assert.Less(t, rules["edit"], rules["admin"])
	})

	t.Run("jane is forbidden", func(t *testing.T) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.Server+"/api/v1/namespaces/kube-system/services", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+env.Token(IdentityJane))
		resp, err := env.httpClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	t.Run("missing object", func(t *testing.T) {
		_, err := env.Do(ctx, http.MethodGet, "/api/v1/namespaces/default/configmaps/nope", nil, nil)
		var ae *APIError
		require.True(t, errors.As(err, &ae))
		assert.Equal(t, http.StatusNotFound, ae.Code)
		assert.Contains(t, err.Error(), `configmaps "nope" not found`)
	})

	t.Run("kubeconfigs", func(t *testing.T) {
		for _, id := range Identities {
			data, err := os.ReadFile(env.Kubeconfig(id))
			require.NoError(t, err, id)
			assert.Contains(t, string(data), env.Server)
		}
	})
}

// The kubelet stand-in serves a pod's logs through the real API server.
func TestNodeServesLogs(t *testing.T) {
	env := Shared(t)
	ctx := context.Background()
	node, err := env.Node(ctx)
	require.NoError(t, err)
	same, err := env.Node(ctx)
	require.NoError(t, err)
	assert.Same(t, node, same)
	require.NoError(t, node.RunPod(ctx, "testenv-node", "hello", Container{Name: "c1", Command: "echo one; echo two >&2; sleep 3600"}))

	var body []byte
	require.Eventually(t, func() bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.Server+"/api/v1/namespaces/testenv-node/pods/hello/log", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+env.AdminToken)
		resp, err := env.httpClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ = io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK && strings.Count(string(body), "\n") == 2
	}, 10*time.Second, 100*time.Millisecond, "logs: %s", body)
	assert.ElementsMatch(t, []string{"one", "two"}, strings.Fields(string(body)))
}
