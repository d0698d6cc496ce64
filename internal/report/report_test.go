package report

import (
	"bytes"
	"io"
	"testing"
)

// TestDeterministicOutput renders each document twice: identical bytes let
// an auditor's copy be compared with a re-export.
func TestDeterministicOutput(t *testing.T) {
	pdfDate := []byte("/CreationDate (D:20250314093000")
	tests := []struct {
		name   string
		render func(io.Writer) error
		marker []byte // must appear in the raw output
	}{
		{"assessment PDF", func(w io.Writer) error { return RiskAssessmentPDF(w, riskReport()) }, pdfDate},
		{"treatment PDF", func(w io.Writer) error { return TreatmentPlanPDF(w, riskReport()) }, pdfDate},
		{"document PDF", func(w io.Writer) error { return DocumentPDF(w, document(true)) }, pdfDate},
		{"assessment XLSX", func(w io.Writer) error { return RiskAssessmentXLSX(w, riskReport()) }, nil},
		{"treatment XLSX", func(w io.Writer) error { return TreatmentPlanXLSX(w, riskReport()) }, nil},
		{"assets XLSX", func(w io.Writer) error {
			return AssetsXLSX(w, "Helix Labs Ltd", generated, []Asset{{Name: "Laptop", Attributes: map[string]string{"b": "2", "a": "1"}}})
		}, nil},
		{"people XLSX", func(w io.Writer) error {
			return PeopleXLSX(w, "Helix Labs Ltd", generated, []Person{{Name: "Priya", Roles: []string{"ISMS manager"}}},
				[]TrainingLine{{Person: "Priya", Course: "Awareness", State: "Current"}})
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := tt.render(&a); err != nil {
				t.Fatal(err)
			}
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("two renders of the same input differ")
			}
			if tt.marker != nil && !bytes.Contains(a.Bytes(), tt.marker) {
				t.Errorf("output lacks %q", tt.marker)
			}
		})
	}
}
