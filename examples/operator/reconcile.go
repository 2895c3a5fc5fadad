package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/reconcile"
	"github.com/kubewire/kubewire/events"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
	"github.com/kubewire/kubewire/wait"
)

// conditionReconciled is the condition the operator sets on Websites.
const conditionReconciled = "Reconciled"

// reconciler keeps a Website's Deployment, Service, registry key and
// status in line with it.
type reconciler struct {
	rc       *rest.Client
	websites *typed.Client[Website, WebsiteList]
	web      *controller.Informer[Website]
	deps     *controller.Informer[appsv1.Deployment]
	svcs     *controller.Informer[corev1.Service]
	registry *controller.Informer[corev1.ConfigMap]
	events   events.EventRecorder
	log      *slog.Logger
}

// nameTakenError reports an object of the Website's name that another
// owner controls: the operator leaves it alone.
type nameTakenError struct{ kind, name string }

func (e *nameTakenError) Error() string {
	return fmt.Sprintf("%s %s exists and is not controlled by this Website", e.kind, e.name)
}

// Reconcile brings one Website's objects in line with it.
func (r *reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	w, ok := r.web.Lister().Get(req.Namespace, req.Name)
	if !ok {
		// Gone: its finalizer removed the key, unless the finalizer was
		// removed by hand; then the key goes now.
		_, err := r.setRegistryKey(ctx, req, "")
		return reconcile.Result{}, err
	}
	if w.DeletionTimestamp != nil {
		return r.finalize(ctx, w)
	}
	if !slices.Contains(w.Finalizers, finalizer) {
		next := forWrite(w)
		next.Finalizers = append(next.Finalizers, finalizer)
		updated, err := r.websites.InNamespace(w.Namespace).Update(ctx, next, metav1.UpdateOptions{FieldManager: managerName})
		if rest.IsConflict(err) {
			return reconcile.Result{Requeue: true}, nil // the cache is behind: read it again
		}
		if err != nil {
			return reconcile.Result{}, err
		}
		w = updated
	}
	if changed, err := r.setRegistryKey(ctx, req, w.UID); err != nil {
		return reconcile.Result{}, err
	} else if changed {
		r.events.Eventf(w, nil, events.Normal, "Registered", "Register", "added key %s to ConfigMap %s/%s", registryKey(req), operatorNS, registryName)
	}

	cond := metav1.Condition{Type: conditionReconciled, Status: metav1.ConditionTrue, Reason: "Reconciled",
		Message: "the Deployment and the Service match the Website", ObservedGeneration: w.Generation}
	err := r.syncDeployment(ctx, w)
	if err == nil {
		err = r.syncService(ctx, w)
	}
	var taken *nameTakenError
	if err != nil && !errors.As(err, &taken) {
		return reconcile.Result{}, err
	}
	if taken != nil {
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "NameTaken", taken.Error()
	}
	changed, err := r.setStatus(ctx, w, cond)
	if rest.IsConflict(err) {
		return reconcile.Result{Requeue: true}, nil // the cache is behind: read it again
	}
	if err != nil {
		return reconcile.Result{}, err
	}
	if taken != nil {
		if changed {
			r.events.Eventf(w, nil, events.Warning, "NameTaken", "Reconcile", "%s", taken.Error())
		}
		return reconcile.Result{RequeueAfter: 30 * time.Second}, nil
	}
	return reconcile.Result{}, nil
}

// forWrite returns a copy of a cached Website to change and send.
func forWrite(w *Website) *Website {
	next := w.DeepCopy()
	next.APIVersion, next.Kind = WebsiteResource.GroupVersion(), WebsiteResource.Kind
	return next
}

// finalize runs before a Website goes: its registry key is removed, then
// the finalizer. Its Deployment and Service are the garbage collector's:
// they are controlled by the Website and go with it (unless the Website
// is deleted with propagation Orphan, which the operator respects).
func (r *reconciler) finalize(ctx context.Context, w *Website) (reconcile.Result, error) {
	if !slices.Contains(w.Finalizers, finalizer) {
		return reconcile.Result{}, nil
	}
	req := reconcile.Request{Namespace: w.Namespace, Name: w.Name}
	changed, err := r.setRegistryKey(ctx, req, "")
	if err != nil {
		return reconcile.Result{}, err
	}
	if changed {
		r.events.Eventf(w, nil, events.Normal, "Unregistered", "Unregister", "removed key %s from ConfigMap %s/%s", registryKey(req), operatorNS, registryName)
	}
	next := forWrite(w)
	next.Finalizers = slices.DeleteFunc(next.Finalizers, func(f string) bool { return f == finalizer })
	_, err = r.websites.InNamespace(w.Namespace).Update(ctx, next, metav1.UpdateOptions{FieldManager: managerName})
	switch {
	case rest.IsConflict(err):
		return reconcile.Result{Requeue: true}, nil
	case rest.IsNotFound(err):
		return reconcile.Result{}, nil
	}
	return reconcile.Result{}, err
}

// registryKey is a Website's key in the registry: NAMESPACE.NAME (a
// namespace has no dots, so the first one separates).
func registryKey(req reconcile.Request) string { return req.Namespace + "." + req.Name }

// registryRequests maps a change of the registry to the Websites it
// concerns: the keys whose Website is gone, and the Websites whose key is
// missing. It reads the registry from the cache, which holds the change
// already: a deleted registry (changed is its last state) has no keys.
func (r *reconciler) registryRequests(changed *corev1.ConfigMap) []reconcile.Request {
	var data map[string]string
	if cm, ok := r.registry.Lister().Get(changed.Namespace, changed.Name); ok {
		data = cm.Data
	}
	var out []reconcile.Request
	for key := range data {
		if ns, name, ok := strings.Cut(key, "."); ok {
			if _, exists := r.web.Lister().Get(ns, name); !exists {
				out = append(out, reconcile.Request{Namespace: ns, Name: name})
			}
		}
	}
	all, _ := r.web.Lister().List("", "")
	for _, w := range all {
		req := reconcile.Request{Namespace: w.Namespace, Name: w.Name}
		if data[registryKey(req)] != w.UID {
			out = append(out, req)
		}
	}
	return out
}

// setRegistryKey sets req's key in the registry to uid, or removes it
// when uid is "", creating the registry when missing; it reports whether
// it changed anything.
func (r *reconciler) setRegistryKey(ctx context.Context, req reconcile.Request, uid string) (changed bool, err error) {
	key := registryKey(req)
	cached, ok := r.registry.Lister().Get(operatorNS, registryName)
	if ok && cached.Data[key] == uid || !ok && uid == "" {
		return false, nil // nothing to do, as far as the cache knows
	}
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](r.rc, operatorNS)
	var rv string
	err = rest.RetryOnConflict(ctx, wait.DefaultRetry, func() error {
		changed = false
		cm, err := cms.Get(ctx, registryName, metav1.GetOptions{})
		if rest.IsNotFound(err) {
			if uid == "" {
				return nil
			}
			cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: registryName, Labels: map[string]string{managedBy: managerName}},
				Data: map[string]string{key: uid}}
			created, err := cms.Create(ctx, cm, metav1.CreateOptions{FieldManager: managerName})
			if err == nil {
				changed, rv = true, created.ResourceVersion
			}
			return err
		}
		if err != nil {
			return err
		}
		if cm.Data[key] == uid {
			return nil
		}
		if uid == "" {
			delete(cm.Data, key)
		} else {
			if cm.Data == nil {
				cm.Data = map[string]string{}
			}
			cm.Data[key] = uid
		}
		updated, err := cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: managerName})
		if err == nil {
			changed, rv = true, updated.ResourceVersion
		}
		return err
	})
	if err != nil || !changed {
		return changed, err
	}
	// Read your write: the next reconcile sees the key in the cache.
	return true, r.registry.WaitForResourceVersion(ctx, rv)
}

// objectLabels are the labels of a Website's Deployment, Service and pods.
func objectLabels(w *Website) map[string]string {
	return map[string]string{nameLabel: w.Name, managedBy: managerName}
}

func replicasOf(w *Website) int32 {
	if w.Spec.Replicas == nil {
		return 1
	}
	return *w.Spec.Replicas
}

// syncDeployment creates the Website's Deployment, or updates its
// replicas and image when they differ from the Website's.
func (r *reconciler) syncDeployment(ctx context.Context, w *Website) error {
	deps := typed.For[appsv1.Deployment, appsv1.DeploymentList](r.rc, w.Namespace)
	cur, ok := r.deps.Lister().Get(w.Namespace, w.Name)
	if !ok {
		d := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: objectLabels(w)},
			Spec: appsv1.DeploymentSpec{
				Replicas: new(replicasOf(w)),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{nameLabel: w.Name}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: objectLabels(w)},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{
						Name: "web", Image: w.Spec.Image,
						Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 80, Protocol: corev1.ProtocolTCP}},
					}}},
				},
			},
		}
		if err := metav1.SetControllerReference(w, d); err != nil {
			return err
		}
		created, err := deps.Create(ctx, d, metav1.CreateOptions{FieldManager: managerName})
		if rest.IsAlreadyExists(err) {
			// Not in the cache, which holds the operator's own only.
			return &nameTakenError{kind: "Deployment", name: w.Name}
		}
		if err != nil {
			return err
		}
		r.events.Eventf(w, created, events.Normal, "Created", "Create", "created Deployment %s: %d replicas of %s", w.Name, replicasOf(w), w.Spec.Image)
		return r.deps.WaitForResourceVersion(ctx, created.ResourceVersion)
	}
	if !metav1.IsControlledBy(cur, w) {
		return &nameTakenError{kind: "Deployment", name: w.Name}
	}
	next := cur.DeepCopy()
	var changes []string
	if next.Spec.Replicas == nil || *next.Spec.Replicas != replicasOf(w) {
		changes = append(changes, fmt.Sprintf("replicas %d", replicasOf(w)))
		next.Spec.Replicas = new(replicasOf(w))
	}
	cs := next.Spec.Template.Spec.Containers
	i := slices.IndexFunc(cs, func(c corev1.Container) bool { return c.Name == "web" })
	switch {
	case i < 0:
		changes = append(changes, "image "+w.Spec.Image)
		next.Spec.Template.Spec.Containers = append(cs, corev1.Container{Name: "web", Image: w.Spec.Image})
	case cs[i].Image != w.Spec.Image:
		changes = append(changes, "image "+w.Spec.Image)
		cs[i].Image = w.Spec.Image
	}
	if len(changes) == 0 {
		return nil
	}
	updated, err := deps.Update(ctx, next, metav1.UpdateOptions{FieldManager: managerName})
	if err != nil {
		return err // a Conflict is retried: the cache is behind
	}
	r.events.Eventf(w, updated, events.Normal, "Updated", "Update", "updated Deployment %s: %s", w.Name, strings.Join(changes, ", "))
	return r.deps.WaitForResourceVersion(ctx, updated.ResourceVersion)
}

// wantPorts are the ports of a Website's Service.
func wantPorts() []corev1.ServicePort {
	return []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: metav1.FromString("http"), Protocol: corev1.ProtocolTCP}}
}

func portsMatch(have []corev1.ServicePort) bool {
	want := wantPorts()
	if len(have) != len(want) {
		return false
	}
	for i := range want {
		if have[i].Name != want[i].Name || have[i].Port != want[i].Port || have[i].TargetPort != want[i].TargetPort || have[i].Protocol != want[i].Protocol {
			return false
		}
	}
	return true
}

// syncService creates the Website's Service, or sets its selector and
// ports back when they were changed.
func (r *reconciler) syncService(ctx context.Context, w *Website) error {
	svcs := typed.For[corev1.Service, corev1.ServiceList](r.rc, w.Namespace)
	selector := map[string]string{nameLabel: w.Name}
	cur, ok := r.svcs.Lister().Get(w.Namespace, w.Name)
	if !ok {
		s := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: objectLabels(w)},
			Spec:       corev1.ServiceSpec{Selector: selector, Ports: wantPorts()},
		}
		if err := metav1.SetControllerReference(w, s); err != nil {
			return err
		}
		created, err := svcs.Create(ctx, s, metav1.CreateOptions{FieldManager: managerName})
		if rest.IsAlreadyExists(err) {
			return &nameTakenError{kind: "Service", name: w.Name}
		}
		if err != nil {
			return err
		}
		r.events.Eventf(w, created, events.Normal, "Created", "Create", "created Service %s", w.Name)
		return r.svcs.WaitForResourceVersion(ctx, created.ResourceVersion)
	}
	if !metav1.IsControlledBy(cur, w) {
		return &nameTakenError{kind: "Service", name: w.Name}
	}
	if maps.Equal(cur.Spec.Selector, selector) && portsMatch(cur.Spec.Ports) {
		return nil
	}
	next := cur.DeepCopy()
	next.Spec.Selector, next.Spec.Ports = selector, wantPorts()
	updated, err := svcs.Update(ctx, next, metav1.UpdateOptions{FieldManager: managerName})
	if err != nil {
		return err
	}
	r.events.Eventf(w, updated, events.Normal, "Updated", "Update", "set Service %s's selector and ports back", w.Name)
	return r.svcs.WaitForResourceVersion(ctx, updated.ResourceVersion)
}

// setStatus writes cond and the observed generation into the Website's
// status when they differ from what it has, and reports whether it did.
func (r *reconciler) setStatus(ctx context.Context, w *Website, cond metav1.Condition) (bool, error) {
	next := forWrite(w)
	changed := metav1.SetStatusCondition(&next.Status.Conditions, cond)
	if next.Status.ObservedGeneration != w.Generation {
		next.Status.ObservedGeneration, changed = w.Generation, true
	}
	if !changed {
		return false, nil
	}
	updated, err := r.websites.InNamespace(w.Namespace).UpdateStatus(ctx, next, metav1.UpdateOptions{FieldManager: managerName})
	if err != nil {
		return false, err
	}
	return true, r.web.WaitForResourceVersion(ctx, updated.ResourceVersion)
}
