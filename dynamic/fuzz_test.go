package dynamic

import "testing"

func FuzzDecodeManifests(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: A\nmetadata: {name: x}\n---\n",
		`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"A"}]}`,
		"a: &a [1]\nb: *a\n<<: {c: 1}\n",
		"x: !!binary aGk=\ny: 1.5\nz: 0x10\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = DecodeManifests("fuzz", data)
		_, _ = Decode(data)
	})
}
