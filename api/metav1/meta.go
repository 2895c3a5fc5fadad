package metav1

// Accessors shared by every object through its embedded ObjectMeta, so that
// generic code can read an object's identity without knowing its type.

// GetName returns the object's name.
func (m *ObjectMeta) GetName() string { return m.Name }

// GetNamespace returns the object's namespace ("" for cluster-scoped kinds).
func (m *ObjectMeta) GetNamespace() string { return m.Namespace }

// GetUID returns the object's UID.
func (m *ObjectMeta) GetUID() string { return m.UID }

// GetResourceVersion returns the object's resourceVersion.
func (m *ObjectMeta) GetResourceVersion() string { return m.ResourceVersion }

// GetLabels returns the object's labels.
func (m *ObjectMeta) GetLabels() map[string]string { return m.Labels }

// GetAnnotations returns the object's annotations.
func (m *ObjectMeta) GetAnnotations() map[string]string { return m.Annotations }

// GetObjectMeta returns m itself: every object embedding ObjectMeta has it.
func (m *ObjectMeta) GetObjectMeta() *ObjectMeta { return m }

// GetListMeta returns m itself: every list embedding ListMeta has it.
func (m *ListMeta) GetListMeta() *ListMeta { return m }

// GetAPIVersion returns the object's apiVersion as its TypeMeta holds it
// ("" when the object was decoded from a list, which leaves it out).
func (t *TypeMeta) GetAPIVersion() string { return t.APIVersion }

// GetKind returns the object's kind as its TypeMeta holds it.
func (t *TypeMeta) GetKind() string { return t.Kind }

// GetOwnerReferences returns the object's owner references.
func (m *ObjectMeta) GetOwnerReferences() []OwnerReference { return m.OwnerReferences }

// SetOwnerReferences replaces the object's owner references.
func (m *ObjectMeta) SetOwnerReferences(refs []OwnerReference) { m.OwnerReferences = refs }
