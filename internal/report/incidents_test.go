package report

import (
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"testing"
	"time"
)

func incidentSample() []Incident {
	detected := time.Date(2025, 3, 10, 8, 15, 0, 0, time.UTC)
	due := detected.Add(72 * time.Hour)
	return []Incident{
		{Ref: "INC-002", Title: "Injected instructions in a shared document", Category: "Prompt injection exploited", AI: true,
			Severity: "High", Status: "Contained", Detected: &detected, Aware: &detected, Handler: "Ana Lima",
			Assets: []string{"Chat API", "Customer document index"}, PersonalData: true, DataSubjects: 40, GDPRDue: &due,
			GDPRState: "Running", Containment: "Tool calls disabled for shared documents.",
			RaisedRecords: []string{"R-004 Indirect prompt injection"},
			Timeline:      []IncidentEvent{{At: detected, What: "Customer reports odd answers", Who: "Support"}},
			Evidence: []IncidentEvidence{{Title: "Gateway logs", SHA256: "ab12", CollectedBy: "Ana Lima", CollectedAt: detected,
				Custody: []IncidentEvent{{At: detected.Add(time.Hour), What: "Copy for analysis", Who: "Forensics Ltd"}}}}},
		{Ref: "INC-001", Title: "=HYPERLINK(\"x\")", Category: "Phishing", Severity: "Low", Status: "Closed", Detected: &detected},
	}
}

func TestIncidentsXLSXContent(t *testing.T) {
	f := openXLSX(t, func(w io.Writer) error { return IncidentsXLSX(w, "Helix Labs Ltd", generated, incidentSample()) })
	if got, want := f.GetSheetList(), []string{"Cover", "Incidents", "Timeline", "Evidence"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	rows := sheetRows(t, f, "Incidents")
	if len(rows) != 3 || rows[1][0] != "INC-002" || rows[1][3] != "Yes" || rows[1][11] != "Chat API\nCustomer document index" ||
		rows[1][14] != "2025-03-13 08:15" || rows[1][15] != "Running" || rows[2][1] != "'=HYPERLINK(\"x\")" {
		t.Errorf("Incidents sheet = %q", rows)
	}
	if ev := sheetRows(t, f, "Evidence"); len(ev) != 2 || ev[1][2] != "ab12" || ev[1][6] != "2025-03-10 09:15 UTC: Forensics Ltd — Copy for analysis" {
		t.Errorf("Evidence sheet = %q", ev)
	}
	if tl := sheetRows(t, f, "Timeline"); len(tl) != 2 || tl[1][2] != "Customer reports odd answers" {
		t.Errorf("Timeline sheet = %q", tl)
	}
	checkNoFormula(t, f)
}

func TestIncidentsCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := IncidentsCSV(&buf, incidentSample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) != len(incidentHeader) || rows[1][7] != "2025-03-10T08:15:00Z" || rows[1][13] != "40" ||
		rows[2][1] != "'=HYPERLINK(\"x\")" || rows[2][13] != "" {
		t.Errorf("CSV = %q", rows)
	}
}
