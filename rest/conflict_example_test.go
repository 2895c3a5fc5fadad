package rest_test

import (
	"context"
	"fmt"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/fake"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
	"github.com/kubewire/kubewire/wait"
)

func ExampleRetryOnConflict() {
	ctx := context.Background()
	srv, _ := fake.Start(fake.WithObjects(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"counter","namespace":"default"},"data":{"n":"1"}}`))
	defer srv.Close()
	c, _ := rest.New(srv.Config())
	cms := typed.For[corev1.ConfigMap, corev1.ConfigMapList](c, "default")

	// Read, modify, write; on a Conflict (someone wrote in between), again.
	err := rest.RetryOnConflict(ctx, wait.DefaultRetry, func() error {
		cm, err := cms.Get(ctx, "counter", metav1.GetOptions{})
		if err != nil {
			return err
		}
		cm.Data["n"] += "+1"
		_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
		return err
	})
	cm, _ := cms.Get(ctx, "counter", metav1.GetOptions{})
	fmt.Println(cm.Data["n"], err)
	// Output: 1+1 <nil>
}
