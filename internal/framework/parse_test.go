package framework

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/files/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCustomFramework(t *testing.T) {
	lib := builtinLib(t)
	file, err := Parse("custom.yaml", readFile(t, "custom.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	org := NewLibrary(lib)
	if err := org.Add("custom.yaml", file.Frameworks, file.Mappings); err != nil {
		t.Fatal(err)
	}
	f, _ := org.Framework("acme-ai-controls")
	if f.Count(ItemControl) != 2 || f.Assessable() != 2 {
		t.Errorf("controls %d, assessable %d", f.Count(ItemControl), f.Assessable())
	}
	// The built-in control sees the custom mapping in the organisation's
	// view, and not in the shared library.
	in := org.Incoming(Ref{ISO27001v2022, "A.5.1"})
	if !slices.ContainsFunc(in, func(m Mapping) bool { return m.From.Framework == "acme-ai-controls" }) {
		t.Error("A.5.1 does not show the custom framework that implements it")
	}
	if slices.ContainsFunc(lib.Incoming(Ref{ISO27001v2022, "A.5.1"}), func(m Mapping) bool { return m.From.Framework == "acme-ai-controls" }) {
		t.Error("the custom mapping leaked into the shared built-in library")
	}
	// The same id again, or a built-in id, is refused.
	again, _ := Parse("custom.yaml", readFile(t, "custom.yaml"))
	if err := org.Add("custom.yaml", again.Frameworks, nil); err == nil || !strings.Contains(err.Error(), "already taken") {
		t.Errorf("second import of the same id: %v", err)
	}
}

func TestBrokenFileReportsEveryProblem(t *testing.T) {
	file, err := Parse("broken.yaml", readFile(t, "broken.yaml"))
	if err == nil {
		err = builtinLib(t).Check("broken.yaml", file.Frameworks, file.Mappings, false)
	}
	var problems Problems
	if !errors.As(err, &problems) {
		t.Fatalf("err = %v, want Problems", err)
	}
	want := []string{
		`broken.yaml:6: colour: unknown field`,
		`broken.yaml:2: id: "Acme Controls" is not a valid framework id`,
		`broken.yaml:14: items[1].id: "A-1" is used twice (first on line 11)`,
		`broken.yaml:17: items[2].parent: "A-9" is not an item listed above`,
		`broken.yaml:17: items[2].kind: "widget" is not an item kind`,
		`broken.yaml:17: items[2].attributes.priority: "urgent" is not one of the declared values high, low`,
		`broken.yaml:17: items[2].attributes.owner: the attribute "owner" is not declared`,
		`broken.yaml:24: items[3].title: is required`,
		`broken.yaml:30: mappings[1].from: "A-7" is not an item of this framework`,
		`broken.yaml:30: mappings[1].relation: "fixes" is not a relation`,
	}
	text := problems.Error()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing problem %q in:\n%s", w, text)
		}
	}
	// Mapping targets are checked by the library, after the file's own
	// problems are fixed.
	fixed := strings.NewReplacer("id: Acme Controls", "id: acme-controls", "colour: blue\n", "", "parent: A-9", "parent: A-1",
		"kind: widget", "kind: control", "priority: [urgent]", "priority: [high]", "      owner: [me]\n", "",
		"  - id: A-3\n    kind: control\n", "  - id: A-3\n    kind: control\n    title: Third\n",
		"  - id: A-1\n    kind: control\n    title: Again\n", "", "from: A-7", "from: A-2", "relation: fixes", "relation: related").
		Replace(string(readFile(t, "broken.yaml")))
	file, err = Parse("fixed.yaml", []byte(fixed))
	if err != nil {
		t.Fatalf("fixed file: %v", err)
	}
	err = builtinLib(t).Check("fixed.yaml", file.Frameworks, file.Mappings, false)
	for _, w := range []string{`mappings[0].to: "A.9.99" is not an item of iso27001-2022`, `mappings[1].to: "nowhere:X" names the framework "nowhere"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("want %q, got %v", w, err)
		}
	}
}

func TestParseRefusals(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "not valid YAML"},
		{"no format", "id: x\nname: y\n", "format: is missing"},
		{"wrong format", "format: something/2\n", `"something/2" is not a format`},
		{"list at the top", "- a\n- b\n", "must be a YAML mapping"},
		{"two documents", "format: isms-framework/1\n---\nformat: isms-framework/1\n", "more than one YAML document"},
		{"anchors", "format: isms-framework/1\nid: &x abc\nname: *x\n", "anchors and aliases"},
		{"bad yaml names the line", "format: isms-framework/1\nitems:\n  - id: [\n", "yaml:4"}, // the end, where the list is still open
		// The YAML library counts from 0 in parser errors; the line is the
		// one of the list that lacks its '-'.
		{"parser errors count lines from 1 too", "format: isms-framework/1\nid: x\nitems:\n  - id: a\n    title: b\n   c: d\n", "yaml:4"},
		{"no items", "format: isms-framework/1\nid: abc\nname: A\nversion: '1'\nkind: custom\n", "items: is required"},
		{"items not a list", "format: isms-framework/1\nid: abc\nname: A\nversion: '1'\nkind: custom\nitems: 3\n", "items: must be a list"},
		{"control character", "format: isms-framework/1\nid: abc\nname: \"A\\u0007\"\nversion: '1'\nkind: custom\nitems: []\n", "control character"},
		{"oscal without catalog", `{"profile": {}}`, "catalog: is missing"},
		{"broken json", `{"catalog": {`, "not valid JSON"},
		{"ciso without objects", "urn: urn:x:risk:library:y\nobjects: 3\n", "objects: must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.in))
			if err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), "f.yaml:", "yaml:"), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCISOAssistantLibrary(t *testing.T) {
	lib := builtinLib(t)
	file, err := Parse("ciso-library.yaml", readFile(t, "ciso-library.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range file.Frameworks {
		ids = append(ids, f.ID)
	}
	if !slices.Equal(ids, []string{"acme-ai-baseline", "acme-ai-baseline-threats", "acme-ai-baseline-controls"}) {
		t.Fatalf("frameworks = %v", ids)
	}
	org := NewLibrary(lib)
	if err := org.Add("ciso-library.yaml", file.Frameworks, file.Mappings); err != nil {
		t.Fatal(err)
	}
	fw, _ := org.Framework("acme-ai-baseline")
	m1, ok := fw.Item("models.1")
	if !ok || m1.Parent != "models" || m1.Label != "MODELS.1" || m1.Kind != ItemRequirement || !strings.Contains(m1.Guidance, "Registry export") {
		t.Errorf("models.1 = %+v", m1)
	}
	// Without parent_urn the hierarchy comes from depth.
	if m2, _ := fw.Item("models.2"); m2 == nil || m2.Parent != "models" {
		t.Errorf("models.2 = %+v", m2)
	}
	if sec, _ := fw.Item("ops"); sec == nil || sec.Kind != ItemSection || sec.Assessable {
		t.Errorf("ops = %+v", sec)
	}
	// The mapping set lands on isms's own ISO/IEC 27001:2022, without
	// the not_related row.
	var got []string
	for _, m := range org.Incoming(Ref{ISO27001v2022, "A.5.9"}) {
		got = append(got, m.From.String()+" "+string(m.Relation))
	}
	for _, m := range org.Incoming(Ref{ISO27001v2022, "A.8.16"}) {
		got = append(got, "unexpected "+m.From.String())
	}
	if !slices.Contains(got, "acme-ai-baseline:models.1 subset") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "unexpected acme") }) {
		t.Errorf("mappings to A.5.9 and A.8.16: %v", got)
	}
	// Threats and reference controls keep their links to requirements.
	treats := org.Outgoing(Ref{"acme-ai-baseline-threats", "t-leak"})
	if len(treats) != 1 || treats[0].To != (Ref{"acme-ai-baseline", "models.1"}) || treats[0].Relation != RelTreatedBy {
		t.Errorf("t-leak mappings = %+v", treats)
	}
}

func TestCISOProblemsNameTheLine(t *testing.T) {
	broken := strings.NewReplacer(
		"parent_urn: urn:acme:risk:req_node:acme-ai-baseline:models\n", "parent_urn: urn:acme:risk:req_node:acme-ai-baseline:nothing\n",
		"- urn:acme:risk:threat:acme-ai-baseline:t-poison", "- urn:acme:risk:threat:other:t-x",
		"relationship: equal", "relationship: similar",
		"target_requirement_urn: urn:intuitem:risk:req_node:iso27001-2022:a.5.9", "target_requirement_urn: urn:intuitem:risk:req_node:iso27001-2022:a.9.99",
	).Replace(string(readFile(t, "ciso-library.yaml")))
	file, err := Parse("ciso.yaml", []byte(broken))
	if err == nil {
		err = builtinLib(t).Check("ciso.yaml", file.Frameworks, file.Mappings, false)
	}
	if err == nil {
		t.Fatal("broken CISO library accepted")
	}
	for _, want := range []string{
		`ciso.yaml:42: objects.framework[0].requirement_nodes[1].parent_urn: "urn:acme:risk:req_node:acme-ai-baseline:nothing" is not a node listed above`,
		`objects.framework[0].requirement_nodes[2].threats[0]: "urn:acme:risk:threat:other:t-x" is not defined in this library`,
		`relationship: "similar" is not a relationship`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

// FuzzParse feeds arbitrary bytes to the readers of every format. They
// must answer, never panic, and report failures as Problems naming the
// file; whatever they accept must fit a library or be refused with
// Problems too, and a refused file must leave the library unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"custom.yaml", "broken.yaml", "ciso-library.yaml"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`{"catalog":{"uuid":"u","metadata":{"title":"T","version":"1","oscal-version":"1.1.2","last-modified":"2024-01-01T00:00:00Z"},"groups":[{"id":"g","title":"G","controls":[{"id":"c-1","title":"C","links":[{"href":"#c-2","rel":"related"}]}]}]}}`))
	f.Add([]byte("format: isms-mappings/1\nid: m\nname: M\nmappings:\n  - from: a:b\n    to: c:d\n    relation: related\n"))
	lib, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 || ps[0].File != "fuzz.yaml" {
				t.Fatalf("error is not Problems naming the file: %v", err)
			}
			return
		}
		org := NewLibrary(lib)
		before := len(org.Frameworks())
		if err := org.Add("fuzz.yaml", file.Frameworks, file.Mappings); err != nil {
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("library error is not Problems: %v", err)
			}
			if len(org.Frameworks()) != before || len(org.out) != 0 {
				t.Fatal("a refused file changed the library")
			}
			return
		}
		for _, fw := range file.Frameworks {
			if _, err := ExportOSCAL(fw); err != nil {
				t.Fatalf("accepted framework %s does not export: %v", fw.ID, err)
			}
		}
	})
}

// TestYAMLRoundTrip writes every built-in framework in the isms format
// and reads it back unchanged, so a built-in catalog is a working example
// for users' own files.
func TestYAMLRoundTrip(t *testing.T) {
	lib := builtinLib(t)
	for _, f := range lib.Frameworks() {
		data, err := WriteYAML(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := Parse(f.ID+".yaml", data)
		if err != nil {
			t.Fatalf("%s: the written YAML does not read back: %v", f.ID, err)
		}
		back := file.Frameworks[0]
		if len(back.Items) != len(f.Items) || len(back.Mappings) != len(f.Mappings) || back.Name != f.Name {
			t.Errorf("%s: %d items, %d mappings read back from %d, %d", f.ID, len(back.Items), len(back.Mappings), len(f.Items), len(f.Mappings))
		}
		for i, it := range f.Items {
			b := back.Items[i]
			if b.ID != it.ID || b.Title != it.Title || b.Parent != it.Parent || b.Assessable != it.Assessable ||
				strings.TrimSpace(b.Description) != strings.TrimSpace(it.Description) || len(b.Attributes) != len(it.Attributes) {
				t.Errorf("%s item %s differs after the round trip", f.ID, it.ID)
				break
			}
		}
		if err := lib.Check(f.ID+".yaml", file.Frameworks, nil, true); err != nil {
			t.Errorf("%s: %v", f.ID, err)
		}
	}
}
