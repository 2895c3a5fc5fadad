package apischema

// shortNames are kubectl's well-known short names, keyed by "GROUP/resource".
// OpenAPI does not carry them; they come from each resource's REST storage.
var shortNames = map[string][]string{
	"/componentstatuses":      {"cs"},
	"/configmaps":             {"cm"},
	"/endpoints":              {"ep"},
	"/events":                 {"ev"},
	"/limitranges":            {"limits"},
	"/namespaces":             {"ns"},
	"/nodes":                  {"no"},
	"/persistentvolumeclaims": {"pvc"},
	"/persistentvolumes":      {"pv"},
	"/pods":                   {"po"},
	"/replicationcontrollers": {"rc"},
	"/resourcequotas":         {"quota"},
	"/serviceaccounts":        {"sa"},
	"/services":               {"svc"},
	"apiextensions.k8s.io/customresourcedefinitions": {"crd", "crds"},
	"apps/daemonsets":                                {"ds"},
	"apps/deployments":                               {"deploy"},
	"apps/replicasets":                               {"rs"},
	"apps/statefulsets":                              {"sts"},
	"autoscaling/horizontalpodautoscalers":           {"hpa"},
	"batch/cronjobs":                                 {"cj"},
	"certificates.k8s.io/certificatesigningrequests": {"csr"},
	"events.k8s.io/events":                           {"ev"},
	"networking.k8s.io/ingresses":                    {"ing"},
	"networking.k8s.io/ipaddresses":                  {"ip"},
	"networking.k8s.io/networkpolicies":              {"netpol"},
	"policy/poddisruptionbudgets":                    {"pdb"},
	"scheduling.k8s.io/priorityclasses":              {"pc"},
	"storage.k8s.io/storageclasses":                  {"sc"},
	"storage.k8s.io/volumeattributesclasses":         {"vac"},
}

// categories are the categories built-in resources belong to, keyed by
// "GROUP/resource". kubectl expands "all" to these.
var categories = map[string][]string{
	"apiextensions.k8s.io/customresourcedefinitions":                 {"api-extensions"},
	"apiregistration.k8s.io/apiservices":                             {"api-extensions"},
	"admissionregistration.k8s.io/mutatingadmissionpolicies":         {"api-extensions"},
	"admissionregistration.k8s.io/mutatingadmissionpolicybindings":   {"api-extensions"},
	"admissionregistration.k8s.io/mutatingwebhookconfigurations":     {"api-extensions"},
	"admissionregistration.k8s.io/validatingadmissionpolicies":       {"api-extensions"},
	"admissionregistration.k8s.io/validatingadmissionpolicybindings": {"api-extensions"},
	"admissionregistration.k8s.io/validatingwebhookconfigurations":   {"api-extensions"},
	"/pods":                                {"all"},
	"/replicationcontrollers":              {"all"},
	"/services":                            {"all"},
	"apps/daemonsets":                      {"all"},
	"apps/deployments":                     {"all"},
	"apps/replicasets":                     {"all"},
	"apps/statefulsets":                    {"all"},
	"autoscaling/horizontalpodautoscalers": {"all"},
	"batch/cronjobs":                       {"all"},
	"batch/jobs":                           {"all"},
}
