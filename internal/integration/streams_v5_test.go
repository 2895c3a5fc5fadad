//go:build integration

package integration

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/podstream"
)

// standinRequest returns the kubelet stand-in's log line for the request
// whose URI contains marker.
func standinRequest(t *testing.T, log, marker string) string {
	t.Helper()
	var line string
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(log)
		require.NoError(t, err)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, marker) && strings.Contains(l, "upgrade ") {
				line = l
				return true
			}
		}
		return false
	}, 5*time.Second, 50*time.Millisecond, "no stand-in request with %q", marker)
	return line
}

// Stdin's end through v5.channel.k8s.io itself, not the v4 fallback: the
// server's handshake answer names v5, the close signal ends stdin (v4 has
// none), and the kubelet stand-in saw SPDY, because the API server
// terminates a v5 WebSocket itself and speaks SPDY to the node, while it
// passes a v4 WebSocket through.
func TestStreamsStdinEOFOverV5(t *testing.T) {
	env, node := streamsEnv(t)
	ctx := testContext(t)
	c := adminClient(t, env)
	input := bytes.Repeat([]byte("end of stdin over v5\n"), 30_000)

	marker := "v5proof" + strconv.FormatInt(time.Now().UnixNano(), 10)
	var out bytes.Buffer
	s, err := podstream.StartExec(ctx, c, streamsNS, "sh", []string{"sh", "-c", "cat; echo " + marker},
		podstream.SessionOptions{Stdin: true, Stdout: &out})
	require.NoError(t, err)
	assert.Equal(t, podstream.ProtocolV5, s.Protocol(), "the server chose v5")
	_, err = s.Write(input)
	require.NoError(t, err)
	require.NoError(t, s.CloseStdin())
	require.NoError(t, s.Wait(), "cat saw the end of stdin")
	assert.True(t, bytes.Equal(append(input, marker+"\n"...), out.Bytes()))
	line := standinRequest(t, node.Log, marker)
	assert.Contains(t, line, `upgrade "SPDY/3.1"`, "the API server translated the v5 WebSocket to SPDY")

	// The same with v4 only: passed through as a WebSocket, and no end of
	// stdin.
	marker4 := "v4proof" + strconv.FormatInt(time.Now().UnixNano(), 10)
	s, err = podstream.StartExec(ctx, c, streamsNS, "sh", []string{"sh", "-c", "head -c 5; echo " + marker4},
		podstream.SessionOptions{Stdin: true, Stdout: &out, Protocols: []string{podstream.ProtocolV4}})
	require.NoError(t, err)
	assert.Equal(t, podstream.ProtocolV4, s.Protocol())
	assert.ErrorIs(t, s.CloseStdin(), podstream.ErrStdinCloseUnsupported)
	_, err = s.Write([]byte("hello"))
	require.NoError(t, err)
	require.NoError(t, s.Wait())
	line = standinRequest(t, node.Log, marker4)
	assert.Contains(t, line, `upgrade "websocket"`)
	assert.Contains(t, line, `"v4.channel.k8s.io"`)
}
