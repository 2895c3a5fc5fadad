package metav1_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The API packages link no client: every package they depend on is the
// standard library without networking, the JSON engine, or kubewire's
// codec and metadata packages.
func TestTypesStandAlone(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/kubewire/kubewire/api/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := []string{
		"github.com/kubewire/kubewire/api/",
		"github.com/kubewire/kubewire/internal/codec",
		"github.com/kubewire/kubewire/internal/deepcopy",
		"github.com/kubewire/kubewire/internal/intern",
		"github.com/kubewire/kubewire/internal/jsonwire",
		"github.com/kubewire/kubewire/internal/protowire",
		"github.com/json-iterator/go",
		"github.com/modern-go/concurrent",
		"github.com/modern-go/reflect2",
	}
	deps := strings.Fields(string(out))
	if len(deps) < 40 {
		t.Fatalf("go list printed %d packages, expected the api packages and their dependencies", len(deps))
	}
	for _, dep := range deps {
		if !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") {
			// The standard library, but not its networking (URL and
			// address values are plain data).
			if (strings.HasPrefix(dep, "net") && dep != "net/url" && dep != "net/netip") || strings.HasPrefix(dep, "crypto/tls") || dep == "os/exec" {
				t.Errorf("an api package links %s", dep)
			}
			continue
		}
		ok := false
		for _, a := range allowed {
			if strings.HasPrefix(dep, a) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("an api package links %s", dep)
		}
	}
}
