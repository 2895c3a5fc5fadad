package websocket

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Close codes of RFC 6455 section 7.4.1 that a Conn sends or reports.
const (
	// CloseNormal: the purpose of the connection was fulfilled.
	CloseNormal = 1000
	// CloseGoingAway: the endpoint is going away (a server shutting down).
	CloseGoingAway = 1001
	// CloseProtocolError: the peer broke the framing rules.
	CloseProtocolError = 1002
	// CloseUnsupportedData: a message type the endpoint cannot accept.
	CloseUnsupportedData = 1003
	// CloseNoStatus is reported when the peer's close frame carried no
	// code; it is never sent.
	CloseNoStatus = 1005
	// CloseAbnormal is reported when the connection ended without a close
	// frame; it is never sent.
	CloseAbnormal = 1006
	// CloseInvalidPayload: a text message that is not UTF-8.
	CloseInvalidPayload = 1007
	// ClosePolicyViolation: a message that violates the endpoint's policy.
	ClosePolicyViolation = 1008
	// CloseMessageTooBig: a message over the endpoint's size limit.
	CloseMessageTooBig = 1009
	// CloseInternalError: the endpoint hit an unexpected condition.
	CloseInternalError = 1011
)

// ErrClosed is returned by reads and writes on a Conn that was closed by
// Close, CloseWithCode or the end of Dial's context.
var ErrClosed = errors.New("websocket: connection closed")

// ErrReadTimeout is returned by ReadMessage when no frame, not even a pong,
// arrived within Options.ReadTimeout; the connection is then closed.
var ErrReadTimeout = errors.New("websocket: no frame from the peer within the read timeout")

// ErrWriteTimeout is returned by WriteMessage when one message could not be
// written within Options.WriteTimeout; the connection is then closed.
var ErrWriteTimeout = errors.New("websocket: write did not complete within the write timeout")

// ArgumentError is a call refused for an argument that cannot be right:
// options out of range, a nil request, a subprotocol that is not a token, a
// URL scheme Dial does not speak, a message type or close code or reason
// that may not be sent.
type ArgumentError struct {
	// Arg names the argument or option.
	Arg string
	// Reason says what is wrong with it.
	Reason string
}

// Error names the argument and what is wrong with it.
func (e *ArgumentError) Error() string { return "websocket: " + e.Arg + ": " + e.Reason }

// HandshakeError is a failed opening handshake. When the server answered
// with something other than 101 Switching Protocols, StatusCode, Header and
// Body (at most 1 MiB) hold its response, so a caller can decode the error
// the server sent; otherwise StatusCode is 101 and Reason says which rule
// of the handshake the response broke.
type HandshakeError struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Reason     string
}

// Error returns the status code and reason; the body is left out (it may be
// large and is the caller's to decode).
func (e *HandshakeError) Error() string {
	if e.StatusCode != http.StatusSwitchingProtocols {
		msg := "websocket: handshake refused with status " + strconv.Itoa(e.StatusCode)
		if t := http.StatusText(e.StatusCode); t != "" {
			msg += " (" + t + ")"
		}
		return msg
	}
	return "websocket: bad handshake response: " + e.Reason
}

// CloseError is the peer's close frame: the connection has ended. Code is
// CloseNoStatus when the frame carried no code.
type CloseError struct {
	Code int
	Text string
}

// Error returns the code and the peer's reason text.
func (e *CloseError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("websocket: closed by the peer with code %d", e.Code)
	}
	return fmt.Sprintf("websocket: closed by the peer with code %d: %s", e.Code, e.Text)
}

// IsNormalClose reports whether err is the peer's close with CloseNormal,
// CloseGoingAway or no code: the ordinary end of a connection.
func IsNormalClose(err error) bool {
	var ce *CloseError
	if !errors.As(err, &ce) {
		return false
	}
	return ce.Code == CloseNormal || ce.Code == CloseGoingAway || ce.Code == CloseNoStatus
}

// ProtocolError is a frame from the peer that breaks RFC 6455 (a masked
// frame, reserved bits, an unknown opcode, a bad fragment sequence, a
// control frame too long, text that is not UTF-8). The Conn sends the
// matching close code and closes the connection.
type ProtocolError struct {
	Reason string
}

// Error returns the rule that was broken.
func (e *ProtocolError) Error() string { return "websocket: protocol error: " + e.Reason }

// MessageTooBigError is a message from the peer over Options.MaxMessageSize.
// The Conn sends CloseMessageTooBig and closes the connection.
type MessageTooBigError struct {
	Limit int64
}

// Error returns the limit.
func (e *MessageTooBigError) Error() string {
	return fmt.Sprintf("websocket: message larger than the limit of %d bytes", e.Limit)
}
