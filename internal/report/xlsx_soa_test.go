package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
)

var soaNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// soaHostile are texts a spreadsheet evaluates unless neutralised.
var soaHostile = []string{`=HYPERLINK("http://x","y")`, "@SUM(1)", "+1", "-1", "\tx", "\rx"}

// soaAnnex is how many Annex A controls each edition has.
var soaAnnex = map[string]int{framework.ISO27001v2022: 93, framework.ISO27001v2013: 114}

// soaInput builds a statement's input from the built-in catalogs: a few
// decided 2022 controls carrying the hostile texts in every free-text
// field, risks selecting controls, and one control of the organisation's
// own. A 2013 statement gets the selections through the mapping between
// the editions.
func soaInput(t testing.TB, fwID string) soa.Input {
	t.Helper()
	lib, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	fw, ok := lib.Framework(fwID)
	if !ok {
		t.Fatalf("no framework %s", fwID)
	}
	ref := func(id string) string { return framework.ISO27001v2022 + ":" + id }
	policies := isms.Control{ID: "c1", Control: ref("A.5.1"), Applicability: isms.Included, Status: isms.Implemented,
		OwnerID: "m1", Implementation: soaHostile[0], EvidenceCadence: isms.Quarterly}
	intel := isms.Control{ID: "c2", Control: ref("A.5.7"), Applicability: isms.Excluded, Status: isms.NotStarted,
		ExclusionReason: soaHostile[5]}
	monitoring := isms.Control{ID: "c3", Control: ref("A.8.16"), Applicability: isms.Included, Status: isms.Implemented,
		OwnerID: "m2", Implementation: "Egress is logged.", EvidenceCadence: isms.Quarterly}
	own := isms.Control{ID: "c4", Control: "org:AI-01", Title: "Model card review before release",
		Applicability: isms.Included, Status: isms.Planned, OwnerID: "m2", Implementation: soaHostile[2]}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	return soa.Input{
		Org:       isms.Organization{ID: "o1", Slug: "helix-ai", Name: "Helix AI Ltd"},
		Framework: fw,
		Library:   lib,
		Controls:  map[string]isms.Control{policies.Control: policies, intel.Control: intel, monitoring.Control: monitoring},
		Custom:    []isms.Control{own},
		Reasons: map[string][]isms.ControlReason{
			policies.ID: {{ID: "r1", Kind: isms.ReasonLegal, Title: soaHostile[3], URL: "https://example.com"}},
		},
		Selections: []soa.Selection{
			{Control: ref("A.8.8"), RiskRef: "R-001", Title: soaHostile[1]},
			{Control: ref("A.8.16"), RiskRef: "R-002", Title: "Model weights exfiltration"},
		},
		Evidence: map[string][]isms.Evidence{
			policies.Control:   {{ID: "e1", Kind: isms.EvidenceRecord, Title: soaHostile[4], PeriodEnd: day(10, 31)}},
			monitoring.Control: {{ID: "e2", Kind: isms.EvidenceRecord, Title: "Alert review", PeriodEnd: day(3, 31)}},
			own.Control:        {{ID: "e3", Kind: isms.EvidenceRecord, Title: soaHostile[1], PeriodEnd: day(11, 1)}},
		},
		Owners: map[string]string{"m1": soaHostile[1], "m2": "Ana Lima"},
		Now:    soaNow,
	}
}

// soaDoc is the statement of soaInput, approved as version 2.
func soaDoc(t testing.TB, fwID string) soa.Document {
	t.Helper()
	d := soa.Build(soaInput(t, fwID))
	at := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	d.Version, d.ApprovedBy, d.ApprovedAt, d.Note = 2, "Tomás Ortega", &at, soaHostile[0]
	d.History = []soa.VersionInfo{
		{Version: 1, ApprovedBy: "Tomás Ortega", ApprovedAt: time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC),
			Note: "First statement", ContentHash: strings.Repeat("3f1c", 16)},
		{Version: 2, ApprovedBy: "Tomás Ortega", ApprovedAt: at, Note: soaHostile[0], ContentHash: strings.Repeat("9e8d", 16)},
	}
	return d
}

// soaLargeDoc is a 2022 statement whose controls are all included,
// owned and described, with evidence items spread over them, a third of
// them stale.
func soaLargeDoc(t testing.TB, evidence int) soa.Document {
	t.Helper()
	in := soaInput(t, framework.ISO27001v2022)
	in.Controls, in.Evidence, in.Reasons = map[string]isms.Control{}, map[string][]isms.Evidence{}, map[string][]isms.ControlReason{}
	annex := soa.Controls(in.Framework)
	for k, it := range annex {
		ref := framework.ISO27001v2022 + ":" + it.ID
		id := fmt.Sprintf("c%03d", k)
		in.Controls[ref] = isms.Control{ID: id, Control: ref, Applicability: isms.Included,
			Status: isms.ImplementationStatuses[k%4], OwnerID: "m2", EvidenceCadence: isms.Quarterly,
			Implementation: strings.Repeat("The control is run by the platform team and reviewed each quarter. ", 6)}
		in.Reasons[id] = []isms.ControlReason{{ID: "r" + id, Kind: isms.ReasonBusiness, Title: "Customer commitments", URL: "/docs/c"}}
	}
	for k := range evidence {
		ref := framework.ISO27001v2022 + ":" + annex[k%len(annex)].ID
		end := soaNow.AddDate(0, -1-k%6, 0)
		in.Evidence[ref] = append(in.Evidence[ref], isms.Evidence{ID: fmt.Sprintf("e%05d", k), Kind: isms.EvidenceRecord,
			Title: fmt.Sprintf("Quarterly review record %05d", k), PeriodEnd: end})
	}
	return soa.Build(in)
}

func TestSoAXLSX(t *testing.T) {
	for fw, annex := range soaAnnex {
		t.Run(fw, func(t *testing.T) {
			d := soaDoc(t, fw)
			f := openXLSX(t, func(w io.Writer) error { return SoAXLSX(w, d) })
			if got, want := f.GetSheetList(), []string{"Statement of Applicability", "Document control", "Summary"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("sheets = %q, want %q", got, want)
			}
			rows := sheetRows(t, f, "Statement of Applicability")
			// One row per Annex A control, then the organisation's own.
			if len(rows) != 1+annex+1 {
				t.Fatalf("rows = %d, want header + %d annex controls + 1 own control", len(rows), annex)
			}
			if !slices.Equal(rows[0], soa.Header()) {
				t.Errorf("header = %q, want %q", rows[0], soa.Header())
			}
			for k, e := range d.Entries {
				if rows[k+1][0] != e.ID {
					t.Errorf("row %d starts %q, want %s", k+2, rows[k+1][0], e.ID)
				}
			}
			checkNoFormula(t, f)
		})
	}
}

// checkNoFormula reads every cell of every sheet: none may hold a formula
// or a text a spreadsheet would evaluate.
func checkNoFormula(t *testing.T, f *excelize.File) {
	t.Helper()
	for _, sheet := range f.GetSheetList() {
		for r, row := range sheetRows(t, f, sheet) {
			for c, v := range row {
				at := ref(c+1, r+1)
				if formula, err := f.GetCellFormula(sheet, at); err != nil || formula != "" {
					t.Errorf("%s!%s formula = %q, %v", sheet, at, formula, err)
				}
				if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					t.Errorf("%s!%s = %q: evaluable", sheet, at, v)
				}
			}
		}
	}
}

func TestSoAXLSXContent(t *testing.T) {
	f := openXLSX(t, func(w io.Writer) error { return SoAXLSX(w, soaDoc(t, framework.ISO27001v2022)) })
	rows := sheetRows(t, f, "Statement of Applicability")
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	compareRows(t, "A.5.1 and AI-01", [][]string{byID["A.5.1"], byID["AI-01"]}, [][]string{
		{"A.5.1", "Policies for information security", "A.5 Organizational controls", "Included", "No",
			"Legal requirement: -1", "", "Implemented", "'@SUM(1)", `'=HYPERLINK("http://x","y")`, "",
			"'\tx (Current)", "1 current"},
		{"AI-01", "Model card review before release", "Organisation's own controls", "Included", "No", "", "",
			"Planned", "Ana Lima", "'+1", "", "'@SUM(1) (Current)", "1 current",
			"Included with no reason: link the risk, legal or contractual requirement or business need that calls for it."},
	})
	if r := byID["A.5.7"]; len(r) < 7 || r[6] != "'\rx" {
		t.Errorf("A.5.7 = %q, want the exclusion quoted", r)
	}
	if r := byID["A.8.8"]; len(r) < 6 || r[4] != "Yes" || r[5] != "R-001 @SUM(1)" {
		t.Errorf("A.8.8 = %q, want derived from R-001", r)
	}
	for _, c := range []string{"J2", "I2", "L2"} {
		typ, err := f.GetCellType("Statement of Applicability", c)
		if err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("%s type = %v, %v; want a string", c, typ, err)
		}
	}

	compareRows(t, "Document control", sheetRows(t, f, "Document control"), [][]string{
		{"Document control"},
		{"Statement of Applicability — Helix AI Ltd — ISO 27001:2022"},
		{},
		{"Organisation", "Helix AI Ltd"},
		{"Framework", "ISO 27001:2022"},
		{"Version", "Version 2"},
		{"Approval", "Approved by Tomás Ortega on 2026-11-20 14:30 UTC"},
		{"Note", `'=HYPERLINK("http://x","y")`},
		{"Generated at (UTC)", "2026-11-29 10:00"},
		{},
		{"Approved versions"},
		{"Version", "Approved by", "Approved at (UTC)", "Note", "Content hash (SHA-256)"},
		{"1", "Tomás Ortega", "2025-12-01 09:00", "First statement", strings.Repeat("3f1c", 16)},
		{"2", "Tomás Ortega", "2026-11-20 14:30", `'=HYPERLINK("http://x","y")`, strings.Repeat("9e8d", 16)},
	})
	summary := sheetRows(t, f, "Summary")
	if got := summary[2]; !slices.Equal(got, []string{"Controls", "94"}) {
		t.Errorf("Summary row 3 = %q", got)
	}
	if !slices.ContainsFunc(summary, func(r []string) bool { return len(r) == 3 && r[0] == "A.8.16" && strings.Contains(r[2], "expired") }) {
		t.Errorf("Summary lacks the stale evidence of A.8.16: %q", summary)
	}

	draft := soa.Build(soaInput(t, framework.ISO27001v2022))
	f = openXLSX(t, func(w io.Writer) error { return SoAXLSX(w, draft) })
	control := sheetRows(t, f, "Document control")
	if control[5][1] != "Draft — not approved" || control[6][1] != draftNotice || control[11][0] != "No version has been approved yet." {
		t.Errorf("draft document control = %q", control)
	}
	panes, err := f.GetPanes("Statement of Applicability")
	if err != nil || !panes.Freeze || panes.TopLeftCell != "B2" {
		t.Errorf("panes = %+v, %v; want the header and control column frozen", panes, err)
	}
}

func TestSoAXLSXDeterministic(t *testing.T) {
	d := soaDoc(t, framework.ISO27001v2022)
	var a, b bytes.Buffer
	if err := SoAXLSX(&a, d); err != nil {
		t.Fatal(err)
	}
	if err := SoAXLSX(&b, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders of one statement differ")
	}
}

// libreOffice finds LibreOffice. Without it the test is skipped, unless
// ISMS_TEST_LIBREOFFICE_REQUIRED=1 says this machine must open the
// workbooks in a real spreadsheet program.
func libreOffice(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"libreoffice", "soffice"} {
		if bin, err := exec.LookPath(name); err == nil {
			return bin
		}
	}
	if os.Getenv("ISMS_TEST_LIBREOFFICE_REQUIRED") == "1" {
		t.Fatal("LibreOffice not found and ISMS_TEST_LIBREOFFICE_REQUIRED=1: install libreoffice-calc-nogui")
	}
	t.Skip("LibreOffice not found: install libreoffice-calc-nogui to open the workbooks in it (set ISMS_TEST_LIBREOFFICE_REQUIRED=1 to make this a failure)")
	return ""
}

// TestSoAXLSXInLibreOffice converts the workbook's first sheet to CSV with
// LibreOffice, as an auditor's spreadsheet would read it: one row per
// Annex A control, and the hostile texts still text.
func TestSoAXLSXInLibreOffice(t *testing.T) {
	bin := libreOffice(t)
	if testing.Short() {
		t.Skip("starting LibreOffice takes seconds")
	}
	for fw, annex := range soaAnnex {
		t.Run(fw, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "soa.xlsx")
			d := soaDoc(t, fw)
			var buf bytes.Buffer
			if err := SoAXLSX(&buf, d); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			// A profile of its own lets LibreOffice run as root in CI and
			// next to a LibreOffice the developer has open. 76 is UTF-8.
			cmd := exec.Command(bin, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
				"--headless", "--norestore", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
				"--outdir", dir, in)
			cmd.Env = append(os.Environ(), "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("libreoffice: %v\n%s", err, out)
			}
			b, err := os.ReadFile(filepath.Join(dir, "soa.csv"))
			if err != nil {
				t.Fatalf("no CSV written: %v", err)
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
			r.FieldsPerRecord = -1
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatalf("LibreOffice's CSV does not parse: %v", err)
			}
			if len(rows) != 1+annex+1 {
				t.Fatalf("rows = %d, want header + %d annex controls + 1 own control", len(rows), annex)
			}
			if rows[0][0] != "Control" {
				t.Errorf("header row starts %q", rows[0][0])
			}
			for k, e := range d.Entries {
				if rows[k+1][0] != e.ID {
					t.Errorf("row %d starts %q, want %s", k+2, rows[k+1][0], e.ID)
				}
			}
			cells := map[string]bool{}
			for _, row := range rows {
				for _, c := range row {
					cells[c] = true
				}
			}
			// The 2013 statement holds the own control's texts only: the
			// other records name 2022 controls.
			want := []string{"'+1", "'@SUM(1) (Current)"}
			if fw == framework.ISO27001v2022 {
				want = append(want, `'=HYPERLINK("http://x","y")`, "'@SUM(1)")
			}
			for _, w := range want {
				if !cells[w] {
					t.Errorf("no cell reads %q", w)
				}
			}
			// An evaluated HYPERLINK shows "y", an evaluated SUM "1".
			for _, evaluated := range []string{"y", "1", "-1"} {
				if cells[evaluated] {
					t.Errorf("a cell reads %q: a formula was evaluated", evaluated)
				}
			}
		})
	}
}
