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

func TestAssetsAndRelations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		var model, data store.StoredAsset
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			model, err = tx.CreateAsset(ctx, store.StoredAsset{Asset: isms.Asset{OrgID: f.org.ID, Name: "fraud-scorer", Type: "model",
				OwnerID: f.mem.ID, Lifecycle: isms.LifecycleInProduction, Tags: []string{"pci", "tier1"},
				Attributes: map[string]string{"version": "3.2", "framework": "xgboost"}, SourceKey: "bom:pkg:fraud"}})
			if err != nil {
				return err
			}
			data, err = tx.CreateAsset(ctx, store.StoredAsset{Asset: isms.Asset{OrgID: f.org.ID, Name: "transactions-2025", Type: "dataset",
				Lifecycle: isms.LifecycleInProduction, Tags: []string{"pci"}}})
			if err != nil {
				return err
			}
			_, err = tx.AddAssetRelation(ctx, isms.AssetRelation{OrgID: f.org.ID, FromID: model.ID, ToID: data.ID, Kind: isms.RelTrainedOn})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Asset(ctx, f.org.ID, model.ID)
		if err != nil || got.Attributes["framework"] != "xgboost" || !slices.Equal(got.Tags, []string{"pci", "tier1"}) || got.OwnerID != f.mem.ID {
			t.Fatalf("Asset = %+v, %v", got, err)
		}
		if _, err := db.Asset(ctx, "other-org", model.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("asset of another organisation: err = %v, want ErrNotFound", err)
		}
		if a, err := db.AssetBySourceKey(ctx, f.org.ID, "bom:pkg:fraud"); err != nil || a.ID != model.ID {
			t.Errorf("AssetBySourceKey = %v, %v", a.ID, err)
		}
		for _, tc := range []struct {
			name   string
			filter isms.AssetFilter
			want   []string
		}{
			{"all", isms.AssetFilter{}, []string{"fraud-scorer", "transactions-2025"}},
			{"type", isms.AssetFilter{Type: "dataset"}, []string{"transactions-2025"}},
			{"tag", isms.AssetFilter{Tag: "TIER1"}, []string{"fraud-scorer"}},
			{"owner", isms.AssetFilter{OwnerID: f.mem.ID}, []string{"fraud-scorer"}},
			{"query", isms.AssetFilter{Query: "TRANS"}, []string{"transactions-2025"}},
			{"wildcard escaped", isms.AssetFilter{Query: "_"}, nil},
		} {
			list, err := db.ListAssets(ctx, f.org.ID, tc.filter, "", "")
			var names []string
			for _, a := range list {
				names = append(names, a.Name)
			}
			if err != nil || !slices.Equal(names, tc.want) {
				t.Errorf("%s: ListAssets = %v, %v; want %v", tc.name, names, err, tc.want)
			}
		}
		page2, err := db.ListAssets(ctx, f.org.ID, isms.AssetFilter{Limit: 1}, model.Name, model.ID)
		if err != nil || len(page2) != 1 || page2[0].ID != data.ID {
			t.Errorf("second page = %+v, %v", page2, err)
		}
		rels, err := db.AssetRelations(ctx, f.org.ID, []string{data.ID})
		if err != nil || len(rels) != 1 || rels[0].FromID != model.ID || rels[0].Kind != isms.RelTrainedOn {
			t.Errorf("AssetRelations = %+v, %v", rels, err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			_, err := tx.AddAssetRelation(ctx, isms.AssetRelation{OrgID: f.org.ID, FromID: model.ID, ToID: data.ID, Kind: isms.RelTrainedOn})
			return err
		})
		if !errors.Is(err, isms.ErrConflict) {
			t.Errorf("duplicate relation err = %v, want ErrConflict", err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			model.Tags = []string{"tier1"}
			_, err := tx.UpdateAsset(ctx, model)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountAssets(ctx, f.org.ID, isms.AssetFilter{Tag: "pci"}); err != nil || n != 1 {
			t.Errorf("assets tagged pci after untagging = %d, %v; want 1", n, err)
		}
		if n, err := db.CountOwnedBy(ctx, f.org.ID, f.mem.ID); err != nil || n != 1 {
			t.Errorf("CountOwnedBy = %d, %v; want 1", n, err)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() {
			t.Errorf("verify: %+v", r.Problems)
		}
	})
}

func TestVersionedDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		var v1, v2 isms.Version
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			if v1, err = tx.CreateVersion(ctx, store.MethodologyDocument, isms.Version{OrgID: f.org.ID, Content: []byte(`{"v":1}`),
				CreatedBy: f.mem.ID, Status: isms.StatusApproved, ApprovedBy: f.mem.ID}); err != nil {
				return err
			}
			if v2, err = tx.CreateVersion(ctx, store.MethodologyDocument, isms.Version{OrgID: f.org.ID, Content: []byte(`{"v":2}`),
				CreatedBy: f.mem.ID}); err != nil {
				return err
			}
			return tx.UpdateDraft(ctx, store.MethodologyDocument, f.org.ID, v2.ID, []byte(`{"v":"2b"}`))
		})
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || v2.Number != 2 || v2.Status != isms.StatusDraft {
			t.Fatalf("versions %d %s, %d %s", v1.Number, v1.Status, v2.Number, v2.Status)
		}
		cur, err := db.ApprovedVersion(ctx, store.MethodologyDocument, f.org.ID)
		if err != nil || cur.ID != v1.ID {
			t.Fatalf("approved = %+v, %v", cur, err)
		}
		if _, err := db.ApprovedVersion(ctx, store.ContextDocument, f.org.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("context without versions: err = %v", err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			return tx.ApproveVersion(ctx, store.MethodologyDocument, f.org.ID, v2.ID, f.mem.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.Versions(ctx, store.MethodologyDocument, f.org.ID)
		if err != nil || len(all) != 2 || all[0].Status != isms.StatusApproved || string(all[0].Content) != `{"v":"2b"}` ||
			all[1].Status != isms.StatusSuperseded || all[0].ApprovedBy != f.mem.ID {
			t.Errorf("versions after approval = %+v, %v", all, err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			return tx.UpdateDraft(ctx, store.MethodologyDocument, f.org.ID, v2.ID, []byte(`{}`))
		})
		if !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("editing an approved version: err = %v, want ErrNotFound", err)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() {
			t.Errorf("verify: %+v", r.Problems)
		}
	})
}

func TestRiskRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		past := now.AddDate(0, -1, 0)
		var asset store.StoredAsset
		var meth isms.Version
		var risks []isms.Risk
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			if asset, err = tx.CreateAsset(ctx, store.StoredAsset{Asset: isms.Asset{OrgID: f.org.ID, Name: "chat-api", Type: "inference_endpoint",
				Lifecycle: isms.LifecycleInProduction}}); err != nil {
				return err
			}
			if meth, err = tx.CreateVersion(ctx, store.MethodologyDocument, isms.Version{OrgID: f.org.ID, Content: []byte(`{}`),
				CreatedBy: f.mem.ID, Status: isms.StatusApproved}); err != nil {
				return err
			}
			for i, spec := range []struct {
				l, i, rank int
				title      string
				review     *time.Time
			}{
				{4, 5, 3, "Prompt injection", nil},
				{2, 2, 0, "Model theft", &past},
				{3, 4, 2, "Training data poisoning", nil},
				{5, 5, 3, "Unbounded consumption", nil},
			} {
				k := isms.Risk{OrgID: f.org.ID, Title: spec.title, MethodologyID: meth.ID, InherentLikelihood: spec.l, InherentImpact: spec.i,
					InherentRank: spec.rank, Status: isms.RiskIdentified, Revision: 1, ReviewDate: spec.review, OwnerID: f.mem.ID}
				if i%2 == 0 {
					k.AssetIDs = []string{asset.ID}
					k.Controls = []string{"iso27001-2022:A.8.28", "ai-security:prompt-filtering"}
				}
				if k, err = tx.CreateRisk(ctx, k); err != nil {
					return err
				}
				risks = append(risks, k)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range risks {
			if k.RefNum != i+1 {
				t.Errorf("risk %d ref = %d", i, k.RefNum)
			}
		}
		got, err := db.RiskByRef(ctx, f.org.ID, 1)
		if err != nil || got.Title != "Prompt injection" || !slices.Equal(got.AssetIDs, []string{asset.ID}) || len(got.Controls) != 2 {
			t.Fatalf("RiskByRef(1) = %+v, %v", got, err)
		}

		rank3 := 3
		refs := func(list []isms.Risk) (out []int) {
			for _, k := range list {
				out = append(out, k.RefNum)
			}
			return out
		}
		for _, tc := range []struct {
			name   string
			filter isms.RiskFilter
			want   []int
		}{
			{"all", isms.RiskFilter{}, []int{1, 2, 3, 4}},
			{"by level", isms.RiskFilter{Sort: store.SortLevel}, []int{1, 4, 3, 2}},
			{"level page 2", isms.RiskFilter{Sort: store.SortLevel, Cursor: "3:4"}, []int{3, 2}},
			{"ref page 2", isms.RiskFilter{Cursor: "2"}, []int{3, 4}},
			{"asset", isms.RiskFilter{AssetID: asset.ID}, []int{1, 3}},
			{"rank", isms.RiskFilter{Rank: &rank3}, []int{1, 4}},
			{"owner", isms.RiskFilter{OwnerID: f.mem.ID}, []int{1, 2, 3, 4}},
			{"status", isms.RiskFilter{Status: isms.RiskIdentified}, []int{1, 2, 3, 4}},
			{"treatment", isms.RiskFilter{Treatment: isms.TreatMitigate}, nil},
			{"residual", isms.RiskFilter{Residual: &rank3}, nil},
			{"overdue", isms.RiskFilter{Overdue: true}, []int{2}},
			{"cell", isms.RiskFilter{Likelihood: 3, Impact: 4}, []int{3}},
			{"query", isms.RiskFilter{Query: "POISON"}, []int{3}},
			{"query by ref", isms.RiskFilter{Query: "R-004"}, []int{4}},
		} {
			list, err := db.ListRisks(ctx, f.org.ID, tc.filter, now)
			if err != nil || !slices.Equal(refs(list), tc.want) {
				t.Errorf("%s: ListRisks = %v, %v; want %v", tc.name, refs(list), err, tc.want)
			}
			if tc.filter.Cursor == "" {
				if n, err := db.CountRisks(ctx, f.org.ID, tc.filter, now); err != nil || n != len(tc.want) {
					t.Errorf("%s: CountRisks = %d, %v", tc.name, n, err)
				}
			}
			if tc.filter.Cursor == "" && tc.filter.Likelihood == 0 {
				cells, err := db.RiskCells(ctx, f.org.ID, tc.filter, now)
				n := 0
				for _, c := range cells {
					n += c.Count
				}
				if err != nil || n != len(tc.want) {
					t.Errorf("%s: RiskCells count %d, %v; want %d", tc.name, n, err, len(tc.want))
				}
			}
		}
		if _, err := db.ListRisks(ctx, f.org.ID, isms.RiskFilter{Sort: store.SortLevel, Cursor: "x"}, now); !errors.As(err, new(*isms.ValidationError)) {
			t.Errorf("bad cursor err = %v, want a validation error", err)
		}

		// An open action past its due date makes a risk overdue; doing it
		// clears that.
		var act isms.RiskAction
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			act, err = tx.AddRiskAction(ctx, f.org.ID, isms.RiskAction{RiskID: risks[2].ID, Description: "Add provenance checks",
				OwnerID: f.mem.ID, DueDate: &past, Status: "open"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if list, _ := db.ListRisks(ctx, f.org.ID, isms.RiskFilter{Overdue: true}, now); !slices.Equal(refs(list), []int{2, 3}) {
			t.Errorf("overdue with a late action = %v", refs(list))
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			act.Status = "done"
			if _, err := tx.UpdateRiskAction(ctx, f.org.ID, act); err != nil {
				return err
			}
			k := risks[0]
			k.Treatment, k.ResidualLikelihood, k.ResidualImpact, k.ResidualRank, k.Revision = isms.TreatMitigate, 2, 3, 1, 2
			k.Status = isms.RiskPlanned
			if _, err := tx.UpdateRisk(ctx, k); err != nil {
				return err
			}
			if err := tx.SetRiskControls(ctx, f.org.ID, k.ID, []string{"ai-security:prompt-filtering", "iso27001-2022:A.8.16"}); err != nil {
				return err
			}
			_, err := tx.AddRiskDecision(ctx, f.org.ID, isms.RiskDecision{RiskID: k.ID, Kind: isms.DecisionPlanApproval, DecidedBy: f.mem.ID,
				Level: "medium", Justification: "Plan is proportionate", RiskRevision: 2})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if list, _ := db.ListRisks(ctx, f.org.ID, isms.RiskFilter{Overdue: true}, now); !slices.Equal(refs(list), []int{2}) {
			t.Errorf("overdue after the action is done = %v", refs(list))
		}
		got, _ = db.Risk(ctx, f.org.ID, risks[0].ID)
		if !slices.Equal(got.Controls, []string{"ai-security:prompt-filtering", "iso27001-2022:A.8.16"}) || got.Revision != 2 {
			t.Errorf("after treatment: controls %v, revision %d", got.Controls, got.Revision)
		}
		decisions, err := db.RiskDecisions(ctx, f.org.ID, risks[0].ID)
		if err != nil || len(decisions) != 1 || decisions[0].RiskRevision != 2 {
			t.Errorf("decisions = %+v, %v", decisions, err)
		}

		cells, err := db.RiskCells(ctx, f.org.ID, isms.RiskFilter{Likelihood: 3, Impact: 4}, now)
		if err != nil || len(cells) != 4 {
			t.Fatalf("risk cells = %+v, %v; want one a risk, the cell filter ignored", cells, err)
		}
		treated := store.RiskCell{MethodologyID: meth.ID, InherentLikelihood: 4, InherentImpact: 5, ResidualLikelihood: 2, ResidualImpact: 3, Count: 1}
		if !slices.Contains(cells, treated) {
			t.Errorf("risk cells %+v lack the treated risk %+v", cells, treated)
		}
		// The counts kept with each change agree with counting the risks.
		scanned, err := db.RiskCells(ctx, f.org.ID, isms.RiskFilter{OwnerID: f.mem.ID}, now) // every risk is theirs
		if err != nil {
			t.Fatal(err)
		}
		sortCells := func(c []store.RiskCell) {
			slices.SortFunc(c, func(a, b store.RiskCell) int {
				return (a.InherentLikelihood*10+a.InherentImpact)*100 + a.ResidualLikelihood*10 + a.ResidualImpact -
					((b.InherentLikelihood*10+b.InherentImpact)*100 + b.ResidualLikelihood*10 + b.ResidualImpact)
			})
		}
		sortCells(cells)
		sortCells(scanned)
		if !slices.Equal(cells, scanned) {
			t.Errorf("kept counts %+v differ from the counted %+v", cells, scanned)
		}
		if cells, _ := db.RiskCells(ctx, f.org.ID, isms.RiskFilter{AssetID: asset.ID}, now); len(cells) != 2 {
			t.Errorf("risk cells of one asset = %+v, want its two risks", cells)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() {
			t.Errorf("verify: %+v", r.Problems)
		}
	})
}
