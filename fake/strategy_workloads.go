package fake

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"github.com/kubewire/kubewire/labels"
)

// Workloads: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs,
// CronJobs, ReplicationControllers and PodTemplates. Their defaulting
// functions (Kubernetes 1.37 pkg/apis/apps/v1, batch/v1 and core/v1
// defaults.go), what their strategies prepare (a Job's generated selector,
// a DaemonSet's template generation), and validation: a selector required
// and matching the template's labels, the template's pod spec
// (validatePodSpec), the restart policies a controller accepts, immutable
// selectors.

// deploymentStrategy is the Deployment's strategy.
var deploymentStrategy = &strategy{
	defaults: func(o obj) {
		spec := child(o, "spec")
		templateHeldByValue(spec)
		setDefault(spec, "replicas", num(1))
		strategy := child(spec, "strategy")
		setDefault(strategy, "type", "RollingUpdate")
		if str(strategy, "type") == "RollingUpdate" {
			ru := child(strategy, "rollingUpdate")
			setDefault(ru, "maxUnavailable", "25%")
			setDefault(ru, "maxSurge", "25%")
		}
		setDefault(spec, "revisionHistoryLimit", num(10))
		setDefault(spec, "progressDeadlineSeconds", num(600))
	},
	validate: func(o obj) []fieldError {
		spec := nestedMap(o, "spec")
		errs := validateSelectorAndTemplate(spec, "deployment", []string{"Always"})
		if pd, ok := numberInt(spec["progressDeadlineSeconds"]); ok {
			if mr, _ := numberInt(spec["minReadySeconds"]); pd <= mr {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.progressDeadlineSeconds", Value: pd, Detail: "must be greater than minReadySeconds"})
			}
		}
		return errs
	},
	validateUpdate: immutableSelector,
	warnings:       templateWarnings,
	podSpec:        []string{"spec", "template", "spec"},
}

// replicaSetStrategy is the ReplicaSet's strategy.
var replicaSetStrategy = &strategy{
	defaults: func(o obj) {
		spec := child(o, "spec")
		templateHeldByValue(spec)
		setDefault(spec, "replicas", num(1))
	},
	validate: func(o obj) []fieldError {
		return validateSelectorAndTemplate(nestedMap(o, "spec"), "deployment", []string{"Always"})
	},
	validateUpdate: immutableSelector,
	warnings:       templateWarnings,
	podSpec:        []string{"spec", "template", "spec"},
}

// statefulSetStrategy is the StatefulSet's strategy.
var statefulSetStrategy = &strategy{
	defaults: func(o obj) {
		spec := child(o, "spec")
		templateHeldByValue(spec)
		setDefault(spec, "podManagementPolicy", "OrderedReady")
		us := child(spec, "updateStrategy")
		if str(us, "type") == "" {
			us["type"] = "RollingUpdate"
			child(us, "rollingUpdate")
		}
		if ru, ok := us["rollingUpdate"].(map[string]any); ok && str(us, "type") == "RollingUpdate" {
			setDefault(ru, "partition", num(0))
			// MaxUnavailableStatefulSet is on by default in 1.37.
			setDefault(ru, "maxUnavailable", num(1))
		}
		rp := child(spec, "persistentVolumeClaimRetentionPolicy")
		setDefault(rp, "whenDeleted", "Retain")
		setDefault(rp, "whenScaled", "Retain")
		setDefault(spec, "replicas", num(1))
		setDefault(spec, "revisionHistoryLimit", num(10))
		// Each claim template is defaulted as a claim (phase
		// Pending) and stored with its type.
		for _, c := range asList(spec["volumeClaimTemplates"]) {
			if cm, ok := c.(map[string]any); ok {
				setDefault(cm, "apiVersion", "v1")
				setDefault(cm, "kind", "PersistentVolumeClaim")
				setDefault(child(cm, "status"), "phase", "Pending")
			}
		}
	},
	validate: func(o obj) []fieldError {
		return validateSelectorAndTemplate(claimsAsVolumes(nestedMap(o, "spec")), "statefulset", []string{"Always"})
	},
	validateUpdate: immutableSelector,
	warnings:       templateWarnings,
	podSpec:        []string{"spec", "template", "spec"},
}

// daemonSetStrategy is the DaemonSet's strategy.
var daemonSetStrategy = &strategy{
	prepareCreate: func(_ *Server, _ *request, o obj) {
		ann := child(meta(o), "annotations")
		if g, _ := strconv.ParseInt(str(ann, templateGenerationKey), 10, 64); g < 1 {
			ann[templateGenerationKey] = "1"
		}
	},
	prepareUpdate: func(o, old obj) {
		g, _ := strconv.ParseInt(str(nestedMap(old, "metadata", "annotations"), templateGenerationKey), 10, 64)
		if !equalJSON(nested(o, "spec", "template"), nested(old, "spec", "template")) {
			g++
		}
		child(meta(o), "annotations")[templateGenerationKey] = strconv.FormatInt(max(g, 1), 10)
	},
	defaults: func(o obj) {
		// The template generation, which conversion writes as
		// an annotation, is part of what the client wrote.
		ann := child(meta(o), "annotations")
		if _, ok := ann[templateGenerationKey]; !ok {
			ann[templateGenerationKey] = "0"
		}
		spec := child(o, "spec")
		us := child(spec, "updateStrategy")
		setDefault(us, "type", "RollingUpdate")
		if str(us, "type") == "RollingUpdate" {
			ru := child(us, "rollingUpdate")
			setDefault(ru, "maxUnavailable", num(1))
			setDefault(ru, "maxSurge", num(0))
		}
		setDefault(spec, "revisionHistoryLimit", num(10))
	},
	validate: func(o obj) []fieldError {
		return validateSelectorAndTemplate(nestedMap(o, "spec"), "daemonset", []string{"Always"})
	},
	validateUpdate: immutableSelector,
	warnings:       templateWarnings,
	podSpec:        []string{"spec", "template", "spec"},
}

// jobStrategy is the Job's strategy.
var jobStrategy = &strategy{
	prepareCreate: func(_ *Server, _ *request, o obj) {
		if nested(o, "spec", "manualSelector") != true {
			generateJobSelector(o)
		}
	},
	defaults: func(o obj) {
		templateHeldByValue(child(o, "spec"))
		copyTemplateLabels(o)
		defaultJobSpec(child(o, "spec"))
	},
	validate: func(o obj) []fieldError {
		return validateJobTemplate(nestedMap(o, "spec"), "spec")
	},
	canonicalize: func(o obj) {
		// What is stored holds no map twice (an update's Job
		// without labels shares its template's until here).
		if l := nestedMap(o, "spec", "template", "metadata", "labels"); sameMap(nestedMap(o, "metadata", "labels"), l) {
			meta(o)["labels"] = deepCopy(l)
		}
	},
	validateUpdate: validateJobUpdate,
	warnings:       templateWarnings,
	podSpec:        []string{"spec", "template", "spec"},
}

// cronJobStrategy is the CronJob's strategy.
var cronJobStrategy = &strategy{
	defaults: func(o obj) {
		spec := child(o, "spec")
		setDefault(spec, "concurrencyPolicy", "Allow")
		setDefault(spec, "suspend", false)
		setDefault(spec, "successfulJobsHistoryLimit", num(3))
		setDefault(spec, "failedJobsHistoryLimit", num(1))
	},
	validate: func(o obj) []fieldError {
		spec := nestedMap(o, "spec")
		var errs []fieldError
		if str(spec, "schedule") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.schedule"})
		}
		errs = append(errs, validateCronJobFields(o)...)
		return append(errs, validateJobTemplate(nestedMap(spec, "jobTemplate", "spec"), "spec.jobTemplate.spec")...)
	},
	podSpec: []string{"spec", "jobTemplate", "spec", "template", "spec"},
}

// replicationControllerStrategy is the ReplicationController's strategy.
var replicationControllerStrategy = &strategy{
	defaults: func(o obj) {
		// SetDefaults_ReplicationController: selector and labels
		// from the template's labels.
		spec := child(o, "spec")
		if labels := nestedMap(spec, "template", "metadata", "labels"); labels != nil {
			if len(nestedMap(spec, "selector")) == 0 {
				spec["selector"] = deepCopy(labels)
			}
			if len(nestedMap(o, "metadata", "labels")) == 0 {
				meta(o)["labels"] = deepCopy(labels)
			}
		}
	},
	validate: validateReplicationController,
	warnings: templateWarnings,
	podSpec:  []string{"spec", "template", "spec"},
}

// podTemplateStrategy is the PodTemplate's strategy.
var podTemplateStrategy = &strategy{
	validate: func(o obj) []fieldError {
		return validatePodSpec(nestedMap(o, "template", "spec"), "template.spec", true)
	},
	podSpec: []string{"template", "spec"},
}

// defaultPodConditionsPattern is
// SetDefaults_PodFailurePolicyOnPodConditionsPattern: the status True.
func defaultPodConditionsPattern(m map[string]any) { setDefault(m, "status", "True") }

const templateGenerationKey = "deprecated.daemonset.template.generation"

// defaultJobSpec is SetDefaults_Job's part on the spec (a CronJob's job
// template is not defaulted).
func defaultJobSpec(spec map[string]any) {
	if spec["completions"] == nil && spec["parallelism"] == nil {
		spec["completions"], spec["parallelism"] = num(1), num(1)
	}
	setDefault(spec, "parallelism", num(1))
	if spec["backoffLimit"] == nil {
		if spec["backoffLimitPerIndex"] != nil {
			spec["backoffLimit"] = num(2147483647)
		} else {
			spec["backoffLimit"] = num(6)
		}
	}
	setDefault(spec, "completionMode", "NonIndexed")
	setDefault(spec, "suspend", false)
	if spec["podReplacementPolicy"] == nil {
		if spec["podFailurePolicy"] != nil {
			spec["podReplacementPolicy"] = "Failed"
		} else {
			spec["podReplacementPolicy"] = "TerminatingOrFailed"
		}
	}
	setDefault(spec, "manualSelector", false)
}

// copyTemplateLabels is SetDefaults_Job's: a Job without labels takes its
// template's labels map itself (not a copy), so that the labels the
// strategy adds to the template on create show on the Job too
// (generateJobSelector, which then gives the Job a copy of its own).
func copyTemplateLabels(o obj) {
	if labels := nestedMap(o, "spec", "template", "metadata", "labels"); labels != nil && len(nestedMap(o, "metadata", "labels")) == 0 {
		meta(o)["labels"] = labels
	}
}

// claimsAsVolumes is a StatefulSet's spec for validation: its template's
// containers may mount the claim templates by name, so each is a volume of
// the template (on a copy; a name already a volume is left alone).
func claimsAsVolumes(spec map[string]any) map[string]any {
	claims := asList(spec["volumeClaimTemplates"])
	if len(claims) == 0 {
		return spec
	}
	spec = deepCopy(spec).(map[string]any)
	tspec := child(child(spec, "template"), "spec")
	vols := asList(tspec["volumes"])
	have := map[string]bool{}
	for _, v := range vols {
		vm, _ := v.(map[string]any)
		have[str(vm, "name")] = true
	}
	for _, c := range claims {
		cm, _ := c.(map[string]any)
		if n := metaString(cm, "name"); n != "" && !have[n] {
			vols = append(vols, map[string]any{"name": n, "persistentVolumeClaim": map[string]any{"claimName": n}})
		}
	}
	tspec["volumes"] = vols
	return spec
}

// sameMap reports whether a and b are one map.
func sameMap(a, b map[string]any) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// generateJobSelector is the Job strategy's: the template is labelled with
// the job's name and uid, and the selector selects the uid.
func generateJobSelector(o obj) {
	spec := child(o, "spec")
	// SetDefaults_Job gave a Job without labels its template's map
	// itself, so the labels added here show on the Job too (also when
	// neither had labels, as kube-apiserver 1.37 answers); a Job that has
	// labels of its own keeps them as they are.
	jl, tl := nestedMap(o, "metadata", "labels"), nestedMap(spec, "template", "metadata", "labels")
	labels := child(child(child(spec, "template"), "metadata"), "labels")
	if sameMap(jl, tl) || len(jl) == 0 && len(tl) == 0 {
		defer func() { meta(o)["labels"] = deepCopy(labels) }()
	}
	name, uid := metaString(o, "name"), metaString(o, "uid")
	for _, k := range []string{"job-name", "batch.kubernetes.io/job-name"} {
		if _, ok := labels[k]; !ok {
			labels[k] = name
		}
	}
	for _, k := range []string{"controller-uid", "batch.kubernetes.io/controller-uid"} {
		if _, ok := labels[k]; !ok {
			labels[k] = uid
		}
	}
	ml := child(child(spec, "selector"), "matchLabels")
	if _, ok := ml["batch.kubernetes.io/controller-uid"]; !ok {
		ml["batch.kubernetes.io/controller-uid"] = uid
	}
}

// validateJobTemplate checks a job spec's selector against its template
// and the template's pod spec and restart policy.
func validateJobTemplate(spec map[string]any, path string) []fieldError {
	errs := validateJobFields(spec, path)
	if sel, ok := spec["selector"].(map[string]any); ok {
		if !selectorMatches(sel, nestedMap(spec, "template", "metadata", "labels")) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: path + ".template.metadata.labels", Value: labelsValue(spec), Detail: "`selector` does not match template `labels`"})
		}
	}
	errs = append(errs, validatePodSpec(nestedMap(spec, "template", "spec"), path+".template.spec", true)...)
	switch rp := str(nestedMap(spec, "template", "spec"), "restartPolicy"); rp {
	case "OnFailure", "Never":
	case "Always", "":
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: path + ".template.spec.restartPolicy", Detail: `valid values: "OnFailure", "Never"`})
	default:
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: path + ".template.spec.restartPolicy", Value: rp, Detail: `supported values: "OnFailure", "Never"`})
	}
	return errs
}

// validateSelectorAndTemplate is the selector and template validation of
// the apps kinds (ValidateDeploymentSpec and its siblings): a selector is
// required, not empty (the message names kindWord: a ReplicaSet's says
// "deployment", as the real one does), and matches the template's labels; the template's pod spec is
// valid and its restart policy one of restart.
func validateSelectorAndTemplate(spec map[string]any, kindWord string, restart []string) []fieldError {
	var errs []fieldError
	sel, hasSel := spec["selector"].(map[string]any)
	if !hasSel {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.selector"})
	} else if len(nestedMap(sel, "matchLabels"))+len(asList(sel["matchExpressions"])) == 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.selector", Value: sel, Detail: "empty selector is invalid for " + kindWord})
	}
	labels := nestedMap(spec, "template", "metadata", "labels")
	if !hasSel || len(nestedMap(sel, "matchLabels"))+len(asList(sel["matchExpressions"])) > 0 {
		if !selectorMatches(sel, labels) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.template.metadata.labels", Value: labelsValue(spec), Detail: "`selector` does not match template `labels`"})
		}
	}
	tspec := nestedMap(spec, "template", "spec")
	errs = append(errs, validatePodSpec(tspec, "spec.template.spec", true)...)
	rp := str(tspec, "restartPolicy")
	ok := false
	for _, r := range restart {
		ok = ok || r == rp
	}
	if !ok {
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "spec.template.spec.restartPolicy", Value: rp, Detail: fmt.Sprintf("supported values: %q", restart[0])})
	}
	return errs
}

// templateHeldByValue gives spec the pod template the Go types hold by
// value (a Deployment's, a Job's, ...), so that the pod spec's defaults
// apply even to a template the client left out, as in the real server.
func templateHeldByValue(spec map[string]any) {
	child(child(spec, "template"), "spec")
}

// validateReplicationController is ValidateReplicationControllerSpec's
// checks of the selector and the template (a pointer in the Go types: an
// RC may lack one), in its order.
func validateReplicationController(o obj) []fieldError {
	var errs []fieldError
	spec := nestedMap(o, "spec")
	sel := nestedMap(spec, "selector")
	if len(sel) == 0 {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.selector"})
	}
	tmpl, ok := spec["template"].(map[string]any)
	if !ok {
		return append(errs, fieldError{Type: "FieldValueRequired", Field: "spec.template"})
	}
	labels := nestedMap(tmpl, "metadata", "labels")
	for k, v := range sel {
		if lv, ok := labels[k]; !ok || !equalJSON(lv, v) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "spec.template.metadata.labels", Value: labelsValue(spec), Detail: "selector does not match template labels"})
			break
		}
	}
	tspec := nestedMap(tmpl, "spec")
	errs = append(errs, validatePodSpec(tspec, "spec.template.spec", true)...)
	if rp := str(tspec, "restartPolicy"); rp != "Always" {
		errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: "spec.template.spec.restartPolicy", Value: rp, Detail: `supported values: "Always"`})
	}
	return errs
}

// labelsValue is a template's labels as a field error shows them: a map,
// or null.
func labelsValue(spec map[string]any) any {
	if l := nestedMap(spec, "template", "metadata", "labels"); l != nil {
		return l
	}
	return nil
}

// selectorMatches reports whether a LabelSelector (nil matches nothing)
// selects labels.
func selectorMatches(sel, lbls map[string]any) bool {
	if sel == nil {
		return false
	}
	ls := map[string]string{}
	for k, v := range lbls {
		s, _ := v.(string)
		ls[k] = s
	}
	ml := nestedMap(sel, "matchLabels")
	for _, k := range sortedKeys(ml) {
		v, ok := ls[k]
		if s, _ := ml[k].(string); !ok || v != s {
			return false
		}
	}
	for _, e := range asList(sel["matchExpressions"]) {
		em, _ := e.(map[string]any)
		var vals []string
		for _, v := range asList(em["values"]) {
			s, _ := v.(string)
			vals = append(vals, s)
		}
		sort.Strings(vals)
		var op labels.Operator
		switch str(em, "operator") {
		case "In":
			op = labels.In
		case "NotIn":
			op = labels.NotIn
		case "Exists":
			op = labels.Exists
		case "DoesNotExist":
			op = labels.DoesNotExist
		default:
			return false
		}
		r, err := labels.NewRequirement(str(em, "key"), op, vals)
		if err != nil || !r.Matches(labels.Set(ls)) {
			return false
		}
	}
	return true
}

// immutableSelector is the update rule of the apps and batch kinds: the
// selector may not change.
func immutableSelector(o, old obj) []fieldError {
	sel, oldSel := nested(o, "spec", "selector"), nested(old, "spec", "selector")
	if equalJSON(sel, oldSel) {
		return nil
	}
	return []fieldError{{Type: "FieldValueInvalid", Field: "spec.selector", Value: sel, Detail: "field is immutable"}}
}

// templateWarnings are the pod warnings of a workload's template.
func templateWarnings(o obj) []string {
	return podSpecWarnings(nestedMap(o, "spec", "template", "spec"), "spec.template.spec")
}
