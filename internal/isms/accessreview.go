package isms

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccessReview is a campaign that reviews who may do what on chosen
// systems (5.15 to 5.18, 8.2, 8.3): every account is listed with its
// rights, and a reviewer decides to keep, change or revoke each. Its
// completion is evidence for A.5.18.
type AccessReview struct {
	ID     string
	OrgID  string
	RefNum int
	Title  string
	// Systems names what is reviewed, one system a line; AssetIDs links
	// the ones that are assets of the inventory.
	Systems  []string
	AssetIDs []string
	// ReviewerIDs are the members who decide.
	ReviewerIDs []string
	DueDate     time.Time
	// PeriodStart and PeriodEnd bound the period the review covers, such
	// as last quarter; they become the evidence's period.
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	// CompletedAt and CompletedBy are set on completion, with the evidence
	// item made of it.
	CompletedAt *time.Time
	CompletedBy string
	EvidenceID  string
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Ref is the campaign's reference, AR-003.
func (r AccessReview) Ref() string { return fmt.Sprintf("AR-%03d", r.RefNum) }

// Complete reports whether the campaign has been completed.
func (r AccessReview) Complete() bool { return r.CompletedAt != nil }

// IsReviewer reports whether the member id is one of the reviewers.
func (r AccessReview) IsReviewer(memberID string) bool {
	return memberID != "" && slices.Contains(r.ReviewerIDs, memberID)
}

// Overdue reports whether an unfinished campaign is past its due date.
func (r AccessReview) Overdue(now time.Time) bool {
	return !r.Complete() && now.After(dayAfter(r.DueDate))
}

// SystemsText is the systems, one a line, for forms.
func (r AccessReview) SystemsText() string { return strings.Join(r.Systems, "\n") }

// Validate checks the campaign.
func (r AccessReview) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(r.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", r.Title, 300)
	if len(r.Systems) == 0 && len(r.AssetIDs) == 0 {
		v.Add("systems", "name at least one system to review, or link an asset")
	}
	if len(r.Systems) > 50 {
		v.Add("systems", "a campaign reviews at most 50 systems")
	}
	for _, s := range r.Systems {
		checkLen(v, "systems", s, 200)
	}
	if len(r.ReviewerIDs) == 0 {
		v.Add("reviewers", "at least one reviewer is required")
	}
	if r.DueDate.IsZero() {
		v.Add("due_date", "is required")
	}
	if r.PeriodStart != nil && r.PeriodEnd != nil && r.PeriodEnd.Before(*r.PeriodStart) {
		v.Add("period_end", "is before the start of the period")
	}
	return v.Err()
}

// ReviewStatus is where a campaign stands, derived from its accounts.
type ReviewStatus string

// The statuses.
const (
	ReviewOpen       ReviewStatus = "open"
	ReviewInProgress ReviewStatus = "in_progress"
	ReviewComplete   ReviewStatus = "complete"
)

// ReviewStatuses lists the statuses in order.
var ReviewStatuses = []ReviewStatus{ReviewOpen, ReviewInProgress, ReviewComplete}

// Label names the status.
func (s ReviewStatus) Label() string {
	switch s {
	case ReviewOpen:
		return "Open"
	case ReviewInProgress:
		return "In progress"
	case ReviewComplete:
		return "Complete"
	}
	return string(s)
}

// Status derives where the campaign stands: complete once completed, in
// progress once any account is decided, else open.
func (r AccessReview) Status(decided int) ReviewStatus {
	switch {
	case r.Complete():
		return ReviewComplete
	case decided > 0:
		return ReviewInProgress
	}
	return ReviewOpen
}

// Decision is a reviewer's verdict on an account.
type Decision string

// The decisions.
const (
	NoDecision     Decision = ""
	DecisionKeep   Decision = "keep"
	DecisionChange Decision = "change"
	DecisionRevoke Decision = "revoke"
)

// Decisions lists the verdicts.
var Decisions = []Decision{DecisionKeep, DecisionChange, DecisionRevoke}

// Label names the decision.
func (d Decision) Label() string {
	switch d {
	case DecisionKeep:
		return "Keep"
	case DecisionChange:
		return "Change"
	case DecisionRevoke:
		return "Revoke"
	}
	return "Undecided"
}

// ReviewAccount is one account of a campaign: on which system, who holds
// it, what it may do, and the reviewer's decision.
type ReviewAccount struct {
	ID       string
	OrgID    string
	ReviewID string
	System   string
	Account  string
	Holder   string
	Rights   string
	Decision Decision
	// DecisionNote says what is to change, or why.
	DecisionNote string
	DecidedBy    string
	DecidedAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Decided reports whether a reviewer has decided on the account.
func (a ReviewAccount) Decided() bool { return a.Decision != NoDecision }

// Validate checks the account as listed.
func (a ReviewAccount) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(a.System) == "" {
		v.Add("system", "is required")
	}
	checkLen(v, "system", a.System, 200)
	if strings.TrimSpace(a.Account) == "" {
		v.Add("account", "is required")
	}
	checkLen(v, "account", a.Account, 200)
	checkLen(v, "holder", a.Holder, 200)
	if strings.TrimSpace(a.Rights) == "" {
		v.Add("rights", "is required: the review is of what the account may do")
	}
	checkLen(v, "rights", a.Rights, 1000)
	switch a.Decision {
	case NoDecision, DecisionKeep, DecisionRevoke:
	case DecisionChange:
		if strings.TrimSpace(a.DecisionNote) == "" {
			v.Add("note", "is required to change an account: say what its rights become")
		}
	default:
		v.Add("decision", "%q is not keep, change or revoke", a.Decision)
	}
	checkLen(v, "note", a.DecisionNote, 2000)
	return v.Err()
}

// ReviewTally counts a campaign's accounts by decision.
type ReviewTally struct {
	Accounts, Kept, Changed, Revoked int
}

// Decided counts the accounts decided.
func (t ReviewTally) Decided() int { return t.Kept + t.Changed + t.Revoked }

// Undecided counts the accounts still to decide.
func (t ReviewTally) Undecided() int { return t.Accounts - t.Decided() }

// Tally counts accounts by decision.
func Tally(accounts []ReviewAccount) ReviewTally {
	t := ReviewTally{Accounts: len(accounts)}
	for _, a := range accounts {
		switch a.Decision {
		case DecisionKeep:
			t.Kept++
		case DecisionChange:
			t.Changed++
		case DecisionRevoke:
			t.Revoked++
		}
	}
	return t
}

// RowProblem is one thing wrong in a row of an imported file: its line,
// its column and what is wrong.
type RowProblem struct {
	Line   int
	Field  string
	Detail string
}

func (p RowProblem) String() string {
	switch {
	case p.Line > 0 && p.Field != "":
		return fmt.Sprintf("line %d, %s: %s", p.Line, p.Field, p.Detail)
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s", p.Line, p.Detail)
	case p.Field != "":
		return p.Field + ": " + p.Detail
	}
	return p.Detail
}

// RowProblems is everything wrong in an imported file. An import with
// any problem imports nothing.
type RowProblems []RowProblem

func (ps RowProblems) Error() string {
	const shown = 20
	parts := make([]string, 0, min(len(ps), shown)+1)
	for i, p := range ps {
		if i == shown {
			parts = append(parts, fmt.Sprintf("… and %d more problems", len(ps)-shown))
			break
		}
		parts = append(parts, p.String())
	}
	return strings.Join(parts, "\n")
}

// FieldErrors presents the problems for the API: the field is the column,
// the detail starts with the line.
func (ps RowProblems) FieldErrors() []FieldError {
	out := make([]FieldError, len(ps))
	for i, p := range ps {
		field, detail := p.Field, p.Detail
		if field == "" {
			field = "file"
		}
		if p.Line > 0 {
			detail = fmt.Sprintf("line %d: %s", p.Line, detail)
		}
		out[i] = FieldError{Field: field, Detail: detail}
	}
	return out
}
