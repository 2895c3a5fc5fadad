package podstream_test

import (
	"bufio"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
)

func readLogs(t *testing.T, c *rest.Client, o podstream.LogOptions) string {
	t.Helper()
	rc, err := podstream.Logs(ctx(t), c, "ns", "web", o)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}

func TestLogsOptions(t *testing.T) {
	srv, c := setup(t)
	l := srv.ContainerLog("ns", "web", "app")
	_, _ = io.WriteString(l, "one\ntwo\nthree\nfour")
	require.NoError(t, l.Close())

	assert.Equal(t, "one\ntwo\nthree\nfour", readLogs(t, c, podstream.LogOptions{}))
	two := int64(2)
	assert.Equal(t, "three\nfour", readLogs(t, c, podstream.LogOptions{TailLines: &two}))
	zero := int64(0)
	assert.Equal(t, "", readLogs(t, c, podstream.LogOptions{TailLines: &zero}))
	assert.Equal(t, "one\ntw", readLogs(t, c, podstream.LogOptions{LimitBytes: 6}))
	assert.Equal(t, "one\ntwo\nthree\nfour", readLogs(t, c, podstream.LogOptions{Since: time.Hour}))
	assert.Equal(t, "", readLogs(t, c, podstream.LogOptions{SinceTime: time.Now().Add(time.Hour)}))

	stamped := readLogs(t, c, podstream.LogOptions{Timestamps: true, Container: "app"})
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z one\n`)
	assert.Regexp(t, re, stamped)
	assert.Len(t, strings.Split(stamped, "\n"), 4)
}

func TestLogsErrors(t *testing.T) {
	srv, c := setup(t)
	_, err := podstream.Logs(ctx(t), c, "ns", "web", podstream.LogOptions{})
	assert.True(t, rest.IsBadRequest(err), err)
	assert.EqualError(t, err, `container "app" in pod "web" is waiting to start: ContainerCreating`)

	srv.ContainerLog("ns", "web", "app")
	neg := int64(-1)
	_, err = podstream.Logs(ctx(t), c, "ns", "web", podstream.LogOptions{TailLines: &neg})
	assert.True(t, rest.IsInvalid(err), err)
	assert.Contains(t, err.Error(), "tailLines: Invalid value: -1: must be greater than or equal to 0")

	_, err = podstream.Logs(ctx(t), c, "ns", "web", podstream.LogOptions{Since: time.Second, SinceTime: time.Now()})
	assert.True(t, rest.IsInvalid(err), err)
	assert.Contains(t, err.Error(), "at most one of `sinceTime` or `sinceSeconds` may be specified")

	_, err = podstream.Logs(ctx(t), c, "ns", "web", podstream.LogOptions{Previous: true})
	assert.EqualError(t, err, `previous terminated container "app" in pod "web" not found`)

	_, err = podstream.Logs(ctx(t), c, "ns", "gone", podstream.LogOptions{})
	assert.True(t, rest.IsNotFound(err))
}

// A follow stream outlives the client's timeout and ends when the
// container stops.
func TestLogsFollow(t *testing.T) {
	srv, _ := setup(t)
	cfg := srv.Config()
	cfg.Timeout = 200 * time.Millisecond
	c, err := rest.New(cfg)
	require.NoError(t, err)
	l := srv.ContainerLog("ns", "web", "app")
	_, _ = io.WriteString(l, "first\n")
	rc, err := podstream.Logs(ctx(t), c, "ns", "web", podstream.LogOptions{Follow: true})
	require.NoError(t, err)
	defer rc.Close()
	br := bufio.NewReader(rc)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "first\n", line)
	time.Sleep(500 * time.Millisecond) // longer than the client timeout
	_, _ = io.WriteString(l, "second\n")
	line, err = br.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "second\n", line)
	require.NoError(t, l.Close())
	left, err := io.ReadAll(br)
	require.NoError(t, err, "the stream ends cleanly when the container stops")
	assert.Empty(t, left)
}
