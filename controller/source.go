package controller

import (
	"context"
	"fmt"
	"reflect"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// Object is the metadata an informer reads from an object. *T must
// implement it for an informer of T; generated kinds do through their
// embedded metav1.ObjectMeta, and a slim struct does by embedding
// metav1.ObjectMeta (or a struct of its own with these methods).
type Object interface {
	GetName() string
	GetNamespace() string
	GetResourceVersion() string
	GetLabels() map[string]string
}

// annotated is implemented by objects whose annotations can be read; the
// informer uses it to recognise the end of a streaming list.
type annotated interface {
	GetAnnotations() map[string]string
}

// Event is one watch event with its object decoded as T. For a BOOKMARK
// event only the object's resourceVersion (and annotations) are set.
type Event[T any] struct {
	Type   rest.EventType
	Object *T
}

// WatchStream is an open watch. Next blocks until the next event; it
// returns an ERROR event's status as a *rest.StatusError
// (rest.IsResourceExpired or rest.IsGone: the informer lists again) and
// any failure of the stream as an error. Close may be called from any
// goroutine, more than once.
type WatchStream[T any] interface {
	Next() (Event[T], error)
	Close() error
}

// ListerWatcher is the source of an informer: a list of every object the
// options select with the list's resourceVersion, and a watch. The
// informer sets LabelSelector, FieldSelector, ResourceVersion,
// ResourceVersionMatch, AllowWatchBookmarks, SendInitialEvents and
// TimeoutSeconds in the options it passes. Implementations must be safe
// for concurrent use; the items a List returns are owned by the caller.
type ListerWatcher[T any] interface {
	List(ctx context.Context, opts metav1.ListOptions) (items []T, resourceVersion string, err error)
	Watch(ctx context.Context, opts metav1.ListOptions) (WatchStream[T], error)
}

// FromTyped returns the ListerWatcher of a typed client: the objects of its
// kind in the client's namespace ("" = all namespaces). T may be a slim
// struct declaring a subset of the kind's fields (see typed.New): list and
// watch decode straight into it.
func FromTyped[T, L any](c typed.Interface[T, L]) ListerWatcher[T] {
	return typedSource[T, L]{c}
}

type typedSource[T, L any] struct{ c typed.Interface[T, L] }

func (s typedSource[T, L]) List(ctx context.Context, opts metav1.ListOptions) ([]T, string, error) {
	items, meta, err := s.c.ListItems(ctx, opts)
	return items, meta.ResourceVersion, err
}

func (s typedSource[T, L]) Watch(ctx context.Context, opts metav1.ListOptions) (WatchStream[T], error) {
	w, err := s.c.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	return typedWatch[T]{w}, nil
}

type typedWatch[T any] struct{ w *typed.Watcher[T] }

func (w typedWatch[T]) Next() (Event[T], error) {
	ev, err := w.w.NextDetached()
	return Event[T]{Type: ev.Type, Object: ev.Object}, err
}

func (w typedWatch[T]) Close() error { return w.w.Close() }

// NotAnObjectError reports an informer type T whose pointer does not
// implement Object.
type NotAnObjectError struct {
	Type reflect.Type
}

// Error returns the error's message.
func (e *NotAnObjectError) Error() string {
	return fmt.Sprintf("controller: *%v does not implement controller.Object (embed metav1.ObjectMeta)", e.Type)
}

// metaOf returns the accessor of an object of type T, or an error when *T
// is not an Object.
func checkObject[T any]() error {
	if _, ok := any((*T)(nil)).(Object); !ok {
		return &NotAnObjectError{Type: reflect.TypeFor[T]()}
	}
	return nil
}

// meta returns obj's accessor; T has been checked by checkObject.
func meta[T any](obj *T) Object { return any(obj).(Object) }

// KeyOf returns the cache key of an object: "namespace/name", or "name"
// for a cluster-scoped object.
func KeyOf(o Object) string {
	return Key(o.GetNamespace(), o.GetName())
}

// Key returns the cache key for namespace and name: "namespace/name", or
// "name" when namespace is empty.
func Key(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}
