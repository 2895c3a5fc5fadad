package transport

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"golang.org/x/net/http/httpproxy"
	"golang.org/x/net/proxy"
)

// dialFunc is the shape of http.Transport.DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// proxySetup is how requests reach the server: through an HTTP(S) proxy
// chosen per request, or through a dialer (direct or SOCKS5).
type proxySetup struct {
	proxy func(*http.Request) (*url.URL, error)
	dial  dialFunc
}

// newProxySetup returns the proxy configuration for proxyURL, or, when it is
// empty, for the HTTPS_PROXY, HTTP_PROXY and NO_PROXY environment variables
// (and their lower-case forms) as they are when it is called. As with every
// Go HTTP client, the environment never proxies requests to localhost or a
// loopback address. direct is the dialer for the TCP connections made.
func newProxySetup(proxyURL string, direct *net.Dialer) (proxySetup, error) {
	if proxyURL == "" {
		env := httpproxy.FromEnvironment().ProxyFunc()
		return proxySetup{
			proxy: func(r *http.Request) (*url.URL, error) { return env(r.URL) },
			dial:  direct.DialContext,
		}, nil
	}

	u, err := url.Parse(proxyURL)
	if err != nil {
		// url.Parse errors quote the input, which may hold a password.
		return proxySetup{}, &ConfigError{Field: "ProxyURL", Err: errString("not a valid URL")}
	}
	if u.Host == "" {
		// Without a host the URL may be opaque ("user:pass@host"), which
		// Redacted does not hide: do not quote it.
		return proxySetup{}, &ConfigError{Field: "ProxyURL", Err: errString("not an absolute URL with a host")}
	}
	switch u.Scheme {
	case "http", "https":
		return proxySetup{proxy: http.ProxyURL(u), dial: direct.DialContext}, nil
	case "socks5":
		d, err := proxy.FromURL(u, direct)
		if err != nil {
			return proxySetup{}, &ConfigError{Field: "ProxyURL", Err: fmt.Errorf("%q: %w", u.Redacted(), err)}
		}
		cd, ok := d.(proxy.ContextDialer)
		if !ok {
			return proxySetup{}, &ConfigError{Field: "ProxyURL", Err: fmt.Errorf("%q: SOCKS5 dialer does not support contexts", u.Redacted())}
		}
		return proxySetup{dial: cd.DialContext}, nil
	default:
		return proxySetup{}, &ConfigError{Field: "ProxyURL", Err: fmt.Errorf("%q: unsupported scheme %q (want http, https or socks5)", u.Redacted(), u.Scheme)}
	}
}
