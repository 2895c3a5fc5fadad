// Package skew132 holds, in its subpackages, kubewire's API types generated
// from the Kubernetes 1.32.4 spec: an older client's view of core/v1 and
// apps/v1, for the version-skew integration tests, which read objects that
// a 1.37 server and the current types wrote with fields 1.32 lacks, update
// them and check that those fields survive. The packages are generated
// code, checked for staleness by TestSkewPackagesAreCurrent in
// internal/gen; they import the current api/metav1.
package skew132

//go:generate go run github.com/kubewire/kubewire/internal/gen -spec ../../../../shared/openapi/v1.32.4/v3 -out . -pkg github.com/kubewire/kubewire/internal/integration/skew132 -only corev1,appsv1
