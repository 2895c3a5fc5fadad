package fake

import (
	"fmt"
	"net/http"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/selector"
)

// apiError is an error the server answers with a Status body.
type apiError struct{ s metav1.Status }

func (e *apiError) Error() string { return e.s.Message }

func newStatus(code int, reason metav1.StatusReason, msg string, details *metav1.StatusDetails) *apiError {
	return &apiError{metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusFailure, Message: msg, Reason: reason, Details: details, Code: int32(code),
	}}
}

// qualified is a resource name as messages print it: "pods",
// "deployments.apps".
func qualified(group, resource string) string {
	if group == "" {
		return resource
	}
	return resource + "." + group
}

// notFound is the 404 for the object of a read, also of its scale
// subresource (which 1.32 named "deployments/scale").
func notFound(rq *request) *apiError {
	return errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
}

func errNotFound(group, resource, name string) *apiError {
	return newStatus(http.StatusNotFound, metav1.StatusReasonNotFound,
		fmt.Sprintf("%s %q not found", qualified(group, resource), name),
		&metav1.StatusDetails{Name: name, Group: group, Kind: resource})
}

func errAlreadyExists(group, resource, name string) *apiError {
	return newStatus(http.StatusConflict, metav1.StatusReasonAlreadyExists,
		fmt.Sprintf("%s %q already exists", qualified(group, resource), name),
		&metav1.StatusDetails{Name: name, Group: group, Kind: resource})
}

func errConflict(group, resource, name, why string) *apiError {
	return newStatus(http.StatusConflict, metav1.StatusReasonConflict,
		fmt.Sprintf("Operation cannot be fulfilled on %s %q: %s", qualified(group, resource), name, why),
		&metav1.StatusDetails{Name: name, Group: group, Kind: resource})
}

const msgModified = "the object has been modified; please apply your changes to the latest version and try again"

func errBadRequest(msg string) *apiError {
	return newStatus(http.StatusBadRequest, metav1.StatusReasonBadRequest, msg, nil)
}

func errMethodNotAllowed() *apiError {
	return newStatus(http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed,
		"the server does not allow this method on the requested resource", &metav1.StatusDetails{})
}

func errPathNotFound() *apiError {
	return newStatus(http.StatusNotFound, metav1.StatusReasonNotFound,
		"the server could not find the requested resource", &metav1.StatusDetails{})
}

func errExpired(msg string) *apiError {
	return newStatus(http.StatusGone, metav1.StatusReasonExpired, msg, nil)
}

func errInternal(err error) *apiError {
	return newStatus(http.StatusInternalServerError, metav1.StatusReasonInternalError,
		fmt.Sprintf("Internal error occurred: %v", err),
		&metav1.StatusDetails{Causes: []metav1.StatusCause{{Message: err.Error()}}})
}

func errUnsupportedMedia(ct string, accepted string) *apiError {
	return newStatus(http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType,
		fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: %s", accepted), nil)
}

func errNotAcceptable() *apiError {
	return newStatus(http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable,
		"the server was unable to respond with a content type that the client supports", nil)
}

// errInvalid is the 422 for kind "name" with the given field errors, in the
// real server's message shape.
func errInvalid(group, kind, name string, errs ...fieldError) *apiError {
	var causes []metav1.StatusCause
	var msgs []string
	for _, e := range errs {
		causes = append(causes, metav1.StatusCause{Type: metav1.CauseType(e.Type), Message: e.message(), Field: e.Field})
		msgs = append(msgs, e.Field+": "+e.message())
	}
	// The message lists each distinct error once; the causes keep every
	// report, as the real server's validation may report one twice.
	return newStatus(http.StatusUnprocessableEntity, metav1.StatusReasonInvalid,
		fmt.Sprintf("%s %q is invalid: %v", qualifiedKind(group, kind), name, selector.Aggregate(msgs)),
		&metav1.StatusDetails{Name: name, Group: group, Kind: kind, Causes: causes})
}

// qualifiedKind is a kind as Invalid messages print it: "Pod",
// "Deployment.apps".
func qualifiedKind(group, kind string) string {
	if group == "" {
		return kind
	}
	return kind + "." + group
}

func errForbidden(group, resource, name, msg string, causes ...metav1.StatusCause) *apiError {
	q := qualified(group, resource)
	if name != "" {
		q += fmt.Sprintf(" %q", name)
	}
	return newStatus(http.StatusForbidden, metav1.StatusReasonForbidden, q+" is forbidden: "+msg,
		&metav1.StatusDetails{Name: name, Group: group, Kind: resource, Causes: causes})
}

func detailsTooLarge() *metav1.StatusDetails {
	return &metav1.StatusDetails{
		Causes:            []metav1.StatusCause{{Type: "ResourceVersionTooLarge", Message: "Too large resource version"}},
		RetryAfterSeconds: 1,
	}
}
