package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/policy"
)

// documentPageSamples are the document register's pages for
// TestEveryTemplateRenders, filled and empty.
func documentPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	past := now.AddDate(0, -1, 0)
	doc := isms.Document{ID: "d1", RefNum: 1, Kind: isms.DocPolicy, Title: "Information security policy", Summary: "Why and how.",
		OwnerID: "m1", Classification: "internal", ReviewMonths: 12, NextReview: &past, ApproverIDs: []string{"m2"},
		Controls: []string{"iso27001-2022:A.5.1"}, Audience: []isms.Role{isms.RoleViewer}}
	published := isms.DocVersion{ID: "v1", DocumentID: "d1", Major: 1, Format: isms.FormatMarkdown, Body: "# P\n\nText.", Status: isms.VersionPublished,
		AuthorID: "m1", PublishedAt: &now, ChangeNote: "First."}
	open := isms.DocVersion{ID: "v2", DocumentID: "d1", Major: 1, Minor: 1, Format: isms.FormatMarkdown, Body: "# P\n\nMore.", Status: isms.VersionInReview,
		AuthorID: "m1", SubmittedAt: &now}
	file := isms.DocVersion{ID: "v3", DocumentID: "d1", Major: 2, Format: isms.FormatFile, FileName: "p.pdf", FileSHA256: "ab", MediaType: "application/pdf",
		Status: isms.VersionApproved}
	detail := app.DocDetail{Document: doc, Versions: []isms.DocVersion{open, published}, Published: &published, Open: &open,
		Approved: map[string]bool{}, Members: map[string]string{"m1": "Priya", "m2": "Dana"}}
	templates, _ := policy.Templates()
	owners := []isms.Member{{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}}
	return map[string][]basePage{
		"documents": {
			&documentsPage{Page: frame("Documents"), Kinds: isms.DocKinds, Kind: "policy", Manager: true, Templates: templates,
				Started: map[string]bool{templates[0].Title: true},
				Rows: []docRow{{DocRow: app.DocRow{Document: doc, Published: &published, Open: &open, Acknowledged: 1, Readers: 3}, Link: "/d", Owner: "Priya",
					ReviewOverdue: true}}},
			&documentsPage{Page: frame("Documents")},
		},
		"document_form": {
			&docFormPage{Page: frame("New"), Form: docForm{Kind: "policy", Approvers: []string{"m1"}, Controls: []string{"iso27001-2022:A.5.1"}, Audience: []string{"viewer"}},
				Errors: map[string]string{"title": "required", "approvers": "bad"}, Kinds: isms.DocKinds, Owners: owners, Classifications: []string{"internal"},
				Requirements: []requirementOption{{Ref: "iso27001-2022:A.5.1", Label: "A.5.1"}}, Roles: isms.Roles[:5]},
			&docFormPage{Page: frame("Edit"), Doc: &doc, Form: docFormFrom(doc)},
		},
		"document": {
			&documentPage{Page: frame("DOC-001"), Doc: detail, Owner: "Priya", Published: "<p>Text.</p>", MayEdit: true, MaySubmit: true, MayDecide: true,
				MayPublish: true, MayRetire: true, MayAcknowledge: true, DiffLink: "/diff", Refusal: "No.", NoteError: "required",
				Approvers: []docApprover{{Name: "Dana", Pending: true}, {Name: "Sam", Approved: true}},
				Readers:   []docReaderRow{{Name: "Vic", Role: isms.RoleViewer}, {Name: "Eve", Role: isms.RoleContributor, Ack: &now}}, Pending: 1,
				Controls: []docControl{{Ref: "iso27001-2022:A.5.1", Cite: "A.5.1", Link: "/c"}},
				Versions: []docVersionRow{{DocVersion: open, Link: "/v2", Author: "Priya"}}},
			&documentPage{Page: frame("DOC-001"), Doc: app.DocDetail{Document: isms.Document{ID: "d2", RefNum: 2, Title: "Empty", RetiredAt: &now},
				Versions: []isms.DocVersion{file}, Published: &file}, Acknowledged: &now},
			&documentPage{Page: frame("DOC-003"), Doc: app.DocDetail{Document: isms.Document{ID: "d3", RefNum: 3, Title: "New"}}},
		},
		"document_draft": {
			&draftPage{Page: frame("Draft"), Doc: detail, Body: "# P", Next: "1.1", Existing: &open, Preview: "<h1>P</h1>",
				Errors: map[string]string{"body": "required", "file": "bad"}, MaxUpload: "20 MB"},
			&draftPage{Page: frame("Draft"), Doc: app.DocDetail{Document: doc, Versions: []isms.DocVersion{published}}, Next: "1.1", Major: true},
		},
		"readiness": {
			&readinessPage{Page: frame("Readiness"), R: app.Readiness{Stage1Percent: 50, Stage2Percent: 40,
				Clauses: []app.ClauseScore{{Clause: "4", Present: 1, Total: 1, Percent: 100}},
				Themes:  []app.ThemeScore{{Theme: "Organizational controls", Applicable: 10, Ready: 4, Implemented: 6, Percent: 40}},
				Gaps:    []app.ControlGap{{Control: "iso27001-2022:A.5.1", ID: "A.5.1", Missing: []string{"current evidence"}}}},
				Items: []readinessItem{{ReadinessItem: app.ReadinessItem{Clause: "4.3", Title: "Scope", Present: true, Detail: "ok"}, Link: "/c"},
					{ReadinessItem: app.ReadinessItem{Clause: "5.2", Title: "Policy", Detail: "missing"}, Link: "/d"}},
				Gaps: []readinessGap{{ControlGap: app.ControlGap{ID: "A.5.1", Title: "Policies", Missing: []string{"implementation (planned)", "current evidence"}}, Link: "/x"}}},
			&readinessPage{Page: frame("Readiness")},
		},
		"document_version": {
			&documentVersionPage{Page: frame("v1.1"), Doc: detail, Version: open, Author: "Priya", Body: "<p>More.</p>", Compare: &published,
				Diff: policy.Diff("a\nb\n", "a\nc\n"), Others: []isms.DocVersion{published}, DocLink: "/d",
				Approval: []app.DocApprovalView{{Approver: "Dana", Approved: false, Note: "Name the registry.", At: now}}},
			&documentVersionPage{Page: frame("v2.0"), Doc: detail, Version: file, DocLink: "/d"},
		},
	}
}
