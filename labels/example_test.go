package labels_test

import (
	"fmt"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/labels"
)

func ExampleParse() {
	sel, err := labels.Parse("tier in (front, cache),app=web,!legacy")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sel) // canonical: sorted by key, values sorted
	fmt.Println(sel.Matches(labels.Set{"app": "web", "tier": "cache"}))
	fmt.Println(sel.Matches(labels.Set{"app": "web", "tier": "cache", "legacy": "true"}))
	_, err = labels.Parse("app in web")
	fmt.Println(err)
	// Output:
	// app=web,!legacy,tier in (cache,front)
	// true
	// false
	// unable to parse requirement: found 'web' expected: '('
}

func ExampleFromLabelSelector() {
	// A Deployment's spec.selector, as the API server reads it.
	sel, _ := labels.FromLabelSelector(&metav1.LabelSelector{
		MatchLabels:      map[string]string{"app": "web"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "track", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"canary"}}},
	})
	fmt.Println(sel.String()) // for metav1.ListOptions.LabelSelector
	// Output: app=web,track notin (canary)
}
