package report

import (
	"io"
	"strings"
	"time"
)

// Supplier is one entry of the supplier register, in words.
type Supplier struct {
	Name, Kind, Criticality, Status, Owner, Services string
	DataShared                                       []string
	DataLocation                                     string
	Clauses, MissingClauses                          []string
	IncidentHours                                    int
	ContractEnds, LastReviewed, NextReview           *time.Time
	ReviewCadence, ExitPlan                          string
	Assets, Certifications                           []string
	Assessment                                       string
	Flags                                            []string
}

// SuppliersXLSX writes the supplier register (ISO/IEC 27001:2022 Annex A
// 5.19 to 5.23): a cover sheet and one row per supplier with what it
// provides, what we share with it, its contract, its assurance and what
// needs attention.
func SuppliersXLSX(w io.Writer, org string, generated time.Time, suppliers []Supplier) error {
	const title = "Supplier register"
	b := newBook(title, org, "", generated, levels{})
	flagged := 0
	for _, s := range suppliers {
		if len(s.Flags) > 0 {
			flagged++
		}
	}
	b.cover(title, "ISO/IEC 27001:2022 Annex A 5.19 to 5.23", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("Suppliers"), len(suppliers)},
		{xLabel("Needing attention"), flagged},
		{xLabel("Sheets"), "Suppliers"},
	})
	cols := []xColumn{
		{"Name", 28}, {"Kind", 20}, {"Criticality", 11}, {"Status", 11}, {"Owner", 20}, {"Services", 36},
		{"Data shared", 24}, {"Data location", 18}, {"Contract clauses", 30}, {"Clauses missing", 30},
		{"Incident notice (hours)", 12}, {"Contract ends", 12}, {"Review cadence", 11}, {"Last reviewed", 12},
		{"Next review", 12}, {"Exit plan", 40}, {"Dependent assets", 28}, {"Certifications", 36},
		{"Latest assessment", 30}, {"Needs attention", 40},
	}
	rows := make([][]any, 0, len(suppliers))
	for _, s := range suppliers {
		hours := any("")
		if s.IncidentHours > 0 {
			hours = s.IncidentHours
		}
		rows = append(rows, []any{
			s.Name, s.Kind, s.Criticality, s.Status, s.Owner, s.Services,
			strings.Join(s.DataShared, ", "), s.DataLocation, strings.Join(s.Clauses, "\n"), strings.Join(s.MissingClauses, "\n"),
			hours, xDate{s.ContractEnds}, s.ReviewCadence, xDate{s.LastReviewed},
			xDate{s.NextReview}, s.ExitPlan, strings.Join(s.Assets, "\n"), strings.Join(s.Certifications, "\n"),
			s.Assessment, strings.Join(s.Flags, "\n"),
		})
	}
	b.table("Suppliers", cols, rows)
	return b.write(w)
}
