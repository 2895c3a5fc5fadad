//go:build integration

package integration

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/internal/testenv"
)

// TestStreamsThroughput measures the examples beside kubectl on the same
// pod: 50 MB of exec stdout, 50 MB of stdin, and a 50 MB cp each way;
// wall time and the client process's CPU (user+system), medians of
// alternating rounds. It prints a Markdown table for docs/benchmarks.md.
// It runs only with KUBEWIRE_STREAMS_BENCH=1 (a minute or more).
func TestStreamsThroughput(t *testing.T) {
	if os.Getenv("KUBEWIRE_STREAMS_BENCH") == "" {
		t.Skip("set KUBEWIRE_STREAMS_BENCH=1 to measure throughput beside kubectl")
	}
	env, _ := streamsEnv(t)
	kc := env.Kubeconfig(testenv.IdentityAdminToken)
	kubectl := kubectlPath(t)
	const size = 50 << 20
	dir := t.TempDir()
	payload := filepath.Join(dir, "payload")
	data := make([]byte, size)
	_, _ = rand.Read(data)
	require.NoError(t, os.WriteFile(payload, data, 0o644))
	rounds := 5

	type workload struct {
		name    string
		example string
		args    func(round int, who string) []string
		stdin   bool
		check   func(out []byte)
	}
	loads := []workload{
		{"exec: 50 MB of stdout", "exec", func(int, string) []string {
			return []string{"-n", streamsNS, "sh", "--", "head", "-c", fmt.Sprint(size), payload}
		}, false, func(out []byte) { require.True(t, bytes.Equal(data, out), "stdout differs") }},
		{"exec: 50 MB of stdin", "exec", func(round int, who string) []string {
			return []string{"-n", streamsNS, "-i", "sh", "--", "sh", "-c", "cat > " + filepath.Join(dir, fmt.Sprintf("in-%s-%d", who, round))}
		}, true, nil},
		{"cp: 50 MB into the pod", "cp", func(round int, who string) []string {
			return []string{payload, streamsNS + "/sh:" + filepath.Join(dir, fmt.Sprintf("cp-in-%s-%d", who, round))}
		}, false, nil},
		{"cp: 50 MB out of the pod", "cp", func(round int, who string) []string {
			return []string{streamsNS + "/sh:" + payload, filepath.Join(dir, fmt.Sprintf("cp-out-%s-%d", who, round))}
		}, false, nil},
	}
	var table strings.Builder
	table.WriteString("| workload | kubectl wall | kubewire wall | kubectl CPU | kubewire CPU | throughput (kubewire / kubectl) | CPU (kubewire / kubectl) |\n|---|---|---|---|---|---|---|\n")
	for _, w := range loads {
		bin := exampleBin(t, w.example)
		var kw, ww, kc2, wc []time.Duration
		for round := range rounds {
			for i, who := range []string{"kubectl", "kubewire"} {
				if round%2 == 1 {
					who = []string{"kubewire", "kubectl"}[i]
				}
				var prog string
				var args []string
				if who == "kubectl" {
					prog, args = kubectl, append([]string{w.example, "--kubeconfig", kc}, w.args(round, who)...)
				} else {
					prog, args = bin, append([]string{"--kubeconfig", kc}, w.args(round, who)...)
				}
				cmd := exec.Command(prog, args...)
				cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, io.Discard
				if w.stdin {
					f, err := os.Open(payload)
					require.NoError(t, err)
					cmd.Stdin = f
					defer f.Close()
				}
				start := time.Now()
				require.NoError(t, cmd.Run(), "%s %s", who, w.name)
				wall := time.Since(start)
				cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if w.check != nil {
					w.check(out.Bytes())
				}
				if who == "kubectl" {
					kw, kc2 = append(kw, wall), append(kc2, cpu)
				} else {
					ww, wc = append(ww, wall), append(wc, cpu)
				}
			}
		}
		mk, mw, ck, cw := median(kw), median(ww), median(kc2), median(wc)
		fmt.Fprintf(&table, "| %s | %s | %s | %s | %s | %.2fx | %.2fx |\n", w.name,
			ms(mk), ms(mw), ms(ck), ms(cw), float64(mk)/float64(mw), float64(cw)/float64(ck))
	}
	t.Logf("\n%s", table.String())
	if p := os.Getenv("KUBEWIRE_STREAMS_BENCH_OUT"); p != "" {
		require.NoError(t, os.WriteFile(p, []byte(table.String()), 0o644))
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
