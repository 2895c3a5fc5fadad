package podstream

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/websocket"
)

// upgrade opens the WebSocket of a pod subresource: build adds the path
// and parameters to a request of the given verb.
//
// A WebSocket handshake is a GET, which kube-apiserver authorizes as get;
// since 1.35 it also requires create (feature gate
// AuthorizePodWebsocketUpgradeCreatePermission, on by default), and refuses
// a user without it with a Forbidden that gives no reason. kubectl falls
// back to SPDY after any refused upgrade, and SPDY's POST is authorized as
// create, so kubectl reports the create refusal. When the upgrade is
// refused as Forbidden, upgrade asks the same question with a plain POST
// (no upgrade: the server refuses it before reaching the node, with 403
// when create is denied and 400 "Upgrade request required" when it is
// allowed) and returns the server's create refusal when there is one, and
// the upgrade's own refusal otherwise.
func upgrade(ctx context.Context, c *rest.Client, build func(*rest.Request) *rest.Request, wo websocket.Options) (*websocket.Conn, error) {
	conn, err := build(c.Get()).WebSocket(ctx, wo)
	if err == nil || !rest.IsForbidden(err) {
		return conn, err
	}
	if perr := build(c.Post()).Do(ctx).Err(); rest.IsForbidden(perr) {
		return nil, perr
	}
	return nil, err
}

// CheckPortForward asks the API server whether it would accept a
// port-forward to ports of pod namespace/name, without reaching the node
// or the pod: it sends the request without an upgrade, which the server
// authorizes and validates as it would the upgrade (the pod exists and has
// a node, the user may get and create pods/portforward) and then refuses
// with 400 "Upgrade request required". It returns nil when that is the
// answer, else the refusal as a *rest.StatusError (a Forbidden one
// reported as by DialPort) or the transport's error. kubectl port-forward
// opens its one connection before it listens and fails early on a
// refusal; a Forwarder dials per connection, so a program that wants to
// fail early calls this first.
func CheckPortForward(ctx context.Context, c *rest.Client, namespace, pod string, ports ...uint16) error {
	if c == nil {
		return errNilClient
	}
	if len(ports) == 0 {
		return &rest.RequestError{Field: "ports", Reason: "none given"}
	}
	build := func(r *rest.Request) *rest.Request {
		r.Version("v1").Namespace(namespace).Resource("pods").Name(pod).SubResource("portforward")
		for _, p := range ports {
			r.Param("ports", strconv.Itoa(int(p)))
		}
		return r
	}
	err := build(c.Get()).Do(ctx).Err()
	var se *rest.StatusError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Code() == http.StatusBadRequest && se.Status.Message == "Upgrade request required":
		return nil
	case rest.IsForbidden(err):
		if perr := build(c.Post()).Do(ctx).Err(); rest.IsForbidden(perr) {
			return perr
		}
	}
	return err
}
