package wait_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kubewire/kubewire/wait"
)

func ExamplePoll() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	tries := 0
	err := wait.Poll(ctx, 10*time.Millisecond, true, func(context.Context) (bool, error) {
		tries++
		return tries == 3, nil // e.g. a Deployment's available replicas reached the spec
	})
	fmt.Println(tries, err)
	// Output: 3 <nil>
}
