// Command floor is the smallest list-pods program: it imports only what any
// Kubernetes client must (net/http, crypto/tls, crypto/x509, encoding/json,
// golang.org/x/net/http2 and a YAML parser) and uses each of them once. Its
// cold build bounds from below the cold build of any client's list-pods
// program; docs/footprint.md compares it with kubewire's and client-go's.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/net/http2"
)

// kubeconfig is the part of a kubeconfig file the program reads: the first
// cluster and the first user's bearer token.
type kubeconfig struct {
	Clusters []struct {
		Cluster struct {
			Server string `yaml:"server"`
			CA     string `yaml:"certificate-authority-data"`
		} `yaml:"cluster"`
	} `yaml:"clusters"`
	Users []struct {
		User struct {
			Token string `yaml:"token"`
		} `yaml:"user"`
	} `yaml:"users"`
}

func main() {
	path := flag.String("kubeconfig", os.Getenv("HOME")+"/.kube/config", "kubeconfig file")
	flag.Parse()
	data, err := os.ReadFile(*path)
	if err != nil {
		fail(err)
	}
	var kc kubeconfig
	if err := yaml.Unmarshal(data, &kc); err != nil {
		fail(err)
	}
	if len(kc.Clusters) == 0 {
		fail(fmt.Errorf("%s: no cluster", *path))
	}
	pool := x509.NewCertPool()
	if ca, err := base64.StdEncoding.DecodeString(kc.Clusters[0].Cluster.CA); err == nil {
		pool.AppendCertsFromPEM(ca)
	}
	t1 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t2, err := http2.ConfigureTransports(t1)
	if err != nil {
		fail(err)
	}
	t2.ReadIdleTimeout, t2.PingTimeout = 30*time.Second, 15*time.Second
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, kc.Clusters[0].Cluster.Server+"/api/v1/pods", nil)
	if err != nil {
		fail(err)
	}
	if len(kc.Users) > 0 && kc.Users[0].User.Token != "" {
		req.Header.Set("Authorization", "Bearer "+kc.Users[0].User.Token)
	}
	resp, err := (&http.Client{Transport: t1}).Do(req)
	if err != nil {
		fail(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		fail(err)
	}
	fmt.Printf("There are %d pods in the cluster\n", len(list.Items))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
