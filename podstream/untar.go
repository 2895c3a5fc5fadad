package podstream

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// UnsafePathError is an archive entry CopyFromPod refused to extract: an
// absolute name, a ".." element, a name outside the copied path, or a link
// whose target leaves the destination. Nothing is written for it, and the
// copy stops.
type UnsafePathError struct {
	// Name is the entry's name in the archive.
	Name string
	// Target is the link target, for links.
	Target string
	// Reason says which rule the entry broke.
	Reason string
}

// Error names the entry and the rule.
func (e *UnsafePathError) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("podstream: refusing archive entry %q -> %q: %s", e.Name, e.Target, e.Reason)
	}
	return fmt.Sprintf("podstream: refusing archive entry %q: %s", e.Name, e.Reason)
}

// stripPathShortcuts removes leading "/", "./" and "../" elements from a
// cleaned remote path, giving the prefix tar gives the copied path's
// entries.
func stripPathShortcuts(p string) string {
	p = path.Clean(strings.TrimLeft(p, "/"))
	for {
		switch {
		case p == "." || p == "..":
			return ""
		case strings.HasPrefix(p, "../"):
			p = p[3:]
		case strings.HasPrefix(p, "./"):
			p = p[2:]
		default:
			return p
		}
	}
}

// hasDotDot reports whether a slash-separated name has a ".." element.
func hasDotDot(name string) bool {
	return slices.Contains(strings.Split(name, "/"), "..")
}

// relEntry checks an entry name against the prefix of the copied path and
// returns its path below the destination ("" for the copied path itself).
func relEntry(name, prefix string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", &UnsafePathError{Name: name, Reason: "absolute path"}
	}
	if hasDotDot(name) {
		return "", &UnsafePathError{Name: name, Reason: `".." element`}
	}
	n := strings.TrimSuffix(path.Clean(name), "/")
	if n == "." {
		n = ""
	}
	switch {
	case prefix == "":
	case n == prefix:
		n = ""
	case strings.HasPrefix(n, prefix+"/"):
		n = n[len(prefix)+1:]
	default:
		return "", &UnsafePathError{Name: name, Reason: "not under the copied path " + prefix}
	}
	return n, nil
}

// linkStaysInside reports whether a symbolic link at rel (relative to the
// destination) pointing to target resolves inside the destination.
func linkStaysInside(rel, target string) bool {
	if target == "" || strings.HasPrefix(target, "/") || filepath.IsAbs(target) {
		return false
	}
	r := path.Join(path.Dir(rel), target)
	return r != ".." && !strings.HasPrefix(r, "../")
}

// extractTar writes the entries of a tar stream below dest: the copied
// path's own entry becomes dest, the others dest/REST. Regular files,
// directories and links are created with their modes (permission bits);
// other entry types are skipped. Every write goes through an os.Root at
// dest's parent, so no path, even through a link, can leave it; names and
// link targets that would are refused with *UnsafePathError. A non-nil
// skipLink makes symbolic links skipped instead: it gets each one's local
// path and target.
func extractTar(r io.Reader, prefix, dest string, skipLink func(local, target string)) error {
	dest = filepath.Clean(dest)
	parent, base := filepath.Dir(dest), filepath.Base(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(parent)
	if err != nil {
		return err
	}
	defer root.Close()
	type dirMode struct {
		name string
		mode fs.FileMode
	}
	var dirs []dirMode
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("podstream: reading the archive: %w", err)
		}
		rel, err := relEntry(h.Name, prefix)
		if err != nil {
			return err
		}
		name := base
		if rel != "" {
			name = base + "/" + rel
		}
		mode := fs.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o700); err != nil {
				return err
			}
			dirs = append(dirs, dirMode{name, mode})
		case tar.TypeReg, tar.TypeRegA:
			if err := mkParent(root, name); err != nil {
				return err
			}
			f, err := root.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			_, cerr := io.Copy(f, tr)
			if err := errors.Join(cerr, f.Close()); err != nil {
				return err
			}
			if err := root.Chmod(name, mode); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if skipLink != nil {
				// kubectl creates the link's directory all the same.
				if err := mkParent(root, name); err != nil {
					return err
				}
				skipLink(filepath.Join(dest, filepath.FromSlash(rel)), h.Linkname)
				continue
			}
			if !linkStaysInside(rel, h.Linkname) {
				return &UnsafePathError{Name: h.Name, Target: h.Linkname, Reason: "symbolic link leaves the destination"}
			}
			if err := mkParent(root, name); err != nil {
				return err
			}
			_ = root.Remove(name)
			if err := root.Symlink(h.Linkname, name); err != nil {
				return err
			}
		case tar.TypeLink:
			target, err := relEntry(h.Linkname, prefix)
			if err != nil {
				return &UnsafePathError{Name: h.Name, Target: h.Linkname, Reason: "hard link to a file outside the copied path"}
			}
			targetName := base
			if target != "" {
				targetName = base + "/" + target
			}
			if err := mkParent(root, name); err != nil {
				return err
			}
			_ = root.Remove(name)
			if err := root.Link(targetName, name); err != nil {
				return err
			}
		default:
			// Devices, FIFOs and the like are not copied.
		}
	}
	// Directory modes last, deepest first, so a read-only directory did
	// not stop its entries from being written.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := root.Chmod(dirs[i].name, dirs[i].mode); err != nil {
			return err
		}
	}
	return nil
}

// mkParent creates the directories above name.
func mkParent(root *os.Root, name string) error {
	if dir := path.Dir(name); dir != "." {
		return root.MkdirAll(dir, 0o755)
	}
	return nil
}
