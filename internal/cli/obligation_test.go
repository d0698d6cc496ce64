package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestObligationCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "register.csv")
	bad := filepath.Join(dir, "bad.csv")
	exported := filepath.Join(dir, "export.csv")
	xlsx := filepath.Join(dir, "export.xlsx")
	for path, body := range map[string]string{
		good: "kind,title,source,controls,review_date\n" +
			"legal,Security of processing,GDPR Article 32,iso27001-2022:A.5.34,2020-01-31\n" +
			"contractual,Deletion on exit,MSA clause 14,iso27001-2022:A.8.10,\n",
		bad: "kind,title,source\nmoral,,x\n",
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"obligation", "import", good}, code: 1, errText: "--org is required"},
		{args: []string{"obligation", "import", bad, "--org", "acme"}, code: 1, errText: "bad.csv:2: kind"},
		{args: []string{"obligation", "import", good, "--org", "acme", "--dry-run"}, out: "dry run"},
		{args: []string{"obligation", "list", "--org", "acme", "--format", "json"}, out: "[]"},
		{args: []string{"obligation", "import", good, "--org", "acme"}, out: "2 created, 0 updated"},
		{args: []string{"obligation", "list", "--org", "acme", "--overdue"}, out: "OB-001"},
		{args: []string{"obligation", "list", "--org", "acme", "--kind", "contractual", "--format", "json"}, out: `"ref": "OB-002"`},
		{args: []string{"obligation", "list", "--org", "acme", "--kind", "moral"}, code: 1, errText: "kind"},
		{args: []string{"obligation", "show", "OB-001", "--org", "acme"}, out: "iso27001-2022:A.5.34"},
		{args: []string{"obligation", "show", "OB-009", "--org", "acme"}, code: 1, errText: "not found"},
		{args: []string{"obligation", "export", "--org", "acme", "--out", exported}},
		{args: []string{"obligation", "import", exported, "--org", "acme"}, out: "0 created, 2 updated"},
		{args: []string{"obligation", "export", "--org", "acme", "--format", "xlsx", "--out", xlsx}},
		{args: []string{"obligation", "export", "--org", "acme", "--format", "pdf"}, code: 1, errText: "csv or xlsx"},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
	if st, err := os.Stat(xlsx); err != nil || st.Size() == 0 {
		t.Errorf("the XLSX export is missing or empty: %v", err)
	}
}
