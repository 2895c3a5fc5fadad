package fake

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// morePrinters print the less listed kinds: admission policy bindings,
// APIServices, controller revisions, certificates, flow control, IP
// addresses, dynamic resource allocation, CSI nodes, storage version
// migrations and component statuses.
var morePrinters = map[string]rowPrinter{
	"admissionregistration.k8s.io/validatingadmissionpolicybindings": printPolicyBinding,
	"admissionregistration.k8s.io/mutatingadmissionpolicybindings":   printPolicyBinding,
	"apiregistration.k8s.io/apiservices":                             printAPIService,
	"apps/controllerrevisions":                                       printControllerRevision,
	"certificates.k8s.io/certificatesigningrequests":                 printCSR,
	"certificates.k8s.io/clustertrustbundles": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), orNone(sget(o, "spec", "signerName"))}
	},
	"certificates.k8s.io/podcertificaterequests":               printPodCertificateRequest,
	"flowcontrol.apiserver.k8s.io/flowschemas":                 printFlowSchema,
	"flowcontrol.apiserver.k8s.io/prioritylevelconfigurations": printPriorityLevel,
	"networking.k8s.io/ipaddresses":                            printIPAddress,
	"resource.k8s.io/devicetaintrules":                         printDeviceTaintRule,
	"resource.k8s.io/resourceclaims":                           printResourceClaim,
	"resource.k8s.io/resourceslices": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), sget(o, "spec", "nodeName"), sget(o, "spec", "driver"), sget(o, "spec", "pool", "name"), cellAge(o)}
	},
	"storage.k8s.io/csinodes": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), int64(len(lget(o, "spec", "drivers"))), cellAge(o)}
	},
	"storagemigration.k8s.io/storageversionmigrations": printStorageVersionMigration,
	"/componentstatuses": printComponentStatus,
}

// goLabelSelector prints a label selector as the Go type's String method
// does ("&LabelSelector{MatchLabels:map[string]string{k: v,},...}").
func goLabelSelector(sel map[string]any) string {
	var b strings.Builder
	b.WriteString("&LabelSelector{MatchLabels:map[string]string{")
	ml := nestedMap(sel, "matchLabels")
	keys := make([]string, 0, len(ml))
	for k := range ml {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %v,", k, ml[k])
	}
	b.WriteString("},MatchExpressions:[]LabelSelectorRequirement{")
	for _, e := range mapItems(lget(sel, "matchExpressions")) {
		fmt.Fprintf(&b, "LabelSelectorRequirement{Key:%s,Operator:%s,Values:[%s],},", str(e, "key"), str(e, "operator"), strings.Join(stringList(e["values"]), " "))
	}
	b.WriteString("},}")
	return b.String()
}

func printPolicyBinding(o obj, _ []obj) []any {
	param := "<unset>"
	if pr := nestedMap(o, "spec", "paramRef"); pr != nil {
		switch {
		case str(pr, "name") != "" && str(pr, "namespace") != "":
			param = str(pr, "namespace") + "/" + str(pr, "name")
		case str(pr, "name") != "":
			param = "*/" + str(pr, "name")
		case pr["selector"] != nil:
			param = goLabelSelector(asMap(pr["selector"]))
		}
	}
	return []any{metaString(o, "name"), sget(o, "spec", "policyName"), param, cellAge(o)}
}

func printAPIService(o obj, _ []obj) []any {
	service := "Local"
	if svc := nestedMap(o, "spec", "service"); svc != nil {
		service = str(svc, "namespace") + "/" + str(svc, "name")
	}
	status := "Unknown"
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		if str(c, "type") != "Available" {
			continue
		}
		status = str(c, "status")
		if status != "True" && str(c, "reason") != "" {
			status = fmt.Sprintf("%s (%s)", status, str(c, "reason"))
		}
		break
	}
	return []any{metaString(o, "name"), service, status, cellAge(o)}
}

func printControllerRevision(o obj, _ []obj) []any {
	controller := "<none>"
	for _, ref := range mapItems(lget(o, "metadata", "ownerReferences")) {
		if ref["controller"] != true {
			continue
		}
		kind := str(ref, "kind")
		if g, _, ok := strings.Cut(str(ref, "apiVersion"), "/"); ok && g != "" {
			kind += "." + g
		}
		controller = str(ref, "name")
		if kind != "" {
			controller = strings.ToLower(kind) + "/" + controller
		}
		break
	}
	return []any{metaString(o, "name"), controller, iget(o, "revision"), cellAge(o)}
}

func printCSR(o obj, _ []obj) []any {
	var approved, denied, failed bool
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		switch str(c, "type") {
		case "Approved":
			approved = true
		case "Denied":
			denied = true
		case "Failed":
			failed = true
		}
	}
	status := "Pending"
	if denied {
		status = "Denied"
	} else if approved {
		status = "Approved"
	}
	if failed {
		status += ",Failed"
	}
	if sget(o, "status", "certificate") != "" {
		status += ",Issued"
	}
	requested := "<none>"
	if s, ok := numberInt(nested(o, "spec", "expirationSeconds")); ok {
		requested = humanDuration(time.Duration(s) * time.Second)
	}
	return []any{metaString(o, "name"), cellAge(o), orNone(sget(o, "spec", "signerName")), sget(o, "spec", "username"), requested, status}
}

func printPodCertificateRequest(o obj, _ []obj) []any {
	state := "Pending"
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		switch t := str(c, "type"); t {
		case "Issued", "Denied", "Failed":
			state = t
		}
	}
	return []any{metaString(o, "name"), sget(o, "spec", "podName"), sget(o, "spec", "serviceAccountName"), sget(o, "spec", "nodeName"),
		sget(o, "spec", "signerName"), state, formatLabels(nested(o, "spec", "unverifiedUserAnnotations"))}
}

func printFlowSchema(o obj, _ []obj) []any {
	method := "<none>"
	if m := nestedMap(o, "spec", "distinguisherMethod"); m != nil {
		method = str(m, "type")
	}
	dangling := "?"
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		if str(c, "type") == "Dangling" {
			dangling = str(c, "status")
			break
		}
	}
	return []any{metaString(o, "name"), sget(o, "spec", "priorityLevelConfiguration", "name"), iget(o, "spec", "matchingPrecedence"), method, cellAge(o), dangling}
}

func printPriorityLevel(o obj, _ []obj) []any {
	var shares, queues, hand, limit any = "<none>", "<none>", "<none>", "<none>"
	if l := nestedMap(o, "spec", "limited"); l != nil {
		shares = iget(l, "nominalConcurrencyShares")
		if q := nestedMap(l, "limitResponse", "queuing"); q != nil {
			queues, hand, limit = iget(q, "queues"), iget(q, "handSize"), iget(q, "queueLengthLimit")
		}
	}
	return []any{metaString(o, "name"), sget(o, "spec", "type"), shares, queues, hand, limit, cellAge(o)}
}

func printIPAddress(o obj, _ []obj) []any {
	parent := "<none>"
	if p := nestedMap(o, "spec", "parentRef"); p != nil {
		parent = str(p, "resource")
		if g := str(p, "group"); g != "" {
			parent += "." + g
		}
		parent = strings.ToLower(parent)
		if ns := str(p, "namespace"); ns != "" {
			parent += "/" + ns
		}
		parent += "/" + str(p, "name")
	}
	return []any{metaString(o, "name"), parent, cellAge(o)}
}

func printDeviceTaintRule(o obj, _ []obj) []any {
	added := ""
	if ts := sget(o, "spec", "taint", "timeAdded"); ts != "" {
		added = since(ts)
	}
	return []any{metaString(o, "name"), sget(o, "spec", "taint", "key"), sget(o, "spec", "taint", "value"), sget(o, "spec", "taint", "effect"), added, cellAge(o)}
}

func printResourceClaim(o obj, _ []obj) []any {
	var states []string
	deleting := metaString(o, "deletionTimestamp") != ""
	if deleting {
		states = append(states, "deleted")
	}
	if nested(o, "status", "allocation") == nil {
		if !deleting {
			states = append(states, "pending")
		}
	} else {
		states = append(states, "allocated")
		if len(lget(o, "status", "reservedFor")) > 0 {
			states = append(states, "reserved")
		}
	}
	return []any{metaString(o, "name"), strings.Join(states, ","), cellAge(o)}
}

func printStorageVersionMigration(o obj, _ []obj) []any {
	gr := sget(o, "spec", "resource", "resource")
	if g := sget(o, "spec", "resource", "group"); g != "" {
		gr += "." + g
	}
	status := "Unknown"
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		if str(c, "status") != "True" {
			continue
		}
		switch t := str(c, "type"); t {
		case "Running", "Failed", "Succeeded":
			status = t
		}
	}
	return []any{metaString(o, "name"), gr, status}
}

func printComponentStatus(o obj, _ []obj) []any {
	status, message, errText := "Unknown", "", ""
	for _, c := range mapItems(lget(o, "conditions")) {
		if str(c, "type") != "Healthy" {
			continue
		}
		status = "Unhealthy"
		if str(c, "status") == "True" {
			status = "Healthy"
		}
		message, errText = str(c, "message"), str(c, "error")
		break
	}
	return []any{metaString(o, "name"), status, message, errText}
}
