package main

import (
	"os"
	"strconv"
	"testing"
)

// TestList10k runs workload 3 (List end to end, both protocols) and the
// encode of workload 1 at the report's full size with the report's own
// contenders and method, printing the medians: a check of one workload
// without the whole run. KUBEWIRE_LIST10K=<rounds> enables it.
func TestList10k(t *testing.T) {
	rounds, _ := strconv.Atoi(os.Getenv("KUBEWIRE_LIST10K"))
	if rounds == 0 {
		t.Skip("KUBEWIRE_LIST10K not set")
	}
	in, err := newInputs(10000)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := typedEncodeContenders(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := alternate(rounds, 1, enc...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Logf("encode   %-60s %8.1f ms %8.1f MB", r.label, r.ns/1e6, r.bytes/1e6)
	}
	for _, tls2 := range []bool{false, true} {
		s := start(&apiServer{podsJSON: in.json, podsProto: in.proto}, tls2)
		cs, err := listContenders(s, in.n)
		if err != nil {
			t.Fatal(err)
		}
		res, err := alternate(rounds, 1, cs...)
		s.close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			t.Logf("list tls=%-5v %-60s %8.1f ms %8.1f MB %9.0f allocs", tls2, r.label, r.ns/1e6, r.bytes/1e6, r.allocs)
		}
	}
}
