package main

import (
	"os"
	"testing"
)

// TestBinaryPackages prints the kubewire list-pods binary's size by
// package when BENCH_NM is set (it builds the program).
func TestBinaryPackages(t *testing.T) {
	if os.Getenv("BENCH_NM") == "" {
		t.Skip("set BENCH_NM=1")
	}
	out, err := binaryPackages("../../footprint/kubewire")
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out)
}
