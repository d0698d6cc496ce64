package framework

import (
	"testing"
	"time"
)

// BenchmarkLoadBuiltin measures what start-up pays for the catalogs:
// parsing and validating every embedded file (ATLAS.yaml included),
// resolving every mapping and deriving ATLAS's treatments.
func BenchmarkLoadBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadBuiltin(dataFiles); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuiltinLoadsFast keeps start-up honest: the catalogs load in well
// under a second (measured figures are in docs/performance.md; the bound
// here is loose so a busy CI machine under the race detector passes).
func TestBuiltinLoadsFast(t *testing.T) {
	start := time.Now()
	lib, err := loadBuiltin(dataFiles)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("loading the built-in catalogs took %v", d)
	}
	s := lib.Stats()
	if s.Frameworks != 8 || s.Items < 700 || s.Mappings < 2000 {
		t.Errorf("loaded %+v", s)
	}
}

// BenchmarkSearch measures a search across every built-in framework.
func BenchmarkSearch(b *testing.B) {
	lib, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if len(lib.Search("model extraction", nil, 50)) == 0 {
			b.Fatal("no hits")
		}
	}
}
