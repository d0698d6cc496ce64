package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// auditPageSamples are the internal audit pages for TestEveryTemplateRenders:
// a programme with coverage and one without, the planning form with
// errors, and an audit being recorded and one completed.
func auditPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	start := now.AddDate(-1, 0, 0)
	prog := isms.AuditProgramme{ID: "p1", CycleStart: start, Notes: "By risk."}
	au := isms.Audit{ID: "a1", RefNum: 1, Title: "Access control", Scope: []string{"iso27001-2022:A.5"}, Criteria: "ISO/IEC 27001:2022",
		Status: isms.AuditInProgress, PlannedStart: now, PlannedEnd: now, StartedAt: &now, Conclusion: "Mostly effective."}
	done := au
	done.Status, done.CompletedAt = isms.AuditCompleted, &now
	row := app.AuditRow{Audit: au, Auditors: []string{"Sam", "Lena"}, Items: 4, Done: 2, Year: 1}
	gap := app.Requirement{Ref: "iso27001-2022:9.3.1", Cite: "9.3.1", Title: "Management review"}
	view := app.ProgrammeView{Programme: &prog, Years: []app.ProgrammeYear{{Year: 1, From: start, To: now, Audits: []app.AuditRow{row}},
		{Year: 2, From: now, To: now}}, Outside: []app.AuditRow{row}, Covered: 3, Total: 5,
		Clauses: []app.CoverageGroup{{Key: "9", Label: "9 Performance evaluation", Covered: 1, Total: 2, Gaps: []app.Requirement{gap}}},
		Themes:  []app.CoverageGroup{{Key: "A.5", Label: "A.5 Organizational controls", Covered: 2, Total: 2}}}
	items := []app.AuditItemView{
		{AuditItem: isms.AuditItem{ID: "i1", Ref: "iso27001-2022:A.5.18", Kind: isms.ItemKindControl, Title: "Access rights",
			Result: isms.ResultMinorNC, Notes: "No review.", Evidence: []isms.Link{{Title: "ACL", URL: "https://e.example/acl"}},
			NonconformityID: "n1", RecordedAt: &now}, Cite: "A.5.18", NCRef: "NC-004", NCStage: isms.StageOpen, Recorder: "Sam", OwnerName: "Tomás"},
		{AuditItem: isms.AuditItem{ID: "i2", Ref: "ai-security:AIS-AC-01", Kind: isms.ItemKindOverlay, Title: "Model registry access"}, Cite: "AIS-AC-01"},
		{AuditItem: isms.AuditItem{ID: "i3", Ref: "iso27001-2022:9.2.1", Kind: isms.ItemKindClause, Title: "General", Result: isms.ResultConforming}, Cite: "9.2.1"},
	}
	detail := app.AuditDetail{Audit: au, AuditorIDs: []string{"m1"}, Auditors: []string{"Sam"}, Items: items,
		Counts: map[isms.AuditResult]int{isms.ResultNone: 1, isms.ResultMinorNC: 1, isms.ResultConforming: 1}}
	var views []auditItemView
	for _, it := range items {
		views = append(views, auditItemView{AuditItemView: it, Link: "/i", NCLink: "/n", EvidenceText: evidenceText(it.Evidence)})
	}
	members := []isms.Member{{ID: "m1", Name: "Sam", Role: isms.RoleContributor}}
	form := auditForm{Title: "Access", Scope: []string{"iso27001-2022:A.5"}, Auditors: []string{"m1"}, PlannedStart: "2026-12-01", PlannedEnd: "2026-12-02"}
	completed := detail
	completed.Audit = done
	return map[string][]basePage{
		"audits": {
			&auditsPage{Page: frame("Internal audit"), Programme: view, Form: programmeForm{CycleStart: "2025-11-29"},
				Errors: map[string]string{"cycle_start": "is required"}, Manager: true},
			&auditsPage{Page: frame("Internal audit"), Programme: app.ProgrammeView{Outside: []app.AuditRow{row}}},
		},
		"audit_form": {
			&auditFormPage{Page: frame("Plan"), Form: form, Errors: map[string]string{"scope": "is required", "auditors": "owns A.5.18"},
				Scope:    []scopeGroup{{Label: "Clauses", Options: []app.ScopeOption{{Ref: "iso27001-2022:9.2", Label: "9.2 Internal audit"}}}},
				Auditors: members},
		},
		"audit": {
			&auditPage{Page: frame("AUD-001"), Audit: detail, Items: views, Results: isms.AuditResults, Auditors: members, MayRecord: true,
				Manager: true, Programme: "/a", auditState: auditState{Form: &form, Errors: map[string]string{"title": "required"}, Refusal: "No.",
					ItemID: "i2", ItemForm: itemForm{Result: "observation"}, ItemErrors: map[string]string{"notes": "are required"}}},
			&auditPage{Page: frame("AUD-001"), Audit: completed, Items: views, Results: isms.AuditResults, Programme: "/a"},
		},
	}
}
