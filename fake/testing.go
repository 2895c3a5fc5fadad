package fake

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
)

// Rule allows a user some verbs on some resources. An empty list matches
// everything, as does "*". Resources are plural names, optionally with a
// subresource ("pods/status"); Groups are API groups ("" is core).
type Rule struct {
	Verbs      []string
	Groups     []string
	Resources  []string
	Namespaces []string
}

type user struct {
	name, token string
	rules       []Rule
}

// WithUser turns token authentication on and adds a user who authenticates
// with token and may do what rules allow. Requests without a known token
// get 401 Unauthorized; a user's requests outside its rules get 403
// Forbidden. Config authenticates as an administrator who may do anything;
// ConfigFor authenticates as a user. Discovery is open to every
// authenticated user.
func WithUser(name, token string, rules ...Rule) Option {
	return func(o *options) error {
		if name == "" || token == "" {
			return fmt.Errorf("fake: WithUser: empty name or token")
		}
		for _, u := range o.users {
			if u.token == token {
				return fmt.Errorf("fake: WithUser %q: token already used by %q", name, u.name)
			}
		}
		o.users = append(o.users, user{name: name, token: token, rules: rules})
		return nil
	}
}

func matchAny(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if x == "*" || x == v {
			return true
		}
	}
	return false
}

func (u *user) allowed(verb, group, resource, ns string) bool {
	for _, r := range u.rules {
		if matchAny(r.Verbs, verb) && matchAny(r.Groups, group) && matchAny(r.Resources, resource) && matchAny(r.Namespaces, ns) {
			return true
		}
	}
	return false
}

// authenticate returns the user name for the request's bearer token: ""
// with ok for an open server, the user otherwise; ok false means 401.
func (s *Server) authenticate(header string) (*user, bool) {
	if len(s.opts.users) == 0 {
		return nil, true
	}
	tok, found := strings.CutPrefix(header, "Bearer ")
	if !found {
		return nil, false
	}
	tok = strings.TrimSpace(tok)
	if tok == s.adminTok {
		return &user{name: "admin", rules: []Rule{{}}}, true
	}
	for i := range s.opts.users {
		if s.opts.users[i].token == tok {
			return &s.opts.users[i], true
		}
	}
	return nil, false
}

// forbidden is the real server's 403 for a user not allowed a request.
func forbidden(u *user, rq *request) *apiError {
	res := rq.ri.Resource
	if rq.sub != "" {
		res += "/" + rq.sub
	}
	scope := "at the cluster scope"
	if rq.ns != "" {
		scope = fmt.Sprintf("in the namespace %q", rq.ns)
	}
	return errForbidden(rq.ri.Group, rq.ri.Resource, rq.name,
		fmt.Sprintf("User %q cannot %s resource %q in API group %q %s", u.name, rq.verb, res, rq.ri.Group, scope))
}

// Fault is an injected misbehaviour for matching requests. Empty match
// fields match everything.
type Fault struct {
	// Verb is the request verb: get, list, watch, create, update, patch,
	// delete or deletecollection.
	Verb string
	// Resource is the plural resource ("pods"), optionally qualified by
	// group ("deployments.apps") or with a subresource ("pods/status").
	Resource string
	// Namespace and Name narrow the match.
	Namespace, Name string
	// Status, when set, is the error answered instead of serving the
	// request; its Code is the HTTP status (500 when 0).
	Status *metav1.Status
	// Delay is waited before the request is served (or failed).
	Delay time.Duration
	// DropWatch ends a matching watch after DropAfter events, without an
	// error event, as a dropped connection would.
	DropWatch bool
	DropAfter int
	// Times limits how many requests the fault applies to; 0 is no limit.
	Times int
}

type faultEntry struct {
	f    Fault
	used int
}

// Inject adds a fault and returns a function that removes it.
func (s *Server) Inject(f Fault) (remove func()) {
	e := &faultEntry{f: f}
	s.mu.Lock()
	s.faults = append(s.faults, e)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, x := range s.faults {
			if x == e {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				return
			}
		}
	}
}

// fault returns the first fault matching the request, counting its use.
func (s *Server) fault(rq *request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.faults {
		f := &e.f
		if f.Times > 0 && e.used >= f.Times {
			continue
		}
		if f.Verb != "" && f.Verb != rq.verb {
			continue
		}
		if f.Resource != "" {
			r, sub, _ := strings.Cut(f.Resource, "/")
			if r != rq.ri.Resource && r != qualified(rq.ri.Group, rq.ri.Resource) || sub != rq.sub {
				continue
			}
		}
		if f.Namespace != "" && f.Namespace != rq.ns || f.Name != "" && f.Name != rq.name {
			continue
		}
		e.used++
		c := *f
		return &c
	}
	return nil
}

// Request is one request the server received, as the request log records
// it. Credentials are never recorded.
type Request struct {
	Method string
	// Path is the URL path; Query the decoded query.
	Path  string
	Query url.Values
	// Verb, Group, Version, Resource, Subresource, Namespace and Name
	// describe a resource request; Verb is empty for other paths
	// (discovery, /version).
	Verb, Group, Version, Resource, Subresource, Namespace, Name string
	// User is the authenticated user, empty when authentication is off.
	User string
	// ContentType is the request body's media type.
	ContentType string
	// Body is the request body (up to 1 MiB).
	Body []byte
	// Code is the response status; for a watch, 200 once streaming starts.
	Code int
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}
