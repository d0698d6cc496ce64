package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// ProgrammeInput is the audit programme as entered; nil fields stay.
type ProgrammeInput struct {
	CycleStart *time.Time
	Notes      *string
}

// SetAuditProgramme sets up the organisation's internal audit programme,
// or changes it.
func (s *Service) SetAuditProgramme(ctx context.Context, a Access, in ProgrammeInput) (isms.AuditProgramme, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.AuditProgramme{}, err
	}
	var out isms.AuditProgramme
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		p, err := tx.AuditProgramme(ctx, a.Org.ID)
		if err != nil && !errors.Is(err, isms.ErrNotFound) {
			return err
		}
		p.OrgID = a.Org.ID
		if in.CycleStart != nil {
			p.CycleStart = in.CycleStart.UTC()
		}
		if in.Notes != nil {
			p.Notes = strings.TrimSpace(*in.Notes)
		}
		if err := p.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveAuditProgramme(ctx, p)
		return err
	})
	return out, err
}

// AuditInput is an audit as entered. On an update, nil fields stay; the
// scope is fixed once the audit is planned, since its checklist is made
// from it.
type AuditInput struct {
	Title        *string
	Scope        []string
	Criteria     *string
	Auditors     *[]string
	PlannedStart *time.Time
	PlannedEnd   *time.Time
	Conclusion   *string
	// Status moves the audit on: in_progress starts it, completed closes
	// it once every checklist item has a result.
	Status *string
}

// PlanAudit adds an audit to the programme and generates its checklist
// from the scope: the clause requirements named, the controls of the
// Annex A themes and controls named that the Statement of Applicability
// includes, and the AI overlay requirements that refine those controls.
func (s *Service) PlanAudit(ctx context.Context, a Access, in AuditInput) (isms.Audit, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Audit{}, err
	}
	au := isms.Audit{OrgID: a.Org.ID, Status: isms.AuditPlanned, CreatedBy: a.Member.ID}
	if in.Title != nil {
		au.Title = strings.TrimSpace(*in.Title)
	}
	if in.Criteria != nil {
		au.Criteria = strings.TrimSpace(*in.Criteria)
	}
	if in.PlannedStart != nil {
		au.PlannedStart = in.PlannedStart.UTC()
	}
	if in.PlannedEnd != nil {
		au.PlannedEnd = in.PlannedEnd.UTC()
	}
	if in.Status != nil && *in.Status != string(isms.AuditPlanned) {
		return au, isms.Invalid("status", "a new audit is planned; start it once it is under way")
	}
	var auditors []string
	if in.Auditors != nil {
		auditors = *in.Auditors
	}
	cl, err := s.checklistContext(ctx, a)
	if err != nil {
		return au, err
	}
	var out isms.Audit
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		v := &isms.ValidationError{}
		items, scope := cl.generate(v, in.Scope)
		au.Scope = scope
		if len(in.Scope) > 0 && len(items) == 0 && len(v.Fields) == 0 {
			v.Add("scope", "gives an empty checklist: none of it is a clause requirement or an included control")
		}
		ids, err := s.checkAuditors(ctx, tx.Reads, a, v, auditors, items, cl.owners)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := au.Validate(); err != nil {
			return err
		}
		if out, err = tx.CreateAudit(ctx, au); err != nil {
			return err
		}
		if err := tx.SetAuditors(ctx, a.Org.ID, out.ID, ids); err != nil {
			return err
		}
		for i, it := range items {
			it.OrgID, it.AuditID, it.Position = a.Org.ID, out.ID, i+1
			if _, err := tx.CreateAuditItem(ctx, it); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// UpdateAudit changes an audit that is not completed, or moves it on.
func (s *Service) UpdateAudit(ctx context.Context, a Access, ref string, in AuditInput) (isms.Audit, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Audit{}, err
	}
	if in.Scope != nil {
		return isms.Audit{}, isms.Invalid("scope", "is fixed once the audit is planned, since its checklist was made from it; plan another audit to cover more")
	}
	var cl checklistContext
	if in.Auditors != nil {
		var err error
		if cl, err = s.checklistContext(ctx, a); err != nil {
			return isms.Audit{}, err
		}
	}
	var out isms.Audit
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		au, err := auditByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if au.Status == isms.AuditCompleted {
			return &isms.ConflictError{Field: "status", Detail: au.Ref() + " is completed; its report stands as it was"}
		}
		if in.Title != nil {
			au.Title = strings.TrimSpace(*in.Title)
		}
		if in.Criteria != nil {
			au.Criteria = strings.TrimSpace(*in.Criteria)
		}
		if in.Conclusion != nil {
			au.Conclusion = strings.TrimSpace(*in.Conclusion)
		}
		if in.PlannedStart != nil {
			au.PlannedStart = in.PlannedStart.UTC()
		}
		if in.PlannedEnd != nil {
			au.PlannedEnd = in.PlannedEnd.UTC()
		}
		items, err := tx.AuditItems(ctx, a.Org.ID, au.ID)
		if err != nil {
			return err
		}
		v := &isms.ValidationError{}
		var ids []string
		if in.Auditors != nil {
			if ids, err = s.checkAuditors(ctx, tx.Reads, a, v, *in.Auditors, items, cl.owners); err != nil {
				return err
			}
		}
		if in.Status != nil {
			s.moveAudit(v, &au, isms.AuditStatus(strings.TrimSpace(*in.Status)), items)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := au.Validate(); err != nil {
			return err
		}
		if out, err = tx.UpdateAudit(ctx, au); err != nil {
			return err
		}
		if in.Auditors != nil {
			return tx.SetAuditors(ctx, a.Org.ID, au.ID, ids)
		}
		return nil
	})
	return out, err
}

// moveAudit applies a change of status: audits only move forward, and an
// audit is completed only when its whole checklist has results, so that
// its report covers its scope.
func (s *Service) moveAudit(v *isms.ValidationError, au *isms.Audit, to isms.AuditStatus, items []isms.AuditItem) {
	if to == au.Status {
		return
	}
	now := s.now()
	switch to {
	case isms.AuditInProgress:
		if au.Status != isms.AuditPlanned {
			v.Add("status", "an audit in progress cannot go back to being planned")
			return
		}
		au.Status, au.StartedAt = to, &now
	case isms.AuditCompleted:
		var open []string
		for _, it := range items {
			if it.Result == isms.ResultNone {
				open = append(open, cite(it.Ref))
			}
		}
		if len(open) > 0 {
			v.Add("status", "cannot complete the audit: %d checklist items have no result (%s)", len(open), listSome(open, 8))
			return
		}
		if au.StartedAt == nil {
			au.StartedAt = &now
		}
		au.Status, au.CompletedAt = to, &now
	case isms.AuditPlanned:
		v.Add("status", "an audit under way cannot go back to being planned")
	default:
		v.Add("status", "%q is not a status; use in_progress or completed", to)
	}
}

func listSome(refs []string, n int) string {
	if len(refs) <= n {
		return strings.Join(refs, ", ")
	}
	return strings.Join(refs[:n], ", ") + fmt.Sprintf(" and %d more", len(refs)-n)
}

// cite is how people cite a framework reference: its item.
func cite(ref string) string {
	if r, err := framework.ParseRef(ref); err == nil {
		return r.Item
	}
	return ref
}

// checkAuditors validates the auditors named on an audit and returns their
// membership ids. Internal auditors record results, so they need a role
// that writes; and they must be objective and impartial (9.2.2 c), so none
// may own a control on the checklist.
func (s *Service) checkAuditors(ctx context.Context, r store.Reads, a Access, v *isms.ValidationError, ids []string,
	items []isms.AuditItem, owners map[string]string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		v.Add("auditors", "name at least one auditor")
		return nil, nil
	}
	for _, id := range out {
		m, err := r.Member(ctx, a.Org.ID, id)
		if errors.Is(err, isms.ErrNotFound) || (err == nil && !m.Active(s.now())) {
			v.Add("auditors", "%s is not a member of this organisation", id)
			continue
		}
		if err != nil {
			return nil, err
		}
		if m.Role == isms.RoleViewer || m.Role == isms.RoleAuditor {
			v.Add("auditors", "%s is a %s; internal auditors record results, which that role cannot", m.Name, strings.ToLower(m.Role.Label()))
			continue
		}
		var own []string
		for _, it := range items {
			if it.Kind == isms.ItemKindControl && owners[it.Ref] == id {
				own = append(own, cite(it.Ref))
			}
		}
		if len(own) > 0 {
			v.Add("auditors", "%s owns %s in this audit's scope; an auditor may not audit their own controls", m.Name, strings.Join(own, ", "))
		}
	}
	return out, nil
}

// checklistContext is what a checklist is generated from: the framework
// library, the Statement of Applicability as it stands, and the overlays
// the organisation runs.
type checklistContext struct {
	lib      *framework.Library
	iso      *framework.Framework
	entries  map[string]soa.Entry
	owners   map[string]string
	overlays map[string]bool
}

func (s *Service) checklistContext(ctx context.Context, a Access) (checklistContext, error) {
	fw, lib, err := s.soaFramework(ctx, a, framework.ISO27001v2022)
	if err != nil {
		return checklistContext{}, err
	}
	doc, err := s.buildSoA(ctx, s.db.Reads, a, fw, lib)
	if err != nil {
		return checklistContext{}, err
	}
	c := checklistContext{lib: lib, iso: fw, entries: map[string]soa.Entry{}, owners: map[string]string{}, overlays: map[string]bool{}}
	for _, e := range doc.Entries {
		if !e.Custom {
			c.entries[e.Control] = e
			c.owners[e.Control] = e.OwnerID
		}
	}
	views, _, err := s.views(ctx, a)
	if err != nil {
		return c, err
	}
	for _, v := range views {
		if v.Enabled && v.Kind == framework.KindOverlay {
			c.overlays[v.ID] = true
		}
	}
	return c, nil
}

// generate expands a scope into checklist items, in the standard's order:
// clause requirements, then controls each followed by the overlay
// requirements that refine it, then overlay requirements named on their
// own. It returns the scope as framework references, without duplicates.
func (c checklistContext) generate(v *isms.ValidationError, scope []string) ([]isms.AuditItem, []string) {
	var refs []string
	clauses, controls, overlay := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, raw := range scope {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if !strings.Contains(raw, ":") {
			raw = framework.ISO27001v2022 + ":" + raw
		}
		r, err := framework.ParseRef(raw)
		if err != nil {
			v.Add("scope", "%v", err)
			continue
		}
		fw, it, ok := c.lib.Resolve(r)
		if !ok {
			v.Add("scope", "%s is not in the framework library", raw)
			continue
		}
		if slices.Contains(refs, r.String()) {
			continue
		}
		refs = append(refs, r.String())
		switch {
		case fw.ID == framework.ISO27001v2022 && it.Kind == framework.ItemClause:
			for _, d := range withDescendants(fw, it) {
				if d.Kind == framework.ItemClause && d.Assessable {
					clauses[d.ID] = true
				}
			}
		case fw.ID == framework.ISO27001v2022:
			n := 0
			for _, d := range withDescendants(fw, it) {
				ref := fw.ID + ":" + d.ID
				if e, ok := c.entries[ref]; ok && e.Included() {
					controls[ref] = true
					n++
				}
			}
			if n == 0 && it.Kind == framework.ItemControl {
				v.Add("scope", "%s is not included in the Statement of Applicability; only applicable controls are audited", it.Cite())
			} else if n == 0 {
				v.Add("scope", "%s holds no control the Statement of Applicability includes", it.Cite())
			}
		case fw.Kind == framework.KindOverlay && c.overlays[fw.ID]:
			for _, d := range withDescendants(fw, it) {
				if d.Assessable {
					overlay[fw.ID+":"+d.ID] = true
				}
			}
		case fw.Kind == framework.KindOverlay:
			v.Add("scope", "%s belongs to %s, which the organisation does not run", raw, fw.Title())
		default:
			v.Add("scope", "%s: an internal audit covers ISO/IEC 27001:2022 clauses and controls and AI overlay requirements", raw)
		}
	}
	var out []isms.AuditItem
	added := map[string]bool{}
	add := func(ref string, kind isms.AuditItemKind, title string) {
		if !added[ref] {
			added[ref] = true
			out = append(out, isms.AuditItem{Ref: ref, Kind: kind, Title: title})
		}
	}
	for _, it := range c.iso.Items {
		if clauses[it.ID] {
			add(c.iso.ID+":"+it.ID, isms.ItemKindClause, it.Title)
		}
	}
	for _, it := range c.iso.Items {
		ref := c.iso.ID + ":" + it.ID
		if !controls[ref] {
			continue
		}
		add(ref, isms.ItemKindControl, it.Title)
		for _, rf := range c.entries[ref].Refinements {
			if r, err := framework.ParseRef(rf.Ref); err == nil && c.overlays[r.Framework] {
				add(rf.Ref, isms.ItemKindOverlay, rf.Title)
			}
		}
	}
	for _, fw := range c.lib.Frameworks() {
		for _, it := range fw.Items {
			if ref := fw.ID + ":" + it.ID; overlay[ref] {
				add(ref, isms.ItemKindOverlay, it.Title)
			}
		}
	}
	return out, refs
}

// withDescendants returns it and every item below it.
func withDescendants(fw *framework.Framework, it *framework.Item) []*framework.Item {
	out := []*framework.Item{it}
	for _, ch := range fw.Children(it.ID) {
		out = append(out, withDescendants(fw, ch)...)
	}
	return out
}

// AuditItemInput is a checklist item's result as entered; nil fields stay.
type AuditItemInput struct {
	Result   *string
	Notes    *string
	Evidence *[]isms.Link
}

// RecordAuditResult records the result of a checklist item. A minor or
// major nonconformity raises a record in the nonconformity register, and
// an opportunity for improvement an improvement, in the same transaction,
// owned by the control's owner (else by whoever records it). The audit's
// auditors record results even as contributors; ISMS managers may too.
func (s *Service) RecordAuditResult(ctx context.Context, a Access, auditRef, itemRef string, in AuditItemInput) (isms.AuditItem, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.AuditItem{}, err
	}
	var out isms.AuditItem
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		au, err := auditByRef(ctx, tx.Reads, a.Org.ID, auditRef)
		if err != nil {
			return err
		}
		if !a.Can(isms.PermWriteRecords) {
			auditors, err := tx.Auditors(ctx, a.Org.ID, au.ID)
			if err != nil {
				return err
			}
			if a.Role != isms.RoleContributor || !slices.Contains(auditors[au.ID], a.Member.ID) {
				return fmt.Errorf("the auditors of %s and ISMS managers record its results: %w", au.Ref(), isms.ErrForbidden)
			}
		}
		if au.Status == isms.AuditCompleted {
			return &isms.ConflictError{Field: "status", Detail: au.Ref() + " is completed; its results stand as reported"}
		}
		items, err := tx.AuditItems(ctx, a.Org.ID, au.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(items, func(it isms.AuditItem) bool { return it.ID == itemRef || it.Ref == itemRef })
		if i < 0 {
			return fmt.Errorf("checklist item %s of %s: %w", itemRef, au.Ref(), isms.ErrNotFound)
		}
		it := items[i]
		before := it.Result
		if in.Result != nil {
			it.Result = isms.AuditResult(strings.TrimSpace(*in.Result))
		}
		if in.Notes != nil {
			it.Notes = strings.TrimSpace(*in.Notes)
		}
		if in.Evidence != nil {
			it.Evidence = *in.Evidence
		}
		if it.NonconformityID != "" && it.Result != before {
			n, err := tx.Nonconformity(ctx, a.Org.ID, it.NonconformityID)
			if err != nil {
				return err
			}
			return &isms.ConflictError{Field: "result", Detail: "this result raised " + n.Ref() +
				"; it stands, and the register follows it from here"}
		}
		if it.Result == isms.ResultNone && before != isms.ResultNone {
			return isms.Invalid("result", "is required once recorded; choose another result to change it")
		}
		if err := it.Validate(); err != nil {
			return err
		}
		now := s.now()
		if it.Result != before {
			it.RecordedBy, it.RecordedAt = a.Member.ID, &now
		}
		if kind, grade, ok := it.Result.Raises(); ok && it.NonconformityID == "" {
			n, err := s.raiseFromAudit(ctx, tx, a, au, it, kind, grade)
			if err != nil {
				return err
			}
			it.NonconformityID = n.ID
		}
		if au.Status == isms.AuditPlanned {
			au.Status, au.StartedAt = isms.AuditInProgress, &now
			if _, err := tx.UpdateAudit(ctx, au); err != nil {
				return err
			}
		}
		out, err = tx.UpdateAuditItem(ctx, it)
		return err
	})
	return out, err
}

// raiseFromAudit records a finding in the nonconformity register against
// the item's requirement. A nonconformity gets a deadline by its grade: a
// certification body expects a major one dealt with within weeks.
func (s *Service) raiseFromAudit(ctx context.Context, tx *store.Tx, a Access, au isms.Audit, it isms.AuditItem, kind isms.NCKind,
	grade isms.NCGrade) (isms.Nonconformity, error) {
	owner := a.Member.ID
	if it.Kind == isms.ItemKindControl {
		c, err := tx.Control(ctx, a.Org.ID, it.Ref)
		switch {
		case err == nil && c.OwnerID != "":
			owner = c.OwnerID
		case err != nil && !errors.Is(err, isms.ErrNotFound):
			return isms.Nonconformity{}, err
		}
	}
	title := clipRunes(au.Ref()+": "+cite(it.Ref)+" "+it.Title, 300)
	desc := it.Notes + "\n\nFound in " + au.Ref() + " " + au.Title + "."
	g, req := string(grade), it.Ref
	in := NCInput{Kind: string(kind), Source: string(isms.SourceInternalAudit), Title: &title, Description: &desc, Requirement: &req,
		OwnerID: &owner}
	if kind == isms.KindNonconformity {
		in.Grade = &g
		due := s.now().AddDate(0, 0, 90)
		if grade == isms.GradeMajor {
			due = s.now().AddDate(0, 0, 30)
		}
		in.DueDate, in.SetDueDate = &due, true
	}
	n, err := s.raiseNonconformity(ctx, tx, a, in)
	var ve *isms.ValidationError
	if errors.As(err, &ve) {
		// The record's fields come from the item; say which of the
		// item's fields to fix.
		out := &isms.ValidationError{}
		for _, f := range ve.Fields {
			out.Add("nonconformity."+f.Field, "%s", f.Detail)
		}
		return n, out
	}
	return n, err
}

func auditByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.Audit, error) {
	if n, ok := refNumber("AUD", ref); ok {
		return r.AuditByRef(ctx, orgID, n)
	}
	return r.Audit(ctx, orgID, ref)
}

// AuditItemView is a checklist item with the record it raised.
type AuditItemView struct {
	isms.AuditItem
	// Cite is how the standard numbers the item (A.5.18, 9.2.1).
	Cite string
	// NCRef is the reference of the record the result raised.
	NCRef     string
	NCClosed  bool
	NCStage   isms.NCStage
	Recorder  string
	OwnerName string
}

// AuditDetail is an audit with its auditors and checklist.
type AuditDetail struct {
	isms.Audit
	AuditorIDs []string
	Auditors   []string
	Items      []AuditItemView
	// Counts counts the checklist by result; Counts[""] the items still
	// to audit.
	Counts map[isms.AuditResult]int
	// Members names the organisation's members by membership id.
	Members map[string]string
	// Year is the year of the cycle the audit is planned in, 0 outside it
	// or while there is no programme.
	Year int
}

// Done counts the items with a result.
func (d AuditDetail) Done() int { return len(d.Items) - d.Counts[isms.ResultNone] }

// MayRecord reports whether a can record results on the audit.
func (d AuditDetail) MayRecord(a Access) bool {
	if d.Status == isms.AuditCompleted {
		return false
	}
	return a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor && slices.Contains(d.AuditorIDs, a.Member.ID)
}

// Audit returns an audit by id or reference, with its checklist.
func (s *Service) Audit(ctx context.Context, a Access, ref string) (AuditDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return AuditDetail{}, err
	}
	au, err := auditByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return AuditDetail{}, err
	}
	d := AuditDetail{Audit: au, Counts: map[isms.AuditResult]int{}}
	if d.Members, err = s.memberNames(ctx, a.Org.ID); err != nil {
		return d, err
	}
	switch p, err := s.db.AuditProgramme(ctx, a.Org.ID); {
	case err == nil:
		d.Year = p.CycleYear(au.PlannedStart)
	case !errors.Is(err, isms.ErrNotFound):
		return d, err
	}
	auditors, err := s.db.Auditors(ctx, a.Org.ID, au.ID)
	if err != nil {
		return d, err
	}
	d.AuditorIDs = auditors[au.ID]
	for _, id := range d.AuditorIDs {
		d.Auditors = append(d.Auditors, d.Members[id])
	}
	items, err := s.db.AuditItems(ctx, a.Org.ID, au.ID)
	if err != nil {
		return d, err
	}
	var ncIDs []string
	for _, it := range items {
		if it.NonconformityID != "" {
			ncIDs = append(ncIDs, it.NonconformityID)
		}
	}
	actions, err := s.db.CorrectiveActions(ctx, a.Org.ID, ncIDs...)
	if err != nil {
		return d, err
	}
	controls, err := s.db.Controls(ctx, a.Org.ID, framework.ISO27001v2022+":")
	if err != nil {
		return d, err
	}
	owners := map[string]string{}
	for _, c := range controls {
		owners[c.Control] = c.OwnerID
	}
	for _, it := range items {
		v := AuditItemView{AuditItem: it, Cite: cite(it.Ref), Recorder: d.Members[it.RecordedBy], OwnerName: d.Members[owners[it.Ref]]}
		if it.NonconformityID != "" {
			n, err := s.db.Nonconformity(ctx, a.Org.ID, it.NonconformityID)
			if err != nil {
				return d, err
			}
			v.NCRef, v.NCClosed, v.NCStage = n.Ref(), n.Closed(), n.Stage(actions[n.ID])
		}
		d.Items = append(d.Items, v)
		d.Counts[it.Result]++
	}
	return d, nil
}

// AuditRow is a line of the list of audits.
type AuditRow struct {
	isms.Audit
	// AuditorIDs are the auditors' membership ids, in the order of
	// Auditors, their names.
	AuditorIDs  []string
	Auditors    []string
	Items, Done int
	// Year is the year of the cycle the audit is planned in, 0 outside it.
	Year int
}

// Audits lists audits in reference order, with their progress.
func (s *Service) Audits(ctx context.Context, a Access, f store.AuditFilter) ([]AuditRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	list, err := s.db.Audits(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	return s.auditRows(ctx, a, list)
}

func (s *Service) auditRows(ctx context.Context, a Access, list []isms.Audit) ([]AuditRow, error) {
	ids := make([]string, len(list))
	for i, au := range list {
		ids[i] = au.ID
	}
	auditors, err := s.db.Auditors(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	progress, err := s.db.AuditProgress(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	names, err := s.memberNames(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	p, err := s.db.AuditProgramme(ctx, a.Org.ID)
	if err != nil && !errors.Is(err, isms.ErrNotFound) {
		return nil, err
	}
	out := make([]AuditRow, len(list))
	for i, au := range list {
		out[i] = AuditRow{Audit: au, AuditorIDs: auditors[au.ID], Items: progress[au.ID][0], Done: progress[au.ID][1]}
		if p.ID != "" {
			out[i].Year = p.CycleYear(au.PlannedStart)
		}
		for _, id := range auditors[au.ID] {
			out[i].Auditors = append(out[i].Auditors, names[id])
		}
	}
	return out, nil
}

// Requirement is one clause requirement or applicable control the
// programme must reach.
type Requirement struct {
	Ref, Cite, Title string
	// Audited is when a result was last recorded for it in the cycle, and
	// in which audit.
	Audited *time.Time
	Audit   string
	Result  isms.AuditResult
}

// CoverageGroup is a clause or an Annex A theme with how much of it the
// cycle's audits have reached.
type CoverageGroup struct {
	Key, Label     string
	Covered, Total int
	Gaps           []Requirement
}

// ProgrammeYear is one year of the cycle with the audits planned in it.
type ProgrammeYear struct {
	Year     int
	From, To time.Time
	Audits   []AuditRow
}

// ProgrammeView is the audit programme over the certification cycle: the
// audits by year and the coverage of every clause requirement and every
// applicable Annex A control, with the gaps named.
type ProgrammeView struct {
	// Programme is nil until one is set up.
	Programme *isms.AuditProgramme
	Years     []ProgrammeYear
	// Outside lists audits planned outside the cycle, or all of them while
	// there is no programme.
	Outside        []AuditRow
	Clauses        []CoverageGroup
	Themes         []CoverageGroup
	Covered, Total int
}

// Gaps counts the requirements not yet audited in the cycle.
func (v ProgrammeView) Gaps() int { return v.Total - v.Covered }

// AuditProgramme returns the programme with its coverage as of now.
func (s *Service) AuditProgramme(ctx context.Context, a Access) (ProgrammeView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ProgrammeView{}, err
	}
	var view ProgrammeView
	p, err := s.db.AuditProgramme(ctx, a.Org.ID)
	switch {
	case err == nil:
		view.Programme = &p
	case !errors.Is(err, isms.ErrNotFound):
		return view, err
	}
	list, err := s.db.Audits(ctx, a.Org.ID, store.AuditFilter{Limit: store.MaxLimit})
	if err != nil {
		return view, err
	}
	rows, err := s.auditRows(ctx, a, list)
	if err != nil {
		return view, err
	}
	if view.Programme != nil {
		for y := 1; y <= isms.CycleYears; y++ {
			view.Years = append(view.Years, ProgrammeYear{Year: y, From: p.CycleStart.AddDate(y-1, 0, 0), To: p.CycleStart.AddDate(y, 0, 0)})
		}
	}
	for _, r := range rows {
		if r.Year > 0 {
			view.Years[r.Year-1].Audits = append(view.Years[r.Year-1].Audits, r)
		} else {
			view.Outside = append(view.Outside, r)
		}
	}
	audited := map[string]store.Audited{}
	refOf := map[string]string{}
	if view.Programme != nil {
		got, err := s.db.AuditedBetween(ctx, a.Org.ID, p.CycleStart, p.CycleEnd())
		if err != nil {
			return view, err
		}
		for _, x := range got {
			audited[x.Ref] = x
		}
		for _, r := range rows {
			refOf[r.ID] = r.Ref()
		}
	}
	fw, lib, err := s.soaFramework(ctx, a, framework.ISO27001v2022)
	if err != nil {
		return view, err
	}
	doc, err := s.buildSoA(ctx, s.db.Reads, a, fw, lib)
	if err != nil {
		return view, err
	}
	requirement := func(ref, cite, title string) Requirement {
		r := Requirement{Ref: ref, Cite: cite, Title: title}
		if x, ok := audited[ref]; ok {
			at := x.RecordedAt
			r.Audited, r.Audit, r.Result = &at, refOf[x.AuditID], x.Result
		}
		return r
	}
	tally := func(groups []CoverageGroup, key, label string, r Requirement) []CoverageGroup {
		i := slices.IndexFunc(groups, func(g CoverageGroup) bool { return g.Key == key })
		if i < 0 {
			groups = append(groups, CoverageGroup{Key: key, Label: label})
			i = len(groups) - 1
		}
		groups[i].Total++
		view.Total++
		if r.Audited != nil {
			groups[i].Covered++
			view.Covered++
		} else {
			groups[i].Gaps = append(groups[i].Gaps, r)
		}
		return groups
	}
	for _, it := range fw.Items {
		if it.Kind != framework.ItemClause || !it.Assessable {
			continue
		}
		top := it
		for top.Parent != "" {
			if parent, ok := fw.Item(top.Parent); ok {
				top = parent
			} else {
				break
			}
		}
		view.Clauses = tally(view.Clauses, top.ID, top.Cite()+" "+top.Title, requirement(fw.ID+":"+it.ID, it.Cite(), it.Title))
	}
	for _, e := range doc.Entries {
		if e.Custom || !e.Included() {
			continue
		}
		key, _, _ := strings.Cut(e.Theme, " ")
		view.Themes = tally(view.Themes, key, cmp.Or(e.Theme, "Annex A"), requirement(e.Control, e.ID, e.Title))
	}
	return view, nil
}

// ScopeOption is something an audit's scope may name, for forms.
type ScopeOption struct {
	Ref, Label string
	// Group is "Clauses", "Annex A" or the overlay's name.
	Group string
}

// AuditScopeOptions lists the clauses, Annex A themes and controls, and
// the overlay domains the organisation could audit.
func (s *Service) AuditScopeOptions(ctx context.Context, a Access) ([]ScopeOption, error) {
	cl, err := s.checklistContext(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []ScopeOption
	for _, it := range cl.iso.Items {
		ref := cl.iso.ID + ":" + it.ID
		switch {
		case it.Kind == framework.ItemClause:
			out = append(out, ScopeOption{Ref: ref, Label: it.Cite() + " " + it.Title, Group: "Clauses"})
		case it.Kind == framework.ItemTheme:
			out = append(out, ScopeOption{Ref: ref, Label: it.Cite() + " " + it.Title + " (every included control)", Group: "Annex A"})
		case it.Kind == framework.ItemControl && cl.entries[ref].Included():
			out = append(out, ScopeOption{Ref: ref, Label: it.Cite() + " " + it.Title, Group: "Annex A"})
		}
	}
	for _, fw := range cl.lib.Frameworks() {
		if !cl.overlays[fw.ID] {
			continue
		}
		for _, it := range fw.Items {
			if it.Parent == "" {
				out = append(out, ScopeOption{Ref: fw.ID + ":" + it.ID, Label: it.Cite() + " " + it.Title, Group: fw.Title()})
			}
		}
	}
	return out, nil
}

// auditReport gathers an audit as its report shows it.
func (s *Service) auditReport(ctx context.Context, a Access, ref string) (report.AuditReport, error) {
	d, err := s.Audit(ctx, a, ref)
	if err != nil {
		return report.AuditReport{}, err
	}
	r := report.AuditReport{Ref: d.Ref(), Title: d.Title, Organisation: a.Org.Name, Status: d.Status.Label(), Scope: d.Scope,
		Criteria: d.Criteria, Auditors: d.Auditors, PlannedStart: d.PlannedStart, PlannedEnd: d.PlannedEnd, StartedAt: d.StartedAt,
		CompletedAt: d.CompletedAt, Conclusion: d.Conclusion, GeneratedAt: s.now(), GeneratedBy: a.Principal.Actor()}
	for _, it := range d.Items {
		ri := report.AuditReportItem{Ref: it.Ref, Cite: it.Cite, Kind: string(it.Kind), Title: it.Title, Notes: it.Notes,
			RecordedBy: it.Recorder, RecordedAt: it.RecordedAt,
			Finding: it.Result != isms.ResultNone && it.Result != isms.ResultConforming}
		if it.Result != isms.ResultNone {
			ri.Result = it.Result.Label()
		}
		if it.NCRef != "" {
			ri.Record = it.NCRef + " (" + strings.ToLower(it.NCStage.Label()) + ")"
		}
		for _, l := range it.Evidence {
			ri.Evidence = append(ri.Evidence, l.Title+": "+l.URL)
		}
		r.Items = append(r.Items, ri)
	}
	return r, nil
}

// AuditReportPDF writes an audit's report as a PDF.
func (s *Service) AuditReportPDF(ctx context.Context, a Access, ref string, w io.Writer) error {
	r, err := s.auditReport(ctx, a, ref)
	if err != nil {
		return err
	}
	return report.AuditReportPDF(w, r)
}

// AuditReportXLSX writes an audit's report as a workbook.
func (s *Service) AuditReportXLSX(ctx context.Context, a Access, ref string, w io.Writer) error {
	r, err := s.auditReport(ctx, a, ref)
	if err != nil {
		return err
	}
	return report.AuditReportXLSX(w, r)
}
