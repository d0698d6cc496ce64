package isms

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Applicability is an organisation's decision on a control for its
// Statement of Applicability (6.1.3 d). Undecided is the state before
// anyone has decided; a risk treatment that selects the control includes
// it without a decision.
type Applicability string

// The applicability decisions.
const (
	Undecided Applicability = ""
	Included  Applicability = "included"
	Excluded  Applicability = "excluded"
)

// ImplementationStatus is how far a control is implemented.
type ImplementationStatus string

// The implementation states, in order.
const (
	NotStarted           ImplementationStatus = "not_started"
	Planned              ImplementationStatus = "planned"
	PartiallyImplemented ImplementationStatus = "partial"
	Implemented          ImplementationStatus = "implemented"
)

// ImplementationStatuses lists the states in order.
var ImplementationStatuses = []ImplementationStatus{NotStarted, Planned, PartiallyImplemented, Implemented}

// Label is the state's name for people.
func (s ImplementationStatus) Label() string {
	switch s {
	case NotStarted:
		return "Not started"
	case Planned:
		return "Planned"
	case PartiallyImplemented:
		return "Partially implemented"
	case Implemented:
		return "Implemented"
	}
	return string(s)
}

// Cadence is how often something is repeated: a control's review or the
// collection of its evidence. The zero value means no fixed cadence.
type Cadence string

// The cadences.
const (
	NoCadence Cadence = ""
	Monthly   Cadence = "monthly"
	Quarterly Cadence = "quarterly"
	Yearly    Cadence = "yearly"
)

// Cadences lists the cadences with a period.
var Cadences = []Cadence{Monthly, Quarterly, Yearly}

// After returns when a period of the cadence that starts at t ends; for no
// cadence, the zero time.
func (c Cadence) After(t time.Time) time.Time {
	switch c {
	case Monthly:
		return t.AddDate(0, 1, 0)
	case Quarterly:
		return t.AddDate(0, 3, 0)
	case Yearly:
		return t.AddDate(1, 0, 0)
	}
	return time.Time{}
}

// DueSoonWindow is how long before the end of its period a cadence counts
// as due soon: a quarter of the period, so a monthly item warns a week
// ahead and a yearly one three months ahead.
func (c Cadence) DueSoonWindow() time.Duration {
	switch c {
	case Monthly:
		return 7 * 24 * time.Hour
	case Quarterly:
		return 21 * 24 * time.Hour
	case Yearly:
		return 90 * 24 * time.Hour
	}
	return 0
}

// ParseCadence reads a cadence for field.
func ParseCadence(field, s string) (Cadence, error) {
	c := Cadence(strings.TrimSpace(s))
	if c == NoCadence || c == Monthly || c == Quarterly || c == Yearly {
		return c, nil
	}
	return "", Invalid(field, "%q is not a cadence; use monthly, quarterly, yearly or leave it empty", s)
}

// ReasonKind is a kind of justification for including a control besides
// the risks whose treatment selected it.
type ReasonKind string

// The reasons a control may be included for.
const (
	ReasonLegal       ReasonKind = "legal"
	ReasonContractual ReasonKind = "contractual"
	ReasonBusiness    ReasonKind = "business"
)

// ReasonKinds lists the kinds of reason.
var ReasonKinds = []ReasonKind{ReasonLegal, ReasonContractual, ReasonBusiness}

// Label is the reason kind's name for people.
func (k ReasonKind) Label() string {
	switch k {
	case ReasonLegal:
		return "Legal requirement"
	case ReasonContractual:
		return "Contractual requirement"
	case ReasonBusiness:
		return "Business need"
	}
	return string(k)
}

// Link is a titled reference to a document outside the record: a policy, a
// procedure, a contract clause, a law.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// ValidateLink checks that a link has a title and an http(s) address or an
// address inside isms (starting with "/").
func ValidateLink(v *ValidationError, field string, l Link) {
	if strings.TrimSpace(l.Title) == "" {
		v.Add(field+".title", "is required")
	}
	checkLen(v, field+".title", l.Title, 300)
	u, err := url.Parse(l.URL)
	switch {
	case l.URL == "":
		v.Add(field+".url", "is required")
	case err != nil || len(l.URL) > 2000:
		v.Add(field+".url", "is not a valid address")
	case strings.HasPrefix(l.URL, "/") && !strings.HasPrefix(l.URL, "//"):
	case (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		v.Add(field+".url", "must be an http or https address, or a path inside isms starting with /")
	}
}

// Control is an organisation's record of one control: its decision for the
// Statement of Applicability and how it is implemented. Control is the
// framework reference (framework:item); custom controls of the organisation
// belong to the framework "org" and carry their own title and description.
type Control struct {
	ID              string
	OrgID           string
	Control         string
	Title           string
	Description     string
	Applicability   Applicability
	ExclusionReason string
	Status          ImplementationStatus
	OwnerID         string
	Implementation  string
	ReviewCadence   Cadence
	EvidenceCadence Cadence
	LastReviewed    *time.Time
	Notes           string
	Links           []Link
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// CustomFramework is the framework id of an organisation's own controls.
const CustomFramework = "org"

// IsCustom reports whether the control is one of the organisation's own.
func (c Control) IsCustom() bool { return strings.HasPrefix(c.Control, CustomFramework+":") }

// Validate checks the record on its own; whether the control exists in its
// framework is for the caller, which holds the library.
func (c Control) Validate() error {
	v := &ValidationError{}
	switch c.Applicability {
	case Undecided, Included:
	case Excluded:
		if strings.TrimSpace(c.ExclusionReason) == "" {
			v.Add("exclusion_reason", "is required to exclude a control: say why it does not apply")
		}
	default:
		v.Add("applicability", "%q is not included, excluded or empty", c.Applicability)
	}
	valid := false
	for _, s := range ImplementationStatuses {
		valid = valid || s == c.Status
	}
	if !valid {
		v.Add("status", "%q is not one of not_started, planned, partial, implemented", c.Status)
	}
	if c.IsCustom() && strings.TrimSpace(c.Title) == "" {
		v.Add("title", "is required for the organisation's own control")
	}
	checkLen(v, "title", c.Title, 300)
	checkLen(v, "description", c.Description, 20000)
	checkLen(v, "exclusion_reason", c.ExclusionReason, 5000)
	checkLen(v, "implementation", c.Implementation, 20000)
	checkLen(v, "notes", c.Notes, 20000)
	for i, l := range c.Links {
		ValidateLink(v, "links["+strconv.Itoa(i)+"]", l)
	}
	return v.Err()
}

// ControlReason is a legal, contractual or business reason to include a
// control, with a link to where it is written down.
type ControlReason struct {
	ID        string
	OrgID     string
	ControlID string
	Kind      ReasonKind
	Title     string
	URL       string
	CreatedAt time.Time
}

// Validate checks the reason.
func (r ControlReason) Validate() error {
	v := &ValidationError{}
	known := false
	for _, k := range ReasonKinds {
		known = known || k == r.Kind
	}
	if !known {
		v.Add("kind", "%q is not legal, contractual or business", r.Kind)
	}
	ValidateLink(v, "reason", Link{Title: r.Title, URL: r.URL})
	return v.Err()
}

// TaskStatus is the state of an implementation task.
type TaskStatus string

// The task states.
const (
	TaskOpen      TaskStatus = "open"
	TaskDone      TaskStatus = "done"
	TaskCancelled TaskStatus = "cancelled"
)

// ControlTask is a piece of work to implement a control.
type ControlTask struct {
	ID         string
	OrgID      string
	ControlID  string
	Title      string
	AssigneeID string
	DueDate    *time.Time
	Status     TaskStatus
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Validate checks the task.
func (t ControlTask) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(t.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", t.Title, 500)
	if t.Status != TaskOpen && t.Status != TaskDone && t.Status != TaskCancelled {
		v.Add("status", "%q is not open, done or cancelled", t.Status)
	}
	return v.Err()
}

// checkLen records a field longer than max characters.
func checkLen(v *ValidationError, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "is longer than %d characters", max)
	}
}
