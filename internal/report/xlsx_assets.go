package report

import (
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// AssetsXLSX writes the inventory of information and other associated
// assets (ISO/IEC 27001:2022 Annex A 5.9): a cover sheet and one row per
// asset with owner, classification and CIA ratings. Every attribute key used
// by any asset becomes a column of its own, so the inventory can be filtered
// on it.
func AssetsXLSX(w io.Writer, org string, generated time.Time, assets []Asset) error {
	const title = "Inventory of information and other associated assets"
	b := newBook(title, org, "", generated, levels{})
	b.cover(title, "ISO/IEC 27001:2022 Annex A 5.9", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("Assets"), len(assets)},
		{xLabel("Sheets"), "Assets"},
	})

	keys := map[string]bool{}
	for _, a := range assets {
		for k := range a.Attributes {
			keys[k] = true
		}
	}
	attributes := slices.Sorted(maps.Keys(keys))
	cols := []xColumn{
		{"Name", 30}, {"Type", 16}, {"Owner", 20}, {"Custodian", 20}, {"Classification", 16},
		{"Confidentiality", 10}, {"Integrity", 10}, {"Availability", 10}, {"Location", 22},
		{"Lifecycle", 14}, {"Tags", 24}, {"Relations", 36},
	}
	for _, k := range attributes {
		cols = append(cols, xColumn{k, 20})
	}
	rows := make([][]any, 0, len(assets))
	for _, a := range assets {
		row := []any{
			a.Name, a.Type, a.Owner, a.Custodian, a.Classification,
			score(a.Confidentiality), score(a.Integrity), score(a.Availability),
			a.Location, a.Lifecycle, strings.Join(a.Tags, ", "), strings.Join(a.Relations, "\n"),
		}
		for _, k := range attributes {
			row = append(row, a.Attributes[k])
		}
		rows = append(rows, row)
	}
	b.table("Assets", cols, rows)
	return b.write(w)
}
