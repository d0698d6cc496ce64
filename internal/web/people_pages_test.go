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
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

var idAfter = func(prefix string) *regexp.Regexp { return regexp.MustCompile(prefix + `([0-9a-f-]{36})`) }

// TestPeoplePages keeps roles, people, courses and a leaver's checklist
// through the UI: forms refused and accepted, an import with its problems
// by line, the overdue training list, and the figures on A.6.3.
func TestPeoplePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s := newSiteOn(t, config.Default(), db, nil)
		ctx := context.Background()
		op := s.operator(t)
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer", Password: password}); err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const base = "/o/helix-ai/"

		// A role, with a RACI that leaves areas without an accountable role.
		if resp, body := dana.post(base+"roles", base+"roles/new", "name", "", "raci.A.5", "X"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) {
			t.Fatalf("a role without a name: %d", resp.StatusCode)
		}
		resp, _ := dana.post(base+"roles", base+"roles/new", "name", "AI system owner", "responsibilities", "Answers for a model in production.",
			"competence", "Threat modelling of ML systems\nModel cards", "raci.A.8", "A", "raci.A.5", "R")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a role: %d", resp.StatusCode)
		}
		roleID := idAfter(base + "roles/").FindStringSubmatch(resp.Header.Get("Location"))[1]
		mustContain(t, "the role", dana.getOK(base+"roles/"+roleID), "Threat modelling of ML systems", `raci-A`)
		mustContain(t, "the roles", dana.getOK(base+"roles"), `id="raci-gaps"`, `data-area="A.6"`, "AI system owner")
		mustContain(t, "the role form", dana.getOK(base+"roles/"+roleID+"/edit"), `value="A" selected`)

		// People: refused, added, edited.
		if resp, body := dana.post(base+"people", base+"people/new", "name", "Tomás", "email", "not-an-email"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "is not an email address") {
			t.Fatalf("a person with a bad email: %d", resp.StatusCode)
		}
		form := url.Values{"name": {"Tomás Ortega"}, "email": {"tomas@helix.example"}, "team": {"ML platform"}, "job_title": {"Staff engineer"},
			"start_date": {time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)}, "role_ids": {roleID}}
		resp, _ = dana.submitForm(base+"people", base+"people/new", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a person: %d", resp.StatusCode)
		}
		tomas := idAfter(base + "people/").FindStringSubmatch(resp.Header.Get("Location"))[1]
		body := dana.getOK(base + "people/" + tomas)
		mustContain(t, "the person", body, `id="person-status">Active`, "AI system owner", `id="start-joiner"`, `id="start-leaver"`)
		if resp, _ := dana.submitForm(base+"people", base+"people/new", url.Values{"name": {"Again"}, "email": {"TOMAS@helix.example"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a second person with the email: %d", resp.StatusCode)
		}
		mustContain(t, "the edit form", dana.getOK(base+"people/"+tomas+"/edit"), `value="Tomás Ortega"`, `value="`+roleID+`" checked`)

		// Courses: yearly awareness for everyone, AI security for the role.
		resp, _ = dana.post(base+"training", base+"training/new", "title", "Security awareness", "recurrence_months", "12")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a course: %d", resp.StatusCode)
		}
		awareness := idAfter(base + "training/").FindStringSubmatch(resp.Header.Get("Location"))[1]
		if resp, body := dana.post(base+"training", base+"training/new", "title", "x", "recurrence_months", "often"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "not a number of months") {
			t.Errorf("a course with a bad recurrence: %d", resp.StatusCode)
		}
		resp, _ = dana.submitForm(base+"training", base+"training/new", url.Values{"title": {"AI security"}, "recurrence_months": {"0"},
			"ai_security": {"true"}, "audience": {roleID}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add the AI course: %d", resp.StatusCode)
		}
		// Tomás took awareness 14 months ago: overdue. A date in the
		// future is refused.
		page := base + "people/" + tomas
		if resp, body := dana.post(page+"/training", page, "course_id", awareness, "completed_at", time.Now().AddDate(0, 0, 3).Format(time.DateOnly)); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "in the future") {
			t.Errorf("training in the future: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/training", page, "course_id", awareness, "completed_at", time.Now().AddDate(0, -14, 0).Format(time.DateOnly)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record training: %d", resp.StatusCode)
		}
		body = dana.getOK(base + "training")
		mustContain(t, "the overdue list", body, `data-state="overdue"`, "Tomás Ortega", "Security awareness")
		mustContain(t, "A.6.3", dana.getOK(base+"controls/iso27001-2022:A.6.3"), `id="training-metrics"`, "Awareness training, now", "0 of 2 required")
		mustContain(t, "the staff list", dana.getOK(base+"people?role="+roleID), "Tomás Ortega", "1 overdue")

		// A leaver: the checklist needs the last day, and its access steps
		// record the removal.
		if resp, body := dana.post(page+"/checklists", page, "kind", "leaver"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="checklist-error"`) {
			t.Errorf("a leaver checklist without a last day: %d", resp.StatusCode)
		}
		last := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
		if resp, _ := dana.post(page+"/checklists", page, "kind", "leaver", "end_date", last); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start the leaver checklist: %d", resp.StatusCode)
		}
		d, err := s.svc.Person(ctx, op, tomas)
		if err != nil || len(d.Checklists) != 1 {
			t.Fatalf("tomas: %+v %v", d, err)
		}
		cl := d.Checklists[0]
		for _, it := range cl.Items {
			if it.AccessRemoval {
				if resp, _ := dana.post(base+"checklists/"+cl.ID+"/items", page, "item_id", it.ID, "done", "true"); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("tick %s: %d", it.Title, resp.StatusCode)
				}
			}
		}
		mustContain(t, "the leaver", dana.getOK(page), `id="person-status">Leaving`, `id="access-removed"`, "Model registry access removed",
			`data-done="true"`, "Dana")
		if resp, _ := dana.post(base+"checklists/"+cl.ID+"/items", page, "title", ""); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("an item without a title: %d", resp.StatusCode)
		}

		// Import: problems by line, nothing kept; then the file imports.
		bad := "name,email,roles\nAnn,ann@helix.example,AI system owner\nBob,bob@helix.example,Wizard\n"
		resp, body = dana.uploadFile(base+"people/import", base+"people/import", "hr.csv", []byte(bad))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "line 3") || !strings.Contains(body, "Wizard") {
			t.Errorf("an import with a problem: %d", resp.StatusCode)
		}
		good := "name,email,team,roles\nAnn Analyst,ann@helix.example,Security,AI system owner\n"
		resp, body = dana.uploadFile(base+"people/import", base+"people/import", "hr.csv", []byte(good))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="import-created">1<`) {
			t.Errorf("import: %d", resp.StatusCode)
		}
		resp, body = dana.do("GET", base+"people/export?format=csv", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Ann Analyst,ann@helix.example,Security") {
			t.Errorf("export: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := dana.do("GET", base+"people/export?format=xlsx", nil); resp.StatusCode != http.StatusOK ||
			!strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("xlsx export: %d", resp.StatusCode)
		}

		// A viewer reads, and is offered no form.
		vic := s.loginAs(t, "vic@helix.example")
		body = vic.getOK(page)
		if strings.Contains(body, `id="training-form"`) || strings.Contains(body, `id="edit-person"`) {
			t.Error("a viewer is offered changes")
		}
		if resp, _ := vic.do("GET", base+"people/new", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer opening the form: %d", resp.StatusCode)
		}
		if resp, _ := vic.post(page+"/training", page, "course_id", awareness, "completed_at", time.Now().Format(time.DateOnly)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer recording training: %d", resp.StatusCode)
		}
	})
}

// TestAccessReviewPages runs a campaign through the UI: opened, accounts
// listed and imported, decided by its reviewer from Your work, completed,
// and its evidence listed on A.5.18.
func TestAccessReviewPages(t *testing.T) {
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
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "carl@helix.example", Name: "Carl", Role: "contributor", Password: password}); err != nil {
			t.Fatal(err)
		}
		registry, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "Model registry", Type: isms.AssetModelRegistry})
		if err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const list = "/o/helix-ai/access-reviews"
		mustContain(t, "the empty list", dana.getOK(list), "No access reviews yet.", `id="open-review"`)
		mustContain(t, "the form", dana.getOK(list+"/new"), `id="review-form"`, "Eve Engineer", "Model registry")

		if resp, body := dana.submitForm(list, list+"/new", url.Values{"title": {""}, "due_date": {""}}); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) {
			t.Fatalf("opening an empty review: %d", resp.StatusCode)
		}
		resp, _ := dana.submitForm(list, list+"/new", url.Values{"title": {"Model registry, Q3"}, "systems": {"MLflow"},
			"asset_ids": {registry.ID}, "reviewer_ids": {eve.Member.ID}, "due_date": {time.Now().AddDate(0, 0, 7).Format(time.DateOnly)},
			"period_start": {"2026-07-01"}, "period_end": {"2026-09-30"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/AR-001" {
			t.Fatalf("open: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := list + "/AR-001"
		mustContain(t, "the campaign", dana.getOK(page), `id="review-status">Open`, "Eve Engineer", `id="account-form"`, `id="account-import"`)
		if resp, _ := dana.post(page+"/accounts", page, "system", "MLflow", "account", "alice", "holder", "Alice", "rights", "publish"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("list an account: %d", resp.StatusCode)
		}
		if resp, body := dana.post(page+"/accounts", page, "system", "MLflow", "account", "alice", "rights", "read"); resp.StatusCode != http.StatusConflict ||
			!strings.Contains(body, "listed in AR-001 already") {
			t.Errorf("an account listed twice: %d", resp.StatusCode)
		}
		resp, body := dana.uploadFile(page+"/import", page, "accounts.csv", []byte("system,account,rights\nMLflow,bob,read\n,carol,\n"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="import-problems"`) || !strings.Contains(body, "line 3") {
			t.Errorf("an import with problems: %d", resp.StatusCode)
		}
		resp, _ = dana.uploadFile(page+"/import", page, "accounts.csv", []byte("system,account,holder,rights\nMLflow,bob,Bob,read\nMLflow,svc-train,pipeline,admin\n"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d", resp.StatusCode)
		}
		if resp, body := dana.post(page+"/complete", page); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "not decided yet") {
			t.Errorf("completing too early: %d", resp.StatusCode)
		}

		// The reviewer finds it under Your work and decides; someone else
		// may not.
		d, err := s.svc.AccessReview(ctx, op, "AR-001")
		if err != nil || len(d.Accounts) != 3 {
			t.Fatalf("campaign: %+v %v", d, err)
		}
		carl := s.loginAs(t, "carl@helix.example")
		if resp, _ := carl.post(page+"/decisions", page, "account_id", d.Accounts[0].ID, "decision", "keep"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("someone who is not a reviewer deciding: %d", resp.StatusCode)
		}
		eb := s.loginAs(t, "eve@helix.example")
		mustContain(t, "Eve's overview", eb.getOK("/o/helix-ai/"), `data-work="access-review"`, "AR-001", "0 of 3 accounts decided")
		decisions := map[string][2]string{"alice": {"keep", ""}, "bob": {"change", "read only from now on"}, "svc-train": {"revoke", "pipeline retired"}}
		for _, acc := range d.Accounts {
			dec := decisions[acc.Account]
			if dec[0] == "change" {
				if resp, body := eb.post(page+"/decisions", page, "account_id", acc.ID, "decision", "change", "note", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
					!strings.Contains(body, "say what its rights become") {
					t.Errorf("a change without a note: %d", resp.StatusCode)
				}
			}
			if resp, _ := eb.post(page+"/decisions", page, "account_id", acc.ID, "decision", dec[0], "note", dec[1]); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("decide %s: %d", acc.Account, resp.StatusCode)
			}
		}
		mustContain(t, "the decided campaign", eb.getOK(page), `id="complete-review"`, `id="tally-revoked">1<`, `data-decision="change"`)
		if resp, _ := eb.post(page+"/complete", page); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("complete: %d", resp.StatusCode)
		}
		body = dana.getOK(page)
		mustContain(t, "the complete campaign", body, `id="review-status">Complete`, `id="review-evidence"`, "Access review AR-001: Model registry, Q3")
		if strings.Contains(body, `id="account-form"`) || strings.Contains(body, `class="decision"`) {
			t.Error("a complete campaign still offers changes")
		}
		evidenceLink := idAfter(`/o/helix-ai/evidence/`).FindStringSubmatch(body)
		if evidenceLink == nil {
			t.Fatal("no evidence link on the campaign")
		}
		control := dana.getOK("/o/helix-ai/controls/iso27001-2022:A.5.18")
		mustContain(t, "A.5.18", control, "Access review AR-001: Model registry, Q3", `id="evidence-`+evidenceLink[1]+`"`)
		mustContain(t, "the evidence", dana.getOK("/o/helix-ai/evidence/"+evidenceLink[1]), "Accounts reviewed: 3", "Revoked: 1", "Eve Engineer")
		if resp, _ := dana.post(page+"/decisions", page, "account_id", d.Accounts[0].ID, "decision", "revoke"); resp.StatusCode != http.StatusConflict {
			t.Errorf("deciding after completion: %d", resp.StatusCode)
		}
		mustContain(t, "the list", dana.getOK(list+"?status=complete"), `data-status="complete"`, "AR-001")
		rows, err := s.svc.AccessReviews(ctx, op, store.AccessReviewFilter{Complete: true})
		if err != nil || len(rows) != 1 {
			t.Errorf("complete campaigns: %+v %v", rows, err)
		}
	})
}
