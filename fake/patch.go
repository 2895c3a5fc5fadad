package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apischema"
)

const (
	ctJSONPatch  = "application/json-patch+json"
	ctMergePatch = "application/merge-patch+json"
	ctSMP        = "application/strategic-merge-patch+json"
	ctApply      = "application/apply-patch+yaml"
)

func (s *Server) handlePatch(rq *request) error {
	accepted := ctJSONPatch + ", " + ctMergePatch + ", " + ctApply
	if rq.ri.CRD == "" {
		accepted = ctJSONPatch + ", " + ctMergePatch + ", " + ctSMP + ", " + ctApply
	}
	switch rq.ct {
	case ctJSONPatch, ctMergePatch, ctApply:
	case ctSMP:
		if rq.ri.CRD != "" {
			return errUnsupportedMedia(rq.ct, accepted)
		}
	default:
		if rq.ri.CRD == "" {
			// The built-in routes refuse the content type before the
			// handler runs, with the router's terse Status.
			return newStatus(http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType, "415: Unsupported Media Type", &metav1.StatusDetails{})
		}
		return errUnsupportedMedia(rq.ct, accepted)
	}
	if rq.ct == ctApply {
		return s.handleApply(rq)
	}
	if rq.q.Get("force") != "" {
		return errInvalidOptions("PatchOptions", fieldError{Type: "FieldValueForbidden", Field: "force", Detail: "may not be specified for non-apply patch"})
	}
	if !json.Valid(rq.body) {
		// Checked before the patch is decoded or the object read, for
		// the audit log (1.32 answered Go's decoding error).
		return errBadRequest("invalid JSON patch")
	}
	patch, err := decodePatch(rq.ct, rq.body)
	if err != nil {
		return err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	cur := s.st.data[rq.ri.storageKey()][objKey(rq.ns, rq.name)]
	if cur == nil {
		// A patch, even of scale, names the main resource.
		return errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
	}
	var doc any = copyObj(present(rq.ri, cur))
	if rq.sub == "scale" {
		doc = scaleOf(rq.ri, cur)
	}
	var patched any
	switch rq.ct {
	case ctJSONPatch:
		patched, err = applyJSONPatch(doc, patch)
		if err != nil {
			// The real server reports a failed JSON patch with a
			// generic 422 and no detail.
			return newStatus(http.StatusUnprocessableEntity, metav1.StatusReasonInvalid,
				"the server rejected our request due to an error in our request", &metav1.StatusDetails{})
		}
	case ctMergePatch:
		patched = applyMergePatch(doc, patch)
	case ctSMP:
		pm, _ := patch.(map[string]any)
		t := rootType(rq.ri)
		if rq.sub == "scale" {
			t = nil
		}
		patched, err = applySMP(doc.(map[string]any), pm, t)
		if ae, ok := err.(*apiError); ok {
			return ae
		}
		if err != nil {
			return errBadRequest(err.Error())
		}
	}
	po, ok := patched.(map[string]any)
	if !ok {
		return errBadRequest("the patched document is not an object")
	}
	if rq.sub == "scale" {
		return s.writeScale(rq, cur, po)
	}
	if n := metaString(po, "name"); n != rq.name {
		return errBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, rq.name))
	}
	if err := checkTypeMeta(rq.ri, po); err != nil {
		return err
	}
	// The patched object is decoded as a body is (see pipeline.go).
	if err := s.decodeTyped(rq, po, nil, nil); err != nil {
		return err
	}
	out, code, err := s.update(rq, po, "Update")
	if err != nil {
		return err
	}
	s.writeObject(rq, code, out)
	return nil
}

// jsonPatchOp is the shape the real server checks every JSON patch
// operation against before applying the patch; decoding errors name it.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from"`
	Value any    `json:"value"`
}

// decodePatch decodes a JSON, merge or strategic merge patch body with the
// real server's decoding errors (Go's encoding/json wording).
func decodePatch(ct string, body []byte) (any, error) {
	var err error
	switch ct {
	case ctJSONPatch:
		var ops []jsonPatchOp
		if err = json.Unmarshal(body, &ops); err != nil {
			err = fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "fake.jsonPatchOp", "handlers.jsonPatchOp"))
		}
	default:
		var m map[string]any
		err = json.Unmarshal(body, &m)
	}
	if err != nil {
		if ct == ctSMP {
			return nil, errBadRequest(err.Error())
		}
		return nil, errBadRequest(fmt.Sprintf("error decoding patch: %v", err))
	}
	patch, err := decodeAny(body)
	if err != nil {
		return nil, errBadRequest(fmt.Sprintf("error decoding patch: %v", err))
	}
	if patch == nil && ct == ctMergePatch {
		// The merge patch library refuses a null patch.
		return nil, errBadRequest("Invalid JSON Patch")
	}
	if patch == nil && ct == ctSMP {
		patch = map[string]any{}
	}
	if patch == nil {
		patch = []any{}
	}
	return patch, nil
}

// handleApply serves server-side apply.
func (s *Server) handleApply(rq *request) error {
	if rq.q.Get("fieldManager") == "" {
		return errInvalidOptions("PatchOptions", fieldError{Type: "FieldValueRequired", Field: "fieldManager", Detail: "is required for apply patch"})
	}
	if rq.sub == "scale" {
		return newStatus(http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed, "the fake API server does not implement server-side apply on the scale subresource", nil)
	}
	if err := yamlTranscodeError(rq.body); err != nil {
		return errBadRequest(fmt.Sprintf("error encoding patch: %v", err))
	}
	cfg, err := decodeYAMLObject(rq.body)
	if err != nil {
		if yerr := yamlConvertError(rq.body); yerr != nil {
			err = yerr
		}
		return errBadRequest(fmt.Sprintf("error decoding patch: %v", err))
	}
	av, _ := cfg["apiVersion"].(string)
	kind, _ := cfg["kind"].(string)
	if av != rq.ri.groupVersion() || kind != rq.ri.Kind {
		group, version := splitGV(av)
		return errBadRequest(fmt.Sprintf("invalid object type: %s/%s, Kind=%s", group, version, kind))
	}
	if n := metaString(cfg, "name"); n != "" && n != rq.name {
		return errBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, rq.name))
	}
	if err := applySchemaError(rq, cfg, s.opts.keepUnknown); err != nil {
		return err
	}
	// A custom resource's applied configuration is pruned to its schema;
	// the manager owns what it applied, not the schema's defaults.
	owned := copyObj(cfg)
	if _, err := s.typedDecode(rq.ri, cfg); err != nil {
		return applyConvertError(rq, err)
	}
	if rq.ri.CRD != "" && rq.ri.Schema != nil {
		pruneCR(owned, rq.ri.Schema)
	} else {
		owned = cfg
	}
	force := boolParam(rq.q.Get("force"))
	s.st.mu.Lock()
	cur := s.st.data[rq.ri.storageKey()][objKey(rq.ns, rq.name)]
	if cur == nil {
		s.st.mu.Unlock()
		if rq.sub != "" {
			return errNotFound(rq.ri.Group, rq.ri.Resource, rq.name)
		}
		if uid := metaString(cfg, "uid"); uid != "" {
			// The uid an applied configuration names is a
			// precondition, and no object has it.
			return errConflict(rq.ri.Group, rq.ri.Resource, rq.name, fmt.Sprintf("uid mismatch: the provided object specified uid %s, and no existing object was found", uid))
		}
		o := copyObj(cfg)
		setMeta(o, "name", rq.name)
		entry := &managedEntry{Manager: rq.manager, Operation: "Apply", APIVersion: rq.ri.groupVersion(), Time: now(), set: fieldsOf(rq.ri, owned, "")}
		writeManaged(o, []*managedEntry{entry})
		out, code, err := s.create(rq, o)
		if err != nil {
			return err
		}
		s.writeObject(rq, code, out)
		return nil
	}
	defer s.st.mu.Unlock()
	live := copyObj(present(rq.ri, cur))
	entries := readManaged(live)
	applied := fieldsOf(rq.ri, owned, rq.sub)
	liveFields := fieldsOf(rq.ri, live, rq.sub)

	// Conflicts: fields another manager owns whose value would change.
	var conflicts []conflict
	for _, e := range entries {
		if e.Manager == rq.manager && e.Operation == "Apply" || e.Subresource != rq.sub {
			continue
		}
		for p := range e.set {
			av, inApplied := applied[p]
			if !inApplied || strings.HasSuffix(p, sep+".") {
				continue
			}
			if lv, ok := liveFields[p]; ok && equalJSON(lv, av) {
				continue
			}
			conflicts = append(conflicts, conflict{e, p})
		}
	}
	if len(conflicts) > 0 && !force {
		return conflictError(rq, conflicts)
	}
	for _, c := range conflicts {
		delete(c.e.set, c.path)
	}
	// Fields this manager applied before and no longer applies, and that
	// no one else owns, are removed.
	var mine *managedEntry
	others := fieldSet{}
	for _, e := range entries {
		if e.Manager == rq.manager && e.Operation == "Apply" && e.Subresource == rq.sub {
			mine = e
			continue
		}
		for p := range e.set {
			others[p] = nil
		}
	}
	t := rootType(rq.ri)
	if mine != nil {
		var drop []string
		for p := range mine.set {
			if _, ok := applied[p]; ok {
				continue
			}
			if _, ok := others[p]; ok {
				continue
			}
			drop = append(drop, p)
		}
		sort.Sort(sort.Reverse(sort.StringSlice(drop)))
		// A keyed item that goes is removed whole: its fields first
		// would leave it without its key.
		var items []string
		for _, p := range drop {
			segs := strings.Split(p, sep)
			if n := len(segs); n >= 2 && segs[n-1] == "." && strings.HasPrefix(segs[n-2], "k:") {
				items = append(items, strings.TrimSuffix(p, "."))
			}
		}
		drop = slices.DeleteFunc(drop, func(p string) bool {
			for _, it := range items {
				if strings.HasPrefix(p, it) && p != it+"." {
					return true
				}
			}
			return false
		})
		for _, p := range drop {
			removeAtPath(live, strings.Split(p, sep), t)
		}
	} else {
		mine = &managedEntry{Manager: rq.manager, Operation: "Apply", APIVersion: rq.ri.groupVersion(), Subresource: rq.sub}
		entries = append(entries, mine)
	}
	for k, v := range cfg {
		if k == "apiVersion" || k == "kind" {
			continue
		}
		if rq.sub == "status" && !rq.ri.statusWrites(k) || rq.sub == "" && k == "status" && rq.ri.hasStatus() {
			continue
		}
		if k == "metadata" {
			md, _ := v.(map[string]any)
			lmd := meta(live)
			for mk, mv := range md {
				if ignoredMeta[mk] || rq.sub == "status" && !slices.Contains(rq.ri.statusMeta(), mk) {
					continue
				}
				f, _ := apischema.TypeNamed("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").Field(mk)
				lmd[mk] = mergeApply(lmd[mk], mv, f)
			}
			continue
		}
		if rq.ri.CRD != "" && rq.ri.Schema != nil {
			live[k] = mergeApplyCR(live[k], owned[k], rq.ri.Schema.Properties[k])
			continue
		}
		f, _ := t.Field(k)
		live[k] = mergeApply(live[k], v, f)
	}
	// As in the real server, an apply that leaves the object as it was
	// keeps the manager's timestamp, so it changes nothing at all.
	if mine.Time == "" || !equalJSON(live, present(rq.ri, cur)) {
		mine.Time = now()
	}
	mine.set = applied
	writeManaged(live, entries)
	if rv := metaString(cfg, "resourceVersion"); rv != "" {
		meta(live)["resourceVersion"] = rv
	}
	out, code, err := s.update(rq, live, "Apply")
	if err != nil {
		return err
	}
	s.writeObject(rq, code, out)
	return nil
}

type conflict struct {
	e    *managedEntry
	path string
}

func managerString(e *managedEntry) string {
	m := fmt.Sprintf("%q", e.Manager)
	if e.Subresource != "" {
		m += fmt.Sprintf(" with subresource %q", e.Subresource)
	}
	if e.Operation == "Update" {
		if e.Time == "" {
			return m + " using " + e.APIVersion
		}
		return m + " using " + e.APIVersion + " at " + e.Time
	}
	return m
}

// conflictError is the 409 of an apply that would take fields from other
// managers.
func conflictError(rq *request, cs []conflict) error {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].e.Manager != cs[j].e.Manager {
			return cs[i].e.Manager < cs[j].e.Manager
		}
		return pathString(cs[i].path) < pathString(cs[j].path)
	})
	var causes []metav1.StatusCause
	for _, c := range cs {
		causes = append(causes, metav1.StatusCause{Type: "FieldManagerConflict", Message: "conflict with " + managerString(c.e), Field: pathString(c.path)})
	}
	var msg string
	if len(cs) == 1 {
		msg = fmt.Sprintf("Apply failed with 1 conflict: conflict with %s: %s", managerString(cs[0].e), pathString(cs[0].path))
	} else {
		var lines []string
		last := ""
		for _, c := range cs {
			if ms := managerString(c.e); ms != last {
				lines = append(lines, "conflicts with "+ms+":")
				last = ms
			}
			lines = append(lines, "- "+pathString(c.path))
		}
		msg = fmt.Sprintf("Apply failed with %d conflicts: %s", len(cs), strings.Join(lines, "\n"))
	}
	return newStatus(http.StatusConflict, metav1.StatusReasonConflict, msg, &metav1.StatusDetails{Causes: causes})
}

// mergeApply merges an applied value into a live one by the field's list
// and map types.
func mergeApply(live, applied any, f apischema.Field) any {
	child := apischema.TypeNamed(f.Type)
	switch a := applied.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok || f.Atomic() {
			return deepCopy(a)
		}
		for k, v := range a {
			cf, _ := child.Field(k)
			if f.Map {
				cf = apischema.Field{Type: f.Type}
			}
			l[k] = mergeApply(l[k], v, cf)
		}
		return l
	case []any:
		l, ok := live.([]any)
		keys := f.ListMapKeys
		if len(keys) == 0 && f.PatchMergeKey != "" && f.HasStrategy("merge") {
			keys = []string{f.PatchMergeKey}
		}
		switch {
		case !ok || f.ListType == "atomic":
			return deepCopy(a)
		case f.ListType == "map" || len(keys) > 0:
			for _, it := range a {
				am, ok := it.(map[string]any)
				if !ok {
					return deepCopy(a)
				}
				k := itemKey(am, keys, f.Item)
				found := false
				for i, x := range l {
					if xm, ok := x.(map[string]any); ok && itemKey(xm, keys, f.Item) == k {
						l[i] = mergeApply(xm, am, apischema.Field{Type: f.Type})
						found = true
						break
					}
				}
				if !found {
					l = append(l, deepCopy(am))
				}
			}
			return l
		case f.ListType == "set" || f.HasStrategy("merge"):
			for _, it := range a {
				if !containsJSON(l, it) {
					l = append(l, deepCopy(it))
				}
			}
			return l
		}
		return deepCopy(a)
	}
	return deepCopy(applied)
}

// removeAtPath deletes the value at a field path from o.
func removeAtPath(o obj, segs []string, t *apischema.Type) {
	var cur any = o
	for i, seg := range segs {
		last := i == len(segs)-1
		switch {
		case seg == ".":
			return // handled by the parent "k:" step
		case strings.HasPrefix(seg, "f:"):
			m, ok := cur.(map[string]any)
			if !ok {
				return
			}
			if last {
				delete(m, seg[2:])
				return
			}
			if i+2 == len(segs) && strings.HasPrefix(segs[i+1], "v:") || i+3 == len(segs) && strings.HasPrefix(segs[i+1], "k:") && segs[i+2] == "." {
				l, _ := m[seg[2:]].([]any)
				m[seg[2:]] = removeItem(l, segs[i+1])
				return
			}
			cur = m[seg[2:]]
		case strings.HasPrefix(seg, "k:"):
			l, ok := cur.([]any)
			if !ok {
				return
			}
			var want map[string]any
			json.Unmarshal([]byte(seg[2:]), &want)
			if i+2 == len(segs) && segs[i+1] == "." {
				return
			}
			cur = nil
			for _, x := range l {
				if xm, ok := x.(map[string]any); ok && matchesKey(xm, want) {
					cur = xm
				}
			}
		default:
			return
		}
	}
}

func matchesKey(m, want map[string]any) bool {
	for k, v := range want {
		if !equalJSON(m[k], normalizeNumbers(v)) {
			return false
		}
	}
	return true
}

func normalizeNumbers(v any) any {
	if f, ok := v.(float64); ok {
		b, _ := json.Marshal(f)
		return json.Number(b)
	}
	return v
}

// removeItem drops the list item a "k:" or "v:" member names.
func removeItem(l []any, seg string) []any {
	var out []any
	for _, x := range l {
		switch {
		case strings.HasPrefix(seg, "k:"):
			var want map[string]any
			json.Unmarshal([]byte(seg[2:]), &want)
			if xm, ok := x.(map[string]any); ok && matchesKey(xm, want) {
				continue
			}
		case strings.HasPrefix(seg, "v:"):
			b, _ := json.Marshal(x)
			if "v:"+string(b) == seg {
				continue
			}
		}
		out = append(out, x)
	}
	return out
}

// mergeApplyCR merges an applied value of a custom resource into the live
// one as server-side apply does, by its CRD's schema (s, nil where the
// schema says nothing): objects member by member, a set by its items and
// a map list by its keys (live items first, new ones after), other lists
// replaced.
func mergeApplyCR(live, applied any, s *crdSchema) any {
	switch a := applied.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return deepCopy(a)
		}
		for k, v := range a {
			var cs *crdSchema
			if s != nil {
				if cs = s.Properties[k]; cs == nil {
					cs = s.Additional
				}
			}
			l[k] = mergeApplyCR(l[k], v, cs)
		}
		return l
	case []any:
		l, ok := live.([]any)
		if !ok || s == nil || s.ListType != "set" && s.ListType != "map" {
			return deepCopy(a)
		}
		out := append([]any(nil), l...)
		for _, it := range a {
			found := false
			for i, x := range out {
				if s.ListType == "set" && equalJSON(x, it) {
					found = true
					break
				}
				xm, xok := x.(map[string]any)
				am, aok := it.(map[string]any)
				if s.ListType == "map" && xok && aok && itemKey(xm, s.ListMapKeys, "") == itemKey(am, s.ListMapKeys, "") {
					out[i] = mergeApplyCR(xm, am, s.Items)
					found = true
					break
				}
			}
			if !found {
				out = append(out, deepCopy(it))
			}
		}
		return out
	}
	return deepCopy(applied)
}
