package fake

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Update rules of pods, Jobs and claims (Kubernetes 1.37
// ValidatePodUpdate, ValidateJobSpecUpdate,
// ValidatePersistentVolumeClaimUpdate), and the field checks of a Job's
// spec.

const msgPodUpdate = "pod updates may not change fields other than `spec.containers[*].image`," +
	"`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

// validatePodUpdate allows a pod update to change only the images, the
// deadline (down), the tolerations (additions) and the grace period; any
// other change of the spec is Forbidden with a diff of the two specs.
func validatePodUpdate(o, old obj) []fieldError {
	spec, oldSpec := nestedMap(o, "spec"), nestedMap(old, "spec")
	var errs []fieldError
	nd, nok := numberInt(spec["activeDeadlineSeconds"])
	od, ook := numberInt(oldSpec["activeDeadlineSeconds"])
	if nok && ook && nd > od {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.activeDeadlineSeconds", Value: nd, Detail: "must be less than or equal to previous value"})
	}
	newTols := asList(spec["tolerations"])
	for _, t := range asList(oldSpec["tolerations"]) {
		found := false
		for _, n := range newTols {
			if sameToleration(t, n) {
				found = true
				break
			}
		}
		if !found {
			errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "spec.tolerations", Detail: "existing toleration can not be modified except its tolerationSeconds"})
		}
	}
	// The old spec with what may change taken from the new one.
	masked, _ := deepCopy(oldSpec).(map[string]any)
	for _, list := range []string{"containers", "initContainers"} {
		oc, nc := asList(masked[list]), asList(spec[list])
		if len(oc) != len(nc) {
			continue
		}
		for i := range oc {
			om, _ := oc[i].(map[string]any)
			nm, _ := nc[i].(map[string]any)
			if om != nil && nm != nil {
				om["image"] = nm["image"]
			}
		}
	}
	for _, k := range []string{"activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds", "schedulingGates"} {
		if v, ok := spec[k]; ok {
			masked[k] = v
		} else {
			delete(masked, k)
		}
	}
	if !equalJSON(masked, spec) {
		errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "spec", Detail: msgPodUpdate + "\n" + jsonDiff(masked, spec)})
	}
	return errs
}

// sameToleration: equal but for tolerationSeconds.
func sameToleration(a, b any) bool {
	am, _ := a.(map[string]any)
	bm, _ := b.(map[string]any)
	for _, k := range []string{"key", "operator", "value", "effect"} {
		if str(am, k) != str(bm, k) {
			return false
		}
	}
	return true
}

const msgClaimUpdate = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"

// validateClaimUpdate: a claim's spec is immutable, but for the requests
// and the volume attributes class of a bound claim.
func validateClaimUpdate(o, old obj) []fieldError {
	spec, oldSpec := nestedMap(o, "spec"), nestedMap(old, "spec")
	masked, _ := deepCopy(oldSpec).(map[string]any)
	if str(nestedMap(old, "status"), "phase") == "Bound" {
		if req, ok := nested(spec, "resources", "requests").(map[string]any); ok {
			child(masked, "resources")["requests"] = req
		}
		if v, ok := spec["volumeAttributesClassName"]; ok {
			masked["volumeAttributesClassName"] = v
		}
	}
	if equalJSON(masked, spec) {
		return nil
	}
	return []fieldError{{Type: "FieldValueForbidden", Field: "spec", Detail: msgClaimUpdate + "\n" + jsonDiff(masked, spec)}}
}

var claimAccessModes = []string{"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"}

// validateClaim is the claim spec validation users trip over: access
// modes, the storage request, the volume mode.
func validateClaim(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	modes := asList(spec["accessModes"])
	if len(modes) == 0 {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.accessModes", Detail: "at least 1 access mode is required"})
	}
	for _, m := range modes {
		s, _ := m.(string)
		if !contains(claimAccessModes, s) {
			errs = append(errs, notSupported("spec.accessModes", s, claimAccessModes))
		}
	}
	st, ok := nestedMap(spec, "resources", "requests")["storage"]
	if !ok {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.resources[storage]"})
	} else if q, err := parseQuantityValue(st); err == nil && q.Sign() <= 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.resources[storage]", Value: canonicalQuantity(q), Detail: "must be greater than zero"})
	}
	if vm, ok := spec["volumeMode"].(string); ok && vm != "Block" && vm != "Filesystem" {
		errs = append(errs, notSupported("spec.volumeMode", vm, []string{"Block", "Filesystem"}))
	}
	return errs
}

// validateJobFields checks a Job spec's numbers and completion mode.
func validateJobFields(spec map[string]any, path string) []fieldError {
	var errs []fieldError
	for _, k := range []string{"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"} {
		if n, ok := numberInt(spec[k]); ok && n < 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path + "." + k, Value: n, Detail: "must be greater than or equal to 0"})
		}
	}
	if m, ok := spec["completionMode"].(string); ok && m != "NonIndexed" && m != "Indexed" {
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: path + ".completionMode", Value: m, Detail: `supported values: "NonIndexed", "Indexed"`})
	}
	if spec["manualSelector"] == true && spec["selector"] == nil {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: path + ".selector"},
			fieldError{Type: "FieldValueInvalid", Field: path + ".template.metadata.labels", Value: nil, Detail: "`selector` does not match template `labels`"})
	}
	return errs
}

// validateJobUpdate: a Job's selector, template and completions are
// immutable (completions may change only with parallelism on an Indexed
// Job).
func validateJobUpdate(o, old obj) []fieldError {
	errs := immutableSelector(o, old)
	spec, oldSpec := nestedMap(o, "spec"), nestedMap(old, "spec")
	if !equalJSON(spec["template"], oldSpec["template"]) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.template", Value: spec["template"], Detail: "field is immutable"})
	}
	if !equalJSON(spec["completions"], oldSpec["completions"]) && str(spec, "completionMode") != "Indexed" {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.completions", Value: spec["completions"], Detail: "field is immutable"})
	}
	return errs
}

// jsonDiff is a unified diff (three lines of context) of a and b written
// as indented JSON, as the real update errors append one (theirs is of the
// server's internal Go types).
func jsonDiff(a, b any) string {
	ab, _ := json.MarshalIndent(a, "", " ")
	bb, _ := json.MarshalIndent(b, "", " ")
	al, bl := strings.Split(string(ab), "\n"), strings.Split(string(bb), "\n")
	n, m := len(al), len(bl)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
		ai   int
		bi   int
	}
	var lines []line
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && al[i] == bl[j]:
			lines = append(lines, line{' ', al[i], i, j})
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			lines = append(lines, line{'+', bl[j], i, j})
			j++
		default:
			lines = append(lines, line{'-', al[i], i, j})
			i++
		}
	}
	var sb strings.Builder
	for k := 0; k < len(lines); {
		if lines[k].op == ' ' {
			k++
			continue
		}
		start := max(k-3, 0)
		end := k
		for end < len(lines) {
			if lines[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(lines) && lines[run].op == ' ' {
				run++
			}
			if run-end > 6 || run == len(lines) {
				end = min(end+3, len(lines))
				break
			}
			end = run
		}
		var as, bs int
		for _, l := range lines[start:end] {
			if l.op != '+' {
				as++
			}
			if l.op != '-' {
				bs++
			}
		}
		fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@\n", lines[start].ai+1, as, lines[start].bi+1, bs)
		for _, l := range lines[start:end] {
			sb.WriteByte(l.op)
			sb.WriteString(l.text)
			sb.WriteByte('\n')
		}
		k = end
	}
	return sb.String()
}
