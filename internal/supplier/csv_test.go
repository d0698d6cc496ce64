package supplier_test

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/supplier"
)

const good = "\uFEFFName,Kind,Criticality,owner,data_shared,clauses,incident_hours,last_reviewed,exit_plan\n" +
	"Lattice GPU Cloud,cloud,critical,Ada@example.com,training_data; model_weights,confidentiality;incident_notification,24,2026-01-15,\"Move to:\n- region B\"\n" +
	",,,,,,,,\n" +
	"Helio Models,model_provider,HIGH,,prompts_outputs,no_training_on_our_data,,,'=not a formula\n"

func TestReadCSV(t *testing.T) {
	rows, err := supplier.ReadCSV("suppliers.csv", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows = %d, want 2", len(rows))
	}
	gpu, helio := rows[0], rows[1]
	reviewed := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	if gpu.Line != 2 || gpu.Owner != "ada@example.com" || gpu.Supplier.IncidentHours != 24 || gpu.Supplier.LastReviewed == nil ||
		!gpu.Supplier.LastReviewed.Equal(reviewed) || gpu.Supplier.ExitPlan != "Move to:\n- region B" ||
		!slices.Equal(gpu.Supplier.DataShared, []isms.DataCategory{isms.DataTraining, isms.DataModelWeights}) {
		t.Errorf("first row = %+v", gpu)
	}
	if helio.Line != 5 || helio.Supplier.Criticality != isms.CriticalityHigh || helio.Supplier.ExitPlan != "=not a formula" {
		t.Errorf("second row = %+v", helio)
	}
}

func TestReadCSVProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string // line:field of each problem
	}{
		{"empty", "", []string{"0:"}},
		{"missing required columns", "name,services\nA,b\n", []string{"1:kind", "1:criticality"}},
		{"unknown and repeated columns", "name,kind,criticality,colour,name\n", []string{"1:colour", "1:name"}},
		{"bad values", "name,kind,criticality,status,data_shared,clauses,incident_hours,contract_ends,review_cadence\n" +
			"A,vendor,extreme,paused,secrets,perks,-1,31/12/2026,weekly\n",
			[]string{"2:kind", "2:criticality", "2:status", "2:data_shared", "2:clauses", "2:incident_hours", "2:contract_ends", "2:review_cadence"}},
		{"every bad row is named", "name,kind,criticality\n,cloud,low\nB,cloud,low\nC,cloud,nope\n", []string{"2:name", "4:criticality"}},
		{"duplicate name", "name,kind,criticality\nAcme,saas,low\nACME,saas,low\n", []string{"3:name"}},
		{"ragged row", "name,kind,criticality\nA,saas\n", []string{"2:"}},
		{"bad quoting", "name,kind,criticality\n\"A,saas,low\n", []string{"2:"}},
		{"not UTF-8", "name,kind,criticality\n\xff,saas,low\n", []string{"0:"}},
		{"control characters", "name,kind,criticality\n\"A\x01\",saas,low\n", []string{"2:name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := supplier.ReadCSV("s.csv", strings.NewReader(tc.in))
			var ps supplier.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v (rows %d), want Problems", err, len(rows))
			}
			if rows != nil {
				t.Errorf("rows = %d with problems, want none", len(rows))
			}
			var got []string
			for _, p := range ps {
				got = append(got, strings.Join([]string{itoa(p.Line), p.Field}, ":"))
				if p.File != "s.csv" || p.Message == "" {
					t.Errorf("problem %+v lacks its file or message", p)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems = %v\n%v\nwant %v", got, err, tc.want)
			}
			for _, fe := range ps.FieldErrors() {
				if fe.Field == "" {
					t.Errorf("field error without a field: %+v", fe)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestWriteCSVRoundTrips(t *testing.T) {
	ends := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	in := []supplier.Row{{Owner: "ada@example.com", Supplier: isms.Supplier{Name: "=HYPERLINK(\"x\")", Kind: isms.SupplierDataVendor,
		Criticality: isms.CriticalityMedium, Status: isms.SupplierActive, Services: "Labelling, in two shifts", ExitPlan: "-first\n-second",
		DataShared: []isms.DataCategory{isms.DataPersonal, isms.DataTraining}, Clauses: []string{isms.ClauseIncidentNotification},
		IncidentHours: 48, ContractEnds: &ends, ReviewCadence: isms.Quarterly}}}
	var b bytes.Buffer
	if err := supplier.WriteCSV(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), ",=HYPERLINK") || strings.Contains(b.String(), "\n=") {
		t.Errorf("a cell starts with a formula:\n%s", b.String())
	}
	out, err := supplier.ReadCSV("export.csv", &b)
	if err != nil {
		t.Fatal(err)
	}
	got, want := out[0], in[0]
	want.Line = 2
	if got.Owner != want.Owner || got.Line != want.Line || got.Supplier.Name != want.Supplier.Name || got.Supplier.ExitPlan != want.Supplier.ExitPlan ||
		!got.Supplier.ContractEnds.Equal(ends) || got.Supplier.IncidentHours != 48 || !slices.Equal(got.Supplier.DataShared, want.Supplier.DataShared) {
		t.Errorf("round trip = %+v, want %+v", got, want)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(good)
	f.Add("name,kind,criticality\nA,saas,low\n")
	f.Add("name,kind,criticality,incident_hours\n\"A\"\"\",cloud,high,99999999999999999999\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := supplier.ReadCSV("f.csv", strings.NewReader(in))
		if err != nil {
			var ps supplier.Problems
			if !errors.As(err, &ps) || len(ps) == 0 || rows != nil {
				t.Fatalf("err = %v, rows %d: want Problems and no rows", err, len(rows))
			}
			return
		}
		// What the reader accepts, the writer writes back the same.
		var b bytes.Buffer
		if err := supplier.WriteCSV(&b, rows); err != nil {
			t.Fatal(err)
		}
		again, err := supplier.ReadCSV("f.csv", &b)
		if err != nil || len(again) != len(rows) {
			t.Fatalf("re-reading what was written: %d rows, %v; want %d", len(again), err, len(rows))
		}
		for i := range rows {
			if again[i].Supplier.Name != rows[i].Supplier.Name || again[i].Supplier.Notes != rows[i].Supplier.Notes {
				t.Fatalf("row %d changed: %+v, then %+v", i, rows[i], again[i])
			}
		}
	})
}
