package fake

// Storage classes: their defaulting function (Kubernetes 1.37,
// pkg/apis/storage/v1/defaults.go) and the fields an update may not change.

func init() {
	register(&strategy{
		defaults: func(o obj) {
			setDefault(o, "reclaimPolicy", "Delete")
			setDefault(o, "volumeBindingMode", "Immediate")
		},
		validateUpdate: func(o, old obj) []fieldError {
			// Declarative validation's immutability check, which
			// shows no value, in the order of the type's fields.
			var errs []fieldError
			for _, k := range []string{"provisioner", "parameters", "volumeBindingMode"} {
				if !equalJSON(o[k], old[k]) {
					errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: k, Value: nil, Detail: "field is immutable"})
				}
			}
			return errs
		},
	}, "storage.k8s.io/storageclasses")
}
