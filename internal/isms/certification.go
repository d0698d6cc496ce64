package isms

import (
	"strings"
	"time"
)

// DefaultStandard is the standard an organisation is certified against
// unless it says otherwise.
const DefaultStandard = "ISO/IEC 27001:2022"

// CertificateYears is how long an ISO/IEC 27001 certificate runs: the
// certification body must recertify before it expires (ISO/IEC 17021-1).
const CertificateYears = 3

// CertCycle is one certification cycle: the certification body's initial
// audit in two stages, the certificate it issues, and the surveillance and
// recertification audits that keep it. An organisation has one current
// cycle, the newest; earlier ones are its history.
type CertCycle struct {
	ID       string
	OrgID    string
	Body     string
	Scope    string
	Standard string
	// Stage1Date and Stage2Date are the initial audit's dates as agreed
	// with the body.
	Stage1Date        *time.Time
	Stage2Date        *time.Time
	CertificateNumber string
	IssuedOn          *time.Time
	ExpiresOn         *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Certified reports whether a certificate has been issued.
func (c CertCycle) Certified() bool { return c.IssuedOn != nil }

// Expired reports whether the certificate has run out at now.
func (c CertCycle) Expired(now time.Time) bool {
	return c.ExpiresOn != nil && !now.Before(*c.ExpiresOn)
}

// Validate checks the cycle as entered.
func (c CertCycle) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(c.Body) == "" {
		v.Add("body", "is required: name the accredited certification body")
	}
	checkLen(v, "body", c.Body, 200)
	if strings.TrimSpace(c.Scope) == "" {
		v.Add("scope", "is required: the scope as it is to appear on the certificate")
	}
	checkLen(v, "scope", c.Scope, 5000)
	if strings.TrimSpace(c.Standard) == "" {
		v.Add("standard", "is required")
	}
	checkLen(v, "standard", c.Standard, 100)
	checkLen(v, "certificate_number", c.CertificateNumber, 100)
	if c.Stage1Date != nil && c.Stage2Date != nil && c.Stage2Date.Before(*c.Stage1Date) {
		v.Add("stage2_date", "is before Stage 1: Stage 2 follows the review of the documentation in Stage 1")
	}
	if c.IssuedOn != nil {
		if c.CertificateNumber == "" {
			v.Add("certificate_number", "is required once the certificate is issued")
		}
		if c.Stage2Date != nil && c.IssuedOn.Before(*c.Stage2Date) {
			v.Add("issued_on", "is before Stage 2: the certificate follows the Stage 2 audit")
		}
	}
	if c.ExpiresOn != nil {
		if c.IssuedOn == nil {
			v.Add("expires_on", "needs the issue date")
		} else if !c.ExpiresOn.After(*c.IssuedOn) {
			v.Add("expires_on", "must be after the issue date")
		}
	}
	return v.Err()
}

// AuditKind is what an external audit of the cycle is for.
type AuditKind string

// The kinds of external audit.
const (
	AuditStage1          AuditKind = "stage1"
	AuditStage2          AuditKind = "stage2"
	AuditSurveillance1   AuditKind = "surveillance1"
	AuditSurveillance2   AuditKind = "surveillance2"
	AuditRecertification AuditKind = "recertification"
	AuditSpecial         AuditKind = "special"
)

// AuditKinds lists the kinds in the order they come in a cycle.
var AuditKinds = []AuditKind{AuditStage1, AuditStage2, AuditSurveillance1, AuditSurveillance2, AuditRecertification, AuditSpecial}

// Label is the kind's name for people.
func (k AuditKind) Label() string {
	switch k {
	case AuditStage1:
		return "Stage 1 audit"
	case AuditStage2:
		return "Stage 2 audit"
	case AuditSurveillance1:
		return "Surveillance audit, year 1"
	case AuditSurveillance2:
		return "Surveillance audit, year 2"
	case AuditRecertification:
		return "Recertification audit"
	case AuditSpecial:
		return "Special audit"
	}
	return string(k)
}

// ExternalAudit is an audit by the certification body within a cycle.
// Its findings are raised in the nonconformity register, so that they go
// through the same correction, corrective action and verification as
// internal ones.
type ExternalAudit struct {
	ID          string
	OrgID       string
	CycleID     string
	Kind        AuditKind
	PlannedDate *time.Time
	DoneDate    *time.Time
	LeadAuditor string
	// Result is the body's conclusion, as in its report: recommended for
	// certification, certificate maintained, and so on.
	Result    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Done reports whether the audit has taken place.
func (a ExternalAudit) Done() bool { return a.DoneDate != nil }

// Validate checks the audit as entered; now keeps a done date out of the
// future.
func (a ExternalAudit) Validate(now time.Time) error {
	v := &ValidationError{}
	known := false
	for _, k := range AuditKinds {
		known = known || a.Kind == k
	}
	if !known {
		v.Add("kind", "%q is not a kind of audit; use stage1, stage2, surveillance1, surveillance2, recertification or special", a.Kind)
	}
	if a.PlannedDate == nil && a.DoneDate == nil {
		v.Add("planned_date", "is required unless the audit is recorded as done")
	}
	if a.DoneDate != nil && a.DoneDate.After(now) {
		v.Add("done_date", "is in the future: record the audit as done once it has taken place")
	}
	checkLen(v, "lead_auditor", a.LeadAuditor, 200)
	checkLen(v, "result", a.Result, 10000)
	return v.Err()
}

// DueAudit is a line of the certification calendar: an audit the cycle
// needs, by when, and whether it is planned or done.
type DueAudit struct {
	Kind AuditKind
	// DueBy is the latest date the audit may take place; nil when the
	// cycle does not yet say (Stage 1 before any date is agreed).
	DueBy   *time.Time
	Planned *time.Time
	Done    *time.Time
	// Overdue: not done and past DueBy. DueSoon: not done and DueBy
	// within DueSoonDays.
	Overdue, DueSoon bool
}

// DueSoonDays is how far ahead the calendar warns: certification bodies
// book auditors about a quarter ahead.
const DueSoonDays = 90

// Calendar lists the audits the cycle needs, in order, with what has been
// planned and done. Before a certificate is issued that is the initial
// audit's two stages; afterwards the surveillance audits within 12 and 24
// months of issue and recertification before expiry.
func (c CertCycle) Calendar(audits []ExternalAudit, now time.Time) []DueAudit {
	latest := func(k AuditKind) (planned, done *time.Time) {
		for _, a := range audits {
			if a.Kind != k {
				continue
			}
			if a.DoneDate != nil && (done == nil || a.DoneDate.After(*done)) {
				done = a.DoneDate
			}
			if a.PlannedDate != nil && (planned == nil || a.PlannedDate.After(*planned)) {
				planned = a.PlannedDate
			}
		}
		return planned, done
	}
	line := func(k AuditKind, due *time.Time) DueAudit {
		d := DueAudit{Kind: k, DueBy: due}
		d.Planned, d.Done = latest(k)
		if d.Done == nil && due != nil {
			d.Overdue = due.Before(now)
			d.DueSoon = !d.Overdue && due.Before(now.AddDate(0, 0, DueSoonDays))
		}
		return d
	}
	var out []DueAudit
	if !c.Certified() {
		for _, s := range []struct {
			k   AuditKind
			due *time.Time
		}{{AuditStage1, c.Stage1Date}, {AuditStage2, c.Stage2Date}} {
			out = append(out, line(s.k, s.due))
		}
		return out
	}
	issued := *c.IssuedOn
	s1, s2 := issued.AddDate(1, 0, 0), issued.AddDate(2, 0, 0)
	out = append(out, line(AuditSurveillance1, &s1), line(AuditSurveillance2, &s2))
	expires := c.ExpiresOn
	if expires == nil {
		e := issued.AddDate(CertificateYears, 0, 0)
		expires = &e
	}
	return append(out, line(AuditRecertification, expires))
}

// Next is the first audit of the calendar not yet done, or nil.
func Next(calendar []DueAudit) *DueAudit {
	for i := range calendar {
		if calendar[i].Done == nil {
			return &calendar[i]
		}
	}
	return nil
}
