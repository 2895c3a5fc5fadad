package controller

import (
	"fmt"
	"sync"

	"github.com/kubewire/kubewire/labels"
	"github.com/kubewire/kubewire/rest"
)

// IndexNamespace is the name of the index every store has: objects by
// namespace ("" for cluster-scoped objects).
const IndexNamespace = "namespace"

// IndexFunc returns the values under which an index files obj; none leaves
// it out of the index. It must not modify obj and must be safe for
// concurrent use.
type IndexFunc[T any] func(obj *T) []string

// store is the thread-safe cache of an informer: objects by key, and
// indexes from value to keys. Each object is stored once; indexes hold
// keys only.
type store[T any] struct {
	mu       sync.RWMutex
	items    map[string]*T
	indexers map[string]IndexFunc[T]
	indices  map[string]map[string]map[string]struct{} // index -> value -> keys
}

func newStore[T any]() *store[T] {
	s := &store[T]{
		items:    map[string]*T{},
		indexers: map[string]IndexFunc[T]{},
		indices:  map[string]map[string]map[string]struct{}{},
	}
	s.indexers[IndexNamespace] = func(obj *T) []string { return []string{meta(obj).GetNamespace()} }
	s.indices[IndexNamespace] = map[string]map[string]struct{}{}
	return s
}

// IndexExistsError reports an index added twice.
type IndexExistsError struct{ Name string }

// Error returns the error's message.
func (e *IndexExistsError) Error() string {
	return fmt.Sprintf("controller: index %q already exists", e.Name)
}

// UnknownIndexError reports a lookup in an index the store does not have.
type UnknownIndexError struct{ Name string }

// Error returns the error's message.
func (e *UnknownIndexError) Error() string {
	return fmt.Sprintf("controller: no index %q", e.Name)
}

// addIndex adds an index and files every stored object in it.
func (s *store[T]) addIndex(name string, fn IndexFunc[T]) error {
	if fn == nil {
		return &rest.ConfigError{Field: "Indexers", Reason: fmt.Sprintf("index %q has a nil IndexFunc", name)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.indexers[name]; ok {
		return &IndexExistsError{Name: name}
	}
	s.indexers[name] = fn
	idx := map[string]map[string]struct{}{}
	s.indices[name] = idx
	for key, obj := range s.items {
		for _, v := range fn(obj) {
			file(idx, v, key)
		}
	}
	return nil
}

func file(idx map[string]map[string]struct{}, value, key string) {
	set := idx[value]
	if set == nil {
		set = map[string]struct{}{}
		idx[value] = set
	}
	set[key] = struct{}{}
}

func unfile(idx map[string]map[string]struct{}, value, key string) {
	if set := idx[value]; set != nil {
		delete(set, key)
		if len(set) == 0 {
			delete(idx, value)
		}
	}
}

// put stores obj under key, replacing what was there; the caller holds mu.
func (s *store[T]) putLocked(key string, obj *T) {
	old := s.items[key]
	for name, fn := range s.indexers {
		idx := s.indices[name]
		if old != nil {
			for _, v := range fn(old) {
				unfile(idx, v, key)
			}
		}
		for _, v := range fn(obj) {
			file(idx, v, key)
		}
	}
	s.items[key] = obj
}

// deleteLocked removes key; the caller holds mu.
func (s *store[T]) deleteLocked(key string) {
	old := s.items[key]
	if old == nil {
		return
	}
	for name, fn := range s.indexers {
		for _, v := range fn(old) {
			unfile(s.indices[name], v, key)
		}
	}
	delete(s.items, key)
}

func (s *store[T]) get(key string) *T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.items[key]
}

// Lister reads an informer's cache. It is safe for concurrent use. The
// objects it returns are shared with the cache and must not be modified;
// the slices are the caller's. Lists are in no particular order.
type Lister[T any] struct {
	s *store[T]
}

// Get returns the object called name in namespace ("" for cluster-scoped
// objects), and whether the cache has it.
func (l Lister[T]) Get(namespace, name string) (*T, bool) {
	return l.GetByKey(Key(namespace, name))
}

// GetByKey returns the object with the cache key key (see Key).
func (l Lister[T]) GetByKey(key string) (*T, bool) {
	if l.s == nil {
		return nil, false
	}
	obj := l.s.get(key)
	return obj, obj != nil
}

// List returns the objects in namespace ("" = every namespace) whose labels
// match the label selector ("" = all), in the API's selector syntax. The
// error is a *labels.SyntaxError.
func (l Lister[T]) List(namespace, labelSelector string) ([]*T, error) {
	sel, err := labels.Parse(labelSelector)
	if err != nil {
		return nil, err
	}
	return l.Select(namespace, sel), nil
}

// Select returns the objects in namespace ("" = every namespace) whose
// labels sel matches.
func (l Lister[T]) Select(namespace string, sel labels.Selector) []*T {
	if l.s == nil {
		return nil
	}
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	var out []*T
	all := sel.Empty() && sel.Matches(nil)
	add := func(obj *T) {
		if all || sel.Matches(meta(obj).GetLabels()) {
			out = append(out, obj)
		}
	}
	if namespace == "" {
		out = make([]*T, 0, len(l.s.items))
		for _, obj := range l.s.items {
			add(obj)
		}
		return out
	}
	for key := range l.s.indices[IndexNamespace][namespace] {
		add(l.s.items[key])
	}
	return out
}

// ByIndex returns the objects the index called index files under value.
// The error is an *UnknownIndexError for an index the cache does not have.
func (l Lister[T]) ByIndex(index, value string) ([]*T, error) {
	if l.s == nil {
		return nil, &UnknownIndexError{Name: index}
	}
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	idx, ok := l.s.indices[index]
	if !ok {
		return nil, &UnknownIndexError{Name: index}
	}
	set := idx[value]
	out := make([]*T, 0, len(set))
	for key := range set {
		out = append(out, l.s.items[key])
	}
	return out, nil
}

// IndexValues returns the values the index called index has objects for.
func (l Lister[T]) IndexValues(index string) ([]string, error) {
	if l.s == nil {
		return nil, &UnknownIndexError{Name: index}
	}
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	idx, ok := l.s.indices[index]
	if !ok {
		return nil, &UnknownIndexError{Name: index}
	}
	out := make([]string, 0, len(idx))
	for v := range idx {
		out = append(out, v)
	}
	return out, nil
}

// Keys returns the keys of every cached object.
func (l Lister[T]) Keys() []string {
	if l.s == nil {
		return nil
	}
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	out := make([]string, 0, len(l.s.items))
	for k := range l.s.items {
		out = append(out, k)
	}
	return out
}

// Len returns the number of cached objects.
func (l Lister[T]) Len() int {
	if l.s == nil {
		return 0
	}
	l.s.mu.RLock()
	defer l.s.mu.RUnlock()
	return len(l.s.items)
}
