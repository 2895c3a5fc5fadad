package reconcile

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/kubewire/kubewire/controller/leaderelection"
)

// Run runs the loop until ctx ends, then shuts down gracefully and returns
// nil. It serves the health endpoints (WithHealthAddr), runs the
// informers given to New that are not running yet (until it returns),
// waits for every informer's cache, then runs the workers: at once, or
// while this replica leads (WithLeaderElection), campaigning again after
// a lost lease. When ctx ends the workers take no more requests, the
// reconciles in progress get the grace period to finish (then their
// context is cancelled), and Run returns once they have. The error is
// ErrAlreadyRunning for a second Run, or the listener's error when the
// health address cannot be listened on.
func (l *Loop) Run(ctx context.Context) error {
	l.mu.Lock()
	if l.ran {
		l.mu.Unlock()
		return ErrAlreadyRunning
	}
	l.ran, l.running, l.runCtx = true, true, ctx
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.running = false
		l.mu.Unlock()
	}()
	defer l.q.ShutDown()

	if l.s.healthAddr != "" {
		ln, err := net.Listen("tcp", l.s.healthAddr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: l.Handler(), ReadHeaderTimeout: 5 * time.Second}
		done := make(chan struct{})
		go func() { srv.Serve(ln); close(done) }()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			srv.Shutdown(sctx)
			<-done
		}()
	}

	regs := []remover{l.register()}
	for _, w := range l.s.watches {
		regs = append(regs, w.register(l))
	}
	defer func() {
		for _, r := range regs {
			r.Remove()
		}
	}()

	// The informers outlive ctx until the workers have stopped: a
	// reconcile in its grace period still reads the caches.
	infCtx, stopInformers := context.WithCancel(context.WithoutCancel(ctx))
	var infWG sync.WaitGroup
	defer func() { stopInformers(); infWG.Wait() }()
	for _, inf := range l.informers() {
		infWG.Go(func() { inf.Run(infCtx) }) // ErrAlreadyRunning: started by its owner
	}
	for _, inf := range l.informers() {
		if inf.WaitForSync(ctx) != nil {
			l.stop()
			return nil // ctx ended first
		}
	}
	l.log.Info("reconcile: caches synced")

	if l.el == nil {
		l.work(ctx)
		l.stop()
		return nil
	}
	for {
		err := l.el.Run(ctx)
		if ctx.Err() != nil {
			l.stop()
			return nil
		}
		if !errors.Is(err, leaderelection.ErrLeaseLost) {
			return err
		}
		l.log.Warn("reconcile: lost the lease; campaigning again")
	}
}

// informers returns the loop's informers, each once.
func (l *Loop) informers() []informer {
	out := []informer{l.primary}
	for _, w := range l.s.watches {
		seen := false
		for _, o := range out {
			seen = seen || o == w.inf
		}
		if !seen {
			out = append(out, w.inf)
		}
	}
	return out
}

// stop marks the loop as shutting down (readiness fails from then on).
func (l *Loop) stop() {
	l.mu.Lock()
	l.stopping = true
	l.mu.Unlock()
}

// shuttingDown reports whether Run's context has ended.
func (l *Loop) shuttingDown() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.runCtx.Err() != nil
}

// work runs the workers until ctx ends (Run's end, or the end of a term
// of leadership), then stops them: gracefully at shutdown, at once when
// leadership was lost (another replica may lead soon).
func (l *Loop) work(ctx context.Context) {
	if h := l.s.metrics.Leading; h != nil {
		h(true)
		defer h(false)
	}
	if l.el != nil {
		// Another replica may have led meanwhile (changes seen while this
		// one did not lead are queued already): check every primary object.
		for _, r := range l.keys() {
			l.q.Add(r)
		}
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var wg sync.WaitGroup
	for range l.s.workers {
		wg.Go(func() { l.worker(ctx, rctx) })
	}
	<-ctx.Done()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if !l.shuttingDown() {
		cancel() // the lease is lost: stop now
	} else {
		l.stop()
	}
	t := time.NewTimer(l.s.grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		l.log.Warn("reconcile: shutdown grace period over, cancelling the reconciles in progress")
		cancel()
		<-done
	}
}

// worker reconciles requests until take ends; the reconciles run with
// rctx.
func (l *Loop) worker(take, rctx context.Context) {
	for take.Err() == nil {
		req, ok := l.q.Get(take)
		if !ok {
			return
		}
		if take.Err() != nil {
			// Taken as the workers were told to stop: leave it queued.
			l.q.Add(req)
			l.q.Done(req)
			return
		}
		l.process(rctx, req)
	}
}

func (l *Loop) process(ctx context.Context, req Request) {
	defer l.q.Done(req)
	start := time.Now()
	res, err := l.reconcile(ctx, req)
	if h := l.s.metrics.Reconcile; h != nil {
		h(req, time.Since(start), res, err)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		// Cancelled by a lost lease or the end of the grace period: the
		// next term takes it up at once, without a failure on its record.
		l.q.Add(req)
	case err != nil:
		l.log.Warn("reconcile failed, retrying", "request", req.String(), "error", err)
		l.q.AddRateLimited(req)
	case res.RequeueAfter > 0:
		l.q.Forget(req)
		l.q.AddAfter(req, res.RequeueAfter)
	case res.Requeue:
		l.q.AddRateLimited(req)
	default:
		l.q.Forget(req)
	}
}
