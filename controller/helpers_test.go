package controller_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
)

// fastBackoff keeps retries quick in tests.
var fastBackoff = controller.Backoff{Initial: 2 * time.Millisecond, Max: 20 * time.Millisecond}

// env is a fake server, a clean client for writes and a client whose
// transport the chaos wrapper can disturb, for the informer.
type env struct {
	srv   *fake.Server
	core  *rest.Client // writes, undisturbed
	watch *rest.Client // the informer's, through chaos
	chaos *chaos
}

func newEnv(t *testing.T, opts ...fake.Option) *env {
	t.Helper()
	opts = append([]fake.Option{fake.WithBookmarkInterval(20 * time.Millisecond)}, opts...)
	srv := fake.NewServer(t, opts...)
	rc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0))
	require.NoError(t, err)
	ch := &chaos{bodies: map[*chaosBody]struct{}{}}
	// The chaos wrapper writes JSON frames into the watches it disturbs,
	// so the informer's client speaks JSON (proto_test.go runs an
	// informer over protobuf).
	wrc, err := rest.New(srv.Config(), rest.WithRateLimit(-1, 0), rest.WithMaxRetries(0), rest.WithJSON(),
		rest.WithWrapper(func(rt http.RoundTripper) http.RoundTripper { ch.base = rt; return ch }))
	require.NoError(t, err)
	return &env{srv: srv, core: rc, watch: wrc, chaos: ch}
}

// run starts inf until the test ends and waits for its first list.
func run[T any](t *testing.T, inf *controller.Informer[T]) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { inf.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	require.NoError(t, inf.WaitForSync(wctx))
}

// chaos is a transport wrapper that disturbs watches: it can end the open
// watch streams with a frame of its choice (an ERROR 410, garbage), cut
// every connection and refuse requests for a while (a server restart), and
// reject streaming lists as an older server does.
type chaos struct {
	base http.RoundTripper

	mu              sync.Mutex
	bodies          map[*chaosBody]struct{}
	downUntil       time.Time
	rejectStreaming bool
}

var errRefused = &refusedError{}

type refusedError struct{}

func (*refusedError) Error() string { return "dial tcp: connection refused (chaos)" }
func (*refusedError) Unwrap() error { return syscall.ECONNREFUSED }

func (c *chaos) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	down, reject := time.Now().Before(c.downUntil), c.rejectStreaming
	c.mu.Unlock()
	if down {
		return nil, errRefused
	}
	q := req.URL.Query()
	if reject && q.Get("sendInitialEvents") == "true" {
		body := `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,"message":"sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"}`
		return &http.Response{StatusCode: 422, Status: "422 Unprocessable Entity", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req, ContentLength: int64(len(body))}, nil
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil || q.Get("watch") != "true" {
		return resp, err
	}
	b := &chaosBody{rc: resp.Body, c: c, atBoundary: true}
	c.mu.Lock()
	c.bodies[b] = struct{}{}
	c.mu.Unlock()
	resp.Body = b
	return resp, nil
}

// poison ends every open watch with frame (after the event being read).
func (c *chaos) poison(frame string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for b := range c.bodies {
		b.setPoison(frame)
	}
}

// restart cuts every watch and refuses connections for d.
func (c *chaos) restart(d time.Duration) {
	c.mu.Lock()
	c.downUntil = time.Now().Add(d)
	bodies := make([]*chaosBody, 0, len(c.bodies))
	for b := range c.bodies {
		bodies = append(bodies, b)
	}
	c.mu.Unlock()
	for _, b := range bodies {
		b.cut()
	}
}

func (c *chaos) setRejectStreaming(v bool) {
	c.mu.Lock()
	c.rejectStreaming = v
	c.mu.Unlock()
}

type chaosBody struct {
	rc io.ReadCloser
	c  *chaos

	mu         sync.Mutex
	poisonData []byte
	pending    *bytes.Reader // the poison being delivered
	atBoundary bool
	dead       bool
}

func (b *chaosBody) setPoison(frame string) {
	b.mu.Lock()
	b.poisonData = []byte(frame)
	b.mu.Unlock()
}

func (b *chaosBody) cut() {
	b.mu.Lock()
	b.dead = true
	b.mu.Unlock()
	b.rc.Close()
}

func (b *chaosBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.dead {
		b.mu.Unlock()
		return 0, errors.New("connection reset by peer (chaos)")
	}
	if b.pending == nil && b.poisonData != nil && b.atBoundary {
		b.pending = bytes.NewReader(b.poisonData)
	}
	if b.pending != nil {
		defer b.mu.Unlock()
		n, _ := b.pending.Read(p)
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
	b.mu.Unlock()
	n, err := b.rc.Read(p)
	if n > 0 {
		b.mu.Lock()
		b.atBoundary = p[n-1] == '\n'
		b.mu.Unlock()
	}
	return n, err
}

func (b *chaosBody) Close() error {
	b.c.mu.Lock()
	delete(b.c.bodies, b)
	b.c.mu.Unlock()
	return b.rc.Close()
}

// expiredFrame is the ERROR event the server sends when a watch's
// resourceVersion has left its window.
const expiredFrame = `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}}` + "\n"

// garbageFrame is not a watch event.
const garbageFrame = "<html>proxy error</html>\n"

// recorder records handler notifications and checks that they form, per
// object, a consistent history: add, updates to new versions, delete.
type recorder struct {
	t  *testing.T
	mu sync.Mutex
	// state is the resourceVersion a handler last saw per key; absent keys
	// are not (or no longer) known.
	state  map[string]string
	events []string
	errs   []string
}

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, state: map[string]string{}}
}

func (r *recorder) handler() controller.Handler[corev1.ConfigMap] {
	return controller.Handler[corev1.ConfigMap]{
		OnAdd: func(obj *corev1.ConfigMap, initial bool) {
			r.mu.Lock()
			defer r.mu.Unlock()
			k := controller.KeyOf(obj)
			r.events = append(r.events, "add "+k+"@"+obj.ResourceVersion)
			if rv, ok := r.state[k]; ok {
				r.errs = append(r.errs, fmt.Sprintf("add of %s@%s, known at %s", k, obj.ResourceVersion, rv))
			}
			r.state[k] = obj.ResourceVersion
		},
		OnUpdate: func(old, obj *corev1.ConfigMap) {
			r.mu.Lock()
			defer r.mu.Unlock()
			k := controller.KeyOf(obj)
			r.events = append(r.events, "update "+k+"@"+obj.ResourceVersion)
			rv, ok := r.state[k]
			switch {
			case !ok:
				r.errs = append(r.errs, fmt.Sprintf("update of unknown %s", k))
			case rv != old.ResourceVersion:
				r.errs = append(r.errs, fmt.Sprintf("update of %s from %s, known at %s", k, old.ResourceVersion, rv))
			case old.ResourceVersion == obj.ResourceVersion:
				r.errs = append(r.errs, fmt.Sprintf("duplicate update of %s@%s", k, rv))
			}
			r.state[k] = obj.ResourceVersion
		},
		OnDelete: func(obj *corev1.ConfigMap, unknown bool) {
			r.mu.Lock()
			defer r.mu.Unlock()
			k := controller.KeyOf(obj)
			r.events = append(r.events, fmt.Sprintf("delete %s@%s unknown=%v", k, obj.ResourceVersion, unknown))
			if _, ok := r.state[k]; !ok {
				r.errs = append(r.errs, fmt.Sprintf("delete of unknown %s", k))
			}
			delete(r.state, k)
		},
	}
}

func (r *recorder) snapshot() (map[string]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := make(map[string]string, len(r.state))
	for k, v := range r.state {
		st[k] = v
	}
	return st, append([]string(nil), r.errs...)
}
