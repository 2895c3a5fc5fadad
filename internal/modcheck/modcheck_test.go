// Package modcheck holds checks of the module's own go.mod.
package modcheck

import (
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// languageFloor is the oldest Go whose language and standard library the
// module's code uses: errors.AsType and new(expr) arrived in Go 1.26.0.
const languageFloor = "1.26.0"

// go.mod declares the oldest Go the module needs: the newest of the
// language floor and the go lines of its dependencies, not a patch release
// of the newest Go. Failed before the change: go.mod said 1.26.8 where
// 1.26.0 is needed.
func TestGoLineIsTheMinimum(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	declared := string(m[1])

	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.GoVersion}}", "all").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	need, why := languageFloor, "the language and standard library used"
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) != 2 || f[0] == "github.com/kubewire/kubewire" {
			continue
		}
		if version.Compare("go"+f[1], "go"+need) > 0 {
			need, why = f[1], f[0]
		}
	}
	if version.Compare("go"+declared, "go"+need) != 0 {
		t.Errorf("go.mod declares go %s; the module needs go %s (%s)", declared, need, why)
	}
}
