package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/store"
)

// BenchmarkChange measures one change with its ledger entry: a write
// transaction that updates a record, re-reads it, and appends to the chain.
func BenchmarkChange(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			db := dbtest.Open(b, d)
			ctx := context.Background()
			f := benchOrg(b, db.DB)
			for i := 0; b.Loop(); i++ {
				err := db.InTx(ctx, "cli:bench", func(tx *store.Tx) error {
					_, err := tx.RenameOrg(ctx, f, fmt.Sprintf("Name %d", i))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyChain measures verifying a chain of 5,000 entries and
// its records, reported per entry.
func BenchmarkVerifyChain(b *testing.B) {
	const entries = 5000
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			db := dbtest.Open(b, d)
			ctx := context.Background()
			org := benchOrg(b, db.DB)
			// Batches of changes per transaction keep the set-up short.
			for i := 0; i < entries-1; i += 100 {
				err := db.InTx(ctx, "cli:bench", func(tx *store.Tx) error {
					for j := i; j < min(i+100, entries-1); j++ {
						if _, err := tx.RenameOrg(ctx, org, fmt.Sprintf("Name %d", j)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				r, err := db.VerifyChain(ctx, org)
				if err != nil || !r.OK() || r.Entries != entries {
					b.Fatalf("verify: %d entries, %v, %+v", r.Entries, err, r.Problems)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/entries, "ns/entry")
		})
	}
}

func benchOrg(b *testing.B, db *store.DB) string {
	b.Helper()
	var id string
	err := db.InTx(context.Background(), "cli:bench", func(tx *store.Tx) error {
		o, err := tx.CreateOrg(context.Background(), "bench", "Bench")
		id = o.ID
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return id
}
