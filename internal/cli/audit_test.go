package cli

import (
	"context"
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

func TestAuditCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"},
		{"user", "add", "lee@acme.example", "--org", "acme", "--role", "contributor", "--name", "Lee"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	seedAudit(t, data)
	step := func(code int, out, errText string, args ...string) string {
		t.Helper()
		r := run(t, data, "", args...)
		if r.code != code || !strings.Contains(r.out, out) || !strings.Contains(r.err, errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(args, " "), r.code, r.out, r.err, code, out, errText)
		}
		return r.out
	}
	step(0, "AUD-001", "", "audit", "list", "--org", "acme")
	step(0, "", "", "audit", "list", "--org", "acme", "--status", "completed")
	step(1, "", "--status", "audit", "list", "--org", "acme", "--status", "done")
	var shown struct {
		Ref   string `json:"ref"`
		Items []struct {
			Ref    string `json:"ref"`
			Result string `json:"result"`
			Record string `json:"record"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(step(0, `"status": "in_progress"`, "", "audit", "show", "aud-1", "--org", "acme")), &shown); err != nil ||
		len(shown.Items) != 2 || shown.Items[0].Result != "minor_nonconformity" || shown.Items[0].Record != "NC-001" {
		t.Errorf("audit show: %+v %v", shown, err)
	}
	step(1, "", "not found", "audit", "show", "AUD-9", "--org", "acme")
	step(1, "", "--output", "audit", "report", "AUD-1", "--org", "acme")
	step(1, "", "--format", "audit", "report", "AUD-1", "--org", "acme", "--format", "docx", "--output", "x")
	for _, format := range []string{"pdf", "xlsx"} {
		out := filepath.Join(t.TempDir(), "report."+format)
		step(0, "", "wrote", "audit", "report", "AUD-1", "--org", "acme", "--format", format, "--output", out)
		if b, err := os.ReadFile(out); err != nil || len(b) == 0 {
			t.Errorf("%s report: %d bytes, %v", format, len(b), err)
		}
		step(1, "", "exists", "audit", "report", "AUD-1", "--org", "acme", "--format", format, "--output", out)
	}
}

// seedAudit plans an audit of clause 9.2 by Lee and records a minor
// nonconformity on its first item.
func seedAudit(t *testing.T, data string) {
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
	title, start := "Audit process", time.Now()
	au, err := svc.PlanAudit(ctx, acc, app.AuditInput{Title: &title, Scope: []string{"9.2"}, Auditors: &[]string{m.ID}, PlannedStart: &start,
		PlannedEnd: &start})
	if err != nil {
		t.Fatal(err)
	}
	lee, err := svc.OpenOrg(ctx, app.UserPrincipal(u), "acme")
	if err != nil {
		t.Fatal(err)
	}
	result, notes := "minor_nonconformity", "No programme for next year."
	if _, err := svc.RecordAuditResult(ctx, lee, au.ID, "iso27001-2022:9.2.1", app.AuditItemInput{Result: &result, Notes: &notes}); err != nil {
		t.Fatal(err)
	}
}
