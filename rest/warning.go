package rest

import (
	"net/http"
	"strings"
)

// Warning is one warning the server attached to a response in a Warning
// header (RFC 7234 format `299 - "text"`): use of a deprecated API, an
// unknown field that was dropped, an admission webhook's warning.
type Warning struct {
	// Code is the warn-code; the API server always sends 299.
	Code int
	// Agent is the warn-agent, "-" from the API server.
	Agent string
	// Text is the warning message.
	Text string
}

// parseWarnings returns the well-formed warnings of every Warning header in
// h; a malformed one ends the parsing of its header value.
func parseWarnings(h http.Header) []Warning {
	var out []Warning
	for _, v := range h.Values("Warning") {
		out = appendWarnings(out, v)
	}
	return out
}

// appendWarnings parses one header value: a comma-separated list of
// warn-code SP warn-agent SP warn-text [SP warn-date].
func appendWarnings(out []Warning, v string) []Warning {
	for {
		v = strings.TrimLeft(v, " \t,")
		if v == "" {
			return out
		}
		if len(v) < 4 || v[3] != ' ' || !isDigits(v[:3]) {
			return out
		}
		code := int(v[0]-'0')*100 + int(v[1]-'0')*10 + int(v[2]-'0')
		v = v[4:]
		sp := strings.IndexByte(v, ' ')
		if sp <= 0 {
			return out
		}
		agent := v[:sp]
		v = v[sp+1:]
		text, rest, ok := quoted(v)
		if !ok {
			return out
		}
		out = append(out, Warning{Code: code, Agent: agent, Text: text})
		v = strings.TrimLeft(rest, " \t")
		if strings.HasPrefix(v, `"`) { // warn-date
			if _, rest, ok = quoted(v); !ok {
				return out
			}
			v = strings.TrimLeft(rest, " \t")
		}
		if v != "" && v[0] != ',' {
			return out
		}
	}
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoted reads a quoted-string at the start of s and returns its unescaped
// content and what follows it.
func quoted(s string) (text, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", s, false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}
