package controller

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/kubewire/kubewire/typed"
)

// Factory shares informers: one list and watch per source, scope and
// object type, however many handlers and listers use it. It is safe for
// concurrent use.
type Factory struct {
	mu        sync.Mutex
	informers map[string]sharedEntry
	ctx       context.Context // set by Start
	wg        sync.WaitGroup
}

type sharedEntry struct {
	typ reflect.Type
	inf runnable
}

// runnable is what the factory needs of an Informer[T] of any T.
type runnable interface {
	Run(ctx context.Context) error
	WaitForSync(ctx context.Context) error
	HasSynced() bool
}

// NewFactory returns an empty factory.
func NewFactory() *Factory {
	return &Factory{informers: map[string]sharedEntry{}}
}

// TypeMismatchError reports a shared informer asked for with an object
// type other than the one it was created with.
type TypeMismatchError struct {
	ID         string
	Have, Want reflect.Type
}

// Error returns the error's message.
func (e *TypeMismatchError) Error() string {
	return fmt.Sprintf("controller: shared informer %q holds %v, not %v", e.ID, e.Have, e.Want)
}

// Shared returns the factory's informer for the source id (any string
// naming what lw lists, e.g. "apps/v1/deployments ns=web"), the selectors
// of opts and the type T, creating it from lw and opts on the first call.
// Later calls for the same informer share it and ignore their lw and their
// other options (transform, resync, indexers: add indexes with AddIndex). An informer created after Start starts at once. The error is a
// *TypeMismatchError when id and the selectors were first used with
// another type, or an error of NewInformer.
func Shared[T any](f *Factory, id string, lw ListerWatcher[T], opts ...Option) (*Informer[T], error) {
	s := collect(opts)
	key := id + "\x00" + s.labelSelector + "\x00" + s.fieldSelector
	want := reflect.TypeFor[T]()
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.informers[key]; ok {
		if e.typ != want {
			return nil, &TypeMismatchError{ID: id, Have: e.typ, Want: want}
		}
		return e.inf.(*Informer[T]), nil
	}
	inf, err := newInformer(lw, s)
	if err != nil {
		return nil, err
	}
	f.informers[key] = sharedEntry{typ: want, inf: inf}
	if f.ctx != nil {
		f.startLocked(inf)
	}
	return inf, nil
}

// SharedTyped is Shared for a typed client: the informer is shared by
// every call with the same kind, namespace, selectors and T.
func SharedTyped[T, L any](f *Factory, c typed.Interface[T, L], opts ...Option) (*Informer[T], error) {
	r := c.Resource()
	id := fmt.Sprintf("%s/%s ns=%s", r.GroupVersion(), r.Resource, c.Namespace())
	return Shared(f, id, FromTyped(c), opts...)
}

func (f *Factory) startLocked(inf runnable) {
	ctx := f.ctx
	f.wg.Go(func() { inf.Run(ctx) })
}

// Start runs every informer of the factory until ctx ends, and those
// created later as they are created. Later calls do nothing.
func (f *Factory) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ctx != nil {
		return
	}
	f.ctx = ctx
	for _, e := range f.informers {
		f.startLocked(e.inf)
	}
}

// WaitForSync blocks until every informer created so far has filled its
// cache, or ctx ends (its error is returned then).
func (f *Factory) WaitForSync(ctx context.Context) error {
	f.mu.Lock()
	infs := make([]runnable, 0, len(f.informers))
	for _, e := range f.informers {
		infs = append(infs, e.inf)
	}
	f.mu.Unlock()
	for _, inf := range infs {
		if err := inf.WaitForSync(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Wait blocks until every informer the factory started has returned,
// after the context given to Start ends.
func (f *Factory) Wait() { f.wg.Wait() }
