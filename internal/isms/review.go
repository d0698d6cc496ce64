package isms

import (
	"fmt"
	"strings"
	"time"
)

// MeetingStatus is where a management review (9.3) stands; an access
// review campaign has a ReviewStatus of its own.
type MeetingStatus string

// The statuses, in order. A draft is prepared and its inputs compiled; a
// held review took place and its inputs are frozen as presented; approved
// minutes close the record except for following up its actions.
const (
	ReviewDraft    MeetingStatus = "draft"
	ReviewHeld     MeetingStatus = "held"
	ReviewApproved MeetingStatus = "approved"
)

// MeetingStatuses lists the statuses in order.
var MeetingStatuses = []MeetingStatus{ReviewDraft, ReviewHeld, ReviewApproved}

// Label is the status's name for people.
func (s MeetingStatus) Label() string {
	switch s {
	case ReviewDraft:
		return "Draft"
	case ReviewHeld:
		return "Held"
	case ReviewApproved:
		return "Minutes approved"
	}
	return string(s)
}

// Review is a management review meeting: who met, when, what was put in
// front of them and what they decided. Its inputs are a snapshot of the
// records, taken when someone compiles them, so that the minutes show
// exactly what top management saw even after the records change.
type Review struct {
	ID          string
	OrgID       string
	RefNum      int
	Title       string
	MeetingDate time.Time
	ChairID     string
	// AttendeeIDs are members who attended; Guests names anyone else,
	// such as the certification body's observer, one per line.
	AttendeeIDs []string
	Guests      string
	Status      MeetingStatus
	// Notes are the minutes' narrative: what was discussed beyond the
	// decisions and actions.
	Notes string
	// Inputs is the compiled JSON snapshot, InputsHash its SHA-256;
	// CompiledAt is nil until inputs are compiled.
	Inputs     []byte
	InputsHash string
	CompiledAt *time.Time
	ApprovedBy string
	ApprovedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Ref is the review's reference, MR-003.
func (r Review) Ref() string { return fmt.Sprintf("MR-%03d", r.RefNum) }

// GuestList splits the guests into names.
func (r Review) GuestList() []string {
	var out []string
	for _, g := range strings.Split(r.Guests, "\n") {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// Validate checks the review as entered.
func (r Review) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(r.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", r.Title, 300)
	if r.MeetingDate.IsZero() {
		v.Add("meeting_date", "is required: the review's period ends on the day of the meeting")
	}
	if r.ChairID == "" {
		v.Add("chair", "is required: name the member of top management who chairs the review")
	}
	checkLen(v, "guests", r.Guests, 2000)
	checkLen(v, "notes", r.Notes, 50000)
	seen := map[string]bool{}
	for _, id := range r.AttendeeIDs {
		if seen[id] {
			v.Add("attendees", "names a member twice")
			break
		}
		seen[id] = true
	}
	switch r.Status {
	case ReviewDraft, ReviewHeld, ReviewApproved:
	default:
		v.Add("status", "%q is not a status; use draft, held or approved", r.Status)
	}
	return v.Err()
}

// ReviewDecision is a decision of top management recorded at a review
// (9.3.3): on improvement, on changes to the ISMS, on resources.
type ReviewDecision struct {
	ID        string
	OrgID     string
	ReviewID  string
	Text      string
	CreatedAt time.Time
}

// Validate checks the decision.
func (d ReviewDecision) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(d.Text) == "" {
		v.Add("text", "is required")
	}
	checkLen(v, "text", d.Text, 5000)
	return v.Err()
}

// ReviewAction is an action decided at a review, followed up until done;
// the open ones go into the next review's inputs.
type ReviewAction struct {
	ID       string
	OrgID    string
	ReviewID string
	Title    string
	OwnerID  string
	DueDate  *time.Time
	// DoneAt is set when the action is reported done.
	DoneAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Done reports whether the action is complete.
func (a ReviewAction) Done() bool { return a.DoneAt != nil }

// Status is "done" or "open".
func (a ReviewAction) Status() string {
	if a.Done() {
		return "done"
	}
	return "open"
}

// Overdue reports whether an open action is past its due date.
func (a ReviewAction) Overdue(now time.Time) bool {
	return !a.Done() && a.DueDate != nil && a.DueDate.Before(now)
}

// Validate checks the action.
func (a ReviewAction) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(a.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", a.Title, 500)
	if a.OwnerID == "" {
		v.Add("owner", "is required: someone must answer for the action")
	}
	if a.DueDate == nil {
		v.Add("due_date", "is required: the next review asks whether it was done in time")
	}
	return v.Err()
}
