package podstream

import (
	"fmt"

	"github.com/kubewire/kubewire/rest"
)

// errNilClient is the argument error of every call given a nil client.
var errNilClient = &rest.RequestError{Field: "client", Reason: "nil"}

// LocalPathError is a local file CopyToPod cannot copy: src missing (Err
// says why, as os.Lstat reported it), or a file whose size changed while
// it was being copied. The message of a missing one is kubectl cp's.
type LocalPathError struct {
	// Path is the local path.
	Path string
	// Changed reports a file that changed size during the copy.
	Changed bool
	// Err is the file system's error, or nil.
	Err error
}

// Error names the path and what is wrong with it.
func (e *LocalPathError) Error() string {
	if e.Changed {
		return fmt.Sprintf("podstream: %s changed size during the copy", e.Path)
	}
	return e.Path + " doesn't exist in local filesystem"
}

// Unwrap returns the file system's error.
func (e *LocalPathError) Unwrap() error { return e.Err }

// ProtocolError is a WebSocket session the server accepted with a
// subprotocol podstream does not speak (only v5.channel.k8s.io and
// v4.channel.k8s.io are).
type ProtocolError struct {
	// Chosen is the subprotocol the server chose.
	Chosen string
}

// Error names the subprotocol.
func (e *ProtocolError) Error() string {
	return fmt.Sprintf("podstream: the server chose subprotocol %q; only %s and %s are spoken", e.Chosen, ProtocolV5, ProtocolV4)
}
