package isms

import (
	"fmt"
	"strings"
	"time"
)

// ImpactHorizons are the hours after a disruption at which a business
// impact analysis rates the impact: the first hour, the working morning,
// the day and three days, which is where most AI service contracts and
// notification duties start to bite.
var ImpactHorizons = [4]int{1, 4, 24, 72}

// ImpactRating is the impact of a disruption at one horizon, each on a
// scale of 1 (negligible) to 5 (severe); 0 is not yet rated.
type ImpactRating struct {
	Financial    int `json:"financial"`
	Contractual  int `json:"contractual"`
	Regulatory   int `json:"regulatory"`
	Reputational int `json:"reputational"`
}

// Max is the worst of the four ratings.
func (r ImpactRating) Max() int {
	return max(r.Financial, r.Contractual, r.Regulatory, r.Reputational)
}

// MaxHours bounds the recovery figures: beyond a year an outage is not a
// continuity question.
const MaxHours = 8760

// BIA is the business impact analysis of one service or process (A.5.29,
// A.5.30): how long it may be down, how much data it may lose, and what
// it depends on. Its dependencies are assets, kept apart because each is
// a ledgered link.
type BIA struct {
	ID          string
	OrgID       string
	RefNum      int
	Name        string
	Description string
	OwnerID     string
	Criticality Criticality
	// RTOHours is the recovery time objective, RPOHours the recovery point
	// objective and MTPDHours the maximum tolerable period of disruption.
	// The RTO cannot exceed the MTPD: recovering later than the business
	// can bear is no objective.
	RTOHours   int
	RPOHours   int
	MTPDHours  int
	Impacts    [4]ImpactRating
	ReviewDate *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Ref is the analysis's reference, BIA-003.
func (b BIA) Ref() string { return fmt.Sprintf("BIA-%03d", b.RefNum) }

// ReviewOverdue reports whether the analysis is past its review date.
func (b BIA) ReviewOverdue(now time.Time) bool {
	return b.ReviewDate != nil && b.ReviewDate.Before(now)
}

// Validate checks the analysis as entered.
func (b BIA) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(b.Name) == "" {
		v.Add("name", "is required: name the service or process")
	}
	checkLen(v, "name", b.Name, 200)
	checkLen(v, "description", b.Description, 10000)
	if b.OwnerID == "" {
		v.Add("owner", "is required: someone must answer for the service's continuity")
	}
	if !b.Criticality.IsValid() {
		v.Add("criticality", "%q is not a criticality; use critical, high, medium or low", b.Criticality)
	}
	hours := func(field string, n, least int) bool {
		if n < least || n > MaxHours {
			v.Add(field, "must be between %d and %d hours", least, MaxHours)
			return false
		}
		return true
	}
	rto, mtpd := hours("rto_hours", b.RTOHours, 1), hours("mtpd_hours", b.MTPDHours, 1)
	hours("rpo_hours", b.RPOHours, 0)
	if rto && mtpd && b.RTOHours > b.MTPDHours {
		v.Add("rto_hours", "is %d hours, beyond the maximum tolerable downtime of %d hours: recovery must come before the disruption becomes intolerable",
			b.RTOHours, b.MTPDHours)
	}
	for i, r := range b.Impacts {
		for _, x := range []struct {
			name string
			n    int
		}{{"financial", r.Financial}, {"contractual", r.Contractual}, {"regulatory", r.Regulatory}, {"reputational", r.Reputational}} {
			if x.n < 0 || x.n > 5 {
				v.Add(fmt.Sprintf("impacts.%dh.%s", ImpactHorizons[i], x.name), "must be from 1 to 5, or 0 when not rated")
			}
		}
	}
	return v.Err()
}

// ContinuityPlan is a business continuity or ICT recovery plan covering
// one or more analysed services (A.5.29, A.5.30).
type ContinuityPlan struct {
	ID      string
	OrgID   string
	RefNum  int
	Title   string
	OwnerID string
	// Steps is the plan itself: who does what, in which order, to recover.
	Steps      string
	Version    string
	ApprovedAt *time.Time
	ReviewDate *time.Time
	// EvidenceID is the evidence item holding the approved document, when
	// the plan lives outside isms.
	EvidenceID string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Ref is the plan's reference, BCP-002.
func (p ContinuityPlan) Ref() string { return fmt.Sprintf("BCP-%03d", p.RefNum) }

// ReviewOverdue reports whether the plan is past its review date.
func (p ContinuityPlan) ReviewOverdue(now time.Time) bool {
	return p.ReviewDate != nil && p.ReviewDate.Before(now)
}

// Validate checks the plan as entered.
func (p ContinuityPlan) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(p.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", p.Title, 300)
	if p.OwnerID == "" {
		v.Add("owner", "is required: someone must keep the plan current and run its tests")
	}
	if strings.TrimSpace(p.Steps) == "" {
		v.Add("steps", "is required: write down how recovery is done, or summarise it and link the document as evidence")
	}
	checkLen(v, "steps", p.Steps, 50000)
	checkLen(v, "version", p.Version, 50)
	return v.Err()
}

// TestKind is what a continuity test exercised.
type TestKind string

// The kinds of test; the first three are the recoveries an AI service
// most often has to prove.
const (
	TestRestoreModelRegistry TestKind = "restore_model_registry"
	TestRestoreDataset       TestKind = "restore_training_dataset"
	TestFailoverInference    TestKind = "failover_inference_endpoint"
	TestTabletop             TestKind = "tabletop"
	TestOther                TestKind = "other"
)

// TestKinds lists the kinds, for forms and messages.
var TestKinds = []TestKind{TestRestoreModelRegistry, TestRestoreDataset, TestFailoverInference, TestTabletop, TestOther}

// Label is the kind's name for people.
func (k TestKind) Label() string {
	switch k {
	case TestRestoreModelRegistry:
		return "Restore of the model registry from backup"
	case TestRestoreDataset:
		return "Restore of a training dataset from backup"
	case TestFailoverInference:
		return "Failover of an inference endpoint"
	case TestTabletop:
		return "Tabletop exercise"
	case TestOther:
		return "Other"
	}
	return string(k)
}

// Control is the Annex A control a test is evidence for, and against
// which a shortfall it found is raised: restores test backups (A.8.13),
// failovers test redundancy (A.8.14), and exercises test the plan itself
// (A.5.29).
func (k TestKind) Control() string {
	switch k {
	case TestRestoreModelRegistry, TestRestoreDataset:
		return "iso27001-2022:A.8.13"
	case TestFailoverInference:
		return "iso27001-2022:A.8.14"
	}
	return "iso27001-2022:A.5.29"
}

// TestResult is how a continuity test went.
type TestResult string

// The results.
const (
	ResultPass    TestResult = "pass"
	ResultPartial TestResult = "partial"
	ResultFail    TestResult = "fail"
)

// TestResults lists the results.
var TestResults = []TestResult{ResultPass, ResultPartial, ResultFail}

// Label is the result's name for people.
func (r TestResult) Label() string {
	switch r {
	case ResultPass:
		return "Passed"
	case ResultPartial:
		return "Partly passed"
	case ResultFail:
		return "Failed"
	}
	return string(r)
}

// ContinuityTest records one test or exercise of a plan.
type ContinuityTest struct {
	ID       string
	OrgID    string
	RefNum   int
	PlanID   string
	TestedOn time.Time
	Kind     TestKind
	Scope    string
	Result   TestResult
	// RecoveryMinutes is the recovery time achieved; nil when the test
	// measured none (a tabletop exercise).
	RecoveryMinutes *int
	Findings        string
	RecordedBy      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Ref is the test's reference, BCT-004.
func (t ContinuityTest) Ref() string { return fmt.Sprintf("BCT-%03d", t.RefNum) }

// MissedRTO reports whether the recovery took longer than rtoHours; with
// no RTO (0) or no measured time there is nothing to miss.
func (t ContinuityTest) MissedRTO(rtoHours int) bool {
	return rtoHours > 0 && t.RecoveryMinutes != nil && *t.RecoveryMinutes > rtoHours*60
}

// Validate checks the test as entered, as of now.
func (t ContinuityTest) Validate(now time.Time) error {
	v := &ValidationError{}
	if t.TestedOn.IsZero() {
		v.Add("tested_on", "is required")
	} else if t.TestedOn.After(now) {
		v.Add("tested_on", "is in the future; record a test once it has happened")
	}
	valid := false
	for _, k := range TestKinds {
		valid = valid || t.Kind == k
	}
	if !valid {
		v.Add("kind", "%q is not a kind of test; use %s", t.Kind, joinKinds())
	}
	switch t.Result {
	case ResultPass, ResultPartial, ResultFail:
	default:
		v.Add("result", "%q is not a result; use pass, partial or fail", t.Result)
	}
	if strings.TrimSpace(t.Scope) == "" {
		v.Add("scope", "is required: say what was recovered, from what, to where")
	}
	checkLen(v, "scope", t.Scope, 2000)
	checkLen(v, "findings", t.Findings, 10000)
	if t.RecoveryMinutes != nil && (*t.RecoveryMinutes < 0 || *t.RecoveryMinutes > MaxHours*60) {
		v.Add("recovery_minutes", "must be between 0 and %d minutes", MaxHours*60)
	}
	if t.Result != ResultPass && strings.TrimSpace(t.Findings) == "" {
		v.Add("findings", "are required when a test did not pass: say what went wrong")
	}
	return v.Err()
}

func joinKinds() string {
	names := make([]string, len(TestKinds))
	for i, k := range TestKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// FollowUp is something a test showed must change. It can become a
// nonconformity, whose reference it then keeps.
type FollowUp struct {
	ID              string
	OrgID           string
	TestID          string
	Title           string
	NonconformityID string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Validate checks the follow-up.
func (f FollowUp) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(f.Title) == "" {
		v.Add("title", "is required")
	}
	checkLen(v, "title", f.Title, 300)
	return v.Err()
}

// TestedWithin is how recent a plan's last test must be: continuity plans
// are commonly tested at least once a year.
const TestedWithin = 365 * 24 * time.Hour
