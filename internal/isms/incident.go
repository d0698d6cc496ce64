package isms

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// IncidentCategory is what kind of incident happened: the classic kinds,
// and those particular to organisations that build and run AI systems.
type IncidentCategory string

// The classic categories.
const (
	IncidentMalware            IncidentCategory = "malware"
	IncidentPhishing           IncidentCategory = "phishing"
	IncidentUnauthorisedAccess IncidentCategory = "unauthorised_access"
	IncidentDataLoss           IncidentCategory = "data_loss"
	IncidentDenialOfService    IncidentCategory = "denial_of_service"
	IncidentMisconfiguration   IncidentCategory = "misconfiguration"
	IncidentPhysical           IncidentCategory = "physical"
	IncidentOther              IncidentCategory = "other"
)

// The AI categories.
const (
	// IncidentModelCompromise: model weights stolen, tampered with or
	// exposed.
	IncidentModelCompromise IncidentCategory = "model_compromise"
	// IncidentDataPoisoning: poisoned training, fine-tuning or retrieval
	// data detected.
	IncidentDataPoisoning IncidentCategory = "data_poisoning"
	// IncidentPromptInjection: a prompt injection was exploited, directly
	// or through content the model read.
	IncidentPromptInjection IncidentCategory = "prompt_injection"
	// IncidentTrainingDataLeak: training data, or personal data in it,
	// leaked, by the model or otherwise.
	IncidentTrainingDataLeak IncidentCategory = "training_data_leak"
	// IncidentHarmfulOutput: the model produced harmful or manipulated
	// output that reached someone.
	IncidentHarmfulOutput IncidentCategory = "harmful_output"
	// IncidentAISupplierBreach: a provider of models, data, labelling or AI
	// infrastructure was breached.
	IncidentAISupplierBreach IncidentCategory = "ai_supplier_breach"
)

// IncidentCategories lists the categories, classic first.
var IncidentCategories = []IncidentCategory{
	IncidentMalware, IncidentPhishing, IncidentUnauthorisedAccess, IncidentDataLoss, IncidentDenialOfService,
	IncidentMisconfiguration, IncidentPhysical, IncidentOther,
	IncidentModelCompromise, IncidentDataPoisoning, IncidentPromptInjection, IncidentTrainingDataLeak,
	IncidentHarmfulOutput, IncidentAISupplierBreach,
}

// AI reports whether the category is one particular to AI systems.
func (c IncidentCategory) AI() bool {
	switch c {
	case IncidentModelCompromise, IncidentDataPoisoning, IncidentPromptInjection, IncidentTrainingDataLeak,
		IncidentHarmfulOutput, IncidentAISupplierBreach:
		return true
	}
	return false
}

// Valid reports whether c is one of IncidentCategories.
func (c IncidentCategory) Valid() bool { return slices.Contains(IncidentCategories, c) }

// Label is the category's name for people.
func (c IncidentCategory) Label() string {
	switch c {
	case IncidentMalware:
		return "Malware"
	case IncidentPhishing:
		return "Phishing"
	case IncidentUnauthorisedAccess:
		return "Unauthorised access"
	case IncidentDataLoss:
		return "Data loss"
	case IncidentDenialOfService:
		return "Denial of service"
	case IncidentMisconfiguration:
		return "Misconfiguration"
	case IncidentPhysical:
		return "Physical"
	case IncidentOther:
		return "Other"
	case IncidentModelCompromise:
		return "Model compromise or theft"
	case IncidentDataPoisoning:
		return "Data poisoning detected"
	case IncidentPromptInjection:
		return "Prompt injection exploited"
	case IncidentTrainingDataLeak:
		return "Training data leak"
	case IncidentHarmfulOutput:
		return "Harmful or manipulated model output"
	case IncidentAISupplierBreach:
		return "AI supplier breach"
	}
	return string(c)
}

// IncidentSeverity is how bad an incident is for the organisation.
type IncidentSeverity string

// The severities, from least to most severe.
const (
	IncidentLow      IncidentSeverity = "low"
	IncidentMedium   IncidentSeverity = "medium"
	IncidentHigh     IncidentSeverity = "high"
	IncidentCritical IncidentSeverity = "critical"
)

// IncidentSeverities lists the severities, least severe first.
var IncidentSeverities = []IncidentSeverity{IncidentLow, IncidentMedium, IncidentHigh, IncidentCritical}

// Label is the severity's name for people.
func (s IncidentSeverity) Label() string {
	switch s {
	case IncidentLow:
		return "Low"
	case IncidentMedium:
		return "Medium"
	case IncidentHigh:
		return "High"
	case IncidentCritical:
		return "Critical"
	}
	return string(s)
}

// Rank orders severities, 1 (low) to 4 (critical); 0 for none.
func (s IncidentSeverity) Rank() int { return slices.Index(IncidentSeverities, s) + 1 }

// IncidentStatus is where the response stands (5.26): each status after
// reported records that its step was done.
type IncidentStatus string

// The statuses, in the order of the response.
const (
	IncidentReported   IncidentStatus = "reported"
	IncidentTriaged    IncidentStatus = "triaged"
	IncidentContained  IncidentStatus = "contained"
	IncidentEradicated IncidentStatus = "eradicated"
	IncidentRecovered  IncidentStatus = "recovered"
	IncidentClosed     IncidentStatus = "closed"
)

// IncidentStatuses lists the statuses in order.
var IncidentStatuses = []IncidentStatus{IncidentReported, IncidentTriaged, IncidentContained, IncidentEradicated,
	IncidentRecovered, IncidentClosed}

// Label is the status's name for people.
func (s IncidentStatus) Label() string {
	switch s {
	case IncidentReported:
		return "Reported"
	case IncidentTriaged:
		return "Triaged"
	case IncidentContained:
		return "Contained"
	case IncidentEradicated:
		return "Eradicated"
	case IncidentRecovered:
		return "Recovered"
	case IncidentClosed:
		return "Closed"
	}
	return string(s)
}

// Rank orders statuses, 1 (reported) to 6 (closed); 0 for none.
func (s IncidentStatus) Rank() int { return slices.Index(IncidentStatuses, s) + 1 }

// AtLeast reports whether s is other or a later step.
func (s IncidentStatus) AtLeast(other IncidentStatus) bool { return s.Rank() >= other.Rank() }

// AIActCase is which deadline of article 73 of the EU AI Act applies to a
// serious incident involving a high-risk AI system. The user chooses it
// from the facts; isms computes the date.
type AIActCase string

// The cases of article 73.
const (
	// AICaseGeneral: any other serious incident, art. 73(2): 15 days.
	AICaseGeneral AIActCase = "general"
	// AICaseWidespread: a widespread infringement, or a serious and
	// irreversible disruption of the management or operation of critical
	// infrastructure, art. 73(3): 2 days.
	AICaseWidespread AIActCase = "widespread"
	// AICaseDeath: the death of a person, art. 73(4): 10 days.
	AICaseDeath AIActCase = "death"
)

// AIActCases lists the cases, the general rule first.
var AIActCases = []AIActCase{AICaseGeneral, AICaseWidespread, AICaseDeath}

// Days is how many days after awareness the report is due.
func (c AIActCase) Days() int {
	switch c {
	case AICaseWidespread:
		return 2
	case AICaseDeath:
		return 10
	}
	return 15
}

// Article is the paragraph of article 73 that sets the deadline.
func (c AIActCase) Article() string {
	switch c {
	case AICaseWidespread:
		return "art. 73(3)"
	case AICaseDeath:
		return "art. 73(4)"
	}
	return "art. 73(2)"
}

// Label describes the case for people.
func (c AIActCase) Label() string {
	switch c {
	case AICaseGeneral:
		return "Serious incident (general rule): 15 days"
	case AICaseWidespread:
		return "Widespread infringement, or serious disruption of critical infrastructure: 2 days"
	case AICaseDeath:
		return "Death of a person: 10 days"
	}
	return string(c)
}

// GDPRNotificationWindow is how long after becoming aware of a personal
// data breach the controller has to notify the supervisory authority
// (GDPR art. 33(1)).
const GDPRNotificationWindow = 72 * time.Hour

// Incident is an entry of the incident register (Annex A 5.24 to 5.28,
// 6.8): what happened, how bad it is, where the response stands, and the
// facts the notification deadlines are computed from. Its timeline,
// evidence and the records raised from it are kept apart.
type Incident struct {
	ID          string
	OrgID       string
	RefNum      int
	Title       string
	Description string
	Category    IncidentCategory
	Severity    IncidentSeverity
	Status      IncidentStatus
	// OccurredAt is when it happened, when known; DetectedAt when the
	// first sign of it was noticed; AwareAt when the organisation became
	// reasonably certain that it was an incident, from which the
	// notification deadlines run.
	OccurredAt *time.Time
	DetectedAt time.Time
	AwareAt    *time.Time
	// Reporter is who reported it, as they are known: a colleague, a
	// customer, a researcher. RaisedBy is the member who logged it.
	Reporter  string
	RaisedBy  string
	HandlerID string
	// AssetIDs are the affected assets.
	AssetIDs []string
	// PersonalData is set when personal data is involved, which makes it
	// a personal data breach to notify within 72 hours of awareness;
	// DataSubjects estimates how many people, 0 when not estimated.
	PersonalData bool
	DataSubjects int
	// The notification to the supervisory authority: when and its
	// reference; or, instead, why none is required (GDPR art. 33(1): the
	// breach is unlikely to result in a risk to people).
	AuthorityNotifiedAt     *time.Time
	AuthorityRef            string
	NotificationNotRequired string
	// The EU AI Act: a high-risk AI system is involved, the incident is
	// serious (art. 3(49)), which case of art. 73 applies, and the report
	// to the market surveillance authority.
	AIHighRisk   bool
	AISerious    bool
	AICase       AIActCase
	AIReportedAt *time.Time
	AIReportRef  string
	// The response (5.26) and what was learned (5.27).
	Containment    string
	Eradication    string
	Recovery       string
	LessonsLearned string
	// ContainedAt and ClosedAt are when the status first reached those
	// steps.
	ContainedAt *time.Time
	ClosedAt    *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Ref is the incident's reference, INC-007.
func (i Incident) Ref() string { return fmt.Sprintf("INC-%03d", i.RefNum) }

// Closed reports whether the incident is closed.
func (i Incident) Closed() bool { return i.Status == IncidentClosed }

// clockSkew is how far into the future a time may be entered, for clocks
// that run a little ahead.
const clockSkew = 5 * time.Minute

// Validate checks the incident as entered at now.
func (i Incident) Validate(now time.Time) error {
	v := &ValidationError{}
	if strings.TrimSpace(i.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", i.Title, 300)
	checkLen(v, "description", i.Description, 20000)
	if !i.Category.Valid() {
		v.Add("category", "%q is not a category; use one of %s", i.Category, joinNames(IncidentCategories))
	}
	if i.Severity.Rank() == 0 {
		v.Add("severity", "%q is not a severity; use low, medium, high or critical", i.Severity)
	}
	if i.Status.Rank() == 0 {
		v.Add("status", "%q is not a status; use one of %s", i.Status, joinNames(IncidentStatuses))
	}
	checkLen(v, "reporter", i.Reporter, 300)
	if i.DataSubjects < 0 {
		v.Add("data_subjects", "cannot be negative")
	}
	for _, f := range []struct {
		field string
		text  string
		max   int
	}{{"authority_ref", i.AuthorityRef, 200}, {"notification_not_required", i.NotificationNotRequired, 5000},
		{"ai_report_ref", i.AIReportRef, 200}, {"containment", i.Containment, 20000}, {"eradication", i.Eradication, 20000},
		{"recovery", i.Recovery, 20000}, {"lessons_learned", i.LessonsLearned, 20000}} {
		checkLen(v, f.field, f.text, f.max)
	}

	// The times, in the order things happen.
	future := now.Add(clockSkew)
	if i.DetectedAt.IsZero() {
		v.Add("detected_at", "is required: when was it first noticed?")
	}
	for _, t := range []struct {
		field string
		at    *time.Time
	}{{"occurred_at", i.OccurredAt}, {"detected_at", &i.DetectedAt}, {"aware_at", i.AwareAt},
		{"authority_notified_at", i.AuthorityNotifiedAt}, {"ai_reported_at", i.AIReportedAt}} {
		if t.at != nil && t.at.After(future) {
			v.Add(t.field, "is in the future")
		}
	}
	if i.OccurredAt != nil && !i.DetectedAt.IsZero() && i.OccurredAt.After(i.DetectedAt) {
		v.Add("occurred_at", "is after it was detected")
	}
	if i.AwareAt != nil && !i.DetectedAt.IsZero() && i.AwareAt.Before(i.DetectedAt) {
		v.Add("aware_at", "is before it was detected: awareness follows the first sign")
	}
	start := i.DetectedAt
	if i.AwareAt != nil {
		start = *i.AwareAt
	}
	if i.AuthorityNotifiedAt != nil && i.AuthorityNotifiedAt.Before(start) {
		v.Add("authority_notified_at", "is before the organisation became aware of the breach")
	}
	if i.AIReportedAt != nil && i.AIReportedAt.Before(start) {
		v.Add("ai_reported_at", "is before the organisation became aware of the incident")
	}

	// What the deadlines need.
	if i.PersonalData && i.AwareAt == nil {
		v.Add("aware_at", "is required when personal data is involved: the 72 hours to notify the supervisory authority run from it")
	}
	if i.AuthorityNotifiedAt != nil && strings.TrimSpace(i.NotificationNotRequired) != "" {
		v.Add("notification_not_required", "cannot be given with a notification: the authority was notified")
	}
	aiAct := i.AIHighRisk && i.AISerious
	if aiAct {
		if i.AwareAt == nil {
			v.Add("aware_at", "is required for a serious incident involving a high-risk AI system: the report deadline runs from it")
		}
		if !slices.Contains(AIActCases, i.AICase) {
			v.Add("ai_case", "%q is not a case of art. 73; use general, widespread or death", i.AICase)
		}
	} else if i.AICase != "" && !slices.Contains(AIActCases, i.AICase) {
		v.Add("ai_case", "%q is not a case of art. 73; use general, widespread or death", i.AICase)
	}

	// Each step of the response is recorded before the status passes it.
	if i.Status.AtLeast(IncidentTriaged) && i.HandlerID == "" {
		v.Add("handler", "is required once the incident is triaged: someone must handle it")
	}
	for _, step := range []struct {
		status IncidentStatus
		field  string
		text   string
		what   string
	}{
		{IncidentContained, "containment", i.Containment, "what was done to contain it"},
		{IncidentEradicated, "eradication", i.Eradication, "how the cause was removed"},
		{IncidentRecovered, "recovery", i.Recovery, "how normal operation was restored"},
		{IncidentClosed, "lessons_learned", i.LessonsLearned, "what was learned, so that it does not happen again (5.27)"},
	} {
		if i.Status.AtLeast(step.status) && strings.TrimSpace(step.text) == "" {
			v.Add(step.field, "is required before the incident is %s: record %s", strings.ToLower(step.status.Label()), step.what)
		}
	}
	if i.Closed() {
		for _, d := range i.Deadlines() {
			switch {
			case !d.Pending():
			case d.Kind == DeadlineGDPR:
				v.Add("status", "cannot be closed before the %s is recorded, or why none is required", d.Kind.Short())
			default:
				v.Add("status", "cannot be closed before the %s is recorded", d.Kind.Short())
			}
		}
	}
	return v.Err()
}

func joinNames[T ~string](list []T) string {
	names := make([]string, len(list))
	for k, s := range list {
		names[k] = string(s)
	}
	return strings.Join(names, ", ")
}

// DeadlineKind is which duty to notify a deadline is for.
type DeadlineKind string

// The notification duties.
const (
	// DeadlineGDPR: notify the supervisory authority of a personal data
	// breach within 72 hours of becoming aware of it (GDPR art. 33).
	DeadlineGDPR DeadlineKind = "gdpr_art33"
	// DeadlineAIAct: report a serious incident involving a high-risk AI
	// system to the market surveillance authority (EU AI Act art. 73).
	DeadlineAIAct DeadlineKind = "ai_act_art73"
)

// Label names the duty for people.
func (k DeadlineKind) Label() string {
	if k == DeadlineAIAct {
		return "Serious incident report to the market surveillance authority (EU AI Act art. 73)"
	}
	return "Personal data breach notification to the supervisory authority (GDPR art. 33)"
}

// Short names what is to be done, for messages.
func (k DeadlineKind) Short() string {
	if k == DeadlineAIAct {
		return "EU AI Act serious incident report"
	}
	return "notification to the supervisory authority"
}

// DeadlineState is where a deadline stands.
type DeadlineState string

// The states of a deadline.
const (
	DeadlineRunning     DeadlineState = "running"
	DeadlineOverdue     DeadlineState = "overdue"
	DeadlineMet         DeadlineState = "met"
	DeadlineLate        DeadlineState = "late"
	DeadlineNotRequired DeadlineState = "not_required"
)

// Label names the state for people.
func (s DeadlineState) Label() string {
	switch s {
	case DeadlineRunning:
		return "Running"
	case DeadlineOverdue:
		return "Overdue"
	case DeadlineMet:
		return "Met"
	case DeadlineLate:
		return "Made late"
	case DeadlineNotRequired:
		return "Not required"
	}
	return string(s)
}

// Deadline is a duty to notify an authority, computed from the facts of an
// incident.
type Deadline struct {
	Kind DeadlineKind
	// From is when the clock started (awareness); Due when it runs out.
	From time.Time
	Due  time.Time
	// Rule says how Due follows from From, with the article.
	Rule string
	// Done is when the notification or report was made, with its
	// reference; it stops the clock.
	Done *time.Time
	Ref  string
	// NotRequired is why no notification is due, when that was decided.
	NotRequired string
}

// State is where the deadline stands at now.
func (d Deadline) State(now time.Time) DeadlineState {
	switch {
	case d.NotRequired != "" && d.Done == nil:
		return DeadlineNotRequired
	case d.Done != nil && d.Done.After(d.Due):
		return DeadlineLate
	case d.Done != nil:
		return DeadlineMet
	case now.After(d.Due):
		return DeadlineOverdue
	}
	return DeadlineRunning
}

// Pending reports whether the notification is still to be made.
func (d Deadline) Pending() bool { return d.Done == nil && d.NotRequired == "" }

// Left is the time from at to the deadline: negative once it has passed.
func (d Deadline) Left(at time.Time) time.Duration { return d.Due.Sub(at) }

// GDPRDeadline is the deadline to notify the supervisory authority, when
// personal data is involved and the time of awareness is known.
func (i Incident) GDPRDeadline() (Deadline, bool) {
	if !i.PersonalData || i.AwareAt == nil {
		return Deadline{}, false
	}
	return Deadline{Kind: DeadlineGDPR, From: *i.AwareAt, Due: i.AwareAt.Add(GDPRNotificationWindow),
		Rule: "72 hours after becoming aware of the breach (GDPR art. 33(1))", Done: i.AuthorityNotifiedAt, Ref: i.AuthorityRef,
		NotRequired: strings.TrimSpace(i.NotificationNotRequired)}, true
}

// AIActDeadline is the deadline to report a serious incident involving a
// high-risk AI system, when the time of awareness is known.
func (i Incident) AIActDeadline() (Deadline, bool) {
	if !i.AIHighRisk || !i.AISerious || i.AwareAt == nil {
		return Deadline{}, false
	}
	c := i.AICase
	if c == "" {
		c = AICaseGeneral
	}
	return Deadline{Kind: DeadlineAIAct, From: *i.AwareAt, Due: i.AwareAt.AddDate(0, 0, c.Days()),
		Rule: fmt.Sprintf("%d days after becoming aware of the serious incident (EU AI Act %s)", c.Days(), c.Article()),
		Done: i.AIReportedAt, Ref: i.AIReportRef}, true
}

// Deadlines lists the deadlines that apply to the incident.
func (i Incident) Deadlines() []Deadline {
	var out []Deadline
	if d, ok := i.GDPRDeadline(); ok {
		out = append(out, d)
	}
	if d, ok := i.AIActDeadline(); ok {
		out = append(out, d)
	}
	return out
}

// IncidentEvent is an entry of an incident's timeline: what happened or
// was done, when, and by whom.
type IncidentEvent struct {
	ID         string
	OrgID      string
	IncidentID string
	At         time.Time
	What       string
	// Who did it or saw it, as they are known; RecordedBy is the member
	// who wrote it down.
	Who        string
	RecordedBy string
	CreatedAt  time.Time
}

// Validate checks the entry as written at now.
func (e IncidentEvent) Validate(now time.Time) error {
	v := &ValidationError{}
	if e.At.IsZero() {
		v.Add("at", "is required")
	} else if e.At.After(now.Add(clockSkew)) {
		v.Add("at", "is in the future")
	}
	if strings.TrimSpace(e.What) == "" {
		v.Add("what", "is required: say what happened or was done")
	}
	checkLen(v, "what", e.What, 5000)
	checkLen(v, "who", e.Who, 300)
	return v.Err()
}

// IncidentEvidence is an evidence item collected for an incident (5.28),
// with the start of its chain of custody: who collected it, when, and the
// SHA-256 of its content at that moment.
type IncidentEvidence struct {
	ID         string
	OrgID      string
	IncidentID string
	EvidenceID string
	// SHA256 is the hash of the content when it was attached: the stored
	// file's, or a written record's text; empty for a link, which holds no
	// content.
	SHA256      string
	CollectedBy string
	CollectedAt time.Time
	Note        string
	RecordedBy  string
	CreatedAt   time.Time
}

// Validate checks the item as attached at now.
func (e IncidentEvidence) Validate(now time.Time) error {
	v := &ValidationError{}
	if e.EvidenceID == "" {
		v.Add("evidence", "is required")
	}
	if strings.TrimSpace(e.CollectedBy) == "" {
		v.Add("collected_by", "is required: the chain of custody starts with who collected it")
	}
	checkLen(v, "collected_by", e.CollectedBy, 300)
	if e.CollectedAt.IsZero() {
		v.Add("collected_at", "is required")
	} else if e.CollectedAt.After(now.Add(clockSkew)) {
		v.Add("collected_at", "is in the future")
	}
	checkLen(v, "note", e.Note, 5000)
	return v.Err()
}

// CustodyEvent is a hand-over of an incident's evidence item: when, to or
// by whom, and why.
type CustodyEvent struct {
	ID                 string
	OrgID              string
	IncidentEvidenceID string
	At                 time.Time
	// Who holds the item after the event.
	Who        string
	Note       string
	RecordedBy string
	CreatedAt  time.Time
}

// Validate checks the event as recorded at now.
func (c CustodyEvent) Validate(now time.Time) error {
	v := &ValidationError{}
	if c.At.IsZero() {
		v.Add("at", "is required")
	} else if c.At.After(now.Add(clockSkew)) {
		v.Add("at", "is in the future")
	}
	if strings.TrimSpace(c.Who) == "" {
		v.Add("who", "is required: who holds the evidence now")
	}
	checkLen(v, "who", c.Who, 300)
	if strings.TrimSpace(c.Note) == "" {
		v.Add("note", "is required: say why it changed hands or what was done with it")
	}
	checkLen(v, "note", c.Note, 5000)
	return v.Err()
}

// HashText is the SHA-256 of a written record's text, as its content hash.
func HashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// IncidentLinkKind is what kind of record was raised from an incident.
type IncidentLinkKind string

// The records an incident can raise.
const (
	LinkNonconformity IncidentLinkKind = "nonconformity"
	LinkRisk          IncidentLinkKind = "risk"
	LinkControlTask   IncidentLinkKind = "control_task"
)

// IncidentLink records a nonconformity, a risk or a control change raised
// from an incident, so that what the incident taught can be followed.
type IncidentLink struct {
	ID              string
	OrgID           string
	IncidentID      string
	Kind            IncidentLinkKind
	NonconformityID string
	RiskID          string
	ControlTaskID   string
	CreatedAt       time.Time
}
