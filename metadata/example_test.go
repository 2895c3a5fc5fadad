package metadata_test

import (
	"context"
	"fmt"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/metadata"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func exampleClient() (*fake.Server, *rest.Client) {
	srv, err := fake.Start()
	if err != nil {
		panic(err)
	}
	c, err := rest.New(srv.Config())
	if err != nil {
		panic(err)
	}
	secrets := typed.For[corev1.Secret, corev1.SecretList](c, "default")
	for _, name := range []string{"db", "tls", "token"} {
		_, err := secrets.Create(context.Background(), &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
			StringData: map[string]string{"key": "a value metadata never carries"},
		}, metav1.CreateOptions{})
		if err != nil {
			panic(err)
		}
	}
	return srv, c
}

// Every secret's name and labels, two at a time, without their data.
func ExampleClient_All() {
	srv, c := exampleClient()
	defer srv.Close()
	secrets := metadata.New(c, &corev1.SecretResource, "default")
	for s, err := range secrets.All(context.Background(), metav1.ListOptions{Limit: 2}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(s.Kind, s.Name, s.Labels["app"])
	}
	// Output:
	// Secret db web
	// Secret tls web
	// Secret token web
}

// An informer caching only the metadata of every secret.
func ExampleListerWatcher() {
	srv, c := exampleClient()
	defer srv.Close()
	inf, err := controller.NewInformer(metadata.ListerWatcher(metadata.New(c, &corev1.SecretResource, "")))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = inf.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	if err := inf.WaitForSync(ctx); err != nil {
		panic(err)
	}
	s, ok := inf.Lister().Get("default", "tls")
	fmt.Println(ok, s.Name, s.Labels)
	// Output:
	// true tls map[app:web]
}
