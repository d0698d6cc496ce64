package server_test

import (
	"context"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the continuity register: each call gets an
// analysis, a plan covering it and a test with a follow-up of its own,
// made by the operator.

// continuity writes an analysis, a plan and a test of it with one
// follow-up not yet raised.
func (f *fixture) continuity() (isms.BIA, isms.ContinuityPlan, isms.ContinuityTest, isms.FollowUp) {
	f.t.Helper()
	ctx := context.Background()
	owner := f.target().ID
	b, err := f.svc.SaveBIA(ctx, f.op, "", app.BIAInput{Name: "Inference " + f.unique(), OwnerID: owner, Criticality: "critical",
		RTOHours: 4, MTPDHours: 24})
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := f.svc.SavePlan(ctx, f.op, "", app.PlanInput{Title: "Recovery " + f.unique(), OwnerID: owner, Steps: "Fail over.", BIAs: []string{b.ID}})
	if err != nil {
		f.t.Fatal(err)
	}
	tst, err := f.svc.RecordContinuityTest(ctx, f.op, p.ID, app.TestInput{TestedOn: time.Now().AddDate(0, 0, -1), Kind: "tabletop",
		Scope: "Walk-through", Result: "partial", Findings: "Contacts out of date.", FollowUps: []string{"Update the contacts"}})
	if err != nil {
		f.t.Fatal(err)
	}
	d, err := f.svc.PlanDetail(ctx, f.op, p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return b, p, tst, d.Tests[0].FollowUps[0]
}
