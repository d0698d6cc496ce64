package app_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/obligation"
	"github.com/isms-dev/isms/internal/soa"
)

const privacyControl = "iso27001-2022:A.5.34"

func TestObligationsRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)
		model, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "Triage model", Type: isms.AssetAISystem, Lifecycle: isms.LifecycleInProduction})
		if err != nil {
			t.Fatal(err)
		}
		laptop, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "Laptop", Type: isms.AssetEndpoint, Lifecycle: isms.LifecycleInProduction})
		if err != nil {
			t.Fatal(err)
		}
		review := e.clock.AddDate(0, -1, 0)
		valid := app.ObligationInput{Kind: "regulatory", Title: "Robustness", Source: "AI Act Article 15", AIRiskClass: "high",
			OwnerID: manager.Member.ID, AssetIDs: []string{model.ID}, Controls: []string{"iso27001-2022:A.8.25"}, ReviewDate: &review}

		if _, err := e.svc.CreateObligation(ctx, viewer, valid); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer created an obligation: err = %v", err)
		}
		tests := []struct {
			name   string
			change func(*app.ObligationInput)
			fields []string
		}{
			{"not an AI asset", func(in *app.ObligationInput) { in.AssetIDs = []string{laptop.ID} }, []string{"asset_ids"}},
			{"unknown asset", func(in *app.ObligationInput) { in.AssetIDs = []string{"nope"} }, []string{"asset_ids"}},
			{"auditor owner", func(in *app.ObligationInput) { in.OwnerID = auditor.Member.ID }, []string{"owner_id"}},
			{"controls", func(in *app.ObligationInput) {
				in.Controls = []string{"A.5.34", "iso27001-2022:A.99", "iso27001-2013:A.18.1.4", "org:NOPE", "iso27001-2022:5.1"}
			}, []string{"controls", "controls", "controls", "controls", "controls"}},
			{"not applicable without reason", func(in *app.ObligationInput) { in.Status = "not_applicable" }, []string{"not_applicable_reason"}},
		}
		for _, tt := range tests {
			in := valid
			tt.change(&in)
			_, err := e.svc.CreateObligation(ctx, manager, in)
			var got []string
			for _, f := range isms.FieldErrors(err) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("%s: fields %v, want %v (%v)", tt.name, got, tt.fields, err)
			}
		}
		robust, err := e.svc.CreateObligation(ctx, manager, valid)
		if err != nil {
			t.Fatal(err)
		}
		if robust.Ref() != "OB-001" || robust.Status != isms.ObligationApplicable {
			t.Errorf("created %s with status %q; want OB-001, applicable by default", robust.Ref(), robust.Status)
		}
		if err := e.svc.DeleteAsset(ctx, manager, model.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("deleting an asset an obligation names: err = %v, want a conflict", err)
		}

		added, err := e.svc.AddStarterObligations(ctx, manager, []string{"gdpr-art-32", "gdpr-art-33", "ai-act-art-15", "nis2-art-21"})
		if err != nil || len(added) != 4 {
			t.Fatalf("starters: %d added, %v", len(added), err)
		}
		again, err := e.svc.AddStarterObligations(ctx, manager, []string{"gdpr-art-32"})
		if err != nil || len(again) != 0 {
			t.Errorf("adding a starter twice added %d, %v", len(again), err)
		}
		if _, err := e.svc.AddStarterObligations(ctx, manager, []string{"ccpa"}); !errors.Is(err, isms.ErrInvalid) {
			t.Errorf("unknown starter: err = %v", err)
		}

		page, err := e.svc.ListObligations(ctx, auditor, isms.ObligationFilter{Overdue: true})
		if err != nil || page.Total != 1 || page.Obligations[0].ID != robust.ID {
			t.Errorf("overdue = %+v, %v; want OB-001 only", page, err)
		}
		page, err = e.svc.ListObligations(ctx, viewer, isms.ObligationFilter{Limit: 2})
		if err != nil || len(page.Obligations) != 2 || page.Next == "" || page.Total != 5 {
			t.Fatalf("first page = %d obligations, next %q, total %d, %v", len(page.Obligations), page.Next, page.Total, err)
		}
		next, err := e.svc.ListObligations(ctx, viewer, isms.ObligationFilter{Limit: 2, Cursor: page.Next})
		if err != nil || len(next.Obligations) != 2 || next.Obligations[0].RefNum != 3 {
			t.Errorf("second page = %+v, %v", next.Obligations, err)
		}
		if _, err := e.svc.ListObligations(ctx, viewer, isms.ObligationFilter{Kind: "moral"}); !errors.Is(err, isms.ErrInvalid) {
			t.Errorf("unknown kind filter: err = %v", err)
		}

		// The statement includes what applicable obligations need, with
		// them as reasons; an obligation that does not apply gives none.
		doc, err := e.svc.SoA(ctx, viewer, "iso27001-2022", 0)
		if err != nil {
			t.Fatal(err)
		}
		privacy := entry(t, doc, privacyControl)
		if !privacy.Included() || !privacy.Derived || len(privacy.Reasons) != 1 || privacy.Reasons[0].Kind != "legal" ||
			privacy.Reasons[0].Ref != "OB-002" || !strings.HasPrefix(privacy.Reasons[0].URL, "/o/acme/obligations/") {
			t.Errorf("A.5.34 = %+v; want included for OB-002 as a legal reason", privacy)
		}
		gdpr := added[0]
		in := app.ObligationInput{Kind: "contractual", Title: gdpr.Title, Source: gdpr.Source, Controls: gdpr.Controls,
			Status: "applicable"}
		if _, err := e.svc.UpdateObligation(ctx, manager, gdpr.ID, in); err != nil {
			t.Fatal(err)
		}
		doc, _ = e.svc.SoA(ctx, viewer, "iso27001-2022", 0)
		if r := entry(t, doc, privacyControl).Reasons; len(r) != 1 || r[0].Kind != "contractual" {
			t.Errorf("after the obligation became contractual, reasons = %+v", r)
		}
		in.Status, in.NotApplicableReason = "not_applicable", "We hold no personal data"
		if _, err := e.svc.UpdateObligation(ctx, manager, gdpr.ID, in); err != nil {
			t.Fatal(err)
		}
		doc, _ = e.svc.SoA(ctx, viewer, "iso27001-2022", 0)
		if p := entry(t, doc, privacyControl); p.Included() || len(p.Reasons) != 0 {
			t.Errorf("an obligation that does not apply still includes A.5.34: %+v", p)
		}
		// Excluding a control an applicable obligation needs blocks approval.
		if _, err := e.svc.UpdateControl(ctx, manager, "iso27001-2022:A.8.25", app.ControlInput{Applicability: ptr("excluded"),
			ExclusionReason: ptr("We do not develop software")}); err != nil {
			t.Fatal(err)
		}
		doc, _ = e.svc.SoA(ctx, viewer, "iso27001-2022", 0)
		if !hasFlag(entry(t, doc, "iso27001-2022:A.8.25"), soa.FlagExcludedButRequired) {
			t.Error("A.8.25 excluded against OB-001 is not flagged")
		}
		if _, err := e.svc.ApproveSoA(ctx, manager, "iso27001-2022", ""); err == nil || !strings.Contains(err.Error(), "needed by applicable obligations") {
			t.Errorf("approval with a control excluded against an obligation: err = %v", err)
		}

		on, err := e.svc.ControlObligations(ctx, viewer, "iso27001-2022:A.8.25")
		if err != nil || len(on) != 3 {
			t.Errorf("obligations of A.8.25 = %d, %v; want OB-001 and the AI Act and NIS2 starters", len(on), err)
		}
		if err := e.svc.DeleteObligation(ctx, viewer, robust.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer deleted an obligation: err = %v", err)
		}
		if err := e.svc.DeleteObligation(ctx, manager, robust.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.DeleteAsset(ctx, manager, model.ID); err != nil {
			t.Errorf("the asset is free once its obligation is gone: %v", err)
		}
		if r, err := e.svc.VerifyLedger(ctx, manager); err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r, err)
		}
	})
}

func TestImportObligations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		for _, name := range []string{"Triage", "Twin", "Twin"} {
			if _, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: name, Type: isms.AssetModel, Lifecycle: isms.LifecycleInProduction}); err != nil {
				t.Fatal(err)
			}
		}
		file := "kind,title,source,owner,ai_assets,controls,review_date\n" +
			"legal,Security of processing,GDPR Article 32,manager@acme.example,,iso27001-2022:A.5.34,2027-01-31\n" +
			"regulatory,Robustness,AI Act Article 15,,Triage,iso27001-2022:A.8.25,\n"
		if _, err := e.svc.ImportObligations(ctx, viewer, "r.csv", strings.NewReader(file), false); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer imported: err = %v", err)
		}
		dry, err := e.svc.ImportObligations(ctx, manager, "r.csv", strings.NewReader(file), true)
		if err != nil || dry.Created != 2 || dry.Obligations[0].ID != "" || !dry.DryRun {
			t.Fatalf("dry run = %+v, %v", dry, err)
		}
		if p, _ := e.svc.ListObligations(ctx, manager, isms.ObligationFilter{}); p.Total != 0 {
			t.Fatalf("a dry run kept %d obligations", p.Total)
		}
		res, err := e.svc.ImportObligations(ctx, manager, "r.csv", strings.NewReader(file), false)
		if err != nil || res.Created != 2 || res.Obligations[1].Ref() != "OB-002" || len(res.Obligations[1].AssetIDs) != 1 {
			t.Fatalf("import = %+v, %v", res, err)
		}

		// Export, change a row, add a bad one: nothing is kept, and the
		// problems name line and column.
		var out bytes.Buffer
		if err := e.svc.ExportObligationsCSV(ctx, viewer, isms.ObligationFilter{}, &out); err != nil {
			t.Fatal(err)
		}
		exported := out.String()
		if !strings.Contains(exported, "OB-001,legal,Security of processing") || !strings.Contains(exported, "manager@acme.example") ||
			!strings.Contains(exported, ",Triage,") {
			t.Errorf("export:\n%s", exported)
		}
		changed := strings.Replace(exported, "Security of processing", "Security of processing (art. 32)", 1) +
			"OB-009,legal,Ghost,Nowhere,,,,,,,,,applicable,\n" +
			",legal,Twins,AI Act,,,nobody@acme.example,,,Twin;Ghost model,,,applicable,\n"
		_, err = e.svc.ImportObligations(ctx, manager, "changed.csv", strings.NewReader(changed), false)
		var ps obligation.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("bad import: err = %v, want problems", err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.Field+"@"+string(rune('0'+p.Line)))
		}
		if want := []string{"ref@4", "owner@5", "ai_assets@5", "ai_assets@5"}; !slices.Equal(got, want) {
			t.Errorf("problems = %v, want %v\n%v", got, want, err)
		}
		if o, _ := e.svc.ObligationByRef(ctx, manager, "OB-001"); o.Title != "Security of processing" {
			t.Errorf("a failed import changed OB-001 to %q", o.Title)
		}
		fixed := strings.Replace(exported, "Security of processing", "Security of processing (art. 32)", 1)
		res, err = e.svc.ImportObligations(ctx, manager, "fixed.csv", strings.NewReader(fixed), false)
		if err != nil || res.Updated != 2 || res.Created != 0 {
			t.Errorf("re-import = %+v, %v", res, err)
		}
		if o, _ := e.svc.ObligationByRef(ctx, manager, "OB-001"); o.Title != "Security of processing (art. 32)" || o.ReviewDate == nil ||
			!o.ReviewDate.Equal(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("OB-001 after re-import = %+v", o)
		}
		out.Reset()
		if err := e.svc.ExportObligationsXLSX(ctx, viewer, isms.ObligationFilter{Kind: isms.ObligationLegal}, &out); err != nil || out.Len() == 0 {
			t.Errorf("XLSX export: %d bytes, %v", out.Len(), err)
		}
		if _, err := e.svc.ImportObligations(ctx, manager, "empty.csv", strings.NewReader(""), false); !errors.As(err, &ps) {
			t.Errorf("empty file: err = %v", err)
		}
	})
}
