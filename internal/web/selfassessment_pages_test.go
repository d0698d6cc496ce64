package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
)

// TestSelfAssessmentPages starts a run, answers a section with a gap,
// sees the score and plan, creates the tasks, is refused completion while
// questions are open; a viewer reads the run without its forms.
func TestSelfAssessmentPages(t *testing.T) {
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
		vic := s.loginAs(t, "vic@helix.example")

		const home = "/o/helix-ai/self-assessment"
		mustContain(t, "no run yet", dana.getOK(home), "No self-assessment yet.", `id="start-self-assessment"`, "Where do we stand?")
		resp, _ := dana.post(home, home)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != home+"/SA-001" {
			t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := home + "/SA-001"
		mustContain(t, "the questionnaire", dana.getOK(page), `id="form-4"`, `id="form-A-8"`, `name="answer.ai-model-registry"`,
			"No gaps in the answers so far.")
		if resp, body := dana.post(page, page, "section", "A.8", "answer.a8-mfa", "no", "note.a8-mfa", strings.Repeat("x", 2001)); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="section-errors"`) {
			t.Errorf("a long note: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page, page, "section", "A.8", "answer.a8-mfa", "no", "note.a8-mfa", "Only on email.",
			"answer.a8-endpoints", "yes", "answer.ai-model-registry", "partly"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer A.8: %d", resp.StatusCode)
		}
		body := dana.getOK(page)
		mustContain(t, "the results", body, `data-plan="a8-mfa"`, `data-plan="ai-model-registry"`, "Only on email.", `id="create-tasks"`)
		if strings.Index(body, `data-plan="a8-mfa"`) > strings.Index(body, `data-plan="ai-model-registry"`) {
			t.Error("a no of weight 3 is not before a partly of weight 3")
		}
		if resp, body := dana.post(page+"/status", page); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="status-error"`) {
			t.Errorf("completing with questions open: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/tasks", page); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create the tasks: %d", resp.StatusCode)
		}
		body = dana.getOK(page)
		if strings.Contains(body, `id="create-tasks"`) || strings.Count(body, "task created") != 2 {
			t.Errorf("after creating the tasks the button stays or the tasks are not shown")
		}
		mustContain(t, "the control's tasks", dana.getOK("/o/helix-ai/controls/iso27001-2022:A.8.5"), "Enforce multi-factor authentication everywhere")

		body = vic.getOK(page)
		if strings.Contains(body, `id="form-4"`) || strings.Contains(body, `id="create-tasks"`) {
			t.Error("a viewer sees the run's forms")
		}
		if resp, _ := vic.post(page+"/tasks", page); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer creating tasks: %d", resp.StatusCode)
		}
		if resp, _ := vic.post(home, home); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer starting a run: %d", resp.StatusCode)
		}
		if resp, _ := dana.do("GET", home+"/SA-009", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a missing run: %d", resp.StatusCode)
		}
	})
}
