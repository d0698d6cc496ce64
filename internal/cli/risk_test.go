package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAssetAndRiskCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	bom := "../aibom/testdata/cyclonedx/spec/valid-machine-learning-1.6.json"
	exported := filepath.Join(t.TempDir(), "assets.csv")
	hostile := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(hostile, []byte("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"machine-learning-model\",\"name\":\"\xff\xfe\"}]}"), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"asset", "import", bom}, code: 1, errText: "--org is required"},
		{args: []string{"asset", "import", bom, "--org", "acme", "--format", "hf"}, code: 1, errText: "nothing was imported"},
		{args: []string{"asset", "import", hostile, "--org", "acme"}, code: 1, errText: "nothing was imported"},
		{args: []string{"asset", "list", "--org", "acme", "--format", "json"}, out: "[]"},
		{args: []string{"asset", "import", bom, "--org", "acme", "--format", "cyclonedx", "--dry-run"}, out: "dry run"},
		{args: []string{"asset", "list", "--org", "acme", "--format", "json"}, out: "[]"},
		{args: []string{"asset", "import", bom, "--org", "acme", "--format", "cyclonedx"}, out: "0 updated, 0 unchanged"},
		{args: []string{"asset", "import", bom, "--org", "acme", "--format", "cyclonedx"}, out: " 0 created, 0 updated"},
		{args: []string{"asset", "list", "--org", "acme", "--type", "model"}, out: "model"},
		{args: []string{"asset", "export", "--org", "acme", "--out", exported}},
		{args: []string{"asset", "import", exported, "--org", "acme", "--format", "csv"}, out: " 0 created, 0 updated"},
		{args: []string{"asset", "template"}, out: "key,name,type"},
		{args: []string{"risk", "list", "--org", "acme", "--format", "json"}, out: "[]"},
		{args: []string{"risk", "list", "--org", "acme", "--status", "done"}, code: 1, errText: "status"},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
	r := run(t, data, "", "asset", "list", "--org", "acme", "--format", "json")
	var assets []assetJSON
	if err := json.Unmarshal([]byte(r.out), &assets); err != nil {
		t.Fatalf("asset list json: %v\n%s", err, r.out)
	}
	types := map[string]int{}
	for _, a := range assets {
		types[a.Type]++
	}
	if types["model"] == 0 || types["dataset"] == 0 {
		t.Errorf("the ML-BOM gave %v; want its models and datasets", types)
	}
}
