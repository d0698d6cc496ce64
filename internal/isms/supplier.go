package isms

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// SupplierKind says what a supplier provides. An AI company leans on a
// few kinds more than others: the cloud that trains and serves its models,
// the providers of models it calls, and the vendors of its data.
type SupplierKind string

// Supplier kinds.
const (
	SupplierCloud         SupplierKind = "cloud"
	SupplierModelProvider SupplierKind = "model_provider"
	SupplierDataVendor    SupplierKind = "data_vendor"
	SupplierSaaS          SupplierKind = "saas"
	SupplierServices      SupplierKind = "professional_services"
	SupplierOther         SupplierKind = "other"
)

// SupplierKinds lists the kinds, AI-related first.
var SupplierKinds = []SupplierKind{SupplierCloud, SupplierModelProvider, SupplierDataVendor, SupplierSaaS, SupplierServices, SupplierOther}

// Label is the kind's name for people.
func (k SupplierKind) Label() string {
	switch k {
	case SupplierCloud:
		return "Cloud and compute"
	case SupplierModelProvider:
		return "Model provider"
	case SupplierDataVendor:
		return "Data or labelling vendor"
	case SupplierSaaS:
		return "Software as a service"
	case SupplierServices:
		return "Professional services"
	case SupplierOther:
		return "Other"
	}
	return string(k)
}

// AI reports whether the supplier handles our models or data for AI
// work, so that the AI clauses of a contract apply to it.
func (k SupplierKind) AI() bool { return k == SupplierModelProvider || k == SupplierDataVendor }

// Criticality is how much the organisation depends on a supplier, a
// service or a process. A critical service without a continuity plan is
// the first thing an auditor of A.5.29 and A.5.30 asks about.
type Criticality string

// Criticalities, lowest first.
const (
	CriticalityLow      Criticality = "low"
	CriticalityMedium   Criticality = "medium"
	CriticalityHigh     Criticality = "high"
	CriticalityCritical Criticality = "critical"
)

// Criticalities lists the levels, lowest first.
var Criticalities = []Criticality{CriticalityLow, CriticalityMedium, CriticalityHigh, CriticalityCritical}

// IsValid reports whether c is one of Criticalities.
func (c Criticality) IsValid() bool { return slices.Contains(Criticalities, c) }

// Label is the level's name for people.
func (c Criticality) Label() string {
	if c == "" {
		return ""
	}
	return strings.ToUpper(string(c[:1])) + string(c[1:])
}

// high reports whether the level calls for an assessment and the full set
// of contract clauses.
func (c Criticality) high() bool { return c == CriticalityHigh || c == CriticalityCritical }

// SupplierStatus is where the relationship stands.
type SupplierStatus string

// Supplier states.
const (
	SupplierOnboarding SupplierStatus = "onboarding"
	SupplierActive     SupplierStatus = "active"
	SupplierExiting    SupplierStatus = "exiting"
	SupplierEnded      SupplierStatus = "ended"
)

// SupplierStatuses lists the states in order.
var SupplierStatuses = []SupplierStatus{SupplierOnboarding, SupplierActive, SupplierExiting, SupplierEnded}

// Label is the state's name for people.
func (s SupplierStatus) Label() string {
	switch s {
	case SupplierOnboarding:
		return "Onboarding"
	case SupplierActive:
		return "Active"
	case SupplierExiting:
		return "Exiting"
	case SupplierEnded:
		return "Ended"
	}
	return string(s)
}

// DataCategory is a kind of information the organisation shares with a
// supplier.
type DataCategory string

// Data categories.
const (
	DataPersonal     DataCategory = "personal_data"
	DataCustomer     DataCategory = "customer_content"
	DataTraining     DataCategory = "training_data"
	DataPrompts      DataCategory = "prompts_outputs"
	DataModelWeights DataCategory = "model_weights"
	DataSourceCode   DataCategory = "source_code"
	DataCredentials  DataCategory = "credentials"
)

// DataCategories lists the categories.
var DataCategories = []DataCategory{DataPersonal, DataCustomer, DataTraining, DataPrompts, DataModelWeights, DataSourceCode, DataCredentials}

// Label is the category's name for people.
func (d DataCategory) Label() string {
	switch d {
	case DataPersonal:
		return "Personal data"
	case DataCustomer:
		return "Customer content"
	case DataTraining:
		return "Training data"
	case DataPrompts:
		return "Prompts and outputs"
	case DataModelWeights:
		return "Model weights"
	case DataSourceCode:
		return "Source code"
	case DataCredentials:
		return "Credentials and keys"
	}
	return string(d)
}

// Clause is a provision the organisation expects in a supplier contract
// (A.5.20), with the reason an auditor would ask for it.
type Clause struct {
	Key   string
	Label string
	Why   string
	// AI clauses are expected only of suppliers that handle models or
	// data for AI work.
	AI bool
}

// Clause keys.
const (
	ClauseConfidentiality      = "confidentiality"
	ClauseSecurityRequirements = "security_requirements"
	ClauseRightToAudit         = "right_to_audit"
	ClauseIncidentNotification = "incident_notification"
	ClauseDataLocation         = "data_location"
	ClauseSubprocessors        = "subprocessor_approval"
	ClauseReturnDeletion       = "return_and_deletion"
	ClauseNoTraining           = "no_training_on_our_data"
	ClauseModelChangeNotice    = "model_change_notice"
)

// Clauses is the contract checklist, in the order it is reviewed.
var Clauses = []Clause{
	{ClauseConfidentiality, "Confidentiality", "Our information stays confidential during the contract and after it ends.", false},
	{ClauseSecurityRequirements, "Security requirements", "The controls the supplier keeps are written down, so a shortfall is a breach of contract rather than a disappointment.", false},
	{ClauseRightToAudit, "Right to audit", "We, or an auditor we choose, may check the supplier's controls, or accept its independent reports in their place.", false},
	{ClauseIncidentNotification, "Incident notification", "The supplier tells us of an incident that affects our data within a stated number of hours, so our own deadlines can be met.", false},
	{ClauseDataLocation, "Data location", "Where our data is stored and processed is fixed, and moving it needs our agreement.", false},
	{ClauseSubprocessors, "Sub-processor approval", "The supplier names the parties it hands our data to and tells us before adding one, with time to object.", false},
	{ClauseReturnDeletion, "Return and deletion at exit", "When the contract ends our data comes back in a usable form and the supplier's copies are deleted, with confirmation.", false},
	{ClauseNoTraining, "No training on our data", "Our prompts, outputs, data and models are not used to train or improve the supplier's models.", true},
	{ClauseModelChangeNotice, "Notice of model changes", "A model we depend on is not changed, retrained or withdrawn without notice, so we can re-evaluate before it reaches our users.", true},
}

// ClauseByKey returns a clause of the checklist.
func ClauseByKey(key string) (Clause, bool) {
	i := slices.IndexFunc(Clauses, func(c Clause) bool { return c.Key == key })
	if i < 0 {
		return Clause{}, false
	}
	return Clauses[i], true
}

// MaxSuppliers bounds an organisation's register, which pages, exports
// and the control pages read whole to judge every supplier the same way.
const MaxSuppliers = 2000

// Supplier is one party the organisation relies on (A.5.19).
type Supplier struct {
	ID          string
	OrgID       string
	Name        string
	Kind        SupplierKind
	Services    string
	Criticality Criticality
	Status      SupplierStatus
	// OwnerID is the member accountable for the relationship.
	OwnerID      string
	Website      string
	Contact      string
	DataShared   []DataCategory
	DataLocation string
	// Clauses are the keys of the checklist clauses the contract holds.
	Clauses []string
	// IncidentHours is the notification deadline the contract sets, when
	// it has the incident notification clause.
	IncidentHours int
	ContractEnds  *time.Time
	ReviewCadence Cadence
	LastReviewed  *time.Time
	ExitPlan      string
	Notes         string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// HasClause reports whether the contract holds a clause.
func (s Supplier) HasClause(key string) bool { return slices.Contains(s.Clauses, key) }

// Shares reports whether the organisation shares a category of data.
func (s Supplier) Shares(d DataCategory) bool { return slices.Contains(s.DataShared, d) }

// NextReview is when the supplier is next due for review: a period of its
// cadence after the last review, or from when it was registered when it
// has never been reviewed.
func (s Supplier) NextReview() time.Time {
	from := s.CreatedAt
	if s.LastReviewed != nil {
		from = *s.LastReviewed
	}
	return s.ReviewCadence.After(from)
}

// ExpectedClauses are the clauses an auditor expects in this supplier's
// contract: every general clause for a high or critical supplier, or one
// we share personal data or customer content with; the AI clauses too when
// it handles models or data for AI work and we share data with it.
func (s Supplier) ExpectedClauses() []Clause {
	general := s.Criticality.high() || s.Shares(DataPersonal) || s.Shares(DataCustomer)
	ai := s.Kind.AI() && len(s.DataShared) > 0
	var out []Clause
	for _, c := range Clauses {
		if (c.AI && ai) || (!c.AI && general) {
			out = append(out, c)
		}
	}
	return out
}

// MissingClauses are the expected clauses the contract lacks.
func (s Supplier) MissingClauses() []Clause {
	var out []Clause
	for _, c := range s.ExpectedClauses() {
		if !s.HasClause(c.Key) {
			out = append(out, c)
		}
	}
	return out
}

// Validate checks a supplier, naming every offending field, and fills in
// the defaults: active, a yearly review.
func (s *Supplier) Validate(now time.Time) error {
	v := &ValidationError{}
	s.Name = NormalizeName(v, "name", s.Name, 200)
	if !slices.Contains(SupplierKinds, s.Kind) {
		v.Add("kind", "%q is not a kind of supplier; use one of %s", s.Kind, joinValues(SupplierKinds))
	}
	if !slices.Contains(Criticalities, s.Criticality) {
		v.Add("criticality", "%q is not a criticality; use one of %s", s.Criticality, joinValues(Criticalities))
	}
	if s.Status == "" {
		s.Status = SupplierActive
	}
	if !slices.Contains(SupplierStatuses, s.Status) {
		v.Add("status", "%q is not a supplier status; use one of %s", s.Status, joinValues(SupplierStatuses))
	}
	if s.ReviewCadence == NoCadence {
		s.ReviewCadence = Yearly
	}
	if !slices.Contains(Cadences, s.ReviewCadence) {
		v.Add("review_cadence", "%q is not a cadence; use monthly, quarterly or yearly", s.ReviewCadence)
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"services", s.Services, 2000}, {"contact", s.Contact, 300}, {"data_location", s.DataLocation, 300},
		{"exit_plan", s.ExitPlan, 10000}, {"notes", s.Notes, 10000}, {"website", s.Website, 500}} {
		if len([]rune(f.value)) > f.max {
			v.Add(f.field, "is longer than %d characters", f.max)
		}
	}
	s.Website = strings.TrimSpace(s.Website)
	if s.Website != "" {
		u, err := url.Parse(s.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("website", "must be an http or https address")
		}
	}
	for _, d := range s.DataShared {
		if !slices.Contains(DataCategories, d) {
			v.Add("data_shared", "%q is not a data category; use %s", d, joinValues(DataCategories))
		}
	}
	slices.Sort(s.DataShared)
	s.DataShared = slices.Compact(s.DataShared)
	for _, c := range s.Clauses {
		if _, ok := ClauseByKey(c); !ok {
			v.Add("clauses", "%q is not a clause of the checklist", c)
		}
	}
	slices.Sort(s.Clauses)
	s.Clauses = slices.Compact(s.Clauses)
	switch {
	case s.IncidentHours < 0 || s.IncidentHours > 720:
		v.Add("incident_hours", "must be 1 to 720 hours, or 0 when the contract sets no deadline")
	case s.IncidentHours > 0 && !s.HasClause(ClauseIncidentNotification):
		v.Add("incident_hours", "a deadline needs the incident notification clause")
	case s.IncidentHours == 0 && s.HasClause(ClauseIncidentNotification):
		v.Add("incident_hours", "the incident notification clause needs its deadline in hours")
	}
	if s.LastReviewed != nil && s.LastReviewed.After(now) {
		v.Add("last_reviewed", "is in the future")
	}
	return v.Err()
}

func joinValues[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, x := range values {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// CertificationKind is a kind of attestation a supplier holds.
type CertificationKind string

// Certification kinds.
const (
	CertISO27001  CertificationKind = "iso27001"
	CertISO27701  CertificationKind = "iso27701"
	CertISO42001  CertificationKind = "iso42001"
	CertSOC2Type1 CertificationKind = "soc2_type1"
	CertSOC2Type2 CertificationKind = "soc2_type2"
	CertCSASTAR   CertificationKind = "csa_star"
	CertPCIDSS    CertificationKind = "pci_dss"
	CertOther     CertificationKind = "other"
)

// CertificationKinds lists the kinds.
var CertificationKinds = []CertificationKind{CertISO27001, CertISO27701, CertISO42001, CertSOC2Type1, CertSOC2Type2, CertCSASTAR, CertPCIDSS, CertOther}

// Label is the kind's name for people.
func (k CertificationKind) Label() string {
	switch k {
	case CertISO27001:
		return "ISO/IEC 27001 certificate"
	case CertISO27701:
		return "ISO/IEC 27701 certificate"
	case CertISO42001:
		return "ISO/IEC 42001 certificate"
	case CertSOC2Type1:
		return "SOC 2 Type I report"
	case CertSOC2Type2:
		return "SOC 2 Type II report"
	case CertCSASTAR:
		return "CSA STAR"
	case CertPCIDSS:
		return "PCI DSS attestation"
	case CertOther:
		return "Other"
	}
	return string(k)
}

// Certification is a certificate or an assurance report a supplier
// holds. A report has no expiry of its own; ValidUntil is then when it
// stops being recent enough to rely on (customarily a year after the end
// of the period it covers).
type Certification struct {
	ID         string
	OrgID      string
	SupplierID string
	Kind       CertificationKind
	// Reference is the certificate number or the report's period.
	Reference  string
	Issuer     string
	Scope      string
	IssuedOn   *time.Time
	ValidUntil time.Time
	CreatedAt  time.Time
}

// ExpiringWindow is how long before it lapses a certification is flagged:
// long enough to ask for the renewal and have it in hand.
const ExpiringWindow = 60 * 24 * time.Hour

// DaysLeft is the number of whole days until the certification lapses,
// negative once it has.
func (c Certification) DaysLeft(now time.Time) int {
	return int(c.ValidUntil.Sub(now).Hours() / 24)
}

// Validate checks a certification, naming every offending field.
func (c *Certification) Validate() error {
	v := &ValidationError{}
	if !slices.Contains(CertificationKinds, c.Kind) {
		v.Add("kind", "%q is not a kind of certification; use one of %s", c.Kind, joinValues(CertificationKinds))
	}
	c.Reference, c.Issuer, c.Scope = strings.TrimSpace(c.Reference), strings.TrimSpace(c.Issuer), strings.TrimSpace(c.Scope)
	if len([]rune(c.Reference)) > 200 || len([]rune(c.Issuer)) > 200 {
		v.Add("reference", "reference and issuer are at most 200 characters")
	}
	if len([]rune(c.Scope)) > 2000 {
		v.Add("scope", "is longer than 2000 characters")
	}
	if c.ValidUntil.IsZero() {
		v.Add("valid_until", "is required: the expiry of a certificate, or when a report stops being recent enough to rely on")
	}
	if c.IssuedOn != nil && !c.ValidUntil.IsZero() && !c.IssuedOn.Before(c.ValidUntil) {
		v.Add("issued_on", "must be before valid_until")
	}
	return v.Err()
}

// AssessmentResult is the outcome of a supplier security assessment.
type AssessmentResult string

// Assessment results.
const (
	AssessmentPass       AssessmentResult = "pass"
	AssessmentConditions AssessmentResult = "pass_with_conditions"
	AssessmentFail       AssessmentResult = "fail"
)

// AssessmentResults lists the results.
var AssessmentResults = []AssessmentResult{AssessmentPass, AssessmentConditions, AssessmentFail}

// Label is the result's name for people.
func (r AssessmentResult) Label() string {
	switch r {
	case AssessmentPass:
		return "Pass"
	case AssessmentConditions:
		return "Pass with conditions"
	case AssessmentFail:
		return "Fail"
	}
	return string(r)
}

// Answer is one question of an assessment and the supplier's answer.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Assessment is a security assessment of a supplier (A.5.19, A.5.22): the
// questions asked, the answers given, who judged them and the result.
type Assessment struct {
	ID         string
	OrgID      string
	SupplierID string
	AssessedOn time.Time
	Assessor   string
	Result     AssessmentResult
	Summary    string
	Answers    []Answer
	CreatedAt  time.Time
}

// Validate checks an assessment, naming every offending field.
func (a *Assessment) Validate(now time.Time) error {
	v := &ValidationError{}
	a.Assessor = NormalizeName(v, "assessor", a.Assessor, 200)
	if !slices.Contains(AssessmentResults, a.Result) {
		v.Add("result", "%q is not a result; use pass, pass_with_conditions or fail", a.Result)
	}
	switch {
	case a.AssessedOn.IsZero():
		v.Add("assessed_on", "is required")
	case a.AssessedOn.After(now):
		v.Add("assessed_on", "is in the future")
	}
	if a.Result == AssessmentConditions && strings.TrimSpace(a.Summary) == "" {
		v.Add("summary", "a pass with conditions names the conditions")
	}
	if len([]rune(a.Summary)) > 10000 {
		v.Add("summary", "is longer than 10000 characters")
	}
	if len(a.Answers) > 200 {
		v.Add("answers", "an assessment has at most 200 questions")
	}
	for i := range a.Answers {
		q := &a.Answers[i]
		q.Question, q.Answer = strings.TrimSpace(q.Question), strings.TrimSpace(q.Answer)
		field := fmt.Sprintf("answers[%d]", i)
		switch {
		case q.Question == "":
			v.Add(field+".question", "is empty")
		case len([]rune(q.Question)) > 1000 || len([]rune(q.Answer)) > 5000:
			v.Add(field, "a question is at most 1000 characters and an answer 5000")
		}
	}
	return v.Err()
}

// FlagKind is a reason a supplier needs attention.
type FlagKind string

// The flags.
const (
	FlagNoExitPlan       FlagKind = "no_exit_plan"
	FlagCertExpired      FlagKind = "certification_expired"
	FlagCertExpiring     FlagKind = "certification_expiring"
	FlagReviewOverdue    FlagKind = "review_overdue"
	FlagNoAssessment     FlagKind = "no_assessment"
	FlagAssessmentFailed FlagKind = "assessment_failed"
	FlagClausesMissing   FlagKind = "clauses_missing"
)

// FlagKinds lists the flags, most pressing first.
var FlagKinds = []FlagKind{FlagAssessmentFailed, FlagCertExpired, FlagNoExitPlan, FlagReviewOverdue, FlagNoAssessment,
	FlagClausesMissing, FlagCertExpiring}

// Label is the flag's name for people.
func (k FlagKind) Label() string {
	switch k {
	case FlagNoExitPlan:
		return "No exit plan"
	case FlagCertExpired:
		return "Certification expired"
	case FlagCertExpiring:
		return "Certification expiring"
	case FlagReviewOverdue:
		return "Review overdue"
	case FlagNoAssessment:
		return "Not assessed"
	case FlagAssessmentFailed:
		return "Assessment failed"
	case FlagClausesMissing:
		return "Contract clauses missing"
	}
	return string(k)
}

// Flag is one reason a supplier needs attention, with what it is about.
type Flag struct {
	Kind   FlagKind `json:"kind"`
	Detail string   `json:"detail"`
}

// SupplierFlags judges a supplier as an auditor would: a critical one
// without an exit plan, a certification lapsed or about to, a review
// overdue, a high or critical one never assessed, a latest assessment
// failed, expected contract clauses missing. certs and assessments are the
// supplier's; an ended relationship raises nothing. This one function is
// the definition the register, the API, the exports and the control pages
// share.
func SupplierFlags(s Supplier, certs []Certification, assessments []Assessment, now time.Time) []Flag {
	if s.Status == SupplierEnded {
		return nil
	}
	var out []Flag
	add := func(k FlagKind, format string, args ...any) {
		out = append(out, Flag{Kind: k, Detail: fmt.Sprintf(format, args...)})
	}
	var latest *Assessment
	for i := range assessments {
		a := &assessments[i]
		if latest == nil || a.AssessedOn.After(latest.AssessedOn) || (a.AssessedOn.Equal(latest.AssessedOn) && a.ID > latest.ID) {
			latest = a
		}
	}
	if latest != nil && latest.Result == AssessmentFail {
		add(FlagAssessmentFailed, "the assessment of %s by %s failed", latest.AssessedOn.Format(time.DateOnly), latest.Assessor)
	}
	// A certification renewed by a later one of the same kind no longer
	// counts: only the latest of each kind is judged.
	current := map[CertificationKind]Certification{}
	for _, c := range certs {
		if old, ok := current[c.Kind]; !ok || c.ValidUntil.After(old.ValidUntil) {
			current[c.Kind] = c
		}
	}
	for _, k := range CertificationKinds {
		c, ok := current[k]
		switch {
		case !ok:
		case !c.ValidUntil.After(now):
			add(FlagCertExpired, "the %s lapsed on %s", c.Kind.Label(), c.ValidUntil.Format(time.DateOnly))
		case c.ValidUntil.Sub(now) <= ExpiringWindow:
			add(FlagCertExpiring, "the %s lapses on %s, in %d days", c.Kind.Label(), c.ValidUntil.Format(time.DateOnly), c.DaysLeft(now))
		}
	}
	if s.Criticality == CriticalityCritical && strings.TrimSpace(s.ExitPlan) == "" {
		add(FlagNoExitPlan, "a critical supplier needs a plan for leaving it")
	}
	if next := s.NextReview(); !next.IsZero() && next.Before(now) {
		if s.LastReviewed == nil {
			add(FlagReviewOverdue, "never reviewed; a %s review was due on %s", s.ReviewCadence, next.Format(time.DateOnly))
		} else {
			add(FlagReviewOverdue, "last reviewed on %s; the %s review was due on %s", s.LastReviewed.Format(time.DateOnly), s.ReviewCadence,
				next.Format(time.DateOnly))
		}
	}
	if latest == nil && s.Criticality.high() {
		add(FlagNoAssessment, "a %s supplier needs a security assessment", s.Criticality)
	}
	if missing := s.MissingClauses(); len(missing) > 0 {
		names := make([]string, len(missing))
		for i, c := range missing {
			names[i] = strings.ToLower(c.Label)
		}
		add(FlagClausesMissing, "the contract lacks %s", strings.Join(names, ", "))
	}
	slices.SortStableFunc(out, func(a, b Flag) int {
		return slices.Index(FlagKinds, a.Kind) - slices.Index(FlagKinds, b.Kind)
	})
	return out
}

// SupplierFilter selects suppliers of the register.
type SupplierFilter struct {
	Kind        SupplierKind
	Criticality Criticality
	Status      SupplierStatus
	OwnerID     string
	DataShared  DataCategory
	Flag        FlagKind
	// Flagged selects suppliers with any flag.
	Flagged bool
	// Query matches part of the name or the services.
	Query  string
	Cursor string
	Limit  int
}

// Validate checks the filter's values.
func (f SupplierFilter) Validate() error {
	v := &ValidationError{}
	if f.Kind != "" && !slices.Contains(SupplierKinds, f.Kind) {
		v.Add("kind", "%q is not a kind of supplier", f.Kind)
	}
	if f.Criticality != "" && !slices.Contains(Criticalities, f.Criticality) {
		v.Add("criticality", "%q is not a criticality", f.Criticality)
	}
	if f.Status != "" && !slices.Contains(SupplierStatuses, f.Status) {
		v.Add("status", "%q is not a supplier status", f.Status)
	}
	if f.DataShared != "" && !slices.Contains(DataCategories, f.DataShared) {
		v.Add("data_shared", "%q is not a data category", f.DataShared)
	}
	if f.Flag != "" && !slices.Contains(FlagKinds, f.Flag) {
		v.Add("flag", "%q is not a flag; use one of %s", f.Flag, joinValues(FlagKinds))
	}
	return v.Err()
}

// Match reports whether a supplier with its flags passes the filter,
// cursor and limit aside.
func (f SupplierFilter) Match(s Supplier, flags []Flag) bool {
	switch {
	case f.Kind != "" && s.Kind != f.Kind,
		f.Criticality != "" && s.Criticality != f.Criticality,
		f.Status != "" && s.Status != f.Status,
		f.OwnerID != "" && s.OwnerID != f.OwnerID,
		f.DataShared != "" && !s.Shares(f.DataShared),
		f.Flagged && len(flags) == 0,
		f.Flag != "" && !slices.ContainsFunc(flags, func(x Flag) bool { return x.Kind == f.Flag }):
		return false
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		return strings.Contains(strings.ToLower(s.Name), q) || strings.Contains(strings.ToLower(s.Services), q)
	}
	return true
}

// AssessmentQuestions are the questions a supplier security assessment
// starts from; an assessor may drop some and add others.
var AssessmentQuestions = []string{
	"Which independent certificate or report covers the service we use, and what does it leave out of scope?",
	"How is our data protected in transit and at rest, and who holds the keys?",
	"Where is our data stored and processed, including backups and support access?",
	"Which sub-processors handle our data, and how are we told before one is added?",
	"How soon are we told of an incident that affects our data, and through which channel?",
	"Is any of our data, prompts and outputs included, used to train or improve your models, and can the contract rule that out?",
	"How are models we depend on changed, retrained or withdrawn, and how much notice do we get?",
	"How is your staff's access to our data granted, logged and reviewed?",
	"How is our data returned and deleted when the contract ends?",
}

// SupplierControls are the controls of ISO/IEC 27001:2022 a supplier's
// records are evidence for: every supplier for the relationship (5.19),
// its agreement (5.20) and its monitoring (5.22); a provider of cloud
// services, models or software also for the ICT supply chain (5.21) and
// the use of cloud services (5.23).
func (k SupplierKind) Controls() []string {
	refs := []string{"iso27001-2022:A.5.19", "iso27001-2022:A.5.20"}
	if k == SupplierCloud || k == SupplierModelProvider || k == SupplierSaaS {
		refs = append(refs, "iso27001-2022:A.5.21")
	}
	refs = append(refs, "iso27001-2022:A.5.22")
	if k == SupplierCloud || k == SupplierModelProvider || k == SupplierSaaS {
		refs = append(refs, "iso27001-2022:A.5.23")
	}
	return refs
}
