package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/nessus/nessustest"
	"github.com/isms-dev/isms/internal/store"
)

// loginAs signs a fresh browser in as another member.
func (s *site) loginAs(t *testing.T, email string) *browser {
	t.Helper()
	b := s.browser(t)
	if resp, _ := b.do("POST", "/login", url.Values{"email": {email}, "password": {password}, "csrf": {b.csrf("/login")}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, resp.StatusCode)
	}
	return b
}

// TestNonconformityPages runs a nonconformity through the UI: raised by
// the owner for a contributor, an action planned, reported done by the
// contributor, the correction and cause recorded, verified by someone
// independent and closed; and one raised from a missed vulnerability
// deadline.
func TestNonconformityPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		files, err := evidence.Open(t.TempDir(), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s := newSiteOn(t, config.Default(), db, files)
		ctx := context.Background()
		op := s.operator(t)
		eve, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "eve@helix.example", Name: "Eve Engineer", Role: "contributor", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer", Password: password}); err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const list = "/o/helix-ai/nonconformities"
		mustContain(t, "the empty register", dana.getOK(list), "No open nonconformities.", `id="raise-nc"`)
		mustContain(t, "the form", dana.getOK(list+"/new"), `id="nc-form"`, "A.5.18", "Grade")

		if resp, body := dana.post(list, list+"/new", "title", "", "grade", "minor", "source", "internal_audit"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) {
			t.Fatalf("raising without a title: %d", resp.StatusCode)
		}
		resp, _ := dana.post(list, list+"/new", "kind", "nonconformity", "title", "Registry access review skipped", "grade", "minor",
			"source", "internal_audit", "description", "No Q3 review record.", "requirement", "iso27001-2022:A.5.18", "owner_id", eve.Member.ID,
			"due_date", time.Now().AddDate(0, 0, -1).Format(time.DateOnly))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/NC-001" {
			t.Fatalf("raise: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := list + "/NC-001"
		body := dana.getOK(page)
		mustContain(t, "the record", body, `id="nc-stage">Open`, `id="nc-overdue"`, "Eve Engineer", "Access rights", `id="action-form"`, `id="nc-history"`)
		mustContain(t, "the overview", dana.getOK("/o/helix-ai/"), `id="nc-card"`, `id="nc-overdue">1<`)
		mustContain(t, "the history", dana.getOK("/o/helix-ai/history/nonconformity/"+ncID(t, s, op)), "nonconformity")

		if resp, body := dana.post(page+"/actions", page, "title", "Quarterly reviews", "owner_id", eve.Member.ID, "due_date", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "due_date") && !strings.Contains(body, "deadline") {
			t.Errorf("an action without a date: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/actions", page, "title", "Quarterly reviews", "owner_id", eve.Member.ID,
			"due_date", time.Now().AddDate(0, 0, 14).Format(time.DateOnly)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("plan an action: %d", resp.StatusCode)
		}
		d, err := s.svc.Nonconformity(ctx, op, "NC-001")
		if err != nil || len(d.Actions) != 1 {
			t.Fatalf("record: %+v, %v", d, err)
		}
		act := d.Actions[0].ID

		// The contributor finds the action on their overview and reports
		// it done; an empty outcome is refused.
		eb := s.loginAs(t, "eve@helix.example")
		mustContain(t, "Eve's overview", eb.getOK("/o/helix-ai/"), `data-work="action"`, "Quarterly reviews")
		if resp, body := eb.post(page+"/actions", page, "action_id", act, "done", "true", "outcome", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "say what was done") {
			t.Errorf("completing without an outcome: %d", resp.StatusCode)
		}
		if resp, _ := eb.post(page+"/actions", page, "action_id", act, "done", "true", "outcome", "Calendar series created; review held."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("complete: %d", resp.StatusCode)
		}
		body = eb.getOK(page)
		if strings.Contains(body, `id="verify-form"`) || !strings.Contains(body, `id="nc-stage">Awaiting verification`) {
			t.Error("the owner is offered verification, or the stage is wrong")
		}
		if resp, _ := eb.post(page+"/verification", page, "effective", "true", "note", "x"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the owner verifying: %d, want 403", resp.StatusCode)
		}
		// Dana owns neither the record nor its action: she verifies, once
		// the correction and cause are on record.
		mustContain(t, "Dana's view", dana.getOK(page), `id="verify-form"`)
		if resp, body := dana.post(page+"/verification", page, "effective", "true", "note", "Sampled 5 accounts."); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "root_cause") {
			t.Errorf("closing without a cause: %d", resp.StatusCode)
		}
		if resp, _ := eb.post(page, page, "title", "Registry access review skipped", "description", "No Q3 review record.",
			"requirement", "iso27001-2022:A.5.18", "grade", "minor", "due_date", "", "correction", "Review held late.",
			"root_cause", "Nobody owned the recurring review."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the owner recording the cause: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/verification", page, "effective", "true", "note", "Sampled 5 accounts; all correct."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("verify: %d", resp.StatusCode)
		}
		body = dana.getOK(page)
		mustContain(t, "the closed record", body, `id="nc-stage">Closed`, `id="nc-verified"`, "Sampled 5 accounts; all correct.")
		if strings.Contains(body, `id="action-form"`) || strings.Contains(body, `id="nc-edit"`) {
			t.Error("a closed record still offers changes")
		}
		mustContain(t, "closed records", dana.getOK(list+"?status=closed"), `id="nc-NC-001"`)
		if body := dana.getOK(list); strings.Contains(body, `id="nc-NC-001"`) {
			t.Error("the open register lists a closed record")
		}
		if resp, _ := dana.do("GET", list+"?status=maybe", nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a bad filter: %d", resp.StatusCode)
		}

		// A viewer reads and may not raise.
		vb := s.loginAs(t, "vic@helix.example")
		if body := vb.getOK(list + "?status=all"); strings.Contains(body, `id="raise-nc"`) || !strings.Contains(body, "NC-001") {
			t.Error("the viewer's register")
		}
		if resp, _ := vb.post(list, list, "title", "x", "grade", "minor", "description", "y"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer raising: %d", resp.StatusCode)
		}

		// A finding past its deadline, recorded in one step.
		if _, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "inference-1", Type: isms.AssetServer, OwnerID: eve.Member.ID,
			Attributes: map[string]string{"ip": "10.0.0.5"}}); err != nil {
			t.Fatal(err)
		}
		scan := nessustest.File("Old scan", time.Now().AddDate(0, 0, -40), nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5",
			Items: []nessustest.Item{{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL"}}})
		if _, err := s.svc.ImportNessus(ctx, op, "old.nessus", bytes.NewReader([]byte(scan))); err != nil {
			t.Fatal(err)
		}
		page2, err := s.svc.ListFindings(ctx, op, store.FindingFilter{})
		if err != nil || len(page2.Findings) != 1 {
			t.Fatalf("findings: %+v, %v", page2, err)
		}
		fpath := "/o/helix-ai/findings/" + page2.Findings[0].ID
		mustContain(t, "the overdue finding", dana.getOK(fpath), `id="raise-nc"`)
		resp, _ = dana.post(fpath+"/nonconformity", fpath)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/NC-002" {
			t.Fatalf("raise from the finding: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "the finding's record", dana.getOK(list+"/NC-002"), "Missed vulnerability deadline", `id="nc-finding"`, "A.8.8")
		mustContain(t, "the finding afterwards", dana.getOK(fpath), `id="finding-nc"`, "NC-002")
		if resp, body := dana.post(fpath+"/nonconformity", fpath); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "NC-002 already records") {
			t.Errorf("raising it twice: %d", resp.StatusCode)
		}
	})
}

// ncID returns the id of NC-001.
func ncID(t *testing.T, s *site, a app.Access) string {
	t.Helper()
	d, err := s.svc.Nonconformity(context.Background(), a, "NC-001")
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}
