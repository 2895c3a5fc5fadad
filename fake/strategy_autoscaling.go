package fake

// Horizontal pod autoscalers: the defaulting functions of autoscaling/v2
// (Kubernetes 1.37, pkg/apis/autoscaling/v2/defaults.go) and the status
// the v2 types write.

func init() {
	register(&strategy{
		defaults: func(o obj) {
			spec := child(o, "spec")
			setDefault(spec, "minReplicas", num(1))
			if str(o, "apiVersion") != "autoscaling/v2" {
				return
			}
			if len(asList(spec["metrics"])) == 0 {
				spec["metrics"] = []any{map[string]any{"type": "Resource", "resource": map[string]any{
					"name": "cpu", "target": map[string]any{"type": "Utilization", "averageUtilization": num(80)}}}}
			}
			// A behavior given gets every rule it leaves out.
			b, ok := spec["behavior"].(map[string]any)
			if !ok {
				return
			}
			policy := func(typ string, value int) map[string]any {
				return map[string]any{"type": typ, "value": num(int64(value)), "periodSeconds": num(15)}
			}
			fill := func(k string, window any, policies []any) {
				r, ok := b[k].(map[string]any)
				if !ok {
					r = map[string]any{}
					b[k] = r
				}
				setDefault(r, "selectPolicy", "Max")
				if _, ok := r["stabilizationWindowSeconds"]; !ok && window != nil {
					r["stabilizationWindowSeconds"] = window
				}
				if r["policies"] == nil {
					r["policies"] = policies
				}
			}
			fill("scaleUp", num(0), []any{policy("Pods", 4), policy("Percent", 100)})
			fill("scaleDown", nil, []any{policy("Percent", 100)})
		},
		canonicalize: func(o obj) {
			// v2's status holds currentMetrics without omitempty.
			if str(o, "apiVersion") != "autoscaling/v2" {
				return
			}
			if st, ok := o["status"].(map[string]any); ok {
				if _, ok := st["currentMetrics"]; !ok {
					st["currentMetrics"] = nil
				}
			}
		},
	}, "autoscaling/horizontalpodautoscalers")
}
