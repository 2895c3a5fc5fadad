package rest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
)

// fakeServer stands in for an API server in the examples.
func fakeServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/namespaces/default/configmaps/settings", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}`)
	})
	mux.HandleFunc("GET /api/v1/namespaces/default/configmaps/missing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"configmaps \"missing\" not found","reason":"NotFound","code":404}`)
	})
	mux.HandleFunc("GET /api/v1/namespaces/default/configmaps", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"type":"ADDED","object":{"metadata":{"name":"settings"}}}`+"\n")
		io.WriteString(w, `{"type":"DELETED","object":{"metadata":{"name":"settings"}}}`+"\n")
	})
	return httptest.NewServer(mux)
}

func Example() {
	srv := fakeServer()
	defer srv.Close()

	c, err := rest.New(&config.Config{Server: srv.URL}, rest.WithTransport(srv.Client().Transport))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	var cm struct {
		Data map[string]string `json:"data"`
	}
	err = c.Get().Version("v1").Namespace("default").Resource("configmaps").Name("settings").Into(ctx, &cm)
	fmt.Println(cm.Data["color"], err)

	err = c.Get().Version("v1").Namespace("default").Resource("configmaps").Name("missing").Into(ctx, &cm)
	fmt.Println(rest.IsNotFound(err), err)
	// Output:
	// blue <nil>
	// true configmaps "missing" not found
}

func ExampleWatcher_Events() {
	srv := fakeServer()
	defer srv.Close()
	c, err := rest.New(&config.Config{Server: srv.URL}, rest.WithTransport(srv.Client().Transport))
	if err != nil {
		panic(err)
	}

	w, err := c.Get().Version("v1").Namespace("default").Resource("configmaps").Watch(context.Background())
	if err != nil {
		panic(err)
	}
	for ev, err := range w.Events() { // closes w when the loop ends
		if err != nil {
			fmt.Println("watch ended:", err)
			break
		}
		fmt.Println(ev.Type, string(ev.Object))
	}
	// Output:
	// ADDED {"metadata":{"name":"settings"}}
	// DELETED {"metadata":{"name":"settings"}}
}

func ExampleServiceProxyName() {
	c, err := rest.New(&config.Config{Server: "https://k8s.example:6443"}, rest.WithTransport(http.DefaultTransport))
	if err != nil {
		panic(err)
	}
	req, err := c.Get().Version("v1").Namespace("web").Resource("services").
		Name(rest.ServiceProxyName("https", "echo", "8443")).SubResource("proxy").Suffix("/").
		Build(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(req.URL)
	// Output: https://k8s.example:6443/api/v1/namespaces/web/services/https:echo:8443/proxy/
}
