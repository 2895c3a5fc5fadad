//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"unsafe"

	"github.com/kubewire/kubewire/podstream"
)

// terminal is a terminal put in raw mode, restorable.
type terminal struct {
	f     *os.File
	saved syscall.Termios
}

// makeRaw puts f in raw mode when it is a terminal.
func makeRaw(f *os.File) (*terminal, bool) {
	t := &terminal{f: f}
	if ioctl(f, ioctlGetTermios, unsafe.Pointer(&t.saved)) != nil {
		return nil, false
	}
	raw := t.saved
	raw.Iflag &^= syscall.IGNBRK | syscall.BRKINT | syscall.PARMRK | syscall.ISTRIP | syscall.INLCR | syscall.IGNCR | syscall.ICRNL | syscall.IXON
	raw.Oflag &^= syscall.OPOST
	raw.Lflag &^= syscall.ECHO | syscall.ECHONL | syscall.ICANON | syscall.ISIG | syscall.IEXTEN
	raw.Cflag &^= syscall.CSIZE | syscall.PARENB
	raw.Cflag |= syscall.CS8
	raw.Cc[syscall.VMIN], raw.Cc[syscall.VTIME] = 1, 0
	if ioctl(f, ioctlSetTermios, unsafe.Pointer(&raw)) != nil {
		return nil, false
	}
	return t, true
}

// restore puts the terminal back as it was.
func (t *terminal) restore() { _ = ioctl(t.f, ioctlSetTermios, unsafe.Pointer(&t.saved)) }

// sizes sends the terminal's size now and after every window change.
func (t *terminal) sizes(ctx context.Context) <-chan podstream.TerminalSize {
	ch := make(chan podstream.TerminalSize, 1)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		defer signal.Stop(winch)
		defer close(ch)
		for {
			var ws struct{ Row, Col, X, Y uint16 }
			if ioctl(t.f, syscall.TIOCGWINSZ, unsafe.Pointer(&ws)) == nil {
				select {
				case ch <- podstream.TerminalSize{Width: ws.Col, Height: ws.Row}:
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-winch:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}
