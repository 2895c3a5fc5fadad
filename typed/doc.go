// Package typed is kubewire's typed API: one generic Client[T, L] for every
// kind, driven by a small Resource descriptor, and one generated package per
// API group/version (typed/corev1, typed/appsv1, typed/networkingv1, ...)
// holding the kinds' Go types, their descriptors and a Client with one
// method per kind. The API machinery types shared by every group live in
// typed/metav1.
//
// The generated packages come from the Kubernetes OpenAPI v3 spec by
// internal/gen; regenerate them with go generate, and check that they are
// current with go run ./internal/gen -check.
package typed

//go:generate go run github.com/kubewire/kubewire/internal/gen
