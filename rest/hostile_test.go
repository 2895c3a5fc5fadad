package rest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
)

// Every decoding path returns a *DecodeError for a body that is not the
// JSON it claims to be, and never quotes the body in the message.
func TestHostileBodiesAreDecodeErrors(t *testing.T) {
	const secret = "c2VjcmV0LXRva2Vu"
	deep := strings.Repeat(`{"a":`, 20000) + `"` + secret + `"` + strings.Repeat("}", 20000)
	bodies := map[string]struct{ ct, body string }{
		"html":      {"text/html; charset=utf-8", "<html><body>" + secret + "</body></html>"},
		"truncated": {"application/json", `{"kind":"Status","message":"` + secret + `","code":`},
		"deep":      {"application/json", deep},
		"trailing":  {"application/json", `{"kind":"Status","code":200} {"x":"` + secret + `"}`},
		"bad token": {"application/json", `{"kind":"Status","message":` + secret + `}`},
	}
	f := setup(t)
	f.handle("GET /x/", func(w http.ResponseWriter, r *http.Request) {
		b := bodies[strings.TrimPrefix(r.URL.Path, "/x/")]
		w.Header().Set("Content-Type", b.ct)
		io.WriteString(w, b.body)
	})
	targets := map[string]func() any{
		"generated": func() any { return new(metav1.Status) },
		"raw":       func() any { return new(metav1.RawJSON) },
		"reflect":   func() any { return new(map[string]any) },
		"whole":     func() any { return new(midWire) },
	}
	ctx := testCtx(t)
	for name, b := range bodies {
		for tname, target := range targets {
			t.Run(name+"/"+tname, func(t *testing.T) {
				check := func(how string, err error) {
					var de *DecodeError
					require.ErrorAs(t, err, &de, how)
					assert.NotContains(t, err.Error(), secret, how)
					if strings.HasPrefix(b.ct, "text/html") {
						assert.Equal(t, b.ct, de.ContentType, how)
					} else {
						assert.Error(t, de.Err, how)
					}
				}
				check("Request.Into", f.client.Get().AbsPath("x", name).Into(ctx, target()))
				check("Result.Into", f.client.Get().AbsPath("x", name).Do(ctx).Into(target()))
			})
		}
	}
}
