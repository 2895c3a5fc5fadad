package metadata

import (
	"context"
	"errors"
	"io"
	"iter"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
)

// Event is one watch event with its object's metadata. For BOOKMARK events
// only the resourceVersion (and annotations) are set; ERROR events have no
// object (see Watcher.Next).
type Event struct {
	Type   rest.EventType
	Object *metav1.PartialObjectMetadata
}

// Watcher is an open watch of one resource's metadata, with the semantics
// of rest.Watcher. Close it when done.
type Watcher struct {
	w *rest.Watcher
	c *Client
}

// Watch starts a watch of the objects opts selects, from
// opts.ResourceVersion ("" = from now, after a synthetic ADDED for each
// existing object), each event's object sent as PartialObjectMetadata. Its
// errors are rest.Request.Watch's.
func (c *Client) Watch(ctx context.Context, opts metav1.ListOptions) (*Watcher, error) {
	w, err := c.request(AcceptObject, "").Params(opts.Query()).Watch(ctx)
	if err != nil {
		return nil, err
	}
	return &Watcher{w: w, c: c}, nil
}

// Next blocks until the next event. An ERROR event comes back as an Event
// of type rest.EventError without an object, with its *rest.StatusError
// (rest.IsResourceExpired for 410 Gone); an object that does not decode
// comes back with its event type and a *rest.DecodeError. Neither ends the
// watch. Every other error ends it and is returned again by later calls:
// io.EOF when the server closed the watch cleanly, the context's error,
// rest.ErrWatcherClosed after Close, and the other terminal errors of
// rest.Watcher.Next. The object shares no memory with the event's bytes.
func (w *Watcher) Next() (Event, error) {
	ev, err := w.w.Next()
	if err != nil {
		return Event{Type: ev.Type}, err
	}
	obj := new(metav1.PartialObjectMetadata)
	if err := codec.DecodeBody(ev.Object, ev.ContentType, obj, codec.Detached); err != nil {
		return Event{Type: ev.Type}, &rest.DecodeError{Err: err}
	}
	if ev.Type != rest.EventBookmark {
		w.c.setKind(obj)
	}
	return Event{Type: ev.Type, Object: obj}, nil
}

// Events iterates over the events until the watch ends and closes the
// watcher when the loop stops, as typed.Watcher.Events does.
func (w *Watcher) Events() iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		defer w.Close()
		for {
			ev, err := w.Next()
			if err != nil && ev.Type == "" {
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
func (w *Watcher) Close() error { return w.w.Close() }

// ListerWatcher returns the source of an informer of c's resource as
// metadata: controller.NewInformer(metadata.ListerWatcher(c), opts...) caches
// PartialObjectMetadata objects, each holding only its metadata.
func ListerWatcher(c *Client) controller.ListerWatcher[metav1.PartialObjectMetadata] {
	return source{c}
}

type source struct{ c *Client }

func (s source) List(ctx context.Context, opts metav1.ListOptions) ([]metav1.PartialObjectMetadata, string, error) {
	items, meta, err := s.c.ListItems(ctx, opts)
	return items, meta.ResourceVersion, err
}

func (s source) Watch(ctx context.Context, opts metav1.ListOptions) (controller.WatchStream[metav1.PartialObjectMetadata], error) {
	w, err := s.c.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	return stream{w}, nil
}

type stream struct{ w *Watcher }

func (s stream) Next() (controller.Event[metav1.PartialObjectMetadata], error) {
	ev, err := s.w.Next()
	return controller.Event[metav1.PartialObjectMetadata]{Type: ev.Type, Object: ev.Object}, err
}

func (s stream) Close() error { return s.w.Close() }
