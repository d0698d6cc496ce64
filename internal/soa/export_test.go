package soa

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func render(t *testing.T, write func(io.Writer, Document) error, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, d); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

// TestExportGolden keeps the text formats stable: a change to what they
// write shows as a diff of testdata/golden (go test -update rewrites it).
func TestExportGolden(t *testing.T) {
	tests := []struct {
		file  string
		write func(io.Writer, Document) error
	}{
		{"soa-2022.csv", WriteCSV},
		{"soa-2022.html", WriteHTML},
		{"soa-2022.oscal.json", WriteOSCAL},
	}
	d := fixture(t, framework.ISO27001v2022)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := render(t, tt.write, d)
			if again := render(t, tt.write, d); !bytes.Equal(got, again) {
				t.Fatal("two exports of one document differ")
			}
			golden := filepath.Join("testdata", "golden", tt.file)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("export differs from %s; if the change is intended, run go test -update", golden)
			}
		})
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	b, ok := bytes.CutPrefix(b, []byte(utf8BOM))
	if !ok {
		t.Error("CSV does not start with a UTF-8 byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return rows
}

func TestWriteCSV(t *testing.T) {
	for fw, annex := range annexControls {
		t.Run(fw, func(t *testing.T) {
			d := fixture(t, fw)
			fwk, _ := builtin(t).Framework(fw)
			if got := len(Controls(fwk)); got != annex {
				t.Fatalf("%s has %d annex controls, want %d", fw, got, annex)
			}
			rows := readCSV(t, render(t, WriteCSV, d))
			// One row per Annex A control, then the organisation's own.
			if len(rows) != 1+annex+1 {
				t.Fatalf("rows = %d, want header + %d controls + 1 own control", len(rows), annex)
			}
			if !slices.Equal(rows[0], Header()) {
				t.Errorf("header = %q", rows[0])
			}
			for k, e := range d.Entries {
				if rows[k+1][0] != e.ID || len(rows[k+1]) != len(Header()) {
					t.Errorf("row %d = %q, want control %s with %d cells", k+2, rows[k+1][:1], e.ID, len(Header()))
				}
			}
			if last := rows[len(rows)-1]; last[0] != "AI-01" || last[2] != "Organisation's own controls" {
				t.Errorf("last row = %q, want the own control AI-01", last[:3])
			}
			// The 2013 statement has the own control's texts only: the
			// records name 2022 controls.
			want := hostile
			if fw == framework.ISO27001v2013 {
				want = []string{hostile[0], hostile[2]}
			}
			checkInert(t, rows, want)
		})
	}
}

// checkInert fails on any cell a spreadsheet would evaluate, and checks
// that the hostile texts of want did reach a cell's start, quoted.
func checkInert(t *testing.T, rows [][]string, want []string) {
	t.Helper()
	quoted := map[string]bool{}
	for r, row := range rows {
		for c, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d column %d = %q: evaluable", r+1, c+1, cell)
			}
			for _, h := range hostile {
				if strings.HasPrefix(cell, "'"+h) {
					quoted[h] = true
				}
			}
		}
	}
	for _, h := range want {
		if !quoted[h] && h != hostile[3] { // "-1" is a reason title, which follows its kind
			t.Errorf("%q never starts a cell, quoted: the fixture does not test it", h)
		}
	}
}

func TestCSVColumns(t *testing.T) {
	rows := readCSV(t, render(t, WriteCSV, fixture(t, framework.ISO27001v2022)))
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	tests := []struct {
		control string
		want    []string
	}{
		{"A.5.1", []string{"A.5.1", "Policies for information security", "A.5 Organizational controls", "Included", "No",
			"Legal requirement: -1", "", "Implemented", "'@SUM(1)", `'=HYPERLINK("http://x","y")`, "",
			"'\tx (Current)\n@SUM(1) (Due soon)", "1 current, 1 due soon", ""}},
		{"A.5.7", nil},
		{"A.8.8", nil},
		{"AI-01", []string{"AI-01", "Model card review before release", "Organisation's own controls", "Included", "No",
			"Business need: Board decision on model releases", "", "Planned", "Ana Lima", "'+1", "",
			`'=HYPERLINK("http://x","y") (Current)`, "1 current", ""}},
	}
	for _, tt := range tests {
		got, ok := byID[tt.control]
		if !ok {
			t.Errorf("no row for %s", tt.control)
			continue
		}
		if tt.want != nil && !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got  %q\n want %q", tt.control, got, tt.want)
		}
	}
	// The derived and flagged rows read as an auditor expects.
	if r := byID["A.8.8"]; r[3] != "Included" || r[4] != "Yes" || r[5] != "R-001 Unpatched inference servers" {
		t.Errorf("A.8.8 = %q, want included through R-001", r[:6])
	}
	if r := byID["A.5.23"]; r[3] != "Excluded" || !strings.Contains(r[13], "R-003") {
		t.Errorf("A.5.23 = %q, want excluded and flagged for R-003", r)
	}
	if r := byID["A.8.16"]; r[12] != "1 stale" || !strings.Contains(r[13], "expired") {
		t.Errorf("A.8.16 freshness, flags = %q, %q", r[12], r[13])
	}
	if r := byID["A.5.7"]; r[6] != "'\rx" {
		t.Errorf("A.5.7 exclusion = %q, want the carriage return quoted", r[6])
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"@SUM(1)", "'@SUM(1)"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'=already quoted", "'=already quoted"},
		{"Tomás", "Tomás"},
		{"– en dash", "– en dash"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Neutralise(tt.in); got != tt.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteHTML(t *testing.T) {
	d := fixture(t, framework.ISO27001v2022)
	page := string(render(t, WriteHTML, d))
	for _, want := range []string{
		"<title>Statement of Applicability — Helix AI Ltd — ISO 27001:2022</title>",
		"<h2>Document control</h2>", "Version 2", "Tomás Ortega on 2026-11-20 14:30 UTC",
		"3f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d",
		"<h3>A.5 Organizational controls</h3>", "<h3>A.8 Technological controls</h3>",
		"<h3>Organisation&#39;s own controls</h3>",
		"=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)",
		"Excluded, but the treatment of R-003 selects it",
		"<tr><th>Controls</th><td class=\"num\">94</td></tr>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, notWant := range []string{"<script", `=HYPERLINK("`, "Draft — not approved", " on=", "src="} {
		if strings.Contains(page, notWant) {
			t.Errorf("page holds %q", notWant)
		}
	}
	if got := strings.Count(page, "<tbody id="); got != len(d.Entries) {
		t.Errorf("%d control rows, want %d", got, len(d.Entries))
	}
	for _, e := range d.Entries {
		if !strings.Contains(page, `<td class="id">`+e.ID+`</td>`) {
			t.Errorf("no row for %s", e.ID)
		}
	}

	draft := Build(fixtureInput(t, framework.ISO27001v2022))
	page = string(render(t, WriteHTML, draft))
	for _, want := range []string{"Draft — not approved", "No version has been approved yet."} {
		if !strings.Contains(page, want) {
			t.Errorf("draft page lacks %q", want)
		}
	}
}

func componentSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile("testdata/oscal/oscal_component_schema.json")
	if err != nil {
		t.Fatalf("compile the OSCAL component definition schema: %v", err)
	}
	return s
}

// oscalRead is the part of the export the tests look into.
type oscalRead struct {
	ComponentDefinition struct {
		Metadata struct {
			Title, Version string
			Revisions      []struct{ Version string }
		}
		Components []struct {
			Type                   string
			ControlImplementations []struct {
				Source                  string
				ImplementedRequirements []struct {
					UUID        string
					ControlID   string `json:"control-id"`
					Description string
					Props       []struct{ Name, NS, Value, Remarks string }
					Remarks     string
				} `json:"implemented-requirements"`
			} `json:"control-implementations"`
		}
	} `json:"component-definition"`
}

func TestWriteOSCAL(t *testing.T) {
	schema := componentSchema(t)
	type doc struct {
		name string
		d    Document
	}
	var docs []doc
	for fw := range annexControls {
		docs = append(docs, doc{fw, fixture(t, fw)}, doc{fw + " draft", Build(fixtureInput(t, fw))})
	}
	// Free text where OSCAL wants one line or a token.
	in := fixtureInput(t, framework.ISO27001v2022)
	in.Custom = append(in.Custom, isms.Control{ID: "c-digit", Control: "org:1 backup", Title: "Backups",
		Applicability: isms.Included, Status: isms.Implemented, OwnerID: "m-blank"})
	in.Owners["m-blank"], in.Owners["m-ana"] = " \n ", "Ana\tLima "
	docs = append(docs, doc{"awkward text", Build(in)})
	docs = append(docs, doc{"no entries", Document{Org: "New Co", OrgSlug: "new-co", Framework: framework.ISO27001v2022,
		FrameworkTitle: "ISO 27001:2022", GeneratedAt: fixtureNow}})
	for _, tt := range docs {
		t.Run(tt.name, func(t *testing.T) {
			b := render(t, WriteOSCAL, tt.d)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Fatalf("does not validate against the OSCAL 1.1.3 component definition schema:\n%v", err)
			}
			var got oscalRead
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			cd := got.ComponentDefinition
			wantVersion := "draft"
			if tt.d.Version > 0 {
				wantVersion = "v2"
			}
			if cd.Metadata.Version != wantVersion || len(cd.Metadata.Revisions) != len(tt.d.History) {
				t.Errorf("version %q with %d revisions, want %q with %d", cd.Metadata.Version,
					len(cd.Metadata.Revisions), wantVersion, len(tt.d.History))
			}
			if len(cd.Components) != 1 || cd.Components[0].Type != "this-system" {
				t.Fatalf("components = %+v, want one this-system", cd.Components)
			}
			byControl := map[string]Entry{}
			for _, e := range tt.d.Entries {
				_, item, _ := strings.Cut(e.Control, ":")
				byControl[oscalControlID(item)] = e
			}
			uuids := map[string]bool{}
			n := 0
			for _, ci := range cd.Components[0].ControlImplementations {
				for _, r := range ci.ImplementedRequirements {
					n++
					uuids[r.UUID] = true
					e, ok := byControl[r.ControlID]
					if !ok {
						t.Errorf("requirement for unknown control %q", r.ControlID)
						continue
					}
					status := ""
					for _, p := range r.Props {
						if p.Name == "implementation-status" && p.NS == "" {
							status = p.Value
						}
					}
					want := oscalStatus[e.Status]
					if e.Applicability == isms.Excluded {
						want = "not-applicable"
						if !strings.Contains(r.Remarks, e.Exclusion) {
							t.Errorf("%s: remarks %q lack the exclusion", e.ID, r.Remarks)
						}
					}
					if status != want {
						t.Errorf("%s: implementation-status %q, want %q", e.ID, status, want)
					}
					if e.Implementation != "" && e.Included() && r.Description != e.Implementation {
						t.Errorf("%s: description %q, want the implementation statement", e.ID, r.Description)
					}
				}
			}
			if n != len(tt.d.Entries) || len(uuids) != n {
				t.Errorf("%d implemented requirements with %d distinct UUIDs, want %d", n, len(uuids), len(tt.d.Entries))
			}
		})
	}
}

// TestOSCALSchemaRejects checks that the schema test has teeth: a control
// id OSCAL does not accept must fail validation.
func TestOSCALSchemaRejects(t *testing.T) {
	b := render(t, WriteOSCAL, fixture(t, framework.ISO27001v2022))
	broken := bytes.Replace(b, []byte(`"control-id": "A.5.1"`), []byte(`"control-id": "5.1"`), 1)
	if bytes.Equal(b, broken) {
		t.Fatal("the export has no requirement for A.5.1")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(broken))
	if err != nil {
		t.Fatal(err)
	}
	if err := componentSchema(t).Validate(inst); err == nil {
		t.Error("a control id starting with a digit validates")
	}
}
