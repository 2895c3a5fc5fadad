package fake

import (
	"sort"
	"strings"
	"sync"

	"github.com/kubewire/kubewire/internal/apischema"
)

// resInfo is one servable resource at one version: a built-in from
// internal/apischema or a version of a CustomResourceDefinition.
type resInfo struct {
	Group, Version, Resource, Singular, Kind string
	Namespaced                               bool
	Verbs                                    []string
	Subresources                             []apischema.Subresource
	ShortNames, Categories                   []string
	// CRD is the name of the defining CustomResourceDefinition; empty for
	// built-ins.
	CRD string
	// Selectable are the extra field selectors a CRD declares
	// (selectableFields), as JSON paths without the leading dot.
	Selectable []string
	// Schema is a custom resource version's structural schema; nil for
	// built-ins and for a CRD version without one.
	Schema *crdSchema
	// Scale are the replicas and selector paths of a CRD version's scale
	// subresource; nil for built-ins.
	Scale *scalePaths
	// Storage is a CRD's storage version; empty for built-ins.
	Storage string
}

// storageKey identifies the objects the resource shares across versions.
func (r *resInfo) storageKey() string { return r.Group + "/" + r.Resource }

func (r *resInfo) groupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

func (r *resInfo) hasVerb(v string) bool {
	for _, x := range r.Verbs {
		if x == v {
			return true
		}
	}
	return false
}

func (r *resInfo) sub(name string) *apischema.Subresource {
	for i := range r.Subresources {
		if r.Subresources[i].Name == name {
			return &r.Subresources[i]
		}
	}
	return nil
}

func (r *resInfo) hasStatus() bool { return r.sub("status") != nil }

// statusMeta are the metadata fields a write to the status subresource
// changes besides status. The real status strategy of most kinds copies
// the old object's spec (and, for some, labels) over the new one; the pod
// status strategy resets only spec, ownerReferences and deletionTimestamp,
// so pods/status also writes labels, annotations and finalizers.
func (r *resInfo) statusMeta() []string {
	if r.CRD == "" && r.Group == "" && r.Resource == "pods" {
		return []string{"labels", "annotations", "finalizers"}
	}
	return nil
}

// statusWrites reports whether a write to the status subresource changes
// the top-level field k (and, for "metadata", the fields of statusMeta).
func (r *resInfo) statusWrites(k string) bool {
	return k == "status" || k == "metadata" && r.statusMeta() != nil
}

// tracksGeneration reports whether metadata.generation is set to 1 on
// create, as the kind's real strategy does in PrepareForCreate: the kinds
// of generationKinds (which also bump it on spec changes, see
// bumpsGeneration), custom resources, and the kinds of
// generationOnCreateKinds.
func (r *resInfo) tracksGeneration() bool {
	return r.bumpsGeneration() || generationOnCreateKinds[r.Group+"/"+r.Resource]
}

// bumpsGeneration reports whether metadata.generation is also incremented
// when anything outside metadata and status changes, as the real strategy
// does in PrepareForUpdate (see also bumpsGenerationOnLabels).
func (r *resInfo) bumpsGeneration() bool {
	if r.CRD != "" {
		return true
	}
	return generationKinds[r.Group+"/"+r.Resource]
}

// bumpsGenerationOnLabels reports whether a change of labels alone bumps
// metadata.generation too: the EndpointSlice strategy counts them.
func (r *resInfo) bumpsGenerationOnLabels() bool {
	return r.CRD == "" && r.Group == "discovery.k8s.io" && r.Resource == "endpointslices"
}

// generationOnCreateKinds are the kinds whose real strategy sets
// generation 1 on create and never changes it afterwards: PriorityClass
// (its value is immutable, the rest is description and preemption policy).
var generationOnCreateKinds = map[string]bool{
	"scheduling.k8s.io/priorityclasses": true,
}

// generationKinds are the built-in kinds whose Kubernetes 1.37 strategy
// sets generation 1 on create and bumps it when the spec (for kinds
// without one, the content: webhooks, template, endpoints) changes. Pods
// track it since 1.34 (pod observed-generation tracking, on by default).
var generationKinds = map[string]bool{
	"/pods":                                          true,
	"/podtemplates":                                  true,
	"/replicationcontrollers":                        true,
	"apps/deployments":                               true,
	"apps/replicasets":                               true,
	"apps/statefulsets":                              true,
	"apps/daemonsets":                                true,
	"batch/jobs":                                     true,
	"batch/cronjobs":                                 true,
	"autoscaling/horizontalpodautoscalers":           true,
	"policy/poddisruptionbudgets":                    true,
	"networking.k8s.io/ingresses":                    true,
	"networking.k8s.io/ingressclasses":               true,
	"networking.k8s.io/networkpolicies":              true,
	"discovery.k8s.io/endpointslices":                true,
	"apiextensions.k8s.io/customresourcedefinitions": true,
	"admissionregistration.k8s.io/mutatingadmissionpolicies":         true,
	"admissionregistration.k8s.io/mutatingadmissionpolicybindings":   true,
	"admissionregistration.k8s.io/mutatingwebhookconfigurations":     true,
	"admissionregistration.k8s.io/validatingadmissionpolicies":       true,
	"admissionregistration.k8s.io/validatingadmissionpolicybindings": true,
	"admissionregistration.k8s.io/validatingwebhookconfigurations":   true,
	"flowcontrol.apiserver.k8s.io/flowschemas":                       true,
	"flowcontrol.apiserver.k8s.io/prioritylevelconfigurations":       true,
	"lifecycle.k8s.io/evictionrequests":                              true,
	"lifecycle.k8s.io/evictions":                                     true,
	"resource.k8s.io/deviceclasses":                                  true,
	"resource.k8s.io/devicetaintrules":                               true,
	"resource.k8s.io/resourceslices":                                 true,
}

// dropsRepeatedErrors reports whether the kind's validation errors reach
// the answer without repeats. In Kubernetes 1.37 (not yet 1.32) the
// strategies of kube-apiserver's own registry pass the errors of their
// layered checks (common metadata, metadata update, the kind's own
// validation) through the declarative-validation filter, which keeps one
// of each; the CustomResourceDefinition, APIService and custom resource
// strategies do not, and report a metadata error once per layer.
func (r *resInfo) dropsRepeatedErrors() bool {
	if r.CRD != "" {
		return false
	}
	switch r.Group {
	case "apiextensions.k8s.io", "apiregistration.k8s.io":
		return false
	}
	return true
}

// returnsDeletedObject reports whether DELETE answers with the object
// rather than a Success Status, as the kind's real storage does.
func (r *resInfo) returnsDeletedObject() bool {
	if r.CRD != "" {
		return true
	}
	switch r.Group + "/" + r.Resource {
	case "/pods", "/namespaces", "/services", "/resourcequotas", "/persistentvolumes",
		"/persistentvolumeclaims", "/serviceaccounts", "/podtemplates",
		"apiextensions.k8s.io/customresourcedefinitions",
		"storage.k8s.io/storageclasses", "storage.k8s.io/csidrivers", "storage.k8s.io/volumeattachments",
		"storage.k8s.io/csinodes", "storage.k8s.io/volumeattributesclasses",
		"resource.k8s.io/resourceclaims", "resource.k8s.io/resourceclaimtemplates",
		"resource.k8s.io/resourceslices", "resource.k8s.io/deviceclasses",
		"resource.k8s.io/resourcepoolstatusrequests":
		return true
	}
	return false
}

// registry holds the servable resources; CRDs come and go at run time.
type registry struct {
	mu    sync.RWMutex
	byGVR map[string]*resInfo // "group/version/resource"
	crds  map[string][]*resInfo
}

func newRegistry(versions *enabledVersions) *registry {
	r := &registry{byGVR: map[string]*resInfo{}, crds: map[string][]*resInfo{}}
	for _, a := range apischema.Resources() {
		if !versions.served(a.Group, a.Version) {
			continue
		}
		r.byGVR[a.Group+"/"+a.Version+"/"+a.Resource] = &resInfo{
			Group: a.Group, Version: a.Version, Resource: a.Resource, Singular: a.Singular, Kind: a.Kind,
			Namespaced: a.Namespaced, Verbs: a.Verbs, Subresources: a.Subresources,
			ShortNames: a.ShortNames(), Categories: a.Categories(),
		}
	}
	return r
}

func (r *registry) lookup(group, version, resource string) *resInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byGVR[group+"/"+version+"/"+resource]
}

// byKind finds the resource serving apiVersion and kind (for seeding).
func (r *registry) byKind(apiVersion, kind string) *resInfo {
	group, version := splitGV(apiVersion)
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, ri := range r.byGVR {
		if ri.Group == group && ri.Version == version && ri.Kind == kind {
			return ri
		}
	}
	return nil
}

func splitGV(gv string) (group, version string) {
	if i := strings.IndexByte(gv, '/'); i >= 0 {
		return gv[:i], gv[i+1:]
	}
	return "", gv
}

// all returns every resource sorted by group, version and resource.
func (r *registry) all() []*resInfo {
	r.mu.RLock()
	out := make([]*resInfo, 0, len(r.byGVR))
	for _, ri := range r.byGVR {
		out = append(out, ri)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Resource < b.Resource
	})
	return out
}

// groups returns every group with its versions, preferred first, in the
// order discovery lists them: core first, then the built-in groups by
// their priority in kube-apiserver's aggregator, then CRD groups by name.
func (r *registry) groups() []groupVersions {
	seen := map[string]map[string]bool{}
	crd := map[string]bool{}
	var order []string
	for _, ri := range r.all() {
		if seen[ri.Group] == nil {
			seen[ri.Group] = map[string]bool{}
			order = append(order, ri.Group)
		}
		seen[ri.Group][ri.Version] = true
		crd[ri.Group] = ri.CRD != ""
	}
	sort.SliceStable(order, func(i, j int) bool {
		pi, pj := groupPriority(order[i], crd[order[i]]), groupPriority(order[j], crd[order[j]])
		if pi != pj {
			return pi > pj
		}
		return order[i] < order[j]
	})
	out := make([]groupVersions, 0, len(order))
	for _, g := range order {
		var vs []string
		for v := range seen[g] {
			vs = append(vs, v)
		}
		sort.Slice(vs, func(i, j int) bool { return apischema.CompareVersions(vs[i], vs[j]) > 0 })
		out = append(out, groupVersions{g, vs})
	}
	return out
}

// groupPriority is a group's place in discovery, highest first: the
// groupPriorityMinimum kube-apiserver v1.37.2's aggregator gives the
// built-in groups (its own apiregistration.k8s.io comes right after
// core); custom resource groups get 1000 as their APIServices do, and a
// built-in group the table lacks 15000.
func groupPriority(group string, crd bool) int {
	if crd {
		return 1000
	}
	if p, ok := groupPriorities[group]; ok {
		return p
	}
	return 15000
}

var groupPriorities = map[string]int{
	"":                             18000,
	"apiregistration.k8s.io":       17900,
	"apps":                         17800,
	"events.k8s.io":                17750,
	"authentication.k8s.io":        17700,
	"authorization.k8s.io":         17600,
	"autoscaling":                  17500,
	"batch":                        17400,
	"certificates.k8s.io":          17300,
	"networking.k8s.io":            17200,
	"policy":                       17100,
	"rbac.authorization.k8s.io":    17000,
	"storage.k8s.io":               16800,
	"admissionregistration.k8s.io": 16700,
	"apiextensions.k8s.io":         16700,
	"scheduling.k8s.io":            16600,
	"coordination.k8s.io":          16500,
	"node.k8s.io":                  16300,
	"discovery.k8s.io":             16200,
	"resource.k8s.io":              16200,
	"flowcontrol.apiserver.k8s.io": 16100,
	"internal.apiserver.k8s.io":    16000,
	"storagemigration.k8s.io":      15800,
	"lifecycle.k8s.io":             15700,
}

// hasGroup reports whether any version of group is served.
func (r *registry) hasGroup(group string) bool {
	for _, ri := range r.all() {
		if ri.Group == group {
			return true
		}
	}
	return false
}

type groupVersions struct {
	Group    string
	Versions []string
}

// setCRD registers (or replaces) the resources a CRD defines.
func (r *registry) setCRD(name string, infos []*resInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, old := range r.crds[name] {
		delete(r.byGVR, old.Group+"/"+old.Version+"/"+old.Resource)
	}
	r.crds[name] = infos
	for _, ri := range infos {
		r.byGVR[ri.Group+"/"+ri.Version+"/"+ri.Resource] = ri
	}
}

func (r *registry) removeCRD(name string) {
	r.setCRD(name, nil)
	r.mu.Lock()
	delete(r.crds, name)
	r.mu.Unlock()
}

// crdInfos derives the served resources from a CRD object, or reports why
// the CRD is not acceptable.
func crdInfos(crd obj) ([]*resInfo, []fieldError) {
	spec := nestedMap(crd, "spec")
	names := nestedMap(crd, "spec", "names")
	group, _ := spec["group"].(string)
	plural, _ := names["plural"].(string)
	kind, _ := names["kind"].(string)
	singular, _ := names["singular"].(string)
	scope, _ := spec["scope"].(string)
	var errs []fieldError
	if group == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.group", Detail: ""})
	}
	if plural == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.names.plural", Detail: ""})
	}
	if kind == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.names.kind", Detail: ""})
	}
	if scope != "Namespaced" && scope != "Cluster" {
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "spec.scope", Value: scope, Detail: `supported values: "Cluster", "Namespaced"`})
	}
	if name := metaString(crd, "name"); plural != "" && group != "" && name != plural+"."+group {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "metadata.name", Value: name, Detail: `must be spec.names.plural+"."+spec.group`})
	}
	versions, _ := spec["versions"].([]any)
	if len(versions) == 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.versions", Value: "[]", Detail: "must have exactly one version marked as storage version"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if singular == "" {
		singular = strings.ToLower(kind)
	}
	storage := ""
	for _, v := range versions {
		if vm, _ := v.(map[string]any); vm["storage"] == true {
			storage, _ = vm["name"].(string)
		}
	}
	var out []*resInfo
	for _, v := range versions {
		vm, _ := v.(map[string]any)
		vname, _ := vm["name"].(string)
		if served, _ := vm["served"].(bool); !served || vname == "" {
			continue
		}
		ri := &resInfo{
			Group: group, Version: vname, Resource: plural, Singular: singular, Kind: kind,
			Namespaced: scope == "Namespaced", CRD: metaString(crd, "name"), Storage: storage,
			Verbs:      []string{"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"},
			ShortNames: stringList(names["shortNames"]), Categories: stringList(names["categories"]),
			Schema: compileCRDSchema(nested(vm, "schema", "openAPIV3Schema")),
		}
		subs := nestedMap(vm, "subresources")
		if _, ok := subs["status"]; ok {
			ri.Subresources = append(ri.Subresources, apischema.Subresource{Name: "status", Group: group, Version: vname, Kind: kind, Verbs: []string{"get", "patch", "update"}})
		}
		if _, ok := subs["scale"]; ok {
			ri.Scale = crdScalePaths(subs)
			ri.Subresources = append(ri.Subresources, apischema.Subresource{Name: "scale", Group: "autoscaling", Version: "v1", Kind: "Scale", Verbs: []string{"get", "patch", "update"}})
		}
		sort.Slice(ri.Subresources, func(i, j int) bool { return ri.Subresources[i].Name < ri.Subresources[j].Name })
		for _, sf := range asList(vm["selectableFields"]) {
			if m, ok := sf.(map[string]any); ok {
				if p, ok := m["jsonPath"].(string); ok {
					ri.Selectable = append(ri.Selectable, strings.TrimPrefix(p, "."))
				}
			}
		}
		out = append(out, ri)
	}
	return out, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func stringList(v any) []string {
	var out []string
	for _, x := range asList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
