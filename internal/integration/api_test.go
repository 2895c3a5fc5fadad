//go:build integration

package integration

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

func TestDiscoveryAPI(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := clientFor(t, env, testenv.IdentityAdminToken)

	raw, err := c.Get().AbsPath("/api").Do(ctx).Raw()
	require.NoError(t, err)
	var versions struct {
		Kind     string   `json:"kind"`
		Versions []string `json:"versions"`
	}
	require.NoError(t, json.Unmarshal(raw, &versions), string(raw))
	assert.Equal(t, "APIVersions", versions.Kind)
	assert.Equal(t, []string{"v1"}, versions.Versions)
}

func TestDiscoveryAPIs(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := clientFor(t, env, testenv.IdentityAdminToken)

	var groups struct {
		Kind   string `json:"kind"`
		Groups []struct {
			Name             string `json:"name"`
			PreferredVersion struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"preferredVersion"`
		} `json:"groups"`
	}
	require.NoError(t, c.Get().AbsPath("/apis").Do(ctx).Into(&groups))
	assert.Equal(t, "APIGroupList", groups.Kind)
	preferred := map[string]string{}
	for _, g := range groups.Groups {
		preferred[g.Name] = g.PreferredVersion.GroupVersion
	}
	assert.Equal(t, "apps/v1", preferred["apps"])
	assert.Equal(t, "rbac.authorization.k8s.io/v1", preferred["rbac.authorization.k8s.io"])
}

func TestVersion(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := clientFor(t, env, testenv.IdentityAdminCert)

	var info struct {
		Major      string `json:"major"`
		Minor      string `json:"minor"`
		GitVersion string `json:"gitVersion"`
	}
	require.NoError(t, c.Get().AbsPath("/version").Do(ctx).Into(&info))
	assert.True(t, strings.HasPrefix(info.GitVersion, "v1.37."), "gitVersion %q", info.GitVersion)
	assert.Equal(t, "1", info.Major)
	assert.Equal(t, "37", info.Minor)
}

// configMap is the subset of a ConfigMap the tests read and write.
type configMap struct {
	APIVersion string            `json:"apiVersion,omitempty"`
	Kind       string            `json:"kind,omitempty"`
	Metadata   objectMeta        `json:"metadata"`
	Data       map[string]string `json:"data,omitempty"`
}

type objectMeta struct {
	Name            string `json:"name"`
	Namespace       string `json:"namespace,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

func TestWatchSeesCreate(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	const ns = "it-watch"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	c := clientFor(t, env, testenv.IdentityAdminToken)

	w, err := c.Get().Version("v1").Namespace(ns).Resource("configmaps").Watch(ctx)
	require.NoError(t, err)
	defer w.Close()

	cm := configMap{APIVersion: "v1", Kind: "ConfigMap", Metadata: objectMeta{Name: "watched"}, Data: map[string]string{"k": "v"}}
	var created configMap
	require.NoError(t, c.Post().Version("v1").Namespace(ns).Resource("configmaps").Body(cm).Do(ctx).Into(&created))
	assert.NotEmpty(t, created.Metadata.ResourceVersion)

	for {
		ev, err := w.Next()
		require.NoError(t, err, "watch ended before the ADDED event")
		var got configMap
		require.NoError(t, json.Unmarshal(ev.Object, &got))
		if got.Metadata.Name != "watched" {
			continue
		}
		assert.Equal(t, rest.EventType("ADDED"), ev.Type)
		assert.Equal(t, ns, got.Metadata.Namespace)
		assert.Equal(t, "v", got.Data["k"])
		return
	}
}

func TestNotFound(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	c := clientFor(t, env, testenv.IdentityAdminToken)

	var cm configMap
	err := c.Get().Version("v1").Namespace("default").Resource("configmaps").Name("nope").Do(ctx).Into(&cm)
	require.Error(t, err)
	assert.True(t, rest.IsNotFound(err))
	assert.Equal(t, `configmaps "nope" not found`, err.Error())
	assert.Equal(t, "NotFound", string(rest.ReasonForError(err)))
}

func TestConflict(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	const ns = "it-conflict"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	c := clientFor(t, env, testenv.IdentityAdminToken)
	cms := func() *rest.Request { return c.Put().Version("v1").Namespace(ns).Resource("configmaps").Name("cm") }

	var first configMap
	require.NoError(t, c.Post().Version("v1").Namespace(ns).Resource("configmaps").
		Body(configMap{Metadata: objectMeta{Name: "cm"}, Data: map[string]string{"n": "0"}}).Do(ctx).Into(&first))

	next := first
	next.Data = map[string]string{"n": "1"}
	var second configMap
	require.NoError(t, cms().Body(next).Do(ctx).Into(&second))
	assert.NotEqual(t, first.Metadata.ResourceVersion, second.Metadata.ResourceVersion)

	stale := first // still carries the first resourceVersion
	stale.Data = map[string]string{"n": "2"}
	_, err := cms().Body(stale).Do(ctx).Raw()
	require.Error(t, err)
	assert.True(t, rest.IsConflict(err), "%v", err)
	assert.Contains(t, err.Error(), `Operation cannot be fulfilled on configmaps "cm": the object has been modified`)

	var already configMap
	err = c.Post().Version("v1").Namespace(ns).Resource("configmaps").Body(configMap{Metadata: objectMeta{Name: "cm"}}).Do(ctx).Into(&already)
	assert.True(t, rest.IsAlreadyExists(err), "%v", err)
}
