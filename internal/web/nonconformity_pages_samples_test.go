package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// nonconformityPageSamples are the register's pages for
// TestEveryTemplateRenders, filled and empty, and the overview with the
// register's card and a corrective action to do.
func nonconformityPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	due, yes, no := now.AddDate(0, 0, -2), true, false
	nc := isms.Nonconformity{ID: "n1", RefNum: 1, Kind: isms.KindNonconformity, Grade: isms.GradeMajor, Source: isms.SourceVulnerabilitySLA,
		Title: "Missed deadline", Description: "Found <b>late</b>.", Requirement: "iso27001-2022:A.8.8", FindingID: "f1", OwnerID: "m1",
		RaisedBy: "m2", DueDate: &due, Correction: "Patched.", RootCause: "No owner.", VerifiedBy: "m3", VerifiedAt: &now, Effective: &no,
		VerificationNote: "Still open elsewhere.", CreatedAt: now, UpdatedAt: now}
	closed := isms.Nonconformity{ID: "n2", RefNum: 2, Kind: isms.KindImprovement, Source: isms.SourceManagementReview, Title: "Automate",
		OwnerID: "m1", VerifiedAt: &now, Effective: &yes, ClosedAt: &now, CreatedAt: now, UpdatedAt: now}
	action := isms.CorrectiveAction{ID: "c1", NonconformityID: "n1", Title: "Weekly patch window", OwnerID: "m1", DueDate: &due}
	done := isms.CorrectiveAction{ID: "c2", NonconformityID: "n1", Title: "Assign owners", OwnerID: "m2", DueDate: &due, CompletedAt: &now,
		Outcome: "Owners assigned."}
	owners := []isms.Member{{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}}
	reqs := []requirementOption{{Ref: "iso27001-2022:A.8.8", Label: "ISO/IEC 27001:2022 A.8.8 Management of technical vulnerabilities"}}
	finding := store.Finding{ID: "f1", AssetName: "gpu-node-1", Plugin: store.Plugin{Name: "OpenSSL"}, Status: isms.FindingOpen, DueDate: &due}
	counts := store.NCCounts{Open: 2, Overdue: 1, OpenMajor: 1, Closed: 3, MeanDaysToClose: 12.5}
	return map[string][]basePage{
		"nonconformities": {
			&nonconformitiesPage{Page: frame("Nonconformities"), Query: ncQuery{Status: "open", Overdue: true, Filtered: true}, Counts: counts,
				Sources: isms.NCSources, CanRaise: true, Next: "/n", First: "/f",
				Rows: []ncRow{{NCRow: app.NCRow{Nonconformity: nc, Stage: isms.StageAction, Overdue: true, Actions: 2, ActionsDone: 1}, Link: "/n1", Owner: "Priya"},
					{NCRow: app.NCRow{Nonconformity: closed, Stage: isms.StageClosed}, Link: "/n2"}}},
			&nonconformitiesPage{Page: frame("Nonconformities"), Query: ncQuery{Status: "x"}, Problems: []isms.FieldError{{Field: "status", Detail: "bad"}}},
		},
		"nonconformity_form": {
			&ncFormPage{Page: frame("Raise"), Form: ncForm{Kind: "nonconformity", Grade: "major", Source: "incident", OwnerID: "m1"},
				Errors: map[string]string{"title": "is required", "owner_id": "bad"}, Owners: owners, Sources: isms.NCSources, Requirements: reqs, Manager: true},
			&ncFormPage{Page: frame("Suggest"), Form: ncForm{Kind: "improvement"}, Sources: isms.NCSources},
		},
		"nonconformity": {
			&nonconformityPage{Page: frame("NC-001"), NC: app.NCDetail{Nonconformity: nc, Actions: []isms.CorrectiveAction{action, done},
				Stage: isms.StageAction, Overdue: true, Finding: &finding, RequirementTitle: "Management of technical vulnerabilities"},
				ncState: ncState{Form: &ncForm{Title: "Missed deadline", Grade: "major"}, Errors: map[string]string{"root_cause": "required"},
					ActionErrors: map[string]string{"due_date": "required"}, ActionID: "c1", OutcomeError: "required", Refusal: "No."},
				Owner: "Priya", RaisedBy: "Sam", VerifiedBy: "Ann", Owners: owners, Requirements: reqs, RequirementLink: "/i", RequirementCite: "A.8.8",
				FindingLink: "/f1", Register: "/r", MayEdit: true, Manager: true,
				Actions: []ncActionView{{CorrectiveAction: action, Owner: "Priya", Overdue: true, MayComplete: true},
					{CorrectiveAction: done, Owner: "Sam", MayComplete: true}}},
			&nonconformityPage{Page: frame("NC-001"), NC: app.NCDetail{Nonconformity: nc, Actions: []isms.CorrectiveAction{done},
				Stage: isms.StageVerification}, ncState: ncState{Form: &ncForm{}, VerifyErrors: map[string]string{"note": "required"}},
				MayVerify: true, Actions: []ncActionView{{CorrectiveAction: done}}},
			&nonconformityPage{Page: frame("OFI-002"), NC: app.NCDetail{Nonconformity: closed, Stage: isms.StageClosed}, ncState: ncState{Form: &ncForm{}},
				Effective: true},
			&nonconformityPage{Page: frame("NC-001"), NC: app.NCDetail{Nonconformity: nc, Stage: isms.StageVerification}, ncState: ncState{Form: &ncForm{}},
				NotIndependent: true},
		},
		"finding": {
			&findingPage{Page: frame("OpenSSL"), Finding: app.FindingDetail{Finding: finding}, Overdue: true, MissedDeadline: true,
				NCRef: "NC-001", NCLink: "/n1", NCClosed: true, NCAction: "/f1/nonconformity"},
			&findingPage{Page: frame("OpenSSL"), Finding: app.FindingDetail{Finding: finding}, MissedDeadline: true, NCRef: "NC-001", NCLink: "/n1"},
		},
		"overview": {
			&overviewPage{Page: frame("Helix"), NCs: &ncCard{NCCounts: counts, Link: "/n", OverdueLink: "/n?overdue=1"},
				Work: []workItem{{Kind: "action", Title: "Weekly patch window", Control: "NC-001", ControlTitle: "Missed deadline", ControlLink: "/n1",
					Due: &due, Overdue: true, Action: "/n1#action-c1", ActionLabel: "Report it done"}}},
		},
	}
}
