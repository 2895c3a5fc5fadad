package appsv1_test

import (
	"reflect"
	"testing"

	"github.com/kubewire/kubewire/api/appsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/internal/fixtures"
)

// deploymentJSON is a Deployment as the API server returns it.
const deploymentJSON = `{"kind":"Deployment","apiVersion":"apps/v1",
"metadata":{"name":"web","namespace":"prod","uid":"0b7e3c51-0d0e-4d1c-9c55-2a7a5b8f3f1e","resourceVersion":"81234","generation":3,
 "creationTimestamp":"2025-03-01T10:00:00Z","labels":{"app":"web","tier":"frontend"},
 "annotations":{"deployment.kubernetes.io/revision":"3","meta.helm.sh/release-name":"web"},
 "finalizers":["example.com/protect"],
 "managedFields":[{"manager":"helm","operation":"Update","apiVersion":"apps/v1","time":"2025-03-01T10:00:00Z","fieldsType":"FieldsV1",
  "fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}}}}]},
"spec":{"replicas":3,"revisionHistoryLimit":10,"progressDeadlineSeconds":600,
 "selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","edge"]}]},
 "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":1}},
 "template":{"metadata":{"labels":{"app":"web","tier":"frontend"},"annotations":{"prometheus.io/scrape":"true"}},
  "spec":{"containers":[{"name":"web","image":"registry.example.com/web:1.4.2","args":["--port=8080","--verbose"],
    "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
    "env":[{"name":"MODE","value":"prod"},{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}}],
    "resources":{"limits":{"cpu":"1","memory":"512Mi"},"requests":{"cpu":"250m","memory":"256Mi"}},
    "livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},"initialDelaySeconds":10,"periodSeconds":10,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},
    "volumeMounts":[{"name":"config","mountPath":"/etc/web","readOnly":true}],
    "securityContext":{"runAsNonRoot":true,"runAsUser":1000,"capabilities":{"drop":["ALL"]}}}],
   "volumes":[{"name":"config","configMap":{"name":"web-config","defaultMode":420,"items":[{"key":"app.yaml","path":"app.yaml"}]}}],
   "nodeSelector":{"kubernetes.io/os":"linux"},
   "affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,"podAffinityTerm":{"labelSelector":{"matchLabels":{"app":"web"}},"topologyKey":"kubernetes.io/hostname"}}]}},
   "tolerations":[{"key":"dedicated","operator":"Equal","value":"web","effect":"NoSchedule","tolerationSeconds":60}],
   "terminationGracePeriodSeconds":30,"restartPolicy":"Always","dnsPolicy":"ClusterFirst"}}},
"status":{"observedGeneration":3,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,"collisionCount":1,
 "conditions":[{"type":"Available","status":"True","lastUpdateTime":"2025-03-01T10:01:00Z","lastTransitionTime":"2025-03-01T10:01:00Z","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."}]}}`

func decodeDeployment(t *testing.T) *appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	if err := d.UnmarshalJSON([]byte(deploymentJSON)); err != nil {
		t.Fatal(err)
	}
	return &d
}

// Writing to every map, slice, pointer, raw JSON value, quantity,
// int-or-string and nested struct of a copy of a Deployment leaves the
// original as it was, and the other way round.
func TestDeploymentDeepCopy(t *testing.T) {
	orig, want := decodeDeployment(t), decodeDeployment(t)
	cp := orig.DeepCopy()
	if !reflect.DeepEqual(orig, cp) {
		t.Fatal("the copy differs from the original")
	}
	if s := fixtures.SharedMemory(orig, cp); len(s) > 0 {
		t.Fatalf("the copy shares memory with the original at %v", s)
	}

	cp.Labels["app"] = "api"
	cp.Annotations["deployment.kubernetes.io/revision"] = "4"
	cp.Finalizers[0] = "example.com/other"
	cp.ManagedFields[0].FieldsV1[0] = '['
	cp.ManagedFields[0].Time.Time = cp.ManagedFields[0].Time.AddDate(0, 1, 0)
	*cp.Spec.Replicas = 10
	*cp.Spec.RevisionHistoryLimit = 1
	cp.Spec.Selector.MatchLabels["app"] = "api"
	cp.Spec.Selector.MatchExpressions[0].Values[1] = "core"
	*cp.Spec.Strategy.RollingUpdate.MaxUnavailable = metav1.FromInt32(0)
	cp.Spec.Strategy.RollingUpdate.MaxSurge.IntVal = 5
	tpl := &cp.Spec.Template
	tpl.Labels["tier"] = "backend"
	tpl.Annotations["prometheus.io/scrape"] = "false"
	c := &tpl.Spec.Containers[0]
	c.Args[0] = "--port=9090"
	c.Ports[0].ContainerPort = 9090
	c.Env[1].ValueFrom.FieldRef.FieldPath = "status.hostIP"
	c.Resources.Limits["cpu"] = metav1.MustParse("2")
	delete(c.Resources.Requests, "memory")
	c.LivenessProbe.HTTPGet.Port = metav1.FromInt32(8080)
	c.VolumeMounts[0].ReadOnly = false
	*c.SecurityContext.RunAsUser = 0
	c.SecurityContext.Capabilities.Drop[0] = "NET_RAW"
	*tpl.Spec.Volumes[0].ConfigMap.DefaultMode = 0o600
	tpl.Spec.Volumes[0].ConfigMap.Items[0].Path = "other.yaml"
	tpl.Spec.NodeSelector["kubernetes.io/os"] = "windows"
	term := &tpl.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0]
	term.Weight = 1
	term.PodAffinityTerm.LabelSelector.MatchLabels["app"] = "api"
	*tpl.Spec.Tolerations[0].TolerationSeconds = 1
	*tpl.Spec.TerminationGracePeriodSeconds = 0
	*cp.Status.CollisionCount = 2
	cp.Status.Conditions[0].Status = "False"
	cp.Status.Conditions[0].LastUpdateTime = metav1.Now()
	if !reflect.DeepEqual(orig, want) {
		t.Fatal("writing to the copy changed the original")
	}

	cp = orig.DeepCopy()
	fixtures.Mutate(cp)
	if reflect.DeepEqual(cp, want) {
		t.Fatal("Mutate changed nothing")
	}
	if !reflect.DeepEqual(orig, want) {
		t.Fatal("writing to the copy changed the original")
	}
	cp = orig.DeepCopy()
	fixtures.Mutate(orig)
	if !reflect.DeepEqual(cp, want) {
		t.Fatal("writing to the original changed the copy")
	}

	// DeepCopyInto overwrites every field of its target.
	var into appsv1.Deployment
	fixtures.Fill(&into)
	want.DeepCopyInto(&into)
	if !reflect.DeepEqual(&into, want) {
		t.Fatal("DeepCopyInto left fields of its target")
	}
	if s := fixtures.SharedMemory(want, &into); len(s) > 0 {
		t.Fatalf("DeepCopyInto's target shares memory with the original at %v", s)
	}
}
