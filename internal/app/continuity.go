package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// BIAInput is a business impact analysis as entered; it replaces the
// analysis whole, dependencies included.
type BIAInput struct {
	Name          string
	Description   string
	OwnerID       string
	Criticality   string
	RTOHours      int
	RPOHours      int
	MTPDHours     int
	Impacts       [4]isms.ImpactRating
	ReviewDate    *time.Time
	DependencyIDs []string
}

// SaveBIA creates an analysis, or replaces the one ref names (an id or a
// reference such as BIA-3).
func (s *Service) SaveBIA(ctx context.Context, a Access, ref string, in BIAInput) (isms.BIA, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.BIA{}, err
	}
	var out isms.BIA
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		b := isms.BIA{OrgID: a.Org.ID}
		if ref != "" {
			var err error
			if b, err = biaByRef(ctx, tx.Reads, a.Org.ID, ref); err != nil {
				return err
			}
		}
		b.Name, b.Description, b.OwnerID = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.OwnerID)
		b.Criticality = isms.Criticality(strings.TrimSpace(in.Criticality))
		b.RTOHours, b.RPOHours, b.MTPDHours, b.Impacts, b.ReviewDate = in.RTOHours, in.RPOHours, in.MTPDHours, in.Impacts, in.ReviewDate
		v := &isms.ValidationError{}
		if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": b.OwnerID}); err != nil {
			return err
		}
		deps, err := s.checkAssets(ctx, tx.Reads, a.Org.ID, v, in.DependencyIDs)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := b.Validate(); err != nil {
			return err
		}
		if ref == "" {
			out, err = tx.CreateBIA(ctx, b)
		} else {
			out, err = tx.UpdateBIA(ctx, b)
		}
		if err != nil {
			return err
		}
		return tx.SetBIADependencies(ctx, a.Org.ID, out.ID, deps)
	})
	return out, err
}

// checkAssets reports dependencies that are not assets of the
// organisation, and returns the ids once each.
func (s *Service) checkAssets(ctx context.Context, r store.Reads, orgID string, v *isms.ValidationError, ids []string) ([]string, error) {
	var want []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	found, err := r.AssetLabels(ctx, orgID, want, 0)
	if err != nil {
		return nil, err
	}
	for _, id := range want {
		if !slices.ContainsFunc(found, func(l store.AssetLabel) bool { return l.ID == id }) {
			v.Add("dependencies", "%s is not an asset of this organisation", id)
		}
	}
	return want, nil
}

// PlanInput is a continuity plan as entered; it replaces the plan whole,
// the analyses it covers included.
type PlanInput struct {
	Title      string
	OwnerID    string
	Steps      string
	Version    string
	ApprovedAt *time.Time
	ReviewDate *time.Time
	EvidenceID string
	// BIAs are the analyses the plan covers, by id or reference.
	BIAs []string
}

// SavePlan creates a plan, or replaces the one ref names (an id or a
// reference such as BCP-2).
func (s *Service) SavePlan(ctx context.Context, a Access, ref string, in PlanInput) (isms.ContinuityPlan, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ContinuityPlan{}, err
	}
	var out isms.ContinuityPlan
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		p := isms.ContinuityPlan{OrgID: a.Org.ID}
		if ref != "" {
			var err error
			if p, err = planByRef(ctx, tx.Reads, a.Org.ID, ref); err != nil {
				return err
			}
		}
		p.Title, p.OwnerID, p.Steps = strings.TrimSpace(in.Title), strings.TrimSpace(in.OwnerID), strings.TrimSpace(in.Steps)
		p.Version, p.ApprovedAt, p.ReviewDate, p.EvidenceID = strings.TrimSpace(in.Version), in.ApprovedAt, in.ReviewDate, strings.TrimSpace(in.EvidenceID)
		v := &isms.ValidationError{}
		if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": p.OwnerID}); err != nil {
			return err
		}
		if p.ApprovedAt != nil && p.ApprovedAt.After(s.now()) {
			v.Add("approved_at", "is in the future; record the approval once it is given")
		}
		if p.EvidenceID != "" {
			if _, err := tx.Evidence(ctx, a.Org.ID, p.EvidenceID); err != nil {
				v.Add("evidence_id", "%s is not evidence of this organisation", p.EvidenceID)
			}
		}
		var biaIDs []string
		for _, r := range in.BIAs {
			if r = strings.TrimSpace(r); r == "" {
				continue
			}
			b, err := biaByRef(ctx, tx.Reads, a.Org.ID, r)
			if err != nil {
				v.Add("bias", "%s is not a business impact analysis of this organisation", r)
				continue
			}
			if !slices.Contains(biaIDs, b.ID) {
				biaIDs = append(biaIDs, b.ID)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		var err error
		if ref == "" {
			out, err = tx.CreatePlan(ctx, p)
		} else {
			out, err = tx.UpdatePlan(ctx, p)
		}
		if err != nil {
			return err
		}
		return tx.SetPlanBIAs(ctx, a.Org.ID, out.ID, biaIDs)
	})
	return out, err
}

// TestInput is a test of a plan as entered. FollowUps are the titles of
// what the test showed must change, added with it.
type TestInput struct {
	TestedOn        time.Time
	Kind            string
	Scope           string
	Result          string
	RecoveryMinutes *int
	Findings        string
	FollowUps       []string
}

// RecordContinuityTest records a test of the plan planRef names. A test
// is a record of what happened, so it is not changed afterwards; its
// follow-ups may grow.
func (s *Service) RecordContinuityTest(ctx context.Context, a Access, planRef string, in TestInput) (isms.ContinuityTest, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ContinuityTest{}, err
	}
	var out isms.ContinuityTest
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		p, err := planByRef(ctx, tx.Reads, a.Org.ID, planRef)
		if err != nil {
			return err
		}
		t := isms.ContinuityTest{OrgID: a.Org.ID, PlanID: p.ID, TestedOn: in.TestedOn.UTC(), Kind: isms.TestKind(strings.TrimSpace(in.Kind)),
			Scope: strings.TrimSpace(in.Scope), Result: isms.TestResult(strings.TrimSpace(in.Result)), RecoveryMinutes: in.RecoveryMinutes,
			Findings: strings.TrimSpace(in.Findings), RecordedBy: a.Member.ID}
		v := &isms.ValidationError{}
		var follow []isms.FollowUp
		for i, title := range in.FollowUps {
			if title = strings.TrimSpace(title); title == "" {
				continue
			}
			f := isms.FollowUp{OrgID: a.Org.ID, Title: title}
			for _, fe := range isms.FieldErrors(f.Validate()) {
				v.Add(fmt.Sprintf("follow_ups[%d]", i), "%s", fe.Detail)
			}
			follow = append(follow, f)
		}
		for _, fe := range isms.FieldErrors(t.Validate(s.now())) {
			v.Add(fe.Field, "%s", fe.Detail)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if out, err = tx.CreateContinuityTest(ctx, t); err != nil {
			return err
		}
		for _, f := range follow {
			f.TestID = out.ID
			if _, err := tx.SaveFollowUp(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AddFollowUp adds something a test showed must change.
func (s *Service) AddFollowUp(ctx context.Context, a Access, testRef, title string) (isms.FollowUp, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.FollowUp{}, err
	}
	var out isms.FollowUp
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		t, err := testByRef(ctx, tx.Reads, a.Org.ID, testRef)
		if err != nil {
			return err
		}
		f := isms.FollowUp{OrgID: a.Org.ID, TestID: t.ID, Title: strings.TrimSpace(title)}
		if err := f.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveFollowUp(ctx, f)
		return err
	})
	return out, err
}

// RaiseFollowUpNonconformity turns a test's follow-up into a nonconformity
// against the control the test evidences, owned by the plan's owner, and
// links the two, in one transaction: a follow-up becomes at most one
// record.
func (s *Service) RaiseFollowUpNonconformity(ctx context.Context, a Access, testRef, followUpID string) (isms.Nonconformity, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Nonconformity{}, err
	}
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		t, err := testByRef(ctx, tx.Reads, a.Org.ID, testRef)
		if err != nil {
			return err
		}
		all, err := tx.FollowUps(ctx, a.Org.ID, t.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all[t.ID], func(f isms.FollowUp) bool { return f.ID == followUpID })
		if i < 0 {
			return fmt.Errorf("follow-up %s: %w", followUpID, isms.ErrNotFound)
		}
		f := all[t.ID][i]
		if f.NonconformityID != "" {
			n, err := tx.Nonconformity(ctx, a.Org.ID, f.NonconformityID)
			if err != nil {
				return err
			}
			return &isms.ConflictError{Field: "follow_up", Detail: "is recorded as " + n.Ref() + " already"}
		}
		p, err := tx.Plan(ctx, a.Org.ID, t.PlanID)
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%s of %s %s on %s (%s): %s. Scope: %s.", t.Ref(), p.Ref(), p.Title, t.TestedOn.Format(time.DateOnly),
			strings.ToLower(t.Kind.Label()), strings.ToLower(t.Result.Label()), t.Scope)
		if t.RecoveryMinutes != nil {
			desc += fmt.Sprintf(" Recovery took %d minutes.", *t.RecoveryMinutes)
		}
		if t.Findings != "" {
			desc += " Findings: " + t.Findings
		}
		desc += "\n\nFollow-up: " + f.Title
		due := s.now().AddDate(0, 0, 30)
		grade, title, requirement, owner := string(isms.GradeMinor), clipRunes(f.Title, 300), t.Kind.Control(), p.OwnerID
		out, err = s.raiseNonconformity(ctx, tx, a, NCInput{Source: string(isms.SourceMonitoring), Grade: &grade, Title: &title,
			Description: &desc, Requirement: &requirement, OwnerID: &owner, DueDate: &due, SetDueDate: true})
		if err != nil {
			return err
		}
		f.NonconformityID = out.ID
		_, err = tx.SaveFollowUp(ctx, f)
		return err
	})
	return out, err
}

// refNumber reads a reference such as BIA-3, bia-003 or 3.
func refNumber(prefix, ref string) (int, bool) {
	rest, _ := strings.CutPrefix(strings.ToUpper(ref), prefix+"-")
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0
}

func biaByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.BIA, error) {
	if n, ok := refNumber("BIA", ref); ok {
		return r.BIAByRef(ctx, orgID, n)
	}
	return r.BIA(ctx, orgID, ref)
}

func planByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.ContinuityPlan, error) {
	if n, ok := refNumber("BCP", ref); ok {
		return r.PlanByRef(ctx, orgID, n)
	}
	return r.Plan(ctx, orgID, ref)
}

func testByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.ContinuityTest, error) {
	if n, ok := refNumber("BCT", ref); ok {
		return r.ContinuityTestByRef(ctx, orgID, n)
	}
	return r.ContinuityTest(ctx, orgID, ref)
}

// ---------------------------------------------------------------------
// Reading, with the flags an auditor looks for.

// BIAView is an analysis with what it depends on, the plans that cover
// it and what their tests show.
type BIAView struct {
	isms.BIA
	Dependencies []store.AssetLabel
	Plans        []isms.ContinuityPlan
	// LastTest is the latest test of any plan covering the analysis.
	LastTest *isms.ContinuityTest
	// NoPlan: critical, and no plan covers it.
	NoPlan        bool
	ReviewOverdue bool
	// MissedRTO: the last test took longer than this analysis's RTO.
	MissedRTO bool
}

// Flagged reports whether anything about the analysis needs attention.
func (v BIAView) Flagged() bool { return v.NoPlan || v.ReviewOverdue || v.MissedRTO }

// TestView is a test with its follow-ups and how it compares with the
// RTO of what its plan covers.
type TestView struct {
	isms.ContinuityTest
	FollowUps []isms.FollowUp
	MissedRTO bool
}

// PlanView is a plan with the analyses it covers and its tests, latest
// first.
type PlanView struct {
	isms.ContinuityPlan
	BIAs []isms.BIA
	// RTOHours is the tightest RTO of the analyses covered, which a
	// recovery under the plan must meet; 0 when it covers none.
	RTOHours int
	Tests    []TestView
	// NeverTested and TestStale (the last test is more than a year old)
	// are the flags of A.5.29's "tested"; MissedRTO is the last test's.
	NeverTested   bool
	TestStale     bool
	ReviewOverdue bool
	MissedRTO     bool
}

// LastTest is the plan's latest test, or nil.
func (p PlanView) LastTest() *TestView {
	if len(p.Tests) == 0 {
		return nil
	}
	return &p.Tests[0]
}

// Flagged reports whether anything about the plan needs attention.
func (p PlanView) Flagged() bool {
	return p.NeverTested || p.TestStale || p.ReviewOverdue || p.MissedRTO
}

// continuityViews completes analyses and plans with what links them. It
// reads the plans that cover the analyses and the analyses the plans
// cover, so each side is whole.
func (s *Service) continuityViews(ctx context.Context, orgID string, bias []isms.BIA, plans []isms.ContinuityPlan) ([]BIAView, []PlanView, error) {
	biaIDs, planIDs := make([]string, len(bias)), make([]string, len(plans))
	for i, b := range bias {
		biaIDs[i] = b.ID
	}
	for i, p := range plans {
		planIDs[i] = p.ID
	}
	byBIA, err := s.db.PlanCoverage(ctx, orgID, true, biaIDs...)
	if err != nil {
		return nil, nil, err
	}
	byPlan, err := s.db.PlanCoverage(ctx, orgID, false, planIDs...)
	if err != nil {
		return nil, nil, err
	}
	planOf, biaOf := map[string]isms.ContinuityPlan{}, map[string]isms.BIA{}
	for _, p := range plans {
		planOf[p.ID] = p
	}
	for _, b := range bias {
		biaOf[b.ID] = b
	}
	var morePlans, moreBIAs []string
	for _, c := range byBIA {
		if _, ok := planOf[c.PlanID]; !ok && !slices.Contains(morePlans, c.PlanID) {
			morePlans = append(morePlans, c.PlanID)
		}
	}
	for _, c := range byPlan {
		if _, ok := biaOf[c.BIAID]; !ok && !slices.Contains(moreBIAs, c.BIAID) {
			moreBIAs = append(moreBIAs, c.BIAID)
		}
	}
	if len(morePlans) > 0 {
		extra, err := s.db.Plans(ctx, orgID, morePlans, 0, store.MaxLimit)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range extra {
			planOf[p.ID] = p
		}
	}
	if len(moreBIAs) > 0 {
		extra, err := s.db.BIAs(ctx, orgID, store.BIAFilter{IDs: moreBIAs, Limit: store.MaxLimit})
		if err != nil {
			return nil, nil, err
		}
		for _, b := range extra {
			biaOf[b.ID] = b
		}
	}
	allPlans := make([]string, 0, len(planOf))
	for id := range planOf {
		allPlans = append(allPlans, id)
	}
	tests, err := s.db.TestsOfPlans(ctx, orgID, allPlans...)
	if err != nil {
		return nil, nil, err
	}
	deps, err := s.db.BIADependencies(ctx, orgID, biaIDs...)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	coverage := append(byBIA, byPlan...)
	covered := func(planID string) []isms.BIA {
		var out []isms.BIA
		for _, c := range coverage {
			if c.PlanID == planID && !slices.ContainsFunc(out, func(b isms.BIA) bool { return b.ID == c.BIAID }) {
				out = append(out, biaOf[c.BIAID])
			}
		}
		slices.SortFunc(out, func(a, b isms.BIA) int { return a.RefNum - b.RefNum })
		return out
	}
	outBIAs := make([]BIAView, len(bias))
	for i, b := range bias {
		v := BIAView{BIA: b, Dependencies: deps[b.ID], ReviewOverdue: b.ReviewOverdue(now)}
		for _, c := range byBIA {
			if c.BIAID != b.ID {
				continue
			}
			v.Plans = append(v.Plans, planOf[c.PlanID])
			if ts := tests[c.PlanID]; len(ts) > 0 && (v.LastTest == nil || ts[0].TestedOn.After(v.LastTest.TestedOn)) {
				v.LastTest = &ts[0]
			}
		}
		slices.SortFunc(v.Plans, func(a, b isms.ContinuityPlan) int { return a.RefNum - b.RefNum })
		v.NoPlan = b.Criticality == isms.CriticalityCritical && len(v.Plans) == 0
		v.MissedRTO = v.LastTest != nil && v.LastTest.MissedRTO(b.RTOHours)
		outBIAs[i] = v
	}
	outPlans := make([]PlanView, len(plans))
	for i, p := range plans {
		v := PlanView{ContinuityPlan: p, BIAs: covered(p.ID), ReviewOverdue: p.ReviewOverdue(now)}
		for _, b := range v.BIAs {
			if v.RTOHours == 0 || b.RTOHours < v.RTOHours {
				v.RTOHours = b.RTOHours
			}
		}
		for _, t := range tests[p.ID] {
			v.Tests = append(v.Tests, TestView{ContinuityTest: t, MissedRTO: t.MissedRTO(v.RTOHours)})
		}
		v.NeverTested = len(v.Tests) == 0
		v.TestStale = !v.NeverTested && now.Sub(v.Tests[0].TestedOn) > isms.TestedWithin
		v.MissedRTO = !v.NeverTested && v.Tests[0].MissedRTO
		outPlans[i] = v
	}
	return outBIAs, outPlans, nil
}

// BIADetail returns one analysis by id or reference.
func (s *Service) BIADetail(ctx context.Context, a Access, ref string) (BIAView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return BIAView{}, err
	}
	b, err := biaByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return BIAView{}, err
	}
	views, _, err := s.continuityViews(ctx, a.Org.ID, []isms.BIA{b}, nil)
	if err != nil {
		return BIAView{}, err
	}
	return views[0], nil
}

// PlanDetail returns one plan by id or reference, with its tests and
// their follow-ups.
func (s *Service) PlanDetail(ctx context.Context, a Access, ref string) (PlanView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return PlanView{}, err
	}
	p, err := planByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return PlanView{}, err
	}
	_, views, err := s.continuityViews(ctx, a.Org.ID, nil, []isms.ContinuityPlan{p})
	if err != nil {
		return PlanView{}, err
	}
	v := views[0]
	ids := make([]string, len(v.Tests))
	for i, t := range v.Tests {
		ids[i] = t.ID
	}
	follow, err := s.db.FollowUps(ctx, a.Org.ID, ids...)
	if err != nil {
		return v, err
	}
	for i := range v.Tests {
		v.Tests[i].FollowUps = follow[v.Tests[i].ID]
	}
	return v, nil
}

// ContinuityTestPlan returns a test by id or reference, with its plan.
func (s *Service) ContinuityTestPlan(ctx context.Context, a Access, ref string) (isms.ContinuityTest, isms.ContinuityPlan, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.ContinuityTest{}, isms.ContinuityPlan{}, err
	}
	t, err := testByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return t, isms.ContinuityPlan{}, err
	}
	p, err := s.db.Plan(ctx, a.Org.ID, t.PlanID)
	return t, p, err
}

// ContinuityFilter selects analyses of the register. Flagged applies after
// the page is read, so a page may hold fewer rows.
type ContinuityFilter struct {
	store.BIAFilter
	Flagged bool
}

// BIAs lists analyses in reference order, with their flags.
func (s *Service) BIAs(ctx context.Context, a Access, f ContinuityFilter) ([]BIAView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	bias, err := s.db.BIAs(ctx, a.Org.ID, f.BIAFilter)
	if err != nil {
		return nil, err
	}
	views, _, err := s.continuityViews(ctx, a.Org.ID, bias, nil)
	if err != nil {
		return nil, err
	}
	if f.Flagged {
		views = slices.DeleteFunc(views, func(v BIAView) bool { return !v.Flagged() })
	}
	return views, nil
}

// Plans lists plans in reference order after the reference after, with
// their last test and flags.
func (s *Service) Plans(ctx context.Context, a Access, after, limit int) ([]PlanView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	plans, err := s.db.Plans(ctx, a.Org.ID, nil, after, limit)
	if err != nil {
		return nil, err
	}
	_, views, err := s.continuityViews(ctx, a.Org.ID, nil, plans)
	return views, err
}

// ContinuitySummary counts the register and its flags, for the register's
// head and the control pages.
type ContinuitySummary struct {
	BIAs, Critical, CriticalNoPlan, BIAReviewOverdue int
	Plans, PlansNeverTested, PlansTestStale          int
	// TestsMissedRTO counts plans whose last test missed the RTO.
	TestsMissedRTO int
	LastTest       *isms.ContinuityTest
}

// ContinuitySummary counts the organisation's register, up to MaxLimit
// analyses and plans, which is far beyond any organisation's services.
func (s *Service) ContinuitySummary(ctx context.Context, a Access) (ContinuitySummary, error) {
	var sum ContinuitySummary
	if err := a.require(isms.PermRead); err != nil {
		return sum, err
	}
	bias, err := s.db.BIAs(ctx, a.Org.ID, store.BIAFilter{Limit: store.MaxLimit})
	if err != nil {
		return sum, err
	}
	plans, err := s.db.Plans(ctx, a.Org.ID, nil, 0, store.MaxLimit)
	if err != nil {
		return sum, err
	}
	bv, pv, err := s.continuityViews(ctx, a.Org.ID, bias, plans)
	if err != nil {
		return sum, err
	}
	sum.BIAs, sum.Plans = len(bv), len(pv)
	for _, b := range bv {
		if b.Criticality == isms.CriticalityCritical {
			sum.Critical++
		}
		if b.NoPlan {
			sum.CriticalNoPlan++
		}
		if b.ReviewOverdue {
			sum.BIAReviewOverdue++
		}
	}
	for _, p := range pv {
		switch {
		case p.NeverTested:
			sum.PlansNeverTested++
		case p.TestStale:
			sum.PlansTestStale++
		}
		if p.MissedRTO {
			sum.TestsMissedRTO++
		}
		if t := p.LastTest(); t != nil && (sum.LastTest == nil || t.TestedOn.After(sum.LastTest.TestedOn)) {
			sum.LastTest = &t.ContinuityTest
		}
	}
	return sum, nil
}

// ---------------------------------------------------------------------
// Export.

// continuityRows are the analyses as exported: each with its plans and
// the last test, and the flags.
func (s *Service) continuityRows(ctx context.Context, a Access, f ContinuityFilter) ([]report.ContinuityBIA, error) {
	f.After, f.Limit = 0, store.MaxLimit
	views, err := s.BIAs(ctx, a, f)
	if err != nil {
		return nil, err
	}
	names, err := s.memberNames(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]report.ContinuityBIA, 0, len(views))
	for _, v := range views {
		r := report.ContinuityBIA{Ref: v.Ref(), Name: v.Name, Criticality: v.Criticality.Label(), Owner: names[v.OwnerID],
			RTOHours: v.RTOHours, RPOHours: v.RPOHours, MTPDHours: v.MTPDHours, ReviewDate: v.ReviewDate}
		for i, imp := range v.Impacts {
			r.WorstImpact[i] = imp.Max()
		}
		for _, d := range v.Dependencies {
			r.Dependencies = append(r.Dependencies, d.Name+" ("+d.Type.Label()+")")
		}
		for _, p := range v.Plans {
			r.Plans = append(r.Plans, p.Ref()+" "+p.Title)
		}
		if t := v.LastTest; t != nil {
			r.LastTest = fmt.Sprintf("%s %s, %s", t.Ref(), t.TestedOn.Format(time.DateOnly), strings.ToLower(t.Result.Label()))
			r.LastRecoveryMinutes = t.RecoveryMinutes
		}
		if v.NoPlan {
			r.Flags = append(r.Flags, "critical without a plan")
		}
		if v.ReviewOverdue {
			r.Flags = append(r.Flags, "review overdue")
		}
		if v.MissedRTO {
			r.Flags = append(r.Flags, "last test missed the RTO")
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// ExportContinuityCSV writes the analyses the filter selects, with their
// plans and last test, as CSV.
func (s *Service) ExportContinuityCSV(ctx context.Context, a Access, f ContinuityFilter, w io.Writer) error {
	rows, err := s.continuityRows(ctx, a, f)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := []string{"ref", "name", "criticality", "owner", "rto_hours", "rpo_hours", "mtpd_hours"}
	for _, h := range isms.ImpactHorizons {
		header = append(header, fmt.Sprintf("worst_impact_%dh", h))
	}
	header = append(header, "dependencies", "review_date", "plans", "last_test", "last_recovery_minutes", "flags")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		cells := []string{r.Ref, r.Name, r.Criticality, r.Owner, strconv.Itoa(r.RTOHours), strconv.Itoa(r.RPOHours), strconv.Itoa(r.MTPDHours)}
		for _, n := range r.WorstImpact {
			cells = append(cells, rated(n))
		}
		review, minutes := "", ""
		if r.ReviewDate != nil {
			review = r.ReviewDate.Format(time.DateOnly)
		}
		if r.LastRecoveryMinutes != nil {
			minutes = strconv.Itoa(*r.LastRecoveryMinutes)
		}
		cells = append(cells, strings.Join(r.Dependencies, "; "), review, strings.Join(r.Plans, "; "), r.LastTest, minutes,
			strings.Join(r.Flags, "; "))
		for i := range cells {
			cells[i] = soa.Neutralise(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// rated writes 0, not rated, as an empty cell.
func rated(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// ExportContinuityXLSX writes the same as a spreadsheet.
func (s *Service) ExportContinuityXLSX(ctx context.Context, a Access, f ContinuityFilter, w io.Writer) error {
	rows, err := s.continuityRows(ctx, a, f)
	if err != nil {
		return err
	}
	return report.ContinuityXLSX(w, a.Org.Name, s.now(), rows)
}
