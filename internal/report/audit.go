package report

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// AuditReport is an internal audit (ISO/IEC 27001 9.2.2) as its report
// shows it: names rather than ids, labels rather than codes.
type AuditReport struct {
	Ref, Title, Organisation, Status string
	Scope                            []string
	Criteria                         string
	Auditors                         []string
	PlannedStart, PlannedEnd         time.Time
	StartedAt, CompletedAt           *time.Time
	Conclusion                       string
	GeneratedAt                      time.Time
	GeneratedBy                      string
	Items                            []AuditReportItem
}

// AuditReportItem is one line of the checklist. Finding is set for the
// results that are not plain conformity, which the report lists apart.
type AuditReportItem struct {
	Ref, Cite, Kind, Title string
	Result                 string
	Finding                bool
	Notes                  string
	Evidence               []string
	// Record is the nonconformity register's reference of the record the
	// result raised, with its stage.
	Record     string
	RecordedBy string
	RecordedAt *time.Time
}

func (r AuditReport) subtitle() string {
	return r.Ref + " – internal audit, ISO/IEC 27001 clause 9.2"
}

// counts tallies the results in the order they first appear.
func (r AuditReport) counts() [][]string {
	var order []string
	n := map[string]int{}
	for _, it := range r.Items {
		result := it.Result
		if result == "" {
			result = "Not audited"
		}
		if n[result] == 0 {
			order = append(order, result)
		}
		n[result]++
	}
	out := make([][]string, len(order))
	for i, result := range order {
		out[i] = []string{result, strconv.Itoa(n[result])}
	}
	return out
}

func (r AuditReport) dates() string {
	s := fmtDate(r.PlannedStart) + " to " + fmtDate(r.PlannedEnd) + " (planned)"
	if r.StartedAt != nil {
		s += "; started " + fmtDate(*r.StartedAt)
	}
	if r.CompletedAt != nil {
		s += "; completed " + fmtDate(*r.CompletedAt)
	}
	return s
}

// AuditReportPDF writes the report of an internal audit on A4 pages: the
// audit's scope, criteria, auditors and dates, its conclusion, the results
// counted, each finding with its notes, evidence and the record it raised,
// and the whole checklist. An audit not yet completed carries a warning
// that its results may still change.
func AuditReportPDF(w io.Writer, r AuditReport) error {
	meta := pdfMeta{
		title:       r.Title,
		subtitle:    r.subtitle(),
		org:         r.Organisation,
		versionName: "Audit",
		version:     r.Ref,
		status:      r.Status,
		generatedAt: r.GeneratedAt,
		generatedBy: r.GeneratedBy,
		draftWarning: "This audit is not completed. Its results may still change and the report must not be " +
			"relied on as the audit's final report.",
	}
	if r.CompletedAt != nil {
		meta.approvedBy, meta.approvedAt = strings.Join(r.Auditors, ", "), r.CompletedAt
	}
	return writePDF(w, meta, func(p *pdfDoc) {
		p.table([]column{{weight: 1}, {weight: 3.2}}, [][]cell{
			{label("Scope"), {text: strings.Join(r.Scope, "\n")}},
			{label("Criteria"), {text: r.Criteria}},
			{label("Auditors"), {text: strings.Join(r.Auditors, ", ")}},
			{label("Dates"), {text: r.dates()}},
		}, 9)
		p.heading("Conclusion")
		if r.Conclusion != "" {
			p.paragraph(r.Conclusion)
		} else {
			p.paragraph("No conclusion recorded.")
		}
		p.heading("Results")
		p.genericTable(Table{Header: []string{"Result", "Items"}, Rows: r.counts()})
		p.heading("Findings")
		n := 0
		for _, it := range r.Items {
			if !it.Finding {
				continue
			}
			n++
			p.subheading(it.Cite + " " + it.Title)
			rows := [][]cell{{label("Result"), {text: it.Result}}, {label("Requirement"), {text: it.Ref}}}
			if it.Record != "" {
				rows = append(rows, []cell{label("Record"), {text: it.Record}})
			}
			if len(it.Evidence) > 0 {
				rows = append(rows, []cell{label("Evidence"), {text: strings.Join(it.Evidence, "\n")}})
			}
			p.table([]column{{weight: 1}, {weight: 3.2}}, rows, 9)
			p.paragraph(it.Notes)
		}
		if n == 0 {
			p.paragraph("The audit found nothing but conformity.")
		}
		p.heading("Checklist")
		rows := make([][]string, 0, len(r.Items))
		for _, it := range r.Items {
			recorded := ""
			if it.RecordedAt != nil {
				recorded = fmtDate(*it.RecordedAt) + " " + it.RecordedBy
			}
			rows = append(rows, []string{it.Cite, it.Title, it.Result, it.Record, recorded})
		}
		p.genericTable(Table{Header: []string{"Item", "Requirement", "Result", "Record", "Recorded"}, Rows: rows})
	})
}

// AuditReportXLSX writes the report of an internal audit as a workbook: a
// cover with the audit's details and counts, and the checklist, one row an
// item.
func AuditReportXLSX(w io.Writer, r AuditReport) error {
	b := newBook(r.Title, r.Organisation, r.GeneratedBy, r.GeneratedAt, levels{})
	rows := [][2]any{
		{xLabel("Organisation"), r.Organisation},
		{xLabel("Audit"), r.Ref},
		{xLabel("Status"), r.Status},
		{xLabel("Scope"), strings.Join(r.Scope, "\n")},
		{xLabel("Criteria"), r.Criteria},
		{xLabel("Auditors"), strings.Join(r.Auditors, ", ")},
		{xLabel("Dates"), r.dates()},
		{xLabel("Conclusion"), r.Conclusion},
		{xLabel("Generated at (UTC)"), xStamp{r.GeneratedAt}},
	}
	for _, c := range r.counts() {
		rows = append(rows, [2]any{xLabel(c[0]), c[1]})
	}
	b.cover(r.Title, r.subtitle(), rows)
	cols := []xColumn{
		{"Item", 12}, {"Reference", 26}, {"Kind", 10}, {"Requirement", 40}, {"Result", 22}, {"Notes", 50}, {"Evidence", 40},
		{"Record", 22}, {"Recorded by", 20}, {"Recorded on", 12},
	}
	out := make([][]any, 0, len(r.Items))
	for _, it := range r.Items {
		out = append(out, []any{it.Cite, it.Ref, it.Kind, it.Title, it.Result, it.Notes, strings.Join(it.Evidence, "\n"), it.Record,
			it.RecordedBy, xDate{it.RecordedAt}})
	}
	b.table("Checklist", cols, out)
	return b.write(w)
}
