package testenv

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"
)

// StartTimeout bounds the shared server's start, PKI to bootstrap.
const StartTimeout = 3 * time.Minute

// shared is the one server of a test package run.
var shared struct {
	mu      sync.Mutex
	inMain  bool
	started bool
	ctx     context.Context // cancelled by SIGINT/SIGTERM
	env     *Env
	err     error
}

// Main runs a test package whose tests share one server. Call it from the
// package's TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// The server starts on the first call to Shared, so a run that selects no
// test needing it starts nothing, and stops when the tests are done, whether
// they passed or failed, or when the test binary gets SIGINT or SIGTERM. If
// the test binary dies without running its cleanup (a panic, a -timeout),
// the kernel kills the child processes. Main does not return: it calls
// os.Exit with m.Run's code.
func Main(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	shared.mu.Lock()
	shared.inMain = true
	shared.ctx = ctx
	shared.mu.Unlock()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel() // aborts a start in progress
			stopShared()
			fmt.Fprintf(os.Stderr, "testenv: %v: stopped the API server and etcd\n", s)
			os.Exit(1)
		case <-done:
		}
	}()
	defer func() {
		signal.Stop(sigs)
		close(done)
		stopShared()
	}()
	return m.Run()
}

func stopShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.env.Stop()
}

// Shared returns the package's server, starting it on first use. It fails
// the test (t.Fatal) when the server cannot start, for example because
// kube-apiserver is not built yet (the message says to run
// .ci/build-apiserver.sh), or when it has died since. The package's TestMain
// must call Main. Safe for parallel tests.
func Shared(t testing.TB) *Env {
	t.Helper()
	env, err := sharedEnv()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func sharedEnv() (*Env, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		return nil, fmt.Errorf("testenv.Shared: the test package's TestMain must call testenv.Main(m)")
	}
	if !shared.started {
		shared.started = true
		ctx, cancel := context.WithTimeout(shared.ctx, StartTimeout)
		shared.env, shared.err = Start(ctx)
		cancel()
		if shared.err != nil {
			fmt.Fprintln(os.Stderr, shared.err)
		}
	}
	if shared.err != nil {
		return nil, shared.err
	}
	if !shared.env.Running() {
		return nil, fmt.Errorf("testenv: the shared server is no longer running; logs: %s, %s", shared.env.APIServerLog, shared.env.EtcdLog)
	}
	return shared.env, nil
}
