package nessusbench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/store"
)

// BenchmarkImportNessus calls what `isms import nessus` calls, in this
// process, so that the import can be profiled:
//
//	ISMS_BENCH_NESSUS_MB=350 go test -run '^$' -bench ImportNessus -benchtime 1x \
//	  -o /tmp/nessus.test -cpuprofile /tmp/cpu.out ./bench/nessus/
//
// Each iteration imports the generated scan (ISMS_BENCH_NESSUS_MB, default
// 50 here) into a fresh SQLite database and evidence folder; setting those
// up is not timed.
func BenchmarkImportNessus(b *testing.B) {
	ctx := context.Background()
	scan := filepath.Join(b.TempDir(), "bench.nessus")
	f, err := os.Create(scan)
	if err != nil {
		b.Fatal(err)
	}
	st, err := mustGenerator(b).Write(f, Options{Bytes: int64(envInt("ISMS_BENCH_NESSUS_MB", 50)) * 1_000_000})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		db := dbtest.Open(b, store.SQLite)
		files, err := evidence.Open(filepath.Join(b.TempDir(), "evidence"), 4<<30)
		if err != nil {
			b.Fatal(err)
		}
		svc, err := app.New(db.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Evidence: files})
		if err != nil {
			b.Fatal(err)
		}
		op := app.OperatorPrincipal("cli:bench")
		if _, err := svc.CreateOrg(ctx, op, app.OrgInput{Slug: "bench", Name: "Bench"}); err != nil {
			b.Fatal(err)
		}
		acc, err := svc.OpenOrg(ctx, op, "bench")
		if err != nil {
			b.Fatal(err)
		}
		in, err := os.Open(scan)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := svc.ImportNessus(ctx, acc, scan, in)
		b.StopTimer()
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Scan.Hosts != st.Hosts {
			b.Fatalf("imported %d hosts, want %d", res.Scan.Hosts, st.Hosts)
		}
		b.StartTimer()
	}
}
