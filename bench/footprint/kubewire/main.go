// Command kubewire is the benchmark's list-pods program written with
// kubewire: it loads the in-cluster configuration or a kubeconfig file and
// prints how many pods the cluster has. Its twin in ../clientgo does the
// same with client-go; the benchmark compares their footprints.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file, used outside a cluster")
	flag.Parse()
	cfg, err := config.InCluster()
	if errors.Is(err, config.ErrNotInCluster) {
		cfg, err = config.Load(config.Options{Kubeconfig: *kubeconfig})
	}
	if err != nil {
		fail(err)
	}
	c, err := rest.New(cfg)
	if err != nil {
		fail(err)
	}
	pods, err := typed.For[corev1.Pod, corev1.PodList](c, "").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		fail(err)
	}
	fmt.Printf("There are %d pods in the cluster\n", len(pods.Items))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
