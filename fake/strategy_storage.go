package fake

// Storage classes: their defaulting function (Kubernetes 1.37,
// pkg/apis/storage/v1/defaults.go), the fields an update may not change and
// their validation.

// storageClassStrategy is the StorageClass's strategy.
var storageClassStrategy = &strategy{
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
	validate: validateStorageClass,
}

// validateStorageClass checks a class's provisioner, reclaim policy and
// binding mode.
func validateStorageClass(o obj) []fieldError {
	var errs []fieldError
	if str(o, "provisioner") == "" {
		errs = append(errs, fieldError{Type: "FieldValueRequired", Field: "provisioner"})
	}
	if r := str(o, "reclaimPolicy"); r != "Delete" && r != "Retain" {
		errs = append(errs, notSupported("reclaimPolicy", r, []string{"Delete", "Retain"}))
	}
	if m := str(o, "volumeBindingMode"); m != "Immediate" && m != "WaitForFirstConsumer" {
		errs = append(errs, notSupported("volumeBindingMode", m, []string{"Immediate", "WaitForFirstConsumer"}))
	}
	return errs
}
