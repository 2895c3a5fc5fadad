package controller

import (
	"context"
	"sync"

	"github.com/kubewire/kubewire/rest"
)

// PreconditionFunc is checked once against the informer's cache when it
// has synced; true ends UntilWithSync at once.
type PreconditionFunc[T any] func(Lister[T]) (bool, error)

// ConditionFunc is checked against each event; true means it is met.
type ConditionFunc[T any] func(Event[T]) (bool, error)

// UntilWithSync waits for a condition on the objects of lw, as
// client-go's watchtools.UntilWithSync does: it runs an informer built with
// opts (WithLabelSelector and WithFieldSelector narrow what it watches),
// checks precondition (nil skips it) against the synced cache, then feeds
// the informer's events to cond until it is met, and returns the event
// that met it. Every object of the first list comes as an ADDED event,
// later changes as ADDED, MODIFIED or DELETED (one inferred from a relist
// carries the last state the cache had); watch failures are retried by the
// informer, so the wait survives them. (client-go's takes several
// conditions met in turn; here that is one condition that keeps a step.)
//
// It returns an empty Event and nil when precondition is met, the event
// and cond's error when it fails, the last event seen and ctx.Err() when
// ctx ends (the timeout is the context's), or NewInformer's errors.
func UntilWithSync[T any](ctx context.Context, lw ListerWatcher[T], precondition PreconditionFunc[T], cond ConditionFunc[T], opts ...Option) (Event[T], error) {
	inf, err := NewInformer(lw, opts...)
	if err != nil {
		return Event[T]{}, err
	}
	if cond == nil {
		cond = func(Event[T]) (bool, error) { return false, nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	events := make(chan Event[T])
	send := func(ev Event[T]) {
		select {
		case events <- ev:
		case <-ctx.Done():
		}
	}
	inf.AddHandler(Handler[T]{
		OnAdd:    func(obj *T, _ bool) { send(Event[T]{Type: rest.EventAdded, Object: obj}) },
		OnUpdate: func(_, obj *T) { send(Event[T]{Type: rest.EventModified, Object: obj}) },
		OnDelete: func(obj *T, _ bool) { send(Event[T]{Type: rest.EventDeleted, Object: obj}) },
	})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); inf.Run(ctx) }()
	defer wg.Wait()
	defer cancel()

	if err := inf.WaitForSync(ctx); err != nil {
		return Event[T]{}, err
	}
	if precondition != nil {
		if done, err := precondition(inf.Lister()); err != nil || done {
			return Event[T]{}, err
		}
	}
	var last Event[T]
	for {
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case ev := <-events:
			last = ev
			if done, err := cond(ev); err != nil || done {
				return ev, err
			}
		}
	}
}
