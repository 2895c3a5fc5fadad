// Package flags checks config.Options.BindFlags against the real
// spf13/pflag and against the flags kubectl registers through client-go's
// clientcmd, which the main module cannot import.
package flags

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubewire/kubewire/config"
)

func TestBindFlagsRealPFlag(t *testing.T) {
	var o config.Options
	fs := pflag.NewFlagSet("kubewire", pflag.ContinueOnError)
	o.BindFlags(fs)
	err := fs.Parse([]string{"-n", "ns", "--token=S3CRET", "--as", "jane", "--as-group", "a", "--as-group", "b",
		"--insecure-skip-tls-verify", "--request-timeout", "5", "--kubeconfig", "/k"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Namespace != "ns" || o.Token.Reveal() != "S3CRET" || o.As != "jane" || len(o.AsGroups) != 2 ||
		!o.InsecureSkipTLSVerify || o.Timeout != 5*time.Second || o.Kubeconfig != "/k" {
		t.Fatalf("parsed %+v", o)
	}

	// Every flag kubewire registers is one kubectl registers, with the
	// same shorthand and kind of value.
	ref := pflag.NewFlagSet("kubectl", pflag.ContinueOnError)
	var kubeconfig string
	ref.StringVar(&kubeconfig, clientcmd.RecommendedConfigPathFlag, "", "")
	clientcmd.BindOverrideFlags(&clientcmd.ConfigOverrides{}, ref, clientcmd.RecommendedConfigOverrideFlags(""))
	n := 0
	fs.VisitAll(func(f *pflag.Flag) {
		n++
		k := ref.Lookup(f.Name)
		if k == nil {
			t.Errorf("--%s: kubectl has no such flag", f.Name)
			return
		}
		if k.Shorthand != f.Shorthand {
			t.Errorf("--%s: shorthand %q, kubectl's %q", f.Name, f.Shorthand, k.Shorthand)
		}
		if (k.Value.Type() == "bool") != (f.Value.Type() == "bool") {
			t.Errorf("--%s: type %s, kubectl's %s", f.Name, f.Value.Type(), k.Value.Type())
		}
	})
	if n != 16 {
		t.Errorf("%d flags registered, want 16", n)
	}
	usage := fs.FlagUsages()
	for _, want := range []string{"--token token", "--as-group group", "--request-timeout duration", "-n, --namespace string"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q:\n%s", want, usage)
		}
	}
	if strings.Contains(usage, "S3CRET") || strings.Contains(usage, " func ") {
		t.Errorf("usage:\n%s", usage)
	}
}
