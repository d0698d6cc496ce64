package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
)

// TestMetricPages makes a metric of the organisation's own, records its
// values, snapshots the built-in ones, and sets an objective measured by
// it, through the UI, with the refusals a viewer and a bad value meet.
func TestMetricPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s := newSiteOn(t, config.Default(), db, nil)
		ctx := context.Background()
		if _, err := s.svc.AddMember(ctx, s.operator(t), app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer",
			Password: password}); err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const list = "/o/helix-ai/metrics"
		mustContain(t, "the page", dana.getOK(list), "No objectives yet.", `id="snapshot"`, "SoA controls implemented",
			"Audit programme coverage", "Not measured yet", "Objectives and metrics")

		if resp, body := dana.post(list, list+"/new", "key", "Bad Key", "name", "", "direction", "higher"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) {
			t.Fatalf("a bad metric: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(list, list+"/new", "key", "ai-training", "name", "Staff trained in AI security", "unit", "%",
			"direction", "higher", "target", "100"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/ai-training" {
			t.Fatalf("making a metric: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := list + "/ai-training"
		if resp, body := dana.post(page+"/measurements", page, "value", "lots"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "is not a number") {
			t.Errorf("a value that is not a number: %d", resp.StatusCode)
		}
		if resp, body := dana.post(page+"/measurements", page, "value", "40", "at", "2099-01-01"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "in the future") {
			t.Errorf("a value from the future: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/measurements", page, "value", "40", "at", "2026-01-05", "note", "LMS export"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/measurements", page, "value", "65"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording today: %d", resp.StatusCode)
		}
		mustContain(t, "the metric", dana.getOK(page), "LMS export", `class="trend-line"`, `class="trend-target"`, "below target",
			`id="record-measurement"`)
		if resp, body := dana.post(list+"/controls-implemented/measurements", list+"/controls-implemented", "value", "5"); resp.StatusCode != http.StatusConflict ||
			!strings.Contains(body, "built in") {
			t.Errorf("recording a built-in metric by hand: %d", resp.StatusCode)
		}
		if resp, _ := dana.post("/o/helix-ai/metric-snapshots", list); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("snapshot: %d", resp.StatusCode)
		}
		mustContain(t, "a built-in metric", dana.getOK(list+"/risks-above-acceptance"), "snapshot", "Target")

		members, _, err := s.svc.ListMembers(ctx, s.operator(t), isms.MemberFilter{Role: isms.RoleOwner})
		if err != nil || len(members) != 1 {
			t.Fatalf("owners: %v %v", members, err)
		}
		form := url.Values{"csrf": {dana.csrf(list)}, "title": {"Every engineer trained in AI security"}, "target": {"100% of staff"},
			"due_date": {"2027-03-31"}, "owner_id": {members[0].ID}, "status": {"on_track"}, "metrics": {"ai-training", "controls-implemented"}}
		resp, _ := dana.do("POST", "/o/helix-ai/objectives", form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/objectives/OBJ-001" {
			t.Fatalf("setting an objective: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "the objective", dana.getOK("/o/helix-ai/objectives/OBJ-001"), "100% of staff", "from its metrics",
			"Staff trained in AI security", "SoA controls implemented")
		mustContain(t, "the list", dana.getOK(list), "OBJ-001")
		mustContain(t, "the overview", dana.getOK("/o/helix-ai/"), `id="metrics-card"`, "Staff trained in AI security")

		vic := s.loginAs(t, "vic@helix.example")
		body := vic.getOK(list)
		if strings.Contains(body, `id="snapshot"`) || strings.Contains(body, `id="new-objective"`) {
			t.Error("a viewer is offered changes")
		}
		if resp, _ := vic.post(page+"/measurements", page, "value", "70"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer recording: %d", resp.StatusCode)
		}
		if resp, _ := dana.post("/o/helix-ai/objectives/OBJ-001/delete", "/o/helix-ai/objectives/OBJ-001"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("deleting: %d", resp.StatusCode)
		}
		if resp, _ := dana.do("GET", "/o/helix-ai/objectives/OBJ-001", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleted objective: %d", resp.StatusCode)
		}
	})
}
