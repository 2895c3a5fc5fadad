package events_test

import (
	"context"
	"fmt"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/events"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// A controller records what it did to an object; repeats become one Event
// with a series count, written by the time Shutdown returns.
func Example() {
	srv, err := fake.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, err := rest.New(srv.Config())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	pod, err := typed.For[corev1.Pod, corev1.PodList](c, "default").Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-0"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		panic(err)
	}

	b, err := events.NewBroadcaster(c)
	if err != nil {
		panic(err)
	}
	b.Start(ctx)
	rec := b.NewRecorder("example.com/restarter")
	for range 3 {
		rec.Eventf(pod, nil, events.Warning, "BackOff", "Restart", "restarting container %s", "web")
	}
	if err := b.Shutdown(ctx); err != nil {
		panic(err)
	}

	list, err := typed.For[eventsv1.Event, eventsv1.EventList](c, "default").List(ctx, metav1.ListOptions{})
	if err != nil {
		panic(err)
	}
	for _, ev := range list.Items {
		fmt.Println(ev.Regarding.Kind, ev.Regarding.Name, ev.Type, ev.Reason, ev.Note, ev.Series.Count)
	}
	st := b.Stats()
	fmt.Println("created", st.Created, "folded", st.Folded, "dropped", st.Dropped)
	// Output:
	// Pod web-0 Warning BackOff restarting container web 3
	// created 1 folded 2 dropped 0
}

// Code that takes an EventRecorder is unit-tested with a FakeRecorder.
func ExampleFakeRecorder() {
	rec := events.NewFakeRecorder(10)
	scale := func(r events.EventRecorder, pod *corev1.Pod, n int) {
		r.Eventf(pod, nil, events.Normal, "Scaled", "Scale", "scaled to %d", n)
	}
	scale(rec, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0"}}, 3)
	fmt.Println(<-rec.Events)
	rec.IncludeObject = true
	scale(rec, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-0"}}, 4)
	fmt.Println(<-rec.Events)
	// Output:
	// Normal Scaled scaled to 3
	// Normal Scaled scaled to 4 involvedObject{kind=Pod,apiVersion=v1}
}
