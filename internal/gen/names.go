package main

import (
	"strings"
	"unicode"
)

// initialisms are lower-case leading words of JSON names spelled in capitals
// in Go names (apiVersion -> APIVersion, httpGet -> HTTPGet).
var initialisms = map[string]string{
	"api": "API", "ca": "CA", "cel": "CEL", "cidr": "CIDR", "cidrs": "CIDRs", "csi": "CSI",
	"dns": "DNS", "fc": "FC", "fs": "FS", "gid": "GID", "grpc": "GRPC", "http": "HTTP",
	"id": "ID", "ip": "IP", "ips": "IPs", "iqn": "IQN", "iscsi": "ISCSI", "json": "JSON",
	"nfs": "NFS", "os": "OS", "pd": "PD", "qos": "QOS", "rbd": "RBD", "se": "SE",
	"ssl": "SSL", "tcp": "TCP", "tls": "TLS", "ttl": "TTL", "uid": "UID", "url": "URL",
	"uri": "URI", "uuid": "UUID", "wwids": "WWIDs",
}

// fieldName returns the Go name of a JSON property.
func fieldName(json string) string {
	switch {
	case strings.HasPrefix(json, "$"):
		return exportName(json[1:])
	case strings.HasPrefix(json, "x-kubernetes-"):
		var b strings.Builder
		b.WriteString("X")
		for _, w := range strings.Split(strings.TrimPrefix(json, "x-kubernetes-"), "-") {
			b.WriteString(exportName(w))
		}
		return b.String()
	}
	i := 0
	for i < len(json) && unicode.IsLower(rune(json[i])) {
		i++
	}
	if up, ok := initialisms[json[:i]]; ok {
		return up + json[i:]
	}
	return exportName(json)
}

func exportName(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// pluralKind returns the plural of a kind as client method names spell it
// (Pods, Endpoints, Ingresses, NetworkPolicies, StorageClasses).
func pluralKind(kind string) string {
	lower := strings.ToLower(kind)
	switch {
	case kind == "Endpoints":
		return kind
	case strings.HasSuffix(lower, "s"), strings.HasSuffix(lower, "x"),
		strings.HasSuffix(lower, "ch"), strings.HasSuffix(lower, "sh"):
		return kind + "es"
	case strings.HasSuffix(lower, "y") && len(lower) > 1 && !strings.ContainsRune("aeiou", rune(lower[len(lower)-2])):
		return kind[:len(kind)-1] + "ies"
	}
	return kind + "s"
}

// packageName returns the Go package of a group/version: the group's first
// DNS label ("core" for the core group) followed by the version.
func packageName(group, version string) string {
	if group == "" {
		return "core" + version
	}
	label, _, _ := strings.Cut(group, ".")
	return strings.ReplaceAll(label, "-", "") + version
}
