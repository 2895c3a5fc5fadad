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

// UntilWithSync waits for conditions on the objects of lw, as client-go's
// watchtools.UntilWithSync does: it runs an informer with opts, checks
// precondition (nil skips it) against the synced cache, then feeds the
// informer's events to the conditions in turn, each until it is met, and
// returns the event that met the last one. Every object of the first list
// comes as an ADDED event, later changes as ADDED, MODIFIED or DELETED
// (one inferred from a relist carries the last state the cache had);
// watch failures are retried by the informer, so the wait survives them.
//
// It returns an empty Event and nil when precondition is met (or there
// are no conditions), the event and the condition's error when one fails,
// the last event seen and ctx.Err() when ctx ends (the timeout is the
// context's), or NewInformer's errors.
func UntilWithSync[T any](ctx context.Context, lw ListerWatcher[T], opts Options[T], precondition PreconditionFunc[T], conditions ...ConditionFunc[T]) (Event[T], error) {
	inf, err := NewInformer(lw, opts)
	if err != nil {
		return Event[T]{}, err
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
	for _, cond := range conditions {
		for {
			select {
			case <-ctx.Done():
				return last, ctx.Err()
			case ev := <-events:
				last = ev
				done, err := cond(ev)
				if err != nil {
					return ev, err
				}
				if !done {
					continue
				}
			}
			break
		}
	}
	return last, nil
}
