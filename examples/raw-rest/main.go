// Command raw-rest is `curl $server/api/` done through kubewire: it resolves
// the client configuration the way kubectl does (--kubeconfig, $KUBECONFIG,
// ~/.kube/config, or the in-cluster service account), GETs one path, and
// prints the JSON response indented.
//
// Usage:
//
//	raw-rest [-kubeconfig FILE] [PATH]
//
// It also takes kubectl's other connection flags: -context, -cluster,
// -user, -namespace and -server.
//
// PATH defaults to /api and may carry a query ("/api/v1/namespaces?limit=1").
// An error from the server is printed as kubectl prints it,
// "Error from server (REASON): MESSAGE", and the exit status is 1.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("raw-rest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: raw-rest [-kubeconfig FILE] [-context NAME] [-server URL] ... [PATH]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	path := "/api"
	if fs.NArg() == 1 {
		path = fs.Arg(0)
	}

	if err := get(ctx, opts, path, stdout); err != nil {
		var se *rest.StatusError
		if errors.As(err, &se) {
			if reason := rest.ReasonForError(err); reason != "" {
				fmt.Fprintf(stderr, "Error from server (%s): %s\n", reason, se.Error())
			} else {
				fmt.Fprintf(stderr, "Error from server: %s\n", se.Error())
			}
		} else {
			fmt.Fprintf(stderr, "error: %v\n", err)
		}
		return 1
	}
	return 0
}

// get GETs path with the configuration opts resolves and writes the
// response, indented, to w.
func get(ctx context.Context, opts config.Options, path string, w io.Writer) error {
	u, err := url.Parse(path)
	if err != nil || u.Path == "" || u.Path[0] != '/' || u.Host != "" {
		return fmt.Errorf("PATH must be an absolute path on the server, like /api: %q", path)
	}
	cfg, err := config.Load(opts)
	if err != nil {
		return err
	}
	c, err := rest.New(cfg)
	if err != nil {
		return err
	}
	body, err := c.Get().AbsPath(u.Path).Params(u.Query()).Do(ctx).Raw()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		// Not JSON (for example /healthz's "ok"): print it as it came.
		out.Reset()
		out.Write(body)
	}
	if out.Len() > 0 && out.Bytes()[out.Len()-1] != '\n' {
		out.WriteByte('\n')
	}
	_, err = w.Write(out.Bytes())
	return err
}
