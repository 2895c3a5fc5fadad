//go:build integration

package integration

import (
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/discoveryv1"
)

// coreCases add to losslessCases the core kinds it lacks, the pod fields
// added since Kubernetes 1.32 that the server keeps without feature gates,
// and objects with status written through the status subresource.
func coreCases() []losslessCase {
	return []losslessCase{
		{kind: "Pod.since-1.32", run: kindRun[corev1.Pod, corev1.PodList](), obj: `{"apiVersion":"v1","kind":"Pod",
 "metadata":{"name":"lossless-pod-137","labels":{"app":"web"}},
 "spec":{"os":{"name":"linux"},"hostnameOverride":"web-1.example","restartPolicy":"Never","automountServiceAccountToken":false,
  "resourceClaims":[{"name":"gpu","resourceClaimName":"lossless-claim"},{"name":"tmpl","resourceClaimTemplateName":"lossless-claim-template"}],
  "initContainers":[{"name":"init","image":"busybox:1.36","command":["true"],"restartPolicy":"Always",
   "restartPolicyRules":[{"action":"Restart","exitCodes":{"operator":"NotIn","values":[0]}}]}],
  "containers":[{"name":"web","image":"nginx:1.27","restartPolicy":"Never",
   "restartPolicyRules":[{"action":"Restart","exitCodes":{"operator":"In","values":[42,43]}}],
   "resources":{"claims":[{"name":"gpu"},{"name":"tmpl","request":"any"}],
    "requests":{"cpu":"100m","lossless.kubewire.dev/gpu":"1"},"limits":{"lossless.kubewire.dev/gpu":"1"}},
   "env":[{"name":"FROM_FILE","valueFrom":{"fileKeyRef":{"volumeName":"config","path":"env.txt","key":"MODE","optional":false}}},
    {"name":"MAYBE","valueFrom":{"fileKeyRef":{"volumeName":"config","path":"env.txt","key":"OTHER","optional":true}}}],
   "livenessProbe":{"grpc":{"port":9090,"service":"health"}},
   "volumeMounts":[{"name":"config","mountPath":"/config"},{"name":"secret","mountPath":"/secret","recursiveReadOnly":"Disabled","readOnly":true},
    {"name":"proj","mountPath":"/proj"},{"name":"empty","mountPath":"/empty"},{"name":"img","mountPath":"/img","subPath":"data"}]}],
  "volumes":[{"name":"config","emptyDir":{}},
   {"name":"secret","secret":{"secretName":"s","defaultMode":256,"optional":false,"items":[{"key":"k","path":"k","mode":256}]}},
   {"name":"proj","projected":{"defaultMode":292,"sources":[
     {"podCertificate":{"signerName":"kubewire.dev/lossless","keyType":"ECDSAP256","maxExpirationSeconds":3600,"credentialBundlePath":"bundle.pem",
      "userAnnotations":{"kubewire.dev/purpose":"lossless"}}},
     {"podCertificate":{"signerName":"kubewire.dev/lossless","keyType":"ED25519","keyPath":"key.pem","certificateChainPath":"chain.pem"}},
     {"clusterTrustBundle":{"signerName":"kubewire.dev/lossless","labelSelector":{"matchLabels":{"kubewire.dev/bundle":"lossless"}},"path":"ca.pem","optional":true}},
     {"clusterTrustBundle":{"name":"kubewire.dev:lossless:bundle","path":"ca2.pem"}},
     {"serviceAccountToken":{"audience":"lossless","expirationSeconds":3600,"path":"token"}},
     {"downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},
      {"path":"cpu","resourceFieldRef":{"containerName":"web","resource":"requests.cpu","divisor":"1m"},"mode":256}]}},
     {"configMap":{"name":"cfg","optional":false,"items":[{"key":"a","path":"a"}]}},
     {"secret":{"name":"s","items":[{"key":"k","path":"k2"}]}}]}},
   {"name":"empty","projected":{}},
   {"name":"img","image":{"reference":"registry.example.com/data:1","pullPolicy":"IfNotPresent"}}]},
 "status":{"phase":"Running","observedGeneration":1,"message":"running","reason":"Lossless","nominatedNodeName":"lossless-node",
  "hostIP":"10.0.0.5","hostIPs":[{"ip":"10.0.0.5"},{"ip":"fd00::5"}],"podIP":"10.244.1.7","podIPs":[{"ip":"10.244.1.7"},{"ip":"fd00:10:244::7"}],
  "startTime":"2025-01-02T03:04:05Z","qosClass":"Burstable","allocatedResources":{"cpu":"100m"},"resources":{"requests":{"cpu":"100m"}},
  "conditions":[{"type":"Ready","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:06Z"},
   {"type":"PodScheduled","status":"True","lastProbeTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Scheduled","message":"ok"}],
  "initContainerStatuses":[{"name":"init","image":"busybox:1.36","imageID":"docker.io/library/busybox@sha256:1111","ready":false,"restartCount":0,
   "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off"}},"lastState":{}}],
  "containerStatuses":[{"name":"web","image":"nginx:1.27","imageID":"docker.io/library/nginx@sha256:0000","containerID":"containerd://abc","ready":true,"started":true,"restartCount":2,
    "state":{"running":{"startedAt":"2025-01-02T03:04:06Z"}},
    "lastState":{"terminated":{"exitCode":0,"signal":15,"reason":"Completed","message":"done","startedAt":"2025-01-02T03:00:00Z","finishedAt":"2025-01-02T03:04:00Z","containerID":"containerd://old"}},
    "allocatedResources":{"cpu":"100m","lossless.kubewire.dev/gpu":"1"},"resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"1"}},
    "volumeMounts":[{"name":"config","mountPath":"/config","readOnly":true,"recursiveReadOnly":"Disabled"}],
    "user":{"linux":{"uid":0,"gid":0,"supplementalGroups":[0,1]}},
    "allocatedResourcesStatus":[{"name":"claim:gpu","resources":[{"resourceID":"gpu-0","health":"Healthy","message":"ok"},{"resourceID":"gpu-1","health":"Unknown"}]}],
    "stopSignal":"SIGTERM"}],
  "resourceClaimStatuses":[{"name":"gpu","resourceClaimName":"lossless-claim"},{"name":"tmpl"}],
  "extendedResourceClaimStatus":{"resourceClaimName":"lossless-pod-137-extended",
   "requestMappings":[{"containerName":"web","resourceName":"lossless.kubewire.dev/gpu","requestName":"container-0-request-0"}]}}}`},
		// volumes[3].projected.sources: the server writes null.

		{kind: "PodTemplate", run: kindRun[corev1.PodTemplate, corev1.PodTemplateList](), obj: `{"apiVersion":"v1","kind":"PodTemplate",
 "metadata":{"name":"lossless-podtemplate","labels":{"app":"web"}},"template":` + podTemplate + `}`},

		{kind: "PodTemplate.bare", run: kindRun[corev1.PodTemplate, corev1.PodTemplateList](), obj: `{"apiVersion":"v1","kind":"PodTemplate",
 "metadata":{"name":"lossless-podtemplate-bare"},"template":{"spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}}`},
		// template.metadata: the server writes {} and no creationTimestamp.

		{kind: "ReplicationController", run: kindRun[corev1.ReplicationController, corev1.ReplicationControllerList](), obj: `{"apiVersion":"v1","kind":"ReplicationController",
 "metadata":{"name":"lossless-rc","labels":{"app":"web"}},
 "spec":{"replicas":0,"minReadySeconds":3,"selector":{"app":"web"},"template":` + podTemplate + `},
 "status":{"replicas":3,"fullyLabeledReplicas":3,"readyReplicas":2,"availableReplicas":1,"observedGeneration":1,
  "conditions":[{"type":"ReplicaFailure","status":"True","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"FailedCreate","message":"quota"}]}}`},

		{kind: "EndpointSlice.empty", run: kindRun[discoveryv1.EndpointSlice, discoveryv1.EndpointSliceList](), obj: `{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
 "metadata":{"name":"lossless-eps-empty"},"addressType":"IPv6"}`},
		// endpoints and ports: the server writes null.

		{kind: "EndpointSlice.hints", run: kindRun[discoveryv1.EndpointSlice, discoveryv1.EndpointSliceList](), obj: `{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
 "metadata":{"name":"lossless-eps-hints"},"addressType":"FQDN",
 "endpoints":[{"addresses":["web.example.com"],"conditions":{},"hints":{"forZones":[{"name":"z1"}],"forNodes":[{"name":"n1"},{"name":"n2"}]}}],
 "ports":[]}`},
	}
}
