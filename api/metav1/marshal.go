package metav1

import (
	jsoniter "github.com/json-iterator/go"

	"github.com/kubewire/kubewire/internal/codec"
)

// The MarshalJSON methods of the hand-written types call their own EncodeJSON
// directly, between borrowStream and finishStream, instead of through
// jsonwire.Marshal: an interface call of EncodeJSON would make the linker keep
// the EncodeJSON method of every type a program converts to an interface, so
// a program that only decodes pods would link all their encoders.

// borrowStream returns an empty stream from codec.API's pool.
func borrowStream() *jsoniter.Stream { return codec.API.BorrowStream(nil) }

// finishStream returns a copy of what s holds, or s's error, and gives s
// back to the pool.
func finishStream(s *jsoniter.Stream) ([]byte, error) {
	defer codec.API.ReturnStream(s)
	if s.Error != nil {
		return nil, s.Error
	}
	return append([]byte(nil), s.Buffer()...), nil
}
