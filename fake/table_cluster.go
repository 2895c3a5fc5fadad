package fake

import "strings"

// clusterPrinters print RBAC, storage, scheduling, coordination,
// admission and extension kinds as kube-apiserver's printers do.
var clusterPrinters = map[string]rowPrinter{
	"rbac.authorization.k8s.io/rolebindings":        printBinding,
	"rbac.authorization.k8s.io/clusterrolebindings": printBinding,
	"storage.k8s.io/storageclasses":                 printStorageClass,
	"coordination.k8s.io/leases": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), sget(o, "spec", "holderIdentity"), cellAge(o)}
	},
	"scheduling.k8s.io/priorityclasses": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), iget(o, "value"), bget(o, "globalDefault"), cellAge(o), str(o, "preemptionPolicy")}
	},
	crdKey: printCRD,
	"admissionregistration.k8s.io/mutatingwebhookconfigurations":   printWebhooks,
	"admissionregistration.k8s.io/validatingwebhookconfigurations": printWebhooks,
	"admissionregistration.k8s.io/validatingadmissionpolicies": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), int64(len(lget(o, "spec", "validations"))), paramKind(o), cellAge(o)}
	},
	"admissionregistration.k8s.io/mutatingadmissionpolicies": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), int64(len(lget(o, "spec", "mutations"))), paramKind(o), cellAge(o)}
	},
	"node.k8s.io/runtimeclasses": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), str(o, "handler"), cellAge(o)}
	},
	"storage.k8s.io/csidrivers": printCSIDriver,
	"storage.k8s.io/volumeattachments": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), sget(o, "spec", "attacher"), sget(o, "spec", "source", "persistentVolumeName"), sget(o, "spec", "nodeName"),
			bget(o, "status", "attached"), cellAge(o)}
	},
	"storage.k8s.io/volumeattributesclasses": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), str(o, "driverName"), cellAge(o)}
	},
	"networking.k8s.io/servicecidrs": func(o obj, _ []obj) []any {
		return []any{metaString(o, "name"), strings.Join(stringList(nested(o, "spec", "cidrs")), ","), cellAge(o)}
	},
}

func paramKind(o obj) string {
	pk := nestedMap(o, "spec", "paramKind")
	if pk == nil {
		return "<unset>"
	}
	return str(pk, "apiVersion") + "/" + str(pk, "kind")
}

func printWebhooks(o obj, _ []obj) []any {
	return []any{metaString(o, "name"), int64(len(lget(o, "webhooks"))), cellAge(o)}
}

// printBinding prints a RoleBinding or ClusterRoleBinding: its role and,
// wide, its users, groups and service accounts.
func printBinding(o obj, _ []obj) []any {
	var users, groups, sas []string
	for _, s := range mapItems(lget(o, "subjects")) {
		switch str(s, "kind") {
		case "ServiceAccount":
			sas = append(sas, str(s, "namespace")+"/"+str(s, "name"))
		case "User":
			users = append(users, str(s, "name"))
		case "Group":
			groups = append(groups, str(s, "name"))
		}
	}
	return []any{metaString(o, "name"), sget(o, "roleRef", "kind") + "/" + sget(o, "roleRef", "name"), cellAge(o),
		strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", ")}
}

// isDefaultClass reports the storage class default annotations.
func isDefaultClass(o obj) bool {
	a := nestedMap(o, "metadata", "annotations")
	return a["storageclass.kubernetes.io/is-default-class"] == "true" || a["storageclass.beta.kubernetes.io/is-default-class"] == "true"
}

// printStorageClass marks, in a list, the effective default class (the
// newest of those annotated as default, then the first by name).
func printStorageClass(o obj, list []obj) []any {
	name := metaString(o, "name")
	var best obj
	for _, c := range list {
		if !isDefaultClass(c) {
			continue
		}
		if best == nil {
			best = c
			continue
		}
		ct, _ := parseTime(metaString(c, "creationTimestamp"))
		bt, _ := parseTime(metaString(best, "creationTimestamp"))
		if ct.After(bt) || (ct.Equal(bt) && metaString(c, "name") < metaString(best, "name")) {
			best = c
		}
	}
	if best != nil && metaString(best, "name") == name {
		name += " (default)"
	}
	reclaim, binding := "Delete", "Immediate"
	if v, ok := o["reclaimPolicy"].(string); ok {
		reclaim = v
	}
	if v, ok := o["volumeBindingMode"].(string); ok {
		binding = v
	}
	return []any{name, str(o, "provisioner"), reclaim, binding, bget(o, "allowVolumeExpansion"), cellAge(o)}
}

func printCSIDriver(o obj, _ []obj) []any {
	attach := true
	if v, ok := nested(o, "spec", "attachRequired").(bool); ok {
		attach = v
	}
	modes := strings.Join(stringList(nested(o, "spec", "volumeLifecycleModes")), ",")
	if modes == "" {
		modes = "<none>"
	}
	tokens := "<unset>"
	if tr, ok := nested(o, "spec", "tokenRequests").([]any); ok {
		var aud []string
		for _, t := range mapItems(tr) {
			aud = append(aud, str(t, "audience"))
		}
		tokens = strings.Join(aud, ",")
	}
	return []any{metaString(o, "name"), attach, bget(o, "spec", "podInfoOnMount"), bget(o, "spec", "storageCapacity"), tokens,
		bget(o, "spec", "requiresRepublish"), modes, cellAge(o)}
}
