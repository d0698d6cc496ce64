package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFrameworkCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	files := "../framework/testdata/files/"
	oscalOut := filepath.Join(t.TempDir(), "ai-security.oscal.json")
	steps := []struct {
		args    []string
		code    int
		out     string
		errText string
	}{
		{args: []string{"framework", "list"}, out: "iso27001-2022"},
		{args: []string{"framework", "list", "--org", "acme"}, out: "yes"},
		{args: []string{"framework", "show", "iso27001-2013"}, out: "A.18.2.3"},
		{args: []string{"framework", "show", "iso27001-2022", "--format", "yaml"}, out: "format: isms-framework/1"},
		{args: []string{"framework", "show", "nope"}, code: 1, errText: `no framework "nope"`},
		{args: []string{"framework", "export", "ai-security", "--format", "oscal", "--output", oscalOut}},
		{args: []string{"framework", "export", "ai-security", "--format", "pdf"}, code: 1, errText: "format"},
		{args: []string{"framework", "validate", files + "custom.yaml"}, out: "no problems"},
		{args: []string{"framework", "validate", files + "broken.yaml"}, code: 1, out: `broken.yaml:17: items[2].parent: "A-9" is not an item listed above`},
		{args: []string{"framework", "import", files + "broken.yaml", "--org", "acme"}, code: 1, errText: "nothing was imported"},
		{args: []string{"framework", "import", files + "custom.yaml", "--org", "acme"}, out: "imported framework acme-ai-controls"},
		{args: []string{"framework", "import", files + "custom.yaml", "--org", "acme"}, code: 1, errText: "already taken"},
		{args: []string{"framework", "import", files + "ciso-library.yaml"}, out: "imported framework acme-ai-baseline-threats"},
		{args: []string{"framework", "enable", "iso42001-2023", "--org", "acme"}, out: "acme runs ISO/IEC 42001:2023"},
		{args: []string{"framework", "disable", "iso27001-2022", "--org", "acme"}, out: "no longer runs"},
		{args: []string{"framework", "enable", "mitre-atlas", "--org", "acme"}, code: 1, errText: "threat library"},
		{args: []string{"framework", "list", "--org", "acme", "--format", "json"}, out: `"acme-ai-baseline"`},
		{args: []string{"ledger", "verify"}, out: "intact"},
	}
	for _, s := range steps {
		r := run(t, data, "", s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: exit %d\nstdout %s\nstderr %s\nwant exit %d, stdout with %q, stderr with %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}
	if doc, err := os.ReadFile(oscalOut); err != nil || !strings.Contains(string(doc), `"oscal-version": "1.1.3"`) {
		t.Errorf("exported OSCAL file: %v", err)
	}

	var list []struct {
		ID       string `json:"id"`
		Enabled  *bool  `json:"enabled"`
		Scope    string `json:"scope"`
		ImportID string `json:"import_id"`
	}
	r := run(t, data, "", "framework", "list", "--org", "acme", "--format", "json")
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, f := range list {
		state[f.ID] = f.Scope
		if f.Enabled != nil && *f.Enabled {
			state[f.ID] += " runs"
		}
	}
	want := map[string]string{"iso27001-2022": "builtin", "iso42001-2023": "builtin runs", "acme-ai-controls": "org", "acme-ai-baseline": "instance"}
	for id, w := range want {
		if state[id] != w {
			t.Errorf("%s: %q, want %q", id, state[id], w)
		}
	}

	// Remove the organisation's import, by the id the list gives.
	importID := ""
	for _, f := range list {
		if f.ID == "acme-ai-controls" {
			importID = f.ImportID
		}
	}
	if r := run(t, data, "", "framework", "remove", importID, "--org", "acme"); r.code != 0 || !strings.Contains(r.out, "removed import") {
		t.Fatalf("framework remove %q: %d %s %s", importID, r.code, r.out, r.err)
	}
	if r := run(t, data, "", "framework", "show", "acme-ai-controls", "--org", "acme"); r.code == 0 {
		t.Error("the removed framework is still there")
	}
	if r := run(t, data, "", "ledger", "verify"); r.code != 0 {
		t.Errorf("ledger after removal: %s", r.out)
	}
}
