package fake

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io"

// unprintedResources are the recorded resources whose cells the fake does
// not compute beyond Name, Age and Created At (docs/fake.md lists them):
// none. The default convertor's kinds (Name and Created At) are complete
// and not listed.
var unprintedResources []string

// extraCells are the resources whose real printer writes more cells than
// it declares columns: an IPAddress's age.
var extraCells = map[string]int{"networking.k8s.io/v1/ipaddresses": 1}

// storageKeyOf turns "apps/v1/deployments" or "v1/pods" into the storage
// key "apps/deployments" or "/pods".
func storageKeyOf(gvr string) string {
	parts := strings.Split(gvr, "/")
	if len(parts) == 2 {
		return "/" + parts[1]
	}
	return parts[0] + "/" + parts[2]
}

func TestPrintersMatchRecordedColumns(t *testing.T) {
	recordedColumns("v1/pods")
	require.Greater(t, len(tableColumnsData), 50, "fake/tablecolumns.json")
	o := obj{"metadata": map[string]any{"name": "x", "creationTimestamp": time.Now().UTC().Format(time.RFC3339)}}
	var unprinted []string
	for gvr, cols := range tableColumnsData {
		key := storageKeyOf(gvr)
		p := rowPrinters[key]
		if p == nil {
			generic := true
			for _, c := range cols {
				if c.Name != "Name" && c.Name != "Age" && c.Name != "Created At" {
					generic = false
				}
			}
			if !generic {
				unprinted = append(unprinted, gvr)
			}
			continue
		}
		assert.Len(t, p(o, nil), len(cols)+extraCells[gvr], gvr)
		assert.Len(t, p(o, []obj{o}), len(cols)+extraCells[gvr], gvr)
	}
	for key := range rowPrinters {
		found := false
		for gvr := range tableColumnsData {
			found = found || storageKeyOf(gvr) == key
		}
		assert.True(t, found, "printer %s has no recorded columns", key)
	}
	sort.Strings(unprinted)
	assert.Equal(t, unprintedResources, unprinted)
}

func TestTableCellsAndResourceVersion(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "POST", "/api/v1/namespaces/default/configmaps", "application/json",
		`{"metadata":{"name":"cm","labels":{"t":"1"}},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}`)
	require.Equal(t, 201, r.code, r.raw)
	rv := r.str("metadata", "resourceVersion")

	g := call(t, srv, "GET", "/api/v1/namespaces/default/configmaps/cm", "", "", "Accept", tableAccept)
	require.Equal(t, 200, g.code, g.raw)
	assert.Equal(t, rv, g.str("metadata", "resourceVersion"))
	assert.Equal(t, "string", g.str("columnDefinitions", "1", "type"), "the real Data column is a string column")
	assert.Contains(t, g.raw, `"cells":["cm",3,`, "the cell is a number")
	assert.NotEmpty(t, g.str("columnDefinitions", "0", "description"))

	l := call(t, srv, "GET", "/api/v1/namespaces/default/configmaps?labelSelector=t%3D1", "", "", "Accept", tableAccept)
	require.Equal(t, 200, l.code, l.raw)
	md := l.body["metadata"].(map[string]any)
	assert.NotContains(t, md, "continue")
	assert.NotEmpty(t, md["resourceVersion"])

	// A kind with the default convertor's columns.
	r = call(t, srv, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", "application/json", `{"metadata":{"name":"r"},"rules":[]}`)
	require.Equal(t, 201, r.code, r.raw)
	g = call(t, srv, "GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/r", "", "", "Accept", tableAccept)
	assert.Equal(t, "Created At", g.str("columnDefinitions", "1", "name"))
	assert.Equal(t, r.str("metadata", "creationTimestamp"), g.str("rows", "0", "cells", "1"))
}

func TestTableCustomResourceColumns(t *testing.T) {
	srv := NewServer(t)
	crd := `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gizmos.example.com"},` +
		`"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"gizmos","singular":"gizmo","kind":"Gizmo"},"versions":[` +
		`{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},` +
		`"additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"},{"name":"Ready","type":"string","priority":1,` +
		`"jsonPath":".status.conditions[?(@.type==\"Ready\")].status"},{"name":"Ratio","type":"number","jsonPath":".spec.ratio"},{"name":"Tags","type":"string","jsonPath":".spec.tags"}]},` +
		`{"name":"v2","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}`
	r := call(t, srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "application/json", crd)
	require.Equal(t, 201, r.code, r.raw)
	r = call(t, srv, "POST", "/apis/example.com/v1/namespaces/default/gizmos", "application/json",
		`{"apiVersion":"example.com/v1","kind":"Gizmo","metadata":{"name":"g"},"spec":{"size":3,"ratio":0.5,"tags":["a","b"]},"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}`)
	require.Equal(t, 201, r.code, r.raw)

	g := call(t, srv, "GET", "/apis/example.com/v1/namespaces/default/gizmos/g", "", "", "Accept", tableAccept)
	require.Equal(t, 200, g.code, g.raw)
	assert.Equal(t, "Size", g.str("columnDefinitions", "1", "name"))
	assert.Equal(t, "Custom resource definition column (in JSONPath format): .spec.size", g.str("columnDefinitions", "1", "description"))
	assert.Contains(t, g.raw, `"cells":["g",3,"True",0.5,"[\"a\",\"b\"]"]`)

	g = call(t, srv, "GET", "/apis/example.com/v2/namespaces/default/gizmos/g", "", "", "Accept", tableAccept)
	require.Equal(t, 200, g.code, g.raw)
	assert.Equal(t, "Age", g.str("columnDefinitions", "1", "name"))
	assert.Equal(t, "date", g.str("columnDefinitions", "1", "type"))
}

func TestJSONPathValue(t *testing.T) {
	o := obj{"a": map[string]any{"l": []any{map[string]any{"t": "x", "v": 1.0}, map[string]any{"t": "y", "v": 2.0}}}}
	for path, want := range map[string]any{".a.l[1].v": 2.0, ".a.l[-1].t": "y", `.a.l[?(@.t=="x")].v`: 1.0, ".a.l[*].t": "x"} {
		v, ok := jsonPathValue(o, path)
		assert.True(t, ok, path)
		assert.Equal(t, want, v, path)
	}
	_, ok := jsonPathValue(o, ".a.missing")
	assert.False(t, ok)
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-5 * time.Second: "<invalid>", 90 * time.Second: "90s", 150 * time.Second: "2m30s", 5 * time.Minute: "5m",
		90 * time.Minute: "90m", 200 * time.Minute: "3h20m", 10 * time.Hour: "10h", 50 * time.Hour: "2d2h",
		30 * 24 * time.Hour: "30d", 3*365*24*time.Hour + 48*time.Hour: "3y2d", 9 * 365 * 24 * time.Hour: "9y",
	} {
		assert.Equal(t, want, humanDuration(d), d.String())
	}
}

func TestRecordedColumnsOfOtherVersions(t *testing.T) {
	assert.Equal(t, recordedColumns("autoscaling/v2/horizontalpodautoscalers"), recordedColumnsOfResource("autoscaling", "horizontalpodautoscalers"))
	assert.Equal(t, recordedColumns("v1/pods"), recordedColumnsOfResource("", "pods"))
	assert.Equal(t, recordedColumns("resource.k8s.io/v1/resourceclaims"), recordedColumnsOfResource("resource.k8s.io", "resourceclaims"))
	assert.Nil(t, recordedColumnsOfResource("", "resourceclaims"))
	assert.Nil(t, recordedColumnsOfResource("example.com", "pods"))
}

// A version served only through WithRuntimeConfig gets the columns
// recorded for another version of the resource.
func TestTableOfVersionOffByDefault(t *testing.T) {
	srv := NewServer(t, WithRuntimeConfig("resource.k8s.io/v1beta1=true"))
	g := call(t, srv, "GET", "/apis/resource.k8s.io/v1beta1/namespaces/default/resourceclaims", "", "", "Accept", tableAccept)
	require.Equal(t, 200, g.code, g.raw)
	assert.Equal(t, "State", g.str("columnDefinitions", "1", "name"))
}
