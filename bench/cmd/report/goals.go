package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	kwcorev1 "github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/bench/fixture"
	kwtyped "github.com/kubewire/kubewire/typed"
)

// goal is one of issue 6's goals with what was measured against it.
type goal struct {
	workload string // the section it belongs to
	text     string
	measured string
	met      bool
	// profile, when the goal is missed, names the profile of kubewire's
	// side that explains it.
	profile string
}

// profile is the top of a pprof profile of kubewire's side of a workload.
type profile struct {
	name, what, top string
}

func find(rs []result, prefix string) result {
	for _, r := range rs {
		if strings.HasPrefix(r.label, prefix) {
			return r
		}
	}
	panic("no result " + prefix)
}

func findHeld(rs []heldResult, prefix string) heldResult {
	for _, r := range rs {
		if strings.HasPrefix(r.label, prefix) {
			return r
		}
	}
	panic("no result " + prefix)
}

func (r *report) evaluate() {
	small, big := r.sizes[0], r.sizes[len(r.sizes)-1]
	add := func(g goal) { r.goals = append(r.goals, g) }

	kw, pb := find(r.decode[big], "kubewire typed JSON (typed.DecodeList"), find(r.decode[big], "client-go protobuf")
	add(goal{workload: "decode", text: fmt.Sprintf("typed decode of %d pods from JSON faster than client-go from protobuf", big),
		measured: fmt.Sprintf("%.0f ms vs %.0f ms (%.2fx)", kw.ns/1e6, pb.ns/1e6, kw.ns/pb.ns), met: kw.ns < pb.ns, profile: "decode"})
	kw1, pb1 := find(r.decode[small], "kubewire typed JSON (typed.DecodeList"), find(r.decode[small], "client-go protobuf")
	add(goal{workload: "decode", text: fmt.Sprintf("typed decode of %d pods within 2x client-go protobuf", small),
		measured: fmt.Sprintf("%.1f ms vs %.1f ms (%.2fx)", kw1.ns/1e6, pb1.ns/1e6, kw1.ns/pb1.ns), met: kw1.ns <= 2*pb1.ns, profile: "decode"})
	add(goal{workload: "decode", text: "at most 50 allocations per pod (typed decode)",
		measured: fmt.Sprintf("%.1f per pod", kw.allocs/float64(big)), met: kw.allocs/float64(big) <= 50, profile: "decode"})

	cu, ku := find(r.unstruct[big], "client-go"), find(r.unstruct[big], "kubewire dynamic (List.DecodeJSONFrom")
	add(goal{workload: "unstructured", text: "unstructured decode at least 5x client-go's",
		measured: fmt.Sprintf("%.1fx", cu.ns/ku.ns), met: cu.ns/ku.ns >= 5, profile: "unstructured"})
	ch, kh := findHeld(r.held, "client-go unstructured"), findHeld(r.held, "kubewire dynamic")
	add(goal{workload: "unstructured", text: "at most a third of client-go's heap per unstructured object",
		measured: fmt.Sprintf("%.1f KB vs %.1f KB (%.2fx)", kh.perItem/1024, ch.perItem/1024, kh.perItem/ch.perItem), met: kh.perItem*3 <= ch.perItem, profile: "unstructured-heap"})
	for _, proto := range []string{"HTTP/1.1", "HTTP/2 over TLS"} {
		cd, kd := find(r.list[proto], "client-go dynamic"), find(r.list[proto], "kubewire dynamic")
		add(goal{workload: "list", text: "dynamic List at least 5x client-go's dynamic client, " + proto,
			measured: fmt.Sprintf("%.1fx", cd.ns/kd.ns), met: cd.ns/kd.ns >= 5, profile: "list-dynamic"})
		ct, cj, kt := find(r.list[proto], "client-go typed clientset (default"), find(r.list[proto], "client-go typed clientset (JSON"), find(r.list[proto], "kubewire typed")
		add(goal{workload: "list", text: fmt.Sprintf("typed List of %d pods at least 4x faster than client-go's clientset (which negotiates protobuf), %s", big, proto),
			measured: fmt.Sprintf("%.1fx (%.1fx vs the clientset forced to JSON)", ct.ns/kt.ns, cj.ns/kt.ns), met: ct.ns/kt.ns >= 4, profile: "list-typed"})
	}
	for _, kind := range []string{"typed", "dynamic"} {
		c, k := find(r.watch, "client-go "+kind), find(r.watch, "kubewire "+kind)
		add(goal{workload: "watch", text: "watch at least 5x client-go's events per second, " + kind,
			measured: fmt.Sprintf("%.1fx (%.0f vs %.0f events/s)", c.ns/k.ns, float64(r.watchEvents)/(k.ns/1e9), float64(r.watchEvents)/(c.ns/1e9)), met: c.ns/k.ns >= 5, profile: "watch-" + kind})
	}
	ki := findHeld(r.informers, "kubewire typed informer")
	add(goal{workload: "informer", text: fmt.Sprintf("informer heap for %d typed pods at most 9 KB per pod", r.informerPods),
		measured: fmt.Sprintf("%.1f KB per pod", ki.perItem/1024), met: ki.perItem <= 9*1024, profile: "informer-heap"})

	cdc, kdc := find(r.deepCopy, "client-go"), find(r.deepCopy, "kubewire")
	add(goal{workload: "deep copy", text: "typed DeepCopy of a pod at most client-go's time",
		measured: fmt.Sprintf("%.1f us vs %.1f us per pod (%.2fx)", kdc.ns/1e3/float64(small), cdc.ns/1e3/float64(small), kdc.ns/cdc.ns), met: kdc.ns <= cdc.ns, profile: "deepcopy"})

	cg, kwf := r.footprints[0], r.footprints[1]
	add(goal{workload: "footprint", text: "list-pods binary at most 13 MB unstripped",
		measured: fmt.Sprintf("%.1f MB (client-go %.1f MB)", mb(int(kwf.binary)), mb(int(cg.binary))), met: kwf.binary <= 13e6, profile: "binary"})
	if !kwf.coldSkipped {
		add(goal{workload: "footprint", text: "cold build CPU at most a third of client-go's",
			measured: fmt.Sprintf("%.1f s vs %.1f s (%.2fx)", kwf.coldCPU.Seconds(), cg.coldCPU.Seconds(), kwf.coldCPU.Seconds()/cg.coldCPU.Seconds()), met: 3*kwf.coldCPU <= cg.coldCPU})
		add(goal{workload: "footprint", text: "cold build at most a quarter of client-go's (issue 3), empty GOCACHE",
			measured: fmt.Sprintf("%.1f s vs %.1f s CPU (%.2fx), %.1f s vs %.1f s wall (%.2fx)", kwf.coldCPU.Seconds(), cg.coldCPU.Seconds(), kwf.coldCPU.Seconds()/cg.coldCPU.Seconds(),
				kwf.coldWall.Seconds(), cg.coldWall.Seconds(), kwf.coldWall.Seconds()/cg.coldWall.Seconds()) + r.floorNote(), met: 4*kwf.coldCPU <= cg.coldCPU})
		add(goal{workload: "footprint", text: "cold build at most a quarter of client-go's (issue 3), standard library cached",
			measured: fmt.Sprintf("%.1f s vs %.1f s CPU (%.2fx), %.1f s vs %.1f s wall (%.2fx)", kwf.ownCPU.Seconds(), cg.ownCPU.Seconds(), kwf.ownCPU.Seconds()/cg.ownCPU.Seconds(),
				kwf.ownWall.Seconds(), cg.ownWall.Seconds(), kwf.ownWall.Seconds()/cg.ownWall.Seconds()), met: 4*kwf.ownCPU <= cg.ownCPU})
	}
	add(goal{workload: "footprint", text: "at most 10 modules in the graph",
		measured: fmt.Sprintf("%d in the program's graph, %d in kubewire's own (client-go %d)", kwf.modules, kwf.mainModules, cg.modules), met: kwf.modules <= 10, profile: "modules"})
}

// profileMisses takes a profile of kubewire's side of each missed goal.
func (r *report) profileMisses() error {
	done := map[string]bool{}
	for i := range r.goals {
		g := &r.goals[i]
		if g.met || g.profile == "" {
			continue
		}
		if done[g.profile] {
			continue
		}
		done[g.profile] = true
		log.Printf("profiling %s", g.profile)
		p, err := r.takeProfile(g.profile)
		if err != nil {
			return fmt.Errorf("profile %s: %w", g.profile, err)
		}
		if p != nil {
			r.profiles = append(r.profiles, *p)
		}
	}
	return nil
}

// cpuProfile profiles op run repeatedly for about d and returns pprof's top.
func cpuProfile(name string, d time.Duration, op func() error) (string, error) {
	f, err := os.CreateTemp("", name+"-*.pprof")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := pprof.StartCPUProfile(f); err != nil {
		return "", err
	}
	start := time.Now()
	for time.Since(start) < d {
		if err := op(); err != nil {
			pprof.StopCPUProfile()
			return "", err
		}
	}
	pprof.StopCPUProfile()
	f.Close()
	return pprofTop(f.Name())
}

func pprofTop(file string, extra ...string) (string, error) {
	args := append([]string{"tool", "pprof", "-top", "-nodecount=22"}, extra...)
	out, err := exec.Command("go", append(args, file)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pprof: %v: %s", err, out)
	}
	return trimPprof(string(out)), nil
}

// trimPprof drops pprof's header lines that name the temporary file.
func trimPprof(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Time:") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

func (r *report) takeProfile(name string) (*profile, error) {
	big := r.inputs[r.sizes[len(r.sizes)-1]]
	d := 6 * time.Second
	var top, what string
	var err error
	switch name {
	case "decode":
		what = fmt.Sprintf("CPU, kubewire typed decode of %d pods (typed.DecodeList), repeated for %v", big.n, d)
		top, err = cpuProfile(name, d, func() error {
			var l kwcorev1.PodList
			return kwtyped.DecodeList[kwcorev1.Pod](bytes.Clone(big.json), &l)
		})
	case "unstructured":
		what = fmt.Sprintf("CPU, kubewire dynamic decode of %d pods (List.DecodeJSONFrom), repeated for %v", big.n, d)
		top, err = cpuProfile(name, d, func() error { _, err := kubewireDynamicStream(big.json); return err })
	case "list-typed", "list-dynamic":
		s := start(&apiServer{podsJSON: big.json}, true)
		defer s.close()
		cs, cerr := listContenders(s, big.n)
		if cerr != nil {
			return nil, cerr
		}
		label := "kubewire typed"
		if name == "list-dynamic" {
			label = "kubewire dynamic"
		}
		for _, c := range cs {
			if c.label == label {
				what = fmt.Sprintf("CPU, %s List of %d pods over HTTP/2 with TLS (client and server in one process), repeated for %v", label, big.n, d)
				top, err = cpuProfile(name, d, c.run)
			}
		}
	case "watch-typed", "watch-dynamic":
		s := start(&apiServer{events: fixture.ConfigMapEvents(r.watchEvents)}, false)
		defer s.close()
		wc, werr := watchContenders(s, r.watchEvents)
		if werr != nil {
			return nil, werr
		}
		label := "kubewire " + strings.TrimPrefix(name, "watch-")
		for _, c := range wc {
			if c.label == label {
				what = fmt.Sprintf("CPU, %s watch of %d events (client and server in one process), repeated for %v", label, r.watchEvents, d)
				top, err = cpuProfile(name, d, c.run)
			}
		}
	case "deepcopy":
		small := r.inputs[r.sizes[0]]
		cs, cerr := deepCopyContenders(small)
		if cerr != nil {
			return nil, cerr
		}
		what = fmt.Sprintf("CPU, kubewire DeepCopy of each of %d pods, repeated for %v", small.n, d)
		for _, c := range cs {
			if c.kubewire {
				top, err = cpuProfile(name, d, c.run)
			}
		}
	case "unstructured-heap":
		what = fmt.Sprintf("heap in use (inuse_space) held by a kubewire dynamic list of %d pods", big.n)
		top, err = heapProfile(name, func() (any, error) { return kubewireDynamicStream(big.json) })
	case "informer-heap":
		s := start(&apiServer{podsJSON: big.json}, false)
		defer s.close()
		what = fmt.Sprintf("heap in use (inuse_space) of a synced kubewire typed informer of %d pods", big.n)
		var stop func()
		top, err = heapProfile(name, func() (any, error) {
			var err error
			stop, err = kubewireInformer(s, big.n, false)
			return stop, err
		})
		if stop != nil {
			stop()
		}
	case "binary":
		what = "the largest contributions to the kubewire list-pods binary, by package (go tool nm -size)"
		top, err = binaryPackages("footprint/kubewire")
	case "modules":
		what = "the kubewire list-pods program's module graph (go mod graph edges from the program and kubewire)"
		top, err = moduleGraph("footprint/kubewire")
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &profile{name: name, what: what, top: top}, nil
}

// heapProfile writes a heap profile while build's result is alive.
func heapProfile(name string, build func() (any, error)) (string, error) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 4096
	defer func() { runtime.MemProfileRate = old }()
	v, err := build()
	if err != nil {
		return "", err
	}
	runtime.GC()
	runtime.GC()
	f, err := os.CreateTemp("", name+"-*.pprof")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		return "", err
	}
	f.Close()
	runtime.KeepAlive(v)
	return pprofTop(f.Name(), "-sample_index=inuse_space", `-focus=kubewire/kubewire/(typed|dynamic|controller|rest)`)
}

// binaryPackages sums symbol sizes per package of the program in dir.
func binaryPackages(dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "nm")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bin")
	if _, _, err := goCmd(dir, nil, "build", "-o", bin, "."); err != nil {
		return "", err
	}
	st, err := os.Stat(bin)
	if err != nil {
		return "", err
	}
	out, _, err := goCmd(dir, nil, "tool", "nm", "-size", "-sort", "size", bin)
	if err != nil {
		return "", err
	}
	return sumByPackage(out, 22, st.Size()), nil
}

// moduleGraph prints the module requirement edges of the program in dir.
func moduleGraph(dir string) (string, error) {
	out, _, err := goCmd(dir, nil, "mod", "graph")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// floorNote is the floor program's cold build against client-go's, for
// the goal rows it bounds.
func (r *report) floorNote() string {
	if r.floor == nil || r.footprints[0].coldCPU == 0 {
		return ""
	}
	return fmt.Sprintf("; the floor program with no client library: %.2fx CPU", r.floor.coldCPU.Seconds()/r.footprints[0].coldCPU.Seconds())
}
