package fake

import "net/http"

// The real server's refusals of a PartialObjectMetadata transformation that
// does not fit the answer: its message names the Go type of the object
// kube-apiserver holds (an internal type of its registry, an Unstructured
// for custom resources).

// errPartialOfList is the answer to a list asked for as one
// PartialObjectMetadata: 406.
func errPartialOfList(ri *resInfo) *apiError {
	return notAcceptable("you requested PartialObjectMetadata, but the requested object is a list (" + internalTypeName(ri, true) + ")")
}

// errPartialListOfObject is the answer to one object asked for as a
// PartialObjectMetadataList: 406, or for a custom resource the 500 of
// kube-apiserver's Unstructured, which is not a list.
func errPartialListOfObject(ri *resInfo) *apiError {
	if ri.CRD != "" {
		return newStatus(http.StatusInternalServerError, "", "content is not a list", nil)
	}
	return notAcceptable("you requested PartialObjectMetadataList, but the requested object is not a list (" + internalTypeName(ri, false) + ")")
}

// internalTypeName is how Go prints the type of ri's objects (or lists) in
// kube-apiserver: *core.ConfigMap, *apps.DeploymentList,
// *unstructured.Unstructured, ...
func internalTypeName(ri *resInfo, list bool) string {
	name := "*unstructured.Unstructured"
	if ri.CRD == "" {
		name = "*" + internalPackage(ri.Group) + "." + ri.Kind
	}
	if list {
		name += "List"
	}
	return name
}
