package podstream_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/podstream"
)

func echo(_ context.Context, conn net.Conn) error {
	_, err := io.Copy(conn, conn)
	return err
}

// httpOnConn answers HTTP/1.1 requests on conn with the request path.
func httpOnConn(_ context.Context, conn net.Conn) error {
	br := bufio.NewReader(conn)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return nil
		}
		body := "pod says " + req.URL.Path
		_, err = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		if err != nil {
			return nil
		}
	}
}

func TestDialPortEcho(t *testing.T) {
	srv, c := setup(t)
	srv.HandlePortForward("ns", "web", 7000, echo)
	conn, err := podstream.DialPort(ctx(t), c, "ns", "web", 7000)
	require.NoError(t, err)
	defer conn.Close()
	assert.Equal(t, "ns/web:7000", conn.RemoteAddr().String())
	msg := make([]byte, 100_000)
	for i := range msg {
		msg[i] = byte(i)
	}
	go func() { _, _ = conn.Write(msg) }()
	got := make([]byte, len(msg))
	_, err = io.ReadFull(conn, got)
	require.NoError(t, err)
	assert.Equal(t, msg, got)

	require.NoError(t, conn.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err = conn.Read(got)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
}

func TestDialPortRefused(t *testing.T) {
	_, c := setup(t)
	conn, err := podstream.DialPort(ctx(t), c, "ns", "web", 9)
	require.NoError(t, err, "the upgrade succeeds; the failure arrives on the error channel")
	defer conn.Close()
	_, err = io.ReadAll(conn)
	var pe *podstream.PortForwardError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, uint16(9), pe.Port)
	assert.Regexp(t, `^error forwarding port 9 to pod web, uid [0-9a-f-]+: failed to connect to localhost:9 inside namespace of pod "web": dial tcp 127.0.0.1:9: connect: connection refused$`, pe.Message)

	_, err = podstream.DialPort(ctx(t), c, "ns", "gone", 80)
	assert.EqualError(t, err, `pods "gone" not found`)
}

// The dial function plugs the pod port into an http.Transport.
func TestDialerWithHTTPTransport(t *testing.T) {
	srv, c := setup(t)
	srv.HandlePortForward("ns", "web", 8080, httpOnConn)
	hc := &http.Client{Transport: &http.Transport{DialContext: podstream.Dialer(c, "ns", "web")}}
	for _, p := range []string{"/a", "/b", "/c"} {
		resp, err := hc.Get("http://web.ns:8080" + p)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, "pod says "+p, string(b))
	}
	_, err := podstream.Dialer(c, "ns", "web")(ctx(t), "udp", "x:1")
	assert.Error(t, err)
}

func TestForwarder(t *testing.T) {
	srv, c := setup(t)
	srv.HandlePortForward("ns", "web", 8080, httpOnConn)
	var conns atomic.Int32
	errs := make(chan error, 10)
	f, err := podstream.NewForwarder(c, "ns", "web",
		[]podstream.PortMapping{{Local: 0, Remote: 8080}, {Local: 0, Remote: 9}},
		podstream.WithAddresses("127.0.0.1"),
		podstream.WithConnectionHandler(func(m podstream.PortMapping) { conns.Add(1) }),
		podstream.WithErrorHandler(func(m podstream.PortMapping, err error) { errs <- err }))
	require.NoError(t, err)
	ls := f.Listeners()
	require.Len(t, ls, 2)
	assert.Equal(t, uint16(8080), ls[0].Mapping.Remote)
	assert.NotZero(t, ls[0].Mapping.Local)
	cx, cancel := context.WithCancel(ctx(t))
	served := make(chan error, 1)
	go func() { served <- f.Serve(cx) }()

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := hc.Get("http://" + ls[0].Address + "/r" + strconv.Itoa(i))
			if !assert.NoError(t, err) {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "pod says /r"+strconv.Itoa(i), string(b))
		}()
	}
	wg.Wait()

	bad, err := net.Dial("tcp", ls[1].Address)
	require.NoError(t, err)
	_, _ = io.ReadAll(bad)
	bad.Close()
	select {
	case err := <-errs:
		var pe *podstream.PortForwardError
		assert.ErrorAs(t, err, &pe)
	case <-time.After(5 * time.Second):
		t.Fatal("no per-connection error")
	}
	assert.EqualValues(t, 9, conns.Load())
	cancel()
	require.NoError(t, <-served)
	_, err = net.Dial("tcp", ls[0].Address)
	assert.Error(t, err, "listeners closed")
}

func TestParsePortMapping(t *testing.T) {
	for in, want := range map[string]podstream.PortMapping{
		"8080": {8080, 8080}, "8888:80": {8888, 80}, ":80": {0, 80}, "0:80": {0, 80},
	} {
		got, err := podstream.ParsePortMapping(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "0", "x", "80:", "70000", "1:2:3", "-1"} {
		_, err := podstream.ParsePortMapping(bad)
		assert.Error(t, err, bad)
	}
}

// A local client that closes its write side still gets the whole answer:
// the pod-to-client direction keeps flowing. (The pod side cannot be told
// of the half-close: the kubelet's WebSocket protocol has no way to end
// one direction.)
func TestForwarderHalfClose(t *testing.T) {
	srv, c := setup(t)
	srv.HandlePortForward("ns", "web", 7100, func(_ context.Context, conn net.Conn) error {
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return err
		}
		for _, part := range []string{"got ", line, "and more\n"} {
			time.Sleep(100 * time.Millisecond)
			if _, err := io.WriteString(conn, part); err != nil {
				return err
			}
		}
		return nil
	})
	f, err := podstream.NewForwarder(c, "ns", "web", []podstream.PortMapping{{Remote: 7100}}, podstream.WithAddresses("127.0.0.1"))
	require.NoError(t, err)
	cx, cancel := context.WithCancel(ctx(t))
	served := make(chan error, 1)
	go func() { served <- f.Serve(cx) }()
	conn, err := net.Dial("tcp", f.Listeners()[0].Address)
	require.NoError(t, err)
	_, err = io.WriteString(conn, "request\n")
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	b, err := io.ReadAll(conn)
	require.NoError(t, err)
	assert.Equal(t, "got request\nand more\n", string(b))
	conn.Close()
	cancel()
	require.NoError(t, <-served)
}
