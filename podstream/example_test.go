package podstream_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/podstream"
	"github.com/kubewire/kubewire/rest"
)

// exampleServer is a fake API server with pod web (container app) whose
// exec runs a tiny "echo" and whose port 8080 serves HTTP.
func exampleServer() (*fake.Server, *rest.Client) {
	srv, err := fake.Start(fake.WithObjects(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[{"name":"app","image":"nginx"}]}}`))
	if err != nil {
		log.Fatal(err)
	}
	srv.HandleExec("default", "web", "app", func(_ context.Context, s fake.ExecStreams) error {
		if s.Command[0] != "echo" {
			return fake.ExitCode(127)
		}
		_, err := fmt.Fprintln(s.Stdout, strings.Join(s.Command[1:], " "))
		return err
	})
	srv.HandlePortForward("default", "web", 8080, func(_ context.Context, conn net.Conn) error {
		// An HTTP server answers once it has read the request.
		if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
			return err
		}
		_, err := io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
		return err
	})
	_, _ = io.WriteString(srv.ContainerLog("default", "web", "app"), "started\nserving\n")
	c, err := rest.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

func ExampleExec() {
	srv, c := exampleServer()
	defer srv.Close()
	ctx := context.Background()

	err := podstream.Exec(ctx, c, "default", "web", []string{"echo", "hello", "pod"},
		podstream.ExecOptions{Stdout: os.Stdout, Stderr: os.Stderr})
	fmt.Println("error:", err)

	err = podstream.Exec(ctx, c, "default", "web", []string{"false"}, podstream.ExecOptions{Stdout: os.Stdout})
	var exit *podstream.ExitError
	if errors.As(err, &exit) {
		fmt.Println("exit code:", exit.Code)
	}
	// Output:
	// hello pod
	// error: <nil>
	// exit code: 127
}

func ExampleLogs() {
	srv, c := exampleServer()
	defer srv.Close()
	one := int64(1)
	rc, err := podstream.Logs(context.Background(), c, "default", "web", podstream.LogOptions{TailLines: &one})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rc.Close()
	_, _ = io.Copy(os.Stdout, rc)
	// Output:
	// serving
}

func ExampleDialer() {
	srv, c := exampleServer()
	defer srv.Close()
	// Every connection goes to the pod's port, whatever the host name.
	hc := &http.Client{Transport: &http.Transport{DialContext: podstream.Dialer(c, "default", "web")}}
	resp, err := hc.Get("http://web:8080/")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))
	// Output:
	// 200 OK hello
}
