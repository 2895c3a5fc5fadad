// Command port-forward forwards local ports to a pod, as `kubectl
// port-forward` does.
//
// Usage:
//
//	port-forward [-kubeconfig FILE] [-n NAMESPACE] [--address ADDR,...] POD [LOCAL:]REMOTE...
//
// It takes kubectl's connection flags too and resolves the configuration
// as kubectl does. Each mapping is "8080" (the same port on both sides),
// "8888:80", or ":80" (a free local port); REMOTE may also name a
// container port. It listens on localhost (127.0.0.1 and ::1) unless
// --address says otherwise, prints "Forwarding from ADDRESS -> PORT" for
// each listener and "Handling connection for PORT" for each connection,
// and runs until interrupted. As kubectl does, the pod must be Running,
// a refusal (RBAC) is reported before it listens, as "error: error
// upgrading connection: ...", and when one forwarded connection fails
// (nothing listens on the pod port) it prints the error and "error: lost
// connection to pod" and exits with 1. A user allowed create but not get
// on pods/portforward can forward with kubectl (SPDY) but not with this
// program (no SPDY).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
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
	fs := flag.NewFlagSet("port-forward", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	fs.StringVar(&opts.Namespace, "n", "", "the namespace (short for -namespace)")
	address := fs.String("address", "localhost", "comma-separated addresses to listen on (localhost means 127.0.0.1 and ::1)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: port-forward [-kubeconfig FILE] [-n NAMESPACE] [--address ADDR,...] POD [LOCAL:]REMOTE...")
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
	if len(pos) < 2 {
		return errorf(stderr, "TYPE/NAME and list of ports are required for port-forward")
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
	if err != nil {
		var se *rest.StatusError
		if errors.As(err, &se) && rest.ReasonForError(err) != "" {
			fmt.Fprintf(stderr, "Error from server (%s): %s\n", rest.ReasonForError(err), se.Error())
			return 1
		}
		return errorf(stderr, "%v", err)
	}
	var ports []podstream.PortMapping
	for _, spec := range pos[1:] {
		m, err := parsePort(pod, spec)
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		ports = append(ports, m)
	}
	if pod.Status.Phase != corev1.PodRunning {
		return errorf(stderr, "unable to forward port because pod is not running. Current status=%v", pod.Status.Phase)
	}

	// kubectl upgrades its one connection before it listens; the
	// forwarder dials per connection, so ask the server first.
	remotes := make([]uint16, len(ports))
	for i, m := range ports {
		remotes[i] = m.Remote
	}
	if err := podstream.CheckPortForward(ctx, c, pod.Namespace, pod.Name, remotes...); err != nil {
		return errorf(stderr, "error upgrading connection: %v", err)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var failure error
	f, err := podstream.NewForwarder(c, pod.Namespace, pod.Name, ports,
		podstream.WithAddresses(strings.Split(*address, ",")...),
		podstream.WithConnectionHandler(func(m podstream.PortMapping) {
			fmt.Fprintf(stdout, "Handling connection for %d\n", m.Local)
		}),
		podstream.WithErrorHandler(func(m podstream.PortMapping, err error) {
			// kubectl logs the error and gives up on the pod.
			mu.Lock()
			if failure == nil {
				failure = err
				fmt.Fprintf(stderr, "E%s %7d portforward.go:0] \"Unhandled Error\" err=%q\n",
					time.Now().Format("0102 15:04:05.000000"), os.Getpid(),
					fmt.Sprintf("an error occurred forwarding %d -> %d: %v", m.Local, m.Remote, err))
			}
			mu.Unlock()
			cancel()
		}))
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	for _, l := range f.Listeners() {
		fmt.Fprintf(stdout, "Forwarding from %s -> %d\n", l.Address, l.Mapping.Remote)
	}
	if err := f.Serve(ctx); err != nil {
		return errorf(stderr, "%v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if failure != nil {
		return errorf(stderr, "lost connection to pod")
	}
	return 0
}

// parsePort reads [LOCAL:]REMOTE, where REMOTE may name a container port
// of the pod.
func parsePort(pod *corev1.Pod, spec string) (podstream.PortMapping, error) {
	local, remote, found := strings.Cut(spec, ":")
	if !found {
		remote = local
	}
	if _, err := strconv.Atoi(remote); err != nil {
		n, ok := namedPort(pod, remote)
		if !ok {
			return podstream.PortMapping{}, fmt.Errorf("Pod '%s' does not have a named port '%s'", pod.Name, remote)
		}
		if !found {
			local = strconv.Itoa(int(n))
		}
		remote = strconv.Itoa(int(n))
	}
	if found {
		return podstream.ParsePortMapping(local + ":" + remote)
	}
	return podstream.ParsePortMapping(remote)
}

func namedPort(pod *corev1.Pod, name string) (int32, bool) {
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return p.ContainerPort, true
			}
		}
	}
	return 0, false
}

func errorf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "error: "+format+"\n", args...)
	return 1
}
