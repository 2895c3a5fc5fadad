package fake

// Webhook configurations, admission policies and APIServices: the
// defaulting functions of their nested types (Kubernetes 1.37,
// pkg/apis/admissionregistration/v1/defaults.go and kube-aggregator's
// apiregistration/v1 defaults).

func init() {
	const ar = "io.k8s.api.admissionregistration.v1."
	webhook := func(m map[string]any) {
		setDefault(m, "failurePolicy", "Fail")
		setDefault(m, "matchPolicy", "Equivalent")
		if m["namespaceSelector"] == nil {
			m["namespaceSelector"] = map[string]any{}
		}
		if m["objectSelector"] == nil {
			m["objectSelector"] = map[string]any{}
		}
		if m["timeoutSeconds"] == nil {
			m["timeoutSeconds"] = num(10)
		}
	}
	defaultType(ar+"ValidatingWebhook", webhook)
	defaultType(ar+"MutatingWebhook", func(m map[string]any) {
		webhook(m)
		setDefault(m, "reinvocationPolicy", "Never")
	})
	rule := func(m map[string]any) { setDefault(m, "scope", "*") }
	defaultType(ar+"RuleWithOperations", rule)
	defaultType(ar+"NamedRuleWithOperations", rule)
	port := func(m map[string]any) {
		if m["port"] == nil {
			m["port"] = num(443)
		}
	}
	defaultType(ar+"ServiceReference", port)
	defaultType("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference", port)
	defaultType(ar+"MatchResources", func(m map[string]any) {
		setDefault(m, "matchPolicy", "Equivalent")
		if m["namespaceSelector"] == nil {
			m["namespaceSelector"] = map[string]any{}
		}
		if m["objectSelector"] == nil {
			m["objectSelector"] = map[string]any{}
		}
	})
	policy := func(m map[string]any) { setDefault(m, "failurePolicy", "Fail") }
	defaultType(ar+"ValidatingAdmissionPolicySpec", policy)
}
