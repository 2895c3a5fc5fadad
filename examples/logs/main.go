// Command logs prints the log of a container, as `kubectl logs` does.
//
// Usage:
//
//	logs [-kubeconfig FILE] [-n NAMESPACE] [-c CONTAINER] [-f] [--tail N] [--limit-bytes N]
//	     [--since DURATION | --since-time RFC3339] [--timestamps] [--previous] POD [CONTAINER]
//
// It takes kubectl's connection flags too and resolves the configuration
// as kubectl does; flags may come before or after POD. As kubectl does, it
// reads the pod first and picks the container the same way (saying so on
// stderr when it defaulted among several); --tail -1 means the whole log,
// --limit-bytes 0 no limit, and --since is rounded to a whole second. With
// -f it follows the log until the container stops; no client timeout cuts
// the stream. Errors print kubectl's messages and exit with 1.
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
	"time"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	fs.StringVar(&opts.Namespace, "n", "", "the namespace (short for -namespace)")
	container := fs.String("c", "", "the container")
	fs.StringVar(container, "container", "", "the container")
	follow := fs.Bool("f", false, "follow the log")
	fs.BoolVar(follow, "follow", false, "follow the log")
	tail := fs.Int64("tail", -1, "lines of recent log to show; -1 shows all")
	limit := fs.Int64("limit-bytes", 0, "maximum bytes of log to return; 0 means no limit")
	since := fs.Duration("since", 0, "only lines newer than this duration (5s, 2m, 3h)")
	sinceTime := fs.String("since-time", "", "only lines after this RFC 3339 time")
	stamps := fs.Bool("timestamps", false, "prefix each line with its timestamp")
	previous := fs.Bool("previous", false, "the previous, terminated instance of the container")
	fs.BoolVar(previous, "p", false, "short for -previous")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: logs [-kubeconfig FILE] [-n NAMESPACE] [-c CONTAINER] [-f] [--tail N] [--limit-bytes N] [--since DURATION] [--timestamps] [--previous] POD [CONTAINER]")
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	if len(pos) == 0 || len(pos) > 2 {
		fmt.Fprintln(stderr, "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.")
		return 1
	}
	if len(pos) == 2 {
		if *container != "" {
			fmt.Fprintln(stderr, "error: only one of -c or an inline [CONTAINER] arg is allowed")
			return 1
		}
		*container = pos[1]
	}
	lo := podstream.LogOptions{Follow: *follow, Previous: *previous, Timestamps: *stamps, LimitBytes: *limit}
	switch {
	case *sinceTime != "" && *since != 0:
		return errorf(stderr, "at most one of `sinceTime` or `sinceSeconds` may be specified")
	case *limit < 0:
		return errorf(stderr, "--limit-bytes must be greater than 0")
	case *since < 0:
		return errorf(stderr, "--since must be greater than 0")
	case *tail < -1:
		return errorf(stderr, "--tail must be greater than or equal to -1")
	}
	if *since != 0 {
		lo.Since = since.Round(time.Second)
	}
	if *sinceTime != "" {
		if lo.SinceTime, err = time.Parse(time.RFC3339, *sinceTime); err != nil {
			return errorf(stderr, "%v", err)
		}
	}
	if *tail != -1 {
		lo.TailLines = tail
	}

	cfg, err := config.Load(opts)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	c, err := rest.New(cfg)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	podName := strings.TrimPrefix(strings.TrimPrefix(pos[0], "pod/"), "pods/")
	pod, err := typed.For[corev1.Pod, corev1.PodList](c, cfg.Namespace).Get(ctx, podName, metav1.GetOptions{})
	if rest.IsNotFound(err) {
		return errorf(stderr, "error from server (NotFound): %v in namespace %q", err, cfg.Namespace)
	}
	if err != nil {
		return fail(stderr, err)
	}
	if lo.Container, err = pickContainer(pod, *container, stderr); err != nil {
		return errorf(stderr, "%v", err)
	}
	rc, err := podstream.Logs(ctx, c, pod.Namespace, pod.Name, lo)
	if err != nil {
		return fail(stderr, err)
	}
	defer rc.Close()
	if _, err := io.Copy(stdout, rc); err != nil && ctx.Err() == nil {
		return errorf(stderr, "%v", err)
	}
	return 0
}

// pickContainer validates or defaults the container as kubectl logs does.
func pickContainer(pod *corev1.Pod, name string, warn io.Writer) (string, error) {
	if len(pod.Spec.Containers) == 0 {
		return "", fmt.Errorf("pod %s/%s does not have any containers", pod.Namespace, pod.Name)
	}
	if name == "" {
		name = pod.Annotations["kubectl.kubernetes.io/default-container"]
	}
	if name != "" {
		for _, c := range pod.Spec.Containers {
			if c.Name == name {
				return name, nil
			}
		}
		for _, c := range pod.Spec.InitContainers {
			if c.Name == name {
				return name, nil
			}
		}
		for _, c := range pod.Spec.EphemeralContainers {
			if c.Name == name {
				return name, nil
			}
		}
		return "", fmt.Errorf("container %s is not valid for pod %s", name, pod.Name)
	}
	first := pod.Spec.Containers[0].Name
	if len(pod.Spec.Containers) > 1 || len(pod.Spec.InitContainers) > 0 || len(pod.Spec.EphemeralContainers) > 0 {
		var names []string
		for _, c := range pod.Spec.Containers {
			names = append(names, c.Name)
		}
		for _, c := range pod.Spec.EphemeralContainers {
			names = append(names, c.Name+" (ephem)")
		}
		for _, c := range pod.Spec.InitContainers {
			names = append(names, c.Name+" (init)")
		}
		fmt.Fprintf(warn, "Defaulted container %q out of: %s\n", first, strings.Join(names, ", "))
	}
	return first, nil
}

func errorf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "error: "+format+"\n", args...)
	return 1
}

// fail prints a server error as kubectl does, "Error from server
// (REASON): MESSAGE", anything else as "error: MESSAGE"; it returns 1.
func fail(stderr io.Writer, err error) int {
	var se *rest.StatusError
	if errors.As(err, &se) {
		if reason := rest.ReasonForError(err); reason != "" {
			fmt.Fprintf(stderr, "Error from server (%s): %s\n", reason, se.Error())
		} else {
			fmt.Fprintf(stderr, "Error from server: %s\n", se.Error())
		}
		return 1
	}
	return errorf(stderr, "%v", err)
}

// parseArgs parses flags placed before or after the positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
