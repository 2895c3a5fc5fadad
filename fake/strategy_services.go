package fake

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/netip"
)

// Services: SetDefaults_Service, the status a create starts with, and what
// the service storage does: cluster IPs allocated from the server's range
// (WithServiceCIDR, default 10.96.0.0/12 as kube-apiserver's), IP families
// and family policy, node ports from 30000-32767; on update the allocated
// values carried over and a changed cluster IP refused.

// serviceStrategy is the Service's strategy.
var serviceStrategy = &strategy{
	prepareCreate: func(_ *Server, _ *request, o obj) { o["status"] = obj{"loadBalancer": obj{}} },
	prepareUpdate: func(o, old obj) { carryServiceAllocations(child(o, "spec"), nestedMap(old, "spec")) },
	defaults:      defaultService,
	validate: func(o obj) []fieldError {
		// Every service but a headless or an ExternalName one
		// needs a port.
		spec := nestedMap(o, "spec")
		if len(asList(spec["ports"])) == 0 && str(spec, "clusterIP") != "None" && str(spec, "type") != "ExternalName" {
			return []fieldError{{Type: "FieldValueRequired", Field: "spec.ports"}}
		}
		return nil
	},
	validateUpdate: func(o, old obj) []fieldError {
		spec, oldSpec := nestedMap(o, "spec"), nestedMap(old, "spec")
		oldIPs, ips := asList(oldSpec["clusterIPs"]), asList(spec["clusterIPs"])
		if str(oldSpec, "clusterIP") == "None" && str(spec, "clusterIP") == "None" {
			return nil
		}
		var errs []fieldError
		if len(oldIPs) == len(ips) {
			for i := range oldIPs {
				if !equalJSON(oldIPs[i], ips[i]) {
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: fmt.Sprintf("spec.clusterIPs[%d]", i), Value: ips, Detail: "may not change once set"})
				}
			}
		}
		return errs
	},
	allocate: func(s *Server, _ *request, o obj) error { return s.allocateService(child(o, "spec")) },
}

// defaultService is SetDefaults_Service.
func defaultService(o obj) {
	spec := child(o, "spec")
	setDefault(spec, "sessionAffinity", "None")
	switch str(spec, "sessionAffinity") {
	case "None":
		delete(spec, "sessionAffinityConfig")
	case "ClientIP":
		if _, ok := nested(spec, "sessionAffinityConfig", "clientIP", "timeoutSeconds").(any); !ok || nested(spec, "sessionAffinityConfig", "clientIP", "timeoutSeconds") == nil {
			spec["sessionAffinityConfig"] = map[string]any{"clientIP": map[string]any{"timeoutSeconds": num(10800)}}
		}
	}
	setDefault(spec, "type", "ClusterIP")
	for _, p := range asList(spec["ports"]) {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		setDefault(pm, "protocol", "TCP")
		if tp, ok := pm["targetPort"]; !ok || tp == nil || tp == "" || equalJSON(tp, num(0)) {
			pm["targetPort"] = pm["port"]
		}
	}
	typ := str(spec, "type")
	external := typ == "LoadBalancer" || typ == "NodePort" || typ == "ClusterIP" && len(asList(spec["externalIPs"])) > 0
	if external {
		setDefault(spec, "externalTrafficPolicy", "Cluster")
	}
	if spec["internalTrafficPolicy"] == nil && (typ == "NodePort" || typ == "LoadBalancer" || typ == "ClusterIP") {
		spec["internalTrafficPolicy"] = "Cluster"
	}
	if typ == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] == nil {
		spec["allocateLoadBalancerNodePorts"] = true
	}
}

// carryServiceAllocations is patchAllocatedValues and normalizeClusterIPs of
// an update: what the client left out is kept from the old service.
func carryServiceAllocations(spec, old map[string]any) {
	if str(old, "type") != "ExternalName" && str(spec, "type") != "ExternalName" {
		if str(spec, "clusterIP") == "" && old["clusterIP"] != nil {
			spec["clusterIP"] = old["clusterIP"]
		}
		if len(asList(spec["clusterIPs"])) == 0 && old["clusterIPs"] != nil {
			spec["clusterIPs"] = deepCopy(old["clusterIPs"])
		}
	}
	if str(spec, "clusterIP") != str(old, "clusterIP") && str(spec, "clusterIP") != "" && equalJSON(spec["clusterIPs"], old["clusterIPs"]) {
		spec["clusterIPs"] = []any{spec["clusterIP"]}
	}
	for _, k := range []string{"ipFamilyPolicy", "ipFamilies"} {
		if spec[k] == nil && old[k] != nil {
			spec[k] = deepCopy(old[k])
		}
	}
	oldPorts := map[string]any{}
	for _, p := range asList(old["ports"]) {
		if pm, ok := p.(map[string]any); ok && pm["nodePort"] != nil {
			oldPorts[str(pm, "name")] = pm["nodePort"]
		}
	}
	for _, p := range asList(spec["ports"]) {
		if pm, ok := p.(map[string]any); ok && pm["nodePort"] == nil && oldPorts[str(pm, "name")] != nil {
			pm["nodePort"] = oldPorts[str(pm, "name")]
		}
	}
}

// allocateService assigns a new service's cluster IP, IP families and node
// ports; s.st.mu is held.
func (s *Server) allocateService(spec map[string]any) error {
	typ := str(spec, "type")
	if typ == "ExternalName" {
		return nil
	}
	if ip := str(spec, "clusterIP"); ip != "" && len(asList(spec["clusterIPs"])) == 0 {
		spec["clusterIPs"] = []any{ip}
	}
	if spec["ipFamilyPolicy"] == nil {
		if str(spec, "clusterIP") == "None" && len(nestedMap(spec, "selector")) == 0 {
			spec["ipFamilyPolicy"] = "RequireDualStack"
		} else {
			spec["ipFamilyPolicy"] = "SingleStack"
		}
	}
	family := "IPv4"
	if s.opts.serviceCIDR.Addr().Is6() {
		family = "IPv6"
	}
	if len(asList(spec["ipFamilies"])) == 0 {
		spec["ipFamilies"] = []any{family}
		if str(spec, "clusterIP") == "None" && str(spec, "ipFamilyPolicy") != "SingleStack" {
			// A headless service needs no address: it takes both
			// families even on a single-stack cluster.
			other := "IPv6"
			if family == "IPv6" {
				other = "IPv4"
			}
			spec["ipFamilies"] = []any{family, other}
		}
	}
	if str(spec, "clusterIP") == "" {
		ip, err := s.freeClusterIP()
		if err != nil {
			return err
		}
		spec["clusterIP"], spec["clusterIPs"] = ip, []any{ip}
	}
	if typ == "NodePort" || typ == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] != false {
		used := s.usedNodePorts()
		for _, p := range asList(spec["ports"]) {
			pm, ok := p.(map[string]any)
			if !ok || pm["nodePort"] != nil {
				continue
			}
			for {
				n := int64(30000 + rand.IntN(2768))
				if !used[n] {
					used[n] = true
					pm["nodePort"] = num(n)
					break
				}
			}
		}
	}
	return nil
}

// freeClusterIP picks an unused address of the service range at random, as
// the real allocator does (the network address, the first address, kept
// for the kubernetes service, and an IPv4 broadcast address excluded).
func (s *Server) freeClusterIP() (string, error) {
	used := map[string]bool{}
	for _, svc := range s.st.data["/services"] {
		for _, ip := range asList(nested(svc, "spec", "clusterIPs")) {
			if s, ok := ip.(string); ok {
				used[s] = true
			}
		}
	}
	p := s.opts.serviceCIDR
	base := new(big.Int).SetBytes(p.Addr().AsSlice())
	hostBits := p.Addr().BitLen() - p.Bits()
	size := new(big.Int).Lsh(big.NewInt(1), uint(min(hostBits, 62)))
	n := size.Int64() - 2
	if p.Addr().Is4() {
		n--
	}
	if n <= 0 {
		return "", errServiceRangeFull()
	}
	start := rand.Int64N(n)
	for i := int64(0); i < n; i++ {
		off := big.NewInt(2 + (start+i)%n)
		b := new(big.Int).Add(base, off).FillBytes(make([]byte, len(p.Addr().AsSlice())))
		a, _ := netip.AddrFromSlice(b)
		if !used[a.String()] {
			return a.String(), nil
		}
	}
	return "", errServiceRangeFull()
}

func errServiceRangeFull() error {
	return errInternal(errors.New("failed to allocate a serviceIP: range is full"))
}

// usedNodePorts are the node ports services hold.
func (s *Server) usedNodePorts() map[int64]bool {
	used := map[int64]bool{}
	for _, svc := range s.st.data["/services"] {
		for _, p := range asList(nested(svc, "spec", "ports")) {
			if pm, ok := p.(map[string]any); ok {
				if n, ok := numberInt(pm["nodePort"]); ok {
					used[n] = true
				}
			}
		}
	}
	return used
}
