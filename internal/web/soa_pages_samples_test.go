package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// soaPageSamples are the pages of the statement, controls and evidence
// for TestEveryTemplateRenders, filled and empty.
func soaPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	member := isms.Member{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}
	risk := soa.Reason{Kind: "risk", Ref: "R-001", Title: "Unpatched GPU nodes", URL: "/o/helix-ai/risks/R-001"}
	legal := soa.Reason{Kind: "legal", Ref: "x1", Title: "GDPR Art. 32", URL: "https://example.com"}
	ev := soa.EvidenceItem{ID: "e1", Title: "Scan report", Kind: "file", PeriodEnd: now, ExpiresAt: &now, Freshness: isms.DueSoon, SHA256: "ab"}
	entry := soa.Entry{Control: "iso27001-2022:A.8.8", ID: "A.8.8", Title: "Management of technical vulnerabilities", Theme: "A.8 Technological controls",
		Applicability: isms.Included, Derived: true, Reasons: []soa.Reason{risk, legal}, Status: isms.Planned, Owner: "Priya",
		Implementation: "Weekly scans", Refinements: []soa.Refinement{{Ref: "ai-security:AIS-1", ID: "AIS-1", Title: "Model patching"}},
		Evidence: []soa.EvidenceItem{ev}, Flags: []soa.Flag{{Kind: soa.FlagImplementedNoEvidence, Message: "Add evidence."}}}
	excluded := soa.Entry{Control: "iso27001-2022:A.7.4", ID: "A.7.4", Title: "Physical security monitoring", Theme: "A.7 Physical controls",
		Applicability: isms.Excluded, Exclusion: "No premises", Status: isms.NotStarted, Evidence: []soa.EvidenceItem{}}
	doc := soa.Document{Org: "Helix AI Ltd", Framework: "iso27001-2022", FrameworkTitle: "ISO/IEC 27001:2022", Entries: []soa.Entry{entry, excluded}}
	version := store.SoAVersion{ID: "v1", Number: 1, Approver: "Dana", Note: "Management review", ContentHash: "abcdef0123456789", CreatedAt: now}
	row := soaRow{Entry: entry, Anchor: "c-A.8.8", Link: "/c", Action: "/c/edit", Risks: []soa.Reason{risk}, Others: []soa.Reason{legal},
		Freshness: "due_soon", FreshnessLabel: "Due soon", OwnerID: unknownOwner, CanDecide: true, CanEdit: true,
		Form: soaRowForm{Applicability: "excluded", Status: "planned", OwnerID: unknownOwner}, Errors: map[string]string{"exclusion_reason": "is required", "status": "bad"}}
	readOnly := soaRow{Entry: excluded, Anchor: "c-A.7.4", Link: "/c2", Freshness: freshnessNone, FreshnessLabel: "No evidence"}
	contributor := soaRow{Entry: excluded, Anchor: "c-A.7.5", Link: "/c3", Action: "/c3/edit", CanEdit: true, Form: soaRowForm{Status: "not_started"}}
	exports := soaExports("/o/helix-ai/soa/iso27001-2022", 1)
	draft := &soaPage{Page: frame("Statement"), soaState: soaState{ApproveNote: "n", ApproveErrors: []string{"3 controls are neither included nor excluded"},
		Custom: customControlForm{Code: "ORG-1"}, CustomErrors: map[string]string{"code": "taken"}},
		Tabs:      []soaTab{{Label: "ISO/IEC 27001:2022", Link: "/a", Current: true}, {Label: "ISO/IEC 27001:2013", Link: "/b"}},
		Framework: "iso27001-2022", FrameworkTitle: "ISO/IEC 27001:2022", Doc: doc, Summary: doc.Summarise(),
		Query:        soaQuery{Theme: "A.8 Technological controls", Status: "planned", Owner: "m1", Applicability: "included", Evidence: "stale", Q: "x", Flagged: true},
		StatusCounts: []soaCount{{"Planned", 1, "/p"}}, Counts: []soaCount{{"Controls", 2, "/c"}}, Statuses: isms.ImplementationStatuses,
		Themes: []string{"A.8 Technological controls"}, Owners: []isms.Member{member},
		Groups: []soaGroup{{Theme: "A.8 Technological controls", Rows: []soaRow{row, contributor}}, {Rows: []soaRow{readOnly}}}, Shown: 3,
		Versions: []soaVersionRow{{SoAVersion: version, Link: "/v1", Exports: exports, Compare: "/cmp", Current: true}}, NextVersion: 2,
		Exports: exports, CanWrite: true, Back: "/o/helix-ai/soa/iso27001-2022", Base: "/o/helix-ai/soa/iso27001-2022", ClearURL: "/c",
		DraftURL: "/d", CompareURL: "/cmp"}
	frozen := &soaPage{Page: frame("Statement"), Framework: "iso27001-2022", FrameworkTitle: "ISO/IEC 27001:2022", Doc: doc,
		Query: soaQuery{Version: 1}, Frozen: &version, Versions: []soaVersionRow{{SoAVersion: version}}, Base: "/b"}

	item := &framework.Item{ID: "A.8.8", Kind: framework.ItemControl, Title: "Management of technical vulnerabilities", Description: "d", Guidance: "g", Assessable: true}
	record := isms.Control{ID: "k1", Control: entry.Control, Applicability: isms.Excluded, ExclusionReason: "x", Status: isms.Planned, OwnerID: "m1",
		Implementation: "Weekly scans", ReviewCadence: isms.Yearly, EvidenceCadence: isms.Quarterly, LastReviewed: &now, Notes: "n",
		Links: []isms.Link{{Title: "Patch policy", URL: "https://example.com/p"}}}
	detail := app.ControlDetail{Framework: &framework.Framework{ID: "iso27001-2022", Name: "ISO/IEC 27001", Version: "2022"}, Item: item,
		Record: record, Entry: entry, Reasons: []isms.ControlReason{{ID: "r1", Kind: isms.ReasonLegal, Title: "GDPR", URL: "https://example.com"}},
		Members: map[string]string{"m1": "Priya"}}
	control := &controlPage{Page: frame("A.8.8"), controlState: controlState{ReasonErrors: map[string]string{"url": "bad"},
		TaskErrors: map[string]string{"title": "required"}, RequestErrors: map[string]string{"due_date": "required"}, Refusal: "No."},
		Actions: controlActions{Tasks: "/t", Reasons: "/r", RemoveReason: "/rr", Requests: "/q", CancelRequest: "/cq"},
		Ref:     entry.Control, Path: "/c", Detail: detail, Entry: entry, Cite: "A.8.8", ControlTitle: item.Title, FrameworkTitle: "ISO/IEC 27001:2022",
		ItemLink: "/i", Owner: "Priya", Risks: []soa.Reason{risk}, Reasons: detail.Reasons,
		Refinements: []controlRefinement{{Refinement: entry.Refinements[0], Link: "/i2"}},
		Evidence:    []controlEvidenceRow{{EvidenceItem: ev, Link: "/e", FileLink: "/e/file", FreshnessLabel: "Due soon"}}, Freshness: "due_soon", FreshnessLabel: "Due soon",
		Tasks: []controlTaskRow{{ControlTask: isms.ControlTask{ID: "t1", Title: "Patch", DueDate: &now, Status: isms.TaskOpen}, Assignee: "Priya", Overdue: true},
			{ControlTask: isms.ControlTask{ID: "t2", Title: "Done", Status: isms.TaskDone}}},
		Requests: []controlRequestRow{{EvidenceRequest: isms.EvidenceRequest{ID: "q1", Title: "Scan", DueDate: now, Status: isms.RequestOpen}, Assignee: "Priya", Overdue: true, UploadLink: "/u"},
			{EvidenceRequest: isms.EvidenceRequest{ID: "q2", Title: "Old", DueDate: now, Status: isms.RequestFulfilled, EvidenceID: "e1"}, EvidenceLink: "/e"}},
		People: []isms.Member{member}, ReasonKinds: isms.ReasonKinds, Cadences: isms.Cadences, HistoryLink: "/h", EditLink: "/edit", SoALink: "/soa",
		CanEdit: true, CanUpload: true, Today: "2026-11-29", MaxUpload: "100 MiB", MaxBytes: 100 << 20, Back: "/c#evidence"}
	custom := &controlPage{Page: frame("ORG-1"), Ref: "org:ORG-1", Detail: app.ControlDetail{Record: isms.Control{Control: "org:ORG-1", Title: "Model release review"}},
		Entry: soa.Entry{Custom: true}, Cite: "ORG-1", Freshness: freshnessNone}
	form := &controlFormPage{Page: frame("Edit"), Ref: entry.Control, Path: "/c", Action: "/c/edit", Cite: "A.8.8", ControlTitle: item.Title, Custom: true,
		Form: formFromControl(record), Errors: map[string]string{"exclusion_reason": "required", "links[0].url": "bad", "title": "required"},
		People: []isms.Member{member}, Statuses: isms.ImplementationStatuses, Cadences: isms.Cadences, CanDecide: true, OwnerName: "Priya", LastReviewed: &now}
	contributorForm := &controlFormPage{Page: frame("Edit"), Cite: "A.8.8", Statuses: isms.ImplementationStatuses, Cadences: isms.Cadences}

	stored := isms.Evidence{ID: "e1", Kind: isms.EvidenceFile, Title: "Scan report", FileName: "scan.pdf", Size: 2048, MediaType: "application/pdf",
		SHA256: "ab", PeriodStart: now.AddDate(0, -3, 0), PeriodEnd: now, Cadence: isms.Quarterly, CreatedAt: now}
	link := isms.Evidence{ID: "e2", Kind: isms.EvidenceLink, Title: "Dashboard", URL: "https://example.com/d", PeriodStart: now, PeriodEnd: now}
	record2 := isms.Evidence{ID: "e3", Kind: isms.EvidenceRecord, Title: "Minutes", Body: "We met.", PeriodStart: now, PeriodEnd: now}
	choices := []riskOptionGroup{{Label: "ISO/IEC 27001:2022", Options: []riskOption{{Ref: entry.Control, Label: "A.8.8 Management"}}}}
	request := isms.EvidenceRequest{ID: "q1", Control: entry.Control, Title: "Scan", DueDate: now, Status: isms.RequestOpen}
	problem := app.FileProblem{Problem: evidence.Problem{SHA256: "ab", Kind: "altered", Detail: "hash differs"},
		Items: []store.StoredFile{{EvidenceID: "e1", Title: "Scan report", SHA256: "ab"}}}

	return map[string][]basePage{
		"soa": {draft, frozen, &soaPage{Page: frame("Statement")}},
		"soa_compare": {
			&soaComparePage{Page: frame("Compare"), Framework: "iso27001-2022", FrameworkTitle: "ISO/IEC 27001:2022", From: 1, To: 0,
				Options: []soaVersionOption{{0, "Draft"}, {1, "Version 1"}}, Base: "/b",
				Groups: []soaDiffGroup{{Control: entry.Control, ID: "A.8.8", Title: "T", Link: "/c", Changes: []soaChange{{"Applicability", "", "included"}, {"Owner", "Dana", ""}}}}},
			&soaComparePage{Page: frame("Compare"), Problem: "No version is approved yet."},
			&soaComparePage{Page: frame("Compare"), From: 1, To: 0},
		},
		"control":      {control, custom},
		"control_form": {form, contributorForm},
		"evidence_list": {
			&evidenceListPage{Page: frame("Evidence"), Rows: []evidenceRow{{Evidence: stored, Link: "/e1", FileLink: "/f", CollectedBy: "Priya", Expires: now},
				{Evidence: link, Link: "/e2"}}, Query: "scan", Control: entry.Control, Choices: choices, Label: "A.8.8", Limited: true, ClearURL: "/e", NewURL: "/n", CanAdd: true},
			&evidenceListPage{Page: frame("Evidence")},
		},
		"evidence_form": {
			&evidenceFormPage{Page: frame("Add evidence"), Form: evidenceForm{Kind: "file", Title: "t", Controls: []string{entry.Control}, RequestID: "q1", Back: "/c"},
				Errors: map[string]string{"file": "required", "period_end": "bad", "url": "bad", "body": "bad"}, Problems: []string{"Control x is not a control."},
				Choices: choices, Kinds: []isms.EvidenceKind{isms.EvidenceFile, isms.EvidenceLink, isms.EvidenceRecord}, Cadences: isms.Cadences,
				Request: &request, RequestLabel: "A.8.8", MaxUpload: "100 MiB", MaxBytes: 100 << 20, Action: "/e"},
			&evidenceFormPage{Page: frame("Add evidence")},
		},
		"evidence": {
			&evidencePage{Page: frame("Scan"), Item: app.EvidenceDetail{Evidence: stored, CollectedByName: "Priya"}, FileLink: "/f", HistoryLink: "/h",
				Links: []evidenceLinkView{{Target: isms.TargetControl, Label: "A.8.8", Link: "/c"}, {Target: isms.TargetRisk, Label: "r"}}, Expires: now, Size: "2.0 KiB"},
			&evidencePage{Page: frame("Dashboard"), Item: app.EvidenceDetail{Evidence: link}},
			&evidencePage{Page: frame("Minutes"), Item: app.EvidenceDetail{Evidence: record2}},
		},
		"evidence_verify": {
			&evidenceVerifyPage{Page: frame("Check"), Check: app.FileCheck{Files: 3, Items: 4, Problems: []app.FileProblem{problem}}},
			&evidenceVerifyPage{Page: frame("Check"), Check: app.FileCheck{Files: 3, Items: 1}},
			&evidenceVerifyPage{Page: frame("Check"), Error: "No files."},
		},
	}
}
