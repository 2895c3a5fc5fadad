package typed

import "testing"

func TestMetadataKey(t *testing.T) {
	cases := []struct {
		in, ns, name string
	}{
		{`{"apiVersion":"v1","metadata":{"namespace":"ns","name":"a","labels":{"name":"x"}},"spec":{"name":"y"}}`, "ns", "a"},
		{` {"metadata" : {"name":"a\u00e9"}} `, "", "aé"},
		{`{"spec":{"metadata":{"name":"inner"}},"metadata":{"name":"outer"}}`, "", "outer"},
		{`{"metadata":{"name":7,"namespace":null}}`, "", ""},
		{`{"metadata":"x"}`, "", ""},
		{`{"metadata":{}}`, "", ""},
		{`[]`, "", ""},
		{`{"metadata":{"name":"a"`, "", "a"}, // truncated: what was read
		{``, "", ""},
	}
	for _, c := range cases {
		ns, name := metadataKey([]byte(c.in))
		if ns != c.ns || name != c.name {
			t.Errorf("metadataKey(%s) = %q, %q; want %q, %q", c.in, ns, name, c.ns, c.name)
		}
	}
}
