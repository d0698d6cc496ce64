package report

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestDocumentsXLSX reads the register's spreadsheet back: one row a
// document, formulas neutralised, the overdue review and acknowledgements
// as the register shows them.
func TestDocumentsXLSX(t *testing.T) {
	next := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	f := openXLSX(t, func(w io.Writer) error {
		return DocumentsXLSX(w, "Helix AI", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), []DocumentRow{
			{Ref: "DOC-001", Kind: "Policy", Title: "Information security policy", Owner: "Priya", InForce: "1.0", InForceSince: "2026-01-10",
				UnderWay: "1.1 draft", NextReview: &next, ReviewOverdue: true, Approvers: []string{"Dana", "Sam"},
				Controls: []string{"iso27001-2022:A.5.1"}, Acknowledged: 3, Readers: 5},
			{Ref: "DOC-002", Kind: "Procedure", Title: "=HYPERLINK(\"http://x\")", Owner: "Sam", Retired: true},
		})
	})
	rows := sheetRows(t, f, "Documents")
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and two documents: %v", len(rows), rows)
	}
	got := strings.Join(rows[1], "|")
	for _, want := range []string{"DOC-001", "Information security policy", "1.0", "1.1 draft", "2026-10-01", "yes", "Dana\nSam", "3 of 5"} {
		if !strings.Contains(got, want) {
			t.Errorf("the first document's row %q lacks %q", got, want)
		}
	}
	if formula, _ := f.GetCellFormula("Documents", "C3"); formula != "" || strings.HasPrefix(rows[2][2], "=") {
		t.Errorf("a title starting with = became a formula: %q %q", formula, rows[2][2])
	}
}
