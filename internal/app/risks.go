package app

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
	"github.com/isms-dev/isms/internal/suggest"
)

// RiskInput is the assessment of a risk (6.1.2): what it is about and how
// it is rated before treatment.
type RiskInput struct {
	Title string
	// ThreatRef cites a threat of a threat library ("framework:item");
	// ThreatText describes one of the organisation's own. One is needed.
	ThreatRef          string
	ThreatText         string
	Vulnerability      string
	Scenario           string
	AffectsC           bool
	AffectsI           bool
	AffectsA           bool
	Consequences       string
	InherentLikelihood int
	InherentImpact     int
	ExistingControls   string
	OwnerID            string
	ReviewDate         *time.Time
	AssetIDs           []string
	// Rerate rates a risk against the methodology in force when it was
	// rated against an earlier version; otherwise it keeps its version.
	Rerate bool
}

// TreatmentInput is the treatment of a risk (6.1.3).
type TreatmentInput struct {
	Treatment string
	Notes     string
	// Controls cite the controls selected, "framework:item", from the
	// frameworks the organisation runs.
	Controls           []string
	ResidualLikelihood int
	ResidualImpact     int
}

// ActionInput is a step of a treatment plan.
type ActionInput struct {
	Description string
	OwnerID     string
	DueDate     *time.Time
	// Status is open, done or cancelled; empty keeps it (open for a new
	// action).
	Status string
}

// DecisionInput is a risk owner's decision.
type DecisionInput struct {
	// Kind is plan_approval or residual_acceptance.
	Kind          string
	Justification string
}

// RiskView is a risk with what people need to read it: the methodology
// version it is rated against, its levels, assets, controls and plan.
type RiskView struct {
	isms.Risk
	Methodology MethodologyVersion
	Inherent    isms.RiskLevel
	// Residual is empty while the residual risk is not rated.
	Residual  isms.RiskLevel
	Assets    []store.StoredAsset
	Threat    *ControlRef
	Controls  []ControlRef
	Actions   []isms.RiskAction
	Decisions []isms.RiskDecision
	// Outdated is set when a newer methodology version is in force.
	Outdated bool
}

// ControlRef is a cited framework item, resolved for display.
type ControlRef struct {
	Ref       string
	Framework string // short name
	Cite      string
	Title     string
	// Known is false when the item is no longer in the library (its
	// import was removed); the citation stays as recorded.
	Known bool
}

// Current reports whether a decision holds for the risk as it stands.
func (v RiskView) Current(d isms.RiskDecision) bool { return d.RiskRevision == v.Revision }

func resolveRef(lib *framework.Library, ref string) ControlRef {
	out := ControlRef{Ref: ref, Cite: ref}
	r, err := framework.ParseRef(ref)
	if err != nil {
		return out
	}
	f, it, ok := lib.Resolve(r)
	if !ok {
		return out
	}
	return ControlRef{Ref: ref, Framework: f.Title(), Cite: it.Cite(), Title: it.Title, Known: true}
}

// threatKinds are the item kinds a risk may cite as its threat.
var threatKinds = []framework.ItemKind{framework.ItemThreat, framework.ItemTechnique}

// controlKinds are the item kinds a risk may select as controls.
var controlKinds = []framework.ItemKind{framework.ItemControl, framework.ItemRequirement, framework.ItemMitigation}

// riskStatus derives where a risk stands from its treatment and the
// decisions that hold for its current revision.
func riskStatus(k isms.Risk, decisions []isms.RiskDecision) isms.RiskStatus {
	if k.Treatment == "" {
		return isms.RiskIdentified
	}
	has := func(kind string) bool {
		return slices.ContainsFunc(decisions, func(d isms.RiskDecision) bool { return d.Kind == kind && d.RiskRevision == k.Revision })
	}
	switch {
	case has(isms.DecisionResidualAcceptance):
		return isms.RiskAccepted
	case has(isms.DecisionPlanApproval):
		return isms.RiskPlanApproved
	}
	return isms.RiskPlanned
}

// checkRiskInput validates an assessment and fills k from it, rated
// against m.
func (s *Service) checkRiskInput(ctx context.Context, tx *store.Tx, a Access, lib *framework.Library, m isms.Methodology, in RiskInput, k *isms.Risk) error {
	v := &isms.ValidationError{}
	k.Title = isms.NormalizeName(v, "title", in.Title, 200)
	k.ThreatRef, k.ThreatText = strings.TrimSpace(in.ThreatRef), strings.TrimSpace(in.ThreatText)
	if k.ThreatRef == "" && k.ThreatText == "" {
		v.Add("threat_ref", "cite a threat from a threat library or describe the threat")
	}
	if k.ThreatRef != "" {
		r, err := framework.ParseRef(k.ThreatRef)
		if err != nil {
			v.Add("threat_ref", "%q: cite a threat as framework:item, such as owasp-llm-top10-2025:LLM01:2025", k.ThreatRef)
		} else if _, it, ok := lib.Resolve(r); !ok {
			v.Add("threat_ref", "%s is not in the framework library", k.ThreatRef)
		} else if !slices.Contains(threatKinds, it.Kind) {
			v.Add("threat_ref", "%s is a %s, not a threat or attack technique", k.ThreatRef, it.Kind)
		}
	}
	k.Vulnerability, k.Scenario, k.Consequences = strings.TrimSpace(in.Vulnerability), strings.TrimSpace(in.Scenario), strings.TrimSpace(in.Consequences)
	k.ExistingControls = strings.TrimSpace(in.ExistingControls)
	for _, f := range []struct {
		name, value string
	}{{"threat_text", k.ThreatText}, {"vulnerability", k.Vulnerability}, {"scenario", k.Scenario}, {"consequences", k.Consequences}, {"existing_controls", k.ExistingControls}} {
		if len([]rune(f.value)) > 5000 {
			v.Add(f.name, "is longer than 5000 characters")
		}
	}
	k.AffectsC, k.AffectsI, k.AffectsA = in.AffectsC, in.AffectsI, in.AffectsA
	if !k.AffectsC && !k.AffectsI && !k.AffectsA {
		v.Add("affects", "say which of confidentiality, integrity and availability the risk harms")
	}
	checkRating(v, m, "inherent", in.InherentLikelihood, in.InherentImpact)
	k.InherentLikelihood, k.InherentImpact = in.InherentLikelihood, in.InherentImpact
	k.InherentRank = m.Rank(in.InherentLikelihood, in.InherentImpact)
	k.OwnerID = in.OwnerID
	if k.OwnerID == "" {
		v.Add("owner_id", "every risk needs an owner who decides on its treatment")
	}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner_id": in.OwnerID}); err != nil {
		return err
	}
	k.ReviewDate = in.ReviewDate
	ids := slices.Compact(slices.Sorted(slices.Values(in.AssetIDs)))
	if len(ids) > 500 {
		v.Add("asset_ids", "a risk may cover at most 500 assets; group them under an AI system or application instead")
	} else if len(ids) > 0 {
		found, err := tx.AssetsByID(ctx, a.Org.ID, ids)
		if err != nil {
			return err
		}
		if len(found) != len(ids) {
			v.Add("asset_ids", "%d of the assets are not in this organisation's inventory", len(ids)-len(found))
		}
	}
	k.AssetIDs = ids
	return v.Err()
}

func checkRating(v *isms.ValidationError, m isms.Methodology, prefix string, likelihood, impact int) {
	if likelihood < 1 || likelihood > len(m.Likelihood) {
		v.Add(prefix+"_likelihood", "must be 1 to %d on the methodology's likelihood scale", len(m.Likelihood))
	}
	if impact < 1 || impact > len(m.Impact) {
		v.Add(prefix+"_impact", "must be 1 to %d on the methodology's impact scale", len(m.Impact))
	}
}

// CreateRisk adds a risk to the register, rated against the methodology
// in force.
func (s *Service) CreateRisk(ctx context.Context, a Access, in RiskInput) (isms.Risk, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Risk{}, err
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.Risk{}, err
	}
	var out isms.Risk
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out, err = s.createRisk(ctx, tx, a, lib.lib, in)
		return err
	})
	return out, err
}

// createRisk is CreateRisk inside a transaction, for use cases that add a
// risk together with other changes. The caller checks the permission.
func (s *Service) createRisk(ctx context.Context, tx *store.Tx, a Access, lib *framework.Library, in RiskInput) (isms.Risk, error) {
	// Reference numbers and the first methodology version are allocated
	// under the chain's lock.
	if err := tx.LockChain(ctx, a.Org.ID); err != nil {
		return isms.Risk{}, err
	}
	mv, err := s.methodologyInForce(ctx, tx, a)
	if err != nil {
		return isms.Risk{}, err
	}
	k := isms.Risk{OrgID: a.Org.ID, MethodologyID: mv.ID, Revision: 1, Status: isms.RiskIdentified}
	if err := s.checkRiskInput(ctx, tx, a, lib, mv.Methodology, in, &k); err != nil {
		return k, err
	}
	return tx.CreateRisk(ctx, k)
}

// editRisk runs change on a risk inside a transaction, then bumps its
// revision when change reports a change that reopens the owner's
// decisions, and stores it with its status derived again.
func (s *Service) editRisk(ctx context.Context, a Access, id string, change func(tx *store.Tx, k *isms.Risk) (reopens bool, err error)) (isms.Risk, error) {
	var out isms.Risk
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		k, err := tx.Risk(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if err := a.mayEdit("risk", k.OwnerID); err != nil {
			return err
		}
		reopens, err := change(tx, &k)
		if err != nil {
			return err
		}
		if reopens {
			k.Revision++
		}
		decisions, err := tx.RiskDecisions(ctx, a.Org.ID, k.ID)
		if err != nil {
			return err
		}
		k.Status = riskStatus(k, decisions)
		out, err = tx.UpdateRisk(ctx, k)
		return err
	})
	return out, err
}

// UpdateRisk changes a risk's assessment. Any change but the review date
// reopens the owner's decisions.
func (s *Service) UpdateRisk(ctx context.Context, a Access, id string, in RiskInput) (isms.Risk, error) {
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.Risk{}, err
	}
	return s.editRisk(ctx, a, id, func(tx *store.Tx, k *isms.Risk) (bool, error) {
		before := *k
		if !a.Can(isms.PermWriteRecords) && in.OwnerID != k.OwnerID {
			return false, fmt.Errorf("a contributor may not hand a risk to someone else: %w", isms.ErrForbidden)
		}
		cache := s.methodologyCache(a.Org.ID)
		mv, err := cache.get(ctx, tx, k.MethodologyID)
		if err != nil {
			return false, err
		}
		if in.Rerate {
			if mv, err = s.methodologyInForce(ctx, tx, a); err != nil {
				return false, err
			}
			k.MethodologyID = mv.ID
		}
		if err := s.checkRiskInput(ctx, tx, a, lib.lib, mv.Methodology, in, k); err != nil {
			return false, err
		}
		if k.ResidualLikelihood > 0 {
			// A new methodology may have smaller scales than the residual
			// rating was made on; the treatment must then be rated again.
			if m := mv.Methodology; k.ResidualLikelihood > len(m.Likelihood) || k.ResidualImpact > len(m.Impact) {
				k.ResidualLikelihood, k.ResidualImpact, k.ResidualRank = 0, 0, 0
			} else {
				k.ResidualRank = m.Rank(k.ResidualLikelihood, k.ResidualImpact)
			}
		}
		if err := tx.SetRiskAssets(ctx, a.Org.ID, k.ID, k.AssetIDs); err != nil {
			return false, err
		}
		return riskChanged(before, *k), nil
	})
}

// riskChanged reports whether anything but the review date and the
// timestamps differs.
func riskChanged(a, b isms.Risk) bool {
	sameSet := func(x, y []string) bool {
		return slices.Equal(slices.Sorted(slices.Values(x)), slices.Sorted(slices.Values(y)))
	}
	if !sameSet(a.AssetIDs, b.AssetIDs) || !sameSet(a.Controls, b.Controls) {
		return true
	}
	a.ReviewDate, b.ReviewDate = nil, nil
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	a.AssetIDs, b.AssetIDs, a.Controls, b.Controls = nil, nil, nil, nil
	return !reflect.DeepEqual(a, b)
}

// TreatRisk records the treatment of a risk: the option, the controls and
// the residual rating it aims for. It reopens the owner's decisions when
// it changes anything.
func (s *Service) TreatRisk(ctx context.Context, a Access, id string, in TreatmentInput) (isms.Risk, error) {
	views, lib, err := s.views(ctx, a)
	if err != nil {
		return isms.Risk{}, err
	}
	enabled := map[string]bool{}
	for _, fv := range views {
		enabled[fv.ID] = fv.Enabled
	}
	return s.editRisk(ctx, a, id, func(tx *store.Tx, k *isms.Risk) (bool, error) {
		before := *k
		v := &isms.ValidationError{}
		t := isms.Treatment(in.Treatment)
		if !slices.Contains(isms.Treatments, t) {
			v.Add("treatment", "%q is not a treatment option; use mitigate, avoid, transfer or accept", in.Treatment)
		}
		k.Treatment = t
		k.TreatmentNotes = strings.TrimSpace(in.Notes)
		if len([]rune(k.TreatmentNotes)) > 5000 {
			v.Add("notes", "is longer than 5000 characters")
		}
		controls := slices.Compact(slices.Sorted(slices.Values(in.Controls)))
		for _, ref := range controls {
			r, err := framework.ParseRef(ref)
			if err != nil {
				v.Add("controls", "%q: cite a control as framework:item, such as iso27001-2022:A.8.28", ref)
				continue
			}
			_, it, ok := lib.lib.Resolve(r)
			switch {
			case !ok:
				v.Add("controls", "%s is not in the framework library", ref)
			case !enabled[r.Framework]:
				v.Add("controls", "%s is from %s, which the organisation does not run; enable it under Frameworks first", ref, r.Framework)
			case !slices.Contains(controlKinds, it.Kind):
				v.Add("controls", "%s is a %s, not a control", ref, it.Kind)
			}
		}
		// Keep the order controls were first selected in, adding new ones
		// at the end, so the record reads the way it was built.
		var ordered []string
		for _, c := range k.Controls {
			if slices.Contains(controls, c) {
				ordered = append(ordered, c)
			}
		}
		for _, c := range controls {
			if !slices.Contains(ordered, c) {
				ordered = append(ordered, c)
			}
		}
		k.Controls = ordered
		mv, err := s.methodologyCache(a.Org.ID).get(ctx, tx, k.MethodologyID)
		if err != nil {
			return false, err
		}
		switch {
		case t == isms.TreatAccept:
			// Retaining a risk leaves it as it is.
			k.ResidualLikelihood, k.ResidualImpact = k.InherentLikelihood, k.InherentImpact
		case in.ResidualLikelihood == 0 && in.ResidualImpact == 0:
			k.ResidualLikelihood, k.ResidualImpact = 0, 0
		default:
			checkRating(v, mv.Methodology, "residual", in.ResidualLikelihood, in.ResidualImpact)
			k.ResidualLikelihood, k.ResidualImpact = in.ResidualLikelihood, in.ResidualImpact
		}
		if t == isms.TreatMitigate && len(k.Controls) == 0 {
			v.Add("controls", "select the controls that modify the risk")
		}
		if err := v.Err(); err != nil {
			return false, err
		}
		k.ResidualRank = 0
		if k.ResidualLikelihood > 0 {
			k.ResidualRank = mv.Methodology.Rank(k.ResidualLikelihood, k.ResidualImpact)
		}
		if err := tx.SetRiskControls(ctx, a.Org.ID, k.ID, k.Controls); err != nil {
			return false, err
		}
		return riskChanged(before, *k), nil
	})
}

// AddRiskAction adds a step to a risk's treatment plan, which reopens
// the owner's approval of the plan.
func (s *Service) AddRiskAction(ctx context.Context, a Access, riskID string, in ActionInput) (isms.RiskAction, error) {
	var out isms.RiskAction
	_, err := s.editRisk(ctx, a, riskID, func(tx *store.Tx, k *isms.Risk) (bool, error) {
		act := isms.RiskAction{RiskID: k.ID, Status: "open"}
		if err := s.checkAction(ctx, tx, a, in, &act); err != nil {
			return false, err
		}
		var err error
		out, err = tx.AddRiskAction(ctx, a.Org.ID, act)
		return true, err
	})
	return out, err
}

func (s *Service) checkAction(ctx context.Context, tx *store.Tx, a Access, in ActionInput, act *isms.RiskAction) error {
	v := &isms.ValidationError{}
	act.Description = strings.TrimSpace(in.Description)
	if act.Description == "" {
		v.Add("description", "say what is to be done")
	} else if len([]rune(act.Description)) > 2000 {
		v.Add("description", "is longer than 2000 characters")
	}
	if in.Status != "" {
		if !slices.Contains([]string{"open", "done", "cancelled"}, in.Status) {
			v.Add("status", "%q is not an action status; use open, done or cancelled", in.Status)
		}
		act.Status = in.Status
	}
	act.OwnerID, act.DueDate = in.OwnerID, in.DueDate
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner_id": in.OwnerID}); err != nil {
		return err
	}
	return v.Err()
}

// UpdateRiskAction changes an action. The action's owner may change it
// as a contributor too. Changing what the plan says reopens the plan's
// approval; reporting progress (the status) does not.
func (s *Service) UpdateRiskAction(ctx context.Context, a Access, riskID, actionID string, in ActionInput) (isms.RiskAction, error) {
	var out isms.RiskAction
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		k, err := tx.Risk(ctx, a.Org.ID, riskID)
		if err != nil {
			return err
		}
		act, err := tx.RiskAction(ctx, a.Org.ID, riskID, actionID)
		if err != nil {
			return err
		}
		if err := a.mayEdit("risk action", k.OwnerID, act.OwnerID); err != nil {
			return err
		}
		before := act
		if err := s.checkAction(ctx, tx, a, in, &act); err != nil {
			return err
		}
		planChanged := act.Description != before.Description || act.OwnerID != before.OwnerID || !sameDay(act.DueDate, before.DueDate)
		if planChanged && !a.Can(isms.PermWriteRecords) && a.Member.ID != k.OwnerID {
			return fmt.Errorf("the owner of an action may report its progress; changing the plan is for the risk owner: %w", isms.ErrForbidden)
		}
		if out, err = tx.UpdateRiskAction(ctx, a.Org.ID, act); err != nil {
			return err
		}
		if !planChanged {
			return nil
		}
		k.Revision++
		decisions, err := tx.RiskDecisions(ctx, a.Org.ID, k.ID)
		if err != nil {
			return err
		}
		k.Status = riskStatus(k, decisions)
		_, err = tx.UpdateRisk(ctx, k)
		return err
	})
	return out, err
}

func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// DecideOnRisk records the risk owner's decision: approving the treatment
// plan, or accepting the residual risk (6.1.3 f). Only the risk owner
// decides, and only within the acceptance criteria of the methodology the
// risk is rated against.
func (s *Service) DecideOnRisk(ctx context.Context, a Access, riskID string, in DecisionInput) (isms.RiskDecision, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.RiskDecision{}, err
	}
	var out isms.RiskDecision
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		k, err := tx.Risk(ctx, a.Org.ID, riskID)
		if err != nil {
			return err
		}
		if a.Member.ID == "" || a.Member.ID != k.OwnerID {
			return fmt.Errorf("only the risk owner decides on %s: %w", k.Ref(), isms.ErrForbidden)
		}
		mv, err := s.methodologyCache(a.Org.ID).get(ctx, tx, k.MethodologyID)
		if err != nil {
			return err
		}
		decisions, err := tx.RiskDecisions(ctx, a.Org.ID, k.ID)
		if err != nil {
			return err
		}
		holds := func(kind string) bool {
			return slices.ContainsFunc(decisions, func(d isms.RiskDecision) bool { return d.Kind == kind && d.RiskRevision == k.Revision })
		}
		v := &isms.ValidationError{}
		justification := strings.TrimSpace(in.Justification)
		if justification == "" {
			v.Add("justification", "record why you decide so; the auditor will read it")
		} else if len([]rune(justification)) > 5000 {
			v.Add("justification", "is longer than 5000 characters")
		}
		if k.Treatment == "" {
			v.Add("kind", "choose a treatment for %s before deciding on it", k.Ref())
		}
		if k.ResidualLikelihood == 0 {
			v.Add("kind", "rate the residual risk of %s before deciding on it", k.Ref())
		}
		level := mv.Methodology.Level(k.ResidualRank)
		switch in.Kind {
		case isms.DecisionPlanApproval:
			if holds(isms.DecisionPlanApproval) {
				return &isms.ConflictError{Field: "kind", Detail: fmt.Sprintf("the treatment plan of %s is already approved as it stands", k.Ref())}
			}
		case isms.DecisionResidualAcceptance:
			if holds(isms.DecisionResidualAcceptance) {
				return &isms.ConflictError{Field: "kind", Detail: fmt.Sprintf("the residual risk of %s is already accepted as it stands", k.Ref())}
			}
			if k.Treatment != "" && k.Treatment != isms.TreatAccept && !holds(isms.DecisionPlanApproval) {
				v.Add("kind", "approve the treatment plan of %s before accepting its residual risk", k.Ref())
			}
			if err := v.Err(); err != nil {
				return err
			}
			if !level.Acceptable {
				return isms.Invalid("kind", "the acceptance criteria of methodology version %d do not allow accepting a %s risk; treat %s further",
					mv.Number, level.Name, k.Ref())
			}
			if !mv.Methodology.MayAccept(k.ResidualRank, a.Role) {
				return fmt.Errorf("the acceptance criteria allow a %s risk to be accepted by %s, not by a risk owner with the %s role: %w",
					level.Name, roleList(level.AcceptRoles), a.Role, isms.ErrForbidden)
			}
		default:
			v.Add("kind", "%q is not a decision; use plan_approval or residual_acceptance", in.Kind)
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = tx.AddRiskDecision(ctx, a.Org.ID, isms.RiskDecision{RiskID: k.ID, Kind: in.Kind, DecidedBy: a.Member.ID,
			Level: level.Name, Justification: justification, RiskRevision: k.Revision})
		if err != nil {
			return err
		}
		k.Status = riskStatus(k, append(decisions, out))
		_, err = tx.UpdateRisk(ctx, k)
		return err
	})
	return out, err
}

func roleList(roles []isms.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Risk returns a risk with everything its page shows.
func (s *Service) Risk(ctx context.Context, a Access, id string) (RiskView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return RiskView{}, err
	}
	k, err := s.db.Risk(ctx, a.Org.ID, id)
	if err != nil {
		return RiskView{}, err
	}
	return s.riskView(ctx, a, k)
}

// RiskByRef returns a risk by its reference, such as R-007 or 7.
func (s *Service) RiskByRef(ctx context.Context, a Access, ref string) (RiskView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return RiskView{}, err
	}
	var n int
	if _, err := fmt.Sscanf(strings.TrimPrefix(strings.ToUpper(ref), "R-"), "%d", &n); err != nil || n < 1 {
		return RiskView{}, isms.Invalid("ref", "%q is not a risk reference such as R-007", ref)
	}
	k, err := s.db.RiskByRef(ctx, a.Org.ID, n)
	if err != nil {
		return RiskView{}, err
	}
	return s.riskView(ctx, a, k)
}

func (s *Service) riskView(ctx context.Context, a Access, k isms.Risk) (RiskView, error) {
	v := RiskView{Risk: k}
	mv, err := s.methodologyCache(a.Org.ID).get(ctx, s.db, k.MethodologyID)
	if err != nil {
		return v, err
	}
	v.Methodology = mv
	v.Inherent = mv.Methodology.Level(k.InherentRank)
	if k.ResidualLikelihood > 0 {
		v.Residual = mv.Methodology.Level(k.ResidualRank)
	}
	if current, err := s.db.ApprovedVersion(ctx, store.MethodologyDocument, a.Org.ID); err == nil {
		v.Outdated = current.ID != k.MethodologyID
	} else if !errors.Is(err, isms.ErrNotFound) {
		return v, err
	}
	if v.Assets, err = s.db.AssetsByID(ctx, a.Org.ID, k.AssetIDs); err != nil {
		return v, err
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return v, err
	}
	if k.ThreatRef != "" {
		t := resolveRef(lib.lib, k.ThreatRef)
		v.Threat = &t
	}
	for _, c := range k.Controls {
		v.Controls = append(v.Controls, resolveRef(lib.lib, c))
	}
	if v.Actions, err = s.db.RiskActions(ctx, a.Org.ID, k.ID); err != nil {
		return v, err
	}
	v.Decisions, err = s.db.RiskDecisions(ctx, a.Org.ID, k.ID)
	return v, err
}

// TreatingControls lists the controls the library says treat a threat,
// from the frameworks the organisation runs: the starting selection when
// a risk citing the threat is treated.
func (s *Service) TreatingControls(ctx context.Context, a Access, threatRef string) ([]ControlRef, error) {
	views, c, err := s.views(ctx, a)
	if err != nil {
		return nil, err
	}
	return treatingControls(views, c.lib, threatRef), nil
}

func treatingControls(views []FrameworkView, lib *framework.Library, threatRef string) []ControlRef {
	r, err := framework.ParseRef(threatRef)
	if err != nil {
		return nil
	}
	enabled := map[string]bool{}
	for _, v := range views {
		enabled[v.ID] = v.Enabled
	}
	var out []ControlRef
	seen := map[string]bool{}
	for _, m := range lib.Outgoing(r) {
		if m.Relation != framework.RelTreatedBy && m.Relation != framework.RelMitigatedBy {
			continue
		}
		ref := m.To.String()
		if seen[ref] || !enabled[m.To.Framework] {
			continue
		}
		_, it, ok := lib.Resolve(m.To)
		if !ok || !slices.Contains(controlKinds, it.Kind) {
			continue
		}
		seen[ref] = true
		out = append(out, resolveRef(lib, ref))
	}
	return out
}

// RiskRow is a risk in a list, with its levels.
type RiskRow struct {
	isms.Risk
	Inherent isms.RiskLevel
	Residual isms.RiskLevel
}

// RiskPage is a page of the register.
type RiskPage struct {
	Risks []RiskRow
	Next  string
	Total int
}

// ListRisks returns a page of the register.
func (s *Service) ListRisks(ctx context.Context, a Access, f isms.RiskFilter) (RiskPage, error) {
	if err := a.require(isms.PermRead); err != nil {
		return RiskPage{}, err
	}
	if err := checkRiskFilter(f); err != nil {
		return RiskPage{}, err
	}
	cursor, err := store.DecodeCursor("cursor", f.Cursor)
	if err != nil {
		return RiskPage{}, err
	}
	limit := pageSize(f.Limit)
	now := s.now()
	q := f
	q.Cursor, q.Limit = cursor, limit+1
	risks, err := s.db.ListRisks(ctx, a.Org.ID, q, now)
	if err != nil {
		return RiskPage{}, err
	}
	risks, more := page(risks, limit)
	p := RiskPage{}
	if more {
		p.Next = store.EncodeCursor(store.RiskCursor(risks[len(risks)-1], f.Sort))
	}
	cache := s.methodologyCache(a.Org.ID)
	for _, k := range risks {
		mv, err := cache.get(ctx, s.db, k.MethodologyID)
		if err != nil {
			return p, err
		}
		row := RiskRow{Risk: k, Inherent: mv.Methodology.Level(k.InherentRank)}
		if k.ResidualLikelihood > 0 {
			row.Residual = mv.Methodology.Level(k.ResidualRank)
		}
		p.Risks = append(p.Risks, row)
	}
	p.Total, err = s.countRisks(ctx, a.Org.ID, f, now)
	return p, err
}

func checkRiskFilter(f isms.RiskFilter) error {
	v := &isms.ValidationError{}
	if f.Status != "" && !slices.Contains(isms.RiskStatuses, f.Status) {
		v.Add("status", "%q is not a risk status", f.Status)
	}
	if f.Treatment != "" && !slices.Contains(isms.Treatments, f.Treatment) {
		v.Add("treatment", "%q is not a treatment option", f.Treatment)
	}
	switch f.Sort {
	case "", store.SortRef, store.SortLevel, store.SortResidual:
	default:
		v.Add("sort", "%q is not an order; use ref, level or residual", f.Sort)
	}
	if (f.Likelihood > 0) != (f.Impact > 0) {
		v.Add("impact", "a heat map cell needs both likelihood and impact")
	}
	return v.Err()
}

// HeatMap is a heat map of the risks rated against one methodology
// version: Counts[l-1][i-1] risks at likelihood l and impact i.
type HeatMap struct {
	Methodology MethodologyVersion
	Residual    bool
	Counts      [][]int
	Total       int
	// Elsewhere counts the risks the filter selects that are rated
	// against other methodology versions, or not yet rated residually.
	Elsewhere int
}

// RiskHeatMap counts the risks a filter selects by rating, on the
// methodology version methodologyID (empty: the one in force).
func (s *Service) RiskHeatMap(ctx context.Context, a Access, f isms.RiskFilter, residual bool, methodologyID string) (HeatMap, error) {
	if err := a.require(isms.PermRead); err != nil {
		return HeatMap{}, err
	}
	if err := checkRiskFilter(f); err != nil {
		return HeatMap{}, err
	}
	h := HeatMap{Residual: residual}
	if methodologyID == "" {
		doc, err := s.db.ApprovedVersion(ctx, store.MethodologyDocument, a.Org.ID)
		switch {
		case errors.Is(err, isms.ErrNotFound):
			h.Methodology = defaultMethodologyVersion(a.Org.ID)
		case err != nil:
			return h, err
		default:
			if h.Methodology, err = readMethodology(doc); err != nil {
				return h, err
			}
		}
	} else {
		mv, err := s.methodologyCache(a.Org.ID).get(ctx, s.db, methodologyID)
		if err != nil {
			return h, err
		}
		h.Methodology = mv
	}
	m := h.Methodology.Methodology
	h.Counts = make([][]int, len(m.Likelihood))
	for l := range h.Counts {
		h.Counts[l] = make([]int, len(m.Impact))
	}
	cells, err := s.riskCells(ctx, a.Org.ID, f, s.now())
	if err != nil {
		return h, err
	}
	for _, c := range cells {
		l, i := c.InherentLikelihood, c.InherentImpact
		if residual {
			l, i = c.ResidualLikelihood, c.ResidualImpact
		}
		if c.MethodologyID == h.Methodology.ID && l >= 1 && l <= len(h.Counts) && i >= 1 && i <= len(h.Counts[l-1]) {
			h.Counts[l-1][i-1] += c.Count
			h.Total += c.Count
		} else {
			h.Elsewhere += c.Count
		}
	}
	return h, nil
}

// RiskSuggestion is a proposed risk for an asset.
type RiskSuggestion struct {
	suggest.Suggestion
	Threat   ControlRef
	Controls []ControlRef
	// InRegister is the risk already registered for this asset and
	// threat, if any.
	InRegister *isms.Risk
}

// SuggestRisks proposes risks for an asset from the threat libraries,
// each with the controls of the organisation's frameworks that treat it.
func (s *Service) SuggestRisks(ctx context.Context, a Access, assetID string) ([]RiskSuggestion, error) {
	asset, err := s.Asset(ctx, a, assetID)
	if err != nil {
		return nil, err
	}
	views, c, err := s.views(ctx, a)
	if err != nil {
		return nil, err
	}
	existing, err := s.db.ListRisks(ctx, a.Org.ID, isms.RiskFilter{AssetID: assetID, Limit: store.MaxLimit}, s.now())
	if err != nil {
		return nil, err
	}
	var out []RiskSuggestion
	for _, sg := range suggest.For(asset.Asset) {
		rs := RiskSuggestion{Suggestion: sg, Threat: resolveRef(c.lib, sg.Threat), Controls: treatingControls(views, c.lib, sg.Threat)}
		if !rs.Threat.Known {
			// The library the rules cite was replaced by an import.
			continue
		}
		for i := range existing {
			if existing[i].ThreatRef == sg.Threat {
				rs.InRegister = &existing[i]
				break
			}
		}
		out = append(out, rs)
	}
	return out, nil
}

// AcceptSuggestion registers a suggested risk for an asset, rated as the
// suggestion proposes unless likelihood and impact are given.
func (s *Service) AcceptSuggestion(ctx context.Context, a Access, assetID, threatRef, ownerID string, likelihood, impact int) (isms.Risk, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Risk{}, err
	}
	suggestions, err := s.SuggestRisks(ctx, a, assetID)
	if err != nil {
		return isms.Risk{}, err
	}
	asset, err := s.db.Asset(ctx, a.Org.ID, assetID)
	if err != nil {
		return isms.Risk{}, err
	}
	for _, sg := range suggestions {
		if sg.Suggestion.Threat != threatRef {
			continue
		}
		if sg.InRegister != nil {
			return isms.Risk{}, &isms.ConflictError{Field: "threat_ref", Detail: fmt.Sprintf("is already registered for %s as %s", asset.Name, sg.InRegister.Ref())}
		}
		if likelihood == 0 {
			likelihood = sg.Likelihood
		}
		if impact == 0 {
			impact = sg.Impact
		}
		if ownerID == "" {
			ownerID = asset.OwnerID
		}
		title := sg.Threat.Title + " on " + asset.Name
		if len([]rune(title)) > 200 {
			title = string([]rune(title)[:200])
		}
		return s.CreateRisk(ctx, a, RiskInput{
			Title: title, ThreatRef: threatRef, Scenario: sg.Why,
			AffectsC: sg.AffectsC, AffectsI: sg.AffectsI, AffectsA: sg.AffectsA,
			InherentLikelihood: likelihood, InherentImpact: impact, OwnerID: ownerID, AssetIDs: []string{assetID},
		})
	}
	return isms.Risk{}, isms.Invalid("threat_ref", "%q is not among the suggestions for %s", threatRef, asset.Name)
}
