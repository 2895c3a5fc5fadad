package main

import (
	"fmt"
	"runtime"
	"slices"
	"time"
)

// contender is one client's way of doing a workload. run performs the
// operation once; it returns an error when the result is wrong, so that a
// broken client never produces a fast number.
type contender struct {
	label string
	// kubewire marks the contenders of kubewire's side (profiled when a
	// goal is missed).
	kubewire bool
	run      func() error
}

// sample is one timed batch, per operation.
type sample struct {
	ns, bytes, allocs float64
}

// result is the medians over the rounds of one contender.
type result struct {
	label    string
	kubewire bool
	sample
	rounds int
}

// measure runs op iters times and returns the cost of one run: wall time,
// bytes and allocations (runtime.MemStats deltas).
func measure(op func() error, iters int) (sample, error) {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	for range iters {
		if err := op(); err != nil {
			return sample{}, err
		}
	}
	d := time.Since(start)
	runtime.ReadMemStats(&m1)
	n := float64(iters)
	return sample{
		ns:     float64(d.Nanoseconds()) / n,
		bytes:  float64(m1.TotalAlloc-m0.TotalAlloc) / n,
		allocs: float64(m1.Mallocs-m0.Mallocs) / n,
	}, nil
}

// alternate runs every contender once per round, rotating which one goes
// first, for rounds rounds after one warm-up run each, and returns the
// median of each measure per contender.
func alternate(rounds, iters int, cs ...contender) ([]result, error) {
	for _, c := range cs {
		if err := c.run(); err != nil {
			return nil, fmt.Errorf("%s: %w", c.label, err)
		}
	}
	samples := make([][]sample, len(cs))
	for r := range rounds {
		for k := range cs {
			i := (k + r) % len(cs)
			s, err := measure(cs[i].run, iters)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", cs[i].label, err)
			}
			samples[i] = append(samples[i], s)
		}
	}
	out := make([]result, len(cs))
	for i, c := range cs {
		out[i] = result{label: c.label, kubewire: c.kubewire, rounds: rounds, sample: sample{
			ns:     median(samples[i], func(s sample) float64 { return s.ns }),
			bytes:  median(samples[i], func(s sample) float64 { return s.bytes }),
			allocs: median(samples[i], func(s sample) float64 { return s.allocs }),
		}}
	}
	return out, nil
}

func median(ss []sample, f func(sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	return medianOf(v)
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// heapHeld returns the heap that build's result keeps alive after a full
// garbage collection, in bytes, and the result (so the caller can check it
// and then drop it).
func heapHeld(build func() (any, error)) (int64, error) {
	runtime.GC()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	v, err := build()
	if err != nil {
		return 0, err
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(v)
	return int64(m1.HeapAlloc) - int64(m0.HeapAlloc), nil
}
