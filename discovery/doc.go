// Package discovery asks an API server what it serves: its version, its API
// groups and their versions, and each resource's kind, scope, verbs, short
// names, categories and subresources. It uses aggregated discovery (two
// requests: /api and /apis) and falls back to per-group discovery on servers
// without it. Results are cached in memory and, optionally, on disk.
//
// A RESTMapper, built from the discovered resources, resolves the names
// people type (po, deploy, deployments.apps, Deployment) and the kinds
// manifests carry (apps/v1 Deployment) to resources.
//
//	dc, err := discovery.New(rc, discovery.WithDiskCache(discovery.DefaultCacheDir(cfg.Server), 0))
//	res, err := dc.ResourceFor(ctx, "deploy")   // deployments.v1.apps
//	res, err = dc.ResourceForKind(ctx, "apps/v1", "Deployment")
package discovery
