//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
)

// fidRVInMessage matches a resourceVersion value quoted in a message, as
// delete preconditions print them.
var fidRVInMessage = regexp.MustCompile(`(ResourceVersion in (?:the precondition|record) )\(\d+\)`)

// fidDefaulted lists, per kind, fields whose values differ between runs by
// design and are replaced by a placeholder (their presence still counts):
// allocated cluster IPs (checked to be in the harness's 10.0.0.0/24) and
// node ports (checked to be in 30000-32767). Everything else the servers
// fill in (defaulting, service-account admission) is compared as it is.
var fidDefaulted = map[string][]string{}

// fidStructDiff matches the unified diff a pod or claim update error
// appends to its message (after "\n@@ "): kube-apiserver's is of its
// internal Go types (Go field names and order), which the fake does not
// have; the message's first line is still compared.
var fidStructDiff = regexp.MustCompile(`\\n@@ -(?:[^"\\]|\\.)*`)

// fidTokenVolume matches the service-account token volume's name, whose
// suffix is random.
var fidTokenVolume = regexp.MustCompile(`kube-api-access-[a-z0-9]{5}`)

// fidAllocated replaces allocated values in a Service by placeholders.
func fidAllocated(v map[string]any) {
	spec, _ := v["spec"].(map[string]any)
	if spec == nil {
		return
	}
	inRange := func(x any) any {
		s, _ := x.(string)
		if ip, err := netip.ParseAddr(s); err == nil && netip.MustParsePrefix("10.0.0.0/24").Contains(ip) {
			return "<clusterIP>"
		}
		return x
	}
	if ip, ok := spec["clusterIP"]; ok {
		spec["clusterIP"] = inRange(ip)
	}
	if ips, ok := spec["clusterIPs"].([]any); ok {
		for i := range ips {
			ips[i] = inRange(ips[i])
		}
	}
	if ports, ok := spec["ports"].([]any); ok {
		for _, p := range ports {
			if pm, ok := p.(map[string]any); ok {
				if n, ok := pm["nodePort"].(float64); ok && n >= 30000 && n <= 32767 {
					pm["nodePort"] = "<nodePort>"
				}
			}
		}
	}
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
	for _, w := range r.Warnings {
		fmt.Fprintf(&sb, "warning: %s\n", n.repl.Replace(w))
	}
	text := fidRVInMessage.ReplaceAllString(n.repl.Replace(string(r.Body)), "${1}(<rv>)")
	text = fidTokenVolume.ReplaceAllString(text, "kube-api-access-XXXXX")
	text = fidStructDiff.ReplaceAllString(text, `\n<diff>`)
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
		if kind == "Service" {
			fidAllocated(v)
		}
		if t, ok := v["lastPhaseTransitionTime"].(string); ok && t != "" {
			v["lastPhaseTransitionTime"] = "<time>"
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
	case string:
		// A strict decoding error of a patch quotes the patched
		// object, timestamps and all, in the server's own member order.
		return fidPatchedObject.ReplaceAllString(v, `Invalid value: "<patched object>": strict decoding error`)
	}
	return v
}

// fidPatchedObject matches the patched object a strict patch error quotes.
var fidPatchedObject = regexp.MustCompile(`Invalid value: "(?:[^"\\]|\\.)*": strict decoding error`)

// fidHarnessAPIServer is the field manager of kube-apiserver's own writes
// in the harness: its client is named after the binary,
// kube-apiserver-v1.37.2 there, kube-apiserver in a cluster.
const fidHarnessAPIServer = "kube-apiserver-v1.37.2"

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
			if mf, ok := mf.(map[string]any); ok && mf["manager"] == fidHarnessAPIServer {
				// kube-apiserver's own writes (the quota plugin's) are
				// managed by the name of its binary.
				mf["manager"] = "kube-apiserver"
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
