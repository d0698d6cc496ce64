// Package report renders the documents an ISO/IEC 27001 auditor receives:
// the risk assessment (clause 8.2) and risk treatment plan (clauses 6.1.3
// and 8.3) as XLSX workbooks and PDF reports, the asset inventory as a
// workbook, and approved ISMS documents such as the scope and context
// (clause 4) as PDF.
//
// Callers load the records and pass them as plain structs; the package does
// no database work, so the same input always gives the same content. Every
// timestamp printed or stored comes from the input, in UTC, which keeps
// golden tests stable and lets an auditor compare two exports.
//
// PDFs embed DejaVu Sans Condensed (fonts/LICENSE) because fpdf's core fonts
// only encode cp1252 and would mangle names such as "Tomás" next to "€" and
// "–". Workbooks prefix text that a spreadsheet could evaluate (=, +, -, @,
// tab, carriage return) with a single quote, because exports are routinely
// re-saved as CSV and opened elsewhere.
package report

import "time"

// Scale is one level of the likelihood or impact scale.
type Scale struct {
	Value           int
	Label, Criteria string
}

// Level is a risk level; Color is "#rrggbb".
type Level struct{ Name, Color string }

// Methodology is the risk assessment methodology in force for a report.
type Methodology struct {
	Version    int
	Status     string
	ApprovedBy string
	ApprovedAt *time.Time
	Likelihood []Scale // ascending by Value
	Impact     []Scale // ascending by Value
	Levels     []Level // ascending, e.g. low, medium, high, critical
	// Matrix[l-1][i-1] is the level name for likelihood l and impact i.
	Matrix     [][]string
	Acceptance []AcceptanceRule
}

// AcceptanceRule says whether risks of a level may be accepted, and by whom.
type AcceptanceRule struct {
	Level      string
	Acceptable bool
	ByRoles    []string
}

// Action is one step of a risk treatment.
type Action struct {
	Description, Owner string
	Due                *time.Time
	Status             string
}

// Decision records an approval of a treatment plan or an acceptance of
// residual risk. Current is false once a later change reopened the risk, so
// the decision no longer covers what the register now says.
type Decision struct {
	Kind, By             string // "treatment plan approved", "residual risk accepted"
	At                   time.Time
	Level, Justification string
	Current              bool
}

// Risk is one entry of the risk register.
type Risk struct {
	Ref, Title, Status                 string
	Assets                             []string
	Threat, Vulnerability              string
	Scenario, Consequences             string
	InherentLikelihood, InherentImpact int
	InherentLevel                      string
	ExistingControls                   string
	Owner                              string
	ReviewDate                         *time.Time
	Option                             string   // mitigate, avoid, transfer, accept
	Controls                           []string // "A.8.16 Monitoring activities"
	Actions                            []Action
	ResidualLikelihood, ResidualImpact int
	ResidualLevel                      string
	Decisions                          []Decision
}

// RiskReport is the input of the risk assessment and treatment plan.
type RiskReport struct {
	Organisation string
	GeneratedAt  time.Time
	GeneratedBy  string
	Methodology  Methodology
	Risks        []Risk
}

// Asset is one entry of the asset inventory.
type Asset struct {
	Name, Type, Owner, Custodian, Classification string
	Confidentiality, Integrity, Availability     int
	Location, Lifecycle                          string
	Tags                                         []string
	Attributes                                   map[string]string
	Relations                                    []string
}

// Section is a part of a Document: a heading, paragraphs and an optional
// table.
type Section struct {
	Heading    string
	Paragraphs []string
	Table      *Table
}

// Table is a simple table of text.
type Table struct {
	Header []string
	Rows   [][]string
}

// Document is a generic ISMS document such as the scope and context.
// GeneratedBy is optional; the footer names the person when it is set.
type Document struct {
	Title, Subtitle, Organisation string
	Version                       int
	// VersionLabel, when set, is printed instead of Version: a policy's
	// versions are numbered major.minor.
	VersionLabel       string
	Status, ApprovedBy string
	ApprovedAt         *time.Time
	GeneratedAt        time.Time
	GeneratedBy        string
	Sections           []Section
}
