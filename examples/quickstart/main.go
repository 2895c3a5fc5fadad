// Command quickstart is kubewire's first program: it connects to a cluster
// (or, when none is configured, to a fake API server started in-process),
// creates a namespace, a deployment and a service, waits for the
// deployment's pods to be ready and lists them, watches a ConfigMap change,
// and cleans up.
//
//	go run ./examples/quickstart [-kubeconfig FILE] [-context NAME]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func main() {
	var opts config.Options
	fs := flag.NewFlagSet("quickstart", flag.ExitOnError)
	opts.BindFlags(fs)
	fs.Parse(os.Args[1:])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, opts); err != nil {
		if se, ok := errors.AsType[*rest.StatusError](err); ok {
			fmt.Fprintf(os.Stderr, "Error from server (%s): %s\n", se.Status.Reason, se.Status.Message)
		} else {
			fmt.Fprintln(os.Stderr, "error:", err)
		}
		os.Exit(1)
	}
}

// connect loads the configured cluster, or starts a fake API server when
// nothing is configured. stop releases what connect started.
func connect(out io.Writer, opts config.Options) (cfg *config.Config, stop func(), err error) {
	cfg, err = config.Load(opts)
	if err == nil {
		fmt.Fprintf(out, "Using the cluster at %s\n", cfg.Server)
		return cfg, func() {}, nil
	}
	if _, none := errors.AsType[*config.NoConfigError](err); !none {
		return nil, nil, err // a configuration exists but is broken: say so
	}
	// With its simulated controllers, the fake makes the deployment's
	// pods and runs them, as a cluster would.
	srv, err := fake.Start(fake.WithControllers())
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(out, "No cluster configured: started kubewire's fake API server at %s\n", srv.URL())
	return srv.Config(), srv.Close, nil
}

func run(ctx context.Context, out io.Writer, opts config.Options) error {
	cfg, stop, err := connect(out, opts)
	if err != nil {
		return err
	}
	defer stop()
	c, err := rest.New(cfg)
	if err != nil {
		return err
	}

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "kubewire-quickstart-"}}
	ns, err = typed.For[corev1.Namespace, corev1.NamespaceList](c, "").Create(ctx, ns, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created namespace %s\n", ns.Name)
	defer func() {
		// Clean up with a fresh context, even when ctx has expired.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := typed.For[corev1.Namespace, corev1.NamespaceList](c, "").Delete(dctx, ns.Name, metav1.DeleteOptions{}); err != nil {
			fmt.Fprintf(out, "Deleting namespace %s: %v\n", ns.Name, err)
			return
		}
		fmt.Fprintf(out, "Deleted namespace %s\n", ns.Name)
	}()

	labels := map[string]string{"app": "hello"}
	replicas := int32(2)
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "hello", Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "echo",
					Image: "registry.k8s.io/echoserver:1.10",
					Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
				}}},
			},
		},
	}
	dep, err = typed.For[appsv1.Deployment, appsv1.DeploymentList](c, ns.Name).Create(ctx, dep, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created deployment %s/%s (%d replicas)\n", dep.Namespace, dep.Name, *dep.Spec.Replicas)

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "hello"},
		Spec: corev1.ServiceSpec{
			Selector: labels,
			Ports:    []corev1.ServicePort{{Port: 80, TargetPort: metav1.FromInt32(8080)}},
		},
	}
	svc, err = typed.For[corev1.Service, corev1.ServiceList](c, ns.Name).Create(ctx, svc, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created service %s/%s; proxy URL %s/api/v1/namespaces/%s/services/%s/proxy/\n",
		svc.Namespace, svc.Name, cfg.Server, svc.Namespace, rest.ServiceProxyName("", svc.Name, "80"))

	if err := waitForPods(ctx, out, typed.For[corev1.Pod, corev1.PodList](c, ns.Name), int(replicas)); err != nil {
		return err
	}

	return watchConfigMap(ctx, out, typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, ns.Name))
}

// waitForPods lists the deployment's pods until want of them are ready, for
// at most a minute (a real cluster pulls the image first), and prints them.
func waitForPods(ctx context.Context, out io.Writer, pods typed.Interface[corev1.Pod, corev1.PodList], want int) error {
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "app=hello"})
		if err != nil {
			return err
		}
		var ready []string
		for _, p := range list.Items {
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
					ready = append(ready, fmt.Sprintf("%s (%s on %s)", p.Name, p.Status.PodIP, p.Spec.NodeName))
				}
			}
		}
		if len(ready) >= want || wctx.Err() != nil {
			fmt.Fprintf(out, "There are %d pods labelled app=hello, %d ready\n", len(list.Items), len(ready))
			for _, r := range ready {
				fmt.Fprintf(out, "  %s\n", r)
			}
			return nil
		}
		select {
		case <-wctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// watchConfigMap creates a ConfigMap, watches it, changes it, and prints the
// events the change produced.
func watchConfigMap(ctx context.Context, out io.Writer, cms typed.Interface[corev1.ConfigMap, corev1.ConfigMapList]) error {
	cm, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "greeting"},
		Data:       map[string]string{"message": "hello"},
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	w, err := cms.Watch(ctx, metav1.ListOptions{
		FieldSelector:   "metadata.name=greeting",
		ResourceVersion: cm.ResourceVersion,
	})
	if err != nil {
		return err
	}
	defer w.Close()
	cm.Data["message"] = "hello, kubewire"
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		return err
	}
	ev, err := w.Next()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Watched %s configmap/%s: message=%q\n", ev.Type, ev.Object.Name, ev.Object.Data["message"])
	return nil
}
