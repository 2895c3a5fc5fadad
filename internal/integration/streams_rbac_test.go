//go:build integration

package integration

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// rbacNS holds a pod and four users who may read it, with different verbs
// on its stream subresources: getter (get), creator (create), reader
// (neither) and both.
const rbacNS = "kubewire-streams-verbs"

var rbacUsers = map[string][]string{"getter": {"get"}, "creator": {"create"}, "reader": nil, "both": {"get", "create"}}

// rbacEnv runs the pod and binds the users' roles, and waits until the
// authorizer sees them.
func rbacEnv(t *testing.T) *testenv.Env {
	t.Helper()
	env, node := streamsEnv(t)
	ctx := testContext(t)
	require.NoError(t, node.RunPod(ctx, rbacNS, "sh", testenv.Container{Name: "c1"}))
	t.Cleanup(func() { _ = node.DeletePod(context.Background(), rbacNS, "sh") })
	post := func(path string, obj map[string]any) {
		base := "/apis/rbac.authorization.k8s.io/v1/namespaces/" + rbacNS + "/" + path
		_, err := env.Do(ctx, http.MethodPost, base, obj, nil)
		require.NoError(t, err)
		name := obj["metadata"].(map[string]any)["name"].(string)
		t.Cleanup(func() { _, _ = env.Do(context.Background(), http.MethodDelete, base+"/"+name, nil, nil) })
	}
	for user, verbs := range rbacUsers {
		rules := []map[string]any{{"apiGroups": []string{""}, "resources": []string{"pods"}, "verbs": []string{"get"}}}
		if verbs != nil {
			rules = append(rules, map[string]any{"apiGroups": []string{""},
				"resources": []string{"pods/exec", "pods/attach", "pods/portforward"}, "verbs": verbs})
		}
		post("roles", map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
			"metadata": map[string]any{"name": user}, "rules": rules})
		post("rolebindings", map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
			"metadata": map[string]any{"name": user},
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": user},
			"subjects": []map[string]any{{"kind": "User", "name": user, "apiGroup": "rbac.authorization.k8s.io"}}})
	}
	both := asUser(t, env, "both")
	require.Eventually(t, func() bool { // RBAC caches take a moment
		return podstream.Exec(ctx, both, rbacNS, "sh", []string{"true"}, podstream.ExecOptions{}) == nil
	}, 10*time.Second, 200*time.Millisecond)
	return env
}

// asUser is the administrator impersonating user.
func asUser(t *testing.T, env *testenv.Env, user string) *rest.Client {
	cfg := loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken))
	cfg.Impersonate.User = user
	return newClient(t, cfg)
}

func forbiddenMsg(user, verb, sub string) string {
	return `pods "sh" is forbidden: User "` + user + `" cannot ` + verb + ` resource "pods/` + sub +
		`" in API group "" in the namespace "` + rbacNS + `"`
}

// What kube-apiserver v1.37.2 authorizes for a WebSocket upgrade: get (the
// GET) and create (AuthorizePodWebsocketUpgradeCreatePermission); the
// refusal podstream reports is the one kubectl reports after its SPDY
// fallback (create) when create is refused.
func TestStreamsUpgradeVerbs(t *testing.T) {
	env := rbacEnv(t)
	ctx := testContext(t)

	// The real server's answers to the raw handshake, for the record: get
	// allowed and create refused gives a Forbidden with no reason.
	getter, creator := asUser(t, env, "getter"), asUser(t, env, "creator")
	_, err := getter.Get().Version("v1").Namespace(rbacNS).Resource("pods").Name("sh").SubResource("exec").
		Param("command", "true").Param("stdout", "true").WebSocket(ctx, websocket.Options{Protocols: podstream.DefaultProtocols})
	assert.True(t, rest.IsForbidden(err), err)
	assert.EqualError(t, err, `pods "sh" is forbidden: `)
	// A plain POST is authorized as create and refused before the node.
	err = creator.Post().Version("v1").Namespace(rbacNS).Resource("pods").Name("sh").SubResource("exec").
		Param("command", "true").Param("stdout", "true").Do(ctx).Err()
	assert.True(t, rest.IsBadRequest(err), err)
	assert.EqualError(t, err, "Upgrade request required")

	for _, tc := range []struct {
		user, verb string // verb: the refused verb reported; "" for success
	}{
		{"getter", "create"},
		{"reader", "create"},
		{"creator", "get"}, // kubectl succeeds over SPDY; podstream has no SPDY
		{"both", ""},
	} {
		c := asUser(t, env, tc.user)
		var out bytes.Buffer
		err := podstream.Exec(ctx, c, rbacNS, "sh", []string{"echo", "hi"}, podstream.ExecOptions{Stdout: &out})
		s, aerr := podstream.StartAttach(ctx, c, rbacNS, "sh", podstream.SessionOptions{Stdout: &out})
		if aerr == nil {
			_ = s.Close()
		}
		conn, perr := podstream.DialPort(ctx, c, rbacNS, "sh", 80)
		if perr == nil {
			_ = conn.Close()
		}
		cerr := podstream.CheckPortForward(ctx, c, rbacNS, "sh", 80)
		if tc.verb == "" {
			assert.NoError(t, err)
			assert.Equal(t, "hi\n", out.String())
			assert.NoError(t, aerr)
			assert.NoError(t, perr)
			assert.NoError(t, cerr)
			continue
		}
		assert.EqualError(t, cerr, forbiddenMsg(tc.user, tc.verb, "portforward"), tc.user)
		for sub, err := range map[string]error{"exec": err, "attach": aerr, "portforward": perr} {
			assert.True(t, rest.IsForbidden(err), "%s %s: %v", tc.user, sub, err)
			assert.EqualError(t, err, forbiddenMsg(tc.user, tc.verb, sub), "%s %s", tc.user, sub)
		}
	}
}

// examples/exec against kubectl 1.32 for the four users.
func TestExampleExecVerbsLikeKubectl(t *testing.T) {
	env := rbacEnv(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "exec")
	for _, user := range []string{"getter", "reader", "both"} {
		k, _ := sameAsKubectl(t, bin, nil, kc, "exec", "--as", user, "-n", rbacNS, "sh", "--", "echo", "hi")
		if user == "both" {
			assert.Equal(t, result{stdout: "hi\n"}, k)
			continue
		}
		assert.Equal(t, 1, k.code)
		assert.Equal(t, "Error from server (Forbidden): "+forbiddenMsg(user, "create", "exec")+"\n", withoutKlog(k.stderr))
	}
	// create without get: kubectl's WebSocket is refused and its SPDY
	// fallback runs the command; the example, with no SPDY, reports the
	// server's refusal of the WebSocket.
	ctx := testContext(t)
	args := []string{"--kubeconfig", kc, "--as", "creator", "-n", rbacNS, "sh", "--", "echo", "hi"}
	k := run(t, ctx, nil, kubectlPath(t), append([]string{"exec"}, args...)...)
	w := run(t, ctx, nil, bin, args...)
	assert.Equal(t, result{stdout: "hi\n"}, result{k.stdout, withoutKlog(k.stderr), k.code})
	assert.Equal(t, result{stderr: "Error from server (Forbidden): " + forbiddenMsg("creator", "get", "exec") + "\n", code: 1}, w)
}

// examples/port-forward against kubectl 1.32: a refusal is reported before
// listening, in kubectl's words.
func TestExamplePortForwardVerbsLikeKubectl(t *testing.T) {
	env := rbacEnv(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "port-forward")
	for _, user := range []string{"getter", "reader"} {
		k, _ := sameAsKubectl(t, bin, nil, kc, "port-forward", "--as", user, "-n", rbacNS, "sh", "0:80")
		assert.Equal(t, result{stderr: "error: error upgrading connection: " + forbiddenMsg(user, "create", "portforward") + "\n", code: 1},
			result{k.stdout, withoutKlog(k.stderr), k.code})
	}
	// create without get: kubectl forwards over SPDY; the example cannot.
	ctx, cancel := context.WithTimeout(testContext(t), 5*time.Second)
	defer cancel()
	args := []string{"--kubeconfig", kc, "--as", "creator", "-n", rbacNS, "sh", "0:80"}
	w := run(t, ctx, nil, bin, args...)
	assert.Equal(t, result{stderr: "error: error upgrading connection: " + forbiddenMsg("creator", "get", "portforward") + "\n", code: 1}, w)
	k := run(t, ctx, nil, kubectlPath(t), append([]string{"port-forward"}, args...)...)
	assert.Contains(t, k.stdout, "Forwarding from 127.0.0.1:", "kubectl forwards until the test stops it")
}
