package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
)

// TestReviewAndCertificationPages plans a review through the UI, sees its
// inputs compile a nonconformity raised and closed in the period, holds it
// and approves the minutes; records a certification cycle with an audit
// and its finding; a viewer reads but gets no forms.
func TestReviewAndCertificationPages(t *testing.T) {
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
		dana := s.browser(t)
		dana.login(password)
		members, _, err := s.svc.ListMembers(ctx, op, isms.MemberFilter{})
		if err != nil || len(members) == 0 {
			t.Fatal(err)
		}
		me := members[0].ID
		str := func(v string) *string { return &v }
		n, err := s.svc.RaiseNonconformity(ctx, op, app.NCInput{Grade: str("minor"), Source: "internal_audit", Title: str("Leavers kept VPN access"),
			Description: str("Two leavers."), OwnerID: &me, Correction: str("Removed."), RootCause: str("No HR trigger.")})
		if err != nil {
			t.Fatal(err)
		}
		due := time.Now().AddDate(0, 0, 7)
		if _, err := s.svc.SaveCorrectiveAction(ctx, op, n.ID, "", app.CorrectiveActionInput{Title: str("HR trigger"), OwnerID: &me, DueDate: &due}); err != nil {
			t.Fatal(err)
		}
		d, _ := s.svc.Nonconformity(ctx, op, n.ID)
		done := true
		if _, err := s.svc.SaveCorrectiveAction(ctx, op, n.ID, d.Actions[0].ID, app.CorrectiveActionInput{Done: &done, Outcome: str("Wired.")}); err != nil {
			t.Fatal(err)
		}
		vic := s.loginAs(t, "vic@helix.example")
		vicID := ""
		for _, m := range members {
			if m.Email == "vic@helix.example" {
				vicID = m.ID
			}
		}
		// The verifier owns neither the record nor its action.
		vicAcc := op
		vicAcc.Member.ID, vicAcc.Role = vicID, isms.RoleISMSManager
		if _, err := s.svc.VerifyNonconformity(ctx, vicAcc, n.ID, true, "Checked."); err != nil {
			t.Fatal(err)
		}

		const home = "/o/helix-ai/reviews"
		mustContain(t, "no review yet", dana.getOK(home), "No management review recorded yet.", `id="review-form"`)
		if resp, body := dana.post(home, home, "title", "", "meeting_date", "", "chair_id", me); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) {
			t.Errorf("an empty review: %d", resp.StatusCode)
		}
		// The first review's period starts when the organisation's records
		// do, today, so the meeting is today too.
		today := time.Now().UTC().Format(time.DateOnly)
		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		resp, _ := dana.post(home, home, "title", "Management review 2026", "meeting_date", today, "chair_id", me, "attendees", me,
			"guests", "Marta (Certa)")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != home+"/MR-001" {
			t.Fatalf("plan the review: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := home + "/MR-001"
		mustContain(t, "the draft", dana.getOK(page), `id="inputs-missing"`, `id="compile-inputs"`, "Marta (Certa)")
		if resp, body := dana.post(page+"/status", page, "status", "held"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "not compiled") {
			t.Errorf("holding it uncompiled: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/inputs", page); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("compile: %d", resp.StatusCode)
		}
		body := dana.getOK(page)
		i := strings.Index(body, `id="input-nonconformities"`)
		if i < 0 {
			t.Fatalf("no nonconformities input:\n%s", body)
		}
		mustContain(t, "the nonconformities input", body[i:], "NC-001", "Leavers kept VPN access", "Closed")
		mustContain(t, "the other inputs", body, `id="input-previous-actions"`, `id="input-risks"`, `id="input-objectives"`, "not recorded in isms")
		if resp, _ := dana.post(page+"/status", page, "status", "held"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("hold: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/decisions", page, "text", "Fund a second engineer."); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("decision: %d", resp.StatusCode)
		}
		if resp, body := dana.post(page+"/actions", page, "title", "Hire", "owner_id", me, "due_date", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "due_date") {
			t.Errorf("an action without a date: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/actions", page, "title", "Hire", "owner_id", me, "due_date", "2031-01-31"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("action: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/status", page, "status", "approved"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		mustContain(t, "the approved review", dana.getOK(page), `id="review-approved"`, "Fund a second engineer.", "Hire")
		if resp, _ := dana.do("GET", page+"/minutes", nil); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("minutes: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		body = vic.getOK(page)
		if strings.Contains(body, `id="decision-form"`) || strings.Contains(body, `id="review-edit"`) {
			t.Error("a viewer sees the review's forms")
		}
		if resp, _ := vic.post(home+"/MR-001/decisions", page, "text", "x"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer recording a decision: %d", resp.StatusCode)
		}

		const cert = "/o/helix-ai/certification"
		mustContain(t, "no cycle yet", dana.getOK(cert), `id="cert-none"`, `id="cycle-form"`)
		if resp, body := dana.post(cert+"/cycles", cert, "body", "", "scope", "x"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="cycle-errors"`) {
			t.Errorf("a cycle without a body: %d", resp.StatusCode)
		}
		issued := time.Now().UTC().AddDate(-1, -2, 0).Format(time.DateOnly)
		if resp, _ := dana.post(cert+"/cycles", cert, "body", "Certa", "scope", "The platform", "certificate_number", "C-1",
			"issued_on", issued); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start the cycle: %d", resp.StatusCode)
		}
		mustContain(t, "the cycle", dana.getOK(cert), `id="cert-number">C-1`, `data-due="surveillance1" class="is-overdue"`)
		if resp, _ := dana.post(cert+"/audits", cert, "kind", "surveillance1", "done_date", yesterday, "result", "Maintained."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record the audit: %d", resp.StatusCode)
		}
		c, err := s.svc.Certification(ctx, op)
		if err != nil || len(c.Audits) != 1 {
			t.Fatalf("certification: %+v %v", c, err)
		}
		resp, _ = dana.post(cert+"/audits/"+c.Audits[0].ID+"/findings", cert, "kind", "nonconformity", "grade", "minor",
			"title", "Supplier reviews late", "description", "Two unreviewed.")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/nonconformities/NC-002" {
			t.Fatalf("raise the finding: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "the audit with its finding", dana.getOK(cert), "NC-002", "Supplier reviews late", `id="cert-next">Surveillance audit, year 2`)
		mustContain(t, "the overview", dana.getOK("/o/helix-ai/"), `id="cert-card"`, "Surveillance audit, year 2")
		if strings.Contains(vic.getOK(cert), `id="cycle-form"`) {
			t.Error("a viewer sees the cycle form")
		}
	})
}
