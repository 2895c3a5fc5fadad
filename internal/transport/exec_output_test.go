package transport

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// decodeExecOutput decodes and classifies errors as encoding/json does.
func TestDecodeExecOutputAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"apiVersion":"v1","kind":"ExecCredential","status":{"token":"t"}}`,
		`{"APIVERSION":"a","Kind":"k","kind":"k2","STATUS":{"Token":"t","clientkeydata":null,"ClientCertificateData":"c"}}`,
		`{"status":{"expirationTimestamp":"2024-05-01T12:00:00Z","token":"t"}}`,
		`{"status":{"expirationTimestamp":null,"token":null}}`,
		`{"status":null}`, `null`, ` {} `, `{"unknown":[1,{"a":2}],"kind":null}`,
		`{"status":{"token":"a"},"status":{"clientKeyData":"b"}}`,
		`{"kind":"\u00e9\ud83d\ude00\ud800"}`, `{"kind":"a\/b\n"}`,
		// wrong types
		`{"kind":5}`, `{"apiVersion":true}`, `{"status":[]}`, `{"status":"x"}`, `[]`, `"x"`, `5`,
		`{"status":{"clientCertificateData":{}}}`, `{"status":{"token":5}}`, `{"status":{"clientKeyData":[]}}`,
		`{"status":{"expirationTimestamp":"tomorrow"}}`, `{"status":{"expirationTimestamp":5}}`,
		`{"kind":5,"status":{"token":1}}`,
		// not JSON
		`token=x`, `{"kind":"a"`, `{"kind":"a"}x`, `{"kind":01}`, `{"kind":tru}`, `{"kind" "a"}`, `[1,]`,
		`{"kind":"\x"}`, `{"a":1,}`, `{1:2}`, `{"kind":"a"} {}`, `[1`, `{"a":1`, `{"status":{"token":"a"`, `{"status":{"token":1,"kind":5}}`, `{"kind":5,"status":{"clientCertificateData":1,"token":"x","expirationTimestamp":"bad"}}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, "{\"a\":\"\t\"}",
	} {
		got, gotErr := decodeExecOutput([]byte(in))
		var want execOutput
		wantErr := json.Unmarshal([]byte(in), &want)
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		var gte *wrongTypeError
		switch {
		case errors.As(wantErr, &se):
			if !errors.Is(gotErr, errNotJSON) {
				t.Errorf("%s: got %v, want not JSON (%v)", in, gotErr, wantErr)
			}
			continue
		case errors.As(wantErr, &te):
			if !errors.As(gotErr, &gte) || gte.field != te.Field || gte.value != te.Value {
				t.Errorf("%s: got %v, want field %q a JSON %s", in, gotErr, te.Field, te.Value)
			}
			continue
		case wantErr != nil:
			if gotErr == nil || errors.Is(gotErr, errNotJSON) || errors.As(gotErr, &gte) || errors.Is(wantErr, errSealedNotString) != errors.Is(gotErr, errSealedNotString) {
				t.Errorf("%s: got %v, want %v", in, gotErr, wantErr)
			}
			continue
		case gotErr != nil:
			t.Errorf("%s: got %v, want no error", in, gotErr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", in, got, want)
		}
	}
}
