package transport

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kubewire/kubewire/config"
)

// OIDCError is the public type for an oidc auth-provider failure.
type OIDCError = config.OIDCError

// oidcExpiryDelta is how long before its exp an ID token is treated as
// expired, as kubectl does, so clock skew does not make the server see an
// expired token.
const oidcExpiryDelta = 10 * time.Second

// oidcMaxBody caps what is read from the issuer.
const oidcMaxBody = 1 << 20

// oidcAuth holds the oidc auth-provider's tokens. Its mutex makes
// concurrent requests wait for one refresh instead of each starting one.
type oidcAuth struct {
	issuer       string
	clientID     string
	clientSecret sealed
	persistFile  string
	persistUser  string
	client       *http.Client // for the issuer
	logger       *slog.Logger
	now          func() time.Time

	mu            sync.Mutex
	idToken       sealed
	refreshToken  sealed
	tokenEndpoint string // discovered once
}

// oidcKey identifies one oidc login: transports built for it share one
// oidcAuth, as kubectl's provider cache does, so that two clients built
// from the same Config (a rest client and a discovery client, say) do not
// both spend the same single-use refresh token.
type oidcKey struct {
	server, issuer, clientID, persistFile, persistUser string
}

var (
	oidcCacheMu sync.Mutex
	oidcCache   = map[oidcKey]*oidcAuth{}
)

// sharedOIDCAuth returns the oidcAuth for cfg's login, creating it on
// first use. An existing one keeps its tokens unless cfg brings an ID
// token that is valid for longer (a new login).
func sharedOIDCAuth(cfg *config.Config, logger *slog.Logger) (*oidcAuth, error) {
	o := cfg.Auth.OIDC
	key := oidcKey{cfg.Server, o.IssuerURL, o.ClientID, o.PersistFile, o.PersistUser}
	oidcCacheMu.Lock()
	defer oidcCacheMu.Unlock()
	if a, ok := oidcCache[key]; ok {
		a.adopt(o)
		return a, nil
	}
	a, err := newOIDCAuth(o, logger)
	if err != nil {
		return nil, err
	}
	oidcCache[key] = a
	return a, nil
}

// adopt takes o's tokens when its ID token expires later than the current
// one.
func (a *oidcAuth) adopt(o *config.OIDC) {
	a.mu.Lock()
	defer a.mu.Unlock()
	newExp, ok := jwtExpiry(o.IDToken.Reveal())
	if !ok {
		return
	}
	if cur, ok := jwtExpiry(a.idToken.reveal()); ok && !newExp.After(cur) {
		return
	}
	a.idToken, a.refreshToken = seal(o.IDToken.Reveal()), seal(o.RefreshToken.Reveal())
}

func newOIDCAuth(o *config.OIDC, logger *slog.Logger) (*oidcAuth, error) {
	if o.IssuerURL == "" {
		return nil, &ConfigError{Field: "Auth.OIDC.IssuerURL", Err: errString("not set")}
	}
	if o.ClientID == "" {
		return nil, &ConfigError{Field: "Auth.OIDC.ClientID", Err: errString("not set")}
	}
	var roots *x509.CertPool
	if o.CAFile != "" || len(o.CAData) > 0 {
		pemData := o.CAData
		field := "Auth.OIDC.CAData"
		if len(pemData) == 0 {
			field = "Auth.OIDC.CAFile"
			var err error
			if pemData, err = os.ReadFile(o.CAFile); err != nil {
				return nil, &ConfigError{Field: field, Path: o.CAFile, Err: err}
			}
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pemData) {
			return nil, &ConfigError{Field: field, Path: o.CAFile, Err: errString("no PEM certificate found")}
		}
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: DefaultTLSHandshakeTimeout,
		ForceAttemptHTTP2:   true,
	}
	return &oidcAuth{
		issuer:       strings.TrimSuffix(o.IssuerURL, "/"),
		clientID:     o.ClientID,
		clientSecret: seal(o.ClientSecret.Reveal()),
		persistFile:  o.PersistFile,
		persistUser:  o.PersistUser,
		client:       &http.Client{Transport: tr, Timeout: time.Minute},
		logger:       logger,
		now:          time.Now,
		idToken:      seal(o.IDToken.Reveal()),
		refreshToken: seal(o.RefreshToken.Reveal()),
	}, nil
}

func (a *oidcAuth) fail(err error) error { return &OIDCError{Issuer: a.issuer, Err: err} }

// token returns a valid ID token, refreshing it first when needed.
func (a *oidcAuth) token(req *http.Request) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id := a.idToken.reveal(); id != "" {
		valid, err := a.valid(id)
		if err != nil {
			return "", a.fail(err)
		}
		if valid {
			return id, nil
		}
	}
	if a.refreshToken.reveal() == "" {
		return "", a.fail(errString("no valid id-token, and no refresh-token to get one"))
	}
	return a.refresh(req)
}

// valid reports whether a JWT's exp is more than oidcExpiryDelta away. A
// token that is not a JWT with a numeric exp is an error, as in kubectl.
func (a *oidcAuth) valid(jwt string) (bool, error) {
	if len(strings.Split(jwt, ".")) != 3 {
		return false, errString("the id-token is not a JWT")
	}
	exp, ok := jwtExpiry(jwt)
	if !ok {
		return false, errString("the id-token has no base64url payload with a numeric exp claim")
	}
	return a.now().Add(oidcExpiryDelta).Before(exp), nil
}

// jwtExpiry returns a JWT's exp claim, without checking its signature.
func jwtExpiry(jwt string) (time.Time, bool) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	exp, err := claims.Exp.Float64()
	if err != nil || exp > 1<<40 || exp < 0 {
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0), true
}

// refresh asks the token endpoint for new tokens, keeps them and writes
// them back to the kubeconfig. a.mu is held.
func (a *oidcAuth) refresh(req *http.Request) (string, error) {
	ctx := req.Context()
	if a.tokenEndpoint == "" {
		ep, err := a.discover(req)
		if err != nil {
			return "", a.fail(err)
		}
		a.tokenEndpoint = ep
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {a.refreshToken.reveal()}}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, a.tokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", a.fail(errString("the discovered token_endpoint is not a valid URL"))
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(url.QueryEscape(a.clientID), url.QueryEscape(a.clientSecret.reveal()))
	resp, err := a.client.Do(r)
	if err != nil {
		return "", a.fail(fmt.Errorf("token endpoint: %w", redactURLError(err)))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, oidcMaxBody))
	if err != nil {
		return "", a.fail(fmt.Errorf("token endpoint: reading the response: %w", err))
	}
	var tr struct {
		IDToken      string `json:"id_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	jerr := json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("token endpoint: refresh failed with HTTP %d", resp.StatusCode)
		if jerr == nil && tr.Error != "" && isOAuthErrorCode(tr.Error) {
			msg += " (" + tr.Error + ")"
		}
		return "", a.fail(errors.New(msg))
	}
	if jerr != nil {
		return "", a.fail(errString("token endpoint: the response is not JSON"))
	}
	if tr.IDToken == "" {
		return "", a.fail(errString(`token endpoint: the response has no id_token (the "openid" scope may not have been requested at login, or the provider does not return ID tokens on refresh)`))
	}
	newRefresh := a.refreshToken.reveal()
	if tr.RefreshToken != "" {
		newRefresh = tr.RefreshToken
	}
	if err := a.persist(tr.IDToken, newRefresh); err != nil {
		return "", a.fail(fmt.Errorf("writing the refreshed tokens to %s: %w", a.persistFile, err))
	}
	a.idToken, a.refreshToken = seal(tr.IDToken), seal(newRefresh)
	a.logger.Debug("oidc: refreshed the id-token", "issuer", a.issuer, "persisted", a.persistFile != "")
	return tr.IDToken, nil
}

// isOAuthErrorCode reports whether s looks like an OAuth 2 error code
// (RFC 6749 5.2: printable ASCII without quote and backslash), so quoting
// it cannot leak anything else the server put there.
func isOAuthErrorCode(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// discover reads the token endpoint from the issuer's discovery document.
func (a *oidcAuth) discover(req *http.Request) (string, error) {
	r, err := http.NewRequestWithContext(req.Context(), http.MethodGet, a.issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return "", errString("the issuer URL is not valid")
	}
	resp, err := a.client.Do(r)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, oidcMaxBody))
	if err != nil {
		return "", fmt.Errorf("discovery: reading the response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("discovery: %s returned HTTP %d", r.URL.Redacted(), resp.StatusCode)
	}
	var doc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", errString("discovery: the document is not JSON")
	}
	if doc.TokenEndpoint == "" {
		return "", errString("discovery: the document has no token_endpoint")
	}
	return doc.TokenEndpoint, nil
}

// redactURLError drops the query of a *url.Error's URL.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.Redacted(), Err: ue.Err}
		}
	}
	return err
}

// persist writes the tokens into the user's auth-provider config in the
// file it came from, as kubectl does. No file (a kubeconfig given as
// bytes) means in memory only.
func (a *oidcAuth) persist(idToken, refreshToken string) error {
	if a.persistFile == "" {
		return nil
	}
	k, err := config.OpenKubeconfig(config.Options{Kubeconfig: a.persistFile})
	if err != nil {
		return err
	}
	u, ok, err := k.User(a.persistUser)
	if err != nil {
		return err
	}
	if !ok || u.AuthProvider == nil || u.AuthProvider.Name != "oidc" {
		return fmt.Errorf("user %q no longer has an oidc auth-provider there", a.persistUser)
	}
	err = k.SetUser(a.persistUser, func(u *config.User) {
		u.AuthProvider.Config["id-token"] = config.Secret(idToken)
		u.AuthProvider.Config["refresh-token"] = config.Secret(refreshToken)
	})
	if err != nil {
		return err
	}
	return k.Save()
}

// oidcRoundTripper sends the ID token on requests without an
// Authorization header.
type oidcRoundTripper struct {
	next http.RoundTripper
	auth *oidcAuth
}

func (rt *oidcRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return rt.next.RoundTrip(req)
	}
	tok, err := rt.auth.token(req)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	return rt.next.RoundTrip(r)
}

func (rt *oidcRoundTripper) CloseIdleConnections() {
	closeIdle(rt.next)
	rt.auth.client.CloseIdleConnections()
}
func (rt *oidcRoundTripper) String() string             { return "transport.OIDC{tokens: REDACTED}" }
func (rt *oidcRoundTripper) GoString() string           { return rt.String() }
func (rt *oidcRoundTripper) Format(f fmt.State, v rune) { formatRedacted(f, v, rt.String()) }
