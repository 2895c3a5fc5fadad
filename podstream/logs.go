package podstream

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/kubewire/kubewire/rest"
)

// LogOptions selects what Logs returns. The zero value is the whole log of
// the pod's only container, without timestamps. The server validates the
// values and answers a bad one with 422 Invalid (a *rest.StatusError).
type LogOptions struct {
	// Container names the container; empty means the pod's only one.
	Container string
	// Follow keeps the stream open for new lines until the container
	// stops or ctx ends.
	Follow bool
	// Previous returns the log of the previous, terminated instance of the
	// container.
	Previous bool
	// Timestamps prefixes each line with its RFC 3339 time (nine digits of
	// fraction) and a space.
	Timestamps bool
	// Since returns only lines newer than this long ago, rounded up to a
	// whole second; zero means no limit. At most one of Since and
	// SinceTime may be set.
	Since time.Duration
	// SinceTime returns only lines newer than this time (sent with second
	// precision); zero means no limit.
	SinceTime time.Time
	// TailLines, when set, returns only the last *TailLines lines (0: none)
	// before following.
	TailLines *int64
	// LimitBytes, when positive, ends the stream after this many bytes,
	// which may cut a line.
	LimitBytes int64
	// InsecureSkipTLSVerifyBackend asks the API server not to verify the
	// kubelet's certificate.
	InsecureSkipTLSVerifyBackend bool
}

// Logs returns the log of a container of pod namespace/name as a stream the
// caller must close. No client timeout applies to it (cfg.Timeout does
// not), so a follow stream lasts until the container stops, the server
// ends it, or ctx ends; reads then fail with ctx's error. Errors: a
// *rest.StatusError from the server (a missing pod, a container that has
// not started, invalid options), or the transport's.
func Logs(ctx context.Context, c *rest.Client, namespace, pod string, o LogOptions) (io.ReadCloser, error) {
	r, err := logRequest(c, namespace, pod, o)
	if err != nil {
		return nil, err
	}
	return r.Stream(ctx)
}

// logRequest builds the GET of the log subresource.
func logRequest(c *rest.Client, namespace, pod string, o LogOptions) (*rest.Request, error) {
	if c == nil {
		return nil, errNilClient
	}
	r := c.Get().Version("v1").Namespace(namespace).Resource("pods").Name(pod).SubResource("log")
	if o.Container != "" {
		r.Param("container", o.Container)
	}
	if o.Follow {
		r.Param("follow", "true")
	}
	if o.Previous {
		r.Param("previous", "true")
	}
	if o.Timestamps {
		r.Param("timestamps", "true")
	}
	if o.Since != 0 {
		secs := int64(o.Since / time.Second)
		if o.Since%time.Second != 0 {
			secs++
		}
		r.Param("sinceSeconds", strconv.FormatInt(secs, 10))
	}
	if !o.SinceTime.IsZero() {
		r.Param("sinceTime", o.SinceTime.UTC().Format(time.RFC3339))
	}
	if o.TailLines != nil {
		r.Param("tailLines", strconv.FormatInt(*o.TailLines, 10))
	}
	if o.LimitBytes > 0 {
		r.Param("limitBytes", strconv.FormatInt(o.LimitBytes, 10))
	}
	if o.InsecureSkipTLSVerifyBackend {
		r.Param("insecureSkipTLSVerifyBackend", "true")
	}
	return r, nil
}
