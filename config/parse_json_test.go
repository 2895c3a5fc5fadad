package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// jsonToNodeStd is jsonToNode built on encoding/json's Decoder, the
// reference the hand-written parser must agree with.
func jsonToNodeStd(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	lineAt := func(off int64) int { return bytes.Count(data[:off], []byte("\n")) + 1 }
	var value func(depth int) (*yaml.Node, error)
	value = func(depth int) (*yaml.Node, error) {
		if depth > 1000 {
			return nil, fmt.Errorf("nested too deeply")
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		line := lineAt(dec.InputOffset())
		switch t := tok.(type) {
		case json.Delim:
			if t == '}' || t == ']' {
				return nil, fmt.Errorf("unexpected %c", t)
			}
			kind, tag := yaml.MappingNode, "!!map"
			if t == '[' {
				kind, tag = yaml.SequenceNode, "!!seq"
			}
			n := &yaml.Node{Kind: kind, Tag: tag, Line: line, Style: yaml.FlowStyle}
			for dec.More() {
				if kind == yaml.MappingNode {
					k, err := dec.Token()
					if err != nil {
						return nil, err
					}
					ks, _ := k.(string)
					n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ks, Line: lineAt(dec.InputOffset())})
				}
				c, err := value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, c)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case string:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t, Line: line}, nil
		case json.Number:
			tag := "!!int"
			if strings.ContainsAny(string(t), ".eE") {
				tag = "!!float"
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(t), Line: line}, nil
		case bool:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t), Line: line}, nil
		default:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: line}, nil
		}
	}
	n, err := value(0)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = fmt.Errorf("data after the top-level value")
		}
	}
	return n, err
}

func dumpNode(n *yaml.Node) string {
	if n == nil {
		return "<nil>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d%s%q@%d", n.Kind, n.Tag, n.Value, n.Line)
	for _, c := range n.Content {
		b.WriteString("(" + dumpNode(c) + ")")
	}
	return b.String()
}

func checkJSONToNode(t *testing.T, in []byte) {
	t.Helper()
	got, _, gotErr := jsonToNode(in)
	want, wantErr := jsonToNodeStd(in)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q: error %v, encoding/json: %v", in, gotErr, wantErr)
	}
	if gotErr == nil && dumpNode(got) != dumpNode(want) {
		t.Fatalf("%q:\n got %s\nwant %s", in, dumpNode(got), dumpNode(want))
	}
}

var jsonCases = []string{
	`{}`, `[]`, ` {"a" : [1, -2, 3.5, 1e3, -0.5E-2, 0, true, false, null, "x"]} `,
	"{\n\"a\":\n{\"b\": [\n1,\n2]}}\n", `{"k":"https:\/\/x","u":"\u00e9\ud83d\ude00","bad":"\ud800x\udc00"}`,
	`"\b\f\n\r\t\"\\"`, "\"\xff\xfe ok\"", `{"":1,"":2}`, `1`, `-0`,
	``, ` `, `{`, `}`, `[,]`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `01`, `1.`, `.5`, `-`, `1e`, `1e+`, `+1`,
	`tru`, `nul`, `[true false]`, `{} {}`, `{}x`, "\"a\tb\"", `"\x"`, `"\u12"`, `"abc`, `[`, `["a"`, `{"a":}`,
	`NaN`, `[1 2]`, `{"a":1 "b":2}`, strings.Repeat("[", 1002) + strings.Repeat("]", 1002),
	strings.Repeat("[", 999) + strings.Repeat("]", 999),
}

func TestJSONToNodeAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range jsonCases {
		checkJSONToNode(t, []byte(c))
	}
}

func TestJSONToNodeErrorLine(t *testing.T) {
	_, line, err := jsonToNode([]byte("{\n\"current-context\": \"c\",\n\"clusters\": [,]\n}"))
	if err == nil || line != 3 {
		t.Fatalf("line %d, err %v; want line 3", line, err)
	}
}

// Run with: go test ./config/ -run '^$' -fuzz FuzzJSONToNode -fuzztime 30s
func FuzzJSONToNode(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkJSONToNode(t, in) })
}

// yamlErrorLine and stripQuoted do what the regular expressions they
// replace did.
func TestYAMLErrorLineMatchesRegexp(t *testing.T) {
	line := regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	quoted := regexp.MustCompile("`[^`]*`")
	for _, s := range []string{
		"yaml: line 3: did not find expected key", "yaml: line 12: mapping values: `a: b` here",
		"yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `x` into int", "yaml: line : x",
		"yaml: line 2:x", "yaml: line 2: a\nb", "yaml: line +2: x", "yaml: line 007: `a` `b` ` c",
		"no prefix `q`", "``", "",
	} {
		wantLine, wantMsg := 0, "malformed YAML: "+quoted.ReplaceAllString(strings.TrimPrefix(s, "yaml: "), "…")
		if m := line.FindStringSubmatch(s); m != nil {
			wantLine, _ = strconv.Atoi(m[1])
			wantMsg = "malformed YAML: " + quoted.ReplaceAllString(m[2], "…")
		}
		gotLine, gotMsg := yamlErrorLine(errors.New(s))
		if gotLine != wantLine || gotMsg != wantMsg {
			t.Errorf("%q: got %d %q, want %d %q", s, gotLine, gotMsg, wantLine, wantMsg)
		}
	}
}
