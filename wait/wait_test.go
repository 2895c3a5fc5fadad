package wait

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoffStep(t *testing.T) {
	tests := []struct {
		name string
		b    Backoff
		want []time.Duration
	}{
		{"constant", Backoff{Duration: time.Second, Steps: 3}, []time.Duration{time.Second, time.Second, time.Second, time.Second}},
		{"factor", Backoff{Duration: time.Second, Factor: 2, Steps: 3}, []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}},
		{"cap ends steps", Backoff{Duration: time.Second, Factor: 3, Steps: 10, Cap: 5 * time.Second}, []time.Duration{1 * time.Second, 3 * time.Second, 5 * time.Second, 5 * time.Second}},
		{"no steps", Backoff{Duration: time.Second, Factor: 2}, []time.Duration{time.Second, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b
			b.Jitter = 0
			var got []time.Duration
			for range tt.want {
				got = append(got, b.Step())
			}
			assert.Equal(t, tt.want, got)
		})
	}
	// client-go's values, waits of 10ms, 50ms and 250ms between 4 attempts.
	b := DefaultBackoff
	b.Jitter = 0
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 50 * time.Millisecond, 250 * time.Millisecond}, []time.Duration{b.Step(), b.Step(), b.Step()})
	assert.Equal(t, 1, b.Steps)
	assert.Equal(t, Backoff{Steps: 5, Duration: 10 * time.Millisecond, Factor: 1.0, Jitter: 0.1}, DefaultRetry)
}

func TestBackoffJitter(t *testing.T) {
	for range 100 {
		b := Backoff{Duration: 100 * time.Millisecond, Jitter: 0.5, Steps: 1}
		d := b.Step()
		require.GreaterOrEqual(t, d, 100*time.Millisecond)
		require.Less(t, d, 150*time.Millisecond)
	}
}

func TestPoll(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	t.Run("immediate", func(t *testing.T) {
		calls := 0
		err := Poll(ctx, time.Hour, true, func(context.Context) (bool, error) { calls++; return true, nil })
		require.NoError(t, err)
		assert.Equal(t, 1, calls)
	})
	t.Run("not immediate waits an interval first", func(t *testing.T) {
		start := time.Now()
		calls := 0
		err := Poll(ctx, 20*time.Millisecond, false, func(context.Context) (bool, error) { calls++; return calls == 2, nil })
		require.NoError(t, err)
		assert.Equal(t, 2, calls)
		assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
	})
	t.Run("error", func(t *testing.T) {
		err := Poll(ctx, time.Millisecond, true, func(context.Context) (bool, error) { return false, boom })
		assert.ErrorIs(t, err, boom)
	})
	t.Run("timeout is the context's", func(t *testing.T) {
		// The third call outlasts the deadline: Poll polled more than
		// once, then returns the context's error, however slow the machine.
		tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		calls := 0
		err := Poll(tctx, time.Millisecond, false, func(c context.Context) (bool, error) {
			calls++
			if calls == 3 {
				<-c.Done()
			}
			return false, nil
		})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 3, calls)
	})
	t.Run("cancelled before start", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := Poll(cctx, time.Millisecond, false, func(context.Context) (bool, error) { t.Fatal("called"); return false, nil })
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestExponentialBackoff(t *testing.T) {
	ctx := context.Background()
	b := Backoff{Duration: time.Millisecond, Factor: 2, Steps: 4}
	boom := errors.New("boom")
	tests := []struct {
		name      string
		doneAt    int
		err       error
		wantCalls int
		wantErr   error
	}{
		{"first call", 1, nil, 1, nil},
		{"third call", 3, nil, 3, nil},
		{"never", 0, nil, 4, ErrStepsExhausted},
		{"error", 0, boom, 1, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := ExponentialBackoff(ctx, b, func(context.Context) (bool, error) {
				calls++
				return calls == tt.doneAt, tt.err
			})
			assert.Equal(t, tt.wantCalls, calls)
			if tt.wantErr == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	err := ExponentialBackoff(cctx, Backoff{Duration: time.Hour, Steps: 3}, func(context.Context) (bool, error) { cancel(); return false, nil })
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRetryOn(t *testing.T) {
	ctx := context.Background()
	retriable := errors.New("again")
	final := errors.New("final")
	isRetriable := func(err error) bool { return errors.Is(err, retriable) }
	b := Backoff{Duration: time.Millisecond, Steps: 3}
	tests := []struct {
		name      string
		errs      []error
		wantCalls int
		wantErr   error
	}{
		{"success", []error{nil}, 1, nil},
		{"after retries", []error{retriable, retriable, nil}, 3, nil},
		{"exhausted returns last error", []error{retriable, retriable, retriable, nil}, 3, retriable},
		{"not retriable", []error{retriable, final}, 2, final},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := RetryOn(ctx, b, isRetriable, func() error { calls++; return tt.errs[calls-1] })
			assert.Equal(t, tt.wantCalls, calls)
			if tt.wantErr == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	err := RetryOn(cctx, Backoff{Duration: time.Hour, Steps: 3}, isRetriable, func() error { cancel(); return retriable })
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, retriable)
}
