package controller

import "github.com/kubewire/kubewire/api/metav1"

// Meta makes a slim object type: embed it, without a tag, in a struct that
// declares only the fields a controller reads, and use that struct as the
// informer's T so that list and watch decode straight into it:
//
//	type slimPod struct {
//		controller.Meta
//		Spec struct {
//			NodeName string `json:"nodeName"`
//		} `json:"spec"`
//	}
//
// A struct may embed metav1.ObjectMeta (tagged `json:"metadata"`) instead,
// but that keeps all of the metadata, managedFields included.
type Meta struct {
	Metadata SlimObjectMeta `json:"metadata"`
}

// SlimObjectMeta is the part of an object's metadata that controllers
// commonly read; managedFields and the rest are not decoded.
type SlimObjectMeta struct {
	Name              string                  `json:"name,omitempty"`
	Namespace         string                  `json:"namespace,omitempty"`
	UID               string                  `json:"uid,omitempty"`
	ResourceVersion   string                  `json:"resourceVersion,omitempty"`
	Generation        int64                   `json:"generation,omitempty"`
	Labels            map[string]string       `json:"labels,omitempty"`
	Annotations       map[string]string       `json:"annotations,omitempty"`
	OwnerReferences   []metav1.OwnerReference `json:"ownerReferences,omitempty"`
	Finalizers        []string                `json:"finalizers,omitempty"`
	DeletionTimestamp *metav1.Time            `json:"deletionTimestamp,omitempty"`
}

// GetName returns the object's name.
func (m *Meta) GetName() string { return m.Metadata.Name }

// GetNamespace returns the object's namespace ("" when cluster-scoped).
func (m *Meta) GetNamespace() string { return m.Metadata.Namespace }

// GetResourceVersion returns the object's resourceVersion.
func (m *Meta) GetResourceVersion() string { return m.Metadata.ResourceVersion }

// GetLabels returns the object's labels.
func (m *Meta) GetLabels() map[string]string { return m.Metadata.Labels }

// GetAnnotations returns the object's annotations.
func (m *Meta) GetAnnotations() map[string]string { return m.Metadata.Annotations }

// GetUID returns the object's UID.
func (m *Meta) GetUID() string { return m.Metadata.UID }

// GetOwnerReferences returns the object's owner references.
func (m *Meta) GetOwnerReferences() []metav1.OwnerReference { return m.Metadata.OwnerReferences }
