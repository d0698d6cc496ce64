package aibom

import (
	"bytes"
	"encoding/csv"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

func TestParseCSVGovernance(t *testing.T) {
	res, err := ParseCSV("assets.csv", readFile(t, "csv/assets.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, res)
	model, _ := find(res.Assets, "support-assistant")
	want := Governance{Owner: "head-of-ml@example.com", Custodian: "mlops@example.com", Classification: "confidential",
		Confidentiality: 4, Integrity: 4, Availability: 3, Location: "s3://example-models/support-assistant",
		Lifecycle: isms.LifecycleInProduction}
	if model.Governance == nil || *model.Governance != want {
		t.Errorf("governance = %+v, want %+v", model.Governance, want)
	}
	if !slices.Equal(model.Tags, []string{"customer-facing", "llm"}) {
		t.Errorf("tags = %v", model.Tags)
	}
	data, _ := find(res.Assets, "support-tickets-2024")
	if data.Description != "Anonymised support conversations.\n'- exported monthly" {
		t.Errorf("description = %q", data.Description)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

func TestCSVTemplate(t *testing.T) {
	tmpl := CSVTemplate()
	header, _, _ := strings.Cut(string(tmpl), "\n")
	if header != strings.Join(csvColumns(), ",") {
		t.Errorf("header = %q", header)
	}
	for _, col := range []string{"key", "name", "type", "attr.version", "attr.base_model", "attr.personal_data", "rel.trained_on"} {
		if !slices.Contains(strings.Split(header, ","), col) {
			t.Errorf("the header lacks %s", col)
		}
	}
	res, err := ParseCSV("template.csv", tmpl)
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, res)
	if len(res.Assets) != 2 || res.Assets[0].Type != isms.AssetModel || res.Assets[1].Type != isms.AssetDataset {
		t.Errorf("assets = %+v", res.Assets)
	}
	if got, _ := Parse("template.csv", tmpl); !reflect.DeepEqual(got, res) {
		t.Error("Parse does not read the template as ParseCSV does")
	}
	if got, _ := Parse("upload", tmpl); got.Format != FormatCSV {
		t.Errorf("Parse does not recognise the CSV by its header: %q", got.Format)
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	rows := []CSVRow{{
		Key: "=HYPERLINK(\"http://evil\")", Name: "+1 model", Type: isms.AssetModel, Description: "-rm, \"quoted\"\nsecond line",
		Governance: Governance{Owner: "a@example.com", Classification: "@internal", Confidentiality: 5, Location: "-5th floor",
			Lifecycle: isms.LifecycleRetired, DisposalDate: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), DisposalMethod: "crypto-shredded"},
		Tags:       []string{"a", "b c"},
		Attributes: map[string]string{"version": "-1", "framework": "pytorch"},
		Relations:  []Relation{rel(isms.RelTrainedOn, "d1"), rel(isms.RelTrainedOn, "d2"), rel(isms.RelDependsOn, "@svc")},
	}, {
		Key: "d1", Name: "Dataset", Type: isms.AssetDataset, Attributes: map[string]string{"personal_data": "unknown"},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	res, err := ParseCSV("round.csv", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, res)
	for i, row := range rows {
		a := res.Assets[i]
		if a.Key != row.Key || a.Name != row.Name || a.Type != row.Type || a.Description != row.Description ||
			*a.Governance != row.Governance || !slices.Equal(a.Tags, row.Tags) || !maps.Equal(a.Attributes, row.Attributes) {
			t.Errorf("row %d came back as %+v", i, a)
		}
		sorted := slices.Clone(row.Relations)
		slices.SortFunc(sorted, func(x, y Relation) int {
			return strings.Compare(string(x.Kind)+x.TargetKey, string(y.Kind)+y.TargetKey)
		})
		if !slices.Equal(a.Relations, sorted) {
			t.Errorf("row %d relations = %v, want %v", i, a.Relations, sorted)
		}
	}
}

func TestWriteCSVRefuses(t *testing.T) {
	for _, row := range []CSVRow{
		{Key: "k", Attributes: map[string]string{"colour": "red"}},
		{Key: "k", Relations: []Relation{{Kind: "likes", TargetKey: "x"}}},
		{Key: "k", Relations: []Relation{rel(isms.RelUses, "a;b")}},
		{Key: "k", Tags: []string{"a;b"}},
	} {
		if err := WriteCSV(&bytes.Buffer{}, []CSVRow{row}); err == nil || !strings.HasPrefix(err.Error(), "row 1 (k): ") {
			t.Errorf("WriteCSV(%+v) = %v", row, err)
		}
	}
}

func TestParseCSVProblems(t *testing.T) {
	const head = "key,name,type,owner,confidentiality,integrity,lifecycle,disposal_date,disposal_method,tags,attr.purpose,attr.version,rel.trained_on\n"
	tests := []struct {
		name, data  string
		line        int
		field, want string
	}{
		{"unknown column", "key,name,type,colour\n", 1, "colour", "is not a column of the isms asset CSV"},
		{"missing column", "key,type\n", 1, "name", "the column is required"},
		{"twice", "key,name,type,name\n", 1, "name", "the column is given twice"},
		{"cells", head + "a,b\n", 2, "", "the row has 2 cells; the header has 13"},
		{"quote", head + "a,\"b,model\n", 2, "", "not valid CSV"},
		{"key", head + ",A,model,,,,,,,,,,\n", 2, "key", "is required"},
		{"type", head + "a,A,robot,,,,,,,,,,\n", 2, "type", `"robot" is not an asset type`},
		{"no type", head + "a,A,,,,,,,,,,,\n", 2, "type", "is required"},
		{"owner", head + "a,A,model,Ann <ann@example.com>,,,,,,,,,\n", 2, "owner", "is not an email address"},
		{"cia", head + "a,A,model,,6,,,,,,,,\n", 2, "confidentiality", "use 1 (low) to 5 (critical)"},
		{"cia text", head + "a,A,model,,,high,,,,,,,\n", 2, "integrity", `"high" is not a rating`},
		{"lifecycle", head + "a,A,model,,,,dead,,,,,,\n", 2, "lifecycle", `"dead" is not a lifecycle state`},
		{"date", head + "a,A,model,,,,retired,2024-02-30,shredded,,,,\n", 2, "disposal_date", `"2024-02-30" is not a date; write YYYY-MM-DD`},
		{"retired", head + "a,A,model,,,,retired,,,,,,\n", 2, "disposal_method", "a retired asset needs its disposal record"},
		{"not retired", head + "a,A,model,,,,in_production,2024-01-01,,,,,\n", 2, "lifecycle", "only a retired asset has a disposal record"},
		{"tag", head + "a,A,model,,,,,,,\"x,y\",,,\n", 2, "tags", "tags are 1 to 50 bytes"},
		{"attr of other type", head + "a,A,model,,,,,,,,training,,\n", 2, "attr.purpose", "is not a field of a Model"},
		{"attr value", head + "a,A,dataset,,,,,,,,learning,,\n", 2, "attr.purpose", `"learning" is not one of training, fine_tuning, evaluation, production_input`},
		{"self", head + "a,A,model,,,,,,,,,,a\n", 2, "rel.trained_on", "an asset cannot relate to itself"},
		{"duplicate", head + "a,A,model,,,,,,,,,,\n\"a\",B,model,,,,,,,,,,\n", 3, "key", `"a" is the key of another row (line 2)`},
		{"multi-line rows", head + "a,\"A\nB\",model,,,,,,,,,,\nb,B,model,x,,,,,,,,,\n", 4, "owner", "is not an email"},
		{"name control", head + "a,\"A\nB\",model,,,,,,,,,,\n", 2, "name", "must be one line of text"},
		{"header only is fine but rows checked", head + "a,A,model,,,,,,,,,,\nb,,model,,,,,,,,,,\n", 3, "name", "is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseCSV("in.csv", []byte(tt.data))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v, result %+v", err, res)
			}
			if !slices.ContainsFunc(ps, func(p Problem) bool {
				return p.File == "in.csv" && p.Line == tt.line && p.Field == tt.field && strings.Contains(p.Message, tt.want)
			}) {
				t.Errorf("no problem at line %d, column %q, saying %q; got:\n%v", tt.line, tt.field, tt.want, err)
			}
		})
	}
}

func TestParseCSVEmpty(t *testing.T) {
	res, err := ParseCSV("empty.csv", []byte("key,name,type\n"))
	if err != nil || len(res.Assets) != 0 || len(res.Warnings) != 1 {
		t.Errorf("ParseCSV = %+v, %v", res, err)
	}
}
