package metav1_test

import (
	"testing"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/fixtures"
)

// The hand-written types copy like the generated ones.
func TestHandwrittenDeepCopy(t *testing.T) {
	fixtures.CheckDeepCopy(t, &metav1.Time{}, &metav1.MicroTime{}, &metav1.Quantity{}, &metav1.IntOrString{},
		&metav1.ListOptions{}, &metav1.GetOptions{}, &metav1.WriteOptions{}, &metav1.PatchOptions{}, &metav1.ApplyOptions{})
}

// A raw value's copy has bytes of its own; nil stays nil, empty stays
// empty.
func TestRawJSONDeepCopy(t *testing.T) {
	var raw metav1.RawJSON
	if err := raw.UnmarshalJSON([]byte(`{"a":[1,2]}`)); err != nil {
		t.Fatal(err)
	}
	cp := raw.DeepCopy()
	if string(cp) != `{"a":[1,2]}` || &cp[0] == &raw[0] {
		t.Fatalf("copy %q shares its bytes or differs", cp)
	}
	cp[1] = 'X'
	if string(raw) != `{"a":[1,2]}` {
		t.Fatalf("writing to the copy changed the original to %q", raw)
	}
	var into metav1.RawJSON = []byte("old")
	raw.DeepCopyInto(&into)
	if string(into) != string(raw) || &into[0] == &raw[0] {
		t.Fatalf("DeepCopyInto gave %q", into)
	}
	if metav1.RawJSON(nil).DeepCopy() != nil {
		t.Fatal("a nil raw value copies to non-nil")
	}
	if e := (metav1.RawJSON{}).DeepCopy(); e == nil || len(e) != 0 {
		t.Fatalf("an empty raw value copies to %#v", e)
	}
}
