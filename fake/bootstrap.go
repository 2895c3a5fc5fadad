package fake

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// What kube-apiserver creates by itself when it starts, and the fake
// server holds from its start too: the four namespaces, the `kubernetes`
// Service in default (the first address of the service range, port 443
// "https" to the server's port) with its IPAddress, Endpoints and
// EndpointSlice (the server's address and port), the `kubernetes`
// ServiceCIDR, the two system PriorityClasses, the bootstrap RBAC policy
// (cluster roles, the aggregated ones with the rules the controller
// manager's aggregation gives them, cluster role bindings, the roles and
// bindings of kube-system and kube-public), the API Priority and Fairness
// FlowSchemas and PriorityLevelConfigurations, the local APIServices of
// the served group/versions, the server's identity Lease and the two
// ConfigMaps of kube-system.
//
// The objects are facts recorded from a fresh kube-apiserver v1.37.2 by
// TestBootstrapObjects (internal/integration/bootstrap_test.go), which
// also checks that the file is current. Values that depend on the
// server's flags, address or host are placeholders filled in per server.

//go:embed bootstrap.json
var bootstrapJSON []byte

// bootstrapObjects returns the decoded objects of bootstrap.json, once per
// process. They are shared by every server and must never be modified:
// stampBootstrap copies what it changes.
var bootstrapObjects = sync.OnceValues(func() ([]obj, error) {
	d := json.NewDecoder(bytes.NewReader(bootstrapJSON))
	d.UseNumber()
	var list []obj
	if err := d.Decode(&list); err != nil {
		return nil, fmt.Errorf("fake: bootstrap.json: %w", err)
	}
	return list, nil
})

// bootstrapValues are the per-server values of the placeholders.
type bootstrapValues struct {
	rnd       []byte // random bytes for the uids, 16 each
	ts        string // creation and condition times
	values    map[string]any
	ipv6      bool // the service range is IPv6
	ipv6Host  bool // the server listens on IPv6
	clusterIP string
}

// newBootstrapValues computes the placeholders' values for s, whose
// listener is ln.
func (s *Server) newBootstrapValues(ln net.Listener) bootstrapValues {
	host, _ := os.Hostname()
	id := apiserverIdentity(host)
	port, ip := 0, "127.0.0.1"
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		port = a.Port
		if !a.IP.IsUnspecified() {
			ip = a.IP.String()
		}
	}
	clusterIP := firstAddress(s.opts.serviceCIDR)
	start := s.started.UTC()
	return bootstrapValues{
		ts:        start.Format(time.RFC3339),
		ipv6:      s.opts.serviceCIDR.Addr().Is6(),
		ipv6Host:  strings.Contains(ip, ":"),
		clusterIP: clusterIP,
		values: map[string]any{
			"<clusterIP>":   clusterIP,
			"<port>":        json.Number(strconv.Itoa(port)),
			"<serviceCIDR>": s.opts.serviceCIDR.String(),
			"<clientCA>":    string(s.caPEM),
			"<date>":        start.Format(time.DateOnly),
			"<identity>":    id,
			"<holder>":      id + "_" + newUID(),
			"<time>":        start.Format("2006-01-02T15:04:05.000000Z07:00"),
			"<hostname>":    host,
			"<address>":     net.JoinHostPort(ip, strconv.Itoa(port)),
			"<advertiseIP>": ip,
		},
	}
}

// apiserverIdentity is the name of kube-apiserver's identity Lease on
// host: "apiserver-" and the lower-case, unpadded base32 of the first 16
// bytes of the SHA-256 of the host name and "kube-apiserver", each
// preceded by its length as two big-endian bytes.
func apiserverIdentity(host string) string {
	var b []byte
	for _, s := range []string{host, "kube-apiserver"} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	h := sha256.Sum256(b)
	return "apiserver-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:16]))
}

// firstAddress is the first address of a service range, the `kubernetes`
// Service's cluster IP.
func firstAddress(p netip.Prefix) string {
	b := new(big.Int).SetBytes(p.Addr().AsSlice())
	b.Add(b, big.NewInt(1))
	a, _ := netip.AddrFromSlice(b.FillBytes(make([]byte, len(p.Addr().AsSlice()))))
	return a.String()
}

// bootstrap stores the objects kube-apiserver creates at start, as far as
// the server serves their kinds, then runs what happens on their creation
// (a namespace gets its "default" service account). WithoutDefaultNamespaces
// leaves out namespaces and the objects in them, WithoutBootstrapObjects
// everything but the namespaces.
func (s *Server) bootstrap(ln net.Listener) error {
	objs, err := bootstrapObjects()
	if err != nil {
		return err
	}
	kinds := map[string]*resInfo{}
	for _, ri := range s.reg.all() {
		kinds[ri.groupVersion()+"/"+ri.Kind] = ri
	}
	v := s.newBootstrapValues(ln)
	v.rnd = make([]byte, 16*len(objs))
	rand.Read(v.rnd)
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, o := range objs {
		apiVersion, _ := o["apiVersion"].(string)
		kind, _ := o["kind"].(string)
		ri := kinds[apiVersion+"/"+kind]
		if ri == nil || !s.wantBootstrap(ri, o) {
			continue
		}
		c := v.stamp(o)
		ns, name := metaString(c, "namespace"), metaString(c, "name")
		out := s.st.commit(ri.storageKey(), ns, name, c)
		if st := strategyFor(ri); st.created != nil {
			st.created(s, &request{verb: "create", ri: ri, ns: ns, name: name}, out)
		}
	}
	return nil
}

// wantBootstrap reports whether the bootstrap object o of ri belongs on s.
func (s *Server) wantBootstrap(ri *resInfo, o obj) bool {
	isNS := ri.Group == "" && ri.Kind == "Namespace"
	if s.opts.noNamespaces && (isNS || ri.Namespaced) {
		return false
	}
	if s.opts.noBootstrap && !isNS {
		return false
	}
	switch ri.Kind {
	case "APIService":
		// One local APIService per served group/version.
		spec, _ := o["spec"].(map[string]any)
		g, _ := spec["group"].(string)
		ver, _ := spec["version"].(string)
		return s.opts.versions.served(g, ver)
	case "ConfigMap":
		// The client CA is the server's; without TLS there is none.
		if _, ok := nested(o, "data").(map[string]any)["client-ca-file"]; ok {
			return s.caPEM != nil
		}
	}
	return true
}

// stamp returns the server's copy of the shared object o: its own uid and
// times, its placeholders filled in. Only what changes is copied; the rest
// stays shared and immutable, as every stored object is.
func (v *bootstrapValues) stamp(o obj) obj {
	kind, _ := o["kind"].(string)
	var c obj
	switch kind {
	case "Service", "IPAddress", "ServiceCIDR", "ConfigMap", "Lease", "Endpoints", "EndpointSlice":
		c = v.fill(copyObj(o)).(obj)
		v.setIPv6(c)
	default:
		c = maps.Clone(o)
		c["metadata"] = maps.Clone(meta(o))
	}
	md := meta(c)
	md["uid"] = v.uid()
	md["creationTimestamp"] = v.ts
	if mf, ok := md["managedFields"].([]any); ok {
		out := make([]any, len(mf))
		for i, e := range mf {
			em := maps.Clone(e.(map[string]any))
			em["time"] = v.ts
			out[i] = em
		}
		md["managedFields"] = out
	}
	if st, ok := c["status"].(map[string]any); ok {
		if cs, ok := st["conditions"].([]any); ok {
			st = maps.Clone(st)
			out := make([]any, len(cs))
			for i, x := range cs {
				cm := maps.Clone(x.(map[string]any))
				cm["lastTransitionTime"] = v.ts
				out[i] = cm
			}
			st["conditions"] = out
			c["status"] = st
		}
	}
	return c
}

// uid returns a new random (version 4) uid from v's random bytes.
func (v *bootstrapValues) uid() string {
	if len(v.rnd) < 16 {
		return newUID()
	}
	b := v.rnd[:16:16]
	v.rnd = v.rnd[16:]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// fill replaces the placeholders in x, a copy of its own.
func (v bootstrapValues) fill(x any) any {
	switch t := x.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = v.fill(e)
		}
	case []any:
		for i, e := range t {
			t[i] = v.fill(e)
		}
	case string:
		if r, ok := v.values[t]; ok {
			return r
		}
	}
	return x
}

// setIPv6 makes the `kubernetes` Service and its IPAddress IPv6 ones on
// an IPv6 service range, and its EndpointSlice one on an IPv6 address, as
// kube-apiserver does.
func (v bootstrapValues) setIPv6(c obj) {
	switch c["kind"] {
	case "Service":
		if spec, ok := c["spec"].(map[string]any); ok && v.ipv6 {
			spec["ipFamilies"] = []any{"IPv6"}
		}
	case "IPAddress":
		if l, ok := meta(c)["labels"].(map[string]any); ok && v.ipv6 {
			l["ipaddress.kubernetes.io/ip-family"] = "IPv6"
		}
	case "EndpointSlice":
		if v.ipv6Host {
			c["addressType"] = "IPv6"
		}
	}
}
