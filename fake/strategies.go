package fake

// The built-in kinds' rules, all in two tables: strategies (each kind's
// strategy, by storage key) and typeDefaults (the defaulting functions of
// nested types). Each strategy value holds every rule of its kind and is
// defined in the kind's file; a kind without an entry gets only the
// pipeline's generic stages (pipeline.go).

// strategies holds the built-in kinds' strategies by storage key
// ("group/resource", "/pods" for the core group).
var strategies = map[string]*strategy{
	// strategy_pods.go
	"/pods": podStrategy,

	// strategy_workloads.go
	"apps/deployments":        deploymentStrategy,
	"apps/replicasets":        replicaSetStrategy,
	"apps/statefulsets":       statefulSetStrategy,
	"apps/daemonsets":         daemonSetStrategy,
	"batch/jobs":              jobStrategy,
	"batch/cronjobs":          cronJobStrategy,
	"/replicationcontrollers": replicationControllerStrategy,
	"/podtemplates":           podTemplateStrategy,

	// strategy_services.go
	"/services": serviceStrategy,

	// strategy_core.go
	"/namespaces":                                   namespaceStrategy,
	"/secrets":                                      secretStrategy,
	"/configmaps":                                   configMapStrategy,
	"/persistentvolumeclaims":                       claimStrategy,
	"/persistentvolumes":                            volumeStrategy,
	"/resourcequotas":                               quotaStrategy,
	"scheduling.k8s.io/priorityclasses":             priorityClassStrategy,
	"networking.k8s.io/networkpolicies":             networkPolicyStrategy,
	"rbac.authorization.k8s.io/rolebindings":        roleBindingStrategy,
	"rbac.authorization.k8s.io/clusterrolebindings": clusterRoleBindingStrategy,

	// strategy_storage.go
	"storage.k8s.io/storageclasses": storageClassStrategy,

	// validate_kinds.go
	"autoscaling/horizontalpodautoscalers":                         hpaStrategy,
	"networking.k8s.io/ingressclasses":                             ingressClassStrategy,
	"networking.k8s.io/ingresses":                                  ingressStrategy,
	"policy/poddisruptionbudgets":                                  pdbStrategy,
	"rbac.authorization.k8s.io/roles":                              roleStrategy,
	"rbac.authorization.k8s.io/clusterroles":                       clusterRoleStrategy,
	"/limitranges":                                                 limitRangeStrategy,
	"coordination.k8s.io/leases":                                   leaseStrategy,
	"flowcontrol.apiserver.k8s.io/prioritylevelconfigurations":     priorityLevelStrategy,
	"flowcontrol.apiserver.k8s.io/flowschemas":                     flowSchemaStrategy,
	"admissionregistration.k8s.io/validatingwebhookconfigurations": validatingWebhooksStrategy,
	"admissionregistration.k8s.io/mutatingwebhookconfigurations":   mutatingWebhooksStrategy,
	"admissionregistration.k8s.io/validatingadmissionpolicies":     admissionPolicyStrategy,
	"storage.k8s.io/csidrivers":                                    csiDriverStrategy,
	"node.k8s.io/runtimeclasses":                                   runtimeClassStrategy,
	"discovery.k8s.io/endpointslices":                              endpointSliceStrategy,

	// crdschema.go
	"apiextensions.k8s.io/customresourcedefinitions": crdStrategy,
}

// typeDefaults are the defaulting functions of nested types, by OpenAPI
// schema name: the real server runs them on every value of the type
// anywhere in an object, after the kind's own (defaultNested).
var typeDefaults = map[string]func(m map[string]any){
	// strategy_pods.go
	"io.k8s.api.core.v1.PodSpec":                       defaultPodSpec,
	"io.k8s.api.core.v1.Container":                     defaultContainer,
	"io.k8s.api.core.v1.EphemeralContainer":            defaultContainer,
	"io.k8s.api.core.v1.Probe":                         defaultProbe,
	"io.k8s.api.core.v1.HTTPGetAction":                 defaultHTTPGetAction,
	"io.k8s.api.core.v1.Volume":                        defaultVolume,
	"io.k8s.api.core.v1.SecretVolumeSource":            defaultFileMode,
	"io.k8s.api.core.v1.ConfigMapVolumeSource":         defaultFileMode,
	"io.k8s.api.core.v1.DownwardAPIVolumeSource":       defaultFileMode,
	"io.k8s.api.core.v1.ProjectedVolumeSource":         defaultFileMode,
	"io.k8s.api.core.v1.ServiceAccountTokenProjection": defaultTokenProjection,
	"io.k8s.api.core.v1.ObjectFieldSelector":           defaultObjectFieldSelector,
	"io.k8s.api.core.v1.HostPathVolumeSource":          defaultHostPath,

	// strategy_workloads.go
	"io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern": defaultPodConditionsPattern,

	// strategy_core.go
	"io.k8s.api.core.v1.PersistentVolumeClaimSpec": defaultClaimSpec,
	"io.k8s.api.core.v1.EndpointPort":              defaultPortProtocol,
	"io.k8s.api.networking.v1.NetworkPolicyPort":   defaultPortProtocol,
	"io.k8s.api.rbac.v1.Subject":                   defaultSubject,

	// validate_kinds.go
	"io.k8s.api.core.v1.LimitRangeItem":    defaultLimitRangeItem,
	"io.k8s.api.discovery.v1.EndpointPort": defaultSlicePort,

	// strategy_admission.go
	"io.k8s.api.admissionregistration.v1.ValidatingWebhook":               defaultValidatingWebhook,
	"io.k8s.api.admissionregistration.v1.MutatingWebhook":                 defaultMutatingWebhook,
	"io.k8s.api.admissionregistration.v1.RuleWithOperations":              defaultRuleScope,
	"io.k8s.api.admissionregistration.v1.NamedRuleWithOperations":         defaultRuleScope,
	"io.k8s.api.admissionregistration.v1.ServiceReference":                defaultServicePort,
	"io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference": defaultServicePort,
	"io.k8s.api.admissionregistration.v1.MatchResources":                  defaultMatchResources,
	"io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec":   defaultPolicySpec,
}
