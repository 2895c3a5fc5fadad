//go:build race

package controller_test

// raceEnabled is true under the race detector, whose shadow memory skews
// heap measurements.
const raceEnabled = true
