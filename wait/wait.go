// Package wait paces retries and polls: a Backoff with client-go's
// semantics, context-aware Poll and ExponentialBackoff, and RetryOn for
// retrying an operation while its error is one the caller names.
//
// The package depends only on the standard library; rest.RetryOnConflict
// builds on RetryOn for the read-modify-write loop on Conflict.
package wait

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Backoff is a sequence of waits: Duration first, each next one Factor
// times the previous (Factor 0 or 1 keeps it constant), capped at Cap when
// Cap is positive, each lengthened by a random amount of up to Jitter times
// itself. Steps is how many waits are left to take: ExponentialBackoff and
// RetryOn call their function at most Steps times. The fields have
// client-go's wait.Backoff meaning.
type Backoff struct {
	// Duration is the next wait (before jitter).
	Duration time.Duration
	// Factor multiplies Duration after each step; zero leaves it as is.
	Factor float64
	// Jitter, when positive, adds a random duration in [0, Jitter*d) to
	// each wait d.
	Jitter float64
	// Steps is how many waits remain. Once Duration would pass Cap, Steps
	// drops to zero: the capped wait is the last.
	Steps int
	// Cap, when positive, bounds Duration.
	Cap time.Duration
}

// DefaultRetry is the backoff client-go's retry.RetryOnConflict callers
// use: 5 attempts, 10ms apart with 10% jitter. It suits a conflict, which
// is cleared by reading the object again at once.
var DefaultRetry = Backoff{Steps: 5, Duration: 10 * time.Millisecond, Factor: 1.0, Jitter: 0.1}

// DefaultBackoff is client-go's retry.DefaultBackoff: 4 attempts, waits of
// 10ms, 50ms and 250ms with 10% jitter, for errors that need the server to
// catch up.
var DefaultBackoff = Backoff{Steps: 4, Duration: 10 * time.Millisecond, Factor: 5.0, Jitter: 0.1}

// Step returns the next wait and advances b. With no steps left it
// returns Duration (with jitter) and leaves b unchanged.
func (b *Backoff) Step() time.Duration {
	if b.Steps < 1 {
		return jitter(b.Duration, b.Jitter)
	}
	b.Steps--
	d := b.Duration
	if b.Factor != 0 {
		b.Duration = time.Duration(float64(b.Duration) * b.Factor)
		if b.Cap > 0 && b.Duration > b.Cap {
			b.Duration = b.Cap
			b.Steps = 0
		}
	}
	return jitter(d, b.Jitter)
}

// jitter returns d plus a random duration in [0, f*d) when f is positive.
func jitter(d time.Duration, f float64) time.Duration {
	if f <= 0 || d <= 0 {
		return d
	}
	return d + time.Duration(rand.Float64()*f*float64(d))
}

// ErrStepsExhausted is returned by ExponentialBackoff when the condition
// was not met after the backoff's steps.
var ErrStepsExhausted = errors.New("wait: condition not met within the backoff's steps")

// ConditionFunc reports whether what is waited for has happened. An error
// ends the wait with that error.
type ConditionFunc func(ctx context.Context) (done bool, err error)

// Poll calls cond every interval until it returns true or an error, or
// until ctx ends; immediate calls it once before the first wait. The
// timeout is the context's (context.WithTimeout). An interval of zero or
// less polls without pause. It returns nil when cond returned true, cond's
// error, or ctx.Err() as it is.
func Poll(ctx context.Context, interval time.Duration, immediate bool, cond ConditionFunc) error {
	if immediate {
		if done, err := cond(ctx); err != nil || done {
			return err
		}
	}
	t := time.NewTicker(max(interval, time.Nanosecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if done, err := cond(ctx); err != nil || done {
			return err
		}
	}
}

// ExponentialBackoff calls cond up to b.Steps times (at least once),
// waiting b.Step() between calls, until it returns true or an error. It
// returns nil when cond returned true, cond's error, ErrStepsExhausted when
// the steps ran out, or ctx.Err() when ctx ended first.
func ExponentialBackoff(ctx context.Context, b Backoff, cond ConditionFunc) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if done, err := cond(ctx); err != nil || done {
			return err
		}
		if b.Steps <= 1 {
			return ErrStepsExhausted
		}
		if err := sleep(ctx, b.Step()); err != nil {
			return err
		}
	}
}

// RetryOn calls fn until it succeeds, returns an error retriable rejects,
// or b's steps run out (b.Steps calls at most, at least one), waiting
// b.Step() between calls. It returns nil, fn's last error, or, when ctx
// ends during a wait, ctx.Err() joined with fn's last error (so errors.Is
// finds both).
func RetryOn(ctx context.Context, b Backoff, retriable func(error) bool, fn func() error) error {
	for {
		err := fn()
		if err == nil || !retriable(err) || b.Steps <= 1 {
			return err
		}
		if cerr := sleep(ctx, b.Step()); cerr != nil {
			return errors.Join(cerr, err)
		}
	}
}

// sleep waits d or until ctx ends, returning ctx.Err() then.
func sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
