package web

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerContinuityPages adds the continuity register (A.5.29, A.5.30,
// A.8.13, A.8.14): impact analyses, plans and their tests.
func (u *UI) registerContinuityPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/continuity", u.inOrg(u.continuityPage))
	r.Handle("GET", "/o/{org}/continuity/export", u.inOrg(u.exportContinuity))
	r.Handle("GET", "/o/{org}/continuity/bias/new", u.inOrg(u.newBIAPage))
	r.Handle("POST", "/o/{org}/continuity/bias", u.inOrg(u.saveBIA))
	r.Handle("GET", "/o/{org}/continuity/bias/{id}", u.inOrg(u.biaPage))
	r.Handle("GET", "/o/{org}/continuity/bias/{id}/edit", u.inOrg(u.editBIAPage))
	r.Handle("POST", "/o/{org}/continuity/bias/{id}", u.inOrg(u.saveBIA))
	r.Handle("GET", "/o/{org}/continuity/plans/new", u.inOrg(u.newPlanPage))
	r.Handle("POST", "/o/{org}/continuity/plans", u.inOrg(u.savePlan))
	r.Handle("GET", "/o/{org}/continuity/plans/{id}", u.inOrg(u.planPage))
	r.Handle("GET", "/o/{org}/continuity/plans/{id}/edit", u.inOrg(u.editPlanPage))
	r.Handle("POST", "/o/{org}/continuity/plans/{id}", u.inOrg(u.savePlan))
	r.Handle("POST", "/o/{org}/continuity/plans/{id}/tests", u.inOrg(u.recordTest))
	r.Handle("POST", "/o/{org}/continuity/tests/{id}/follow-ups", u.inOrg(u.addFollowUp))
	r.Handle("POST", "/o/{org}/continuity/tests/{id}/follow-ups/{followup}/nonconformity", u.inOrg(u.raiseFollowUpNC))
}

// CriticalityLabel names a criticality.
func (labels) CriticalityLabel(c isms.Criticality) string { return c.Label() }

// Horizon is the impact horizon of a row of the impact table.
func (labels) Horizon(i int) int { return isms.ImpactHorizons[i] }

// Minutes writes a recovery time for people.
func (labels) Minutes(m *int) string {
	if m == nil {
		return "not measured"
	}
	if *m < 120 {
		return fmt.Sprintf("%d min", *m)
	}
	return fmt.Sprintf("%dh %02dmin", *m/60, *m%60)
}

// ---------------------------------------------------------------------
// The register.

type continuityQuery struct {
	Criticality, Q string
	Flagged        bool
	Filtered       bool
}

type continuityPage struct {
	Page
	labels
	Query         continuityQuery
	Criticalities []isms.Criticality
	BIAs          []app.BIAView
	Plans         []app.PlanView
	Summary       app.ContinuitySummary
	CanWrite      bool
	Problems      []isms.FieldError
	ClearURL      string
	ExportCSV     string
	ExportXLSX    string
}

func continuityFilterFrom(v url.Values) (continuityQuery, app.ContinuityFilter, []isms.FieldError) {
	qu := continuityQuery{Criticality: v.Get("criticality"), Q: strings.TrimSpace(v.Get("q")), Flagged: v.Get("flagged") != ""}
	qu.Filtered = qu.Criticality != "" || qu.Q != "" || qu.Flagged
	f := app.ContinuityFilter{BIAFilter: store.BIAFilter{Criticality: isms.Criticality(qu.Criticality), Query: qu.Q, Limit: store.MaxLimit},
		Flagged: qu.Flagged}
	var problems []isms.FieldError
	if qu.Criticality != "" && !f.Criticality.IsValid() {
		problems = append(problems, isms.FieldError{Field: "criticality", Detail: "is critical, high, medium or low"})
	}
	return qu, f, problems
}

func (u *UI) continuityPage(q *request) error {
	ctx := q.r.Context()
	qu, f, problems := continuityFilterFrom(q.r.URL.Query())
	page := &continuityPage{Query: qu, Criticalities: isms.Criticalities, CanWrite: q.access.Can(isms.PermWriteRecords), Problems: problems,
		ClearURL: q.orgPath("continuity")}
	page.Title, page.Section = "Business continuity", "continuity"
	var err error
	if page.Summary, err = u.svc.ContinuitySummary(ctx, q.access); err != nil {
		return err
	}
	if len(problems) > 0 {
		return u.render(q, http.StatusBadRequest, "continuity", page)
	}
	if page.BIAs, err = u.svc.BIAs(ctx, q.access, f); err != nil {
		return err
	}
	if page.Plans, err = u.svc.Plans(ctx, q.access, 0, store.MaxLimit); err != nil {
		return err
	}
	export := q.r.URL.Query()
	export.Set("format", "csv")
	page.ExportCSV = urlWith(q.orgPath("continuity", "export"), export)
	export.Set("format", "xlsx")
	page.ExportXLSX = urlWith(q.orgPath("continuity", "export"), export)
	return u.render(q, http.StatusOK, "continuity", page)
}

func (u *UI) exportContinuity(q *request) error {
	_, f, problems := continuityFilterFrom(q.r.URL.Query())
	if len(problems) > 0 {
		return isms.Invalid(problems[0].Field, "%s", problems[0].Detail)
	}
	ctx, name := q.r.Context(), "continuity-"+q.access.Org.Slug
	switch format := q.r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(q, "text/csv; charset=utf-8", name+".csv", func(w io.Writer) error {
			return u.svc.ExportContinuityCSV(ctx, q.access, f, w)
		})
	case "xlsx":
		return sendFile(q, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", func(w io.Writer) error {
			return u.svc.ExportContinuityXLSX(ctx, q.access, f, w)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

// ---------------------------------------------------------------------
// An analysis.

type biaPage struct {
	Page
	labels
	BIA      app.BIAView
	Owner    string
	CanWrite bool
}

func (u *UI) biaPage(q *request) error {
	v, err := u.svc.BIADetail(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page := &biaPage{BIA: v, Owner: ppl.Name(v.OwnerID), CanWrite: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = v.Ref()+" "+v.Name, "continuity"
	return u.render(q, http.StatusOK, "bia", page)
}

// impactRow is one horizon of the impact table as entered.
type impactRow struct {
	Hours                                            int
	Financial, Contractual, Regulatory, Reputational string
}

type biaForm struct {
	Name, Description, OwnerID, Criticality, RTO, RPO, MTPD, ReviewDate string
	Impacts                                                             [4]impactRow
	Dependencies                                                        []string
}

// Depends reports whether the form names the asset as a dependency.
func (f biaForm) Depends(id string) bool {
	for _, d := range f.Dependencies {
		if d == id {
			return true
		}
	}
	return false
}

func biaFormFrom(b isms.BIA, deps []store.AssetLabel) biaForm {
	f := biaForm{Name: b.Name, Description: b.Description, OwnerID: b.OwnerID, Criticality: string(b.Criticality),
		RTO: strconv.Itoa(b.RTOHours), RPO: strconv.Itoa(b.RPOHours), MTPD: strconv.Itoa(b.MTPDHours), ReviewDate: dateValue(b.ReviewDate)}
	for i, r := range b.Impacts {
		f.Impacts[i] = impactRow{Hours: isms.ImpactHorizons[i], Financial: rated(r.Financial), Contractual: rated(r.Contractual),
			Regulatory: rated(r.Regulatory), Reputational: rated(r.Reputational)}
	}
	for _, d := range deps {
		f.Dependencies = append(f.Dependencies, d.ID)
	}
	return f
}

func rated(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func postedBIAForm(r *http.Request) biaForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := biaForm{Name: get("name"), Description: get("description"), OwnerID: get("owner_id"), Criticality: get("criticality"),
		RTO: get("rto_hours"), RPO: get("rpo_hours"), MTPD: get("mtpd_hours"), ReviewDate: get("review_date"),
		Dependencies: r.PostForm["dependencies"]}
	for i, h := range isms.ImpactHorizons {
		key := func(kind string) string { return get(fmt.Sprintf("impact_%d_%s", h, kind)) }
		f.Impacts[i] = impactRow{Hours: h, Financial: key("financial"), Contractual: key("contractual"), Regulatory: key("regulatory"),
			Reputational: key("reputational")}
	}
	return f
}

// input reads the form; numbers that are not numbers are named with the
// form's fields.
func (f biaForm) input() (app.BIAInput, error) {
	v := &isms.ValidationError{}
	number := func(field, s string) int {
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add(field, "%q is not a whole number", s)
		}
		return n
	}
	in := app.BIAInput{Name: f.Name, Description: f.Description, OwnerID: f.OwnerID, Criticality: f.Criticality,
		RTOHours: number("rto_hours", f.RTO), RPOHours: number("rpo_hours", f.RPO), MTPDHours: number("mtpd_hours", f.MTPD),
		DependencyIDs: f.Dependencies}
	for i, r := range f.Impacts {
		field := fmt.Sprintf("impacts.%dh", r.Hours)
		in.Impacts[i] = isms.ImpactRating{Financial: number(field+".financial", r.Financial), Contractual: number(field+".contractual", r.Contractual),
			Regulatory: number(field+".regulatory", r.Regulatory), Reputational: number(field+".reputational", r.Reputational)}
	}
	review, err := parseDate("review_date", f.ReviewDate)
	if err != nil {
		return in, err
	}
	in.ReviewDate = review
	return in, v.Err()
}

type biaFormPage struct {
	Page
	labels
	Form   biaForm
	Errors map[string]string
	// ImpactErrors are the problems with the impact ratings, each naming
	// its horizon and kind.
	ImpactErrors  []string
	Ref           string
	Action        string
	Owners        []isms.Member
	Assets        []store.AssetLabel
	Criticalities []isms.Criticality
}

func (u *UI) newBIAPage(q *request) error {
	f := biaForm{OwnerID: q.access.Member.ID, Criticality: string(isms.CriticalityHigh)}
	for i, h := range isms.ImpactHorizons {
		f.Impacts[i].Hours = h
	}
	return u.showBIAForm(q, http.StatusOK, "", f, nil)
}

func (u *UI) editBIAPage(q *request) error {
	v, err := u.svc.BIADetail(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showBIAForm(q, http.StatusOK, v.Ref(), biaFormFrom(v.BIA, v.Dependencies), nil)
}

func (u *UI) showBIAForm(q *request, status int, ref string, f biaForm, errs map[string]string) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("viewers, auditors and contributors read the continuity register: %w", isms.ErrForbidden)
	}
	page := &biaFormPage{Form: f, Errors: errs, Ref: ref, Action: q.orgPath("continuity", "bias"), Criticalities: isms.Criticalities}
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		if rest, ok := strings.CutPrefix(k, "impacts."); ok {
			page.ImpactErrors = append(page.ImpactErrors, strings.Replace(rest, ".", " ", 1)+": "+errs[k])
		}
	}
	page.Title, page.Section = "New business impact analysis", "continuity"
	if ref != "" {
		page.Title, page.Action = "Edit "+ref, q.orgPath("continuity", "bias", ref)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	if page.Assets, err = u.svc.AssetLabels(q.r.Context(), q.access, nil, store.MaxLimit); err != nil {
		return err
	}
	return u.render(q, status, "bia_form", page)
}

func (u *UI) saveBIA(q *request) error {
	ref := q.r.PathValue("id")
	f := postedBIAForm(q.r)
	in, err := f.input()
	if err == nil {
		var b isms.BIA
		if b, err = u.svc.SaveBIA(q.r.Context(), q.access, ref, in); err == nil {
			return u.redirect(q, q.orgPath("continuity", "bias", b.Ref()), b.Ref()+" saved.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		if msg, ok := errs["owner"]; ok {
			errs["owner_id"] = msg
		}
		return u.showBIAForm(q, http.StatusUnprocessableEntity, ref, f, errs)
	}
	return err
}

// ---------------------------------------------------------------------
// A plan.

type testForm struct {
	TestedOn, Kind, Scope, Result, Minutes, Findings, FollowUps string
}

type planPage struct {
	Page
	labels
	Plan       app.PlanView
	Owner      string
	Evidence   string
	CanWrite   bool
	Kinds      []isms.TestKind
	Results    []isms.TestResult
	TestForm   testForm
	TestErrors map[string]string
	// FollowUpTest and FollowUpError are a follow-up that was refused.
	FollowUpTest, FollowUpError string
	Refusal                     string
	// NCRefs name the nonconformities follow-ups became, by id.
	NCRefs map[string]string
}

func (u *UI) planPage(q *request) error {
	return u.showPlan(q, http.StatusOK, &planPage{TestForm: testForm{TestedOn: time.Now().UTC().Format(time.DateOnly)}})
}

func (u *UI) showPlan(q *request, status int, page *planPage) error {
	ctx := q.r.Context()
	v, err := u.svc.PlanDetail(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Plan, page.Owner, page.CanWrite = v, ppl.Name(v.OwnerID), q.access.Can(isms.PermWriteRecords)
	page.Kinds, page.Results, page.NCRefs = isms.TestKinds, isms.TestResults, map[string]string{}
	page.Title, page.Section = v.Ref()+" "+v.Title, "continuity"
	if v.EvidenceID != "" {
		if ev, err := u.svc.EvidenceItem(ctx, q.access, v.EvidenceID); err == nil {
			page.Evidence = ev.Title
		}
	}
	for _, t := range v.Tests {
		for _, f := range t.FollowUps {
			if f.NonconformityID != "" {
				if d, err := u.svc.Nonconformity(ctx, q.access, f.NonconformityID); err == nil {
					page.NCRefs[f.NonconformityID] = d.Ref()
				}
			}
		}
	}
	return u.render(q, status, "plan", page)
}

type planForm struct {
	Title, OwnerID, Steps, Version, ApprovedAt, ReviewDate, EvidenceID string
	BIAs                                                               []string
}

// Covers reports whether the form names the analysis.
func (f planForm) Covers(id string) bool {
	for _, b := range f.BIAs {
		if b == id {
			return true
		}
	}
	return false
}

type planFormPage struct {
	Page
	labels
	Form     planForm
	Errors   map[string]string
	Ref      string
	Action   string
	Owners   []isms.Member
	BIAs     []app.BIAView
	Evidence []isms.Evidence
}

func (u *UI) newPlanPage(q *request) error {
	f := planForm{OwnerID: q.access.Member.ID, Version: "1.0"}
	if b := q.r.URL.Query().Get("bia"); b != "" {
		f.BIAs = []string{b}
	}
	return u.showPlanForm(q, http.StatusOK, "", f, nil)
}

func (u *UI) editPlanPage(q *request) error {
	v, err := u.svc.PlanDetail(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	f := planForm{Title: v.Title, OwnerID: v.OwnerID, Steps: v.Steps, Version: v.Version, ApprovedAt: dateValue(v.ApprovedAt),
		ReviewDate: dateValue(v.ReviewDate), EvidenceID: v.EvidenceID}
	for _, b := range v.BIAs {
		f.BIAs = append(f.BIAs, b.ID)
	}
	return u.showPlanForm(q, http.StatusOK, v.Ref(), f, nil)
}

func (u *UI) showPlanForm(q *request, status int, ref string, f planForm, errs map[string]string) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("viewers, auditors and contributors read the continuity register: %w", isms.ErrForbidden)
	}
	ctx := q.r.Context()
	page := &planFormPage{Form: f, Errors: errs, Ref: ref, Action: q.orgPath("continuity", "plans")}
	page.Title, page.Section = "New continuity plan", "continuity"
	if ref != "" {
		page.Title, page.Action = "Edit "+ref, q.orgPath("continuity", "plans", ref)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	if page.BIAs, err = u.svc.BIAs(ctx, q.access, app.ContinuityFilter{BIAFilter: store.BIAFilter{Limit: store.MaxLimit}}); err != nil {
		return err
	}
	if page.Evidence, err = u.svc.ListEvidence(ctx, q.access, store.EvidenceFilter{Limit: store.MaxLimit}); err != nil {
		return err
	}
	return u.render(q, status, "plan_form", page)
}

func (u *UI) savePlan(q *request) error {
	ref := q.r.PathValue("id")
	get := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	f := planForm{Title: get("title"), OwnerID: get("owner_id"), Steps: get("steps"), Version: get("version"), ApprovedAt: get("approved_at"),
		ReviewDate: get("review_date"), EvidenceID: get("evidence_id"), BIAs: q.r.PostForm["bias"]}
	approved, err := parseDate("approved_at", f.ApprovedAt)
	if err == nil {
		var review *time.Time
		if review, err = parseDate("review_date", f.ReviewDate); err == nil {
			if approved != nil {
				// A day's date, not its end: approval today is not in the future.
				day := approved.Truncate(24 * time.Hour)
				approved = &day
			}
			var p isms.ContinuityPlan
			p, err = u.svc.SavePlan(q.r.Context(), q.access, ref, app.PlanInput{Title: f.Title, OwnerID: f.OwnerID, Steps: f.Steps, Version: f.Version,
				ApprovedAt: approved, ReviewDate: review, EvidenceID: f.EvidenceID, BIAs: f.BIAs})
			if err == nil {
				return u.redirect(q, q.orgPath("continuity", "plans", p.Ref()), p.Ref()+" saved.")
			}
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		if msg, ok := errs["owner"]; ok {
			errs["owner_id"] = msg
		}
		return u.showPlanForm(q, http.StatusUnprocessableEntity, ref, f, errs)
	}
	return err
}

func (u *UI) recordTest(q *request) error {
	get := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	f := testForm{TestedOn: get("tested_on"), Kind: get("kind"), Scope: get("scope"), Result: get("result"), Minutes: get("recovery_minutes"),
		Findings: get("findings"), FollowUps: q.r.PostFormValue("follow_ups")}
	in := app.TestInput{Kind: f.Kind, Scope: f.Scope, Result: f.Result, Findings: f.Findings, FollowUps: strings.Split(f.FollowUps, "\n")}
	var err error
	switch on, perr := time.Parse(time.DateOnly, f.TestedOn); {
	case perr != nil:
		err = isms.Invalid("tested_on", "%q is not a date", f.TestedOn)
	default:
		in.TestedOn = on
		if f.Minutes != "" {
			m, aerr := strconv.Atoi(f.Minutes)
			if aerr != nil {
				err = isms.Invalid("recovery_minutes", "%q is not a whole number of minutes", f.Minutes)
				break
			}
			in.RecoveryMinutes = &m
		}
		var t isms.ContinuityTest
		if t, err = u.svc.RecordContinuityTest(q.r.Context(), q.access, q.r.PathValue("id"), in); err == nil {
			return u.redirect(q, q.orgPath("continuity", "plans", q.r.PathValue("id"))+"#tests", t.Ref()+" recorded.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showPlan(q, http.StatusUnprocessableEntity, &planPage{TestForm: f, TestErrors: fieldErrors(fields)})
	}
	return err
}

// planOfTest finds the test a form names and the plan page it returns to.
func (u *UI) planOfTest(q *request) (isms.ContinuityTest, string, error) {
	t, p, err := u.svc.ContinuityTestPlan(q.r.Context(), q.access, q.r.PathValue("id"))
	return t, p.Ref(), err
}

func (u *UI) addFollowUp(q *request) error {
	t, plan, err := u.planOfTest(q)
	if err != nil {
		return err
	}
	f, err := u.svc.AddFollowUp(q.r.Context(), q.access, t.ID, q.r.PostFormValue("title"))
	if fields := isms.FieldErrors(err); fields != nil {
		q.r.SetPathValue("id", plan)
		return u.showPlan(q, http.StatusUnprocessableEntity, &planPage{FollowUpTest: t.ID, FollowUpError: fields[0].Detail})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("continuity", "plans", plan)+"#tests", "Follow-up added: "+f.Title+".")
}

func (u *UI) raiseFollowUpNC(q *request) error {
	t, plan, err := u.planOfTest(q)
	if err != nil {
		return err
	}
	n, err := u.svc.RaiseFollowUpNonconformity(q.r.Context(), q.access, t.ID, q.r.PathValue("followup"))
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		q.r.SetPathValue("id", plan)
		return u.showPlan(q, http.StatusConflict, &planPage{Refusal: refusal(errors.New("The follow-up " + conflict.Detail))})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.ncPath(n), n.Ref()+" raised from the continuity test's follow-up. Record the correction and the cause, "+
		"then plan the corrective actions.")
}

// ---------------------------------------------------------------------
// On the control pages.

// continuityControls are the controls whose page shows the register as
// live evidence.
var continuityControls = map[string]bool{"iso27001-2022:A.5.29": true, "iso27001-2022:A.5.30": true, "iso27001-2022:A.8.13": true,
	"iso27001-2022:A.8.14": true}

type continuityEvidence struct {
	app.ContinuitySummary
	Register, FlaggedLink string
}

func (u *UI) continuityEvidence(q *request) (*continuityEvidence, error) {
	s, err := u.svc.ContinuitySummary(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	return &continuityEvidence{ContinuitySummary: s, Register: q.orgPath("continuity"),
		FlaggedLink: urlWith(q.orgPath("continuity"), url.Values{"flagged": {"1"}})}, nil
}
