package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// TestBrowserAccessReviewToEvidence completes an access review campaign
// of the model registry in the browser, deciding each account, and finds
// the campaign's record among the evidence of A.5.18.
func TestBrowserAccessReviewToEvidence(t *testing.T) {
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
	title, due := "Model registry, fourth quarter", time.Now().AddDate(0, 0, 7)
	reviewers, systems := []string{dana[0].ID}, []string{"MLflow model registry"}
	campaign, err := s.Svc.CreateAccessReview(bg, op, app.AccessReviewInput{Title: &title, Systems: &systems, ReviewerIDs: &reviewers, DueDate: &due})
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range []app.ReviewAccountInput{
		{System: "MLflow model registry", Account: "svc-train", Holder: "Training pipeline", Rights: "publish"},
		{System: "MLflow model registry", Account: "jun.park", Holder: "Jun Park", Rights: "admin"},
		{System: "MLflow model registry", Account: "old.contractor", Holder: "A contractor who left", Rights: "read"},
	} {
		if _, err := s.Svc.AddReviewAccount(bg, op, campaign.Ref(), acc); err != nil {
			t.Fatal(err)
		}
	}
	page := s.URL + "/o/helix-ai/access-reviews/" + campaign.Ref()
	ctx := newBrowser(t)
	signIn(t, ctx, s, ".stats")
	if err := cdp.Do(ctx, cdp.Navigate(page), cdp.WaitVisible(cdp.CSS("form.decision"))); err != nil {
		t.Fatalf("open the campaign: %v", err)
	}
	// Keep the pipeline, change the admin to a publisher, revoke the
	// contractor: each decision posts its row's form and comes back.
	for _, d := range []struct{ account, decision, note string }{
		{"svc-train", "keep", ""},
		{"jun.park", "change", "Admin is more than the job needs; publish is enough."},
		{"old.contractor", "revoke", "Left in September."},
	} {
		row := fmt.Sprintf(`//tr[td[normalize-space()=%q]]`, d.account)
		if err := cdp.Do(ctx, cdp.WaitVisible(row+`//form`)); err != nil {
			t.Fatalf("find %s: %v", d.account, err)
		}
		if d.note != "" {
			if err := cdp.Do(ctx, cdp.SendKeys(row+`//input[@name="note"]`, d.note)); err != nil {
				t.Fatalf("note on %s: %v", d.account, err)
			}
		}
		err := cdp.Do(ctx, cdp.Click(row+fmt.Sprintf(`//button[@data-decision=%q]`, d.decision)),
			cdp.WaitVisible(row+fmt.Sprintf(`//span[contains(@class, "dec-%s")]`, d.decision)))
		if err != nil {
			t.Fatalf("decide %s: %v", d.account, err)
		}
	}
	err = cdp.Do(ctx,
		cdp.Click(cdp.ID("complete-review")),
		cdp.WaitVisible(cdp.ID("review-evidence")),
	)
	if err != nil {
		t.Fatalf("complete the review: %v", err)
	}
	waitText(t, ctx, "#review-status", "Complete")
	waitText(t, ctx, ".flash", "Its record is now evidence for A.5.18")

	// The control's page lists the record among its evidence.
	err = cdp.Do(ctx, cdp.Navigate(s.URL+"/o/helix-ai/controls/iso27001-2022:A.5.18"), cdp.WaitVisible(cdp.ID("evidence")))
	if err != nil {
		t.Fatalf("A.5.18: %v", err)
	}
	waitText(t, ctx, "#evidence", "Access review "+campaign.Ref())
	screenshot(t, ctx, "access-review-evidence")
}
