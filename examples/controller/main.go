// Command controller is a small Kubernetes controller built with kubewire:
// every namespace labelled team=X gets a ConfigMap team-info with
// data team: X, kept in place (recreated when deleted, fixed when
// changed) and removed when the label goes. It uses shared informers on
// namespaces and ConfigMaps, a work queue and leader election, so that
// several replicas can run with one active.
//
//	go run ./examples/controller [-kubeconfig FILE] [-identity NAME] [-lease-namespace NS]
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
	"sync"
	"syscall"
	"time"

	"github.com/kubewire/kubewire/api/coordinationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/leaderelection"
	"github.com/kubewire/kubewire/controller/workqueue"
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
	// One queue for the process: keys that arrive while this replica does
	// not lead wait in it for the next term.
	q := workqueue.New[string]()
	defer q.ShutDown()
	nsInf.AddHandler(controller.Handler[corev1.Namespace]{
		OnAdd:    func(ns *corev1.Namespace, _ bool) { q.Add(ns.Name) },
		OnUpdate: func(_, ns *corev1.Namespace) { q.Add(ns.Name) },
		OnDelete: func(ns *corev1.Namespace, _ bool) { q.Add(ns.Name) },
	})
	cmInf.AddHandler(controller.Handler[corev1.ConfigMap]{
		OnAdd:    func(cm *corev1.ConfigMap, _ bool) { q.Add(cm.Namespace) },
		OnUpdate: func(_, cm *corev1.ConfigMap) { q.Add(cm.Namespace) },
		OnDelete: func(cm *corev1.ConfigMap, _ bool) { q.Add(cm.Namespace) },
	})

	// The caches run on every replica, so a new leader starts warm.
	infCtx, stopInformers := context.WithCancel(ctx)
	defer func() { stopInformers(); f.Wait() }()
	f.Start(infCtx)

	r := &reconciler{cms: rc, ns: nsInf.Lister(), cm: cmInf, log: log}
	leases := typed.For[coordinationv1.Lease, coordinationv1.LeaseList](rc, o.LeaseNamespace)
	for {
		el, err := leaderelection.New(leases, o.LeaseName, o.Identity,
			leaderelection.Callbacks{
				OnStartedLeading: func(ctx context.Context) {
					log.Info("leading", "identity", o.Identity)
					if err := f.WaitForSync(ctx); err != nil {
						return
					}
					// Another replica may have led meanwhile, or this one
					// lost the lease mid-reconcile: check every team.
					all, _ := r.ns.List("", "")
					for _, ns := range all {
						q.Add(ns.Name)
					}
					var wg sync.WaitGroup
					for range max(1, o.Workers) {
						wg.Go(func() { r.work(ctx, q) })
					}
					<-ctx.Done()
					wg.Wait() // the workers stop at the term's end; the queue stays
				},
				OnStoppedLeading: func() { log.Info("stopped leading", "identity", o.Identity) },
				OnNewLeader:      func(id string) { log.Info("leader", "identity", id) },
			},
			leaderelection.WithTimings(o.LeaseDuration, o.RenewDeadline, o.RetryPeriod),
			leaderelection.WithReleaseOnCancel(), leaderelection.WithLogger(log))
		if err != nil {
			return err
		}
		err = el.Run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if !errors.Is(err, leaderelection.ErrLeaseLost) {
			return err
		}
		log.Warn("lost the lease; campaigning again", "identity", o.Identity)
	}
}

type reconciler struct {
	cms *rest.Client
	ns  controller.Lister[corev1.Namespace]
	cm  *controller.Informer[corev1.ConfigMap]
	log *slog.Logger
}

func (r *reconciler) work(ctx context.Context, q *workqueue.Queue[string]) {
	for {
		ns, ok := q.Get(ctx)
		if !ok {
			return
		}
		if err := r.reconcile(ctx, ns); err != nil {
			if ctx.Err() != nil {
				// The term ended mid-reconcile: the next one picks the
				// key up at once, without a failure on its record.
				q.Add(ns)
				q.Done(ns)
				return
			}
			r.log.Warn("reconcile failed, retrying", "namespace", ns, "error", err)
			q.AddRateLimited(ns)
		} else {
			q.Forget(ns)
		}
		q.Done(ns)
	}
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
