package dynamic

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestManifestErrorLines checks the line ManifestError names for each shape
// of YAML error against the line a person finds in the file. kubectl
// create --dry-run=client -f (yaml v2, which reports the problem's 0-based
// line for parser errors) says the line noted as kubectl.
func TestManifestErrorLines(t *testing.T) {
	const head = "apiVersion: v1\nkind: ConfigMap\n"
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		// The example: the flow mapping opened on line 3 never
		// closes. kubectl: line 3; yaml v3: line 2.
		{"flow mapping", head + "data: {a: 1\nb: 2\n", 3, "did not find expected ',' or '}'"},
		// kubectl: line 3; yaml v3: line 2.
		{"flow sequence", head + "data: [a, b\nc: d\n", 3, "did not find expected ',' or ']'"},
		// The innermost flow collection opens on line 6 (kubectl: 5, v3: 5).
		{"nested flow", head + "data:\n  a: {x: 1,\n    y: 2,\n    z: [1, 2}\n", 6, "did not find expected ',' or ']'"},
		// A flow collection on line 1 that never closes: yaml v3 names the
		// line after the end; the file's last line is named. kubectl: 1.
		{"flow on line 1", "data: {a: 1, b: [x\n", 1, "did not find expected ',' or ']'"},
		// A key indented less than its siblings, on line 5 (kubectl: 4,
		// v3: 4).
		{"block mapping", head + "metadata:\n  name: x\n name2: y\n", 5, "did not find expected key"},
		// A tab after a plain scalar's line, on line 5 (kubectl: 5, v3: 4,
		// the scalar's line).
		{"tab in scalar", head + "data:\n  a: b\n\t c: d\n", 5, "found a tab character that violates indentation"},
		{"tab after spaces", head + "data:\n  a: b\n  \tc: d\n", 5, "found a tab character that violates indentation"},
		// A tab in a block scalar's indentation, on line 5 (kubectl: 5,
		// v3: 4, the "|" line).
		{"tab in block scalar", head + "data:\n  a: |\n\tline\n", 5, "found a tab character where an indentation space is expected"},
		// A tab starting a key line: a scanner error, already right
		// (kubectl: 6, v3: 6).
		{"tab as indentation", head + "metadata:\n  name: x\n  labels:\n\ta: b\n", 6, "found character that cannot start any token"},
		// An unterminated quoted scalar names the line it opens on (v3: 4;
		// kubectl names the end of the stream, 6).
		{"unterminated quote", head + "data:\n  a: \"unterminated\n  b: c\n", 4, "found unexpected end of stream"},
		// A key indented more than the mapping, on line 5 (kubectl: 5).
		{"mapping value", "apiVersion: v1\nkind: A\n---\napiVersion: v1\n  kind: bad indent\n", 5, "mapping values are not allowed"},
		// Both marks on line 1 (0-based 0): yaml v3's message names no
		// line. kubectl: line 1.
		{"no line in message", "data: {a: 1", 1, "did not find expected ',' or '}'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeManifests("f.yaml", []byte(tc.in))
			var me *ManifestError
			if !assert.ErrorAs(t, err, &me) {
				return
			}
			assert.Equal(t, tc.line, me.Line, "%v", err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), "yaml: line", "one line in the message")
		})
	}
}
