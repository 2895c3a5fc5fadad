//go:build integration

package integration

import (
	"bytes"
	"context"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/typed"
)

// syncBuffer is a bytes.Buffer safe for a child process's writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cpuLoad keeps every core busy until the returned function is called (or
// limit passes), so that the server restarts slowly, as on a loaded
// machine.
func cpuLoad(limit time.Duration) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	deadline := time.Now().Add(limit)
	for range runtime.NumCPU() {
		wg.Go(func() {
			x := 1
			for !done.Load() && time.Now().Before(deadline) {
				for i := range 100000 {
					x = x*31 + i
				}
			}
			_ = x
		})
	}
	return func() { done.Store(true); wg.Wait() }
}

// The example controller across several kube-apiserver restarts under CPU
// load: after each restart a deleted ConfigMap is re-created within 30
// seconds, and the controller keeps running. Each restart outlasts the
// lease's renew deadline, so the leader loses the lease every time. Failed
// before the change: the controller exited on the first lost lease
// ("controller failed ... lease lost") and nothing re-created the
// ConfigMap.
func TestExampleControllerSurvivesRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own etcd and kube-apiserver")
	}
	env := freshServer(t)

	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	t.Cleanup(cancel)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	red := tempNamespace(t, rc, map[string]string{"team": "red"})
	leaseNS := tempNamespace(t, rc, nil)
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, red)

	bin := goBuild(t, "../..", "./examples/controller", "controller")
	var out syncBuffer
	cmd := exec.Command(bin, "-kubeconfig", env.Kubeconfig(testenv.IdentityAdminToken), "-identity", "restarts",
		"-lease-namespace", leaseNS, "-lease-duration", "3s", "-renew-deadline", "2s", "-retry-period", "500ms")
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("controller output:\n%s", out.String())
			t.Logf("kube-apiserver log: %s", env.APIServerLog)
		}
	})

	present := func() bool {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		cm, err := cms.Get(cctx, "team-info", metav1.GetOptions{})
		return err == nil && cm.Data["team"] == "red"
	}
	require.Eventually(t, present, 30*time.Second, 100*time.Millisecond, "created")

	stopLoad := cpuLoad(6 * time.Minute)
	defer stopLoad()
	const restarts = 4
	for i := 1; i <= restarts; i++ {
		start := time.Now()
		require.NoError(t, env.RestartAPIServer(ctx, 10*time.Second), "restart %d", i)
		down := time.Since(start)
		// The server is back: delete the ConfigMap (the client retries
		// while the server warms up) and wait for the controller.
		deleted := time.Now()
		require.Eventually(t, func() bool {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			err := cms.Delete(cctx, "team-info", metav1.DeleteOptions{})
			return err == nil
		}, 30*time.Second, 200*time.Millisecond, "restart %d: delete", i)
		ok := assert.Eventually(t, present, 30*time.Second, 100*time.Millisecond, "restart %d: re-created within 30s", i)
		t.Logf("restart %d: server down and back in %v, ConfigMap re-created %v after the delete (ok=%v)",
			i, down.Round(100*time.Millisecond), time.Since(deleted).Round(100*time.Millisecond), ok)
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("restart %d: the controller exited: %v", i, err)
		default:
		}
	}
}
