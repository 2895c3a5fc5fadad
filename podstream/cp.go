package podstream

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/kubewire/kubewire/rest"
)

// CopyOptions tunes CopyToPod and CopyFromPod. The zero value copies with
// the pod's only container, offering v5 then v4.
type CopyOptions struct {
	// Container names the container; empty means the pod's only one.
	Container string
	// Protocols are offered in order; empty means DefaultProtocols. With
	// v4, which cannot end stdin, CopyToPod sends the archive's size first
	// and the container needs sh and head besides tar.
	Protocols []string
	// Stderr receives the remote tar's standard error. Nil keeps its last
	// KiB for the error of a failed copy.
	Stderr io.Writer
	// SkippedSymlink, when set, makes CopyFromPod skip symbolic links, as
	// kubectl cp does: nothing is written for them, and SkippedSymlink is
	// called with each one's local path (dest joined with its path below
	// the copied one) and target. Nil recreates links that stay inside
	// the destination and refuses the others.
	SkippedSymlink func(localPath, target string)
}

// CopyToPod copies the local file or directory tree src into the pod, as
// kubectl cp does: to dest, or into dest when dest is a directory in the
// pod. File and directory modes are kept; symbolic links are copied as
// links. The container needs tar. Errors: a missing src, the remote tar's
// failure (an *ExitError wrapped with its stderr), or the errors of Exec.
func CopyToPod(ctx context.Context, c *rest.Client, namespace, pod, src, dest string, o CopyOptions) error {
	if _, err := os.Lstat(src); err != nil {
		return &LocalPathError{Path: src, Err: err}
	}
	if dest == "" {
		return &rest.RequestError{Field: "dest", Reason: "empty path"}
	}
	// Is dest a directory? The same exec learns the protocol the server
	// speaks.
	s, err := StartExec(ctx, c, namespace, pod, []string{"test", "-d", dest},
		SessionOptions{Container: o.Container, Stdout: io.Discard, Protocols: o.Protocols})
	if err != nil {
		return err
	}
	werr := s.Wait()
	var exit *ExitError
	switch {
	case werr == nil:
		dest = path.Join(dest, filepath.Base(filepath.Clean(src)))
	case errors.As(werr, &exit):
	default:
		return werr
	}
	proto := s.Protocol()
	destDir, destBase := path.Dir(path.Clean(dest)), path.Base(path.Clean(dest))

	cmd := []string{"tar", "-xmf", "-", "-C", destDir}
	protocols := o.Protocols
	if proto == ProtocolV4 {
		// Without a way to end stdin, the remote side reads exactly the
		// archive's size.
		n, err := writeTree(countWriter{new(int64)}, src, destBase, true)
		if err != nil {
			return err
		}
		cmd = []string{"sh", "-c", "head -c " + strconv.FormatInt(n, 10) + " | tar -xmf - -C " + shellQuote(destDir)}
		protocols = []string{ProtocolV4}
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := writeTree(pw, src, destBase, false)
		_ = pw.CloseWithError(err)
	}()
	defer pr.Close()
	stderr, tail := stderrSink(o.Stderr)
	err = Exec(ctx, c, namespace, pod, cmd, ExecOptions{
		Container: o.Container, Stdin: pr, Stdout: io.Discard, Stderr: stderr, Protocols: protocols,
	})
	return withStderr(err, tail)
}

// CopyFromPod copies the file or directory tree src in the pod to the
// local path dest, as kubectl cp does: dest becomes the copy of src. File
// and directory modes are kept; symbolic links whose targets stay inside
// dest are recreated, others refused (or all skipped, see
// CopyOptions.SkippedSymlink). Entries with absolute names, ".."
// elements or names outside src are refused with *UnsafePathError: the
// pod is not trusted. The container needs tar.
func CopyFromPod(ctx context.Context, c *rest.Client, namespace, pod, src, dest string, o CopyOptions) error {
	if src == "" || dest == "" {
		return &rest.RequestError{Field: "src and dest", Reason: "empty path"}
	}
	prefix := stripPathShortcuts(path.Clean(src))
	pr, pw := io.Pipe()
	extracted := make(chan error, 1)
	go func() {
		err := extractTar(pr, prefix, dest, o.SkippedSymlink)
		if err == nil {
			_, _ = io.Copy(io.Discard, pr) // the archive's padding
		}
		_ = pr.CloseWithError(errExtractDone)
		extracted <- err
	}()
	stderr, tail := stderrSink(o.Stderr)
	err := Exec(ctx, c, namespace, pod, []string{"tar", "cf", "-", src}, ExecOptions{
		Container: o.Container, Stdout: pw, Stderr: stderr, Protocols: o.Protocols,
	})
	_ = pw.Close()
	if xerr := <-extracted; xerr != nil {
		return xerr
	}
	return withStderr(err, tail)
}

// errExtractDone ends the copy of the archive once extraction has
// stopped.
var errExtractDone = errors.New("podstream: extraction ended")

// writeTree writes a tar archive of src whose entries are named destBase
// and destBase/REL, and returns its size. With zeros, file contents are
// not read (zeros stand in for them), to learn the size in advance.
func writeTree(w io.Writer, src, destBase string, zeros bool) (int64, error) {
	cw := countWriter{new(int64)}
	tw := tar.NewWriter(io.MultiWriter(w, cw))
	src = filepath.Clean(src)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		name := destBase
		if rel != "." {
			name = destBase + "/" + filepath.ToSlash(rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		var link string
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		if !info.Mode().IsRegular() && !info.IsDir() && info.Mode()&fs.ModeSymlink == 0 {
			return nil // sockets, devices and FIFOs are not copied
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name = name
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		if zeros {
			_, err = io.CopyN(tw, zeroReader{}, h.Size)
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.Copy(tw, f)
		if err == nil && n != h.Size {
			err = &LocalPathError{Path: p, Changed: true}
		}
		return err
	})
	if err != nil {
		return *cw.n, err
	}
	err = tw.Close()
	return *cw.n, err
}

type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// stderrSink returns where the remote stderr goes: w, or a buffer keeping
// its last KiB.
func stderrSink(w io.Writer) (io.Writer, *tailBuffer) {
	if w != nil {
		return w, nil
	}
	t := &tailBuffer{}
	return t, t
}

// withStderr adds the remote tar's stderr to a failed copy's error.
func withStderr(err error, t *tailBuffer) error {
	if err == nil || t == nil {
		return err
	}
	if msg := strings.TrimSpace(t.String()); msg != "" {
		return fmt.Errorf("%w: %s", err, msg)
	}
	return err
}

// tailBuffer keeps the last KiB written to it.
type tailBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if t.b.Len() > 1024 {
		t.b.Next(t.b.Len() - 1024)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}
