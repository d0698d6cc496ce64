package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/obligation"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
)

// ObligationInput is an obligation as a person writes it. Updating
// replaces every field, so a field left out is cleared.
type ObligationInput struct {
	Kind                string
	Title               string
	Source              string
	SourceURL           string
	Jurisdiction        string
	OwnerID             string
	Applicability       string
	AIRiskClass         string
	AssetIDs            []string
	Controls            []string
	ReviewDate          *time.Time
	Status              string
	NotApplicableReason string
}

func (in ObligationInput) apply(o *isms.Obligation) {
	o.Kind = isms.ObligationKind(strings.TrimSpace(in.Kind))
	o.Title, o.Source = strings.TrimSpace(in.Title), strings.TrimSpace(in.Source)
	o.SourceURL, o.Jurisdiction = strings.TrimSpace(in.SourceURL), strings.TrimSpace(in.Jurisdiction)
	o.OwnerID, o.Applicability = strings.TrimSpace(in.OwnerID), strings.TrimSpace(in.Applicability)
	o.AIRiskClass = isms.AIRiskClass(strings.TrimSpace(in.AIRiskClass))
	o.AssetIDs, o.Controls = trimmed(in.AssetIDs), trimmed(in.Controls)
	o.ReviewDate = in.ReviewDate
	o.Status = isms.ObligationStatus(cmp.Or(strings.TrimSpace(in.Status), string(isms.ObligationApplicable)))
	o.NotApplicableReason = strings.TrimSpace(in.NotApplicableReason)
}

// trimmed drops empty items, which forms send for unticked pickers.
func trimmed(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// obligationURL is where the UI shows an obligation; the statement of
// applicability links its reasons there.
func obligationURL(slug, id string) string { return "/o/" + slug + "/obligations/" + id }

// obligationReads is what checking an obligation reads, in or outside a
// transaction.
type obligationReads interface {
	Member(ctx context.Context, orgID, id string) (isms.Member, error)
	AssetLabels(ctx context.Context, orgID string, ids []string, limit int) ([]store.AssetLabel, error)
	Control(ctx context.Context, orgID, ref string) (isms.Control, error)
}

// checkObligation validates an obligation with what it names: an active
// member as owner, AI assets of the organisation, and controls the
// library or the organisation holds.
func (s *Service) checkObligation(ctx context.Context, r obligationReads, a Access, lib *framework.Library,
	enabled map[string]bool, o isms.Obligation) error {
	v := &isms.ValidationError{}
	if err := o.Validate(); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	if err := s.checkMembers(ctx, r, a.Org.ID, v, map[string]string{"owner_id": o.OwnerID}); err != nil {
		return err
	}
	if len(o.AssetIDs) > 0 && len(o.AssetIDs) <= 200 {
		found, err := r.AssetLabels(ctx, a.Org.ID, o.AssetIDs, 0)
		if err != nil {
			return err
		}
		byID := map[string]store.AssetLabel{}
		for _, l := range found {
			byID[l.ID] = l
		}
		for _, id := range o.AssetIDs {
			l, ok := byID[id]
			info, _ := l.Type.Info()
			switch {
			case !ok:
				v.Add("asset_ids", "%q is not an asset of this organisation", id)
			case !info.AI:
				v.Add("asset_ids", "%s is a %s; an obligation concerns AI assets only", l.Name, strings.ToLower(l.Type.Label()))
			}
		}
	}
	for _, ref := range o.Controls {
		if err := s.checkObligationControl(ctx, r, a, lib, enabled, ref); err != nil {
			if fe := isms.FieldErrors(err); fe != nil {
				v.Fields = append(v.Fields, fe...)
				continue
			}
			return err
		}
	}
	return v.Err()
}

func (s *Service) checkObligationControl(ctx context.Context, r obligationReads, a Access, lib *framework.Library,
	enabled map[string]bool, ref string) error {
	pr, err := framework.ParseRef(ref)
	if err != nil {
		return isms.Invalid("controls", "%q: cite a control as framework:item, such as iso27001-2022:A.5.34", ref)
	}
	if pr.Framework == isms.CustomFramework {
		_, err := r.Control(ctx, a.Org.ID, ref)
		if errors.Is(err, isms.ErrNotFound) {
			return isms.Invalid("controls", "%s is not one of the organisation's own controls", ref)
		}
		return err
	}
	_, it, ok := lib.Resolve(pr)
	switch {
	case !ok:
		return isms.Invalid("controls", "%s is not in the framework library", ref)
	case !enabled[pr.Framework]:
		return isms.Invalid("controls", "%s is from %s, which the organisation does not run; enable it under Frameworks first", ref, pr.Framework)
	case !slices.Contains(controlKinds, it.Kind):
		return isms.Invalid("controls", "%s is a %s, not a control", ref, it.Kind)
	}
	return nil
}

// obligationContext is what every change to the register checks against:
// the library and the frameworks the organisation runs.
func (s *Service) obligationContext(ctx context.Context, a Access) (*framework.Library, map[string]bool, error) {
	views, lib, err := s.views(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	enabled := map[string]bool{}
	for _, fv := range views {
		enabled[fv.ID] = fv.Enabled
	}
	return lib.lib, enabled, nil
}

// ObligationPage is a page of the register.
type ObligationPage struct {
	Obligations []isms.Obligation
	Next        string
	Total       int
}

// ListObligations returns a page of the register in reference order.
func (s *Service) ListObligations(ctx context.Context, a Access, f isms.ObligationFilter) (ObligationPage, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ObligationPage{}, err
	}
	if err := f.Check(); err != nil {
		return ObligationPage{}, err
	}
	var p ObligationPage
	var err error
	now := s.now()
	p.Obligations, p.Next, err = listPage(f.Cursor, f.Limit, func(after string, limit int) ([]isms.Obligation, error) {
		n := 0
		if after != "" {
			var ok bool
			if n, ok = isms.ParseObligationRef(after); !ok {
				return nil, isms.Invalid("cursor", "is not a cursor returned by this API")
			}
		}
		f.Limit = limit
		return s.db.ListObligations(ctx, a.Org.ID, f, n, now)
	}, func(o isms.Obligation) string { return o.Ref() })
	if err != nil {
		return p, err
	}
	p.Total, err = s.db.CountObligations(ctx, a.Org.ID, f, now)
	return p, err
}

// Obligation returns one obligation.
func (s *Service) Obligation(ctx context.Context, a Access, id string) (isms.Obligation, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.Obligation{}, err
	}
	return s.db.Obligation(ctx, a.Org.ID, id)
}

// ObligationByRef returns an obligation by its reference, OB-001.
func (s *Service) ObligationByRef(ctx context.Context, a Access, ref string) (isms.Obligation, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.Obligation{}, err
	}
	n, ok := isms.ParseObligationRef(ref)
	if !ok {
		return isms.Obligation{}, fmt.Errorf("obligation %q: %w", ref, isms.ErrNotFound)
	}
	return s.db.ObligationByRef(ctx, a.Org.ID, n)
}

// CreateObligation adds an obligation to the register.
func (s *Service) CreateObligation(ctx context.Context, a Access, in ObligationInput) (isms.Obligation, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Obligation{}, err
	}
	lib, enabled, err := s.obligationContext(ctx, a)
	if err != nil {
		return isms.Obligation{}, err
	}
	o := isms.Obligation{OrgID: a.Org.ID}
	in.apply(&o)
	var out isms.Obligation
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		// Reference numbers are allocated under the chain's lock.
		if err := tx.LockChain(ctx, a.Org.ID); err != nil {
			return err
		}
		if err := s.checkObligation(ctx, tx, a, lib, enabled, o); err != nil {
			return err
		}
		out, err = tx.CreateObligation(ctx, o)
		return err
	})
	return out, err
}

// UpdateObligation replaces an obligation's fields.
func (s *Service) UpdateObligation(ctx context.Context, a Access, id string, in ObligationInput) (isms.Obligation, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Obligation{}, err
	}
	lib, enabled, err := s.obligationContext(ctx, a)
	if err != nil {
		return isms.Obligation{}, err
	}
	var out isms.Obligation
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		o, err := tx.Obligation(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		in.apply(&o)
		if err := s.checkObligation(ctx, tx, a, lib, enabled, o); err != nil {
			return err
		}
		out, err = tx.UpdateObligation(ctx, o)
		return err
	})
	return out, err
}

// DeleteObligation removes an obligation from the register; the controls
// it included lose it as a reason.
func (s *Service) DeleteObligation(ctx context.Context, a Access, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if _, err := tx.Obligation(ctx, a.Org.ID, id); err != nil {
			return err
		}
		return tx.DeleteObligation(ctx, a.Org.ID, id)
	})
}

// ControlObligations returns the obligations a control meets, applicable
// or not, for the control's page.
func (s *Service) ControlObligations(ctx context.Context, a Access, ref string) ([]isms.Obligation, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.db.ListObligations(ctx, a.Org.ID, isms.ObligationFilter{Control: ref, Limit: store.MaxLimit}, 0, s.now())
}

// ObligationStarter is a common obligation an organisation may add to its
// register in one step and then adapt.
type ObligationStarter struct {
	Key   string
	Input ObligationInput
}

// ObligationStarters are the obligations most AI companies in or serving
// the EU meet first. The controls are those of ISO/IEC 27001:2022 that
// most directly meet each one; the organisation adds its own.
func ObligationStarters() []ObligationStarter {
	c := func(ids ...string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = framework.ISO27001v2022 + ":" + id
		}
		return out
	}
	const (
		gdpr  = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
		aiAct = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
		nis2  = "https://eur-lex.europa.eu/eli/dir/2022/2555/oj"
	)
	return []ObligationStarter{{
		Key: "gdpr-art-32",
		Input: ObligationInput{Kind: string(isms.ObligationLegal), Title: "Security of processing",
			Source: "Regulation (EU) 2016/679 (GDPR), Article 32", SourceURL: gdpr, Jurisdiction: "EU/EEA",
			Applicability: "Binds us wherever we handle personal data of people in the EU, as controller or as a processor " +
				"for customers. The measures must match the risk to those people: think of encryption and pseudonymisation, " +
				"keeping systems available and restorable, and testing that the measures work.",
			Controls: c("A.5.34", "A.8.24", "A.8.13", "A.5.30", "A.8.8")},
	}, {
		Key: "gdpr-art-33",
		Input: ObligationInput{Kind: string(isms.ObligationLegal), Title: "Notifying a personal data breach to the supervisory authority",
			Source: "Regulation (EU) 2016/679 (GDPR), Article 33", SourceURL: gdpr, Jurisdiction: "EU/EEA",
			Applicability: "Any breach of personal data we are responsible for must reach the supervisory authority within " +
				"72 hours of our learning of it, unless it is unlikely to harm anyone; as a processor we tell the controller " +
				"without delay. Every breach is recorded, whether notified or not.",
			Controls: c("A.5.24", "A.5.25", "A.5.26", "A.5.28", "A.6.8", "A.5.5")},
	}, {
		Key: "ai-act-art-15",
		Input: ObligationInput{Kind: string(isms.ObligationRegulatory), Title: "Accuracy, robustness and cybersecurity of high-risk AI systems",
			Source: "Regulation (EU) 2024/1689 (AI Act), Article 15", SourceURL: aiAct, Jurisdiction: "EU",
			AIRiskClass: string(isms.AIHighRisk),
			Applicability: "Applies to each AI system we place on the EU market or put into service that falls in the high-risk " +
				"class. Such a system has to perform consistently at the accuracy we declare, withstand errors and attempts to " +
				"manipulate it (poisoned data, adversarial inputs, model extraction) and be protected like any critical system. " +
				"Link the AI systems it concerns.",
			Controls: c("A.8.25", "A.8.29", "A.8.16", "A.8.8", "A.8.28")},
	}, {
		Key: "nis2-art-21",
		Input: ObligationInput{Kind: string(isms.ObligationStatutory), Title: "Cybersecurity risk-management measures",
			Source: "Directive (EU) 2022/2555 (NIS2), Article 21, as transposed into national law", SourceURL: nis2, Jurisdiction: "EU member state",
			Applicability: "Only if the national law transposing NIS2 makes us an essential or important entity, for instance " +
				"as a provider of cloud or data centre services above the size thresholds. If it does not, set the status to " +
				"not applicable and keep the reasoning here. In scope, it asks for risk-based measures across policies, " +
				"incident handling, continuity, the supply chain, secure development, cryptography, staff training and access control.",
			Controls: c("A.5.1", "A.5.19", "A.5.21", "A.5.24", "A.5.30", "A.6.3", "A.8.5", "A.8.24", "A.8.25")},
	}}
}

// AddStarterObligations adds the starters named by keys to the register,
// skipping any whose source the register already cites, and returns what
// it added.
func (s *Service) AddStarterObligations(ctx context.Context, a Access, keys []string) ([]isms.Obligation, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return nil, err
	}
	starters := map[string]ObligationStarter{}
	for _, st := range ObligationStarters() {
		starters[st.Key] = st
	}
	v := &isms.ValidationError{}
	if len(keys) == 0 {
		v.Add("keys", "choose at least one starter obligation")
	}
	for _, k := range keys {
		if _, ok := starters[k]; !ok {
			v.Add("keys", "%q is not a starter obligation; use one of %s", k, strings.Join(slices.Sorted(maps.Keys(starters)), ", "))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	lib, enabled, err := s.obligationContext(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []isms.Obligation
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out = nil
		if err := tx.LockChain(ctx, a.Org.ID); err != nil {
			return err
		}
		for _, k := range slices.Compact(slices.Clone(keys)) {
			st := starters[k]
			n, err := tx.CountObligations(ctx, a.Org.ID, isms.ObligationFilter{Query: st.Input.Source}, s.now())
			if err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			o := isms.Obligation{OrgID: a.Org.ID}
			st.Input.apply(&o)
			if err := s.checkObligation(ctx, tx, a, lib, enabled, o); err != nil {
				return fmt.Errorf("starter %s: %w", k, err)
			}
			created, err := tx.CreateObligation(ctx, o)
			if err != nil {
				return err
			}
			out = append(out, created)
		}
		return nil
	})
	return out, err
}

// ObligationImport is what an import did, or would do on a dry run.
type ObligationImport struct {
	Created, Updated int
	// Obligations are as stored, in the file's order; on a dry run, the new
	// ones have neither id nor reference.
	Obligations []isms.Obligation
	DryRun      bool
}

// ImportObligations reads an obligations CSV and adds its rows to the
// register, or updates the obligations their ref names. It is whole or not
// at all: any problem, in the file or against the register, leaves the
// register as it was and is reported with its line and column.
func (s *Service) ImportObligations(ctx context.Context, a Access, name string, r io.Reader, dryRun bool) (ObligationImport, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return ObligationImport{}, err
	}
	rows, err := obligation.ReadCSV(name, r)
	if err != nil {
		return ObligationImport{}, err
	}
	lib, enabled, err := s.obligationContext(ctx, a)
	if err != nil {
		return ObligationImport{}, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return ObligationImport{}, err
	}
	byEmail := map[string]isms.Member{}
	for _, m := range members {
		if m.Active(s.now()) {
			byEmail[strings.ToLower(m.Email)] = m
		}
	}
	var names []string
	for _, row := range rows {
		names = append(names, row.AIAssets...)
	}
	assetsByName := map[string][]store.AssetLabel{}
	if len(names) > 0 {
		found, err := s.db.AssetLabelsByName(ctx, a.Org.ID, slices.Compact(slices.Sorted(slices.Values(names))))
		if err != nil {
			return ObligationImport{}, err
		}
		for _, l := range found {
			assetsByName[l.Name] = append(assetsByName[l.Name], l)
		}
	}
	var out ObligationImport
	var fresh []bool // by index in out.Obligations: made by this import
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out, fresh = ObligationImport{DryRun: dryRun}, nil
		if err := tx.LockChain(ctx, a.Org.ID); err != nil {
			return err
		}
		var problems obligation.Problems
		fail := func(line int, fe []isms.FieldError) {
			for _, f := range fe {
				problems = append(problems, obligation.Problem{File: name, Line: line, Field: obligationCSVField(f.Field), Message: f.Detail})
			}
		}
		for _, row := range rows {
			o := isms.Obligation{OrgID: a.Org.ID}
			if row.Ref != "" {
				n, _ := isms.ParseObligationRef(row.Ref)
				current, err := tx.ObligationByRef(ctx, a.Org.ID, n)
				if errors.Is(err, isms.ErrNotFound) {
					fail(row.Line, []isms.FieldError{{Field: "ref", Detail: row.Ref + " is not in the register; leave ref empty to add the obligation"}})
					continue
				}
				if err != nil {
					return err
				}
				o = current
			}
			in, fe := importedInput(row, byEmail, assetsByName)
			if len(fe) > 0 {
				fail(row.Line, fe)
				continue
			}
			in.apply(&o)
			if err := s.checkObligation(ctx, tx, a, lib, enabled, o); err != nil {
				fe := isms.FieldErrors(err)
				if fe == nil {
					return err
				}
				fail(row.Line, fe)
				continue
			}
			var err error
			isNew := o.ID == ""
			if isNew {
				o, err = tx.CreateObligation(ctx, o)
				out.Created++
			} else {
				o, err = tx.UpdateObligation(ctx, o)
				out.Updated++
			}
			if err != nil {
				return err
			}
			out.Obligations = append(out.Obligations, o)
			fresh = append(fresh, isNew)
		}
		if len(problems) > 0 {
			return problems
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		// What a dry run would create was never kept, nor its id or number.
		for i := range out.Obligations {
			if fresh[i] {
				out.Obligations[i].ID, out.Obligations[i].RefNum = "", 0
			}
		}
		err = nil
	}
	return out, err
}

// csvField names the CSV column of a field the application checks.
func obligationCSVField(field string) string {
	switch field {
	case "owner_id":
		return "owner"
	case "asset_ids":
		return "ai_assets"
	}
	return field
}

// importedInput turns a CSV row into an input, resolving the owner by
// email and the AI assets by name.
func importedInput(row obligation.Row, byEmail map[string]isms.Member, assets map[string][]store.AssetLabel) (ObligationInput, []isms.FieldError) {
	var fe []isms.FieldError
	in := ObligationInput{Kind: string(row.Kind), Title: row.Title, Source: row.Source, SourceURL: row.SourceURL,
		Jurisdiction: row.Jurisdiction, Applicability: row.Applicability, AIRiskClass: string(row.AIRiskClass),
		Controls: row.Controls, ReviewDate: row.ReviewDate, Status: string(row.Status), NotApplicableReason: row.NotApplicableReason}
	if row.Owner != "" {
		m, ok := byEmail[strings.ToLower(row.Owner)]
		if !ok {
			fe = append(fe, isms.FieldError{Field: "owner", Detail: row.Owner + " is not an active member of this organisation"})
		}
		in.OwnerID = m.ID
	}
	for _, name := range row.AIAssets {
		var ai []store.AssetLabel
		for _, l := range assets[name] {
			if info, _ := l.Type.Info(); info.AI {
				ai = append(ai, l)
			}
		}
		switch len(ai) {
		case 0:
			fe = append(fe, isms.FieldError{Field: "ai_assets", Detail: fmt.Sprintf("%q is not the name of an AI asset in the inventory", name)})
		case 1:
			in.AssetIDs = append(in.AssetIDs, ai[0].ID)
		default:
			fe = append(fe, isms.FieldError{Field: "ai_assets", Detail: fmt.Sprintf("%d AI assets are named %q; rename one so the file can say which", len(ai), name)})
		}
	}
	return in, fe
}

// ObligationCSVTemplate is the CSV layout with two example rows.
func ObligationCSVTemplate() []byte { return obligation.Template() }

// register reads every obligation a filter selects, with the names of
// their owners and assets.
func (s *Service) obligationRegister(ctx context.Context, a Access, f isms.ObligationFilter) ([]isms.Obligation, map[string]isms.Member, map[string]string, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, nil, nil, err
	}
	if err := f.Check(); err != nil {
		return nil, nil, nil, err
	}
	var all []isms.Obligation
	after := 0
	for {
		f.Limit = store.MaxLimit
		batch, err := s.db.ListObligations(ctx, a.Org.ID, f, after, s.now())
		if err != nil {
			return nil, nil, nil, err
		}
		all = append(all, batch...)
		if len(batch) < store.MaxLimit {
			break
		}
		after = batch[len(batch)-1].RefNum
	}
	list, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	members := map[string]isms.Member{}
	for _, m := range list {
		members[m.ID] = m
	}
	var ids []string
	for _, o := range all {
		ids = append(ids, o.AssetIDs...)
	}
	assets := map[string]string{}
	if len(ids) > 0 {
		labels, err := s.db.AssetLabels(ctx, a.Org.ID, slices.Compact(slices.Sorted(slices.Values(ids))), 0)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, l := range labels {
			assets[l.ID] = l.Name
		}
	}
	return all, members, assets, nil
}

// ExportObligationsCSV writes the register in the layout
// ImportObligations reads back.
func (s *Service) ExportObligationsCSV(ctx context.Context, a Access, f isms.ObligationFilter, w io.Writer) error {
	all, members, assets, err := s.obligationRegister(ctx, a, f)
	if err != nil {
		return err
	}
	rows := make([]obligation.Row, 0, len(all))
	for _, o := range all {
		row := obligation.Row{Ref: o.Ref(), Kind: o.Kind, Title: o.Title, Source: o.Source, SourceURL: o.SourceURL,
			Jurisdiction: o.Jurisdiction, Owner: members[o.OwnerID].Email, Applicability: o.Applicability,
			AIRiskClass: o.AIRiskClass, Controls: o.Controls, ReviewDate: o.ReviewDate, Status: o.Status,
			NotApplicableReason: o.NotApplicableReason}
		for _, id := range o.AssetIDs {
			row.AIAssets = append(row.AIAssets, assets[id])
		}
		rows = append(rows, row)
	}
	return obligation.WriteCSV(w, rows)
}

// ExportObligationsXLSX writes the register as a spreadsheet for people.
func (s *Service) ExportObligationsXLSX(ctx context.Context, a Access, f isms.ObligationFilter, w io.Writer) error {
	all, members, assets, err := s.obligationRegister(ctx, a, f)
	if err != nil {
		return err
	}
	now := s.now()
	rows := make([]report.Obligation, 0, len(all))
	for _, o := range all {
		row := report.Obligation{Ref: o.Ref(), Kind: o.Kind.Label(), Title: o.Title, Source: o.Source, SourceURL: o.SourceURL,
			Jurisdiction: o.Jurisdiction, Owner: members[o.OwnerID].Name, Applicability: o.Applicability,
			Controls: o.Controls, ReviewDate: o.ReviewDate, Overdue: o.Overdue(now), Status: o.Status.Label(),
			NotApplicableReason: o.NotApplicableReason}
		if o.AIRiskClass != isms.NoAIRiskClass {
			row.AIRiskClass = o.AIRiskClass.Label()
		}
		for _, id := range o.AssetIDs {
			row.AIAssets = append(row.AIAssets, assets[id])
		}
		rows = append(rows, row)
	}
	return report.ObligationsXLSX(w, a.Org.Name, now, rows)
}
