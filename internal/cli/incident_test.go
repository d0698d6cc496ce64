package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/store"
)

func TestIncidentCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	// Incidents are reported in the UI or the API; the commands read them.
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), "acme")
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	yes := true
	aware := time.Now().Add(-2 * time.Hour)
	for _, in := range []app.IncidentInput{
		{Title: str("Phishing mail clicked"), Category: str("phishing"), Severity: str("low")},
		{Title: str("Support chats readable across tenants"), Category: str("training_data_leak"), Severity: str("high"),
			SetAwareAt: true, AwareAt: &aware, PersonalData: &yes},
	} {
		if _, err := svc.ReportIncident(ctx, acc, in); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	step := func(code int, out, errText string, args ...string) string {
		t.Helper()
		r := run(t, data, "", args...)
		if r.code != code || !strings.Contains(r.out, out) || !strings.Contains(r.err, errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(args, " "), r.code, r.out, r.err, code, out, errText)
		}
		return r.out
	}
	if out := step(0, "h left", "", "incident", "list", "--org", "acme"); !strings.Contains(out, "GDPR 69h") && !strings.Contains(out, "GDPR 70h") {
		t.Errorf("no GDPR countdown in %q", out)
	}
	var list []incidentJSON
	if err := json.Unmarshal([]byte(step(0, "", "", "incident", "list", "--org", "acme", "--category", "ai", "--format", "json")), &list); err != nil ||
		len(list) != 1 || list[0].Ref != "INC-002" || len(list[0].Deadlines) != 1 || list[0].Deadlines[0].State != "running" {
		t.Errorf("AI incidents: %+v, %v", list, err)
	}
	step(1, "", "status", "incident", "list", "--org", "acme", "--status", "pending")
	step(0, `"rule": "72 hours after becoming aware of the breach (GDPR art. 33(1))"`, "", "incident", "show", "INC-2", "--org", "acme")
	step(1, "", "not found", "incident", "show", "INC-9", "--org", "acme")
	out := step(0, "", "", "incident", "export", "--org", "acme")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][0] != "INC-002" {
		t.Errorf("CSV export: %q, %v", rows, err)
	}
	file := filepath.Join(t.TempDir(), "incidents.xlsx")
	step(0, "", "", "incident", "export", "--org", "acme", "--format", "xlsx", "--out", file)
	if b, err := os.ReadFile(file); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Errorf("XLSX export: %v", err)
	}
	step(1, "", "--format", "incident", "export", "--org", "acme", "--format", "pdf")
	step(0, "intact", "", "ledger", "verify", "--org", "acme")
}
