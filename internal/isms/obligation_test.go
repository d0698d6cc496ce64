package isms

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestObligationValidate(t *testing.T) {
	ok := Obligation{Kind: ObligationLegal, Title: "Security of processing", Source: "GDPR Article 32", Status: ObligationApplicable}
	tests := []struct {
		name   string
		change func(*Obligation)
		fields []string
	}{
		{"valid", func(*Obligation) {}, nil},
		{"not applicable with reason", func(o *Obligation) { o.Status, o.NotApplicableReason = ObligationNotApplicable, "No EU users" }, nil},
		{"AI Act class and link", func(o *Obligation) { o.AIRiskClass, o.SourceURL = AIHighRisk, "https://eur-lex.europa.eu/x" }, nil},
		{"nothing", func(o *Obligation) { *o = Obligation{} }, []string{"kind", "title", "source", "status"}},
		{"not applicable without reason", func(o *Obligation) { o.Status = ObligationNotApplicable }, []string{"not_applicable_reason"}},
		{"reason while applicable", func(o *Obligation) { o.NotApplicableReason = "x" }, []string{"not_applicable_reason"}},
		{"bad class and link", func(o *Obligation) { o.AIRiskClass, o.SourceURL = "severe", "ftp://x" }, []string{"source_url", "ai_risk_class"}},
		{"relative link", func(o *Obligation) { o.SourceURL = "/law" }, []string{"source_url"}},
		{"duplicates", func(o *Obligation) { o.Controls, o.AssetIDs = []string{"a:1", "a:1"}, []string{"x", "x"} }, []string{"controls", "asset_ids"}},
		{"long title", func(o *Obligation) { o.Title = strings.Repeat("x", 301) }, []string{"title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.change(&o)
			var got []string
			for _, f := range FieldErrors(o.Validate()) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestObligationRefAndReason(t *testing.T) {
	for in, want := range map[string]int{"OB-001": 1, "ob-12": 12, " OB-0100 ": 100, "OB-0": 0, "OB-": 0, "R-001": 0, "OB-1x": 0} {
		n, ok := ParseObligationRef(in)
		if n != want || ok != (want > 0) {
			t.Errorf("ParseObligationRef(%q) = %d, %v; want %d", in, n, ok, want)
		}
	}
	if got := FormatObligationRef(7); got != "OB-007" {
		t.Errorf("FormatObligationRef(7) = %q", got)
	}
	for k, want := range map[ObligationKind]ReasonKind{ObligationLegal: ReasonLegal, ObligationStatutory: ReasonLegal,
		ObligationRegulatory: ReasonLegal, ObligationContractual: ReasonContractual} {
		if got := k.Reason(); got != want {
			t.Errorf("%s.Reason() = %s, want %s", k, got, want)
		}
	}
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	o := Obligation{ReviewDate: &day}
	if !o.Overdue(day.Add(time.Hour)) || o.Overdue(day.Add(-time.Hour)) || (Obligation{}).Overdue(day) {
		t.Error("Overdue is wrong around the review date")
	}
}
