package metav1

import (
	"net/url"
	"strconv"
)

// ListOptions narrows a list or watch. The zero value lists everything with
// the server's defaults.
type ListOptions struct {
	// LabelSelector filters by labels, in the API's selector syntax
	// ("app=web,tier!=db", "env in (a,b)", "!legacy").
	LabelSelector string
	// FieldSelector filters by the fields the server supports for the kind
	// ("metadata.name=x", "spec.nodeName=n1", "status.phase!=Running").
	FieldSelector string
	// ResourceVersion and ResourceVersionMatch choose how fresh the result is
	// ("" = most recent; "0" = any cached state). For a watch, the version to
	// start after.
	ResourceVersion      string
	ResourceVersionMatch ResourceVersionMatch
	// Limit is the page size; 0 means no limit. Continue is the token from the
	// previous page.
	Limit    int64
	Continue string
	// TimeoutSeconds bounds a list or watch on the server side; 0 means the
	// server's default.
	TimeoutSeconds int64
	// AllowWatchBookmarks asks a watch for BOOKMARK events.
	AllowWatchBookmarks bool
	// SendInitialEvents asks a watch to start with the current state as
	// ADDED events followed by a bookmark (requires ResourceVersionMatch
	// "NotOlderThan" and AllowWatchBookmarks). Nil leaves it unset.
	SendInitialEvents *bool
}

// Query returns the options as URL query parameters; unset fields are omitted.
func (o ListOptions) Query() url.Values {
	q := url.Values{}
	setString(q, "labelSelector", o.LabelSelector)
	setString(q, "fieldSelector", o.FieldSelector)
	setString(q, "resourceVersion", o.ResourceVersion)
	setString(q, "resourceVersionMatch", string(o.ResourceVersionMatch))
	setString(q, "continue", o.Continue)
	if o.Limit > 0 {
		q.Set("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.TimeoutSeconds > 0 {
		q.Set("timeoutSeconds", strconv.FormatInt(o.TimeoutSeconds, 10))
	}
	if o.AllowWatchBookmarks {
		q.Set("allowWatchBookmarks", "true")
	}
	if o.SendInitialEvents != nil {
		q.Set("sendInitialEvents", strconv.FormatBool(*o.SendInitialEvents))
	}
	return q
}

// GetOptions chooses how fresh a get is. The zero value reads the most recent
// state.
type GetOptions struct {
	ResourceVersion string
}

// Query returns the options as URL query parameters.
func (o GetOptions) Query() url.Values {
	q := url.Values{}
	setString(q, "resourceVersion", o.ResourceVersion)
	return q
}

// WriteOptions are the parameters every create, update and patch accepts.
// The zero value persists the change with the server's default validation.
type WriteOptions struct {
	// DryRun validates and admits the request without persisting it
	// (dryRun=All).
	DryRun bool
	// FieldManager names the actor making the change, recorded in
	// managedFields.
	FieldManager string
	// FieldValidation is FieldValidationIgnore, FieldValidationWarn or
	// FieldValidationStrict; empty means the server's default ("Warn").
	FieldValidation string
}

// The values of the fieldValidation parameter of a write: what the server
// does with unknown or duplicate fields in the body.
const (
	// FieldValidationIgnore drops them silently.
	FieldValidationIgnore = "Ignore"
	// FieldValidationWarn drops them and answers with a warning header per
	// field (the server's default).
	FieldValidationWarn = "Warn"
	// FieldValidationStrict fails the request with an Invalid error naming
	// them (what kubectl sends by default).
	FieldValidationStrict = "Strict"
)

// Query returns the options as URL query parameters.
func (o WriteOptions) Query() url.Values {
	q := url.Values{}
	if o.DryRun {
		q.Set("dryRun", "All")
	}
	setString(q, "fieldManager", o.FieldManager)
	setString(q, "fieldValidation", o.FieldValidation)
	return q
}

// CreateOptions are the parameters of a create.
type CreateOptions = WriteOptions

// UpdateOptions are the parameters of an update.
type UpdateOptions = WriteOptions

// PatchOptions are the parameters of a patch.
type PatchOptions struct {
	WriteOptions
	// Force takes ownership of conflicting fields; only for apply patches.
	Force bool
}

// Query returns the options as URL query parameters.
func (o PatchOptions) Query() url.Values {
	q := o.WriteOptions.Query()
	if o.Force {
		q.Set("force", "true")
	}
	return q
}

// ApplyOptions are the parameters of a server-side apply. FieldManager is
// required.
type ApplyOptions struct {
	FieldManager string
	// Force takes ownership of fields another manager owns instead of
	// failing with a conflict.
	Force  bool
	DryRun bool
	// FieldValidation is FieldValidationIgnore, FieldValidationWarn or
	// FieldValidationStrict; empty means the server's default ("Warn").
	FieldValidation string
	// Explicit are pointers to fields of the applied typed object that are
	// sent even when they hold their zero value (&d.Spec.Paused to apply
	// paused: false, &d.Spec.MinReadySeconds to apply 0). A typed object is
	// applied as what its caller set: a non-pointer field holding its zero
	// value is left out, and so not owned (or released, if the manager
	// owned it). Only non-pointer fields of the object passed to the apply
	// call (or of the structs and list items in it) can be named: pointer,
	// slice and map fields are sent whenever they are not nil. Not sent to
	// the server; nil means none.
	Explicit []any
}

// Query returns the options as URL query parameters.
func (o ApplyOptions) Query() url.Values {
	return PatchOptions{WriteOptions: WriteOptions{DryRun: o.DryRun, FieldManager: o.FieldManager, FieldValidation: o.FieldValidation}, Force: o.Force}.Query()
}

// DryRunAll is the one value of DeleteOptions.DryRun: validate and admit
// the request without persisting it. (Set DeleteOptions.PropagationPolicy
// with new(metav1.DeletePropagationForeground): DeleteOptions is the API's
// own, generated type.)
const DryRunAll = "All"

func setString(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}
