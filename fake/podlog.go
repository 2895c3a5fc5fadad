package fake

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ContainerLog is the log of one container of the fake server: what is
// written to it is what the pods/log subresource serves, one entry per
// line stamped with the time it was completed. Closing it marks the
// container terminated, which ends follow streams. It is safe for
// concurrent use.
type ContainerLog struct {
	mu      sync.Mutex
	lines   []logLine
	partial []byte
	closed  bool
	changed chan struct{} // closed and replaced on every change
}

type logLine struct {
	at   time.Time
	text []byte // with its newline, except a last line closed without one
}

// ContainerLog returns the log of container of pod namespace/name, created
// empty on first use. Without one, the log subresource answers as a real
// server does for a container that has not started.
func (s *Server) ContainerLog(namespace, pod, container string) *ContainerLog {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	if s.streams.logs == nil {
		s.streams.logs = map[string]*ContainerLog{}
	}
	k := streamKey(namespace, pod, container)
	l := s.streams.logs[k]
	if l == nil {
		l = &ContainerLog{changed: make(chan struct{})}
		s.streams.logs[k] = l
	}
	return l
}

func (s *Server) containerLog(namespace, pod, container string) *ContainerLog {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	return s.streams.logs[streamKey(namespace, pod, container)]
}

// Write appends p to the log; each completed line becomes an entry. It
// fails after Close.
func (l *ContainerLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, fmt.Errorf("fake: write to a closed container log")
	}
	now := time.Now()
	data := append(l.partial, p...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, logLine{at: now, text: bytes.Clone(data[:i+1])})
		data = data[i+1:]
	}
	l.partial = bytes.Clone(data)
	l.notify()
	return len(p), nil
}

// Close marks the container terminated: an unfinished last line becomes an
// entry and follow streams end. Closing twice is a no-op.
func (l *ContainerLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	if len(l.partial) > 0 {
		l.lines = append(l.lines, logLine{at: time.Now(), text: l.partial})
		l.partial = nil
	}
	l.closed = true
	l.notify()
	return nil
}

func (l *ContainerLog) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// snapshot returns the entries from index from, whether the log is closed,
// and the channel that signals the next change.
func (l *ContainerLog) snapshot(from int) ([]logLine, bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines[from:len(l.lines):len(l.lines)], l.closed, l.changed
}

// serveLog answers pods/log as the API server and kubelet do.
func (s *Server) serveLog(rq *request, pod obj) error {
	q := rq.q
	var errs []fieldError
	intParam := func(name string) (*int64, error) {
		v := q.Get(name)
		if v == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, errBadRequest(fmt.Sprintf("%s: %v", name, err))
		}
		return &n, nil
	}
	tail, err := intParam("tailLines")
	if err != nil {
		return err
	}
	limit, err := intParam("limitBytes")
	if err != nil {
		return err
	}
	since, err := intParam("sinceSeconds")
	if err != nil {
		return err
	}
	var sinceTime time.Time
	if v := q.Get("sinceTime"); v != "" {
		if sinceTime, err = time.Parse(time.RFC3339, v); err != nil {
			return errBadRequest(fmt.Sprintf("sinceTime: %v", err))
		}
	}
	if tail != nil && *tail < 0 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "tailLines", Value: *tail, Detail: "must be greater than or equal to 0"})
	}
	if limit != nil && *limit < 1 {
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "limitBytes", Value: *limit, Detail: "must be greater than 0"})
	}
	switch {
	case since != nil && !sinceTime.IsZero():
		errs = append(errs, fieldError{Type: "FieldValueForbidden", Field: "[]", Detail: "at most one of `sinceTime` or `sinceSeconds` may be specified"})
	case since != nil && *since < 1:
		errs = append(errs, fieldError{Type: "FieldValueInvalid", Field: "sinceSeconds", Value: *since, Detail: "must be greater than 0"})
	}
	if len(errs) > 0 {
		return errInvalid("", "PodLogOptions", rq.name, errs...)
	}
	container, err := resolveContainer(pod, rq.name, q.Get("container"))
	if err != nil {
		return err
	}
	if boolParam(q.Get("previous")) {
		return errBadRequest(fmt.Sprintf("previous terminated container %q in pod %q not found", container, rq.name))
	}
	l := s.containerLog(rq.ns, rq.name, container)
	if l == nil {
		return errBadRequest(fmt.Sprintf("container %q in pod %q is waiting to start: ContainerCreating", container, rq.name))
	}
	if since != nil {
		sinceTime = time.Now().Add(-time.Duration(*since) * time.Second)
	}
	follow, stamps := boolParam(q.Get("follow")), boolParam(q.Get("timestamps"))

	w := rq.w
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	flush := func() { _ = http.NewResponseController(w).Flush() }
	flush()
	left := int64(-1)
	if limit != nil {
		left = *limit
	}
	write := func(b []byte) bool {
		if left >= 0 && int64(len(b)) > left {
			b = b[:left]
		}
		if _, err := w.Write(b); err != nil {
			return false
		}
		if left >= 0 {
			left -= int64(len(b))
		}
		return left != 0
	}
	next := 0
	lines, closed, changed := l.snapshot(0)
	if tail != nil && int64(len(lines)) > *tail {
		next = len(lines) - int(*tail)
		lines = lines[next:]
	}
	for {
		for _, ln := range lines {
			next++
			if ln.at.Before(sinceTime) {
				continue
			}
			if stamps && !write([]byte(ln.at.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")+" ")) {
				flush()
				return nil
			}
			if !write(ln.text) {
				flush()
				return nil
			}
		}
		flush()
		if !follow || closed {
			return nil
		}
		select {
		case <-changed:
		case <-rq.r.Context().Done():
			return nil
		}
		lines, closed, changed = l.snapshot(next)
	}
}
