//go:build integration

package integration

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/apiregistry"
	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/internal/protowire"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// losslessCase is one kind in TestLossless: an object to create, as JSON,
// and the differences known between the server's bytes and the typed
// object re-encoded. A known difference is a generator bug: when it is
// fixed, the subtest fails and the expectation is removed.
type losslessCase struct {
	kind string
	// namespace, when set, is a namespace of its own for the object (for
	// kinds such as ResourceQuota whose admission would affect the others).
	namespace string
	run       losslessRun
	// obj is the object to create; "NAMESPACE" in it is replaced by the
	// object's namespace, and the words placeholders lists by values made
	// at run time. Its status, which a create ignores for most kinds, is
	// written through the status subresource when the kind has one.
	obj string
	// known lists the known differences between the server's bytes and the
	// typed object re-encoded with codec.Marshal, as diffJSON reports them.
	known []string
	// knownStdlib is the same for encoding/json.Marshal (nil: same as known).
	knownStdlib []string
	// knownSendLoss lists the fields of obj that the typed decode/encode is
	// known to drop before the create is sent, as missingFrom reports them.
	knownSendLoss []string
}

// losslessResult is what one round trip through the server produced.
type losslessResult struct {
	// sent is obj decoded into the typed object and re-encoded: what the
	// typed client sent.
	sent []byte
	// server is the server's response to a raw GET of the created object.
	server []byte
	// typed and stdlib are the typed object from a typed Get, re-encoded
	// with codec.Marshal and encoding/json.
	typed, stdlib []byte
	// proto is the server's protobuf of the same object (the same
	// resourceVersion as server); nil for kinds that are not stored.
	proto []byte
}

// setStatus replaces the status of the object called name with status
// through the status subresource, with a typed client: the object is read,
// given the status, and written back, again when an in-server controller
// wrote it in between.
func setStatus[T, L any](t *testing.T, ctx context.Context, c typed.Interface[T, L], name string, status any) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		cur, err := c.Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err, "get before the status update")
		b, err := codec.Marshal(cur)
		require.NoError(t, err)
		var withStatus map[string]any
		require.NoError(t, json.Unmarshal(b, &withStatus))
		withStatus["status"] = status
		b, err = json.Marshal(withStatus)
		require.NoError(t, err)
		up := new(T)
		require.NoError(t, codec.Unmarshal(b, up), "decode the object with the test status")
		_, err = c.UpdateStatus(ctx, up, metav1.UpdateOptions{FieldManager: "kubewire-lossless"})
		if rest.IsConflict(err) && attempt < 10 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		require.NoError(t, err, "update status")
		return
	}
}

// losslessRun creates obj through a typed client on rc and reads it back;
// rec holds the body of rc's last response.
type losslessRun func(t *testing.T, ctx context.Context, rc *rest.Client, rec *bodyRecorder, ns string, obj []byte) losslessResult

// kindRun returns the round trip of kind T, whose list type is L:
// kindRun[corev1.Pod, corev1.PodList](). The namespace is ignored for
// cluster-scoped kinds.
func kindRun[T, L any, PT typed.Kind[T, L]]() losslessRun {
	return func(t *testing.T, ctx context.Context, rc *rest.Client, _ *bodyRecorder, ns string, obj []byte) losslessResult {
		return roundTrip(t, ctx, rc, typed.For[T, L, PT](rc, ns), obj)
	}
}

// reviewRun returns the round trip of kind T, a review the server answers
// but does not store (TokenReview, SubjectAccessReview): the object is
// created through a typed client, and the server's bytes are those of the
// create response, recorded on the way in.
func reviewRun[T, L any, PT typed.Kind[T, L]]() losslessRun {
	return func(t *testing.T, ctx context.Context, rc *rest.Client, rec *bodyRecorder, ns string, obj []byte) losslessResult {
		t.Helper()
		c := typed.For[T, L, PT](rc, ns)
		in := new(T)
		require.NoError(t, codec.Unmarshal(obj, in), "decode the test object")
		sent, err := codec.Marshal(in)
		require.NoError(t, err)
		got, err := c.Create(ctx, in, metav1.CreateOptions{FieldManager: "kubewire-lossless"})
		require.NoError(t, err, "create")
		res := losslessResult{sent: sent, server: rec.last()}
		require.NotEmpty(t, res.server, "the create response was not recorded")
		res.typed, err = codec.Marshal(got)
		require.NoError(t, err, "codec.Marshal")
		res.stdlib, err = json.Marshal(got)
		require.NoError(t, err, "json.Marshal")
		return res
	}
}

// bodyRecorder keeps the body of the last response its wrapper saw.
type bodyRecorder struct {
	mu   sync.Mutex
	body []byte
}

func (b *bodyRecorder) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		b.mu.Lock()
		b.body = data
		b.mu.Unlock()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		return resp, nil
	})
}

func (b *bodyRecorder) last() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.body
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// roundTrip decodes obj into a T, creates it with c, writes obj's status
// through the status subresource when the kind has one (create ignores
// it), and reads the object back twice at the same resourceVersion: typed
// with Get and raw. Cluster-scoped objects are deleted when the test ends.
func roundTrip[T, L any](t *testing.T, ctx context.Context, rc *rest.Client, c typed.Interface[T, L], obj []byte) losslessResult {
	t.Helper()
	in := new(T)
	require.NoError(t, codec.Unmarshal(obj, in), "decode the test object")
	sent, err := codec.Marshal(in)
	require.NoError(t, err)

	created, err := c.Create(ctx, in, metav1.CreateOptions{FieldManager: "kubewire-lossless"})
	require.NoError(t, err, "create")
	createdJSON, err := codec.Marshal(created)
	require.NoError(t, err)
	name := jsoniter.Get(createdJSON, "metadata", "name").ToString()
	require.NotEmpty(t, name)
	if c.Namespace() == "" {
		t.Cleanup(func() {
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.Delete(dctx, name, metav1.DeleteOptions{}); err != nil && !rest.IsNotFound(err) {
				t.Errorf("delete %s %s: %v", c.Resource().Resource, name, err)
			}
		})
	}
	if status := jsoniter.Get(obj, "status"); status.ValueType() == jsoniter.ObjectValue && slices.Contains(c.Resource().Subresources, "status") {
		setStatus(t, ctx, c, name, status.GetInterface())
	}

	// Objects that an in-server controller updates (a CRD's status) may
	// change between the two reads: read again until both see one version.
	var res losslessResult
	for attempt := 0; ; attempt++ {
		got, err := c.Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err, "typed get")
		raw, err := c.Request(rc.Get(), name).Do(ctx).Raw()
		require.NoError(t, err, "raw get")
		res.server = raw
		res.proto, err = c.Request(rc.Get(), name).Header("Accept", protowire.ContentType).Do(ctx).Raw()
		require.NoError(t, err, "raw get as protobuf")
		res.typed, err = codec.Marshal(got)
		require.NoError(t, err, "codec.Marshal")
		res.stdlib, err = json.Marshal(got)
		require.NoError(t, err, "json.Marshal")
		rv := func(b []byte) string { return jsoniter.Get(b, "metadata", "resourceVersion").ToString() }
		pbRV := ""
		if obj, _, err := apiregistry.Decode(res.proto); err == nil {
			js, _ := codec.Marshal(obj)
			pbRV = rv(js)
		}
		if rv(res.typed) == rv(raw) && pbRV == rv(raw) || attempt == 10 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	res.sent = sent
	return res
}

// notRoundTripped are the kinds the server creates that TestLossless
// does not round-trip, by group/version and kind, with the reason.
var notRoundTripped = map[string]string{
	"v1/Binding": "a create binds a pod to a node and is answered with a Status, not a Binding; nothing is stored",
}

// TestLossless creates an object of every kind the server can create (its
// discovery says which) through a typed client, writes its status where it
// has a status subresource, reads it back, and checks that the typed
// object re-encoded, by kubewire's codec and by encoding/json, is the
// server's JSON.
func TestLossless(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rec := &bodyRecorder{}
	rc := newClient(t, loadKubeconfig(t, env.Kubeconfig(testenv.IdentityAdminToken)), rest.WithWrapper(rec.wrap), rest.WithJSON())
	const ns = "kubewire-lossless"
	require.NoError(t, env.CreateNamespace(ctx, ns))

	fill := placeholders(t, env)
	cases := slices.Concat(losslessCases(), coreCases(), workloadCases(), controlCases(), infraCases(), reviewCases())
	t.Run("every creatable kind has a case", func(t *testing.T) {
		covered := map[string]bool{}
		for _, tc := range cases {
			covered[jsoniter.Get([]byte(tc.obj), "apiVersion").ToString()+"/"+jsoniter.Get([]byte(tc.obj), "kind").ToString()] = true
		}
		var missing []string
		kinds := creatableKinds(t, testContext(t), rc)
		for _, k := range kinds {
			if !covered[k] && notRoundTripped[k] == "" {
				missing = append(missing, k)
			}
		}
		assert.Empty(t, missing, "kinds the server can create that have no case")
		t.Logf("the server can create %d kinds; %d have cases, %d are left out: %v", len(kinds), len(covered), len(notRoundTripped), notRoundTripped)
	})
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			ctx := testContext(t)
			objNS := ns
			if tc.namespace != "" {
				objNS = tc.namespace
				require.NoError(t, env.CreateNamespace(ctx, objNS))
			}
			obj := []byte(fill.Replace(strings.ReplaceAll(tc.obj, "NAMESPACE", objNS)))
			res := tc.run(t, ctx, rc, rec, objNS, obj)
			if lost := missingFrom(t, res.sent, res.server); len(lost) > 0 {
				// Not an error: the server drops the fields of disabled
				// features and normalizes some values.
				t.Logf("stored otherwise than sent (\"server\" is what was sent, \"ours\" what was stored): %q", lost)
			}

			// The test object itself must survive the typed decode: a field
			// dropped here is a field the type does not have.
			assert.Equal(t, tc.knownSendLoss, missingFrom(t, obj, res.sent), "fields of the test object lost by the typed decode/encode")

			known := tc.known
			assert.Equal(t, known, diffJSON(t, res.server, res.typed),
				"server bytes vs typed object re-encoded with codec.Marshal\nserver: %s\nours:   %s", res.server, res.typed)
			if len(known) == 0 {
				// The generated types hold their fields in the order of
				// Kubernetes' Go types: the same bytes as the server's.
				assert.Equal(t, string(bytes.TrimSuffix(res.server, []byte("\n"))), string(res.typed), "server bytes vs typed re-encoded, byte for byte")
			}
			if tc.knownStdlib != nil {
				known = tc.knownStdlib
			}
			assert.Equal(t, known, diffJSON(t, res.server, res.stdlib),
				"server bytes vs typed object re-encoded with encoding/json\nserver: %s\nours:   %s", res.server, res.stdlib)
			if res.proto != nil {
				checkProto(t, res.proto, res.server)
			}
		})
	}
}

// checkProto checks the server's protobuf of an object: it decodes, it
// re-encodes to the same bytes (envelope included), and the value equals
// the one decoded from the server's JSON of the same resourceVersion.
func checkProto(t *testing.T, body, server []byte) {
	t.Helper()
	obj, env, err := apiregistry.Decode(body)
	require.NoError(t, err, "decode the server's protobuf")
	again := apiregistry.Encode(nil, env.APIVersion, env.Kind, obj)
	if !bytes.Equal(again, body) {
		i := 0
		for i < len(again) && i < len(body) && again[i] == body[i] {
			i++
		}
		t.Errorf("protobuf re-encoded: %d bytes, the server's %d; first difference at offset %d\nserver: %q\nours:   %q",
			len(again), len(body), i, body[max(0, i-40):min(len(body), i+40)], again[max(0, i-40):min(len(again), i+40)])
	}
	group, version, ok := strings.Cut(env.APIVersion, "/")
	if !ok {
		group, version = "", env.APIVersion
	}
	fromJSON, ok := apiregistry.New(apiregistry.GVK{Group: group, Version: version, Kind: env.Kind})
	require.True(t, ok)
	require.NoError(t, fromJSON.UnmarshalJSON(server), "decode the server's JSON")
	if !reflect.DeepEqual(fromJSON, obj) {
		a, _ := codec.Marshal(fromJSON)
		b, _ := codec.Marshal(obj)
		// Protobuf carries no apiVersion and kind for an object nested in
		// another (a StatefulSet's volumeClaimTemplates), where the
		// server's JSON has them: Kubernetes' types differ the same way.
		var other []string
		for _, d := range diffJSON(t, a, b) {
			path, _, _ := strings.Cut(d, ":")
			if strings.Contains(path, ".") && (strings.HasSuffix(path, ".apiVersion") || strings.HasSuffix(path, ".kind")) && strings.HasSuffix(d, "ours "+absent) {
				t.Logf("nested TypeMeta not in protobuf: %s", d)
				continue
			}
			other = append(other, d)
		}
		assert.Empty(t, other, "the object read as protobuf differs from the one read as JSON")
	}
}

// creatableKinds returns "GROUP/VERSION/KIND" ("v1/KIND" for the core
// group) of every resource the server itself serves with the create verb,
// in every group/version it serves: subresources and the kinds of custom
// resources (other tests' CRDs) left out.
func creatableKinds(t *testing.T, ctx context.Context, rc *rest.Client) []string {
	t.Helper()
	var crds struct {
		Items []struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
			} `json:"spec"`
		} `json:"items"`
	}
	require.NoError(t, rc.Get().AbsPath("apis", "apiextensions.k8s.io", "v1", "customresourcedefinitions").Into(ctx, &crds))
	custom := map[string]bool{}
	for _, c := range crds.Items {
		custom[c.Spec.Group+"/"+c.Spec.Names.Kind] = true
	}
	type resourceList struct {
		Resources []struct {
			Name, Kind string
			Verbs      []string
		} `json:"resources"`
	}
	var groups struct {
		Groups []struct {
			Versions []struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"versions"`
		} `json:"groups"`
	}
	require.NoError(t, rc.Get().AbsPath("apis").Into(ctx, &groups))
	paths := map[string][]string{"v1": {"api", "v1"}}
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			paths[v.GroupVersion] = append([]string{"apis"}, strings.Split(v.GroupVersion, "/")...)
		}
	}
	var kinds []string
	for gv, path := range paths {
		var list resourceList
		require.NoError(t, rc.Get().AbsPath(path...).Into(ctx, &list), "discovery of %s", gv)
		group, _, _ := strings.Cut(gv, "/")
		for _, r := range list.Resources {
			if !strings.Contains(r.Name, "/") && slices.Contains(r.Verbs, "create") && !custom[group+"/"+r.Kind] {
				kinds = append(kinds, gv+"/"+r.Kind)
			}
		}
	}
	slices.Sort(kinds)
	require.NotEmpty(t, kinds)
	return kinds
}

// placeholders returns the replacements of the words in the test objects
// that stand for values made at run time: JANE_TOKEN, jane's bearer token;
// CA_PEM, a CA certificate (JSON-escaped PEM); CSR_PEM_B64 and CSR_DER_B64,
// a PKCS #10 request, base64 of its PEM and of its DER form.
func placeholders(t *testing.T, env *testenv.Env) *strings.Replacer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubewire-lossless-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	ca, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	caPEM, err := json.Marshal(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca})))
	require.NoError(t, err)
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "jane", Organization: []string{"devs"}}}, key)
	require.NoError(t, err)
	csrPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})
	return strings.NewReplacer("JANE_TOKEN", env.JaneToken, "CA_PEM", string(caPEM[1:len(caPEM)-1]),
		"CSR_PEM_B64", base64.StdEncoding.EncodeToString(csrPEM), "CSR_DER_B64", base64.StdEncoding.EncodeToString(csr))
}

// decodeAny decodes JSON keeping numbers as their text, so that 1 and 1.0
// differ as they do on the wire.
func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), "decode %s", b)
	return v
}

// diffJSON returns the differences between the JSON documents server and
// ours, one line per differing path, sorted:
//
//	PATH: server VALUE, ours VALUE
//
// where an absent member is shown as <absent>. Arrays of different lengths
// are reported whole.
func diffJSON(t *testing.T, server, ours []byte) []string {
	t.Helper()
	var out []string
	walkDiff("", decodeAny(t, server), decodeAny(t, ours), false, &out)
	slices.Sort(out)
	return out
}

// missingFrom returns the paths of want (the test object) that got lacks
// or holds a different value at; members only in got are not reported.
func missingFrom(t *testing.T, want, got []byte) []string {
	t.Helper()
	var out []string
	walkDiff("", decodeAny(t, want), decodeAny(t, got), true, &out)
	slices.Sort(out)
	return out
}

const absent = "<absent>"

func walkDiff(path string, a, b any, subset bool, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := make([]string, 0, len(am)+len(bm))
		for k := range am {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, ok := am[k]; !ok && !subset {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			av, ain := am[k]
			bv, bin := bm[k]
			switch {
			case ain && bin:
				walkDiff(p, av, bv, subset, out)
			case ain:
				*out = append(*out, fmt.Sprintf("%s: server %s, ours %s", p, show(av), absent))
			default:
				*out = append(*out, fmt.Sprintf("%s: server %s, ours %s", p, absent, show(bv)))
			}
		}
		return
	}
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok && len(as) == len(bs) {
		for i := range as {
			walkDiff(fmt.Sprintf("%s[%d]", path, i), as[i], bs[i], subset, out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, fmt.Sprintf("%s: server %s, ours %s", path, show(a), show(b)))
	}
}

// show renders a decoded JSON value compactly, cut at 120 bytes.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}
