package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/soa"
)

// Incident is one entry of the incident register, in words.
type Incident struct {
	Ref, Title, Description, Category string
	// AI says whether the category is one particular to AI systems.
	AI                        bool
	Severity, Status          string
	Occurred, Detected, Aware *time.Time
	Reporter, Handler         string
	Assets                    []string
	PersonalData              bool
	DataSubjects              int
	GDPRDue                   *time.Time
	GDPRState                 string
	AuthorityNotified         *time.Time
	AuthorityRef, NotRequired string
	AIHighRisk, AISerious     bool
	AICase                    string
	AIDue                     *time.Time
	AIState                   string
	AIReported                *time.Time
	AIReportRef               string
	Containment, Eradication  string
	Recovery, LessonsLearned  string
	Contained, Closed         *time.Time
	RaisedRecords             []string
	Timeline                  []IncidentEvent
	Evidence                  []IncidentEvidence
}

// IncidentEvent is an entry of an incident's timeline.
type IncidentEvent struct {
	At        time.Time
	What, Who string
}

// IncidentEvidence is an evidence item of an incident with its chain of
// custody.
type IncidentEvidence struct {
	Title, SHA256, CollectedBy, Note string
	CollectedAt                      time.Time
	Custody                          []IncidentEvent
}

// incidentHeader names the columns of the register in both exports.
var incidentHeader = []string{
	"Reference", "Title", "Category", "AI-specific", "Severity", "Status", "Occurred (UTC)", "Detected (UTC)", "Aware (UTC)",
	"Reporter", "Handler", "Affected assets", "Personal data", "Data subjects (estimate)", "GDPR notification due (UTC)",
	"GDPR notification", "Authority notified (UTC)", "Authority reference", "Notification not required because",
	"High-risk AI system", "Serious incident", "AI Act case", "AI Act report due (UTC)", "AI Act report", "AI Act reported (UTC)",
	"AI Act report reference", "Containment", "Contained (UTC)", "Eradication", "Recovery", "Lessons learned", "Closed (UTC)",
	"Raised from it", "Description",
}

// cells is an incident as one row, in the order of incidentHeader; stamp
// renders a time for the format.
func (i Incident) cells(stamp func(*time.Time) any) []any {
	subjects := any("")
	if i.DataSubjects > 0 {
		subjects = i.DataSubjects
	}
	return []any{
		i.Ref, i.Title, i.Category, yesNo(i.AI), i.Severity, i.Status, stamp(i.Occurred), stamp(i.Detected), stamp(i.Aware),
		i.Reporter, i.Handler, strings.Join(i.Assets, "\n"), yesNo(i.PersonalData), subjects, stamp(i.GDPRDue),
		i.GDPRState, stamp(i.AuthorityNotified), i.AuthorityRef, i.NotRequired,
		yesNo(i.AIHighRisk), yesNo(i.AISerious), i.AICase, stamp(i.AIDue), i.AIState, stamp(i.AIReported),
		i.AIReportRef, i.Containment, stamp(i.Contained), i.Eradication, i.Recovery, i.LessonsLearned, stamp(i.Closed),
		strings.Join(i.RaisedRecords, "\n"), i.Description,
	}
}

// IncidentsCSV writes the register as CSV, one row an incident, times in
// RFC 3339 UTC. Text a spreadsheet could evaluate is neutralised.
func IncidentsCSV(w io.Writer, incidents []Incident) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(incidentHeader); err != nil {
		return err
	}
	stamp := func(t *time.Time) any {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, i := range incidents {
		cells := i.cells(stamp)
		row := make([]string, len(cells))
		for k, c := range cells {
			switch v := c.(type) {
			case string:
				row[k] = soa.Neutralise(v)
			case int:
				row[k] = strconv.Itoa(v)
			default:
				row[k] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// IncidentsXLSX writes the incident register (ISO/IEC 27001:2022 Annex A
// 5.24 to 5.28, 6.8): a cover sheet, the register, every incident's
// timeline and the evidence with its chain of custody.
func IncidentsXLSX(w io.Writer, org string, generated time.Time, incidents []Incident) error {
	const title = "Information security incident register"
	b := newBook(title, org, "", generated, levels{})
	open, pending := 0, 0
	for _, i := range incidents {
		if i.Status != "Closed" {
			open++
		}
		for _, s := range []string{i.GDPRState, i.AIState} {
			if s == "Running" || s == "Overdue" {
				pending++
			}
		}
	}
	b.cover(title, "ISO/IEC 27001:2022 Annex A 5.24 to 5.28 and 6.8", [][2]any{
		{xLabel("Organisation"), org},
		{xLabel("Generated at (UTC)"), xStamp{generated}},
		{xLabel("Incidents"), len(incidents)},
		{xLabel("Open"), open},
		{xLabel("Notifications still to make"), pending},
		{xLabel("Sheets"), "Incidents, Timeline, Evidence"},
	})
	stamp := func(t *time.Time) any {
		if t == nil {
			return ""
		}
		return xStamp{*t}
	}
	widths := map[string]float64{"Reference": 11, "Title": 34, "Description": 50, "Affected assets": 28, "Containment": 40,
		"Eradication": 40, "Recovery": 40, "Lessons learned": 40, "Raised from it": 28, "Notification not required because": 30}
	cols := make([]xColumn, len(incidentHeader))
	for k, h := range incidentHeader {
		cols[k] = xColumn{h, 16}
		if wd, ok := widths[h]; ok {
			cols[k].width = wd
		}
	}
	rows := make([][]any, 0, len(incidents))
	for _, i := range incidents {
		rows = append(rows, i.cells(stamp))
	}
	b.table("Incidents", cols, rows)

	var timeline, evidence [][]any
	for _, i := range incidents {
		for _, e := range i.Timeline {
			timeline = append(timeline, []any{i.Ref, xStamp{e.At}, e.What, e.Who})
		}
		for _, e := range i.Evidence {
			var custody []string
			for _, c := range e.Custody {
				custody = append(custody, c.At.UTC().Format("2006-01-02 15:04 UTC")+": "+c.Who+" — "+c.What)
			}
			evidence = append(evidence, []any{i.Ref, e.Title, e.SHA256, e.CollectedBy, xStamp{e.CollectedAt}, e.Note,
				strings.Join(custody, "\n")})
		}
	}
	b.table("Timeline", []xColumn{{"Incident", 11}, {"At (UTC)", 18}, {"What", 70}, {"Who", 24}}, timeline)
	b.table("Evidence", []xColumn{{"Incident", 11}, {"Evidence", 34}, {"SHA-256", 68}, {"Collected by", 22}, {"Collected (UTC)", 18},
		{"Note", 34}, {"Chain of custody", 70}}, evidence)
	return b.write(w)
}
