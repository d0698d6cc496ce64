//go:build race

package report

// raceEnabled is set when the race detector is on; it slows the exports
// several times over, so timing assertions do not hold.
const raceEnabled = true
