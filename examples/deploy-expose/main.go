// Command deploy-expose is the "hello, echo server" flow of the Kubernetes
// tutorials, done with kubewire instead of kubectl: it creates a Deployment
// running an echo server and a NodePort Service in front of it (what
// `kubectl create deployment` and `kubectl expose deployment` do), prints
// the URL at which the API server proxies to the service, and cleans up.
//
// Usage:
//
//	deploy-expose [-kubeconfig FILE] [-namespace NS] [-name NAME] [-keep]
//
// It takes kubectl's connection flags; the namespace is the context's
// (usually "default") unless -namespace is given. -name (default "echo")
// names both objects. With -keep, the deployment and service are left in
// place, so that the printed URL can be opened (with the kubeconfig's
// credentials, or through `kubectl proxy`) once the pod is running.
//
// The deployment is deleted with background propagation: it goes at once,
// and the garbage collector removes its replica sets and pods after it.
// An error from the server is printed as "Error from server (REASON):
// MESSAGE" and the exit status is 1.
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
	"time"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

const (
	image = "kicbase/echo-server:1.0"
	port  = 8080
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("deploy-expose", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	name := fs.String("name", "echo", "name of the deployment and the service")
	keep := fs.Bool("keep", false, "leave the deployment and service in place")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := deployExpose(ctx, opts, *name, *keep, stdout); err != nil {
		if reason := rest.ReasonForError(err); reason != "" {
			fmt.Fprintf(stderr, "Error from server (%s): %v\n", reason, err)
		} else {
			fmt.Fprintf(stderr, "error: %v\n", err)
		}
		return 1
	}
	return 0
}

func deployExpose(ctx context.Context, opts config.Options, name string, keep bool, out io.Writer) error {
	cfg, err := config.Load(opts)
	if err != nil {
		return err
	}
	c, err := rest.New(cfg)
	if err != nil {
		return err
	}
	ns := cfg.Namespace
	deployments := typed.For[appsv1.Deployment, appsv1.DeploymentList](c, ns)
	services := typed.For[corev1.Service, corev1.ServiceList](c, ns)

	// kubectl create deployment NAME --image=IMAGE
	labels := map[string]string{"app": name}
	replicas := int32(1)
	dep, err := deployments.Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "echo-server",
					Image: image,
					Ports: []corev1.ContainerPort{{ContainerPort: port}},
				}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created deployment %s/%s (%s)\n", dep.Namespace, dep.Name, image)
	if !keep {
		defer cleanup(out, "deployment", ns, dep.Name, deployments.Delete)
	}

	// kubectl expose deployment NAME --type=NodePort --port=8080
	svc, err := services.Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.ServiceSpec{
			Type:     "NodePort",
			Selector: labels,
			Ports:    []corev1.ServicePort{{Port: port, TargetPort: metav1.FromInt32(port), Protocol: "TCP"}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	if !keep {
		defer cleanup(out, "service", ns, svc.Name, services.Delete)
	}
	fmt.Fprintf(out, "Created service %s/%s (type %s, port %d)\n", svc.Namespace, svc.Name, svc.Spec.Type, port)

	proxy := rest.ServiceProxyName("", svc.Name, strconv.Itoa(port))
	fmt.Fprintf(out, "Proxy URL: %s/api/v1/namespaces/%s/services/%s/proxy/\n", cfg.Server, svc.Namespace, proxy)
	return nil
}

// cleanup deletes an object deployExpose created, with a context of its own
// so that it runs even when the caller's has expired.
func cleanup(out io.Writer, kind, ns, name string, del func(context.Context, string, metav1.DeleteOptions) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := del(ctx, name, metav1.DeleteOptions{PropagationPolicy: new(metav1.DeletePropagationBackground)}); err != nil {
		fmt.Fprintf(out, "Deleting %s %s/%s: %v\n", kind, ns, name, err)
		return
	}
	fmt.Fprintf(out, "Deleted %s %s/%s\n", kind, ns, name)
}
