// Command exec runs a command in a container, as `kubectl exec` does.
//
// Usage:
//
//	exec [-kubeconfig FILE] [-n NAMESPACE] [-c CONTAINER] [-i] [-t] POD -- COMMAND [ARG...]
//
// It takes kubectl's connection flags too (-context, -cluster, -user,
// -server) and resolves the configuration as kubectl does. Flags may come
// before or after POD.
//
// As kubectl does, it reads the pod first: a pod that has completed is
// refused, and without -c the container is the one the
// kubectl.kubernetes.io/default-container annotation names, else the first
// (saying so on stderr when the pod has others). With -i, stdin is sent
// and its end closes the command's stdin; with -t as well and a terminal
// on stdin, the terminal is put in raw mode and its size follows the
// window. The command's exit code becomes this program's, after
// "command terminated with exit code N" on stderr; other failures print
// kubectl's messages and exit with 1.
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

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	fs.StringVar(&opts.Namespace, "n", "", "the namespace (short for -namespace)")
	container := fs.String("c", "", "the container (default: the annotated default container, else the first)")
	fs.StringVar(container, "container", "", "the container")
	interactive := fs.Bool("i", false, "pass stdin to the container")
	fs.BoolVar(interactive, "stdin", false, "pass stdin to the container")
	tty := fs.Bool("t", false, "stdin is a TTY")
	fs.BoolVar(tty, "tty", false, "stdin is a TTY")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: exec [-kubeconfig FILE] [-n NAMESPACE] [-c CONTAINER] [-i] [-t] POD -- COMMAND [ARG...]")
		fs.PrintDefaults()
	}
	pos, command, err := parseArgs(fs, expandShort(args))
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	switch {
	case len(pos) == 0:
		fmt.Fprintln(stderr, "error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.")
		return 1
	case len(command) == 0 && len(pos) > 1:
		command = pos[1:] // kubectl's deprecated form without "--"
	}
	if len(command) == 0 {
		fmt.Fprintln(stderr, "error: you must specify at least one command for the container")
		return 1
	}
	podName := strings.TrimPrefix(strings.TrimPrefix(pos[0], "pod/"), "pods/")

	cfg, err := config.Load(opts)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	c, err := rest.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	pod, err := typed.For[corev1.Pod, corev1.PodList](c, cfg.Namespace).Get(ctx, podName, metav1.GetOptions{})
	if err != nil {
		return fail(stderr, err)
	}
	if p := pod.Status.Phase; p == corev1.PodSucceeded || p == corev1.PodFailed {
		fmt.Fprintf(stderr, "error: cannot exec into a container in a completed pod; current phase is %s\n", p)
		return 1
	}
	name, err := pickContainer(pod, *container, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}

	o := podstream.ExecOptions{Container: name, Stdout: stdout, Stderr: stderr}
	if *interactive {
		o.Stdin = stdin
	}
	if *interactive && *tty {
		if t, ok := makeRaw(stdin); ok {
			defer t.restore()
			o.TTY, o.Stderr, o.TerminalSizes = true, nil, t.sizes(ctx)
		} else {
			fmt.Fprintln(stderr, "Unable to use a TTY - input is not a terminal or the right kind of file")
		}
	}
	err = podstream.Exec(ctx, c, pod.Namespace, pod.Name, command, o)
	var exit *podstream.ExitError
	if errors.As(err, &exit) {
		fmt.Fprintln(stderr, exit.Error())
		return exit.Code
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

// pickContainer validates or defaults the container as kubectl does.
func pickContainer(pod *corev1.Pod, name string, warn io.Writer) (string, error) {
	if len(pod.Spec.Containers) == 0 {
		return "", fmt.Errorf("pod %s/%s does not have any containers", pod.Namespace, pod.Name)
	}
	if name != "" {
		return name, nil // the server checks it (kubectl 1.32 leaves it to the server too)
	}
	if def := pod.Annotations["kubectl.kubernetes.io/default-container"]; def != "" {
		if !hasContainer(pod, def) {
			return "", fmt.Errorf("container %s is not valid for pod %s out of: %s", def, pod.Name, allContainerNames(pod))
		}
		return def, nil
	}
	first := pod.Spec.Containers[0].Name
	if len(pod.Spec.Containers) > 1 || len(pod.Spec.InitContainers) > 0 || len(pod.Spec.EphemeralContainers) > 0 {
		fmt.Fprintf(warn, "Defaulted container %q out of: %s\n", first, allContainerNames(pod))
	}
	return first, nil
}

func hasContainer(pod *corev1.Pod, name string) bool {
	for _, c := range pod.Spec.Containers {
		if c.Name == name {
			return true
		}
	}
	for _, c := range pod.Spec.InitContainers {
		if c.Name == name {
			return true
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// allContainerNames lists the containers as kubectl does: regular ones,
// then ephemeral and init ones, marked.
func allContainerNames(pod *corev1.Pod) string {
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
	return strings.Join(names, ", ")
}

// fail prints err as kubectl does and returns 1: a refused request as
// "Error from server (REASON): MESSAGE", anything else (a failure the
// command's stream reported) as "error: MESSAGE".
func fail(stderr io.Writer, err error) int {
	var se *rest.StatusError
	var stream *podstream.StreamError
	if errors.As(err, &se) && !errors.As(err, &stream) {
		if reason := rest.ReasonForError(err); reason != "" {
			fmt.Fprintf(stderr, "Error from server (%s): %s\n", reason, se.Error())
		} else {
			fmt.Fprintf(stderr, "Error from server: %s\n", se.Error())
		}
		return 1
	}
	fmt.Fprintf(stderr, "error: %v\n", err)
	return 1
}

// expandShort splits kubectl's combined short flags "-it" and "-ti" before
// "--" into "-i" "-t", which the flag package does not combine.
func expandShort(args []string) []string {
	var out []string
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if a == "-it" || a == "-ti" {
			out = append(out, "-i", "-t")
			continue
		}
		out = append(out, a)
	}
	return out
}

// parseArgs parses flags placed anywhere before "--" and returns the
// positional arguments and those after "--".
func parseArgs(fs *flag.FlagSet, args []string) (pos, after []string, err error) {
	for i, a := range args {
		if a == "--" {
			args, after = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			return pos, after, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
