package main

import (
	_ "embed"
	"strings"
)

// apiFactsText records how Kubernetes' own Go types (k8s.io/api and the
// apimachinery, apiextensions and aggregator types of the same release)
// hold each scalar field: as a pointer or a value, with or without
// omitempty. The API server encodes those types, so a field they hold as
// a value with omitempty is never sent as its zero value (unset cannot
// differ from zero) and one they hold as a pointer can be. The spec does
// not say this; bench/cmd/apifacts writes the file.
//
//go:embed apifacts.txt
var apiFactsText string

// scalarFact is how Kubernetes' types hold one scalar field.
type scalarFact struct {
	pointer, omitempty bool
}

// apiFacts are the facts by "schema.field" ("io.k8s.api.core.v1.Container.stdin").
var apiFacts = parseFacts(apiFactsText)

func parseFacts(text string) map[string]scalarFact {
	facts := map[string]scalarFact{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || f[1] == "order" || strings.HasPrefix(line, "#") {
			continue
		}
		facts[f[0]] = scalarFact{pointer: f[1] == "pointer", omitempty: f[2] == "omitempty"}
	}
	return facts
}

// apiOrder is each schema's JSON field names in the order of its Go type
// in k8s.io/api ("SCHEMA order FIELD..." lines): the order the API server
// writes them in, and the order of the generated structs' fields.
var apiOrder = parseOrder(apiFactsText)

func parseOrder(text string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == "order" {
			out[f[0]] = f[2:]
		}
	}
	return out
}
