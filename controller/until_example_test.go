package controller_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func ExampleUntilWithSync() {
	srv, _ := fake.Start()
	defer srv.Close()
	c, _ := rest.New(srv.Config())
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "default")
	go func() { // the work being waited for
		time.Sleep(50 * time.Millisecond)
		cms.Create(context.Background(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "ready"}}, metav1.CreateOptions{})
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ev, err := controller.UntilWithSync(ctx, controller.FromTyped(cms),
		func(l controller.Lister[corev1.ConfigMap]) (bool, error) { // already there?
			_, ok := l.Get("default", "ready")
			return ok, nil
		},
		func(ev controller.Event[corev1.ConfigMap]) (bool, error) { return ev.Type == rest.EventAdded, nil },
		controller.WithFieldSelector("metadata.name=ready"))
	fmt.Println(ev.Type, ev.Object.Name, err)
	// Output: ADDED ready <nil>
}

func ExampleRetryWatcher() {
	srv, _ := fake.Start()
	defer srv.Close()
	c, _ := rest.New(srv.Config())
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "default")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, _ := controller.NewRetryWatcher(ctx, controller.FromTyped(cms), "")
	go cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "a"}}, metav1.CreateOptions{})
	for ev, err := range w.Events() { // ends with Close, when the loop stops
		if err != nil {
			fmt.Println(err)
			break
		}
		if ev.Type == rest.EventBookmark {
			continue
		}
		fmt.Println(ev.Type, ev.Object.Name)
		break
	}
	// Output: ADDED a
}
