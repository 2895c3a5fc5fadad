// Package leaderelection elects one leader among the replicas of a
// controller with a coordination.k8s.io/v1 Lease: the leader renews the
// lease; the others take it over when it has not been renewed for the
// lease duration, as measured by their own clocks.
//
// Expiry is judged from when a candidate last saw the lease change, on its
// own monotonic clock, never by comparing the lease's timestamps with the
// local time, so clock skew between machines does not matter; only the
// rates of the clocks must roughly agree. The leader gives up when it could
// not renew for RenewDeadline, which is shorter than LeaseDuration, so it
// stops working before anyone else may start.
package leaderelection

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// JitterFactor is how much longer than RetryPeriod a retry may wait;
// RenewDeadline must exceed RetryPeriod*JitterFactor.
const JitterFactor = 1.2

// Callbacks are called as leadership changes.
type Callbacks struct {
	// OnStartedLeading runs, on its own goroutine, once the lease is
	// acquired; ctx ends when leadership ends, and the callback must then
	// return promptly. Required.
	OnStartedLeading func(ctx context.Context)
	// OnStoppedLeading is called after OnStartedLeading has returned, once
	// leadership ended (and the lease was released, with ReleaseOnCancel).
	OnStoppedLeading func()
	// OnNewLeader is called with the identity of each new holder of the
	// lease as it is observed, including this candidate's. It runs on the
	// election's goroutine and must not block.
	OnNewLeader func(identity string)
}

// config is an election's settings.
type config struct {
	Leases                                    typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList]
	Name, Identity                            string
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	ReleaseOnCancel                           bool
	Callbacks                                 Callbacks
	Logger                                    *slog.Logger
}

// Option configures an election built by New.
type Option func(*config)

// WithTimings sets how long others wait, after they last saw the lease
// change, before taking it over (leaseDuration); how long the leader keeps
// trying to renew before it gives up (renewDeadline); and the pause between
// attempts (retryPeriod). New checks leaseDuration > renewDeadline >
// retryPeriod*JitterFactor > 0. Without it they are 15s, 10s and 2s.
func WithTimings(leaseDuration, renewDeadline, retryPeriod time.Duration) Option {
	return func(c *config) {
		c.LeaseDuration, c.RenewDeadline, c.RetryPeriod = leaseDuration, renewDeadline, retryPeriod
	}
}

// WithReleaseOnCancel gives the lease up when Run's context ends, so
// another candidate takes over at once instead of after the lease
// duration. Only use it when OnStartedLeading's work has stopped once it
// returns.
func WithReleaseOnCancel() Option { return func(c *config) { c.ReleaseOnCancel = true } }

// WithLogger sets the logger that receives failed attempts at Debug;
// without it they are discarded.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.Logger = l } }

// ErrLeaseLost is returned by Run when the leader could not renew the lease
// within RenewDeadline.
var ErrLeaseLost = errors.New("leaderelection: lease lost")

// Elector runs one candidate's election. Its methods are safe for
// concurrent use.
type Elector struct {
	cfg config
	log *slog.Logger

	mu       sync.Mutex
	observed coordinationv1.LeaseSpec // the lease as last seen
	seenRV   string
	seenAt   time.Time // local time the lease last changed
	lease    *coordinationv1.Lease
	leader   string // last reported holder
	leading  bool
}

// New returns an elector for the lease name in leases' namespace, on
// behalf of the candidate identity (unique among candidates, for example
// the pod name). The error is a *rest.ConfigError naming the argument or
// setting at fault.
func New(leases typed.Interface[coordinationv1.Lease, coordinationv1.LeaseList], name, identity string, cb Callbacks, opts ...Option) (*Elector, error) {
	cfg := config{Leases: leases, Name: name, Identity: identity, Callbacks: cb,
		LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.Leases == nil:
		return nil, &rest.ConfigError{Field: "Leases", Reason: "a lease client is required"}
	case cfg.Leases.Namespace() == "":
		return nil, &rest.ConfigError{Field: "Leases", Reason: "the lease client must be bound to a namespace"}
	case cfg.Name == "":
		return nil, &rest.ConfigError{Field: "Name", Reason: "a lease name is required"}
	case cfg.Identity == "":
		return nil, &rest.ConfigError{Field: "Identity", Reason: "an identity is required"}
	case cfg.RetryPeriod <= 0:
		return nil, &rest.ConfigError{Field: "RetryPeriod", Reason: "must be positive"}
	case cfg.LeaseDuration <= cfg.RenewDeadline:
		return nil, &rest.ConfigError{Field: "LeaseDuration", Reason: fmt.Sprintf("%v must be greater than RenewDeadline %v", cfg.LeaseDuration, cfg.RenewDeadline)}
	case float64(cfg.RenewDeadline) <= JitterFactor*float64(cfg.RetryPeriod):
		return nil, &rest.ConfigError{Field: "RenewDeadline", Reason: fmt.Sprintf("%v must be greater than RetryPeriod*%.1f (%v)", cfg.RenewDeadline, JitterFactor, time.Duration(JitterFactor*float64(cfg.RetryPeriod)))}
	case cfg.Callbacks.OnStartedLeading == nil:
		return nil, &rest.ConfigError{Field: "Callbacks.OnStartedLeading", Reason: "is required"}
	}
	e := &Elector{cfg: cfg, log: cfg.Logger}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e, nil
}

// IsLeader reports whether this candidate holds the lease.
func (e *Elector) IsLeader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading
}

// Leader returns the identity of the holder last observed ("" if none).
func (e *Elector) Leader() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leader
}

// Run campaigns until it acquires the lease, leads until it loses the
// lease or ctx ends, and returns: nil when ctx ended, ErrLeaseLost when
// the lease could not be renewed. It returns after OnStartedLeading has
// returned and OnStoppedLeading has been called. Run once per Elector; to
// campaign again after a loss, call Run again.
func (e *Elector) Run(ctx context.Context) error {
	if !e.acquire(ctx) {
		return nil
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.cfg.Callbacks.OnStartedLeading(lctx)
	}()
	lost := !e.renew(lctx)
	cancel()
	<-done
	e.mu.Lock()
	e.leading = false
	e.mu.Unlock()
	if !lost && e.cfg.ReleaseOnCancel {
		e.release()
	}
	if e.cfg.Callbacks.OnStoppedLeading != nil {
		e.cfg.Callbacks.OnStoppedLeading()
	}
	if lost && ctx.Err() == nil {
		return ErrLeaseLost
	}
	return nil
}

// acquire tries until it holds the lease or ctx ends.
func (e *Elector) acquire(ctx context.Context) bool {
	for {
		if e.try(ctx) {
			return true
		}
		if !sleep(ctx, jitter(e.cfg.RetryPeriod)) {
			return false
		}
	}
}

// renew renews every RetryPeriod; it returns false when a renewal did not
// succeed within RenewDeadline of the last one, true when ctx ended.
func (e *Elector) renew(ctx context.Context) bool {
	last := time.Now()
	for {
		if !sleep(ctx, e.cfg.RetryPeriod) {
			return true
		}
		deadline := last.Add(e.cfg.RenewDeadline)
		for {
			actx, cancel := context.WithDeadline(ctx, deadline)
			ok := e.try(actx)
			cancel()
			if ok {
				last = time.Now()
				break
			}
			if ctx.Err() != nil {
				return true
			}
			if !time.Now().Add(e.cfg.RetryPeriod).Before(deadline) {
				e.log.Debug("leaderelection: renew deadline passed", "lease", e.cfg.Name)
				return false
			}
			if !sleep(ctx, e.cfg.RetryPeriod) {
				return true
			}
		}
	}
}

func leaseSeconds(d time.Duration) *int32 {
	s := int32(math.Ceil(d.Seconds()))
	return &s
}

// try makes one attempt to acquire or renew the lease.
func (e *Elector) try(ctx context.Context) bool {
	now := time.Now()
	id := e.cfg.Identity
	lease, err := e.cfg.Leases.Get(ctx, e.cfg.Name, metav1.GetOptions{})
	if rest.IsNotFound(err) {
		nowMicro := metav1.NewMicroTime(now)
		lease = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: e.cfg.Name, Namespace: e.cfg.Leases.Namespace()},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: new(id), LeaseDurationSeconds: leaseSeconds(e.cfg.LeaseDuration),
				AcquireTime: &nowMicro, RenewTime: &nowMicro, LeaseTransitions: new(int32)},
		}
		created, err := e.cfg.Leases.Create(ctx, lease, metav1.CreateOptions{})
		if err != nil {
			e.log.Debug("leaderelection: create failed", "lease", e.cfg.Name, "error", err)
			return false
		}
		e.observe(created, now, true)
		return true
	}
	if err != nil {
		e.log.Debug("leaderelection: get failed", "lease", e.cfg.Name, "error", err)
		return false
	}
	e.observe(lease, now, false)
	e.mu.Lock()
	holder, seenAt := deref(lease.Spec.HolderIdentity), e.seenAt
	e.mu.Unlock()
	dur := e.cfg.LeaseDuration
	if s := lease.Spec.LeaseDurationSeconds; s != nil && time.Duration(*s)*time.Second > dur {
		dur = time.Duration(*s) * time.Second
	}
	if holder != "" && holder != id && now.Before(seenAt.Add(dur)) {
		return false // held by another, not expired
	}
	next := *lease
	spec := lease.Spec
	nowMicro := metav1.NewMicroTime(now)
	spec.RenewTime = &nowMicro
	spec.LeaseDurationSeconds = leaseSeconds(e.cfg.LeaseDuration)
	if holder != id {
		spec.HolderIdentity = new(id)
		spec.AcquireTime = &nowMicro
		n := int32(1)
		if spec.LeaseTransitions != nil {
			n = *spec.LeaseTransitions + 1
		}
		spec.LeaseTransitions = &n
	}
	next.Spec = spec
	updated, err := e.cfg.Leases.Update(ctx, &next, metav1.UpdateOptions{})
	if err != nil {
		// A Conflict means someone else wrote first: the next attempt
		// sees their lease.
		e.log.Debug("leaderelection: update failed", "lease", e.cfg.Name, "error", err)
		return false
	}
	e.observe(updated, now, true)
	return true
}

// observe records the lease as seen at now; ours marks a lease this
// candidate just wrote.
func (e *Elector) observe(l *coordinationv1.Lease, now time.Time, ours bool) {
	e.mu.Lock()
	if l.ResourceVersion != e.seenRV {
		e.seenRV, e.seenAt, e.observed = l.ResourceVersion, now, l.Spec
	}
	e.lease = l
	if ours {
		e.leading = true
	}
	holder := deref(l.Spec.HolderIdentity)
	report := holder != "" && holder != e.leader
	if holder != "" {
		e.leader = holder
	}
	e.mu.Unlock()
	if report && e.cfg.Callbacks.OnNewLeader != nil {
		e.cfg.Callbacks.OnNewLeader(holder)
	}
}

// release gives the lease up: no holder, a one-second duration.
func (e *Elector) release() {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.RenewDeadline)
	defer cancel()
	e.mu.Lock()
	l := e.lease
	e.mu.Unlock()
	if l == nil || deref(l.Spec.HolderIdentity) != e.cfg.Identity {
		return
	}
	next := *l
	now := metav1.NewMicroTime(time.Now())
	next.Spec.HolderIdentity = nil
	next.Spec.LeaseDurationSeconds = leaseSeconds(time.Second)
	next.Spec.RenewTime, next.Spec.AcquireTime = &now, &now
	if _, err := e.cfg.Leases.Update(ctx, &next, metav1.UpdateOptions{}); err != nil {
		e.log.Debug("leaderelection: release failed", "lease", e.cfg.Name, "error", err)
	}
}

func jitter(d time.Duration) time.Duration {
	return d + time.Duration(rand.Float64()*(JitterFactor-1)*float64(d))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
