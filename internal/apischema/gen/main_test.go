package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate checks that regenerating from the spec reproduces the
// committed data file byte for byte.
func TestGeneratedUpToDate(t *testing.T) {
	spec := filepath.Join("..", "..", "..", "..", "shared", "openapi", "v1.37.2", "v3")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("OpenAPI spec not present: %v", err)
	}
	got, err := Generate(spec, filepath.Join("..", "..", "gen", "apifacts.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "zz_generated.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("zz_generated.go is stale: run go generate ./internal/apischema")
	}
}
