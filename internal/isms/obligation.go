package isms

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ObligationKind says where a requirement the organisation must meet comes
// from (ISO/IEC 27001:2022 Annex A 5.31): a law, a regulation, a statute of
// a country, or a contract.
type ObligationKind string

// The kinds of obligation.
const (
	ObligationLegal       ObligationKind = "legal"
	ObligationStatutory   ObligationKind = "statutory"
	ObligationRegulatory  ObligationKind = "regulatory"
	ObligationContractual ObligationKind = "contractual"
)

// ObligationKinds lists the kinds.
var ObligationKinds = []ObligationKind{ObligationLegal, ObligationStatutory, ObligationRegulatory, ObligationContractual}

// IsValid reports whether k is a known kind.
func (k ObligationKind) IsValid() bool { return slices.Contains(ObligationKinds, k) }

// Label is the kind's name for people.
func (k ObligationKind) Label() string {
	switch k {
	case ObligationLegal:
		return "Legal"
	case ObligationStatutory:
		return "Statutory"
	case ObligationRegulatory:
		return "Regulatory"
	case ObligationContractual:
		return "Contractual"
	}
	return string(k)
}

// Reason is the kind of Statement of Applicability reason an obligation of
// the kind gives the controls that meet it: a contract is a contractual
// reason, anything a state imposes a legal one.
func (k ObligationKind) Reason() ReasonKind {
	if k == ObligationContractual {
		return ReasonContractual
	}
	return ReasonLegal
}

// AIRiskClass is the class of the EU AI Act an AI system falls into, which
// decides what the Act asks of it. The values are those of the AI system
// asset's risk_category attribute, so both speak the same language.
type AIRiskClass string

// The AI Act's risk classes; NoAIRiskClass is for obligations that are not
// about an AI system.
const (
	NoAIRiskClass AIRiskClass = ""
	AIProhibited  AIRiskClass = "prohibited"
	AIHighRisk    AIRiskClass = "high"
	AILimitedRisk AIRiskClass = "limited"
	AIMinimalRisk AIRiskClass = "minimal"
)

// AIRiskClasses lists the classes, strictest first.
var AIRiskClasses = []AIRiskClass{AIProhibited, AIHighRisk, AILimitedRisk, AIMinimalRisk}

// IsValid reports whether c is a class or no class.
func (c AIRiskClass) IsValid() bool { return c == NoAIRiskClass || slices.Contains(AIRiskClasses, c) }

// Label is the class's name for people.
func (c AIRiskClass) Label() string {
	switch c {
	case AIProhibited:
		return "Prohibited practice"
	case AIHighRisk:
		return "High-risk"
	case AILimitedRisk:
		return "Limited risk (transparency)"
	case AIMinimalRisk:
		return "Minimal risk"
	}
	return string(c)
}

// ObligationStatus says whether an obligation binds the organisation.
type ObligationStatus string

// The obligation states.
const (
	ObligationApplicable    ObligationStatus = "applicable"
	ObligationNotApplicable ObligationStatus = "not_applicable"
)

// ObligationStatuses lists the states.
var ObligationStatuses = []ObligationStatus{ObligationApplicable, ObligationNotApplicable}

// Label is the state's name for people.
func (s ObligationStatus) Label() string {
	switch s {
	case ObligationApplicable:
		return "Applicable"
	case ObligationNotApplicable:
		return "Not applicable"
	}
	return string(s)
}

// Obligation is one legal, statutory, regulatory or contractual
// requirement the organisation has identified (Annex A 5.31 to 5.34), with
// the controls that meet it. An applicable obligation is a reason to
// include those controls in the Statement of Applicability.
type Obligation struct {
	ID     string
	OrgID  string
	RefNum int
	Kind   ObligationKind
	Title  string
	// Source names the law and article, or the contract and clause;
	// SourceURL optionally points to its text.
	Source       string
	SourceURL    string
	Jurisdiction string
	OwnerID      string
	// Applicability says why and where the obligation applies.
	Applicability string
	AIRiskClass   AIRiskClass
	// AssetIDs are the AI assets the obligation concerns.
	AssetIDs []string
	// Controls are the framework references of the controls that meet it.
	Controls            []string
	ReviewDate          *time.Time
	Status              ObligationStatus
	NotApplicableReason string
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Ref is how people cite the obligation: OB-001.
func (o Obligation) Ref() string { return FormatObligationRef(o.RefNum) }

// FormatObligationRef makes the reference of obligation number n.
func FormatObligationRef(n int) string { return fmt.Sprintf("OB-%03d", n) }

// ParseObligationRef reads a reference made by FormatObligationRef.
func ParseObligationRef(s string) (int, bool) {
	var n int
	rest, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(s)), "OB-")
	if !ok || rest == "" || len(rest) > 9 {
		return 0, false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, n > 0
}

// Overdue reports whether the obligation's review date has passed.
func (o Obligation) Overdue(now time.Time) bool {
	return o.ReviewDate != nil && o.ReviewDate.Before(now)
}

// Applies reports whether the obligation binds the organisation, and so
// whether it gives its controls a reason to be included.
func (o Obligation) Applies() bool { return o.Status == ObligationApplicable }

// Validate checks the obligation on its own; whether its owner, assets
// and controls exist is for the caller.
func (o Obligation) Validate() error {
	v := &ValidationError{}
	if !o.Kind.IsValid() {
		v.Add("kind", "%q is not legal, statutory, regulatory or contractual", o.Kind)
	}
	if strings.TrimSpace(o.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", o.Title, 300)
	if strings.TrimSpace(o.Source) == "" {
		v.Add("source", "is required: name the law and article, or the contract and clause")
	}
	checkLen(v, "source", o.Source, 500)
	if o.SourceURL != "" {
		u, err := url.Parse(o.SourceURL)
		if err != nil || len(o.SourceURL) > 2000 || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("source_url", "must be an http or https address")
		}
	}
	checkLen(v, "jurisdiction", o.Jurisdiction, 100)
	checkLen(v, "applicability", o.Applicability, 5000)
	if !o.AIRiskClass.IsValid() {
		v.Add("ai_risk_class", "%q is not prohibited, high, limited, minimal or empty", o.AIRiskClass)
	}
	switch o.Status {
	case ObligationApplicable:
		if o.NotApplicableReason != "" {
			v.Add("not_applicable_reason", "is only for an obligation that does not apply")
		}
	case ObligationNotApplicable:
		if strings.TrimSpace(o.NotApplicableReason) == "" {
			v.Add("not_applicable_reason", "is required: say why the obligation does not apply")
		}
	default:
		v.Add("status", "%q is not applicable or not_applicable", o.Status)
	}
	checkLen(v, "not_applicable_reason", o.NotApplicableReason, 5000)
	if len(o.Controls) > 200 {
		v.Add("controls", "lists more than 200 controls")
	}
	if len(o.AssetIDs) > 200 {
		v.Add("asset_ids", "lists more than 200 assets")
	}
	for i, c := range o.Controls {
		if slices.Index(o.Controls, c) < i {
			v.Add("controls", "%q is listed twice", c)
		}
	}
	for i, id := range o.AssetIDs {
		if slices.Index(o.AssetIDs, id) < i {
			v.Add("asset_ids", "%q is listed twice", id)
		}
	}
	return v.Err()
}

// ObligationFilter selects obligations in a list. Zero values select
// everything.
type ObligationFilter struct {
	Kind        ObligationKind
	Status      ObligationStatus
	OwnerID     string
	AIRiskClass AIRiskClass
	// Control selects the obligations a control meets, by reference.
	Control string
	AssetID string
	// Overdue selects obligations whose review date has passed.
	Overdue bool
	// Query matches the title, source and jurisdiction.
	Query  string
	Cursor string
	Limit  int
}

// Check refuses filter values that no obligation can have, which would
// quietly select nothing.
func (f ObligationFilter) Check() error {
	v := &ValidationError{}
	if f.Kind != "" && !f.Kind.IsValid() {
		v.Add("kind", "%q is not legal, statutory, regulatory or contractual", f.Kind)
	}
	if f.Status != "" && !slices.Contains(ObligationStatuses, f.Status) {
		v.Add("status", "%q is not applicable or not_applicable", f.Status)
	}
	if f.AIRiskClass != "" && !f.AIRiskClass.IsValid() {
		v.Add("ai_risk_class", "%q is not prohibited, high, limited or minimal", f.AIRiskClass)
	}
	return v.Err()
}
