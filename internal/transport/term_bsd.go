//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package transport

import "syscall"

const ioctlGetTermios = syscall.TIOCGETA
