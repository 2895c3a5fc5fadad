package testenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EnvKubeletBin names the kubelet stand-in binary, overriding the cache.
const EnvKubeletBin = "KUBELET_STANDIN_BIN"

// NodeName is the name of the Node the kubelet stand-in is registered as.
const NodeName = "standin-node"

// ErrKubeletNotBuilt is wrapped by the error Node returns when the kubelet
// stand-in binary is missing.
var ErrKubeletNotBuilt = errors.New("testenv: the kubelet stand-in is not built")

// Node is the kubelet stand-in (internal/testenv/kubeletstandin) running
// beside the API server and registered as Node NodeName, so the server's
// exec, attach, portforward and log subresources reach it.
type Node struct {
	// Name is the Node's name, NodeName.
	Name string
	// Addr is the stand-in's https address, IP:PORT.
	Addr string
	// IP is the node's address, and its pods': 127.0.0.1, or the address
	// inside the network namespace of NetnsNode.
	IP string
	// Bin is the stand-in binary.
	Bin string
	// Log is the file the stand-in's output goes to.
	Log string

	env   *Env
	proc  *process
	hc    *http.Client
	netns *netns // the namespace NetnsNode made, removed by Stop
}

// netns is a network namespace joined to the host by a veth pair.
type netns struct {
	name, hostIf string
}

// FindKubelet returns the kubelet stand-in binary: $KUBELET_STANDIN_BIN,
// else $KUBEWIRE_CACHE/kubelet-standin-KEY, where KEY hashes the stand-in's
// sources as .ci/build-kubelet.sh does. The error wraps ErrKubeletNotBuilt
// and says how to build it.
func FindKubelet() (string, error) {
	if p := os.Getenv(EnvKubeletBin); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("%w: $%s: %v", ErrKubeletNotBuilt, EnvKubeletBin, err)
		}
		return p, nil
	}
	key, err := kubeletSourceKey()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrKubeletNotBuilt, err)
	}
	cache, err := cacheDir()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrKubeletNotBuilt, err)
	}
	p := filepath.Join(cache, "kubelet-standin-"+key)
	if err := checkExecutable(p); err != nil {
		return "", fmt.Errorf("%w (%v): run .ci/build-kubelet.sh, or set $%s", ErrKubeletNotBuilt, err, EnvKubeletBin)
	}
	return p, nil
}

// kubeletSourceKey hashes go.mod, go.sum and the *.go files of the
// stand-in's directory, sorted by name: the cache key of
// .ci/build-kubelet.sh.
func kubeletSourceKey() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the stand-in's sources")
	}
	dir := filepath.Join(filepath.Dir(file), "kubeletstandin")
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", err
	}
	names = append(names, filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum"))
	sort.Slice(names, func(i, j int) bool { return filepath.Base(names[i]) < filepath.Base(names[j]) })
	h := sha256.New()
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Node starts the kubelet stand-in on first use and registers it as Node
// NodeName (addresses 127.0.0.1, kubelet port, Ready). Later calls return
// the same Node. It fails when the stand-in is not built (see FindKubelet).
func (e *Env) Node(ctx context.Context) (*Node, error) {
	e.nodeMu.Lock()
	defer e.nodeMu.Unlock()
	if e.node != nil {
		if e.node.proc.exited() {
			return nil, e.node.proc.failure("exited")
		}
		return e.node, nil
	}
	n, err := e.startNode(ctx, NodeName, "127.0.0.1", nil)
	if err != nil {
		return nil, err
	}
	e.node = n
	return n, nil
}

// startNode starts a stand-in listening on ip (inside ns when set) and
// registers it as Node name.
func (e *Env) startNode(ctx context.Context, name, ip string, ns *netns) (*Node, error) {
	bin, err := FindKubelet()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(e.Dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ready := filepath.Join(dir, "addr")
	n := &Node{Name: name, IP: ip, Bin: bin, Log: filepath.Join(e.Dir, name+".log"), env: e, netns: ns}
	args := []string{"-dir", filepath.Join(dir, "state"), "-ready-file", ready, "-addr", net.JoinHostPort(ip, "0")}
	prog := bin
	if ns != nil {
		prog, args = "ip", append([]string{"netns", "exec", ns.name, bin}, args...)
	}
	n.proc, err = startProcess("kubelet stand-in "+name, prog, args, n.Log)
	if err != nil {
		return nil, err
	}
	err = e.poll(ctx, n.proc, "did not start", func(context.Context) bool {
		b, err := os.ReadFile(ready)
		if err == nil && len(b) > 0 {
			n.Addr = string(b)
			return true
		}
		return false
	})
	if err != nil {
		n.proc.stop(time.Second)
		return nil, err
	}
	n.hc = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		Proxy:           nil,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the stand-in's certificate is self-signed
	}}
	if err := n.register(ctx); err != nil {
		n.proc.stop(time.Second)
		return nil, err
	}
	return n, nil
}

// register creates the Node object and writes its status.
func (n *Node) register(ctx context.Context) error {
	_, portStr, err := net.SplitHostPort(n.Addr)
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return err
	}
	node := map[string]any{
		"apiVersion": "v1", "kind": "Node",
		"metadata": map[string]any{"name": n.Name, "labels": map[string]string{"kubernetes.io/hostname": n.Name}},
	}
	if err := ignoreExists(n.env.Do(ctx, http.MethodPost, "/api/v1/nodes", node, nil)); err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	status := map[string]any{"status": map[string]any{
		"addresses":       []map[string]string{{"type": "InternalIP", "address": n.IP}, {"type": "Hostname", "address": n.IP}},
		"daemonEndpoints": map[string]any{"kubeletEndpoint": map[string]any{"Port": port}},
		"conditions": []map[string]string{{
			"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet stand-in",
			"lastHeartbeatTime": now, "lastTransitionTime": now,
		}},
	}}
	_, err = n.env.Patch(ctx, "/api/v1/nodes/"+n.Name+"/status", status)
	return err
}

// Container is one container of a pod the stand-in runs.
type Container struct {
	// Name is the container's name.
	Name string
	// Command is run with sh -c in the container's own directory when the
	// pod starts; its output is the container's log and what attach
	// shows, and attach writes to its stdin. When it exits, the container
	// has terminated. Empty means "sleep 3600".
	Command string
	// Waiting, when set, is the reason the container has not started
	// (ContainerCreating): it runs nothing and has no logs.
	Waiting string
}

// RunPod creates pod name in namespace (creating the namespace and its
// default service account if needed) bound to this node, writes its status
// as Running with one status per container (waiting ones as Waiting), and
// has the stand-in start the containers. Exec into any container runs the
// command on this machine (in the node's network namespace); port P of the
// pod is 127.0.0.1:P there, its pod IP the node's IP. It returns the pod's
// uid through RunPodUID.
func (n *Node) RunPod(ctx context.Context, namespace, name string, containers ...Container) error {
	_, err := n.RunPodUID(ctx, namespace, name, containers...)
	return err
}

// RunPodUID is RunPod returning the pod's uid.
func (n *Node) RunPodUID(ctx context.Context, namespace, name string, containers ...Container) (string, error) {
	if len(containers) == 0 {
		return "", errors.New("testenv: RunPod needs a container")
	}
	if err := n.env.CreateNamespace(ctx, namespace); err != nil {
		return "", err
	}
	var specs, statuses []map[string]any
	var standin []map[string]any
	for _, c := range containers {
		cmd := c.Command
		if cmd == "" {
			cmd = "sleep 3600"
		}
		specs = append(specs, map[string]any{"name": c.Name, "image": "kubewire/standin:1"})
		state := map[string]any{"running": map[string]any{"startedAt": time.Now().UTC().Format(time.RFC3339)}}
		if c.Waiting != "" {
			state = map[string]any{"waiting": map[string]any{"reason": c.Waiting}}
		}
		statuses = append(statuses, map[string]any{
			"name": c.Name, "ready": c.Waiting == "", "restartCount": 0, "state": state,
			"image": "kubewire/standin:1", "imageID": "kubewire/standin@sha256:0",
			"containerID": "standin://" + namespace + "/" + name + "/" + c.Name,
		})
		standin = append(standin, map[string]any{"name": c.Name, "command": cmd, "waiting": c.Waiting})
	}
	pod := map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     map[string]any{"nodeName": n.Name, "containers": specs, "terminationGracePeriodSeconds": 0},
	}
	var created struct {
		Metadata struct{ UID string } `json:"metadata"`
	}
	base := "/api/v1/namespaces/" + namespace + "/pods"
	if _, err := n.env.Do(ctx, http.MethodPost, base, pod, &created); err != nil {
		return "", err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	status := map[string]any{"status": map[string]any{
		"phase": "Running", "hostIP": n.IP, "hostIPs": []map[string]string{{"ip": n.IP}},
		"podIP": n.IP, "podIPs": []map[string]string{{"ip": n.IP}}, "startTime": now,
		"conditions":        []map[string]string{{"type": "Ready", "status": "True", "lastTransitionTime": now}},
		"containerStatuses": statuses,
	}}
	if _, err := n.env.Patch(ctx, base+"/"+name+"/status", status); err != nil {
		return "", err
	}
	return created.Metadata.UID, n.post(ctx, "/standin/pods", map[string]any{
		"namespace": namespace, "name": name, "uid": created.Metadata.UID, "containers": standin,
	})
}

// DeletePod deletes pod name at once (grace period 0).
func (n *Node) DeletePod(ctx context.Context, namespace, name string) error {
	_, err := n.env.Do(ctx, http.MethodDelete, "/api/v1/namespaces/"+namespace+"/pods/"+name+"?gracePeriodSeconds=0", nil, nil)
	return err
}

func (n *Node) post(ctx context.Context, path string, in any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+n.Addr+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	resp, err := n.hc.Do(req)
	if err != nil {
		return fmt.Errorf("testenv: kubelet stand-in: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var msg strings.Builder
		_, _ = fmt.Fprintf(&msg, "testenv: kubelet stand-in: POST %s: %d", path, resp.StatusCode)
		buf := make([]byte, 1024)
		k, _ := resp.Body.Read(buf)
		msg.Write(bytes.TrimSpace(buf[:k]))
		return errors.New(msg.String())
	}
	return nil
}

// Patch sends a merge patch as the admin token user and returns the status
// code (an *APIError for codes of 300 or more).
func (e *Env) Patch(ctx context.Context, path string, patch any) (int, error) {
	b, err := json.Marshal(patch)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, e.Server+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+e.AdminToken)
	req.Header.Set("Content-Type", "application/merge-patch+json")
	resp, err := e.httpClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("testenv: PATCH %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		buf := make([]byte, 64<<10)
		k, _ := resp.Body.Read(buf)
		return resp.StatusCode, &APIError{Method: http.MethodPatch, Path: path, Code: resp.StatusCode, Body: buf[:k]}
	}
	return resp.StatusCode, nil
}
