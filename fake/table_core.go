package fake

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// corePrinters print the core, networking and discovery kinds as
// kube-apiserver's printers do.
var corePrinters = map[string]rowPrinter{
	"/services":                        printService,
	"/endpoints":                       printEndpoints,
	"discovery.k8s.io/endpointslices":  printEndpointSlice,
	"networking.k8s.io/ingresses":      printIngress,
	"networking.k8s.io/ingressclasses": printIngressClass,
	"networking.k8s.io/networkpolicies": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), printSelector(orEmptyMap(nested(o, "spec", "podSelector"))), cellAge(o)}
	},
	"/nodes": printNode,
	"/namespaces": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), sget(o, "status", "phase"), cellAge(o)}
	},
	"/configmaps": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), int64(len(nestedMap(o, "data")) + len(nestedMap(o, "binaryData"))), cellAge(o)}
	},
	"/secrets": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), str(o, "type"), int64(len(nestedMap(o, "data"))), cellAge(o)}
	},
	"/serviceaccounts":        func(o obj, _ []obj) []any { return []any{metaString(o, "name"), cellAge(o)} },
	"/persistentvolumes":      printPV,
	"/persistentvolumeclaims": printPVC,
	"/events":                 printEvent,
	"events.k8s.io/events":    printEventsV1,
	"/resourcequotas":         printResourceQuota,
}

// orEmptyMap stands for a struct held by value: absent is empty.
func orEmptyMap(v any) any {
	if v == nil {
		return map[string]any{}
	}
	return v
}

func printService(o obj, _ []obj) []any {
	internal := "<none>"
	if ips := stringList(nested(o, "spec", "clusterIPs")); len(ips) > 0 {
		internal = ips[0]
	}
	var ports []string
	for _, p := range mapItems(lget(o, "spec", "ports")) {
		s := fmt.Sprintf("%d/%s", iget(p, "port"), str(p, "protocol"))
		if np := iget(p, "nodePort"); np > 0 {
			s = fmt.Sprintf("%d:%d/%s", iget(p, "port"), np, str(p, "protocol"))
		}
		ports = append(ports, s)
	}
	portText := strings.Join(ports, ",")
	if portText == "" {
		portText = "<none>"
	}
	return []any{metaString(o, "name"), sget(o, "spec", "type"), internal, serviceExternalIP(o), portText, cellAge(o),
		formatLabels(nested(o, "spec", "selector"))}
}

// loadBalancerText lists a load balancer status's IPs or hostnames, sorted
// and unique.
func loadBalancerText(ingress []any) string {
	set := map[string]bool{}
	for _, i := range mapItems(ingress) {
		if ip := str(i, "ip"); ip != "" {
			set[ip] = true
		} else if h := str(i, "hostname"); h != "" {
			set[h] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func serviceExternalIP(o obj) string {
	external := stringList(nested(o, "spec", "externalIPs"))
	switch sget(o, "spec", "type") {
	case "ClusterIP", "NodePort":
		if len(external) > 0 {
			return strings.Join(external, ",")
		}
		return "<none>"
	case "LoadBalancer":
		lb := loadBalancerText(lget(o, "status", "loadBalancer", "ingress"))
		if len(external) > 0 {
			var all []string
			if lb != "" {
				all = strings.Split(lb, ",")
			}
			return strings.Join(append(all, external...), ",")
		}
		if lb != "" {
			return lb
		}
		return "<pending>"
	case "ExternalName":
		return sget(o, "spec", "externalName")
	}
	return "<unknown>"
}

func printEndpoints(o obj, _ []obj) []any {
	return []any{metaString(o, "name"), formatEndpoints(mapItems(lget(o, "subsets"))), cellAge(o)}
}

// formatEndpoints lists up to three address:port pairs of the subsets.
func formatEndpoints(subsets []map[string]any) string {
	if len(subsets) == 0 {
		return "<none>"
	}
	var list []string
	count := 0
	for _, ss := range subsets {
		addrs := mapItems(lget(ss, "addresses"))
		ports := mapItems(lget(ss, "ports"))
		if len(ports) == 0 {
			count += len(addrs)
			for _, a := range addrs {
				list = append(list, str(a, "ip"))
			}
			continue
		}
		for _, p := range ports {
			count += len(addrs)
			for _, a := range addrs {
				list = append(list, net.JoinHostPort(str(a, "ip"), strconv.FormatInt(iget(p, "port"), 10)))
			}
		}
	}
	if count > 3 && len(list) > 3 {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:3], ","), count-3)
	}
	return strings.Join(list, ",")
}

func printEndpointSlice(o obj, _ []obj) []any {
	var ports []string
	for _, p := range mapItems(lget(o, "ports")) {
		switch {
		case p["port"] != nil:
			ports = append(ports, strconv.FormatInt(iget(p, "port"), 10))
		case p["name"] != nil:
			ports = append(ports, str(p, "name"))
		default:
			ports = append(ports, "*")
		}
	}
	var addrs []string
	for _, e := range mapItems(lget(o, "endpoints")) {
		addrs = append(addrs, stringList(e["addresses"])...)
	}
	return []any{metaString(o, "name"), str(o, "addressType"), listWithMore(ports, len(ports), 3), listWithMore(addrs, len(addrs), 3), cellAge(o)}
}

func printIngress(o obj, _ []obj) []any {
	class := "<none>"
	if c, ok := nested(o, "spec", "ingressClassName").(string); ok {
		class = c
	}
	rules := mapItems(lget(o, "spec", "rules"))
	var hosts []string
	more := false
	for _, r := range rules {
		if len(hosts) == 3 {
			more = true
		}
		if !more && str(r, "host") != "" {
			hosts = append(hosts, str(r, "host"))
		}
	}
	hostText := strings.Join(hosts, ",")
	switch {
	case len(hosts) == 0:
		hostText = "*"
	case more:
		hostText = fmt.Sprintf("%s + %d more...", hostText, len(rules)-3)
	}
	ports := "80"
	if len(lget(o, "spec", "tls")) != 0 {
		ports = "80, 443"
	}
	return []any{metaString(o, "name"), class, hostText, loadBalancerText(lget(o, "status", "loadBalancer", "ingress")), ports, cellAge(o)}
}

func printIngressClass(o obj, _ []obj) []any {
	name := metaString(o, "name")
	if sget(o, "metadata", "annotations", "ingressclass.kubernetes.io/is-default-class") == "true" {
		name += " (default)"
	}
	params := "<none>"
	if p := nestedMap(o, "spec", "parameters"); p != nil {
		params = str(p, "kind")
		if g, ok := p["apiGroup"].(string); ok {
			params += "." + g
		}
		params += "/" + str(p, "name")
	}
	return []any{name, sget(o, "spec", "controller"), params, cellAge(o)}
}

func printNode(o obj, _ []obj) []any {
	var status []string
	for _, c := range mapItems(lget(o, "status", "conditions")) {
		if str(c, "type") == "Ready" {
			status = []string{"NotReady"}
			if str(c, "status") == "True" {
				status = []string{"Ready"}
			}
		}
	}
	if len(status) == 0 {
		status = []string{"Unknown"}
	}
	if bget(o, "spec", "unschedulable") {
		status = append(status, "SchedulingDisabled")
	}
	roleSet := map[string]bool{}
	for k, v := range nestedMap(o, "metadata", "labels") {
		s, _ := v.(string)
		switch {
		case strings.HasPrefix(k, "node-role.kubernetes.io/"):
			if r := strings.TrimPrefix(k, "node-role.kubernetes.io/"); r != "" {
				roleSet[r] = true
			}
		case k == "kubernetes.io/role" && s != "":
			roleSet[s] = true
		}
	}
	roles := make([]string, 0, len(roleSet))
	for r := range roleSet {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	info := nestedMap(o, "status", "nodeInfo")
	unknown := func(s string) string {
		if s == "" {
			return "<unknown>"
		}
		return s
	}
	kernel := unknown(str(info, "kernelVersion"))
	if a := str(info, "architecture"); a != "" {
		kernel += " (" + a + ")"
	}
	addr := func(typ string) string {
		for _, a := range mapItems(lget(o, "status", "addresses")) {
			if str(a, "type") == typ {
				return str(a, "address")
			}
		}
		return "<none>"
	}
	return []any{metaString(o, "name"), strings.Join(status, ","), orNone(strings.Join(roles, ",")), cellAge(o), str(info, "kubeletVersion"),
		addr("InternalIP"), addr("ExternalIP"), unknown(str(info, "osImage")), kernel, unknown(str(info, "containerRuntimeVersion"))}
}

// storageClassOf is a volume's or claim's class: the beta annotation
// first.
func storageClassOf(o obj) string {
	if c, ok := nestedMap(o, "metadata", "annotations")["volume.beta.kubernetes.io/storage-class"].(string); ok {
		return c
	}
	return sget(o, "spec", "storageClassName")
}

func unsetOr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return "<unset>"
}

func printPV(o obj, _ []obj) []any {
	claim := ""
	if ref := nestedMap(o, "spec", "claimRef"); ref != nil {
		claim = str(ref, "namespace") + "/" + str(ref, "name")
	}
	phase := sget(o, "status", "phase")
	if metaString(o, "deletionTimestamp") != "" {
		phase = "Terminating"
	}
	return []any{metaString(o, "name"), quantity(nested(o, "spec", "capacity", "storage")), accessModes(nested(o, "spec", "accessModes")),
		sget(o, "spec", "persistentVolumeReclaimPolicy"), phase, claim, storageClassOf(o), unsetOr(nested(o, "spec", "volumeAttributesClassName")),
		sget(o, "status", "reason"), cellAge(o), unsetOr(nested(o, "spec", "volumeMode"))}
}

func printPVC(o obj, _ []obj) []any {
	phase := sget(o, "status", "phase")
	if metaString(o, "deletionTimestamp") != "" {
		phase = "Terminating"
	}
	volume := sget(o, "spec", "volumeName")
	capacity, modes := "", ""
	if volume != "" {
		modes = accessModes(nested(o, "status", "accessModes"))
		capacity = quantity(nested(o, "status", "capacity", "storage"))
	}
	class := sget(o, "spec", "storageClassName")
	if c, ok := nestedMap(o, "metadata", "annotations")["volume.beta.kubernetes.io/storage-class"].(string); ok {
		class = c
	}
	return []any{metaString(o, "name"), phase, volume, capacity, modes, class, unsetOr(nested(o, "spec", "volumeAttributesClassName")),
		cellAge(o), unsetOr(nested(o, "spec", "volumeMode"))}
}

// eventFields are what the event printer reads, from a v1 or an
// events.k8s.io/v1 Event.
type eventFields struct {
	first, last, eventTime, seriesLast string
	series                             bool
	count, seriesCount                 int64
	kind, name, fieldPath              string
	component, host, controller, inst  string
	typ, reason, message               string
}

func printEvent(o obj, _ []obj) []any {
	return eventRow(o, eventFields{
		first: str(o, "firstTimestamp"), last: str(o, "lastTimestamp"), eventTime: str(o, "eventTime"),
		series: o["series"] != nil, seriesLast: sget(o, "series", "lastObservedTime"), seriesCount: iget(o, "series", "count"),
		count: iget(o, "count"), kind: sget(o, "involvedObject", "kind"), name: sget(o, "involvedObject", "name"),
		fieldPath: sget(o, "involvedObject", "fieldPath"), component: sget(o, "source", "component"), host: sget(o, "source", "host"),
		controller: str(o, "reportingComponent"), inst: str(o, "reportingInstance"), typ: str(o, "type"), reason: str(o, "reason"), message: str(o, "message"),
	})
}

func printEventsV1(o obj, _ []obj) []any {
	return eventRow(o, eventFields{
		first: str(o, "deprecatedFirstTimestamp"), last: str(o, "deprecatedLastTimestamp"), eventTime: str(o, "eventTime"),
		series: o["series"] != nil, seriesLast: sget(o, "series", "lastObservedTime"), seriesCount: iget(o, "series", "count"),
		count: iget(o, "deprecatedCount"), kind: sget(o, "regarding", "kind"), name: sget(o, "regarding", "name"),
		fieldPath: sget(o, "regarding", "fieldPath"), component: sget(o, "deprecatedSource", "component"), host: sget(o, "deprecatedSource", "host"),
		controller: str(o, "reportingController"), inst: str(o, "reportingInstance"), typ: str(o, "type"), reason: str(o, "reason"), message: str(o, "note"),
	})
}

func eventRow(o obj, e eventFields) []any {
	first := since(e.first)
	if _, ok := parseTime(e.first); !ok {
		first = since(e.eventTime)
	}
	last := since(e.last)
	if _, ok := parseTime(e.last); !ok {
		last = first
	}
	count := e.count
	if e.series {
		last, count = since(e.seriesLast), e.seriesCount
	} else if count == 0 {
		count = 1
	}
	target := strings.ToLower(e.kind)
	if e.name != "" {
		target += "/" + e.name
	}
	component, host := e.component, e.host
	if component == "" {
		component = e.controller
	}
	if host == "" {
		host = e.inst
	}
	source := component
	if host != "" {
		source += ", " + host
	}
	return []any{last, e.typ, e.reason, target, e.fieldPath, source, strings.TrimSpace(e.message), first, count, metaString(o, "name")}
}

func printResourceQuota(o obj, _ []obj) []any {
	hard, used := nestedMap(o, "status", "hard"), nestedMap(o, "status", "used")
	names := make([]string, 0, len(hard))
	for k := range hard {
		names = append(names, k)
	}
	sort.Strings(names)
	var req, lim []string
	for _, n := range names {
		s := fmt.Sprintf("%s: %s/%s", n, quantity(used[n]), quantity(hard[n]))
		if pieces := strings.Split(n, "."); len(pieces) > 1 && pieces[0] == "limits" {
			lim = append(lim, s)
		} else {
			req = append(req, s)
		}
	}
	return []any{metaString(o, "name"), strings.Join(req, ", "), strings.Join(lim, ", "), cellAge(o)}
}
