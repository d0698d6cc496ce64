package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/nessus/nessustest"
	"github.com/isms-dev/isms/internal/store"
)

// TestNonconformityCycle walks a nonconformity from being reported to being
// closed (10.2): correction, cause, actions, a failed verification, a new
// action and a verification by someone independent, with the refusals on
// the way.
func TestNonconformityCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		lead := e.member(t, "lead@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)

		in := app.NCInput{Grade: ptr("minor"), Source: "internal_audit", Title: ptr("Access review of the model registry skipped"),
			Description: ptr("No review record for Q3; the registry has 14 accounts."), Requirement: ptr("iso27001-2022:A.5.18")}
		for _, who := range []app.Access{viewer, auditor} {
			if _, err := e.svc.RaiseNonconformity(ctx, who, in); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s raising: err = %v, want forbidden", who.Role, err)
			}
		}
		for _, tc := range []struct {
			name   string
			in     app.NCInput
			fields []string
		}{
			{"no grade", app.NCInput{Title: ptr("x"), Description: ptr("y")}, []string{"grade"}},
			{"no title or description", app.NCInput{Grade: ptr("major")}, []string{"title", "description"}},
			{"graded improvement", app.NCInput{Kind: "improvement", Grade: ptr("minor"), Title: ptr("x")}, []string{"grade"}},
			{"unknown source", app.NCInput{Grade: ptr("minor"), Title: ptr("x"), Description: ptr("y"), Source: "gossip"}, []string{"source"}},
			{"unknown requirement", app.NCInput{Grade: ptr("minor"), Title: ptr("x"), Description: ptr("y"), Requirement: ptr("iso27001-2022:A.9.9")}, []string{"requirement"}},
			{"theme as requirement", app.NCInput{Grade: ptr("minor"), Title: ptr("x"), Description: ptr("y"), Requirement: ptr("iso27001-2022:A.5")}, []string{"requirement"}},
			{"owner from elsewhere", app.NCInput{Grade: ptr("minor"), Title: ptr("x"), Description: ptr("y"), OwnerID: ptr("nobody")}, []string{"owner"}},
		} {
			_, err := e.svc.RaiseNonconformity(ctx, manager, tc.in)
			wantFields(t, err, tc.fields...)
		}
		if _, err := e.svc.RaiseNonconformity(ctx, engineer, app.NCInput{Grade: ptr("minor"), Title: ptr("x"), Description: ptr("y"),
			OwnerID: ptr(manager.Member.ID)}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor assigning a record to someone else: err = %v, want forbidden", err)
		}

		// Anyone who works here may report one; they own it.
		nc, err := e.svc.RaiseNonconformity(ctx, engineer, in)
		if err != nil {
			t.Fatal(err)
		}
		if nc.Ref() != "NC-001" || nc.OwnerID != engineer.Member.ID || nc.RaisedBy != engineer.Member.ID || nc.Requirement != "iso27001-2022:A.5.18" {
			t.Errorf("raised = %+v", nc)
		}
		d, err := e.svc.Nonconformity(ctx, viewer, "nc-1")
		if err != nil || d.Stage != isms.StageOpen || d.RequirementTitle == "" {
			t.Fatalf("NC-001 = %+v, %v; want open with its requirement's title", d, err)
		}
		if _, err := e.svc.UpdateNonconformity(ctx, engineer, nc.ID, app.NCInput{OwnerID: ptr(manager.Member.ID)}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor handing the record on: err = %v, want forbidden", err)
		}
		week := e.clock.AddDate(0, 0, 7)
		act, err := e.svc.SaveCorrectiveAction(ctx, engineer, nc.ID, "", app.CorrectiveActionInput{Title: ptr("Schedule quarterly registry reviews"),
			OwnerID: ptr(engineer.Member.ID), DueDate: &week})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveCorrectiveAction(ctx, manager, nc.ID, "", app.CorrectiveActionInput{Title: ptr("x"), OwnerID: ptr(engineer.Member.ID)}); err == nil {
			t.Error("an action without a due date was accepted")
		} else {
			wantFields(t, err, "due_date")
		}
		if _, err := e.svc.VerifyNonconformity(ctx, lead, nc.ID, true, "checked"); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("verifying with an action open: err = %v, want conflict", err)
		}
		_, err = e.svc.SaveCorrectiveAction(ctx, engineer, nc.ID, act.ID, app.CorrectiveActionInput{Done: ptr(true)})
		wantFields(t, err, "outcome")
		if _, err := e.svc.SaveCorrectiveAction(ctx, engineer, nc.ID, act.ID, app.CorrectiveActionInput{Done: ptr(true),
			Outcome: ptr("Calendar series created; Q3 review held on 2026-11-28.")}); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.svc.Nonconformity(ctx, viewer, nc.ID); d.Stage != isms.StageVerification {
			t.Errorf("stage with every action done = %s, want verification", d.Stage)
		}

		// Verification: not by the owner, not by a contributor, and only
		// with the correction and cause on record.
		if _, err := e.svc.VerifyNonconformity(ctx, engineer, nc.ID, true, "done"); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("owner verifying: err = %v, want forbidden", err)
		}
		if _, err := e.svc.VerifyNonconformity(ctx, e.opAccess(t), nc.ID, true, "done"); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("the command line verifying: err = %v, want forbidden", err)
		}
		_, err = e.svc.VerifyNonconformity(ctx, lead, nc.ID, true, "")
		wantFields(t, err, "note", "correction", "root_cause")
		if _, err := e.svc.UpdateNonconformity(ctx, engineer, nc.ID, app.NCInput{Correction: ptr("Review held late, on 2026-11-28."),
			RootCause: ptr("Nobody owned the recurring review.")}); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.VerifyNonconformity(ctx, lead, nc.ID, false, "Only half the accounts were reviewed.")
		if err != nil || got.Closed() {
			t.Fatalf("ineffective verification = %+v, %v", got, err)
		}
		if d, _ := e.svc.Nonconformity(ctx, viewer, nc.ID); d.Stage != isms.StageOpen || d.Effective == nil || *d.Effective {
			t.Errorf("after an ineffective verification: stage %s, effective %v; want open, false", d.Stage, d.Effective)
		}
		e.clock = e.clock.AddDate(0, 0, 1)
		act2, err := e.svc.SaveCorrectiveAction(ctx, manager, nc.ID, "", app.CorrectiveActionInput{Title: ptr("Review the remaining accounts"),
			OwnerID: ptr(manager.Member.ID), DueDate: ptr(e.clock.AddDate(0, 0, 3))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveCorrectiveAction(ctx, engineer, nc.ID, act2.ID, app.CorrectiveActionInput{Done: ptr(true), Outcome: ptr("x")}); !errors.Is(err, isms.ErrNotFound) && !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("completing someone else's action: err = %v, want refused", err)
		}
		if _, err := e.svc.SaveCorrectiveAction(ctx, manager, nc.ID, act2.ID, app.CorrectiveActionInput{Done: ptr(true),
			Outcome: ptr("All 14 accounts reviewed; 3 revoked.")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.VerifyNonconformity(ctx, manager, nc.ID, true, "x"); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("an action owner verifying: err = %v, want forbidden", err)
		}
		e.clock = e.clock.AddDate(0, 0, 1)
		closed, err := e.svc.VerifyNonconformity(ctx, lead, "NC-001", true, "Sampled 5 accounts against HR records; all correct.")
		if err != nil || !closed.Closed() || closed.VerifiedBy != lead.Member.ID {
			t.Fatalf("effective verification = %+v, %v", closed, err)
		}
		if _, err := e.svc.UpdateNonconformity(ctx, manager, nc.ID, app.NCInput{Title: ptr("y")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("changing a closed record: err = %v, want conflict", err)
		}
		if _, err := e.svc.SaveCorrectiveAction(ctx, manager, nc.ID, "", app.CorrectiveActionInput{Title: ptr("y"), OwnerID: ptr(manager.Member.ID),
			DueDate: &week}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("planning an action on a closed record: err = %v, want conflict", err)
		}

		// An improvement needs no grade, correction or cause, and an open
		// one past its due date is overdue.
		ofi, err := e.svc.RaiseNonconformity(ctx, manager, app.NCInput{Kind: "improvement", Source: "management_review",
			Title: ptr("Automate evidence collection for 8.15"), DueDate: ptr(e.clock.AddDate(0, 0, -1)), SetDueDate: true})
		if err != nil || ofi.Ref() != "OFI-002" {
			t.Fatalf("improvement = %+v, %v", ofi, err)
		}
		for _, tc := range []struct {
			name   string
			filter store.NCFilter
			want   []string
		}{
			{"all", store.NCFilter{}, []string{"OFI-002", "NC-001"}},
			{"open", store.NCFilter{Open: true}, []string{"OFI-002"}},
			{"closed", store.NCFilter{Closed: true}, []string{"NC-001"}},
			{"overdue", store.NCFilter{Overdue: true}, []string{"OFI-002"}},
			{"kind", store.NCFilter{Kind: isms.KindNonconformity}, []string{"NC-001"}},
			{"source", store.NCFilter{Source: isms.SourceManagementReview}, []string{"OFI-002"}},
			{"owner", store.NCFilter{OwnerID: engineer.Member.ID}, []string{"NC-001"}},
			{"query by title", store.NCFilter{Query: "REGISTRY"}, []string{"NC-001"}},
			{"query by reference", store.NCFilter{Query: "OFI-2"}, []string{"OFI-002"}},
			{"next page", store.NCFilter{After: 2}, []string{"NC-001"}},
		} {
			rows, err := e.svc.Nonconformities(ctx, viewer, tc.filter)
			var refs []string
			for _, r := range rows {
				refs = append(refs, r.Ref())
			}
			if err != nil || strings.Join(refs, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: %v, %v; want %v", tc.name, refs, err, tc.want)
			}
		}
		counts, err := e.svc.NonconformityCounts(ctx, viewer)
		if err != nil || counts.Open != 1 || counts.Overdue != 1 || counts.Closed != 1 || counts.MeanDaysToClose < 1.9 || counts.MeanDaysToClose > 2.1 {
			t.Errorf("counts = %+v, %v; want 1 open and overdue, 1 closed after 2 days", counts, err)
		}
		work, err := e.svc.Work(ctx, engineer)
		if err != nil || len(work.Actions) != 0 {
			t.Errorf("engineer's work = %+v, %v; their action is done", work.Actions, err)
		}
		if r, err := e.svc.VerifyLedger(ctx, viewer); err != nil || !r.OK() {
			t.Errorf("ledger = %+v, %v", r, err)
		}
	})
}

// TestMissedVulnerabilityDeadlineRaisesANonconformity: a finding past its
// remediation deadline becomes a nonconformity against A.8.8 in one step,
// once.
func TestMissedVulnerabilityDeadlineRaisesANonconformity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		mustAsset(t, e, manager, isms.Asset{Name: "inference-1", Type: isms.AssetServer, OwnerID: engineer.Member.ID,
			Attributes: map[string]string{"ip": "10.0.0.5"}})
		scan := nessustest.File("Weekly", e.clock, nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
			{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL"},
			{Plugin: 1002, Port: 80, Severity: 0, Name: "Banner"},
		}})
		if _, err := e.svc.ImportNessus(ctx, manager, "weekly.nessus", strings.NewReader(scan)); err != nil {
			t.Fatal(err)
		}
		page, err := e.svc.ListFindings(ctx, manager, store.FindingFilter{})
		if err != nil || len(page.Findings) != 2 {
			t.Fatalf("findings = %+v, %v", page, err)
		}
		var critical, info store.Finding
		for _, f := range page.Findings {
			if f.Severity == isms.SeverityCritical {
				critical = f
			} else {
				info = f
			}
		}
		if _, err := e.svc.RaiseFindingNonconformity(ctx, manager, critical.ID, ""); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("within its deadline: err = %v, want conflict", err)
		}
		e.clock = e.clock.AddDate(0, 0, 20)
		if _, err := e.svc.RaiseFindingNonconformity(ctx, engineer, critical.ID, ""); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor: err = %v, want forbidden", err)
		}
		if _, err := e.svc.RaiseFindingNonconformity(ctx, manager, info.ID, ""); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a finding without a deadline: err = %v, want conflict", err)
		}
		nc, err := e.svc.RaiseFindingNonconformity(ctx, manager, critical.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if nc.Source != isms.SourceVulnerabilitySLA || nc.Requirement != "iso27001-2022:A.8.8" || nc.FindingID != critical.ID ||
			nc.OwnerID != engineer.Member.ID || nc.Grade != isms.GradeMinor || !strings.Contains(nc.Description, "5 days past") {
			t.Errorf("raised = %+v", nc)
		}
		if _, err := e.svc.RaiseFindingNonconformity(ctx, manager, critical.ID, ""); !errors.Is(err, isms.ErrConflict) ||
			!strings.Contains(err.Error(), "NC-001") {
			t.Errorf("raising it twice: err = %v, want a conflict naming NC-001", err)
		}
		d, err := e.svc.Nonconformity(ctx, engineer, nc.ID)
		if err != nil || d.Finding == nil || d.Finding.ID != critical.ID {
			t.Errorf("detail = %+v, %v; want the finding", d, err)
		}
		if r, err := e.svc.VerifyLedger(ctx, manager); err != nil || !r.OK() {
			t.Errorf("ledger = %+v, %v", r, err)
		}
	})
}

// TestMemberNamedByRecordsStays: a member who raised a nonconformity that
// was closed (so owns nothing open) cannot be removed: the record names
// them. The refusal is a conflict that says why, not a database error.
func TestMemberNamedByRecordsStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		if _, err := e.svc.RaiseNonconformity(ctx, engineer, app.NCInput{Kind: "improvement", Title: ptr("Automate log review")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateNonconformity(ctx, manager, "OFI-001", app.NCInput{OwnerID: ptr(manager.Member.ID)}); err != nil {
			t.Fatal(err)
		}
		err := e.svc.RemoveMember(ctx, e.opAccess(t), engineer.Member.ID)
		var conflict *isms.ConflictError
		if !errors.As(err, &conflict) || !strings.Contains(conflict.Detail, "expiry") {
			t.Fatalf("removing a member the register names: err = %v, want a conflict that says what to do", err)
		}
		if r, err := e.svc.VerifyLedger(ctx, manager); err != nil || !r.OK() {
			t.Errorf("ledger after the refusal = %+v, %v", r, err)
		}
	})
}
