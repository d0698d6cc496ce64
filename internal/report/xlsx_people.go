package report

import (
	"io"
	"time"
)

// Person is one staff record of the people export.
type Person struct {
	Name, Email, Team, JobTitle string
	StartDate, EndDate          *time.Time
	Status                      string
	Roles                       []string
	Member                      string
	// Overdue counts the person's trainings past their date.
	Overdue int
}

// TrainingLine is where one person stands with one course they must take.
type TrainingLine struct {
	Person, Email, Course string
	AISecurity            bool
	LastCompleted, Due    *time.Time
	State                 string
	Evidence              string
}

// PeopleXLSX writes the staff records with their ISMS roles, and the
// training each must take with its state (ISO/IEC 27001:2022 Annex A 6.3,
// clauses 7.2 and 7.3): the records an auditor samples for competence and
// awareness.
func PeopleXLSX(w io.Writer, org string, generated time.Time, people []Person, training []TrainingLine) error {
	const title = "People, roles and training"
	b := newBook(title, org, "", generated, levels{})
	overdue := 0
	for _, t := range training {
		if t.State == "Overdue" {
			overdue++
		}
	}
	b.cover(title, "ISO/IEC 27001:2022 5.3, 7.2, 7.3 and Annex A 6.1 to 6.8", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("People"), len(people)},
		{xLabel("Trainings required"), len(training)},
		{xLabel("Trainings overdue"), overdue},
		{xLabel("Sheets"), "People, Training"},
	})
	rows := make([][]any, 0, len(people))
	for _, p := range people {
		rows = append(rows, []any{p.Name, p.Email, p.Team, p.JobTitle, xDate{p.StartDate}, xDate{p.EndDate}, p.Status,
			joinLines(p.Roles), p.Member, p.Overdue})
	}
	b.table("People", []xColumn{{"Name", 26}, {"Email", 30}, {"Team", 18}, {"Job title", 24}, {"Start", 12}, {"End", 12},
		{"Status", 10}, {"ISMS roles", 30}, {"isms member", 24}, {"Trainings overdue", 10}}, rows)
	rows = make([][]any, 0, len(training))
	for _, t := range training {
		ai := "no"
		if t.AISecurity {
			ai = "yes"
		}
		rows = append(rows, []any{t.Person, t.Email, t.Course, ai, xDate{t.LastCompleted}, xDate{t.Due}, t.State, t.Evidence})
	}
	b.table("Training", []xColumn{{"Person", 26}, {"Email", 30}, {"Course", 36}, {"AI security", 10}, {"Last completed", 14},
		{"Due", 12}, {"State", 12}, {"Evidence", 30}}, rows)
	return b.write(w)
}

func joinLines(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += "\n"
		}
		out += v
	}
	return out
}
