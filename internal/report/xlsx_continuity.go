package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ContinuityBIA is one business impact analysis as exported, with the
// plans that cover it, the last test of those plans and its flags.
type ContinuityBIA struct {
	Ref, Name, Criticality, Owner string
	RTOHours, RPOHours, MTPDHours int
	// WorstImpact is the worst rating at each of the impact horizons
	// (1, 4, 24 and 72 hours); 0 is not rated.
	WorstImpact         [4]int
	Dependencies        []string
	ReviewDate          *time.Time
	Plans               []string
	LastTest            string
	LastRecoveryMinutes *int
	Flags               []string
}

// ContinuityXLSX writes the business continuity register (ISO/IEC
// 27001:2022 Annex A 5.29, 5.30, 8.13, 8.14): a cover sheet and one row
// per business impact analysis.
func ContinuityXLSX(w io.Writer, org string, generated time.Time, rows []ContinuityBIA) error {
	const title = "Business impact analyses and continuity plans"
	b := newBook(title, org, "", generated, levels{})
	flagged := 0
	for _, r := range rows {
		if len(r.Flags) > 0 {
			flagged++
		}
	}
	b.cover(title, "ISO/IEC 27001:2022 Annex A 5.29, 5.30, 8.13, 8.14", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("Analyses"), len(rows)},
		{xLabel("Flagged"), flagged},
		{xLabel("Sheets"), "Analyses"},
	})
	cols := []xColumn{{"Ref", 10}, {"Service or process", 30}, {"Criticality", 12}, {"Owner", 20}, {"RTO (h)", 9}, {"RPO (h)", 9},
		{"MTPD (h)", 9}}
	for _, h := range []int{1, 4, 24, 72} {
		cols = append(cols, xColumn{fmt.Sprintf("Worst impact %dh", h), 10})
	}
	cols = append(cols, xColumn{"Dependencies", 36}, xColumn{"Review by", 12}, xColumn{"Plans", 30}, xColumn{"Last test", 28},
		xColumn{"Recovery (min)", 12}, xColumn{"Flags", 30})
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		row := []any{r.Ref, r.Name, r.Criticality, r.Owner, r.RTOHours, r.RPOHours, r.MTPDHours}
		for _, n := range r.WorstImpact {
			row = append(row, score(n))
		}
		minutes := ""
		if r.LastRecoveryMinutes != nil {
			minutes = fmt.Sprint(*r.LastRecoveryMinutes)
		}
		row = append(row, strings.Join(r.Dependencies, "\n"), xDate{r.ReviewDate}, strings.Join(r.Plans, "\n"), r.LastTest, minutes,
			strings.Join(r.Flags, "\n"))
		out = append(out, row)
	}
	b.table("Analyses", cols, out)
	return b.write(w)
}
