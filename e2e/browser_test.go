package e2e

import (
	"context"
	"strings"
	"testing"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// signIn fills the sign-in form and waits for the first page after it.
func signIn(t *testing.T, ctx context.Context, s *site, wait string) {
	t.Helper()
	err := cdp.Do(ctx,
		cdp.Navigate(s.URL+"/"),
		cdp.WaitVisible(cdp.ID("email")),
		cdp.SendKeys(cdp.ID("email"), s.Email),
		cdp.SendKeys(cdp.ID("password"), s.Password),
		cdp.Submit(cdp.ID("password")),
		cdp.WaitVisible(cdp.CSS(wait)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

func text(t *testing.T, ctx context.Context, sel cdp.CSS) string {
	t.Helper()
	s, err := cdp.Run(ctx, cdp.Text(sel))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// TestBrowserSignInAddMemberSignOut is the web UI's path through its
// foundation: sign in, add a member, see them and their history, sign out,
// and find the pages closed afterwards.
func TestBrowserSignInAddMemberSignOut(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)

	signIn(t, ctx, s, ".stats")
	if h := text(t, ctx, "h1"); h != "Helix AI Ltd" {
		t.Errorf("after sign-in the page says %q, want the organisation's overview", h)
	}
	screenshot(t, ctx, "overview")

	err := cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/members"),
		cdp.WaitVisible(cdp.ID("m-email")),
		cdp.SendKeys(cdp.ID("m-email"), "priya@helix.example"),
		cdp.SendKeys(cdp.ID("m-name"), "Priya Raman"),
		cdp.SetValue(cdp.ID("m-role"), "isms_manager"),
		cdp.SendKeys(cdp.ID("m-password"), "a long first password"),
		cdp.Submit(cdp.ID("m-email")),
		cdp.WaitVisible(cdp.CSS(".flash")),
	)
	if err != nil {
		t.Fatalf("add member: %v", err)
	}
	flash, table := text(t, ctx, ".flash"), text(t, ctx, "table")
	if !strings.Contains(flash, "priya@helix.example") || !strings.Contains(table, "Priya Raman") || !strings.Contains(table, "ISMS manager") {
		t.Errorf("after adding: flash %q, table %q", flash, table)
	}
	screenshot(t, ctx, "members")

	// The member exists in the database, made through the UI.
	acc, err := s.Svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	members, _, err := s.Svc.ListMembers(context.Background(), acc, isms.MemberFilter{Query: "priya"})
	if err != nil || len(members) != 1 || members[0].Role != isms.RoleISMSManager {
		t.Fatalf("member in the database: %+v, %v", members, err)
	}

	err = cdp.Do(ctx,
		cdp.Click(`//a[text()="Priya Raman"]`),
		cdp.WaitVisible(cdp.CSS(".changes")),
	)
	if err != nil {
		t.Fatalf("member page: %v", err)
	}
	history := text(t, ctx, ".card.flush")
	if !strings.Contains(history, "create") || !strings.Contains(history, "isms_manager") || !strings.Contains(history, s.Email) {
		t.Errorf("member history %q should show the creation by %s", history, s.Email)
	}
	screenshot(t, ctx, "member")

	// The framework library: the standard's tree, a control with its
	// mappings, and a search across every framework.
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/frameworks"),
		cdp.WaitVisible(cdp.CSS("table")),
		cdp.Click(`//a[text()="ISO/IEC 27001:2022"]`),
		cdp.WaitVisible(cdp.CSS(".tree")),
		cdp.Click(`//a[span[text()="A.8.16"]]`),
		cdp.WaitVisible(cdp.CSS("h1 .cite")),
	)
	if err != nil {
		t.Fatalf("browse ISO/IEC 27001:2022: %v", err)
	}
	if h := text(t, ctx, "h1"); !strings.Contains(h, "A.8.16") || !strings.Contains(h, "Monitoring activities") {
		t.Errorf("control page heading %q", h)
	}
	if m := text(t, ctx, "main"); !strings.Contains(m, "AIS-IN-03") || !strings.Contains(m, "implemented by") {
		t.Errorf("A.8.16 should list the AI security overlay requirement that implements it:\n%s", m)
	}
	screenshot(t, ctx, "control")
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/framework-search?q=model+extraction"),
		cdp.WaitVisible(cdp.CSS("table")),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if hits := text(t, ctx, "table"); !strings.Contains(hits, "AIS-MP-01") {
		t.Errorf("searching for model extraction does not find AIS-MP-01:\n%s", hits)
	}

	err = cdp.Do(ctx,
		cdp.Click(`//button[text()="Sign out"]`),
		cdp.WaitVisible(cdp.ID("email")),
		cdp.Navigate(s.URL+"/o/helix-ai/members"),
		cdp.WaitVisible(cdp.ID("email")),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
	if title, err := cdp.Run(ctx, cdp.Title()); err != nil || !strings.HasPrefix(title, "Sign in") {
		t.Errorf("after signing out, the members page shows %q (%v), want the sign-in page", title, err)
	}
}
