package metav1

// Values of Status.Status.
const (
	StatusSuccess = "Success"
	StatusFailure = "Failure"
)
