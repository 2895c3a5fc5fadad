package typed

import (
	"fmt"

	"github.com/kubewire/kubewire/rest"
)

// The errors of a request the client refuses before sending it are
// *rest.RequestError, as the request builder's own: one type for "this
// request cannot be right", whichever layer noticed.

// scopeError is the error for a request for one namespaced object on a
// client bound to all namespaces.
func scopeError(op, resource, name string) error {
	what := op + " " + resource
	if name != "" {
		what += fmt.Sprintf(" %q", name)
	}
	return &rest.RequestError{Field: "Namespace", Reason: what + ": a namespace is required (the client is bound to all namespaces)"}
}

// nameRequired is the error for a request for one object without a name.
func nameRequired(op, resource string) error {
	return &rest.RequestError{Field: "Name", Reason: op + " " + resource + ": a resource name is required"}
}

// fieldManagerRequired is the error for a server-side apply without a field
// manager.
func fieldManagerRequired(resource, name string) error {
	return &rest.RequestError{Field: "FieldManager", Reason: fmt.Sprintf("apply %s %q: ApplyOptions.FieldManager is required", resource, name)}
}

// encodeError is the error for an object that could not be encoded as JSON.
func encodeError(kind string, err error) error {
	return &rest.RequestError{Field: "Body", Reason: "cannot encode the " + kind + " as JSON", Err: err}
}
