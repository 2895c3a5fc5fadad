package podstream

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func archive(t testing.TB, entries ...tar.Header) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Name))
		}
		require.NoError(t, tw.WriteHeader(&h))
		if h.Typeflag == tar.TypeReg {
			_, _ = tw.Write([]byte(h.Name))
		}
	}
	require.NoError(t, tw.Close())
	return b.Bytes()
}

func TestStripPathShortcuts(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/foo": "tmp/foo", "tmp/foo/": "tmp/foo", "../../x": "x", "./a/../b": "b",
		"/": "", ".": "", "..": "", "../..": "",
	} {
		assert.Equal(t, want, stripPathShortcuts(in), in)
	}
}

func TestRelEntry(t *testing.T) {
	ok := map[[2]string]string{
		{"tmp/foo", "tmp/foo"}: "", {"tmp/foo/", "tmp/foo"}: "", {"tmp/foo/a/b", "tmp/foo"}: "a/b",
		{"x/y", ""}: "x/y", {"./tmp/foo/a", "tmp/foo"}: "a",
	}
	for in, want := range ok {
		got, err := relEntry(in[0], in[1])
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range [][2]string{{"/tmp/foo", "tmp/foo"}, {"tmp/foo/../x", "tmp/foo"}, {"tmp/foobar", "tmp/foo"}, {"..", ""}} {
		_, err := relEntry(in[0], in[1])
		var ue *UnsafePathError
		assert.ErrorAs(t, err, &ue, in)
	}
}

func TestLinkStaysInside(t *testing.T) {
	assert.True(t, linkStaysInside("a/l", "../b"))
	assert.True(t, linkStaysInside("l", "b/c"))
	assert.False(t, linkStaysInside("a/l", "../../b"))
	assert.False(t, linkStaysInside("l", "/etc"))
	assert.False(t, linkStaysInside("l", ""))
}

// A link inside the tree cannot be used to write outside it, even when a
// later entry names a path through it.
func TestExtractThroughLink(t *testing.T) {
	sandbox := t.TempDir()
	outside := filepath.Join(sandbox, "outside")
	require.NoError(t, os.Mkdir(outside, 0o755))
	data := archive(t,
		tar.Header{Name: "p/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "p/ok", Typeflag: tar.TypeSymlink, Linkname: "sub"},
		tar.Header{Name: "p/sub/", Typeflag: tar.TypeDir, Mode: 0o700},
		tar.Header{Name: "p/ok/f", Typeflag: tar.TypeReg, Mode: 0o640},
	)
	require.NoError(t, extractTar(bytes.NewReader(data), "p", filepath.Join(sandbox, "dest"), nil))
	b, err := os.ReadFile(filepath.Join(sandbox, "dest", "sub", "f"))
	require.NoError(t, err, "written through the inside link")
	assert.Equal(t, "p/ok/f", string(b))
	fi, _ := os.Stat(filepath.Join(sandbox, "dest", "sub"))
	assert.Equal(t, fs.FileMode(0o700), fi.Mode().Perm())
	entries, _ := os.ReadDir(outside)
	assert.Empty(t, entries)
}

// FuzzExtractTar extracts arbitrary archives: whatever the input, nothing
// may appear outside the destination, and every link in it must resolve
// inside it.
func FuzzExtractTar(f *testing.F) {
	f.Add(archive(f, tar.Header{Name: "p/a", Typeflag: tar.TypeReg, Mode: 0o644}))
	f.Add(archive(f, tar.Header{Name: "p/l", Typeflag: tar.TypeSymlink, Linkname: "../../x"}, tar.Header{Name: "p/l/f", Typeflag: tar.TypeReg}))
	f.Add(archive(f, tar.Header{Name: "p/d/", Typeflag: tar.TypeDir, Mode: 0o500}, tar.Header{Name: "p/d/f", Typeflag: tar.TypeReg, Mode: 0o400}))
	f.Add(archive(f, tar.Header{Name: "p/h", Typeflag: tar.TypeLink, Linkname: "p/a"}, tar.Header{Name: "/abs", Typeflag: tar.TypeReg}))
	f.Add(archive(f, tar.Header{Name: "p/../../up", Typeflag: tar.TypeReg}))
	f.Fuzz(func(t *testing.T, data []byte) {
		sandbox := t.TempDir()
		dest := filepath.Join(sandbox, "dest")
		_ = extractTar(bytes.NewReader(data), "p", dest, nil)
		_ = filepath.WalkDir(sandbox, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p == sandbox {
				return nil
			}
			if p != dest && !strings.HasPrefix(p, dest+string(filepath.Separator)) {
				t.Fatalf("%s written outside the destination", p)
			}
			if d.Type()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(p)
				resolved := filepath.Join(filepath.Dir(p), target)
				if filepath.IsAbs(target) || (resolved != dest && !strings.HasPrefix(resolved, dest+string(filepath.Separator))) {
					t.Fatalf("link %s -> %s leaves the destination", p, target)
				}
			}
			// Make everything removable for the temp dir's cleanup.
			_ = os.Chmod(p, 0o700)
			return nil
		})
	})
}
