package report

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// DocumentRow is one document of the register as the spreadsheet shows
// it.
type DocumentRow struct {
	Ref, Kind, Title, Owner, Classification string
	InForce, InForceSince                   string
	UnderWay                                string
	NextReview                              *time.Time
	ReviewOverdue                           bool
	Approvers, Controls                     []string
	Acknowledged, Readers                   int
	Retired                                 bool
}

// DocumentsXLSX writes the register of documented information (7.5): a
// cover sheet and one row a document, with the version in force, the one
// under way, its review date and its acknowledgements.
func DocumentsXLSX(w io.Writer, org string, generated time.Time, rows []DocumentRow) error {
	const title = "Policies and documents"
	b := newBook(title, org, "", generated, levels{})
	overdue, unpublished := 0, 0
	for _, d := range rows {
		if d.ReviewOverdue {
			overdue++
		}
		if d.InForce == "" {
			unpublished++
		}
	}
	b.cover(title, "ISO/IEC 27001:2022 7.5, Annex A 5.1 and 5.37", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("Documents"), len(rows)},
		{xLabel("With no version in force"), unpublished},
		{xLabel("Past their review date"), overdue},
		{xLabel("Sheets"), "Documents"},
	})
	cols := []xColumn{
		{"Ref", 9}, {"Kind", 16}, {"Title", 36}, {"Owner", 20}, {"Classification", 14}, {"Version in force", 10}, {"In force since", 12},
		{"Under way", 16}, {"Next review", 12}, {"Review overdue", 10}, {"Approvers", 24}, {"Controls", 28}, {"Acknowledged", 12},
		{"Retired", 9},
	}
	out := make([][]any, 0, len(rows))
	for _, d := range rows {
		late, retired, acks := "", "", ""
		if d.ReviewOverdue {
			late = "yes"
		}
		if d.Retired {
			retired = "yes"
		}
		if d.Readers > 0 {
			acks = strconv.Itoa(d.Acknowledged) + " of " + strconv.Itoa(d.Readers)
		}
		out = append(out, []any{d.Ref, d.Kind, d.Title, d.Owner, d.Classification, d.InForce, d.InForceSince, d.UnderWay,
			xDate{d.NextReview}, late, strings.Join(d.Approvers, "\n"), strings.Join(d.Controls, "\n"), acks, retired})
	}
	b.table("Documents", cols, out)
	return b.write(w)
}
