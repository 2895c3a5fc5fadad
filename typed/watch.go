package typed

import (
	"context"
	"iter"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
)

// Event is one watch event with its object decoded as T. For BOOKMARK events
// only the object's metadata.resourceVersion is meaningful.
type Event[T any] struct {
	Type   rest.EventType
	Object *T
}

// Watcher is an open watch of one kind. Close it when done.
type Watcher[T any] struct {
	w *rest.Watcher
}

// Watch starts a watch of the objects opts selects, from opts.ResourceVersion
// ("" = from now, after a synthetic ADDED for each existing object).
func (c *Client[T, L]) Watch(ctx context.Context, opts metav1.ListOptions) (*Watcher[T], error) {
	w, err := c.request(c.rc.Get(), "").Params(opts.Query()).Watch(ctx)
	if err != nil {
		return nil, err
	}
	return &Watcher[T]{w: w}, nil
}

// Next blocks until the next event. An ERROR event from the server is
// returned as its *rest.StatusError (IsResourceExpired for 410 Gone); the
// stream's end, a decode failure and context cancellation are errors too.
func (w *Watcher[T]) Next() (Event[T], error) {
	ev, err := w.w.Next()
	if err != nil {
		return Event[T]{}, err
	}
	obj := new(T)
	if err := codec.Unmarshal(ev.Object, obj); err != nil {
		return Event[T]{}, &rest.DecodeError{Err: err}
	}
	return Event[T]{Type: ev.Type, Object: obj}, nil
}

// Events iterates over the events until an error, which it yields last.
func (w *Watcher[T]) Events() iter.Seq2[Event[T], error] {
	return func(yield func(Event[T], error) bool) {
		for {
			ev, err := w.Next()
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// Close ends the watch and releases its connection.
func (w *Watcher[T]) Close() error { return w.w.Close() }
