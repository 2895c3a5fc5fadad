package podstream

// The fuzz targets run their seeds (f.Add and testdata/fuzz) in every
// go test; to fuzz, give a short minimization time, since minimizing a
// large input one byte at a time can take minutes:
//
//	go test -run XXX -fuzz FuzzName -fuzztime 60s -fuzzminimizetime 1s ./podstream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// splitMessages cuts fuzz input into messages: each is a length byte and
// that many bytes.
func splitMessages(data []byte) [][]byte {
	var msgs [][]byte
	for len(data) > 0 {
		n := min(int(data[0]), len(data)-1)
		msgs = append(msgs, data[1:1+n])
		data = data[1+n:]
	}
	return msgs
}

func joinMessages(msgs ...[]byte) []byte {
	var b []byte
	for _, m := range msgs {
		b = append(b, byte(len(m)))
		b = append(b, m...)
	}
	return b
}

// FuzzDemux drives the exec/attach channel demultiplexer with arbitrary
// message sequences: output reaches exactly the writer of its channel, in
// order, and the outcome is always one of the documented results.
func FuzzDemux(f *testing.F) {
	exit3 := []byte(`{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}`)
	f.Add(joinMessages([]byte{1}, []byte("\x01out"), []byte("\x02err"), []byte(`\x03{"status":"Success"}`)), true)
	f.Add(joinMessages([]byte("\x01a"), append([]byte{3}, exit3[:100]...)), false)
	f.Add(joinMessages([]byte("\x03{\"status\":\"Failure\",\"reason\":\"InternalError\",\"message\":\"boom\"}")), true)
	f.Add(joinMessages([]byte("\x03not json"), []byte{255, 0}, []byte{4, 1}), true)
	f.Fuzz(func(t *testing.T, data []byte, normal bool) {
		var out, errb bytes.Buffer
		d := demux{stdout: &out, stderr: &errb}
		var wantOut, wantErr []byte
		for _, m := range splitMessages(data) {
			require.NoError(t, d.handle(m))
			if len(m) >= 2 && m[0] == chanStdout {
				wantOut = append(wantOut, m[1:]...)
			}
			if len(m) >= 2 && m[0] == chanStderr {
				wantErr = append(wantErr, m[1:]...)
			}
		}
		require.Equal(t, wantOut, out.Bytes())
		require.Equal(t, wantErr, errb.Bytes())
		connErr := error(&websocket.CloseError{Code: websocket.CloseAbnormal})
		if normal {
			connErr = &websocket.CloseError{Code: websocket.CloseNormal}
		}
		err := d.outcome(connErr)
		var exit *ExitError
		var se *StreamError
		var rse *rest.StatusError
		var de *rest.DecodeError
		switch {
		case err == nil:
		case errors.As(err, &exit):
		case errors.As(err, &se) && errors.As(err, &rse):
		case errors.Is(err, connErr):
		case errors.As(err, &de):
		default:
			t.Fatalf("undocumented outcome %T %v", err, err)
		}
	})
}

// FuzzPortFrames drives the port-forward framing: the data returned is
// exactly channel 0's payload after the port prefix, and errors on channel
// 1 become a *PortForwardError.
func FuzzPortFrames(f *testing.F) {
	port := binary.LittleEndian.AppendUint16(nil, 8080)
	f.Add(joinMessages(append([]byte{0}, port...), append([]byte{1}, port...), []byte("\x00hello")), uint16(8080))
	f.Add(joinMessages(append([]byte{1}, port...), []byte("\x01error forwarding port")), uint16(8080))
	f.Add(joinMessages([]byte("\x00\x90\x1fdata at once"), []byte{2, 1}), uint16(8080))
	f.Fuzz(func(t *testing.T, data []byte, port uint16) {
		p := portFrames{port: port}
		var got, want, errText []byte
		seen := [2]bool{}
		for _, m := range splitMessages(data) {
			got = append(got, p.handle(m)...)
			if len(m) == 0 || m[0] > 1 {
				continue
			}
			payload := m[1:]
			if !seen[m[0]] {
				seen[m[0]] = true
				if len(payload) >= 2 && binary.LittleEndian.Uint16(payload) == port {
					payload = payload[2:]
				}
			}
			if m[0] == 0 {
				want = append(want, payload...)
			} else {
				errText = append(errText, payload...)
			}
		}
		require.Equal(t, want, got)
		err := p.end(&websocket.CloseError{Code: websocket.CloseNormal}, "ns", "pod")
		if len(errText) > 0 {
			var pe *PortForwardError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, string(errText), pe.Message)
		} else {
			require.Equal(t, io.EOF, err)
		}
	})
}
