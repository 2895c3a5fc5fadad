package dynamic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/rest"
)

// Action is what applying one object did.
type Action string

// The actions Apply reports.
const (
	// Created: the object did not exist.
	Created Action = "created"
	// Configured: the object existed and changed.
	Configured Action = "configured"
	// Unchanged: the object existed and applying it changed nothing (its
	// resourceVersion stayed the same).
	Unchanged Action = "unchanged"
)

// ApplyResult is the outcome of applying one object.
type ApplyResult struct {
	// Resource is the object's resource.
	Resource discovery.Resource
	// Object is the object as the server returned it.
	Object Object
	Action Action
}

// String prints the result the way kubectl apply --server-side does:
// "deployment.apps/web serverside-applied" (created or configured) or
// "namespace/demo unchanged".
func (r ApplyResult) String() string {
	verb := "serverside-applied"
	if r.Action == Unchanged {
		verb = "unchanged"
	}
	return r.Name() + " " + verb
}

// Name returns kubectl's "kind.group/name" spelling of the object,
// lower-case ("deployment.apps/web", "namespace/demo").
func (r ApplyResult) Name() string {
	k := strings.ToLower(r.Resource.Kind)
	if r.Resource.Group != "" {
		k += "." + r.Resource.Group
	}
	return k + "/" + r.Object.GetName()
}

// Applier applies sets of manifests with server-side apply. It is safe
// for concurrent use and does not change after NewApplier.
type Applier struct {
	rc           *rest.Client
	dc           *discovery.Client
	fieldManager string
	force        bool
	namespace    string
	validation   string
	stopOnError  bool
	pollInterval time.Duration
}

// ApplierOption configures an Applier built by NewApplier.
type ApplierOption func(*Applier)

// WithForce takes ownership of fields other managers own (kubectl's
// --force-conflicts).
func WithForce() ApplierOption { return func(a *Applier) { a.force = true } }

// WithNamespace sets the namespace of namespaced objects without one;
// without it they go to "default".
func WithNamespace(ns string) ApplierOption { return func(a *Applier) { a.namespace = ns } }

// WithFieldValidation sets what the server does with unknown or duplicate
// fields: metav1.FieldValidationStrict (fail the object, the default, as
// kubectl apply --server-side sends), FieldValidationWarn or
// FieldValidationIgnore.
func WithFieldValidation(v string) ApplierOption { return func(a *Applier) { a.validation = v } }

// WithStopOnError stops at the first object that fails to apply; without
// it the applier goes on, as kubectl does, and reports every failure.
func WithStopOnError() ApplierOption { return func(a *Applier) { a.stopOnError = true } }

// WithPollInterval sets how often Apply checks that a CRD is established
// and discovered; without it, or for d <= 0, 250ms.
func WithPollInterval(d time.Duration) ApplierOption { return func(a *Applier) { a.pollInterval = d } }

// NewApplier returns an Applier that sends through rc, resolves kinds
// through dc and names itself fieldManager in managedFields (required:
// Apply fails without it).
func NewApplier(rc *rest.Client, dc *discovery.Client, fieldManager string, opts ...ApplierOption) *Applier {
	a := &Applier{rc: rc, dc: dc, fieldManager: fieldManager}
	for _, o := range opts {
		if o != nil {
			o(a)
		}
	}
	return a
}

// ApplyError reports one object that failed to apply.
type ApplyError struct {
	// Object is "kind/name" as given in the manifest.
	Object string
	// Source is the file the object was read from, "" when unknown (objects
	// passed to Apply rather than ApplyManifests).
	Source string
	Err    error
}

// Error returns the error's message.
func (e *ApplyError) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("applying %s from %q: %v", e.Object, e.Source, e.Err)
	}
	return "applying " + e.Object + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ApplyError) Unwrap() error { return e.Err }

// ApplyErrors lists every object that failed to apply, in the order they
// were applied. errors.As finds each *ApplyError in it.
type ApplyErrors struct {
	Errors []*ApplyError
}

// Error returns the errors' messages, one a line.
func (e *ApplyErrors) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, x := range e.Errors {
		msgs[i] = x.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the errors.
func (e *ApplyErrors) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, x := range e.Errors {
		out[i] = x
	}
	return out
}

// applyTier orders objects: namespaces, then CRDs, then everything else.
func applyTier(o Object) int {
	switch {
	case o.GetKind() == "Namespace" && o.GetAPIVersion() == "v1":
		return 0
	case o.GetKind() == "CustomResourceDefinition" && o.Group() == "apiextensions.k8s.io":
		return 1
	}
	return 2
}

// Order returns objs in the order Apply applies them: namespaces, then
// CustomResourceDefinitions, then everything else, each in its input
// order.
func Order(objs []Object) []Object {
	out := make([]Object, 0, len(objs))
	for _, m := range orderManifests(manifestsOf(objs)) {
		out = append(out, m.Object)
	}
	return out
}

func orderManifests(ms []Manifest) []Manifest {
	out := make([]Manifest, 0, len(ms))
	for tier := 0; tier <= 2; tier++ {
		for _, m := range ms {
			if applyTier(m.Object) == tier {
				out = append(out, m)
			}
		}
	}
	return out
}

func manifestsOf(objs []Object) []Manifest {
	ms := make([]Manifest, len(objs))
	for i, o := range objs {
		ms[i] = Manifest{Object: o, Index: i}
	}
	return ms
}

// Apply applies objs as ApplyManifests does, with no source file to name in
// errors.
func (a *Applier) Apply(ctx context.Context, objs []Object) ([]ApplyResult, error) {
	return a.ApplyManifests(ctx, manifestsOf(objs))
}

// ApplyManifests applies the objects of ms with server-side apply in
// dependency order (see Order). After the CRDs it waits, until ctx ends,
// for each to be Established and for discovery to serve its kinds before
// applying custom resources. An object that fails does not stop the
// others, as with kubectl apply: the results are those of the objects
// applied, and the error an *ApplyErrors naming every object that failed
// (and its file). With StopOnError it stops at the first failure, and
// *ApplyErrors holds that one. When ctx ends it stops. An Applier without
// a FieldManager is a *rest.ConfigError.
func (a *Applier) ApplyManifests(ctx context.Context, ms []Manifest) ([]ApplyResult, error) {
	if a.fieldManager == "" {
		return nil, &rest.ConfigError{Field: "NewApplier.fieldManager", Reason: "a field manager is required"}
	}
	var results []ApplyResult
	var errs []*ApplyError
	// fail records an error and reports whether to stop.
	fail := func(e *ApplyError) bool {
		errs = append(errs, e)
		return a.stopOnError || ctx.Err() != nil
	}
	crdsDone := false
	stopped := false
	for _, m := range orderManifests(ms) {
		if applyTier(m.Object) == 2 && !crdsDone {
			crdsDone = true
			if stopped = a.waitForCRDs(ctx, results, ms, fail); stopped {
				break
			}
		}
		r, err := a.applyOne(ctx, m.Object)
		if err != nil {
			if stopped = fail(&ApplyError{Object: m.Object.GetKind() + "/" + m.Object.GetName(), Source: m.Source, Err: err}); stopped {
				break
			}
			continue
		}
		results = append(results, r)
	}
	if !crdsDone && !stopped {
		a.waitForCRDs(ctx, results, ms, fail)
	}
	if len(errs) > 0 {
		return results, &ApplyErrors{Errors: errs}
	}
	return results, nil
}

func (a *Applier) applyOne(ctx context.Context, o Object) (ApplyResult, error) {
	// The kind is mapped first, as kubectl does: a config-file kind the
	// server does not serve (AdmissionConfiguration) has no metadata, and
	// "no kind is served" names the cause.
	res, err := a.dc.ResourceForKind(ctx, o.GetAPIVersion(), o.GetKind())
	if err != nil {
		return ApplyResult{}, err
	}
	if o.GetName() == "" {
		return ApplyResult{}, errors.New("metadata.name is required for apply")
	}
	ns := ""
	body := o.DeepCopy()
	if res.Namespaced {
		ns = o.GetNamespace()
		if ns == "" {
			ns = a.namespace
		}
		if ns == "" {
			ns = "default"
		}
		body.SetNamespace(ns)
	} else {
		body.SetNamespace("")
	}
	c := New(a.rc, res.Typed(), ns)
	before := ""
	cur, err := c.Get(ctx, o.GetName(), metav1.GetOptions{})
	switch {
	case err == nil:
		before = cur.GetResourceVersion()
	case !rest.IsNotFound(err):
		return ApplyResult{}, err
	}
	out, err := c.Apply(ctx, o.GetName(), body, metav1.ApplyOptions{FieldManager: a.fieldManager, Force: a.force, FieldValidation: a.fieldValidation()})
	if err != nil {
		return ApplyResult{}, err
	}
	r := ApplyResult{Resource: res, Object: *out, Action: Configured}
	switch {
	case before == "":
		r.Action = Created
	case before == out.GetResourceVersion():
		r.Action = Unchanged
	}
	return r, nil
}

// fieldValidation returns the fieldValidation parameter applies send.
func (a *Applier) fieldValidation() string {
	if a.validation == "" {
		return metav1.FieldValidationStrict
	}
	return a.validation
}

// waitForCRDs waits for every CRD among results to be Established and its
// kind to be discovered, passing each failure to fail; it reports whether
// fail asked to stop.
func (a *Applier) waitForCRDs(ctx context.Context, results []ApplyResult, ms []Manifest, fail func(*ApplyError) bool) bool {
	interval := a.pollInterval
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	for _, r := range results {
		if applyTier(r.Object) != 1 {
			continue
		}
		if err := a.waitForCRD(ctx, r, interval); err != nil {
			e := &ApplyError{Object: "CustomResourceDefinition/" + r.Object.GetName(), Source: crdSource(ms, r.Object.GetName()), Err: err}
			if fail(e) {
				return true
			}
		}
	}
	return false
}

// crdSource returns the file of the CRD named name among ms.
func crdSource(ms []Manifest, name string) string {
	for _, m := range ms {
		if applyTier(m.Object) == 1 && m.Object.GetName() == name {
			return m.Source
		}
	}
	return ""
}

func (a *Applier) waitForCRD(ctx context.Context, r ApplyResult, interval time.Duration) error {
	c := New(a.rc, r.Resource.Typed(), "")
	group, _, _ := r.Object.NestedString("spec", "group")
	kind, _, _ := r.Object.NestedString("spec", "names", "kind")
	versions, _, _ := r.Object.nestedSlice("spec", "versions")
	var served []string
	for _, v := range versions {
		m, _ := v.(map[string]any)
		if s, _ := m["served"].(bool); s {
			if name, _ := m["name"].(string); name != "" {
				served = append(served, name)
			}
		}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ok, err := a.crdReady(ctx, c, r.Object.GetName(), group, kind, served)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the CRD to be established and discovered: %w", ctx.Err())
		case <-t.C:
		}
	}
}

func (a *Applier) crdReady(ctx context.Context, c *Client, name, group, kind string, served []string) (bool, error) {
	crd, err := c.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err
	}
	if !conditionTrue(*crd, "Established") {
		return false, nil
	}
	for _, v := range served {
		_, err := a.dc.ResourceForKind(ctx, group+"/"+v, kind)
		var nf *discovery.NotFoundError
		if errors.As(err, &nf) {
			return false, nil
		}
		if err != nil {
			var pe *discovery.PartialError
			if errors.As(err, &pe) {
				return false, nil
			}
			return false, err
		}
	}
	return true, nil
}

// conditionTrue reports whether status.conditions has type typ with status
// "True".
func conditionTrue(o Object, typ string) bool {
	conds, _, _ := o.nestedSlice("status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}
