package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
)

// Risk reports: the risk assessment report (8.2) and the risk treatment
// plan (8.3), as PDF or XLSX.
const (
	ReportAssessment = "assessment"
	ReportTreatment  = "treatment"
	FormatPDF        = "pdf"
	FormatXLSX       = "xlsx"
)

// maxReportRisks bounds a report; a register beyond it is reported by
// filter (an owner, a level, an asset).
const maxReportRisks = 20000

// WriteRiskReport writes a risk report of the risks a filter selects.
func (s *Service) WriteRiskReport(ctx context.Context, a Access, kind, format string, f isms.RiskFilter, w io.Writer) error {
	if err := a.require(isms.PermRead); err != nil {
		return err
	}
	write := map[[2]string]func(io.Writer, report.RiskReport) error{
		{ReportAssessment, FormatPDF}:  report.RiskAssessmentPDF,
		{ReportAssessment, FormatXLSX}: report.RiskAssessmentXLSX,
		{ReportTreatment, FormatPDF}:   report.TreatmentPlanPDF,
		{ReportTreatment, FormatXLSX}:  report.TreatmentPlanXLSX,
	}[[2]string{kind, format}]
	if write == nil {
		return isms.Invalid("report", "%s as %s is not a report; use assessment or treatment, as pdf or xlsx", kind, format)
	}
	r, err := s.riskReport(ctx, a, f)
	if err != nil {
		return err
	}
	return write(w, r)
}

func (s *Service) riskReport(ctx context.Context, a Access, f isms.RiskFilter) (report.RiskReport, error) {
	doc, err := s.Methodology(ctx, a)
	if err != nil {
		return report.RiskReport{}, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return report.RiskReport{}, err
	}
	names := map[string]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	// Approvals made at the command line name the operator.
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	r := report.RiskReport{Organisation: a.Org.Name, GeneratedAt: s.now(), Methodology: reportMethodology(doc.Current, name)}
	if a.Member.ID != "" {
		r.GeneratedBy = a.Member.Name
	}
	cache := s.methodologyCache(a.Org.ID)
	now := s.now()
	f.Cursor, f.Limit = "", store.MaxLimit
	for {
		batch, err := s.db.ListRisks(ctx, a.Org.ID, f, now)
		if err != nil {
			return r, err
		}
		for _, k := range batch {
			if len(r.Risks) == maxReportRisks {
				return r, isms.Invalid("filter", "the report would hold more than %d risks; narrow it by owner, level or asset", maxReportRisks)
			}
			rr, err := s.reportRisk(ctx, a, cache, k, name)
			if err != nil {
				return r, err
			}
			r.Risks = append(r.Risks, rr)
		}
		if len(batch) < store.MaxLimit {
			break
		}
		f.Cursor = store.RiskCursor(batch[len(batch)-1], f.Sort)
	}
	return r, nil
}

func reportMethodology(mv MethodologyVersion, name func(string) string) report.Methodology {
	m := mv.Methodology
	out := report.Methodology{Version: mv.Number, Status: string(mv.Status), ApprovedAt: mv.ApprovedAt}
	if mv.ApprovedBy != "" {
		out.ApprovedBy = name(mv.ApprovedBy)
	} else if mv.Number > 0 {
		out.ApprovedBy = "isms default, adopted when the first risk was rated"
	} else {
		out.Status = "default"
	}
	for _, sc := range m.Likelihood {
		out.Likelihood = append(out.Likelihood, report.Scale{Value: sc.Value, Label: sc.Label, Criteria: sc.Criteria})
	}
	for _, sc := range m.Impact {
		out.Impact = append(out.Impact, report.Scale{Value: sc.Value, Label: sc.Label, Criteria: sc.Criteria})
	}
	for _, l := range m.Levels {
		out.Levels = append(out.Levels, report.Level{Name: l.Name, Color: l.Color})
		roles := make([]string, len(l.AcceptRoles))
		for i, r := range l.AcceptRoles {
			roles[i] = r.Label()
		}
		out.Acceptance = append(out.Acceptance, report.AcceptanceRule{Level: l.Name, Acceptable: l.Acceptable, ByRoles: roles})
	}
	for _, row := range m.Matrix {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = m.Level(c).Name
		}
		out.Matrix = append(out.Matrix, cells)
	}
	return out
}

func (s *Service) reportRisk(ctx context.Context, a Access, cache *methodologies, k isms.Risk, name func(string) string) (report.Risk, error) {
	mv, err := cache.get(ctx, s.db, k.MethodologyID)
	if err != nil {
		return report.Risk{}, err
	}
	m := mv.Methodology
	rr := report.Risk{Ref: k.Ref(), Title: k.Title, Status: k.Status.Label(), Vulnerability: k.Vulnerability, Scenario: k.Scenario,
		Consequences: consequences(k), InherentLikelihood: k.InherentLikelihood, InherentImpact: k.InherentImpact,
		InherentLevel: m.Level(k.InherentRank).Name, ExistingControls: k.ExistingControls, Owner: name(k.OwnerID),
		ReviewDate: k.ReviewDate, Option: string(k.Treatment), ResidualLikelihood: k.ResidualLikelihood, ResidualImpact: k.ResidualImpact}
	if k.ResidualLikelihood > 0 {
		rr.ResidualLevel = m.Level(k.ResidualRank).Name
	}
	v, err := s.riskView(ctx, a, k)
	if err != nil {
		return rr, err
	}
	rr.Threat = k.ThreatText
	if v.Threat != nil {
		rr.Threat = strings.TrimSpace(v.Threat.Cite + " " + v.Threat.Title)
		if k.ThreatText != "" {
			rr.Threat += ": " + k.ThreatText
		}
	}
	for _, x := range v.Assets {
		rr.Assets = append(rr.Assets, x.Name)
	}
	for _, c := range v.Controls {
		rr.Controls = append(rr.Controls, strings.TrimSpace(c.Framework+" "+c.Cite+" "+c.Title))
	}
	for _, act := range v.Actions {
		rr.Actions = append(rr.Actions, report.Action{Description: act.Description, Owner: name(act.OwnerID), Due: act.DueDate, Status: act.Status})
	}
	for _, d := range v.Decisions {
		kind := "treatment plan approved"
		if d.Kind == isms.DecisionResidualAcceptance {
			kind = "residual risk accepted"
		}
		rr.Decisions = append(rr.Decisions, report.Decision{Kind: kind, By: name(d.DecidedBy), At: d.CreatedAt, Level: d.Level,
			Justification: d.Justification, Current: v.Current(d)})
	}
	return rr, nil
}

// consequences says what the risk harms and how.
func consequences(k isms.Risk) string {
	var harms []string
	for _, p := range []struct {
		on   bool
		name string
	}{{k.AffectsC, "confidentiality"}, {k.AffectsI, "integrity"}, {k.AffectsA, "availability"}} {
		if p.on {
			harms = append(harms, p.name)
		}
	}
	out := "Harms " + strings.Join(harms, ", ")
	if k.Consequences != "" {
		out += ". " + k.Consequences
	}
	return out
}

// WriteContextPDF writes a version of the ISMS context as a document;
// id empty writes the version in force, or the draft when none is.
func (s *Service) WriteContextPDF(ctx context.Context, a Access, id string, w io.Writer) error {
	var cv ContextVersion
	if id != "" {
		v, err := s.ContextVersionByID(ctx, a, id)
		if err != nil {
			return err
		}
		cv = v
	} else {
		doc, err := s.Context(ctx, a)
		if err != nil {
			return err
		}
		switch {
		case doc.Approved != nil:
			cv = *doc.Approved
		case doc.Draft != nil:
			cv = *doc.Draft
		default:
			return fmt.Errorf("the ISMS context has no version yet: %w", isms.ErrNotFound)
		}
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return err
	}
	name := func(id string) string {
		for _, m := range members {
			if m.ID == id {
				return m.Name + " <" + m.Email + ">"
			}
		}
		return id
	}
	c := cv.Context
	d := report.Document{Title: "ISMS scope and context", Subtitle: "ISO/IEC 27001:2022 clauses 4.1 to 4.3", Organisation: a.Org.Name,
		Version: cv.Number, Status: string(cv.Status), ApprovedAt: cv.ApprovedAt, GeneratedAt: s.now()}
	if cv.ApprovedBy != "" {
		d.ApprovedBy = name(cv.ApprovedBy)
	}
	if a.Member.ID != "" {
		d.GeneratedBy = a.Member.Name
	}
	scope := report.Section{Heading: "Scope of the ISMS (4.3)", Paragraphs: []string{c.Scope}}
	if c.Boundaries != "" {
		scope.Paragraphs = append(scope.Paragraphs, "Boundaries and interfaces: "+c.Boundaries)
	}
	if len(c.Locations) > 0 {
		scope.Paragraphs = append(scope.Paragraphs, "Locations: "+strings.Join(c.Locations, "; "))
	}
	inOut := &report.Table{Header: []string{"In or out", "System, process or unit", "Reason"}}
	for _, e := range c.Included {
		inOut.Rows = append(inOut.Rows, []string{"Included", e.Name, e.Reason})
	}
	for _, e := range c.Excluded {
		inOut.Rows = append(inOut.Rows, []string{"Excluded", e.Name, e.Reason})
	}
	issues := &report.Table{Header: []string{"Issue", "Internal or external", "How it bears on the ISMS"}}
	for _, e := range c.InternalIssues {
		issues.Rows = append(issues.Rows, []string{e.Issue, "Internal", e.Effect})
	}
	for _, e := range c.ExternalIssues {
		issues.Rows = append(issues.Rows, []string{e.Issue, "External", e.Effect})
	}
	climate := "Not yet decided whether climate change is a relevant issue."
	if c.ClimateRelevant != nil && *c.ClimateRelevant {
		climate = "Climate change is a relevant issue."
	} else if c.ClimateRelevant != nil {
		climate = "Climate change is not a relevant issue."
	}
	if c.ClimateNotes != "" {
		climate += " " + c.ClimateNotes
	}
	parties := &report.Table{Header: []string{"Interested party", "Requirements", "How the ISMS addresses them"}}
	for _, p := range c.InterestedParties {
		parties.Rows = append(parties.Rows, []string{p.Name, p.Requirements, p.AddressedBy})
	}
	owner := "No owner named yet."
	if c.ObjectivesOwnerID != "" {
		owner = name(c.ObjectivesOwnerID) + " owns the information security objectives."
	}
	d.Sections = []report.Section{
		scope,
		{Heading: "Systems, processes and units in and out of scope", Table: inOut},
		{Heading: "Internal and external issues (4.1)", Paragraphs: []string{climate}, Table: issues},
		{Heading: "Interested parties and their requirements (4.2)", Table: parties},
		{Heading: "Information security objectives (5.2, 6.2)", Paragraphs: []string{owner}},
	}
	return report.DocumentPDF(w, d)
}
