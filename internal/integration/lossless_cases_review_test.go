//go:build integration

package integration

import (
	"github.com/kubewire/kubewire/api/authenticationv1"
	"github.com/kubewire/kubewire/api/authorizationv1"
	"github.com/kubewire/kubewire/api/metav1"
)

// reviewCases are the kinds the server answers without storing them: each
// is round-tripped through its create response. (Binding, the other kind
// created but not stored, is answered with a Status, not a Binding.)
func reviewCases() []losslessCase {
	return []losslessCase{
		{kind: "TokenReview", run: reviewRun[authenticationv1.TokenReview, metav1.Status](), obj: `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",
 "metadata":{"name":"lossless","labels":{"kubewire.dev/lossless":"true"}},"spec":{"token":"JANE_TOKEN"}}`},

		{kind: "TokenReview.invalid", run: reviewRun[authenticationv1.TokenReview, metav1.Status](), obj: `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",
 "metadata":{},"spec":{"token":"not-a-token","audiences":["https://kubernetes.default.svc.cluster.local"]}}`},

		{kind: "SelfSubjectReview", run: reviewRun[authenticationv1.SelfSubjectReview, metav1.Status](), obj: `{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview",
 "metadata":{"name":"lossless"}}`},

		{kind: "SubjectAccessReview", run: reviewRun[authorizationv1.SubjectAccessReview, metav1.Status](), obj: `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
 "metadata":{},
 "spec":{"user":"jane","uid":"kubewire-jane-uid","groups":["devs","system:authenticated"],"extra":{"scopes":["a","b"],"empty":[]},
  "resourceAttributes":{"namespace":"default","verb":"list","group":"apps","version":"v1","resource":"deployments","subresource":"scale","name":"web",
   "fieldSelector":{"requirements":[{"key":"metadata.name","operator":"In","values":["web"]}]},
   "labelSelector":{"rawSelector":"app=web,tier!=db"}}}}`},

		{kind: "SubjectAccessReview.nonResource", run: reviewRun[authorizationv1.SubjectAccessReview, metav1.Status](), obj: `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
 "metadata":{},"spec":{"user":"admin","groups":["system:masters"],"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}`},

		{kind: "LocalSubjectAccessReview", run: reviewRun[authorizationv1.LocalSubjectAccessReview, metav1.Status](), obj: `{"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview",
 "metadata":{"namespace":"NAMESPACE"},
 "spec":{"user":"jane","groups":["devs"],"resourceAttributes":{"namespace":"NAMESPACE","verb":"get","resource":"pods","name":"web",
  "labelSelector":{"requirements":[{"key":"app","operator":"Exists"}]},"fieldSelector":{"rawSelector":"spec.nodeName=n1"}}}}`},

		{kind: "SelfSubjectAccessReview", run: reviewRun[authorizationv1.SelfSubjectAccessReview, metav1.Status](), obj: `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
 "metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"create","group":"batch","resource":"jobs"}}}`},

		{kind: "SelfSubjectAccessReview.nonResource", run: reviewRun[authorizationv1.SelfSubjectAccessReview, metav1.Status](), obj: `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
 "metadata":{},"spec":{"nonResourceAttributes":{"path":"/metrics","verb":"get"}}}`},

		{kind: "SelfSubjectRulesReview", run: reviewRun[authorizationv1.SelfSubjectRulesReview, metav1.Status](), obj: `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview",
 "metadata":{},"spec":{"namespace":"NAMESPACE"}}`},
	}
}
