//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package transport

import "os"

// isTerminal reports whether f is a character device, the best guess
// available without terminal ioctls.
func isTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
