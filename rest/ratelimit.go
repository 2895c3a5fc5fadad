package rest

import (
	"context"
	"sync"
	"time"
)

// tokenBucket is a token bucket: it holds at most burst tokens and gains
// qps tokens a second. A waiter takes a token now, possibly driving the
// count below zero (a reservation), and sleeps until its token has accrued;
// a waiter whose context ends gives its token back.
type tokenBucket struct {
	qps   float64
	burst float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newTokenBucket(qps float64, burst int) *tokenBucket {
	return &tokenBucket{qps: qps, burst: float64(burst), tokens: float64(burst), now: time.Now}
}

// reserve takes one token and returns how long to wait until it is due.
func (b *tokenBucket) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.qps)
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.qps * float64(time.Second))
}

// cancel returns a reserved token that was not used.
func (b *tokenBucket) cancel() {
	b.mu.Lock()
	b.tokens = min(b.burst, b.tokens+1)
	b.mu.Unlock()
}

// Wait blocks until a token is available, or returns ctx.Err() as soon as
// ctx ends (without using a token).
func (b *tokenBucket) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := b.reserve()
	if d <= 0 {
		return nil
	}
	if err := sleepCtx(ctx, d); err != nil {
		b.cancel()
		return err
	}
	return nil
}
