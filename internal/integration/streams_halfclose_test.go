//go:build integration

package integration

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// podServer serves handle on a free loopback port, the pod port the
// stand-in forwards to.
func podServer(t *testing.T, handle func(net.Conn)) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// halfClosed dials addr, sends msg, closes its write side and reads the
// answer to its end (at most limit).
func halfClosed(t *testing.T, addr, msg string, limit time.Duration) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, msg)
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(limit)))
	b, err := io.ReadAll(conn)
	require.NoError(t, err, "the answer ended")
	return string(b)
}

// A local client that closes its write side, through kubectl port-forward
// (v1.32: SPDY tunnelled in a WebSocket) and through examples/port-forward
// (the kubelet's WebSocket protocol). The pod-to-client direction keeps
// flowing in both. Only kubectl passes the half-close on: the kubelet's
// WebSocket port-forward protocol has no per-channel close (its node side
// accepts v4.channel.k8s.io and base64, not v5, whose close signal ends
// one direction), so the pod sees the end of its input only when the
// forwarder closes the connection after its idle time.
func TestPortForwardHalfCloseLikeKubectl(t *testing.T) {
	env, _ := streamsEnv(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	bin := exampleBin(t, "port-forward")
	// answers reads a line and answers it in three parts, then closes.
	answers := podServer(t, func(c net.Conn) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return
		}
		for _, part := range []string{"got ", line, "and more\n"} {
			time.Sleep(100 * time.Millisecond)
			if _, err := io.WriteString(c, part); err != nil {
				return
			}
		}
	})
	// needsEOF answers once its input has ended.
	needsEOF := podServer(t, func(c net.Conn) {
		b, err := io.ReadAll(c)
		if err == nil {
			fmt.Fprintf(c, "got %d bytes\n", len(b))
		}
	})

	got := map[string][2]string{}
	for name, prog := range map[string][]string{
		"kubectl": {kubectlPath(t), "port-forward"},
		"example": {bin},
	} {
		ctx, cancel := context.WithCancel(testContext(t))
		l1, l2 := freePort(t), freePort(t)
		args := append(prog[1:], "--kubeconfig", kc, "-n", streamsNS, "sh",
			fmt.Sprintf("%d:%d", l1, answers), fmt.Sprintf("%d:%d", l2, needsEOF))
		f := startForward(t, ctx, prog[0], args...)
		f.waitListening(t, 4)
		a := halfClosed(t, "127.0.0.1:"+strconv.Itoa(l1), "request\n", 20*time.Second)
		start := time.Now()
		b := halfClosed(t, "127.0.0.1:"+strconv.Itoa(l2), "hello", 20*time.Second)
		t.Logf("%s: the EOF-needing server's connection ended after %v", name, time.Since(start))
		got[name] = [2]string{a, b}
		cancel()
		<-f.done
	}
	assert.Equal(t, [2]string{"got request\nand more\n", "got 5 bytes\n"}, got["kubectl"])
	assert.Equal(t, [2]string{"got request\nand more\n", ""}, got["example"],
		"the other direction flows; the pod is not told of the half-close")
}

// The node refuses v5.channel.k8s.io for port-forward, so its close
// signal cannot carry a half-close there.
func TestStreamsPortForwardNoV5(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	port := httpServer(t)
	r := c.Get().Version("v1").Namespace(streamsNS).Resource("pods").Name("sh").SubResource("portforward").
		Param("ports", strconv.Itoa(int(port)))
	conn, err := r.WebSocket(ctx, websocket.Options{Protocols: []string{podstream.ProtocolV5}})
	if err == nil {
		t.Logf("subprotocol %q", conn.Subprotocol())
		conn.Close()
	}
	assert.True(t, rest.IsForbidden(err), "v5 port-forward: %v", err)
}
