package typed

import (
	"context"
	"fmt"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/jsonwire"
	"github.com/kubewire/kubewire/rest"
)

// Apply applies config to the object called name with server-side apply and
// returns the result. opts.FieldManager is required.
//
// config is a *T (or a T), raw JSON or YAML ([]byte), or any other value
// that encodes to JSON (a map). A typed object with generated codecs is sent
// as what its caller set, so that the manager owns only that: a
// non-pointer field holding its zero value is left out (a struct when
// nothing in it is set: no strategy: {}, status: {} or creationTimestamp:
// null), and so are nil pointers, slices and maps; a pointer that is set is
// sent even when it points to a zero value (emptyDir: {}). To apply a zero
// value of a non-pointer field (paused: false), name the field in
// opts.Explicit. A field the manager owned and now leaves out is released:
// the server removes it unless another manager owns it.
//
// An entry of opts.Explicit that names no such field of config is an
// *ExplicitFieldError.
func (c *Client[T, L]) Apply(ctx context.Context, name string, config any, opts metav1.ApplyOptions) (*T, error) {
	return c.apply(ctx, name, config, opts, nil)
}

// ApplyStatus is Apply on the status subresource.
func (c *Client[T, L]) ApplyStatus(ctx context.Context, name string, config any, opts metav1.ApplyOptions) (*T, error) {
	return c.apply(ctx, name, config, opts, []string{"status"})
}

func (c *Client[T, L]) apply(ctx context.Context, name string, config any, opts metav1.ApplyOptions, sub []string) (*T, error) {
	if opts.FieldManager == "" {
		return nil, fieldManagerRequired(c.r.Resource, name)
	}
	if v, ok := config.(T); ok {
		config = &v // encoded by T's generated encoder, if it has one
	}
	body, err := applyBody(c.r.Kind, config, opts.Explicit)
	if err != nil {
		return nil, err
	}
	if err := c.checkObjectScope("apply", name); err != nil {
		return nil, err
	}
	out := new(T)
	err = c.negotiated(c.request(c.rc.Patch(rest.ApplyPatch), name, sub...)).Params(opts.Query()).
		BodyBytes(body, string(rest.ApplyPatch)).Into(ctx, objectTarget[T](out))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// applyBody encodes an apply configuration of kind: raw bytes as they are,
// a value with a generated encoder in its apply encoding, anything else as
// JSON.
func applyBody(kind string, config any, explicit []any) ([]byte, error) {
	if b, ok := config.([]byte); ok {
		if len(explicit) > 0 {
			return nil, &ExplicitFieldError{Kind: kind, Type: fmt.Sprintf("%T", explicit[0]), Reason: "the configuration is raw bytes, sent as they are"}
		}
		return b, nil
	}
	e, ok := config.(jsonwire.Encoder)
	if !ok {
		if len(explicit) > 0 {
			return nil, &ExplicitFieldError{Kind: kind, Type: fmt.Sprintf("%T", explicit[0]),
				Reason: fmt.Sprintf("the configuration (%T) has no generated encoder and is sent whole", config)}
		}
		body, err := codec.Marshal(config)
		if err != nil {
			return nil, encodeError(kind, err)
		}
		return body, nil
	}
	body, missed, err := jsonwire.MarshalApply(e, explicit)
	if err != nil {
		return nil, encodeError(kind, err)
	}
	if len(missed) > 0 {
		i := missed[0]
		reason := "does not point to a non-pointer field of the applied object (pointer, slice and map fields are sent whenever they are not nil; map values cannot be named)"
		if !jsonwire.IsPointer(explicit[i]) {
			reason = "is not a non-nil pointer"
		}
		return nil, &ExplicitFieldError{Kind: kind, Index: i, Type: fmt.Sprintf("%T", explicit[i]), Reason: reason}
	}
	return body, nil
}

// ExplicitFieldError reports an entry of ApplyOptions.Explicit that names
// no field the apply could send: not a pointer, a pointer to something
// other than a non-pointer field of the applied object (a copy of it, a
// pointer field, a map value), or a configuration that is not a typed
// object.
type ExplicitFieldError struct {
	// Kind is the kind of the client.
	Kind string
	// Index is the entry's index in ApplyOptions.Explicit.
	Index int
	// Type is the entry's Go type.
	Type string
	// Reason says what is wrong.
	Reason string
}

// Error returns the error's message.
func (e *ExplicitFieldError) Error() string {
	return fmt.Sprintf("apply %s: ApplyOptions.Explicit[%d] (%s): %s", e.Kind, e.Index, e.Type, e.Reason)
}
