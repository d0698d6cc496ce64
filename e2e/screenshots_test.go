package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/demo"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/server"
	"github.com/isms-dev/isms/internal/store"
)

// TestScreenshots renders the main pages over the demo data, at laptop
// and tablet widths, into the folder ISMS_SCREENSHOTS names:
//
//	ISMS_SCREENSHOTS=docs/screenshots go test ./e2e -run Screenshots
//
// Each page must render without a script error in either width.
func TestScreenshots(t *testing.T) {
	if os.Getenv("ISMS_SCREENSHOTS") == "" {
		t.Skip("set ISMS_SCREENSHOTS to a folder to render the screenshots")
	}
	db := dbtest.Open(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := app.New(db.DB, log, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := demo.Seed(context.Background(), svc)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(config.Default(), svc, log)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	s := &site{URL: ts.URL, Email: creds.Email, Password: creds.Password, OrgSlug: creds.OrgSlug}
	ctx := newBrowser(t)
	if err := cdp.Do(ctx, cdp.Navigate(ts.URL+"/login"), cdp.WaitVisible(cdp.ID("email"))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "login")
	signIn(t, ctx, s, ".stats")

	acc, err := svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), creds.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	api, err := svc.ListAssets(context.Background(), acc, isms.AssetFilter{Query: "Helix chat API"})
	if err != nil || len(api.Assets) != 1 {
		t.Fatalf("the demo's chat API: %v", err)
	}
	chatAPI := "/o/helix-ai/assets/" + api.Assets[0].ID
	jun, err := svc.PersonByEmail(context.Background(), acc, "jun.park@helix-ai.example")
	if err != nil {
		t.Fatalf("the demo's Jun Park: %v", err)
	}
	felix, err := svc.PersonByEmail(context.Background(), acc, "felix.braun@helix-ai.example")
	if err != nil {
		t.Fatalf("the demo's Felix Braun: %v", err)
	}
	pages := []struct{ name, path, wait string }{
		{"overview", "/o/helix-ai/", ".stats"},
		{"members", "/o/helix-ai/members", "table"},
		{"tokens", "/o/helix-ai/tokens", "table"},
		{"ledger", "/o/helix-ai/ledger", "table"},
		{"verify", "/o/helix-ai/ledger/verify", ".alert"},
		{"settings", "/o/helix-ai/settings", ".facts"},
		{"frameworks", "/o/helix-ai/frameworks", "table"},
		{"framework", "/o/helix-ai/frameworks/iso27001-2022", ".tree"},
		{"item", "/o/helix-ai/frameworks/ai-security/items/AIS-MP-01", "h1"},
		{"atlas", "/o/helix-ai/frameworks/mitre-atlas/items/AML.T0024", "h1"},
		{"context", "/o/helix-ai/context", "h1"},
		{"assets", "/o/helix-ai/assets", "table"},
		{"asset", chatAPI, "svg"},
		{"suggestions", chatAPI + "/suggestions", ".suggestion"},
		{"methodology", "/o/helix-ai/methodology", "h1"},
		{"risks", "/o/helix-ai/risks", ".heat-cell"},
		{"risk", "/o/helix-ai/risks/R-003", "#risk-status"},
		{"soa", "/o/helix-ai/soa/iso27001-2022", "table.soa"},
		{"control", "/o/helix-ai/controls/iso27001-2022:A.8.8", "#requirement"},
		{"evidence", "/o/helix-ai/evidence", "h1"},
		{"incidents", "/o/helix-ai/incidents?status=all", "table"},
		{"incident", "/o/helix-ai/incidents/INC-004", "#gdpr-deadline"},
		{"incident-closed", "/o/helix-ai/incidents/INC-002", "#evidence"},
		{"people", "/o/helix-ai/people", "table"},
		{"person", "/o/helix-ai/people/" + jun.ID, "#training"},
		{"leaver", "/o/helix-ai/people/" + felix.ID, "#checklists"},
		{"roles", "/o/helix-ai/roles", "table.raci"},
		{"training", "/o/helix-ai/training", "#status"},
		{"access-reviews", "/o/helix-ai/access-reviews", "table"},
		{"access-review", "/o/helix-ai/access-reviews/AR-001", "#accounts"},
		{"access-review-open", "/o/helix-ai/access-reviews/AR-002", "#accounts"},
		{"control-a518", "/o/helix-ai/controls/iso27001-2022:A.5.18", "#evidence"},
		{"control-a63", "/o/helix-ai/controls/iso27001-2022:A.6.3", "#training-metrics"},
		{"nonconformities", "/o/helix-ai/nonconformities?status=all", "#register"},
		{"nonconformity", "/o/helix-ai/nonconformities/NC-001", "#nc-stage"},
		{"documents", "/o/helix-ai/documents", "#register"},
		{"document", "/o/helix-ai/documents/DOC-001", "#in-force"},
		{"document-diff", "/o/helix-ai/documents/DOC-001/versions/1.1?compare=1.0", "#diff"},
		{"suppliers", "/o/helix-ai/suppliers", "table"},
		{"obligations", "/o/helix-ai/obligations", "table"},
		{"continuity", "/o/helix-ai/continuity", "table"},
		{"metrics", "/o/helix-ai/metrics", "h1"},
		{"audits", "/o/helix-ai/audits", "h1"},
		{"reviews", "/o/helix-ai/reviews", "#reviews"},
		{"review", "/o/helix-ai/reviews/MR-002", "#inputs"},
		{"certification", "/o/helix-ai/certification", "h1"},
		{"readiness", "/o/helix-ai/readiness", "#stage1"},
		{"nonconformity-new", "/o/helix-ai/nonconformities/new", "#nc-form"},
		{"document-new", "/o/helix-ai/documents/new", "#document-form"},
		{"document-draft", "/o/helix-ai/documents/DOC-001/draft", "#draft-form"},
		{"incident-new", "/o/helix-ai/incidents/new", "#incident-form"},
		{"audit-new", "/o/helix-ai/audits/new", "form"},
		{"self-assessment", "/o/helix-ai/self-assessment", "h1"},
		{"orgs", "/orgs", "table"},
	}
	for _, width := range []struct {
		suffix string
		w      int64
	}{{"", 1366}, {"-tablet", 820}} {
		if err := cdp.Do(ctx, cdp.EmulateViewport(width.w, 1000)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := cdp.Do(ctx, cdp.Navigate(ts.URL+p.path), cdp.WaitVisible(cdp.CSS(p.wait))); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			screenshot(t, ctx, p.name+width.suffix)
		}
	}
}
