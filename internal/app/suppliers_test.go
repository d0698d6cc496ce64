package app_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/supplier"
)

func TestSupplierRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		op := e.opAccess(t)
		manager := e.member(t, "mia@example.com", isms.RoleISMSManager)
		auditor := e.member(t, "aud@example.com", isms.RoleAuditor)
		viewer := e.member(t, "vic@example.com", isms.RoleViewer)

		gpu, err := e.svc.CreateSupplier(ctx, manager, isms.Supplier{Name: "Lattice GPU Cloud", Kind: isms.SupplierCloud,
			Criticality: isms.CriticalityCritical, OwnerID: manager.Member.ID, DataShared: []isms.DataCategory{isms.DataTraining}})
		if err != nil {
			t.Fatal(err)
		}
		if gpu.Status != isms.SupplierActive || gpu.ReviewCadence != isms.Yearly {
			t.Errorf("defaults: %q, %q", gpu.Status, gpu.ReviewCadence)
		}
		for name, acc := range map[string]app.Access{"auditor": auditor, "viewer": viewer} {
			if _, err := e.svc.CreateSupplier(ctx, acc, isms.Supplier{Name: "X", Kind: isms.SupplierSaaS, Criticality: isms.CriticalityLow}); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s creates a supplier: err = %v, want ErrForbidden", name, err)
			}
			if _, err := e.svc.Supplier(ctx, acc, gpu.ID); err != nil {
				t.Errorf("%s reads a supplier: %v", name, err)
			}
		}
		if _, err := e.svc.CreateSupplier(ctx, manager, isms.Supplier{Name: "lattice gpu cloud", Kind: isms.SupplierCloud,
			Criticality: isms.CriticalityLow}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("same name in another case: err = %v, want ErrConflict", err)
		}
		if _, err := e.svc.CreateSupplier(ctx, manager, isms.Supplier{Name: "Y", Kind: isms.SupplierSaaS, Criticality: isms.CriticalityLow,
			OwnerID: auditor.Member.ID}); !hasField(err, "owner_id") {
			t.Errorf("auditor as owner: err = %v, want owner_id refused", err)
		}

		// A new critical supplier is flagged until it has an exit plan, an
		// assessment and its clauses.
		d, err := e.svc.Supplier(ctx, viewer, gpu.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := flagKinds(d.Flags); !slices.Equal(got, []isms.FlagKind{isms.FlagNoExitPlan, isms.FlagNoAssessment, isms.FlagClausesMissing}) {
			t.Errorf("flags of a new critical supplier = %v", got)
		}
		asset, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "train-cluster", Type: isms.AssetComputeCluster})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.LinkSupplierAsset(ctx, manager, gpu.ID, asset.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.LinkSupplierAsset(ctx, manager, gpu.ID, asset.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("linking twice: err = %v, want ErrConflict", err)
		}
		if _, err := e.svc.LinkSupplierAsset(ctx, manager, gpu.ID, "nope"); !hasField(err, "asset_id") {
			t.Errorf("linking a missing asset: err = %v", err)
		}
		if _, err := e.svc.AddCertification(ctx, manager, isms.Certification{SupplierID: gpu.ID, Kind: isms.CertISO27001,
			ValidUntil: e.clock.AddDate(0, 0, 20)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddAssessment(ctx, manager, isms.Assessment{SupplierID: gpu.ID, AssessedOn: e.clock.AddDate(0, 0, -1),
			Assessor: "Mia", Result: isms.AssessmentFail, Answers: []isms.Answer{{Question: "Do you encrypt our data at rest?", Answer: "No"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddAssessment(ctx, manager, isms.Assessment{SupplierID: gpu.ID, AssessedOn: e.clock.AddDate(0, 0, 2),
			Assessor: "Mia", Result: isms.AssessmentPass}); !hasField(err, "assessed_on") {
			t.Errorf("assessment in the future: err = %v", err)
		}
		d, err = e.svc.Supplier(ctx, auditor, gpu.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Assets) != 1 || d.Assets[0].Name != "train-cluster" || len(d.Certifications) != 1 || d.Latest == nil {
			t.Errorf("detail = %+v", d)
		}
		if got := flagKinds(d.Flags); !slices.Equal(got, []isms.FlagKind{isms.FlagAssessmentFailed, isms.FlagNoExitPlan,
			isms.FlagClausesMissing, isms.FlagCertExpiring}) {
			t.Errorf("flags = %v", got)
		}
		if _, err := e.svc.CreateSupplier(ctx, manager, isms.Supplier{Name: "Annotate Ltd", Kind: isms.SupplierDataVendor,
			Criticality: isms.CriticalityLow}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    isms.SupplierFilter
			want []string
		}{
			{"all", isms.SupplierFilter{}, []string{"Annotate Ltd", "Lattice GPU Cloud"}},
			{"flag", isms.SupplierFilter{Flag: isms.FlagAssessmentFailed}, []string{"Lattice GPU Cloud"}},
			{"flagged", isms.SupplierFilter{Flagged: true}, []string{"Lattice GPU Cloud"}},
			{"kind", isms.SupplierFilter{Kind: isms.SupplierDataVendor}, []string{"Annotate Ltd"}},
			{"search", isms.SupplierFilter{Query: "gpu"}, []string{"Lattice GPU Cloud"}},
			{"data", isms.SupplierFilter{DataShared: isms.DataTraining}, []string{"Lattice GPU Cloud"}},
		} {
			p, err := e.svc.ListSuppliers(ctx, viewer, tc.f)
			var names []string
			for _, r := range p.Suppliers {
				names = append(names, r.Name)
			}
			if err != nil || !slices.Equal(names, tc.want) || p.Total != len(tc.want) {
				t.Errorf("%s: ListSuppliers = %v (total %d), %v; want %v", tc.name, names, p.Total, err, tc.want)
			}
		}
		first, err := e.svc.ListSuppliers(ctx, viewer, isms.SupplierFilter{Limit: 1})
		if err != nil || len(first.Suppliers) != 1 || first.Next == "" {
			t.Fatalf("first page = %+v, %v", first, err)
		}
		second, err := e.svc.ListSuppliers(ctx, viewer, isms.SupplierFilter{Limit: 1, Cursor: first.Next})
		if err != nil || len(second.Suppliers) != 1 || second.Suppliers[0].Name != "Lattice GPU Cloud" || second.Next != "" {
			t.Errorf("second page = %+v, %v", second, err)
		}
		if _, err := e.svc.ListSuppliers(ctx, viewer, isms.SupplierFilter{Flag: "late"}); !hasField(err, "flag") {
			t.Errorf("unknown flag: err = %v", err)
		}
		m, err := e.svc.SupplierMetrics(ctx, auditor)
		if err != nil || m.Total != 2 || m.Critical != 1 || m.Flagged != 1 || m.ByFlag[isms.FlagAssessmentFailed] != 1 || m.CertsCurrent != 1 {
			t.Errorf("metrics = %+v, %v", m, err)
		}
		// Deleting an asset drops its dependency on the supplier.
		if err := e.svc.DeleteAsset(ctx, manager, asset.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.DeleteSupplier(ctx, op, gpu.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Supplier(ctx, viewer, gpu.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("deleted supplier: err = %v", err)
		}
		if !mustVerifyApp(t, e) {
			t.Error("the ledger does not verify")
		}
	})
}

func TestSupplierImportIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "mia@example.com", isms.RoleISMSManager)
		existing, err := e.svc.CreateSupplier(ctx, manager, isms.Supplier{Name: "Helio Models", Kind: isms.SupplierModelProvider,
			Criticality: isms.CriticalityHigh, ExitPlan: "Switch to the open-weights model we host.", Notes: "kept"})
		if err != nil {
			t.Fatal(err)
		}
		bad := "name,kind,criticality,owner,exit_plan\n" +
			"Lattice GPU Cloud,cloud,critical,mia@example.com,Second region\n" +
			"Annotate Ltd,data_vendor,low,nobody@example.com,\n" +
			"helio models,model_provider,high,,\n"
		_, err = e.svc.ImportSuppliers(ctx, manager, "s.csv", strings.NewReader(bad), false)
		var ps supplier.Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != 3 || ps[0].Field != "owner" {
			t.Fatalf("import with an unknown owner: err = %v, want one problem on line 3, owner", err)
		}
		if p, _ := e.svc.ListSuppliers(ctx, manager, isms.SupplierFilter{}); p.Total != 1 {
			t.Errorf("after a refused import the register holds %d suppliers, want 1", p.Total)
		}
		good := strings.Replace(bad, "nobody@", "mia@", 1)
		res, err := e.svc.ImportSuppliers(ctx, manager, "s.csv", strings.NewReader(good), true)
		if err != nil || !res.DryRun || len(res.Created) != 2 || len(res.Updated) != 1 {
			t.Fatalf("dry run = %+v, %v", res, err)
		}
		if p, _ := e.svc.ListSuppliers(ctx, manager, isms.SupplierFilter{}); p.Total != 1 {
			t.Errorf("after a dry run the register holds %d suppliers, want 1", p.Total)
		}
		if res, err = e.svc.ImportSuppliers(ctx, manager, "s.csv", strings.NewReader(good), false); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Supplier(ctx, manager, existing.ID)
		if err != nil || got.ExitPlan != "" || got.Notes != "kept" || got.Name != "helio models" {
			t.Errorf("updated by the file = %+v, %v; want the exit plan emptied, the notes (no column) kept", got.Supplier, err)
		}
		var b bytes.Buffer
		if err := e.svc.ExportSuppliersCSV(ctx, manager, isms.SupplierFilter{}, &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "Lattice GPU Cloud,cloud,critical,active,,mia@example.com") {
			t.Errorf("export:\n%s", b.String())
		}
		// The export imports back unchanged.
		again, err := e.svc.ImportSuppliers(ctx, manager, "export.csv", &b, false)
		if err != nil || len(again.Created) != 0 || len(again.Updated) != 3 {
			t.Errorf("re-import of the export = %+v, %v", again, err)
		}
		var x bytes.Buffer
		if err := e.svc.ExportSuppliersXLSX(ctx, manager, isms.SupplierFilter{Kind: isms.SupplierCloud}, &x); err != nil || x.Len() == 0 {
			t.Errorf("XLSX export: %d bytes, %v", x.Len(), err)
		}
		viewer := e.member(t, "vic@example.com", isms.RoleViewer)
		if _, err := e.svc.ImportSuppliers(ctx, viewer, "s.csv", strings.NewReader(good), false); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer imports: err = %v, want ErrForbidden", err)
		}
		if !mustVerifyApp(t, e) {
			t.Error("the ledger does not verify")
		}
	})
}

func flagKinds(flags []isms.Flag) []isms.FlagKind {
	var out []isms.FlagKind
	for _, f := range flags {
		out = append(out, f.Kind)
	}
	return out
}

func hasField(err error, field string) bool {
	return slices.ContainsFunc(isms.FieldErrors(err), func(f isms.FieldError) bool { return f.Field == field })
}

// TestSupplierPagesCoverTheRegister pages one supplier at a time through
// names whose order differs between byte and locale collation: every
// supplier must come exactly once, in byte order. It tells the two apart
// only on a PostgreSQL database with a locale collation, not with C.
func TestSupplierPagesCoverTheRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		op := e.opAccess(t)
		names := []string{"alpha cloud", "Beta Labels", "_underscore", "Ärzte Data", "beta labs"}
		for _, n := range names {
			if _, err := e.svc.CreateSupplier(ctx, op, isms.Supplier{Name: n, Kind: isms.SupplierSaaS, Criticality: isms.CriticalityLow}); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		cursor := ""
		for range len(names) + 1 {
			p, err := e.svc.ListSuppliers(ctx, op, isms.SupplierFilter{Limit: 1, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Suppliers {
				got = append(got, r.Name)
			}
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		want := slices.Clone(names)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("pages = %q, want %q", got, want)
		}
	})
}
