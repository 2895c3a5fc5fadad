package intern

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Many distinct strings of one length, more than the table's slots, all
// come back right; strings that keep coming back stay shared.
func TestInternCollisions(t *testing.T) {
	hot := String([]byte("hot-value"))
	for i := range 20 * shortSlots {
		s := fmt.Sprintf("v-%07d", i) // as long as "hot-value"
		require.Equal(t, s, String([]byte(s)))
		if i%8 == 0 {
			require.Equal(t, "hot-value", String([]byte("hot-value")))
		}
	}
	assert.Same(t, unsafe.StringData(hot), unsafe.StringData(String([]byte("hot-value"))))

	pad := strings.Repeat("-", MaxShort)
	for i := range 4 * longSlots {
		s := fmt.Sprintf("%s%07d", pad, i)
		require.Equal(t, s, String([]byte(s)))
	}
}

func TestInternConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				s := fmt.Sprintf("s%d", (i*7+g)%300)
				if got := String([]byte(s)); got != s {
					t.Errorf("String(%q) = %q", s, got)
					return
				}
				raw := fmt.Sprintf(`{"f:%d":{}}`, (i*5+g)%300)
				if got := Bytes([]byte(raw)); string(got) != raw {
					t.Errorf("Bytes(%q) = %q", raw, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
