package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
)

// The ExecCredential wire format (client.authentication.k8s.io v1 and
// v1beta1 share it).

// execInfo is what the plugin receives in KUBERNETES_EXEC_INFO.
type execInfo struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Spec       execSpec `json:"spec"`
}

type execSpec struct {
	Cluster     *execCluster `json:"cluster,omitempty"`
	Interactive bool         `json:"interactive"`
}

// execCluster describes the cluster to a plugin that asked for it.
type execCluster struct {
	Server                   string          `json:"server"`
	TLSServerName            string          `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool            `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthorityData []byte          `json:"certificate-authority-data,omitempty"`
	ProxyURL                 string          `json:"proxy-url,omitempty"`
	DisableCompression       bool            `json:"disable-compression,omitempty"`
	Config                   json.RawMessage `json:"config,omitempty"`
}

// execOutput is what the plugin prints on standard output.
type execOutput struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Status     *execStatus `json:"status"`
}

type execStatus struct {
	ExpirationTimestamp   *time.Time `json:"expirationTimestamp"`
	Token                 sealed     `json:"token"`
	ClientCertificateData string     `json:"clientCertificateData"`
	ClientKeyData         sealed     `json:"clientKeyData"`
}

func (s *execStatus) String() string {
	return fmt.Sprintf("transport.execStatus{token: %s, clientCertificateData: %t, clientKeyData: %s}",
		s.Token, s.ClientCertificateData != "", s.ClientKeyData)
}
func (s *execStatus) GoString() string           { return s.String() }
func (s *execStatus) Format(f fmt.State, v rune) { formatRedacted(f, v, s.String()) }

const (
	// maxExecStdout caps the plugin output read.
	maxExecStdout = 1 << 20
	// minScrubLen is the shortest env value removed from stderr; shorter
	// values are not credentials and would garble the text.
	minScrubLen = 4
	// execWaitDelay is how long to wait for the plugin's output pipes to
	// close after it is killed (a child it started may hold them).
	execWaitDelay = 2 * time.Second
)

// run executes the plugin once and parses its credential.
func (a *execAuth) run() (*execCredential, error) {
	interactive, err := a.interactive()
	if err != nil {
		return nil, &ExecError{Command: a.command, ExitCode: -1, Err: err}
	}
	info, err := json.Marshal(execInfo{
		APIVersion: a.apiVersion,
		Kind:       "ExecCredential",
		Spec:       execSpec{Cluster: a.cluster, Interactive: interactive},
	})
	if err != nil {
		return nil, &ExecError{Command: a.command, ExitCode: -1, Err: fmt.Errorf("encoding KUBERNETES_EXEC_INFO: %w", err)}
	}

	ctx := context.Background()
	if !interactive {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, a.command, a.args...)
	cmd.Env = append(append(os.Environ(), a.secret.env...), "KUBERNETES_EXEC_INFO="+string(info))
	cmd.WaitDelay = execWaitDelay
	stdout := newCapBuffer(maxExecStdout)
	stderr := newCapBuffer(maxExecStderr + maxLen(a.secret.scrub))
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if interactive {
		cmd.Stdin = a.stdin
		cmd.Stderr = io.MultiWriter(os.Stderr, stderr)
	}

	runErr := cmd.Run()
	ee := &ExecError{Command: a.command, ExitCode: -1, Stderr: a.scrub(stderr.bytes(), stderr.truncated)}
	switch {
	case runErr == nil:
	case errors.Is(runErr, exec.ErrNotFound) || errors.Is(runErr, fs.ErrNotExist):
		ee.Err = errString("executable not found")
		ee.InstallHint = a.installHint
		return nil, ee
	case ctx.Err() != nil:
		ee.Err = fmt.Errorf("killed after the %v timeout: %w", a.timeout, ctx.Err())
		return nil, ee
	default:
		var exitErr *exec.ExitError
		if errors.As(runErr, &exitErr) {
			ee.ExitCode = exitErr.ExitCode()
		}
		ee.Err = runErr
		return nil, ee
	}

	ee.ExitCode = 0
	if stdout.truncated {
		ee.Err = fmt.Errorf("output larger than %d bytes", maxExecStdout)
		return nil, ee
	}
	cred, err := a.parseOutput(stdout.bytes())
	if err != nil {
		ee.Err = err
		return nil, ee
	}
	return cred, nil
}

// interactive reports whether this run gets the terminal on standard
// input.
func (a *execAuth) interactive() (bool, error) {
	switch a.mode {
	case interactiveNever:
		return false, nil
	case interactiveAlways:
		if !a.isTerminal(a.stdin) {
			return false, errString("interactive mode Always needs a terminal on standard input, and there is none")
		}
		return true, nil
	default:
		return a.isTerminal(a.stdin), nil
	}
}

// parseOutput checks and decodes the plugin's standard output. Its errors
// never quote the output, which may hold a credential.
func (a *execAuth) parseOutput(out []byte) (*execCredential, error) {
	o, err := decodeExecOutput(out)
	if err != nil {
		var te *wrongTypeError
		switch {
		case len(bytes.TrimSpace(out)) == 0:
			return nil, errString("no output")
		case errors.Is(err, errNotJSON):
			return nil, errNotJSON
		case errors.As(err, &te):
			return nil, fmt.Errorf("output field %q has the wrong type (a JSON %s)", te.field, te.value)
		case errors.Is(err, errSealedNotString):
			return nil, fmt.Errorf("output is not a valid ExecCredential: %w", err)
		default:
			return nil, errString("output is not a valid ExecCredential")
		}
	}
	if o.Kind != "ExecCredential" {
		return nil, fmt.Errorf("output has kind %q, want ExecCredential", clip(o.Kind))
	}
	if o.APIVersion != a.apiVersion {
		return nil, fmt.Errorf("output has apiVersion %q, want %q", clip(o.APIVersion), a.apiVersion)
	}
	s := o.Status
	if s == nil {
		return nil, errString("output has no status")
	}
	cred := &execCredential{token: s.Token}
	if s.ExpirationTimestamp != nil {
		cred.expiry = *s.ExpirationTimestamp
	}
	switch {
	case s.ClientCertificateData != "" && s.ClientKeyData.p == nil:
		return nil, errString("status has clientCertificateData but no clientKeyData")
	case s.ClientCertificateData == "" && s.ClientKeyData.p != nil:
		return nil, errString("status has clientKeyData but no clientCertificateData")
	case s.ClientCertificateData != "":
		cert, err := parseKeyPair([]byte(s.ClientCertificateData), []byte(s.ClientKeyData.reveal()))
		if err != nil {
			return nil, fmt.Errorf("status client certificate: %w", err)
		}
		cred.cert = cert
	case s.Token.p == nil:
		return nil, errString("status has neither a token nor a client certificate")
	}
	return cred, nil
}

// clip shortens a value from the plugin's output for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// scrub returns the plugin's stderr with the env values replaced, cut to
// maxExecStderr bytes.
func (a *execAuth) scrub(b []byte, truncated bool) string {
	s := string(b)
	for _, v := range a.secret.scrub {
		s = strings.ReplaceAll(s, v, redacted)
	}
	if len(s) > maxExecStderr {
		s, truncated = s[:maxExecStderr], true
	}
	s = strings.TrimSpace(strings.ToValidUTF8(s, "?"))
	if truncated {
		s += " [truncated]"
	}
	return s
}

func maxLen(ss []string) int {
	n := 0
	for _, s := range ss {
		n = max(n, len(s))
	}
	return n
}

// capBuffer keeps the first max bytes written to it and discards the rest.
// The content (plugin output, which may hold a credential) is behind a
// pointer, see sealed.
type capBuffer struct {
	buf       *bytes.Buffer
	max       int
	truncated bool
}

func newCapBuffer(max int) *capBuffer { return &capBuffer{buf: new(bytes.Buffer), max: max} }

func (b *capBuffer) Write(p []byte) (int, error) {
	room := b.max - b.buf.Len()
	if len(p) > room {
		b.buf.Write(p[:max(room, 0)])
		b.truncated = true
		return len(p), nil
	}
	b.buf.Write(p)
	return len(p), nil
}

func (b *capBuffer) bytes() []byte { return b.buf.Bytes() }

// String never shows the content.
func (b *capBuffer) String() string {
	return fmt.Sprintf("transport.capBuffer{len: %d, content: REDACTED}", b.buf.Len())
}
func (b *capBuffer) GoString() string           { return b.String() }
func (b *capBuffer) Format(f fmt.State, v rune) { formatRedacted(f, v, b.String()) }

// errNotJSON is parseOutput's error for output that is not JSON.
const errNotJSON = errString("output is not valid JSON")

// wrongTypeError is a field of the plugin's output of the wrong JSON type.
type wrongTypeError struct{ field, value string }

func (e *wrongTypeError) Error() string { return "field " + e.field + " is a JSON " + e.value }

// decodeExecOutput decodes the plugin's output as encoding/json would decode
// it into an execOutput: keys match fields case-insensitively and the last
// one wins, unknown keys are skipped, null leaves a field unset, a value of
// the wrong type is a *wrongTypeError naming the field by its path (the
// first one is reported, after the rest is decoded), and an error from a
// field's UnmarshalJSON stops decoding and is returned as it is. Output that
// is not JSON is errNotJSON. It reads the output with json-iterator, which
// the program links anyway, so that it does not link encoding/json's decoder
// for this one message.
func decodeExecOutput(out []byte) (execOutput, error) {
	var o execOutput
	it := jsoniter.ParseBytes(codec.API, out)
	if it.Skip(); it.Error != nil && it.Error != io.EOF {
		return o, errNotJSON
	}
	if it.WhatIsNext() != jsoniter.InvalidValue || it.Error != io.EOF {
		return o, errNotJSON // data after the value
	}
	it.ResetBytes(out)
	it.Error = nil
	var typeErr, err error
	wrongType := func(field string, t jsoniter.ValueType) {
		if typeErr == nil {
			typeErr = &wrongTypeError{field, jsonTypeName(t)}
		}
		it.Skip()
	}
	str := func(field string, dst *string) {
		switch t := it.WhatIsNext(); t {
		case jsoniter.NilValue:
			it.Skip()
		case jsoniter.StringValue:
			*dst = it.ReadString()
		default:
			wrongType(field, t)
		}
	}
	// unmarshal hands the next value to u, as encoding/json does for a
	// field that implements json.Unmarshaler.
	unmarshal := func(u interface{ UnmarshalJSON([]byte) error }) bool {
		err = u.UnmarshalJSON(it.SkipAndReturnBytes())
		return err == nil
	}
	status := func() bool {
		if o.Status == nil {
			o.Status = new(execStatus)
		}
		s := o.Status
		return it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
			switch {
			case strings.EqualFold(key, "expirationTimestamp"):
				if it.WhatIsNext() == jsoniter.NilValue {
					it.Skip()
					s.ExpirationTimestamp = nil
					return true
				}
				if s.ExpirationTimestamp == nil {
					s.ExpirationTimestamp = new(time.Time)
				}
				return unmarshal(s.ExpirationTimestamp)
			case strings.EqualFold(key, "token"):
				return unmarshal(&s.Token)
			case strings.EqualFold(key, "clientKeyData"):
				return unmarshal(&s.ClientKeyData)
			case strings.EqualFold(key, "clientCertificateData"):
				str("status.clientCertificateData", &s.ClientCertificateData)
			default:
				it.Skip()
			}
			return true
		})
	}
	switch t := it.WhatIsNext(); t {
	case jsoniter.NilValue:
	case jsoniter.ObjectValue:
		it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
			switch {
			case strings.EqualFold(key, "apiVersion"):
				str("apiVersion", &o.APIVersion)
			case strings.EqualFold(key, "kind"):
				str("kind", &o.Kind)
			case strings.EqualFold(key, "status"):
				switch t := it.WhatIsNext(); t {
				case jsoniter.NilValue:
					it.Skip()
					o.Status = nil
				case jsoniter.ObjectValue:
					return status()
				default:
					wrongType("status", t)
				}
			default:
				it.Skip()
			}
			return true
		})
	default:
		wrongType("", t)
	}
	switch {
	case err != nil:
		return o, err
	case it.Error != nil && it.Error != io.EOF:
		return o, errNotJSON
	}
	return o, typeErr
}

// jsonTypeName names a JSON value type as encoding/json's
// UnmarshalTypeError does.
func jsonTypeName(t jsoniter.ValueType) string {
	switch t {
	case jsoniter.StringValue:
		return "string"
	case jsoniter.NumberValue:
		return "number"
	case jsoniter.BoolValue:
		return "bool"
	case jsoniter.ArrayValue:
		return "array"
	case jsoniter.ObjectValue:
		return "object"
	}
	return "value"
}
