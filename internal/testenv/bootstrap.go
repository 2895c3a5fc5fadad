package testenv

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"time"
)

// adminHTTPClient returns the harness's own client: it trusts only the CA and
// ignores proxy settings. Do adds the admin token to each request.
func adminHTTPClient(caPEM []byte) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("testenv: CA certificate did not parse")
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:             nil,
			TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2: true,
		},
	}, nil
}

// APIError is a response with a status code of 300 or more from Do. Body is
// the response body, at most 64 KiB.
type APIError struct {
	Method, Path string
	Code         int
	Body         []byte
}

// Error returns the method, path, code and the server's message if the body
// is a Status, the body otherwise.
func (e *APIError) Error() string {
	var st struct{ Message string }
	msg := string(e.Body)
	if json.Unmarshal(e.Body, &st) == nil && st.Message != "" {
		msg = st.Message
	}
	return fmt.Sprintf("%s %s: %d: %s", e.Method, e.Path, e.Code, msg)
}

// Do sends one request to the server as the admin token user, independent of
// the kubewire packages under test. path is the absolute path with any query
// ("/api/v1/namespaces?limit=1"). A non-nil in is sent as JSON; a non-nil
// out receives the decoded response body when the status is 2xx. It returns
// the status code, and an *APIError for codes of 300 or more.
func (e *Env) Do(ctx context.Context, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("testenv: encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.Server+path, body)
	if err != nil {
		return 0, fmt.Errorf("testenv: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+e.AdminToken)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.httpClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("testenv: %s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("testenv: %s %s: read body: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, &APIError{Method: method, Path: path, Code: resp.StatusCode, Body: data[:min(len(data), 64<<10)]}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("testenv: %s %s: decode: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// bootstrap does what the absent controller manager would: the default
// service account in "default" and the aggregated ClusterRoles.
func (e *Env) bootstrap(ctx context.Context) error {
	if err := e.CreateServiceAccount(ctx, "default", "default"); err != nil {
		return err
	}
	return e.AggregateClusterRoles(ctx)
}

// CreateNamespace creates namespace ns, if it does not exist, and its
// "default" service account, which the controller manager would create on a
// full cluster (without it the server refuses pods in ns).
func (e *Env) CreateNamespace(ctx context.Context, ns string) error {
	obj := map[string]any{
		"apiVersion": "v1",
		"kind":       "Namespace",
		"metadata":   map[string]any{"name": ns},
	}
	if err := ignoreExists(e.Do(ctx, http.MethodPost, "/api/v1/namespaces", obj, nil)); err != nil {
		return err
	}
	return e.CreateServiceAccount(ctx, ns, "default")
}

// CreateServiceAccount creates service account name in namespace ns unless
// it exists. The namespace must exist; right after the server becomes ready
// "default" may briefly not, so a NotFound is retried for a few seconds.
func (e *Env) CreateServiceAccount(ctx context.Context, ns, name string) error {
	obj := map[string]any{
		"apiVersion": "v1",
		"kind":       "ServiceAccount",
		"metadata":   map[string]any{"name": name, "namespace": ns},
	}
	path := "/api/v1/namespaces/" + url.PathEscape(ns) + "/serviceaccounts"
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := ignoreExists(e.Do(ctx, http.MethodPost, path, obj, nil))
		var ae *APIError
		if err == nil || !errors.As(err, &ae) || ae.Code != http.StatusNotFound || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ignoreExists drops a 409 AlreadyExists from a create.
func ignoreExists(code int, err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusConflict {
		var st struct{ Reason string }
		if json.Unmarshal(ae.Body, &st) == nil && st.Reason == "AlreadyExists" {
			return nil
		}
	}
	return err
}

// clusterRole is the part of a ClusterRole the aggregation reads and writes.
// Rules are kept as raw JSON objects so nothing the server sends is lost.
type clusterRole struct {
	Metadata struct {
		Name            string            `json:"name"`
		Labels          map[string]string `json:"labels,omitempty"`
		ResourceVersion string            `json:"resourceVersion,omitempty"`
	} `json:"metadata"`
	AggregationRule *struct {
		ClusterRoleSelectors []labelSelector `json:"clusterRoleSelectors"`
	} `json:"aggregationRule,omitempty"`
	Rules []map[string]any `json:"rules"`
}

// labelSelector is a metav1.LabelSelector.
type labelSelector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []struct {
		Key      string   `json:"key"`
		Operator string   `json:"operator"`
		Values   []string `json:"values,omitempty"`
	} `json:"matchExpressions,omitempty"`
}

// matches reports whether labels satisfy the selector.
func (s labelSelector) matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		v, ok := labels[r.Key]
		switch r.Operator {
		case "In":
			if !ok || !slices.Contains(r.Values, v) {
				return false
			}
		case "NotIn":
			if ok && slices.Contains(r.Values, v) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// AggregateClusterRoles does the controller manager's ClusterRole
// aggregation once: every ClusterRole with an aggregationRule (view, edit and
// admin among them) gets the union of the rules of the ClusterRoles its
// selectors match. Aggregated roles that feed other aggregated roles (view
// into edit, edit into admin) are resolved in memory before anything is
// written. Call it again after adding labelled ClusterRoles.
func (e *Env) AggregateClusterRoles(ctx context.Context) error {
	var list struct{ Items []clusterRole }
	if _, err := e.Do(ctx, http.MethodGet, "/apis/rbac.authorization.k8s.io/v1/clusterroles", nil, &list); err != nil {
		return err
	}
	changed := aggregate(list.Items)
	for _, i := range changed {
		if err := e.writeRules(ctx, list.Items[i]); err != nil {
			return err
		}
	}
	return nil
}

// aggregate fills in, in place, the rules of every role with an
// aggregationRule until nothing changes, and returns the indexes of the roles
// whose rules changed.
func aggregate(roles []clusterRole) []int {
	changed := map[int]bool{}
	for pass := 0; pass <= len(roles); pass++ {
		progress := false
		for i := range roles {
			r := &roles[i]
			if r.AggregationRule == nil {
				continue
			}
			var rules []map[string]any
			for j, src := range roles {
				if j == i || !anyMatches(r.AggregationRule.ClusterRoleSelectors, src.Metadata.Labels) {
					continue
				}
				for _, rule := range src.Rules {
					if !slices.ContainsFunc(rules, func(have map[string]any) bool { return reflect.DeepEqual(have, rule) }) {
						rules = append(rules, rule)
					}
				}
			}
			if !reflect.DeepEqual(rules, r.Rules) && !(len(rules) == 0 && len(r.Rules) == 0) {
				r.Rules = rules
				changed[i] = true
				progress = true
			}
		}
		if !progress {
			break
		}
	}
	idx := make([]int, 0, len(changed))
	for i := range changed {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx
}

func anyMatches(sels []labelSelector, labels map[string]string) bool {
	for _, s := range sels {
		if s.matches(labels) {
			return true
		}
	}
	return false
}

// writeRules replaces the rules of the named ClusterRole, re-reading it on a
// conflict.
func (e *Env) writeRules(ctx context.Context, want clusterRole) error {
	path := "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + url.PathEscape(want.Metadata.Name)
	for attempt := 0; ; attempt++ {
		var cur map[string]any
		if _, err := e.Do(ctx, http.MethodGet, path, nil, &cur); err != nil {
			return err
		}
		cur["rules"] = want.Rules
		_, err := e.Do(ctx, http.MethodPut, path, cur, nil)
		var ae *APIError
		if err == nil || !errors.As(err, &ae) || ae.Code != http.StatusConflict || attempt == 5 {
			return err
		}
	}
}
