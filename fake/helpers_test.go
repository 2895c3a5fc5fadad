package fake

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// resp is a decoded response.
type resp struct {
	code int
	body map[string]any
	raw  string
}

// call sends one request to srv and decodes the JSON answer.
func call(t *testing.T, srv *Server, method, path, ct, body string, hdr ...string) resp {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	out := resp{code: r.StatusCode, raw: string(b)}
	json.Unmarshal(b, &out.body)
	return out
}

func (r resp) str(path ...string) string {
	var cur any = r.body
	for _, p := range path {
		if l, ok := cur.([]any); ok {
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(l) {
				return ""
			}
			cur = l[i]
			continue
		}
		m, _ := cur.(map[string]any)
		cur = m[p]
	}
	switch v := cur.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	b, _ := json.Marshal(cur)
	return string(b)
}

func (r resp) items() []map[string]any {
	var out []map[string]any
	for _, it := range r.body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func names(r resp) []string {
	var out []string
	for _, it := range r.items() {
		out = append(out, it["metadata"].(map[string]any)["name"].(string))
	}
	return out
}

const ctJSON = "application/json"

// watchEvents opens a watch and returns a function reading the next event.
func watchEvents(t *testing.T, srv *Server, path string) (next func() map[string]any, stop func()) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL()+path, nil)
	require.NoError(t, err)
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, r.StatusCode)
	sc := bufio.NewScanner(r.Body)
	events := make(chan map[string]any, 100)
	go func() {
		defer close(events)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				events <- ev
			}
		}
	}()
	next = func() map[string]any {
		t.Helper()
		select {
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			return ev
		case <-time.After(3 * time.Second):
			t.Fatal("no watch event within 3s")
			return nil
		}
	}
	return next, func() { r.Body.Close() }
}

func evType(ev map[string]any) string { return ev["type"].(string) }

func evName(ev map[string]any) string {
	return ev["object"].(map[string]any)["metadata"].(map[string]any)["name"].(string)
}
