package report

import (
	"io"
	"strings"
	"time"
)

// Obligation is one row of the obligations register as the spreadsheet
// shows it: names rather than ids, labels rather than codes.
type Obligation struct {
	Ref, Kind, Title, Source, SourceURL, Jurisdiction, Owner, Applicability string
	AIRiskClass                                                             string
	AIAssets, Controls                                                      []string
	ReviewDate                                                              *time.Time
	Overdue                                                                 bool
	Status, NotApplicableReason                                             string
}

// ObligationsXLSX writes the register of legal, statutory, regulatory and
// contractual requirements (ISO/IEC 27001:2022 Annex A 5.31): a cover sheet
// and one row an obligation with the controls that meet it.
func ObligationsXLSX(w io.Writer, org string, generated time.Time, rows []Obligation) error {
	const title = "Legal, statutory, regulatory and contractual requirements"
	b := newBook(title, org, "", generated, levels{})
	overdue := 0
	for _, o := range rows {
		if o.Overdue {
			overdue++
		}
	}
	b.cover(title, "ISO/IEC 27001:2022 Annex A 5.31 to 5.34", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("Obligations"), len(rows)},
		{xLabel("Past their review date"), overdue},
		{xLabel("Sheets"), "Obligations"},
	})
	cols := []xColumn{
		{"Ref", 9}, {"Kind", 12}, {"Title", 32}, {"Source", 30}, {"Link", 30}, {"Jurisdiction", 14}, {"Owner", 20},
		{"Applicability", 36}, {"AI Act risk class", 16}, {"AI assets", 24}, {"Controls", 28}, {"Review date", 12},
		{"Review overdue", 10}, {"Status", 14}, {"Why not applicable", 30},
	}
	out := make([][]any, 0, len(rows))
	for _, o := range rows {
		late := ""
		if o.Overdue {
			late = "yes"
		}
		out = append(out, []any{o.Ref, o.Kind, o.Title, o.Source, o.SourceURL, o.Jurisdiction, o.Owner, o.Applicability,
			o.AIRiskClass, strings.Join(o.AIAssets, "\n"), strings.Join(o.Controls, "\n"), xDate{o.ReviewDate}, late, o.Status,
			o.NotApplicableReason})
	}
	b.table("Obligations", cols, out)
	return b.write(w)
}
