package main

import (
	"github.com/kubewire/kubewire/api/metav1"
)

// Website is the operator's custom resource: a web server of spec.image
// run by spec.replicas pods, served by a Service of the same name. It is
// a hand-written Go type: kubewire decodes and encodes it by reflection
// through its JSON tags, and its two methods give typed.For its
// descriptor and list type.
type Website struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              WebsiteSpec   `json:"spec"`
	Status            WebsiteStatus `json:"status,omitzero"`
}

// WebsiteSpec is what the user asks for.
type WebsiteSpec struct {
	// Image is the web server's container image.
	Image string `json:"image"`
	// Replicas is the number of pods; the CRD's schema defaults it to 1.
	Replicas *int32 `json:"replicas,omitempty"`
}

// WebsiteStatus is what the operator reports.
type WebsiteStatus struct {
	// ObservedGeneration is the generation of the spec last reconciled.
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions holds the Reconciled condition.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// WebsiteList is a list of Websites.
type WebsiteList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Website `json:"items"`
}

// WebsiteResource describes the Website kind to kubewire's clients.
var WebsiteResource = metav1.Resource{
	Group: "examples.kubewire.dev", Version: "v1", Resource: "websites", Kind: "Website",
	Namespaced: true, Subresources: []string{"status"},
}

// APIResource returns the Website kind's descriptor.
func (*Website) APIResource() *metav1.Resource { return &WebsiteResource }

// NewList ties Website to its list type for typed.For.
func (*Website) NewList() *WebsiteList { return new(WebsiteList) }

// DeepCopy returns a copy of w that shares no memory a writer could
// change: objects from an informer's cache are copied before changes.
func (w *Website) DeepCopy() *Website {
	out := &Website{TypeMeta: w.TypeMeta, Spec: w.Spec, Status: w.Status}
	w.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	if w.Spec.Replicas != nil {
		out.Spec.Replicas = new(*w.Spec.Replicas)
	}
	if w.Status.Conditions != nil {
		out.Status.Conditions = make([]metav1.Condition, len(w.Status.Conditions))
		for i := range w.Status.Conditions {
			w.Status.Conditions[i].DeepCopyInto(&out.Status.Conditions[i])
		}
	}
	return out
}

// crdName is the CustomResourceDefinition's name: plural.group.
const crdName = "websites.examples.kubewire.dev"

// crdJSON is the Website CRD, as a user would keep it beside the type:
// spec.image required, spec.replicas defaulted to 1, a status subresource
// with the Reconciled condition, and printer columns for kubectl get.
const crdJSON = `{
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "websites.examples.kubewire.dev"},
  "spec": {
    "group": "examples.kubewire.dev",
    "scope": "Namespaced",
    "names": {"plural": "websites", "singular": "website", "kind": "Website", "listKind": "WebsiteList"},
    "versions": [{
      "name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "additionalPrinterColumns": [
        {"name": "Image", "type": "string", "jsonPath": ".spec.image"},
        {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
        {"name": "Reconciled", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Reconciled\")].status"}
      ],
      "schema": {"openAPIV3Schema": {
        "type": "object",
        "required": ["spec"],
        "properties": {
          "spec": {
            "type": "object",
            "required": ["image"],
            "properties": {
              "image": {"type": "string", "minLength": 1},
              "replicas": {"type": "integer", "format": "int32", "minimum": 0, "default": 1}
            }
          },
          "status": {
            "type": "object",
            "properties": {
              "observedGeneration": {"type": "integer", "format": "int64"},
              "conditions": {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["type"],
                "items": {
                  "type": "object",
                  "required": ["type", "status", "lastTransitionTime", "reason", "message"],
                  "properties": {
                    "type": {"type": "string"},
                    "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
                    "observedGeneration": {"type": "integer", "format": "int64"},
                    "lastTransitionTime": {"type": "string", "format": "date-time"},
                    "reason": {"type": "string"},
                    "message": {"type": "string"}
                  }
                }
              }
            }
          }
        }
      }}
    }]
  }
}`
