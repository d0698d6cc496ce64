package obligation

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

func TestReadCSV(t *testing.T) {
	review := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want []Row
		// problems are "line:field" of every problem, in order.
		problems []string
	}{{
		name: "minimal columns in another order",
		in:   "source,Title,kind\nGDPR Article 33,Breach notification,LEGAL\n",
		want: []Row{{Line: 2, Kind: isms.ObligationLegal, Title: "Breach notification", Source: "GDPR Article 33",
			Status: isms.ObligationApplicable}},
	}, {
		name: "every column",
		in: "\ufeffref,kind,title,source,source_url,jurisdiction,owner,applicability,ai_risk_class,ai_assets,controls,review_date,status,not_applicable_reason\n" +
			"ob-7,regulatory,Accuracy and robustness,AI Act Article 15,https://eur-lex.europa.eu/eli/reg/2024/1689/oj,EU,cto@example.com," +
			"\"Our triage model is\nhigh-risk\",high,Triage model; Triage endpoint;Triage model,iso27001-2022:A.8.25;iso27001-2022:A.8.29,2027-01-31,applicable,\n",
		want: []Row{{Line: 2, Ref: "OB-007", Kind: isms.ObligationRegulatory, Title: "Accuracy and robustness", Source: "AI Act Article 15",
			SourceURL: "https://eur-lex.europa.eu/eli/reg/2024/1689/oj", Jurisdiction: "EU", Owner: "cto@example.com",
			Applicability: "Our triage model is\nhigh-risk", AIRiskClass: isms.AIHighRisk, AIAssets: []string{"Triage model", "Triage endpoint"},
			Controls: []string{"iso27001-2022:A.8.25", "iso27001-2022:A.8.29"}, ReviewDate: &review, Status: isms.ObligationApplicable}},
	}, {
		name: "not applicable with its reason, formula quote removed, blank rows skipped",
		in:   "kind,title,source,status,not_applicable_reason\ncontractual,'=SUM(1),MSA clause 4,not_applicable,Contract ended\n,,,,\n",
		want: []Row{{Line: 2, Kind: isms.ObligationContractual, Title: "=SUM(1)", Source: "MSA clause 4",
			Status: isms.ObligationNotApplicable, NotApplicableReason: "Contract ended"}},
	}, {
		name:     "missing required columns and an unknown one",
		in:       "title,colour\nx,red\n",
		problems: []string{"1:colour", "1:kind", "1:source"},
	}, {
		name:     "duplicate column",
		in:       "kind,title,source,title\nlegal,a,b,c\n",
		problems: []string{"1:title"},
	}, {
		name: "every cell wrong on one row, then a good row, then a short one",
		in: "ref,kind,title,source,source_url,owner,ai_risk_class,controls,review_date,status\n" +
			"X-1,law,,,https://x.example/,someone,extreme,A.5.34,31/01/2027,maybe\n" +
			"OB-2,legal,Fine,Fine source,,,,,,\n" +
			"legal,short\n",
		problems: []string{"2:ref", "2:kind", "2:title", "2:source", "2:owner", "2:ai_risk_class", "2:controls", "2:review_date",
			"2:status", "4:"},
	}, {
		name:     "the same ref twice",
		in:       "ref,kind,title,source\nOB-1,legal,a,b\nOB-001,legal,c,d\n",
		problems: []string{"3:ref"},
	}, {
		name:     "not applicable without a reason, applicable with one",
		in:       "kind,title,source,status,not_applicable_reason\nlegal,a,b,not_applicable,\nlegal,c,d,applicable,why\n",
		problems: []string{"2:not_applicable_reason", "3:not_applicable_reason"},
	}, {
		name:     "control characters in a one-line cell",
		in:       "kind,title,source\nlegal,\"a\x01b\",c\n",
		problems: []string{"2:title"},
	}, {
		name:     "header only",
		in:       "kind,title,source\n",
		problems: []string{"0:"},
	}, {
		name:     "empty file",
		in:       "",
		problems: []string{"0:"},
	}, {
		name:     "bad quoting",
		in:       "kind,title,source\nlegal,\"open,b\n",
		problems: []string{"2:"},
	}, {
		name:     "not UTF-8",
		in:       "kind,title,source\nlegal,\xff,b\n",
		problems: []string{"0:"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadCSV("register.csv", strings.NewReader(tt.in))
			var got []string
			var ps Problems
			if errors.As(err, &ps) {
				for _, p := range ps {
					got = append(got, strconv.Itoa(p.Line)+":"+p.Field)
					if p.File != "register.csv" || p.Message == "" {
						t.Errorf("problem %+v lacks its file or message", p)
					}
				}
			} else if err != nil {
				t.Fatalf("ReadCSV: %v", err)
			}
			if !slices.Equal(tt.problems, got) {
				t.Errorf("problems = %v, want %v\n%v", got, tt.problems, err)
			}
			if err != nil && rows != nil {
				t.Errorf("ReadCSV returned rows with problems: an import is all or nothing")
			}
			if !reflect.DeepEqual(tt.want, rows) {
				t.Errorf("rows = %+v\nwant %+v", rows, tt.want)
			}
		})
	}
}

func TestProblemsNameLineAndField(t *testing.T) {
	_, err := ReadCSV("r.csv", strings.NewReader("kind,title,source\nlegal,,x\n"))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	if got, want := err.Error(), "r.csv:2: title: is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	fe := ps.FieldErrors()
	if len(fe) != 1 || fe[0].Field != "title" || fe[0].Detail != "line 2: is required" {
		t.Errorf("FieldErrors() = %+v", fe)
	}
}

func TestReadCSVLimits(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("kind,title,source\n")
	for range MaxRows + 1 {
		b.WriteString("legal,t,s\n")
	}
	if _, err := ReadCSV("big.csv", &b); err == nil || !strings.Contains(err.Error(), "more than 5000 rows") {
		t.Errorf("too many rows: err = %v", err)
	}
	huge := strings.NewReader("kind,title,source\n" + strings.Repeat("x", MaxBytes))
	if _, err := ReadCSV("huge.csv", huge); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("too large: err = %v", err)
	}
	b.Reset()
	b.WriteString("kind,title,source\n")
	for range 150 {
		b.WriteString("nope,t,s\n")
	}
	_, err := ReadCSV("bad.csv", &b)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != maxProblems+1 || !strings.Contains(ps[len(ps)-1].Message, "too many problems") {
		t.Errorf("many problems: got %d, want %d ending in a stop", len(ps), maxProblems+1)
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	rows, err := ReadCSV("template.csv", bytes.NewReader(Template()))
	if err != nil {
		t.Fatalf("the template does not read back: %v", err)
	}
	if len(rows) != 2 {
		t.Fatalf("template rows = %d, want 2", len(rows))
	}
	rows[0].Ref, rows[0].Title = "OB-001", "-1 starts like a formula"
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "'-1 starts") {
		t.Errorf("a formula-like cell was not neutralised:\n%s", b.String())
	}
	again, err := ReadCSV("again.csv", &b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, again) {
		t.Errorf("round trip: wrote %+v\nread %+v", rows, again)
	}
	if err := WriteCSV(&b, []Row{{Title: "x", Controls: []string{"a;b"}}}); err == nil {
		t.Error("WriteCSV accepted a list item holding ';'")
	}
}

// FuzzReadCSV checks that no input panics, that problems and rows never
// come together, and that what was read writes and reads back the same.
func FuzzReadCSV(f *testing.F) {
	f.Add(Template())
	f.Add([]byte("kind,title,source\nlegal,a,b\n"))
	f.Add([]byte("ref,kind,title,source,status,not_applicable_reason\nOB-1,contractual,\"a\nb\",c,not_applicable,gone\n"))
	f.Add([]byte("kind,title,source,controls,ai_assets,review_date\nlegal,a,b,x:y;z:w,m;n,2026-02-30\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadCSV("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 || rows != nil {
				t.Fatalf("err = %v with %d rows; want Problems and no rows", err, len(rows))
			}
			return
		}
		var b bytes.Buffer
		if err := WriteCSV(&b, rows); err != nil {
			t.Fatalf("rows read do not write: %v", err)
		}
		again, err := ReadCSV("again.csv", &b)
		if err != nil {
			t.Fatalf("written rows do not read back: %v\n%s", err, b.String())
		}
		for i := range rows {
			rows[i].Line, again[i].Line = 0, 0
		}
		if !reflect.DeepEqual(rows, again) {
			t.Fatalf("round trip: first %+v\nsecond %+v", rows, again)
		}
	})
}
