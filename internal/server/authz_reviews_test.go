package server_test

import (
	"context"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of management review and certification: each call
// gets a review or an audit of its own, made by the operator.

// review plans a review held yesterday, attended by a fresh member, with
// one open action owned by them; compiled compiles its inputs.
func (f *fixture) review(compiled bool) (isms.Review, isms.ReviewAction) {
	f.t.Helper()
	ctx := context.Background()
	m := f.target().ID
	str := func(s string) *string { return &s }
	day := time.Now().AddDate(0, 0, -1)
	r, err := f.svc.CreateReview(ctx, f.op, app.ReviewInput{Title: str("Review " + f.unique()), MeetingDate: &day, ChairID: &m,
		AttendeeIDs: &[]string{m}})
	if err != nil {
		f.t.Fatal(err)
	}
	if compiled {
		if r, err = f.svc.CompileReviewInputs(ctx, f.op, r.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	due := time.Now().AddDate(0, 1, 0)
	act, err := f.svc.SaveReviewAction(ctx, f.op, r.ID, "", app.ReviewActionInput{Title: str("Follow up"), OwnerID: &m, DueDate: &due})
	if err != nil {
		f.t.Fatal(err)
	}
	return r, act
}

// heldReview is a review compiled and held.
func (f *fixture) heldReview() isms.Review {
	f.t.Helper()
	r, _ := f.review(true)
	r, err := f.svc.SetReviewStatus(context.Background(), f.op, r.ID, isms.ReviewHeld)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// audit starts a fresh certification cycle, which becomes the current
// one, with an audit done last week.
func (f *fixture) externalAudit() (isms.CertCycle, isms.ExternalAudit) {
	f.t.Helper()
	ctx := context.Background()
	str := func(s string) *string { return &s }
	issued := time.Now().AddDate(-1, -2, 0)
	c, err := f.svc.StartCertCycle(ctx, f.op, app.CycleInput{Body: str("Certa"), Scope: str("Platform " + f.unique()),
		CertificateNumber: str("C-1"), IssuedOn: &issued, SetIssued: true})
	if err != nil {
		f.t.Fatal(err)
	}
	done := time.Now().AddDate(0, 0, -7)
	a, err := f.svc.SaveExternalAudit(ctx, f.op, "", app.ExternalAuditInput{Kind: str("surveillance1"), DoneDate: &done, SetDone: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return c, a
}
