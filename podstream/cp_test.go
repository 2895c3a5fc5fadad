package podstream_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/podstream"
)

// runLocal runs the command on this machine, as the kubelet stand-in does:
// the "pod" sees the local file system.
func runLocal(ctx context.Context, s fake.ExecStreams) error {
	cmd := exec.CommandContext(ctx, s.Command[0], s.Command[1:]...)
	cmd.Stdout, cmd.Stderr = s.Stdout, s.Stderr
	var stdin io.WriteCloser
	if s.Stdin != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return err
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if stdin != nil {
		go func() {
			_, _ = io.Copy(stdin, s.Stdin)
			_ = stdin.Close()
		}()
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return fake.ExitCode(ee.ExitCode())
	}
	return err
}

// makeTree writes a small tree with modes, a nested directory, an empty
// file, a symbolic link inside the tree and a larger file.
func makeTree(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755))
	write := func(name string, data []byte, mode fs.FileMode) {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, mode))
		require.NoError(t, os.Chmod(p, mode))
	}
	write("a.txt", []byte("hello\n"), 0o644)
	write("run.sh", []byte("#!/bin/sh\necho hi\n"), 0o755)
	write("secret", []byte("s"), 0o600)
	write("empty", nil, 0o640)
	big := make([]byte, 300_000)
	for i := range big {
		big[i] = byte(i * 7)
	}
	write("sub/deeper/big.bin", big, 0o644)
	require.NoError(t, os.Symlink("../a.txt", filepath.Join(dir, "sub", "link")))
	require.NoError(t, os.Chmod(filepath.Join(dir, "sub"), 0o750))
}

// sameTree compares two trees: types, permission bits, contents, links.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	n := 0
	require.NoError(t, filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(want, p)
		wi, err := os.Lstat(p)
		require.NoError(t, err)
		gi, err := os.Lstat(filepath.Join(got, rel))
		require.NoError(t, err, rel)
		assert.Equal(t, wi.Mode(), gi.Mode(), rel)
		switch {
		case wi.Mode().IsRegular():
			wb, _ := os.ReadFile(p)
			gb, _ := os.ReadFile(filepath.Join(got, rel))
			assert.True(t, bytes.Equal(wb, gb), "content of %s", rel)
		case wi.Mode()&fs.ModeSymlink != 0:
			wl, _ := os.Readlink(p)
			gl, _ := os.Readlink(filepath.Join(got, rel))
			assert.Equal(t, wl, gl, rel)
		}
		n++
		return nil
	}))
	assert.Positive(t, n)
}

func TestCopyRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar is not installed")
	}
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", runLocal)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src)

	for _, protos := range [][]string{nil, {podstream.ProtocolV4}} {
		name := "v5"
		if protos != nil {
			name = "v4"
		}
		t.Run(name, func(t *testing.T) {
			podDir := filepath.Join(dir, "pod-"+name)
			require.NoError(t, os.Mkdir(podDir, 0o755))
			o := podstream.CopyOptions{Protocols: protos}
			// To a path that does not exist: it becomes the copy.
			require.NoError(t, podstream.CopyToPod(ctx(t), c, "ns", "web", src, podDir+"/copy", o))
			sameTree(t, src, podDir+"/copy")
			// To an existing directory: the copy goes inside it.
			require.NoError(t, podstream.CopyToPod(ctx(t), c, "ns", "web", src, podDir, o))
			sameTree(t, src, podDir+"/src")
			// A single file.
			require.NoError(t, podstream.CopyToPod(ctx(t), c, "ns", "web", src+"/run.sh", podDir+"/tool", o))
			sameTree(t, src+"/run.sh", podDir+"/tool")

			back := filepath.Join(dir, "back-"+name)
			require.NoError(t, podstream.CopyFromPod(ctx(t), c, "ns", "web", podDir+"/copy", back, o))
			sameTree(t, src, back)
			require.NoError(t, podstream.CopyFromPod(ctx(t), c, "ns", "web", podDir+"/tool", back+"-file", o))
			sameTree(t, src+"/run.sh", back+"-file")
		})
	}

	err := podstream.CopyToPod(ctx(t), c, "ns", "web", filepath.Join(dir, "missing"), "/tmp/x", podstream.CopyOptions{})
	assert.EqualError(t, err, filepath.Join(dir, "missing")+" doesn't exist in local filesystem")
	err = podstream.CopyFromPod(ctx(t), c, "ns", "web", filepath.Join(dir, "missing"), filepath.Join(dir, "nothing"), podstream.CopyOptions{})
	var exit *podstream.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Contains(t, err.Error(), "No such file or directory", "the remote tar's stderr")
}

// An archive from the pod cannot write outside the destination.
func TestCopyFromPodRefusesUnsafeEntries(t *testing.T) {
	cases := map[string][]tar.Header{
		"absolute":       {{Name: "/etc/evil", Typeflag: tar.TypeReg, Mode: 0o644}},
		"dot dot":        {{Name: "data/../../evil", Typeflag: tar.TypeReg, Mode: 0o644}},
		"outside prefix": {{Name: "other/evil", Typeflag: tar.TypeReg, Mode: 0o644}},
		"escaping link":  {{Name: "data/l", Typeflag: tar.TypeSymlink, Linkname: "../../outside"}},
		"absolute link":  {{Name: "data/l", Typeflag: tar.TypeSymlink, Linkname: "/etc"}},
		"hard link out":  {{Name: "data/h", Typeflag: tar.TypeLink, Linkname: "etc/passwd"}},
	}
	for name, headers := range cases {
		t.Run(name, func(t *testing.T) {
			var archive bytes.Buffer
			tw := tar.NewWriter(&archive)
			for _, h := range headers {
				require.NoError(t, tw.WriteHeader(&h))
			}
			require.NoError(t, tw.Close())
			srv, c := setup(t)
			srv.HandleExec("ns", "web", "app", func(_ context.Context, s fake.ExecStreams) error {
				_, err := s.Stdout.Write(archive.Bytes())
				return err
			})
			sandbox := t.TempDir()
			err := podstream.CopyFromPod(ctx(t), c, "ns", "web", "/data", filepath.Join(sandbox, "dest"), podstream.CopyOptions{})
			var ue *podstream.UnsafePathError
			require.ErrorAs(t, err, &ue)
			entries, _ := os.ReadDir(sandbox)
			for _, e := range entries {
				assert.Equal(t, "dest", e.Name(), "nothing written beside the destination")
			}
		})
	}
}

// With SkippedSymlink, links are skipped and reported, as kubectl cp does,
// escaping ones included (nothing is written for them).
func TestCopyFromPodSkipsSymlinks(t *testing.T) {
	var archive bytes.Buffer
	tw := tar.NewWriter(&archive)
	for _, h := range []tar.Header{
		{Name: "data/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "data/f", Typeflag: tar.TypeReg, Mode: 0o644, Size: 2},
		{Name: "data/in", Typeflag: tar.TypeSymlink, Linkname: "f"},
		{Name: "data/sub/out", Typeflag: tar.TypeSymlink, Linkname: "../../../etc/passwd"},
		{Name: "data/abs", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
	} {
		require.NoError(t, tw.WriteHeader(&h))
		if h.Size > 0 {
			_, err := tw.Write([]byte("hi"))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	srv, c := setup(t)
	srv.HandleExec("ns", "web", "app", func(_ context.Context, s fake.ExecStreams) error {
		_, err := s.Stdout.Write(archive.Bytes())
		return err
	})
	dest := filepath.Join(t.TempDir(), "dest")
	var skipped []string
	err := podstream.CopyFromPod(ctx(t), c, "ns", "web", "/data", dest, podstream.CopyOptions{
		SkippedSymlink: func(local, target string) { skipped = append(skipped, local+" -> "+target) },
	})
	require.NoError(t, err)
	assert.Equal(t, []string{
		filepath.Join(dest, "in") + " -> f",
		filepath.Join(dest, "sub", "out") + " -> ../../../etc/passwd",
		filepath.Join(dest, "abs") + " -> /etc",
	}, skipped)
	b, err := os.ReadFile(filepath.Join(dest, "f"))
	require.NoError(t, err)
	assert.Equal(t, "hi", string(b))
	for _, name := range []string{"in", "sub/out", "abs"} {
		_, err := os.Lstat(filepath.Join(dest, name))
		assert.ErrorIs(t, err, fs.ErrNotExist, name)
	}
}
