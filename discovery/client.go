package discovery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
)

// DefaultCacheTTL is how long a disk cache entry of legacy discovery is
// used while the server's group list is unchanged, when WithDiskCache is
// given no TTL.
const DefaultCacheTTL = 6 * time.Hour

// Client discovers what one API server serves. It caches the answer in
// memory until Invalidate, and on disk when WithDiskCache is given. It is
// safe for concurrent use.
type Client struct {
	rc         *rest.Client
	legacyOnly bool
	disk       *diskCache
	now        func() time.Time

	mu      sync.Mutex
	mem     *fetched
	invalid bool // Invalidate was called: revalidate the disk entry
}

// Option configures New.
type Option func(*Client) error

// WithDiskCache keeps discovery answers under dir (one file per server;
// use DefaultCacheDir for kubectl's layout), created with private
// permissions (0700 directories, 0600 files). An entry is never used
// without asking the server whether its group list changed: with aggregated
// discovery the client revalidates it with the server's ETags (two
// conditional requests answered 304 Not Modified while nothing changed);
// with legacy discovery it reads /api and /apis and uses an entry younger
// than ttl only when those group lists are the ones it was built from,
// fetching every group version's resources again otherwise. ttl 0 means
// DefaultCacheTTL.
func WithDiskCache(dir string, ttl time.Duration) Option {
	return func(c *Client) error {
		if dir == "" {
			return &rest.ConfigError{Field: "WithDiskCache", Reason: "empty directory"}
		}
		if ttl < 0 {
			return &rest.ConfigError{Field: "WithDiskCache", Reason: fmt.Sprintf("negative TTL %v", ttl)}
		}
		if ttl == 0 {
			ttl = DefaultCacheTTL
		}
		c.disk = &diskCache{dir: dir, ttl: ttl}
		return nil
	}
}

// WithLegacyDiscovery turns aggregated discovery off: the client reads
// /api, /apis and then each group version's resource list.
func WithLegacyDiscovery() Option {
	return func(c *Client) error { c.legacyOnly = true; return nil }
}

// New returns a Client that discovers through rc. A nil rc or a bad option
// is a *rest.ConfigError.
func New(rc *rest.Client, opts ...Option) (*Client, error) {
	if rc == nil {
		return nil, &rest.ConfigError{Field: "New", Reason: "nil rest client"}
	}
	c := &Client{rc: rc, now: time.Now}
	for _, o := range opts {
		if o == nil {
			return nil, &rest.ConfigError{Field: "Option", Reason: "nil option"}
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ServerVersion returns the server's /version. It is never cached.
func (c *Client) ServerVersion(ctx context.Context) (*metav1.VersionInfo, error) {
	var v metav1.VersionInfo
	if err := c.rc.Get().AbsPath("/version").Into(ctx, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// ServerResources returns every group, version and resource the server
// serves, from the memory cache, the disk cache or the server. When some
// group versions failed (an aggregated API that is down) it returns the
// others together with a *PartialError naming the failures; any other
// error comes with nil Resources. The result must not be modified.
func (c *Client) ServerResources(ctx context.Context) (*Resources, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mem != nil {
		return c.mem.res, partialErr(c.mem.partial)
	}
	var cached *diskEntry
	var etags [2]string
	if c.disk != nil {
		if cached = c.disk.load(c.rc); cached != nil {
			etags = cached.ETags
		}
	}
	var f *fetched
	var err error
	if cached != nil && cached.ETags == ([2]string{}) && cached.Groups != "" && !c.invalid &&
		c.now().Sub(cached.Fetched) < c.disk.ttl {
		// An entry of legacy discovery, within its TTL: used when the
		// server's group lists are those it was built from.
		f, err = c.fetchLegacy(ctx, cached.Groups)
	} else {
		// Aggregated discovery revalidates with the ETags every time: a
		// 304 Not Modified costs two requests without a body.
		f, err = c.fetch(ctx, etags)
	}
	if err != nil {
		return nil, err
	}
	c.invalid = false
	if f.notModified {
		f.res, f.hash = cached.Resources, cached.Hash
		c.mem = f
		return f.res, nil
	}
	c.mem = f
	if c.disk != nil && f.partial == nil {
		if cached != nil && cached.Hash == f.hash {
			f.res = cached.Resources // the same answer: keep the shared value
		}
		c.disk.store(c.rc, &diskEntry{Fetched: c.now(), ETags: f.etags, Hash: f.hash, Groups: f.groups, Resources: f.res})
	}
	return f.res, partialErr(f.partial)
}

// partialErr avoids returning a typed nil as an error.
func partialErr(p *PartialError) error {
	if p == nil {
		return nil
	}
	return p
}

// Invalidate drops the memory cache and makes the next call revalidate the
// disk cache with the server, so that resources added since (a new CRD) are
// seen.
func (c *Client) Invalidate() {
	c.mu.Lock()
	c.mem = nil
	c.invalid = true
	c.mu.Unlock()
}

// RESTMapper returns a mapper over the server's current resources (see
// ServerResources; a *PartialError comes back with a usable mapper).
func (c *Client) RESTMapper(ctx context.Context) (*RESTMapper, error) {
	res, err := c.ServerResources(ctx)
	if res == nil {
		return nil, err
	}
	return NewRESTMapper(res), err
}

// ResourceFor resolves a name as kubectl does (see RESTMapper.ResourceFor).
// When the name is unknown it invalidates the cache and tries once more
// with fresh discovery, so a resource created since the cache was filled is
// found.
func (c *Client) ResourceFor(ctx context.Context, name string) (Resource, error) {
	return c.lookup(ctx, func(m *RESTMapper) (Resource, error) { return m.ResourceFor(name) })
}

// ResourceForKind resolves apiVersion and kind (see
// RESTMapper.ResourceForKind), refreshing discovery once when the kind is
// unknown, like ResourceFor.
func (c *Client) ResourceForKind(ctx context.Context, apiVersion, kind string) (Resource, error) {
	return c.lookup(ctx, func(m *RESTMapper) (Resource, error) { return m.ResourceForKind(apiVersion, kind) })
}

func (c *Client) lookup(ctx context.Context, f func(*RESTMapper) (Resource, error)) (Resource, error) {
	for attempt := 0; ; attempt++ {
		m, err := c.RESTMapper(ctx)
		if m == nil {
			return Resource{}, err
		}
		r, lerr := f(m)
		var nf *NotFoundError
		if errors.As(lerr, &nf) && attempt == 0 {
			c.Invalidate()
			continue
		}
		if lerr != nil && err != nil {
			// The name may belong to a group version that failed.
			return r, errors.Join(lerr, err)
		}
		return r, lerr
	}
}
