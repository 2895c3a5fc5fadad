package events

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/eventsv1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

// The APIs events are written to.
const (
	apiEvents = "events.k8s.io/v1"
	apiCore   = "v1"
)

// sink writes cache entries to the server, in events.k8s.io/v1 or, on a
// server without it, core/v1.
type sink struct {
	b   *Broadcaster
	api string
}

// decide asks discovery, once, whether the server serves events.k8s.io/v1
// events, as client-go's adapter does (GET /apis/events.k8s.io/v1). An
// answer other than a status (the network) leaves events.k8s.io, and a 404
// on the first create corrects it.
func (s *sink) decide(ctx context.Context) {
	if s.api != "" {
		return
	}
	var list metav1.APIResourceList
	err := s.b.rc.Get().AbsPath("apis", "events.k8s.io", "v1").Into(ctx, &list)
	var se *rest.StatusError
	switch {
	case err == nil:
		s.setAPI(apiCore)
		for _, r := range list.Resources {
			if r.Name == "events" {
				s.setAPI(apiEvents)
			}
		}
	case errors.As(err, &se) && se.Status.Code == http.StatusNotFound:
		s.setAPI(apiCore)
	case ctx.Err() != nil:
		return
	default:
		s.setAPI(apiEvents)
	}
}

func (s *sink) setAPI(api string) {
	s.api = api
	s.b.api.Store(api)
}

// write brings the server in line with e: creates its Event, or writes
// its series.
func (s *sink) write(ctx context.Context, e *entry) error {
	s.decide(ctx)
	if s.api == "" {
		return ctx.Err()
	}
	if e.created {
		err := s.patch(ctx, e)
		if err == nil {
			e.dirty = false
			s.b.patched.Add(1)
			return nil
		}
		if !rest.IsNotFound(err) {
			return err
		}
		// The Event is gone (expired): create it again.
		e.created = false
	}
	err := s.create(ctx, e)
	if err != nil && s.api == apiEvents && resourceMissing(err) {
		// A server without events.k8s.io answers the path with a 404
		// that names no object.
		s.setAPI(apiCore)
		err = s.create(ctx, e)
	}
	if rest.IsAlreadyExists(err) {
		// An earlier try was written though its answer was lost.
		e.created = true
		if e.ev.Series == nil {
			return nil
		}
		return s.write(ctx, e)
	}
	if err != nil {
		return err
	}
	e.created, e.dirty = true, false
	s.b.created.Add(1)
	return nil
}

// resourceMissing reports a 404 for the collection itself rather than for
// the namespace (which names it in details).
func resourceMissing(err error) bool {
	var se *rest.StatusError
	if !errors.As(err, &se) || se.Status.Code != http.StatusNotFound {
		return false
	}
	return se.Status.Details == nil || se.Status.Details.Name == ""
}

func (s *sink) create(ctx context.Context, e *entry) error {
	ev := e.ev
	if s.api == apiEvents {
		out := *ev
		out.ResourceVersion = ""
		_, err := typed.For[eventsv1.Event, eventsv1.EventList](s.b.rc, ev.Namespace).Create(ctx, &out, metav1.CreateOptions{})
		return err
	}
	_, err := typed.For[corev1.Event, corev1.EventList](s.b.rc, ev.Namespace).Create(ctx, coreEvent(e), metav1.CreateOptions{})
	return err
}

// patch writes the series: series.count and series.lastObservedTime in
// events.k8s.io, count and lastTimestamp in core/v1, by a strategic merge
// patch as client-go's.
func (s *sink) patch(ctx context.Context, e *entry) error {
	ev := e.ev
	if ev.Series == nil {
		return nil
	}
	var body []byte
	var err error
	if s.api == apiEvents {
		body, err = json.Marshal(map[string]any{"series": map[string]any{
			"count": ev.Series.Count, "lastObservedTime": ev.Series.LastObservedTime,
		}})
		if err == nil {
			_, err = typed.For[eventsv1.Event, eventsv1.EventList](s.b.rc, ev.Namespace).
				Patch(ctx, ev.Name, rest.StrategicMergePatch, body, metav1.PatchOptions{})
		}
		return err
	}
	body, err = json.Marshal(map[string]any{
		"count": ev.Series.Count, "lastTimestamp": metav1.Time{Time: ev.Series.LastObservedTime.Time},
	})
	if err == nil {
		_, err = typed.For[corev1.Event, corev1.EventList](s.b.rc, ev.Namespace).
			Patch(ctx, ev.Name, rest.StrategicMergePatch, body, metav1.PatchOptions{})
	}
	return err
}

// coreEvent is e's Event in core/v1's fields, as client-go's core recorder
// writes them: source, first and last timestamps and count in place of
// eventTime and series.
func coreEvent(e *entry) *corev1.Event {
	ev := e.ev
	first := metav1.Time{Time: ev.EventTime.Time}
	out := &corev1.Event{
		ObjectMeta:         metav1.ObjectMeta{Name: ev.Name, Namespace: ev.Namespace, Annotations: ev.Annotations},
		InvolvedObject:     ev.Regarding,
		Related:            ev.Related,
		Reason:             ev.Reason,
		Message:            ev.Note,
		Type:               ev.Type,
		Action:             ev.Action,
		Source:             corev1.EventSource{Component: ev.ReportingController},
		ReportingComponent: ev.ReportingController,
		ReportingInstance:  ev.ReportingInstance,
		FirstTimestamp:     first,
		LastTimestamp:      first,
		Count:              1,
	}
	if ev.Series != nil {
		out.Count = ev.Series.Count
		out.LastTimestamp = metav1.Time{Time: ev.Series.LastObservedTime.Time}
	}
	return out
}

// transient reports an error worth another try: the network's, or the
// server's trouble (5xx, 429), not a rejection of the event.
func transient(err error) bool {
	var se *rest.StatusError
	if errors.As(err, &se) {
		return se.Status.Code >= 500 || se.Status.Code == http.StatusTooManyRequests
	}
	var re *rest.RequestError
	return !errors.As(err, &re)
}
