// Package metav1 holds the API machinery types every Kubernetes object shares:
// TypeMeta, ObjectMeta, ListMeta, Status, options and the small value types
// (Time, Quantity, IntOrString).
package metav1

// TypeMeta is the apiVersion and kind every serialized object carries.
type TypeMeta struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// ListMeta is the metadata of a list: its resourceVersion and the continue
// token for the next page.
type ListMeta struct {
	ResourceVersion    string `json:"resourceVersion,omitempty"`
	Continue           string `json:"continue,omitempty"`
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty"`
	SelfLink           string `json:"selfLink,omitempty"`
}

// Status is the result of an operation that returns no object, and the body
// of every API error.
type Status struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata,omitempty"`
	// Status is "Success" or "Failure".
	Status string `json:"status,omitempty"`
	// Message is a human-readable description of the status.
	Message string `json:"message,omitempty"`
	// Reason is a machine-readable CamelCase reason ("NotFound", "Conflict").
	Reason string `json:"reason,omitempty"`
	// Details adds the name, kind and causes when the reason has them.
	Details *StatusDetails `json:"details,omitempty"`
	// Code is the HTTP status code, 0 if unset.
	Code int32 `json:"code,omitempty"`
}

// StatusDetails names the object a Status is about and why it failed.
type StatusDetails struct {
	Name              string        `json:"name,omitempty"`
	Group             string        `json:"group,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	UID               string        `json:"uid,omitempty"`
	Causes            []StatusCause `json:"causes,omitempty"`
	RetryAfterSeconds int32         `json:"retryAfterSeconds,omitempty"`
}

// StatusCause is one reason a request failed, often a field that was invalid.
type StatusCause struct {
	Type    string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Field   string `json:"field,omitempty"`
}

// Status reasons the API server sends.
const (
	StatusSuccess = "Success"
	StatusFailure = "Failure"

	ReasonUnknown               = ""
	ReasonUnauthorized          = "Unauthorized"
	ReasonForbidden             = "Forbidden"
	ReasonNotFound              = "NotFound"
	ReasonAlreadyExists         = "AlreadyExists"
	ReasonConflict              = "Conflict"
	ReasonGone                  = "Gone"
	ReasonInvalid               = "Invalid"
	ReasonServerTimeout         = "ServerTimeout"
	ReasonStoreReadError        = "StorageReadError"
	ReasonTimeout               = "Timeout"
	ReasonTooManyRequests       = "TooManyRequests"
	ReasonBadRequest            = "BadRequest"
	ReasonMethodNotAllowed      = "MethodNotAllowed"
	ReasonNotAcceptable         = "NotAcceptable"
	ReasonRequestEntityTooLarge = "RequestEntityTooLarge"
	ReasonUnsupportedMediaType  = "UnsupportedMediaType"
	ReasonInternalError         = "InternalError"
	ReasonExpired               = "Expired"
	ReasonServiceUnavailable    = "ServiceUnavailable"
)
