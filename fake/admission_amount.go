package fake

import (
	"sort"
	"strings"

	"github.com/kubewire/kubewire/api/metav1"
)

// Resource amounts as the admission plugins add and compare them
// (resource.Quantity's arithmetic in Kubernetes): a value in milli-units
// and the format it is written in. A sum takes the format of its first
// term, or of the second when the first is zero; values finer than a
// milli-unit are rounded up, as MilliValue rounds them.

// amount is one resource quantity.
type amount struct {
	milli  int64
	format metav1.Format
	// text is the canonical text of a quantity read from an object; a
	// computed amount has none and is written from milli and format.
	text string
}

// amountOf reads a quantity from an object's JSON value.
func amountOf(v any) (amount, bool) {
	q, err := parseQuantityValue(v)
	if err != nil {
		return amount{}, false
	}
	return amount{milli: q.MilliValue(), format: q.Format(), text: canonicalQuantity(q)}, true
}

// String is the quantity's canonical text, as Quantity.String writes it.
func (a amount) String() string {
	if a.text != "" {
		return a.text
	}
	f := a.format
	if f == "" {
		f = metav1.DecimalSI
	}
	return canonicalQuantity(metav1.NewMilliQuantity(a.milli, f))
}

// plus is a+b; a zero a takes b's format.
func (a amount) plus(b amount) amount {
	f := a.format
	if a.milli == 0 {
		f = b.format
	}
	return amount{milli: a.milli + b.milli, format: f}
}

// minus is a-b; a zero a takes b's format.
func (a amount) minus(b amount) amount {
	f := a.format
	if a.milli == 0 {
		f = b.format
	}
	return amount{milli: a.milli - b.milli, format: f}
}

// count is n in DecimalSI, as the quota evaluators count objects.
func count(n int64) amount { return amount{milli: n * 1000, format: metav1.DecimalSI} }

// resources is a resource list (a container's requests, a quota's hard).
type resources map[string]amount

// resourcesOf reads a resource list from an object's JSON map; values that
// do not parse are left out (validation refused them before admission).
func resourcesOf(m map[string]any) resources {
	out := resources{}
	for k, v := range m {
		if a, ok := amountOf(v); ok {
			out[k] = a
		}
	}
	return out
}

// add adds b into r (quota.Add, addResourceList).
func (r resources) add(b resources) {
	for k, v := range b {
		if cur, ok := r[k]; ok {
			r[k] = cur.plus(v)
		} else {
			r[k] = v
		}
	}
}

// maxOf sets each of b's resources in r to the larger of the two
// (maxResourceList).
func (r resources) maxOf(b resources) {
	for k, v := range b {
		if cur, ok := r[k]; !ok || v.milli > cur.milli {
			r[k] = v
		}
	}
}

// mask is the part of r named in names (quota.Mask).
func (r resources) mask(names []string) resources {
	out := resources{}
	for _, n := range names {
		if v, ok := r[n]; ok {
			out[n] = v
		}
	}
	return out
}

// nonZero is r without its zero values (quota.RemoveZeros).
func (r resources) nonZero() resources {
	out := resources{}
	for k, v := range r {
		if v.milli != 0 {
			out[k] = v
		}
	}
	return out
}

// names are r's resource names, sorted.
func (r resources) names() []string {
	out := make([]string, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// String is the quota plugin's prettyPrint: "a=1,b=2Gi", sorted.
func (r resources) String() string {
	var parts []string
	for _, k := range r.names() {
		parts = append(parts, k+"="+r[k].String())
	}
	return strings.Join(parts, ",")
}

// equal reports whether r and b hold the same resources with equal values
// (quota.Equals).
func (r resources) equal(b resources) bool {
	if len(r) != len(b) {
		return false
	}
	for k, v := range r {
		if w, ok := b[k]; !ok || w.milli != v.milli {
			return false
		}
	}
	return true
}

// json is r as an object's resource list.
func (r resources) json() map[string]any {
	out := map[string]any{}
	for k, v := range r {
		out[k] = v.String()
	}
	return out
}
