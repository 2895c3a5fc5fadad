package reconcile_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/controller"
	"github.com/kubewire/kubewire/controller/reconcile"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// Every ConfigMap labelled copy=secret gets a Secret of the same name that
// it controls; the Secret is recreated when deleted, as its deletion
// queues its owner.
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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "default")
	secrets := typed.For[corev1.Secret, corev1.SecretList](c, "default")
	cmInf, err := controller.NewInformer(controller.FromTyped(cms), controller.WithLabelSelector("copy=secret"))
	if err != nil {
		panic(err)
	}
	secretInf, err := controller.NewInformer(controller.FromTyped(secrets))
	if err != nil {
		panic(err)
	}

	r := reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		cm, ok := cmInf.Lister().Get(req.Namespace, req.Name)
		if !ok {
			return reconcile.Result{}, nil // gone: the garbage collector deletes its Secret
		}
		if _, ok := secretInf.Lister().Get(req.Namespace, req.Name); ok {
			return reconcile.Result{}, nil
		}
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: cm.Name, Namespace: cm.Namespace}, StringData: cm.Data}
		if err := metav1.SetControllerReference(cm, s); err != nil {
			return reconcile.Result{}, err
		}
		_, err := secrets.Create(ctx, s, metav1.CreateOptions{})
		if rest.IsAlreadyExists(err) {
			return reconcile.Result{}, nil // the cache is behind; the Secret's event will come
		}
		return reconcile.Result{}, err
	})
	loop, err := reconcile.New(cmInf, r, reconcile.Owns(secretInf), reconcile.WithWorkers(2))
	if err != nil {
		panic(err)
	}
	done := make(chan error)
	go func() { done <- loop.Run(ctx) }()

	_, err = cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings", Labels: map[string]string{"copy": "secret"}},
		Data:       map[string]string{"mode": "fast"},
	}, metav1.CreateOptions{})
	if err != nil {
		panic(err)
	}
	secret := func() *corev1.Secret {
		for range 1000 {
			if s, err := secrets.Get(ctx, "settings", metav1.GetOptions{}); err == nil {
				return s
			}
			time.Sleep(10 * time.Millisecond)
		}
		panic("no secret")
	}
	s := secret()
	ref := s.OwnerReferences[0]
	fmt.Println(s.Name, "controlled by", ref.Kind, ref.Name, *ref.Controller)

	if err := secrets.Delete(ctx, "settings", metav1.DeleteOptions{}); err != nil {
		panic(err)
	}
	fmt.Println("recreated:", secret().UID != s.UID)

	cancel()
	fmt.Println("stopped:", <-done)
	// Output:
	// settings controlled by ConfigMap settings true
	// recreated: true
	// stopped: <nil>
}
