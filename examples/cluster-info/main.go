// Command cluster-info prints what `kubectl cluster-info` prints: where the
// control plane is, and where the cluster's add-on services (those in
// kube-system labelled kubernetes.io/cluster-service=true) are reachable
// through the API server's proxy.
//
// Usage:
//
//	cluster-info [-kubeconfig FILE] [-context NAME] ...
//
// It takes kubectl's connection flags and resolves the configuration as
// kubectl does. The output looks like
//
//	Kubernetes control plane is running at https://127.0.0.1:6443
//	CoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy
//
//	To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.
//
// A service is named by its kubernetes.io/name label, else by its name. Its
// address follows kubectl's rule: a service with a load balancer address is
// shown as http://ADDRESS:PORT for each port; any other service by its proxy
// URL, which names the service's first port by its name (not its number)
// and adds the https scheme when that port is called "https" or is 443.
//
// An error from the server is printed as kubectl prints it,
// "Error from server (REASON): MESSAGE", and the exit status is 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

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
	fs := flag.NewFlagSet("cluster-info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg, err := config.Load(opts)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	err = clusterInfo(ctx, cfg, stdout)
	// kubectl ends with this hint whether or not the listing worked.
	fmt.Fprint(stdout, "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
	if err != nil {
		var se *rest.StatusError
		switch {
		case errors.As(err, &se) && rest.ReasonForError(err) != "":
			fmt.Fprintf(stderr, "Error from server (%s): %s\n", rest.ReasonForError(err), se.Error())
		case errors.As(err, &se):
			fmt.Fprintf(stderr, "Error from server: %s\n", se.Error())
		default:
			fmt.Fprintf(stderr, "error: %v\n", err)
		}
		return 1
	}
	return 0
}

// clusterInfo lists the cluster services and prints one line for the
// control plane and one per service.
func clusterInfo(ctx context.Context, cfg *config.Config, w io.Writer) error {
	c, err := rest.New(cfg)
	if err != nil {
		return err
	}
	services, err := typed.For[corev1.Service, corev1.ServiceList](c, "kube-system").List(ctx, metav1.ListOptions{
		LabelSelector: "kubernetes.io/cluster-service=true",
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Kubernetes control plane is running at %s\n", cfg.Server)
	for _, svc := range services.Items {
		name := svc.Labels["kubernetes.io/name"]
		if name == "" {
			name = svc.Name
		}
		fmt.Fprintf(w, "%s is running at %s\n", name, serviceURL(cfg.Server, &svc))
	}
	return nil
}

// serviceURL is where kubectl says svc runs: its load balancer's address,
// or its URL through the API server's proxy.
func serviceURL(server string, svc *corev1.Service) string {
	if ingress := svc.Status.LoadBalancer.Ingress; len(ingress) > 0 {
		host := ingress[0].IP
		if host == "" {
			host = ingress[0].Hostname
		}
		var b strings.Builder
		for _, p := range svc.Spec.Ports {
			b.WriteString("http://" + host + ":" + strconv.Itoa(int(p.Port)) + " ")
		}
		return b.String()
	}
	name := svc.Name
	if len(svc.Spec.Ports) > 0 {
		p := svc.Spec.Ports[0]
		scheme := ""
		if p.Name == "https" || p.Port == 443 {
			scheme = "https"
		}
		name = proxyName(scheme, svc.Name, p.Name)
	}
	return server + "/api/v1/namespaces/" + svc.Namespace + "/services/" + name + "/proxy"
}

// proxyName is the service part of a proxy URL as kubectl writes it: with a
// scheme it always has three parts, so an unnamed https port gives
// "https:NAME:" (rest.ServiceProxyName would give "https:NAME").
func proxyName(scheme, name, port string) string {
	if scheme != "" {
		return scheme + ":" + name + ":" + port
	}
	return rest.ServiceProxyName("", name, port)
}
