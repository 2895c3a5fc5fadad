package controller

import (
	"context"
	"sync"

	"github.com/kubewire/kubewire/internal/selector"
	"github.com/kubewire/kubewire/labels"
	"github.com/kubewire/kubewire/rest"
)

type noteKind uint8

const (
	noteAdd noteKind = iota
	noteUpdate
	noteDelete
	noteSynced
)

// note is one queued notification.
type note[T any] struct {
	kind     noteKind
	old, obj *T
	flag     bool // initialList for adds, finalStateUnknown for deletes
}

// Registration is one handler added to an informer. Its methods are safe
// for concurrent use.
type Registration[T any] struct {
	h      Handler[T]
	inf    *Informer[T]
	mu     sync.Mutex
	queue  []note[T]
	wake   chan struct{}
	stop   chan struct{}
	once   sync.Once
	synced chan struct{}
}

// HasSynced reports whether the handler has been called for every object
// of the informer's first list (or, for a handler added later, for every
// object cached when it was added).
func (r *Registration[T]) HasSynced() bool {
	select {
	case <-r.synced:
		return true
	default:
		return false
	}
}

// WaitForSync blocks until HasSynced is true or ctx ends (its error is
// returned then).
func (r *Registration[T]) WaitForSync(ctx context.Context) error {
	select {
	case <-r.synced:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Remove stops notifications to the handler; a call in progress finishes.
// It is safe to call more than once.
func (r *Registration[T]) Remove() {
	r.once.Do(func() {
		close(r.stop)
		if r.inf != nil {
			r.inf.mu.Lock()
			r.inf.removeLocked(r)
			r.inf.mu.Unlock()
		}
	})
}

func (r *Registration[T]) push(n note[T]) {
	r.mu.Lock()
	r.queue = append(r.queue, n)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// loop delivers queued notifications until ctx ends or Remove.
func (r *Registration[T]) loop(ctx context.Context) {
	for {
		r.mu.Lock()
		q := r.queue
		r.queue = nil
		r.mu.Unlock()
		if len(q) == 0 {
			select {
			case <-r.wake:
				continue
			case <-ctx.Done():
				return
			case <-r.stop:
				return
			}
		}
		for j := range q {
			select {
			case <-r.stop:
				return
			case <-ctx.Done():
				return
			default:
			}
			r.deliver(q[j])
			q[j] = note[T]{}
		}
	}
}

func (r *Registration[T]) deliver(n note[T]) {
	switch n.kind {
	case noteAdd:
		if r.h.OnAdd != nil {
			r.h.OnAdd(n.obj, n.flag)
		}
	case noteUpdate:
		if r.h.OnUpdate != nil {
			r.h.OnUpdate(n.old, n.obj)
		}
	case noteDelete:
		if r.h.OnDelete != nil {
			r.h.OnDelete(n.obj, n.flag)
		}
	case noteSynced:
		select {
		case <-r.synced:
		default:
			close(r.synced)
		}
	}
}

// parseSelectors checks the syntax of an informer's selectors: a label
// selector's error is a *labels.SyntaxError, a field selector's a
// *rest.ConfigError naming WithFieldSelector (internal/selector's type
// does not leave the package).
func parseSelectors(label, field string) (labels.Selector, error) {
	ls, err := labels.Parse(label)
	if err != nil {
		return ls, err
	}
	if _, err := selector.ParseFields(field); err != nil {
		return ls, &rest.ConfigError{Field: "WithFieldSelector", Reason: err.Error()}
	}
	return ls, nil
}
