package events

import "fmt"

// EventRecorder is what records events: *Recorder, or a FakeRecorder in
// the unit tests of code that takes an EventRecorder.
type EventRecorder interface {
	// Eventf records an event about regarding; see Recorder.Eventf.
	Eventf(regarding, related any, eventtype, reason, action, note string, args ...any)
	// AnnotatedEventf is Eventf with annotations on the Event.
	AnnotatedEventf(regarding, related any, annotations map[string]string, eventtype, reason, action, note string, args ...any)
}

var (
	_ EventRecorder = (*Recorder)(nil)
	_ EventRecorder = (*FakeRecorder)(nil)
)

// FakeRecorder records events as strings on a channel instead of writing
// them, as client-go's events.FakeRecorder does: "TYPE REASON NOTE", the
// note formatted with its arguments as Recorder.Eventf formats it. With a
// nil Events channel it records nothing. A send waits while the channel is
// full, so size it for the events a test expects.
type FakeRecorder struct {
	// Events receives one string per event.
	Events chan string
	// IncludeObject appends the regarding object's kind and apiVersion,
	// as " involvedObject{kind=Pod,apiVersion=v1}" (client-go's
	// record.FakeRecorder format), taken as Reference takes them; both are
	// empty for a value Reference cannot read.
	IncludeObject bool
}

// NewFakeRecorder returns a FakeRecorder whose channel holds buffer
// events.
func NewFakeRecorder(buffer int) *FakeRecorder {
	return &FakeRecorder{Events: make(chan string, buffer)}
}

// Eventf sends "eventtype reason note" on f.Events.
func (f *FakeRecorder) Eventf(regarding, related any, eventtype, reason, action, note string, args ...any) {
	if f.Events == nil {
		return
	}
	if len(args) > 0 {
		note = fmt.Sprintf(note, args...)
	}
	e := eventtype + " " + reason + " " + note
	if f.IncludeObject {
		ref, _ := Reference(regarding)
		e += fmt.Sprintf(" involvedObject{kind=%s,apiVersion=%s}", ref.Kind, ref.APIVersion)
	}
	f.Events <- e
}

// AnnotatedEventf is Eventf; the annotations are not recorded.
func (f *FakeRecorder) AnnotatedEventf(regarding, related any, annotations map[string]string, eventtype, reason, action, note string, args ...any) {
	f.Eventf(regarding, related, eventtype, reason, action, note, args...)
}
