// Command apply applies a file or a directory of manifests with
// server-side apply, like `kubectl apply --server-side -f PATH`:
// namespaces first, then CustomResourceDefinitions (waiting until they are
// established and discovered), then everything else. It prints one line
// per object as kubectl does:
//
//	namespace/demo serverside-applied
//	deployment.apps/web unchanged
//
// Usage:
//
//	apply [-kubeconfig FILE] [-field-manager NAME] [-force-conflicts] [-stop-on-error] [-R] -f PATH
//
// An object that fails is reported on stderr, one line each, and the others
// are still applied (as kubectl does) unless -stop-on-error is given; the
// exit code is then 1. Applies are sent with fieldValidation=Strict.
//
// It takes kubectl's connection flags too (-context, -cluster, -user,
// -namespace, -server); -namespace is the namespace of namespaced objects
// that name none.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/dynamic"
	"github.com/kubewire/kubewire/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	path := fs.String("f", "", "file or directory of manifests (required)")
	recursive := fs.Bool("R", false, "read subdirectories too")
	manager := fs.String("field-manager", "kubectl", "field manager name")
	force := fs.Bool("force-conflicts", false, "take ownership of fields other managers own")
	stop := fs.Bool("stop-on-error", false, "stop at the first object that fails (by default every object is applied and every failure reported)")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long to wait for CRDs to be established")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: apply [flags] -f PATH")
		return 2
	}
	manifests, err := dynamic.ReadManifestSources(*path, *recursive)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	cfg, err := config.Load(opts)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	rc, err := rest.New(cfg, rest.WithRateLimit(50, 100))
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	dc, err := discovery.New(rc)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	aopts := []dynamic.ApplierOption{dynamic.WithNamespace(cfg.Namespace)}
	if *force {
		aopts = append(aopts, dynamic.WithForce())
	}
	if *stop {
		aopts = append(aopts, dynamic.WithStopOnError())
	}
	a := dynamic.NewApplier(rc, dc, *manager, aopts...)
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	results, err := a.ApplyManifests(ctx, manifests)
	for _, r := range results {
		fmt.Fprintln(stdout, r)
	}
	if err == nil {
		return 0
	}
	var errs *dynamic.ApplyErrors
	if !errors.As(err, &errs) {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	for _, e := range errs.Errors {
		var se *rest.StatusError
		if errors.As(e, &se) && rest.ReasonForError(e) != "" {
			fmt.Fprintf(stderr, "Error from server (%s): %v\n", rest.ReasonForError(e), e)
		} else {
			fmt.Fprintf(stderr, "error: %v\n", e)
		}
	}
	return 1
}
