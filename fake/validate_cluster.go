package fake

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Validation (and the few defaults) of the cluster-wide and policy kinds,
// continued from validate_kinds.go: RBAC, quotas and limit ranges,
// CronJobs, leases, API priority and fairness, admission configuration,
// CSI drivers, endpoint slices.

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
