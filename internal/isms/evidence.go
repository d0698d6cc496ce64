package isms

import (
	"strings"
	"time"
)

// EvidenceKind is what an evidence item holds.
type EvidenceKind string

// The kinds of evidence.
const (
	// EvidenceFile is an uploaded file, kept in the evidence file store.
	EvidenceFile EvidenceKind = "file"
	// EvidenceLink points to where the evidence lives (a dashboard, a
	// ticket, a repository).
	EvidenceLink EvidenceKind = "link"
	// EvidenceRecord is written in isms: minutes, an attestation.
	EvidenceRecord EvidenceKind = "record"
)

// Evidence is one item that shows a control or requirement operating. The
// period it is evidence for is separate from when it was uploaded: last
// quarter's access review uploaded today is evidence for last quarter.
type Evidence struct {
	ID          string
	OrgID       string
	Kind        EvidenceKind
	Title       string
	Description string
	URL         string
	Body        string
	// The stored file, for EvidenceFile.
	SHA256    string
	FileName  string
	Size      int64
	MediaType string
	// PeriodStart and PeriodEnd bound what the evidence covers; a point in
	// time has PeriodStart equal to PeriodEnd.
	PeriodStart time.Time
	PeriodEnd   time.Time
	CollectedBy string
	// Cadence is how often this evidence must be collected again; with
	// none, it does not expire.
	Cadence   Cadence
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the item.
func (e Evidence) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(e.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", e.Title, 300)
	checkLen(v, "description", e.Description, 20000)
	switch e.Kind {
	case EvidenceFile:
		if len(e.SHA256) != 64 {
			v.Add("file", "is required for file evidence")
		}
		checkLen(v, "file_name", e.FileName, 255)
	case EvidenceLink:
		ValidateLink(v, "link", Link{Title: e.Title, URL: e.URL})
	case EvidenceRecord:
		if strings.TrimSpace(e.Body) == "" {
			v.Add("body", "is required for a written record")
		}
		checkLen(v, "body", e.Body, 100000)
	default:
		v.Add("kind", "%q is not file, link or record", e.Kind)
	}
	switch {
	case e.PeriodEnd.IsZero():
		v.Add("period_end", "is required: the date the evidence is for")
	case e.PeriodStart.After(e.PeriodEnd):
		v.Add("period_start", "is after the end of the period")
	}
	return v.Err()
}

// Freshness says whether evidence still shows the control operating.
type Freshness string

// The freshness states.
const (
	Current Freshness = "current"
	DueSoon Freshness = "due_soon"
	Stale   Freshness = "stale"
)

// Label is the state's name for people.
func (f Freshness) Label() string {
	switch f {
	case Current:
		return "Current"
	case DueSoon:
		return "Due soon"
	case Stale:
		return "Stale"
	}
	return string(f)
}

// ExpiresAt is when the evidence stops being current: one cadence after
// the end of the period it covers. With no cadence it never expires and
// ExpiresAt is the zero time.
func (e Evidence) ExpiresAt(fallback Cadence) time.Time {
	c := e.Cadence
	if c == NoCadence {
		c = fallback
	}
	return c.After(e.PeriodEnd)
}

// Freshness is the evidence's state at now. fallback is the cadence of the
// control it is evidence for, used when the item has none of its own.
func (e Evidence) Freshness(now time.Time, fallback Cadence) Freshness {
	c := e.Cadence
	if c == NoCadence {
		c = fallback
	}
	exp := c.After(e.PeriodEnd)
	switch {
	case exp.IsZero():
		return Current
	case !now.Before(exp):
		return Stale
	case exp.Sub(now) <= c.DueSoonWindow():
		return DueSoon
	}
	return Current
}

// EvidenceTarget is what an evidence item is linked to.
type EvidenceTarget string

// The targets evidence can support.
const (
	TargetControl     EvidenceTarget = "control"
	TargetRequirement EvidenceTarget = "requirement"
	TargetRisk        EvidenceTarget = "risk"
)

// EvidenceLinkTo links an evidence item to a control (framework:item), a
// requirement (framework:item of a clause or overlay requirement) or a
// risk (its id).
type EvidenceLinkTo struct {
	Target EvidenceTarget `json:"target"`
	Ref    string         `json:"ref"`
}

// RequestStatus is the state of an evidence request.
type RequestStatus string

// The request states.
const (
	RequestOpen      RequestStatus = "open"
	RequestFulfilled RequestStatus = "fulfilled"
	RequestCancelled RequestStatus = "cancelled"
)

// EvidenceRequest asks a person to collect evidence for a control by a date.
type EvidenceRequest struct {
	ID         string
	OrgID      string
	Control    string
	Title      string
	AssigneeID string
	DueDate    time.Time
	Status     RequestStatus
	EvidenceID string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Validate checks the request.
func (r EvidenceRequest) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(r.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", r.Title, 300)
	if r.AssigneeID == "" {
		v.Add("assignee", "is required")
	}
	if r.DueDate.IsZero() {
		v.Add("due_date", "is required")
	}
	if r.Status != RequestOpen && r.Status != RequestFulfilled && r.Status != RequestCancelled {
		v.Add("status", "%q is not open, fulfilled or cancelled", r.Status)
	}
	return v.Err()
}
