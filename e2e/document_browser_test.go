package e2e

import (
	"context"
	"testing"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// TestBrowserPolicyApprovePublishAcknowledge is the path through
// the document register: an approver approves a policy in review and its
// owner publishes it; another member then reads and acknowledges it, and
// the register shows who has.
func TestBrowserPolicyApprovePublishAcknowledge(t *testing.T) {
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
	const evePassword = "eve's long enough password"
	if _, err := s.Svc.AddMember(bg, op, app.MemberInput{Email: "eve@helix.example", Name: "Eve Engineer", Role: "contributor",
		Password: evePassword}); err != nil {
		t.Fatal(err)
	}
	doc, err := s.Svc.CreateFromTemplate(bg, op, "ai-acceptable-use", dana[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	approvers := []string{dana[0].ID}
	if _, err := s.Svc.UpdateDocument(bg, op, doc.ID, app.DocInput{ApproverIDs: &approvers}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Svc.SubmitForReview(bg, op, doc.ID); err != nil {
		t.Fatal(err)
	}

	// Dana: from her overview to the review, approve, publish.
	ctx := newBrowser(t)
	signIn(t, ctx, s, ".stats")
	err = cdp.Do(ctx,
		cdp.WaitVisible(cdp.CSS(`#your-work tr[data-work="review"]`)),
		cdp.Click(cdp.CSS(`#your-work tr[data-work="review"] a.btn`)),
		cdp.WaitVisible(cdp.ID("decide-form")),
		cdp.SendKeys(cdp.ID("decision-note"), "Approved for all staff."),
		cdp.Click(cdp.ID("approve")),
		cdp.WaitVisible(cdp.ID("publish")),
	)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	waitText(t, ctx, ".flash", "approved by every approver")
	err = cdp.Do(ctx, cdp.Click(cdp.ID("publish")), cdp.WaitVisible(cdp.ID("published-body")))
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	waitText(t, ctx, ".flash", "Version 1.0 published")
	waitText(t, ctx, "#doc-in-force", "version 1.0 in force")
	waitText(t, ctx, "#published-body", "Helix")
	screenshot(t, ctx, "document")

	// Eve, in her own browser: the policy is waiting for her.
	eve := newBrowser(t)
	err = cdp.Do(eve,
		cdp.Navigate(s.URL+"/"),
		cdp.WaitVisible(cdp.ID("email")),
		cdp.SendKeys(cdp.ID("email"), "eve@helix.example"),
		cdp.SendKeys(cdp.ID("password"), evePassword),
		cdp.Submit(cdp.ID("password")),
		cdp.WaitVisible(cdp.CSS(`#your-work tr[data-work="read"]`)),
		cdp.Click(cdp.CSS(`#your-work tr[data-work="read"] a.btn`)),
		cdp.WaitVisible(cdp.ID("acknowledge")),
		cdp.Click(cdp.ID("acknowledge")),
		cdp.WaitVisible(cdp.ID("ack-done")),
	)
	if err != nil {
		t.Fatalf("acknowledge as Eve: %v", err)
	}
	waitText(t, eve, ".flash", "your acknowledgement is recorded")

	// Dana sees who has acknowledged and who has not.
	err = cdp.Do(ctx, cdp.Navigate(s.URL+"/o/helix-ai/documents/"+doc.Ref()), cdp.WaitVisible(cdp.ID("acknowledgements")))
	if err != nil {
		t.Fatalf("the acknowledgements: %v", err)
	}
	waitText(t, ctx, `#acknowledgements tr[data-acked="yes"]`, "Eve Engineer")
	waitText(t, ctx, `#acknowledgements tr[data-acked="no"]`, "Dana")

	d, err := s.Svc.Document(bg, op, doc.ID)
	if err != nil || d.Published == nil || len(d.Readers) != 2 {
		t.Fatalf("the record: %+v, %v", d.Document, err)
	}
}
