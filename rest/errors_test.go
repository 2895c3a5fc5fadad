package rest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
)

var helpers = map[string]func(error) bool{
	"IsNotFound":           IsNotFound,
	"IsAlreadyExists":      IsAlreadyExists,
	"IsConflict":           IsConflict,
	"IsForbidden":          IsForbidden,
	"IsUnauthorized":       IsUnauthorized,
	"IsInvalid":            IsInvalid,
	"IsGone":               IsGone,
	"IsResourceExpired":    IsResourceExpired,
	"IsTooManyRequests":    IsTooManyRequests,
	"IsServerTimeout":      IsServerTimeout,
	"IsTimeout":            IsTimeout,
	"IsInternalError":      IsInternalError,
	"IsBadRequest":         IsBadRequest,
	"IsMethodNotSupported": IsMethodNotSupported,
	"IsServiceUnavailable": IsServiceUnavailable,
}

const forbiddenMsg = `services is forbidden: User "jane" cannot list resource "services" in API group "" in the namespace "kube-system"`

func TestStatusErrors(t *testing.T) {
	tests := []struct {
		name   string
		status metav1.Status
		want   []string // the helpers that hold
	}{
		{"not found", metav1.Status{Code: 404, Reason: metav1.StatusReasonNotFound, Message: `pods "nope" not found`,
			Details: &metav1.StatusDetails{Name: "nope", Kind: "pods"}}, []string{"IsNotFound"}},
		{"forbidden", metav1.Status{Code: 403, Reason: metav1.StatusReasonForbidden, Message: forbiddenMsg,
			Details: &metav1.StatusDetails{Kind: "services"}}, []string{"IsForbidden"}},
		{"conflict", metav1.Status{Code: 409, Reason: metav1.StatusReasonConflict,
			Message: `Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again`},
			[]string{"IsConflict"}},
		{"already exists", metav1.Status{Code: 409, Reason: metav1.StatusReasonAlreadyExists, Message: `configmaps "cm" already exists`},
			[]string{"IsAlreadyExists"}},
		{"invalid", metav1.Status{Code: 422, Reason: metav1.StatusReasonInvalid,
			Message: `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`,
			Details: &metav1.StatusDetails{Name: "Bad_Name", Kind: "ConfigMap", Causes: []metav1.StatusCause{
				{Type: "FieldValueInvalid", Message: `Invalid value: "Bad_Name"`, Field: "metadata.name"}}}},
			[]string{"IsInvalid"}},
		{"expired continue", metav1.Status{Code: 410, Reason: metav1.StatusReasonExpired, Message: "The provided continue parameter is too old to display a consistent list result."},
			[]string{"IsResourceExpired"}},
		{"gone", metav1.Status{Code: 410, Reason: metav1.StatusReasonGone, Message: "too old resource version: 1 (2)"},
			[]string{"IsGone", "IsResourceExpired"}},
		{"unauthorized", metav1.Status{Code: 401, Reason: metav1.StatusReasonUnauthorized, Message: "Unauthorized"}, []string{"IsUnauthorized"}},
		{"bad request", metav1.Status{Code: 400, Reason: metav1.StatusReasonBadRequest, Message: "bad"}, []string{"IsBadRequest"}},
		{"method not allowed", metav1.Status{Code: 405, Reason: metav1.StatusReasonMethodNotAllowed, Message: "no"}, []string{"IsMethodNotSupported"}},
		{"service unavailable", metav1.Status{Code: 503, Reason: metav1.StatusReasonServiceUnavailable, Message: "down"}, []string{"IsServiceUnavailable"}},
		{"internal error", metav1.Status{Code: 500, Reason: metav1.StatusReasonInternalError, Message: "boom"}, []string{"IsInternalError"}},
		{"server timeout", metav1.Status{Code: 500, Reason: metav1.StatusReasonServerTimeout, Message: "slow",
			Details: &metav1.StatusDetails{RetryAfterSeconds: 2}}, []string{"IsServerTimeout"}},
		{"timeout", metav1.Status{Code: 504, Reason: metav1.StatusReasonTimeout, Message: "timeout"}, []string{"IsTimeout"}},
		{"too many requests", metav1.Status{Code: 429, Reason: metav1.StatusReasonTooManyRequests, Message: "slow down"}, []string{"IsTooManyRequests"}},
		{"empty reason falls back to code", metav1.Status{Code: 409, Message: "x"}, []string{"IsConflict"}},
		{"unknown reason falls back to code", metav1.Status{Code: 404, Reason: "SomethingNew", Message: "x"}, []string{"IsNotFound"}},
		{"unknown reason 410", metav1.Status{Code: 410, Reason: "SomethingNew", Message: "x"}, []string{"IsGone", "IsResourceExpired"}},
		{"known reason wins over code", metav1.Status{Code: 404, Reason: metav1.StatusReasonForbidden, Message: "x"}, []string{"IsForbidden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, WithMaxRetries(0))
			f.handle("GET /api/v1/namespaces/ns/things/x", func(w http.ResponseWriter, r *http.Request) {
				writeStatus(t, w, tt.status)
			})
			err := f.client.Get().Version("v1").Namespace("ns").Resource("things").Name("x").Do(testCtx(t)).Err()
			require.Error(t, err)
			var se *StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.status.Message, err.Error(), "Error() is the server's message")
			assert.Equal(t, tt.status.Code, se.Status.Code)
			assert.Equal(t, int(tt.status.Code), se.Code())
			assert.Equal(t, tt.status.Reason, ReasonForError(err))
			assert.Equal(t, tt.status.Details, se.Status.Details)

			wrapped := fmt.Errorf("syncing: %w", err)
			for name, h := range helpers {
				want := false
				for _, w := range tt.want {
					want = want || w == name
				}
				assert.Equal(t, want, h(err), "%s", name)
				assert.Equal(t, want, h(wrapped), "%s on a wrapped error", name)
			}
		})
	}
}

func TestStatusErrorRetryAfter(t *testing.T) {
	f := setup(t, WithMaxRetries(0))
	f.handle("GET /api/v1/pods", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3")
		writeStatus(t, w, metav1.Status{Code: 429, Reason: metav1.StatusReasonTooManyRequests, Message: "too many requests, please try again later",
			Details: &metav1.StatusDetails{RetryAfterSeconds: 3}})
	})
	f.handle("GET /api/v1/nodes", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(t, w, metav1.Status{Code: 500, Reason: metav1.StatusReasonServerTimeout, Message: "slow",
			Details: &metav1.StatusDetails{RetryAfterSeconds: 7}})
	})
	err := f.client.Get().Version("v1").Resource("pods").Do(testCtx(t)).Err()
	assert.True(t, IsTooManyRequests(err))
	se, ok := errors.AsType[*StatusError](err)
	require.True(t, ok)
	assert.Equal(t, 3*time.Second, se.RetryAfter)

	err = f.client.Get().Version("v1").Resource("nodes").Do(testCtx(t)).Err()
	se, ok = errors.AsType[*StatusError](err)
	require.True(t, ok)
	assert.Equal(t, 7*time.Second, se.RetryAfter, "details.retryAfterSeconds when there is no header")
}

func TestNonStatusErrorBody(t *testing.T) {
	f := setup(t, WithMaxRetries(0))
	f.handle("GET /apis/foo/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "404 page not found\n")
	})
	big := "<html><body>" + strings.Repeat("gateway trouble \x00\x1b ", 400) + "</body></html>"
	f.handle("GET /apis/bar/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, big)
	})
	f.handle("GET /apis/json/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"error":"not a status"}`)
	})
	f.handle("GET /apis/empty/v1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	ctx := testCtx(t)

	res := f.client.Get().Group("foo").Version("v1").Do(ctx)
	err := res.Err()
	assert.True(t, IsNotFound(err))
	assert.Equal(t, "the server could not find the requested resource: 404 page not found", err.Error())
	assert.Equal(t, http.StatusNotFound, res.StatusCode())
	body, _ := res.Raw()
	assert.Equal(t, "404 page not found\n", string(body))
	se, _ := errors.AsType[*StatusError](err)
	require.NotNil(t, se.Status.Details)
	assert.Equal(t, "404 page not found", se.Status.Details.Causes[0].Message)

	err = f.client.Get().Group("bar").Version("v1").Do(ctx).Err()
	se, ok := errors.AsType[*StatusError](err)
	require.True(t, ok)
	assert.Equal(t, int32(http.StatusBadGateway), se.Status.Code)
	assert.Less(t, len(err.Error()), 1200, "the body is capped in the message")
	assert.True(t, strings.HasSuffix(err.Error(), "..."))
	assert.NotContains(t, err.Error(), "\x00")
	assert.NotContains(t, err.Error(), "\x1b")

	err = f.client.Get().Group("json").Version("v1").Do(ctx).Err()
	assert.True(t, IsConflict(err))
	assert.Contains(t, err.Error(), `{"error":"not a status"}`)

	err = f.client.Get().Group("empty").Version("v1").Do(ctx).Err()
	se, ok = errors.AsType[*StatusError](err)
	require.True(t, ok)
	assert.Equal(t, int32(http.StatusTeapot), se.Status.Code)
	assert.Equal(t, "the server responded with status 418 (I'm a teapot)", err.Error())
	for name, h := range helpers {
		assert.False(t, h(err), name)
	}
}

func TestHelpersOnOtherErrors(t *testing.T) {
	for name, h := range helpers {
		assert.False(t, h(nil), name)
		assert.False(t, h(io.EOF), name)
	}
	assert.Empty(t, ReasonForError(io.EOF))
	assert.Equal(t, "the server responded with status 500 (InternalError)",
		(&StatusError{Status: metav1.Status{Code: 500, Reason: metav1.StatusReasonInternalError}}).Error())
}

func TestPrintable(t *testing.T) {
	assert.Equal(t, "a b", printable([]byte("  a\nb\t"), 100))
	assert.Equal(t, "ab ...", printable([]byte("abc"), 2))
	// A multi-byte rune cut in two does not produce invalid UTF-8.
	s := printable([]byte("aé"), 2)
	assert.Equal(t, "a ...", s)
	assert.Empty(t, printable(nil, 10))
}
