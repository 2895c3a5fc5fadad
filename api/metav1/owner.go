package metav1

import "fmt"

// Owner references (metadata.ownerReferences): who owns an object, and
// which owner is its controller. The functions take typed kinds (through
// their embedded ObjectMeta) and dynamic objects alike.

// OwnerObject is an object that can own others: its identity. Its
// apiVersion and kind come from its Go type's descriptor (the generated
// APIResource method), else from its type metadata (GetAPIVersion and
// GetKind, which an embedded TypeMeta and dynamic objects provide).
type OwnerObject interface {
	GetName() string
	GetNamespace() string
	GetUID() string
}

// OwnedObject is an object whose owner references can be read and set:
// every generated kind through its ObjectMeta, and *dynamic.Object.
type OwnedObject interface {
	GetName() string
	GetNamespace() string
	GetOwnerReferences() []OwnerReference
	SetOwnerReferences([]OwnerReference)
}

// AlreadyOwnedError reports an object that already has a controller other
// than the one being set: an object has at most one.
type AlreadyOwnedError struct {
	// Object is the owned object's "namespace/name" (or "name").
	Object string
	// Owner is the controller reference the object has.
	Owner OwnerReference
	// New is the controller reference that was refused.
	New OwnerReference
}

// Error returns the error's message.
func (e *AlreadyOwnedError) Error() string {
	return fmt.Sprintf("object %s is already controlled by %s %s (uid %s); refusing controller %s %s",
		e.Object, e.Owner.Kind, e.Owner.Name, e.Owner.UID, e.New.Kind, e.New.Name)
}

// InvalidOwnerError reports an owner reference that cannot be made: an
// owner without a kind, name or UID (not yet created), or an owner in
// another namespace than the object, or a namespaced owner of a
// cluster-scoped object (the garbage collector would delete the object).
type InvalidOwnerError struct {
	// Owner and Object are "namespace/name" (or "name").
	Owner, Object string
	// Reason says what is wrong.
	Reason string
}

// Error returns the error's message.
func (e *InvalidOwnerError) Error() string {
	return fmt.Sprintf("cannot make %s an owner of %s: %s", e.Owner, e.Object, e.Reason)
}

// NewOwnerReference returns the reference to owner, without the Controller
// and BlockOwnerDeletion flags. The error is an *InvalidOwnerError when the
// owner's apiVersion, kind, name or UID is unknown.
func NewOwnerReference(owner OwnerObject) (OwnerReference, error) {
	apiVersion, kind := ownerKind(owner)
	ref := OwnerReference{APIVersion: apiVersion, Kind: kind, Name: owner.GetName(), UID: owner.GetUID()}
	switch {
	case apiVersion == "" || kind == "":
		return ref, &InvalidOwnerError{Owner: nameOf(owner), Reason: "its apiVersion and kind are unknown (no APIResource method and no type metadata)"}
	case ref.Name == "" || ref.UID == "":
		return ref, &InvalidOwnerError{Owner: nameOf(owner), Reason: "it has no name or no uid (create it first)"}
	}
	return ref, nil
}

func ownerKind(owner OwnerObject) (apiVersion, kind string) {
	if d, ok := owner.(interface{ APIResource() *Resource }); ok {
		if r := d.APIResource(); r != nil && r.Kind != "" {
			return r.GroupVersion(), r.Kind
		}
	}
	if t, ok := owner.(interface {
		GetAPIVersion() string
		GetKind() string
	}); ok {
		return t.GetAPIVersion(), t.GetKind()
	}
	return "", ""
}

type named interface {
	GetName() string
	GetNamespace() string
}

func nameOf(o named) string {
	if o.GetNamespace() == "" {
		return o.GetName()
	}
	return o.GetNamespace() + "/" + o.GetName()
}

// ownerRef returns owner's reference after the scope checks.
func ownerRef(owner OwnerObject, object OwnedObject) (OwnerReference, error) {
	ref, err := NewOwnerReference(owner)
	if err != nil {
		err.(*InvalidOwnerError).Object = nameOf(object)
		return ref, err
	}
	if ons := owner.GetNamespace(); ons != "" {
		reason := ""
		switch object.GetNamespace() {
		case "":
			reason = "a cluster-scoped object cannot have a namespaced owner"
		case ons:
		default:
			reason = "owner references across namespaces are not allowed"
		}
		if reason != "" {
			return ref, &InvalidOwnerError{Owner: nameOf(owner), Object: nameOf(object), Reason: reason}
		}
	}
	return ref, nil
}

// sameOwner reports whether two references name the same object: same
// API group (any version), kind and name.
func sameOwner(a, b OwnerReference) bool {
	return groupOf(a.APIVersion) == groupOf(b.APIVersion) && a.Kind == b.Kind && a.Name == b.Name
}

func groupOf(apiVersion string) string {
	for i := len(apiVersion) - 1; i >= 0; i-- {
		if apiVersion[i] == '/' {
			return apiVersion[:i]
		}
	}
	return ""
}

// SetControllerReference makes owner the controller of object: an owner
// reference with controller and blockOwnerDeletion true, replacing the
// reference to the same owner if there is one. It refuses, with an
// *AlreadyOwnedError, an object whose controller is another object, and
// returns an *InvalidOwnerError for an owner that cannot own object (see
// the type). Deleting the owner then deletes the object (garbage
// collection), and foreground deletion of the owner waits for it.
func SetControllerReference(owner OwnerObject, object OwnedObject) error {
	ref, err := ownerRef(owner, object)
	if err != nil {
		return err
	}
	yes := true
	ref.Controller, ref.BlockOwnerDeletion = &yes, &yes
	if c := GetControllerOf(object); c != nil && !sameOwner(*c, ref) {
		return &AlreadyOwnedError{Object: nameOf(object), Owner: *c, New: ref}
	}
	upsertOwnerRef(object, ref)
	return nil
}

// SetOwnerReference adds a reference to owner to object, or updates the
// one there (its apiVersion and uid), keeping that reference's controller
// and blockOwnerDeletion flags. Its errors are *InvalidOwnerError.
func SetOwnerReference(owner OwnerObject, object OwnedObject) error {
	ref, err := ownerRef(owner, object)
	if err != nil {
		return err
	}
	for _, r := range object.GetOwnerReferences() {
		if sameOwner(r, ref) {
			ref.Controller, ref.BlockOwnerDeletion = r.Controller, r.BlockOwnerDeletion
		}
	}
	upsertOwnerRef(object, ref)
	return nil
}

func upsertOwnerRef(object OwnedObject, ref OwnerReference) {
	refs := append([]OwnerReference(nil), object.GetOwnerReferences()...)
	for i := range refs {
		if sameOwner(refs[i], ref) {
			refs[i] = ref
			object.SetOwnerReferences(refs)
			return
		}
	}
	object.SetOwnerReferences(append(refs, ref))
}

// GetControllerOf returns a copy of object's controller reference (the
// one with controller true), or nil when it has none.
func GetControllerOf(object OwnedObject) *OwnerReference {
	for _, r := range object.GetOwnerReferences() {
		if r.Controller != nil && *r.Controller {
			c := r
			return &c
		}
	}
	return nil
}

// IsControlledBy reports whether owner is object's controller: object's
// controller reference carries owner's UID.
func IsControlledBy(object OwnedObject, owner OwnerObject) bool {
	c := GetControllerOf(object)
	return c != nil && c.UID != "" && c.UID == owner.GetUID()
}
