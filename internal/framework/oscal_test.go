package framework

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func catalogSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile("testdata/oscal/oscal_catalog_schema.json")
	if err != nil {
		t.Fatalf("compile the OSCAL catalog schema: %v", err)
	}
	return s
}

func validateOSCAL(t *testing.T, schema *jsonschema.Schema, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("export does not validate against the OSCAL 1.1.3 catalog schema:\n%v", err)
	}
}

// TestOSCALExportOfEveryFramework exports every built-in framework and
// validates it against NIST's schema; the smaller ones are also compared
// with golden files (go test -update rewrites them).
func TestOSCALExportOfEveryFramework(t *testing.T) {
	schema := catalogSchema(t)
	lib := builtinLib(t)
	for _, f := range lib.Frameworks() {
		t.Run(f.ID, func(t *testing.T) {
			doc, err := ExportOSCAL(f)
			if err != nil {
				t.Fatal(err)
			}
			validateOSCAL(t, schema, doc)
			again, _ := ExportOSCAL(f)
			if !bytes.Equal(doc, again) {
				t.Error("two exports of one framework differ")
			}
			if f.ID == AtlasID {
				return // large, and its content is MITRE's: checked by schema and counts only
			}
			golden := filepath.Join("testdata", "golden", f.ID+".oscal.json")
			if *update {
				if err := os.WriteFile(golden, doc, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(doc, want) {
				t.Errorf("export differs from %s; if the change is intended, run go test -update", golden)
			}
		})
	}
}

func TestOSCALExportKeepsEveryItem(t *testing.T) {
	lib := builtinLib(t)
	for _, f := range lib.Frameworks() {
		doc, err := ExportOSCAL(f)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(f.ID+".json", doc)
		if err != nil {
			t.Fatalf("%s: the export does not import: %v", f.ID, err)
		}
		got := back.Frameworks[0]
		if len(got.Items) != len(f.Items) {
			t.Errorf("%s: %d items exported, %d imported back", f.ID, len(f.Items), len(got.Items))
		}
	}
}

func gunzip(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportNISTSP80053 imports NIST's SP 800-53 rev. 5 catalog and its
// resolved baselines and keeps their control counts.
func TestImportNISTSP80053(t *testing.T) {
	schema := catalogSchema(t)
	tests := []struct {
		file      string
		groups    int
		controls  int
		withdrawn int
	}{
		{"NIST_SP-800-53_rev5_catalog__v5.0.1_oscal-1.0.0_2021-06-08.json.gz", 20, 1189, 182},
		{"NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json.gz", 18, 149, 0},
		{"NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json.gz", 18, 287, 0},
		{"NIST_SP-800-53_rev5_PRIVACY-baseline-resolved-profile_catalog-min.json.gz", 16, 102, 0},
	}
	lib := builtinLib(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := gunzip(t, filepath.Join("testdata", "oscal", tt.file))
			file, err := Parse(tt.file, data)
			if err != nil {
				t.Fatal(err)
			}
			f := file.Frameworks[0]
			withdrawn := 0
			for _, it := range f.Items {
				if len(it.Attr("status")) > 0 {
					withdrawn++
				}
			}
			if got := [3]int{f.Count(ItemSection), f.Count(ItemControl), withdrawn}; got != [3]int{tt.groups, tt.controls, tt.withdrawn} {
				t.Errorf("groups, controls, withdrawn = %v, want %v", got, [3]int{tt.groups, tt.controls, tt.withdrawn})
			}
			if !strings.HasPrefix(f.Name, "NIST Special Publication 800-53") || !ValidFrameworkID(f.ID) {
				t.Errorf("name %q, id %q", f.Name, f.ID)
			}
			if err := lib.Check(tt.file, file.Frameworks, nil, false); err != nil {
				t.Errorf("the imported catalog does not fit the library: %v", err)
			}
			for _, it := range f.Items {
				if it.Kind == ItemControl && (it.Label == "" || it.Title == "") {
					t.Errorf("control %s has no label or title", it.ID)
				}
			}
			if ac2, ok := f.Item("ac-2"); ok {
				if !strings.HasPrefix(ac2.Label, "AC-") || ac2.Title != "Account Management" || !strings.HasPrefix(ac2.Description, "a. Define and document") {
					t.Errorf("ac-2 = %q %q %.40q", ac2.Label, ac2.Title, ac2.Description)
				}
			}
			// And out again, as valid OSCAL 1.1.
			doc, err := ExportOSCAL(f)
			if err != nil {
				t.Fatal(err)
			}
			validateOSCAL(t, schema, doc)
		})
	}
}

func TestImportBasicCatalogExample(t *testing.T) {
	data, err := os.ReadFile("testdata/oscal/catalog__basic-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	file, err := Parse("catalog__basic-catalog.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var raw oscalDocument
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	var count func(gs []oscalGroup, cs []oscalControl) int
	count = func(gs []oscalGroup, cs []oscalControl) int {
		n := 0
		for _, g := range gs {
			n += count(g.Groups, g.Controls)
		}
		for _, c := range cs {
			n += 1 + count(nil, c.Controls)
		}
		return n
	}
	want := count(raw.Catalog.Groups, raw.Catalog.Controls)
	if got := file.Frameworks[0].Count(ItemControl); got != want || want == 0 {
		t.Errorf("imported %d controls, the example holds %d", got, want)
	}
}
