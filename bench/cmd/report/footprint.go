package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// footprint is workload 6's measures of one list-pods program.
type footprint struct {
	label                string
	modules, mainModules int // go list -m all: the program's module, and kubewire's own
	linkedModules        int // modules linked into the binary (go version -m)
	packages, nonStd     int
	binary, stripped     int64
	coldCPU, coldWall    time.Duration
	// ownCPU and ownWall: a build whose cache holds the standard library
	// already (as on any machine that has built a Go program), which
	// compiles only the program's own dependency tree and links.
	ownCPU, ownWall   time.Duration
	warmCPU, warmWall time.Duration
	coldSkipped       bool
	dir               string
}

// goCmd runs the go command in dir with extra environment and returns its
// standard output; the error carries standard error.
func goCmd(dir string, env []string, args ...string) (string, *os.ProcessState, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return "", cmd.ProcessState, fmt.Errorf("go %s in %s: %v: %s", strings.Join(args, " "), dir, err, errb.String())
	}
	return out.String(), cmd.ProcessState, nil
}

func lines(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// measureFootprint measures the program in dir (its own module). mainDir,
// when set, is a module whose `go list -m all` is reported too. cold runs
// the cold build with an empty GOCACHE (the module cache stays warm).
func measureFootprint(label, dir, mainDir string, cold bool, warmRounds int) (*footprint, error) {
	f := &footprint{label: label, dir: dir}
	out, _, err := goCmd(dir, nil, "list", "-m", "all")
	if err != nil {
		return nil, err
	}
	f.modules = lines(out)
	if mainDir != "" {
		out, _, err := goCmd(mainDir, nil, "list", "-m", "all")
		if err != nil {
			return nil, err
		}
		f.mainModules = lines(out)
	}
	out, _, err = goCmd(dir, nil, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", ".")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f.packages++
		if strings.HasSuffix(l, " false") {
			f.nonStd++
		}
	}
	tmp, err := os.MkdirTemp("", "footprint")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "list-pods")

	if cold {
		cache := filepath.Join(tmp, "gocache")
		start := time.Now()
		_, ps, err := goCmd(dir, []string{"GOCACHE=" + cache}, "build", "-o", bin, ".")
		if err != nil {
			return nil, err
		}
		f.coldWall = time.Since(start)
		f.coldCPU = ps.UserTime() + ps.SystemTime()
		os.RemoveAll(cache)

		// The same with the program's standard-library packages compiled
		// into the new cache first, with the same flags, so that they hit.
		out, _, err := goCmd(dir, nil, "list", "-deps", "-f", "{{if .Standard}}{{.ImportPath}}{{end}}", ".")
		if err != nil {
			return nil, err
		}
		std := strings.Fields(out)
		env := []string{"GOCACHE=" + cache}
		if _, _, err := goCmd(dir, env, append([]string{"build"}, std...)...); err != nil {
			return nil, err
		}
		start = time.Now()
		_, ps, err = goCmd(dir, env, "build", "-o", bin, ".")
		if err != nil {
			return nil, err
		}
		f.ownWall = time.Since(start)
		f.ownCPU = ps.UserTime() + ps.SystemTime()
		os.RemoveAll(cache)
	} else {
		f.coldSkipped = true
	}
	// Warm rebuilds: the main file changed (a comment), everything else cached.
	if _, _, err := goCmd(dir, nil, "build", "-o", bin, "."); err != nil {
		return nil, err
	}
	src := filepath.Join(dir, "main.go")
	orig, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	defer os.WriteFile(src, orig, 0o644)
	var cpu, wall []float64
	for r := range warmRounds {
		if err := os.WriteFile(src, append(bytes.Clone(orig), fmt.Sprintf("\n// rebuild %d\n", r)...), 0o644); err != nil {
			return nil, err
		}
		start := time.Now()
		_, ps, err := goCmd(dir, nil, "build", "-o", bin, ".")
		if err != nil {
			return nil, err
		}
		wall = append(wall, float64(time.Since(start)))
		cpu = append(cpu, float64(ps.UserTime()+ps.SystemTime()))
	}
	if err := os.WriteFile(src, orig, 0o644); err != nil {
		return nil, err
	}
	f.warmCPU, f.warmWall = time.Duration(medianOf(cpu)), time.Duration(medianOf(wall))
	if _, _, err := goCmd(dir, nil, "build", "-o", bin, "."); err != nil {
		return nil, err
	}
	st, err := os.Stat(bin)
	if err != nil {
		return nil, err
	}
	f.binary = st.Size()
	out, _, err = goCmd(dir, nil, "version", "-m", bin)
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(out, "\n") {
		if fs := strings.Fields(l); len(fs) > 0 && fs[0] == "dep" {
			f.linkedModules++
		}
	}
	if _, _, err := goCmd(dir, nil, "build", "-ldflags=-s -w", "-o", bin, "."); err != nil {
		return nil, err
	}
	if st, err = os.Stat(bin); err != nil {
		return nil, err
	}
	f.stripped = st.Size()
	return f, nil
}
