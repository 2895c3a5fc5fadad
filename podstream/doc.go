// Package podstream runs commands in pods, attaches to them, forwards
// ports, follows logs and copies files, through the API server and on top
// of a rest.Client, so the client's credentials, impersonation and proxy
// apply. It needs no SPDY: exec, attach and port-forward speak the
// Kubernetes channel protocol over WebSocket (package websocket).
//
// Exec and attach (Exec, Attach, StartExec, StartAttach) offer
// v5.channel.k8s.io and fall back to v4.channel.k8s.io when the server
// chooses it. Every message carries a channel byte: 0 stdin, 1 stdout,
// 2 stderr, 3 the final Status, 4 terminal resize, and in v5 255 to close
// a channel, which is how stdin reaches end of file. v4 cannot signal the
// end of stdin: a remote command that reads stdin to its end then waits
// until the session is closed.
//
// The outcome of a command is nil for success, an *ExitError carrying the
// exit code, or the server's Status as a *StreamError wrapping a
// *rest.StatusError. A refused upgrade (missing pod, 401, 403, bad
// container) is the *rest.StatusError any other request gets.
//
// # Forbidden refusals
//
// A WebSocket handshake is a GET, authorized as verb get on pods/exec,
// pods/attach or pods/portforward; kube-apiserver 1.35 and later also
// require create (feature gate AuthorizePodWebsocketUpgradeCreatePermission)
// and refuse a user who lacks it with a Forbidden that gives no reason.
// kubectl falls back to SPDY after a refused upgrade, a POST authorized as
// create, and reports that refusal. So that the same user gets the same
// message, a Forbidden upgrade is followed by a plain POST to the same
// URL, which the server answers before reaching the node (nothing runs):
// when it too is Forbidden, its error (`User "u" cannot create resource
// "pods/exec" ...`) is returned, otherwise the upgrade's own. A user
// allowed create but not get can exec with kubectl (over SPDY) but not
// with this package, which has no SPDY: the error is the server's `cannot
// get resource "pods/exec"`.
//
// Port-forward (DialPort, Dialer, Forwarder) speaks the kubelet's
// WebSocket protocol, one connection per forwarded TCP connection; data
// travels on channel 0 and a failure to reach the port arrives as text on
// channel 1 (a *PortForwardError). That protocol has no way to end one
// direction (the node refuses v5.channel.k8s.io for port-forward), so a
// forwarded connection cannot be half-closed. Logs (Logs) is a plain
// streaming GET.
// CopyToPod and CopyFromPod run tar in the container.
package podstream
