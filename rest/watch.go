package rest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
)

// EventType is the type of a watch event.
type EventType string

// The watch event types.
const (
	EventAdded    EventType = "ADDED"
	EventModified EventType = "MODIFIED"
	EventDeleted  EventType = "DELETED"
	// EventBookmark carries only the object's kind, apiVersion and
	// metadata.resourceVersion: the watch has seen everything up to it.
	EventBookmark EventType = "BOOKMARK"
	// EventError carries a Status; Event.Err returns it as a *StatusError.
	EventError EventType = "ERROR"
)

// Event is one watch event.
type Event struct {
	Type EventType
	// Object is the event's object, owned by the caller: JSON, or, when
	// ContentType is Kubernetes' protobuf, the object's protobuf body
	// (envelope included).
	Object []byte
	// ContentType is the media type of Object: "application/json" or
	// "application/vnd.kubernetes.protobuf".
	ContentType string
}

// Err returns the *StatusError an ERROR event carries (IsResourceExpired
// tells a watch that must restart with a new list), a *DecodeError if its
// object is not a Status, and nil for any other event.
func (e Event) Err() error {
	if e.Type != EventError {
		return nil
	}
	var st metav1.Status
	if err := codec.DecodeBody(e.Object, e.ContentType, &st, codec.Borrowed); err != nil {
		return &DecodeError{Err: cleanJSONError(err)}
	}
	se := &StatusError{Status: st}
	if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
		se.RetryAfter = time.Duration(st.Details.RetryAfterSeconds) * time.Second
	}
	return se
}

// Watcher reads the events of one watch as they arrive. Next must not be
// called from more than one goroutine at a time; Close may be called from
// any goroutine, at any time, more than once. Close it when done.
type Watcher struct {
	ctx    context.Context // the caller's
	cancel context.CancelFunc
	body   io.Closer
	frames frameReader
	idle   time.Duration
	timer  *time.Timer

	idleFired atomic.Bool
	closed    atomic.Bool
	closeOnce sync.Once
	err       error // the terminal error, once there is one
}

// Watch starts a watch (watch=true is added to the parameters) and returns
// once the server has answered. Add resourceVersion to start after a list
// and allowWatchBookmarks=true to get bookmarks. The watch is not bounded
// by cfg.Timeout: it lasts until ctx ends, Close, the server ends it
// (timeoutSeconds) or the idle limit (WithWatchIdleTimeout) expires.
//
// A status outside 2xx is a *StatusError (IsResourceExpired: the
// resourceVersion is too old, list again), a content type that is not JSON
// a *DecodeError.
func (r *Request) Watch(ctx context.Context) (*Watcher, error) {
	if err := r.usable(ctx, "Watch"); err != nil {
		return nil, err
	}
	if r.err == nil {
		if r.params == nil {
			r.params = map[string][]string{}
		}
		r.params.Set("watch", "true")
	}
	wctx, cancel := context.WithCancel(ctx)
	resp, err := r.send(wctx, &attempts{})
	if err != nil {
		cancel()
		return nil, err
	}
	r.c.handleWarnings(ctx, resp)
	method, u := resp.Request.Method, resp.Request.URL.Redacted()
	fail := func(err error) (*Watcher, error) {
		resp.Body.Close()
		cancel()
		return nil, err
	}
	if !success(resp.StatusCode) {
		body, _ := r.c.readCapped(resp, min(r.c.maxBytes, errorBodyLimit))
		return fail(newStatusError(resp, body))
	}
	ct := resp.Header.Get("Content-Type")
	format, ok := codec.FormatOf(ct)
	if !ok {
		return fail(&DecodeError{Method: method, URL: u, ContentType: ct})
	}
	w := &Watcher{ctx: ctx, cancel: cancel, body: resp.Body, idle: r.c.idle}
	var src io.Reader = &idleReader{r: resp.Body, w: w}
	if w.idle > 0 {
		// A timer, not a connection deadline: it works the same on HTTP/1.1
		// and HTTP/2, where one connection carries many streams.
		w.timer = time.AfterFunc(w.idle, func() {
			w.idleFired.Store(true)
			w.shutdown()
		})
	}
	w.frames = frameReader{br: bufio.NewReaderSize(decompressed(resp, src), codec.ReadBufferSize), max: r.c.maxBytes,
		proto: format == codec.Protobuf}
	return w, nil
}

// Next blocks until the next event and returns it. For an ERROR event it
// returns the event together with its *StatusError (Event.Err); the watch
// goes on, though the server usually ends it next.
//
// Every other error ends the watch, and Next returns it again on later
// calls: io.EOF when the server closed the watch cleanly (timeoutSeconds,
// or its own limit); ctx.Err() when the context ended; ErrWatcherClosed
// after Close; *WatchIdleError after the idle limit; *EventTooLargeError for
// an event over the size limit; *DecodeError for a frame that is not a
// watch event or a stream cut off inside one (Err io.ErrUnexpectedEOF);
// otherwise the transport's read error.
func (w *Watcher) Next() (Event, error) {
	if w.err != nil {
		return Event{}, w.err
	}
	if w.frames.br == nil { // not made by Watch
		return Event{}, ErrWatcherClosed
	}
	var ev Event
	var err error
	if w.frames.proto {
		ev, err = w.frames.nextProto()
	} else {
		var frame []byte
		if frame, err = w.frames.next(); err == nil {
			ev, err = decodeEvent(frame)
		}
	}
	if err != nil {
		return Event{}, w.end(err)
	}
	if ev.Type == EventError {
		return ev, ev.Err()
	}
	return ev, nil
}

// Events iterates over the events until the watch ends, and closes the
// watcher when the loop stops. ERROR events are yielded with their
// *StatusError and iteration goes on; a terminal error other than io.EOF is
// yielded last with an empty Event; a clean end of the stream just ends the
// loop.
func (w *Watcher) Events() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		defer w.Close()
		for {
			ev, err := w.Next()
			if w.err != nil {
				if !errors.Is(w.err, io.EOF) {
					yield(ev, err)
				}
				return
			}
			if !yield(ev, err) {
				return
			}
		}
	}
}

// Close ends the watch and releases its connection. It always returns nil.
func (w *Watcher) Close() error {
	w.closed.Store(true)
	w.shutdown()
	return nil
}

func (w *Watcher) shutdown() {
	w.closeOnce.Do(func() {
		if w.timer != nil {
			w.timer.Stop()
		}
		if w.cancel != nil {
			w.cancel()
		}
		if w.body != nil {
			w.body.Close()
		}
	})
}

// end records the terminal error, translated from the read error the
// shutdown caused where there was one, and releases the connection.
func (w *Watcher) end(err error) error {
	var tooLarge *EventTooLargeError
	var decode *DecodeError
	switch {
	case w.closed.Load():
		err = ErrWatcherClosed
	case w.idleFired.Load():
		err = &WatchIdleError{Timeout: w.idle}
	case w.ctx.Err() != nil:
		err = w.ctx.Err()
	case errors.As(err, &tooLarge), errors.As(err, &decode), err == io.EOF:
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = &DecodeError{Err: io.ErrUnexpectedEOF}
	}
	w.err = err
	w.shutdown()
	return err
}

// idleReader re-arms the idle timer whenever data arrives.
type idleReader struct {
	r io.Reader
	w *Watcher
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 && r.w.timer != nil {
		r.w.timer.Reset(r.w.idle)
	}
	return n, err
}

// frameReader splits the stream into top-level JSON objects, one per event,
// each at most max bytes.
type frameReader struct {
	br    *bufio.Reader
	max   int64
	buf   []byte
	proto bool // length-prefixed protobuf frames
}

// protoWatchEvent reads a frame of a protobuf watch stream: a
// metav1.WatchEvent message as the API server writes it, without envelope
// (type, field 1; object, field 2, a RawExtension whose raw bytes, field
// 1, are the object's enveloped body). A frame in an envelope is read too.
func protoWatchEvent(frame []byte) (typ string, object []byte, err error) {
	if bytes.HasPrefix(frame, []byte(protowire.Magic)) {
		pe, err := protowire.DecodeWatchEvent(frame)
		return pe.Type, pe.Object, err
	}
	ok := protoBytesFields(frame, func(num int, b []byte) bool {
		switch num {
		case 1:
			// The known types take no allocation.
			switch string(b) {
			case string(EventAdded):
				typ = string(EventAdded)
			case string(EventModified):
				typ = string(EventModified)
			case string(EventDeleted):
				typ = string(EventDeleted)
			case string(EventBookmark):
				typ = string(EventBookmark)
			default:
				typ = string(b)
			}
		case 2:
			return protoBytesFields(b, func(num int, b []byte) bool {
				if num == 1 {
					object = b
				}
				return true
			})
		}
		return true
	})
	if !ok {
		return "", nil, &protowire.Error{Reason: "malformed watch event"}
	}
	return typ, object, nil
}

// protoBytesFields calls fn with each length-delimited field of the
// protobuf message data; varint fields are skipped, any other wire type
// or a truncated field makes it return false.
func protoBytesFields(data []byte, fn func(num int, b []byte) bool) bool {
	for len(data) > 0 {
		tag, n := binary.Uvarint(data)
		if n <= 0 {
			return false
		}
		data = data[n:]
		switch tag & 7 {
		case protowire.WireVarint:
			if _, n = binary.Uvarint(data); n <= 0 {
				return false
			}
			data = data[n:]
		case protowire.WireBytes:
			l, n := binary.Uvarint(data)
			if n <= 0 || l > uint64(len(data)-n) {
				return false
			}
			if !fn(int(tag>>3), data[n:n+int(l):n+int(l)]) {
				return false
			}
			data = data[n+int(l):]
		default:
			return false
		}
	}
	return true
}

// nextProto reads one frame of a protobuf watch stream: a 4-byte length,
// then the envelope of a WatchEvent whose object is itself an enveloped
// body, copied out for the caller.
func (f *frameReader) nextProto() (Event, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(f.br, hdr[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return Event{}, &DecodeError{Err: err}
		}
		return Event{}, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[:]))
	if n > f.max {
		return Event{}, &EventTooLargeError{Limit: f.max}
	}
	if int64(cap(f.buf)) < n {
		f.buf = make([]byte, n)
	}
	f.buf = f.buf[:n]
	if _, err := io.ReadFull(f.br, f.buf); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return Event{}, &DecodeError{Err: io.ErrUnexpectedEOF}
		}
		return Event{}, err
	}
	typ, object, err := protoWatchEvent(f.buf)
	if err != nil {
		return Event{}, &DecodeError{Err: fmt.Errorf("watch event: %w", err)}
	}
	ev := Event{Type: EventType(typ), Object: bytes.Clone(object), ContentType: codec.ProtobufContentType}
	switch ev.Type {
	case EventAdded, EventModified, EventDeleted, EventBookmark, EventError:
	default:
		return Event{}, &DecodeError{Err: fmt.Errorf("watch event has unknown type %q", ev.Type)}
	}
	if len(ev.Object) == 0 {
		return Event{}, &DecodeError{Err: fmt.Errorf("watch %s event has no object", ev.Type)}
	}
	return ev, nil
}

func (f *frameReader) next() ([]byte, error) {
	for {
		b, err := f.br.ReadByte()
		if err != nil {
			return nil, err
		}
		if b == ' ' || b == '\n' || b == '\r' || b == '\t' {
			continue
		}
		if b != '{' {
			return nil, &DecodeError{Err: fmt.Errorf("watch frame starts with %q, not a JSON object", b)}
		}
		break
	}
	f.buf = append(f.buf[:0], '{')
	depth, inString, escaped := 1, false, false
	for {
		if _, err := f.br.Peek(1); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		chunk, _ := f.br.Peek(f.br.Buffered())
		i := 0
		for ; i < len(chunk) && depth > 0; i++ {
			switch c := chunk[i]; {
			case escaped:
				escaped = false
			case inString:
				if c == '\\' {
					escaped = true
				} else if c == '"' {
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
			}
		}
		if int64(len(f.buf)+i) > f.max {
			return nil, &EventTooLargeError{Limit: f.max}
		}
		f.buf = append(f.buf, chunk[:i]...)
		_, _ = f.br.Discard(i)
		if depth == 0 {
			return f.buf, nil
		}
	}
}

// decodeEvent decodes one {"type": ..., "object": {...}} frame.
func decodeEvent(frame []byte) (Event, error) {
	it := codec.API.BorrowIterator(frame)
	defer codec.API.ReturnIterator(it)
	ev := Event{ContentType: "application/json"}
	it.ReadObjectCB(func(it *jsoniter.Iterator, field string) bool {
		switch field {
		case "type":
			ev.Type = EventType(it.ReadString())
		case "object":
			ev.Object = it.SkipAndReturnBytes()
		default:
			it.Skip()
		}
		return true
	})
	if it.Error != nil && it.Error != io.EOF {
		return Event{}, &DecodeError{Err: fmt.Errorf("watch event: %w", cleanJSONError(it.Error))}
	}
	switch ev.Type {
	case EventAdded, EventModified, EventDeleted, EventBookmark, EventError:
	default:
		return Event{}, &DecodeError{Err: fmt.Errorf("watch event has unknown type %q", ev.Type)}
	}
	if len(ev.Object) == 0 {
		return Event{}, &DecodeError{Err: fmt.Errorf("watch %s event has no object", ev.Type)}
	}
	return ev, nil
}
