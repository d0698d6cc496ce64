package isms

import (
	"fmt"
	"strings"
	"time"
)

// CycleYears is the length of a certification cycle: certification, then
// two surveillance audits. The internal audit programme has to reach every
// requirement within it.
const CycleYears = 3

// AuditProgramme is an organisation's internal audit programme (9.2.2):
// when its certification cycle started, against which coverage is judged.
type AuditProgramme struct {
	ID         string
	OrgID      string
	CycleStart time.Time
	// Notes say how the programme chooses what to audit when: the
	// importance of the processes and the results of previous audits.
	Notes     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CycleEnd is the first day after the cycle.
func (p AuditProgramme) CycleEnd() time.Time { return p.CycleStart.AddDate(CycleYears, 0, 0) }

// CycleYear is the year of the cycle (1 to CycleYears) t falls in, or 0
// outside the cycle.
func (p AuditProgramme) CycleYear(t time.Time) int {
	for y := 1; y <= CycleYears; y++ {
		if !t.Before(p.CycleStart.AddDate(y-1, 0, 0)) && t.Before(p.CycleStart.AddDate(y, 0, 0)) {
			return y
		}
	}
	return 0
}

// Validate checks the programme.
func (p AuditProgramme) Validate() error {
	v := &ValidationError{}
	if p.CycleStart.IsZero() {
		v.Add("cycle_start", "is required: the date the certification cycle started")
	}
	checkLen(v, "notes", p.Notes, 10000)
	return v.Err()
}

// AuditStatus is where an audit stands.
type AuditStatus string

// The statuses, in order.
const (
	AuditPlanned    AuditStatus = "planned"
	AuditInProgress AuditStatus = "in_progress"
	AuditCompleted  AuditStatus = "completed"
)

// AuditStatuses lists the statuses in order.
var AuditStatuses = []AuditStatus{AuditPlanned, AuditInProgress, AuditCompleted}

// Label is the status's name for people.
func (s AuditStatus) Label() string {
	switch s {
	case AuditPlanned:
		return "Planned"
	case AuditInProgress:
		return "In progress"
	case AuditCompleted:
		return "Completed"
	}
	return string(s)
}

// Audit is one internal audit (9.2.2): what it covers, against what, by
// whom and when. Its checklist is generated from the scope when the audit is
// planned, so the scope is fixed from then on.
type Audit struct {
	ID     string
	OrgID  string
	RefNum int
	Title  string
	// Scope lists what the audit covers as framework references: clauses
	// ("iso27001-2022:9.2"), themes or controls of Annex A, and AI overlay
	// requirements.
	Scope []string
	// Criteria are what the audit judges against: the standard, the
	// organisation's policies, contracts.
	Criteria     string
	Status       AuditStatus
	PlannedStart time.Time
	PlannedEnd   time.Time
	StartedAt    *time.Time
	CompletedAt  *time.Time
	// Conclusion is the audit's overall opinion, for the report.
	Conclusion string
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Ref is the audit's reference, AUD-003.
func (a Audit) Ref() string { return FormatAuditRef(a.RefNum) }

// FormatAuditRef formats an audit's reference number.
func FormatAuditRef(n int) string { return fmt.Sprintf("AUD-%03d", n) }

// Validate checks the audit.
func (a Audit) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(a.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", a.Title, 300)
	if len(a.Scope) == 0 {
		v.Add("scope", "is required: name the clauses, Annex A themes or controls and overlay requirements to audit")
	}
	checkLen(v, "criteria", a.Criteria, 10000)
	checkLen(v, "conclusion", a.Conclusion, 10000)
	switch {
	case a.PlannedStart.IsZero():
		v.Add("planned_start", "is required")
	case a.PlannedEnd.IsZero():
		v.Add("planned_end", "is required")
	case a.PlannedEnd.Before(a.PlannedStart):
		v.Add("planned_end", "is before the planned start")
	}
	switch a.Status {
	case AuditPlanned, AuditInProgress, AuditCompleted:
	default:
		v.Add("status", "%q is not a status; use planned, in_progress or completed", a.Status)
	}
	return v.Err()
}

// AuditResult is the outcome of one checklist item.
type AuditResult string

// The results. Empty means not yet audited.
const (
	ResultNone        AuditResult = ""
	ResultConforming  AuditResult = "conforming"
	ResultMinorNC     AuditResult = "minor_nonconformity"
	ResultMajorNC     AuditResult = "major_nonconformity"
	ResultObservation AuditResult = "observation"
	ResultOFI         AuditResult = "opportunity_for_improvement"
)

// AuditResults lists the results a checklist item may have.
var AuditResults = []AuditResult{ResultConforming, ResultMinorNC, ResultMajorNC, ResultObservation, ResultOFI}

// Label is the result's name for people.
func (r AuditResult) Label() string {
	switch r {
	case ResultNone:
		return "Not audited"
	case ResultConforming:
		return "Conforming"
	case ResultMinorNC:
		return "Minor nonconformity"
	case ResultMajorNC:
		return "Major nonconformity"
	case ResultObservation:
		return "Observation"
	case ResultOFI:
		return "Opportunity for improvement"
	}
	return string(r)
}

// Valid reports whether r is a result or empty.
func (r AuditResult) Valid() bool {
	if r == ResultNone {
		return true
	}
	for _, x := range AuditResults {
		if x == r {
			return true
		}
	}
	return false
}

// Raises reports what the register gets from the result: a graded
// nonconformity, an improvement, or nothing.
func (r AuditResult) Raises() (NCKind, NCGrade, bool) {
	switch r {
	case ResultMinorNC:
		return KindNonconformity, GradeMinor, true
	case ResultMajorNC:
		return KindNonconformity, GradeMajor, true
	case ResultOFI:
		return KindImprovement, NoGrade, true
	}
	return "", NoGrade, false
}

// AuditItemKind says what a checklist item checks.
type AuditItemKind string

// The kinds of checklist item.
const (
	ItemKindClause  AuditItemKind = "clause"
	ItemKindControl AuditItemKind = "control"
	// ItemKindOverlay is an AI overlay requirement that refines a control
	// in the scope.
	ItemKindOverlay AuditItemKind = "overlay"
)

// AuditItem is one line of an audit's checklist.
type AuditItem struct {
	ID      string
	OrgID   string
	AuditID string
	// Position orders the checklist as it was generated.
	Position int
	// Ref is the framework reference checked ("iso27001-2022:A.5.18").
	Ref   string
	Kind  AuditItemKind
	Title string
	// Result is empty until the item is audited.
	Result   AuditResult
	Notes    string
	Evidence []Link
	// NonconformityID is the record the result raised in the
	// nonconformity register, if it raised one.
	NonconformityID string
	RecordedBy      string
	RecordedAt      *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Validate checks the item's result.
func (it AuditItem) Validate() error {
	v := &ValidationError{}
	if !it.Result.Valid() {
		names := make([]string, len(AuditResults))
		for i, r := range AuditResults {
			names[i] = string(r)
		}
		v.Add("result", "%q is not a result; use %s", it.Result, strings.Join(names, ", "))
	}
	if it.Result != ResultNone && it.Result != ResultConforming && strings.TrimSpace(it.Notes) == "" {
		v.Add("notes", "are required for a finding: say what was found and the objective evidence")
	}
	checkLen(v, "notes", it.Notes, 10000)
	if len(it.Evidence) > 20 {
		v.Add("evidence", "holds at most 20 links")
	}
	for i, l := range it.Evidence {
		ValidateLink(v, fmt.Sprintf("evidence[%d]", i), l)
	}
	return v.Err()
}

// Valid reports whether s is one of AuditStatuses.
func (s AuditStatus) Valid() bool {
	for _, x := range AuditStatuses {
		if x == s {
			return true
		}
	}
	return false
}
