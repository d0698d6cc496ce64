package framework

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"sync"
	"time"
)

//go:embed data
var dataFiles embed.FS

// Framework ids of isms's own catalogs.
const (
	ISO27001v2022 = "iso27001-2022"
	ISO27001v2013 = "iso27001-2013"
	ISO42001      = "iso42001-2023"
	AISecurity    = "ai-security"
)

// cisoURNs lets CISO Assistant libraries map to isms's own catalogs.
var cisoURNs = map[string]string{
	ISO27001v2022: "urn:intuitem:risk:framework:iso27001-2022",
	ISO27001v2013: "urn:intuitem:risk:framework:iso27001-2013",
	ISO42001:      "urn:intuitem:risk:framework:iso42001-2023",
}

// LoadStats says what loading the built-in catalogs took.
type LoadStats struct {
	Frameworks int
	Items      int
	Mappings   int
	Duration   time.Duration
}

var builtin = sync.OnceValues(func() (*Library, error) { return loadBuiltin(dataFiles) })

// Builtin returns isms's own catalogs, loaded from the embedded data on
// first use and shared afterwards; they never change while isms runs.
func Builtin() (*Library, error) { return builtin() }

// Stats counts what a library holds.
func (l *Library) Stats() LoadStats {
	s := LoadStats{Frameworks: len(l.Frameworks())}
	for _, f := range l.Frameworks() {
		s.Items += len(f.Items)
		s.Mappings += len(f.Mappings)
	}
	return s
}

// builtinOrder is the order people meet the catalogs in: the standards,
// the overlay, then the threat libraries. Data files not listed follow in
// name order.
var builtinOrder = []string{"iso27001-2022.yaml", "iso27001-2013.yaml", "iso42001-2023.yaml", "ai-security.yaml",
	"ATLAS.yaml", "owasp-ml-top10-2023.yaml", "owasp-llm-top10-2025.yaml", "infosec-threats.yaml"}

func loadBuiltin(fsys fs.FS) (*Library, error) {
	names, err := fs.Glob(fsys, "data/*.yaml")
	if err != nil {
		return nil, err
	}
	rank := func(name string) int {
		if i := slices.Index(builtinOrder, path.Base(name)); i >= 0 {
			return i
		}
		return len(builtinOrder)
	}
	sort.SliceStable(names, func(i, j int) bool {
		if rank(names[i]) != rank(names[j]) {
			return rank(names[i]) < rank(names[j])
		}
		return names[i] < names[j]
	})
	var (
		fws  []*Framework
		sets []*MappingSet
	)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if path.Base(name) == "ATLAS.yaml" {
			f, err := parseATLAS(name, data)
			if err != nil {
				return nil, err
			}
			fws = append(fws, f)
			continue
		}
		file, err := Parse(name, data)
		if err != nil {
			return nil, fmt.Errorf("built-in catalog %s: %w", name, err)
		}
		fws = append(fws, file.Frameworks...)
		sets = append(sets, file.Mappings...)
	}
	for _, f := range fws {
		f.URN = cisoURNs[f.ID]
	}
	lib := NewLibrary(nil)
	if err := lib.Add("built-in catalogs", fws, sets); err != nil {
		return nil, fmt.Errorf("built-in catalogs: %w", err)
	}
	deriveAtlasTreatments(lib, []string{ISO27001v2022, AISecurity})
	return lib, nil
}
