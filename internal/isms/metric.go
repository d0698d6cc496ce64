package isms

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Direction says which way a metric improves.
type Direction string

// The directions.
const (
	HigherIsBetter Direction = "higher"
	LowerIsBetter  Direction = "lower"
)

// Label is the direction's name for people.
func (d Direction) Label() string {
	if d == LowerIsBetter {
		return "Lower is better"
	}
	return "Higher is better"
}

// MetricSource is where a metric's values come from.
type MetricSource string

// The sources. A built-in metric is computed from the records, so nobody
// types its values; a manual one is measured outside isms and entered by
// a person or fed by a script.
const (
	MetricBuiltin MetricSource = "builtin"
	MetricManual  MetricSource = "manual"
)

// MeasurementSource says how a measurement reached the history, so that
// an auditor can tell a computed value from one somebody typed.
type MeasurementSource string

// The ways a measurement is recorded.
const (
	MeasuredSnapshot MeasurementSource = "snapshot"
	MeasuredManual   MeasurementSource = "manual"
	MeasuredAPI      MeasurementSource = "api"
)

// Metric is something the organisation measures to know whether the ISMS
// performs (9.1), with the value it aims for.
type Metric struct {
	ID    string
	OrgID string
	// Key names the metric in URLs, the API and the command line.
	Key  string
	Name string
	// Description says how the value is measured: what is counted, from
	// where, how often.
	Description string
	Unit        string
	Direction   Direction
	// Target is the value aimed for; nil when none is set.
	Target    *float64
	Source    MetricSource
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Builtin reports whether the metric is computed from the records.
func (m Metric) Builtin() bool { return m.Source == MetricBuiltin }

// Meets reports whether v reaches the target; false without a target.
func (m Metric) Meets(v float64) bool {
	if m.Target == nil {
		return false
	}
	if m.Direction == LowerIsBetter {
		return v <= *m.Target
	}
	return v >= *m.Target
}

// Better reports whether a is a better value than b.
func (m Metric) Better(a, b float64) bool {
	if m.Direction == LowerIsBetter {
		return a < b
	}
	return a > b
}

// Validate checks the metric as entered.
func (m Metric) Validate() error {
	v := &ValidationError{}
	if !metricKeyPattern(m.Key) {
		v.Add("key", "%q: use 2 to 40 lower-case letters, digits and hyphens, starting with a letter", m.Key)
	}
	if strings.TrimSpace(m.Name) == "" {
		v.Add("name", "is required")
	}
	checkLen(v, "name", m.Name, 200)
	checkLen(v, "description", m.Description, 5000)
	checkLen(v, "unit", m.Unit, 20)
	if m.Direction != HigherIsBetter && m.Direction != LowerIsBetter {
		v.Add("direction", "%q is not a direction; use higher or lower", m.Direction)
	}
	if m.Source != MetricBuiltin && m.Source != MetricManual {
		v.Add("source", "%q is not a source; use builtin or manual", m.Source)
	}
	if m.Target != nil {
		m.CheckValue(v, "target", *m.Target)
	}
	return v.Err()
}

// CheckValue adds a problem to v when x cannot be a value of the metric.
func (m Metric) CheckValue(v *ValidationError, field string, x float64) {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		v.Add(field, "is not a number")
	case math.Abs(x) > 1e12:
		v.Add(field, "is out of range")
	case m.Unit == "%" && (x < 0 || x > 100):
		v.Add(field, "%s is not a percentage between 0 and 100", FormatValue(x))
	}
}

func metricKeyPattern(s string) bool {
	if len(s) < 2 || len(s) > 40 || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// FormatValue writes a value as the shortest decimal that reads back the
// same, which is also how values are stored: the ledger takes no floats.
func FormatValue(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// ParseValue reads a value written by FormatValue, or typed by a person.
func ParseValue(field, s string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, Invalid(field, "%q is not a number", s)
	}
	return x, nil
}

// Measurement is one value of a metric on one day. A metric has at most
// one a day: recording again that day replaces it, so a history is a
// series of days whatever feeds it.
type Measurement struct {
	ID         string
	OrgID      string
	MetricID   string
	Value      float64
	MeasuredAt time.Time
	Source     MeasurementSource
	Note       string
	// RecordedBy is the member who recorded it; empty for an operator at
	// the command line.
	RecordedBy string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Day is the calendar day (UTC) the measurement stands for.
func (m Measurement) Day() string { return m.MeasuredAt.UTC().Format(time.DateOnly) }

// ObjectiveStatus is where an objective stands.
type ObjectiveStatus string

// The statuses, from best to worst.
const (
	ObjectiveAchieved ObjectiveStatus = "achieved"
	ObjectiveOnTrack  ObjectiveStatus = "on_track"
	ObjectiveAtRisk   ObjectiveStatus = "at_risk"
	ObjectiveMissed   ObjectiveStatus = "missed"
)

// ObjectiveStatuses lists the statuses, for forms and messages.
var ObjectiveStatuses = []ObjectiveStatus{ObjectiveOnTrack, ObjectiveAtRisk, ObjectiveAchieved, ObjectiveMissed}

// Label is the status's name for people.
func (s ObjectiveStatus) Label() string {
	switch s {
	case ObjectiveAchieved:
		return "Achieved"
	case ObjectiveOnTrack:
		return "On track"
	case ObjectiveAtRisk:
		return "At risk"
	case ObjectiveMissed:
		return "Missed"
	}
	return string(s)
}

func (s ObjectiveStatus) worse(t ObjectiveStatus) bool { return s.rank() > t.rank() }

func (s ObjectiveStatus) rank() int {
	switch s {
	case ObjectiveOnTrack:
		return 1
	case ObjectiveAtRisk:
		return 2
	case ObjectiveMissed:
		return 3
	}
	return 0
}

// Objective is an information security objective (6.2): what the
// organisation means to achieve, who answers for it, by when, and how
// progress is measured.
type Objective struct {
	ID          string
	OrgID       string
	RefNum      int
	Title       string
	Description string
	OwnerID     string
	// Target says in words what counts as achieved.
	Target  string
	DueDate *time.Time
	// MeasuredHow says how progress is judged, for objectives whose
	// metrics do not say it all (or that have none).
	MeasuredHow string
	// Status is the owner's own judgement; it stands only while no
	// linked metric with a target has been measured.
	Status    ObjectiveStatus
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref is how people cite the objective, OBJ-001.
func (o Objective) Ref() string { return fmt.Sprintf("OBJ-%03d", o.RefNum) }

// Validate checks the objective as entered.
func (o Objective) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(o.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", o.Title, 300)
	checkLen(v, "description", o.Description, 10000)
	if strings.TrimSpace(o.Target) == "" {
		v.Add("target", "is required: say what counts as achieved")
	}
	checkLen(v, "target", o.Target, 1000)
	checkLen(v, "measured_how", o.MeasuredHow, 5000)
	if o.OwnerID == "" {
		v.Add("owner", "is required: someone must answer for the objective")
	}
	if o.DueDate == nil {
		v.Add("due_date", "is required: 6.2 asks when the objective will be achieved")
	}
	valid := false
	for _, s := range ObjectiveStatuses {
		valid = valid || o.Status == s
	}
	if !valid {
		v.Add("status", "%q is not a status; use on_track, at_risk, achieved or missed", o.Status)
	}
	return v.Err()
}

// Reading is a metric with its two latest values, what an objective's
// status is derived from.
type Reading struct {
	Metric Metric
	// Latest and Previous are the last two measurements; nil when there
	// are not so many.
	Latest, Previous *float64
}

// atRiskWindow is how close to its due date an objective still short of
// its target counts as at risk, whatever its trend.
const atRiskWindow = 30 * 24 * time.Hour

// DeriveStatus judges an objective from its metrics: achieved when every
// measured metric with a target meets it; missed when one does not and
// the due date has passed; at risk when one does not and either the due
// date is within a month or its last value did not improve on the one
// before; on track otherwise. The objective's worst metric decides. ok is
// false when no linked metric has both a target and a value, and the
// owner's own judgement stands.
func DeriveStatus(due *time.Time, now time.Time, readings []Reading) (status ObjectiveStatus, ok bool) {
	status = ObjectiveAchieved
	for _, r := range readings {
		if r.Metric.Target == nil || r.Latest == nil {
			continue
		}
		ok = true
		s := ObjectiveAchieved
		if !r.Metric.Meets(*r.Latest) {
			switch {
			case due != nil && now.After(due.Add(24*time.Hour)):
				s = ObjectiveMissed
			case due != nil && due.Sub(now) < atRiskWindow:
				s = ObjectiveAtRisk
			case r.Previous != nil && !r.Metric.Better(*r.Latest, *r.Previous):
				s = ObjectiveAtRisk
			default:
				s = ObjectiveOnTrack
			}
		}
		if s.worse(status) {
			status = s
		}
	}
	if !ok {
		return "", false
	}
	return status, true
}
