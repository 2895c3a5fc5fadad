//go:build integration

package integration

import (
	"github.com/kubewire/kubewire/api/autoscalingv1"
)

// workloadCases are the workload kinds beyond those of losslessCases.
func workloadCases() []losslessCase {
	return []losslessCase{
		{kind: "HorizontalPodAutoscaler.autoscaling/v1", run: kindRun[autoscalingv1.HorizontalPodAutoscaler, autoscalingv1.HorizontalPodAutoscalerList](), obj: `{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler",
 "metadata":{"name":"lossless-hpa1"},
 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,"targetCPUUtilizationPercentage":50},
 "status":{"observedGeneration":1,"lastScaleTime":"2025-01-02T03:04:05Z","currentReplicas":0,"desiredReplicas":0,"currentCPUUtilizationPercentage":0}}`},
	}
}
