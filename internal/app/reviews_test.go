package app_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
)

// TestManagementReview holds a review, takes its actions into the next
// one, and checks that the next review's inputs compile what happened in
// between: a nonconformity raised and closed, an external audit and its
// finding.
func TestManagementReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		ceo := e.member(t, "ceo@acme.example", isms.RoleAdmin)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)

		first := e.clock.AddDate(0, 0, -1)
		in := app.ReviewInput{Title: ptr("Management review 2026"), MeetingDate: &first, ChairID: ptr(ceo.Member.ID),
			AttendeeIDs: &[]string{ceo.Member.ID, manager.Member.ID}, Guests: ptr("Marta Kowalski (Certa, observer)")}
		for _, who := range []app.Access{viewer, auditor, engineer} {
			if _, err := e.svc.CreateReview(ctx, who, in); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s planning a review: err = %v, want forbidden", who.Role, err)
			}
		}
		for _, tc := range []struct {
			name   string
			in     app.ReviewInput
			fields []string
		}{
			{"nothing", app.ReviewInput{ChairID: ptr("")}, []string{"chair", "meeting_date", "title"}},
			{"stranger attending", app.ReviewInput{Title: ptr("x"), MeetingDate: &first, AttendeeIDs: &[]string{"nobody"}}, []string{"attendees[0]"}},
			{"auditor chairing", app.ReviewInput{Title: ptr("x"), MeetingDate: &first, ChairID: ptr(auditor.Member.ID)}, []string{"chair"}},
		} {
			_, err := e.svc.CreateReview(ctx, manager, tc.in)
			wantFields(t, err, tc.fields...)
		}
		r1, err := e.svc.CreateReview(ctx, manager, in)
		if err != nil {
			t.Fatal(err)
		}
		if r1.Ref() != "MR-001" || r1.Status != isms.ReviewDraft {
			t.Errorf("created %+v", r1)
		}
		if _, err := e.svc.SetReviewStatus(ctx, manager, r1.Ref(), isms.ReviewHeld); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("holding a review without inputs: err = %v, want conflict", err)
		}
		if _, err := e.svc.CompileReviewInputs(ctx, viewer, r1.Ref()); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer compiling: err = %v, want forbidden", err)
		}
		if _, err := e.svc.CompileReviewInputs(ctx, manager, "MR-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetReviewStatus(ctx, manager, r1.Ref(), isms.ReviewApproved); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("approving a draft: err = %v, want conflict", err)
		}
		if _, err := e.svc.SetReviewStatus(ctx, manager, r1.Ref(), isms.ReviewHeld); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CompileReviewInputs(ctx, manager, r1.Ref()); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("recompiling a held review: err = %v, want conflict", err)
		}
		later := first.AddDate(0, 0, 1)
		if _, err := e.svc.UpdateReview(ctx, manager, r1.Ref(), app.ReviewInput{MeetingDate: &later}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("moving a held review: err = %v, want conflict", err)
		}
		if _, err := e.svc.AddReviewDecision(ctx, manager, r1.Ref(), " "); err == nil {
			t.Error("an empty decision was accepted")
		}
		if _, err := e.svc.AddReviewDecision(ctx, manager, r1.Ref(), "Fund a second security engineer from Q1."); err != nil {
			t.Fatal(err)
		}
		due := e.clock.AddDate(0, 1, 0)
		open, err := e.svc.SaveReviewAction(ctx, manager, r1.Ref(), "", app.ReviewActionInput{Title: ptr("Hire the engineer"),
			OwnerID: ptr(engineer.Member.ID), DueDate: &due})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveReviewAction(ctx, manager, r1.Ref(), "", app.ReviewActionInput{Title: ptr("x"), OwnerID: ptr(engineer.Member.ID)}); err == nil {
			t.Error("an action without a due date was accepted")
		}
		closed, err := e.svc.SaveReviewAction(ctx, manager, r1.Ref(), "", app.ReviewActionInput{Title: ptr("Publish the AI policy"),
			OwnerID: ptr(manager.Member.ID), DueDate: &due})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetReviewStatus(ctx, manager, r1.Ref(), isms.ReviewApproved); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddReviewDecision(ctx, manager, r1.Ref(), "late"); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a decision after approval: err = %v, want conflict", err)
		}
		if _, err := e.svc.SaveReviewAction(ctx, engineer, r1.Ref(), open.ID, app.ReviewActionInput{Title: ptr("x")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("an owner renaming their action: err = %v, want forbidden", err)
		}
		if _, err := e.svc.SaveReviewAction(ctx, viewer, r1.Ref(), open.ID, app.ReviewActionInput{Done: ptr(true)}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer reporting an action done: err = %v, want forbidden", err)
		}

		// Between the reviews: an action done, a nonconformity raised and
		// closed, a certification audit with a finding.
		e.clock = e.clock.AddDate(0, 0, 10)
		if _, err := e.svc.SaveReviewAction(ctx, manager, r1.Ref(), closed.ID, app.ReviewActionInput{Done: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		nc, err := e.svc.RaiseNonconformity(ctx, manager, app.NCInput{Grade: ptr("minor"), Source: "internal_audit",
			Title: ptr("Offboarding checklist skipped"), Description: ptr("Two leavers kept VPN access for a week."),
			OwnerID: ptr(engineer.Member.ID), Correction: ptr("Access removed."), RootCause: ptr("No HR trigger.")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveCorrectiveAction(ctx, manager, nc.ID, "", app.CorrectiveActionInput{Title: ptr("HR trigger"),
			OwnerID: ptr(engineer.Member.ID), DueDate: &due}); err != nil {
			t.Fatal(err)
		}
		d, _ := e.svc.Nonconformity(ctx, viewer, nc.ID)
		if _, err := e.svc.SaveCorrectiveAction(ctx, engineer, nc.ID, d.Actions[0].ID, app.CorrectiveActionInput{Done: ptr(true),
			Outcome: ptr("Wired.")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.VerifyNonconformity(ctx, manager, nc.ID, true, "Sampled two leavers."); err != nil {
			t.Fatal(err)
		}
		issued := e.clock.AddDate(-1, 0, -5)
		if _, err := e.svc.StartCertCycle(ctx, manager, app.CycleInput{Body: ptr("Certa"), Scope: ptr("The Acme platform"),
			CertificateNumber: ptr("C-1"), IssuedOn: &issued, SetIssued: true}); err != nil {
			t.Fatal(err)
		}
		yesterday := e.clock.AddDate(0, 0, -1)
		audit, err := e.svc.SaveExternalAudit(ctx, manager, "", app.ExternalAuditInput{Kind: ptr("surveillance1"), DoneDate: &yesterday, SetDone: true,
			LeadAuditor: ptr("M. Kowalski"), Result: ptr("Certificate maintained.")})
		if err != nil {
			t.Fatal(err)
		}
		finding, err := e.svc.RaiseAuditFinding(ctx, manager, audit.ID, app.NCInput{Grade: ptr("minor"), Title: ptr("Supplier reviews late"),
			Description: ptr("Two suppliers unreviewed for 14 months.")})
		if err != nil {
			t.Fatal(err)
		}

		next := e.clock.AddDate(0, 1, 0)
		r2, err := e.svc.CreateReview(ctx, manager, app.ReviewInput{Title: ptr("Management review 2027"), MeetingDate: &next})
		if err != nil {
			t.Fatal(err)
		}
		if r2.ChairID != manager.Member.ID {
			t.Errorf("chair = %s, want whoever planned it", r2.ChairID)
		}
		if _, err := e.svc.CompileReviewInputs(ctx, manager, r2.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Review(ctx, viewer, "MR-002")
		if err != nil {
			t.Fatal(err)
		}
		if got.Period.Previous == nil || got.Period.Previous.ID != r1.ID || !got.Period.From.Equal(first) || got.Inputs == nil {
			t.Fatalf("period %+v, inputs %v", got.Period, got.Inputs)
		}
		in2 := got.Inputs
		if len(in2.PreviousActions.Open) != 1 || in2.PreviousActions.Open[0].Title != "Hire the engineer" || in2.PreviousActions.Open[0].Review != "MR-001" ||
			in2.PreviousActions.DoneInPeriod != 1 {
			t.Errorf("previous actions = %+v", in2.PreviousActions)
		}
		ncs := in2.Nonconformities
		if len(ncs.Raised) != 2 || ncs.Raised[0].Ref != "NC-001" || len(ncs.Closed) != 1 || ncs.Closed[0].Ref != "NC-001" ||
			ncs.Closed[0].Title != "Offboarding checklist skipped" || ncs.Open != 1 || ncs.Raised[1].Source != "external_audit" {
			t.Errorf("nonconformities = %+v", ncs)
		}
		if ext := in2.AuditResults.External; len(ext) != 1 || len(ext[0].Findings) != 1 || ext[0].Findings[0] != finding.Ref() ||
			!in2.AuditResults.Internal.Recorded || len(in2.AuditResults.InternalAudits) != 0 || !in2.Objectives.Recorded ||
			len(in2.ObjectiveStatus) != 0 {
			t.Errorf("audit results = %+v, objectives %+v", in2.AuditResults, in2.Objectives)
		}
		if in2.Monitoring.SoA == nil || in2.Monitoring.SoA.Controls != 93 {
			t.Errorf("statement of applicability = %+v", in2.Monitoring.SoA)
		}

		// The first review's snapshot is what was presented: the
		// nonconformity raised since is not in it.
		got1, err := e.svc.Review(ctx, viewer, r1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got1.Inputs.Nonconformities.Raised) != 0 || len(got1.Decisions) != 1 || len(got1.Actions) != 2 || got1.ApprovedBy != manager.Member.ID {
			t.Errorf("first review = %+v", got1)
		}
		var pdf bytes.Buffer
		if err := e.svc.WriteReviewMinutes(ctx, viewer, r1.Ref(), &pdf); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
			t.Errorf("minutes: %v, %d bytes", err, pdf.Len())
		}
		rows, err := e.svc.Reviews(ctx, viewer)
		if err != nil || len(rows) != 2 || rows[0].ID != r2.ID || rows[1].OpenActions != 1 {
			t.Errorf("reviews = %+v, %v", rows, err)
		}
		if r, err := e.svc.VerifyLedger(ctx, viewer); err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r, err)
		}
	})
}

// TestCertificationCycle records a cycle, its audits and a finding, then
// starts the next cycle, which leaves the first as history.
func TestCertificationCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)

		c, err := e.svc.Certification(ctx, viewer)
		if err != nil || c.Current != nil {
			t.Fatalf("before any cycle: %+v, %v", c, err)
		}
		if _, err := e.svc.SaveExternalAudit(ctx, manager, "", app.ExternalAuditInput{Kind: ptr("stage1"), PlannedDate: &e.clock, SetPlanned: true}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("an audit without a cycle: err = %v, want conflict", err)
		}
		if _, err := e.svc.StartCertCycle(ctx, viewer, app.CycleInput{Body: ptr("Certa"), Scope: ptr("x")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer starting a cycle: err = %v, want forbidden", err)
		}
		_, err = e.svc.StartCertCycle(ctx, manager, app.CycleInput{Scope: ptr("x")})
		wantFields(t, err, "body")
		issued := time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC)
		cycle, err := e.svc.StartCertCycle(ctx, manager, app.CycleInput{Body: ptr("Certa"), Scope: ptr("The Acme platform"),
			CertificateNumber: ptr("C-1"), IssuedOn: &issued, SetIssued: true})
		if err != nil {
			t.Fatal(err)
		}
		if cycle.Standard != isms.DefaultStandard || cycle.ExpiresOn == nil || !cycle.ExpiresOn.Equal(issued.AddDate(3, 0, 0)) {
			t.Errorf("cycle = %+v, want the default standard and three years", cycle)
		}
		future := e.clock.AddDate(0, 0, 3)
		_, err = e.svc.SaveExternalAudit(ctx, manager, "", app.ExternalAuditInput{Kind: ptr("yearly"), DoneDate: &future, SetDone: true})
		wantFields(t, err, "done_date", "kind")
		planned := e.clock.AddDate(0, 2, 0)
		audit, err := e.svc.SaveExternalAudit(ctx, manager, "", app.ExternalAuditInput{Kind: ptr("surveillance1"), PlannedDate: &planned, SetPlanned: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RaiseAuditFinding(ctx, manager, audit.ID, app.NCInput{Grade: ptr("minor"), Title: ptr("x"), Description: ptr("y")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a finding of an audit not yet done: err = %v, want conflict", err)
		}
		c, err = e.svc.Certification(ctx, viewer)
		if err != nil || c.Next == nil || c.Next.Kind != isms.AuditSurveillance1 || !c.Next.Overdue {
			t.Fatalf("calendar: next %+v, %v; want the year 1 surveillance overdue (due 2026-09-15)", c.Next, err)
		}
		done := e.clock.AddDate(0, 0, -2)
		if _, err := e.svc.SaveExternalAudit(ctx, manager, audit.ID, app.ExternalAuditInput{DoneDate: &done, SetDone: true, Result: ptr("Maintained")}); err != nil {
			t.Fatal(err)
		}
		nc, err := e.svc.RaiseAuditFinding(ctx, manager, audit.ID, app.NCInput{Grade: ptr("minor"), Source: "other", Title: ptr("Late supplier reviews"),
			Description: ptr("Two suppliers unreviewed.")})
		if err != nil {
			t.Fatal(err)
		}
		if nc.Source != isms.SourceExternalAudit {
			t.Errorf("finding source = %s, want external_audit whatever was asked", nc.Source)
		}
		c, _ = e.svc.Certification(ctx, viewer)
		if len(c.Audits) != 1 || len(c.Audits[0].Findings) != 1 || c.Next.Kind != isms.AuditSurveillance2 {
			t.Errorf("after the audit: %+v", c)
		}

		if _, err := e.svc.StartCertCycle(ctx, manager, app.CycleInput{Body: ptr("Certa"), Scope: ptr("The Acme platform and EU region")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateCertCycle(ctx, manager, cycle.ID, app.CycleInput{Scope: ptr("x")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("changing an earlier cycle: err = %v, want conflict", err)
		}
		if _, err := e.svc.SaveExternalAudit(ctx, manager, audit.ID, app.ExternalAuditInput{Result: ptr("x")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("changing an audit of an earlier cycle: err = %v, want conflict", err)
		}
		c, _ = e.svc.Certification(ctx, viewer)
		if len(c.History) != 1 || c.History[0].ID != cycle.ID || c.Current.Certified() || len(c.Calendar) != 2 {
			t.Errorf("after a new cycle: %+v", c)
		}
		if r, err := e.svc.VerifyLedger(ctx, viewer); err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r, err)
		}
	})
}
