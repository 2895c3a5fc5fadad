package main

import (
	"fmt"
	"sort"
	"strings"
)

// kind is the shape of a Go type, which decides its codec.
type kind int

const (
	kString kind = iota
	kBool
	kInt32
	kInt64
	kFloat64
	kBytes  // []byte, base64 in JSON
	kSlice  // []elem
	kMap    // map[string]elem
	kStruct // a named type with DecodeWire/EncodeJSON methods that is never omitted
	kRaw    // a named []byte-like raw JSON type (metav1.RawJSON and aliases)
)

// gtype is a field's Go type.
type gtype struct {
	kind kind
	elem *gtype // kSlice, kMap
	key  *gtype // kMap: a named string key type; nil for string
	pkg  string // package of a named type; "" in the type's own package
	name string // named types: structs, and scalars of a named API type (Protocol)
	ptr  bool   // pointer to the type
}

// scalar reports whether t is a string, boolean or number, named or not.
func (t *gtype) scalar() bool {
	switch t.kind {
	case kString, kBool, kInt32, kInt64, kFloat64:
		return true
	}
	return false
}

// deref returns t without its pointer.
func (t *gtype) deref() *gtype {
	c := *t
	c.ptr = false
	return &c
}

// field is one struct field.
type field struct {
	json     string
	goName   string
	typ      *gtype
	omit     bool // omitempty
	omitZero bool // omitzero: a struct value (a Time) left out when its IsZero reports true
	required bool
	inline   bool // embedded metav1.TypeMeta, fields promoted in JSON
	embedded bool // embedded metav1.ObjectMeta or ListMeta under "metadata"
	doc      string
	// listKeys are the members that identify an item of a list of
	// objects: x-kubernetes-list-map-keys, else the patch merge key.
	listKeys []string
}

// typ is one generated type.
type typ struct {
	name   string
	schema string // the schema's full name
	doc    string
	alias  *gtype // a type alias (raw JSON values) instead of a struct
	fields []*field
	list   bool // a list kind: items decoded one by one from a stream
	gvk    bool
}

// resource is one kind's REST endpoint in a group/version.
type resource struct {
	kind, plural string
	namespaced   bool
	subresources map[string]bool
	verbs        map[string]bool
}

// pkg is one generated Go package.
type pkg struct {
	name, group, version string
	types                map[string]*typ
	resources            map[string]*resource  // by kind
	imports              map[string]bool       // package names of other generated packages
	named                map[string]*namedFact // named scalar types declared here, by Go name
	foreign              []typedConst          // constants of other packages' types declared here
	target               *target               // where the package set is written
}

// typedConst is a constant of a named type of another package.
type typedConst struct {
	constFact
	typ *gtype
}

const (
	metaPkg    = "metav1"
	metaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1."
)

// Fields whose Go type deviates from what the schema alone implies.
var (
	// timePointers are Time fields the server omits when unset; every other
	// Time is a value and serialized as null when zero, as the server does.
	timePointers = set("ObjectMeta.deletionTimestamp", "ManagedFieldsEntry.time",
		"HorizontalPodAutoscalerStatus.lastScaleTime", "CronJobStatus.lastScheduleTime",
		"CronJobStatus.lastSuccessfulTime", "JobStatus.startTime", "JobStatus.completionTime",
		"PodStatus.startTime", "Taint.timeAdded", "PersistentVolumeStatus.lastPhaseTransitionTime",
		"LeaseSpec.acquireTime", "LeaseSpec.renewTime", "LeaseCandidateSpec.pingTime",
		"LeaseCandidateSpec.renewTime",
		// Since 1.32: certificates.k8s.io PodCertificateRequest, resource.k8s.io
		// (a device taint's time is filled in by the server when unset),
		// lifecycle.k8s.io v1alpha1.
		"PodCertificateRequestStatus.beginRefreshAt", "PodCertificateRequestStatus.notBefore",
		"PodCertificateRequestStatus.notAfter", "AllocationResult.allocationTimestamp", "DeviceTaint.timeAdded",
		"ResponderStatus.startTime", "ResponderStatus.heartbeatTime", "ResponderStatus.expectedCompletionTime",
		"ResponderStatus.completionTime")
	// valueFields are optional quantities and int-or-strings the server
	// always writes.
	valueFields = set("ServicePort.targetPort", "ResourceFieldSelector.divisor")
	// omitZero are Time fields that Kubernetes' types hold as a value
	// tagged omitzero: left out when zero, where every other Time value is
	// written as null. Since 1.37 (k8s.io/apimachinery v0.37) the only one
	// is ObjectMeta.creationTimestamp, so an object without one (a pod
	// template's metadata) carries no creationTimestamp at all. It stays a
	// hand-kept fact until bench/cmd/apifacts records non-scalar fields.
	omitZero = set("ObjectMeta.creationTimestamp")
	// keptEmpty are optional slices, maps and pointers the server writes
	// even when nil (as null): no omitempty.
	keptEmpty = set("autoscalingv2.HorizontalPodAutoscalerStatus.currentMetrics",
		"rbacv1.Role.rules", "rbacv1.ClusterRole.rules",
		"apiextensionsv1.CustomResourceDefinitionStatus.storedVersions",
		"apiextensionsv1.CustomResourceDefinitionStatus.conditions", "ContainerImage.names",
		"ProjectedVolumeSource.sources", "discoveryv1.EndpointSlice.endpoints", "discoveryv1.EndpointSlice.ports",
		"flowcontrolv1.ResourcePolicyRule.namespaces", "CSINodeDriver.topologyKeys",
		"TokenRequestSpec.audiences", "TokenRequestSpec.boundObjectRef",
		"AllocatedDeviceStatus.conditions", "DeviceClaim.requests", "CapacityRequestPolicy.default")
	// fieldNames override generated field names.
	fieldNames = map[string]string{"StatusCause.reason": "Type"}
	// typeNames override generated type names by schema.
	typeNames = map[string]string{"io.k8s.apimachinery.pkg.version.Info": "VersionInfo"}
	// skipped schemas are not generated.
	skipped = set(metaPrefix + "Patch")
)

func set(s ...string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

// model is every package to generate.
type model struct {
	sp          *spec
	pkgs        map[string]*pkg
	prefixPkg   map[string]*pkg            // schema name prefix -> package
	handwritten map[string]map[string]bool // type names declared by hand, by package
	// repeated are the struct types ("corev1.Probe") one object often holds
	// several of: decoders allocate them in chunks.
	repeated map[string]bool
	consts   *apiConstsFacts
}

// target returns the package and Go name a schema is generated as.
func (m *model) target(name string) (*pkg, string, error) {
	if n, ok := typeNames[name]; ok {
		return m.pkgs[metaPkg], n, nil
	}
	i := strings.LastIndexByte(name, '.')
	prefix, short := name[:i], name[i+1:]
	switch {
	case strings.HasPrefix(name, "io.k8s.apimachinery."):
		return m.pkgs[metaPkg], short, nil
	}
	p := m.prefixPkg[prefix]
	if p == nil {
		return nil, "", fmt.Errorf("schema %s: no group/version for %s", name, prefix)
	}
	return p, short, nil
}

// build makes the model from the spec.
func build(sp *spec, handwritten map[string]map[string]bool) (*model, error) {
	consts, err := parseConsts(apiConstsText)
	if err != nil {
		return nil, fmt.Errorf("apiconsts.txt: %w", err)
	}
	m := &model{sp: sp, pkgs: map[string]*pkg{}, prefixPkg: map[string]*pkg{}, handwritten: handwritten, consts: consts}
	m.pkgs[metaPkg] = newPkg(metaPkg, "meta.k8s.io", "v1")
	for _, name := range sortedKeys(sp.Schemas) {
		s := sp.Schemas[name]
		if strings.HasPrefix(name, "io.k8s.apimachinery.") {
			continue
		}
		prefix := name[:strings.LastIndexByte(name, '.')]
		for _, g := range s.GVK {
			p := m.pkgs[packageName(g.Group, g.Version)]
			if p == nil {
				p = newPkg(packageName(g.Group, g.Version), g.Group, g.Version)
				m.pkgs[p.name] = p
			}
			if prev := m.prefixPkg[prefix]; prev != nil && prev != p {
				return nil, fmt.Errorf("schemas of %s belong to both %s and %s", prefix, prev.name, p.name)
			}
			m.prefixPkg[prefix] = p
		}
	}
	for _, name := range sortedKeys(sp.Schemas) {
		if skipped[name] {
			continue
		}
		p, goName, err := m.target(name)
		if err != nil {
			return nil, err
		}
		if handwritten[p.name][goName] {
			continue
		}
		t, err := m.makeType(p, goName, name, sp.Schemas[name])
		if err != nil {
			return nil, err
		}
		if p.types[goName] != nil {
			return nil, fmt.Errorf("%s: type %s is generated twice", p.name, goName)
		}
		p.types[goName] = t
	}
	if !handwritten[metaPkg]["TypeMeta"] {
		m.pkgs[metaPkg].types["TypeMeta"] = typeMeta()
	}
	if err := m.resources(); err != nil {
		return nil, err
	}
	m.declareEnumerated()
	m.findRepeated()
	return m, nil
}

// findRepeated marks the struct types that are elements of slices or maps,
// that a struct points to more than once, or that such types hold.
func (m *model) findRepeated() {
	m.repeated = map[string]bool{}
	qual := func(p *pkg, t *gtype) string {
		if t.pkg != "" {
			return t.pkg + "." + t.name
		}
		return p.name + "." + t.name
	}
	for _, pn := range sortedKeys(m.pkgs) {
		p := m.pkgs[pn]
		for _, t := range p.types {
			ptrs := map[string]int{}
			for _, f := range t.fields {
				if f.typ == nil {
					continue
				}
				e := f.typ
				for e.kind == kSlice || e.kind == kMap {
					e = e.elem
					if e.kind == kStruct {
						m.repeated[qual(p, e)] = true
					}
				}
				if f.typ.kind == kStruct && f.typ.ptr {
					if ptrs[qual(p, f.typ)]++; ptrs[qual(p, f.typ)] > 1 {
						m.repeated[qual(p, f.typ)] = true
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, pn := range sortedKeys(m.pkgs) {
			p := m.pkgs[pn]
			for _, t := range p.types {
				if !m.repeated[p.name+"."+t.name] {
					continue
				}
				for _, f := range t.fields {
					if f.typ != nil && f.typ.kind == kStruct && !m.repeated[qual(p, f.typ)] {
						m.repeated[qual(p, f.typ)] = true
						changed = true
					}
				}
			}
		}
	}
}

// groupVersion names p's group/version for documentation ("core/v1" for
// the core group).
func (p *pkg) groupVersion() string {
	if p.group == "" {
		return "core/" + p.version
	}
	return p.group + "/" + p.version
}

func newPkg(name, group, version string) *pkg {
	return &pkg{name: name, group: group, version: version, types: map[string]*typ{},
		resources: map[string]*resource{}, imports: map[string]bool{}, named: map[string]*namedFact{}}
}

func typeMeta() *typ {
	return &typ{name: "TypeMeta", schema: "TypeMeta",
		doc: "TypeMeta is the apiVersion and kind every serialized object carries, inline in its JSON.",
		fields: []*field{
			{json: "kind", goName: "Kind", typ: &gtype{kind: kString}, omit: true,
				doc: "Kind is a string value representing the REST resource this object represents. In CamelCase."},
			{json: "apiVersion", goName: "APIVersion", typ: &gtype{kind: kString}, omit: true,
				doc: "APIVersion defines the versioned schema of this representation of an object: \"v1\" or \"GROUP/VERSION\"."},
		}}
}

func (m *model) makeType(p *pkg, goName, name string, s *schema) (*typ, error) {
	t := &typ{name: goName, schema: name, doc: s.Description, gvk: len(s.GVK) > 0}
	if s.Type == "" && len(s.Properties) == 0 {
		// Any JSON value (apiextensions JSON, JSONSchemaPropsOr*): raw.
		t.alias = &gtype{kind: kRaw, pkg: metaPkg, name: "RawJSON"}
		p.imports[metaPkg] = p.name != metaPkg
		return t, nil
	}
	if s.Type != "object" {
		return nil, fmt.Errorf("schema %s: unsupported type %q", name, s.Type)
	}
	required := set(s.Required...)
	_, hasAPIVersion := s.Properties["apiVersion"]
	_, hasKind := s.Properties["kind"]
	inlineTypeMeta := t.gvk && hasAPIVersion && hasKind && !required["apiVersion"] && !required["kind"]
	if inlineTypeMeta {
		t.fields = append(t.fields, &field{goName: "TypeMeta", inline: true,
			typ: m.metaType(p, "TypeMeta")})
	}
	for _, pn := range sortedKeys(s.Properties) {
		if inlineTypeMeta && (pn == "apiVersion" || pn == "kind") {
			continue
		}
		prop := s.Properties[pn]
		f := &field{json: pn, goName: fieldName(pn), required: required[pn], doc: prop.Description}
		if n, ok := fieldNames[goName+"."+pn]; ok {
			f.goName = n
		}
		if ref := prop.ref(); pn == "metadata" && (ref == metaPrefix+"ObjectMeta" || ref == metaPrefix+"ListMeta") {
			f.embedded = true
			f.goName = ref[len(metaPrefix):]
			f.typ = m.metaType(p, f.goName)
			t.list = f.goName == "ListMeta" && t.gvk && s.Properties["items"] != nil
			t.fields = append(t.fields, f)
			continue
		}
		typ, omit, err := m.fieldType(p, goName+"."+pn, name+"."+pn, prop, f.required)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", name, pn, err)
		}
		f.typ, f.omit = typ, omit
		if override(omitZero, p, goName+"."+pn) {
			if !isTime(typ) || typ.ptr {
				return nil, fmt.Errorf("%s.%s: omitzero is for Time values, not %s", name, pn, goType(typ))
			}
			f.omit, f.omitZero = true, true
		}
		if typ.kind == kSlice && typ.elem.kind == kStruct {
			f.listKeys = prop.ListMapKeys
			if len(f.listKeys) == 0 && prop.PatchMergeKey != "" {
				f.listKeys = []string{prop.PatchMergeKey}
			}
		}
		if len(prop.Default) > 0 && !isZeroDefault(string(prop.Default)) {
			f.doc = strings.TrimSpace(f.doc + "\n\nDefaults to " + string(prop.Default) + ".")
		}
		t.fields = append(t.fields, f)
	}
	// In the order of Kubernetes' Go type, which is the order the server
	// writes the fields in; without that fact, metadata right after the
	// inline TypeMeta and the rest by JSON name.
	pos := map[string]int{}
	for i, n := range apiOrder[name] {
		pos[n] = i
	}
	sort.SliceStable(t.fields, func(i, j int) bool { return fieldPos(t.fields[i], pos) < fieldPos(t.fields[j], pos) })
	seen := map[string]bool{}
	for _, f := range t.fields {
		if seen[f.goName] {
			return nil, fmt.Errorf("%s: two fields named %s", name, f.goName)
		}
		seen[f.goName] = true
	}
	return t, nil
}

// isTime reports whether t is metav1.Time or metav1.MicroTime.
func isTime(t *gtype) bool {
	return t.kind == kStruct && (t.name == "Time" || t.name == "MicroTime") && (t.pkg == metaPkg || t.pkg == "")
}

// fieldPos is f's place in its type: its index in pos (the Go type's
// JSON field order; an inline TypeMeta at its kind's), after them the
// fields pos lacks, TypeMeta and metadata first.
func fieldPos(f *field, pos map[string]int) int {
	n := f.json
	if f.inline {
		n = "kind"
	}
	if i, ok := pos[n]; ok {
		return i
	}
	switch {
	case f.inline:
		return len(pos)
	case f.embedded:
		return len(pos) + 1
	}
	return len(pos) + 2
}

func isZeroDefault(d string) bool {
	switch d {
	case `{}`, `""`, `0`, `false`, `[]`:
		return true
	}
	return false
}

func (m *model) metaType(p *pkg, name string) *gtype {
	if p.name == metaPkg {
		return &gtype{kind: kStruct, name: name}
	}
	p.imports[metaPkg] = true
	return &gtype{kind: kStruct, pkg: metaPkg, name: name}
}

// override reports whether the field key ("PodSpec.replicas") of package
// p is in an override set, as "Type.field" or "package.Type.field".
func override(set map[string]bool, p *pkg, key string) bool {
	return set[key] || set[p.name+"."+key]
}

// fieldType returns the Go type of property prop of the type and field
// named key ("PodSpec.replicas"), whose schema name is full
// ("io.k8s.api.core.v1.PodSpec.replicas"), and whether it is omitempty.
//
// A scalar is held as Kubernetes' own types hold it (apiFacts): a pointer
// only where the server can send its zero value, which then differs from
// unset. Scalars those types do not have fall back to the schema's rules.
func (m *model) fieldType(p *pkg, key, full string, prop *schema, required bool) (*gtype, bool, error) {
	hasDefault := len(prop.Default) > 0
	t, err := m.valueType(p, prop)
	if err != nil {
		return nil, false, err
	}
	if sh, ok := m.consts.fields[full]; ok {
		if err := m.applyShape(p, t, sh); err != nil {
			return nil, false, err
		}
	}
	if fact, ok := apiFacts[full]; ok {
		switch t.kind {
		case kString, kBool, kInt32, kInt64, kFloat64:
			t.ptr = fact.pointer
			return t, fact.omitempty, nil
		}
	}
	switch t.kind {
	case kString:
		return t, !required && (!hasDefault || !isZeroDefault(string(prop.Default))), nil
	case kBool, kInt32, kInt64, kFloat64:
		t.ptr = !required && !hasDefault
		return t, t.ptr, nil
	case kBytes, kSlice, kMap, kRaw:
		return t, !required && !override(keptEmpty, p, key), nil
	}
	switch ref := prop.ref(); ref {
	case metaPrefix + "Time", metaPrefix + "MicroTime":
		t.ptr = override(timePointers, p, key)
	case "io.k8s.apimachinery.pkg.api.resource.Quantity", "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
		t.ptr = !required && !hasDefault && !override(valueFields, p, key)
	default:
		t.ptr = !hasDefault
	}
	return t, t.ptr && !required && !override(keptEmpty, p, key), nil
}

// valueType returns the non-pointer Go type of a schema.
func (m *model) valueType(p *pkg, s *schema) (*gtype, error) {
	if ref := s.ref(); ref != "" {
		return m.refType(p, ref)
	}
	switch s.Type {
	case "string":
		if s.Format == "byte" {
			return &gtype{kind: kBytes}, nil
		}
		return &gtype{kind: kString}, nil
	case "boolean":
		return &gtype{kind: kBool}, nil
	case "integer":
		if s.Format == "int32" {
			return &gtype{kind: kInt32}, nil
		}
		return &gtype{kind: kInt64}, nil
	case "number":
		return &gtype{kind: kFloat64}, nil
	case "array":
		if s.Items == nil {
			return nil, fmt.Errorf("array without items")
		}
		e, err := m.valueType(p, s.Items)
		if err != nil {
			return nil, err
		}
		return &gtype{kind: kSlice, elem: e}, nil
	case "object":
		if s.AdditionalProperties == nil {
			return m.rawType(p), nil
		}
		e, err := m.valueType(p, s.AdditionalProperties)
		if err != nil {
			return nil, err
		}
		return &gtype{kind: kMap, elem: e}, nil
	case "":
		return m.rawType(p), nil
	}
	return nil, fmt.Errorf("unsupported schema type %q", s.Type)
}

func (m *model) rawType(p *pkg) *gtype {
	if p.name != metaPkg {
		p.imports[metaPkg] = true
		return &gtype{kind: kRaw, pkg: metaPkg, name: "RawJSON"}
	}
	return &gtype{kind: kRaw, name: "RawJSON"}
}

// refType returns the type a reference names, as seen from package p.
func (m *model) refType(p *pkg, ref string) (*gtype, error) {
	target, name, err := m.target(ref)
	if err != nil {
		return nil, err
	}
	s := m.sp.Schemas[ref]
	k := kStruct
	switch {
	case ref == "io.k8s.apimachinery.pkg.runtime.RawExtension":
		name, k = "RawExtension", kRaw
	case ref == metaPrefix+"FieldsV1":
		k = kRaw
	case ref == "io.k8s.apimachinery.pkg.api.resource.Quantity", ref == "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
		ref == metaPrefix+"Time", ref == metaPrefix+"MicroTime":
	case m.handwritten[target.name][name]:
	case s != nil && s.Type == "" && len(s.Properties) == 0:
		k = kRaw
	}
	t := &gtype{kind: k, name: name}
	if target != p {
		t.pkg = target.name
		p.imports[target.name] = true
	}
	return t, nil
}

// resources reads the kinds' endpoints from the paths.
func (m *model) resources() error {
	for _, f := range m.sp.Files {
		for _, path := range sortedKeys(f.Paths) {
			var rest []string
			switch {
			case strings.HasPrefix(path, "/api/v1/"):
				rest = strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
			case strings.HasPrefix(path, "/apis/"):
				parts := strings.Split(strings.TrimPrefix(path, "/apis/"), "/")
				if len(parts) < 3 {
					continue
				}
				rest = parts[2:]
			default:
				continue
			}
			if len(rest) == 0 || rest[0] == "watch" || rest[0] == "" {
				continue
			}
			namespaced := len(rest) >= 3 && rest[0] == "namespaces" && rest[1] == "{namespace}"
			if namespaced {
				rest = rest[2:]
			}
			ops := operations(f.Paths[path])
			if len(ops) == 0 || strings.HasPrefix(rest[0], "{") {
				continue
			}
			if len(rest) > 2 || (len(rest) == 2 && rest[1] != "{name}") {
				continue
			}
			if err := m.resource(rest[0], namespaced, ops); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	m.attachSubresources()
	return nil
}

func (m *model) resource(plural string, namespaced bool, ops map[string]operation) error {
	for _, method := range sortedKeys(ops) {
		op := ops[method]
		if op.GVK == nil {
			continue
		}
		p := m.pkgs[packageName(op.GVK.Group, op.GVK.Version)]
		if p == nil {
			return fmt.Errorf("no package for %s/%s", op.GVK.Group, op.GVK.Version)
		}
		r := p.resources[op.GVK.Kind]
		if r == nil {
			r = &resource{kind: op.GVK.Kind, plural: plural, subresources: map[string]bool{}, verbs: map[string]bool{}}
			p.resources[op.GVK.Kind] = r
		}
		if r.plural != plural {
			return fmt.Errorf("kind %s served as both %s and %s", op.GVK.Kind, r.plural, plural)
		}
		r.namespaced = r.namespaced || namespaced
		r.verbs[op.Action] = true
	}
	return nil
}

// attachSubresources adds each subresource path to its parent resource, found
// by plural in the path's group/version (a subresource's kind may differ
// from its parent's: deployments/scale is an autoscaling/v1 Scale).
func (m *model) attachSubresources() {
	for _, f := range m.sp.Files {
		for _, path := range sortedKeys(f.Paths) {
			plural, sub, gv, ok := splitSubresourcePath(path)
			if !ok {
				continue
			}
			p := m.pkgs[gv]
			if p == nil {
				continue
			}
			for _, r := range p.resources {
				if r.plural == plural {
					r.subresources[sub] = true
				}
			}
		}
	}
}

// splitSubresourcePath returns the plural, subresource and package of a
// path like /apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale.
func splitSubresourcePath(path string) (plural, sub, pkgName string, ok bool) {
	var group, version string
	var rest []string
	switch {
	case strings.HasPrefix(path, "/api/v1/"):
		version, rest = "v1", strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	case strings.HasPrefix(path, "/apis/"):
		parts := strings.Split(strings.TrimPrefix(path, "/apis/"), "/")
		if len(parts) < 3 {
			return "", "", "", false
		}
		group, version, rest = parts[0], parts[1], parts[2:]
	default:
		return "", "", "", false
	}
	if len(rest) > 0 && rest[0] == "watch" {
		return "", "", "", false
	}
	if len(rest) >= 3 && rest[0] == "namespaces" && rest[1] == "{namespace}" {
		rest = rest[2:]
	}
	if len(rest) < 3 || rest[1] != "{name}" {
		return "", "", "", false
	}
	return rest[0], rest[2], packageName(group, version), true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
