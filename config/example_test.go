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

// LoadBytes loads a kubeconfig kept elsewhere than in a file, such as the
// data of a Secret that a multi-cluster controller reads.
func ExampleLoadBytes() {
	secretData := []byte(`
current-context: edge
clusters:
- name: edge
  cluster: {server: "https://edge-1.example:6443"}
users:
- name: robot
  user: {token: not-printed}
contexts:
- name: edge
  context: {cluster: edge, user: robot}
`)
	cfg, err := config.LoadBytes(secretData, config.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Server, cfg.Namespace, cfg.Auth.Token)
	// Output:
	// https://edge-1.example:6443 default REDACTED
}

// A Kubeconfig changes entries as kubectl config set-cluster,
// set-credentials, set-context and use-context do, keeping everything else
// the document had.
func ExampleParseKubeconfig() {
	k, err := config.ParseKubeconfig([]byte(`apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://old.example
    x-team-owner: platform # not a kubeconfig field: kept
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	k.SetCluster("prod", func(c *config.Cluster) { c.SetServer("https://prod.example") })
	k.SetUser("ci", func(u *config.User) { u.SetToken("t0ken") })
	k.SetContext("prod", func(c *config.Context) { *c = config.Context{Cluster: "prod", User: "ci", Namespace: "web"} })
	if err := k.UseContext("prod"); err != nil {
		fmt.Println(err)
		return
	}
	out, _ := k.Bytes()
	fmt.Print(string(out))
	// Output:
	// apiVersion: v1
	// kind: Config
	// clusters:
	//   - name: prod
	//     cluster:
	//       server: https://prod.example
	//       x-team-owner: platform # not a kubeconfig field: kept
	// users:
	//   - name: ci
	//     user:
	//       token: t0ken
	// contexts:
	//   - name: prod
	//     context:
	//       cluster: prod
	//       user: ci
	//       namespace: web
	// current-context: prod
}
