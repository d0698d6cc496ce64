package isms

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Person is a staff record: someone who works for the organisation, with
// the ISMS roles they hold. It is not an account: a person may also be a
// member who signs in to isms, and MemberID then links the two.
type Person struct {
	ID       string
	OrgID    string
	Name     string
	Email    string
	Team     string
	JobTitle string
	// StartDate and EndDate bound their time with the organisation, as
	// days; an end date marks a leaver.
	StartDate *time.Time
	EndDate   *time.Time
	MemberID  string
	// RoleIDs are the ISMS roles they hold.
	RoleIDs   []string
	Notes     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PersonStatus is where someone stands with the organisation, derived from
// their dates.
type PersonStatus string

// The statuses of a person.
const (
	PersonJoining PersonStatus = "joining"
	PersonActive  PersonStatus = "active"
	PersonLeaving PersonStatus = "leaving"
	PersonLeft    PersonStatus = "left"
)

// PersonStatuses lists the statuses in the order of a working life.
var PersonStatuses = []PersonStatus{PersonJoining, PersonActive, PersonLeaving, PersonLeft}

// Label is the status's name for people.
func (s PersonStatus) Label() string {
	switch s {
	case PersonJoining:
		return "Joining"
	case PersonActive:
		return "Active"
	case PersonLeaving:
		return "Leaving"
	case PersonLeft:
		return "Left"
	}
	return string(s)
}

// Status derives where p stands at now. A start or end date is a day: a
// person who starts today is active, and one whose last day is today is
// leaving until the day is over.
func (p Person) Status(now time.Time) PersonStatus {
	switch {
	case p.EndDate != nil && !now.Before(dayAfter(*p.EndDate)):
		return PersonLeft
	case p.StartDate != nil && now.Before(*p.StartDate):
		return PersonJoining
	case p.EndDate != nil:
		return PersonLeaving
	}
	return PersonActive
}

// InScope reports whether p still works for the organisation at now, so
// that their training counts.
func (p Person) InScope(now time.Time) bool { return p.Status(now) != PersonLeft }

// HasRole reports whether p holds the ISMS role id.
func (p Person) HasRole(id string) bool { return slices.Contains(p.RoleIDs, id) }

func dayAfter(d time.Time) time.Time {
	y, m, day := d.UTC().Date()
	return time.Date(y, m, day+1, 0, 0, 0, 0, time.UTC)
}

// Validate checks the record as entered.
func (p Person) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(p.Name) == "" {
		v.Add("name", "is required")
	}
	checkLen(v, "name", p.Name, 200)
	if p.Email == "" {
		v.Add("email", "is required: people are told apart, and imported, by their email")
	} else if !validEmail(p.Email) {
		v.Add("email", "%q is not an email address", p.Email)
	}
	checkLen(v, "team", p.Team, 200)
	checkLen(v, "job_title", p.JobTitle, 200)
	checkLen(v, "notes", p.Notes, 10000)
	if p.StartDate != nil && p.EndDate != nil && p.EndDate.Before(*p.StartDate) {
		v.Add("end_date", "is before the start date")
	}
	if len(p.RoleIDs) > 50 {
		v.Add("roles", "a person holds at most 50 ISMS roles")
	}
	return v.Err()
}

func validEmail(email string) bool {
	v := &ValidationError{}
	NormalizeEmail(v, "email", email)
	return v.Err() == nil
}

// PersonFilter selects people in a list.
type PersonFilter struct {
	Team   string
	RoleID string
	Status PersonStatus
	// Query is part of the name, email or job title.
	Query string
	// Now is when the status is judged.
	Now    time.Time
	Cursor string
	Limit  int
}

// ControlArea is a part of the controls a RACI assigns responsibility
// for: the ISMS itself (clauses 4 to 10) and the four themes of ISO/IEC
// 27001:2022 Annex A.
type ControlArea struct {
	Code  string
	Label string
	// Controls is the range of Annex A it covers, for people.
	Controls string
}

// ControlAreas are the areas of a RACI, in the order of the standard.
var ControlAreas = []ControlArea{
	{"isms", "The management system", "Clauses 4 to 10"},
	{"A.5", "Organisational controls", "A.5.1 to A.5.37"},
	{"A.6", "People controls", "A.6.1 to A.6.8"},
	{"A.7", "Physical controls", "A.7.1 to A.7.14"},
	{"A.8", "Technological controls", "A.8.1 to A.8.34"},
}

// ControlAreaCodes lists the codes, for messages.
func ControlAreaCodes() []string {
	out := make([]string, len(ControlAreas))
	for i, a := range ControlAreas {
		out[i] = a.Code
	}
	return out
}

// RACI is one role's part in a control area.
type RACI string

// The parts: responsible does the work, accountable answers for it (one
// per area), consulted is asked before, informed is told after.
const (
	RACINone        RACI = ""
	RACIResponsible RACI = "R"
	RACIAccountable RACI = "A"
	RACIConsulted   RACI = "C"
	RACIInformed    RACI = "I"
)

// RACIValues lists the parts.
var RACIValues = []RACI{RACIResponsible, RACIAccountable, RACIConsulted, RACIInformed}

// Label names the part.
func (r RACI) Label() string {
	switch r {
	case RACIResponsible:
		return "Responsible"
	case RACIAccountable:
		return "Accountable"
	case RACIConsulted:
		return "Consulted"
	case RACIInformed:
		return "Informed"
	}
	return ""
}

// ISMSRole is a role in the management system (5.3), such as ISMS
// manager, risk owner or AI system owner: its responsibilities, the
// competence it needs (7.2) and its part in each control area. It is not a
// permission in isms; those are Role.
type ISMSRole struct {
	ID               string
	OrgID            string
	Name             string
	Responsibilities string
	// Competence lists what a holder must know or be able to do, one
	// requirement a line.
	Competence string
	// RACI maps a control area's code to the role's part in it.
	RACI      map[string]RACI
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CompetenceList is the competence requirements one by one.
func (r ISMSRole) CompetenceList() []string { return lines(r.Competence) }

// Part is the role's part in a control area.
func (r ISMSRole) Part(area string) RACI { return r.RACI[area] }

// Validate checks the role.
func (r ISMSRole) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(r.Name) == "" {
		v.Add("name", "is required")
	}
	checkLen(v, "name", r.Name, 200)
	checkLen(v, "responsibilities", r.Responsibilities, 20000)
	checkLen(v, "competence", r.Competence, 20000)
	for area, part := range r.RACI {
		if !slices.ContainsFunc(ControlAreas, func(a ControlArea) bool { return a.Code == area }) {
			v.Add("raci", "%q is not a control area; use %s", area, strings.Join(ControlAreaCodes(), ", "))
		}
		if !slices.Contains(RACIValues, part) {
			v.Add("raci."+area, "%q is not R, A, C or I", part)
		}
	}
	return v.Err()
}

// RACIGap is a control area without exactly one accountable role.
type RACIGap struct {
	Area        ControlArea
	Accountable []string // names of the roles accountable for it
}

// Message says what is wrong.
func (g RACIGap) Message() string {
	if len(g.Accountable) == 0 {
		return fmt.Sprintf("Nobody is accountable for %s (%s).", strings.ToLower(g.Area.Label), g.Area.Controls)
	}
	return fmt.Sprintf("%s are all accountable for %s; one role should be.", strings.Join(g.Accountable, ", "), strings.ToLower(g.Area.Label))
}

// RACIGaps lists the areas that do not have exactly one accountable role,
// in the order of the standard.
func RACIGaps(roles []ISMSRole) []RACIGap {
	var out []RACIGap
	for _, a := range ControlAreas {
		g := RACIGap{Area: a}
		for _, r := range roles {
			if r.RACI[a.Code] == RACIAccountable {
				g.Accountable = append(g.Accountable, r.Name)
			}
		}
		if len(g.Accountable) != 1 {
			out = append(out, g)
		}
	}
	return out
}

// TrainingCourse is awareness or competence training (6.3, 7.2, 7.3):
// who must take it and how often.
type TrainingCourse struct {
	ID          string
	OrgID       string
	Title       string
	Description string
	// AudienceRoleIDs are the ISMS roles that must take it; none means
	// everyone.
	AudienceRoleIDs []string
	// RecurrenceMonths is how long a completion lasts; 0 means once.
	RecurrenceMonths int
	// AISecurity marks courses that cover AI security: prompt injection,
	// data poisoning, model theft, safe use of AI tools.
	AISecurity bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Everyone reports whether every person must take the course.
func (c TrainingCourse) Everyone() bool { return len(c.AudienceRoleIDs) == 0 }

// RequiredOf reports whether p must take the course.
func (c TrainingCourse) RequiredOf(p Person) bool {
	if c.Everyone() {
		return true
	}
	return slices.ContainsFunc(c.AudienceRoleIDs, p.HasRole)
}

// ExpiresAt is when a completion on completed stops counting; the zero
// time for a course taken once.
func (c TrainingCourse) ExpiresAt(completed time.Time) time.Time {
	if c.RecurrenceMonths <= 0 {
		return time.Time{}
	}
	return completed.AddDate(0, c.RecurrenceMonths, 0)
}

// RecurrenceLabel says how often the course is taken.
func (c TrainingCourse) RecurrenceLabel() string {
	switch n := c.RecurrenceMonths; {
	case n <= 0:
		return "once"
	case n == 12:
		return "every year"
	case n%12 == 0:
		return fmt.Sprintf("every %d years", n/12)
	case n == 1:
		return "every month"
	}
	return fmt.Sprintf("every %d months", c.RecurrenceMonths)
}

// Validate checks the course.
func (c TrainingCourse) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(c.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", c.Title, 300)
	checkLen(v, "description", c.Description, 20000)
	if c.RecurrenceMonths < 0 || c.RecurrenceMonths > 120 {
		v.Add("recurrence_months", "must be between 0 (once) and 120")
	}
	return v.Err()
}

// TrainingRecord is one completion of a course by a person, with the
// evidence of it when there is some.
type TrainingRecord struct {
	ID          string
	OrgID       string
	PersonID    string
	CourseID    string
	CompletedAt time.Time
	EvidenceID  string
	Note        string
	// RecordedBy names who recorded it: a member's id, or an operator.
	RecordedBy string
	CreatedAt  time.Time
	// ExpiresAt is when it stops counting, from the course's recurrence;
	// nil for a course taken once. It is derived, not stored.
	ExpiresAt *time.Time
}

// WithExpiry sets r.ExpiresAt from the course's recurrence.
func (r TrainingRecord) WithExpiry(c TrainingCourse) TrainingRecord {
	r.ExpiresAt = nil
	if exp := c.ExpiresAt(r.CompletedAt); !exp.IsZero() {
		r.ExpiresAt = &exp
	}
	return r
}

// Validate checks the record.
func (r TrainingRecord) Validate(now time.Time) error {
	v := &ValidationError{}
	if r.PersonID == "" {
		v.Add("person", "is required")
	}
	if r.CourseID == "" {
		v.Add("course", "is required")
	}
	switch {
	case r.CompletedAt.IsZero():
		v.Add("completed_at", "is required")
	case r.CompletedAt.After(now.AddDate(0, 0, 1)):
		v.Add("completed_at", "is in the future; record training once it is done")
	}
	checkLen(v, "note", r.Note, 2000)
	return v.Err()
}

// TrainingGraceDays is how long a newcomer, or someone newly given a role,
// has to complete a course they have never taken.
const TrainingGraceDays = 30

// TrainingDueSoonDays is how long before a completion expires it shows as
// due soon.
const TrainingDueSoonDays = 30

// TrainingState is where one person stands with one course they must take.
type TrainingState string

// The states.
const (
	TrainingCurrent TrainingState = "current"
	TrainingDueSoon TrainingState = "due_soon"
	TrainingOverdue TrainingState = "overdue"
)

// TrainingStates lists the states.
var TrainingStates = []TrainingState{TrainingCurrent, TrainingDueSoon, TrainingOverdue}

// Label names the state.
func (s TrainingState) Label() string {
	switch s {
	case TrainingCurrent:
		return "Current"
	case TrainingDueSoon:
		return "Due soon"
	case TrainingOverdue:
		return "Overdue"
	}
	return string(s)
}

// TrainingDue judges where p stands with c at now, given their last
// completion (nil when they never took it). It returns the state and the
// date the next completion is due, which is zero for a course taken once
// and done.
func TrainingDue(p Person, c TrainingCourse, last *TrainingRecord, now time.Time) (TrainingState, time.Time) {
	if last == nil {
		start := p.CreatedAt
		if p.StartDate != nil {
			start = *p.StartDate
		}
		if c.CreatedAt.After(start) {
			// A course added later gives everyone the same time.
			start = c.CreatedAt
		}
		due := start.AddDate(0, 0, TrainingGraceDays)
		if now.After(due) {
			return TrainingOverdue, due
		}
		return TrainingDueSoon, due
	}
	exp := c.ExpiresAt(last.CompletedAt)
	switch {
	case exp.IsZero():
		return TrainingCurrent, exp
	case !now.Before(exp):
		return TrainingOverdue, exp
	case exp.Sub(now) <= TrainingDueSoonDays*24*time.Hour:
		return TrainingDueSoon, exp
	}
	return TrainingCurrent, exp
}

// ChecklistKind is a joiner's or a leaver's checklist (6.1, 6.2, 6.5, 6.6).
type ChecklistKind string

// The kinds of checklist.
const (
	ChecklistJoiner ChecklistKind = "joiner"
	ChecklistLeaver ChecklistKind = "leaver"
)

// Label names the kind.
func (k ChecklistKind) Label() string {
	if k == ChecklistLeaver {
		return "Leaver"
	}
	return "Joiner"
}

// ChecklistTemplate is an item every new checklist of its kind starts
// with.
type ChecklistTemplate struct {
	Title string
	// Control is the Annex A control the item carries out.
	Control string
	// AccessRemoval marks the items that remove a leaver's access (5.18,
	// 6.5), whose ticks are the record of access removal.
	AccessRemoval bool
}

// ChecklistTemplates are the standard items of each kind, for an AI
// company: access to the model registry and training data goes with the
// accounts.
var ChecklistTemplates = map[ChecklistKind][]ChecklistTemplate{
	ChecklistJoiner: {
		{Title: "Background verification completed as the role requires", Control: "A.6.1"},
		{Title: "Terms of employment with information security responsibilities signed", Control: "A.6.2"},
		{Title: "Confidentiality / non-disclosure agreement signed", Control: "A.6.6"},
		{Title: "Accounts created with the access the role needs, and no more", Control: "A.5.18"},
		{Title: "Equipment issued and recorded in the asset inventory", Control: "A.5.9"},
		{Title: "Security and AI security awareness training assigned", Control: "A.6.3"},
	},
	ChecklistLeaver: {
		{Title: "Identity provider account disabled and sessions ended", Control: "A.5.18", AccessRemoval: true},
		{Title: "Model registry access removed", Control: "A.5.18", AccessRemoval: true},
		{Title: "Training data store access removed", Control: "A.5.18", AccessRemoval: true},
		{Title: "Inference admin, cloud consoles and API keys revoked", Control: "A.8.2", AccessRemoval: true},
		{Title: "Equipment and other assets returned", Control: "A.5.11"},
		{Title: "Reminded of the duties that continue after leaving (confidentiality, NDA)", Control: "A.6.5"},
	},
}

// Checklist is a joiner's or leaver's checklist for one person. Its items
// carry who ticked them and when; it is complete when every item is.
type Checklist struct {
	ID        string
	OrgID     string
	PersonID  string
	Kind      ChecklistKind
	DueDate   *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChecklistItem is one step of a checklist.
type ChecklistItem struct {
	ID            string
	OrgID         string
	ChecklistID   string
	Position      int
	Title         string
	Control       string
	AccessRemoval bool
	// DoneBy names who ticked it (a member's id or an operator), DoneAt
	// when; both empty while it is open.
	DoneBy    string
	DoneAt    *time.Time
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Done reports whether the item is ticked.
func (i ChecklistItem) Done() bool { return i.DoneAt != nil }

// Validate checks the item.
func (i ChecklistItem) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(i.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", i.Title, 300)
	checkLen(v, "note", i.Note, 2000)
	return v.Err()
}

// ChecklistProgress counts a checklist's items.
type ChecklistProgress struct {
	Items, Done int
	// AccessItems and AccessDone count the items that remove access;
	// AccessRemovedAt is when the last of them was ticked, once all are.
	AccessItems, AccessDone int
	AccessRemovedAt         *time.Time
}

// Complete reports whether every item is ticked.
func (p ChecklistProgress) Complete() bool { return p.Items > 0 && p.Done == p.Items }

// Progress counts items.
func Progress(items []ChecklistItem) ChecklistProgress {
	var p ChecklistProgress
	var last time.Time
	for _, it := range items {
		p.Items++
		if it.Done() {
			p.Done++
		}
		if it.AccessRemoval {
			p.AccessItems++
			if it.Done() {
				p.AccessDone++
				if it.DoneAt.After(last) {
					last = *it.DoneAt
				}
			}
		}
	}
	if p.AccessItems > 0 && p.AccessDone == p.AccessItems {
		p.AccessRemovedAt = &last
	}
	return p
}

// lines splits text into its non-empty trimmed lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
