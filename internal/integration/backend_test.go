//go:build integration

package integration

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/discoveryv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// startEchoBackend does for service svcName in namespace ns what a full
// cluster's ReplicaSet controller, kubelet and EndpointSlice controller
// would: it runs a ready pod matching the service's selector, whose
// "container" is an HTTP server of the test's, and writes the EndpointSlice
// the controller would write for the service (labelled with its name,
// owned by it, one ready endpoint naming the pod). The server listens on a
// non-loopback IPv4 address of this machine: an EndpointSlice may not name
// a loopback address. It answers "echo HOST:PORT METHOD PATH"; the
// function returns HOST:PORT. Everything is removed when t ends.
func startEchoBackend(ctx context.Context, t *testing.T, rc *rest.Client, ns, svcName string) string {
	t.Helper()
	ip := nonLoopbackIPv4(t)
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	require.NoError(t, err)
	addr := ln.Addr().String()
	port := int32(ln.Addr().(*net.TCPAddr).Port)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "echo %s %s %s", addr, r.Method, r.URL.Path)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	svc, err := typed.For[corev1.Service, corev1.ServiceList](rc, ns).Get(ctx, svcName, metav1.GetOptions{})
	require.NoError(t, err)
	pods := typed.For[corev1.Pod, corev1.PodList](rc, ns)
	pod, err := pods.Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: svcName + "-backend", Labels: svc.Spec.Selector},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "echo-server", Image: "kicbase/echo-server:1.0",
			Ports: []corev1.ContainerPort{{ContainerPort: port}},
		}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		zero := int64(0)
		_ = pods.Delete(context.Background(), pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	})
	pod.Status = corev1.PodStatus{Phase: "Running", PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}}}
	pod, err = pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	require.NoError(t, err)

	yes, unnamed := true, "" // the service's one port has no name
	slices := typed.For[discoveryv1.EndpointSlice, discoveryv1.EndpointSliceList](rc, ns)
	slice, err := slices.Create(ctx, &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: svcName + "-",
			Labels: map[string]string{
				"kubernetes.io/service-name":             svcName,
				"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
			},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Service", Name: svc.Name, UID: svc.UID,
				Controller: &yes, BlockOwnerDeletion: &yes,
			}},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &unnamed, Port: &port, Protocol: new(corev1.ProtocolTCP)}},
		Endpoints: []discoveryv1.Endpoint{{
			Addresses:  []string{ip},
			Conditions: discoveryv1.EndpointConditions{Ready: &yes},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: pod.Name, UID: pod.UID},
		}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = slices.Delete(context.Background(), slice.Name, metav1.DeleteOptions{}) })
	require.Equal(t, net.JoinHostPort(ip, strconv.Itoa(int(port))), addr)
	return addr
}

// nonLoopbackIPv4 returns an IPv4 address of one of this machine's
// interfaces that is neither loopback nor link-local.
func nonLoopbackIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		if ip := n.IP.To4(); ip != nil && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() {
			return ip.String()
		}
	}
	require.FailNow(t, "no non-loopback IPv4 address on this machine to serve a pod's endpoint from")
	return ""
}
