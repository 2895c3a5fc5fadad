package events

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/metav1"
)

// noteLimit is the longest note the API accepts, in bytes.
const noteLimit = 1024

// RecorderOption configures a Recorder.
type RecorderOption func(*Recorder)

// WithReportingInstance sets the recorder's reportingInstance, the
// instance of the controller that emits the events (default: the
// controller's name, "-", and the host name, as client-go's). It is cut to
// 128 bytes, the API's limit.
func WithReportingInstance(instance string) RecorderOption {
	return func(r *Recorder) { r.instance = truncate(instance, 128) }
}

// Recorder records events about objects on behalf of one reporting
// controller. It is safe for concurrent use; its methods never block.
type Recorder struct {
	b          *Broadcaster
	controller string
	instance   string
}

// NewRecorder returns a recorder whose events name reportingController
// ("example.com/my-controller") as their reporter.
func (b *Broadcaster) NewRecorder(reportingController string, opts ...RecorderOption) *Recorder {
	host, _ := os.Hostname()
	r := &Recorder{b: b, controller: reportingController, instance: truncate(reportingController+"-"+host, 128)}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Eventf records an event about regarding: eventtype is Normal or Warning,
// reason says why (UpperCamelCase, at most 128 bytes), action what was done
// or failed ("Scale", at most 128 bytes), and the note, formatted with
// args as fmt.Sprintf does, is for humans (cut to 1024 bytes). related is
// an optional second object (nil for none).
//
// regarding and related are objects (a *corev1.Pod, a dynamic.Object, a
// *metav1.PartialObjectMetadata, ...) or references (*corev1.ObjectReference);
// see Reference. The event is written to regarding's namespace, "default"
// for a cluster-scoped object. Eventf returns at once: an event that
// cannot be made (another type, an object with no reference) is counted
// in Stats.Invalid and logged, one that does not fit on the queue in
// Stats.Dropped.
func (r *Recorder) Eventf(regarding, related any, eventtype, reason, action, note string, args ...any) {
	r.AnnotatedEventf(regarding, related, nil, eventtype, reason, action, note, args...)
}

// AnnotatedEventf is Eventf with annotations set on the Event.
func (r *Recorder) AnnotatedEventf(regarding, related any, annotations map[string]string, eventtype, reason, action, note string, args ...any) {
	now := time.Now()
	if len(args) > 0 {
		note = fmt.Sprintf(note, args...)
	}
	ref, err := Reference(regarding)
	if err != nil {
		r.b.invalid.Add(1)
		r.b.log.Error("events: no event recorded", "reason", reason, "error", err)
		return
	}
	var rel *corev1.ObjectReference
	if related != nil {
		if x, err := Reference(related); err == nil {
			rel = &x
		}
	}
	if eventtype != Normal && eventtype != Warning {
		r.b.invalid.Add(1)
		r.b.log.Error("events: no event recorded: the type is neither Normal nor Warning", "type", eventtype, "reason", reason)
		return
	}
	ns := ref.Namespace
	if ns == "" {
		ns = "default"
	}
	ev := &eventsv1.Event{
		ObjectMeta:          metav1.ObjectMeta{Name: eventName(ref.Name, now), Namespace: ns, Annotations: annotations},
		EventTime:           metav1.MicroTime{Time: now},
		ReportingController: r.controller,
		ReportingInstance:   r.instance,
		Action:              truncate(action, 128),
		Reason:              truncate(reason, 128),
		Regarding:           ref,
		Related:             rel,
		Note:                truncate(note, noteLimit),
		Type:                eventtype,
	}
	r.b.enqueue(ev)
}

// ReferenceError reports an object Reference cannot refer to.
type ReferenceError struct {
	// Type is the object's Go type.
	Type reflect.Type
	// Reason says what is missing.
	Reason string
}

// Error returns the error's message.
func (e *ReferenceError) Error() string {
	return fmt.Sprintf("events: cannot refer to a %v: %s", e.Type, e.Reason)
}

// Reference returns the reference an event makes to obj, taken from the
// object itself: name, namespace, uid and resourceVersion from its
// metadata; kind and apiVersion from its Go type's descriptor (the
// APIResource method of generated kinds), else from its TypeMeta (or a
// dynamic.Object's apiVersion and kind). A *corev1.ObjectReference or
// corev1.ObjectReference is returned as it is. The error is a
// *ReferenceError for an object without name, kind or apiVersion, or a
// value that is not an object.
func Reference(obj any) (corev1.ObjectReference, error) {
	switch o := obj.(type) {
	case corev1.ObjectReference:
		return o, nil
	case *corev1.ObjectReference:
		if o == nil {
			return corev1.ObjectReference{}, &ReferenceError{Type: reflect.TypeOf(obj), Reason: "nil"}
		}
		return *o, nil
	}
	m, ok := obj.(interface {
		GetName() string
		GetNamespace() string
	})
	if !ok || isNil(obj) {
		return corev1.ObjectReference{}, &ReferenceError{Type: reflect.TypeOf(obj), Reason: "not an object with metadata (pass a pointer to it)"}
	}
	ref := corev1.ObjectReference{Name: m.GetName(), Namespace: m.GetNamespace()}
	if u, ok := obj.(interface{ GetUID() string }); ok {
		ref.UID = u.GetUID()
	}
	if v, ok := obj.(interface{ GetResourceVersion() string }); ok {
		ref.ResourceVersion = v.GetResourceVersion()
	}
	if d, ok := obj.(interface{ APIResource() *metav1.Resource }); ok {
		r := d.APIResource()
		ref.Kind, ref.APIVersion = r.Kind, r.Version
		if r.Group != "" {
			ref.APIVersion = r.Group + "/" + r.Version
		}
	} else if t, ok := obj.(interface {
		GetKind() string
		GetAPIVersion() string
	}); ok {
		ref.Kind, ref.APIVersion = t.GetKind(), t.GetAPIVersion()
	}
	switch {
	case ref.Name == "":
		return corev1.ObjectReference{}, &ReferenceError{Type: reflect.TypeOf(obj), Reason: "the object has no name"}
	case ref.Kind == "" || ref.APIVersion == "":
		return corev1.ObjectReference{}, &ReferenceError{Type: reflect.TypeOf(obj), Reason: "no kind or apiVersion: the type has no descriptor and its TypeMeta is empty"}
	}
	return ref, nil
}

func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// eventName is client-go's: the regarding object's name and the time in
// hexadecimal nanoseconds, or a random name when that is not a valid
// object name.
func eventName(refName string, t time.Time) string {
	name := refName + "." + strconv.FormatInt(t.UnixNano(), 16)
	if isDNSSubdomain(name) {
		return name
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// isDNSSubdomain reports whether s is a valid object name: at most 253
// lower-case letters, digits, '-' and '.', starting and ending with a
// letter or digit, no empty label.
func isDNSSubdomain(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		switch {
		case alnum:
		case c == '-' || c == '.':
			if i == 0 || i == len(s)-1 {
				return false
			}
			if c == '.' && (s[i-1] == '.' || s[i-1] == '-' || s[i+1] == '-') {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
