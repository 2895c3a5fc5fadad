package podstream

import (
	"context"

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
