package fake

import "fmt"

// Namespaces, secrets, config maps, persistent volumes and claims, priority
// classes, network policies, RBAC bindings, resource quotas, endpoints'
// ports: their defaulting functions (Kubernetes 1.37, pkg/apis/*/v1/defaults.go), the status a
// create starts with, the storage-protection finalizers the
// StorageObjectInUseProtection admission adds, and their update rules.

// namespaceStrategy is the Namespace's strategy.
var namespaceStrategy = &strategy{
	prepareCreate: func(_ *Server, _ *request, o obj) {
		o["status"] = obj{"phase": "Active"}
		spec := child(o, "spec")
		if _, ok := spec["finalizers"]; !ok {
			spec["finalizers"] = []any{"kubernetes"}
		}
	},
	defaults: func(o obj) {
		// SetDefaults_Namespace: the name as a label.
		if n := metaString(o, "name"); n != "" {
			child(meta(o), "labels")["kubernetes.io/metadata.name"] = n
		}
	},
	created: func(s *Server, rq *request, o obj) {
		// The service account controller gives every namespace
		// its "default" account.
		ns := metaString(o, "name")
		if s.st.data["/serviceaccounts"][objKey(ns, "default")] == nil {
			s.st.commit("/serviceaccounts", ns, "default", obj{
				"apiVersion": "v1", "kind": "ServiceAccount",
				"metadata": map[string]any{"name": "default", "namespace": ns, "uid": newUID(), "creationTimestamp": now()},
			})
		}
	},
}

// secretStrategy is the Secret's strategy.
var secretStrategy = &strategy{
	defaults:       func(o obj) { setDefault(o, "type", "Opaque") },
	validateUpdate: immutableData,
}

// configMapStrategy is the ConfigMap's strategy.
var configMapStrategy = &strategy{validateUpdate: immutableData}

// claimStrategy is the PersistentVolumeClaim's strategy.
var claimStrategy = &strategy{
	admit: func(s *Server, _ *request, o, old obj) error {
		if old == nil {
			s.defaultStorageClass(o)
			addFinalizer(o, "kubernetes.io/pvc-protection")
		}
		return nil
	},
	prepareCreate:  func(_ *Server, _ *request, o obj) { o["status"] = obj{"phase": "Pending"} },
	warnings:       storageClassAnnotationWarning,
	validate:       validateClaim,
	validateUpdate: validateClaimUpdate,
}

// volumeStrategy is the PersistentVolume's strategy.
var volumeStrategy = &strategy{
	admit: func(_ *Server, _ *request, o, old obj) error {
		if old == nil {
			addFinalizer(o, "kubernetes.io/pv-protection")
		}
		return nil
	},
	prepareCreate: func(_ *Server, _ *request, o obj) {
		o["status"] = obj{"phase": "Pending", "lastPhaseTransitionTime": now()}
	},
	defaults: func(o obj) {
		spec := child(o, "spec")
		setDefault(spec, "persistentVolumeReclaimPolicy", "Retain")
		setDefault(spec, "volumeMode", "Filesystem")
	},
	warnings: storageClassAnnotationWarning,
}

// priorityClassStrategy is the PriorityClass's strategy.
var priorityClassStrategy = &strategy{
	defaults: func(o obj) { setDefault(o, "preemptionPolicy", "PreemptLowerPriority") },
	validateUpdate: func(o, old obj) []fieldError {
		if !equalJSON(old["value"], o["value"]) {
			return []fieldError{{Type: "FieldValueForbidden", Field: "value", Detail: "may not be changed in an update."}}
		}
		return nil
	},
}

// quotaStrategy is the ResourceQuota's strategy.
var quotaStrategy = &strategy{warnings: quotaWarnings, validate: validateQuota}

// networkPolicyStrategy is the NetworkPolicy's strategy.
var networkPolicyStrategy = &strategy{
	validate: validateNetworkPolicy,
	defaults: func(o obj) {
		spec := child(o, "spec")
		if len(asList(spec["policyTypes"])) == 0 {
			types := []any{"Ingress"}
			if len(asList(spec["egress"])) > 0 {
				types = append(types, "Egress")
			}
			spec["policyTypes"] = types
		}
	},
}

// roleBindingStrategy is the RoleBinding's strategy.
var roleBindingStrategy = &strategy{
	defaults:       bindingDefaults,
	validate:       func(o obj) []fieldError { return validateBinding(o, true) },
	validateUpdate: immutableRoleRef,
}

// clusterRoleBindingStrategy is the ClusterRoleBinding's strategy.
var clusterRoleBindingStrategy = &strategy{
	defaults:       bindingDefaults,
	validate:       func(o obj) []fieldError { return validateBinding(o, false) },
	validateUpdate: immutableRoleRef,
}

// bindingDefaults is SetDefaults_RoleBinding and
// SetDefaults_ClusterRoleBinding: the role reference's API group.
func bindingDefaults(o obj) {
	setDefault(child(o, "roleRef"), "apiGroup", "rbac.authorization.k8s.io")
}

// defaultSubject is SetDefaults_Subject: the RBAC API group for users and
// groups.
func defaultSubject(m map[string]any) {
	if str(m, "apiGroup") == "" {
		switch str(m, "kind") {
		case "User", "Group":
			m["apiGroup"] = "rbac.authorization.k8s.io"
		}
	}
}

// defaultClaimSpec is SetDefaults_PersistentVolumeClaimSpec: the
// Filesystem volume mode.
func defaultClaimSpec(m map[string]any) { setDefault(m, "volumeMode", "Filesystem") }

// defaultPortProtocol is the TCP protocol of an Endpoints port and a
// NetworkPolicy port (SetDefaults_EndpointPort,
// SetDefaults_NetworkPolicyPort).
func defaultPortProtocol(m map[string]any) { setDefault(m, "protocol", "TCP") }

// storageClassAnnotationWarning is the warning of a claim or volume that
// names its class with the beta annotation.
func storageClassAnnotationWarning(o obj) []string {
	const key = "volume.beta.kubernetes.io/storage-class"
	if _, ok := nestedMap(o, "metadata", "annotations")[key]; ok {
		return []string{"metadata.annotations[" + key + `]: deprecated since v1.8; use "storageClassName" attribute instead`}
	}
	return nil
}

// immutableData is the update rule of an immutable Secret or ConfigMap.
func immutableData(o, old obj) []fieldError {
	if old["immutable"] != true {
		return nil
	}
	var errs []fieldError
	for _, k := range []string{"data", "binaryData"} {
		if !equalJSON(old[k], o[k]) {
			errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: k, Detail: "field is immutable when `immutable` is set"})
		}
	}
	return errs
}

// addFinalizer appends f to the object's finalizers unless it is there.
func addFinalizer(o obj, f string) {
	for _, x := range finalizers(o) {
		if x == f {
			return
		}
	}
	meta(o)["finalizers"] = append(asList(meta(o)["finalizers"]), f)
}

// quotaWarnings is the ResourceQuota strategy's warning about a request
// quota above its limit quota.
func quotaWarnings(o obj) []string {
	hard := nestedMap(o, "spec", "hard")
	var out []string
	for _, res := range []string{"cpu", "memory", "ephemeral-storage"} {
		reqName := "requests." + res
		rv, ok := hard[reqName]
		if !ok && (res == "cpu" || res == "memory") {
			if rv, ok = hard[res]; ok {
				reqName = res
			}
		}
		lv, lok := hard["limits."+res]
		if !ok || !lok {
			continue
		}
		rq, err1 := parseQuantityValue(rv)
		lq, err2 := parseQuantityValue(lv)
		if err1 == nil && err2 == nil && rq.Cmp(lq) > 0 {
			out = append(out, fmt.Sprintf("ResourceQuota %s (%s) should be less than %s (%s)", reqName, canonicalQuantity(rq), "limits."+res, canonicalQuantity(lq)))
		}
	}
	return out
}

// defaultStorageClass is the DefaultStorageClass admission: a claim that
// names no class (the field absent, not "") gets the default class, the
// newest of those annotated as default (by creation time, then name).
func (s *Server) defaultStorageClass(o obj) {
	spec := child(o, "spec")
	if _, ok := spec["storageClassName"]; ok {
		return
	}
	var best obj
	for _, sc := range s.st.data["storage.k8s.io/storageclasses"] {
		ann := nestedMap(sc, "metadata", "annotations")
		if str(ann, "storageclass.kubernetes.io/is-default-class") != "true" && str(ann, "storageclass.beta.kubernetes.io/is-default-class") != "true" {
			continue
		}
		if best == nil || metaString(sc, "creationTimestamp") > metaString(best, "creationTimestamp") ||
			(metaString(sc, "creationTimestamp") == metaString(best, "creationTimestamp") && metaString(sc, "name") < metaString(best, "name")) {
			best = sc
		}
	}
	if best != nil {
		spec["storageClassName"] = metaString(best, "name")
	}
}
