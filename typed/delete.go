package typed

import (
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
)

// Propagation policies for Delete: what happens to the objects the deleted
// one owns.
const (
	// DeleteOrphan leaves dependents in place.
	DeleteOrphan = metav1.DeletePropagationOrphan
	// DeleteBackground deletes the object now and its dependents after.
	DeleteBackground = metav1.DeletePropagationBackground
	// DeleteForeground keeps the object until its dependents are gone.
	DeleteForeground = metav1.DeletePropagationForeground
)

// DeleteOptions are the parameters of a delete. The zero value uses the
// kind's default propagation and grace period.
type DeleteOptions struct {
	// PropagationPolicy is DeleteOrphan, DeleteBackground or
	// DeleteForeground; empty means the kind's default.
	PropagationPolicy metav1.DeletionPropagation
	// GracePeriodSeconds overrides the object's grace period; 0 means
	// immediately. Nil means the default.
	GracePeriodSeconds *int64
	// Preconditions make the delete fail with a Conflict unless the object
	// still has this UID and/or resourceVersion.
	Preconditions *Preconditions
	// DryRun validates the delete without persisting it.
	DryRun bool
}

// Preconditions must hold for a delete to proceed; empty fields are not
// checked.
type Preconditions struct {
	UID             string `json:"uid,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

type deleteBody struct {
	Kind               string                     `json:"kind"`
	APIVersion         string                     `json:"apiVersion"`
	PropagationPolicy  metav1.DeletionPropagation `json:"propagationPolicy,omitempty"`
	GracePeriodSeconds *int64                     `json:"gracePeriodSeconds,omitempty"`
	Preconditions      *Preconditions             `json:"preconditions,omitempty"`
	DryRun             []string                   `json:"dryRun,omitempty"`
}

// body returns the DeleteOptions object to send, or nil when every option is
// unset.
func (o DeleteOptions) body() []byte {
	if o == (DeleteOptions{}) {
		return nil
	}
	b := deleteBody{Kind: "DeleteOptions", APIVersion: "v1", PropagationPolicy: o.PropagationPolicy,
		GracePeriodSeconds: o.GracePeriodSeconds, Preconditions: o.Preconditions}
	if o.DryRun {
		b.DryRun = []string{"All"}
	}
	out, _ := codec.Marshal(b) // a struct of strings and ints always encodes
	return out
}
