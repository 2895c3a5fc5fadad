package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// APIServerVersion is the kube-apiserver release the harness expects, the one
// .ci/build-apiserver.sh builds by default.
const APIServerVersion = "1.37.2"

// Environment variables that locate the binaries.
const (
	// EnvAPIServerBin names the kube-apiserver binary, overriding the cache.
	EnvAPIServerBin = "KUBE_APISERVER_BIN"
	// EnvEtcdBin names the etcd binary, overriding /usr/bin/etcd.
	EnvEtcdBin = "ETCD_BIN"
	// EnvCache overrides the build cache directory ~/.cache/kubewire.
	EnvCache = "KUBEWIRE_CACHE"
	// EnvKeep, when set to a non-empty value, keeps the environment's
	// directory (certificates, logs, etcd data) after Stop.
	EnvKeep = "KUBEWIRE_TESTENV_KEEP"
)

// ErrBinaryNotFound is wrapped by the error Start returns when kube-apiserver
// or etcd is missing.
var ErrBinaryNotFound = errors.New("testenv: binary not found")

// errPortInUse marks a start failure that a retry with new ports may fix.
var errPortInUse = errors.New("address already in use")

// Binaries are the paths of the programs the harness runs.
type Binaries struct {
	APIServer string
	Etcd      string
}

// FindBinaries locates kube-apiserver and etcd: $KUBE_APISERVER_BIN, else
// $KUBEWIRE_CACHE/kube-apiserver-vVERSION (default cache ~/.cache/kubewire);
// $ETCD_BIN, else /usr/bin/etcd, else etcd in PATH. The error, which wraps
// ErrBinaryNotFound, says how to get the missing one.
func FindBinaries() (Binaries, error) {
	var b Binaries
	var errs []error

	if p := os.Getenv(EnvAPIServerBin); p != "" {
		if err := checkExecutable(p); err != nil {
			errs = append(errs, fmt.Errorf("%w: kube-apiserver from $%s: %v", ErrBinaryNotFound, EnvAPIServerBin, err))
		}
		b.APIServer = p
	} else {
		cache, err := cacheDir()
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: kube-apiserver: %v; run .ci/build-apiserver.sh and set $%s", ErrBinaryNotFound, err, EnvCache))
		} else {
			p := filepath.Join(cache, "kube-apiserver-v"+APIServerVersion)
			if err := checkExecutable(p); err != nil {
				errs = append(errs, fmt.Errorf("%w: kube-apiserver v%s is not built (%v): run .ci/build-apiserver.sh (about 20 minutes, cached), or set $%s", ErrBinaryNotFound, APIServerVersion, err, EnvAPIServerBin))
			}
			b.APIServer = p
		}
	}

	if p := os.Getenv(EnvEtcdBin); p != "" {
		if err := checkExecutable(p); err != nil {
			errs = append(errs, fmt.Errorf("%w: etcd from $%s: %v", ErrBinaryNotFound, EnvEtcdBin, err))
		}
		b.Etcd = p
	} else if err := checkExecutable("/usr/bin/etcd"); err == nil {
		b.Etcd = "/usr/bin/etcd"
	} else if p, lerr := exec.LookPath("etcd"); lerr == nil {
		b.Etcd = p
	} else {
		errs = append(errs, fmt.Errorf("%w: etcd is not installed: apt-get install etcd-server (.ci/integration.sh does it), or set $%s", ErrBinaryNotFound, EnvEtcdBin))
	}
	return b, errors.Join(errs...)
}

func cacheDir() (string, error) {
	if d := os.Getenv(EnvCache); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".cache", "kubewire"), nil
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// freePorts reserves n distinct loopback ports by listening on port 0, then
// releases them for the child processes. Another process may take one in
// between; Start retries when that happens.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("reserve a loopback port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// process is a child program whose stdout and stderr go to a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	done    chan struct{} // closed when the process has exited
	waitErr error
}

// spawner starts every child from one OS thread that lives as long as the
// test binary, so the children's parent-death signal (SIGKILL) fires only
// when the test binary itself dies, for example on a panic or a test timeout
// that skips TestMain's cleanup. (Linux delivers it when the creating thread
// exits, and the Go runtime may retire other threads at any time.)
var spawner struct {
	once sync.Once
	reqs chan func()
}

func onSpawnerThread(f func()) {
	spawner.once.Do(func() {
		spawner.reqs = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread stays for the process's life
			for f := range spawner.reqs {
				f()
			}
		}()
	})
	done := make(chan struct{})
	spawner.reqs <- func() { f(); close(done) }
	<-done
}

// startProcess runs bin with args, writing its output to logPath.
func startProcess(name, bin string, args []string, logPath string) (*process, error) {
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = lf
	cmd.Stderr = lf
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	onSpawnerThread(func() { err = cmd.Start() })
	if err != nil {
		_ = lf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, logFile: lf, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		_ = lf.Close()
		close(p.done)
	}()
	return p, nil
}

// childEnv is the environment for etcd and kube-apiserver: the test's
// environment without proxy settings, which would send loopback traffic
// astray, and without the harness's own variables.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, waits up to grace, then SIGKILLs the process group.
func (p *process) stop(grace time.Duration) {
	if p == nil || p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// failure describes why the process failed to come up: its exit status if
// it ended, the log path and the log's last lines. It wraps errPortInUse
// when the log says a port was taken.
func (p *process) failure(what string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", p.name, what)
	if p.exited() {
		fmt.Fprintf(&b, " (exited: %v)", p.waitErr)
	}
	fmt.Fprintf(&b, "; log %s", p.logPath)
	data, _ := os.ReadFile(p.logPath)
	if tail := lastLines(data, 30); tail != "" {
		fmt.Fprintf(&b, ", last lines:\n%s", tail)
	}
	err := errors.New(b.String())
	if bytes.Contains(data, []byte("address already in use")) {
		return fmt.Errorf("%w (%w)", err, errPortInUse)
	}
	return err
}

// lastLines returns the last n lines of data.
func lastLines(data []byte, n int) string {
	data = bytes.TrimRight(data, "\n")
	if len(data) == 0 {
		return ""
	}
	i := len(data)
	for range n {
		j := bytes.LastIndexByte(data[:i], '\n')
		if j < 0 {
			return string(data)
		}
		i = j
	}
	return string(data[i+1:])
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
