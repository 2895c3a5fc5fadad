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
// "Error from server (REASON): MESSAGE", and the exit status is 1. So is an
// answer that is not JSON (a proxy's HTML login page, /healthz's "ok", a
// truncated or malformed body): it is not printed, and the message says
// what came instead.
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
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kubewire/kubewire/api/metav1"
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
	res := c.Get().AbsPath(u.Path).Params(u.Query()).Do(ctx)
	var body metav1.RawJSON
	if err := res.Into(&body); err != nil {
		var de *rest.DecodeError
		if errors.As(err, &de) {
			raw, _ := res.Raw()
			return notJSON(u.Path, de, raw)
		}
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		return notJSON(u.Path, &rest.DecodeError{Err: err}, body)
	}
	if out.Len() > 0 && out.Bytes()[out.Len()-1] != '\n' {
		out.WriteByte('\n')
	}
	_, err = w.Write(out.Bytes())
	return err
}

// shown is how much of a body that is not JSON the error quotes.
const shown = 200

// notJSON says what the server sent instead of JSON: its content type and
// the start of the body, or, for a body that claims to be JSON and is not,
// the size and the decoder's complaint (the body itself is not quoted: it
// might hold a Secret's data).
func notJSON(path string, de *rest.DecodeError, body []byte) error {
	if de.Err == nil {
		return fmt.Errorf("GET %s: the server answered with content type %q, not JSON (%d bytes): %s",
			path, de.ContentType, len(body), excerpt(body))
	}
	cause := de.Err.Error()
	if len(cause) > shown {
		cause = cause[:shown] + " ..."
	}
	return fmt.Errorf("GET %s: the server answered with malformed JSON (%d bytes): %s", path, len(body), cause)
}

// excerpt returns the start of b as one line of printable text.
func excerpt(b []byte) string {
	cut := len(b) > shown
	if cut {
		b = b[:shown]
	}
	s := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), " "))
	if cut {
		s += " ..."
	}
	return strings.TrimSpace(s)
}
