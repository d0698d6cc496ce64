package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
)

// TestIncidentPages runs a personal data breach through the UI: reported
// with its 72-hour countdown, notified, given a timeline and evidence with
// a hand-over, checked, raising a nonconformity, a risk and a control
// change, and closed; with the register's filters, export and figures on
// the overview and the A.5.24 control page.
func TestIncidentPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		files, err := evidence.Open(t.TempDir(), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s := newSiteOn(t, config.Default(), db, files)
		ctx := context.Background()
		op := s.operator(t)
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer", Password: password}); err != nil {
			t.Fatal(err)
		}
		asset, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "Support chat logs", Type: isms.AssetDataset})
		if err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const list = "/o/helix-ai/incidents"
		mustContain(t, "the empty register", dana.getOK(list), "No open incidents.", `id="report-incident"`)
		mustContain(t, "the form", dana.getOK(list+"/new"), `id="incident-form"`, "Prompt injection exploited", "Personal data is involved")

		now := time.Now().UTC()
		if resp, body := dana.post(list, list+"/new", "full", "1", "title", "Chats readable", "category", "data_loss", "severity", "high",
			"detected_at", now.Add(-2*time.Hour).Format("2006-01-02T15:04"), "personal_data", "true"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) || !strings.Contains(body, "72 hours") {
			t.Fatalf("personal data without awareness: %d", resp.StatusCode)
		}
		aware := now.Add(-90 * time.Minute).Truncate(time.Minute)
		resp, _ := dana.post(list, list+"/new", "full", "1", "title", "Support chats readable across tenants", "category", "training_data_leak",
			"severity", "high", "status", "reported", "detected_at", now.Add(-2*time.Hour).Format("2006-01-02T15:04"),
			"aware_at", aware.Format("2006-01-02T15:04"), "personal_data", "true", "data_subjects", "1200", "asset_ids", asset.ID,
			"reporter", "Globex security team")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/INC-001" {
			t.Fatalf("report: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := list + "/INC-001"
		body := dana.getOK(page)
		gdpr := section(t, body, "gdpr-deadline")
		due := aware.Add(72 * time.Hour).Format("2006-01-02 15:04 UTC")
		mustContain(t, "the GDPR countdown", gdpr, due, "70 hours", "minutes left", "GDPR art. 33(1)", `data-state="running"`, `id="notify-form"`)
		mustContain(t, "the record", body, "Support chat logs", "about 1200 people", `id="inc-history"`, `id="event-form"`, `id="evidence-form"`)
		mustContain(t, "the overview", dana.getOK("/o/helix-ai/"), `id="incident-card"`, "INC-001", "minutes left")
		mustContain(t, "the register", dana.getOK(list), `id="inc-INC-001"`, "minutes left")
		mustContain(t, "the control page", dana.getOK("/o/helix-ai/controls/iso27001-2022:A.5.24"), `id="incident-metrics"`, "INC-001")

		// The notification stops the clock.
		if resp, body := dana.post(page, page, "section", "gdpr-deadline", "authority_notified_at", "soon"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "is not a date and time") {
			t.Errorf("a bad notification time: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page, page, "section", "gdpr-deadline", "authority_notified_at", now.Add(-10*time.Minute).Format("2006-01-02T15:04"),
			"authority_ref", "ICO-2026-1234", "notification_not_required", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("notify: %d", resp.StatusCode)
		}
		gdpr = section(t, dana.getOK(page), "gdpr-deadline")
		mustContain(t, "the notified deadline", gdpr, `data-state="met"`, "ICO-2026-1234", "before the deadline")
		if strings.Contains(gdpr, "minutes left") {
			t.Error("the countdown still runs after the notification")
		}

		// Timeline, evidence and custody.
		if resp, body := dana.post(page+"/events", page, "what", ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "say what happened") {
			t.Errorf("an empty timeline entry: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/events", page, "at", now.Add(-2*time.Hour).Format("2006-01-02T15:04"), "what", "Globex reports it can read other tenants' chats",
			"who", "Support"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("timeline: %d", resp.StatusCode)
		}
		ev, err := s.svc.AddEvidence(ctx, op, app.EvidenceInput{Kind: "file", Title: "Bucket access log", FileName: "access.log",
			Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.28"}}}, strings.NewReader("GET /chats 200\n"))
		if err != nil {
			t.Fatal(err)
		}
		if resp, _ := dana.post(page+"/evidence", page, "evidence_id", ev.ID, "note", "Exported by the cloud team"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("attach: %d", resp.StatusCode)
		}
		d, err := s.svc.Incident(ctx, op, "INC-001")
		if err != nil || len(d.Evidence) != 1 {
			t.Fatalf("evidence: %+v %v", d.Evidence, err)
		}
		item := d.Evidence[0].ID
		if resp, _ := dana.post(page+"/evidence/"+item+"/custody", page, "who", "Forensics Ltd", "note", "Copy handed over for analysis"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("custody: %d", resp.StatusCode)
		}
		body = dana.getOK(page + "?check=1")
		mustContain(t, "the evidence", body, ev.SHA256, "Forensics Ltd", `data-check="intact"`, `id="evidence-check"`, "Globex reports")

		// What it raises.
		resp, _ = dana.post(page+"/nonconformity", page)
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/nonconformities/NC-001") {
			t.Fatalf("raise a nonconformity: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The handler is not set yet: the risk needs an owner, which is
		// the caller.
		resp, _ = dana.post(page+"/risk", page)
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/risks/R-001") {
			t.Fatalf("raise a risk: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := dana.post(page+"/control-change", page, "control", ""); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a change without a control: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/control-change", page, "control", "iso27001-2022:A.8.9"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("control change: %d", resp.StatusCode)
		}
		mustContain(t, "what it raised", section(t, dana.getOK(page), "raised"), "NC-001", "R-001", "A.8.9")

		// Closing needs each step of the response.
		if resp, body := dana.post(page, page, "section", "response", "status", "closed", "containment", "Policy reverted."); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "lessons_learned") && !strings.Contains(body, "what was learned") {
			t.Errorf("closing without the steps: %d", resp.StatusCode)
		}
		dana.getOK(page)
		me := d.Members
		var handler string
		for id, name := range me {
			if name == "Dana" {
				handler = id
			}
		}
		if resp, body := dana.post(page, page, "section", "response", "status", "closed", "handler_id", handler, "containment", "Policy reverted.",
			"eradication", "Policy check in CI.", "recovery", "Access logs reviewed.", "lessons_learned", "Bucket policies change only through review."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("close: %d\n%s", resp.StatusCode, body)
		}
		body = dana.getOK(page)
		mustContain(t, "the closed incident", body, `id="inc-status">Closed`, `id="inc-closed"`)
		if strings.Contains(body, `id="response-form"`) || strings.Contains(body, `id="edit-incident"`) {
			t.Error("a closed incident still offers changes to its record")
		}

		// The register's filters and export.
		mustContain(t, "closed incidents", dana.getOK(list+"?status=closed&category=ai"), `id="inc-INC-001"`)
		if body := dana.getOK(list + "?category=malware&status=all"); strings.Contains(body, `id="inc-INC-001"`) {
			t.Error("the malware filter lists a training data leak")
		}
		if resp, _ := dana.do("GET", list+"?status=maybe", nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a bad filter: %d", resp.StatusCode)
		}
		resp, csv := dana.do("GET", list+"/export?format=csv&status=all", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(csv, "INC-001,Support chats readable across tenants") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "incidents-helix-ai") {
			t.Errorf("CSV export: %d %q", resp.StatusCode, csv)
		}
		if resp, xlsx := dana.do("GET", list+"/export?format=xlsx", nil); resp.StatusCode != http.StatusOK || !strings.HasPrefix(xlsx, "PK") {
			t.Errorf("XLSX export: %d", resp.StatusCode)
		}

		// A viewer reads and may not report.
		vb := s.loginAs(t, "vic@helix.example")
		if body := vb.getOK(list + "?status=all"); strings.Contains(body, `id="report-incident"`) || !strings.Contains(body, "INC-001") {
			t.Error("the viewer's register")
		}
		if resp, _ := vb.post(list, list, "full", "1", "title", "x", "category", "phishing", "severity", "low",
			"detected_at", now.Format("2006-01-02T15:04")); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer reporting: %d", resp.StatusCode)
		}
		if body := vb.getOK(page); strings.Contains(body, `id="event-form"`) || strings.Contains(body, `id="raise-nc"`) {
			t.Error("a viewer is offered changes")
		}
	})
}

// section returns the element with the id, up to the end of its section.
func section(t *testing.T, body, id string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<section[^>]*id="` + regexp.QuoteMeta(id) + `".*?</section>`)
	m := re.FindString(body)
	if m == "" {
		t.Fatalf("no section %s", id)
	}
	return m
}
