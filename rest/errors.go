package rest

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kubewire/kubewire/api/metav1"
)

// StatusError is the error for every response with a status code outside
// 2xx. Status is the server's Status object when the body was one; for any
// other body (an HTML page from a proxy, plain text) it is synthesized from
// the HTTP code, with the first KiB of the body in Message.
//
// Check it with errors.As or with the Is* helpers, which see through
// wrapping.
type StatusError struct {
	// Status is the server's Status. Code is always set (from the HTTP
	// status line when the body left it out).
	Status metav1.Status
	// RetryAfter is the wait the server asked for with a Retry-After header
	// or details.retryAfterSeconds; zero when it asked for none.
	RetryAfter time.Duration
}

// Error returns the server's message, for example `pods "web-0" not found`.
func (e *StatusError) Error() string {
	if e.Status.Message != "" {
		return e.Status.Message
	}
	if e.Status.Reason != "" {
		return fmt.Sprintf("the server responded with status %d (%s)", e.Status.Code, e.Status.Reason)
	}
	return fmt.Sprintf("the server responded with status %d", e.Status.Code)
}

// Code returns the HTTP status code.
func (e *StatusError) Code() int { return int(e.Status.Code) }

// DecodeError reports a response body that could not be decoded: a content
// type that is not JSON where JSON was expected, malformed or truncated JSON,
// a body cut off by the connection, or a watch frame that is not an event.
type DecodeError struct {
	// Method and URL name the request; empty when unknown.
	Method, URL string
	// ContentType is the response's Content-Type when that was the problem
	// (Err is nil then).
	ContentType string
	// Err is the decoder's or the reader's error (io.ErrUnexpectedEOF for a
	// body that ended early).
	Err error
}

// Error describes the request, then the content type or the decoder's error.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("rest: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.URL + ": ")
	}
	if e.Err == nil {
		fmt.Fprintf(&b, "response has content type %q, want JSON", e.ContentType)
		return b.String()
	}
	b.WriteString("decoding response: " + e.Err.Error())
	return b.String()
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// ResponseTooLargeError reports a response body larger than the client's
// limit (WithMaxResponseBytes), counted after decompression.
type ResponseTooLargeError struct {
	Method, URL string
	Limit       int64
}

// Error describes the request and the limit.
func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("rest: %s %s: response body exceeds the limit of %d bytes", e.Method, e.URL, e.Limit)
}

// EventTooLargeError reports a watch event larger than the client's limit
// (WithMaxResponseBytes applies to each event). The watch ends with it.
type EventTooLargeError struct {
	Limit int64
}

// Error describes the limit.
func (e *EventTooLargeError) Error() string {
	return fmt.Sprintf("rest: watch event exceeds the limit of %d bytes", e.Limit)
}

// WatchIdleError reports a watch that received nothing, not even a bookmark,
// for longer than the client's watch idle timeout. The watch ends with it;
// start a new one from the last resourceVersion seen.
type WatchIdleError struct {
	Timeout time.Duration
}

// Error describes how long the watch was idle.
func (e *WatchIdleError) Error() string {
	return fmt.Sprintf("rest: watch received nothing for %v", e.Timeout)
}

// ErrWatcherClosed is returned by Watcher.Next after Close.
var ErrWatcherClosed = errors.New("rest: watcher closed")

// RequestError reports a request the builder could not assemble: an empty
// or unsafe path segment, conflicting settings, a body that cannot be
// encoded. Build, Do, Into, Stream and Watch return the first such problem
// before any I/O.
type RequestError struct {
	// Field is the builder call at fault: "Name", "Namespace", "Suffix", ...
	Field string
	// Value is the offending value, when there is one to show.
	Value string
	// Reason says what is wrong with it.
	Reason string
	// Err is an underlying error (an encoding failure), or nil.
	Err error
}

// Error describes the builder call at fault and why.
func (e *RequestError) Error() string {
	msg := "rest: invalid request: " + e.Field
	if e.Value != "" {
		msg += fmt.Sprintf(" %q", e.Value)
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Err.
func (e *RequestError) Unwrap() error { return e.Err }

// ConfigError reports a config field or constructor option that cannot be
// used: rest.New's (a bad server URL, an unreadable CA or certificate file,
// PEM data that does not parse, a negative burst), and those of the
// constructors built on rest (discovery.New, leaderelection.New,
// controller.NewInformer, dynamic.NewClient, ...). It names the field and,
// for a file, the path; it never holds the contents of a key or other
// credential.
type ConfigError struct {
	// Field is the config field ("Server", "TLS.CAFile", "Burst") or option
	// ("WithMaxRetries", "WithDiskCache") at fault.
	Field string
	// Path is the file named by Field, when Field is a file setting.
	Path string
	// Reason says what is wrong with it; empty when Err says it.
	Reason string
	// Err is the underlying cause (a file-system or PEM error), or nil.
	Err error
}

// Error returns "invalid FIELD [PATH]: REASON: ERR".
func (e *ConfigError) Error() string {
	s := "invalid " + e.Field
	if e.Path != "" {
		s += " " + strconv.Quote(e.Path)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// knownReasons are the reasons the Is* helpers trust; for any other reason
// they decide from the HTTP code.
var knownReasons = map[metav1.StatusReason]bool{
	metav1.StatusReasonUnauthorized: true, metav1.StatusReasonForbidden: true, metav1.StatusReasonNotFound: true,
	metav1.StatusReasonAlreadyExists: true, metav1.StatusReasonConflict: true, metav1.StatusReasonGone: true,
	metav1.StatusReasonInvalid: true, metav1.StatusReasonServerTimeout: true, metav1.StatusReasonStoreReadError: true,
	metav1.StatusReasonTimeout: true, metav1.StatusReasonTooManyRequests: true, metav1.StatusReasonBadRequest: true,
	metav1.StatusReasonMethodNotAllowed: true, metav1.StatusReasonNotAcceptable: true,
	metav1.StatusReasonRequestEntityTooLarge: true, metav1.StatusReasonUnsupportedMediaType: true,
	metav1.StatusReasonInternalError: true, metav1.StatusReasonExpired: true, metav1.StatusReasonServiceUnavailable: true,
}

func reasonAndCode(err error) (metav1.StatusReason, int, bool) {
	se, ok := errors.AsType[*StatusError](err)
	if !ok {
		return "", 0, false
	}
	return se.Status.Reason, int(se.Status.Code), true
}

// is reports whether err is a StatusError with reason, or with an unknown
// reason and code (code 0: no fallback).
func is(err error, reason metav1.StatusReason, code int) bool {
	r, c, ok := reasonAndCode(err)
	if !ok {
		return false
	}
	return r == reason || (code != 0 && c == code && !knownReasons[r])
}

// ReasonForError returns the reason of the StatusError in err's chain
// ("NotFound", "Conflict", ...), or "" when there is none or it has none.
func ReasonForError(err error) metav1.StatusReason {
	r, _, _ := reasonAndCode(err)
	return r
}

// IsNotFound reports whether err is a StatusError for a missing object or
// path: reason NotFound, or a 404 with an unknown reason.
func IsNotFound(err error) bool { return is(err, metav1.StatusReasonNotFound, http.StatusNotFound) }

// IsAlreadyExists reports whether err is a StatusError with reason
// AlreadyExists (a create of an existing name).
func IsAlreadyExists(err error) bool { return is(err, metav1.StatusReasonAlreadyExists, 0) }

// IsConflict reports whether err is a StatusError for a write against a stale
// resourceVersion: reason Conflict, or a 409 with an unknown reason.
func IsConflict(err error) bool { return is(err, metav1.StatusReasonConflict, http.StatusConflict) }

// IsForbidden reports whether err is a StatusError for a request the
// authorizer denied: reason Forbidden, or a 403 with an unknown reason.
func IsForbidden(err error) bool { return is(err, metav1.StatusReasonForbidden, http.StatusForbidden) }

// IsUnauthorized reports whether err is a StatusError for missing or rejected
// credentials: reason Unauthorized, or a 401 with an unknown reason.
func IsUnauthorized(err error) bool {
	return is(err, metav1.StatusReasonUnauthorized, http.StatusUnauthorized)
}

// IsInvalid reports whether err is a StatusError for an object that failed
// validation (Status.Details.Causes lists the fields): reason Invalid, or a
// 422 with an unknown reason.
func IsInvalid(err error) bool {
	return is(err, metav1.StatusReasonInvalid, http.StatusUnprocessableEntity)
}

// IsGone reports whether err is a StatusError with reason Gone, or a 410 with
// an unknown reason.
func IsGone(err error) bool { return is(err, metav1.StatusReasonGone, http.StatusGone) }

// IsResourceExpired reports whether err is a StatusError for an expired
// resourceVersion or continue token: reason Expired, or any 410 whose reason
// is Gone or unknown. Relist (or list again without the token) and watch
// from the new resourceVersion.
func IsResourceExpired(err error) bool {
	r, c, ok := reasonAndCode(err)
	if !ok {
		return false
	}
	return r == metav1.StatusReasonExpired || (c == http.StatusGone && (r == metav1.StatusReasonGone || !knownReasons[r]))
}

// IsTooManyRequests reports whether err is a StatusError for a request the
// server throttled: reason TooManyRequests, or a 429 with an unknown reason.
func IsTooManyRequests(err error) bool {
	return is(err, metav1.StatusReasonTooManyRequests, http.StatusTooManyRequests)
}

// IsServerTimeout reports whether err is a StatusError with reason
// ServerTimeout: the server could not finish in time and the request may be
// retried.
func IsServerTimeout(err error) bool { return is(err, metav1.StatusReasonServerTimeout, 0) }

// IsTimeout reports whether err is a StatusError with reason Timeout, or a
// 504 with an unknown reason.
func IsTimeout(err error) bool { return is(err, metav1.StatusReasonTimeout, http.StatusGatewayTimeout) }

// IsInternalError reports whether err is a StatusError with reason
// InternalError, or a 500 with an unknown reason.
func IsInternalError(err error) bool {
	return is(err, metav1.StatusReasonInternalError, http.StatusInternalServerError)
}

// IsBadRequest reports whether err is a StatusError with reason BadRequest,
// or a 400 with an unknown reason.
func IsBadRequest(err error) bool {
	return is(err, metav1.StatusReasonBadRequest, http.StatusBadRequest)
}

// IsMethodNotSupported reports whether err is a StatusError with reason
// MethodNotAllowed, or a 405 with an unknown reason.
func IsMethodNotSupported(err error) bool {
	return is(err, metav1.StatusReasonMethodNotAllowed, http.StatusMethodNotAllowed)
}

// IsServiceUnavailable reports whether err is a StatusError with reason
// ServiceUnavailable, or a 503 with an unknown reason.
func IsServiceUnavailable(err error) bool {
	return is(err, metav1.StatusReasonServiceUnavailable, http.StatusServiceUnavailable)
}

// errorBodyShown is how much of a non-Status error body goes into the
// synthesized message.
const errorBodyShown = 1 << 10

// codeReasons maps an HTTP code to the reason and message of a synthesized
// Status.
var codeReasons = map[int]struct {
	reason metav1.StatusReason
	msg    string
}{
	http.StatusBadRequest:            {metav1.StatusReasonBadRequest, "the server rejected the request as malformed"},
	http.StatusUnauthorized:          {metav1.StatusReasonUnauthorized, "the server requires valid credentials"},
	http.StatusForbidden:             {metav1.StatusReasonForbidden, "the server denied access to the requested resource"},
	http.StatusNotFound:              {metav1.StatusReasonNotFound, "the server could not find the requested resource"},
	http.StatusMethodNotAllowed:      {metav1.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource"},
	http.StatusNotAcceptable:         {metav1.StatusReasonNotAcceptable, "the server cannot produce a response in an accepted content type"},
	http.StatusConflict:              {metav1.StatusReasonConflict, "the server reported a conflict"},
	http.StatusGone:                  {metav1.StatusReasonGone, "the requested resource is gone"},
	http.StatusRequestEntityTooLarge: {metav1.StatusReasonRequestEntityTooLarge, "the request body is too large"},
	http.StatusUnsupportedMediaType:  {metav1.StatusReasonUnsupportedMediaType, "the server does not accept the request's content type"},
	http.StatusUnprocessableEntity:   {metav1.StatusReasonInvalid, "the server rejected the request as invalid"},
	http.StatusTooManyRequests:       {metav1.StatusReasonTooManyRequests, "the server has received too many requests; try again later"},
	http.StatusInternalServerError:   {metav1.StatusReasonInternalError, "an internal error occurred on the server"},
	http.StatusServiceUnavailable:    {metav1.StatusReasonServiceUnavailable, "the server is currently unable to handle the request"},
	http.StatusGatewayTimeout:        {metav1.StatusReasonTimeout, "the server did not respond in time"},
}

// synthesizeStatus builds the Status for an error response whose body is not
// a Status.
func synthesizeStatus(code int, body []byte) metav1.Status {
	st := metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusFailure,
		Code:     int32(code),
	}
	msg := fmt.Sprintf("the server responded with status %d (%s)", code, http.StatusText(code))
	if cr, ok := codeReasons[code]; ok {
		st.Reason, msg = cr.reason, cr.msg
	} else if code >= 300 && code < 400 {
		msg = fmt.Sprintf("the server responded with a redirect (%d) that was not followed", code)
	}
	if shown := printable(body, errorBodyShown); shown != "" {
		msg += ": " + shown
		st.Details = &metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: "UnexpectedServerResponse", Message: shown}}}
	}
	st.Message = msg
	return st
}

// printable returns up to limit bytes of b as trimmed, valid UTF-8 with
// control characters replaced by spaces.
func printable(b []byte, limit int) string {
	cut := len(b) > limit
	if cut {
		b = b[:limit] // a rune cut in two becomes U+FFFD, then a space
	}
	s := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))
	s = strings.TrimSpace(s)
	if cut && s != "" {
		s += " ..."
	}
	return s
}
