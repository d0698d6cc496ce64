package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// NCInput is a record of the nonconformity register as entered. On an
// update, nil fields stay as they are.
type NCInput struct {
	Kind        string
	Grade       *string
	Source      string
	Title       *string
	Description *string
	Requirement *string
	OwnerID     *string
	// DueDate applies when SetDueDate is true, so that an update can
	// clear it.
	DueDate    *time.Time
	SetDueDate bool
	Correction *string
	RootCause  *string
}

// mayRaise allows anyone who works in the organisation to report a
// nonconformity or an improvement: 10.2 expects problems to surface from
// everywhere, not only from the ISMS team.
func (a Access) mayRaise() error {
	if a.Role == isms.RoleContributor {
		return nil
	}
	return a.require(isms.PermWriteRecords)
}

// RaiseNonconformity adds a record to the register. Who raises it owns it
// unless someone else is named.
func (s *Service) RaiseNonconformity(ctx context.Context, a Access, in NCInput) (isms.Nonconformity, error) {
	if err := a.mayRaise(); err != nil {
		return isms.Nonconformity{}, err
	}
	if in.OwnerID != nil && strings.TrimSpace(*in.OwnerID) == "" {
		in.OwnerID = nil
	}
	if a.Role == isms.RoleContributor && in.OwnerID != nil && *in.OwnerID != a.Member.ID {
		return isms.Nonconformity{}, fmt.Errorf("a contributor raises records they own; an ISMS manager assigns them: %w", isms.ErrForbidden)
	}
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		out, err = s.raiseNonconformity(ctx, tx, a, in)
		return err
	})
	return out, err
}

// raiseNonconformity adds the record inside tx, so that a use case that
// raises one as part of a larger change (a continuity test's follow-up)
// makes both in one transaction. The caller has checked the permission.
func (s *Service) raiseNonconformity(ctx context.Context, tx *store.Tx, a Access, in NCInput) (isms.Nonconformity, error) {
	n := isms.Nonconformity{OrgID: a.Org.ID, Kind: isms.NCKind(strings.TrimSpace(in.Kind)),
		Source: isms.NCSource(strings.TrimSpace(in.Source)), RaisedBy: a.Member.ID, OwnerID: a.Member.ID}
	if n.Kind == "" {
		n.Kind = isms.KindNonconformity
	}
	if n.Source == "" {
		n.Source = isms.SourceOther
	}
	if err := s.applyNCInput(ctx, tx, a, &n, in); err != nil {
		return n, err
	}
	return tx.CreateNonconformity(ctx, n)
}

// UpdateNonconformity changes a record that is not closed. ISMS managers
// change any; a contributor the ones they own, without handing them on.
func (s *Service) UpdateNonconformity(ctx context.Context, a Access, ref string, in NCInput) (isms.Nonconformity, error) {
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		n, err := ncByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEdit("record", n.OwnerID); err != nil {
			return err
		}
		if !a.Can(isms.PermWriteRecords) && in.OwnerID != nil && *in.OwnerID != n.OwnerID {
			return fmt.Errorf("only an ISMS manager hands a record to someone else: %w", isms.ErrForbidden)
		}
		if n.Closed() {
			return &isms.ConflictError{Field: "status", Detail: n.Ref() + " is closed; raise a new record if the problem came back"}
		}
		if err := s.applyNCInput(ctx, tx, a, &n, in); err != nil {
			return err
		}
		out, err = tx.UpdateNonconformity(ctx, n)
		return err
	})
	return out, err
}

func (s *Service) applyNCInput(ctx context.Context, tx *store.Tx, a Access, n *isms.Nonconformity, in NCInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	var grade string
	set(&grade, in.Grade)
	if in.Grade != nil {
		n.Grade = isms.NCGrade(grade)
	}
	set(&n.Title, in.Title)
	set(&n.Description, in.Description)
	set(&n.Requirement, in.Requirement)
	set(&n.OwnerID, in.OwnerID)
	set(&n.Correction, in.Correction)
	set(&n.RootCause, in.RootCause)
	if in.SetDueDate {
		n.DueDate = in.DueDate
	}
	v := &isms.ValidationError{}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": n.OwnerID}); err != nil {
		return err
	}
	if n.Requirement != "" {
		lib, err := s.library(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		n.Requirement = requirementRef(lib.lib, v, n.Requirement)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return n.Validate()
}

// requirementRef checks that ref names a clause requirement or a control
// of a framework in the library, and returns it as FRAMEWORK:ITEM.
func requirementRef(lib *framework.Library, v *isms.ValidationError, ref string) string {
	r, err := framework.ParseRef(ref)
	if err != nil {
		v.Add("requirement", "%v", err)
		return ref
	}
	_, it, ok := lib.Resolve(r)
	if !ok {
		v.Add("requirement", "%s is not in the framework library", ref)
		return ref
	}
	switch it.Kind {
	case framework.ItemClause, framework.ItemRequirement, framework.ItemControl:
		return r.String()
	}
	v.Add("requirement", "%s is a %s; name a clause, requirement or control", ref, it.Kind)
	return ref
}

// ncByRef finds a record by id or by its reference (NC-007, OFI-8, 7).
func ncByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.Nonconformity, error) {
	if n, ok := ncNumber(ref); ok {
		return r.NonconformityByRef(ctx, orgID, n)
	}
	return r.Nonconformity(ctx, orgID, ref)
}

func ncNumber(ref string) (int, bool) {
	upper := strings.ToUpper(ref)
	for _, p := range []string{"NC-", "OFI-", ""} {
		if rest, ok := strings.CutPrefix(upper, p); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > 0 {
				return n, true
			}
		}
	}
	return 0, false
}

// CorrectiveActionInput is a corrective action as entered. Done marks it complete,
// with what was done in Outcome; false reopens it.
type CorrectiveActionInput struct {
	Title   *string
	OwnerID *string
	DueDate *time.Time
	Done    *bool
	Outcome *string
}

// SaveCorrectiveAction plans an action for a record, or changes one when
// actionID is set. The record's owner plans actions; an action's owner
// may report it done.
func (s *Service) SaveCorrectiveAction(ctx context.Context, a Access, ref, actionID string, in CorrectiveActionInput) (isms.CorrectiveAction, error) {
	var out isms.CorrectiveAction
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		n, err := ncByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if n.Closed() {
			return &isms.ConflictError{Field: "status", Detail: n.Ref() + " is closed"}
		}
		c := isms.CorrectiveAction{OrgID: a.Org.ID, NonconformityID: n.ID}
		if actionID == "" {
			if err := a.mayEdit("record", n.OwnerID); err != nil {
				return err
			}
		} else {
			all, err := tx.CorrectiveActions(ctx, a.Org.ID, n.ID)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(all[n.ID], func(c isms.CorrectiveAction) bool { return c.ID == actionID })
			if i < 0 {
				return fmt.Errorf("corrective action %s: %w", actionID, isms.ErrNotFound)
			}
			c = all[n.ID][i]
			if err := a.mayEdit("corrective action", n.OwnerID, c.OwnerID); err != nil {
				return err
			}
			// The action's owner reports progress; what is to be done, by
			// whom and when stays with the record's owner.
			if !a.Can(isms.PermWriteRecords) && a.Member.ID != n.OwnerID && (in.Title != nil || in.OwnerID != nil || in.DueDate != nil) {
				return fmt.Errorf("the owner of %s plans its actions; you may report yours done: %w", n.Ref(), isms.ErrForbidden)
			}
			if !a.Can(isms.PermWriteRecords) && a.Member.ID != c.OwnerID && (in.Done != nil || in.Outcome != nil) {
				return fmt.Errorf("the owner of an action reports it done: %w", isms.ErrForbidden)
			}
		}
		if in.Title != nil {
			c.Title = strings.TrimSpace(*in.Title)
		}
		if in.OwnerID != nil {
			c.OwnerID = strings.TrimSpace(*in.OwnerID)
		}
		if in.DueDate != nil {
			c.DueDate = in.DueDate
		}
		if in.Outcome != nil {
			c.Outcome = strings.TrimSpace(*in.Outcome)
		}
		v := &isms.ValidationError{}
		if in.Done != nil {
			switch {
			case *in.Done && c.CompletedAt == nil:
				if c.Outcome == "" {
					v.Add("outcome", "is required to complete an action: say what was done, for whoever verifies it")
				}
				now := s.now()
				c.CompletedAt = &now
			case !*in.Done:
				c.CompletedAt = nil
			}
		}
		if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": c.OwnerID}); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveCorrectiveAction(ctx, c)
		return err
	})
	return out, err
}

// VerifyNonconformity records whether a record's actions worked (10.2 d).
// Someone other than the record's owner and the actions' owners must
// verify; effective closes the record, ineffective sends it back for new
// actions.
func (s *Service) VerifyNonconformity(ctx context.Context, a Access, ref string, effective bool, note string) (isms.Nonconformity, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Nonconformity{}, err
	}
	if a.Member.ID == "" {
		return isms.Nonconformity{}, fmt.Errorf("verification is signed by a member of the organisation, so that their independence shows: %w",
			isms.ErrForbidden)
	}
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		n, err := ncByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		actions, err := tx.CorrectiveActions(ctx, a.Org.ID, n.ID)
		if err != nil {
			return err
		}
		if stage := n.Stage(actions[n.ID]); stage != isms.StageVerification {
			return &isms.ConflictError{Field: "status", Detail: fmt.Sprintf("%s is %s; it can be verified once its corrective actions are all done",
				n.Ref(), strings.ToLower(stage.Label()))}
		}
		if a.Member.ID == n.OwnerID || slices.ContainsFunc(actions[n.ID], func(c isms.CorrectiveAction) bool { return c.OwnerID == a.Member.ID }) {
			return fmt.Errorf("someone other than the owners of %s and of its actions verifies them: %w", n.Ref(), isms.ErrForbidden)
		}
		v := &isms.ValidationError{}
		note = strings.TrimSpace(note)
		if note == "" {
			v.Add("note", "is required: say what was checked and what it showed")
		}
		if effective && n.Kind == isms.KindNonconformity {
			if n.Correction == "" {
				v.Add("correction", "is required before closing: record what was done at once to contain the problem")
			}
			if n.RootCause == "" {
				v.Add("root_cause", "is required before closing: record why it happened")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.now()
		n.VerifiedBy, n.VerifiedAt, n.Effective, n.VerificationNote = a.Member.ID, &now, &effective, note
		if effective {
			n.ClosedAt = &now
		}
		out, err = tx.UpdateNonconformity(ctx, n)
		return err
	})
	return out, err
}

// NCDetail is a record with its actions and what they make of it.
type NCDetail struct {
	isms.Nonconformity
	Actions []isms.CorrectiveAction
	Stage   isms.NCStage
	Overdue bool
	// Finding is the vulnerability finding whose missed deadline this
	// records, when there is one.
	Finding *store.Finding
	// RequirementTitle is the title of the requirement not met.
	RequirementTitle string
	// Members names the organisation's members by membership id.
	Members map[string]string
}

// Nonconformity returns a record of the register by id or reference.
func (s *Service) Nonconformity(ctx context.Context, a Access, ref string) (NCDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return NCDetail{}, err
	}
	n, err := ncByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return NCDetail{}, err
	}
	actions, err := s.db.CorrectiveActions(ctx, a.Org.ID, n.ID)
	if err != nil {
		return NCDetail{}, err
	}
	d := NCDetail{Nonconformity: n, Actions: actions[n.ID], Stage: n.Stage(actions[n.ID]), Overdue: n.Overdue(actions[n.ID], s.now())}
	if n.FindingID != "" {
		f, err := s.db.FindingByID(ctx, a.Org.ID, n.FindingID)
		if err != nil {
			return d, err
		}
		d.Finding = &f
	}
	if n.Requirement != "" {
		lib, err := s.library(ctx, a.Org.ID)
		if err != nil {
			return d, err
		}
		if r, err := framework.ParseRef(n.Requirement); err == nil {
			if _, it, ok := lib.lib.Resolve(r); ok {
				d.RequirementTitle = it.Title
			}
		}
	}
	d.Members, err = s.memberNames(ctx, a.Org.ID)
	return d, err
}

func (s *Service) memberNames(ctx context.Context, orgID string) (map[string]string, error) {
	members, err := s.db.AllMembers(ctx, orgID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(members))
	for _, m := range members {
		names[m.ID] = m.Name
	}
	return names, nil
}

// NCRow is a line of the register.
type NCRow struct {
	isms.Nonconformity
	Stage   isms.NCStage
	Overdue bool
	// Actions and ActionsDone count its corrective actions.
	Actions, ActionsDone int
}

// Nonconformities lists the register, newest first. The stage filter, when
// set, applies after the page is read, so a page may hold fewer rows.
func (s *Service) Nonconformities(ctx context.Context, a Access, f store.NCFilter) ([]NCRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	f.Now = s.now()
	list, err := s.db.Nonconformities(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, n := range list {
		ids[i] = n.ID
	}
	actions, err := s.db.CorrectiveActions(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]NCRow, len(list))
	for i, n := range list {
		acts := actions[n.ID]
		out[i] = NCRow{Nonconformity: n, Stage: n.Stage(acts), Overdue: n.Overdue(acts, f.Now), Actions: len(acts)}
		for _, c := range acts {
			if c.Done() {
				out[i].ActionsDone++
			}
		}
	}
	return out, nil
}

// NonconformityCounts summarises the register.
func (s *Service) NonconformityCounts(ctx context.Context, a Access) (store.NCCounts, error) {
	if err := a.require(isms.PermRead); err != nil {
		return store.NCCounts{}, err
	}
	return s.db.NonconformityCounts(ctx, a.Org.ID, s.now())
}

// RaiseFindingNonconformity records a missed remediation deadline as a
// nonconformity against A.8.8, owned by ownerID when given, else by the
// asset's owner, else (for a discovered asset without one) by whoever
// raises it.
func (s *Service) RaiseFindingNonconformity(ctx context.Context, a Access, findingID, ownerID string) (isms.Nonconformity, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Nonconformity{}, err
	}
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		f, err := tx.FindingByID(ctx, a.Org.ID, findingID)
		if err != nil {
			return err
		}
		now := s.now()
		missed := f.DueDate != nil && (f.Overdue(now) || f.Status == isms.FindingFixed && f.FixedAt != nil && f.FixedAt.After(*f.DueDate))
		if !missed {
			return &isms.ConflictError{Field: "finding",
				Detail: "this finding has not missed its remediation deadline; a nonconformity records a deadline that was missed"}
		}
		existing, err := tx.OpenNonconformityOfFinding(ctx, a.Org.ID, f.ID)
		switch {
		case err == nil && !existing.Closed():
			return &isms.ConflictError{Field: "finding", Detail: existing.Ref() + " already records this missed deadline"}
		case err != nil && !errors.Is(err, isms.ErrNotFound):
			return err
		}
		asset, err := tx.Asset(ctx, a.Org.ID, f.AssetID)
		if err != nil {
			return err
		}
		owner := cmp.Or(ownerID, asset.OwnerID, a.Member.ID)
		late := now
		if f.Status == isms.FindingFixed {
			late = *f.FixedAt
		}
		desc := fmt.Sprintf("%s severity finding %q (plugin %d) on %s, port %d/%s, first seen %s, was due for remediation by %s "+
			"under the organisation's vulnerability deadlines", f.Severity, f.Plugin.Name, f.Plugin.ID, asset.Name, f.Port, f.Protocol,
			f.FirstSeen.Format(time.DateOnly), f.DueDate.Format(time.DateOnly))
		days := int(late.Sub(*f.DueDate).Hours() / 24)
		if f.Status == isms.FindingFixed {
			desc += fmt.Sprintf(" and was fixed %d days late, on %s.", days, f.FixedAt.Format(time.DateOnly))
		} else {
			desc += fmt.Sprintf(" and is still open, %d days past that date.", days)
		}
		// The deadline has passed already: a week to contain and plan.
		due := now.AddDate(0, 0, 7)
		grade, title, requirement := string(isms.GradeMinor), clipRunes("Missed remediation deadline: "+f.Plugin.Name+" on "+asset.Name, 300), vulnControl
		n := isms.Nonconformity{OrgID: a.Org.ID, FindingID: f.ID, RaisedBy: a.Member.ID, Kind: isms.KindNonconformity,
			Source: isms.SourceVulnerabilitySLA}
		in := NCInput{Grade: &grade, Title: &title, Description: &desc, Requirement: &requirement, OwnerID: &owner, DueDate: &due,
			SetDueDate: true}
		if err := s.applyNCInput(ctx, tx, a, &n, in); err != nil {
			return err
		}
		out, err = tx.CreateNonconformity(ctx, n)
		return err
	})
	return out, err
}
