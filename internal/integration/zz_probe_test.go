//go:build integration

package integration

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

func TestZZProbeCRD(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	cfg, err := config.LoadFile(env.Kubeconfig(testenv.IdentityAdminToken), config.Options{})
	require.NoError(t, err)
	rc, err := rest.New(cfg, rest.WithMaxRetries(0), rest.WithWarningHandler(func(w rest.Warning) { fmt.Println("  WARNING:", w.Text) }))
	require.NoError(t, err)
	crd, _ := os.ReadFile("/tmp/probe/crd.json")
	res := rc.Post().AbsPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions").BodyBytes(crd, "application/json").Do(ctx)
	b, _ := res.Raw()
	fmt.Println("CRD", res.StatusCode(), string(b)[:200])
	require.NoError(t, env.CreateNamespace(ctx, "probe"))
	time.Sleep(3 * time.Second)
	cases, _ := os.ReadFile("/tmp/probe/cases.txt")
	for i, line := range strings.Split(strings.TrimSpace(string(cases)), "\n") {
		f := strings.Split(line, "\t")
		body := `{"apiVersion":"probe.kubewire.io/v1","kind":"Widget","metadata":{"name":"w` + fmt.Sprint(i) + `"},` + strings.TrimPrefix(f[1], "{")
		req := rc.Post().AbsPath("/apis/probe.kubewire.io/v1/namespaces/probe/widgets").BodyBytes([]byte(body), "application/json")
		if len(f) > 2 {
			k, v, _ := strings.Cut(f[2], "=")
			req.Param(k, v)
		}
		fmt.Println("==", f[0])
		res := req.Do(ctx)
		raw, _ := res.Raw()
		fmt.Println(" ", res.StatusCode(), string(raw))
	}
}
