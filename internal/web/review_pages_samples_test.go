package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// reviewPageSamples are the management review and certification pages for
// TestEveryTemplateRenders, filled and empty, and the overview with the
// certification card.
func reviewPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	due, earlier := now.AddDate(0, 0, -2), now.AddDate(0, -5, 0)
	held := isms.Review{ID: "r1", RefNum: 1, Title: "Review 2026", MeetingDate: earlier, ChairID: "m1", AttendeeIDs: []string{"m1", "m2"},
		Guests: "Marta (Certa)", Status: isms.ReviewApproved, Notes: "Budget discussed.", InputsHash: "abcdef0123", CompiledAt: &earlier,
		ApprovedBy: "m1", ApprovedAt: &now}
	draft := isms.Review{ID: "r2", RefNum: 2, Title: "Review 2027", MeetingDate: now.AddDate(0, 1, 0), ChairID: "m1", Status: isms.ReviewDraft}
	inputs := &app.ReviewInputs{CompiledAt: now, PeriodFrom: "2026-06-29", PeriodTo: "2026-12-29",
		PreviousActions: app.PreviousActionsInput{Open: []app.ReviewActionLine{{Review: "MR-001", Title: "Hire", Owner: "Sam", DueDate: "2026-10-01", Overdue: true}},
			DoneInPeriod: 1},
		ContextChanges: app.ContextChangesInput{Approved: []app.ContextVersionLine{{Version: 2, ApprovedOn: "2026-08-01", InternalIssues: 3}}, InForce: 2},
		Nonconformities: app.NonconformitiesInput{Raised: []app.NCLine{{Ref: "NC-007", Title: "Leavers kept access", Grade: "minor",
			Source: "internal_audit", Stage: "closed", RaisedOn: "2026-07-01", ClosedOn: "2026-08-01"}},
			Closed: []app.NCLine{{Ref: "NC-002", Title: "Old one", Stage: "closed", Source: "other", RaisedOn: "2026-01-01", ClosedOn: "2026-07-02"}},
			Open:   2, ByStage: map[string]int{"action": 2}},
		Monitoring: app.MonitoringInput{Vulnerabilities: app.VulnerabilitiesInput{OpenBySeverity: map[string]int{"critical": 1}, SLACompliance: 0.8},
			SoA: &app.SoAInput{Framework: "ISO/IEC 27001:2022", Controls: 93, Included: 90, ByStatus: map[string]int{"implemented": 80}}},
		AuditResults: app.AuditResultsInput{Internal: app.NotRecordedInput{Note: "Not recorded."},
			External: []app.ExternalAuditLine{{Kind: "Surveillance audit, year 1", DoneOn: "2026-09-01", LeadAuditor: "Marta", Result: "Maintained.", Findings: []string{"NC-008"}}}},
		Objectives: app.NotRecordedInput{Note: "Not recorded."}, Feedback: app.NotRecordedInput{Note: "Not recorded."},
		Risks: app.RisksInput{Total: 4, ByLevel: []app.RiskLevelCount{{Level: "High", Count: 1}}, ByStatus: map[string]int{"accepted": 1},
			Accepted: []app.RiskLine{{Ref: "R-001", Title: "Prompt injection", Residual: "Low"}}},
		Improvements: app.ImprovementsInput{Open: []app.NCLine{{Ref: "OFI-003", Title: "Automate", Stage: "action"}}, RaisedInPeriod: 1},
	}
	members := []isms.Member{{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}, {ID: "m2", Name: "Sam", Role: isms.RoleAdmin}}
	action := isms.ReviewAction{ID: "a1", ReviewID: "r1", Title: "Hire", OwnerID: "m2", DueDate: &due}
	done := isms.ReviewAction{ID: "a2", ReviewID: "r1", Title: "Publish", OwnerID: "m1", DueDate: &due, DoneAt: &now}
	issued, expires := now.AddDate(0, -14, 0), now.AddDate(0, 22, 0)
	cycle := isms.CertCycle{ID: "c1", Body: "Certa", Scope: "The platform", Standard: isms.DefaultStandard, CertificateNumber: "C-1",
		Stage1Date: &issued, Stage2Date: &issued, IssuedOn: &issued, ExpiresOn: &expires}
	audit := isms.ExternalAudit{ID: "e1", CycleID: "c1", Kind: isms.AuditSurveillance1, DoneDate: &due, LeadAuditor: "Marta", Result: "Maintained."}
	planned := isms.ExternalAudit{ID: "e2", CycleID: "c1", Kind: isms.AuditSurveillance2, PlannedDate: &expires}
	calendar := cycle.Calendar([]isms.ExternalAudit{audit, planned}, now)
	late := isms.DueAudit{Kind: isms.AuditSurveillance1, DueBy: &due, Overdue: true}
	return map[string][]basePage{
		"reviews": {
			&reviewsPage{Page: frame("Management review"), CanWrite: true, Members: members, Form: meetingForm{ChairID: "m1", Attendees: []string{"m2"}},
				Errors: map[string]string{"title": "is required", "attendees": "bad"},
				Rows: []reviewRow{{ReviewRow: app.ReviewRow{Review: held, Period: app.ReviewPeriod{From: earlier, To: earlier}, Actions: 2, OpenActions: 1},
					Link: "/r1", Chair: "Priya"}, {ReviewRow: app.ReviewRow{Review: draft}, Link: "/r2"}}},
			&reviewsPage{Page: frame("Management review")},
		},
		"review": {
			&reviewPage{Page: frame("MR-001"), Review: app.ReviewDetail{Review: held, Inputs: inputs, Decisions: []isms.ReviewDecision{{ID: "d1", Text: "Hire."}},
				Actions: []isms.ReviewAction{action, done}, Members: map[string]string{"m1": "Priya"}, Period: app.ReviewPeriod{From: earlier, To: earlier}},
				Chair: "Priya", Attendees: []string{"Priya", "Sam"}, Previous: "MR-000", Members: members, Manager: true,
				Actions: []reviewActionView{{ReviewAction: action, Owner: "Sam", Overdue: true, MayReport: true}, {ReviewAction: done, Owner: "Priya"}}},
			&reviewPage{Page: frame("MR-002"), Review: app.ReviewDetail{Review: draft}, Manager: true, Open: true, Members: members,
				Form: meetingForm{Title: "Review 2027"}, Errors: map[string]string{"title": "bad", "text": "required"}, Refusal: "No.", Decision: "x",
				Action: actionForm{Title: "x", OwnerID: "m1"}},
			&reviewPage{Page: frame("MR-002"), Review: app.ReviewDetail{Review: draft}},
		},
		"certification": {
			&certificationPage{Page: frame("Certification"), Cert: app.Certification{Current: &cycle, Calendar: calendar, Next: &calendar[1],
				Audits: []app.AuditView{{ExternalAudit: audit, Findings: []isms.Nonconformity{{RefNum: 8, Kind: isms.KindNonconformity, Title: "Late reviews"}}},
					{ExternalAudit: planned}}, History: []isms.CertCycle{cycle}},
				CanWrite: true, Kinds: isms.AuditKinds, Cycle: cycleFormOf(&cycle), Errors: map[string]string{"title": "required"}, ErrorsFor: "e1",
				Refusal: "No."},
			&certificationPage{Page: frame("Certification"), Cert: app.Certification{Current: &isms.CertCycle{ID: "c2", Body: "Certa"},
				Calendar: []isms.DueAudit{late}, Next: &late}, Errors: map[string]string{"body": "required"}, ErrorsFor: "cycle", CanWrite: true},
			&certificationPage{Page: frame("Certification"), CanWrite: true, Cycle: cycleFormOf(nil)},
			&certificationPage{Page: frame("Certification")},
		},
		"overview": {
			&overviewPage{Page: frame("Helix"), Cert: &certCard{Cycle: cycle, Next: &late, Overdue: 1, Link: "/c", Calendar: calendar}},
		},
	}
}
