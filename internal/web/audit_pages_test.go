package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
)

// TestAuditPages runs an internal audit through the UI: the cycle set,
// an audit planned from a scope with a contributor as its auditor, a minor
// nonconformity recorded from the checklist that links to the register,
// the refusals on the way, the audit completed and its report downloaded.
func TestAuditPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		files, err := evidence.Open(t.TempDir(), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s := newSiteOn(t, config.Default(), db, files)
		ctx := context.Background()
		op := s.operator(t)
		eve, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "eve@helix.example", Name: "Eve Auditor", Role: "contributor", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer", Password: password}); err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const home = "/o/helix-ai/audits"
		mustContain(t, "the programme without a cycle", dana.getOK(home), `id="no-programme"`, `id="plan-audit"`, `id="coverage"`)
		if resp, body := dana.post(home+"/programme", home, "cycle_start", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "cycle_start") && !strings.Contains(body, "is required") {
			t.Errorf("a programme without a start: %d", resp.StatusCode)
		}
		start := time.Now().AddDate(0, -3, 0).Format(time.DateOnly)
		if resp, _ := dana.post(home+"/programme", home, "cycle_start", start, "notes", "By risk."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set the cycle: %d", resp.StatusCode)
		}
		mustContain(t, "the form", dana.getOK(home+"/new"), `id="audit-form"`, "9.2 Internal audit", "Eve Auditor")

		today := time.Now().Format(time.DateOnly)
		plan := url.Values{"title": {"Internal audit process"}, "scope": {"iso27001-2022:9.2"}, "criteria": {"ISO/IEC 27001:2022"},
			"planned_start": {today}, "planned_end": {today}}
		if resp, body := dana.postForm(home, home+"/new", plan); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "name at least one auditor") {
			t.Errorf("planning without an auditor: %d", resp.StatusCode)
		}
		plan.Set("auditors", eve.Member.ID)
		resp, _ := dana.postForm(home, home+"/new", plan)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != home+"/AUD-001" {
			t.Fatalf("plan: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := home + "/AUD-001"
		body := dana.getOK(page)
		mustContain(t, "the audit", body, `id="checklist"`, `data-item="iso27001-2022:9.2.1"`, `data-item="iso27001-2022:9.2.2"`,
			`name="result"`, `id="audit-start"`)
		item := regexp.MustCompile(`action="(/o/helix-ai/audits/AUD-001/items/[^"]+)" data-item-form="iso27001-2022:9.2.1"`).FindStringSubmatch(body)
		if item == nil {
			t.Fatal("no form for 9.2.1 on the checklist")
		}

		vic := s.loginAs(t, "vic@helix.example")
		if strings.Contains(vic.getOK(page), `name="result"`) {
			t.Error("a viewer is offered the result forms")
		}
		if resp, _ := vic.post(item[1], page, "result", "conforming"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer recording a result: %d", resp.StatusCode)
		}
		eveB := s.loginAs(t, "eve@helix.example")
		if resp, body := eveB.post(item[1], page, "result", "minor_nonconformity", "notes", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "are required for a finding") {
			t.Errorf("a finding without notes: %d", resp.StatusCode)
		}
		if resp, _ := eveB.post(item[1], page, "result", "minor_nonconformity", "notes", "The programme names no audit of clause 8.",
			"evidence", "https://wiki.helix.example/audit-programme Programme 2026"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record a minor nonconformity: %d", resp.StatusCode)
		}
		body = eveB.getOK(page)
		mustContain(t, "the recorded finding", body, `class="nc-link" href="/o/helix-ai/nonconformities/NC-001"`, `data-result="minor_nonconformity"`,
			"Programme 2026")
		mustContain(t, "the register", dana.getOK("/o/helix-ai/nonconformities/NC-001"), "Internal audit", "AUD-001", "9.2.1")

		if resp, body := dana.post(page+"/status", page, "status", "completed"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "no result") {
			t.Errorf("completing with items open: %d", resp.StatusCode)
		}
		other := regexp.MustCompile(`action="(/o/helix-ai/audits/AUD-001/items/[^"]+)" data-item-form="iso27001-2022:9.2.2"`).FindStringSubmatch(body)
		if other == nil {
			t.Fatal("no form for 9.2.2 on the checklist")
		}
		if resp, _ := eveB.post(other[1], page, "result", "conforming"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record a conforming item: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/status", page, "status", "completed"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("complete: %d", resp.StatusCode)
		}
		mustContain(t, "the completed audit", dana.getOK(page), `id="audit-status">Completed`, `id="audit-completed"`)
		mustContain(t, "the programme", dana.getOK(home), `id="audit-AUD-001"`, `id="coverage-9" data-covered="2"`)
		for _, format := range []string{"pdf", "xlsx"} {
			if resp, _ := vic.do("GET", page+"/report?format="+format, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("report as %s: %d", format, resp.StatusCode)
			}
		}
		if resp, _ := vic.do("GET", page+"/report?format=doc", nil); resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("report in an unknown format: %d", resp.StatusCode)
		}
	})
}
