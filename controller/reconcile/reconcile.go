// Package reconcile runs a controller's reconcile loop on kubewire's
// informers (package controller), work queue (controller/workqueue) and
// leader election (controller/leaderelection).
//
// A Loop watches a primary kind: every change of a primary object queues
// its Request (namespace and name). Objects the primary kind owns (Owns)
// queue their controller owner, found from the owner reference with
// controller true whose group and kind are the primary's; other watches
// (Watches) map an object to the requests it concerns. Workers take
// requests from the queue and call the Reconciler, which compares what
// the cluster has with what it should have and acts; a request is never
// reconciled by two workers at once, and a request queued many times while
// it waits is reconciled once.
//
//	loop, err := reconcile.New(websites, r,
//		reconcile.Owns(deployments),
//		reconcile.WithLeaderElection(leases, "website-operator", hostname, leaderelection.WithReleaseOnCancel()),
//		reconcile.WithHealthAddr(":8081"))
//	...
//	err = loop.Run(ctx) // until ctx ends
//
// Run starts the informers it was given (those already running are left
// as they are), waits for their caches, and runs the workers: at once,
// or, with leader election, only while this replica holds the lease, the
// caches being kept warm on every replica so that a new leader starts at
// once. When ctx ends it stops taking requests and lets the reconciles in
// progress finish, for up to the grace period (WithShutdownGrace).
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"sync"
	"time"

	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/leaderelection"
	"github.com/kubewire/kubewire/controller/workqueue"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// Request names the primary object to reconcile. Namespace is empty for
// a cluster-scoped kind.
type Request struct {
	Namespace, Name string
}

// String returns "namespace/name", or "name" for a cluster-scoped object.
func (r Request) String() string { return controller.Key(r.Namespace, r.Name) }

// Result says whether to reconcile a request again although its reconcile
// succeeded. The zero Result means not until something changes.
type Result struct {
	// Requeue reconciles the request again after its rate-limited backoff
	// (which grows with each requeue until a reconcile returns neither
	// Requeue nor an error).
	Requeue bool
	// RequeueAfter, when positive, reconciles the request again once it
	// has passed (a poll of some outside state); it takes precedence over
	// Requeue.
	RequeueAfter time.Duration
}

// Reconciler brings the cluster in line with one primary object. It is
// called by several workers at once, never twice at once for one request.
// It reads the object from the informers' listers (which may be a little
// behind the server) and must work from whatever it finds: the object may
// be gone, or changed again since it was queued. An error reconciles the
// request again after its rate-limited backoff; ctx ends when leadership
// is lost, or after the shutdown grace period.
type Reconciler interface {
	Reconcile(ctx context.Context, req Request) (Result, error)
}

// Func is a function that is a Reconciler.
type Func func(ctx context.Context, req Request) (Result, error)

// Reconcile calls f.
func (f Func) Reconcile(ctx context.Context, req Request) (Result, error) { return f(ctx, req) }

// PanicError is a panic of a Reconciler, recovered by the loop and
// treated as an error: the request is retried with backoff.
type PanicError struct {
	// Value is what the Reconciler panicked with.
	Value any
	// Stack is the stack of the goroutine that panicked.
	Stack []byte
}

// Error returns the error's message (the panic value, not the stack).
func (e *PanicError) Error() string {
	return fmt.Sprintf("reconcile: the reconciler panicked: %v", e.Value)
}

// ErrAlreadyRunning is returned by a second Run of a Loop: a Loop runs once.
var ErrAlreadyRunning = errors.New("reconcile: the loop has already been run")

// Metrics are hooks the loop calls with its measurements. They are called
// synchronously from the loop's goroutines and must be fast and safe for
// concurrent use; nil hooks are skipped. They are plain functions, so
// any metrics library (or none) can be fed from them.
type Metrics struct {
	// Reconcile is called after each reconcile with its request, how long
	// it took, its result and its error (nil on success; a *PanicError
	// for a panic). Counting the calls gives the reconcile count, the
	// non-nil errors the error count.
	Reconcile func(req Request, d time.Duration, res Result, err error)
	// Queue receives the work queue's measurements: Depth (requests
	// waiting for a worker), adds, latency, work duration and retries.
	Queue workqueue.Metrics
	// Leading is called with true when the workers start (on taking the
	// lease, with leader election) and false when they have stopped.
	Leading func(leading bool)
}

// Option configures a Loop built by New.
type Option func(*settings)

type settings struct {
	workers    int
	grace      time.Duration
	healthAddr string
	metrics    Metrics
	logger     *slog.Logger
	queueOpts  []workqueue.Option
	primaryRes *metav1.Resource
	watches    []watch
	election   *election
	err        error // the first option error
}

type election struct {
	leases         typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList]
	name, identity string
	opts           []leaderelection.Option
}

// remover is a handler registration.
type remover interface{ Remove() }

// informer is what the loop needs of a controller.Informer of any type.
type informer interface {
	Run(ctx context.Context) error
	HasSynced() bool
	WaitForSync(ctx context.Context) error
}

// watch is an informer besides the primary's and what its changes queue.
type watch struct {
	name     string
	inf      informer
	check    func(l *Loop) error
	register func(l *Loop) remover
}

func (s *settings) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// WithWorkers sets how many requests are reconciled at once; without it
// one. n must be at least 1.
func WithWorkers(n int) Option {
	return func(s *settings) {
		if n < 1 {
			s.fail(&rest.ConfigError{Field: "WithWorkers", Reason: fmt.Sprintf("%d workers: at least 1 is needed", n)})
		}
		s.workers = n
	}
}

// WithShutdownGrace sets how long the reconciles in progress may go on
// once Run's context has ended before their context is cancelled; without
// it 10s. With leader election the lease is no longer renewed meanwhile,
// so keep it under the lease duration less the retry period. d must not be
// negative; 0 cancels them at once.
func WithShutdownGrace(d time.Duration) Option {
	return func(s *settings) {
		if d < 0 {
			s.fail(&rest.ConfigError{Field: "WithShutdownGrace", Reason: "must not be negative"})
		}
		s.grace = d
	}
}

// WithHealthAddr serves /healthz and /readyz (see Loop.Handler) on addr
// (host:port, as net.Listen takes it) while Run runs; without it nothing
// is served, and Handler can be mounted on a server of the caller's.
func WithHealthAddr(addr string) Option { return func(s *settings) { s.healthAddr = addr } }

// WithMetrics sets the hooks that receive the loop's measurements.
func WithMetrics(m Metrics) Option { return func(s *settings) { s.metrics = m } }

// WithLogger sets the logger that receives failed reconciles at Warn and
// the loop's life (leading, shutdown) at Info; without it they are
// discarded.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithQueue passes options to the work queue (workqueue.WithBackoff,
// workqueue.WithRateLimit: the pace of retries after errors and
// Requeue). Its metrics are set by WithMetrics.
func WithQueue(opts ...workqueue.Option) Option {
	return func(s *settings) { s.queueOpts = append(s.queueOpts, opts...) }
}

// WithPrimaryResource gives the primary kind's descriptor (its group and
// kind match owner references; Namespaced says whether requests for owned
// objects carry their namespace), for a primary type that does not carry
// it itself through an APIResource method (a dynamic.Object, a slim
// struct). Owns needs one or the other.
func WithPrimaryResource(r metav1.Resource) Option {
	return func(s *settings) { s.primaryRes = &r }
}

// WithLeaderElection runs the workers only while this replica holds the
// Lease name in leases' namespace, on behalf of identity (unique among
// the replicas, such as the pod's name); opts are the election's
// (leaderelection.WithTimings, WithReleaseOnCancel). A replica that loses
// the lease stops its workers, cancelling their reconciles, and campaigns
// again; requests queued meanwhile wait for its next term. Give leases a
// rest.Client of its own, so that the controller's requests using up its
// rate limit do not delay the renewals.
func WithLeaderElection(leases typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList], name, identity string, opts ...leaderelection.Option) Option {
	return func(s *settings) { s.election = &election{leases: leases, name: name, identity: identity, opts: opts} }
}

// ownedObject is what Owns reads of an owned object.
type ownedObject interface {
	GetNamespace() string
	GetOwnerReferences() []metav1.OwnerReference
}

// Owns watches objects of a kind the primary kind owns: a change of one
// (added, updated, deleted) queues the request of its controller, the
// owner reference with controller true whose group (the version is not
// compared: one object under any version) and kind are the primary's. *O
// must have GetOwnerReferences (generated kinds, dynamic.Object and
// controller.Meta have). The primary's kind comes from its type's
// descriptor or from WithPrimaryResource.
func Owns[O any](inf *controller.Informer[O]) Option {
	name := fmt.Sprintf("Owns(*%v)", reflect.TypeFor[O]())
	return func(s *settings) {
		s.watches = append(s.watches, watch{
			name: name, inf: inf,
			check: func(l *Loop) error {
				switch {
				case inf == nil:
					return &rest.ConfigError{Field: "Owns", Reason: "nil informer"}
				case l.kind == "":
					return &rest.ConfigError{Field: "Owns", Reason: fmt.Sprintf("the primary type *%v has no APIResource method: give its kind with WithPrimaryResource", l.primaryType)}
				}
				if _, ok := any((*O)(nil)).(ownedObject); !ok {
					return &rest.ConfigError{Field: "Owns", Reason: fmt.Sprintf("*%v has no GetOwnerReferences method", reflect.TypeFor[O]())}
				}
				return nil
			},
			register: func(l *Loop) remover {
				owner := func(o *O) { l.enqueueOwner(any(o).(ownedObject)) }
				return inf.AddHandler(controller.Handler[O]{
					OnAdd: func(o *O, _ bool) { owner(o) },
					OnUpdate: func(old, o *O) {
						if old != o {
							owner(old) // the controller may have changed
						}
						owner(o)
					},
					OnDelete: func(o *O, _ bool) { owner(o) },
				})
			},
		})
	}
}

// Watches watches objects of another kind: a change of one (added,
// updated, deleted) queues the requests fn returns for it (for an update,
// for the old and the new object). fn reads objects shared with the
// informer's cache and must not modify them. It runs after the cache
// changed, so the informer's lister already shows the change (a deleted
// object is gone from it, while fn gets its last state).
func Watches[O any](inf *controller.Informer[O], fn func(obj *O) []Request) Option {
	name := fmt.Sprintf("Watches(*%v)", reflect.TypeFor[O]())
	return func(s *settings) {
		s.watches = append(s.watches, watch{
			name: name, inf: inf,
			check: func(*Loop) error {
				if inf == nil || fn == nil {
					return &rest.ConfigError{Field: "Watches", Reason: "nil informer or mapping function"}
				}
				return nil
			},
			register: func(l *Loop) remover {
				add := func(o *O) {
					for _, r := range fn(o) {
						l.q.Add(r)
					}
				}
				return inf.AddHandler(controller.Handler[O]{
					OnAdd: func(o *O, _ bool) { add(o) },
					OnUpdate: func(old, o *O) {
						if old != o {
							add(old)
						}
						add(o)
					},
					OnDelete: func(o *O, _ bool) { add(o) },
				})
			},
		})
	}
}

// Loop is a reconcile loop. Create it with New and call Run once. Its
// methods are safe for concurrent use.
type Loop struct {
	s           settings
	r           Reconciler
	q           *workqueue.Queue[Request]
	log         *slog.Logger
	el          *leaderelection.Elector
	primary     informer
	primaryType reflect.Type
	register    func() remover // the primary's handler
	keys        func() []Request
	group, kind string
	namespaced  bool

	mu       sync.Mutex
	ran      bool
	running  bool
	stopping bool
	runCtx   context.Context
}

// New returns a loop that reconciles the objects of primary with r. The
// error is a *rest.ConfigError for a nil informer or reconciler, an option
// given a value it cannot use, a watch Owns or Watches cannot make, or an
// invalid leader election (see leaderelection.New).
func New[T any](primary *controller.Informer[T], r Reconciler, opts ...Option) (*Loop, error) {
	s := settings{workers: 1, grace: 10 * time.Second}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if s.err != nil {
		return nil, s.err
	}
	if primary == nil {
		return nil, &rest.ConfigError{Field: "New", Reason: "nil primary informer"}
	}
	if r == nil {
		return nil, &rest.ConfigError{Field: "New", Reason: "nil Reconciler"}
	}
	l := &Loop{s: s, r: r, primary: primary, primaryType: reflect.TypeFor[T](), log: s.logger}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	res := s.primaryRes
	if res == nil {
		if d, ok := any((*T)(nil)).(interface{ APIResource() *metav1.Resource }); ok {
			res = d.APIResource()
		}
	}
	if res != nil {
		l.group, l.kind, l.namespaced = res.Group, res.Kind, res.Namespaced
	}
	for _, w := range s.watches {
		if err := w.check(l); err != nil {
			return nil, err
		}
	}
	l.q = workqueue.New[Request](append(append([]workqueue.Option(nil), s.queueOpts...), workqueue.WithMetrics(s.metrics.Queue))...)
	l.register = func() remover {
		add := func(o *T) {
			m := any(o).(controller.Object)
			l.q.Add(Request{Namespace: m.GetNamespace(), Name: m.GetName()})
		}
		return primary.AddHandler(controller.Handler[T]{
			OnAdd:    func(o *T, _ bool) { add(o) },
			OnUpdate: func(_, o *T) { add(o) },
			OnDelete: func(o *T, _ bool) { add(o) },
		})
	}
	l.keys = func() []Request {
		all, _ := primary.Lister().List("", "")
		out := make([]Request, 0, len(all))
		for _, o := range all {
			m := any(o).(controller.Object)
			out = append(out, Request{Namespace: m.GetNamespace(), Name: m.GetName()})
		}
		return out
	}
	if e := s.election; e != nil {
		el, err := leaderelection.New(e.leases, e.name, e.identity, leaderelection.Callbacks{
			OnStartedLeading: func(ctx context.Context) {
				l.log.Info("reconcile: leading", "identity", e.identity)
				l.work(ctx)
			},
			OnStoppedLeading: func() { l.log.Info("reconcile: stopped leading", "identity", e.identity) },
		}, e.opts...)
		if err != nil {
			return nil, err
		}
		l.el = el
	}
	return l, nil
}

// Enqueue queues req for reconciliation, as a change of a watched object
// would; requests queued before Run wait for the workers.
func (l *Loop) Enqueue(req Request) { l.q.Add(req) }

// enqueueOwner queues the request of o's controller when it is of the
// primary kind.
func (l *Loop) enqueueOwner(o ownedObject) {
	for _, ref := range o.GetOwnerReferences() {
		if ref.Controller == nil || !*ref.Controller {
			continue
		}
		if ref.Kind == l.kind && groupOf(ref.APIVersion) == l.group {
			ns := ""
			if l.namespaced {
				ns = o.GetNamespace()
			}
			l.q.Add(Request{Namespace: ns, Name: ref.Name})
		}
		return // an object has at most one controller
	}
}

// groupOf returns the group of an apiVersion ("" for "v1").
func groupOf(apiVersion string) string {
	for i := len(apiVersion) - 1; i >= 0; i-- {
		if apiVersion[i] == '/' {
			return apiVersion[:i]
		}
	}
	return ""
}

// reconcile calls the reconciler, turning a panic into a *PanicError.
func (l *Loop) reconcile(ctx context.Context, req Request) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = Result{}, &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return l.r.Reconcile(ctx, req)
}
