package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func specAndOut(t *testing.T) (string, string, *target) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(root, "..", "shared", "openapi", "v1.37.2", "v3")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("spec not found at %s", spec)
	}
	return spec, filepath.Join(root, "api"), defaultTarget(root)
}

// The committed api/ packages are what the generator writes now.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	spec, out, tg := specAndOut(t)
	files, err := generate(spec, out, tg)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := sync(out, files, tg, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated files (run go generate ./api): %s", strings.Join(stale, ", "))
	}
}

// The committed version-skew packages of Kubernetes 1.32.4 under
// internal/integration/skew132 are what the generator writes now (see
// the go:generate line in internal/integration/skew132/doc.go).
func TestSkewPackagesAreCurrent(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(root, "..", "shared", "openapi", "v1.32.4", "v3")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("spec not found at %s", spec)
	}
	out := filepath.Join(root, "internal", "integration", "skew132")
	tg := defaultTarget(root)
	tg.prefix = modulePath + "/internal/integration/skew132"
	tg.only = map[string]bool{"corev1": true, "appsv1": true}
	files, err := generate(spec, out, tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("nothing generated")
	}
	for name, content := range files {
		if !bytes.Contains(content, []byte(`"`+modulePath+`/api/metav1"`)) && strings.HasSuffix(name, "types.go") {
			t.Errorf("%s does not import api/metav1", name)
		}
		if bytes.Contains(content, []byte(`"`+modulePath+`/api/corev1"`)) {
			t.Errorf("%s imports the current corev1", name)
		}
	}
	stale, err := sync(out, files, tg, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated files (run go generate ./internal/integration/skew132): %s", strings.Join(stale, ", "))
	}

	tg.only = map[string]bool{"appsv1": true}
	if _, err := generate(spec, out, tg); err == nil || !strings.Contains(err.Error(), "appsv1 imports corev1") {
		t.Errorf("appsv1 alone: %v, want an error naming corev1", err)
	}
}

func TestDeterministic(t *testing.T) {
	spec, out, tg := specAndOut(t)
	a, err := generate(spec, out, tg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(spec, out, tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Fatalf("%s differs between two runs", name)
		}
	}
	for _, want := range []string{"corev1", "appsv1", "batchv1", "rbacv1", "networkingv1", "resourcev1", "coordinationv1beta1",
		"autoscalingv1", "autoscalingv2", "policyv1", "storagev1", "apiextensionsv1", "apiregistrationv1",
		"resourcev1beta2", "admissionregistrationv1beta1", "internalv1alpha1", "metav1"} {
		if _, ok := a[filepath.Join(want, "zz_generated_types.go")]; !ok {
			t.Errorf("package %s not generated", want)
		}
	}
}

func TestNames(t *testing.T) {
	for json, want := range map[string]string{
		"apiVersion": "APIVersion", "uid": "UID", "podIPs": "PodIPs", "hostIP": "HostIP", "ipFamilies": "IPFamilies",
		"httpGet": "HTTPGet", "tcpSocket": "TCPSocket", "$ref": "Ref", "x-kubernetes-list-map-keys": "XListMapKeys",
		"seLinuxOptions": "SELinuxOptions", "fsGroup": "FSGroup", "caBundle": "CABundle", "name": "Name", "Port": "Port",
		"ttlSecondsAfterFinished": "TTLSecondsAfterFinished", "nonResourceURLs": "NonResourceURLs",
	} {
		if got := fieldName(json); got != want {
			t.Errorf("fieldName(%q) = %q, want %q", json, got, want)
		}
	}
	for kind, want := range map[string]string{
		"Pod": "Pods", "Endpoints": "Endpoints", "EndpointSlice": "EndpointSlices", "Ingress": "Ingresses",
		"NetworkPolicy": "NetworkPolicies", "StorageClass": "StorageClasses", "PriorityClass": "PriorityClasses",
		"Lease": "Leases", "Event": "Events", "ComponentStatus": "ComponentStatuses", "Gateway": "Gateways",
		"CSIStorageCapacity": "CSIStorageCapacities",
	} {
		if got := pluralKind(kind); got != want {
			t.Errorf("pluralKind(%q) = %q, want %q", kind, got, want)
		}
	}
	for gv, want := range map[[2]string]string{
		{"", "v1"}: "corev1", {"networking.k8s.io", "v1"}: "networkingv1", {"rbac.authorization.k8s.io", "v1"}: "rbacv1",
		{"admissionregistration.k8s.io", "v1beta1"}: "admissionregistrationv1beta1", {"apps", "v1"}: "appsv1",
	} {
		if got := packageName(gv[0], gv[1]); got != want {
			t.Errorf("packageName(%q) = %q, want %q", gv, got, want)
		}
	}
	if got := pluralFromResource("Foo", "fooz"); got != "Fooz" {
		t.Errorf("pluralFromResource = %q", got)
	}
}

func TestComment(t *testing.T) {
	got := comment("\t", "Short line.\n\nA long paragraph that goes on and on and on and on and on and on and on and on and on.\n\n```\n\tcode  kept\n```\n- item one\n- item two")
	want := "\t// Short line.\n\t//\n\t// A long paragraph that goes on and on and on and on and on and on and on and\n\t// on and on.\n\t//\n\t// ```\n\t//     code  kept\n\t// ```\n\t// - item one\n\t// - item two\n"
	if got != want {
		t.Errorf("comment:\n%s\nwant:\n%s", got, want)
	}
	if comment("", "  ") != "" {
		t.Error("empty text gives a comment")
	}
}

// Scalars are held as Kubernetes' own types hold them (apifacts.txt): a
// value where the server never sends zero, a pointer where it can.
func TestScalarsFollowAPIFacts(t *testing.T) {
	spec, out, tg := specAndOut(t)
	files, err := generate(spec, out, tg)
	if err != nil {
		t.Fatal(err)
	}
	types := func(pkg string) string {
		for name, content := range files {
			if strings.HasSuffix(name, filepath.Join(pkg, "zz_generated_types.go")) {
				return string(content)
			}
		}
		t.Fatalf("no types file for %s", pkg)
		return ""
	}
	for pkg, fields := range map[string][]string{
		"corev1": {
			"Stdin bool `json:\"stdin,omitempty\"`",                          // value: false is never sent
			"RuntimeClassName *string `json:\"runtimeClassName,omitempty\"`", // pointer: "" differs from unset
			"StorageClassName *string `json:\"storageClassName,omitempty\"`",
			"Name string `json:\"name\"`", // required
		},
		"appsv1":          {"Replicas *int32 `json:\"replicas,omitempty\"`"},
		"autoscalingv1":   {"Replicas int32 `json:\"replicas,omitempty\"`"},
		"coordinationv1":  {"HolderIdentity *string `json:\"holderIdentity,omitempty\"`"},
		"apiextensionsv1": {"XPreserveUnknownFields *bool `json:\"x-kubernetes-preserve-unknown-fields,omitempty\"`"},
	} {
		src := types(pkg)
		for _, f := range fields {
			if !strings.Contains(src, "\t"+f+"\n") {
				t.Errorf("%s: no field %s", pkg, f)
			}
		}
	}
	if facts := parseFacts("# comment\nio.k8s.X.a pointer always\nbad line\nio.k8s.X.b value omitempty\n"); len(facts) != 2 ||
		facts["io.k8s.X.a"] != (scalarFact{pointer: true}) || facts["io.k8s.X.b"] != (scalarFact{omitempty: true}) {
		t.Errorf("parseFacts: %v", facts)
	}
}
