//go:build !linux

package testenv

import (
	"context"
	"errors"
)

// NetnsNodeName is the Node NetnsNode registers.
const NetnsNodeName = "netns-node"

// ErrNotRoot is returned by NetnsNode when the tests do not run as root.
var ErrNotRoot = errors.New("testenv: a network namespace needs root")

func (*netns) remove() {}

// NetnsNode needs Linux network namespaces; elsewhere it fails.
func (e *Env) NetnsNode(context.Context) (*Node, error) {
	return nil, errors.New("testenv: network namespaces need Linux")
}
