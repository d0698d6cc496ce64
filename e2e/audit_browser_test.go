package e2e

import (
	"context"
	"testing"
	"time"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// TestBrowserAuditToManagementReview is the path through Check and
// Act: run an internal audit from its generated checklist, record a minor
// nonconformity, correct it and complete its corrective action, have it
// verified by someone independent, and see the management review compile
// it among its inputs.
func TestBrowserAuditToManagementReview(t *testing.T) {
	s := startSite(t)
	bg := context.Background()
	op, err := s.Svc.OpenOrg(bg, app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	dana, _, err := s.Svc.ListMembers(bg, op, isms.MemberFilter{Query: "dana"})
	if err != nil || len(dana) != 1 {
		t.Fatalf("dana: %v", err)
	}
	const maxPassword = "max's long enough password"
	if _, err := s.Svc.AddMember(bg, op, app.MemberInput{Email: "max@helix.example", Name: "Max Manager", Role: "isms_manager",
		Password: maxPassword}); err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC().AddDate(0, 0, -30)
	if _, err := s.Svc.SetAuditProgramme(bg, op, app.ProgrammeInput{CycleStart: &start}); err != nil {
		t.Fatal(err)
	}
	title, from, to := "Internal audit of clause 9.2", time.Now().UTC(), time.Now().UTC().AddDate(0, 0, 1)
	auditors := []string{dana[0].ID}
	audit, err := s.Svc.PlanAudit(bg, op, app.AuditInput{Title: &title, Scope: []string{"iso27001-2022:9.2"}, Auditors: &auditors,
		PlannedStart: &from, PlannedEnd: &to})
	if err != nil {
		t.Fatal(err)
	}

	// Dana audits: the checklist was generated from the scope.
	ctx := newBrowser(t)
	signIn(t, ctx, s, ".stats")
	const item = `#checklist tr[data-item="iso27001-2022:9.2.1"]`
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/audits/"+audit.Ref()),
		cdp.WaitVisible(cdp.CSS(item)),
		cdp.SetValue(cdp.CSS(item+` select[name="result"]`), "minor_nonconformity"),
		cdp.SendKeys(cdp.CSS(item+` textarea[name="notes"]`), "The audit programme names no criteria for the audit of A.8 controls."),
		cdp.Click(cdp.CSS(item+` button[data-save]`)),
		cdp.WaitVisible(cdp.CSS(item+` a.nc-link`)),
	)
	if err != nil {
		t.Fatalf("record a minor nonconformity: %v", err)
	}
	ref := text(t, ctx, cdp.CSS(item+` a.nc-link`))
	screenshot(t, ctx, "audit-checklist")

	// Correction, cause, a corrective action, reported done.
	err = cdp.Do(ctx,
		cdp.Click(cdp.CSS(item+` a.nc-link`)),
		cdp.WaitVisible(cdp.ID("nc-edit")),
		cdp.SendKeys(cdp.ID("nc-correction"), "Criteria written for the next audit of A.8."),
		cdp.SendKeys(cdp.ID("nc-root-cause"), "The programme template had no field for criteria."),
		cdp.Click(cdp.ID("nc-save")),
	)
	if err != nil {
		t.Fatalf("record the correction: %v", err)
	}
	// The form is on the page before and after saving: wait for the page
	// the save leads to before typing into it.
	waitText(t, ctx, ".flash", ref+" saved.")
	err = cdp.Do(ctx,
		cdp.WaitVisible(cdp.ID("action-form")),
		cdp.SendKeys(cdp.ID("action-title"), "Add audit criteria to the programme template"),
		cdp.SendKeys(cdp.ID("action-due"), time.Now().AddDate(0, 0, 14).Format("01022006")),
		cdp.Click(cdp.ID("action-add")),
		cdp.WaitVisible(cdp.CSS(`#actions form[data-complete] textarea`)),
		cdp.SendKeys(cdp.CSS(`#actions form[data-complete] textarea`), "Template updated; criteria are now required."),
		cdp.Click(cdp.CSS(`#actions form[data-complete] button[type="submit"]`)),
		cdp.WaitVisible(cdp.CSS(`#actions tr[data-done="true"]`)),
	)
	if err != nil {
		t.Fatalf("correct and act: %v", err)
	}
	waitText(t, ctx, "#nc-stage", "Awaiting verification")

	// Max, who owns neither the record nor its action, verifies it.
	mx := newBrowser(t)
	err = cdp.Do(mx,
		cdp.Navigate(s.URL+"/"),
		cdp.WaitVisible(cdp.ID("email")),
		cdp.SendKeys(cdp.ID("email"), "max@helix.example"),
		cdp.SendKeys(cdp.ID("password"), maxPassword),
		cdp.Submit(cdp.ID("password")),
		cdp.WaitVisible(cdp.CSS(".stats")),
		cdp.Navigate(s.URL+"/o/helix-ai/nonconformities/"+ref),
		cdp.WaitVisible(cdp.ID("verify-form")),
		cdp.SendKeys(cdp.ID("verify-note"), "Template checked: the criteria field is required."),
		cdp.Click(cdp.ID("verify-effective")),
		cdp.WaitVisible(cdp.ID("nc-verified")),
	)
	if err != nil {
		t.Fatalf("verify as Max: %v", err)
	}
	waitText(t, mx, "#nc-stage", "Closed")

	// The management review compiles it.
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/reviews"),
		cdp.WaitVisible(cdp.ID("review-form")),
		cdp.SendKeys(cdp.ID("review-title"), "Management review, fourth quarter"),
		cdp.SetValue(cdp.ID("review-date"), time.Now().Format("2006-01-02")),
		cdp.Click(cdp.ID("review-create")),
		cdp.WaitVisible(cdp.ID("compile-inputs")),
		cdp.Click(cdp.ID("compile-inputs")),
		cdp.WaitVisible(cdp.ID("input-nonconformities")),
	)
	if err != nil {
		t.Fatalf("compile the review: %v", err)
	}
	waitText(t, ctx, "#input-nonconformities", ref)
	waitText(t, ctx, "#input-nonconformities", audit.Ref())
	screenshot(t, ctx, "management-review")
}
