package typed

import (
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
)

// deleteBody returns the DeleteOptions object to send, nil when every
// option is unset (the server's defaults then apply).
func deleteBody(o metav1.DeleteOptions) ([]byte, error) {
	o.TypeMeta = metav1.TypeMeta{}
	b, err := codec.Marshal(&o)
	if err != nil {
		return nil, &rest.RequestError{Field: "DeleteOptions", Reason: "cannot encode the options as JSON", Err: err}
	}
	if string(b) == "{}" {
		return nil, nil
	}
	o.TypeMeta = metav1.TypeMeta{Kind: "DeleteOptions", APIVersion: "v1"}
	return codec.Marshal(&o)
}
