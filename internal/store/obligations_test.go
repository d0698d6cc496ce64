package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func TestObligations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		other := newFixture(t, db.DB, "globex")
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		past, future := now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)
		var gdpr, aiAct, msa isms.Obligation
		var model store.StoredAsset
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			model, err = tx.CreateAsset(ctx, store.StoredAsset{Asset: isms.Asset{OrgID: f.org.ID, Name: "triage", Type: isms.AssetAISystem,
				Lifecycle: isms.LifecycleInProduction}})
			if err != nil {
				return err
			}
			gdpr, err = tx.CreateObligation(ctx, isms.Obligation{OrgID: f.org.ID, Kind: isms.ObligationLegal, Title: "Security of processing",
				Source: "GDPR Article 32", Jurisdiction: "EU", OwnerID: f.mem.ID, Status: isms.ObligationApplicable, ReviewDate: &past,
				Controls: []string{"iso27001-2022:A.8.24", "iso27001-2022:A.5.34"}})
			if err != nil {
				return err
			}
			aiAct, err = tx.CreateObligation(ctx, isms.Obligation{OrgID: f.org.ID, Kind: isms.ObligationRegulatory, Title: "Robustness",
				Source: "AI Act Article 15", AIRiskClass: isms.AIHighRisk, AssetIDs: []string{model.ID}, ReviewDate: &future,
				Status: isms.ObligationApplicable, Controls: []string{"iso27001-2022:A.8.25"}})
			if err != nil {
				return err
			}
			msa, err = tx.CreateObligation(ctx, isms.Obligation{OrgID: f.org.ID, Kind: isms.ObligationContractual, Title: "Deletion on exit",
				Source: "MSA clause 14", Status: isms.ObligationNotApplicable, NotApplicableReason: "Contract ended",
				Controls: []string{"iso27001-2022:A.8.10"}})
			if err != nil {
				return err
			}
			_, err = tx.CreateObligation(ctx, isms.Obligation{OrgID: other.org.ID, Kind: isms.ObligationLegal, Title: "Elsewhere",
				Source: "x", Status: isms.ObligationApplicable, Controls: []string{"iso27001-2022:A.5.34"}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if gdpr.RefNum != 1 || aiAct.RefNum != 2 || msa.RefNum != 3 {
			t.Errorf("reference numbers = %d, %d, %d; want 1, 2, 3", gdpr.RefNum, aiAct.RefNum, msa.RefNum)
		}
		got, err := db.ObligationByRef(ctx, f.org.ID, 2)
		if err != nil || got.ID != aiAct.ID || !slices.Equal(got.AssetIDs, []string{model.ID}) || got.AIRiskClass != isms.AIHighRisk {
			t.Errorf("ObligationByRef(2) = %+v, %v", got, err)
		}
		if _, err := db.Obligation(ctx, other.org.ID, gdpr.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("another organisation's obligation: err = %v, want ErrNotFound", err)
		}
		for _, tc := range []struct {
			name   string
			filter isms.ObligationFilter
			want   []int
		}{
			{"all", isms.ObligationFilter{}, []int{1, 2, 3}},
			{"kind", isms.ObligationFilter{Kind: isms.ObligationContractual}, []int{3}},
			{"status", isms.ObligationFilter{Status: isms.ObligationApplicable}, []int{1, 2}},
			{"owner", isms.ObligationFilter{OwnerID: f.mem.ID}, []int{1}},
			{"class", isms.ObligationFilter{AIRiskClass: isms.AIHighRisk}, []int{2}},
			{"control", isms.ObligationFilter{Control: "iso27001-2022:A.5.34"}, []int{1}},
			{"asset", isms.ObligationFilter{AssetID: model.ID}, []int{2}},
			{"overdue", isms.ObligationFilter{Overdue: true}, []int{1}},
			{"query in source", isms.ObligationFilter{Query: "ai act"}, []int{2}},
			{"query in jurisdiction", isms.ObligationFilter{Query: "eu"}, []int{1}},
			{"wildcard escaped", isms.ObligationFilter{Query: "%"}, nil},
		} {
			list, err := db.ListObligations(ctx, f.org.ID, tc.filter, 0, now)
			var refs []int
			for _, o := range list {
				refs = append(refs, o.RefNum)
			}
			n, cerr := db.CountObligations(ctx, f.org.ID, tc.filter, now)
			if err != nil || cerr != nil || !slices.Equal(refs, tc.want) || n != len(tc.want) {
				t.Errorf("%s: ListObligations = %v (count %d), %v, %v; want %v", tc.name, refs, n, err, cerr, tc.want)
			}
		}
		page, err := db.ListObligations(ctx, f.org.ID, isms.ObligationFilter{Limit: 1}, 1, now)
		if err != nil || len(page) != 1 || page[0].RefNum != 2 {
			t.Errorf("page after OB-001 = %+v, %v", page, err)
		}
		if page[0].Controls == nil || page[0].AssetIDs == nil {
			t.Errorf("a listed obligation lacks its links: %+v", page[0])
		}

		reqs, err := db.ObligationRequirements(ctx, f.org.ID)
		var controls []string
		for _, q := range reqs {
			controls = append(controls, q.Control)
		}
		if err != nil || !slices.Equal(controls, []string{"iso27001-2022:A.5.34", "iso27001-2022:A.8.24", "iso27001-2022:A.8.25"}) {
			t.Errorf("requirements = %v, %v; want the applicable obligations' controls only", controls, err)
		}

		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			gdpr.Controls = []string{"iso27001-2022:A.5.34", "iso27001-2022:A.5.31"}
			gdpr.Title = "Security of processing (GDPR)"
			if _, err := tx.UpdateObligation(ctx, gdpr); err != nil {
				return err
			}
			return tx.DeleteObligation(ctx, f.org.ID, aiAct.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err = db.Obligation(ctx, f.org.ID, gdpr.ID)
		if err != nil || got.Title != "Security of processing (GDPR)" || !slices.Equal(got.Controls, []string{"iso27001-2022:A.5.31", "iso27001-2022:A.5.34"}) {
			t.Errorf("after update = %+v, %v", got, err)
		}
		if _, err := db.Obligation(ctx, f.org.ID, aiAct.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("deleted obligation: err = %v", err)
		}
		if n, err := db.CountOwnedBy(ctx, f.org.ID, f.mem.ID); err != nil || n != 1 {
			t.Errorf("CountOwnedBy = %d, %v; want the one obligation", n, err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			return tx.DeleteObligation(ctx, f.org.ID, aiAct.ID)
		})
		if !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("deleting twice: err = %v, want ErrNotFound", err)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() {
			t.Errorf("ledger after obligations: %+v", r.Problems)
		}
	})
}
