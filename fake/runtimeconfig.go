package fake

import (
	"fmt"
	"strings"
)

// enabledVersions says which built-in group/versions a server serves:
// those kube-apiserver enables by default (the GA versions: since 1.24 no
// new beta API is on by default, and no older one is left in 1.37), plus or
// minus what WithRuntimeConfig asked for.
type enabledVersions struct {
	all, beta, alpha *bool           // api/all, api/beta, api/alpha
	gv               map[string]bool // "group/version" ("v1" for the core group)
}

// served reports whether group/version is served.
func (e *enabledVersions) served(group, version string) bool {
	key := version
	if group != "" {
		key = group + "/" + version
	}
	if on, ok := e.gv[key]; ok {
		return on
	}
	level := versionLevel(version)
	switch {
	case level == "alpha" && e.alpha != nil:
		return *e.alpha
	case level == "beta" && e.beta != nil:
		return *e.beta
	case e.all != nil:
		return *e.all
	}
	return level == "ga"
}

// versionLevel returns "alpha", "beta" or "ga" for a Kubernetes version
// string (v1alpha1, v2beta3, v1).
func versionLevel(v string) string {
	switch {
	case strings.Contains(v, "alpha"):
		return "alpha"
	case strings.Contains(v, "beta"):
		return "beta"
	}
	return "ga"
}

// WithRuntimeConfig enables or disables built-in API versions as
// kube-apiserver's --runtime-config does: a comma-separated list of
// "group/version=true|false" ("v1" or "api/v1" for the core group; a bare
// "group/version" means true) and "api/all", "api/ga", "api/beta",
// "api/alpha". Without it the server serves what kube-apiserver v1.37
// serves by default: every GA version, no alpha or beta one. Per-resource
// entries ("group/version/resource") are not supported.
func WithRuntimeConfig(spec string) Option {
	return func(o *options) error {
		if o.versions.gv == nil {
			o.versions.gv = map[string]bool{}
		}
		for _, item := range strings.Split(spec, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			key, val, hasVal := strings.Cut(item, "=")
			on := true
			if hasVal {
				switch val {
				case "true":
				case "false":
					on = false
				default:
					return fmt.Errorf("fake: WithRuntimeConfig: %q: the value must be true or false", item)
				}
			}
			b := on
			switch key {
			case "api/all":
				o.versions.all = &b
				o.versions.alpha, o.versions.beta = nil, nil
				clear(o.versions.gv)
			case "api/ga":
				// GA versions are on unless api/all=false turned them off.
				if !on {
					o.versions.all = &b
				}
			case "api/beta":
				o.versions.beta = &b
			case "api/alpha":
				o.versions.alpha = &b
			default:
				key = strings.TrimPrefix(key, "api/")
				if n := strings.Count(key, "/"); n > 1 || key == "" {
					return fmt.Errorf("fake: WithRuntimeConfig: %q: only group/version entries are supported", item)
				}
				o.versions.gv[key] = on
			}
		}
		return nil
	}
}
