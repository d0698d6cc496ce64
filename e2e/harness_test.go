// Package e2e holds the end-to-end tests: a real browser against a real
// server, and the built binary against a real database.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/server"
	"github.com/isms-dev/isms/internal/store"
)

// site is a running isms with one organisation and its owner, keeping
// evidence files in a temporary folder.
type site struct {
	URL      string
	Svc      *app.Service
	DB       *dbtest.DB
	OrgSlug  string
	Email    string
	Password string
}

const ownerPassword = "correct horse battery staple"

func startSite(t *testing.T) *site {
	t.Helper()
	db := dbtest.Open(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	files, err := evidence.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.New(db.DB, log, app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}, Evidence: files})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	op := app.OperatorPrincipal("cli:test")
	if _, err := svc.CreateOrg(ctx, op, app.OrgInput{Slug: "helix-ai", Name: "Helix AI Ltd"}); err != nil {
		t.Fatal(err)
	}
	acc, err := svc.OpenOrg(ctx, op, "helix-ai")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMember(ctx, acc, app.MemberInput{Email: "dana@helix.example", Name: "Dana Whitfield", Role: "owner", Password: ownerPassword}); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(config.Default(), svc, log)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &site{URL: ts.URL, Svc: svc, DB: db, OrgSlug: "helix-ai", Email: "dana@helix.example", Password: ownerPassword}
}

// chromiumPath finds Debian's Chromium. Without it the browser tests skip,
// unless ISMS_TEST_BROWSER_REQUIRED=1 (as in CI) makes that a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("ISMS_TEST_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ISMS_TEST_BROWSER_REQUIRED") == "1" {
		t.Fatal("ISMS_TEST_BROWSER_REQUIRED=1 but no chromium found: apt-get install -y chromium")
	}
	t.Skip("browser tests skipped: no chromium on PATH (apt-get install -y chromium)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile. The flags
// keep it from calling outside hosts, which this machine refuses.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1366, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshot saves the page as PNG when ISMS_SCREENSHOTS names a folder,
// which is how the README's screenshot is made.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ISMS_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
