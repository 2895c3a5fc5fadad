package main

import (
	"os"
	"strconv"
	"testing"
)

// TestDeepCopy runs workload 7 (DeepCopy of every pod of a 1,000-pod list)
// with the report's contenders and method, printing the medians and the
// ratio. KUBEWIRE_DEEPCOPY=<rounds> enables it.
func TestDeepCopy(t *testing.T) {
	rounds, _ := strconv.Atoi(os.Getenv("KUBEWIRE_DEEPCOPY"))
	if rounds == 0 {
		t.Skip("KUBEWIRE_DEEPCOPY not set")
	}
	in, err := newInputs(1000)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := deepCopyContenders(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := alternate(rounds, 5, cs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Logf("%-45s %8.0f ns/pod %8.0f B/pod %6.1f allocs/pod", r.label, r.ns/1000, r.bytes/1000, r.allocs/1000)
	}
	t.Logf("kubewire / client-go time: %.2fx", res[1].ns/res[0].ns)
}
