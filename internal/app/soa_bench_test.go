package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// BenchmarkExportSoA measures what a user waits for when they press an
// export button of a 2022 statement whose controls carry 5,000 evidence
// items: reading the records, building the statement and rendering it,
// on SQLite and PostgreSQL side by side. The evidence is written through
// the store directly, as one transaction, because 5,000 uploads through
// the use case would dominate the set-up time without changing what is
// measured.
func BenchmarkExportSoA(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			db := dbtest.Open(b, d)
			e := newEnv(b, db)
			ctx := context.Background()
			manager := e.member(b, "manager@acme.example", isms.RoleISMSManager)
			seedEvidence(b, e, manager, 5000)
			for _, format := range []string{app.SoAFormatXLSX, app.SoAFormatPDF, app.SoAFormatCSV, app.SoAFormatOSCAL} {
				b.Run(format, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := e.svc.ExportSoA(ctx, manager, "iso27001-2022", 0, format); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// seedEvidence links n evidence items, a third of them stale, to the 93
// controls, each included with a reason.
func seedEvidence(b *testing.B, e *env, a app.Access, n int) {
	b.Helper()
	ctx := context.Background()
	doc, err := e.svc.SoA(ctx, a, "iso27001-2022", 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, en := range doc.Entries {
		if _, err := e.svc.AddControlReason(ctx, a, en.Control, "contractual", "Customer security schedule", "https://example.com/s"); err != nil {
			b.Fatal(err)
		}
		if _, err := e.svc.UpdateControl(ctx, a, en.Control, app.ControlInput{Applicability: ptr("included"), Status: ptr("implemented"),
			Implementation: ptr("Done as the policy says, checked every quarter by the control owner.")}); err != nil {
			b.Fatal(err)
		}
	}
	err = e.db.InTx(ctx, "bench", func(tx *store.Tx) error {
		for i := range n {
			end := e.clock.AddDate(0, 0, -(i%3)*60)
			ev, err := tx.SaveEvidence(ctx, isms.Evidence{OrgID: a.Org.ID, Kind: isms.EvidenceLink, Title: fmt.Sprintf("Evidence %d", i),
				URL: "https://example.com/e", PeriodStart: end, PeriodEnd: end, Cadence: isms.Quarterly})
			if err != nil {
				return err
			}
			en := doc.Entries[i%len(doc.Entries)]
			if err := tx.SetEvidenceLinks(ctx, a.Org.ID, ev.ID, []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: en.Control}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	got, err := e.svc.SoA(ctx, a, "iso27001-2022", 0)
	if err != nil || countEvidence(got) != n {
		b.Fatalf("statement carries %d evidence items, %v; want %d", countEvidence(got), err, n)
	}
}

func countEvidence(d soa.Document) int {
	n := 0
	for _, e := range d.Entries {
		n += len(e.Evidence)
	}
	return n
}
