package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/store"
)

// TestBrowserIncidentWithPersonalData logs an incident that involves
// personal data through the form and sees the 72-hour notification
// deadline (GDPR art. 33) counted from the moment of awareness.
func TestBrowserIncidentWithPersonalData(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	aware := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Minute)
	signIn(t, ctx, s, ".stats")
	err := cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/incidents"),
		cdp.Click(cdp.ID("report-incident")),
		cdp.WaitVisible(cdp.ID("incident-form")),
		cdp.SendKeys(cdp.ID("i-title"), "Support transcripts exposed through a shared notebook"),
		cdp.SetValue(cdp.ID("i-category"), "training_data_leak"),
		cdp.SetValue(cdp.ID("i-severity"), "high"),
		cdp.SetValue(cdp.ID("i-detected"), aware.Format("2006-01-02T15:04")),
		cdp.SetValue(cdp.ID("i-aware"), aware.Format("2006-01-02T15:04")),
		cdp.Click(cdp.ID("i-personal")),
		cdp.Click(cdp.ID("incident-submit")),
		cdp.WaitVisible(cdp.ID("gdpr-deadline")),
	)
	if err != nil {
		t.Fatalf("report the incident: %v", err)
	}
	due := aware.Add(72 * time.Hour).Format("2006-01-02 15:04 UTC")
	waitText(t, ctx, "#gdpr-deadline [data-deadline]", due)
	left := text(t, ctx, `#gdpr-deadline .countdown-value`)
	if !strings.Contains(left, "left") || !strings.Contains(left, "69 hours") && !strings.Contains(left, "70 hours") {
		t.Errorf("the countdown reads %q; want about 70 hours left", left)
	}
	screenshot(t, ctx, "incident-deadline")

	op, err := s.Svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Svc.Incidents(context.Background(), op, store.IncidentFilter{Limit: -1})
	if err != nil || len(rows) != 1 || !rows[0].PersonalData {
		t.Fatalf("the incident recorded: %+v, %v", rows, err)
	}
}
