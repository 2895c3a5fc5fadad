package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// NetnsNodeName is the Node NetnsNode registers.
const NetnsNodeName = "netns-node"

// ErrNotRoot is returned by NetnsNode when the tests do not run as root.
var ErrNotRoot = errors.New("testenv: a network namespace needs root")

// NetnsNode starts a second kubelet stand-in inside a network namespace it
// creates (a veth pair, 10.201.X.1 on the host side, 10.201.X.2 inside),
// and registers it as Node NetnsNodeName at the inside address. Unlike
// loopback, that address is one the API server's pods/proxy, nodes/proxy
// and services/proxy subresources accept. Stop removes the namespace.
// It needs root (ErrNotRoot otherwise) and the ip command.
func (e *Env) NetnsNode(ctx context.Context) (*Node, error) {
	if os.Geteuid() != 0 {
		return nil, ErrNotRoot
	}
	e.nodeMu.Lock()
	defer e.nodeMu.Unlock()
	if e.netnsNode != nil {
		return e.netnsNode, nil
	}
	id := os.Getpid() % 100000
	subnet := fmt.Sprintf("10.201.%d", os.Getpid()%250)
	ns := &netns{name: fmt.Sprintf("kw%d", id), hostIf: fmt.Sprintf("kwh%d", id)}
	inner := fmt.Sprintf("kwn%d", id)
	ns.remove() // left over by a test binary with the same pid
	steps := [][]string{
		{"netns", "add", ns.name},
		{"link", "add", ns.hostIf, "type", "veth", "peer", "name", inner},
		{"link", "set", inner, "netns", ns.name},
		{"addr", "add", subnet + ".1/24", "dev", ns.hostIf},
		{"link", "set", ns.hostIf, "up"},
		{"netns", "exec", ns.name, "ip", "addr", "add", subnet + ".2/24", "dev", inner},
		{"netns", "exec", ns.name, "ip", "link", "set", inner, "up"},
		{"netns", "exec", ns.name, "ip", "link", "set", "lo", "up"},
	}
	for _, args := range steps {
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			ns.remove()
			return nil, fmt.Errorf("testenv: ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	n, err := e.startNode(ctx, NetnsNodeName, subnet+".2", ns)
	if err != nil {
		ns.remove()
		return nil, err
	}
	e.netnsNode = n
	return n, nil
}

// remove deletes the namespace and the host end of the pair.
func (ns *netns) remove() {
	if ns == nil {
		return
	}
	_ = exec.Command("ip", "link", "del", ns.hostIf).Run()
	_ = exec.Command("ip", "netns", "del", ns.name).Run()
}
