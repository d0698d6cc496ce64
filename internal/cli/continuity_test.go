package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func TestContinuityCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"},
		{"user", "add", "lee@acme.example", "--org", "acme", "--role", "isms_manager", "--name", "Lee"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	// The register is written in the UI or the API; the commands read it.
	seedContinuity(t, data)

	step := func(code int, out, errText string, args ...string) string {
		t.Helper()
		r := run(t, data, "", args...)
		if r.code != code || !strings.Contains(r.out, out) || !strings.Contains(r.err, errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(args, " "), r.code, r.out, r.err, code, out, errText)
		}
		return r.out
	}
	step(0, "BCT-001", "", "continuity", "list", "--org", "acme")
	step(1, "", "--org is required", "continuity", "list")
	step(1, "", "--criticality", "continuity", "list", "--org", "acme", "--criticality", "vital")
	var flagged []continuityJSON
	if err := json.Unmarshal([]byte(step(0, "", "", "bia", "list", "--org", "acme", "--flagged", "--format", "json")), &flagged); err != nil ||
		len(flagged) != 2 {
		t.Fatalf("flagged: %+v %v", flagged, err)
	}
	for _, f := range flagged {
		switch f.Ref {
		case "BIA-001":
			if strings.Join(f.Flags, ",") != "missed_rto" || len(f.Plans) != 1 || len(f.Dependencies) != 1 {
				t.Errorf("BIA-001 = %+v", f)
			}
		case "BIA-002":
			if strings.Join(f.Flags, ",") != "no_plan" {
				t.Errorf("BIA-002 = %+v", f)
			}
		}
	}
	step(0, `"missed_rto": true`, "", "continuity", "show", "BIA-1", "--org", "acme")
	step(1, "", "not found", "continuity", "show", "BIA-9", "--org", "acme")
	step(0, "BIA-001,Chat inference", "", "continuity", "export", "--org", "acme")
	step(1, "", "--output", "continuity", "export", "--org", "acme", "--format", "xlsx")
	step(1, "", "--format", "continuity", "export", "--org", "acme", "--format", "pdf")
	out := filepath.Join(t.TempDir(), "bia.xlsx")
	step(0, "", "", "continuity", "export", "--org", "acme", "--format", "xlsx", "--output", out)
	step(1, "", "exists", "continuity", "export", "--org", "acme", "--format", "xlsx", "--output", out)
	book, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if cell, _ := book.GetCellValue("Analyses", "A3"); cell != "BIA-002" {
		t.Errorf("spreadsheet A3 = %q", cell)
	}
}

// seedContinuity writes two analyses, a plan covering the first and a
// test of it that took longer than its RTO.
func seedContinuity(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), "acme")
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := db.UserByEmail(ctx, "lee@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.MemberByUser(ctx, acc.Org.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	asset, err := svc.CreateAsset(ctx, acc, isms.Asset{Name: "GPU cluster", Type: isms.AssetComputeCluster, OwnerID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveBIA(ctx, acc, "", app.BIAInput{Name: "Chat inference", OwnerID: m.ID, Criticality: "critical", RTOHours: 2,
		RPOHours: 1, MTPDHours: 8, DependencyIDs: []string{asset.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveBIA(ctx, acc, "", app.BIAInput{Name: "Fine-tuning", OwnerID: m.ID, Criticality: "critical", RTOHours: 24,
		MTPDHours: 72}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.SavePlan(ctx, acc, "", app.PlanInput{Title: "Inference failover", OwnerID: m.ID, Steps: "Fail over.", BIAs: []string{"BIA-1"}})
	if err != nil {
		t.Fatal(err)
	}
	minutes := 180
	if _, err := svc.RecordContinuityTest(ctx, acc, p.ID, app.TestInput{TestedOn: time.Now().AddDate(0, 0, -3), Kind: "failover_inference_endpoint",
		Scope: "eu-central to eu-west", Result: "partial", RecoveryMinutes: &minutes, Findings: "Slow DNS.", FollowUps: []string{"Lower TTL"}}); err != nil {
		t.Fatal(err)
	}
}
