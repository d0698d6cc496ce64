package report

import (
	"cmp"
	"io"
	"strconv"
	"strings"
)

// DocumentPDF writes a controlled ISMS document, such as the scope and
// context of clause 4, on A4 portrait pages: a title block with version and
// approval (or a draft warning), then each section's heading, paragraphs and
// table.
func DocumentPDF(w io.Writer, d Document) error {
	meta := pdfMeta{
		title:       d.Title,
		subtitle:    d.Subtitle,
		org:         d.Organisation,
		versionName: "Version",
		version:     cmp.Or(d.VersionLabel, strconv.Itoa(d.Version)),
		status:      d.Status,
		approvedBy:  d.ApprovedBy,
		approvedAt:  d.ApprovedAt,
		generatedAt: d.GeneratedAt,
		generatedBy: d.GeneratedBy,
		draftWarning: "This version of the document has not been approved. " +
			"It must not be relied on as the approved version.",
	}
	return writePDF(w, meta, func(p *pdfDoc) {
		for _, s := range d.Sections {
			if s.Heading != "" {
				p.heading(s.Heading)
			}
			for _, para := range s.Paragraphs {
				p.paragraph(para)
			}
			if s.Table != nil {
				p.genericTable(*s.Table)
			}
		}
	})
}

// genericTable sizes columns by their content, capped so that one long
// column cannot squeeze the others to a word per line.
func (p *pdfDoc) genericTable(t Table) {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	const size, widest, narrowest = 8.5, 90.0, 14.0
	cols := make([]column, n)
	for k := range cols {
		if k < len(t.Header) {
			cols[k].header = t.Header[k]
		}
		p.font("B", size)
		w := p.f.GetStringWidth(pdfText(cols[k].header))
		p.font("", size)
		for _, r := range t.Rows {
			if k < len(r) {
				for _, l := range strings.Split(pdfText(r[k]), "\n") {
					w = max(w, p.f.GetStringWidth(l))
				}
			}
		}
		cols[k].weight = min(max(w+2*cellPadX, narrowest), widest)
	}
	rows := make([][]cell, len(t.Rows))
	for k, r := range t.Rows {
		rows[k] = make([]cell, n)
		for c := range n {
			if c < len(r) {
				rows[k][c].text = r[c]
			}
		}
	}
	p.table(cols, rows, size)
}
