package rest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// Result is the outcome of Do: the whole response body, read up to the
// client's size limit, or the error.
type Result struct {
	method, url string
	body        []byte
	code        int
	header      http.Header
	warnings    []Warning
	err         error
}

// Raw returns the response body and the request's error. On a
// *StatusError the body is the error response's (possibly empty).
func (r Result) Raw() ([]byte, error) { return r.body, r.err }

// Err returns the request's error: nil for a 2xx response, a *StatusError
// for any other status, a *ResponseTooLargeError or *DecodeError when the
// body could not be read, a *RequestError from the builder, or the
// transport's or context's error.
func (r Result) Err() error { return r.err }

// Into decodes the body into v through kubewire's one decode path
// (v's generated decoder when it has one, else reflection); v keeps a copy
// of what it needs, so the body stays the Result's. It returns the
// request's error if there was one, a *DecodeError when the content type
// is not one kubewire decodes or the body is not valid for v.
func (r Result) Into(v any) error {
	if r.err != nil {
		return r.err
	}
	v, own := codec.Unwrap(v)
	if err := checkTarget(v); err != nil {
		return err
	}
	ct := r.header.Get("Content-Type")
	if _, ok := codec.FormatOf(ct); !ok {
		return &DecodeError{Method: r.method, URL: r.url, ContentType: ct}
	}
	if own == codec.Owned {
		own = codec.Borrowed // the body stays the Result's
	}
	if err := codec.DecodeBody(r.body, ct, v, own); err != nil {
		return &DecodeError{Method: r.method, URL: r.url, Err: cleanJSONError(err)}
	}
	return nil
}

// StatusCode returns the HTTP status code, 0 when no response arrived.
func (r Result) StatusCode() int { return r.code }

// Header returns the response headers, nil when no response arrived.
func (r Result) Header() http.Header { return r.header }

// Warnings returns the warnings the server attached to the response.
func (r Result) Warnings() []Warning { return r.warnings }

// Do sends the request and reads the whole response. cfg.Timeout, when set,
// bounds the whole call: every attempt, the waits between them and reading
// the body.
//
// Failed attempts are retried up to the client's limit: a 429 for any
// method, a 5xx with Retry-After for any method, other 500/502/503/504
// responses, connection resets and a connection lost while the body was
// read for GET and HEAD only, connection refused for any method. A write
// whose answer broke off is never sent again: it fails with a *DecodeError
// wrapping io.ErrUnexpectedEOF (or the connection's error). The body is
// replayed byte for byte. Waits honour Retry-After (capped at
// MaxRetryWait) and end early with ctx. When retries run out, the last
// response is the result.
func (r *Request) Do(ctx context.Context) Result {
	if err := r.usable(ctx, "Do"); err != nil {
		return Result{err: err}
	}
	ctx, cancel := r.c.withTimeout(ctx)
	defer cancel()
	var a attempts
	for {
		resp, err := r.send(ctx, &a)
		if err != nil {
			return Result{err: err}
		}
		res, readErr := r.read(ctx, resp)
		if r.retryBody(ctx, &a, resp, readErr) {
			continue
		}
		return res
	}
}

// read reads the whole response into a Result and closes its body. readErr
// is the connection's error when a 2xx body broke off.
func (r *Request) read(ctx context.Context, resp *http.Response) (res Result, readErr error) {
	defer resp.Body.Close()
	res = Result{
		method: resp.Request.Method, url: resp.Request.URL.Redacted(),
		code: resp.StatusCode, header: resp.Header, warnings: r.c.handleWarnings(ctx, resp),
	}
	limit := r.c.maxBytes
	if !success(resp.StatusCode) {
		limit = min(limit, errorBodyLimit)
	}
	body, err := r.c.readCapped(resp, limit)
	switch {
	case !success(resp.StatusCode):
		res.body, res.err = body, newStatusError(resp, body)
	case err != nil:
		res.err = err
		if de, ok := err.(*DecodeError); ok {
			readErr = de.Err
		}
	default:
		res.body = body
	}
	return res, readErr
}

// Into sends the request like Do, reads the whole response body and
// decodes it into v through kubewire's one decode path (codec.DecodeBody:
// the format from the Content-Type, then v's generated decoder when it has
// one, else reflection). The body is read into a new buffer that v may
// keep pointers into. Errors are those of Do and Result.Into.
func (r *Request) Into(ctx context.Context, v any) error {
	if err := r.usable(ctx, "Into"); err != nil {
		return err
	}
	target := v
	v, _ = codec.Unwrap(v)
	if err := checkTarget(v); err != nil {
		return err
	}
	ctx, cancel := r.c.withTimeout(ctx)
	defer cancel()
	var a attempts
	for {
		resp, err := r.send(ctx, &a)
		if err != nil {
			return err
		}
		err, readErr := r.decodeInto(ctx, resp, target)
		if r.retryBody(ctx, &a, resp, readErr) {
			clearTarget(v) // the cut attempt may have filled part of it
			continue
		}
		return err
	}
}

// clearTarget sets what the pointer v points to to its zero value.
func clearTarget(v any) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv.Elem().SetZero()
	}
}

// decodeInto decodes resp's body into target (a value, or a codec.Target
// naming its Ownership) and closes it. readErr is the connection's error
// when a 2xx body broke off.
func (r *Request) decodeInto(ctx context.Context, resp *http.Response, target any) (err, readErr error) {
	defer resp.Body.Close()
	r.c.handleWarnings(ctx, resp)
	if !success(resp.StatusCode) {
		body, _ := r.c.readCapped(resp, min(r.c.maxBytes, errorBodyLimit))
		return newStatusError(resp, body), nil
	}
	method, u := resp.Request.Method, resp.Request.URL.Redacted()
	ct := resp.Header.Get("Content-Type")
	if _, ok := codec.FormatOf(ct); !ok {
		return &DecodeError{Method: method, URL: u, ContentType: ct}, nil
	}
	v, own := codec.Unwrap(target)
	var body []byte
	if own == codec.Detached {
		// The value keeps nothing of the body: read it into a reused buffer.
		buf := bodyPool.Get().(*[]byte)
		defer bodyPool.Put(buf)
		*buf, err = r.c.readInto(resp, r.c.maxBytes, (*buf)[:0])
		body = *buf
	} else {
		body, err = r.c.readCapped(resp, r.c.maxBytes)
		own = codec.Owned // the body was read for v alone
	}
	if err != nil {
		if de, ok := err.(*DecodeError); ok {
			return err, de.Err
		}
		return err, nil
	}
	if err := codec.DecodeBody(body, ct, v, own); err != nil {
		return &DecodeError{Method: method, URL: u, Err: cleanJSONError(err)}, nil
	}
	return nil, nil
}

// Stream sends the request and returns the response body as it arrives,
// for logs with follow=true and other long responses; the caller must close
// it. The body is decompressed but not size-limited, and cfg.Timeout does
// not apply: ctx bounds the whole stream, and reads fail with its error
// once it ends. A status outside 2xx is returned as a *StatusError.
func (r *Request) Stream(ctx context.Context) (io.ReadCloser, error) {
	if err := r.usable(ctx, "Stream"); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	resp, err := r.send(ctx, &attempts{})
	if err != nil {
		cancel()
		return nil, err
	}
	r.c.handleWarnings(ctx, resp)
	if !success(resp.StatusCode) {
		body, _ := r.c.readCapped(resp, min(r.c.maxBytes, errorBodyLimit))
		resp.Body.Close()
		cancel()
		return nil, newStatusError(resp, body)
	}
	return &streamBody{r: decompressed(resp, resp.Body), c: resp.Body, cancel: cancel}, nil
}

type streamBody struct {
	r      io.Reader
	c      io.Closer
	cancel context.CancelFunc
}

func (s *streamBody) Read(p []byte) (int, error) { return s.r.Read(p) }

func (s *streamBody) Close() error {
	err := s.c.Close()
	s.cancel()
	return err
}

// usable rejects a nil context and a Request not started from a Client made
// by New.
func (r *Request) usable(ctx context.Context, op string) error {
	if r == nil || r.c == nil || r.c.hc == nil {
		return &RequestError{Field: op, Reason: "the request was not started from a Client made by New"}
	}
	if ctx == nil {
		return &RequestError{Field: op, Reason: "nil context"}
	}
	return nil
}

// checkTarget rejects a decode target that is nil or a nil pointer (whose
// generated decoder would dereference it).
func checkTarget(v any) error {
	if v == nil {
		return &RequestError{Field: "Into", Reason: "nil target"}
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return &RequestError{Field: "Into", Reason: "nil pointer target"}
	}
	return nil
}

func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}

func success(code int) bool { return code >= 200 && code < 300 }

// isJSON accepts application/json, any +json type, and a missing content
// type.
func isJSON(ct string) bool {
	f, ok := codec.FormatOf(ct)
	return ok && f == codec.JSON
}

// handleWarnings passes the response's warnings to the handler, or logs
// them, and returns them.
func (c *Client) handleWarnings(ctx context.Context, resp *http.Response) []Warning {
	ws := parseWarnings(resp.Header)
	for _, w := range ws {
		if c.onWarning != nil {
			c.onWarning(w)
		} else {
			c.log.LogAttrs(ctx, slog.LevelWarn, "server warning", slog.String("text", w.Text),
				slog.String("method", resp.Request.Method), slog.String("url", resp.Request.URL.Redacted()))
		}
	}
	return ws
}

// decompressed returns r, the body of resp, decompressed. Go's transport
// decompresses gzip itself when it asked for it; a body still marked gzip (a
// wrapper set Accept-Encoding) is decompressed here, lazily, so size limits
// always count decompressed bytes and a watch does not wait for its first
// bytes.
func decompressed(resp *http.Response, r io.Reader) io.Reader {
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") && !resp.Uncompressed {
		return &lazyGzip{r: r}
	}
	return r
}

type lazyGzip struct {
	r   io.Reader
	z   *gzip.Reader
	err error
}

func (l *lazyGzip) Read(p []byte) (int, error) {
	if l.z == nil && l.err == nil {
		l.z, l.err = gzip.NewReader(l.r)
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.z.Read(p)
}

// readCapped reads the whole decompressed body into a new slice of its
// length, failing with *ResponseTooLargeError past limit bytes and with
// *DecodeError when the body breaks off. Whatever was read is returned
// either way.
func (c *Client) readCapped(resp *http.Response, limit int64) ([]byte, error) {
	method, u := resp.Request.Method, resp.Request.URL.Redacted()
	r := decompressed(resp, resp.Body)
	cr := &capReader{r: r, left: limit + 1}
	var hint int64
	if _, gz := r.(*lazyGzip); !gz && resp.ContentLength > 0 && resp.ContentLength <= limit {
		hint = resp.ContentLength
	}
	body, err := readAll(cr, hint)
	return body, readError(cr, err, method, u, limit)
}

func readError(cr *capReader, err error, method, u string, limit int64) error {
	switch {
	case cr.exceeded:
		return &ResponseTooLargeError{Method: method, URL: u, Limit: limit}
	case err != nil:
		return &DecodeError{Method: method, URL: u, Err: err}
	}
	return nil
}

// bodyPool holds the buffers readInto reads bodies into for values decoded
// detached (codec.Detached), which keep nothing of them.
var bodyPool = sync.Pool{New: func() any { return new([]byte) }}

// readInto is readCapped reading into buf, which it grows as needed, and
// returns.
func (c *Client) readInto(resp *http.Response, limit int64, buf []byte) ([]byte, error) {
	method, u := resp.Request.Method, resp.Request.URL.Redacted()
	cr := &capReader{r: decompressed(resp, resp.Body), left: limit + 1}
	var err error
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(cap(buf), chunkSize))
		}
		var n int
		n, err = cr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	return buf, readError(cr, eofOK(err), method, u, limit)
}

// chunkSize is the size of the scratch chunks a body of unknown length is
// read into before it is copied, once, into a slice of its length.
const chunkSize = 256 << 10

var chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// readAll reads r to its end and returns what it read in a new slice of
// exactly that length, and the first error other than io.EOF. A positive
// hint is the expected length (Content-Length): the body is then read in
// place. Otherwise it is read into pooled chunks and copied once, without
// the repeated copying and zeroing of a doubling buffer.
func readAll(r io.Reader, hint int64) ([]byte, error) {
	var first []byte
	if hint > 0 {
		first = make([]byte, hint)
		n, err := fill(r, first)
		if err != nil {
			return first[:n], eofOK(err)
		}
		// The body may be longer than announced: look for more.
		var probe [1]byte
		m, err := r.Read(probe[:])
		if m == 0 {
			if err == nil {
				// A reader may return 0, nil: carry on with the chunks.
			} else {
				return first, eofOK(err)
			}
		}
		first = append(first, probe[:m]...)
	}
	chunks := [][]byte{first}
	var pooled []*[]byte
	defer func() {
		for _, p := range pooled {
			chunkPool.Put(p)
		}
	}()
	var err error
	for err == nil {
		p := chunkPool.Get().(*[]byte)
		pooled = append(pooled, p)
		var n int
		n, err = fill(r, *p)
		chunks = append(chunks, (*p)[:n])
	}
	// bytes.Join does not zero the slice it copies into.
	return bytes.Join(chunks, nil), eofOK(err)
}

// fill reads into b until it is full or r fails (io.EOF included).
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func eofOK(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// errTooLarge stops a capReader's consumer; the caller reports the typed
// error.
var errTooLarge = errors.New("rest: body exceeds the size limit")

// capReader reads until left bytes are used up (the limit plus one, so a
// body of exactly the limit passes) and records a read error other than
// io.EOF.
type capReader struct {
	r        io.Reader
	left     int64
	exceeded bool
	err      error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.exceeded {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left <= 0 {
		c.exceeded = true
		return n, errTooLarge
	}
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// cleanJSONError drops json-iterator's quote of the surrounding input, which
// could show a Secret's data, and keeps the description of the problem.
func cleanJSONError(err error) error {
	msg := err.Error()
	cut := false
	if i := strings.Index(msg, ", error found in #"); i >= 0 {
		msg, cut = msg[:i], true
	}
	// The generated decoders' errors end with `at offset N near "..."`: keep
	// the offset, drop the quote.
	if i := strings.Index(msg, " at offset "); i >= 0 {
		if j := strings.Index(msg[i:], ` near "`); j >= 0 {
			msg, cut = msg[:i+j], true
		}
	}
	if !cut {
		return err
	}
	return errors.New(strings.TrimPrefix(msg, "DecodeJSON: "))
}

// newStatusError turns an error response into a *StatusError: the body's
// Status when it is one, else one synthesized from the code.
func newStatusError(resp *http.Response, body []byte) *StatusError {
	var st metav1.Status
	// The Status comes in the format the server answered in, JSON or
	// protobuf.
	ok := len(body) > 0 && codec.DecodeBody(body, resp.Header.Get("Content-Type"), &st, codec.Borrowed) == nil &&
		(st.Kind == "Status" || st.Status == metav1.StatusFailure)
	if !ok {
		st = synthesizeStatus(resp.StatusCode, body)
	}
	if st.Code == 0 {
		st.Code = int32(resp.StatusCode)
	}
	se := &StatusError{Status: st}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		se.RetryAfter = ra
	} else if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
		se.RetryAfter = time.Duration(st.Details.RetryAfterSeconds) * time.Second
	}
	return se
}
