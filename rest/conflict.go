package rest

import (
	"context"

	"github.com/kubewire/kubewire/wait"
)

// RetryOnConflict runs fn, a read-modify-write of one object, again while
// it fails with a Conflict (IsConflict: the object changed since it was
// read), pacing the attempts with b (wait.DefaultRetry suits most
// callers), as client-go's retry.RetryOnConflict does. fn must read the
// object afresh each time. It returns nil, fn's last error (a
// *StatusError for the conflict when b's steps ran out), or the context's
// error joined with it when ctx ends while waiting.
func RetryOnConflict(ctx context.Context, b wait.Backoff, fn func() error) error {
	return wait.RetryOn(ctx, b, IsConflict, fn)
}
