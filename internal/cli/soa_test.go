package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSoAAndEvidenceCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	dir := t.TempDir()
	scan := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(scan, []byte("%PDF-1.7\nNovember scan\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"soa", "show", "--org", "acme", "--flagged"}, out: "A.8.8"},
		{args: []string{"control", "set", "iso27001-2022:A.8.8", "--org", "acme", "--applicability", "excluded"}, code: 1,
			errText: "exclusion_reason"},
		{args: []string{"control", "set", "iso27001-2022:A.8.8", "--org", "acme", "--applicability", "included",
			"--status", "implemented", "--implementation", "=HYPERLINK(\"http://x\",\"y\")"}, out: "included, Implemented"},
		{args: []string{"control", "set", "iso27001-2022:A.99", "--org", "acme", "--status", "planned"}, code: 1, errText: "not found"},
		{args: []string{"evidence", "add", scan, "--org", "acme", "--control", "iso27001-2022:A.8.8", "--title", "Scan"},
			out: "application/pdf"},
		{args: []string{"evidence", "add", scan, "--org", "acme", "--control", "iso27001-2022:A.8.8", "--title", "Scan again"},
			out: "same content already stored"},
		{args: []string{"evidence", "list", "--org", "acme", "--control", "iso27001-2022:A.8.8"}, out: "Scan again"},
		{args: []string{"evidence", "verify"}, out: "ok: 1 files for 2 evidence items"},
		{args: []string{"soa", "approve", "--org", "acme"}, code: 1, errText: "neither included nor excluded"},
		{args: []string{"soa", "export", "--org", "acme", "--format", "docx", "-o", out("x")}, code: 1, errText: "format"},
		{args: []string{"soa", "export", "--org", "acme", "--format", "csv", "-o", out("soa.csv")}, errText: "wrote"},
		{args: []string{"soa", "export", "--org", "acme", "--format", "xlsx", "-o", out("soa.xlsx")}, errText: "wrote"},
		{args: []string{"soa", "export", "--org", "acme", "--format", "pdf", "-o", out("soa.pdf")}, errText: "wrote"},
		{args: []string{"soa", "export", "--org", "acme", "--format", "html", "-o", out("soa.html")}, errText: "wrote"},
		{args: []string{"soa", "export", "--org", "acme", "--format", "oscal", "-o", out("soa.json")}, errText: "wrote"},
		{args: []string{"soa", "export", "--org", "acme", "--version", "3", "--format", "csv", "-o", out("v3.csv")}, code: 1,
			errText: "version 3"},
		{args: []string{"control", "add", "AI-01", "--org", "acme", "--title", "Red-team every model release"}, out: "added control org:AI-01"},
		{args: []string{"control", "reason", "iso27001-2022:A.5.34", "--org", "acme", "--kind", "legal", "--title", "GDPR art. 32",
			"--url", "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}, out: "legal reason recorded"},
		{args: []string{"control", "reason", "iso27001-2022:A.5.34", "--org", "acme", "--kind", "moral", "--title", "x", "--url", "https://x.example"},
			code: 1, errText: "kind"},
		{args: []string{"control", "task", "iso27001-2022:A.8.8", "--org", "acme", "--title", "Scan the cluster", "--due", "2031-01-31"},
			out: "added task"},
		{args: []string{"evidence", "request", "iso27001-2022:A.8.8", "--org", "acme", "--title", "Q1 scan", "--assignee", "nobody@acme.example",
			"--due", "2031-01-31"}, code: 1, errText: "not a member"},
		{args: []string{"soa", "show", "--org", "acme", "--format", "json"}, out: `"control": "org:AI-01"`},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
	csv, err := os.ReadFile(out("soa.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(csv), "\n"); lines < 94 {
		t.Errorf("CSV has %d lines; want a header and 93 controls", lines)
	}
	if strings.Contains(string(csv), ",=HYPERLINK") || strings.Contains(string(csv), "\n=HYPERLINK") {
		t.Error("the CSV carries a live formula")
	}
	if _, err := os.Stat(out("v3.csv")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file: %v", err)
	}

	// An altered stored file is caught.
	var stored string
	root := filepath.Join(data, "evidence")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if rel, _ := filepath.Rel(root, p); err == nil && !d.IsDir() && !strings.HasPrefix(rel, "tmp") {
			stored = p
		}
		return nil
	})
	if stored == "" {
		t.Fatal("no stored evidence file found")
	}
	if err := os.Chmod(stored, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stored, []byte("%PDF-1.7\nforged\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, data, "", "evidence", "verify", "--org", "acme")
	if r.code != 1 || !strings.Contains(r.out, "ALTERED") || !strings.Contains(r.out, "Scan again") {
		t.Errorf("verify after altering: code %d, out %q, err %q", r.code, r.out, r.err)
	}
}

func TestImportNessusCommand(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	sample := "../nessus/testdata/ruby-nessus_MIT/example_v2.nessus"
	wrong := "../nessus/testdata/ruby-nessus_MIT/spec_example_v_wrong.nessus"
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"import", "nessus", sample}, code: 1, errText: "--org is required"},
		{args: []string{"import", "nessus", "--org", "acme", wrong}, code: 1, errText: "not a Nessus v2 file"},
		{args: []string{"import", "nessus", "--org", "acme", sample, "--format", "json"}, out: `"hosts": 2`},
		{args: []string{"import", "nessus", "--org", "acme", sample}, code: 1, errText: "was already imported"},
		{args: []string{"finding", "list", "--org", "acme", "--severity", "medium"}, out: "medium"},
		{args: []string{"finding", "list", "--org", "acme", "--severity", "urgent"}, code: 1, errText: "severity"},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
		{args: []string{"evidence", "verify"}, out: "ok: 1 files for 1 evidence items"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
}
