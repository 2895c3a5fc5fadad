package fake

import (
	"fmt"
	"strconv"
	"time"
)

// workloadPrinters print pods and the kinds that run them, as
// kube-apiserver's printers do.
var workloadPrinters = map[string]rowPrinter{
	"/pods":                                printPod,
	"/podtemplates":                        printPodTemplate,
	"/replicationcontrollers":              printReplicationController,
	"apps/replicasets":                     printReplicaSet,
	"apps/deployments":                     printDeployment,
	"apps/statefulsets":                    printStatefulSet,
	"apps/daemonsets":                      printDaemonSet,
	"batch/jobs":                           printJob,
	"batch/cronjobs":                       printCronJob,
	"autoscaling/horizontalpodautoscalers": printHPA,
	"policy/poddisruptionbudgets":          printPDB,
}

func templateContainers(o obj, path ...string) (string, string) {
	return containerCells(lget(o, append(path, "spec", "containers")...))
}

func printPodTemplate(o obj, _ []obj) []any {
	names, images := templateContainers(o, "template")
	return []any{metaString(o, "name"), names, images, formatLabels(nested(o, "template", "metadata", "labels"))}
}

func printReplicationController(o obj, _ []obj) []any {
	names, images := templateContainers(o, "spec", "template")
	return []any{metaString(o, "name"), iget(o, "spec", "replicas"), iget(o, "status", "replicas"), iget(o, "status", "readyReplicas"), cellAge(o),
		names, images, formatLabels(nested(o, "spec", "selector"))}
}

func printReplicaSet(o obj, _ []obj) []any {
	names, images := templateContainers(o, "spec", "template")
	return []any{metaString(o, "name"), iget(o, "spec", "replicas"), iget(o, "status", "replicas"), iget(o, "status", "readyReplicas"), cellAge(o),
		names, images, printSelector(nested(o, "spec", "selector"))}
}

func printDeployment(o obj, _ []obj) []any {
	names, images := templateContainers(o, "spec", "template")
	sel, ok := selectorText(nested(o, "spec", "selector"))
	if !ok {
		sel = "<invalid>"
	}
	return []any{metaString(o, "name"), fmt.Sprintf("%d/%d", iget(o, "status", "readyReplicas"), iget(o, "spec", "replicas")),
		iget(o, "status", "updatedReplicas"), iget(o, "status", "availableReplicas"), cellAge(o), names, images, sel}
}

func printStatefulSet(o obj, _ []obj) []any {
	names, images := templateContainers(o, "spec", "template")
	return []any{metaString(o, "name"), fmt.Sprintf("%d/%d", iget(o, "status", "readyReplicas"), iget(o, "spec", "replicas")), cellAge(o), names, images}
}

func printDaemonSet(o obj, _ []obj) []any {
	names, images := templateContainers(o, "spec", "template")
	return []any{metaString(o, "name"), iget(o, "status", "desiredNumberScheduled"), iget(o, "status", "currentNumberScheduled"),
		iget(o, "status", "numberReady"), iget(o, "status", "updatedNumberScheduled"), iget(o, "status", "numberAvailable"),
		formatLabels(nested(o, "spec", "template", "spec", "nodeSelector")), cellAge(o), names, images, printSelector(nested(o, "spec", "selector"))}
}

// conditionTrue reports whether the first condition of the type is True.
func conditionTrue(conds []any, typ string) bool {
	for _, c := range mapItems(conds) {
		if str(c, "type") == typ {
			return str(c, "status") == "True"
		}
	}
	return false
}

func printJob(o obj, _ []obj) []any {
	succeeded := iget(o, "status", "succeeded")
	var completions string
	if c, ok := numberInt(nested(o, "spec", "completions")); ok {
		completions = fmt.Sprintf("%d/%d", succeeded, c)
	} else if p := iget(o, "spec", "parallelism"); p > 1 {
		completions = fmt.Sprintf("%d/1 of %d", succeeded, p)
	} else {
		completions = fmt.Sprintf("%d/1", succeeded)
	}
	var dur string
	if start, ok := parseTime(sget(o, "status", "startTime")); ok {
		if end, ok := parseTime(sget(o, "status", "completionTime")); ok {
			dur = humanDuration(end.Sub(start))
		} else {
			dur = humanDuration(time.Since(start))
		}
	}
	conds := lget(o, "status", "conditions")
	status := "Running"
	switch {
	case conditionTrue(conds, "Complete"):
		status = "Complete"
	case conditionTrue(conds, "Failed"):
		status = "Failed"
	case metaString(o, "deletionTimestamp") != "":
		status = "Terminating"
	case conditionTrue(conds, "Suspended"):
		status = "Suspended"
	case conditionTrue(conds, "FailureTarget"):
		status = "FailureTarget"
	case conditionTrue(conds, "SuccessCriteriaMet"):
		status = "SuccessCriteriaMet"
	}
	names, images := templateContainers(o, "spec", "template")
	return []any{metaString(o, "name"), status, completions, dur, cellAge(o), names, images, printSelector(nested(o, "spec", "selector"))}
}

func printCronJob(o obj, _ []obj) []any {
	last := "<none>"
	if ts := sget(o, "status", "lastScheduleTime"); ts != "" {
		last = since(ts)
	}
	tz := "<none>"
	if v, ok := nested(o, "spec", "timeZone").(string); ok {
		tz = v
	}
	names, images := templateContainers(o, "spec", "jobTemplate", "spec", "template")
	return []any{metaString(o, "name"), sget(o, "spec", "schedule"), tz, boolPtr(nested(o, "spec", "suspend")),
		int64(len(lget(o, "status", "active"))), last, cellAge(o), names, images, printSelector(nested(o, "spec", "jobTemplate", "spec", "selector"))}
}

func printPDB(o obj, _ []obj) []any {
	minA, maxU := "N/A", "N/A"
	if v := nested(o, "spec", "minAvailable"); v != nil {
		minA = intOrString(v)
	}
	if v := nested(o, "spec", "maxUnavailable"); v != nil {
		maxU = intOrString(v)
	}
	return []any{metaString(o, "name"), minA, maxU, iget(o, "status", "disruptionsAllowed"), cellAge(o)}
}

// printPod prints a pod's readiness, status reason, restarts and the wide
// columns as kube-apiserver's pod printer does.
func printPod(o obj, _ []obj) []any {
	initSpecs := map[string]map[string]any{}
	total := len(lget(o, "spec", "containers"))
	inits := mapItems(lget(o, "spec", "initContainers"))
	for _, c := range inits {
		initSpecs[str(c, "name")] = c
		if str(c, "restartPolicy") == "Always" {
			total++
		}
	}
	restartable := func(name string) bool { return str(initSpecs[name], "restartPolicy") == "Always" }
	phase := sget(o, "status", "phase")
	reason := phase
	if r := sget(o, "status", "reason"); r != "" {
		reason = r
	}
	conds := lget(o, "status", "conditions")
	for _, c := range mapItems(conds) {
		if str(c, "type") == "PodScheduled" && str(c, "reason") == "SchedulingGated" {
			reason = "SchedulingGated"
		}
	}
	var restarts, initRestarts, ready int64
	var lastRestart, lastInitRestart time.Time
	later := func(t *time.Time, cs map[string]any) {
		if ts, ok := parseTime(sget(cs, "lastState", "terminated", "finishedAt")); ok && ts.After(*t) {
			*t = ts
		}
	}
	initializing := false
	for i, cs := range mapItems(lget(o, "status", "initContainerStatuses")) {
		n := iget(cs, "restartCount")
		restarts += n
		later(&lastRestart, cs)
		name := str(cs, "name")
		if restartable(name) {
			initRestarts += n
			later(&lastInitRestart, cs)
		}
		term := nestedMap(cs, "state", "terminated")
		waiting := sget(cs, "state", "waiting", "reason")
		if term != nil && iget(term, "exitCode") == 0 {
			continue
		}
		if restartable(name) && cs["started"] == true {
			if cs["ready"] == true {
				ready++
			}
			continue
		}
		switch {
		case term != nil:
			switch {
			case str(term, "reason") != "":
				reason = "Init:" + str(term, "reason")
			case iget(term, "signal") != 0:
				reason = fmt.Sprintf("Init:Signal:%d", iget(term, "signal"))
			default:
				reason = fmt.Sprintf("Init:ExitCode:%d", iget(term, "exitCode"))
			}
		case waiting != "" && waiting != "PodInitializing":
			reason = "Init:" + waiting
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(inits))
		}
		initializing = true
		break
	}
	if !initializing || conditionTrue(conds, "Initialized") {
		restarts, lastRestart = initRestarts, lastInitRestart
		hasRunning := false
		errorReason := ""
		statuses := mapItems(lget(o, "status", "containerStatuses"))
		for i := len(statuses) - 1; i >= 0; i-- {
			cs := statuses[i]
			restarts += iget(cs, "restartCount")
			later(&lastRestart, cs)
			term := nestedMap(cs, "state", "terminated")
			switch {
			case sget(cs, "state", "waiting", "reason") != "":
				reason = sget(cs, "state", "waiting", "reason")
			case term != nil:
				switch {
				case str(term, "reason") != "":
					reason = str(term, "reason")
				case iget(term, "signal") != 0:
					reason = fmt.Sprintf("Signal:%d", iget(term, "signal"))
				default:
					reason = fmt.Sprintf("ExitCode:%d", iget(term, "exitCode"))
				}
				if iget(term, "exitCode") != 0 {
					errorReason = reason
				}
			case cs["ready"] == true && nested(cs, "state", "running") != nil:
				hasRunning = true
				ready++
			}
		}
		if reason == "Completed" {
			switch {
			case hasRunning && conditionTrue(conds, "Ready"):
				reason = "Running"
			case errorReason != "":
				reason = errorReason
			case hasRunning:
				reason = "NotReady"
			}
		}
	}
	deleting := metaString(o, "deletionTimestamp") != ""
	if deleting && sget(o, "status", "reason") == "NodeLost" {
		reason = "Unknown"
	} else if deleting && phase != "Succeeded" && phase != "Failed" {
		reason = "Terminating"
	}
	restartText := strconv.FormatInt(restarts, 10)
	if restarts != 0 && !lastRestart.IsZero() {
		restartText = fmt.Sprintf("%d (%s ago)", restarts, humanDuration(time.Since(lastRestart)))
	}
	podIP := ""
	if ips := mapItems(lget(o, "status", "podIPs")); len(ips) > 0 {
		podIP = str(ips[0], "ip")
	}
	gates := "<none>"
	if rg := mapItems(lget(o, "spec", "readinessGates")); len(rg) > 0 {
		n := 0
		for _, g := range rg {
			for _, c := range mapItems(conds) {
				if str(c, "type") == str(g, "conditionType") {
					if str(c, "status") == "True" {
						n++
					}
					break
				}
			}
		}
		gates = fmt.Sprintf("%d/%d", n, len(rg))
	}
	return []any{metaString(o, "name"), fmt.Sprintf("%d/%d", ready, total), reason, restartText, cellAge(o),
		orNone(podIP), orNone(sget(o, "spec", "nodeName")), orNone(sget(o, "status", "nominatedNodeName")), gates}
}

// rowConditions are a row's conditions: a finished pod's Completed.
func rowConditions(ri *resInfo, o obj) []any {
	if ri.CRD != "" || ri.storageKey() != "/pods" {
		return nil
	}
	switch sget(o, "status", "phase") {
	case "Succeeded":
		return []any{obj{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}}
	case "Failed":
		return []any{obj{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}}
	}
	return nil
}

// printHPA prints a HorizontalPodAutoscaler of autoscaling/v2 or v1.
func printHPA(o obj, _ []obj) []any {
	ref := sget(o, "spec", "scaleTargetRef", "kind") + "/" + sget(o, "spec", "scaleTargetRef", "name")
	minPods := "<unset>"
	if n, ok := numberInt(nested(o, "spec", "minReplicas")); ok {
		minPods = strconv.FormatInt(n, 10)
	}
	specs, statuses := mapItems(lget(o, "spec", "metrics")), mapItems(lget(o, "status", "currentMetrics"))
	if t := nested(o, "spec", "targetCPUUtilizationPercentage"); t != nil {
		specs = []map[string]any{{"type": "Resource", "resource": map[string]any{"name": "cpu", "target": map[string]any{"type": "Utilization", "averageUtilization": t}}}}
		statuses = nil
		if c := nested(o, "status", "currentCPUUtilizationPercentage"); c != nil {
			statuses = []map[string]any{{"type": "Resource", "resource": map[string]any{"name": "cpu", "current": map[string]any{"averageUtilization": c}}}}
		}
	}
	return []any{metaString(o, "name"), ref, hpaMetrics(specs, statuses), minPods, iget(o, "spec", "maxReplicas"), iget(o, "status", "currentReplicas"), cellAge(o)}
}

// hpaMetrics prints current/target per metric, at most two.
func hpaMetrics(specs, statuses []map[string]any) string {
	if len(specs) == 0 {
		return "<none>"
	}
	var list []string
	for i, spec := range specs {
		var status map[string]any
		if i < len(statuses) {
			status = statuses[i]
		}
		list = append(list, hpaMetric(spec, status))
	}
	if len(list) > 2 {
		return fmt.Sprintf("%s + %d more...", joinComma(list[:2]), len(list)-2)
	}
	return joinComma(list)
}

func joinComma(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

func hpaMetric(spec, status map[string]any) string {
	typ := str(spec, "type")
	field := map[string]string{"External": "external", "Pods": "pods", "Object": "object", "Resource": "resource", "ContainerResource": "containerResource"}[typ]
	if field == "" {
		return "<unknown type>"
	}
	src := asMap(spec[field])
	target := asMap(src["target"])
	cur := asMap(asMap(status[field])["current"])
	have := status != nil && status[field] != nil
	current := "<unknown>"
	switch typ {
	case "External", "Object":
		if avg := target["averageValue"]; avg != nil {
			if have && cur["averageValue"] != nil {
				current = quantity(cur["averageValue"])
			}
			return fmt.Sprintf("%s/%s (avg)", current, quantity(avg))
		}
		if have {
			current = quantity(cur["value"])
		}
		return fmt.Sprintf("%s/%s", current, quantity(target["value"]))
	case "Pods":
		if have {
			current = quantity(cur["averageValue"])
		}
		return fmt.Sprintf("%s/%s", current, quantity(target["averageValue"]))
	}
	name := str(src, "name")
	if avg := target["averageValue"]; avg != nil {
		if have {
			current = quantity(cur["averageValue"])
		}
		return fmt.Sprintf("%s: %s/%s", name, current, quantity(avg))
	}
	if have && cur["averageUtilization"] != nil {
		current = fmt.Sprintf("%d%%", iget(cur, "averageUtilization"))
	}
	t := "<auto>"
	if target["averageUtilization"] != nil {
		t = fmt.Sprintf("%d%%", iget(target, "averageUtilization"))
	}
	return fmt.Sprintf("%s: %s/%s", name, current, t)
}
