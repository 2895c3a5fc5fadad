package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
)

// The write pipeline. Every create, update, patch and apply runs the same
// stages in the same order, as kube-apiserver's generic registry store runs
// a kind's strategy:
//
//  1. decode: the body (or, for a patch, the patched object) becomes an
//     object of the kind (decodeBody, then decodeTyped: unknown fields
//     dropped, reported per fieldValidation; bytes and quantities checked);
//  2. default: the kind's defaulting functions, those of its nested types,
//     the spec's defaults (applyDefaults). The real server defaults while
//     decoding, before the field manager records managedFields and before
//     admission, so the fake does too (managedView);
//  3. admission: namespace lifecycle, LimitRanger's defaults
//     (admission_limits.go), then the kind's admit (service accounts,
//     priority and default tolerations for pods, storage protection
//     finalizers);
//  4. prepare: status reset on create or kept on update, spec kept on a
//     status write, the kind's prepareCreate / prepareUpdate, generation;
//  5. validate: name and metadata, then the kind's validate and
//     validateUpdate; then the validating admission plugins
//     (validatingAdmission: LimitRanger's bounds, ResourceQuota in
//     admission_quota.go);
//  6. canonicalise: what the server's typed round trip does (typedEncode:
//     canonical quantities, omitted zero values, {} for structs held by
//     value), then the kind's canonicalize; the kind's allocate (cluster
//     IPs);
//  7. store and notify watchers (store.commit), then the kind's created
//     (what a controller does at once).
//
// A kind's rules live in its strategy, one value per kind defined in the
// kind's file and listed by storage key in the table strategies
// (strategies.go); the defaulting functions of nested types are listed
// there too (typeDefaults). Kinds without a strategy get the generic stages
// only.

// strategy is one kind's rules. Every function is optional.
type strategy struct {
	// admit is the kind's mutating and validating admission, create (old
	// nil) and update.
	admit func(s *Server, rq *request, o, old obj) error
	// prepareCreate resets what a create may not set (status).
	prepareCreate func(s *Server, rq *request, o obj)
	// prepareUpdate carries over what an update may not change.
	prepareUpdate func(o, old obj)
	// defaults are the kind's defaulting functions, run after the spec's
	// defaults.
	defaults func(o obj)
	// validate checks a new object, validateUpdate an updated one against
	// the old; both after the metadata checks.
	validate       func(o obj) []fieldError
	validateUpdate func(o, old obj) []fieldError
	// updateValidatesAll: on update only validateUpdate runs (the kind's
	// update validation checks the new object itself, or not at all
	// when an immutable field changed).
	updateValidatesAll bool
	// warnings are the kind's warnings about a valid object (a fractional
	// byte quantity); on update only those the old object did not have.
	warnings func(o obj) []string
	// canonicalize runs after the typed round trip (typedEncode).
	canonicalize func(o obj)
	// nullLists are top-level lists the kind's Go type writes always
	// (no omitempty): stored as null when absent, not seen by the field
	// manager.
	nullLists []string
	// allocate assigns what the kind's storage assigns on create (a
	// service's cluster IP); it may fail.
	allocate func(s *Server, rq *request, o obj) error
	// podSpec is the path of the kind's pod spec (a pod's or its
	// template's), whose fields of disabled feature gates the prepare
	// stage drops.
	podSpec []string
	// created runs after a create is stored (not on a dry run), for what
	// a controller would do at once (a namespace's default service
	// account).
	created func(s *Server, rq *request, o obj)
}

// noStrategy is the strategy of kinds without rules of their own.
var noStrategy = &strategy{}

// strategyFor returns the kind's strategy.
func strategyFor(ri *resInfo) *strategy {
	if ri.CRD != "" {
		return noStrategy
	}
	if st := strategies[ri.storageKey()]; st != nil {
		return st
	}
	return noStrategy
}

// fieldValidation is the request's field validation directive; the
// server's default is Warn.
func (rq *request) fieldValidation() string {
	v := rq.q.Get("fieldValidation")
	if v == "" {
		return "Warn"
	}
	return v
}

// decodeTyped is the typed half of the decode stage: what the kind's Go
// types would not hold is dropped, and reported as fieldValidation asks
// (a Warning header per field for Warn, a 400 for Strict); bad bytes and
// quantities fail as the real decoder fails. dups are the duplicate fields
// the body's scan found, order the position of each member path in the
// body (unknown fields are reported in body order; sorted without one).
func (s *Server) decodeTyped(rq *request, o obj, dups []string, order map[string]int) error {
	var patched []byte
	if rq.verb == "patch" {
		patched, _ = json.Marshal(o)
	}
	unknown, err := s.typedDecode(rq.ri, o)
	if err != nil {
		return errBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", rq.ri.Kind, rq.ri.Version, rq.ri.Kind, err))
	}
	if order != nil {
		sort.SliceStable(unknown, func(i, j int) bool { return order[unknown[i]] < order[unknown[j]] })
	}
	var problems []string
	for _, d := range dups {
		problems = append(problems, fmt.Sprintf("duplicate field %q", d))
	}
	for _, u := range unknown {
		problems = append(problems, fmt.Sprintf("unknown field %q", u))
	}
	if len(problems) == 0 {
		return nil
	}
	switch rq.fieldValidation() {
	case "Strict":
		if patched != nil {
			// The patched object fails to decode: the patch is
			// Invalid, quoting that object.
			msg := fmt.Sprintf("Invalid value: %q: strict decoding error: %s", patched, strings.Join(problems, ", "))
			return newStatus(http.StatusUnprocessableEntity, metav1.StatusReasonInvalid, ` "" is invalid: patch: `+msg,
				&metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: "FieldValueInvalid", Message: msg, Field: "patch"}}})
		}
		return errBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: strict decoding error: %s", rq.ri.Kind, rq.ri.Version, rq.ri.Kind, strings.Join(problems, ", ")))
	case "Warn":
		rq.warnings = append(rq.warnings, problems...)
	}
	return nil
}

// admit runs admission: namespace lifecycle for creates, then the kind's.
func (s *Server) admit(rq *request, o, old obj, name string) error {
	if old == nil {
		if err := s.checkNamespace(rq, name); err != nil {
			return err
		}
	}
	s.limitRangerMutate(rq, o, old)
	if st := strategyFor(rq.ri); st.admit != nil {
		return st.admit(s, rq, o, old)
	}
	return nil
}

// applyDefaults is the default stage: the kind's defaulting functions, then
// those of its nested types (typeDefaults), then the spec's non-zero
// defaults.
func applyDefaults(ri *resInfo, o obj) {
	if st := strategyFor(ri); st.defaults != nil {
		st.defaults(o)
	}
	defaultNested(ri, o)
	specDefaults(ri, o)
}

// validateCreate is the validate stage of a create: name, metadata, the
// kind's rules.
func validateCreate(ri *resInfo, o obj, name string) []fieldError {
	var errs []fieldError
	if name == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "metadata.name", Detail: "name or generateName is required"})
	} else {
		errs = validateName(ri, name)
	}
	errs = append(errs, validateMeta(o)...)
	if st := strategyFor(ri); st.validate != nil {
		errs = append(errs, st.validate(o)...)
	}
	return errs
}

// canonicalize is the canonicalise stage: the typed round trip, then the
// kind's own.
func canonicalize(ri *resInfo, o obj) {
	pruneEmpty(ri, o)
	typedEncode(ri, o)
	if st := strategyFor(ri); st.canonicalize != nil {
		st.canonicalize(o)
	}
}

// canonicalizeStored is canonicalize for the object to be stored: it adds
// the null lists the kind's typed encoding writes, which the field
// manager does not see.
func canonicalizeStored(ri *resInfo, o obj) {
	canonicalize(ri, o)
	if st := strategyFor(ri); st.nullLists != nil {
		for _, k := range st.nullLists {
			if _, ok := o[k]; !ok {
				o[k] = nil
			}
		}
	}
}

// kindWarnings adds the kind's warnings about o to the answer; on update
// (old not nil) only those old did not have, as the real strategies do.
func kindWarnings(rq *request, o, old obj) {
	st := strategyFor(rq.ri)
	if st.warnings == nil {
		return
	}
	had := map[string]bool{}
	if old != nil {
		for _, w := range st.warnings(old) {
			had[w] = true
		}
	}
	for _, w := range st.warnings(o) {
		if !had[w] {
			rq.warnings = append(rq.warnings, w)
		}
	}
}

// dropDisabled is the part of prepare that drops the fields of feature
// gates off by default in Kubernetes 1.37 from the kind's pod spec, unless
// the old object already used them (old is nil on create).
func dropDisabled(ri *resInfo, o, old obj) {
	st := strategyFor(ri)
	if st.podSpec == nil {
		return
	}
	spec := nestedMap(o, st.podSpec...)
	if spec == nil {
		return
	}
	var oldSpec map[string]any
	if old != nil {
		oldSpec = nestedMap(old, st.podSpec...)
	}
	dropDisabledPodFields(spec, oldSpec)
}

// controllerCreateStages runs the default, admission, prepare and
// canonicalise stages on an object a simulated controller creates (which
// the real controllers send through the API); false when admission refuses
// it, as it refuses a real controller's request. s.st.mu is held.
func (s *Server) controllerCreateStages(rq *request, o obj) bool {
	st := strategyFor(rq.ri)
	pruneEmpty(rq.ri, o)
	applyDefaults(rq.ri, o)
	s.limitRangerMutate(rq, o, nil)
	if st.admit != nil && st.admit(s, rq, o, nil) != nil {
		return false
	}
	resetStatus(rq.ri, o)
	dropDisabled(rq.ri, o, nil)
	if st.prepareCreate != nil {
		st.prepareCreate(s, rq, o)
	}
	if s.validatingAdmission(rq, o, nil, metaString(o, "name")) != nil {
		return false
	}
	canonicalizeStored(rq.ri, o)
	if st.allocate != nil && st.allocate(s, rq, o) != nil {
		return false
	}
	return true
}
