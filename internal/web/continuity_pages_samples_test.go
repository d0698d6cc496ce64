package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// continuityPageSamples are the continuity register's pages for
// TestEveryTemplateRenders, filled and empty, and a control page with the
// register as evidence.
func continuityPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	minutes := 310
	b := isms.BIA{ID: "b1", RefNum: 1, Name: "Chat inference", Description: "The <b>API</b>.", OwnerID: "m1", Criticality: isms.CriticalityCritical,
		RTOHours: 4, RPOHours: 1, MTPDHours: 24, Impacts: [4]isms.ImpactRating{{Financial: 2}, {Financial: 3, Contractual: 4}}, ReviewDate: &now}
	p := isms.ContinuityPlan{ID: "p1", RefNum: 1, Title: "Recovery", OwnerID: "m1", Steps: "1. Fail over.", Version: "1.2", ApprovedAt: &now,
		ReviewDate: &now, EvidenceID: "e1"}
	test := isms.ContinuityTest{ID: "t1", RefNum: 1, PlanID: "p1", TestedOn: now, Kind: isms.TestFailoverInference, Scope: "eu-west",
		Result: isms.ResultPartial, RecoveryMinutes: &minutes, Findings: "Slow DNS."}
	tabletop := isms.ContinuityTest{ID: "t2", RefNum: 2, PlanID: "p1", TestedOn: now, Kind: isms.TestTabletop, Scope: "Walk-through", Result: isms.ResultPass}
	deps := []store.AssetLabel{{ID: "a1", Name: "GPU cluster", Type: isms.AssetComputeCluster}}
	full := app.BIAView{BIA: b, Dependencies: deps, Plans: []isms.ContinuityPlan{p}, LastTest: &test, MissedRTO: true, ReviewOverdue: true}
	bare := app.BIAView{BIA: isms.BIA{ID: "b2", RefNum: 2, Name: "Fine-tuning", Criticality: isms.CriticalityCritical}, NoPlan: true}
	plan := app.PlanView{ContinuityPlan: p, BIAs: []isms.BIA{b}, RTOHours: 4, MissedRTO: true, TestStale: true, ReviewOverdue: true,
		Tests: []app.TestView{{ContinuityTest: test, MissedRTO: true, FollowUps: []isms.FollowUp{{ID: "f1", Title: "Lower TTL", NonconformityID: "n1"},
			{ID: "f2", Title: "Reserve quota"}}}, {ContinuityTest: tabletop}}}
	untested := app.PlanView{ContinuityPlan: isms.ContinuityPlan{ID: "p2", RefNum: 2, Title: "Data restore"}, NeverTested: true}
	sum := app.ContinuitySummary{BIAs: 2, Critical: 2, CriticalNoPlan: 1, Plans: 2, PlansNeverTested: 1, TestsMissedRTO: 1, LastTest: &test}
	owners := []isms.Member{{ID: "m1", Name: "Sam", Role: isms.RoleAdmin}}
	form := biaFormFrom(b, deps)
	return map[string][]basePage{
		"continuity": {
			&continuityPage{Page: frame("Business continuity"), Query: continuityQuery{Criticality: "critical", Flagged: true, Filtered: true},
				Criticalities: isms.Criticalities, BIAs: []app.BIAView{full, bare}, Plans: []app.PlanView{plan, untested}, Summary: sum, CanWrite: true,
				ExportCSV: "/e.csv", ExportXLSX: "/e.xlsx"},
			&continuityPage{Page: frame("Business continuity"), Problems: []isms.FieldError{{Field: "criticality", Detail: "bad"}}},
		},
		"bia": {
			&biaPage{Page: frame("BIA-001"), BIA: full, Owner: "Sam", CanWrite: true},
			&biaPage{Page: frame("BIA-002"), BIA: bare},
		},
		"bia_form": {
			&biaFormPage{Page: frame("Edit BIA-001"), Form: form, Ref: "BIA-001", Action: "/b", Owners: owners, Assets: deps,
				Criticalities: isms.Criticalities, Errors: map[string]string{"rto_hours": "beyond the MTPD", "owner_id": "bad"},
				ImpactErrors: []string{"24h financial: must be from 1 to 5"}},
			&biaFormPage{Page: frame("New"), Criticalities: isms.Criticalities},
		},
		"plan_form": {
			&planFormPage{Page: frame("Edit BCP-001"), Form: planForm{Title: "Recovery", OwnerID: "m1", BIAs: []string{"b1"}, EvidenceID: "e1"},
				Ref: "BCP-001", Action: "/p", Owners: owners, BIAs: []app.BIAView{full}, Evidence: []isms.Evidence{{ID: "e1", Title: "Plan v1.2"}},
				Errors: map[string]string{"steps": "is required", "bias": "bad"}},
			&planFormPage{Page: frame("New")},
		},
		"plan": {
			&planPage{Page: frame("BCP-001"), Plan: plan, Owner: "Sam", Evidence: "Plan v1.2", CanWrite: true, Kinds: isms.TestKinds,
				Results: isms.TestResults, TestForm: testForm{TestedOn: "2026-11-29", Kind: "tabletop"}, TestErrors: map[string]string{"scope": "is required"},
				FollowUpTest: "t1", FollowUpError: "is required", Refusal: "Already raised.", NCRefs: map[string]string{"n1": "NC-004"}},
			&planPage{Page: frame("BCP-002"), Plan: untested},
		},
		"control": {
			&controlPage{Page: frame("A.5.30"), Continuity: &continuityEvidence{ContinuitySummary: sum, Register: "/c", FlaggedLink: "/c?flagged=1"}},
		},
	}
}
