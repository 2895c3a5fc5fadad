// Package apischema is the data the fake API server needs about every
// built-in Kubernetes resource: where it is served, its scope, verbs and
// subresources (for discovery and routing), kubectl's short names and
// categories, and the list and map metadata of every field that strategic
// merge patch and server-side apply need (patch strategy, merge key, list
// type, list map keys, map type), and the shape of every field of every
// kind (shape.go: its JSON kind, the spec's non-zero default, and whether
// the Go types omit or always write its zero value, from
// internal/gen/apifacts.txt), with which the fake drops unknown fields,
// defaults and canonicalises objects as the server's typed round trip does.
//
// zz_generated.go is written by the generator in ./gen from the Kubernetes
// OpenAPI v3 spec (run `go generate ./internal/apischema`); the spec itself is
// not part of the repository. shortnames.go is hand-written: short names and
// categories are not in OpenAPI.
package apischema

//go:generate go run ./gen -spec ../../../shared/openapi/v1.37.2/v3 -facts ../gen/apifacts.txt -out zz_generated.go
