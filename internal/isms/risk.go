package isms

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Scale is one level of a likelihood or impact scale.
type Scale struct {
	Value    int    `json:"value"`
	Label    string `json:"label"`
	Criteria string `json:"criteria"`
}

// RiskLevel is a named band of risk, such as "high".
type RiskLevel struct {
	Name  string `json:"name"`
	Color string `json:"color"`
	// Acceptable says whether a risk owner may accept a residual risk at
	// this level, and AcceptRoles which roles the owner must hold.
	Acceptable  bool   `json:"acceptable"`
	AcceptRoles []Role `json:"accept_roles"`
}

// Methodology is how an organisation rates risks (6.1.2): the scales, the
// matrix from likelihood and impact to a level, and who may accept what.
type Methodology struct {
	Likelihood []Scale     `json:"likelihood"`
	Impact     []Scale     `json:"impact"`
	Levels     []RiskLevel `json:"levels"`
	// Matrix[l-1][i-1] is the index in Levels of likelihood l, impact i.
	Matrix [][]int `json:"matrix"`
	// Notes explain how the methodology is applied.
	Notes string `json:"notes"`
}

// DefaultMethodology is the 5×5 methodology an organisation starts with.
func DefaultMethodology() Methodology {
	return Methodology{
		Likelihood: []Scale{
			{1, "Rare", "Not expected in the next three years; no known occurrence in the industry against comparable systems."},
			{2, "Unlikely", "Could happen in the next three years; has happened elsewhere in the industry."},
			{3, "Possible", "Could happen within a year; attempts have been seen against our systems or close peers."},
			{4, "Likely", "Expected within a year; attempts against us are regular or the weakness is publicly known."},
			{5, "Almost certain", "Expected within months or already happening; exploitation needs little skill."},
		},
		Impact: []Scale{
			{1, "Negligible", "No customer effect; loss under €10k; no personal data or model weights involved."},
			{2, "Minor", "Brief degradation for some customers; loss under €100k; internal data exposed."},
			{3, "Moderate", "Outage of a product for hours; loss under €1m; confidential data or a model exposed to a few parties."},
			{4, "Major", "Outage for days or loss of a key customer; loss under €10m; personal data breach to notify; proprietary weights stolen."},
			{5, "Severe", "Threatens the company: regulatory sanction, loss over €10m, training data or flagship models compromised at scale."},
		},
		Levels: []RiskLevel{
			{Name: "low", Color: "#2f9e6b", Acceptable: true, AcceptRoles: []Role{RoleOwner, RoleAdmin, RoleISMSManager, RoleContributor}},
			{Name: "medium", Color: "#d9a521", Acceptable: true, AcceptRoles: []Role{RoleOwner, RoleAdmin, RoleISMSManager}},
			{Name: "high", Color: "#e0702b", Acceptable: true, AcceptRoles: []Role{RoleOwner, RoleAdmin}},
			{Name: "critical", Color: "#c0392b", Acceptable: false},
		},
		Matrix: [][]int{
			{0, 0, 0, 1, 1},
			{0, 0, 1, 1, 2},
			{0, 1, 1, 2, 2},
			{1, 1, 2, 2, 3},
			{1, 2, 2, 3, 3},
		},
		Notes: "Rate the likelihood and impact of each risk as it stands with the controls already in place (inherent), then as it will stand once the treatment is done (residual).",
	}
}

// Validate checks that the methodology is complete and consistent.
func (m *Methodology) Validate() error {
	v := &ValidationError{}
	checkScale := func(field string, s []Scale) {
		if len(s) < 3 || len(s) > 7 {
			v.Add(field, "needs 3 to 7 levels")
			return
		}
		for i, lvl := range s {
			if lvl.Value != i+1 {
				v.Add(fmt.Sprintf("%s[%d].value", field, i), "must be %d: values run from 1 up", i+1)
			}
			if strings.TrimSpace(lvl.Label) == "" {
				v.Add(fmt.Sprintf("%s[%d].label", field, i), "is required")
			}
		}
	}
	checkScale("likelihood", m.Likelihood)
	checkScale("impact", m.Impact)
	if len(m.Levels) < 2 || len(m.Levels) > 6 {
		v.Add("levels", "needs 2 to 6 risk levels")
	}
	names := map[string]bool{}
	for i, l := range m.Levels {
		if !levelNamePattern(l.Name) {
			v.Add(fmt.Sprintf("levels[%d].name", i), "%q: use 1 to 20 lower-case letters, digits or '_'", l.Name)
		}
		if names[l.Name] {
			v.Add(fmt.Sprintf("levels[%d].name", i), "%q is used twice", l.Name)
		}
		names[l.Name] = true
		if !colorPattern(l.Color) {
			v.Add(fmt.Sprintf("levels[%d].color", i), "%q is not a colour such as #c0392b", l.Color)
		}
		for _, r := range l.AcceptRoles {
			if !r.IsValid() {
				v.Add(fmt.Sprintf("levels[%d].accept_roles", i), "%q is not a role", r)
			}
		}
		if l.Acceptable && len(l.AcceptRoles) == 0 {
			v.Add(fmt.Sprintf("levels[%d].accept_roles", i), "name the roles that may accept a %s risk", l.Name)
		}
	}
	if len(m.Matrix) != len(m.Likelihood) {
		v.Add("matrix", "needs one row per likelihood level")
	} else {
		for l, row := range m.Matrix {
			if len(row) != len(m.Impact) {
				v.Add(fmt.Sprintf("matrix[%d]", l), "needs one cell per impact level")
				continue
			}
			for i, cell := range row {
				if cell < 0 || cell >= len(m.Levels) {
					v.Add(fmt.Sprintf("matrix[%d][%d]", l, i), "is not a risk level")
				}
			}
		}
	}
	return v.Err()
}

func levelNamePattern(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func colorPattern(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Rank returns the index in Levels of the rating (likelihood, impact), or
// -1 when the rating is outside the scales (0 means not rated).
func (m Methodology) Rank(likelihood, impact int) int {
	if likelihood < 1 || impact < 1 || likelihood > len(m.Matrix) || impact > len(m.Matrix[likelihood-1]) {
		return -1
	}
	return m.Matrix[likelihood-1][impact-1]
}

// Level returns the level at rank, or an empty level for -1.
func (m Methodology) Level(rank int) RiskLevel {
	if rank < 0 || rank >= len(m.Levels) {
		return RiskLevel{}
	}
	return m.Levels[rank]
}

// MayAccept reports whether a risk owner with role may accept a residual
// risk at rank.
func (m Methodology) MayAccept(rank int, role Role) bool {
	l := m.Level(rank)
	return l.Acceptable && slices.Contains(l.AcceptRoles, role)
}

// DocumentStatus is where a versioned document such as the methodology
// or the ISMS context stands.
type DocumentStatus string

// Document statuses.
const (
	StatusDraft      DocumentStatus = "draft"
	StatusApproved   DocumentStatus = "approved"
	StatusSuperseded DocumentStatus = "superseded"
)

// Version is one version of a versioned, approved document.
type Version struct {
	ID         string
	OrgID      string
	Number     int
	Status     DocumentStatus
	Content    []byte // JSON
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ApprovedBy string
	ApprovedAt *time.Time
}

// Treatment is the option chosen for a risk (6.1.3).
type Treatment string

// Treatment options.
const (
	TreatMitigate Treatment = "mitigate"
	TreatAvoid    Treatment = "avoid"
	TreatTransfer Treatment = "transfer"
	TreatAccept   Treatment = "accept"
)

// Treatments lists the options.
var Treatments = []Treatment{TreatMitigate, TreatAvoid, TreatTransfer, TreatAccept}

// Label names the option for people.
func (t Treatment) Label() string {
	switch t {
	case TreatMitigate:
		return "Modify (mitigate)"
	case TreatAvoid:
		return "Avoid"
	case TreatTransfer:
		return "Share (transfer)"
	case TreatAccept:
		return "Retain (accept)"
	}
	return "Not decided"
}

// RiskStatus is where a risk stands in its treatment.
type RiskStatus string

// Risk statuses, derived from the risk's treatment and decisions.
const (
	RiskIdentified   RiskStatus = "identified"
	RiskPlanned      RiskStatus = "treatment_planned"
	RiskPlanApproved RiskStatus = "plan_approved"
	RiskAccepted     RiskStatus = "accepted"
)

// RiskStatuses lists the statuses in order.
var RiskStatuses = []RiskStatus{RiskIdentified, RiskPlanned, RiskPlanApproved, RiskAccepted}

// Label names the status for people.
func (s RiskStatus) Label() string {
	switch s {
	case RiskIdentified:
		return "Identified"
	case RiskPlanned:
		return "Treatment planned"
	case RiskPlanApproved:
		return "Plan approved"
	case RiskAccepted:
		return "Residual accepted"
	}
	return string(s)
}

// Risk is one entry of the risk register.
type Risk struct {
	ID     string
	OrgID  string
	RefNum int
	Title  string
	// ThreatRef cites a threat of a threat library (framework:item);
	// ThreatText describes a threat of the organisation's own.
	ThreatRef     string
	ThreatText    string
	Vulnerability string
	Scenario      string
	AffectsC      bool
	AffectsI      bool
	AffectsA      bool
	Consequences  string
	MethodologyID string
	// Inherent rating, with the controls already in place.
	InherentLikelihood int
	InherentImpact     int
	InherentRank       int
	ExistingControls   string
	OwnerID            string
	ReviewDate         *time.Time
	Treatment          Treatment
	TreatmentNotes     string
	// Residual rating, once the treatment is done; 0 while not rated.
	ResidualLikelihood int
	ResidualImpact     int
	ResidualRank       int
	Status             RiskStatus
	// Revision counts changes to the assessment and treatment; decisions
	// hold for one revision.
	Revision  int
	CreatedAt time.Time
	UpdatedAt time.Time

	AssetIDs []string
	Controls []string
}

// Ref is how people cite the risk.
func (r Risk) Ref() string { return fmt.Sprintf("R-%03d", r.RefNum) }

// RiskAction is a step of a risk's treatment plan.
type RiskAction struct {
	ID          string
	RiskID      string
	Description string
	OwnerID     string
	DueDate     *time.Time
	Status      string // open, done, cancelled
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Decision kinds.
const (
	DecisionPlanApproval       = "plan_approval"
	DecisionResidualAcceptance = "residual_acceptance"
)

// RiskDecision is a risk owner's recorded decision.
type RiskDecision struct {
	ID            string
	RiskID        string
	Kind          string
	DecidedBy     string // membership id
	Level         string
	Justification string
	RiskRevision  int
	CreatedAt     time.Time
}

// RiskFilter selects risks in a list. Zero values select everything.
type RiskFilter struct {
	AssetID   string
	OwnerID   string
	Rank      *int // inherent level
	Residual  *int // residual level
	Status    RiskStatus
	Treatment Treatment
	// Overdue selects risks past their review date or with an open
	// action past its due date.
	Overdue       bool
	MethodologyID string
	// Likelihood and Impact select a cell of the inherent heat map, or
	// of the residual one when ResidualCell is set.
	Likelihood   int
	Impact       int
	ResidualCell bool
	Query        string
	Sort         string // ref (default), level, residual
	Cursor       string
	Limit        int
}

// AssetFilter selects assets in a list.
type AssetFilter struct {
	Type           AssetType
	OwnerID        string
	Classification string
	Lifecycle      Lifecycle
	Tag            string
	Query          string
	Cursor         string
	Limit          int
}
