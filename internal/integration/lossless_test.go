//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	jsoniter "github.com/json-iterator/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/codec"
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
	// object's namespace.
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
}

// losslessRun creates obj through a typed client and reads it back.
type losslessRun func(t *testing.T, ctx context.Context, rc *rest.Client, ns string, obj []byte) losslessResult

// kindRun returns the round trip of kind T, whose list type is L:
// kindRun[corev1.Pod, corev1.PodList](). The namespace is ignored for
// cluster-scoped kinds.
func kindRun[T, L any, PT typed.Kind[T, L]]() losslessRun {
	return func(t *testing.T, ctx context.Context, rc *rest.Client, ns string, obj []byte) losslessResult {
		return roundTrip(t, ctx, rc, typed.For[T, L, PT](rc, ns), obj)
	}
}

// roundTrip decodes obj into a T, creates it with c, and reads it back
// twice at the same resourceVersion: typed with Get and raw. Cluster-scoped
// objects are deleted when the test ends.
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

	// Objects that an in-server controller updates (a CRD's status) may
	// change between the two reads: read again until both see one version.
	var res losslessResult
	for attempt := 0; ; attempt++ {
		got, err := c.Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err, "typed get")
		raw, err := c.Request(rc.Get(), name).Do(ctx).Raw()
		require.NoError(t, err, "raw get")
		res.server = raw
		res.typed, err = codec.Marshal(got)
		require.NoError(t, err, "codec.Marshal")
		res.stdlib, err = json.Marshal(got)
		require.NoError(t, err, "json.Marshal")
		rv := func(b []byte) string { return jsoniter.Get(b, "metadata", "resourceVersion").ToString() }
		if rv(res.typed) == rv(raw) || attempt == 10 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	res.sent = sent
	return res
}

func TestLossless(t *testing.T) {
	env := testenv.Shared(t)
	ctx := testContext(t)
	rc := clientFor(t, env, testenv.IdentityAdminToken)
	const ns = "kubewire-lossless"
	require.NoError(t, env.CreateNamespace(ctx, ns))

	for _, tc := range losslessCases() {
		t.Run(tc.kind, func(t *testing.T) {
			ctx := testContext(t)
			objNS := ns
			if tc.namespace != "" {
				objNS = tc.namespace
				require.NoError(t, env.CreateNamespace(ctx, objNS))
			}
			obj := []byte(strings.ReplaceAll(tc.obj, "NAMESPACE", objNS))
			res := tc.run(t, ctx, rc, objNS, obj)

			// The test object itself must survive the typed decode: a field
			// dropped here is a field the type does not have.
			assert.Equal(t, tc.knownSendLoss, missingFrom(t, obj, res.sent), "fields of the test object lost by the typed decode/encode")

			known := tc.known
			assert.Equal(t, known, diffJSON(t, res.server, res.typed),
				"server bytes vs typed object re-encoded with codec.Marshal\nserver: %s\nours:   %s", res.server, res.typed)
			if tc.knownStdlib != nil {
				known = tc.knownStdlib
			}
			assert.Equal(t, known, diffJSON(t, res.server, res.stdlib),
				"server bytes vs typed object re-encoded with encoding/json\nserver: %s\nours:   %s", res.server, res.stdlib)
		})
	}
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
