package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
)

// soaImplementationLimit caps the implementation statement in a table
// cell: a statement of several pages would push its row over page breaks
// and hide the rest of the table. The other exports carry it in full.
const soaImplementationLimit = 600

// SoAPDF writes a Statement of Applicability (ISO/IEC 27001 clause 6.1.3 d)
// for printing: a cover page with version and approval (or the draft
// warning), then on A4 landscape pages the document control table, the
// summary with the contradictions still to resolve, and the statement, one
// table per theme, its header repeated on every page.
func SoAPDF(w io.Writer, d soa.Document) error {
	meta := pdfMeta{
		title:       "Statement of Applicability",
		subtitle:    d.FrameworkTitle + " – ISO/IEC 27001 clause 6.1.3 d)",
		org:         d.Org,
		versionName: "Version",
		version:     strconv.Itoa(d.Version),
		status:      "Approved",
		approvedBy:  d.ApprovedBy,
		approvedAt:  d.ApprovedAt,
		generatedAt: d.GeneratedAt,
		draftWarning: "This statement has not been approved. It shows the controls as the records stand " +
			"and must not be relied on as an approved version.",
	}
	if d.Version == 0 {
		// A draft has no number yet; it is the draft of the version that
		// follows the last approved one.
		next := 1
		for _, v := range d.History {
			next = max(next, v.Version+1)
		}
		meta.versionName, meta.version, meta.status = "Draft of version", strconv.Itoa(next), "Draft"
		meta.approvedBy, meta.approvedAt = "", nil
	}
	return writePDF(w, meta, func(p *pdfDoc) {
		s := d.Summarise()
		own := 0
		for _, e := range d.Entries {
			if e.Custom {
				own++
			}
		}
		p.table([]column{{weight: 1}, {weight: 3.2}}, [][]cell{
			{label("Framework"), {text: d.FrameworkTitle}},
			{label("Controls"), {text: fmt.Sprintf("%d: %d of the annex, %d of the organisation's own", s.Controls, s.Controls-own, own)}},
		}, 9)
		p.paragraph(fmt.Sprintf("This statement lists every control of the annex of %s and the controls %s "+
			"defined for itself. For each it records whether the control applies and why, who owns it, how far "+
			"it is implemented and whether current evidence shows it operating. Reasons name the risks whose "+
			"treatment selects the control or the legal, contractual and business requirements that call for it.",
			d.FrameworkTitle, d.Org))

		p.addPage("L")
		p.heading("1 Document control")
		soaHistory(p, d)
		p.heading("2 Summary")
		soaSummary(p, d, s)

		p.addPage("L")
		p.heading("3 Statement of Applicability")
		p.paragraph(fmt.Sprintf("Implementation statements longer than %d characters are shortened here; "+
			"the XLSX, CSV and HTML exports of the same version hold them in full.", soaImplementationLimit))
		for n, group := range soaThemes(d.Entries) {
			theme := group[0].Theme
			if theme == "" {
				theme = "Other controls"
			}
			p.subheading("3." + strconv.Itoa(n+1) + " " + theme)
			rows := make([][]cell, len(group))
			for k, e := range group {
				rows[k] = soaRow(e)
			}
			p.table([]column{
				{header: "Control", weight: 5.5},
				{header: "Title", weight: 12},
				{header: "Applicability", weight: 7.5},
				{header: "Justification", weight: 16},
				{header: "Status", weight: 7.5},
				{header: "Owner", weight: 8},
				{header: "Implementation", weight: 29},
				{header: "Evidence", weight: 8.5},
			}, rows, 7.5)
		}
	})
}

// soaThemes splits the entries into runs of one theme, in their order.
func soaThemes(entries []soa.Entry) [][]soa.Entry {
	var out [][]soa.Entry
	for k, e := range entries {
		if k == 0 || e.Theme != entries[k-1].Theme {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], e)
	}
	return out
}

func soaHistory(p *pdfDoc, d soa.Document) {
	if len(d.History) == 0 {
		p.paragraph("No version has been approved yet.")
		return
	}
	rows := make([][]cell, 0, len(d.History))
	for _, v := range d.History {
		rows = append(rows, []cell{
			{text: strconv.Itoa(v.Version), bold: true}, {text: v.ApprovedBy}, {text: fmtMinute(v.ApprovedAt)},
			{text: v.Note}, {text: v.ContentHash},
		})
	}
	p.table([]column{
		{header: "Version", weight: 2, align: "C"}, {header: "Approved by", weight: 5},
		{header: "Approved at (UTC)", weight: 4}, {header: "Note", weight: 8},
		{header: "Content hash (SHA-256)", weight: 14},
	}, rows, 8.5)
}

func soaSummary(p *pdfDoc, d soa.Document, s soa.Summary) {
	count := func(name string, n int) []cell { return []cell{{text: name}, {text: strconv.Itoa(n)}} }
	rows := [][]cell{
		count("Controls", s.Controls), count("Included", s.Included),
		count("Excluded", s.Excluded), count("Not decided", s.Undecided),
	}
	for _, st := range isms.ImplementationStatuses {
		rows = append(rows, count("Included, "+strings.ToLower(st.Label()), s.ByStatus[st]))
	}
	rows = append(rows, count("Controls flagged", s.Flagged), count("Controls with stale evidence", s.StaleEvidence))
	p.tableWidth(100, []column{{header: "Controls", weight: 3}, {header: "Number", weight: 1, align: "R"}}, rows, 9)

	p.subheading("2.1 Points to resolve")
	var flags [][]cell
	for _, e := range d.Entries {
		for _, f := range e.Flags {
			flags = append(flags, []cell{{text: e.ID, bold: true}, {text: e.Title}, {text: f.Message}})
		}
	}
	if len(flags) == 0 {
		p.paragraph("None: no contradiction was found.")
		return
	}
	p.table([]column{{header: "Control", weight: 2}, {header: "Title", weight: 8}, {header: "What to fix", weight: 14}}, flags, 8)
}

func soaRow(e soa.Entry) []cell {
	applicability := e.ApplicabilityText()
	if e.Derived {
		applicability += "\n(through risk treatment)"
	}
	justification := e.ReasonsText()
	status := e.Status.Label()
	if e.Applicability == isms.Excluded {
		justification = strings.TrimSpace("Excluded because: " + e.Exclusion + "\n" + justification)
		status = "–"
	}
	return []cell{
		{text: e.ID, bold: true},
		{text: e.Title},
		{text: applicability},
		{text: justification},
		{text: status},
		{text: e.Owner},
		{text: clip(e.Implementation, soaImplementationLimit)},
		{text: e.FreshnessText()},
	}
}

// clip shortens s to at most n characters, at a word boundary when one is
// near, and marks the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n,;:") + " …"
}
