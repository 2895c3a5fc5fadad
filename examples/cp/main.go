// Command cp copies files and directory trees to and from a container, as
// `kubectl cp` does.
//
// Usage:
//
//	cp [-kubeconfig FILE] [-n NAMESPACE] [-c CONTAINER] SRC DST
//
// One of SRC and DST names a pod path, as [NAMESPACE/]POD:PATH; the other
// is a local path. It takes kubectl's connection flags too and resolves
// the configuration as kubectl does.
//
// Like kubectl cp it runs tar in the container: copying into a pod, the
// source lands at PATH, or inside PATH when that is a directory; copying
// out, the local destination becomes the copy of PATH, and symbolic links
// are skipped with kubectl's warnings on stderr. As kubectl does, it
// prints the remote tar's messages of a copy out of the pod (such as
// "Removing leading `/' from member names") on stdout. When the remote
// tar fails, a copy into the pod prints "command terminated with exit code
// N" and exits with N, as kubectl does; a copy out of the pod exits with
// 0 once the archive has been extracted, as kubectl 1.32 does (it stops
// reading at the archive's end, which GNU tar writes even for a missing
// path, and exits before the exit status arrives); the tar's messages are
// on stdout. Unlike kubectl cp it keeps file modes on the way out,
// refuses archive entries that would leave the destination (kubectl skips
// them with a warning), and works with servers that only speak
// v4.channel.k8s.io. Other errors print kubectl's messages and exit with
// 1.
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

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// fileSpec is one side of the copy.
type fileSpec struct {
	namespace, pod, path string
}

var errFileSpec = errors.New("filespec must match the canonical format: [[namespace/]pod:]file/path")

// parseSpec reads [[NAMESPACE/]POD:]PATH as kubectl does.
func parseSpec(arg string) (fileSpec, error) {
	i := strings.Index(arg, ":")
	switch {
	case i == 0:
		return fileSpec{}, errFileSpec
	case i < 0:
		return fileSpec{path: arg}, nil
	}
	pod, file := arg[:i], arg[i+1:]
	for len(file) > 1 && strings.HasSuffix(file, "/") {
		file = file[:len(file)-1]
	}
	switch pieces := strings.Split(pod, "/"); len(pieces) {
	case 1:
		return fileSpec{pod: pieces[0], path: file}, nil
	case 2:
		return fileSpec{namespace: pieces[0], pod: pieces[1], path: file}, nil
	}
	return fileSpec{}, errFileSpec
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	fs.StringVar(&opts.Namespace, "n", "", "the namespace (short for -namespace)")
	container := fs.String("c", "", "the container (default: the pod's only one)")
	fs.StringVar(container, "container", "", "the container")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cp [-kubeconfig FILE] [-n NAMESPACE] [-c CONTAINER] SRC DST")
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 1
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 2 {
		return errorf(stderr, "source and destination are required")
	}
	src, err := parseSpec(pos[0])
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	dst, err := parseSpec(pos[1])
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	switch {
	case src.pod != "" && dst.pod != "":
		return errorf(stderr, "one of src or dest must be a local file specification")
	case src.path == "" || dst.path == "":
		return errorf(stderr, "filepath can not be empty")
	case src.pod == "" && dst.pod == "":
		return errorf(stderr, "one of src or dest must be a remote file specification")
	}

	cfg, err := config.Load(opts)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	c, err := rest.New(cfg)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	co := podstream.CopyOptions{Container: *container}
	if src.pod != "" {
		co.Stderr = stdout // kubectl prints the remote tar's stderr there
		ns := nsOr(src.namespace, cfg.Namespace)
		first := true
		co.SkippedSymlink = func(local, target string) {
			if first {
				// kubectl's advice names kubectl.
				fmt.Fprintf(stderr, "warning: skipping symlink: %q -> %q (consider using \"kubectl exec -n %q %q -- tar cf - %q | tar xf -\")\n",
					local, target, ns, src.pod, src.path)
				first = false
				return
			}
			fmt.Fprintf(stderr, "warning: skipping symlink: %q -> %q\n", local, target)
		}
		err = podstream.CopyFromPod(ctx, c, ns, src.pod, src.path, dst.path, co)
	} else {
		co.Stderr = stderr
		err = podstream.CopyToPod(ctx, c, nsOr(dst.namespace, cfg.Namespace), dst.pod, src.path, dst.path, co)
	}
	if err != nil {
		var exit *podstream.ExitError
		switch {
		case errors.As(err, &exit) && src.pod != "":
			// The remote tar failed after the archive was extracted
			// (GNU tar ends its archive even when a path is missing).
			// kubectl 1.32 stops at the archive's end and exits 0
			// before the exit status arrives; so does this program.
			return 0
		case errors.As(err, &exit):
			fmt.Fprintln(stderr, exit.Error()) // kubectl's words, without "error: "
			return exit.Code
		}
		var se *rest.StatusError
		var stream *podstream.StreamError
		if errors.As(err, &se) && !errors.As(err, &stream) {
			if reason := rest.ReasonForError(err); reason != "" {
				fmt.Fprintf(stderr, "Error from server (%s): %s\n", reason, se.Error())
				return 1
			}
		}
		return errorf(stderr, "%v", err)
	}
	return 0
}

func nsOr(ns, def string) string {
	if ns != "" {
		return ns
	}
	return def
}

func errorf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "error: "+format+"\n", args...)
	return 1
}
