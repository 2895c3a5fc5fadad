// Command report runs kubewire's side-by-side benchmark against client-go
// and writes docs/benchmarks.md: decode and encode of a realistic PodList,
// unstructured decode, List through each client's full stack over HTTP/1.1
// and HTTP/2, watch throughput, informer heap, the footprint of a list-pods
// program, and deep copies of pods. Every workload alternates the clients within one run
// and reports medians over rounds; where one of issue 6's goals is missed it
// profiles kubewire's side and includes the profile's top functions.
//
// Usage (from the bench directory; bench/run.sh does this):
//
//	go run ./cmd/report [-out ../docs/benchmarks.md] [-rounds 5] [-quick] [-cold=false]
//	go run ./cmd/report -only informers [-rounds 5]   # the informer heap alone, printed
//	go run ./cmd/report -only deepcopy [-rounds 5]    # DeepCopy of 1,000 pods beside client-go's, printed
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/kubewire/kubewire/bench/fixture"
)

func main() {
	out := flag.String("out", "../docs/benchmarks.md", "the report to write")
	rounds := flag.Int("rounds", 5, "alternating rounds per workload")
	quick := flag.Bool("quick", false, "small inputs and few rounds, to check the harness")
	cold := flag.Bool("cold", true, "measure cold builds with an empty GOCACHE (minutes for client-go)")
	profiles := flag.Bool("profile", true, "profile kubewire's side of every missed goal")
	only := flag.String("only", "", `run one workload and print its table to standard output instead of writing the report: "informers" or "deepcopy"`)
	flag.Parse()
	log.SetFlags(log.Ltime)

	r := &report{rounds: *rounds, start: time.Now(), sizes: []int{1000, 10000}, watchEvents: 100000, informerPods: 10000}
	if *quick {
		r.rounds, r.sizes, r.watchEvents, r.informerPods = 2, []int{100, 1000}, 10000, 1000
	}
	switch *only {
	case "":
	case "informers":
		if err := r.runInformers(); err != nil {
			log.Fatal(err)
		}
		for _, h := range r.informers {
			fmt.Printf("%-62s %.2f KB per pod\n", h.label, h.perItem/1024)
		}
		return
	case "deepcopy":
		in, err := newInputs(r.sizes[0])
		if err != nil {
			log.Fatal(err)
		}
		dc, err := deepCopyContenders(in)
		if err != nil {
			log.Fatal(err)
		}
		res, err := alternate(r.rounds, max(1, 5000/in.n), dc...)
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range res {
			fmt.Printf("%-46s %8.1f us per pod %6.1f allocs %8.0f B\n", c.label, c.ns/float64(in.n)/1e3, c.allocs/float64(in.n), c.bytes/float64(in.n))
		}
		return
	default:
		log.Fatalf("-only %q: the workloads that run alone are: informers, deepcopy", *only)
	}
	if err := r.run(*cold, *profiles); err != nil {
		log.Fatal(err)
	}
	doc := r.markdown()
	// Hand-written analysis below the notes marker survives a rerun.
	if old, err := os.ReadFile(*out); err == nil {
		if i := strings.Index(string(old), notesMarker); i >= 0 {
			doc += "\n" + string(old[i:])
		}
	}
	if err := os.WriteFile(*out, []byte(doc), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s in %v", *out, time.Since(r.start).Round(time.Second))
}

// notesMarker starts the hand-written part of the report, which a rerun
// keeps.
const notesMarker = "<!-- notes: kept by the report command -->"

// report holds every workload's results.
type report struct {
	rounds       int
	start        time.Time
	sizes        []int
	watchEvents  int
	informerPods int

	inputs     map[int]*inputs
	decode     map[int][]result
	encode     map[int][]result
	unstruct   map[int][]result
	deepCopy   []result // of the smaller list's pods
	held       []heldResult
	list       map[string][]result // by protocol
	watch      []result
	informers  []heldResult
	footprints []*footprint
	floor      *footprint // bench/footprint/floor, when cold builds ran
	goals      []goal
	profiles   []profile
}

type heldResult struct {
	label    string
	kubewire bool
	perItem  float64 // bytes
}

func (r *report) run(cold, profiles bool) error {
	r.inputs, r.decode, r.encode, r.unstruct = map[int]*inputs{}, map[int][]result{}, map[int][]result{}, map[int][]result{}
	for _, n := range r.sizes {
		in, err := newInputs(n)
		if err != nil {
			return err
		}
		r.inputs[n] = in
		iters := max(1, 3000/n)
		log.Printf("1. typed decode, %d pods (%.1f MB JSON, %.1f MB protobuf)", n, mb(len(in.json)), mb(len(in.proto)))
		if r.decode[n], err = alternate(r.rounds, iters, typedDecodeContenders(in)...); err != nil {
			return err
		}
		log.Printf("1. typed encode, %d pods", n)
		enc, err := typedEncodeContenders(in)
		if err != nil {
			return err
		}
		if r.encode[n], err = alternate(r.rounds, iters, enc...); err != nil {
			return err
		}
		log.Printf("2. unstructured decode, %d pods", n)
		if r.unstruct[n], err = alternate(r.rounds, iters, unstructuredContenders(in)...); err != nil {
			return err
		}
	}
	small := r.inputs[r.sizes[0]]
	log.Printf("7. deep copy of %d pods", small.n)
	dc, err := deepCopyContenders(small)
	if err != nil {
		return err
	}
	if r.deepCopy, err = alternate(r.rounds, max(1, 5000/small.n), dc...); err != nil {
		return err
	}
	big := r.inputs[r.sizes[len(r.sizes)-1]]
	log.Printf("1-2. heap held by a decoded list of %d pods", big.n)
	for _, c := range heldDecoders(big) {
		var v []float64
		for range max(1, r.rounds/2) {
			h, err := heapHeld(c.build)
			if err != nil {
				return fmt.Errorf("%s: %w", c.label, err)
			}
			v = append(v, float64(h)/float64(big.n))
		}
		r.held = append(r.held, heldResult{c.label, c.kubewire, medianOf(v)})
	}

	r.list = map[string][]result{}
	srvAPI := &apiServer{podsJSON: big.json, podsProto: big.proto, events: fixture.ConfigMapEvents(r.watchEvents)}
	for _, proto := range []string{"HTTP/1.1", "HTTP/2 over TLS"} {
		log.Printf("3. List %d pods end to end, %s", big.n, proto)
		s := start(srvAPI, proto != "HTTP/1.1")
		cs, err := listContenders(s, big.n)
		if err != nil {
			s.close()
			return err
		}
		r.list[proto], err = alternate(r.rounds, 1, cs...)
		s.close()
		if err != nil {
			return err
		}
	}

	log.Printf("4. watch of %d ConfigMap events", r.watchEvents)
	s := start(srvAPI, false)
	wc, err := watchContenders(s, r.watchEvents)
	if err == nil {
		r.watch, err = alternate(r.rounds, 1, wc...)
	}
	s.close()
	if err != nil {
		return err
	}

	log.Printf("5. informer heap, %d pods", r.informerPods)
	if err := r.runInformers(); err != nil {
		return err
	}

	log.Printf("6. footprint (cold builds: %v)", cold)
	kw, err := measureFootprint("kubewire", "footprint/kubewire", "..", cold, 3)
	if err != nil {
		return err
	}
	cg, err := measureFootprint("client-go", "footprint/clientgo", "", cold, 3)
	if err != nil {
		return err
	}
	r.footprints = []*footprint{cg, kw}
	if cold {
		// The smallest list-pods program any client could be: what the
		// standard library alone costs to build.
		if r.floor, err = measureFootprint("floor", "footprint/floor", "", cold, 1); err != nil {
			return err
		}
	}

	r.evaluate()
	if profiles {
		if err := r.profileMisses(); err != nil {
			return err
		}
	}
	return nil
}

// runInformers fills each informer case's cache in turn, alternating the
// order per round, and keeps the median heap per pod.
func (r *report) runInformers() error {
	in := r.inputs[r.sizes[len(r.sizes)-1]]
	if in == nil || in.n != r.informerPods {
		var err error
		if in, err = newInputs(r.informerPods); err != nil {
			return err
		}
	}
	mjs, mpb, err := partialLists(in.k8s)
	if err != nil {
		return err
	}
	as := &apiServer{podsJSON: in.json}
	as.meta = &metadataServer{metaJSON: mjs, metaProto: mpb}
	s := start(as, false)
	defer s.close()
	cases := append(informerCases(), metadataCases()...)
	held := make([][]float64, len(cases))
	n := max(1, (r.rounds+1)/2)
	for round := range n {
		for k := range cases {
			i := (k + round) % len(cases)
			var stop func()
			h, err := heapHeld(func() (any, error) {
				var err error
				stop, err = cases[i].fill(s, in.n)
				return stop, err
			})
			if err != nil {
				return fmt.Errorf("%s: %w", cases[i].label, err)
			}
			stop()
			held[i] = append(held[i], float64(h)/float64(in.n))
		}
	}
	for i, c := range cases {
		r.informers = append(r.informers, heldResult{c.label, c.kubewire, medianOf(held[i])})
	}
	return nil
}

func mb(n int) float64 { return float64(n) / 1e6 }

// machine describes the computer the report ran on.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d), %s/%s", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
}
