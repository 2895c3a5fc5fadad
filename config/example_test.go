package config_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kubewire/kubewire/config"
)

// Load resolves the configuration as kubectl would; flags bound with
// BindFlags override the kubeconfig's choices.
func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	kubeconfig := filepath.Join(dir, "config")
	os.WriteFile(kubeconfig, []byte(`
current-context: dev
clusters:
- name: dev
  cluster: {server: "https://dev.example:6443"}
users:
- name: me
  user: {token: not-printed}
contexts:
- name: dev
  context: {cluster: dev, user: me, namespace: team-a}
`), 0o600)

	var opts config.Options
	fs := flag.NewFlagSet("example", flag.ExitOnError)
	opts.BindFlags(fs)
	fs.Parse([]string{"--kubeconfig", kubeconfig, "--namespace", "kube-system"})

	cfg, err := config.Load(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Server, cfg.Namespace, cfg.Auth.Token)
	fmt.Println(cfg.Source.Namespace.Why)
	// Output:
	// https://dev.example:6443 kube-system REDACTED
	// --namespace (Options.Namespace)
}

// Explain answers "why is it talking to that cluster?".
func ExampleExplain() {
	cfg, err := config.Load(config.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Print(config.Explain(cfg))
}
