//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import (
	"context"
	"os"

	"github.com/kubewire/kubewire/podstream"
)

type terminal struct{}

// makeRaw reports that no raw terminal is available on this system.
func makeRaw(*os.File) (*terminal, bool) { return nil, false }

func (*terminal) restore() {}

func (*terminal) sizes(context.Context) <-chan podstream.TerminalSize { return nil }
