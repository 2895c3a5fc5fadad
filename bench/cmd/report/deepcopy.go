package main

import (
	"fmt"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	corev1 "k8s.io/api/core/v1"
)

// deepCopyContenders are workload 7's: DeepCopy of every pod of the list,
// each client's generated method on its own decoded pods (kubewire's from
// typed.DecodeList, client-go's the fixture's k8s.io/api values, which
// encode to the same JSON). A run keeps the copies of one pass, so each
// copy is allocated as a program keeping it would, and checks them.
func deepCopyContenders(in *inputs) ([]contender, error) {
	kw, err := kubewireDecode(in.json)
	if err != nil {
		return nil, err
	}
	cg := in.k8s
	kwOut := make([]*kwcorev1.Pod, len(kw.Items))
	cgOut := make([]*corev1.Pod, len(cg.Items))
	return []contender{
		{label: "client-go DeepCopy (generated, k8s.io/api)", run: func() error {
			for i := range cg.Items {
				cgOut[i] = cg.Items[i].DeepCopy()
			}
			return checkCopies(len(cgOut), in.n, func(i int) bool {
				return cgOut[i] != &cg.Items[i] && cgOut[i].Name == cg.Items[i].Name && len(cgOut[i].Spec.Containers) == len(cg.Items[i].Spec.Containers)
			})
		}},
		{label: "kubewire DeepCopy (generated)", kubewire: true, run: func() error {
			for i := range kw.Items {
				kwOut[i] = kw.Items[i].DeepCopy()
			}
			return checkCopies(len(kwOut), in.n, func(i int) bool {
				return kwOut[i] != &kw.Items[i] && kwOut[i].Name == kw.Items[i].Name && len(kwOut[i].Spec.Containers) == len(kw.Items[i].Spec.Containers)
			})
		}},
	}, nil
}

// checkCopies checks that there are n copies and that ok holds for the
// first and the last.
func checkCopies(got, n int, ok func(int) bool) error {
	if err := checkLen("deep copy", got, n); err != nil {
		return err
	}
	if n > 0 && (!ok(0) || !ok(n-1)) {
		return fmt.Errorf("deep copy: a copy differs from its original")
	}
	return nil
}
