//go:build integration

package integration

import (
	"errors"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
)

// The fake server's answers for the stream subresources, compared with the
// real server's: the same calls against the same pods (the real pod
// "multi" has containers a and b running and w waiting; the fake has no
// handler for w and no log for it), the same errors.
func TestFakeStreamsAgreeWithServer(t *testing.T) {
	env, _ := streamsEnv(t)
	ctx := testContext(t)
	real := adminClient(t, env)
	realJane := clientFor(t, env, "jane")

	srv := fake.NewServer(t, fake.WithUser("jane", "jane-token"), fake.WithObjects(`
apiVersion: v1
kind: Pod
metadata: {name: multi, namespace: `+streamsNS+`}
spec:
  containers: [{name: a, image: x}, {name: b, image: x}, {name: w, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: logs, namespace: `+streamsNS+`}
spec:
  containers: [{name: c1, image: x}]
`))
	srv.ContainerLog(streamsNS, "logs", "c1")
	fc, err := rest.New(srv.Config())
	require.NoError(t, err)
	fakeJane, err := rest.New(srv.ConfigFor("jane"))
	require.NoError(t, err)

	v4 := []string{podstream.ProtocolV4}
	neg := int64(-1)
	calls := map[string]func(c *rest.Client) error{
		"exec waiting v5": func(c *rest.Client) error {
			return podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{Container: "w"})
		},
		"exec waiting v4": func(c *rest.Client) error {
			return podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{Container: "w", Protocols: v4})
		},
		"attach waiting": func(c *rest.Client) error {
			return podstream.Attach(ctx, c, streamsNS, "multi", podstream.ExecOptions{Container: "w", Stdout: io.Discard})
		},
		"exec bad container": func(c *rest.Client) error {
			return podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{Container: "nope"})
		},
		"exec no container": func(c *rest.Client) error {
			return podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{})
		},
		"exec missing pod": func(c *rest.Client) error {
			return podstream.Exec(ctx, c, streamsNS, "gone", []string{"true"}, podstream.ExecOptions{})
		},
		"logs waiting": func(c *rest.Client) error {
			_, err := podstream.Logs(ctx, c, streamsNS, "multi", podstream.LogOptions{Container: "w"})
			return err
		},
		"logs previous": func(c *rest.Client) error {
			_, err := podstream.Logs(ctx, c, streamsNS, "logs", podstream.LogOptions{Previous: true})
			return err
		},
		"logs negative tail": func(c *rest.Client) error {
			_, err := podstream.Logs(ctx, c, streamsNS, "logs", podstream.LogOptions{TailLines: &neg})
			return err
		},
		"logs both since": func(c *rest.Client) error {
			_, err := podstream.Logs(ctx, c, streamsNS, "logs", podstream.LogOptions{Since: time.Second, SinceTime: time.Now()})
			return err
		},
		"logs bad limit and tail": func(c *rest.Client) error {
			_, err := c.Get().Version("v1").Namespace(streamsNS).Resource("pods").Name("logs").SubResource("log").
				Param("limitBytes", "0").Param("tailLines", "-2").Param("sinceSeconds", "0").Stream(ctx)
			return err
		},
		"logs no container": func(c *rest.Client) error {
			_, err := podstream.Logs(ctx, c, streamsNS, "multi", podstream.LogOptions{})
			return err
		},
		"port-forward missing pod": func(c *rest.Client) error {
			_, err := podstream.DialPort(ctx, c, streamsNS, "gone", 80)
			return err
		},
	}
	for name, call := range calls {
		want, got := call(real), call(fc)
		require.Error(t, want, name)
		assert.Equal(t, statusOf(t, want), statusOf(t, got), name)
	}

	jc := map[string]func(c *rest.Client) error{
		"exec forbidden": func(c *rest.Client) error {
			return podstream.Exec(ctx, c, streamsNS, "multi", []string{"true"}, podstream.ExecOptions{Container: "a"})
		},
		"logs forbidden": func(c *rest.Client) error {
			_, err := podstream.Logs(ctx, c, streamsNS, "logs", podstream.LogOptions{})
			return err
		},
		"port-forward forbidden": func(c *rest.Client) error {
			_, err := podstream.DialPort(ctx, c, streamsNS, "logs", 80)
			return err
		},
	}
	for name, call := range jc {
		assert.Equal(t, statusOf(t, call(realJane)), statusOf(t, call(fakeJane)), name)
	}

	// A port nothing listens on: the same error channel text (the uid
	// differs).
	dead := uint16(freePort(t))
	readErr := func(c *rest.Client) string {
		conn, err := podstream.DialPort(ctx, c, streamsNS, "logs", dead)
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.ReadAll(conn)
		var pe *podstream.PortForwardError
		require.ErrorAs(t, err, &pe)
		return uidPattern.ReplaceAllString(pe.Message, "uid UID:")
	}
	assert.Equal(t, readErr(real), readErr(fc))
}

// statusOf returns the Status a call failed with (a refused upgrade, or a
// failure on the status channel), with its kind and version dropped.
func statusOf(t *testing.T, err error) metav1.Status {
	t.Helper()
	var se *rest.StatusError
	if !errors.As(err, &se) {
		t.Errorf("not a status error: %v", err)
		return metav1.Status{}
	}
	st := se.Status
	st.TypeMeta = metav1.TypeMeta{}
	return st
}

var uidPattern = regexp.MustCompile(`uid [0-9a-f-]+:`)
