package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConsts(t *testing.T) {
	f, err := parseConsts(`# header
type io.k8s.api.core.v1.Protocol string "Protocol defines network protocols."
type io.k8s.api.core.v1.Odd float64 ""
const io.k8s.api.core.v1.Protocol ProtocolTCP "TCP" ""
const io.k8s.api.core.v1.Protocol ProtocolOdd "a \"quoted\" value" "ProtocolOdd is odd."
const io.k8s.api.core.v1.Missing X "x" ""
const io.k8s.api.core.v1.Protocol PolicyTCP "TCP" "" io.k8s.api.policy.v1
field io.k8s.api.core.v1.ContainerPort.protocol io.k8s.api.core.v1.Protocol
field io.k8s.api.core.v1.Capabilities.add []io.k8s.api.core.v1.Capability
field io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode *io.k8s.api.core.v1.PersistentVolumeMode
field io.k8s.api.core.v1.NodeStatus.capacity map[io.k8s.api.core.v1.ResourceName]_
field io.k8s.api.core.v1.X.y map[string]io.k8s.api.core.v1.Protocol
`)
	if err != nil {
		t.Fatal(err)
	}
	p := f.types["io.k8s.api.core.v1.Protocol"]
	if p == nil || p.kind != kString || p.doc != "Protocol defines network protocols." || len(p.consts) != 2 {
		t.Fatalf("Protocol: %+v", p)
	}
	if c := p.consts[1]; c.name != "ProtocolOdd" || c.value != `"a \"quoted\" value"` || c.doc != "ProtocolOdd is odd." {
		t.Errorf("constant: %+v", c)
	}
	if len(f.foreign) != 1 || f.foreign[0].name != "PolicyTCP" || f.foreign[0].pkg != "io.k8s.api.policy.v1" ||
		f.foreign[0].typ != "io.k8s.api.core.v1.Protocol" {
		t.Errorf("foreign constants: %+v", f.foreign)
	}
	if f.types["io.k8s.api.core.v1.Odd"] != nil {
		t.Error("a float64 named type is kept; the codecs hold only strings and integers as named types")
	}
	for key, want := range map[string]shapeFact{
		"io.k8s.api.core.v1.ContainerPort.protocol":               {form: '=', elem: "io.k8s.api.core.v1.Protocol"},
		"io.k8s.api.core.v1.Capabilities.add":                     {form: '[', elem: "io.k8s.api.core.v1.Capability"},
		"io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode": {form: '*', elem: "io.k8s.api.core.v1.PersistentVolumeMode"},
		"io.k8s.api.core.v1.NodeStatus.capacity":                  {form: 'm', key: "io.k8s.api.core.v1.ResourceName"},
		"io.k8s.api.core.v1.X.y":                                  {form: 'm', elem: "io.k8s.api.core.v1.Protocol"},
	} {
		if got := f.fields[key]; got != want {
			t.Errorf("%s: %+v, want %+v", key, got, want)
		}
	}
	for _, bad := range []string{"field a.b", "const a b", "field a.b map[x", "nonsense", `type a string "unterminated`} {
		if _, err := parseConsts(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// Fields Kubernetes types with a named type have it here too, across
// packages, and each package declares its named types and constants.
func TestNamedTypesAndConstants(t *testing.T) {
	spec, out, tg := specAndOut(t)
	files, err := generate(spec, out, tg)
	if err != nil {
		t.Fatal(err)
	}
	file := func(pkg, name string) string {
		return string(files[filepath.Join(pkg, name)])
	}
	for pkg, want := range map[string][]string{
		"corev1": {
			"Protocol Protocol `json:\"protocol,omitempty\"`",
			"Phase PodPhase `json:\"phase,omitempty\"`",
			"ImagePullPolicy PullPolicy `json:\"imagePullPolicy,omitempty\"`",
			"Add []Capability `json:\"add,omitempty\"`",
			"VolumeMode *PersistentVolumeMode `json:\"volumeMode,omitempty\"`",
			"Limits map[ResourceName]metav1.Quantity `json:\"limits,omitempty\"`",
			"AllocatedResourceStatuses map[ResourceName]ClaimResourceStatus `json:\"allocatedResourceStatuses,omitempty\"`",
		},
		"appsv1":    {"Type DeploymentStrategyType `json:\"type,omitempty\"`"},
		"storagev1": {"ReclaimPolicy *corev1.PersistentVolumeReclaimPolicy `json:\"reclaimPolicy,omitempty\"`"},
		"metav1": {
			"PropagationPolicy *DeletionPropagation `json:\"propagationPolicy,omitempty\"`",
			"Reason StatusReason `json:\"reason,omitempty\"`",
			"Status ConditionStatus `json:\"status\"`",
		},
	} {
		src := file(pkg, "zz_generated_types.go")
		for _, f := range want {
			if !strings.Contains(src, "\t"+f+"\n") {
				t.Errorf("%s: no field %s", pkg, f)
			}
		}
	}
	for pkg, want := range map[string][]string{
		"corev1": {"type Protocol string\n", "\tProtocolTCP Protocol = \"TCP\"\n", "\tPodRunning PodPhase = \"Running\"\n",
			"\tConditionTrue ConditionStatus = \"True\"\n", "\tServiceTypeClusterIP ServiceType = \"ClusterIP\"\n",
			"\tRestartPolicyAlways RestartPolicy = \"Always\"\n", "\tPullIfNotPresent PullPolicy = \"IfNotPresent\"\n",
			"\tDNSClusterFirst DNSPolicy = \"ClusterFirst\"\n", "\tResourceCPU ResourceName = \"cpu\"\n",
			// A type no field holds here but that has constants.
			"type ResourceName string\n",
			// A generated doc line where the Go source has none short enough.
			"// DNSClusterFirst is the DNSPolicy value \"ClusterFirst\".\n"},
		"appsv1": {"\tRollingUpdateDeploymentStrategyType DeploymentStrategyType = \"RollingUpdate\"\n"},
		"metav1": {"\tDeletePropagationForeground DeletionPropagation = \"Foreground\"\n",
			"\tDeletePropagationBackground DeletionPropagation = \"Background\"\n",
			"\tDeletePropagationOrphan DeletionPropagation = \"Orphan\"\n",
			"\tConditionTrue ConditionStatus = \"True\"\n", "\tConditionFalse ConditionStatus = \"False\"\n",
			"\tConditionUnknown ConditionStatus = \"Unknown\"\n"},
	} {
		src := file(pkg, "zz_generated_constants.go")
		for _, w := range want {
			if !strings.Contains(src, w) {
				t.Errorf("%s: constants file lacks %q", pkg, w)
			}
		}
	}
	// A constant Kubernetes declares with another package's type.
	if src := file("policyv1", "zz_generated_constants.go"); !strings.Contains(src, "\tDisruptionBudgetCause metav1.CauseType = \"DisruptionBudget\"\n") ||
		!strings.Contains(src, `"github.com/kubewire/kubewire/api/metav1"`) {
		t.Errorf("policyv1 constants:\n%s", src)
	}
	if strings.Contains(file("storagev1", "zz_generated_constants.go"), "PersistentVolumeReclaimPolicy") {
		t.Error("storagev1 declares core/v1's PersistentVolumeReclaimPolicy")
	}
}

// A spec type that does not fit the named type Kubernetes gives the field
// is an error, not a silent mismatch.
func TestApplyShapeMismatch(t *testing.T) {
	m := &model{pkgs: map[string]*pkg{}, prefixPkg: map[string]*pkg{}, consts: &apiConstsFacts{types: map[string]*namedFact{
		"io.k8s.api.core.v1.Protocol": {schema: "io.k8s.api.core.v1.Protocol", kind: kString},
	}}}
	core := newPkg("corev1", "", "v1")
	m.pkgs["corev1"], m.prefixPkg["io.k8s.api.core.v1"] = core, core
	if err := m.applyShape(core, &gtype{kind: kInt32}, shapeFact{form: '=', elem: "io.k8s.api.core.v1.Protocol"}); err == nil {
		t.Error("an int32 field took a string type")
	}
	if err := m.applyShape(core, &gtype{kind: kString}, shapeFact{form: '[', elem: "io.k8s.api.core.v1.Protocol"}); err == nil {
		t.Error("a scalar field took a slice shape")
	}
	s := &gtype{kind: kString}
	if err := m.applyShape(core, s, shapeFact{form: '=', elem: "io.k8s.api.core.v1.Protocol"}); err != nil || goType(s) != "Protocol" {
		t.Errorf("%v, %s", err, goType(s))
	}
	other := newPkg("storagev1", "storage.k8s.io", "v1")
	s = &gtype{kind: kString, ptr: true}
	if err := m.applyShape(other, s, shapeFact{form: '*', elem: "io.k8s.api.core.v1.Protocol"}); err != nil ||
		goType(s) != "*corev1.Protocol" || !other.imports["corev1"] {
		t.Errorf("%v, %s, imports %v", err, goType(s), other.imports)
	}
	// A type of a package that is not generated leaves the field a string.
	s = &gtype{kind: kString}
	if err := m.applyShape(core, s, shapeFact{form: '=', elem: "io.k8s.api.gone.v1.Protocol"}); err != nil || goType(s) != "string" {
		t.Errorf("%v, %s", err, goType(s))
	}
}
