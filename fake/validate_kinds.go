package fake

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Validation (and the few defaults) of the kinds users write beside their
// workloads, as Kubernetes 1.37 validates them: autoscalers, storage and
// ingress classes, ingresses, network policies, disruption budgets, RBAC,
// quotas and limit ranges, CronJobs, leases, API priority and fairness,
// admission configuration, CSI drivers, runtime classes, endpoint slices.
// Each function returns the errors of the mistakes users make, with the
// real messages and field paths; what is not checked is listed in
// docs/fake.md.

func init() {
	register(&strategy{
		prepareCreate: func(_ *Server, _ *request, o obj) { o["status"] = obj{} },
		defaults:      defaultHPA,
		canonicalize: func(o obj) {
			// currentMetrics is written always (a list without
			// omitempty).
			st := child(o, "status")
			if _, ok := st["currentMetrics"]; !ok {
				st["currentMetrics"] = nil
			}
		},
		validate: validateHPA,
	}, "autoscaling/horizontalpodautoscalers")
	register(&strategy{
		defaults: func(o obj) {
			setDefault(o, "reclaimPolicy", "Delete")
			setDefault(o, "volumeBindingMode", "Immediate")
		},
		validate: validateStorageClass,
		validateUpdate: func(o, old obj) []fieldError {
			var errs []fieldError
			if !equalJSON(o["parameters"], old["parameters"]) {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "parameters", Value: nil, Detail: "field is immutable"})
			}
			if !equalJSON(o["provisioner"], old["provisioner"]) {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "provisioner", Value: nil, Detail: "field is immutable"})
			}
			return errs
		},
	}, "storage.k8s.io/storageclasses")
	register(&strategy{
		defaults: func(o obj) {
			if p, ok := nested(o, "spec", "parameters").(map[string]any); ok {
				setDefault(p, "scope", "Cluster")
			}
		},
		validate: validateIngressClass,
		validateUpdate: func(o, old obj) []fieldError {
			c := nested(o, "spec", "controller")
			if !equalJSON(c, nested(old, "spec", "controller")) {
				return []fieldError{{Type: "FieldValueInvalid", Field: "spec.controller", Value: c, Detail: "field is immutable"}}
			}
			return nil
		},
	}, "networking.k8s.io/ingressclasses")
	register(&strategy{
		prepareCreate: func(_ *Server, _ *request, o obj) { o["status"] = obj{"loadBalancer": obj{}} },
		validate:      validateIngress,
	}, "networking.k8s.io/ingresses")
	register(&strategy{validate: validatePDB}, "policy/poddisruptionbudgets")
	register(&strategy{validate: func(o obj) []fieldError { return validateRules(asList(o["rules"]), true) }}, "rbac.authorization.k8s.io/roles")
	register(&strategy{
		nullLists: []string{"rules"},
		validate:  func(o obj) []fieldError { return validateRules(asList(o["rules"]), false) },
	}, "rbac.authorization.k8s.io/clusterroles")
	register(&strategy{validate: validateLimitRange}, "/limitranges")
	register(&strategy{validate: validateLease}, "coordination.k8s.io/leases")
	register(&strategy{
		defaults: defaultPLC,
		validate: validatePLC,
	}, "flowcontrol.apiserver.k8s.io/prioritylevelconfigurations")
	register(&strategy{
		defaults: func(o obj) { setDefault(child(o, "spec"), "matchingPrecedence", num(1000)) },
		validate: validateFlowSchema,
	}, "flowcontrol.apiserver.k8s.io/flowschemas")
	register(&strategy{
		defaults: func(o obj) { defaultWebhooks(o, false) },
		validate: validateWebhooks,
	}, "admissionregistration.k8s.io/validatingwebhookconfigurations")
	register(&strategy{
		defaults: func(o obj) { defaultWebhooks(o, true) },
		validate: validateWebhooks,
	}, "admissionregistration.k8s.io/mutatingwebhookconfigurations")
	register(&strategy{validate: validateVAP}, "admissionregistration.k8s.io/validatingadmissionpolicies")
	register(&strategy{
		defaults:       defaultCSIDriver,
		validate:       validateCSIDriver,
		validateUpdate: validateCSIDriverUpdate,
	}, "storage.k8s.io/csidrivers")
	register(&strategy{
		validate: func(o obj) []fieldError {
			var errs []fieldError
			h := str(o, "handler")
			for _, m := range dns1123LabelMessages(h) {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "handler", Value: h, Detail: m})
			}
			return errs
		},
		validateUpdate: func(o, old obj) []fieldError {
			if !equalJSON(o["handler"], old["handler"]) {
				return []fieldError{{Type: "FieldValueInvalid", Field: "handler", Value: nil, Detail: "field is immutable"}}
			}
			return nil
		},
	}, "node.k8s.io/runtimeclasses")
	register(&strategy{
		validate: validateEndpointSlice,
		validateUpdate: func(o, old obj) []fieldError {
			if !equalJSON(o["addressType"], old["addressType"]) {
				// The addresses are not checked against the new type.
				return []fieldError{{Type: "FieldValueInvalid", Field: "addressType", Value: nil, Detail: "field is immutable"}}
			}
			return validateEndpointSlice(o)
		},
		updateValidatesAll: true,
	}, "discovery.k8s.io/endpointslices")
	defaultType("io.k8s.api.discovery.v1.EndpointPort", func(m map[string]any) {
		setDefault(m, "name", "")
		setDefault(m, "protocol", "TCP")
	})
}

// defaultHPA is SetDefaults_HorizontalPodAutoscaler (autoscaling/v2).
func defaultHPA(o obj) {
	spec := child(o, "spec")
	setDefault(spec, "minReplicas", num(1))
	if len(asList(spec["metrics"])) == 0 {
		spec["metrics"] = []any{obj{"type": "Resource", "resource": obj{"name": "cpu", "target": obj{"type": "Utilization", "averageUtilization": num(80)}}}}
	}
	b, ok := spec["behavior"].(map[string]any)
	if !ok {
		return
	}
	up := child(b, "scaleUp")
	setDefault(up, "stabilizationWindowSeconds", num(0))
	setDefault(up, "selectPolicy", "Max")
	if _, ok := up["policies"]; !ok {
		up["policies"] = []any{
			obj{"type": "Pods", "value": num(4), "periodSeconds": num(15)},
			obj{"type": "Percent", "value": num(100), "periodSeconds": num(15)},
		}
	}
	down := child(b, "scaleDown")
	setDefault(down, "stabilizationWindowSeconds", num(300))
	setDefault(down, "selectPolicy", "Max")
	if _, ok := down["policies"]; !ok {
		down["policies"] = []any{obj{"type": "Percent", "value": num(100), "periodSeconds": num(15)}}
	}
}

func validateHPA(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	ref := nestedMap(spec, "scaleTargetRef")
	if str(ref, "kind") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.scaleTargetRef.kind"})
	}
	if str(ref, "name") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.scaleTargetRef.name"})
	}
	if av := str(ref, "apiVersion"); av == "" {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.scaleTargetRef.apiVersion", Value: av, Detail: "apiVersion must specify API group"})
	}
	minR, _ := numberInt(spec["minReplicas"])
	maxR, _ := numberInt(spec["maxReplicas"])
	hasObjectMetric := false
	for _, m := range asList(spec["metrics"]) {
		if t := str(m.(map[string]any), "type"); t == "Object" || t == "External" {
			hasObjectMetric = true
		}
	}
	if minR < 1 && !(minR == 0 && hasObjectMetric) {
		if minR == 0 {
			errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "spec.metrics", Detail: "must specify at least one Object or External metric to support scaling to zero replicas"})
		} else {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.minReplicas", Value: minR, Detail: "must be greater than or equal to 1"})
		}
	}
	if maxR < 1 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.maxReplicas", Value: maxR, Detail: "must be greater than 0"})
	}
	if maxR < minR {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.maxReplicas", Value: maxR, Detail: "must be greater than or equal to `minReplicas`"})
	}
	for i, m := range asList(spec["metrics"]) {
		mm, _ := m.(map[string]any)
		p := fmt.Sprintf("spec.metrics[%d]", i)
		if str(mm, "type") != "Resource" {
			continue
		}
		r, ok := mm["resource"].(map[string]any)
		if !ok {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".resource", Detail: "must populate information for the given metric source"})
			continue
		}
		t := nestedMap(r, "target")
		switch str(t, "type") {
		case "Utilization":
			if _, ok := t["averageUtilization"]; !ok {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".resource.target.averageUtilization", Detail: "must set either a target raw value or a target utilization"})
			}
		case "AverageValue":
			if _, ok := t["averageValue"]; !ok {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".resource.target.averageValue", Detail: "must set either a target raw value or a target utilization"})
			}
		}
	}
	return errs
}

func validateStorageClass(o obj) []fieldError {
	var errs []fieldError
	if str(o, "provisioner") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "provisioner"})
	}
	if r := str(o, "reclaimPolicy"); r != "Delete" && r != "Retain" {
		errs = append(errs, notSupported("reclaimPolicy", r, []string{"Delete", "Retain"}))
	}
	if m := str(o, "volumeBindingMode"); m != "Immediate" && m != "WaitForFirstConsumer" {
		errs = append(errs, notSupported("volumeBindingMode", m, []string{"Immediate", "WaitForFirstConsumer"}))
	}
	return errs
}

func validateIngressClass(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	if str(spec, "controller") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.controller"})
	}
	if p, ok := spec["parameters"].(map[string]any); ok && str(p, "scope") == "Namespace" && str(p, "namespace") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.parameters.namespace", Detail: "`parameters.scope` is set to 'Namespace'"})
	}
	return errs
}

const msgWildcard = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

func validateIngress(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	rules := asList(spec["rules"])
	if len(rules) == 0 && spec["defaultBackend"] == nil {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec", Value: nil, Detail: "either `defaultBackend` or `rules` must be specified"})
	}
	if b, ok := spec["defaultBackend"].(map[string]any); ok {
		errs = append(errs, validateIngressBackend(b, "spec.defaultBackend")...)
	}
	for i, r := range rules {
		rm, _ := r.(map[string]any)
		rp := fmt.Sprintf("spec.rules[%d]", i)
		if h := str(rm, "host"); h != "" {
			errs = append(errs, validateIngressHost(h, rp+".host")...)
		}
		for j, pth := range asList(nested(rm, "http", "paths")) {
			pm, _ := pth.(map[string]any)
			pp := fmt.Sprintf("%s.http.paths[%d]", rp, j)
			switch pt := str(pm, "pathType"); pt {
			case "":
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: pp + ".pathType", Detail: "pathType must be specified"})
			case "Exact", "Prefix":
				if p := str(pm, "path"); !strings.HasPrefix(p, "/") {
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: pp + ".path", Value: p, Detail: "must be an absolute path"})
				}
			case "ImplementationSpecific":
			default:
				errs = append(errs, notSupported(pp+".pathType", pt, []string{"Exact", "ImplementationSpecific", "Prefix"}))
			}
			errs = append(errs, validateIngressBackend(nestedMap(pm, "backend"), pp+".backend")...)
		}
	}
	return errs
}

func validateIngressHost(h, p string) []fieldError {
	if _, err := netip.ParseAddr(h); err == nil {
		return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: h, Detail: "must be a DNS name, not an IP address"}}
	}
	if strings.Contains(h, "*") {
		if !strings.HasPrefix(h, "*.") || len(dns1123SubdomainErrors(h[2:])) > 0 {
			return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: h, Detail: msgWildcard}}
		}
		return nil
	}
	var errs []fieldError
	for _, m := range dns1123SubdomainErrors(h) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: h, Detail: m})
	}
	return errs
}

func validateIngressBackend(b map[string]any, p string) []fieldError {
	svc, hasSvc := b["service"].(map[string]any)
	_, hasRes := b["resource"].(map[string]any)
	switch {
	case hasSvc && hasRes:
		return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: "", Detail: "cannot set both resource and service backends"}}
	case hasSvc:
		port := nestedMap(svc, "port")
		if str(port, "name") != "" {
			if _, ok := port["number"]; ok {
				return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: "", Detail: "cannot set both port name & port number"}}
			}
		}
	case !hasRes:
		return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: "", Detail: "resource or service backend is required"}}
	}
	return nil
}

func validateNetworkPolicy(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	errs := validateLabelSelector(nestedMap(spec, "podSelector"), "spec.podSelector")
	for _, dir := range []string{"ingress", "egress"} {
		peersKey := "from"
		if dir == "egress" {
			peersKey = "to"
		}
		for i, r := range asList(spec[dir]) {
			rm, _ := r.(map[string]any)
			rp := fmt.Sprintf("spec.%s[%d]", dir, i)
			for j, port := range asList(rm["ports"]) {
				pm, _ := port.(map[string]any)
				pp := fmt.Sprintf("%s.ports[%d]", rp, j)
				if ep, ok := numberInt(pm["endPort"]); ok {
					if pn, ok := numberInt(pm["port"]); ok && ep < pn {
						errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: pp + ".endPort", Value: ep, Detail: "must be greater than or equal to `port`"})
					}
				}
			}
			for j, peer := range asList(rm[peersKey]) {
				pm, _ := peer.(map[string]any)
				pp := fmt.Sprintf("%s.%s[%d]", rp, peersKey, j)
				if len(pm) == 0 {
					errs = append(errs, fieldError{Type: "FieldValueRequired", Field: pp, Detail: "must specify a peer"})
					continue
				}
				if ib, ok := pm["ipBlock"].(map[string]any); ok {
					errs = append(errs, validateIPBlock(ib, pp+".ipBlock")...)
				}
			}
		}
	}
	for i, t := range asList(spec["policyTypes"]) {
		s, _ := t.(string)
		if s != "Ingress" && s != "Egress" {
			errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: fmt.Sprintf("spec.policyTypes[%d]", i), Value: s, Detail: `supported values: "Ingress", "Egress"`})
		}
	}
	return errs
}

const msgCIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

func validateIPBlock(ib map[string]any, p string) []fieldError {
	c := str(ib, "cidr")
	cidr, err := netip.ParsePrefix(c)
	if c == "" {
		return []fieldError{{Type: "FieldValueRequired", Field: p + ".cidr"}}
	}
	if err != nil {
		return []fieldError{{Type: "FieldValueInvalid", Field: p + ".cidr", Value: c, Detail: msgCIDR}}
	}
	var errs []fieldError
	for i, e := range asList(ib["except"]) {
		s, _ := e.(string)
		ep := fmt.Sprintf("%s.except[%d]", p, i)
		ex, err := netip.ParsePrefix(s)
		switch {
		case err != nil:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ep, Value: s, Detail: msgCIDR})
		case !cidr.Contains(ex.Addr()) || ex.Bits() <= cidr.Bits():
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ep, Value: s, Detail: "must be a strict subset of `cidr`"})
		}
	}
	return errs
}

// validateLabelSelector is ValidateLabelSelector's operator checks.
func validateLabelSelector(sel map[string]any, p string) []fieldError {
	var errs []fieldError
	for i, r := range asList(sel["matchExpressions"]) {
		rm, _ := r.(map[string]any)
		ip := fmt.Sprintf("%s.matchExpressions[%d]", p, i)
		vals := asList(rm["values"])
		switch op := str(rm, "operator"); op {
		case "In", "NotIn":
			if len(vals) == 0 {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".values", Detail: "must be specified when `operator` is 'In' or 'NotIn'"})
			}
		case "Exists", "DoesNotExist":
			if len(vals) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: ip + ".values", Detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"})
			}
		default:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".operator", Value: op, Detail: "not a valid selector operator"})
		}
		errs = append(errs, validateQualifiedName(ip+".key", str(rm, "key"))...)
	}
	return errs
}

func validatePDB(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	minA, hasMin := spec["minAvailable"]
	maxU, hasMax := spec["maxUnavailable"]
	if hasMin && hasMax && minA != nil && maxU != nil {
		v := fmt.Sprintf(`{"MinAvailable":%s,"Selector":%s,"MaxUnavailable":%s,"UnhealthyPodEvictionPolicy":%s}`,
			goJSON(minA), goJSON(spec["selector"]), goJSON(maxU), goJSON(spec["unhealthyPodEvictionPolicy"]))
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec", Value: rawJSON(v), Detail: "minAvailable and maxUnavailable cannot be both set"})
	}
	for _, k := range []string{"minAvailable", "maxUnavailable"} {
		if v, ok := spec[k]; ok && v != nil {
			errs = append(errs, validateIntOrPercent(v, "spec."+k)...)
		}
	}
	if p, ok := spec["unhealthyPodEvictionPolicy"].(string); ok && p != "AlwaysAllow" && p != "IfHealthyBudget" {
		errs = append(errs, notSupported("spec.unhealthyPodEvictionPolicy", p, []string{"AlwaysAllow", "IfHealthyBudget"}))
	}
	return errs
}

// validateIntOrPercent: a non-negative number, or a percentage up to
// 100%.
func validateIntOrPercent(v any, p string) []fieldError {
	if s, ok := v.(string); ok {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
		if !strings.HasSuffix(s, "%") || err != nil {
			return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: s, Detail: "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"}}
		}
		if n > 100 {
			return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: s, Detail: "must not be greater than 100%"}}
		}
		return nil
	}
	if n, _ := numberInt(v); n < 0 {
		return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: n, Detail: "must be greater than or equal to 0"}}
	}
	return nil
}

// validateRules checks the policy rules of a Role (namespaced) or
// ClusterRole.
func validateRules(rules []any, namespaced bool) []fieldError {
	var errs []fieldError
	for i, r := range rules {
		rm, _ := r.(map[string]any)
		p := fmt.Sprintf("rules[%d]", i)
		if len(asList(rm["verbs"])) == 0 {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".verbs"})
		}
		urls := asList(rm["nonResourceURLs"])
		if len(urls) > 0 {
			if namespaced {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".nonResourceURLs", Value: urls, Detail: "namespaced rules cannot apply to non-resource URLs"})
			}
			if len(asList(rm["apiGroups"])) > 0 || len(asList(rm["resources"])) > 0 || len(asList(rm["resourceNames"])) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".nonResourceURLs", Value: urls, Detail: "rules cannot apply to both regular resources and non-resource URLs"})
			}
			continue
		}
		if len(asList(rm["apiGroups"])) == 0 {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".apiGroups", Detail: "resource rules must supply at least one api group"})
		}
		if len(asList(rm["resources"])) == 0 {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".resources", Detail: "resource rules must supply at least one resource"})
		}
	}
	return errs
}

// validateBinding checks a RoleBinding's (namespaced) or
// ClusterRoleBinding's role reference and subjects.
func validateBinding(o obj, namespaced bool) []fieldError {
	var errs []fieldError
	ref := nestedMap(o, "roleRef")
	kinds := []string{"ClusterRole"}
	if namespaced {
		kinds = []string{"Role", "ClusterRole"}
	}
	if k := str(ref, "kind"); k == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "roleRef.kind"})
	} else if !contains(kinds, k) {
		errs = append(errs, notSupported("roleRef.kind", k, kinds))
	}
	if str(ref, "name") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "roleRef.name"})
	}
	for i, s := range asList(o["subjects"]) {
		sm, _ := s.(map[string]any)
		p := fmt.Sprintf("subjects[%d]", i)
		if str(sm, "name") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".name"})
		}
		switch k := str(sm, "kind"); k {
		case "ServiceAccount":
			if !namespaced && str(sm, "namespace") == "" {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".namespace"})
			}
		case "User", "Group":
		default:
			errs = append(errs, notSupported(p+".kind", k, []string{"ServiceAccount", "User", "Group"}))
		}
	}
	return errs
}

// immutableRoleRef: a binding's roleRef may not change.
func immutableRoleRef(o, old obj) []fieldError {
	ref := nestedMap(o, "roleRef")
	if equalJSON(ref, nestedMap(old, "roleRef")) {
		return nil
	}
	v := fmt.Sprintf(`{"APIGroup":%s,"Kind":%s,"Name":%s}`, goJSON(str(ref, "apiGroup")), goJSON(str(ref, "kind")), goJSON(str(ref, "name")))
	return []fieldError{{Type: "FieldValueInvalid", Field: "roleRef", Value: rawJSON(v), Detail: "field is immutable"}}
}

// quotaResources are the resource names a quota may limit without a
// domain.
var quotaResources = map[string]bool{
	"pods": true, "services": true, "replicationcontrollers": true, "resourcequotas": true, "secrets": true,
	"configmaps": true, "persistentvolumeclaims": true, "services.nodeports": true, "services.loadbalancers": true,
	"cpu": true, "memory": true, "ephemeral-storage": true, "storage": true,
	"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true, "requests.storage": true,
	"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
}

var quotaScopes = []string{"Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass"}

func validateQuota(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	hard := nestedMap(spec, "hard")
	for _, k := range sortedKeys(hard) {
		f := "spec.hard[" + k + "]"
		if !quotaResources[k] && !strings.Contains(k, "/") && !strings.Contains(k, ".") {
			errs = append(errs,
				fieldError{Type: "FieldValueInvalid", Field: f, Value: k, Detail: "must be a standard resource type or fully qualified"},
				fieldError{Type: "FieldValueInvalid", Field: f, Value: k, Detail: "must be a standard resource for quota"})
		}
		if q, err := parseQuantityValue(hard[k]); err == nil && q.Sign() < 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: f, Value: canonicalQuantity(q), Detail: "must be greater than or equal to 0"})
		}
	}
	scopes := asList(spec["scopes"])
	for _, s := range scopes {
		if v, _ := s.(string); !contains(quotaScopes, v) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.scopes", Value: scopes, Detail: "unsupported scope"})
			break
		}
	}
	return errs
}

func validateLimitRange(o obj) []fieldError {
	var errs []fieldError
	for i, l := range asList(nested(o, "spec", "limits")) {
		lm, _ := l.(map[string]any)
		p := fmt.Sprintf("spec.limits[%d]", i)
		typ := str(lm, "type")
		if typ == "Pod" {
			for _, k := range []string{"default", "defaultRequest"} {
				if len(nestedMap(lm, k)) > 0 {
					errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: p + "." + k, Detail: "may not be specified when `type` is 'Pod'"})
				}
			}
		}
		mins, maxs := nestedMap(lm, "min"), nestedMap(lm, "max")
		defs, reqs := nestedMap(lm, "default"), nestedMap(lm, "defaultRequest")
		keys := map[string]bool{}
		for _, m := range []map[string]any{mins, maxs, defs, reqs} {
			for k := range m {
				keys[k] = true
			}
		}
		q := func(m map[string]any, k string) (string, bool, int) {
			v, ok := m[k]
			if !ok {
				return "", false, 0
			}
			x, err := parseQuantityValue(v)
			if err != nil {
				return "", false, 0
			}
			return canonicalQuantity(x), true, 0
		}
		cmp := func(a, b map[string]any, k string) int {
			x, _ := parseQuantityValue(a[k])
			y, _ := parseQuantityValue(b[k])
			return x.Cmp(y)
		}
		for _, k := range sortedKeys(func() map[string]any {
			m := map[string]any{}
			for k := range keys {
				m[k] = true
			}
			return m
		}()) {
			minV, hasMin, _ := q(mins, k)
			maxV, hasMax, _ := q(maxs, k)
			defV, hasDef, _ := q(defs, k)
			reqV, hasReq, _ := q(reqs, k)
			if hasMin && hasMax && cmp(mins, maxs, k) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".min[" + k + "]", Value: minV, Detail: fmt.Sprintf("min value %s is greater than max value %s", minV, maxV)})
			}
			if hasReq && hasMin && cmp(mins, reqs, k) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".defaultRequest[" + k + "]", Value: reqV, Detail: fmt.Sprintf("min value %s is greater than default request value %s", minV, reqV)})
			}
			if hasReq && hasMax && cmp(reqs, maxs, k) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".defaultRequest[" + k + "]", Value: reqV, Detail: fmt.Sprintf("default request value %s is greater than max value %s", reqV, maxV)})
			}
			if hasDef && hasReq && cmp(reqs, defs, k) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".defaultRequest[" + k + "]", Value: reqV, Detail: fmt.Sprintf("default request value %s is greater than default limit value %s", reqV, defV)})
			}
			if hasDef && hasMin && cmp(mins, defs, k) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".default[" + k + "]", Value: minV, Detail: fmt.Sprintf("min value %s is greater than default value %s", minV, defV)})
			}
			if hasDef && hasMax && cmp(defs, maxs, k) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".default[" + k + "]", Value: maxV, Detail: fmt.Sprintf("default value %s is greater than max value %s", defV, maxV)})
			}
		}
	}
	return errs
}

// validateCronJobFields checks a CronJob's name length, schedule, time
// zone and policies.
func validateCronJobFields(o obj) []fieldError {
	var errs []fieldError
	if n := metaString(o, "name"); len(n) > 52 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "metadata.name", Value: n, Detail: "must be no more than 52 characters"})
	}
	spec := nestedMap(o, "spec")
	if s := str(spec, "schedule"); s != "" {
		if msg := cronScheduleError(s); msg != "" {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.schedule", Value: s, Detail: msg})
		}
	}
	if tz, ok := spec["timeZone"].(string); ok {
		if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
			msg := "unknown time zone " + tz
			if err != nil {
				msg = err.Error()
			}
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.timeZone", Value: tz, Detail: msg})
		}
	}
	if n, ok := numberInt(spec["startingDeadlineSeconds"]); ok && n < 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.startingDeadlineSeconds", Value: n, Detail: "must be greater than or equal to 0"})
	}
	switch cp := str(spec, "concurrencyPolicy"); cp {
	case "Allow", "Forbid", "Replace":
	default:
		errs = append(errs, notSupported("spec.concurrencyPolicy", cp, []string{"Allow", "Forbid", "Replace"}))
	}
	return errs
}

// cronScheduleError is the standard cron parser's complaint about a
// schedule ("" when it parses): five fields or a descriptor.
func cronScheduleError(s string) string {
	if strings.Contains(s, "TZ=") {
		return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
	}
	if strings.HasPrefix(s, "@") {
		switch s {
		case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
			return ""
		}
		if d, ok := strings.CutPrefix(s, "@every "); ok {
			if _, err := time.ParseDuration(d); err == nil {
				return ""
			}
		}
		return "unrecognized descriptor: " + s
	}
	f := strings.Fields(s)
	if len(f) != 5 {
		return fmt.Sprintf("expected exactly 5 fields, found %d: %v", len(f), f)
	}
	return ""
}

func validateLease(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	if n, ok := numberInt(spec["leaseDurationSeconds"]); ok && n <= 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.leaseDurationSeconds", Value: n, Detail: "must be greater than 0"})
	}
	if n, ok := numberInt(spec["leaseTransitions"]); ok && n < 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.leaseTransitions", Value: n, Detail: "must be greater than or equal to 0"})
	}
	return errs
}

// defaultPLC is the flowcontrol v1 defaulting of a limited priority level.
func defaultPLC(o obj) {
	lim, ok := nested(o, "spec", "limited").(map[string]any)
	if !ok {
		return
	}
	setDefault(lim, "nominalConcurrencyShares", num(30))
	setDefault(lim, "lendablePercent", num(0))
	if q, ok := nested(lim, "limitResponse", "queuing").(map[string]any); ok {
		setDefault(q, "queues", num(64))
		setDefault(q, "handSize", num(8))
		setDefault(q, "queueLengthLimit", num(50))
	}
}

func validatePLC(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	switch t := str(spec, "type"); t {
	case "Limited":
		lim, ok := spec["limited"].(map[string]any)
		if !ok {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.limited"})
			break
		}
		lr := nestedMap(lim, "limitResponse")
		switch rt := str(lr, "type"); rt {
		case "Queue":
		case "Reject":
			if lr["queuing"] != nil {
				errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "spec.limited.limitResponse.queuing"})
			}
		default:
			errs = append(errs, notSupported("spec.limited.limitResponse.type", rt, []string{"Queue", "Reject"}))
			if lr["queuing"] != nil {
				errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "spec.limited.limitResponse.queuing"})
			}
		}
	case "Exempt":
	default:
		errs = append(errs, notSupported("spec.type", t, []string{"Exempt", "Limited"}))
	}
	return errs
}

func validateFlowSchema(o obj) []fieldError {
	var errs []fieldError
	for i, r := range asList(nested(o, "spec", "rules")) {
		rm, _ := r.(map[string]any)
		for j, rr := range asList(rm["resourceRules"]) {
			rrm, _ := rr.(map[string]any)
			if len(asList(rrm["verbs"])) == 0 {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: fmt.Sprintf("spec.rules[%d].resourceRules[%d].verbs", i, j), Detail: "verbs must contain at least one value"})
			}
		}
	}
	return errs
}

// defaultWebhooks is the admissionregistration v1 defaulting of webhooks.
func defaultWebhooks(o obj, mutating bool) {
	for _, w := range asList(o["webhooks"]) {
		wm, _ := w.(map[string]any)
		if wm == nil {
			continue
		}
		setDefault(wm, "failurePolicy", "Fail")
		setDefault(wm, "matchPolicy", "Equivalent")
		setDefault(wm, "namespaceSelector", obj{})
		setDefault(wm, "objectSelector", obj{})
		setDefault(wm, "timeoutSeconds", num(10))
		if mutating {
			setDefault(wm, "reinvocationPolicy", "Never")
		}
		for _, r := range asList(wm["rules"]) {
			if rm, ok := r.(map[string]any); ok {
				setDefault(rm, "scope", "*")
			}
		}
	}
}

func validateWebhooks(o obj) []fieldError {
	var errs []fieldError
	for i, w := range asList(o["webhooks"]) {
		wm, _ := w.(map[string]any)
		p := fmt.Sprintf("webhooks[%d]", i)
		if n := str(wm, "name"); n == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".name"})
		} else if strings.Count(n, ".") < 2 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".name", Value: n, Detail: "should be a domain with at least three segments separated by dots"})
		}
		if u := str(nestedMap(wm, "clientConfig"), "url"); u != "" {
			if scheme, _, _ := strings.Cut(u, "://"); scheme != "https" {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".clientConfig.url", Value: scheme, Detail: "'https' is the only allowed URL scheme; desired format: https://host[/path]"})
			}
		}
		switch se := str(wm, "sideEffects"); se {
		case "None", "NoneOnDryRun":
		case "":
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".sideEffects", Detail: "must specify one of None, NoneOnDryRun"})
		default:
			errs = append(errs, notSupported(p+".sideEffects", se, []string{"None", "NoneOnDryRun"}))
		}
		if n, ok := numberInt(wm["timeoutSeconds"]); ok && (n < 1 || n > 30) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".timeoutSeconds", Value: n, Detail: "the timeout value must be between 1 and 30 seconds"})
		}
	}
	return errs
}

func validateVAP(o obj) []fieldError {
	spec := nestedMap(o, "spec")
	var errs []fieldError
	if fp, ok := spec["failurePolicy"].(string); ok && fp != "Fail" && fp != "Ignore" {
		errs = append(errs, notSupported("spec.failurePolicy", fp, []string{"Fail", "Ignore"}))
	}
	if len(asList(spec["validations"])) == 0 && len(asList(spec["auditAnnotations"])) == 0 {
		errs = append(errs,
			fieldError{Type: "FieldValueRequired", Field: "spec.validations", Detail: "validations or auditAnnotations must contain at least one item"},
			fieldError{Type: "FieldValueRequired", Field: "spec.auditAnnotations", Detail: "validations or auditAnnotations must contain at least one item"})
	}
	return errs
}

// defaultCSIDriver is SetDefaults_CSIDriverSpec.
func defaultCSIDriver(o obj) {
	spec := child(o, "spec")
	for k, v := range map[string]any{
		"attachRequired": true, "podInfoOnMount": false, "storageCapacity": false, "requiresRepublish": false,
		"seLinuxMount": false, "fsGroupPolicy": "ReadWriteOnceWithFSType", "preventPodSchedulingIfMissing": false,
	} {
		setDefault(spec, k, v)
	}
	if len(asList(spec["volumeLifecycleModes"])) == 0 {
		spec["volumeLifecycleModes"] = []any{"Persistent"}
	}
}

func validateCSIDriver(o obj) []fieldError {
	var errs []fieldError
	for _, m := range asList(nested(o, "spec", "volumeLifecycleModes")) {
		if s, _ := m.(string); s != "Persistent" && s != "Ephemeral" {
			errs = append(errs, notSupported("spec.volumeLifecycleModes", s, []string{"Persistent", "Ephemeral"}))
		}
	}
	return errs
}

// validateCSIDriverUpdate: attachRequired (reported as the real server
// names it, attachedRequired), podInfoOnMount and volumeLifecycleModes
// are immutable.
func validateCSIDriverUpdate(o, old obj) []fieldError {
	spec, oldSpec := nestedMap(o, "spec"), nestedMap(old, "spec")
	var errs []fieldError
	if !equalJSON(spec["attachRequired"], oldSpec["attachRequired"]) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.attachedRequired", Value: spec["attachRequired"], Detail: "field is immutable"})
	}
	if !equalJSON(spec["podInfoOnMount"], oldSpec["podInfoOnMount"]) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.podInfoOnMount", Value: spec["podInfoOnMount"], Detail: "field is immutable"})
	}
	return errs
}

func validateEndpointSlice(o obj) []fieldError {
	var errs []fieldError
	at := str(o, "addressType")
	switch at {
	case "IPv4", "IPv6", "FQDN":
	default:
		return append(errs, notSupported("addressType", at, []string{"FQDN", "IPv4", "IPv6"}))
	}
	for i, e := range asList(o["endpoints"]) {
		em, _ := e.(map[string]any)
		p := fmt.Sprintf("endpoints[%d].addresses", i)
		for j, a := range asList(em["addresses"]) {
			s, _ := a.(string)
			if at == "FQDN" {
				continue
			}
			ip, err := netip.ParseAddr(s)
			switch {
			case err != nil:
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: fmt.Sprintf("%s[%d]", p, j), Value: s, Detail: "must be a valid IP address"})
				continue
			case at == "IPv4" && !ip.Is4():
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: s, Detail: "must be an IPv4 address"})
			case at == "IPv6" && !ip.Is6():
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: s, Detail: "must be an IPv6 address"})
			}
			if ip.IsLinkLocalUnicast() {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: fmt.Sprintf("%s[%d]", p, j), Value: s, Detail: "may not be in the link-local range (169.254.0.0/16, fe80::/10)"})
			}
		}
	}
	return errs
}
