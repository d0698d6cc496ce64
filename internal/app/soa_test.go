package app_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

const vulnManagement = "iso27001-2022:A.8.8"

func ptr[T any](v T) *T { return &v }

func entry(t *testing.T, doc soa.Document, ref string) soa.Entry {
	t.Helper()
	for _, e := range doc.Entries {
		if e.Control == ref {
			return e
		}
	}
	t.Fatalf("%s is not in the statement of %s", ref, doc.Framework)
	return soa.Entry{}
}

func hasFlag(e soa.Entry, k soa.FlagKind) bool {
	for _, f := range e.Flags {
		if f.Kind == k {
			return true
		}
	}
	return false
}

// treated makes risk R-001 and selects controls for its treatment.
func treated(t *testing.T, e *env, a app.Access, controls ...string) isms.Risk {
	t.Helper()
	ctx := context.Background()
	k, err := e.svc.CreateRisk(ctx, a, app.RiskInput{Title: "Unpatched GPU nodes", ThreatText: "Exploitation of known vulnerabilities",
		InherentLikelihood: 4, InherentImpact: 4, OwnerID: a.Member.ID, AffectsC: true, AffectsA: true})
	if err != nil {
		t.Fatal(err)
	}
	k, err = e.svc.TreatRisk(ctx, a, k.ID, app.TreatmentInput{Treatment: "mitigate", Controls: controls, ResidualLikelihood: 2, ResidualImpact: 3})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestStatementIsDerivedFromRiskTreatment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		treated(t, e, manager, vulnManagement)

		doc, err := e.svc.SoA(ctx, manager, "iso27001-2022", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Entries) != 93 {
			t.Fatalf("2022 statement has %d controls, want 93", len(doc.Entries))
		}
		got := entry(t, doc, vulnManagement)
		if !got.Included() || !got.Derived || len(got.Reasons) != 1 || got.Reasons[0].Ref != "R-001" {
			t.Errorf("A.8.8 = %+v; want included because R-001 selects it", got)
		}
		if other := entry(t, doc, "iso27001-2022:A.5.1"); other.Applicability != isms.Undecided || !hasFlag(other, soa.FlagUndecided) {
			t.Errorf("A.5.1 = %+v; want undecided and flagged", other)
		}
		if len(got.Refinements) == 0 {
			t.Error("A.8.8 lists no AI overlay requirement that refines it")
		}

		// The 2013 statement sees the same risk through the mapping.
		if _, err := e.svc.SetFrameworkEnabled(ctx, manager, "iso27001-2013", true); err != nil {
			t.Fatal(err)
		}
		old, err := e.svc.SoA(ctx, manager, "iso27001-2013", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(old.Entries) != 114 {
			t.Fatalf("2013 statement has %d controls, want 114", len(old.Entries))
		}
		if got := entry(t, old, "iso27001-2013:A.12.6.1"); !got.Included() || len(got.Reasons) != 1 {
			t.Errorf("2013 A.12.6.1 = %+v; want included through the 2022 A.8.8 selection", got)
		}

		// Excluding needs a justification, and excluding a selected control
		// is a contradiction.
		_, err = e.svc.UpdateControl(ctx, manager, vulnManagement, app.ControlInput{Applicability: ptr("excluded")})
		wantFields(t, err, "exclusion_reason")
		if _, err := e.svc.UpdateControl(ctx, manager, vulnManagement, app.ControlInput{Applicability: ptr("excluded"),
			ExclusionReason: ptr("No servers of our own")}); err != nil {
			t.Fatal(err)
		}
		doc, _ = e.svc.SoA(ctx, manager, "iso27001-2022", 0)
		if got := entry(t, doc, vulnManagement); !hasFlag(got, soa.FlagExcludedButSelected) {
			t.Errorf("excluded but selected A.8.8 flags = %+v", got.Flags)
		}
		if _, err := e.svc.ApproveSoA(ctx, manager, "iso27001-2022", ""); !errors.Is(err, isms.ErrInvalid) ||
			!strings.Contains(err.Error(), "selected by risk treatments: A.8.8") {
			t.Errorf("approving a contradiction: err = %v", err)
		}
		if _, err := e.svc.SoA(ctx, manager, "iso42001-2023", 0); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("statement of a framework acme does not run: err = %v, want not found", err)
		}
	})
}

// decideAll includes every undecided control of the 2022 statement with a
// business reason.
func decideAll(t *testing.T, e *env, a app.Access) {
	t.Helper()
	ctx := context.Background()
	doc, err := e.svc.SoA(ctx, a, "iso27001-2022", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range doc.Entries {
		if en.Applicability != isms.Undecided {
			continue
		}
		if strings.HasPrefix(en.ID, "A.7.") {
			if _, err := e.svc.UpdateControl(ctx, a, en.Control, app.ControlInput{Applicability: ptr("excluded"),
				ExclusionReason: ptr("Fully remote company; the cloud providers' controls cover their sites")}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := e.svc.AddControlReason(ctx, a, en.Control, "business", "Customer security questionnaire", "https://example.com/q"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateControl(ctx, a, en.Control, app.ControlInput{Applicability: ptr("included")}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestApprovedVersionsAreFrozenAndCompared(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		treated(t, e, manager, vulnManagement)

		if _, err := e.svc.ApproveSoA(ctx, manager, "iso27001-2022", ""); !errors.Is(err, isms.ErrInvalid) ||
			!strings.Contains(err.Error(), "neither included nor excluded") {
			t.Errorf("approving with undecided controls: err = %v", err)
		}
		decideAll(t, e, manager)
		if _, err := e.svc.ApproveSoA(ctx, viewer, "iso27001-2022", ""); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer approving: err = %v, want forbidden", err)
		}
		v1, err := e.svc.ApproveSoA(ctx, manager, "iso27001-2022", "First statement for Stage 1")
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || len(v1.ContentHash) != 64 {
			t.Errorf("version = %+v", v1)
		}

		e.clock = e.clock.Add(24 * time.Hour)
		if _, err := e.svc.UpdateControl(ctx, manager, vulnManagement, app.ControlInput{Status: ptr("implemented"),
			Implementation: ptr("Weekly authenticated scans of every GPU node")}); err != nil {
			t.Fatal(err)
		}
		frozen, err := e.svc.SoA(ctx, viewer, "iso27001-2022", 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := entry(t, frozen, vulnManagement); got.Status != isms.NotStarted || frozen.Version != 1 || frozen.ApprovedBy != manager.Member.Name {
			t.Errorf("version 1 changed with the draft: %+v", got)
		}
		diffs, err := e.svc.CompareSoA(ctx, viewer, "iso27001-2022", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]bool{}
		for _, d := range diffs {
			if d.Control != vulnManagement {
				t.Errorf("unexpected difference %+v", d)
			}
			fields[d.Field] = true
		}
		if !fields["status"] || !fields["implementation"] || len(diffs) != 2 {
			t.Errorf("differences = %+v; want status and implementation of A.8.8", diffs)
		}
		v2, err := e.svc.ApproveSoA(ctx, manager, "iso27001-2022", "")
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.svc.SoA(ctx, viewer, "iso27001-2022", 2)
		if err != nil || v2.Number != 2 || len(second.History) != 2 || second.History[0].ContentHash != v1.ContentHash {
			t.Errorf("version 2 = %+v, history %+v, %v", v2, second.History, err)
		}
		if !hasFlag(entry(t, second, vulnManagement), soa.FlagImplementedNoEvidence) {
			t.Error("implemented A.8.8 without evidence is not flagged")
		}
		if !mustVerifyApp(t, e) {
			return
		}

		// A frozen version altered in the database is refused, and the
		// ledger names it.
		db.Tamper(t, `UPDATE soa_versions SET content = replace(content, 'Weekly', 'Daily') WHERE version = 2`)
		if _, err := e.svc.SoA(ctx, viewer, "iso27001-2022", 2); err == nil || !strings.Contains(err.Error(), "no longer matches") {
			t.Errorf("reading an altered version: err = %v", err)
		}
		rep, err := e.svc.VerifyLedger(ctx, e.opAccess(t))
		if err != nil || rep.OK() {
			t.Errorf("ledger verification of an altered version: ok = %v, %v", rep.OK(), err)
		}
	})
}

func TestEvidenceFilesAndFreshness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)
		if _, err := e.svc.UpdateControl(ctx, manager, vulnManagement, app.ControlInput{Applicability: ptr("included"),
			Status: ptr("implemented"), OwnerID: ptr(engineer.Member.ID), EvidenceCadence: ptr("monthly")}); err != nil {
			t.Fatal(err)
		}
		report := []byte("%PDF-1.7\nscan report of 2026-11\n")
		forControl := []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: vulnManagement}}
		add := func(a app.Access, title string, end time.Time, links []isms.EvidenceLinkTo) (app.EvidenceDetail, error) {
			return e.svc.AddEvidence(ctx, a, app.EvidenceInput{Kind: "file", Title: title, FileName: "../../etc/passwd",
				PeriodEnd: &end, Links: links}, bytes.NewReader(report))
		}
		first, err := add(engineer, "November scan", e.clock.AddDate(0, 0, -40), forControl)
		if err != nil {
			t.Fatal(err)
		}
		if !first.Stored || first.MediaType != "application/pdf" || first.FileName != "passwd" {
			t.Errorf("first upload = %+v; want stored, sniffed as PDF, with a base name only", first.Evidence)
		}
		second, err := add(manager, "November scan again", e.clock, forControl)
		if err != nil {
			t.Fatal(err)
		}
		if second.Stored || second.SHA256 != first.SHA256 {
			t.Errorf("the same content uploaded twice was stored twice: %+v", second)
		}
		n := 0
		if err := e.files.Walk(func(string) error { n++; return nil }); err != nil || n != 1 {
			t.Errorf("file store holds %d files, %v; want 1", n, err)
		}

		// A contributor adds evidence only for what they own.
		_, err = add(engineer, "Someone else's", e.clock, []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.1"}})
		if !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("contributor evidence for a control they do not own: err = %v, want forbidden", err)
		}
		_, err = add(manager, "Bad link", e.clock, []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.99"}})
		wantFields(t, err, "links[0]")

		doc, err := e.svc.SoA(ctx, auditor, "iso27001-2022", 0)
		if err != nil {
			t.Fatal(err)
		}
		got := entry(t, doc, vulnManagement)
		if len(got.Evidence) != 2 || got.Evidence[0].Freshness != isms.Current || got.Evidence[1].Freshness != isms.Stale {
			t.Errorf("evidence of A.8.8 = %+v; want the new one current and the 40-day-old one stale", got.Evidence)
		}
		e.clock = e.clock.AddDate(0, 2, 0)
		doc, _ = e.svc.SoA(ctx, auditor, "iso27001-2022", 0)
		got = entry(t, doc, vulnManagement)
		if !hasFlag(got, soa.FlagEvidenceExpired) || !hasFlag(got, soa.FlagImplementedNoEvidence) {
			t.Errorf("flags with only expired evidence = %+v", got.Flags)
		}

		// Auditors download; the file must be the one uploaded.
		_, f, err := e.svc.OpenEvidenceFile(ctx, auditor, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()

		check, err := e.svc.VerifyEvidenceFiles(ctx, e.opAccess(t))
		if err != nil || check.Files != 1 || check.Items != 2 || len(check.Problems) != 0 {
			t.Errorf("verify = %+v, %v; want 1 file of 2 items, no problems", check, err)
		}
		path, _ := e.files.Path(first.SHA256)
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("%PDF-1.7\nforged\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		check, err = e.svc.VerifyEvidenceFiles(ctx, e.opAccess(t))
		if err != nil || len(check.Problems) != 1 || check.Problems[0].Kind != "altered" || len(check.Problems[0].Items) != 2 {
			t.Errorf("verify after altering the file = %+v, %v", check, err)
		}

		// A file written by an upload whose transaction then failed is
		// named by nothing; the check of every organisation lists it.
		orphan, err := e.files.Put(strings.NewReader("left behind"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.VerifyEvidenceFiles(ctx, app.Access{Principal: manager.Principal}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a member checking every organisation: err = %v, want forbidden", err)
		}
		check, err = e.svc.VerifyEvidenceFiles(ctx, app.Access{Principal: e.op})
		if err != nil || len(check.Unreferenced) != 1 || check.Unreferenced[0] != orphan.SHA256 {
			t.Errorf("unreferenced files = %v, %v; want the orphan", check.Unreferenced, err)
		}
	})
}

func TestEvidenceStaysInItsOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		item, err := e.svc.AddEvidence(ctx, manager, app.EvidenceInput{Kind: "record", Title: "Access review minutes",
			Body: "Reviewed 42 accounts; removed 3.", Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.18"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateOrg(ctx, e.op, app.OrgInput{Slug: "other", Name: "Other"}); err != nil {
			t.Fatal(err)
		}
		other, err := e.svc.OpenOrg(ctx, e.op, "other")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.EvidenceItem(ctx, other, item.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("reading another organisation's evidence: err = %v, want not found", err)
		}
		if _, err := e.svc.UpdateEvidence(ctx, other, item.ID, app.EvidenceInput{Title: "x", Body: "y"}); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("changing another organisation's evidence: err = %v, want not found", err)
		}
		list, err := e.svc.ListEvidence(ctx, other, store.EvidenceFilter{})
		if err != nil || len(list) != 0 {
			t.Errorf("other organisation lists %d items, %v", len(list), err)
		}
	})
}

func TestEvidenceRequestsReachTheAssignee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		req, err := e.svc.RequestEvidence(ctx, manager, vulnManagement, "Upload the November scan", engineer.Member.ID, e.clock.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		work, err := e.svc.Work(ctx, engineer)
		if err != nil || len(work.Requests) != 1 {
			t.Fatalf("engineer's work = %+v, %v", work, err)
		}
		// The assignee may fulfil it without owning the control; the
		// evidence is linked to the requested control.
		item, err := e.svc.AddEvidence(ctx, engineer, app.EvidenceInput{Kind: "link", Title: "Scan results",
			URL: "https://scanner.example/reports/11", RequestID: req.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(item.Links) != 1 || item.Links[0].Ref != vulnManagement {
			t.Errorf("links = %+v", item.Links)
		}
		work, _ = e.svc.Work(ctx, engineer)
		if len(work.Requests) != 0 {
			t.Errorf("fulfilled request still open: %+v", work.Requests)
		}
		if _, err := e.svc.AddEvidence(ctx, engineer, app.EvidenceInput{Kind: "link", Title: "Again",
			URL: "https://scanner.example/reports/12", RequestID: req.ID}, nil); err == nil {
			t.Error("fulfilling a request twice succeeded")
		}
		task, err := e.svc.SaveControlTask(ctx, manager, vulnManagement, "", app.TaskInput{Title: "Enable authenticated scans",
			AssigneeID: engineer.Member.ID})
		if err != nil {
			t.Fatal(err)
		}
		work, _ = e.svc.Work(ctx, engineer)
		if len(work.Tasks) != 1 || work.TaskControls[task.ControlID] != vulnManagement {
			t.Errorf("tasks = %+v", work)
		}
		d, err := e.svc.Control(ctx, engineer, vulnManagement)
		if err != nil || d.Item == nil || d.Item.Title != "Management of technical vulnerabilities" || len(d.Tasks) != 1 || len(d.Entry.Evidence) != 1 {
			t.Errorf("control view = %+v, %v", d, err)
		}
		if !mustVerifyApp(t, e) {
			t.Error("ledger")
		}
	})
}

func TestCustomControls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		_, err := e.svc.CreateCustomControl(ctx, manager, "../x", "t", "")
		wantFields(t, err, "code")
		c, err := e.svc.CreateCustomControl(ctx, manager, "AI-01", "Red-team every model release", "Before release")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateCustomControl(ctx, manager, "AI-01", "Again", ""); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("duplicate code: err = %v, want conflict", err)
		}
		doc, _ := e.svc.SoA(ctx, manager, "iso27001-2022", 0)
		if got := entry(t, doc, c.Control); !got.Custom || got.Title != "Red-team every model release" || len(doc.Entries) != 94 {
			t.Errorf("custom entry = %+v of %d", got, len(doc.Entries))
		}
		_, err = e.svc.UpdateControl(ctx, manager, vulnManagement, app.ControlInput{Title: ptr("Renamed")})
		wantFields(t, err, "title")
	})
}
