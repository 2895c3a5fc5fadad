//go:build integration

package integration

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apiregistry"
	"github.com/kubewire/kubewire/internal/protowire"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/typed"
)

// TestProtoWatchFrames watches config maps as protobuf on the real server:
// each frame is a 4-byte big-endian length and the envelope of a
// WatchEvent whose object is an enveloped ConfigMap; protowire decodes
// them, and AppendWatchFrame writes the server's bytes back exactly.
func TestProtoWatchFrames(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)))
	const ns = "kubewire-proto-watch"
	require.NoError(t, env.CreateNamespace(ctx, ns))
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ns)

	req, err := rc.Get().Version("v1").Namespace(ns).Resource("configmaps").Param("watch", "1").
		Header("Accept", protowire.WatchContentType).Build(ctx)
	require.NoError(t, err)
	resp, err := rc.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "application/vnd.kubernetes.protobuf")

	done := make(chan struct{})
	defer func() { <-done }()
	go func() {
		defer close(done)
		time.Sleep(200 * time.Millisecond)
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "watched"}, Data: map[string]string{"a": "1"}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Errorf("create: %v", err)
			return
		}
		if err := cms.Delete(ctx, "watched", metav1.DeleteOptions{}); err != nil {
			t.Errorf("delete: %v", err)
		}
	}()
	for _, want := range []string{"ADDED", "DELETED"} {
		frame, err := protowire.ReadFrame(resp.Body, nil, 1<<20)
		require.NoError(t, err)
		ev, err := protowire.DecodeWatchEvent(frame)
		require.NoError(t, err, "frame %q", frame[:min(len(frame), 80)])
		assert.Equal(t, want, ev.Type)
		obj, envl, err := apiregistry.Decode(ev.Object)
		require.NoError(t, err)
		assert.Equal(t, "ConfigMap", envl.Kind)
		cm := obj.(*corev1.ConfigMap)
		assert.Equal(t, "watched", cm.Name)
		assert.Equal(t, map[string]string{"a": "1"}, cm.Data)
		again := protowire.AppendWatchFrame(nil, ev.Type, apiregistry.Encode(nil, envl.APIVersion, envl.Kind, obj))
		var prefix [4]byte
		binary.BigEndian.PutUint32(prefix[:], uint32(len(frame)))
		assert.True(t, bytes.Equal(again, append(prefix[:], frame...)), "frame re-encoded differs:\nserver %q\nours   %q", frame, again)
	}
}
