package metav1_test

import (
	"fmt"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
)

func ExampleSetStatusCondition() {
	var conds []metav1.Condition
	metav1.SetStatusCondition(&conds, metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "Starting", ObservedGeneration: 1})
	first := conds[0].LastTransitionTime
	// A new reason and generation, the same status: the transition time stays.
	changed := metav1.SetStatusCondition(&conds, metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "Pulling", ObservedGeneration: 2})
	fmt.Println(changed, conds[0].Reason, conds[0].ObservedGeneration, conds[0].LastTransitionTime.Equal(&first))
	fmt.Println(metav1.IsStatusConditionTrue(conds, "Ready"))
	// Output:
	// true Pulling 2 true
	// false
}

func ExampleSetControllerReference() {
	owner := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "6c1b..."}}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web-config", Namespace: "default"}}
	if err := metav1.SetControllerReference(owner, cm); err != nil {
		fmt.Println(err)
	}
	ref := cm.OwnerReferences[0]
	fmt.Println(ref.APIVersion, ref.Kind, ref.Name, *ref.Controller, *ref.BlockOwnerDeletion)
	fmt.Println(metav1.IsControlledBy(cm, owner))

	other := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default", UID: "9f2e..."}}
	fmt.Println(metav1.SetControllerReference(other, cm))
	// Output:
	// apps/v1 Deployment web true true
	// true
	// object default/web-config is already controlled by Deployment web (uid 6c1b...); refusing controller StatefulSet db
}

func ExampleQuantity_Canonical() {
	for i, s := range []string{"1.5", "1000", "0.5", "1.5Gi", "1024Mi"} {
		if i > 0 {
			fmt.Print(" ")
		}
		fmt.Print(metav1.MustParse(s).Canonical())
	}
	fmt.Println()
	q := metav1.MustParse("1Gi")
	q.Add(metav1.MustParse("512Mi"))
	fmt.Println(q, q.ScaledValue(metav1.Mega), q.Cmp(metav1.MustParse("1.5Gi")))
	// Output:
	// 1500m 1k 500m 1536Mi 1Gi
	// 1536Mi 1611 0
}
