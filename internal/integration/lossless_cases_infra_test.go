//go:build integration

package integration

import (
	"github.com/kubewire/kubewire/api/networkingv1"
	"github.com/kubewire/kubewire/api/resourcev1"
	"github.com/kubewire/kubewire/api/storagemigrationv1"
	"github.com/kubewire/kubewire/api/storagev1"
)

// claimSpec is the ResourceClaimSpec of the claim and its template:
// requests of both kinds, constraints and opaque configuration.
const claimSpec = `{"devices":{
  "requests":[{"name":"gpu","exactly":{"deviceClassName":"lossless-gpu","allocationMode":"ExactCount","count":2,"adminAccess":false,
     "selectors":[{"cel":{"expression":"device.attributes['lossless.kubewire.dev'].model == 'LL-100'"}}],
     "capacity":{"requests":{"memory":"10Gi","cores":"0.5"}},
     "tolerations":[{"key":"maint","operator":"Exists","effect":"NoExecute","tolerationSeconds":0},
      {"key":"lossless.kubewire.dev/unhealthy","operator":"Equal","value":"yes","effect":"NoSchedule"}]}},
   {"name":"any","firstAvailable":[{"name":"big","deviceClassName":"lossless-gpu","allocationMode":"All","selectors":[{"cel":{"expression":"true"}}]},
     {"name":"small","deviceClassName":"lossless-gpu","count":1,"capacity":{"requests":{"memory":"1Gi"}},"tolerations":[{"key":"maint","operator":"Exists"}]}]}],
  "constraints":[{"requests":["gpu"],"matchAttribute":"lossless.kubewire.dev/numa"},{"distinctAttribute":"lossless.kubewire.dev/index"}],
  "config":[{"requests":["gpu"],"opaque":{"driver":"lossless.kubewire.dev","parameters":{"mode":"fast","n":1,"ratio":0.5,"list":[null,true]}}}]}}`

// infraCases are the kinds of networking, storage and dynamic resource
// allocation that the workload cases do not cover.
func infraCases() []losslessCase {
	return []losslessCase{
		{kind: "IPAddress", run: kindRun[networkingv1.IPAddress, networkingv1.IPAddressList](), obj: `{"apiVersion":"networking.k8s.io/v1","kind":"IPAddress",
 "metadata":{"name":"192.0.2.10","labels":{"ipaddress.kubernetes.io/managed-by":"kubewire.dev"}},
 "spec":{"parentRef":{"resource":"services","namespace":"default","name":"lossless-svc"}}}`},

		{kind: "ServiceCIDR", run: kindRun[networkingv1.ServiceCIDR, networkingv1.ServiceCIDRList](), obj: `{"apiVersion":"networking.k8s.io/v1","kind":"ServiceCIDR",
 "metadata":{"name":"kubewire-lossless"},"spec":{"cidrs":["10.250.0.0/24","fd00:10:250::/112"]},
 "status":{"conditions":[{"type":"Ready","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"ready"}]}}`},

		{kind: "DeviceClass", run: kindRun[resourcev1.DeviceClass, resourcev1.DeviceClassList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"DeviceClass",
 "metadata":{"name":"lossless-gpu"},
 "spec":{"selectors":[{"cel":{"expression":"device.driver == 'lossless.kubewire.dev'"}}],
  "config":[{"opaque":{"driver":"lossless.kubewire.dev","parameters":{"sharing":{"strategy":"TimeSlicing"}}}}],"extendedResourceName":"lossless.kubewire.dev/gpu"}}`},

		{kind: "ResourceSlice", run: kindRun[resourcev1.ResourceSlice, resourcev1.ResourceSliceList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice",
 "metadata":{"name":"lossless-slice"},
 "spec":{"driver":"lossless.kubewire.dev","pool":{"name":"pool-a","generation":0,"resourceSliceCount":2},"nodeName":"lossless-node",
  "devices":[{"name":"gpu-0",
    "attributes":{"model":{"string":"LL-100"},"index":{"int":0},"healthy":{"bool":false},"driverVersion":{"version":"1.2.3"},"lossless.kubewire.dev/numa":{"int":1}},
    "capacity":{"memory":{"value":"80Gi"},"cores":{"value":"8","requestPolicy":{"default":"1","validRange":{"min":"0.5","max":"4","step":"0.5"}}},
     "slots":{"value":"8","requestPolicy":{"default":"2","validValues":["1","2","4"]}}},
    "taints":[{"key":"lossless.kubewire.dev/unhealthy","value":"yes","effect":"NoSchedule","timeAdded":"2025-01-02T03:04:05Z"},{"key":"maint","effect":"NoExecute"}],
    "allowMultipleAllocations":true,"bindsToNode":true,"bindingConditions":["lossless.kubewire.dev/attached"],"bindingFailureConditions":["lossless.kubewire.dev/failed"],
    "consumesCounters":[{"counterSet":"gpu-counters","counters":{"memory":{"value":"40Gi"}}}]},
   {"name":"gpu-1","allowMultipleAllocations":true,"capacity":{"slots":{"value":"1","requestPolicy":{}}}}]}}`},
		// devices[1].capacity.slots.requestPolicy.default: the server writes null.

		{kind: "ResourceSlice.counters", run: kindRun[resourcev1.ResourceSlice, resourcev1.ResourceSliceList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice",
 "metadata":{"name":"lossless-slice-counters"},
 "spec":{"driver":"lossless.kubewire.dev","pool":{"name":"pool-a","generation":0,"resourceSliceCount":2},"allNodes":true,
  "sharedCounters":[{"name":"gpu-counters","counters":{"memory":{"value":"80Gi"},"sm":{"value":"0"}}}]}}`},

		{kind: "ResourceSlice.nodeSelector", run: kindRun[resourcev1.ResourceSlice, resourcev1.ResourceSliceList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice",
 "metadata":{"name":"lossless-slice-selector"},
 "spec":{"driver":"lossless.kubewire.dev","pool":{"name":"pool-b","generation":3,"resourceSliceCount":1},
  "nodeSelector":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]},
  "devices":[{"name":"nic-0","attributes":{"speed":{"int":100}}}]}}`},

		{kind: "ResourceSlice.emptyString", run: kindRun[resourcev1.ResourceSlice, resourcev1.ResourceSliceList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice",
 "metadata":{"name":"lossless-slice-empty-string"},
 "spec":{"driver":"lossless.kubewire.dev","pool":{"name":"pool-c","generation":0,"resourceSliceCount":1},"nodeName":"lossless-node",
  "devices":[{"name":"d0","attributes":{"serial":{"string":""}}}]}}`},
		// The server keeps an empty string attribute: Kubernetes holds
		// DeviceAttribute.string as a *string, and so does the generator
		// (apifacts from k8s.io/api v0.37.2).

		{kind: "ResourceClaim", run: kindRun[resourcev1.ResourceClaim, resourcev1.ResourceClaimList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceClaim",
 "metadata":{"name":"lossless-claim"},"spec":` + claimSpec + `,
 "status":{"allocation":{"allocationTimestamp":"2025-01-02T03:04:05Z",
   "devices":{"results":[{"request":"gpu","driver":"lossless.kubewire.dev","pool":"pool-a","device":"gpu-0","adminAccess":false,
      "tolerations":[{"key":"maint","operator":"Exists","effect":"NoExecute","tolerationSeconds":0}],
      "bindingConditions":["lossless.kubewire.dev/attached"],"bindingFailureConditions":["lossless.kubewire.dev/failed"],
      "consumedCapacity":{"memory":"10Gi"},"shareID":"5f2b7a1c-0d3e-4f6a-8b9c-1d2e3f4a5b6c"},
     {"request":"gpu","driver":"lossless.kubewire.dev","pool":"pool-a","device":"gpu-1"},
     {"request":"any/small","driver":"lossless.kubewire.dev","pool":"pool-a","device":"gpu-2"}],
    "config":[{"source":"FromClaim","requests":["gpu"],"opaque":{"driver":"lossless.kubewire.dev","parameters":{"mode":"fast"}}},
     {"source":"FromClass","opaque":{"driver":"lossless.kubewire.dev","parameters":{"sharing":{"strategy":"TimeSlicing"}}}}]},
   "nodeSelector":{"nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":["lossless-node"]}]}]}},
  "reservedFor":[{"resource":"pods","name":"lossless-pod","uid":"0b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e5f"}],
  "devices":[{"driver":"lossless.kubewire.dev","pool":"pool-a","device":"gpu-0","shareID":"5f2b7a1c-0d3e-4f6a-8b9c-1d2e3f4a5b6c",
    "conditions":[{"type":"Ready","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"ready"}],
    "data":{"vendor":"kubewire","slots":[0,1]},
    "networkData":{"interfaceName":"eth1","ips":["10.9.0.5/24","fd00::5/64"],"hardwareAddress":"02:42:ac:11:00:02"}},
   {"driver":"lossless.kubewire.dev","pool":"pool-a","device":"gpu-1"}]}}`},
		// status.devices[1].conditions: the server writes null.

		{kind: "ResourceClaim.empty", run: kindRun[resourcev1.ResourceClaim, resourcev1.ResourceClaimList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceClaim",
 "metadata":{"name":"lossless-claim-empty"},"spec":{"devices":{}},
 "status":{"allocation":{"devices":{}},"reservedFor":[{"apiGroup":"kubewire.dev","resource":"widgets","name":"w","uid":"0b6e5ae6-7f1c-4c3e-9a55-2a4b1d3c4e50"}]}}`},
		// spec.devices.requests: the server writes null; an allocation
		// without allocationTimestamp has none.

		{kind: "ResourceClaimTemplate", run: kindRun[resourcev1.ResourceClaimTemplate, resourcev1.ResourceClaimTemplateList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"ResourceClaimTemplate",
 "metadata":{"name":"lossless-claim-template"},
 "spec":{"metadata":{"labels":{"app":"web"},"annotations":{"kubewire.dev/rev":"1"}},"spec":` + claimSpec + `}}`},

		{kind: "DeviceTaintRule", run: kindRun[resourcev1.DeviceTaintRule, resourcev1.DeviceTaintRuleList](), obj: `{"apiVersion":"resource.k8s.io/v1","kind":"DeviceTaintRule",
 "metadata":{"name":"lossless-taint"},
 "spec":{"deviceSelector":{"driver":"lossless.kubewire.dev","pool":"pool-a","device":"gpu-0"},
  "taint":{"key":"lossless.kubewire.dev/maint","value":"planned","effect":"NoSchedule","timeAdded":"2025-01-02T03:04:05Z"}},
 "status":{"conditions":[{"type":"EvictionInProgress","status":"False","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"NoEffect","message":"nothing to evict"}]}}`},

		{kind: "CSIDriver", run: kindRun[storagev1.CSIDriver, storagev1.CSIDriverList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"CSIDriver",
 "metadata":{"name":"lossless.csi.kubewire.dev"},
 "spec":{"attachRequired":false,"podInfoOnMount":true,"volumeLifecycleModes":["Persistent","Ephemeral"],"storageCapacity":false,
  "fsGroupPolicy":"File","tokenRequests":[{"audience":"lossless","expirationSeconds":3600},{"audience":""}],"requiresRepublish":false,
  "seLinuxMount":false,"nodeAllocatableUpdatePeriodSeconds":60,"serviceAccountTokenInSecrets":false,"preventPodSchedulingIfMissing":true}}`},

		{kind: "CSINode", run: kindRun[storagev1.CSINode, storagev1.CSINodeList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"CSINode",
 "metadata":{"name":"lossless-node"},
 "spec":{"drivers":[{"name":"lossless.csi.kubewire.dev","nodeID":"node-a","topologyKeys":["topology.kubewire.dev/zone"],"allocatable":{"count":0}},
  {"name":"other.csi.kubewire.dev","nodeID":"node-a"}]}}`},
		// spec.drivers[1].topologyKeys: the server writes null.

		{kind: "CSIStorageCapacity", run: kindRun[storagev1.CSIStorageCapacity, storagev1.CSIStorageCapacityList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"CSIStorageCapacity",
 "metadata":{"name":"lossless-capacity"},"storageClassName":"lossless-sc",
 "nodeTopology":{"matchLabels":{"topology.kubewire.dev/zone":"a"}},"capacity":"1.5Ti","maximumVolumeSize":"0"}`},

		{kind: "VolumeAttachment", run: kindRun[storagev1.VolumeAttachment, storagev1.VolumeAttachmentList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"VolumeAttachment",
 "metadata":{"name":"lossless-va"},
 "spec":{"attacher":"lossless.csi.kubewire.dev","nodeName":"lossless-node","source":{"persistentVolumeName":"lossless-pv"}},
 "status":{"attached":false,"attachmentMetadata":{"devicePath":"/dev/xvdb","empty":""},
  "attachError":{"time":"2025-01-02T03:04:05Z","message":"timeout","errorCode":4},"detachError":{"message":"busy"}}}`},
		// status.detachError.time: a zero Time, which the server writes as null.

		{kind: "VolumeAttachment.inline", run: kindRun[storagev1.VolumeAttachment, storagev1.VolumeAttachmentList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"VolumeAttachment",
 "metadata":{"name":"lossless-va-inline"},
 "spec":{"attacher":"lossless.csi.kubewire.dev","nodeName":"lossless-node","source":{"inlineVolumeSpec":{
  "accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain","volumeMode":"Filesystem",
  "csi":{"driver":"lossless.csi.kubewire.dev","volumeHandle":"vol-1","readOnly":true,"fsType":"ext4","volumeAttributes":{"a":"b"},
   "nodePublishSecretRef":{"name":"s","namespace":"default"}}}}}}`},

		{kind: "VolumeAttributesClass", run: kindRun[storagev1.VolumeAttributesClass, storagev1.VolumeAttributesClassList](), obj: `{"apiVersion":"storage.k8s.io/v1","kind":"VolumeAttributesClass",
 "metadata":{"name":"lossless-vac"},"driverName":"lossless.csi.kubewire.dev","parameters":{"iops":"3000","throughput":"125","empty":""}}`},

		{kind: "StorageVersionMigration", run: kindRun[storagemigrationv1.StorageVersionMigration, storagemigrationv1.StorageVersionMigrationList](), obj: `{"apiVersion":"storagemigration.k8s.io/v1","kind":"StorageVersionMigration",
 "metadata":{"name":"lossless-migration"},"spec":{"resource":{"group":"apps","resource":"deployments"}},
 "status":{"resourceVersion":"1","conditions":[{"type":"Running","status":"True","observedGeneration":1,"lastTransitionTime":"2025-01-02T03:04:05Z","reason":"Lossless","message":"running"}]}}`},
	}
}
