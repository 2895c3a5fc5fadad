package main

import (
	"testing"
	"time"

	"github.com/kubewire/kubewire/bench/fixture"
)

// TestContenders runs every contender once on small inputs: each checks
// its own result, so a broken client fails here rather than producing a
// fast number.
func TestContenders(t *testing.T) {
	in, err := newInputs(50)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := typedEncodeContenders(in)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := deepCopyContenders(in)
	if err != nil {
		t.Fatal(err)
	}
	enc = append(enc, dc...)
	api := &apiServer{podsJSON: in.json, podsProto: in.proto, events: fixture.ConfigMapEvents(500)}
	for _, tls := range []bool{false, true} {
		s := start(api, tls)
		t.Cleanup(s.close)
		lc, err := listContenders(s, in.n)
		if err != nil {
			t.Fatal(err)
		}
		wc, err := watchContenders(s, 500)
		if err != nil {
			t.Fatal(err)
		}
		all := append(append(append(append(typedDecodeContenders(in), enc...), unstructuredContenders(in)...), lc...), wc...)
		for _, c := range all {
			start := time.Now()
			if err := c.run(); err != nil {
				t.Errorf("%s: %v", c.label, err)
			}
			t.Logf("%-60s %v", c.label, time.Since(start))
		}
	}
}

// TestInformers fills every informer case once.
func TestInformers(t *testing.T) {
	in, err := newInputs(50)
	if err != nil {
		t.Fatal(err)
	}
	mjs, mpb, err := partialLists(in.k8s)
	if err != nil {
		t.Fatal(err)
	}
	as := &apiServer{podsJSON: in.json}
	as.meta = &metadataServer{metaJSON: mjs, metaProto: mpb}
	s := start(as, false)
	t.Cleanup(s.close)
	for _, c := range append(informerCases(), metadataCases()...) {
		stop, err := c.fill(s, in.n)
		if err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		stop()
	}
}
