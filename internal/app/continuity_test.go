package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// TestContinuity walks the register from an analysis to a test that
// missed its RTO and a follow-up raised as a nonconformity, with the flags
// an auditor looks for on the way and the refusals.
func TestContinuity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)
		registry, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "Model registry", Type: isms.AssetModelRegistry, OwnerID: manager.Member.ID})
		if err != nil {
			t.Fatal(err)
		}
		gpus, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "GPU cluster", Type: isms.AssetComputeCluster, OwnerID: manager.Member.ID})
		if err != nil {
			t.Fatal(err)
		}
		review := e.clock.AddDate(0, 6, 0)
		valid := app.BIAInput{Name: "Chat inference service", OwnerID: manager.Member.ID, Criticality: "critical", RTOHours: 4, RPOHours: 1,
			MTPDHours: 24, Impacts: [4]isms.ImpactRating{{Financial: 2, Reputational: 3}, impact(3, 4, 2, 4), impact(4, 5, 3, 5),
				impact(5, 5, 4, 5)},
			ReviewDate: &review, DependencyIDs: []string{registry.ID, gpus.ID, registry.ID}}

		for _, who := range []app.Access{engineer, viewer, auditor} {
			if _, err := e.svc.SaveBIA(ctx, who, "", valid); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s writing an analysis: err = %v, want forbidden", who.Role, err)
			}
		}
		for _, tc := range []struct {
			name   string
			edit   func(*app.BIAInput)
			fields []string
		}{
			{"nothing", func(in *app.BIAInput) { *in = app.BIAInput{} }, []string{"name", "owner", "criticality", "rto_hours", "mtpd_hours"}},
			{"RTO beyond MTPD", func(in *app.BIAInput) { in.RTOHours, in.MTPDHours = 48, 24 }, []string{"rto_hours"}},
			{"negative RPO", func(in *app.BIAInput) { in.RPOHours = -1 }, []string{"rpo_hours"}},
			{"rating of 6", func(in *app.BIAInput) { in.Impacts[2].Regulatory = 6 }, []string{"impacts.24h.regulatory"}},
			{"unknown criticality", func(in *app.BIAInput) { in.Criticality = "vital" }, []string{"criticality"}},
			{"foreign asset", func(in *app.BIAInput) { in.DependencyIDs = []string{"nope"} }, []string{"dependencies"}},
			{"auditor as owner", func(in *app.BIAInput) { in.OwnerID = auditor.Member.ID }, []string{"owner"}},
		} {
			in := valid
			tc.edit(&in)
			_, err := e.svc.SaveBIA(ctx, manager, "", in)
			wantFields(t, err, tc.fields...)
		}
		bia, err := e.svc.SaveBIA(ctx, manager, "", valid)
		if err != nil {
			t.Fatal(err)
		}
		if bia.Ref() != "BIA-001" {
			t.Errorf("ref = %s", bia.Ref())
		}
		d, err := e.svc.BIADetail(ctx, auditor, "bia-1")
		if err != nil || len(d.Dependencies) != 2 || !d.NoPlan || d.ReviewOverdue || d.Impacts[3].Regulatory != 4 {
			t.Fatalf("BIA-001 = %+v, %v; want two dependencies, flagged critical without a plan", d, err)
		}
		if err := e.svc.DeleteAsset(ctx, manager, gpus.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("deleting a dependency: err = %v, want conflict", err)
		}
		// Dropping a dependency removes only its link.
		valid.DependencyIDs = []string{registry.ID}
		if _, err := e.svc.SaveBIA(ctx, manager, bia.ID, valid); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.svc.BIADetail(ctx, viewer, bia.ID); len(d.Dependencies) != 1 || d.Dependencies[0].Name != "Model registry" {
			t.Errorf("dependencies after the change = %+v", d.Dependencies)
		}
		if err := e.svc.DeleteAsset(ctx, manager, gpus.ID); err != nil {
			t.Errorf("deleting an asset nothing depends on: %v", err)
		}
		minor, err := e.svc.SaveBIA(ctx, manager, "", app.BIAInput{Name: "Evaluation dashboards", OwnerID: engineer.Member.ID,
			Criticality: "low", RTOHours: 72, MTPDHours: 168})
		if err != nil {
			t.Fatal(err)
		}

		// A plan, which takes away the flag.
		planIn := app.PlanInput{Title: "Inference recovery", OwnerID: manager.Member.ID, Steps: "1. Fail over to eu-west.\n2. Restore the registry.",
			Version: "1.0", ApprovedAt: &e.clock, BIAs: []string{"BIA-1", minor.ID}}
		for _, tc := range []struct {
			name   string
			edit   func(*app.PlanInput)
			fields []string
		}{
			{"nothing", func(in *app.PlanInput) { *in = app.PlanInput{} }, []string{"title", "owner", "steps"}},
			{"unknown analysis", func(in *app.PlanInput) { in.BIAs = []string{"BIA-9"} }, []string{"bias"}},
			{"unknown evidence", func(in *app.PlanInput) { in.EvidenceID = "nope" }, []string{"evidence_id"}},
			{"approved tomorrow", func(in *app.PlanInput) { tomorrow := e.clock.AddDate(0, 0, 1); in.ApprovedAt = &tomorrow }, []string{"approved_at"}},
		} {
			in := planIn
			tc.edit(&in)
			_, err := e.svc.SavePlan(ctx, manager, "", in)
			wantFields(t, err, tc.fields...)
		}
		if _, err := e.svc.SavePlan(ctx, viewer, "", planIn); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer writing a plan: err = %v, want forbidden", err)
		}
		plan, err := e.svc.SavePlan(ctx, manager, "", planIn)
		if err != nil {
			t.Fatal(err)
		}
		pv, err := e.svc.PlanDetail(ctx, viewer, "BCP-001")
		if err != nil || len(pv.BIAs) != 2 || pv.RTOHours != 4 || !pv.NeverTested || pv.MissedRTO {
			t.Fatalf("BCP-001 = %+v, %v; want two analyses, the tighter RTO of 4 hours, never tested", pv, err)
		}
		if d, _ := e.svc.BIADetail(ctx, viewer, bia.ID); d.NoPlan || len(d.Plans) != 1 {
			t.Errorf("BIA-001 with a plan = %+v", d)
		}

		// Tests: a failover that took five hours against a four-hour RTO.
		five := 300
		testIn := app.TestInput{TestedOn: e.clock.AddDate(0, 0, -2), Kind: "failover_inference_endpoint", Scope: "chat-api from eu-central to eu-west",
			Result: "partial", RecoveryMinutes: &five, Findings: "DNS TTL of 1 hour delayed the cut-over.", FollowUps: []string{"Lower the DNS TTL to 60 s", ""}}
		for _, tc := range []struct {
			name   string
			edit   func(*app.TestInput)
			fields []string
		}{
			{"tomorrow", func(in *app.TestInput) { in.TestedOn = e.clock.AddDate(0, 0, 1) }, []string{"tested_on"}},
			{"unknown kind", func(in *app.TestInput) { in.Kind = "drill" }, []string{"kind"}},
			{"failed without findings", func(in *app.TestInput) { in.Result, in.Findings = "fail", "" }, []string{"findings"}},
			{"no scope, bad result", func(in *app.TestInput) { in.Scope, in.Result = "", "ok" }, []string{"scope", "result"}},
			{"negative time", func(in *app.TestInput) { m := -5; in.RecoveryMinutes = &m }, []string{"recovery_minutes"}},
		} {
			in := testIn
			tc.edit(&in)
			_, err := e.svc.RecordContinuityTest(ctx, manager, plan.ID, in)
			wantFields(t, err, tc.fields...)
		}
		if _, err := e.svc.RecordContinuityTest(ctx, auditor, plan.ID, testIn); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("an auditor recording a test: err = %v, want forbidden", err)
		}
		if _, err := e.svc.RecordContinuityTest(ctx, manager, "BCP-9", testIn); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("a test of no plan: err = %v, want not found", err)
		}
		test, err := e.svc.RecordContinuityTest(ctx, manager, plan.Ref(), testIn)
		if err != nil {
			t.Fatal(err)
		}
		pv, err = e.svc.PlanDetail(ctx, viewer, plan.ID)
		if err != nil || len(pv.Tests) != 1 || !pv.Tests[0].MissedRTO || !pv.MissedRTO || pv.NeverTested || pv.TestStale ||
			len(pv.Tests[0].FollowUps) != 1 {
			t.Fatalf("BCP-001 after the test = %+v, %v; want one test that missed the RTO with one follow-up", pv, err)
		}
		if d, _ := e.svc.BIADetail(ctx, viewer, bia.ID); !d.MissedRTO || d.LastTest == nil || d.LastTest.ID != test.ID {
			t.Errorf("BIA-001 after the test = %+v", d)
		}
		if d, _ := e.svc.BIADetail(ctx, viewer, minor.ID); d.MissedRTO {
			t.Error("five hours missed the 72-hour RTO of the low analysis")
		}

		// A follow-up becomes a nonconformity once.
		extra, err := e.svc.AddFollowUp(ctx, manager, test.Ref(), "Automate the failover runbook")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddFollowUp(ctx, manager, test.Ref(), " "); err == nil {
			t.Error("an empty follow-up was accepted")
		}
		if _, err := e.svc.RaiseFollowUpNonconformity(ctx, viewer, test.ID, extra.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer raising: err = %v, want forbidden", err)
		}
		nc, err := e.svc.RaiseFollowUpNonconformity(ctx, manager, test.ID, pv.Tests[0].FollowUps[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if nc.Source != isms.SourceMonitoring || nc.Requirement != "iso27001-2022:A.8.14" || nc.OwnerID != manager.Member.ID ||
			nc.Title != "Lower the DNS TTL to 60 s" || !strings.Contains(nc.Description, "300 minutes") {
			t.Errorf("nonconformity from the follow-up = %+v", nc)
		}
		if _, err := e.svc.RaiseFollowUpNonconformity(ctx, manager, test.ID, pv.Tests[0].FollowUps[0].ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("raising the same follow-up again: err = %v, want conflict", err)
		}
		if _, err := e.svc.RaiseFollowUpNonconformity(ctx, manager, test.ID, "nope"); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("raising an unknown follow-up: err = %v, want not found", err)
		}
		pv, _ = e.svc.PlanDetail(ctx, viewer, plan.ID)
		if f := pv.Tests[0].FollowUps; len(f) != 2 || f[0].NonconformityID != nc.ID || f[1].NonconformityID != "" {
			t.Errorf("follow-ups after raising = %+v", f)
		}

		// Thirteen months on, the plan's test is stale and the reviews late.
		e.clock = e.clock.AddDate(1, 1, 0)
		sum, err := e.svc.ContinuitySummary(ctx, auditor)
		if err != nil {
			t.Fatal(err)
		}
		want := app.ContinuitySummary{BIAs: 2, Critical: 1, BIAReviewOverdue: 1, Plans: 1, PlansTestStale: 1, TestsMissedRTO: 1}
		sum.LastTest = nil
		if sum != want {
			t.Errorf("summary = %+v, want %+v", sum, want)
		}
		flagged, err := e.svc.BIAs(ctx, viewer, app.ContinuityFilter{Flagged: true})
		if err != nil || len(flagged) != 1 || flagged[0].ID != bia.ID {
			t.Errorf("flagged analyses = %+v, %v; want BIA-001", flagged, err)
		}
		for _, tc := range []struct {
			f    store.BIAFilter
			want int
		}{
			{store.BIAFilter{Criticality: isms.CriticalityLow}, 1},
			{store.BIAFilter{Query: "chat"}, 1},
			{store.BIAFilter{Query: "BIA-2"}, 1},
			{store.BIAFilter{AssetID: registry.ID}, 1},
			{store.BIAFilter{OwnerID: engineer.Member.ID}, 1},
			{store.BIAFilter{After: 1}, 1},
			{store.BIAFilter{Query: "payroll"}, 0},
		} {
			got, err := e.svc.BIAs(ctx, viewer, app.ContinuityFilter{BIAFilter: tc.f})
			if err != nil || len(got) != tc.want {
				t.Errorf("BIAs(%+v) = %d, %v; want %d", tc.f, len(got), err, tc.want)
			}
		}

		var buf bytes.Buffer
		if err := e.svc.ExportContinuityCSV(ctx, viewer, app.ContinuityFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(records) != 3 || records[1][0] != "BIA-001" || !strings.Contains(records[1][len(records[1])-1], "last test missed the RTO") {
			t.Errorf("CSV = %q, %v", records, err)
		}
		buf.Reset()
		if err := e.svc.ExportContinuityXLSX(ctx, viewer, app.ContinuityFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		book, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if cell, _ := book.GetCellValue("Analyses", "B2"); cell != "Chat inference service" {
			t.Errorf("spreadsheet B2 = %q", cell)
		}

		r, err := e.db.VerifyChain(ctx, manager.Org.ID)
		if err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r.Problems, err)
		}
	})
}

// impact rates the four kinds of impact in their order.
func impact(financial, contractual, regulatory, reputational int) isms.ImpactRating {
	return isms.ImpactRating{Financial: financial, Contractual: contractual, Regulatory: regulatory, Reputational: reputational}
}
