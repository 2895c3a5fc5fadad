// Command controller is a small Kubernetes controller built with kubewire:
// every namespace labelled team=X gets a ConfigMap team-info with
// data team: X, kept in place (recreated when deleted, fixed when
// changed) and removed when the label goes. It is a reconcile loop
// (controller/reconcile) on shared informers of namespaces and ConfigMaps,
// with leader election, so that several replicas can run with one active.
//
//	go run ./examples/controller [-kubeconfig FILE] [-identity NAME] [-lease-namespace NS] [-health-addr ADDR]
//
// In a pod it uses the service account; it needs get/list/watch on
// namespaces, get/list/watch/create/update/delete on configmaps, and
// get/create/update on leases in the lease namespace.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/leaderelection"
	"github.com/kubewire/kubewire/controller/reconcile"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

const (
	teamLabel   = "team"
	cmName      = "team-info"
	managedBy   = "app.kubernetes.io/managed-by"
	managerName = "kubewire-team-controller"
)

// options are the controller's settings besides the connection.
type options struct {
	Identity       string
	LeaseNamespace string
	LeaseName      string
	Workers        int
	LeaseDuration  time.Duration
	RenewDeadline  time.Duration
	RetryPeriod    time.Duration
	HealthAddr     string
}

func main() {
	var conn config.Options
	var o options
	host, _ := os.Hostname()
	fs := flag.NewFlagSet("controller", flag.ExitOnError)
	conn.BindFlags(fs)
	fs.StringVar(&o.Identity, "identity", host, "this replica's identity in the leader election")
	fs.StringVar(&o.LeaseNamespace, "lease-namespace", "", "namespace of the election's Lease (default: the configured namespace)")
	fs.StringVar(&o.LeaseName, "lease-name", "team-info-controller", "name of the election's Lease")
	fs.IntVar(&o.Workers, "workers", 2, "concurrent reconciles")
	fs.DurationVar(&o.LeaseDuration, "lease-duration", 15*time.Second, "how long a lease lasts without renewal")
	fs.DurationVar(&o.RenewDeadline, "renew-deadline", 10*time.Second, "how long the leader tries to renew before it gives up")
	fs.DurationVar(&o.RetryPeriod, "retry-period", 2*time.Second, "pause between election attempts")
	fs.StringVar(&o.HealthAddr, "health-addr", "", "serve /healthz and /readyz on this address (default: not served)")
	fs.Parse(os.Args[1:])
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load(conn)
	if err == nil {
		err = run(ctx, cfg, o, log)
	}
	if err != nil {
		log.Error("controller failed", "error", err)
		os.Exit(1)
	}
}

// run runs the controller until ctx ends (nil). A replica that loses the
// lease (the API server was unreachable for longer than the renew
// deadline: a restart, a network cut) stops its workers and campaigns
// again, with its caches kept warm; only a configuration error ends it.
func run(ctx context.Context, cfg *config.Config, o options, log *slog.Logger) error {
	if o.Identity == "" {
		return errors.New("an identity is required")
	}
	if o.LeaseName == "" {
		o.LeaseName = "team-info-controller"
	}
	if o.LeaseNamespace == "" {
		o.LeaseNamespace = cfg.Namespace
	}
	if o.LeaseNamespace == "" {
		o.LeaseNamespace = "default"
	}
	rc, err := rest.New(cfg)
	if err != nil {
		return err
	}

	f := controller.NewFactory()
	nsInf, err := controller.SharedTyped(f, typed.For[corev1.Namespace, corev1.NamespaceList](rc, ""),
		controller.WithLabelSelector(teamLabel),
		controller.WithTransform(func(ns *corev1.Namespace) { ns.ManagedFields = nil }))
	if err != nil {
		return err
	}
	cmInf, err := controller.SharedTyped(f, typed.For[corev1.ConfigMap, corev1.ConfigMapList](rc, ""),
		controller.WithFieldSelector("metadata.name="+cmName),
		controller.WithTransform(func(cm *corev1.ConfigMap) { cm.ManagedFields = nil }))
	if err != nil {
		return err
	}
	r := &reconciler{cms: rc, ns: nsInf.Lister(), cm: cmInf, log: log}
	// The election has a client of its own, so that the reconciles using
	// up the rate limit do not delay the lease's renewals.
	lrc, err := rest.New(cfg)
	if err != nil {
		return err
	}
	leases := typed.For[coordinationv1.Lease, coordinationv1.LeaseList](lrc, o.LeaseNamespace)
	loop, err := reconcile.New(nsInf, r,
		// A team-info ConfigMap concerns its namespace (the primary
		// objects are cluster-scoped: no namespace in the request).
		reconcile.Watches(cmInf, func(cm *corev1.ConfigMap) []reconcile.Request {
			return []reconcile.Request{{Name: cm.Namespace}}
		}),
		reconcile.WithWorkers(max(1, o.Workers)),
		reconcile.WithLeaderElection(leases, o.LeaseName, o.Identity,
			leaderelection.WithTimings(o.LeaseDuration, o.RenewDeadline, o.RetryPeriod),
			leaderelection.WithReleaseOnCancel(), leaderelection.WithLogger(log)),
		reconcile.WithHealthAddr(o.HealthAddr),
		reconcile.WithLogger(log))
	if err != nil {
		return err
	}
	// The informers run on every replica, so a new leader starts warm;
	// the workers run on the leader only.
	return loop.Run(ctx)
}

type reconciler struct {
	cms *rest.Client
	ns  controller.Lister[corev1.Namespace]
	cm  *controller.Informer[corev1.ConfigMap]
	log *slog.Logger
}

// Reconcile reconciles the namespace req.Name.
func (r *reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	return reconcile.Result{}, r.reconcile(ctx, req.Name)
}

// reconcile makes the team-info ConfigMap of namespace name match its
// team label.
func (r *reconciler) reconcile(ctx context.Context, name string) error {
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](r.cms, name)
	ns, ok := r.ns.Get("", name)
	team := ""
	if ok && ns.DeletionTimestamp == nil {
		team = ns.Labels[teamLabel]
	}
	cur, exists := r.cm.Lister().Get(name, cmName)
	switch {
	case team == "" && exists && cur.Labels[managedBy] == managerName:
		err := cms.Delete(ctx, cmName, metav1.DeleteOptions{})
		if rest.IsNotFound(err) {
			return nil
		}
		return err
	case team == "":
		return nil
	case !exists:
		want := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: cmName, Labels: map[string]string{managedBy: managerName}},
			Data:       map[string]string{"team": team},
		}
		created, err := cms.Create(ctx, want, metav1.CreateOptions{FieldManager: managerName})
		if rest.IsAlreadyExists(err) {
			return nil // the cache is behind; its event will come
		}
		if err != nil {
			return err
		}
		r.log.Info("created", "namespace", name, "team", team)
		// Read your write: the next reconcile of this namespace sees it.
		return r.cm.WaitForResourceVersion(ctx, created.ResourceVersion)
	case cur.Data["team"] != team:
		next := *cur // a shallow copy: the cached object must not change
		next.Data = map[string]string{"team": team}
		updated, err := cms.Update(ctx, &next, metav1.UpdateOptions{FieldManager: managerName})
		if err != nil {
			return err
		}
		r.log.Info("updated", "namespace", name, "team", team)
		return r.cm.WaitForResourceVersion(ctx, updated.ResourceVersion)
	}
	return nil
}
