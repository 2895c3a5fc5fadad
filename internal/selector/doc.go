// Package selector parses and matches Kubernetes field selectors (=, ==,
// != on dotted paths) against objects decoded from JSON, and holds the API
// server's validation of label keys and values, which the public labels
// package (label selectors) and the fake server share.
package selector

// Operator is the comparison of one field selector term.
type Operator string

// The operators of field selectors.
const (
	Equals       Operator = "="
	DoubleEquals Operator = "=="
	NotEquals    Operator = "!="
)

// SyntaxError reports a field selector that does not parse, with the API
// server's message. Pos is the byte offset in the selector where the
// problem was found.
type SyntaxError struct {
	Selector string
	Pos      int
	Msg      string
}

// Error returns the message the API server gives for the selector.
func (e *SyntaxError) Error() string { return e.Msg }
