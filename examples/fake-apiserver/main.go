// Command fake-apiserver runs kubewire's in-memory Kubernetes API server
// until interrupted, seeded from manifest files, and writes a kubeconfig
// for it so that kubectl and other tools can be pointed at it.
//
//	fake-apiserver [-addr 127.0.0.1:PORT] [-tls] [-kubeconfig-out FILE] [MANIFEST ...]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubewire/kubewire/fake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a generated CA")
	out := flag.String("kubeconfig-out", "", "write a kubeconfig for the server to this file")
	history := flag.Int("history", 10000, "changes kept for watch replay")
	controllers := flag.Bool("controllers", false, "simulate the controllers and a kubelet: deployments and jobs get running pods")
	flag.Parse()

	opts := []fake.Option{fake.WithAddress(*addr), fake.WithHistory(*history)}
	if *useTLS {
		opts = append(opts, fake.WithTLS())
	}
	if *controllers {
		opts = append(opts, fake.WithControllers())
	}
	for _, f := range flag.Args() {
		b, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		opts = append(opts, fake.WithObjects(b))
	}
	srv, err := fake.Start(opts...)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if *out != "" {
		if err := os.WriteFile(*out, srv.Kubeconfig(), 0o600); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("kubeconfig written to %s\n", *out)
	}
	fmt.Printf("fake API server listening on %s\n", srv.URL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	fmt.Println("shutting down")
}
