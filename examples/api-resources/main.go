// Command api-resources prints the resources the server serves, as
// `kubectl api-resources` does: the same columns (NAME, SHORTNAMES,
// APIVERSION, NAMESPACED, KIND), the same rows (each resource once, in its
// preferred version, subresources and resources without verbs left out)
// and the same order (by group, then name).
//
// Usage:
//
//	api-resources [-kubeconfig FILE] [-cached] [-cache-dir DIR]
//
// It takes kubectl's connection flags (-context, -cluster, -user, -server).
// Like kubectl, it asks the server afresh and stores the answer in DIR
// (default ~/.kube/cache/discovery); -cached answers from that cache when
// the server's group list has not changed since, and -cache-dir "" turns
// the disk cache off. When some API groups cannot be discovered,
// the others are printed and the failure is reported on stderr, exit
// status 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/discovery"
	"github.com/kubewire/kubewire/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("api-resources", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	cacheDir := fs.String("cache-dir", discovery.DefaultCacheDir(), "discovery cache directory (\"\" for none)")
	cached := fs.Bool("cached", false, "use the cached list of resources if the server's group list is unchanged")
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
	rc, err := rest.New(cfg, rest.WithRateLimit(50, 300))
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	var dopts []discovery.Option
	if *cacheDir != "" {
		dopts = append(dopts, discovery.WithDiskCache(*cacheDir, 0))
	}
	dc, err := discovery.New(rc, dopts...)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if !*cached {
		dc.Invalidate() // as kubectl: refresh, then store
	}
	res, err := dc.ServerResources(ctx)
	if res == nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if werr := print(stdout, res); werr != nil {
		fmt.Fprintf(stderr, "error: %v\n", werr)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

// print writes the table as kubectl's tab writer does (minimum cell width
// 6, padding 3 spaces).
func print(out io.Writer, res *discovery.Resources) error {
	w := tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)
	fmt.Fprintln(w, "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND")
	for _, r := range res.Preferred() {
		if len(r.Verbs) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\n", r.Name, strings.Join(r.ShortNames, ","), r.GroupVersion(), r.Namespaced, r.Kind)
	}
	return w.Flush()
}
