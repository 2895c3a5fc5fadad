package transport

import "syscall"

const ioctlGetTermios = syscall.TCGETS
