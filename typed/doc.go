// Package typed is kubewire's typed client: one generic Client[T, L] for
// every kind. The kinds' Go types, codecs and resource descriptors live in
// the api/ packages (api/corev1, api/appsv1, ..., and api/metav1 for the
// machinery every group shares), which link no client; this package adds
// the requests.
//
// A client comes from a kind's Go type:
//
//	pods := typed.For[corev1.Pod, corev1.PodList](c, "default")
//
// The kind's descriptor comes with the type, and the list type must be the
// one the kind names, so a mismatched pair does not compile. New takes a
// descriptor explicitly, for types the generator did not write (a slim
// projection of a kind, a custom resource's Go type).
package typed
