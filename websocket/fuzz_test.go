package websocket

// The fuzz targets run their seeds (f.Add and testdata/fuzz) in every
// go test; to fuzz, give a short minimization time, since minimizing a
// large input one byte at a time can take minutes:
//
//	go test -run XXX -fuzz FuzzName -fuzztime 60s -fuzzminimizetime 1s ./websocket

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// scriptRWC reads a fixed input and records what is written.
type scriptRWC struct {
	r  io.Reader
	mu sync.Mutex
	w  bytes.Buffer
}

func (s *scriptRWC) Read(p []byte) (int, error) { return s.r.Read(p) }
func (s *scriptRWC) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
func (s *scriptRWC) Close() error { return nil }

func (s *scriptRWC) written() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.w.Bytes())
}

func scriptConn(input []byte, maxSize int64) (*Conn, *scriptRWC) {
	rwc := &scriptRWC{r: bytes.NewReader(input)}
	c := newConn(rwc, bufio.NewReader(rwc), "", Options{MaxMessageSize: maxSize, PingInterval: -1, ReadTimeout: -1})
	return c, rwc
}

// serverFrame encodes an unmasked frame, as a server sends it.
func serverFrame(fin bool, op byte, payload []byte) []byte {
	return append(appendHeader(nil, fin, op, len(payload), nil), payload...)
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// FuzzReadFrames feeds arbitrary server bytes to the frame reader: it must
// never panic or hang, never return a message over the limit or a text
// message that is not UTF-8, end with one of its documented errors, and
// write only valid masked client frames (pongs and the closing frame).
func FuzzReadFrames(f *testing.F) {
	f.Add(serverFrame(true, opText, []byte("hello")))
	f.Add(concat(serverFrame(false, opBinary, []byte("ab")), serverFrame(true, opPing, []byte("p")),
		serverFrame(true, opContinuation, []byte("cd")), serverFrame(true, opClose, []byte{0x03, 0xE8, 'o', 'k'})))
	f.Add(concat(serverFrame(true, opBinary, make([]byte, 300)), serverFrame(true, opBinary, make([]byte, 70000))))
	f.Add([]byte{0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0x10, 0})
	f.Add([]byte{0x81, 0x02, 0xff, 0xfe})
	f.Add([]byte{0x88, 0x01, 0x03})
	f.Add([]byte{0x82, 0x81, 1, 2, 3, 4, 5})
	f.Add(serverFrame(true, opPing, make([]byte, 125)))
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 4096
		c, rwc := scriptConn(data, limit)
		for range 10000 {
			typ, msg, err := c.ReadMessage()
			if err != nil {
				var ce *CloseError
				var pe *ProtocolError
				var tb *MessageTooBigError
				if !errors.As(err, &ce) && !errors.As(err, &pe) && !errors.As(err, &tb) {
					t.Fatalf("undocumented error %T: %v", err, err)
				}
				break
			}
			if len(msg) > limit {
				t.Fatalf("message of %d bytes over the limit", len(msg))
			}
			if typ == Text && !utf8.Valid(msg) {
				t.Fatal("text message that is not UTF-8")
			}
			if typ != Text && typ != Binary {
				t.Fatalf("message type %d", typ)
			}
		}
		p := &peer{t: t, br: bufio.NewReader(bytes.NewReader(rwc.written()))}
		for {
			fr, err := p.read()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "the client wrote a truncated frame")
			require.True(t, fr.masked && fr.fin, "client frames are final and masked")
			require.Contains(t, []byte{opPong, opClose}, fr.op)
			if fr.op == opClose && len(fr.payload) >= 2 {
				require.True(t, validCloseCode(closeCode(fr)), "close code %d", closeCode(fr))
			}
		}
	})
}

// FuzzFragmentedMessages builds a valid frame sequence from the input
// (message sizes, fragment sizes, interleaved pings) and checks that every
// message reads back whole and every ping is answered with its payload.
func FuzzFragmentedMessages(f *testing.F) {
	f.Add([]byte{3, 10, 1, 200, 0, 5})
	f.Add([]byte{255, 255, 255, 1, 1, 1, 1, 1})
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, script []byte) {
		var input []byte
		var want [][]byte
		var pings [][]byte
		next := func() int {
			if len(script) == 0 {
				return -1
			}
			b := int(script[0])
			script = script[1:]
			return b
		}
		for n := 0; n < 20; n++ {
			size := next()
			if size < 0 {
				break
			}
			size *= 97 // up to about 25 KB a message
			msg := make([]byte, size)
			for i := range msg {
				msg[i] = byte(i*31 + n)
			}
			want = append(want, msg)
			op := byte(opBinary)
			rest := msg
			for first := true; ; first = false {
				k := next()
				if k <= 0 {
					k = len(rest)
				} else {
					k = min(k*13, len(rest))
				}
				fin := k == len(rest)
				frameOp := op
				if !first {
					frameOp = opContinuation
				}
				input = append(input, serverFrame(fin, frameOp, rest[:k])...)
				rest = rest[k:]
				if k%3 == 1 { // a ping between fragments
					pl := []byte{byte(len(pings)), byte(k)}
					pings = append(pings, pl)
					input = append(input, serverFrame(true, opPing, pl)...)
				}
				if fin {
					break
				}
			}
		}
		c, rwc := scriptConn(input, 1<<20)
		for i, w := range want {
			_, got, err := c.ReadMessage()
			require.NoError(t, err, "message %d", i)
			require.Equal(t, w, got, "message %d", i)
		}
		_, _, err := c.ReadMessage()
		var ce *CloseError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, CloseAbnormal, ce.Code)
		p := &peer{t: t, br: bufio.NewReader(bytes.NewReader(rwc.written()))}
		for i, pl := range pings {
			fr, err := p.read()
			require.NoError(t, err, "pong %d", i)
			require.Equal(t, byte(opPong), fr.op)
			require.Equal(t, pl, fr.payload)
		}
	})
}

// FuzzWriteFrames checks that a message written in parts is one masked
// final frame whose unmasked payload is the parts joined.
func FuzzWriteFrames(f *testing.F) {
	f.Add([]byte("hello"), uint16(2), true)
	f.Add(make([]byte, 70000), uint16(65535), false)
	f.Add([]byte{}, uint16(0), false)
	f.Fuzz(func(t *testing.T, data []byte, split uint16, text bool) {
		if text && !utf8.Valid(data) {
			text = false
		}
		c, rwc := scriptConn(nil, 0)
		s := min(int(split), len(data))
		typ := Binary
		if text {
			typ = Text
		}
		require.NoError(t, c.WriteMessage(typ, data[:s], data[s:]))
		p := &peer{t: t, br: bufio.NewReader(bytes.NewReader(rwc.written()))}
		fr, err := p.read()
		require.NoError(t, err)
		require.True(t, fr.masked && fr.fin)
		require.Equal(t, byte(typ), fr.op)
		require.Equal(t, data, fr.payload)
		_, err = p.read()
		require.Equal(t, io.EOF, err, "one frame only")
	})
}

// FuzzMask compares the word-at-a-time masking with the definition.
func FuzzMask(f *testing.F) {
	f.Add([]byte("abcdefghijklmnop"), uint32(0x01020304), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, k uint32, pos uint8) {
		key := [4]byte{byte(k), byte(k >> 8), byte(k >> 16), byte(k >> 24)}
		want := bytes.Clone(data)
		for i := range want {
			want[i] ^= key[(int(pos)+i)&3]
		}
		end := maskBytes(key, int(pos), data)
		require.Equal(t, want, data)
		require.Equal(t, (int(pos)+len(data))&3, end)
	})
}

// A peer's close frame read after this side ended the connection (its
// answer to TLS close_notify can arrive before the socket closes) does not
// hide why it ended.
func TestTeardownCauseWinsOverLateClose(t *testing.T) {
	c, _ := scriptConn(serverFrame(true, opClose, []byte{0x03, 0xE8}), 0)
	c.teardown(ErrReadTimeout)
	_, _, err := c.ReadMessage()
	require.ErrorIs(t, err, ErrReadTimeout)
}
