package discovery

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubewire/kubewire/internal/codec"
	"github.com/kubewire/kubewire/rest"
)

// cacheFile is the name of a server's entry inside its directory.
const cacheFile = "serverresources.json"

// DefaultCacheDir returns kubectl's discovery cache directory,
// ~/.kube/cache/discovery (each server gets a directory inside it named
// after its host and port), or "" when the home directory is unknown.
func DefaultCacheDir() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".kube", "cache", "discovery")
}

// diskCache stores one entry per server under dir.
type diskCache struct {
	dir string
	ttl time.Duration
}

// diskEntry is the stored form of a discovery answer.
type diskEntry struct {
	Fetched   time.Time  `json:"fetched"`
	ETags     [2]string  `json:"etags"`
	Hash      string     `json:"hash"`
	Groups    string     `json:"groups,omitempty"` // legacy discovery: the group lists' hash
	Resources *Resources `json:"resources"`
}

// ServerCacheDir returns the directory of server's entries inside dir:
// dir/HOST_PORT (the URL's path appended, every character other than
// letters, digits, '.', '-' and '_' replaced by '_').
func ServerCacheDir(dir string, server string) string {
	s := server
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimSuffix(s, "/")
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	if name == "" || strings.Trim(name, ".") == "" {
		name = "_"
	}
	return filepath.Join(dir, name)
}

func (d *diskCache) path(rc *rest.Client) string {
	return filepath.Join(ServerCacheDir(d.dir, rc.Server().String()), cacheFile)
}

// load returns the server's entry, or nil when there is none or it cannot
// be read (a corrupt entry is treated as missing, and replaced).
func (d *diskCache) load(rc *rest.Client) *diskEntry {
	p := d.path(rc)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		// An entry others can write is not trusted.
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	var e diskEntry
	if codec.Unmarshal(b, &e) != nil || e.Resources == nil {
		return nil
	}
	return &e
}

// store writes the entry atomically (a temporary file renamed over the
// old one). Failures are ignored: the cache is an optimisation.
func (d *diskCache) store(rc *rest.Client, e *diskEntry) {
	p := d.path(rc)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	_ = os.Chmod(dir, 0o700)
	b, err := codec.Marshal(e)
	if err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-"+cacheFile+"-*")
	if err != nil {
		return
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Chmod(tmp, 0o600) != nil || os.Rename(tmp, p) != nil {
		os.Remove(tmp)
	}
}
