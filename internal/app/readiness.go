package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// ReadinessItem is one piece of documented information that ISO/IEC
// 27001:2022 requires, and whether the records hold it. A certification
// body's Stage 1 audit starts from this list.
type ReadinessItem struct {
	// Clause is where the standard requires it (4.3, 6.1.3 d).
	Clause  string `json:"clause"`
	Title   string `json:"title"`
	Present bool   `json:"present"`
	// Detail says what was found, or what is missing.
	Detail string `json:"detail"`
	// Fix names the part of isms where it is recorded: context,
	// documents, methodology, risks, soa, nonconformities, evidence.
	Fix string `json:"fix"`
}

// ClauseScore counts a clause's required documents that are present.
type ClauseScore struct {
	Clause  string `json:"clause"`
	Present int    `json:"present"`
	Total   int    `json:"total"`
	Percent int    `json:"percent"`
}

// ThemeScore is a Stage 2 view of one Annex A theme: of its applicable
// controls, how many are implemented with current evidence.
type ThemeScore struct {
	Theme      string `json:"theme"`
	Applicable int    `json:"applicable"`
	// Ready are implemented and have current evidence.
	Ready       int `json:"ready"`
	Implemented int `json:"implemented"`
	Percent     int `json:"percent"`
}

// ControlGap is an applicable control that a Stage 2 auditor would find
// wanting.
type ControlGap struct {
	Control string                    `json:"control"`
	ID      string                    `json:"id"`
	Title   string                    `json:"title"`
	Theme   string                    `json:"theme"`
	Status  isms.ImplementationStatus `json:"status"`
	// Missing says what is missing: implementation, current evidence or
	// both.
	Missing []string `json:"missing"`
}

// Readiness is where an organisation stands against certification:
// Stage 1 (the required documented information) and Stage 2 (applicable
// controls implemented, with current evidence). Every score counts named
// items, so it can be explained item by item.
type Readiness struct {
	Framework string          `json:"framework"`
	Stage1    []ReadinessItem `json:"stage1"`
	Clauses   []ClauseScore   `json:"clauses"`
	// Stage1Percent is the share of Stage1 items present.
	Stage1Percent int          `json:"stage1_percent"`
	Themes        []ThemeScore `json:"themes"`
	Gaps          []ControlGap `json:"gaps"`
	// Stage2Percent is the share of applicable controls implemented with
	// current evidence.
	Stage2Percent int       `json:"stage2_percent"`
	At            time.Time `json:"at"`
}

// readinessRecords are what several checks read, read once.
type readinessRecords struct {
	statement soa.Document
	risks     []RiskRow
}

// readinessFramework is the standard certification is against.
const readinessFramework = "iso27001-2022"

// Readiness checks the organisation's records against ISO/IEC 27001:2022.
func (s *Service) Readiness(ctx context.Context, a Access) (Readiness, error) {
	if err := a.require(isms.PermRead); err != nil {
		return Readiness{}, err
	}
	r := Readiness{Framework: readinessFramework, At: s.now()}
	doc, err := s.SoA(ctx, a, readinessFramework, 0)
	if err != nil {
		return r, err
	}
	risks, err := s.allRisks(ctx, a)
	if err != nil {
		return r, err
	}
	rec := readinessRecords{statement: doc, risks: risks}
	checks := []func(context.Context, Access, readinessRecords) (ReadinessItem, error){
		s.checkScope, s.checkPolicy, s.checkRiskAssessmentProcess, s.checkRiskTreatmentProcess, s.checkSoA,
		s.checkOperationalControl, s.checkRiskAssessmentResults, s.checkRiskTreatmentResults, s.checkNonconformities,
		s.checkObjectives, s.checkCompetence, s.checkMonitoring, s.checkAuditProgramme, s.checkAuditResults, s.checkManagementReview,
	}
	for _, check := range checks {
		item, err := check(ctx, a, rec)
		if err != nil {
			return r, err
		}
		r.Stage1 = append(r.Stage1, item)
	}
	slices.SortStableFunc(r.Stage1, func(x, y ReadinessItem) int { return compareClauses(x.Clause, y.Clause) })
	byClause := map[string]*ClauseScore{}
	present := 0
	for _, it := range r.Stage1 {
		top, _, _ := strings.Cut(it.Clause, ".")
		c, ok := byClause[top]
		if !ok {
			r.Clauses = append(r.Clauses, ClauseScore{Clause: top})
			c = &r.Clauses[len(r.Clauses)-1]
			byClause[top] = c
		}
		c.Total++
		if it.Present {
			c.Present++
			present++
		}
	}
	for i := range r.Clauses {
		r.Clauses[i].Percent = wholePercent(r.Clauses[i].Present, r.Clauses[i].Total)
	}
	r.Stage1Percent = wholePercent(present, len(r.Stage1))
	r.Themes, r.Gaps, r.Stage2Percent = stage2(doc)
	return r, nil
}

func wholePercent(n, total int) int {
	if total == 0 {
		return 0
	}
	return n * 100 / total
}

// compareClauses orders 4.3 before 6.1.2 before 10.2.
func compareClauses(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		var x, y int
		_, errX := fmt.Sscan(as[i], &x)
		_, errY := fmt.Sscan(bs[i], &y)
		if errX != nil || errY != nil {
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// stage2 scores each theme's applicable controls and lists the controls
// lacking implementation or current evidence.
func stage2(doc soa.Document) ([]ThemeScore, []ControlGap, int) {
	var themes []ThemeScore
	idx := map[string]int{}
	var gaps []ControlGap
	ready, applicable := 0, 0
	for _, e := range doc.Entries {
		if !e.Included() {
			continue
		}
		i, ok := idx[e.Theme]
		if !ok {
			themes = append(themes, ThemeScore{Theme: e.Theme})
			i = len(themes) - 1
			idx[e.Theme] = i
		}
		t := &themes[i]
		t.Applicable++
		applicable++
		current := slices.ContainsFunc(e.Evidence, func(ev soa.EvidenceItem) bool { return ev.Freshness != isms.Stale })
		var missing []string
		if e.Status == isms.Implemented {
			t.Implemented++
		} else {
			missing = append(missing, "implementation ("+strings.ToLower(e.Status.Label())+")")
		}
		if !current {
			missing = append(missing, "current evidence")
		}
		if len(missing) == 0 {
			t.Ready++
			ready++
			continue
		}
		gaps = append(gaps, ControlGap{Control: e.Control, ID: e.ID, Title: e.Title, Theme: e.Theme, Status: e.Status, Missing: missing})
	}
	for i := range themes {
		themes[i].Percent = wholePercent(themes[i].Ready, themes[i].Applicable)
	}
	return themes, gaps, wholePercent(ready, applicable)
}

func (s *Service) checkScope(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "4.3", Title: "Scope of the ISMS", Fix: "context"}
	c, err := s.Context(ctx, a)
	if err != nil {
		return it, err
	}
	switch {
	case c.Approved == nil:
		it.Detail = "No version of the scope and context has been approved."
	case strings.TrimSpace(c.Approved.Context.Scope) == "":
		it.Detail = fmt.Sprintf("Version %d of the context is approved but states no scope.", c.Approved.Number)
	default:
		it.Present = true
		it.Detail = fmt.Sprintf("Version %d of the scope and context is approved.", c.Approved.Number)
	}
	return it, nil
}

// publishedDocs returns the documents in force of a kind.
func (s *Service) publishedDocs(ctx context.Context, a Access, kind isms.DocKind) ([]DocRow, error) {
	rows, err := s.Documents(ctx, a, store.DocFilter{Kind: kind})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r DocRow) bool { return r.Published == nil }), nil
}

func (s *Service) checkPolicy(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "5.2", Title: "Information security policy", Fix: "documents"}
	docs, err := s.publishedDocs(ctx, a, isms.DocPolicy)
	if err != nil {
		return it, err
	}
	if len(docs) == 0 {
		it.Detail = "No policy is published in the document register."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%s %s, version %s in force.", docs[0].Ref(), docs[0].Title, docs[0].Published.Number())
	return it, nil
}

func (s *Service) checkRiskAssessmentProcess(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "6.1.2", Title: "Risk assessment process", Fix: "methodology"}
	m, err := s.Methodology(ctx, a)
	if err != nil {
		return it, err
	}
	if m.Current.Number == 0 {
		it.Detail = "The risk methodology is the default one; no version has been approved."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("Version %d of the risk methodology is approved.", m.Current.Number)
	return it, nil
}

// allRisks reads the whole register.
func (s *Service) allRisks(ctx context.Context, a Access) ([]RiskRow, error) {
	var out []RiskRow
	cursor := ""
	for {
		p, err := s.ListRisks(ctx, a, isms.RiskFilter{Cursor: cursor, Limit: store.MaxLimit})
		if err != nil {
			return nil, err
		}
		out = append(out, p.Risks...)
		if p.Next == "" {
			return out, nil
		}
		cursor = p.Next
	}
}

func (s *Service) checkRiskTreatmentProcess(ctx context.Context, a Access, rec readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "6.1.3", Title: "Risk treatment process and plan", Fix: "risks"}
	risks := rec.risks
	undecided := 0
	for _, k := range risks {
		if k.Treatment == "" {
			undecided++
		}
	}
	switch {
	case len(risks) == 0:
		it.Detail = "The risk register is empty, so there is no treatment plan."
	case undecided > 0:
		it.Detail = fmt.Sprintf("%d of %d risks have no treatment decided.", undecided, len(risks))
	default:
		it.Present = true
		it.Detail = fmt.Sprintf("All %d risks have a treatment decided; the treatment plan is the register's report.", len(risks))
	}
	return it, nil
}

func (s *Service) checkSoA(ctx context.Context, a Access, rec readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "6.1.3 d", Title: "Statement of Applicability", Fix: "soa"}
	versions, err := s.SoAVersions(ctx, a, readinessFramework)
	if err != nil {
		return it, err
	}
	if len(versions) == 0 {
		it.Detail = "No version of the Statement of Applicability has been approved."
		return it, nil
	}
	latest := slices.MaxFunc(versions, func(x, y store.SoAVersion) int { return cmp.Compare(x.Number, y.Number) })
	it.Present = true
	it.Detail = fmt.Sprintf("Version %d is approved.", latest.Number)
	if sum := rec.statement.Summarise(); sum.Undecided > 0 {
		it.Detail += fmt.Sprintf(" The draft since has %d controls undecided.", sum.Undecided)
	}
	return it, nil
}

func (s *Service) checkOperationalControl(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "8.1", Title: "Operational planning and control: procedures in force", Fix: "documents"}
	docs, err := s.publishedDocs(ctx, a, isms.DocProcedure)
	if err != nil {
		return it, err
	}
	if len(docs) == 0 {
		it.Detail = "No procedure is published in the document register."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d procedures in force.", len(docs))
	return it, nil
}

func (s *Service) checkRiskAssessmentResults(ctx context.Context, a Access, rec readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "8.2", Title: "Results of risk assessments", Fix: "risks"}
	risks := rec.risks
	if len(risks) == 0 {
		it.Detail = "No risk has been assessed."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d risks assessed; the risk assessment report is exported from the register.", len(risks))
	return it, nil
}

func (s *Service) checkRiskTreatmentResults(ctx context.Context, a Access, rec readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "8.3", Title: "Results of risk treatment", Fix: "risks"}
	risks := rec.risks
	treated := 0
	for _, k := range risks {
		if k.Status == isms.RiskPlanApproved || k.Status == isms.RiskAccepted {
			treated++
		}
	}
	if treated == 0 {
		it.Detail = "No risk owner has approved a treatment plan or accepted a residual risk."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d of %d risks have an approved plan or an accepted residual risk.", treated, len(risks))
	return it, nil
}

func (s *Service) checkNonconformities(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "10.2", Title: "Nonconformities and corrective actions", Fix: "nonconformities"}
	c, err := s.NonconformityCounts(ctx, a)
	if err != nil {
		return it, err
	}
	if c.Open+c.Closed == 0 {
		it.Detail = "The nonconformity register is empty; an auditor expects to see it in use."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d open, %d closed.", c.Open, c.Closed)
	if c.OpenMajor > 0 {
		it.Detail += fmt.Sprintf(" %d major ones open block certification.", c.OpenMajor)
	}
	return it, nil
}

func (s *Service) checkObjectives(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "6.2", Title: "Information security objectives", Fix: "metrics"}
	objs, err := s.Objectives(ctx, a)
	if err != nil {
		return it, err
	}
	if len(objs) == 0 {
		it.Detail = "No information security objective is recorded."
		return it, nil
	}
	measuredBy := 0
	for _, o := range objs {
		if len(o.Metrics) > 0 {
			measuredBy++
		}
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d objectives, %d measured by a metric.", len(objs), measuredBy)
	return it, nil
}

func (s *Service) checkCompetence(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "7.2", Title: "Evidence of competence", Fix: "training"}
	m, err := s.TrainingMetrics(ctx, a)
	if err != nil {
		return it, err
	}
	switch {
	case m.Courses == 0:
		it.Detail = "No training course is recorded, so there is no evidence of competence or awareness."
	case m.Completed == 0:
		it.Detail = fmt.Sprintf("%d courses, but no completion is recorded.", m.Courses)
	default:
		it.Present = true
		it.Detail = fmt.Sprintf("%d of %d required trainings completed and current; %d overdue.", m.Completed, m.Required, m.Overdue)
	}
	return it, nil
}

func (s *Service) checkMonitoring(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "9.1", Title: "Monitoring and measurement results", Fix: "metrics"}
	metrics, err := s.Metrics(ctx, a)
	if err != nil {
		return it, err
	}
	recorded := 0
	for _, m := range metrics {
		if len(m.History) > 0 {
			recorded++
		}
	}
	if recorded == 0 {
		it.Detail = "No measurement has been recorded; the figures exist only as computed now."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d metrics have recorded measurements.", recorded)
	return it, nil
}

func (s *Service) checkAuditProgramme(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "9.2.2", Title: "Internal audit programme", Fix: "audits"}
	p, err := s.AuditProgramme(ctx, a)
	if err != nil {
		return it, err
	}
	if p.Programme == nil {
		it.Detail = "No internal audit programme is set up."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("The programme covers %d of %d requirements and applicable controls so far.", p.Covered, p.Total)
	return it, nil
}

func (s *Service) checkAuditResults(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "9.2", Title: "Results of internal audits", Fix: "audits"}
	audits, err := s.Audits(ctx, a, store.AuditFilter{Status: isms.AuditCompleted})
	if err != nil {
		return it, err
	}
	done := len(audits)
	if done == 0 {
		it.Detail = "No internal audit has been completed."
		return it, nil
	}
	it.Present = true
	it.Detail = fmt.Sprintf("%d internal %s completed, with %s.", done, plural(done, "audit", "audits"), plural(done, "its report", "their reports"))
	return it, nil
}

func (s *Service) checkManagementReview(ctx context.Context, a Access, _ readinessRecords) (ReadinessItem, error) {
	it := ReadinessItem{Clause: "9.3", Title: "Results of management reviews", Fix: "reviews"}
	reviews, err := s.Reviews(ctx, a)
	if err != nil {
		return it, err
	}
	for _, r := range reviews {
		if r.Status == isms.ReviewHeld || r.Status == isms.ReviewApproved {
			it.Present = true
			it.Detail = fmt.Sprintf("%s held on %s.", r.Ref(), r.MeetingDate.Format(time.DateOnly))
			if r.Status == isms.ReviewHeld {
				it.Detail += " Its minutes are not approved yet."
			}
			return it, nil
		}
	}
	it.Detail = "No management review has been held."
	return it, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
