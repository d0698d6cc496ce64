package isms

import "time"

// Severity is a scanner's rating of a finding, 0 (informational) to 4
// (critical), as Nessus numbers it.
type Severity int

// The severities.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

// SeverityNames are the severities' names, by number.
var SeverityNames = [5]string{"info", "low", "medium", "high", "critical"}

// String is the severity's name.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(SeverityNames) {
		return "unknown"
	}
	return SeverityNames[s]
}

// ParseSeverity reads a severity by name or number for field.
func ParseSeverity(field, v string) (Severity, error) {
	for i, n := range SeverityNames {
		if v == n || v == string(rune('0'+i)) {
			return Severity(i), nil
		}
	}
	return 0, Invalid(field, "%q is not a severity; use info, low, medium, high or critical", v)
}

// SLA is how many days an organisation gives itself to remediate a finding
// of each severity; 0 means no deadline.
type SLA struct {
	CriticalDays int `json:"critical_days"`
	HighDays     int `json:"high_days"`
	MediumDays   int `json:"medium_days"`
	LowDays      int `json:"low_days"`
}

// DefaultSLA is the deadlines an organisation starts with.
var DefaultSLA = SLA{CriticalDays: 15, HighDays: 30, MediumDays: 90}

// Days returns the deadline in days for a severity; 0 when there is none.
func (s SLA) Days(sev Severity) int {
	switch sev {
	case SeverityCritical:
		return s.CriticalDays
	case SeverityHigh:
		return s.HighDays
	case SeverityMedium:
		return s.MediumDays
	case SeverityLow:
		return s.LowDays
	}
	return 0
}

// Due returns when a finding first seen at first must be remediated, or
// nil when its severity has no deadline.
func (s SLA) Due(sev Severity, first time.Time) *time.Time {
	d := s.Days(sev)
	if d <= 0 {
		return nil
	}
	t := first.AddDate(0, 0, d)
	return &t
}

// Validate checks the deadlines.
func (s SLA) Validate() error {
	v := &ValidationError{}
	for _, f := range []struct {
		name string
		days int
	}{{"critical_days", s.CriticalDays}, {"high_days", s.HighDays}, {"medium_days", s.MediumDays}, {"low_days", s.LowDays}} {
		if f.days < 0 || f.days > 3650 {
			v.Add(f.name, "must be between 0 (no deadline) and 3650 days")
		}
	}
	return v.Err()
}

// FindingStatus is whether a finding is still reported.
type FindingStatus string

// The finding states.
const (
	FindingOpen  FindingStatus = "open"
	FindingFixed FindingStatus = "fixed"
)
