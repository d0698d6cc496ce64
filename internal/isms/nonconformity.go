package isms

import (
	"fmt"
	"strings"
	"time"
)

// NCKind separates nonconformities (10.2) from suggestions for
// improvement (10.1). Both go through the same cycle of action and
// verification, so they share a register and a numbering.
type NCKind string

// The kinds of record in the nonconformity register.
const (
	KindNonconformity NCKind = "nonconformity"
	KindImprovement   NCKind = "improvement"
)

// Prefix is the start of the record's reference.
func (k NCKind) Prefix() string {
	if k == KindImprovement {
		return "OFI"
	}
	return "NC"
}

// Label is the kind's name for people.
func (k NCKind) Label() string {
	if k == KindImprovement {
		return "Improvement"
	}
	return "Nonconformity"
}

// NCGrade is how serious a nonconformity is. Certification bodies grade a
// major one as a requirement not met at all or a systemic failure, which
// blocks certification until it is corrected; a minor one as a lapse.
type NCGrade string

// The grades. Improvements carry no grade.
const (
	NoGrade    NCGrade = ""
	GradeMajor NCGrade = "major"
	GradeMinor NCGrade = "minor"
)

// Label is the grade's name for people.
func (g NCGrade) Label() string {
	switch g {
	case GradeMajor:
		return "Major"
	case GradeMinor:
		return "Minor"
	}
	return ""
}

// NCSource is where a nonconformity was found.
type NCSource string

// The sources.
const (
	SourceInternalAudit    NCSource = "internal_audit"
	SourceExternalAudit    NCSource = "external_audit"
	SourceIncident         NCSource = "incident"
	SourceVulnerabilitySLA NCSource = "vulnerability_sla"
	SourceManagementReview NCSource = "management_review"
	SourceMonitoring       NCSource = "monitoring"
	SourceOther            NCSource = "other"
)

// NCSources lists the sources, for forms and messages.
var NCSources = []NCSource{SourceInternalAudit, SourceExternalAudit, SourceIncident, SourceVulnerabilitySLA,
	SourceManagementReview, SourceMonitoring, SourceOther}

// Label is the source's name for people.
func (s NCSource) Label() string {
	switch s {
	case SourceInternalAudit:
		return "Internal audit"
	case SourceExternalAudit:
		return "Certification audit"
	case SourceIncident:
		return "Incident"
	case SourceVulnerabilitySLA:
		return "Missed vulnerability deadline"
	case SourceManagementReview:
		return "Management review"
	case SourceMonitoring:
		return "Monitoring and measurement"
	case SourceOther:
		return "Reported by staff"
	}
	return string(s)
}

// Nonconformity is an entry of the register: a requirement not met, or an
// opportunity to improve, with its correction, cause and verification.
// Corrective actions are kept apart because each has its own owner and
// deadline.
type Nonconformity struct {
	ID     string
	OrgID  string
	RefNum int
	Kind   NCKind
	Grade  NCGrade
	Source NCSource
	Title  string
	// Description is what was found, with the objective evidence.
	Description string
	// Requirement names the requirement not met as FRAMEWORK:ITEM
	// ("iso27001-2022:A.8.8"); empty when none is named yet.
	Requirement string
	// FindingID is the vulnerability finding whose missed deadline this
	// records.
	FindingID string
	OwnerID   string
	RaisedBy  string
	DueDate   *time.Time
	// Correction is what was done at once to contain the problem (10.2 a);
	// RootCause what made it happen (10.2 b).
	Correction string
	RootCause  string
	// The last verification of effectiveness (10.2 d): who, when, what
	// they found. Effective is nil until someone has verified.
	VerifiedBy       string
	VerifiedAt       *time.Time
	Effective        *bool
	VerificationNote string
	ClosedAt         *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Ref is the record's reference, NC-007 or OFI-008.
func (n Nonconformity) Ref() string { return fmt.Sprintf("%s-%03d", n.Kind.Prefix(), n.RefNum) }

// Closed reports whether the record has been verified effective and closed.
func (n Nonconformity) Closed() bool { return n.ClosedAt != nil }

// Validate checks the record as entered.
func (n Nonconformity) Validate() error {
	v := &ValidationError{}
	switch n.Kind {
	case KindNonconformity:
		if n.Grade != GradeMajor && n.Grade != GradeMinor {
			v.Add("grade", "%q is not a grade; use major or minor", n.Grade)
		}
	case KindImprovement:
		if n.Grade != NoGrade {
			v.Add("grade", "an improvement has no grade")
		}
	default:
		v.Add("kind", "%q is not a kind; use nonconformity or improvement", n.Kind)
	}
	valid := false
	for _, s := range NCSources {
		valid = valid || n.Source == s
	}
	if !valid {
		v.Add("source", "%q is not a source; use one of %s", n.Source, joinSources())
	}
	if strings.TrimSpace(n.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", n.Title, 300)
	if n.Kind == KindNonconformity && strings.TrimSpace(n.Description) == "" {
		v.Add("description", "is required: say what was found and the evidence for it")
	}
	checkLen(v, "description", n.Description, 10000)
	checkLen(v, "requirement", n.Requirement, 200)
	checkLen(v, "correction", n.Correction, 10000)
	checkLen(v, "root_cause", n.RootCause, 10000)
	checkLen(v, "verification_note", n.VerificationNote, 10000)
	if n.OwnerID == "" {
		v.Add("owner", "is required: someone must answer for the correction")
	}
	return v.Err()
}

func joinSources() string {
	names := make([]string, len(NCSources))
	for i, s := range NCSources {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// CorrectiveAction is one action taken to remove the cause of a
// nonconformity so that it does not recur (10.2 c), or to carry out an
// improvement.
type CorrectiveAction struct {
	ID              string
	OrgID           string
	NonconformityID string
	Title           string
	OwnerID         string
	DueDate         *time.Time
	// CompletedAt is set when the owner reports the action done, with
	// what they did in Outcome.
	CompletedAt *time.Time
	Outcome     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Done reports whether the action is complete.
func (c CorrectiveAction) Done() bool { return c.CompletedAt != nil }

// Overdue reports whether an open action is past its due date.
func (c CorrectiveAction) Overdue(now time.Time) bool {
	return !c.Done() && c.DueDate != nil && c.DueDate.Before(now)
}

// Validate checks the action.
func (c CorrectiveAction) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(c.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", c.Title, 500)
	checkLen(v, "outcome", c.Outcome, 10000)
	if c.OwnerID == "" {
		v.Add("owner", "is required")
	}
	if c.DueDate == nil {
		v.Add("due_date", "is required: a corrective action without a deadline is not planned")
	}
	return v.Err()
}

// NCStage is where a record stands in its cycle. It follows from the
// record and its actions, so it cannot disagree with them.
type NCStage string

// The stages, in order.
const (
	// StageOpen: raised; correction, cause and actions still to come, or
	// the last verification found the actions ineffective.
	StageOpen NCStage = "open"
	// StageAction: corrective actions under way.
	StageAction NCStage = "action"
	// StageVerification: every action done, waiting for someone other
	// than the owners to verify that they worked.
	StageVerification NCStage = "verification"
	StageClosed       NCStage = "closed"
)

// NCStages lists the stages in order.
var NCStages = []NCStage{StageOpen, StageAction, StageVerification, StageClosed}

// Label is the stage's name for people.
func (s NCStage) Label() string {
	switch s {
	case StageOpen:
		return "Open"
	case StageAction:
		return "Corrective action"
	case StageVerification:
		return "Awaiting verification"
	case StageClosed:
		return "Closed"
	}
	return string(s)
}

// Stage derives where n stands from its actions.
func (n Nonconformity) Stage(actions []CorrectiveAction) NCStage {
	if n.Closed() {
		return StageClosed
	}
	if len(actions) == 0 {
		return StageOpen
	}
	var last time.Time
	for _, a := range actions {
		if !a.Done() {
			return StageAction
		}
		if a.CompletedAt.After(last) {
			last = *a.CompletedAt
		}
	}
	// An ineffective verification after the last action sends the record
	// back for new actions.
	if n.VerifiedAt != nil && n.Effective != nil && !*n.Effective && !n.VerifiedAt.Before(last) {
		return StageOpen
	}
	return StageVerification
}

// Overdue reports whether an open record is past its own due date or has
// an action past its due date.
func (n Nonconformity) Overdue(actions []CorrectiveAction, now time.Time) bool {
	if n.Closed() {
		return false
	}
	if n.DueDate != nil && n.DueDate.Before(now) {
		return true
	}
	for _, a := range actions {
		if a.Overdue(now) {
			return true
		}
	}
	return false
}
