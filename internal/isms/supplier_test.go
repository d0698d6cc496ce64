package isms_test

import (
	"slices"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

func TestSupplierFlags(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	// A supplier that raises nothing: reviewed, assessed, certified, with
	// the clauses its criticality calls for.
	ok := isms.Supplier{Name: "Lattice", Kind: isms.SupplierCloud, Criticality: isms.CriticalityCritical, Status: isms.SupplierActive,
		ReviewCadence: isms.Yearly, LastReviewed: day(2026, 1, 1), ExitPlan: "second provider", CreatedAt: *day(2025, 1, 1),
		Clauses: []string{isms.ClauseConfidentiality, isms.ClauseSecurityRequirements, isms.ClauseRightToAudit,
			isms.ClauseIncidentNotification, isms.ClauseDataLocation, isms.ClauseSubprocessors, isms.ClauseReturnDeletion}}
	pass := []isms.Assessment{{ID: "a1", AssessedOn: *day(2026, 1, 1), Assessor: "Ada", Result: isms.AssessmentPass}}
	cert := func(kind isms.CertificationKind, until *time.Time) isms.Certification {
		return isms.Certification{Kind: kind, ValidUntil: *until}
	}
	with := func(change func(*isms.Supplier)) isms.Supplier {
		s := ok
		s.Clauses = slices.Clone(ok.Clauses)
		change(&s)
		return s
	}
	for _, tc := range []struct {
		name        string
		s           isms.Supplier
		certs       []isms.Certification
		assessments []isms.Assessment
		want        []isms.FlagKind
	}{
		{"all in order", ok, []isms.Certification{cert(isms.CertISO27001, day(2027, 1, 1))}, pass, nil},
		{"critical without exit plan", with(func(s *isms.Supplier) { s.ExitPlan = "  " }), nil, pass, []isms.FlagKind{isms.FlagNoExitPlan}},
		{"high needs no exit plan", with(func(s *isms.Supplier) { s.ExitPlan, s.Criticality = "", isms.CriticalityHigh }), nil, pass, nil},
		{"certificate expired", ok, []isms.Certification{cert(isms.CertISO27001, day(2026, 5, 31))}, pass, []isms.FlagKind{isms.FlagCertExpired}},
		{"certificate expiring", ok, []isms.Certification{cert(isms.CertSOC2Type2, day(2026, 7, 1))}, pass, []isms.FlagKind{isms.FlagCertExpiring}},
		{"renewed certificate", ok, []isms.Certification{cert(isms.CertISO27001, day(2026, 1, 1)), cert(isms.CertISO27001, day(2029, 1, 1))}, pass, nil},
		{"review overdue", with(func(s *isms.Supplier) { s.ReviewCadence = isms.Quarterly }), nil, pass, []isms.FlagKind{isms.FlagReviewOverdue}},
		{"never reviewed", with(func(s *isms.Supplier) { s.LastReviewed = nil }), nil, pass, []isms.FlagKind{isms.FlagReviewOverdue}},
		{"never assessed", ok, nil, nil, []isms.FlagKind{isms.FlagNoAssessment}},
		{"low needs no assessment", with(func(s *isms.Supplier) { s.Criticality = isms.CriticalityLow }), nil, nil, nil},
		{"latest assessment failed", ok, nil, append([]isms.Assessment{{ID: "a2", AssessedOn: *day(2026, 3, 1), Assessor: "Bo",
			Result: isms.AssessmentFail}}, pass...), []isms.FlagKind{isms.FlagAssessmentFailed}},
		{"failure since passed", ok, nil, append([]isms.Assessment{{ID: "a0", AssessedOn: *day(2025, 3, 1), Assessor: "Bo",
			Result: isms.AssessmentFail}}, pass...), nil},
		{"clauses missing", with(func(s *isms.Supplier) { s.Clauses = s.Clauses[1:] }), nil, pass, []isms.FlagKind{isms.FlagClausesMissing}},
		{"AI clauses for a model provider with our prompts", with(func(s *isms.Supplier) {
			s.Kind, s.DataShared = isms.SupplierModelProvider, []isms.DataCategory{isms.DataPrompts}
		}), nil, pass, []isms.FlagKind{isms.FlagClausesMissing}},
		{"ended raises nothing", with(func(s *isms.Supplier) { s.Status, s.ExitPlan = isms.SupplierEnded, "" }), nil, nil, nil},
		{"most pressing first", with(func(s *isms.Supplier) { s.ExitPlan = "" }), []isms.Certification{cert(isms.CertISO27001, day(2026, 1, 1))},
			nil, []isms.FlagKind{isms.FlagCertExpired, isms.FlagNoExitPlan, isms.FlagNoAssessment}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []isms.FlagKind
			for _, f := range isms.SupplierFlags(tc.s, tc.certs, tc.assessments, now) {
				if f.Detail == "" {
					t.Errorf("flag %s has no detail", f.Kind)
				}
				got = append(got, f.Kind)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("flags = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSupplierValidate(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	future := now.AddDate(0, 1, 0)
	base := func() isms.Supplier {
		return isms.Supplier{Name: "Helio", Kind: isms.SupplierModelProvider, Criticality: isms.CriticalityHigh}
	}
	for _, tc := range []struct {
		name   string
		change func(*isms.Supplier)
		fields []string
	}{
		{"defaults", func(*isms.Supplier) {}, nil},
		{"no name", func(s *isms.Supplier) { s.Name = " " }, []string{"name"}},
		{"unknown kind and criticality", func(s *isms.Supplier) { s.Kind, s.Criticality = "vendor", "extreme" }, []string{"kind", "criticality"}},
		{"unknown data and clause", func(s *isms.Supplier) {
			s.DataShared, s.Clauses = []isms.DataCategory{"secrets"}, []string{"golden_parachute"}
		}, []string{"data_shared", "clauses"}},
		{"deadline without clause", func(s *isms.Supplier) { s.IncidentHours = 24 }, []string{"incident_hours"}},
		{"clause without deadline", func(s *isms.Supplier) { s.Clauses = []string{isms.ClauseIncidentNotification} }, []string{"incident_hours"}},
		{"website", func(s *isms.Supplier) { s.Website = "javascript:alert(1)" }, []string{"website"}},
		{"reviewed in the future", func(s *isms.Supplier) { s.LastReviewed = &future }, []string{"last_reviewed"}},
		{"bad cadence", func(s *isms.Supplier) { s.ReviewCadence = "weekly" }, []string{"review_cadence"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.change(&s)
			var got []string
			for _, f := range isms.FieldErrors(s.Validate(now)) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("fields = %v, want %v", got, tc.fields)
			}
			if tc.fields == nil && (s.Status != isms.SupplierActive || s.ReviewCadence != isms.Yearly) {
				t.Errorf("defaults: status %q, cadence %q", s.Status, s.ReviewCadence)
			}
		})
	}
}
