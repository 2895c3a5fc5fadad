// Command operator is a complete Kubernetes operator built with kubewire's
// reconcile loop (controller/reconcile). It installs its own custom
// resource, Website (websites.examples.kubewire.dev/v1: spec.image,
// spec.replicas), when missing and waits for it to be established; then,
// for each Website, it creates and keeps in line a Deployment and a
// Service named after it and controlled by it (deleting the Website lets
// the garbage collector delete them), sets a Reconciled condition with
// the observed generation in the Website's status, and records an Event
// on the Website whenever it changes something. It also keeps a registry,
// the ConfigMap websites in namespace kubewire-operator, with one key
// NAMESPACE.NAME per Website: state in another namespace that no owner
// reference can clean up, so a finalizer on each Website removes its key
// before the Website goes away. It runs until interrupted, with leader
// election, so several replicas can run with one active; -health-addr
// serves the loop's /healthz and /readyz and, from its metrics hooks,
// counters in Prometheus' text format on /metrics.
//
//	go run ./examples/operator [-kubeconfig FILE] [-identity NAME] [-health-addr ADDR]
//
// In a pod it uses the service account; it needs create/get on
// customresourcedefinitions; get/list/watch/update on websites and
// websites/status; get/list/watch/create/update on deployments and
// services; create/patch on events (events.k8s.io); get/create on
// namespaces; get/list/watch/create/update on configmaps and get/create/
// update on leases in kubewire-operator.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kubewire/kubewire/api/apiextensionsv1"
	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/leaderelection"
	"github.com/kubewire/kubewire/controller/reconcile"
	"github.com/kubewire/kubewire/events"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
	"github.com/kubewire/kubewire/wait"
)

const (
	// operatorNS holds the registry and the election's Lease.
	operatorNS   = "kubewire-operator"
	registryName = "websites"
	finalizer    = "examples.kubewire.dev/registry"
	managerName  = "kubewire-website-operator"
	managedBy    = "app.kubernetes.io/managed-by"
	nameLabel    = "app.kubernetes.io/name"
)

// options are the operator's settings besides the connection.
type options struct {
	Identity      string
	Workers       int
	HealthAddr    string
	LeaseDuration time.Duration
	RenewDeadline time.Duration
	RetryPeriod   time.Duration
}

func main() {
	var conn config.Options
	var o options
	host, _ := os.Hostname()
	fs := flag.NewFlagSet("operator", flag.ExitOnError)
	conn.BindFlags(fs)
	fs.StringVar(&o.Identity, "identity", host, "this replica's identity in the leader election")
	fs.IntVar(&o.Workers, "workers", 2, "concurrent reconciles")
	fs.StringVar(&o.HealthAddr, "health-addr", "", "serve /healthz, /readyz and /metrics on this address (default: not served)")
	fs.DurationVar(&o.LeaseDuration, "lease-duration", 15*time.Second, "how long a lease lasts without renewal")
	fs.DurationVar(&o.RenewDeadline, "renew-deadline", 10*time.Second, "how long the leader tries to renew before it gives up")
	fs.DurationVar(&o.RetryPeriod, "retry-period", 2*time.Second, "pause between election attempts")
	fs.Parse(os.Args[1:])
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load(conn)
	if err == nil {
		err = run(ctx, cfg, o, log)
	}
	if err != nil {
		log.Error("operator failed", "error", err)
		os.Exit(1)
	}
}

// run installs the CRD and the operator's namespace, then runs the
// reconcile loop until ctx ends (nil).
func run(ctx context.Context, cfg *config.Config, o options, log *slog.Logger) error {
	if o.Identity == "" {
		return errors.New("an identity is required")
	}
	rc, err := rest.New(cfg)
	if err != nil {
		return err
	}
	if err := installCRD(ctx, rc, log); err != nil {
		return err
	}
	if err := ensureNamespace(ctx, rc); err != nil {
		return err
	}

	websites := typed.For[Website, WebsiteList](rc, "")
	webInf, err := controller.NewInformer(controller.FromTyped(websites),
		controller.WithTransform(func(w *Website) { w.ManagedFields = nil }))
	if err != nil {
		return err
	}
	// Only the operator's own Deployments and Services are cached.
	ours := controller.WithLabelSelector(managedBy + "=" + managerName)
	depInf, err := controller.NewInformer(controller.FromTyped(typed.For[appsv1.Deployment, appsv1.DeploymentList](rc, "")), ours,
		controller.WithTransform(func(d *appsv1.Deployment) { d.ManagedFields = nil }))
	if err != nil {
		return err
	}
	svcInf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.Service, corev1.ServiceList](rc, "")), ours,
		controller.WithTransform(func(s *corev1.Service) { s.ManagedFields = nil }))
	if err != nil {
		return err
	}
	regInf, err := controller.NewInformer(controller.FromTyped(typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, operatorNS)),
		controller.WithFieldSelector("metadata.name="+registryName))
	if err != nil {
		return err
	}

	b, err := events.NewBroadcaster(rc, events.WithLogger(log))
	if err != nil {
		return err
	}
	b.Start(ctx)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b.Shutdown(sctx)
	}()

	r := &reconciler{
		rc: rc, websites: websites, log: log,
		web: webInf, deps: depInf, svcs: svcInf, registry: regInf,
		events: b.NewRecorder("examples.kubewire.dev/website-operator"),
	}
	// The election has a client of its own, so that a busy operator
	// using up its rate limit does not delay the lease's renewals.
	lrc, err := rest.New(cfg)
	if err != nil {
		return err
	}
	leases := typed.For[coordinationv1.Lease, coordinationv1.LeaseList](lrc, operatorNS)
	m := &metrics{}
	loop, err := reconcile.New(webInf, r,
		reconcile.Owns(depInf),
		reconcile.Owns(svcInf),
		// The registry concerns every Website with a key missing, and
		// every key whose Website is gone.
		reconcile.Watches(regInf, r.registryRequests),
		reconcile.WithWorkers(max(1, o.Workers)),
		reconcile.WithLeaderElection(leases, "website-operator", o.Identity,
			leaderelection.WithTimings(o.LeaseDuration, o.RenewDeadline, o.RetryPeriod),
			leaderelection.WithReleaseOnCancel(), leaderelection.WithLogger(log)),
		reconcile.WithMetrics(m.hooks()),
		reconcile.WithLogger(log))
	if err != nil {
		return err
	}
	if o.HealthAddr != "" {
		// The loop's health endpoints beside the metrics, on one server.
		mux := http.NewServeMux()
		mux.Handle("/", loop.Handler())
		mux.Handle("/metrics", m)
		ln, err := net.Listen("tcp", o.HealthAddr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
	}
	log.Info("operator running", "identity", o.Identity)
	return loop.Run(ctx)
}

// installCRD creates the Website CRD when it is missing and waits until
// the server serves it (the Established condition).
func installCRD(ctx context.Context, rc *rest.Client, log *slog.Logger) error {
	crds := typed.For[apiextensionsv1.CustomResourceDefinition, apiextensionsv1.CustomResourceDefinitionList](rc, "")
	_, err := crds.Get(ctx, crdName, metav1.GetOptions{})
	if rest.IsNotFound(err) {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := json.Unmarshal([]byte(crdJSON), &crd); err != nil {
			return err
		}
		_, err = crds.Create(ctx, &crd, metav1.CreateOptions{FieldManager: managerName})
		if err == nil {
			log.Info("installed the CRD", "name", crdName)
		}
		if rest.IsAlreadyExists(err) {
			err = nil // another replica installed it
		}
	}
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return wait.Poll(wctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		crd, err := crds.Get(ctx, crdName, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
}

// ensureNamespace creates the operator's namespace when it is missing.
func ensureNamespace(ctx context.Context, rc *rest.Client) error {
	_, err := typed.For[corev1.Namespace, corev1.NamespaceList](rc, "").Create(ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNS}}, metav1.CreateOptions{FieldManager: managerName})
	if rest.IsAlreadyExists(err) {
		return nil
	}
	return err
}
