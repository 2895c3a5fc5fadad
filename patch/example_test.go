package patch_test

import (
	"fmt"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/patch"
)

func ExampleCreateStrategicMergePatch() {
	old := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "web", Image: "nginx:1.27"},
			{Name: "sidecar", Image: "busybox:1"},
		}},
	}
	changed := old.DeepCopy()
	changed.Spec.Containers[0].Image = "nginx:1.28"
	changed.Labels = map[string]string{"rev": "2"}

	// Only the changed container, by its merge key; send with
	// typed.Client.Patch(ctx, name, rest.StrategicMergePatch, data, opts).
	data, _ := patch.CreateStrategicMergePatch(old, changed, nil)
	fmt.Println(string(data))
	// A merge patch sends the list whole.
	data, _ = patch.CreateMergePatch(old, changed)
	fmt.Println(string(data))
	// Output:
	// {"metadata":{"labels":{"rev":"2"}},"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.28","name":"web"}]}}
	// {"metadata":{"labels":{"rev":"2"}},"spec":{"containers":[{"image":"nginx:1.28","name":"web","resources":{}},{"image":"busybox:1","name":"sidecar","resources":{}}]}}
}
