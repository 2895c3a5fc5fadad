// Command list-pods is the first program of the Kubernetes client
// documentation, written with kubewire: it connects with the pod's service
// account when it runs in a cluster, else with a kubeconfig file, and
// prints how many pods the cluster has.
//
// Usage:
//
//	list-pods [-kubeconfig FILE]
//
// -kubeconfig defaults to $HOME/.kube/config and is used only outside a
// cluster. The output is one line:
//
//	There are 12 pods in the cluster
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("list-pods", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kubeconfig := fs.String("kubeconfig", defaultKubeconfig(), "path to the kubeconfig file, used outside a cluster")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := listPods(ctx, *kubeconfig, stdout); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

// defaultKubeconfig is $HOME/.kube/config, or "" without a home directory.
func defaultKubeconfig() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".kube", "config")
}

// loadConfig uses the in-cluster service account when there is one, and
// the kubeconfig file otherwise.
func loadConfig(kubeconfig string) (*config.Config, error) {
	cfg, err := config.InCluster()
	if err == nil {
		return cfg, nil
	}
	if !errors.Is(err, config.ErrNotInCluster) {
		return nil, err // in a pod, but its service account is unusable
	}
	return config.Load(config.Options{Kubeconfig: kubeconfig})
}

func listPods(ctx context.Context, kubeconfig string, w io.Writer) error {
	cfg, err := loadConfig(kubeconfig)
	if err != nil {
		return err
	}
	c, err := rest.New(cfg)
	if err != nil {
		return err
	}
	pods, err := typed.For[corev1.Pod, corev1.PodList](c, "").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "There are %d pods in the cluster\n", len(pods.Items))
	return err
}
