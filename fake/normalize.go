package fake

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/internal/apischema"
	"github.com/kubewire/kubewire/internal/selector"
)

// pruneEmpty drops what the real server's round trip through its Go types
// drops: null values, and empty maps and lists in metadata (labels,
// annotations, finalizers, ownerReferences), in the root data maps and in
// the fields the schema marks as maps.
func pruneEmpty(ri *resInfo, o obj) {
	md := meta(o)
	for _, k := range []string{"labels", "annotations", "finalizers", "ownerReferences"} {
		switch v := md[k].(type) {
		case nil:
			delete(md, k)
		case map[string]any:
			if len(v) == 0 {
				delete(md, k)
			}
		case []any:
			if len(v) == 0 {
				delete(md, k)
			}
		}
	}
	if ri.CRD != "" {
		// A custom resource keeps the nulls its schema allows (the
		// others are gone after defaultCR).
		return
	}
	t := rootType(ri)
	for k, v := range o {
		if k == "metadata" {
			continue
		}
		f, _ := t.Field(k)
		if pruneValue(v, f) || topLevelMaps[k] && isEmptyMap(v) {
			delete(o, k)
		}
	}
	for k, v := range o {
		if k != "metadata" {
			f, _ := t.Field(k)
			embedMeta(v, f)
		}
	}
}

const objectMetaType = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

// embedMeta adds what the real server's Go types serialise for an embedded
// ObjectMeta held by value (a pod template's metadata): the metadata object
// itself, {} when the enclosing object has none. Its zero creationTimestamp
// is omitted (omitzero in Kubernetes 1.37; 1.32 wrote null).
func embedMeta(v any, f apischema.Field) {
	child := apischema.TypeNamed(f.Type)
	if child == nil {
		return
	}
	visit := func(m map[string]any) {
		for k, cf := range child.Fields {
			if cf.Type == objectMetaType && cf.Value && !cf.List && !cf.Map {
				if _, ok := m[k].(map[string]any); !ok {
					m[k] = map[string]any{}
				}
				continue
			}
			if cv, ok := m[k]; ok {
				embedMeta(cv, cf)
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if f.Map {
			for _, cv := range x {
				embedMeta(cv, apischema.Field{Type: f.Type})
			}
			return
		}
		visit(x)
	case []any:
		for _, it := range x {
			if m, ok := it.(map[string]any); ok {
				visit(m)
			}
		}
	}
}

// pruneValue prunes v in place and reports whether the field holding it
// should go: null, or an empty map-valued field.
func pruneValue(v any, f apischema.Field) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		child := apischema.TypeNamed(f.Type)
		for k, cv := range x {
			cf, _ := child.Field(k)
			if f.Map {
				cf = apischema.Field{Type: f.Type}
			}
			if pruneValue(cv, cf) {
				delete(x, k)
			}
		}
		return len(x) == 0 && f.Map
	case []any:
		child := apischema.TypeNamed(f.Type)
		for _, it := range x {
			if m, ok := it.(map[string]any); ok {
				for k, cv := range m {
					cf, _ := child.Field(k)
					if pruneValue(cv, cf) {
						delete(m, k)
					}
				}
			}
		}
	}
	return false
}

// topLevelMaps are the plain map fields at the root of built-in kinds
// (ConfigMap, Secret), which the schema does not mark as maps.
var topLevelMaps = map[string]bool{"data": true, "binaryData": true, "stringData": true}

func isEmptyMap(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// validateMeta checks the label and annotation keys and the label values
// as the real server's ObjectMeta validation does.
func validateMeta(o obj) []fieldError {
	var errs []fieldError
	md := meta(o)
	labels, _ := md["labels"].(map[string]any)
	for _, k := range sortedKeys(labels) {
		errs = append(errs, validateQualifiedName("metadata.labels", k)...)
		v, _ := labels[k].(string)
		for _, msg := range selector.LabelValueErrors(v) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "metadata.labels", Value: v, Detail: msg})
		}
	}
	annotations, _ := md["annotations"].(map[string]any)
	for _, k := range sortedKeys(annotations) {
		errs = append(errs, validateQualifiedName("metadata.annotations", strings.ToLower(k))...)
	}
	return errs
}

// validateQualifiedName reports each of the real server's complaints about
// a qualified name as its own error, as label and annotation validation do.
func validateQualifiedName(field, key string) []fieldError {
	var errs []fieldError
	for _, msg := range selector.QualifiedNameErrors(key) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: field, Value: key, Detail: msg})
	}
	return errs
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// decodeSecret does what the real server's conversion of a v1 Secret does:
// stringData is merged into data (typedDecode has checked data is base64).
func decodeSecret(ri *resInfo, o obj) error {
	if ri.CRD != "" || ri.Group != "" || ri.Resource != "secrets" {
		return nil
	}
	data, _ := o["data"].(map[string]any)
	sd, _ := o["stringData"].(map[string]any)
	if len(sd) > 0 && data == nil {
		data = map[string]any{}
		o["data"] = data
	}
	for k, v := range sd {
		s, _ := v.(string)
		data[k] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	delete(o, "stringData")
	return nil
}

// validateMetaUpdate holds the metadata update rule of the real validation
// the fake keeps: no new finalizers on an object being deleted.
func validateMetaUpdate(o, old obj) []fieldError {
	var errs []fieldError
	if metaString(old, "deletionTimestamp") != "" {
		had := map[string]bool{}
		for _, f := range finalizers(old) {
			had[f] = true
		}
		var added []string
		for _, f := range finalizers(o) {
			if !had[f] {
				added = append(added, f)
			}
		}
		if added != nil {
			errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "metadata.finalizers",
				Detail: fmt.Sprintf("no new finalizers can be added if the object is being deleted, found new finalizers %#v", added)})
		}
	}
	return errs
}

// updateErrors are the errors of an update in the real server's order and
// number: the common checks validate the new metadata and then the
// metadata update (which validates the new metadata again); the kind's
// update validation repeats the metadata update and adds its own rules;
// the APIService strategy also validates the new object in full, metadata
// once more. The kinds that drop repeated errors (see
// resInfo.dropsRepeatedErrors) report each once.
func updateErrors(ri *resInfo, o, old obj) []fieldError {
	m := validateMeta(o)
	u := append(validateMetaUpdate(o, old), m...)
	var errs []fieldError
	errs = append(errs, m...)
	errs = append(errs, u...)
	errs = append(errs, u...)
	errs = append(errs, validateUpdate(ri, o, old)...)
	if ri.dropsRepeatedErrors() {
		return distinctErrors(errs)
	}
	if ri.CRD == "" && ri.Group == "apiregistration.k8s.io" {
		errs = append(errs, m...)
	}
	return errs
}

// validateUpdate runs the kind's own update rules: its strategy's validate
// on the new object, then validateUpdate against the old.
func validateUpdate(ri *resInfo, o, old obj) []fieldError {
	st := strategyFor(ri)
	var errs []fieldError
	if st.validate != nil && !st.updateValidatesAll {
		errs = append(errs, st.validate(o)...)
	}
	if st.validateUpdate != nil {
		errs = append(errs, st.validateUpdate(o, old)...)
	}
	return errs
}
