//go:build integration

package integration

import (
	"github.com/kubewire/kubewire/api/admissionregistrationv1"
	"github.com/kubewire/kubewire/api/apiextensionsv1"
	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/autoscalingv2"
	"github.com/kubewire/kubewire/api/batchv1"
	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/discoveryv1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/networkingv1"
	"github.com/kubewire/kubewire/api/policyv1"
	"github.com/kubewire/kubewire/api/rbacv1"
	"github.com/kubewire/kubewire/api/schedulingv1"
	"github.com/kubewire/kubewire/api/storagev1"
)

// The objects below fill in many optional fields, including zero values of
// optional scalars (pointers in the types: replicas 0, a false *bool, an
// empty *string), quantities in several notations (100m, 0.5, 1Gi, 1e3),
// int-or-string values of both kinds, Time and MicroTime, and a status
// (written through the status subresource). Zero values of non-pointer
// optional fields are left out: omitempty drops them on both sides. The
// kinds beyond these are in the other lossless_cases_*_test.go files.

// podTemplate is a pod template used by the workload kinds.
const podTemplate = `{"metadata":{"labels":{"app":"web"},"annotations":{"kubewire.dev/rev":"1"}},
 "spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"name":"http","containerPort":8080}],
  "resources":{"requests":{"cpu":"0.5","memory":"128Mi"},"limits":{"cpu":"1","memory":"1Gi"}}}],
  "terminationGracePeriodSeconds":0}}`

func losslessCases() []losslessCase {
	return []losslessCase{
		{kind: "Pod", run: kindRun[corev1.Pod, corev1.PodList](), obj: `{"apiVersion":"v1","kind":"Pod",
 "metadata":{"name":"lossless-pod","labels":{"app":"web","tier":"front"},"annotations":{"kubewire.dev/note":"lossless"}},
 "spec":{
  "initContainers":[{"name":"sidecar","image":"busybox:1.36","command":["sh","-c","sleep 1d"],"restartPolicy":"Always"}],
  "containers":[{"name":"web","image":"nginx:1.27","imagePullPolicy":"IfNotPresent","args":["-g","daemon off;"],"workingDir":"/srv",
   "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"containerPort":9090,"protocol":"UDP"}],
   "env":[{"name":"MODE","value":"prod"},
    {"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}},
    {"name":"CPU","valueFrom":{"resourceFieldRef":{"containerName":"web","resource":"limits.cpu","divisor":"1m"}}},
    {"name":"OPT","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"k","optional":false}}}],
   "envFrom":[{"prefix":"CFG_","configMapRef":{"name":"cfg","optional":true}}],
   "resources":{"limits":{"cpu":"0.5","memory":"1Gi"},"requests":{"cpu":"100m","memory":"512Mi","ephemeral-storage":"1e9"}},
   "volumeMounts":[{"name":"data","mountPath":"/data","readOnly":true,"subPath":"x"},{"name":"cache","mountPath":"/cache","mountPropagation":"None"}],
   "livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP","httpHeaders":[{"name":"X-Probe","value":"1"}]},
    "initialDelaySeconds":2,"periodSeconds":10,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3,"terminationGracePeriodSeconds":5},
   "readinessProbe":{"tcpSocket":{"port":8080},"periodSeconds":5},
   "startupProbe":{"exec":{"command":["cat","/tmp/ready"]},"failureThreshold":30},
   "lifecycle":{"preStop":{"sleep":{"seconds":1}}},
   "securityContext":{"runAsUser":0,"runAsNonRoot":false,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,
    "capabilities":{"add":["NET_BIND_SERVICE"],"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}},
   "terminationMessagePolicy":"FallbackToLogsOnError"}],
  "volumes":[{"name":"data","emptyDir":{"medium":"Memory","sizeLimit":"64Mi"}},
   {"name":"cache","configMap":{"name":"cfg","defaultMode":420,"optional":true,"items":[{"key":"a","path":"a.txt","mode":256}]}}],
  "restartPolicy":"Always","terminationGracePeriodSeconds":30,"activeDeadlineSeconds":3600,"dnsPolicy":"ClusterFirst",
  "nodeSelector":{"disk":"ssd"},"hostname":"web","subdomain":"svc","enableServiceLinks":false,
  "securityContext":{"runAsGroup":0,"fsGroup":2000,"supplementalGroups":[0,1],"sysctls":[{"name":"net.ipv4.ip_unprivileged_port_start","value":"0"}]},
  "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}]}},
   "podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,"podAffinityTerm":{"labelSelector":{"matchLabels":{"app":"web"}},"topologyKey":"kubernetes.io/hostname"}}]}},
  "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":0},
   {"key":"dedicated","operator":"Equal","value":"web","effect":"NoSchedule"}],
  "hostAliases":[{"ip":"10.0.0.9","hostnames":["db.local"]}],
  "dnsConfig":{"nameservers":["1.1.1.1"],"searches":["svc.local"],"options":[{"name":"ndots","value":"2"},{"name":"edns0"}]},
  "readinessGates":[{"conditionType":"kubewire.dev/ready"}],
  "topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"ScheduleAnyway","labelSelector":{"matchLabels":{"app":"web"}}}]}}`},

		{kind: "Service", run: kindRun[corev1.Service, corev1.ServiceList](), obj: `{"apiVersion":"v1","kind":"Service",
 "metadata":{"name":"lossless-svc","labels":{"app":"web"}},
 "spec":{"type":"LoadBalancer","selector":{"app":"web"},
  "ports":[{"name":"http","port":80,"targetPort":"http","protocol":"TCP","appProtocol":"http"},{"name":"metrics","port":9090,"targetPort":9090}],
  "sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}},
  "externalTrafficPolicy":"Local","internalTrafficPolicy":"Cluster","ipFamilyPolicy":"SingleStack","publishNotReadyAddresses":true,
  "allocateLoadBalancerNodePorts":false,"loadBalancerClass":"kubewire.dev/lb","loadBalancerSourceRanges":["10.0.0.0/8"]},
 "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1","ipMode":"Proxy","ports":[{"port":80,"protocol":"TCP"},{"port":9090,"protocol":"TCP","error":"Pending"}]},{"hostname":"lb.example.com"}]},
  "conditions":[{"type":"kubewire.dev/Ready","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"ready"}]}}`},

		{kind: "Endpoints", run: kindRun[corev1.Endpoints, corev1.EndpointsList](), obj: `{"apiVersion":"v1","kind":"Endpoints",
 "metadata":{"name":"lossless-ep"},
 "subsets":[{"addresses":[{"ip":"10.1.0.1","hostname":"a","targetRef":{"kind":"Pod","name":"p","namespace":"NAMESPACE"}}],
  "notReadyAddresses":[{"ip":"10.1.0.2"}],"ports":[{"name":"http","port":8080,"protocol":"TCP","appProtocol":"http"}]}]}`},

		{kind: "EndpointSlice", run: kindRun[discoveryv1.EndpointSlice, discoveryv1.EndpointSliceList](), obj: `{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
 "metadata":{"name":"lossless-eps","labels":{"kubernetes.io/service-name":"lossless-svc"}},"addressType":"IPv4",
 "endpoints":[{"addresses":["10.1.0.1"],"conditions":{"ready":true,"serving":false,"terminating":false},"hostname":"a","zone":"z1","nodeName":"n1",
  "hints":{"forZones":[{"name":"z1"}]},"targetRef":{"kind":"Pod","name":"p"}}],
 "ports":[{"name":"http","port":8080,"protocol":"TCP","appProtocol":"http"},{"name":"","port":53,"protocol":"UDP"}]}`},
		// ports[1].name "" (the unnamed port) must survive: the generator
		// makes EndpointPort.name a *string, as the API does.

		{kind: "ConfigMap", run: kindRun[corev1.ConfigMap, corev1.ConfigMapList](), obj: `{"apiVersion":"v1","kind":"ConfigMap",
 "metadata":{"name":"lossless-cm"},"data":{"a":"1","empty":""},"binaryData":{"bin":"AAEC"},"immutable":false}`},

		{kind: "Secret", run: kindRun[corev1.Secret, corev1.SecretList](), obj: `{"apiVersion":"v1","kind":"Secret",
 "metadata":{"name":"lossless-secret"},"type":"Opaque","data":{"k":"c2VjcmV0","empty":""},"immutable":false}`},

		{kind: "Namespace", run: kindRun[corev1.Namespace, corev1.NamespaceList](), obj: `{"apiVersion":"v1","kind":"Namespace",
 "metadata":{"name":"kubewire-lossless-namespace","labels":{"team":"a"},"annotations":{"kubewire.dev/note":"x"}},
 "status":{"phase":"Active","conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"False","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"ResourcesDiscovered","message":"ok"}]}}`},

		{kind: "Node", run: kindRun[corev1.Node, corev1.NodeList](), obj: `{"apiVersion":"v1","kind":"Node",
 "metadata":{"name":"lossless-node","labels":{"kubernetes.io/hostname":"lossless-node"}},
 "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"],"providerID":"kubewire://lossless",
  "taints":[{"key":"dedicated","value":"web","effect":"NoSchedule"},{"key":"node.kubernetes.io/unreachable","effect":"NoExecute","timeAdded":"2025-01-02T03:04:05Z"}]},
 "status":{"capacity":{"cpu":"4","memory":"16Gi","pods":"110","ephemeral-storage":"100Gi"},
  "allocatable":{"cpu":"3500m","memory":"15.5Gi","pods":"110"},
  "conditions":[{"type":"Ready","status":"False","lastHeartbeatTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:00:00Z","reason":"KubeletNotReady","message":"no kubelet"}],
  "addresses":[{"type":"InternalIP","address":"10.0.0.5"},{"type":"Hostname","address":"lossless-node"}],
  "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
  "nodeInfo":{"machineID":"m","systemUUID":"u","bootID":"b","kernelVersion":"6.1.0","osImage":"Debian 12","containerRuntimeVersion":"containerd://1.7.0",
   "kubeletVersion":"v1.37.2","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64","swap":{"capacity":1073741824},"runningInUserNamespace":false},
  "images":[{"names":["nginx:1.27"],"sizeBytes":123456},{"sizeBytes":1}],
  "runtimeHandlers":[{"name":"","features":{"recursiveReadOnlyMounts":true,"userNamespaces":false}},{"name":"runsc","features":{}}],
  "features":{"supplementalGroupsPolicy":true},"declaredFeatures":["InPlacePodVerticalScaling"],
  "volumesInUse":["kubernetes.io/csi/x^y"],"volumesAttached":[{"name":"kubernetes.io/csi/x^y","devicePath":""}]}}`},

		{kind: "PersistentVolume", run: kindRun[corev1.PersistentVolume, corev1.PersistentVolumeList](), obj: `{"apiVersion":"v1","kind":"PersistentVolume",
 "metadata":{"name":"lossless-pv"},
 "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],"persistentVolumeReclaimPolicy":"Retain",
  "storageClassName":"lossless-sc","mountOptions":["hard","nfsvers=4.1"],"volumeMode":"Filesystem",
  "nfs":{"server":"10.0.0.2","path":"/exports"},
  "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}},
  "claimRef":{"namespace":"NAMESPACE","name":"lossless-pvc"}},
 "status":{"phase":"Bound","message":"bound","reason":"Lossless","lastPhaseTransitionTime":"2025-01-02T03:04:05Z"}}`},

		{kind: "PersistentVolumeClaim", run: kindRun[corev1.PersistentVolumeClaim, corev1.PersistentVolumeClaimList](), obj: `{"apiVersion":"v1","kind":"PersistentVolumeClaim",
 "metadata":{"name":"lossless-pvc"},
 "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"0.5Gi"},"limits":{"storage":"1Gi"}},
  "storageClassName":"","volumeMode":"Block","selector":{"matchExpressions":[{"key":"tier","operator":"Exists"}]}},
 "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"},"allocatedResources":{"storage":"2Gi"},
  "allocatedResourceStatuses":{"storage":"ControllerResizeInProgress"},"currentVolumeAttributesClassName":"lossless-vac",
  "modifyVolumeStatus":{"status":"InProgress","targetVolumeAttributesClassName":"lossless-vac2"},
  "conditions":[{"type":"Resizing","status":"True","lastProbeTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"resizing"},
   {"type":"ModifyingVolume","status":"False"}]}}`},

		{kind: "ServiceAccount", run: kindRun[corev1.ServiceAccount, corev1.ServiceAccountList](), obj: `{"apiVersion":"v1","kind":"ServiceAccount",
 "metadata":{"name":"lossless-sa"},"secrets":[{"name":"s1"}],"imagePullSecrets":[{"name":"pull"}],"automountServiceAccountToken":false}`},

		{kind: "Role", run: kindRun[rbacv1.Role, rbacv1.RoleList](), obj: `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role",
 "metadata":{"name":"lossless-role"},
 "rules":[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list"]},
  {"apiGroups":["apps"],"resources":["deployments"],"resourceNames":["web"],"verbs":["*"]}]}`},

		{kind: "ClusterRole", run: kindRun[rbacv1.ClusterRole, rbacv1.ClusterRoleList](), obj: `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
 "metadata":{"name":"kubewire-lossless"},
 "rules":[{"apiGroups":[""],"resources":["services"],"verbs":["get"]},{"nonResourceURLs":["/healthz","/metrics"],"verbs":["get"]}],
 "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"kubewire.dev/aggregate-to-lossless":"true"}}]}}`},

		{kind: "RoleBinding", run: kindRun[rbacv1.RoleBinding, rbacv1.RoleBindingList](), obj: `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
 "metadata":{"name":"lossless-rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"lossless-role"},
 "subjects":[{"kind":"ServiceAccount","name":"lossless-sa","namespace":"NAMESPACE"},
  {"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"jane"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}]}`},

		{kind: "ClusterRoleBinding", run: kindRun[rbacv1.ClusterRoleBinding, rbacv1.ClusterRoleBindingList](), obj: `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
 "metadata":{"name":"kubewire-lossless"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"kubewire-lossless"},
 "subjects":[{"kind":"ServiceAccount","name":"lossless-sa","namespace":"NAMESPACE"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}]}`},

		{kind: "Deployment", run: kindRun[appsv1.Deployment, appsv1.DeploymentList](), obj: `{"apiVersion":"apps/v1","kind":"Deployment",
 "metadata":{"name":"lossless-deploy","labels":{"app":"web"}},
 "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
  "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}},
  "minReadySeconds":3,"revisionHistoryLimit":0,"progressDeadlineSeconds":600,"paused":true,"template":` + podTemplate + `},
 "status":{"observedGeneration":1,"replicas":3,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":1,"unavailableReplicas":2,"terminatingReplicas":0,"collisionCount":0,
  "conditions":[{"type":"Progressing","status":"Unknown","lastUpdateTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"DeploymentPaused","message":"paused"},
   {"type":"Available","status":"True","lastUpdateTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:04:05Z"}]}}`},

		{kind: "StatefulSet", run: kindRun[appsv1.StatefulSet, appsv1.StatefulSetList](), obj: `{"apiVersion":"apps/v1","kind":"StatefulSet",
 "metadata":{"name":"lossless-sts"},
 "spec":{"replicas":0,"serviceName":"web","selector":{"matchLabels":{"app":"web"}},"podManagementPolicy":"Parallel",
  "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},"revisionHistoryLimit":0,"minReadySeconds":3,
  "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete","whenScaled":"Retain"},"ordinals":{"start":0},
  "template":` + podTemplate + `,
  "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]},
 "status":{"observedGeneration":1,"replicas":3,"readyReplicas":2,"currentReplicas":2,"updatedReplicas":1,"availableReplicas":1,
  "currentRevision":"lossless-sts-1","updateRevision":"lossless-sts-2","collisionCount":0,
  "conditions":[{"type":"kubewire.dev/Ready","status":"False","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"none"}]}}`},

		{kind: "DaemonSet", run: kindRun[appsv1.DaemonSet, appsv1.DaemonSetList](), obj: `{"apiVersion":"apps/v1","kind":"DaemonSet",
 "metadata":{"name":"lossless-ds"},
 "spec":{"selector":{"matchLabels":{"app":"web"}},"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"10%","maxSurge":0}},
  "minReadySeconds":3,"revisionHistoryLimit":0,"template":` + podTemplate + `},
 "status":{"currentNumberScheduled":3,"numberMisscheduled":0,"desiredNumberScheduled":3,"numberReady":0,"observedGeneration":1,
  "updatedNumberScheduled":2,"numberAvailable":1,"numberUnavailable":2,"collisionCount":0,
  "conditions":[{"type":"kubewire.dev/Ready","status":"False","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"none"}]}}`},

		{kind: "ReplicaSet", run: kindRun[appsv1.ReplicaSet, appsv1.ReplicaSetList](), obj: `{"apiVersion":"apps/v1","kind":"ReplicaSet",
 "metadata":{"name":"lossless-rs"},
 "spec":{"replicas":0,"minReadySeconds":3,"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]},"template":` + podTemplate + `},
 "status":{"replicas":3,"fullyLabeledReplicas":3,"readyReplicas":2,"availableReplicas":1,"terminatingReplicas":0,"observedGeneration":1,
  "conditions":[{"type":"ReplicaFailure","status":"True","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"FailedCreate","message":"quota"}]}}`},

		{kind: "Job", run: kindRun[batchv1.Job, batchv1.JobList](), obj: `{"apiVersion":"batch/v1","kind":"Job",
 "metadata":{"name":"lossless-job"},
 "spec":{"parallelism":0,"completions":3,"completionMode":"Indexed","backoffLimitPerIndex":1,"maxFailedIndexes":1,
  "activeDeadlineSeconds":600,"ttlSecondsAfterFinished":0,"suspend":true,"podReplacementPolicy":"Failed",
  "podFailurePolicy":{"rules":[{"action":"FailIndex","onExitCodes":{"operator":"In","values":[42]}},
   {"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget","status":"True"}]}]},
  "successPolicy":{"rules":[{"succeededIndexes":"0-1","succeededCount":1}]},
  "template":{"spec":{"restartPolicy":"Never","containers":[{"name":"work","image":"busybox:1.36","command":["true"]}]}}},
 "status":{"terminating":0,"ready":0,
  "conditions":[{"type":"Suspended","status":"True","lastProbeTime":"2025-01-02T03:04:05Z","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"JobSuspended","message":"Job suspended"}]}}`},

		{kind: "CronJob", run: kindRun[batchv1.CronJob, batchv1.CronJobList](), obj: `{"apiVersion":"batch/v1","kind":"CronJob",
 "metadata":{"name":"lossless-cron"},
 "spec":{"schedule":"*/5 * * * *","timeZone":"Etc/UTC","startingDeadlineSeconds":0,"concurrencyPolicy":"Forbid","suspend":true,
  "successfulJobsHistoryLimit":0,"failedJobsHistoryLimit":0,
  "jobTemplate":{"metadata":{"labels":{"job":"x"}},"spec":{"backoffLimit":0,
   "template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"work","image":"busybox:1.36","command":["true"]}]}}}}},
 "status":{"lastScheduleTime":"2025-01-02T03:04:05Z","lastSuccessfulTime":"2025-01-02T03:04:05Z",
  "active":[{"kind":"Job","namespace":"NAMESPACE","name":"lossless-cron-1","uid":"0b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e51","apiVersion":"batch/v1","resourceVersion":"7"}]}}`},

		{kind: "Ingress", run: kindRun[networkingv1.Ingress, networkingv1.IngressList](), obj: `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
 "metadata":{"name":"lossless-ing"},
 "spec":{"ingressClassName":"lossless-ic","defaultBackend":{"service":{"name":"web","port":{"number":80}}},
  "tls":[{"hosts":["web.example.com"],"secretName":"web-tls"}],
  "rules":[{"host":"web.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"name":"http"}}}},
   {"path":"/static","pathType":"ImplementationSpecific","backend":{"resource":{"apiGroup":"k8s.example.com","kind":"StorageBucket","name":"static"}}}]}}]},
 "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.2","ports":[{"port":443,"protocol":"TCP","error":"Pending"},{"port":80,"protocol":"TCP"}]},{"hostname":"lb.example.com"}]}}}`},

		{kind: "IngressClass", run: kindRun[networkingv1.IngressClass, networkingv1.IngressClassList](), obj: `{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass",
 "metadata":{"name":"lossless-ic","annotations":{"ingressclass.kubernetes.io/is-default-class":"false"}},
 "spec":{"controller":"kubewire.dev/ingress","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"p","scope":"Namespace","namespace":"NAMESPACE"}}}`},

		{kind: "NetworkPolicy", run: kindRun[networkingv1.NetworkPolicy, networkingv1.NetworkPolicyList](), obj: `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
 "metadata":{"name":"lossless-np"},
 "spec":{"podSelector":{},"policyTypes":["Ingress","Egress"],
  "ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}},{"namespaceSelector":{"matchLabels":{"team":"a"}},"podSelector":{"matchLabels":{"app":"web"}}}],
   "ports":[{"protocol":"TCP","port":8080,"endPort":8090},{"port":"http"}]}],
  "egress":[{"to":[{"namespaceSelector":{}}],"ports":[{"protocol":"UDP","port":53}]},{}]}}`},

		{kind: "HorizontalPodAutoscaler", run: kindRun[autoscalingv2.HorizontalPodAutoscaler, autoscalingv2.HorizontalPodAutoscalerList](), obj: `{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
 "metadata":{"name":"lossless-hpa"},
 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":10,
  "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
   {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"100m"}}},
   {"type":"Object","object":{"describedObject":{"apiVersion":"v1","kind":"Service","name":"web"},"metric":{"name":"latency","selector":{"matchLabels":{"p":"99"}}},"target":{"type":"Value","value":"0.5"}}},
   {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"1e3"}}},
   {"type":"ContainerResource","containerResource":{"name":"memory","container":"web","target":{"type":"AverageValue","averageValue":"1Gi"}}}],
  "behavior":{"scaleDown":{"stabilizationWindowSeconds":0,"tolerance":"0.05","selectPolicy":"Min","policies":[{"type":"Percent","value":10,"periodSeconds":60}]},
   "scaleUp":{"stabilizationWindowSeconds":0,"policies":[{"type":"Pods","value":4,"periodSeconds":15}]}}},
 "status":{"observedGeneration":1,"lastScaleTime":"2025-01-02T03:04:05Z","currentReplicas":2,"desiredReplicas":1,
  "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":0,"averageValue":"0"}}},
   {"type":"Pods","pods":{"metric":{"name":"qps"},"current":{"averageValue":"2500m"}}},
   {"type":"Object","object":{"describedObject":{"apiVersion":"v1","kind":"Service","name":"web"},"metric":{"name":"latency"},"current":{"value":"1"}}},
   {"type":"External","external":{"metric":{"name":"queue","selector":{"matchLabels":{"q":"a"}}},"current":{"averageValue":"1e3","value":"12"}}},
   {"type":"ContainerResource","containerResource":{"name":"memory","container":"web","current":{"averageValue":"1Gi"}}}],
  "conditions":[{"type":"AbleToScale","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"SucceededGetScale","message":"ok"},
   {"type":"ScalingActive","status":"False","lastTransitionTime":"2025-01-02T03:04:05Z","reason":"FailedGetResourceMetric"}]}}`},
		// The server writes "status":{"currentMetrics":null}: the generator
		// keeps that null for this field (no omitempty in the API's Go type).

		{kind: "PodDisruptionBudget", run: kindRun[policyv1.PodDisruptionBudget, policyv1.PodDisruptionBudgetList](), obj: `{"apiVersion":"policy/v1","kind":"PodDisruptionBudget",
 "metadata":{"name":"lossless-pdb"},
 "spec":{"maxUnavailable":0,"selector":{"matchLabels":{"app":"web"}},"unhealthyPodEvictionPolicy":"AlwaysAllow"},
 "status":{"observedGeneration":1,"disruptedPods":{"web-1":"2025-01-02T03:04:05Z"},"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0,
  "conditions":[{"type":"DisruptionAllowed","status":"False","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"InsufficientPods","message":"none"}]}}`},

		{kind: "StorageClass", run: kindRun[storagev1.StorageClass, storagev1.StorageClassList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
 "metadata":{"name":"lossless-sc"},"provisioner":"kubewire.dev/csi","parameters":{"type":"ssd"},"reclaimPolicy":"Retain",
 "allowVolumeExpansion":false,"mountOptions":["debug"],"volumeBindingMode":"WaitForFirstConsumer",
 "allowedTopologies":[{"matchLabelExpressions":[{"key":"zone","values":["a","b"]}]}]}`},

		{kind: "PriorityClass", run: kindRun[schedulingv1.PriorityClass, schedulingv1.PriorityClassList](), obj: `{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass",
 "metadata":{"name":"kubewire-lossless"},"value":0,"description":"lossless","preemptionPolicy":"Never"}`},

		{kind: "Lease", run: kindRun[coordinationv1.Lease, coordinationv1.LeaseList](), obj: `{"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
 "metadata":{"name":"lossless-lease"},
 "spec":{"holderIdentity":"node-a","leaseDurationSeconds":15,"acquireTime":"2025-01-02T03:04:05.123456Z","renewTime":"2025-01-02T03:04:06.000001Z","leaseTransitions":0}}`},

		{kind: "Event", run: kindRun[corev1.Event, corev1.EventList](), obj: `{"apiVersion":"v1","kind":"Event",
 "metadata":{"name":"lossless-event"},
 "involvedObject":{"kind":"Pod","namespace":"NAMESPACE","name":"lossless-pod","uid":"0b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e5f","apiVersion":"v1","resourceVersion":"1","fieldPath":"spec.containers{web}"},
 "reason":"Started","message":"Started container web","source":{"component":"kubelet","host":"node-a"},
 "firstTimestamp":"2025-01-02T03:04:05Z","lastTimestamp":"2025-01-02T03:04:06Z","count":1,"type":"Normal",
 "reportingComponent":"kubelet","reportingInstance":"node-a"}`},

		{kind: "Event.events.k8s.io", run: kindRun[eventsv1.Event, eventsv1.EventList](), obj: `{"apiVersion":"events.k8s.io/v1","kind":"Event",
 "metadata":{"name":"lossless-event2"},"eventTime":"2025-01-02T03:04:05.123456Z",
 "reportingController":"kubewire.dev/lossless","reportingInstance":"lossless-1","action":"Scale","reason":"ScaledUp",
 "regarding":{"kind":"Deployment","namespace":"NAMESPACE","name":"web","apiVersion":"apps/v1"},
 "related":{"kind":"ReplicaSet","namespace":"NAMESPACE","name":"web-1"},"note":"scaled up","type":"Normal",
 "series":{"count":2,"lastObservedTime":"2025-01-02T03:04:07.000001Z"}}`},

		{kind: "ValidatingWebhookConfiguration", run: kindRun[admissionregistrationv1.ValidatingWebhookConfiguration, admissionregistrationv1.ValidatingWebhookConfigurationList](), obj: `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration",
 "metadata":{"name":"kubewire-lossless"},
 "webhooks":[{"name":"check.lossless.kubewire.dev",
  "clientConfig":{"service":{"namespace":"default","name":"webhook","path":"/validate","port":8443},"caBundle":"LS0tLS1CRUdJTg=="},
  "rules":[{"operations":["CREATE","UPDATE"],"apiGroups":["lossless.kubewire.dev"],"apiVersions":["v1"],"resources":["widgets","widgets/status"],"scope":"Namespaced"}],
  "failurePolicy":"Ignore","matchPolicy":"Exact","namespaceSelector":{"matchExpressions":[{"key":"env","operator":"NotIn","values":["prod"]}]},
  "objectSelector":{},"sideEffects":"None","timeoutSeconds":5,"admissionReviewVersions":["v1"],
  "matchConditions":[{"name":"not-system","expression":"!request.userInfo.username.startsWith('system:')"}]}]}`},

		{kind: "CustomResourceDefinition", run: kindRun[apiextensionsv1.CustomResourceDefinition, apiextensionsv1.CustomResourceDefinitionList](), obj: `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
 "metadata":{"name":"widgets.lossless.kubewire.dev"},
 "spec":{"group":"lossless.kubewire.dev","scope":"Namespaced",
  "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList","shortNames":["wd"],"categories":["all"]},
  "versions":[{"name":"v1","served":true,"storage":true,
   "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas","labelSelectorPath":".status.selector"}},
   "additionalPrinterColumns":[{"name":"Replicas","type":"integer","jsonPath":".spec.replicas","description":"desired"}],
   "schema":{"openAPIV3Schema":{"type":"object","description":"A widget.","properties":{
    "spec":{"type":"object","required":["replicas"],"x-kubernetes-validations":[{"rule":"self.replicas <= 100","message":"too many"}],"properties":{
     "replicas":{"type":"integer","minimum":0,"maximum":100,"default":1},
     "ratio":{"type":"number","multipleOf":0.5},
     "mode":{"type":"string","enum":["a","b"],"default":"a","pattern":"^[ab]$","maxLength":1},
     "tags":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"set","maxItems":10},
     "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
     "port":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}}},
    "status":{"type":"object","properties":{"replicas":{"type":"integer"},"selector":{"type":"string"}}}}}}}]}}`},

		{kind: "ResourceQuota", namespace: "kubewire-lossless-quota", run: kindRun[corev1.ResourceQuota, corev1.ResourceQuotaList](), obj: `{"apiVersion":"v1","kind":"ResourceQuota",
 "metadata":{"name":"lossless-quota"},
 "spec":{"hard":{"cpu":"2","memory":"1Gi","pods":"10","requests.storage":"0.5Ti","count/deployments.apps":"5","services.loadbalancers":"0"}},
 "status":{"hard":{"cpu":"2","pods":"10"},"used":{"cpu":"0","pods":"1"}}}`},

		{kind: "LimitRange", namespace: "kubewire-lossless-limits", run: kindRun[corev1.LimitRange, corev1.LimitRangeList](), obj: `{"apiVersion":"v1","kind":"LimitRange",
 "metadata":{"name":"lossless-limits"},
 "spec":{"limits":[{"type":"Container","default":{"cpu":"500m","memory":"512Mi"},"defaultRequest":{"cpu":"0.1","memory":"256Mi"},
   "max":{"cpu":"2"},"min":{"cpu":"10m"},"maxLimitRequestRatio":{"cpu":"10"}},
  {"type":"PersistentVolumeClaim","max":{"storage":"10Gi"},"min":{"storage":"1Gi"}}]}}`},
	}
}
