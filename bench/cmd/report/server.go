package main

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kubewire/kubewire/config"
	kwrest "github.com/kubewire/kubewire/rest"
	"k8s.io/client-go/rest"
)

// apiServer serves the benchmark's canned responses: the pod list (JSON,
// or protobuf when the client asks for it), a watch of pods that stays open
// without events until the client leaves, and the ConfigMap event stream
// (in protobuf too, when eventsProto is set and the client asks for it).
type apiServer struct {
	podsJSON, podsProto []byte
	events              []byte
	// eventsProto, when set, is the event stream in protobuf, served to
	// clients that ask for protobuf.
	eventsProto []byte
	// protoWatches counts the watches answered in protobuf.
	protoWatches atomic.Int64
	// meta, when set, answers metadata lists of pods.
	meta *metadataServer
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	watch := r.URL.Query().Get("watch") == "true" || r.URL.Query().Get("watch") == "1"
	switch {
	case r.URL.Path == "/api/v1/pods" && watch:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	case r.URL.Path == "/api/v1/pods" && s.meta != nil && strings.Contains(r.Header.Get("Accept"), "as=PartialObjectMetadataList"):
		ct, body, _ := s.meta.list(r.Header.Get("Accept"))
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	case r.URL.Path == "/api/v1/pods":
		if strings.Contains(r.Header.Get("Accept"), "protobuf") && s.podsProto != nil {
			w.Header().Set("Content-Type", "application/vnd.kubernetes.protobuf")
			w.Write(s.podsProto)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.podsJSON)
	case r.URL.Path == "/api/v1/configmaps" && watch && s.eventsProto != nil && strings.Contains(r.Header.Get("Accept"), "protobuf"):
		s.protoWatches.Add(1)
		w.Header().Set("Content-Type", "application/vnd.kubernetes.protobuf;stream=watch")
		w.Write(s.eventsProto)
	case r.URL.Path == "/api/v1/configmaps" && watch:
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.events)
	default:
		http.Error(w, "unexpected path "+r.URL.Path, http.StatusNotFound)
	}
}

// server is a started test server with configurations of both clients.
type server struct {
	srv      *httptest.Server
	clientgo *rest.Config
	kubewire *config.Config
}

// start serves h over plain HTTP/1.1, or over TLS with HTTP/2 when tls2 is
// set. Both clients trust the server's certificate and have no rate limit.
func start(h http.Handler, tls2 bool) *server {
	var srv *httptest.Server
	var caPEM []byte
	if tls2 {
		srv = httptest.NewUnstartedServer(h)
		srv.EnableHTTP2 = true
		srv.StartTLS()
		caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	} else {
		srv = httptest.NewServer(h)
	}
	return &server{
		srv: srv,
		clientgo: &rest.Config{
			Host:            srv.URL,
			TLSClientConfig: rest.TLSClientConfig{CAData: caPEM},
			QPS:             -1,
		},
		kubewire: &config.Config{Server: srv.URL, TLS: config.TLS{CAData: caPEM}},
	}
}

func (s *server) close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// kubewireREST returns a kubewire rest client for the server.
func (s *server) kubewireREST() (*kwrest.Client, error) {
	return kwrest.New(s.kubewire, kwrest.WithRateLimit(-1, 0))
}

// timeoutCtx bounds one operation, so that a hung client fails the run.
func timeoutCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}
