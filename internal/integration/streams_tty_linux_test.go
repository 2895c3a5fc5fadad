//go:build integration && linux

package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
)

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	var unlock int32
	require.NoError(t, ioctl(m, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)))
	var n uint32
	require.NoError(t, ioctl(m, syscall.TIOCGPTN, unsafe.Pointer(&n)))
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	return m, s
}

func setWinsize(t *testing.T, f *os.File, rows, cols uint16) {
	ws := struct{ Row, Col, X, Y uint16 }{rows, cols, 0, 0}
	require.NoError(t, ioctl(f, syscall.TIOCSWINSZ, unsafe.Pointer(&ws)))
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}

// runInTerminal runs bin on a terminal of 33 rows and 101 columns; once the
// output shows the first size, the window grows to 40x120 and Enter is
// typed. It returns what the terminal showed, CRLF turned into LF.
func runInTerminal(t *testing.T, ctx context.Context, bin string, args ...string) string {
	t.Helper()
	master, slave := openPTY(t)
	defer master.Close()
	setWinsize(t, master, 33, 101)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TERM=xterm"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	require.NoError(t, cmd.Start())
	slave.Close()

	var mu sync.Mutex
	var out bytes.Buffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	shown := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.ReplaceAll(out.String(), "\r\n", "\n")
	}
	require.Eventually(t, func() bool { return strings.Contains(shown(), "33 101") }, 20*time.Second, 20*time.Millisecond, "%q", shown())
	setWinsize(t, master, 40, 120) // the kernel sends SIGWINCH to the program
	time.Sleep(500 * time.Millisecond)
	_, err := master.Write([]byte("\r"))
	require.NoError(t, err)
	require.NoError(t, cmd.Wait())
	select {
	case <-read:
	case <-time.After(2 * time.Second):
	}
	return shown()
}

// exec -it on a real terminal: raw mode, the initial size and a resize
// reach the pod's pty, as with kubectl.
func TestExampleExecTTYLikeKubectl(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	args := []string{"--kubeconfig", kc, "-n", streamsNS, "-it", "sh", "--", "sh", "-c", "stty size; read x; stty size"}
	k := runInTerminal(t, ctx, kubectlPath(t), append([]string{"exec"}, args...)...)
	w := runInTerminal(t, ctx, exampleBin(t, "exec"), args...)
	assert.Equal(t, "33 101\n\n40 120\n", k)
	assert.Equal(t, k, w)
}
