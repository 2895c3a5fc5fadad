// Package fake is an in-memory Kubernetes API server that speaks real HTTP,
// so that code under test runs the whole kubewire client stack (transport,
// request building, decoding, errors, watch) against it, and so that
// programs and examples can run with no cluster.
//
// In a test:
//
//	srv := fake.NewServer(t, fake.WithObjects(manifestYAML))
//	c, err := rest.New(srv.Config())
//
// In a program, Start returns a Server the caller must Close.
//
// The server stores every object as JSON, so it serves every built-in
// resource of Kubernetes v1.37 (from internal/apischema) and every
// CustomResourceDefinition created on it, uniformly. It answers with the
// real server's Status reasons, codes and messages. See docs/fake.md for
// the supported semantics and what is simplified; in short:
//
//   - No defaulting, conversion or schema validation beyond metadata.name;
//     all versions of a resource share one storage and differ only in
//     apiVersion.
//   - The fake plays the namespace controller (a deleted namespace is
//     marked Terminating, its content deleted, and it is removed once
//     empty, synchronously), the CRD controller (Established and
//     NamesAccepted are set at once) and the garbage collector
//     (background, foreground and orphan propagation by owner uid, in a
//     goroutine; Settle waits for it; WithoutGarbageCollector turns it
//     off). WithControllers adds simulated Deployment, ReplicaSet,
//     ReplicationController, StatefulSet, DaemonSet and Job controllers
//     and a kubelet that runs every pod on "fake-node".
//   - Strategic merge patch supports merge keys and the $patch,
//     $retainKeys, $setElementOrder and $deleteFromPrimitiveList
//     directives; other directives fail with 400.
//   - Server-side apply tracks managers per field path in managedFields
//     and reports conflicts, with the list and map semantics of the
//     built-in schemas (x-kubernetes-list-type and x-kubernetes-map-type,
//     on a field or its type: a LabelSelector is one atomic value);
//     custom resources are treated as granular maps and atomic lists.
//   - metadata.generation is set on create and bumped on spec changes for
//     the kinds whose real strategy does so; PriorityClass gets 1 on
//     create only. pods/status also writes labels, annotations and
//     finalizers, as the real pod status strategy keeps metadata.
//   - A pod's exec, attach, portforward and log subresources speak the real
//     protocols (WebSocket channels, the kubelet's port-forward framing, a
//     streaming GET) from what a test registers with HandleExec,
//     HandleAttach, HandlePortForward and ContainerLog; unregistered ones
//     answer as a real server does for a container that is not running.
//   - Subresources: status; scale (get, update, patch) for the built-in
//     scalable kinds and custom resources; pods/eviction (honouring
//     PodDisruptionBudgets), pods/binding and bindings. Others answer 405.
package fake
