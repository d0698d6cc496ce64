package server_test

import (
	"context"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// Records for the rules of the nonconformity register: each call gets a
// record of its own, made by the operator and owned by a fresh member, so
// that no caller owns it or its actions.

// nonconformity raises a record owned by a fresh member; with actionDone,
// it has one action, done, so that it awaits verification.
func (f *fixture) nonconformity(actionDone bool) (isms.Nonconformity, isms.CorrectiveAction) {
	f.t.Helper()
	ctx := context.Background()
	owner := f.target().ID
	str := func(s string) *string { return &s }
	n, err := f.svc.RaiseNonconformity(ctx, f.op, app.NCInput{Grade: str("minor"), Title: str("Review skipped " + f.unique()),
		Description: str("No record."), OwnerID: &owner, Correction: str("Held late."), RootCause: str("No owner.")})
	if err != nil {
		f.t.Fatal(err)
	}
	due := time.Now().AddDate(0, 0, 7)
	act, err := f.svc.SaveCorrectiveAction(ctx, f.op, n.ID, "", app.CorrectiveActionInput{Title: str("Schedule it"), OwnerID: &owner, DueDate: &due})
	if err != nil {
		f.t.Fatal(err)
	}
	if actionDone {
		done := true
		if act, err = f.svc.SaveCorrectiveAction(ctx, f.op, n.ID, act.ID, app.CorrectiveActionInput{Done: &done, Outcome: str("Scheduled.")}); err != nil {
			f.t.Fatal(err)
		}
	}
	return n, act
}

// lateFinding imports a scan from four months ago of a fresh asset, whose
// medium finding has by now missed its 90-day deadline.
func (f *fixture) lateFinding() string {
	f.t.Helper()
	ctx := context.Background()
	n := f.unique()
	ip := "10.8." + n + ".1"
	if _, err := f.svc.CreateAsset(ctx, f.op, isms.Asset{Name: "late host " + n, Type: isms.AssetServer, OwnerID: f.target().ID,
		Attributes: map[string]string{"ip": ip}}); err != nil {
		f.t.Fatal(err)
	}
	then := time.Now().AddDate(0, -4, 0).UTC().Format(time.ANSIC)
	file := strings.Replace(f.scanFile(ip), time.Now().UTC().Format(time.ANSIC), then, 1)
	res, err := f.svc.ImportNessus(ctx, f.op, "late.nessus", strings.NewReader(file))
	if err != nil {
		f.t.Fatal(err)
	}
	page, err := f.svc.ListFindings(ctx, f.op, store.FindingFilter{ScanID: res.Scan.ID})
	if err != nil || len(page.Findings) != 1 || page.Findings[0].DueDate == nil || !page.Findings[0].DueDate.Before(time.Now()) {
		f.t.Fatalf("the late scan's findings: %+v %v", page, err)
	}
	return page.Findings[0].ID
}
