package report

import (
	"io"
	"reflect"
	"testing"
	"time"
)

func TestPeopleXLSXContent(t *testing.T) {
	start, done, due := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	people := []Person{
		{Name: "Priya Raman", Email: "priya@helix.example", Team: "Security", JobTitle: "ISMS manager", StartDate: &start, Status: "Active",
			Roles: []string{"ISMS manager", "Data protection officer"}, Member: "priya@helix.example", Overdue: 1},
		{Name: "=HYPERLINK(\"x\")", Email: "x@helix.example", Status: "Left"},
	}
	training := []TrainingLine{
		{Person: "Priya Raman", Email: "priya@helix.example", Course: "Security awareness", LastCompleted: &done, Due: &due, State: "Overdue"},
		{Person: "Priya Raman", Email: "priya@helix.example", Course: "AI security", AISecurity: true, State: "Due soon"},
	}
	render := func(w io.Writer) error { return PeopleXLSX(w, "Helix Labs Ltd", generated, people, training) }
	f := openXLSX(t, render)
	if got, want := f.GetSheetList(), []string{"Cover", "People", "Training"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	compareRows(t, "Cover", sheetRows(t, f, "Cover"), [][]string{
		{"People, roles and training"},
		{"ISO/IEC 27001:2022 5.3, 7.2, 7.3 and Annex A 6.1 to 6.8"},
		{},
		{"Organisation", "Helix Labs Ltd"},
		{"Generated at (UTC)", "2025-03-14 09:30"},
		{"People", "2"},
		{"Trainings required", "2"},
		{"Trainings overdue", "1"},
		{"Sheets", "People, Training"},
	})
	compareRows(t, "People", sheetRows(t, f, "People"), [][]string{
		{"Name", "Email", "Team", "Job title", "Start", "End", "Status", "ISMS roles", "isms member", "Trainings overdue"},
		{"Priya Raman", "priya@helix.example", "Security", "ISMS manager", "2024-03-01", "", "Active", "ISMS manager\nData protection officer",
			"priya@helix.example", "1"},
		{"'=HYPERLINK(\"x\")", "x@helix.example", "", "", "", "", "Left", "", "", "0"},
	})
	compareRows(t, "Training", sheetRows(t, f, "Training"), [][]string{
		{"Person", "Email", "Course", "AI security", "Last completed", "Due", "State", "Evidence"},
		{"Priya Raman", "priya@helix.example", "Security awareness", "no", "2025-01-10", "2026-01-10", "Overdue"},
		{"Priya Raman", "priya@helix.example", "AI security", "yes", "", "", "Due soon"},
	})
}
