package web_test

import (
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
)

// TestContinuityPages builds the register through the UI: an analysis
// refused for an RTO beyond its MTPD and then saved with a dependency, a
// plan covering it, a test that missed the RTO, a follow-up raised as a
// nonconformity, and the figures on the register and on A.8.14; a viewer
// reads but gets no forms.
func TestContinuityPages(t *testing.T) {
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
		gpus, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "GPU cluster eu-west", Type: isms.AssetComputeCluster})
		if err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const home = "/o/helix-ai/continuity"
		mustContain(t, "the empty register", dana.getOK(home), "No business impact analysis yet.", `id="new-bia"`, "No continuity plan yet.")
		body := dana.getOK(home + "/bias/new")
		mustContain(t, "the analysis form", body, `id="bia-form"`, "GPU cluster eu-west", "impact_72_regulatory")

		form := func(page string, kv ...string) url.Values {
			v := url.Values{"csrf": {dana.csrf(page)}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Add(kv[i], kv[i+1])
			}
			return v
		}
		// The operator is no member: the analysis and plan go to the
		// organisation's first member, who signed in as dana.
		members, _, err := s.svc.ListMembers(ctx, op, isms.MemberFilter{})
		if err != nil || len(members) == 0 {
			t.Fatal(err)
		}
		owner := members[0].ID
		resp, body := dana.do("POST", home+"/bias", form(home+"/bias/new", "name", "Chat inference", "owner_id", owner, "criticality", "critical",
			"rto_hours", "48", "rpo_hours", "1", "mtpd_hours", "24", "impact_24_financial", "7", "dependencies", gpus.ID))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("RTO beyond the MTPD: %d", resp.StatusCode)
		}
		mustContain(t, "the refused analysis", body, `id="form-errors"`, "maximum tolerable downtime", "24h financial")
		resp, _ = dana.do("POST", home+"/bias", form(home+"/bias/new", "name", "Chat inference", "owner_id", owner, "criticality", "critical",
			"rto_hours", "4", "rpo_hours", "1", "mtpd_hours", "24", "impact_24_financial", "4", "dependencies", gpus.ID))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != home+"/bias/BIA-001" {
			t.Fatalf("save the analysis: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "the analysis", dana.getOK(home+"/bias/BIA-001"), `id="flag-no-plan"`, "GPU cluster eu-west", `id="bia-rto">4 hours`)

		resp, _ = dana.do("POST", home+"/plans", form(home+"/plans/new", "title", "Inference recovery", "owner_id", owner,
			"steps", "Fail over to eu-central.", "version", "1.0", "approved_at", time.Now().UTC().Format(time.DateOnly), "bias", "BIA-001"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != home+"/plans/BCP-001" {
			t.Fatalf("save the plan: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		plan := home + "/plans/BCP-001"
		mustContain(t, "the untested plan", dana.getOK(plan), `id="flag-never-tested"`, `id="plan-rto">4 hours`, `id="test-form"`)

		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		if resp, body := dana.post(plan+"/tests", plan, "tested_on", yesterday, "kind", "failover_inference_endpoint", "result", "fail",
			"scope", "eu-west to eu-central", "recovery_minutes", "soon"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "whole number") {
			t.Errorf("a test with words for minutes: %d", resp.StatusCode)
		}
		if resp, body := dana.post(plan+"/tests", plan, "tested_on", yesterday, "kind", "failover_inference_endpoint", "result", "fail",
			"scope", "eu-west to eu-central"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="test-errors"`) {
			t.Errorf("a failed test without findings: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(plan+"/tests", plan, "tested_on", yesterday, "kind", "failover_inference_endpoint", "result", "partial",
			"scope", "eu-west to eu-central", "recovery_minutes", "310", "findings", "GPU quota had lapsed.",
			"follow_ups", "Reserve standby GPU quota\nLower the DNS TTL"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record the test: %d", resp.StatusCode)
		}
		body = dana.getOK(plan)
		mustContain(t, "the tested plan", body, `id="flag-missed-rto"`, "5h 10min", "Reserve standby GPU quota", "Raise as a nonconformity")
		if resp, body := dana.post(home+"/tests/BCT-001/follow-ups", plan, "title", ""); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "is required") {
			t.Errorf("an empty follow-up: %d", resp.StatusCode)
		}
		d, err := s.svc.PlanDetail(ctx, op, "BCP-001")
		if err != nil || len(d.Tests) != 1 || len(d.Tests[0].FollowUps) != 2 {
			t.Fatalf("plan after the test: %+v %v", d, err)
		}
		raise := home + "/tests/" + d.Tests[0].ID + "/follow-ups/" + d.Tests[0].FollowUps[0].ID + "/nonconformity"
		resp, _ = dana.post(raise, plan)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/nonconformities/NC-001" {
			t.Fatalf("raise the follow-up: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, body := dana.post(raise, plan); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "NC-001 already") {
			t.Errorf("raising it again: %d", resp.StatusCode)
		}
		mustContain(t, "the plan with the raised follow-up", dana.getOK(plan), ">NC-001</a>")

		mustContain(t, "the register", dana.getOK(home+"?flagged=1&criticality=critical&q=chat"), `id="bia-BIA-001"`, "RTO missed",
			`id="count-missed-rto">1<`, `id="export-xlsx"`)
		if resp, body := dana.do("GET", home+"?criticality=vital", nil); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(body, `id="filter-problems"`) {
			t.Errorf("a bad filter: %d", resp.StatusCode)
		}
		if body := dana.getOK(home + "/export?format=csv"); !strings.Contains(body, "BIA-001,Chat inference,Critical") {
			t.Errorf("CSV export: %q", body)
		}
		mustContain(t, "A.8.14", dana.getOK("/o/helix-ai/controls/iso27001-2022:A.8.14"), `id="continuity-evidence"`, `id="continuity-missed"`)
		if body := dana.getOK("/o/helix-ai/controls/iso27001-2022:A.5.1"); strings.Contains(body, `id="continuity-evidence"`) {
			t.Error("A.5.1 shows the continuity figures")
		}

		vic := s.loginAs(t, "vic@helix.example")
		body = vic.getOK(plan)
		if strings.Contains(body, `id="test-form"`) || strings.Contains(body, "Raise as a nonconformity") || strings.Contains(body, `id="edit-plan"`) {
			t.Error("a viewer sees the plan's forms")
		}
		if resp, _ := vic.do("GET", home+"/bias/new", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer opening the analysis form: %d", resp.StatusCode)
		}
	})
}
