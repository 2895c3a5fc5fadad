// Package controller is the machinery of Kubernetes controllers on top of
// kubewire's clients: informers that list and watch one resource into a
// local cache, a thread-safe indexed store with a lister, and a factory of
// shared informers. The work queue is in controller/workqueue and leader
// election in controller/leaderelection.
//
// Informers are generic over the object type T, so there is no generated
// informer or lister per kind: T is any struct whose pointer has the
// metadata accessors of Object (every generated kind does, through its
// embedded metav1.ObjectMeta), including a slim struct that declares only
// the fields a controller reads. An informer's source is a ListerWatcher;
// FromTyped adapts a typed client, and any other client (dynamic) plugs in
// by implementing the two methods.
//
// Objects handed out by an informer, its store or its lister are shared
// with the cache and with every other reader: they must not be modified.
// Copy an object before changing it. To keep the cache small, typed
// objects also share identical short strings, raw JSON values (such as
// managedFields' fieldsV1) and resource lists (map[string]metav1.Quantity,
// such as container limits and requests) with each other.
package controller
