package fake

import (
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"strings"
)

// The parts of the pod spec validation (Kubernetes 1.37,
// pkg/apis/core/validation) users most often trip over: volumes and
// mounts, probes and lifecycle hooks, security contexts, environment
// variables, affinity, tolerations and scheduling fields. Messages, field
// paths and error types are the real server's.

// volumeSourceKeys are the members of a Volume that name its source, in
// the order the real validation looks at them.
var volumeSourceKeys = []string{
	"emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
	"glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "downwardAPI", "fc", "flexVolume",
	"configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos",
	"projected", "scaleIO", "csi", "ephemeral", "image",
}

const msgMode = "must be a number between 0 and 0777 (octal), both inclusive"

// validateVolumes checks the pod's volumes and returns the names declared.
func validateVolumes(vols []any, p string) ([]fieldError, map[string]bool) {
	var errs []fieldError
	names := map[string]bool{}
	for i, v := range vols {
		vm, _ := v.(map[string]any)
		ip := fmt.Sprintf("%s[%d]", p, i)
		n := str(vm, "name")
		switch {
		case n == "":
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".name"})
		case names[n]:
			errs = append(errs, fieldError{Type: "FieldValueDuplicate", Field: ip + ".name", Value: n})
		default:
			for _, m := range dns1123LabelMessages(n) {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".name", Value: n, Detail: m})
			}
		}
		if n != "" {
			names[n] = true
		}
		count := 0
		for _, k := range volumeSourceKeys {
			src, ok := vm[k].(map[string]any)
			if !ok {
				continue
			}
			count++
			if count > 1 {
				errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: ip + "." + k, Detail: "may not specify more than 1 volume type"})
				continue
			}
			errs = append(errs, validateVolumeSource(k, src, ip+"."+k)...)
		}
		if count == 0 {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip, Detail: "must specify a volume type"})
		}
	}
	return errs, names
}

var hostPathTypes = []string{"", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"}

func validateVolumeSource(kind string, src map[string]any, p string) []fieldError {
	var errs []fieldError
	mode := func(k string) {
		if n, ok := numberInt(src[k]); ok && (n < 0 || n > 0o777) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + "." + k, Value: n, Detail: msgMode})
		}
	}
	items := func() {
		for i, it := range asList(src["items"]) {
			im, _ := it.(map[string]any)
			ip := fmt.Sprintf("%s.items[%d]", p, i)
			if str(im, "key") == "" {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".key"})
			}
			errs = append(errs, validateLocalPath(str(im, "path"), ip+".path")...)
			if n, ok := numberInt(im["mode"]); ok && (n < 0 || n > 0o777) {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".mode", Value: n, Detail: msgMode})
			}
		}
	}
	switch kind {
	case "hostPath":
		if str(src, "path") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".path"})
		}
		if t, ok := src["type"].(string); ok && !contains(hostPathTypes, t) {
			errs = append(errs, notSupported(p+".type", t, hostPathTypes))
		}
	case "secret":
		if str(src, "secretName") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".secretName"})
		}
		mode("defaultMode")
		items()
	case "configMap":
		if str(src, "name") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".name"})
		}
		mode("defaultMode")
		items()
	case "persistentVolumeClaim":
		if str(src, "claimName") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".claimName"})
		}
	case "downwardAPI":
		mode("defaultMode")
		for i, it := range asList(src["items"]) {
			im, _ := it.(map[string]any)
			// The real validation reports the item's path at the
			// source's path, without the item index.
			errs = append(errs, validateLocalPath(str(im, "path"), p+".path")...)
			_ = i
		}
	case "projected":
		mode("defaultMode")
	}
	return errs
}

// validateLocalPath is validateLocalDescendingPath: relative, no "..".
func validateLocalPath(v, p string) []fieldError {
	if v == "" {
		return []fieldError{{Type: "FieldValueRequired", Field: p}}
	}
	var errs []fieldError
	if path.IsAbs(v) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: v, Detail: "must be a relative path"})
	}
	for _, part := range strings.Split(v, "/") {
		if part == ".." {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: v, Detail: "must not contain '..'"})
			break
		}
	}
	return errs
}

// validateMounts checks a container's volume mounts against the pod's
// volumes.
func validateMounts(mounts []any, vols map[string]bool, p string) []fieldError {
	var errs []fieldError
	paths := map[string]bool{}
	for i, m := range mounts {
		mm, _ := m.(map[string]any)
		ip := fmt.Sprintf("%s[%d]", p, i)
		n := str(mm, "name")
		if n == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".name"})
		} else if !vols[n] {
			errs = append(errs, fieldError{Type: "FieldValueNotFound", Field: ip + ".name", Value: n})
		}
		mp := str(mm, "mountPath")
		if mp == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".mountPath"})
		} else if paths[mp] {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".mountPath", Value: mp, Detail: "must be unique"})
		}
		paths[mp] = true
		if sp := str(mm, "subPath"); sp != "" {
			errs = append(errs, validateLocalPath(sp, ip+".subPath")...)
		}
	}
	return errs
}

// handlerKeys are the members of a probe or lifecycle handler.
var handlerKeys = []string{"exec", "httpGet", "tcpSocket", "grpc", "sleep"}

// validateHandler checks that a probe or hook has exactly one handler, and
// the handler itself.
func validateHandler(h map[string]any, p string) []fieldError {
	var errs []fieldError
	count := 0
	for _, k := range handlerKeys {
		hm, ok := h[k].(map[string]any)
		if !ok {
			continue
		}
		count++
		if count > 1 {
			errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: p + "." + k, Detail: "may not specify more than 1 handler type"})
			continue
		}
		hp := p + "." + k
		switch k {
		case "exec":
			if len(asList(hm["command"])) == 0 {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: hp + ".command"})
			}
		case "httpGet":
			errs = append(errs, validatePortNumOrName(hm["port"], hp+".port")...)
			switch s := str(hm, "scheme"); s {
			case "HTTP", "HTTPS":
			default:
				errs = append(errs, notSupported(hp+".scheme", s, []string{"HTTP", "HTTPS"}))
			}
		case "tcpSocket":
			errs = append(errs, validatePortNumOrName(hm["port"], hp+".port")...)
		case "grpc":
			if n, _ := numberInt(hm["port"]); n < 1 || n > 65535 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: hp + ".port", Value: n, Detail: "must be between 1 and 65535, inclusive"})
			}
		}
	}
	if count == 0 {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p, Detail: "must specify a handler type"})
	}
	return errs
}

// validatePortNumOrName is ValidatePortNumOrName for an int-or-string port.
func validatePortNumOrName(v any, p string) []fieldError {
	if s, ok := v.(string); ok {
		var errs []fieldError
		if s == "" {
			return []fieldError{{Type: "FieldValueRequired", Field: p}}
		}
		for _, m := range portNameMessages(s) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: s, Detail: m})
		}
		return errs
	}
	n, _ := numberInt(v)
	if n < 1 || n > 65535 {
		return []fieldError{{Type: "FieldValueInvalid", Field: p, Value: n, Detail: "must be between 1 and 65535, inclusive"}}
	}
	return nil
}

// validateProbe checks a probe: its handler and non-negative numbers;
// liveness and startup probes need a success threshold of 1.
func validateProbe(pr map[string]any, p string, one bool) []fieldError {
	errs := validateHandler(pr, p)
	for _, k := range []string{"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"} {
		if n, ok := numberInt(pr[k]); ok && n < 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + "." + k, Value: n, Detail: "must be greater than or equal to 0"})
		}
	}
	if n, ok := numberInt(pr["terminationGracePeriodSeconds"]); ok && n <= 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".terminationGracePeriodSeconds", Value: n, Detail: "must be greater than 0"})
	}
	if n, _ := numberInt(pr["successThreshold"]); one && n != 1 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".successThreshold", Value: n, Detail: "must be 1"})
	}
	return errs
}

// validateContainerProbes checks a container's probes and hooks; init
// containers that are not sidecars may have none.
func validateContainerProbes(c map[string]any, p string, initC bool) []fieldError {
	var errs []fieldError
	sidecar := str(c, "restartPolicy") == "Always"
	for _, k := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
		pr, ok := c[k].(map[string]any)
		if !ok {
			continue
		}
		if initC && !sidecar {
			errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: p + "." + k, Detail: "may not be set for init containers without restartPolicy=Always"})
			continue
		}
		errs = append(errs, validateProbe(pr, p+"."+k, k != "readinessProbe")...)
	}
	if lc, ok := c["lifecycle"].(map[string]any); ok {
		for _, k := range []string{"postStart", "preStop"} {
			if h, ok := lc[k].(map[string]any); ok {
				errs = append(errs, validateHandler(h, p+".lifecycle."+k)...)
			}
		}
	}
	return errs
}

const maxID = 2147483647

// validateIDs checks the user and group ids of a security context.
func validateIDs(sc map[string]any, p string, keys ...string) []fieldError {
	var errs []fieldError
	for _, k := range keys {
		if n, ok := numberInt(sc[k]); ok && (n < 0 || n > maxID) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + "." + k, Value: n, Detail: "must be between 0 and 2147483647, inclusive"})
		}
	}
	return errs
}

// validateProfiles checks the seccomp and AppArmor profiles of a security
// context.
func validateProfiles(sc map[string]any, p string) []fieldError {
	var errs []fieldError
	if sp, ok := sc["seccompProfile"].(map[string]any); ok {
		switch t := str(sp, "type"); t {
		case "Localhost":
			if str(sp, "localhostProfile") == "" {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".seccompProfile.localhostProfile", Detail: "must be set when seccomp type is Localhost"})
			}
		case "RuntimeDefault", "Unconfined":
		case "":
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".seccompProfile.type"})
		default:
			errs = append(errs, notSupported(p+".seccompProfile.type", t, []string{"Localhost", "RuntimeDefault", "Unconfined"}))
		}
	}
	if ap, ok := sc["appArmorProfile"].(map[string]any); ok {
		switch t := str(ap, "type"); t {
		case "Localhost":
			if str(ap, "localhostProfile") == "" {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".appArmorProfile.localhostProfile", Detail: "must be set when AppArmor type is Localhost"})
			}
		case "RuntimeDefault", "Unconfined":
		case "":
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".appArmorProfile.type"})
		default:
			errs = append(errs, notSupported(p+".appArmorProfile.type", t, []string{"Localhost", "RuntimeDefault", "Unconfined"}))
		}
	}
	return errs
}

// validateContainerSecurity checks a container's security context.
func validateContainerSecurity(c map[string]any, p string) []fieldError {
	sc, ok := c["securityContext"].(map[string]any)
	if !ok {
		return nil
	}
	p += ".securityContext"
	errs := validateIDs(sc, p, "runAsUser", "runAsGroup")
	if sc["privileged"] == true && sc["allowPrivilegeEscalation"] == false {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p, Value: goSecurityContext(sc), Detail: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"})
	}
	errs = append(errs, validateProfiles(sc, p)...)
	return errs
}

// goSecurityContext is the security context as the real server prints it
// in an error: its internal Go struct as JSON (field names, every field).
func goSecurityContext(sc map[string]any) rawJSON {
	fields := []struct{ goName, key string }{
		{"Capabilities", "capabilities"}, {"Privileged", "privileged"}, {"SELinuxOptions", "seLinuxOptions"},
		{"WindowsOptions", "windowsOptions"}, {"RunAsUser", "runAsUser"}, {"RunAsGroup", "runAsGroup"},
		{"RunAsNonRoot", "runAsNonRoot"}, {"ReadOnlyRootFilesystem", "readOnlyRootFilesystem"},
		{"AllowPrivilegeEscalation", "allowPrivilegeEscalation"}, {"ProcMount", "procMount"},
		{"SeccompProfile", "seccompProfile"}, {"AppArmorProfile", "appArmorProfile"},
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", f.goName, goJSON(sc[f.key]))
	}
	b.WriteByte('}')
	return rawJSON(b.String())
}

// rawJSON is a field error value printed as it is.
type rawJSON string

// String returns the JSON text.
func (r rawJSON) String() string { return string(r) }

// goJSON prints a scalar or nil as Go's JSON encoder would; nested objects
// keep their JSON names (the fake has no Go structs for them).
func goJSON(v any) string {
	if v == nil {
		return "null"
	}
	return badValue(v)
}

var reSysctl = regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)

// validatePodSecurity checks the pod's security context.
func validatePodSecurity(spec map[string]any, p string) []fieldError {
	sc, ok := spec["securityContext"].(map[string]any)
	if !ok {
		return nil
	}
	p += ".securityContext"
	errs := validateIDs(sc, p, "fsGroup", "runAsUser", "runAsGroup")
	for i, g := range asList(sc["supplementalGroups"]) {
		if n, ok := numberInt(g); ok && (n < 0 || n > maxID) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: fmt.Sprintf("%s.supplementalGroups[%d]", p, i), Value: n, Detail: "must be between 0 and 2147483647, inclusive"})
		}
	}
	for i, s := range asList(sc["sysctls"]) {
		sm, _ := s.(map[string]any)
		n := str(sm, "name")
		ip := fmt.Sprintf("%s.sysctls[%d].name", p, i)
		if n == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip})
		} else if len(n) > 253 || !reSysctl.MatchString(strings.ReplaceAll(n, "/", ".")) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip, Value: n, Detail: "must have at most 253 characters and match regex " + reSysctl.String()})
		}
	}
	errs = append(errs, validateProfiles(sc, p)...)
	return errs
}

// envFieldPaths are the fieldRef paths an environment variable may use.
var envFieldPaths = []string{
	"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
	"spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
}

var envResources = []string{"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"}

// validateEnv checks a container's env and envFrom.
func validateEnv(c map[string]any, p string) []fieldError {
	var errs []fieldError
	for i, e := range asList(c["env"]) {
		em, _ := e.(map[string]any)
		ip := fmt.Sprintf("%s.env[%d]", p, i)
		n := str(em, "name")
		if n == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".name"})
		} else if !envNameOK(n) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".name", Value: n, Detail: "a valid environment variable name must consist only of printable ASCII characters other than '='"})
		}
		vf, ok := em["valueFrom"].(map[string]any)
		if !ok {
			continue
		}
		vp := ip + ".valueFrom"
		count := 0
		for _, k := range []string{"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"} {
			src, ok := vf[k].(map[string]any)
			if !ok {
				continue
			}
			count++
			switch k {
			case "fieldRef":
				fp := str(src, "fieldPath")
				switch {
				case fp == "":
					errs = append(errs, fieldError{Type: "FieldValueRequired", Field: vp + ".fieldRef.fieldPath"})
				case !envFieldPathOK(fp):
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: vp + ".fieldRef.fieldPath", Value: fp, Detail: "error converting fieldPath: field label not supported: " + fp})
				}
			case "resourceFieldRef":
				if r := str(src, "resource"); r == "" {
					errs = append(errs, fieldError{Type: "FieldValueRequired", Field: vp + ".resourceFieldRef.resource"})
				} else if !contains(envResources, r) {
					errs = append(errs, notSupported(vp+".resourceFieldRef.resource", r, envResources))
				}
			case "configMapKeyRef", "secretKeyRef":
				if str(src, "name") == "" {
					errs = append(errs, fieldError{Type: "FieldValueRequired", Field: vp + "." + k + ".name"})
				}
				if str(src, "key") == "" {
					errs = append(errs, fieldError{Type: "FieldValueRequired", Field: vp + "." + k + ".key"})
				}
			}
		}
		switch {
		case str(em, "value") != "" && count > 0:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: vp, Value: "", Detail: "may not be specified when `value` is not empty"})
		case count > 1:
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: vp, Value: "", Detail: "may not have more than one field specified at a time"})
		}
	}
	for i, e := range asList(c["envFrom"]) {
		em, _ := e.(map[string]any)
		ip := fmt.Sprintf("%s.envFrom[%d]", p, i)
		for _, k := range []string{"configMapRef", "secretRef"} {
			if ref, ok := em[k].(map[string]any); ok && str(ref, "name") == "" {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + "." + k + ".name"})
			}
		}
		if pf := str(em, "prefix"); pf != "" && !envNameOK(pf) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".prefix", Value: pf, Detail: "a valid environment variable name must consist only of printable ASCII characters other than '='"})
		}
	}
	return errs
}

func envNameOK(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] < ' ' || n[i] > '~' || n[i] == '=' {
			return false
		}
	}
	return true
}

// envFieldPathOK accepts the supported paths and a single label or
// annotation (metadata.labels['k']).
func envFieldPathOK(fp string) bool {
	if contains(envFieldPaths, fp) {
		return true
	}
	for _, pre := range []string{"metadata.labels['", "metadata.annotations['"} {
		if strings.HasPrefix(fp, pre) && strings.HasSuffix(fp, "']") {
			return true
		}
	}
	return false
}

// standardContainerResources are the resource names a container may ask
// for without a domain.
var standardContainerResources = map[string]bool{"cpu": true, "memory": true, "ephemeral-storage": true}

// validateResourceNames checks the names in a container's requests and
// limits.
func validateResourceNames(c map[string]any, p string) []fieldError {
	var errs []fieldError
	for _, kind := range []string{"limits", "requests"} {
		for _, k := range sortedKeys(nestedMap(c, "resources", kind)) {
			if standardContainerResources[k] || strings.HasPrefix(k, "hugepages-") || strings.Contains(k, "/") {
				continue
			}
			f := fmt.Sprintf("%s.resources.%s[%s]", p, kind, k)
			errs = append(errs,
				fieldError{Type: "FieldValueInvalid", Field: f, Value: k, Detail: "must be a standard resource type or fully qualified"},
				fieldError{Type: "FieldValueInvalid", Field: f, Value: k, Detail: "must be a standard resource for containers"})
		}
	}
	return errs
}

// validateScheduling checks the pod's node selector, DNS configuration,
// deadline, affinity, tolerations, host names and spread constraints.
func validateScheduling(spec map[string]any, p string) []fieldError {
	var errs []fieldError
	ns := nestedMap(spec, "nodeSelector")
	for _, k := range sortedKeys(ns) {
		errs = append(errs, validateQualifiedName(p+".nodeSelector", k)...)
	}
	if str(spec, "dnsPolicy") == "None" && spec["dnsConfig"] == nil {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".dnsConfig", Detail: "must provide `dnsConfig` when `dnsPolicy` is None"})
	}
	for i, s := range asList(nestedMap(spec, "dnsConfig")["nameservers"]) {
		ip, _ := s.(string)
		if _, err := netip.ParseAddr(ip); err != nil {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: fmt.Sprintf("%s.dnsConfig.nameservers[%d]", p, i), Value: ip, Detail: "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"})
		}
	}
	if n, ok := numberInt(spec["activeDeadlineSeconds"]); ok && (n < 1 || n > maxID) {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".activeDeadlineSeconds", Value: n, Detail: "must be between 1 and 2147483647, inclusive"})
	}
	errs = append(errs, validateAffinity(nestedMap(spec, "affinity"), p+".affinity")...)
	errs = append(errs, validateTolerations(asList(spec["tolerations"]), p+".tolerations")...)
	if h := str(spec, "hostname"); h != "" {
		for _, m := range dns1123LabelMessages(h) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".hostname", Value: h, Detail: m})
		}
	}
	if sd := str(spec, "subdomain"); sd != "" {
		for _, m := range dns1123LabelErrors(sd) {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: p + ".subdomain", Value: sd, Detail: m})
		}
	}
	for i, c := range asList(spec["topologySpreadConstraints"]) {
		cm, _ := c.(map[string]any)
		ip := fmt.Sprintf("%s.topologySpreadConstraints[%d]", p, i)
		if n, _ := numberInt(cm["maxSkew"]); n <= 0 {
			errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".maxSkew", Value: n, Detail: "must be greater than zero"})
		}
		if str(cm, "topologyKey") == "" {
			errs = append(errs, fieldError{Type: "FieldValueRequired", Field: ip + ".topologyKey", Detail: "can not be empty"})
		}
		switch w := str(cm, "whenUnsatisfiable"); w {
		case "DoNotSchedule", "ScheduleAnyway":
		default:
			errs = append(errs, notSupported(ip+".whenUnsatisfiable", w, []string{"DoNotSchedule", "ScheduleAnyway"}))
		}
	}
	return errs
}

func validateAffinity(a map[string]any, p string) []fieldError {
	var errs []fieldError
	if na, ok := a["nodeAffinity"].(map[string]any); ok {
		np := p + ".nodeAffinity"
		if req, ok := na["requiredDuringSchedulingIgnoredDuringExecution"].(map[string]any); ok {
			rp := np + ".requiredDuringSchedulingIgnoredDuringExecution"
			terms := asList(req["nodeSelectorTerms"])
			if len(terms) == 0 {
				errs = append(errs, fieldError{Type: "FieldValueRequired", Field: rp + ".nodeSelectorTerms", Detail: "must have at least one node selector term"})
			}
			for i, t := range terms {
				tm, _ := t.(map[string]any)
				errs = append(errs, validateNodeSelectorTerm(tm, fmt.Sprintf("%s.nodeSelectorTerms[%d]", rp, i))...)
			}
		}
		for i, t := range asList(na["preferredDuringSchedulingIgnoredDuringExecution"]) {
			tm, _ := t.(map[string]any)
			ip := fmt.Sprintf("%s.preferredDuringSchedulingIgnoredDuringExecution[%d]", np, i)
			if w, _ := numberInt(tm["weight"]); w < 1 || w > 100 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".weight", Value: w, Detail: "must be in the range 1-100"})
			}
			errs = append(errs, validateNodeSelectorTerm(nestedMap(tm, "preference"), ip+".preference")...)
		}
	}
	for _, k := range []string{"podAffinity", "podAntiAffinity"} {
		pa, ok := a[k].(map[string]any)
		if !ok {
			continue
		}
		pp := p + "." + k
		for i, t := range asList(pa["requiredDuringSchedulingIgnoredDuringExecution"]) {
			tm, _ := t.(map[string]any)
			errs = append(errs, validatePodAffinityTerm(tm, fmt.Sprintf("%s.requiredDuringSchedulingIgnoredDuringExecution[%d]", pp, i))...)
		}
		for i, t := range asList(pa["preferredDuringSchedulingIgnoredDuringExecution"]) {
			tm, _ := t.(map[string]any)
			ip := fmt.Sprintf("%s.preferredDuringSchedulingIgnoredDuringExecution[%d]", pp, i)
			if w, _ := numberInt(tm["weight"]); w < 1 || w > 100 {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".weight", Value: w, Detail: "must be in the range 1-100"})
			}
			errs = append(errs, validatePodAffinityTerm(nestedMap(tm, "podAffinityTerm"), ip+".podAffinityTerm")...)
		}
	}
	return errs
}

// validateNodeSelectorTerm checks a node selector term's requirements.
func validateNodeSelectorTerm(t map[string]any, p string) []fieldError {
	return validateMatchExpressions(asList(t["matchExpressions"]), p, true)
}

func validatePodAffinityTerm(t map[string]any, p string) []fieldError {
	var errs []fieldError
	tk := str(t, "topologyKey")
	if tk == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: p + ".topologyKey", Detail: "can not be empty"})
	}
	return append(errs, validateQualifiedName(p+".topologyKey", tk)...)
}

func validateTolerations(ts []any, p string) []fieldError {
	var errs []fieldError
	for i, t := range ts {
		tm, _ := t.(map[string]any)
		ip := fmt.Sprintf("%s[%d]", p, i)
		if k := str(tm, "key"); k != "" {
			errs = append(errs, validateQualifiedName(ip+".key", k)...)
		}
		switch op := str(tm, "operator"); op {
		case "", "Equal":
		case "Exists":
			if v := str(tm, "value"); v != "" {
				errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: ip + ".operator", Value: v, Detail: "value must be empty when `operator` is 'Exists'"})
			}
		default:
			errs = append(errs, notSupported(ip+".operator", op, []string{"Equal", "Exists"}))
		}
		if e, ok := tm["effect"].(string); ok && e != "" {
			switch e {
			case "NoSchedule", "PreferNoSchedule", "NoExecute":
			default:
				errs = append(errs, fieldError{Type: "FieldValueNotSupported", Field: ip + ".effect", Value: e, Detail: `supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`})
			}
		}
	}
	return errs
}

// validateHostNetworkPorts: with the host's network a host port must equal
// its container port.
func validateHostNetworkPorts(spec map[string]any, p string) []fieldError {
	if spec["hostNetwork"] != true {
		return nil
	}
	var errs []fieldError
	for _, list := range []string{"containers", "initContainers"} {
		for i, c := range asList(spec[list]) {
			cm, _ := c.(map[string]any)
			for j, port := range asList(cm["ports"]) {
				pm, _ := port.(map[string]any)
				hp, _ := numberInt(pm["hostPort"])
				cp, _ := numberInt(pm["containerPort"])
				if hp != cp {
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: fmt.Sprintf("%s.%s[%d].ports[%d].hostPort", p, list, i, j), Value: hp, Detail: "must match `containerPort` when `hostNetwork` is true"})
				}
			}
		}
	}
	return errs
}

// notSupported is a NotSupported error listing the supported values.
func notSupported(field, v string, supported []string) fieldError {
	q := make([]string, len(supported))
	for i, s := range supported {
		q[i] = fmt.Sprintf("%q", s)
	}
	return fieldError{Type: "FieldValueNotSupported", Field: field, Value: v, Detail: "supported values: " + strings.Join(q, ", ")}
}
