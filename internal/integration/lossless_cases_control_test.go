//go:build integration

package integration

import (
	"github.com/kubewire/kubewire/api/admissionregistrationv1"
	"github.com/kubewire/kubewire/api/apiregistrationv1"
	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/certificatesv1"
	"github.com/kubewire/kubewire/api/flowcontrolv1"
	"github.com/kubewire/kubewire/api/nodev1"
)

// matchResources is the MatchResources of the admission policies and their
// bindings.
const matchResources = `{"namespaceSelector":{"matchLabels":{"kubewire.dev/lossless":"true"}},"objectSelector":{"matchExpressions":[{"key":"tier","operator":"Exists"}]},
  "resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE","UPDATE"],"resources":["deployments"],"resourceNames":["web"],"scope":"Namespaced"}],
  "excludeResourceRules":[{"apiGroups":[""],"apiVersions":["*"],"operations":["*"],"resources":["pods/status"],"scope":"*"}],"matchPolicy":"Equivalent"}`

// controlCases are the kinds of the control plane's own configuration:
// admission, aggregation, API priority and fairness, certificates, runtime
// classes, controller revisions.
func controlCases() []losslessCase {
	return []losslessCase{
		{kind: "MutatingWebhookConfiguration", run: kindRun[admissionregistrationv1.MutatingWebhookConfiguration, admissionregistrationv1.MutatingWebhookConfigurationList](), obj: `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",
 "metadata":{"name":"kubewire-lossless","labels":{"kubewire.dev/lossless":"true"}},
 "webhooks":[{"name":"mutate.lossless.kubewire.dev",
  "clientConfig":{"url":"https://webhook.example.com:8443/mutate","caBundle":"LS0tLS1CRUdJTg=="},
  "rules":[{"operations":["CREATE"],"apiGroups":["lossless.kubewire.dev"],"apiVersions":["v1","v2"],"resources":["widgets"],"scope":"*"}],
  "failurePolicy":"Fail","matchPolicy":"Equivalent","namespaceSelector":{},"objectSelector":{"matchLabels":{"mutate":"yes"}},
  "sideEffects":"NoneOnDryRun","timeoutSeconds":30,"admissionReviewVersions":["v1","v1beta1"],"reinvocationPolicy":"IfNeeded",
  "matchConditions":[{"name":"has-tier","expression":"has(object.metadata.labels) && 'tier' in object.metadata.labels"}]},
  {"name":"second.lossless.kubewire.dev","clientConfig":{"service":{"namespace":"default","name":"webhook"}},
   "sideEffects":"None","admissionReviewVersions":["v1"]}]}`},

		{kind: "ValidatingAdmissionPolicy", run: kindRun[admissionregistrationv1.ValidatingAdmissionPolicy, admissionregistrationv1.ValidatingAdmissionPolicyList](), obj: `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"failurePolicy":"Ignore","paramKind":{"apiVersion":"v1","kind":"ConfigMap"},"matchConstraints":` + matchResources + `,
  "matchConditions":[{"name":"not-system","expression":"!request.userInfo.username.startsWith('system:')"}],
  "variables":[{"name":"replicas","expression":"object.spec.replicas"}],
  "validations":[{"expression":"variables.replicas <= 5","message":"too many","reason":"Invalid"},
   {"expression":"object.metadata.name != 'bad'","messageExpression":"'name ' + object.metadata.name + ' is bad'","reason":"Forbidden"}],
  "auditAnnotations":[{"key":"replicas","valueExpression":"string(variables.replicas)"}]},
 "status":{"observedGeneration":1,"typeChecking":{"expressionWarnings":[{"fieldRef":"spec.validations[0].expression","warning":"lossless"}]},
  "conditions":[{"type":"Checked","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"checked"}]}}`},

		{kind: "ValidatingAdmissionPolicyBinding", run: kindRun[admissionregistrationv1.ValidatingAdmissionPolicyBinding, admissionregistrationv1.ValidatingAdmissionPolicyBindingList](), obj: `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"policyName":"kubewire-lossless","validationActions":["Deny","Audit"],
  "paramRef":{"name":"limits","namespace":"default","parameterNotFoundAction":"Deny"},"matchResources":` + matchResources + `}}`},

		{kind: "MutatingAdmissionPolicy", run: kindRun[admissionregistrationv1.MutatingAdmissionPolicy, admissionregistrationv1.MutatingAdmissionPolicyList](), obj: `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingAdmissionPolicy",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"failurePolicy":"Ignore","reinvocationPolicy":"IfNeeded","paramKind":{"apiVersion":"v1","kind":"ConfigMap"},"matchConstraints":` + matchResources + `,
  "matchConditions":[{"name":"not-system","expression":"!request.userInfo.username.startsWith('system:')"}],
  "variables":[{"name":"tier","expression":"'web'"}],
  "mutations":[{"patchType":"ApplyConfiguration","applyConfiguration":{"expression":"Object{metadata: Object.metadata{labels: {'tier': variables.tier}}}"}},
   {"patchType":"JSONPatch","jsonPatch":{"expression":"[JSONPatch{op: 'add', path: '/metadata/annotations', value: {'kubewire.dev/mutated': 'true'}}]"}}]}}`},

		{kind: "MutatingAdmissionPolicyBinding", run: kindRun[admissionregistrationv1.MutatingAdmissionPolicyBinding, admissionregistrationv1.MutatingAdmissionPolicyBindingList](), obj: `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingAdmissionPolicyBinding",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"policyName":"kubewire-lossless","paramRef":{"selector":{"matchLabels":{"kubewire.dev/param":"true"}},"parameterNotFoundAction":"Allow"},
  "matchResources":` + matchResources + `}}`},

		{kind: "APIService", run: kindRun[apiregistrationv1.APIService, apiregistrationv1.APIServiceList](), obj: `{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService",
 "metadata":{"name":"v1.lossless.kubewire.dev","labels":{"kubewire.dev/lossless":"true"}},
 "spec":{"group":"lossless.kubewire.dev","version":"v1","service":{"namespace":"default","name":"lossless-api","port":8443},
  "caBundle":"LS0tLS1CRUdJTg==","groupPriorityMinimum":1000,"versionPriority":15},
 "status":{"conditions":[{"type":"Available","status":"False","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"not served"}]}}`},

		{kind: "FlowSchema", run: kindRun[flowcontrolv1.FlowSchema, flowcontrolv1.FlowSchemaList](), obj: `{"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"FlowSchema",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"priorityLevelConfiguration":{"name":"kubewire-lossless"},"matchingPrecedence":5000,"distinguisherMethod":{"type":"ByUser"},
  "rules":[{"subjects":[{"kind":"User","user":{"name":"jane"}},{"kind":"Group","group":{"name":"devs"}},
    {"kind":"ServiceAccount","serviceAccount":{"namespace":"default","name":"lossless"}}],
   "resourceRules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"],"namespaces":["default","kube-system"]},
    {"verbs":["*"],"apiGroups":["*"],"resources":["*"],"clusterScope":true,"namespaces":["*"]},
    {"verbs":["watch"],"apiGroups":[""],"resources":["nodes"],"clusterScope":true}],
   "nonResourceRules":[{"verbs":["get"],"nonResourceURLs":["/healthz","/livez"]}]}]},
 "status":{"conditions":[{"type":"Dangling","status":"False","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Found","message":"found"}]}}`},
		// rules[0].resourceRules[2].namespaces: the server writes null.

		{kind: "PriorityLevelConfiguration", run: kindRun[flowcontrolv1.PriorityLevelConfiguration, flowcontrolv1.PriorityLevelConfigurationList](), obj: `{"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"PriorityLevelConfiguration",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"type":"Limited","limited":{"nominalConcurrencyShares":0,"lendablePercent":0,"borrowingLimitPercent":0,
  "limitResponse":{"type":"Queue","queuing":{"queues":16,"handSize":4,"queueLengthLimit":50}}}},
 "status":{"conditions":[{"type":"ConcurrencyShared","status":"True","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"shared"}]}}`},

		{kind: "CertificateSigningRequest", run: kindRun[certificatesv1.CertificateSigningRequest, certificatesv1.CertificateSigningRequestList](), obj: `{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest",
 "metadata":{"name":"kubewire-lossless"},
 "spec":{"request":"CSR_PEM_B64","signerName":"kubewire.dev/lossless","expirationSeconds":3600,
  "usages":["digital signature","key encipherment","client auth"]},
 "status":{"conditions":[{"type":"Failed","status":"True","reason":"Lossless","message":"not signed","lastUpdateTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:04:05Z"}]}}`},

		{kind: "ClusterTrustBundle", run: kindRun[certificatesv1.ClusterTrustBundle, certificatesv1.ClusterTrustBundleList](), obj: `{"apiVersion":"certificates.k8s.io/v1","kind":"ClusterTrustBundle",
 "metadata":{"name":"kubewire.dev:lossless:bundle","labels":{"kubewire.dev/bundle":"lossless"}},
 "spec":{"signerName":"kubewire.dev/lossless","trustBundle":"CA_PEM"}}`},

		{kind: "PodCertificateRequest", run: kindRun[certificatesv1.PodCertificateRequest, certificatesv1.PodCertificateRequestList](), obj: `{"apiVersion":"certificates.k8s.io/v1","kind":"PodCertificateRequest",
 "metadata":{"name":"lossless-pcr"},
 "spec":{"signerName":"kubewire.dev/lossless","podName":"lossless-pod","podUID":"0b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e5f",
  "serviceAccountName":"default","serviceAccountUID":"1b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e5f","nodeName":"lossless-node","nodeUID":"2b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e5f",
  "maxExpirationSeconds":3600,"stubPKCS10Request":"CSR_DER_B64","unverifiedUserAnnotations":{"kubewire.dev/purpose":"lossless"}},
 "status":{"conditions":[{"type":"Failed","status":"True","observedGeneration":1,"reason":"Lossless","message":"not issued","lastTransitionTime":"2025-01-02T03:04:05Z"}]}}`},

		{kind: "RuntimeClass", run: kindRun[nodev1.RuntimeClass, nodev1.RuntimeClassList](), obj: `{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass",
 "metadata":{"name":"kubewire-lossless"},"handler":"runsc",
 "overhead":{"podFixed":{"cpu":"250m","memory":"0.5Gi"}},
 "scheduling":{"nodeSelector":{"runtime":"gvisor"},"tolerations":[{"key":"runtime","operator":"Equal","value":"gvisor","effect":"NoSchedule"},
  {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":0}]}}`},

		{kind: "ControllerRevision", run: kindRun[appsv1.ControllerRevision, appsv1.ControllerRevisionList](), obj: `{"apiVersion":"apps/v1","kind":"ControllerRevision",
 "metadata":{"name":"lossless-rev","labels":{"controller.kubernetes.io/hash":"5d8f7c9b4"}},"revision":0,
 "data":{"spec":{"template":{"$patch":"replace","spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}},"list":[1,2.5,"x",null,true]}}`},
	}
}
