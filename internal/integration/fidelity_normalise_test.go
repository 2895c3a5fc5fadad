//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// fidRVInMessage matches a resourceVersion value quoted in a message, as
// delete preconditions print them.
var fidRVInMessage = regexp.MustCompile(`(ResourceVersion in (?:the precondition|record) )\(\d+\)`)

// fidDefaulted lists, per kind, the fields kube-apiserver fills in that the
// fake server documents it does not: defaulting (pod spec defaults such as
// dnsPolicy, restartPolicy, schedulerName, terminationGracePeriodSeconds,
// terminationMessagePath/Policy, imagePullPolicy; deployment strategy,
// revisionHistoryLimit, progressDeadlineSeconds; service type,
// sessionAffinity, IP families, internalTrafficPolicy; PriorityClass
// preemptionPolicy), allocation (a service's cluster IPs) and admission
// (the service-account token volume, tolerations and priority a pod gets).
// The script never sends these fields, so the comparison removes them from
// both answers, and from managedFields, and compares what the client sent
// plus what the server sets in metadata and status. "*" is every element
// of a list.
var fidDefaulted = map[string][]string{
	"Pod": append(podSpecDefaults("spec."),
		"spec.enableServiceLinks", "spec.preemptionPolicy", "spec.priority", "spec.serviceAccount",
		"spec.serviceAccountName", "spec.tolerations", "spec.volumes", "spec.containers.*.volumeMounts"),
	"Deployment": append(podSpecDefaults("spec.template.spec."),
		"spec.strategy", "spec.revisionHistoryLimit", "spec.progressDeadlineSeconds"),
	"Service": {"spec.clusterIP", "spec.clusterIPs", "spec.type", "spec.sessionAffinity", "spec.ipFamilies",
		"spec.ipFamilyPolicy", "spec.internalTrafficPolicy"},
	"PriorityClass": {"preemptionPolicy"},
}

func podSpecDefaults(prefix string) []string {
	var out []string
	for _, f := range []string{"dnsPolicy", "restartPolicy", "schedulerName", "securityContext",
		"terminationGracePeriodSeconds", "containers.*.terminationMessagePath",
		"containers.*.terminationMessagePolicy", "containers.*.imagePullPolicy", "containers.*.resources"} {
		out = append(out, prefix+f)
	}
	return out
}

// fidNormaliser turns one run's answers into comparable text: the
// namespace becomes NS, generated names GENERATENAME+"XXXXX", uids <uid>;
// in objects the values of creationTimestamp, deletionTimestamp,
// resourceVersion, continue tokens and managedFields times are replaced by
// placeholders (their presence still counts), and fidDefaulted fields are
// removed.
type fidNormaliser struct {
	repl *strings.Replacer
}

func newFidNormaliser(ns string, out []fidResponse) *fidNormaliser {
	pairs := []string{ns, "NS"}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if md, ok := v["metadata"].(map[string]any); ok {
				name, _ := md["name"].(string)
				gen, _ := md["generateName"].(string)
				if gen != "" && name != "" && strings.HasPrefix(name, gen) && !seen[name] {
					seen[name] = true
					pairs = append(pairs, name, gen+"XXXXX")
				}
				if uid, _ := md["uid"].(string); uid != "" && !seen[uid] {
					seen[uid] = true
					pairs = append(pairs, uid, "<uid>")
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, r := range out {
		var v any
		if json.Unmarshal(r.Body, &v) == nil {
			walk(v)
		}
	}
	return &fidNormaliser{repl: strings.NewReplacer(pairs...)}
}

// step renders one answer for comparison.
func (n *fidNormaliser) step(r fidResponse) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "status: %d\n", r.Status)
	if r.Error != "" {
		fmt.Fprintf(&sb, "error: %s\n", n.repl.Replace(r.Error))
	}
	text := fidRVInMessage.ReplaceAllString(n.repl.Replace(string(r.Body)), "${1}(<rv>)")
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		sb.WriteString(text)
		return sb.String()
	}
	v = fidCanon(v, "")
	b, _ := json.MarshalIndent(v, "", "  ")
	sb.Write(b)
	return sb.String()
}

// fidCanon normalises v in place; kind is the kind of v's items when v is
// a list's item.
func fidCanon(v any, kind string) any {
	switch v := v.(type) {
	case map[string]any:
		if k, _ := v["kind"].(string); k != "" {
			kind = k
		}
		if md, ok := v["metadata"].(map[string]any); ok {
			canonMeta(md)
		}
		for _, path := range fidDefaulted[kind] {
			removePath(v, strings.Split(path, "."))
			if md, ok := v["metadata"].(map[string]any); ok {
				mfs, _ := md["managedFields"].([]any)
				for _, mf := range mfs {
					if mf, ok := mf.(map[string]any); ok {
						if f, ok := mf["fieldsV1"].(map[string]any); ok {
							removeFieldsPath(f, strings.Split(path, "."))
						}
					}
				}
			}
		}
		for k, x := range v {
			switch k {
			case "metadata":
			case "items":
				itemKind := strings.TrimSuffix(kind, "List")
				if items, ok := x.([]any); ok {
					for i := range items {
						items[i] = fidCanon(items[i], itemKind)
					}
				}
			default:
				v[k] = fidCanon(x, "")
			}
		}
		return v
	case []any:
		for i := range v {
			v[i] = fidCanon(v[i], "")
		}
		return v
	}
	return v
}

func canonMeta(md map[string]any) {
	for _, k := range []string{"creationTimestamp", "deletionTimestamp", "resourceVersion", "continue"} {
		if s, ok := md[k].(string); ok && s != "" {
			md[k] = "<" + k + ">"
		}
	}
	if mfs, ok := md["managedFields"].([]any); ok {
		for _, mf := range mfs {
			if mf, ok := mf.(map[string]any); ok && mf["time"] != nil {
				mf["time"] = "<time>"
			}
		}
		// The real server orders entries by their write time, to the
		// second; with the times normalised away, the order is compared
		// by manager, operation and subresource instead.
		sort.SliceStable(mfs, func(i, j int) bool { return managedKey(mfs[i]) < managedKey(mfs[j]) })
	}
}

// managedKey is the sort key of one managedFields entry.
func managedKey(mf any) string {
	m, _ := mf.(map[string]any)
	var b strings.Builder
	for _, k := range []string{"manager", "operation", "subresource"} {
		s, _ := m[k].(string)
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.String()
}

// removePath deletes the field at path from obj.
func removePath(obj any, path []string) {
	switch o := obj.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(o, path[0])
			return
		}
		if path[0] == "*" {
			return
		}
		removePath(o[path[0]], path[1:])
	case []any:
		if path[0] == "*" {
			for _, x := range o {
				removePath(x, path[1:])
			}
		}
	}
}

// removeFieldsPath deletes the field at path from a FieldsV1 set.
func removeFieldsPath(set map[string]any, path []string) {
	if path[0] == "*" {
		for k, x := range set {
			if sub, ok := x.(map[string]any); ok && (strings.HasPrefix(k, "k:") || strings.HasPrefix(k, "i:") || strings.HasPrefix(k, "v:")) {
				removeFieldsPath(sub, path[1:])
			}
		}
		return
	}
	key := "f:" + path[0]
	if len(path) == 1 {
		delete(set, key)
		return
	}
	if sub, ok := set[key].(map[string]any); ok {
		removeFieldsPath(sub, path[1:])
	}
}
