package report

import (
	"io"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
)

// soaColumnWidths sizes the columns of soa.Header, in its order.
var soaColumnWidths = []float64{10, 34, 26, 13, 9, 40, 40, 18, 20, 56, 20, 44, 22, 48}

// SoAXLSX writes a Statement of Applicability (ISO/IEC 27001 clause
// 6.1.3 d) as a workbook. The statement is the first sheet, one row per
// control under a single header row with the columns of the CSV export, so
// that a program converting the workbook's first sheet to CSV gets the
// statement and nothing else. "Document control" follows with the version,
// its approval and the approved versions, then "Summary" with the counts
// and the contradictions still to resolve. Every cell is text or a number,
// never a formula.
func SoAXLSX(w io.Writer, d soa.Document) error {
	b := newBook(d.Title(), d.Org, "", d.GeneratedAt, levels{})

	header := soa.Header()
	cols := make([]xColumn, len(header))
	for k, h := range header {
		cols[k] = xColumn{h, soaColumnWidths[k]}
	}
	rows := make([][]any, 0, len(d.Entries))
	for _, e := range d.Entries {
		cells := soa.Cells(e)
		row := make([]any, len(cells))
		// put applies the same rule again; quoted text stays as it is.
		for k, c := range cells {
			row[k] = soa.Neutralise(c)
		}
		rows = append(rows, row)
	}
	b.table("Statement of Applicability", cols, rows)

	soaControlSheet(b, d)
	soaSummarySheet(b, d)
	return b.write(w)
}

func soaControlSheet(b *book, d soa.Document) {
	sheet := b.sheet("Document control")
	b.widths(sheet, 20, 22, 18, 44, 68)
	b.text(sheet, 1, 1, "Document control", b.style.title)
	b.text(sheet, 1, 2, soa.Neutralise(d.Title()), b.style.note)
	approval := xApproval{d.ApprovedBy, d.ApprovedAt}
	if d.Version == 0 {
		approval = xApproval{}
	}
	facts := [][2]any{
		{xLabel("Organisation"), soa.Neutralise(d.Org)},
		{xLabel("Framework"), soa.Neutralise(d.FrameworkTitle)},
		{xLabel("Version"), d.VersionText()},
		{xLabel("Approval"), approval},
		{xLabel("Note"), soa.Neutralise(d.Note)},
		{xLabel("Generated at (UTC)"), xStamp{d.GeneratedAt}},
	}
	row := 4
	for _, f := range facts {
		b.put(sheet, 1, row, f[0])
		b.merged(sheet, 2, 5, row, f[1])
		row++
	}
	row++
	b.text(sheet, 1, row, "Approved versions", b.style.caption)
	row++
	if len(d.History) == 0 {
		b.text(sheet, 1, row, "No version has been approved yet.", b.style.note)
		return
	}
	for k, h := range []string{"Version", "Approved by", "Approved at (UTC)", "Note", "Content hash (SHA-256)"} {
		b.text(sheet, k+1, row, h, b.style.header)
	}
	for _, v := range d.History {
		row++
		for k, c := range []any{v.Version, soa.Neutralise(v.ApprovedBy), xStamp{v.ApprovedAt}, soa.Neutralise(v.Note), v.ContentHash} {
			b.put(sheet, k+1, row, c)
		}
	}
}

func soaSummarySheet(b *book, d soa.Document) {
	sheet := b.sheet("Summary")
	b.widths(sheet, 34, 40, 70)
	b.text(sheet, 1, 1, "Summary", b.style.title)
	s := d.Summarise()
	counts := [][2]any{
		{xLabel("Controls"), s.Controls},
		{xLabel("Included"), s.Included},
		{xLabel("Excluded"), s.Excluded},
		{xLabel("Not decided"), s.Undecided},
	}
	for _, st := range isms.ImplementationStatuses {
		counts = append(counts, [2]any{xLabel("Included, " + strings.ToLower(st.Label())), s.ByStatus[st]})
	}
	counts = append(counts,
		[2]any{xLabel("Controls flagged"), s.Flagged},
		[2]any{xLabel("Controls with stale evidence"), s.StaleEvidence})
	row := 3
	for _, c := range counts {
		b.put(sheet, 1, row, c[0])
		b.put(sheet, 2, row, c[1])
		row++
	}
	row++
	b.text(sheet, 1, row, "Points to resolve", b.style.caption)
	row++
	if s.Flagged == 0 {
		b.text(sheet, 1, row, "None: no contradiction found.", b.style.note)
		return
	}
	for k, h := range []string{"Control", "Title", "What to fix"} {
		b.text(sheet, k+1, row, h, b.style.header)
	}
	for _, e := range d.Entries {
		for _, f := range e.Flags {
			row++
			b.put(sheet, 1, row, soa.Neutralise(e.ID))
			b.put(sheet, 2, row, soa.Neutralise(e.Title))
			b.put(sheet, 3, row, soa.Neutralise(f.Message))
		}
	}
}
