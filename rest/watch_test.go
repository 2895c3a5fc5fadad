package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// watchHandler writes frames one by one, flushing each, then holds the
// stream open until the client goes away when hold is set.
func watchHandler(t *testing.T, hold bool, frames ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "true" {
			t.Errorf("watch=true missing from %s", r.URL.RequestURI())
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for _, f := range frames {
			io.WriteString(w, f)
			w.(http.Flusher).Flush()
		}
		if hold {
			<-r.Context().Done()
		}
	}
}

func watchPods(f *fixture) *Request {
	return f.client.Get().Version("v1").Namespace("ns").Resource("pods").Param("allowWatchBookmarks", "true")
}

func TestWatchEvents(t *testing.T) {
	f := setup(t)
	expired := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (42)","reason":"Expired","code":410}`
	f.handle("GET /api/v1/namespaces/ns/pods", watchHandler(t, false,
		`{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"10"}}}`+"\n",
		`{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","annotations":{"x":"}{\"]["}}}}`+"\n"+
			`{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}}`,
		"\n  ",
		`{"object":{"kind":"Pod","metadata":{"name":"a"}},"type":"DELETED"}`,
		`{"type":"ERROR","object":`+expired+`}`,
	))
	w, err := watchPods(f).Watch(testCtx(t))
	require.NoError(t, err)
	defer w.Close()

	ev, err := w.Next()
	require.NoError(t, err)
	assert.Equal(t, EventAdded, ev.Type)
	assert.JSONEq(t, `{"kind":"Pod","metadata":{"name":"a","resourceVersion":"10"}}`, string(ev.Object))
	assert.NoError(t, ev.Err())

	ev, err = w.Next()
	require.NoError(t, err)
	assert.Equal(t, EventModified, ev.Type)
	var obj struct {
		Metadata struct{ Annotations map[string]string } `json:"metadata"`
	}
	require.NoError(t, codec.Unmarshal(ev.Object, &obj))
	assert.Equal(t, `}{"][`, obj.Metadata.Annotations["x"], "braces inside strings do not end the frame")

	ev, err = w.Next()
	require.NoError(t, err)
	assert.Equal(t, EventBookmark, ev.Type)

	ev, err = w.Next()
	require.NoError(t, err)
	assert.Equal(t, EventDeleted, ev.Type)

	ev, err = w.Next()
	assert.Equal(t, EventError, ev.Type)
	assert.True(t, IsResourceExpired(err))
	assert.Equal(t, "too old resource version: 1 (42)", err.Error())
	assert.True(t, IsResourceExpired(ev.Err()))

	_, err = w.Next()
	assert.ErrorIs(t, err, io.EOF, "the server ended the watch")
	_, err = w.Next()
	assert.ErrorIs(t, err, io.EOF, "the end is sticky")
}

func TestWatchEventsIterator(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/namespaces/ns/pods", watchHandler(t, false,
		`{"type":"ADDED","object":{"metadata":{"name":"a"}}}`,
		`{"type":"ERROR","object":{"kind":"Status","code":500,"reason":"InternalError","message":"internal"}}`,
		`{"type":"ADDED","object":{"metadata":{"name":"b"}}}`,
	))
	w, err := watchPods(f).Watch(testCtx(t))
	require.NoError(t, err)
	var types []EventType
	var errs []error
	for ev, err := range w.Events() {
		types = append(types, ev.Type)
		errs = append(errs, err)
	}
	assert.Equal(t, []EventType{EventAdded, EventError, EventAdded}, types, "a clean end stops the loop without an error")
	assert.NoError(t, errs[0])
	assert.True(t, IsInternalError(errs[1]))
	_, err = w.Next()
	assert.Error(t, err, "Events closed the watcher")
}

func TestWatchBadFrames(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		check func(t *testing.T, err error)
	}{
		{"garbage", "hello\n", isDecodeError},
		{"not an object", `["ADDED"]`, isDecodeError},
		{"broken json", `{"type":"ADDED","object":{"a":tru}}`, isDecodeError},
		{"unknown type", `{"type":"RENAMED","object":{}}`, isDecodeError},
		{"no object", `{"type":"ADDED"}`, isDecodeError},
		{"cut off", `{"type":"ADDED","object":{"metadata":`, func(t *testing.T, err error) {
			isDecodeError(t, err)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}},
		{"too large", `{"type":"ADDED","object":{"data":"` + strings.Repeat("x", 2048) + `"}}`, func(t *testing.T, err error) {
			var tooLarge *EventTooLargeError
			require.ErrorAs(t, err, &tooLarge)
			assert.Equal(t, int64(1024), tooLarge.Limit)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, WithMaxResponseBytes(1024))
			f.handle("GET /api/v1/namespaces/ns/pods", watchHandler(t, false,
				`{"type":"ADDED","object":{"metadata":{"name":"ok"}}}`, tt.frame,
				`{"type":"ADDED","object":{"metadata":{"name":"after"}}}`))
			w, err := watchPods(f).Watch(testCtx(t))
			require.NoError(t, err)
			defer w.Close()
			ev, err := w.Next()
			require.NoError(t, err)
			assert.Equal(t, EventAdded, ev.Type)
			_, err = w.Next()
			tt.check(t, err)
			_, err2 := w.Next()
			assert.Equal(t, err, err2, "the watch ended with the error")
		})
	}
}

func isDecodeError(t *testing.T, err error) {
	t.Helper()
	var de *DecodeError
	require.ErrorAs(t, err, &de)
}

func TestWatchIdleTimeout(t *testing.T) {
	for _, proto := range []struct {
		name  string
		http2 bool
	}{{"HTTP/1.1", false}, {"HTTP/2", true}} {
		t.Run(proto.name, func(t *testing.T) {
			f := setupWith(t, fixtureOptions{http2: proto.http2}, WithWatchIdleTimeout(250*time.Millisecond))
			f.handle("GET /api/v1/namespaces/ns/pods", func(w http.ResponseWriter, r *http.Request) {
				if proto.http2 {
					assert.Equal(t, 2, r.ProtoMajor)
				} else {
					assert.Equal(t, 1, r.ProtoMajor)
				}
				w.Header().Set("Content-Type", "application/json")
				// Events keep the watch alive past the idle limit ...
				for i := range 6 {
					io.WriteString(w, `{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"`+string(rune('1'+i))+`"}}}`)
					w.(http.Flusher).Flush()
					time.Sleep(60 * time.Millisecond)
				}
				// ... then the connection goes quiet without closing.
				<-r.Context().Done()
			})
			w, err := watchPods(f).Watch(testCtx(t))
			require.NoError(t, err)
			defer w.Close()
			t0 := time.Now()
			for i := range 6 {
				ev, err := w.Next()
				require.NoError(t, err, "event %d after %v", i, time.Since(t0))
				assert.Equal(t, EventBookmark, ev.Type)
			}
			start := time.Now()
			_, err = w.Next()
			var idle *WatchIdleError
			require.ErrorAs(t, err, &idle)
			assert.Equal(t, 250*time.Millisecond, idle.Timeout)
			assert.Less(t, time.Since(start), 3*time.Second)
		})
	}
}

func TestWatchContextCancel(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/namespaces/ns/pods", watchHandler(t, true, `{"type":"ADDED","object":{}}`))
	ctx, cancel := context.WithCancel(testCtx(t))
	w, err := watchPods(f).Watch(ctx)
	require.NoError(t, err)
	defer w.Close()
	_, err = w.Next()
	require.NoError(t, err)
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err = w.Next()
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestWatchClose(t *testing.T) {
	f := setup(t)
	f.handle("GET /api/v1/namespaces/ns/pods", watchHandler(t, true))
	w, err := watchPods(f).Watch(testCtx(t))
	require.NoError(t, err)
	time.AfterFunc(20*time.Millisecond, func() { w.Close() })
	_, err = w.Next()
	assert.ErrorIs(t, err, ErrWatcherClosed)
	assert.NoError(t, w.Close(), "Close is idempotent")
}

func TestWatchStartErrors(t *testing.T) {
	f := setup(t, WithMaxRetries(0))
	f.handle("GET /api/v1/namespaces/ns/pods", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(t, w, metav1.Status{Code: 410, Reason: metav1.StatusReasonExpired, Message: "too old resource version: 5 (900)"})
	})
	f.handle("GET /api/v1/namespaces/ns/services", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>")
	})
	_, err := watchPods(f).ResourceVersion("5").Watch(testCtx(t))
	assert.True(t, IsResourceExpired(err))
	_, err = f.client.Get().Version("v1").Namespace("ns").Resource("services").Watch(testCtx(t))
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "text/html", de.ContentType)
}

func TestEventErrOnBadStatus(t *testing.T) {
	err := Event{Type: EventError, Object: []byte(`not json`)}.Err()
	var de *DecodeError
	assert.True(t, errors.As(err, &de))
}
