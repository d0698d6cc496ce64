package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSupplierCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "suppliers.csv")
	bad := filepath.Join(dir, "bad.csv")
	exported := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(good, []byte("name,kind,criticality,data_shared,exit_plan\n"+
		"Lattice GPU Cloud,cloud,critical,training_data;model_weights,\n"+
		"Helio Models,model_provider,high,prompts_outputs,Fall back to our hosted model\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("name,kind,criticality\nA,cloud,low\nB,vendor,low\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"supplier", "list"}, code: 1, errText: "--org is required"},
		{args: []string{"supplier", "import", bad, "--org", "acme"}, code: 1, errText: "bad.csv:3: kind:"},
		{args: []string{"supplier", "list", "--org", "acme", "--format", "json"}, out: "[]"},
		{args: []string{"supplier", "import", good, "--org", "acme", "--dry-run"}, out: "dry run, nothing changed"},
		{args: []string{"supplier", "list", "--org", "acme", "--format", "json"}, out: "[]"},
		{args: []string{"supplier", "import", good, "--org", "acme"}, out: "2 created, 0 updated"},
		{args: []string{"supplier", "list", "--org", "acme", "--flag", "no_exit_plan"}, out: "Lattice GPU Cloud"},
		{args: []string{"supplier", "list", "--org", "acme", "--flag", "late"}, code: 1, errText: "flag"},
		{args: []string{"supplier", "show", "helio models", "--org", "acme"}, out: "Prompts and outputs"},
		{args: []string{"supplier", "show", "Nobody", "--org", "acme"}, code: 1, errText: "no supplier"},
		{args: []string{"supplier", "export", "--org", "acme", "--out", exported}},
		{args: []string{"supplier", "import", exported, "--org", "acme"}, out: "0 created, 2 updated"},
		{args: []string{"supplier", "export", "--org", "acme", "--format", "pdf"}, code: 1, errText: "use csv or xlsx"},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
	r := run(t, data, "", "supplier", "list", "--org", "acme", "--flagged", "--format", "json")
	var list []supplierJSON
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatalf("supplier list json: %v\n%s", err, r.out)
	}
	if len(list) != 2 || len(list[0].Flags) == 0 {
		t.Errorf("flagged suppliers = %+v", list)
	}
}
