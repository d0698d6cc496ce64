package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// waitText waits until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, sel cdp.CSS, want string) {
	t.Helper()
	var got string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		s, err := cdp.Run(ctx, cdp.Text(sel))
		if err == nil && strings.Contains(s, want) {
			return
		}
		got = s
	}
	t.Fatalf("%s says %q, want %q", sel, got, want)
}

// heat reads the count of a heat-map cell on the register page.
func heat(t *testing.T, ctx context.Context, s *site, kind string, l, i int) string {
	t.Helper()
	if err := cdp.Do(ctx, cdp.Navigate(s.URL+"/o/helix-ai/risks"), cdp.WaitVisible(cdp.CSS(".heat-cell"))); err != nil {
		t.Fatalf("register: %v", err)
	}
	return strings.TrimSpace(text(t, ctx, cdp.CSS("#heat-"+kind+"-"+string(rune('0'+l))+"-"+string(rune('0'+i)))))
}

// TestBrowserRiskFromSuggestionToAcceptance is the path through
// the risk register: create an asset, get AI risk suggestions for it,
// accept one into the register, treat it with controls, record the
// owner's acceptance, and see it move on the heat map.
func TestBrowserRiskFromSuggestionToAcceptance(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	owner, err := s.Svc.OpenOrg(bg, app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	dana, _, err := s.Svc.ListMembers(bg, owner, isms.MemberFilter{Query: "dana"})
	if err != nil || len(dana) != 1 {
		t.Fatalf("dana: %v", err)
	}

	signIn(t, ctx, s, ".stats")
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/assets/new"),
		cdp.WaitVisible(cdp.ID("a-name")),
		cdp.SendKeys(cdp.ID("a-name"), "Helix chat API"),
		cdp.SetValue(cdp.ID("a-type"), "inference_endpoint"),
		cdp.SetValue(cdp.ID("a-attr-inference_endpoint-interface"), "llm"),
		cdp.SetValue(cdp.ID("a-attr-inference_endpoint-exposure"), "internet"),
		cdp.SetValue(cdp.ID("a-owner"), dana[0].ID),
		cdp.Submit(cdp.ID("a-name")),
		cdp.WaitVisible(`//a[text()="Suggest risks"]`),
	)
	if err != nil {
		t.Fatalf("create the asset: %v", err)
	}
	if h := text(t, ctx, "h1"); !strings.Contains(h, "Helix chat API") {
		t.Errorf("after creating, the page is %q", h)
	}
	screenshot(t, ctx, "asset")

	const threat = "owasp-llm-top10-2025:LLM01:2025"
	card := `//article[@data-threat="` + threat + `"]`
	err = cdp.Do(ctx,
		cdp.Click(`//a[text()="Suggest risks"]`),
		cdp.WaitVisible(card),
	)
	if err != nil {
		t.Fatalf("suggestions: %v", err)
	}
	if c := text(t, ctx, cdp.CSS("main")); !strings.Contains(c, "Prompt Injection") || !strings.Contains(c, "Unbounded Consumption") {
		t.Errorf("an internet-facing LLM endpoint should be offered prompt injection and unbounded consumption:\n%s", c)
	}
	screenshot(t, ctx, "suggestions")
	err = cdp.Do(ctx,
		cdp.Click(card+`//button[text()="Add to register"]`),
		cdp.WaitVisible(cdp.ID("risk-status")),
	)
	if err != nil {
		t.Fatalf("add the suggestion: %v", err)
	}
	waitText(t, ctx, "#risk-status", "Identified")

	if n := heat(t, ctx, s, "inherent", 4, 4); n != "1" {
		t.Errorf("inherent cell 4×4 holds %q before treatment, want 1", n)
	}
	if n := heat(t, ctx, s, "residual", 2, 3); n != "0" {
		t.Errorf("residual cell 2×3 holds %q before treatment, want 0", n)
	}

	// Treat it with the controls the library proposes for the threat.
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/risks/R-001/treat"),
		cdp.WaitVisible(cdp.ID("treat-form")),
		cdp.Click(cdp.ID("treatment-mitigate")),
		cdp.SetValue(cdp.ID("t-likelihood"), "2"),
		cdp.SetValue(cdp.ID("t-impact"), "3"),
		cdp.SendKeys(cdp.ID("t-notes"), "Screen prompts and retrieved content; least privilege for tools."),
		cdp.Submit(cdp.ID("t-notes")),
		cdp.WaitVisible(cdp.ID("risk-controls")),
	)
	if err != nil {
		t.Fatalf("treat: %v", err)
	}
	waitText(t, ctx, "#risk-status", "Treatment planned")
	if c := text(t, ctx, "#risk-controls"); !strings.Contains(c, "A.") {
		t.Errorf("the treated risk lists no ISO/IEC 27001 control: %q", c)
	}

	// The owner approves the plan, then accepts the residual risk.
	for _, d := range []struct{ button, status string }{
		{"decide-plan_approval", "Plan approved"},
		{"decide-residual_acceptance", "Residual accepted"},
	} {
		err = cdp.Do(ctx,
			cdp.WaitVisible(cdp.ID("d-justification")),
			cdp.SendKeys(cdp.ID("d-justification"), "Within the appetite agreed at the management review."),
			cdp.Click(cdp.ID(d.button)),
		)
		if err != nil {
			t.Fatalf("%s: %v", d.button, err)
		}
		waitText(t, ctx, "#risk-status", d.status)
	}
	waitText(t, ctx, "#history", "Risk owner's decision")
	screenshot(t, ctx, "risk")

	if n := heat(t, ctx, s, "residual", 2, 3); n != "1" {
		t.Errorf("residual cell 2×3 holds %q after treatment, want the risk there", n)
	}
	if n := heat(t, ctx, s, "inherent", 4, 4); n != "1" {
		t.Errorf("inherent cell 4×4 holds %q after treatment, want 1", n)
	}
	screenshot(t, ctx, "risks")

	// What the UI did is in the database and its ledger.
	v, err := s.Svc.RiskByRef(bg, owner, "R-001")
	if err != nil || v.Status != isms.RiskAccepted || len(v.Decisions) != 2 || len(v.Controls) == 0 {
		t.Fatalf("R-001 in the database: %+v, %v", v.Risk, err)
	}
	entries, _, err := s.Svc.RiskHistory(bg, owner, v.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	decisions := 0
	for _, e := range entries {
		if e.RecordType == store.RecordRiskDecision && e.Actor == "user:"+dana[0].UserID {
			decisions++
		}
	}
	if decisions != 2 {
		t.Errorf("the ledger holds %d decisions by the owner, want 2", decisions)
	}
}
