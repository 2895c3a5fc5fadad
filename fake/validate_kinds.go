package fake

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Validation (and the few defaults) of the kinds users write beside their
// workloads, as Kubernetes 1.37 validates them: autoscalers, storage and
// ingress classes, ingresses, network policies, disruption budgets, RBAC,
// quotas and limit ranges, CronJobs, leases, API priority and fairness,
// admission configuration, CSI drivers, runtime classes, endpoint slices.
// Each function returns the errors of the mistakes users make, with the
// real messages and field paths; what is not checked is listed in
// docs/fake.md.

// hpaStrategy is the HorizontalPodAutoscaler's strategy.
var hpaStrategy = &strategy{
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
}

// ingressClassStrategy is the IngressClass's strategy.
var ingressClassStrategy = &strategy{
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
}

// ingressStrategy is the Ingress's strategy.
var ingressStrategy = &strategy{
	prepareCreate: func(_ *Server, _ *request, o obj) { o["status"] = obj{"loadBalancer": obj{}} },
	validate:      validateIngress,
	warnings: func(o obj) []string {
		const key = "kubernetes.io/ingress.class"
		if _, ok := nestedMap(o, "metadata", "annotations")[key]; ok {
			return []string{fmt.Sprintf("annotation %q is deprecated, please use 'spec.ingressClassName' instead", key)}
		}
		return nil
	},
}

// pdbStrategy is the PodDisruptionBudget's strategy.
var pdbStrategy = &strategy{validate: validatePDB}

// roleStrategy is the Role's strategy.
var roleStrategy = &strategy{validate: func(o obj) []fieldError { return validateRules(asList(o["rules"]), true) }}

// clusterRoleStrategy is the ClusterRole's strategy.
var clusterRoleStrategy = &strategy{
	nullLists: []string{"rules"},
	validate:  func(o obj) []fieldError { return validateRules(asList(o["rules"]), false) },
}

// limitRangeStrategy is the LimitRange's strategy.
var limitRangeStrategy = &strategy{validate: validateLimitRange}

// defaultLimitRangeItem is SetDefaults_LimitRangeItem: a container's
// default limit is its max, its default request the default limit, else its
// min.
func defaultLimitRangeItem(m map[string]any) {
	if str(m, "type") != "Container" {
		return
	}
	def, req := child(m, "default"), child(m, "defaultRequest")
	for k, v := range nestedMap(m, "max") {
		if _, ok := def[k]; !ok {
			def[k] = v
		}
	}
	for k, v := range def {
		if _, ok := req[k]; !ok {
			req[k] = v
		}
	}
	for k, v := range nestedMap(m, "min") {
		if _, ok := req[k]; !ok {
			req[k] = v
		}
	}
}

// leaseStrategy is the Lease's strategy.
var leaseStrategy = &strategy{validate: validateLease}

// priorityLevelStrategy is the PriorityLevelConfiguration's strategy.
var priorityLevelStrategy = &strategy{
	defaults: defaultPLC,
	validate: validatePLC,
}

// flowSchemaStrategy is the FlowSchema's strategy.
var flowSchemaStrategy = &strategy{
	defaults: func(o obj) { setDefault(child(o, "spec"), "matchingPrecedence", num(1000)) },
	validate: validateFlowSchema,
}

// validatingWebhooksStrategy is the ValidatingWebhookConfiguration's
// strategy; its webhooks' defaults are their types' (typeDefaults).
var validatingWebhooksStrategy = &strategy{
	validate: validateWebhooks,
}

// mutatingWebhooksStrategy is the MutatingWebhookConfiguration's strategy;
// its webhooks' defaults are their types' (typeDefaults).
var mutatingWebhooksStrategy = &strategy{
	validate: validateWebhooks,
}

// admissionPolicyStrategy is the ValidatingAdmissionPolicy's strategy.
var admissionPolicyStrategy = &strategy{validate: validateVAP}

// csiDriverStrategy is the CSIDriver's strategy.
var csiDriverStrategy = &strategy{
	defaults:       defaultCSIDriver,
	validate:       validateCSIDriver,
	validateUpdate: validateCSIDriverUpdate,
}

// runtimeClassStrategy is the RuntimeClass's strategy.
var runtimeClassStrategy = &strategy{
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
}

// endpointSliceStrategy is the EndpointSlice's strategy.
var endpointSliceStrategy = &strategy{
	validate: validateEndpointSlice,
	validateUpdate: func(o, old obj) []fieldError {
		if !equalJSON(o["addressType"], old["addressType"]) {
			// The addresses are not checked against the new type.
			return []fieldError{{Type: "FieldValueInvalid", Field: "addressType", Value: nil, Detail: "field is immutable"}}
		}
		return validateEndpointSlice(o)
	},
	updateValidatesAll: true,
}

// defaultSlicePort is SetDefaults_EndpointPort (discovery/v1): the name ""
// and TCP.
func defaultSlicePort(m map[string]any) {
	setDefault(m, "name", "")
	setDefault(m, "protocol", "TCP")
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
	// GenerateHPAScaleDownRules leaves the scale-down window unset (the
	// controller uses 300 s when it is).
	down := child(b, "scaleDown")
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
	return validateMatchExpressions(asList(sel["matchExpressions"]), p, false)
}

// validateMatchExpressions checks the requirements of a label selector or,
// with node, of a node selector term (which allows Gt and Lt too): the
// operator, the number of values it takes, and the key. p is the path of
// the selector or term.
func validateMatchExpressions(exprs []any, p string, node bool) []fieldError {
	var errs []fieldError
	for i, r := range exprs {
		rm, _ := r.(map[string]any)
		ip := fmt.Sprintf("%s.matchExpressions[%d]", p, i)
		vals := asList(rm["values"])
		switch op := str(rm, "operator"); {
		case op == "In" || op == "NotIn":
			if len(vals) == 0 {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".values", Detail: "must be specified when `operator` is 'In' or 'NotIn'"})
			}
		case op == "Exists" || op == "DoesNotExist":
			if len(vals) > 0 {
				errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: ip + ".values", Detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"})
			}
		case node && (op == "Gt" || op == "Lt"):
			if len(vals) != 1 {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".values", Detail: "must be specified single value when `operator` is 'Lt' or 'Gt'"})
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
