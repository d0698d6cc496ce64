package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocumentCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"},
		{"user", "add", "lee@acme.example", "--org", "acme", "--role", "isms_manager", "--name", "Lee"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	dir := t.TempDir()
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"document", "start", "access-control", "--org", "acme"}, code: 1, errText: "owner"},
		{args: []string{"document", "start", "no-such", "--org", "acme", "--owner", "lee@acme.example"}, code: 1, errText: "template"},
		{args: []string{"document", "start", "access-control", "--org", "acme", "--owner", "lee@acme.example"}, out: "started DOC-001"},
		{args: []string{"doc", "list", "--org", "acme"}, out: "1.0 draft"},
		{args: []string{"doc", "list", "--org", "acme", "--control", "iso27001-2022:A.5.18", "--format", "json"}, out: `"ref": "DOC-001"`},
		{args: []string{"doc", "pdf", "DOC-001", "--org", "acme", "-o", filepath.Join(dir, "x.pdf")}, code: 1, errText: "no version in force"},
		{args: []string{"doc", "pdf", "DOC-001", "--org", "acme", "--version", "1.0", "-o", filepath.Join(dir, "draft.pdf")}, errText: "wrote"},
		{args: []string{"doc", "export", "--org", "acme", "--format", "csv", "-o", filepath.Join(dir, "docs.csv")}, errText: "wrote"},
		{args: []string{"doc", "export", "--org", "acme", "--format", "ods", "-o", filepath.Join(dir, "docs.ods")}, code: 1, errText: "format"},
		{args: []string{"readiness", "--org", "acme"}, out: "Stage 1: 0% of the required documented information is present"},
		{args: []string{"readiness", "--org", "acme", "--format", "json"}, out: `"clause": "4.3"`},
		{args: []string{"readiness", "--org", "acme", "--format", "yaml"}, code: 1, errText: "--format"},
		{args: []string{"pack", "--org", "acme", "-o", filepath.Join(dir, "pack.zip")}, out: "wrote"},
		{args: []string{"pack", "verify", filepath.Join(dir, "pack.zip")}, out: "ok:"},
		{args: []string{"pack", "verify", filepath.Join(dir, "docs.csv")}, code: 1, errText: "not an isms auditor pack"},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "draft.pdf")); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("the PDF: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "docs.csv")); err != nil || !strings.Contains(string(b), "DOC-001") {
		t.Errorf("the CSV: %s %v", b, err)
	}
}
