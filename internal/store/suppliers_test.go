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

func TestSupplierRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		reviewed := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
		issued := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		var gpu isms.Supplier
		var asset store.StoredAsset
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			gpu, err = tx.CreateSupplier(ctx, isms.Supplier{OrgID: f.org.ID, Name: "Lattice GPU Cloud", Kind: isms.SupplierCloud,
				Criticality: isms.CriticalityCritical, Status: isms.SupplierActive, OwnerID: f.mem.ID,
				DataShared: []isms.DataCategory{isms.DataModelWeights, isms.DataTraining}, Clauses: []string{"confidentiality",
					"incident_notification"}, IncidentHours: 24, ReviewCadence: isms.Quarterly, LastReviewed: &reviewed,
				ExitPlan: "Move training to the second region's provider."})
			if err != nil {
				return err
			}
			if _, err := tx.CreateSupplier(ctx, isms.Supplier{OrgID: f.org.ID, Name: "Annotate Ltd", Kind: isms.SupplierDataVendor,
				Criticality: isms.CriticalityMedium, Status: isms.SupplierActive, ReviewCadence: isms.Yearly}); err != nil {
				return err
			}
			asset, err = tx.CreateAsset(ctx, store.StoredAsset{Asset: isms.Asset{OrgID: f.org.ID, Name: "train-cluster", Type: "compute_cluster",
				Lifecycle: isms.LifecycleInProduction}})
			if err != nil {
				return err
			}
			if _, err := tx.LinkSupplierAsset(ctx, store.SupplierAsset{OrgID: f.org.ID, SupplierID: gpu.ID, AssetID: asset.ID}); err != nil {
				return err
			}
			if _, err := tx.AddCertification(ctx, isms.Certification{OrgID: f.org.ID, SupplierID: gpu.ID, Kind: isms.CertISO27001,
				Reference: "IS 123456", IssuedOn: &issued, ValidUntil: issued.AddDate(3, 0, 0)}); err != nil {
				return err
			}
			_, err = tx.AddAssessment(ctx, isms.Assessment{OrgID: f.org.ID, SupplierID: gpu.ID, AssessedOn: reviewed, Assessor: "Ada",
				Result: isms.AssessmentPass, Answers: []isms.Answer{{Question: "Is customer data encrypted at rest?", Answer: "Yes, AES-256."}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Supplier(ctx, f.org.ID, gpu.ID)
		if err != nil || got.LastReviewed == nil || !got.LastReviewed.Equal(reviewed) || got.IncidentHours != 24 || got.OwnerID != f.mem.ID ||
			!slices.Equal(got.Clauses, []string{"confidentiality", "incident_notification"}) || len(got.DataShared) != 2 {
			t.Fatalf("Supplier = %+v, %v", got, err)
		}
		if _, err := db.Supplier(ctx, "other-org", gpu.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("supplier of another organisation: err = %v, want ErrNotFound", err)
		}
		list, err := db.Suppliers(ctx, f.org.ID)
		if err != nil || len(list) != 2 || list[0].Name != "Annotate Ltd" {
			t.Errorf("Suppliers = %+v, %v; want two by name", list, err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			_, err := tx.CreateSupplier(ctx, isms.Supplier{OrgID: f.org.ID, Name: "Annotate Ltd", Kind: isms.SupplierOther,
				Criticality: isms.CriticalityLow, Status: isms.SupplierActive, ReviewCadence: isms.Yearly})
			return err
		})
		if !errors.Is(err, isms.ErrConflict) {
			t.Errorf("duplicate name: err = %v, want ErrConflict", err)
		}
		certs, err := db.Certifications(ctx, f.org.ID, gpu.ID)
		if err != nil || len(certs) != 1 || certs[0].IssuedOn == nil || !certs[0].ValidUntil.Equal(issued.AddDate(3, 0, 0)) {
			t.Errorf("Certifications = %+v, %v", certs, err)
		}
		as, err := db.Assessments(ctx, f.org.ID, "")
		if err != nil || len(as) != 1 || len(as[0].Answers) != 1 || as[0].Answers[0].Answer != "Yes, AES-256." {
			t.Errorf("Assessments = %+v, %v", as, err)
		}
		if n, err := db.CountAssetSuppliers(ctx, f.org.ID, asset.ID); err != nil || n != 1 {
			t.Errorf("CountAssetSuppliers = %d, %v; want 1", n, err)
		}
		if err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error { return tx.DeleteSupplier(ctx, f.org.ID, gpu.ID) }); err != nil {
			t.Fatal(err)
		}
		if links, err := db.SupplierAssets(ctx, f.org.ID, ""); err != nil || len(links) != 0 {
			t.Errorf("links after deleting the supplier = %+v, %v", links, err)
		}
		if n, err := db.CountSuppliers(ctx, f.org.ID); err != nil || n != 1 {
			t.Errorf("CountSuppliers = %d, %v; want 1", n, err)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() {
			t.Errorf("verify: %+v", r.Problems)
		}
	})
}
