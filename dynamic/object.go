package dynamic

import (
	"strings"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
)

// Object is a Kubernetes object of any kind as its JSON value: maps are
// map[string]any, arrays []any, numbers int64 (integral) or float64,
// strings, bools and nil. The zero value is a nil map: getters return zero
// values, setters allocate it.
type Object map[string]any

// List is a list of objects of any kind.
type List struct {
	// Header holds the list's fields other than items: apiVersion, kind
	// and metadata (resourceVersion, continue, remainingItemCount).
	Header Object
	// Items are the list's objects.
	Items []Object
}

// GetResourceVersion returns the list's metadata.resourceVersion.
func (l *List) GetResourceVersion() string { return l.Header.str("metadata", "resourceVersion") }

// GetContinue returns the list's continue token, "" on the last page.
func (l *List) GetContinue() string { return l.Header.str("metadata", "continue") }

// GetAPIVersion returns the list's apiVersion.
func (l *List) GetAPIVersion() string { return l.Header.GetAPIVersion() }

// GetKind returns the list's kind ("PodList").
func (l *List) GetKind() string { return l.Header.GetKind() }

func (o Object) str(fields ...string) string {
	s, _, _ := o.NestedString(fields...)
	return s
}

func (o Object) meta() map[string]any {
	m, _ := o["metadata"].(map[string]any)
	return m
}

// setMeta sets metadata.key to v, or deletes it when v is nil.
func (o *Object) setMeta(key string, v any) {
	if o == nil {
		return
	}
	if *o == nil {
		*o = Object{}
	}
	m := (*o).meta()
	if m == nil {
		if v == nil {
			return
		}
		m = map[string]any{}
		(*o)["metadata"] = m
	}
	if v == nil {
		delete(m, key)
		return
	}
	m[key] = v
}

// GetAPIVersion returns apiVersion ("apps/v1").
func (o Object) GetAPIVersion() string { s, _ := o["apiVersion"].(string); return s }

// SetAPIVersion sets apiVersion.
func (o *Object) SetAPIVersion(v string) { o.setTop("apiVersion", v) }

// GetKind returns kind ("Deployment").
func (o Object) GetKind() string { s, _ := o["kind"].(string); return s }

// SetKind sets kind.
func (o *Object) SetKind(v string) { o.setTop("kind", v) }

func (o *Object) setTop(k, v string) {
	if o == nil {
		return
	}
	if *o == nil {
		*o = Object{}
	}
	(*o)[k] = v
}

// Group returns the group part of apiVersion ("" for the core group).
func (o Object) Group() string {
	g, _, ok := strings.Cut(o.GetAPIVersion(), "/")
	if !ok {
		return ""
	}
	return g
}

// Version returns the version part of apiVersion.
func (o Object) Version() string {
	av := o.GetAPIVersion()
	if i := strings.IndexByte(av, '/'); i >= 0 {
		return av[i+1:]
	}
	return av
}

// GetName returns metadata.name.
func (o Object) GetName() string { s, _ := o.meta()["name"].(string); return s }

// SetName sets metadata.name.
func (o *Object) SetName(v string) { o.setMeta("name", v) }

// GetGenerateName returns metadata.generateName.
func (o Object) GetGenerateName() string { s, _ := o.meta()["generateName"].(string); return s }

// SetGenerateName sets metadata.generateName.
func (o *Object) SetGenerateName(v string) { o.setMeta("generateName", v) }

// GetNamespace returns metadata.namespace.
func (o Object) GetNamespace() string { s, _ := o.meta()["namespace"].(string); return s }

// SetNamespace sets metadata.namespace ("" removes it).
func (o *Object) SetNamespace(v string) { o.setMeta("namespace", nilIfEmpty(v)) }

// GetUID returns metadata.uid.
func (o Object) GetUID() string { s, _ := o.meta()["uid"].(string); return s }

// GetResourceVersion returns metadata.resourceVersion.
func (o Object) GetResourceVersion() string { s, _ := o.meta()["resourceVersion"].(string); return s }

// SetResourceVersion sets metadata.resourceVersion ("" removes it).
func (o *Object) SetResourceVersion(v string) { o.setMeta("resourceVersion", nilIfEmpty(v)) }

// GetGeneration returns metadata.generation (0 when unset).
func (o Object) GetGeneration() int64 { n, _ := toInt64(o.meta()["generation"]); return n }

// GetLabels returns a copy of metadata.labels (nil when unset). Values that
// are not strings are skipped.
func (o Object) GetLabels() map[string]string { return stringMap(o.meta()["labels"]) }

// SetLabels replaces metadata.labels (nil removes them).
func (o *Object) SetLabels(l map[string]string) { o.setMeta("labels", anyMap(l)) }

// GetAnnotations returns a copy of metadata.annotations (nil when unset).
func (o Object) GetAnnotations() map[string]string { return stringMap(o.meta()["annotations"]) }

// SetAnnotations replaces metadata.annotations (nil removes them).
func (o *Object) SetAnnotations(a map[string]string) { o.setMeta("annotations", anyMap(a)) }

// GetFinalizers returns a copy of metadata.finalizers.
func (o Object) GetFinalizers() []string { return stringSlice(o.meta()["finalizers"]) }

// SetFinalizers replaces metadata.finalizers (nil removes them).
func (o *Object) SetFinalizers(f []string) {
	if f == nil {
		o.setMeta("finalizers", nil)
		return
	}
	s := make([]any, len(f))
	for i, x := range f {
		s[i] = x
	}
	o.setMeta("finalizers", s)
}

// GetOwnerReferences returns metadata.ownerReferences; entries that are
// not objects are skipped.
func (o Object) GetOwnerReferences() []metav1.OwnerReference {
	list, _ := o.meta()["ownerReferences"].([]any)
	var out []metav1.OwnerReference
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		var ref metav1.OwnerReference
		if FromUnstructured(m, &ref) == nil {
			out = append(out, ref)
		}
	}
	return out
}

// SetOwnerReferences replaces metadata.ownerReferences (nil removes them).
func (o *Object) SetOwnerReferences(refs []metav1.OwnerReference) {
	if refs == nil {
		o.setMeta("ownerReferences", nil)
		return
	}
	list := make([]any, 0, len(refs))
	for _, r := range refs {
		if m, err := ToUnstructured(r); err == nil {
			list = append(list, map[string]any(m))
		}
	}
	o.setMeta("ownerReferences", list)
}

// GetCreationTimestamp returns metadata.creationTimestamp (zero when unset
// or not RFC 3339).
func (o Object) GetCreationTimestamp() time.Time { return timeOf(o.meta()["creationTimestamp"]) }

// GetDeletionTimestamp returns metadata.deletionTimestamp, nil when the
// object is not being deleted.
func (o Object) GetDeletionTimestamp() *time.Time {
	if _, ok := o.meta()["deletionTimestamp"].(string); !ok {
		return nil
	}
	t := timeOf(o.meta()["deletionTimestamp"])
	return &t
}

// GetManagedFields returns metadata.managedFields as JSON values.
func (o Object) GetManagedFields() []any { l, _ := o.meta()["managedFields"].([]any); return l }

func timeOf(v any) time.Time {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

func anyMap(m map[string]string) any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func stringSlice(v any) []string {
	l, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}
