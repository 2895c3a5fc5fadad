package fake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/labels"
)

// The helpers below format cells as kube-apiserver's printers do.

// sget returns the string at path, "" when absent or not a string.
func sget(o map[string]any, path ...string) string {
	s, _ := nested(o, path...).(string)
	return s
}

// iget returns the integer at path, 0 when absent.
func iget(o map[string]any, path ...string) int64 {
	n, _ := numberInt(nested(o, path...))
	return n
}

// bget returns the boolean at path, false when absent.
func bget(o map[string]any, path ...string) bool {
	b, _ := nested(o, path...).(bool)
	return b
}

// lget returns the list at path.
func lget(o map[string]any, path ...string) []any { return asList(nested(o, path...)) }

// mapItems returns the maps of a list, skipping other values.
func mapItems(l []any) []map[string]any {
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// cellAge is the Age cell: the time since the object's creation.
func cellAge(o obj) any { return since(metaString(o, "creationTimestamp")) }

// since is the time elapsed since an RFC 3339 timestamp, "<unknown>" for
// none.
func since(ts string) string {
	t, ok := parseTime(ts)
	if !ok {
		return "<unknown>"
	}
	return humanDuration(time.Since(t))
}

func parseTime(ts string) (time.Time, bool) {
	if ts == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil || t.IsZero() {
		return time.Time{}, false
	}
	return t, true
}

// humanDuration approximates d as kube-apiserver's printers do.
func humanDuration(d time.Duration) string {
	if s := int(d.Seconds()); s < -1 {
		return "<invalid>"
	} else if s < 0 {
		return "0s"
	} else if s < 120 {
		return fmt.Sprintf("%ds", s)
	}
	minutes := int(d / time.Minute)
	switch {
	case minutes < 10:
		if s := int(d/time.Second) % 60; s != 0 {
			return fmt.Sprintf("%dm%ds", minutes, s)
		}
		return fmt.Sprintf("%dm", minutes)
	case minutes < 180:
		return fmt.Sprintf("%dm", minutes)
	}
	hours := int(d / time.Hour)
	switch {
	case hours < 8:
		if m := minutes % 60; m != 0 {
			return fmt.Sprintf("%dh%dm", hours, m)
		}
		return fmt.Sprintf("%dh", hours)
	case hours < 48:
		return fmt.Sprintf("%dh", hours)
	case hours < 24*8:
		if h := hours % 24; h != 0 {
			return fmt.Sprintf("%dd%dh", hours/24, h)
		}
		return fmt.Sprintf("%dd", hours/24)
	case hours < 24*365*2:
		return fmt.Sprintf("%dd", hours/24)
	case hours < 24*365*8:
		if dy := hours / 24 % 365; dy != 0 {
			return fmt.Sprintf("%dy%dd", hours/24/365, dy)
		}
		return fmt.Sprintf("%dy", hours/24/365)
	}
	return fmt.Sprintf("%dy", hours/24/365)
}

// formatLabels prints a label map as "k=v,..." sorted by key, "<none>" when
// empty.
func formatLabels(v any) string {
	set := labels.Set{}
	for k, x := range asMap(v) {
		s, _ := x.(string)
		set[k] = s
	}
	if s := set.String(); s != "" {
		return s
	}
	return "<none>"
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// labelSelector reads a metav1.LabelSelector held as JSON; nil for none.
func labelSelector(v any) (*metav1.LabelSelector, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var ls metav1.LabelSelector
	if err := json.Unmarshal(b, &ls); err != nil {
		return nil, err
	}
	return &ls, nil
}

// selectorText is a label selector in the API's syntax; ok is false when
// it is invalid.
func selectorText(v any) (string, bool) {
	ls, err := labelSelector(v)
	if err != nil {
		return "", false
	}
	sel, err := labels.FromLabelSelector(ls)
	if err != nil {
		return "", false
	}
	return sel.String(), true
}

// printSelector prints a label selector, "<none>" when it selects by
// nothing and "<error>" when it is invalid.
func printSelector(v any) string {
	s, ok := selectorText(v)
	switch {
	case !ok:
		return "<error>"
	case s == "":
		return "<none>"
	}
	return s
}

// containerCells are the Containers and Images cells: names and images
// joined by commas.
func containerCells(containers []any) (string, string) {
	var names, images []string
	for _, c := range mapItems(containers) {
		names = append(names, str(c, "name"))
		images = append(images, str(c, "image"))
	}
	return strings.Join(names, ","), strings.Join(images, ",")
}

// intOrString prints an int-or-string value.
func intOrString(v any) string {
	if n, ok := numberInt(v); ok {
		return strconv.FormatInt(n, 10)
	}
	s, _ := v.(string)
	return s
}

// quantity prints a stored quantity ("0" when absent); stored quantities
// are already in canonical form.
func quantity(v any) string {
	switch q := v.(type) {
	case string:
		return q
	case nil:
		return "0"
	}
	if n, ok := numberInt(v); ok {
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprint(v)
}

// orNone returns s, or "<none>" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// boolPtr prints an optional boolean: "True", "False" or "<unset>".
func boolPtr(v any) string {
	switch v {
	case true:
		return "True"
	case false:
		return "False"
	}
	return "<unset>"
}

// accessModes prints volume access modes as RWO, ROX, RWX, RWOP.
func accessModes(v any) string {
	have := map[string]bool{}
	for _, m := range stringList(v) {
		have[m] = true
	}
	var out []string
	for _, m := range [][2]string{{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}} {
		if have[m[0]] {
			out = append(out, m[1])
		}
	}
	return strings.Join(out, ",")
}

// listWithMore joins the first max items of list, noting how many more
// there are of count; "<unset>" for none.
func listWithMore(list []string, count, max int) string {
	if count > max {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:max], ","), count-max)
	}
	if len(list) == 0 {
		return "<unset>"
	}
	return strings.Join(list, ",")
}
