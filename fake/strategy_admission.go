package fake

// Webhook configurations, admission policies and APIServices: the
// defaulting functions of their nested types (Kubernetes 1.37,
// pkg/apis/admissionregistration/v1/defaults.go and kube-aggregator's
// apiregistration/v1 defaults), listed in typeDefaults (strategies.go).

// defaultValidatingWebhook is SetDefaults_ValidatingWebhook: Fail,
// Equivalent, empty selectors matching everything, 10 seconds.
func defaultValidatingWebhook(m map[string]any) {
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

// defaultMutatingWebhook is SetDefaults_MutatingWebhook: a validating
// webhook's defaults and reinvocation Never.
func defaultMutatingWebhook(m map[string]any) {
	defaultValidatingWebhook(m)
	setDefault(m, "reinvocationPolicy", "Never")
}

// defaultRuleScope is SetDefaults_Rule: the scope "*".
func defaultRuleScope(m map[string]any) { setDefault(m, "scope", "*") }

// defaultServicePort is SetDefaults_ServiceReference: port 443.
func defaultServicePort(m map[string]any) {
	if m["port"] == nil {
		m["port"] = num(443)
	}
}

// defaultMatchResources is SetDefaults_MatchResources: Equivalent and
// empty selectors.
func defaultMatchResources(m map[string]any) {
	setDefault(m, "matchPolicy", "Equivalent")
	if m["namespaceSelector"] == nil {
		m["namespaceSelector"] = map[string]any{}
	}
	if m["objectSelector"] == nil {
		m["objectSelector"] = map[string]any{}
	}
}

// defaultPolicySpec is SetDefaults_ValidatingAdmissionPolicySpec: Fail.
func defaultPolicySpec(m map[string]any) { setDefault(m, "failurePolicy", "Fail") }
