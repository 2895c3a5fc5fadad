package controller

import (
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/kubewire/kubewire/rest"
)

// Option configures an informer built by NewInformer, Shared or
// SharedTyped. Without options an informer watches every object of its
// source with the defaults each option documents.
type Option func(*settings)

// settings collects the options before the informer's type is known.
type settings struct {
	labelSelector, fieldSelector string
	resync                       time.Duration
	transform                    any // func(*T)
	transformType                reflect.Type
	indexers                     []namedIndexer
	streaming                    StreamingMode
	backoff                      Backoff
	pageSize                     int64
	watchTimeout                 time.Duration
	logger                       *slog.Logger
}

type namedIndexer struct {
	name string
	fn   any // IndexFunc[T]
	typ  reflect.Type
}

// WithLabelSelector narrows what is listed and watched to the objects
// whose labels match s, in the API's syntax; without it (or with "") every
// object is.
func WithLabelSelector(s string) Option { return func(o *settings) { o.labelSelector = s } }

// WithFieldSelector narrows what is listed and watched to the objects
// whose fields match s, in the API's syntax (e.g. "spec.nodeName=n1").
func WithFieldSelector(s string) Option { return func(o *settings) { o.fieldSelector = s } }

// WithResync redelivers every cached object to the update handlers (old
// and new the same object) at period d, so that controllers re-check
// state. Without it, or for d <= 0, objects are delivered only on change.
func WithResync(d time.Duration) Option { return func(o *settings) { o.resync = d } }

// WithTransform applies fn to every object before it is stored and handed
// to handlers, e.g. to drop managedFields. The object is the informer's own
// at that point and may be modified in place; it must keep its name,
// namespace and resourceVersion. Raw JSON values (metav1.RawJSON, such as
// managedFields' fieldsV1) of typed objects and resource lists
// (map[string]metav1.Quantity, such as container limits and requests) may
// be shared with other cached objects: replace them, never write into
// their bytes or entries. T must be the informer's type (checked when the
// informer is built).
func WithTransform[T any](fn func(obj *T)) Option {
	return func(o *settings) { o.transform, o.transformType = fn, reflect.TypeFor[T]() }
}

// WithIndexer adds an index besides IndexNamespace, maintained as the
// cache changes. T must be the informer's type (checked when the informer
// is built).
func WithIndexer[T any](name string, fn IndexFunc[T]) Option {
	return func(o *settings) {
		o.indexers = append(o.indexers, namedIndexer{name: name, fn: fn, typ: reflect.TypeFor[T]()})
	}
}

// WithStreaming chooses between LIST requests (StreamingOff, the default)
// and streaming lists to fill the cache.
func WithStreaming(m StreamingMode) Option { return func(o *settings) { o.streaming = m } }

// WithBackoff paces retries after failures; zero fields of b keep their
// defaults.
func WithBackoff(b Backoff) Option { return func(o *settings) { o.backoff = b } }

// WithPageSize sets the LIST page size; without it, or for n <= 0, it is
// 500.
func WithPageSize(n int64) Option { return func(o *settings) { o.pageSize = n } }

// WithWatchTimeout bounds each watch on the server side, after which the
// informer resumes it. Without it, or for d <= 0, each watch lasts a
// random duration between 5 and 10 minutes, so that many clients do not
// reconnect at once.
func WithWatchTimeout(d time.Duration) Option { return func(o *settings) { o.watchTimeout = d } }

// WithLogger sets the logger that receives the informer's retries at Debug
// and failures at Warn; without it they are discarded.
func WithLogger(l *slog.Logger) Option { return func(o *settings) { o.logger = l } }

// options are an informer's settings once its type is known.
type options[T any] struct {
	LabelSelector, FieldSelector string
	Resync                       time.Duration
	Transform                    func(obj *T)
	Indexers                     []namedIndex[T]
	Streaming                    StreamingMode
	Backoff                      Backoff
	PageSize                     int64
	WatchTimeout                 time.Duration
	Logger                       *slog.Logger
}

type namedIndex[T any] struct {
	name string
	fn   IndexFunc[T]
}

func collect(opts []Option) settings {
	var s settings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s
}

// typedOptions checks that the transform and indexers are of T and
// returns the settings for an informer of T; the error is a
// *rest.ConfigError naming the option at fault.
func typedOptions[T any](s settings) (options[T], error) {
	want := reflect.TypeFor[T]()
	o := options[T]{LabelSelector: s.labelSelector, FieldSelector: s.fieldSelector, Resync: s.resync,
		Streaming: s.streaming, Backoff: s.backoff, PageSize: s.pageSize, WatchTimeout: s.watchTimeout, Logger: s.logger}
	if s.transform != nil {
		fn, _ := s.transform.(func(*T))
		if fn == nil {
			return o, &rest.ConfigError{Field: "WithTransform", Reason: fmt.Sprintf("transforms *%v, the informer holds *%v", s.transformType, want)}
		}
		o.Transform = fn
	}
	for _, ix := range s.indexers {
		fn, _ := ix.fn.(IndexFunc[T])
		if fn == nil {
			return o, &rest.ConfigError{Field: "WithIndexer", Reason: fmt.Sprintf("index %q reads *%v, the informer holds *%v", ix.name, ix.typ, want)}
		}
		o.Indexers = append(o.Indexers, namedIndex[T]{ix.name, fn})
	}
	return o, nil
}
