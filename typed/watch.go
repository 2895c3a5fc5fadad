package typed

import (
	"context"
	"errors"
	"io"
	"iter"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
)

// Event is one watch event with its object decoded as T. For BOOKMARK events
// only the object's metadata.resourceVersion is meaningful; ERROR events
// have no object (see Watcher.Next).
type Event[T any] struct {
	Type   rest.EventType
	Object *T
}

// Watcher is an open watch of one kind, with the semantics of
// rest.Watcher. Close it when done.
type Watcher[T any] struct {
	w *rest.Watcher
}

// Watch starts a watch of the objects opts selects, from opts.ResourceVersion
// ("" = from now, after a synthetic ADDED for each existing object). Its
// errors are rest.Request.Watch's.
func (c *Client[T, L]) Watch(ctx context.Context, opts metav1.ListOptions) (*Watcher[T], error) {
	w, err := c.negotiated(c.request(c.rc.Get(), "")).Params(opts.Query()).Watch(ctx)
	if err != nil {
		return nil, err
	}
	return &Watcher[T]{w: w}, nil
}

// Next blocks until the next event, as rest.Watcher.Next does. An ERROR
// event comes back as an Event of type rest.EventError, without an object,
// together with its *rest.StatusError (IsResourceExpired for 410 Gone); an
// object that does not decode as T comes back with its event type and a
// *rest.DecodeError. Neither ends the watch.
//
// Every other error ends the watch and is returned again by later calls:
// io.EOF when the server closed the watch cleanly, the context's error,
// rest.ErrWatcherClosed after Close, and the other terminal errors of
// rest.Watcher.Next.
func (w *Watcher[T]) Next() (Event[T], error) {
	ev, err := w.w.Next()
	if err != nil {
		return Event[T]{Type: ev.Type}, err
	}
	obj := new(T)
	if err := codec.DecodeBody(ev.Object, ev.ContentType, obj, codec.Owned); err != nil {
		return Event[T]{Type: ev.Type}, &rest.DecodeError{Err: errors.New("watch " + string(ev.Type) + " event: the object does not decode as the client's kind")}
	}
	return Event[T]{Type: ev.Type, Object: obj}, nil
}

// Events iterates over the events until the watch ends, and closes the
// watcher when the loop stops, as rest.Watcher.Events does: ERROR events
// and objects that do not decode are yielded with their error and
// iteration goes on; a terminal error other than io.EOF is yielded last
// with an empty Event; a clean end of the stream just ends the loop.
func (w *Watcher[T]) Events() iter.Seq2[Event[T], error] {
	return func(yield func(Event[T], error) bool) {
		defer w.Close()
		for {
			ev, err := w.Next()
			if err != nil && ev.Type == "" { // terminal
				if !errors.Is(err, io.EOF) {
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
func (w *Watcher[T]) Close() error { return w.w.Close() }
