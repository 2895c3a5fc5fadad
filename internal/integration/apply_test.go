//go:build integration

package integration

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
)

func TestExampleApply(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	root := moduleRoot(t)
	bin := goBuild(t, root, "./examples/apply", "apply")
	dir := filepath.Join(root, "examples", "apply", "testdata", "demo")

	apply := func() string {
		out, err := exec.CommandContext(ctx, bin, "-kubeconfig", kc, "-f", dir).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	first := apply()
	assert.Equal(t, strings.Join([]string{
		"namespace/kw-apply-demo serverside-applied",
		"customresourcedefinition.apiextensions.k8s.io/gadgets.demo.kubewire.io serverside-applied",
		"gadget.demo.kubewire.io/sprocket serverside-applied",
		"deployment.apps/web serverside-applied",
		"service/web serverside-applied",
	}, "\n")+"\n", first)

	second := apply()
	assert.Equal(t, strings.Join([]string{
		"namespace/kw-apply-demo unchanged",
		"customresourcedefinition.apiextensions.k8s.io/gadgets.demo.kubewire.io unchanged",
		"gadget.demo.kubewire.io/sprocket unchanged",
		"deployment.apps/web unchanged",
		"service/web unchanged",
	}, "\n")+"\n", second)

	// kubectl sees what was applied.
	kubectl := kubectlPath(t)
	out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig", kc, "-n", "kw-apply-demo", "get", "gadgets", "-o", "name").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "gadget.demo.kubewire.io/sprocket\n", string(out))
}
