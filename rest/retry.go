package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Retry policy (see Request.Do):
//
//   - 429 Too Many Requests: any method. The server's priority and fairness
//     rejected the request before handling it.
//   - 5xx with a Retry-After header: any method. The server asks for the
//     retry, as client-go honours it.
//   - 500, 502, 503 and 504 without Retry-After: GET and HEAD only, since a
//     write may have been applied before the failure.
//   - Connection refused: any method; nothing was sent.
//   - Connection reset, or EOF before a response: GET and HEAD only. A POST
//     or PATCH that may have reached the server is never sent twice.
//   - A connection lost while the body of a 2xx response was being read
//     (unexpected EOF, reset, HTTP/2 connection lost): GET and HEAD only,
//     by Do and Into (a watch or a stream is never resent).
//
// All of these share one budget per call: at most the client's MaxRetries
// retries, so MaxRetries+1 attempts.
//
// The wait is Retry-After (seconds or an HTTP date) when present, else an
// exponential backoff from backoffBase with jitter, each capped at
// MaxRetryWait. Every attempt takes a rate-limit token.
const backoffBase = 100 * time.Millisecond

// errorBodyLimit caps how much of an error response is read.
const errorBodyLimit = 1 << 20

// attempts is the retry budget of one call, shared by send's retries and
// the retries of a body lost mid-read.
type attempts struct {
	n    int   // the attempt being made, from 0
	last error // the last retried failure
}

// send sends r with the rate limit and the retry policy and returns the
// final response, whatever its status; the caller closes its body. a counts
// the attempts; a zero attempts starts a new budget.
func (r *Request) send(ctx context.Context, a *attempts) (*http.Response, error) {
	c := r.c
	for ; ; a.n++ {
		attempt, last := a.n, a.last
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return nil, withLast(err, last)
			}
		}
		req, err := r.Build(ctx)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		resp, err := c.hc.Do(req)
		latency := time.Since(start)
		if err != nil {
			c.logAttempt(ctx, req, 0, latency, attempt, err)
			if attempt >= c.maxRetries || ctx.Err() != nil || !retryableConnError(req.Method, err) {
				return nil, err
			}
			if werr := c.sleepBeforeRetry(ctx, req, backoff(attempt), "connection error"); werr != nil {
				return nil, withLast(werr, err)
			}
			a.last = err
			continue
		}
		c.logAttempt(ctx, req, resp.StatusCode, latency, attempt, nil)
		if attempt >= c.maxRetries {
			return resp, nil
		}
		wait, ok := retryWait(req.Method, resp, attempt)
		if !ok {
			return resp, nil
		}
		body, _ := c.readCapped(resp, errorBodyLimit)
		resp.Body.Close()
		a.last = newStatusError(resp, body)
		if werr := c.sleepBeforeRetry(ctx, req, wait, strconv.Itoa(resp.StatusCode)); werr != nil {
			return nil, withLast(werr, a.last)
		}
	}
}

// retryBody reports whether a 2xx response whose body could not be read to
// its end, because the connection failed with readErr, is sent again: only
// for GET and HEAD, within the budget, after a backoff. The caller has
// closed resp's body.
func (r *Request) retryBody(ctx context.Context, a *attempts, resp *http.Response, readErr error) bool {
	req := resp.Request
	if readErr == nil || a.n >= r.c.maxRetries || ctx.Err() != nil || !idempotent(req.Method) ||
		!retryableConnError(req.Method, readErr) {
		return false
	}
	if r.c.sleepBeforeRetry(ctx, req, backoff(a.n), "connection lost mid-body") != nil {
		return false
	}
	a.n++
	a.last = readErr
	return true
}

// withLast joins a context error with the failure that was going to be
// retried, so both errors.Is(err, context.DeadlineExceeded) and IsX(err)
// hold.
func withLast(ctxErr, last error) error {
	if last == nil {
		return ctxErr
	}
	return fmt.Errorf("%w while waiting to retry after: %w", ctxErr, last)
}

func (c *Client) sleepBeforeRetry(ctx context.Context, req *http.Request, d time.Duration, why string) error {
	c.log.LogAttrs(ctx, slog.LevelDebug, "retrying request",
		slog.String("method", req.Method), slog.String("url", req.URL.Redacted()),
		slog.String("reason", why), slog.Duration("wait", d))
	return c.wait(ctx, d)
}

func (c *Client) logAttempt(ctx context.Context, req *http.Request, status int, latency time.Duration, attempt int, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method), slog.String("url", req.URL.Redacted()),
		slog.Duration("latency", latency),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if attempt > 0 {
		attrs = append(attrs, slog.Int("attempt", attempt+1))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "request", attrs...)
}

// idempotent reports whether a method may be sent again after a failure
// that left its effect unknown.
func idempotent(method string) bool { return method == http.MethodGet || method == http.MethodHead }

// retryWait decides whether a response is retried and after how long.
func retryWait(method string, resp *http.Response, attempt int) (time.Duration, bool) {
	code := resp.StatusCode
	ra, hasRA := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	switch {
	case code == http.StatusTooManyRequests, code >= 500 && hasRA:
	case idempotent(method) && (code == http.StatusInternalServerError || code == http.StatusBadGateway ||
		code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout):
	default:
		return 0, false
	}
	if hasRA {
		return min(ra, MaxRetryWait), true
	}
	return backoff(attempt), true
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(0, t.Sub(now)), true
}

// backoff is the wait before retry attempt+1 when the server named none:
// backoffBase doubled per attempt, plus up to 50% jitter, capped.
func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 16)
	d += rand.N(d/2 + 1)
	return min(d, MaxRetryWait)
}

// retryableConnError reports whether a transport error may be retried for
// method.
func retryableConnError(method string, err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	if !idempotent(method) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "http2: client connection lost") ||
		strings.Contains(msg, "server sent GOAWAY")
}
