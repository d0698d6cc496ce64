package soa

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
)

// Neutralise stops a spreadsheet from evaluating text as a formula: text
// that starts with =, +, -, @, tab or carriage return gets a leading single
// quote. Exports are opened in Excel, LibreOffice and Google Sheets, and
// re-saved between them; a justification typed as =HYPERLINK(…) must stay
// text in all of them, and the quote is the one marker they all honour.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Header names the columns of the tabular exports (CSV and the XLSX
// sheet), in the order Cells fills them.
func Header() []string {
	return []string{
		"Control", "Title", "Theme", "Applicability", "Derived", "Justification",
		"Exclusion justification", "Status", "Owner", "Implementation",
		"AI overlay refinements", "Evidence", "Evidence freshness summary", "Flags",
	}
}

// Cells is an entry as one row of the tabular exports, in the order of
// Header. The text is as recorded: each writer neutralises it for its
// format.
func Cells(e Entry) []string {
	derived := "No"
	if e.Derived {
		derived = "Yes"
	}
	refinements := make([]string, len(e.Refinements))
	for i, r := range e.Refinements {
		refinements[i] = r.ID
	}
	return []string{
		e.ID, e.Title, e.Theme, e.ApplicabilityText(), derived, e.ReasonsText(),
		e.Exclusion, e.Status.Label(), e.Owner, e.Implementation,
		strings.Join(refinements, ", "), e.EvidenceText(), e.FreshnessText(), e.FlagsText(),
	}
}

// ApplicabilityText is the decision as the exports word it.
func (e Entry) ApplicabilityText() string {
	switch e.Applicability {
	case isms.Included:
		return "Included"
	case isms.Excluded:
		return "Excluded"
	}
	return "Not decided"
}

// Text is the reason as one line: a risk by its reference and title, any
// other reason by its kind and title.
func (r Reason) Text() string {
	if r.Kind == "risk" {
		return r.Ref + " " + r.Title
	}
	return isms.ReasonKind(r.Kind).Label() + ": " + r.Title
}

// ReasonsText lists the reasons for including the control, one a line.
func (e Entry) ReasonsText() string {
	lines := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		lines[i] = r.Text()
	}
	return strings.Join(lines, "\n")
}

// Text is the evidence item's title with its freshness.
func (ev EvidenceItem) Text() string {
	return ev.Title + " (" + ev.Freshness.Label() + ")"
}

// EvidenceText lists the evidence, newest first, one item a line.
func (e Entry) EvidenceText() string {
	lines := make([]string, len(e.Evidence))
	for i, ev := range e.Evidence {
		lines[i] = ev.Text()
	}
	return strings.Join(lines, "\n")
}

// FreshnessText counts the evidence by freshness ("3 current, 1 stale"),
// so that a reader who cannot see the titles still sees whether the
// control is shown operating.
func (e Entry) FreshnessText() string {
	if len(e.Evidence) == 0 {
		return "No evidence"
	}
	counts := map[isms.Freshness]int{}
	for _, ev := range e.Evidence {
		counts[ev.Freshness]++
	}
	var parts []string
	for _, f := range []isms.Freshness{isms.Current, isms.DueSoon, isms.Stale} {
		if n := counts[f]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+strings.ToLower(f.Label()))
		}
	}
	return strings.Join(parts, ", ")
}

// FlagsText lists the contradictions found in the entry, one a line.
func (e Entry) FlagsText() string {
	lines := make([]string, len(e.Flags))
	for i, f := range e.Flags {
		lines[i] = f.Message
	}
	return strings.Join(lines, "\n")
}

// Title names the document in the exports' titles and metadata.
func (d Document) Title() string {
	return "Statement of Applicability — " + d.Org + " — " + d.FrameworkTitle
}

// VersionText says which version the document is, or that it is a draft.
func (d Document) VersionText() string {
	if d.Version == 0 {
		return "Draft — not approved"
	}
	return fmt.Sprintf("Version %d", d.Version)
}
