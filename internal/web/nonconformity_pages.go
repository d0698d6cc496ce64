package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerNonconformityPages adds the register of nonconformities and
// improvements (10.1, 10.2): the list, raising one, and each record with
// its correction, cause, actions and verification.
func (u *UI) registerNonconformityPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/nonconformities", u.inOrg(u.nonconformitiesPage))
	r.Handle("GET", "/o/{org}/nonconformities/new", u.inOrg(u.newNonconformityPage))
	r.Handle("POST", "/o/{org}/nonconformities", u.inOrg(u.raiseNonconformity))
	r.Handle("GET", "/o/{org}/nonconformities/{id}", u.inOrg(u.nonconformityPage))
	r.Handle("POST", "/o/{org}/nonconformities/{id}", u.inOrg(u.updateNonconformity))
	r.Handle("POST", "/o/{org}/nonconformities/{id}/actions", u.inOrg(u.saveCorrectiveAction))
	r.Handle("POST", "/o/{org}/nonconformities/{id}/verification", u.inOrg(u.verifyNonconformity))
	r.Handle("POST", "/o/{org}/findings/{id}/nonconformity", u.inOrg(u.raiseFindingNonconformity))
}

// mayRaise mirrors the app: anyone who works in the organisation reports
// problems; viewers and auditors only read.
func mayRaise(a app.Access) bool {
	return a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor
}

func (q *request) ncPath(n isms.Nonconformity, parts ...string) string {
	return q.orgPath(append([]string{"nonconformities", n.Ref()}, parts...)...)
}

// NCStageLabel names a stage.
func (labels) NCStageLabel(s isms.NCStage) string { return s.Label() }

// NCSourceLabel names a source.
func (labels) NCSourceLabel(s isms.NCSource) string { return s.Label() }

// ---------------------------------------------------------------------
// The register.

type ncQuery struct {
	Status, Kind, Source, Q string
	Overdue                 bool
	Filtered                bool
}

type ncRow struct {
	app.NCRow
	Link, Owner string
}

type nonconformitiesPage struct {
	Page
	labels
	Query    ncQuery
	Rows     []ncRow
	Counts   store.NCCounts
	Sources  []isms.NCSource
	CanRaise bool
	Problems []isms.FieldError
	ClearURL string
	Next     string
	First    string
}

func (u *UI) nonconformitiesPage(q *request) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	qu := ncQuery{Status: v.Get("status"), Kind: v.Get("kind"), Source: v.Get("source"), Q: strings.TrimSpace(v.Get("q")),
		Overdue: v.Get("overdue") != ""}
	if qu.Status == "" {
		qu.Status = "open"
	}
	qu.Filtered = qu.Status != "open" || qu.Kind != "" || qu.Source != "" || qu.Q != "" || qu.Overdue
	page := &nonconformitiesPage{Query: qu, Sources: isms.NCSources, CanRaise: mayRaise(q.access), ClearURL: q.orgPath("nonconformities")}
	page.Title, page.Section = "Nonconformities", "nonconformities"
	f := store.NCFilter{Kind: isms.NCKind(qu.Kind), Source: isms.NCSource(qu.Source), Query: qu.Q, Overdue: qu.Overdue, Limit: store.DefaultLimit + 1}
	switch qu.Status {
	case "open":
		f.Open = true
	case "closed":
		f.Closed = true
	case "all":
	default:
		page.Problems = append(page.Problems, isms.FieldError{Field: "status", Detail: "is open, closed or all"})
	}
	if after := v.Get("after"); after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 1 {
			page.Problems = append(page.Problems, isms.FieldError{Field: "after", Detail: "is not a page of this register"})
		}
		f.After = n
		page.First = urlWith(q.orgPath("nonconformities"), withoutKey(v, "after"))
	}
	var err error
	if page.Counts, err = u.svc.NonconformityCounts(ctx, q.access); err != nil {
		return err
	}
	if len(page.Problems) > 0 {
		return u.render(q, http.StatusBadRequest, "nonconformities", page)
	}
	rows, err := u.svc.Nonconformities(ctx, q.access, f)
	if err != nil {
		return err
	}
	if len(rows) > store.DefaultLimit {
		rows = rows[:store.DefaultLimit]
		next := withoutKey(v, "after")
		next.Set("after", strconv.Itoa(rows[len(rows)-1].RefNum))
		page.Next = urlWith(q.orgPath("nonconformities"), next)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	for _, r := range rows {
		page.Rows = append(page.Rows, ncRow{NCRow: r, Link: q.ncPath(r.Nonconformity), Owner: ppl.Name(r.OwnerID)})
	}
	return u.render(q, http.StatusOK, "nonconformities", page)
}

func withoutKey(v url.Values, key string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != key {
			out[k] = vs
		}
	}
	return out
}

// ---------------------------------------------------------------------
// Raising one.

type ncForm struct {
	Kind, Grade, Source, Title, Description, Requirement, OwnerID, DueDate, Correction, RootCause string
}

func ncFormFrom(r *http.Request) ncForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return ncForm{Kind: get("kind"), Grade: get("grade"), Source: get("source"), Title: get("title"), Description: get("description"),
		Requirement: get("requirement"), OwnerID: get("owner_id"), DueDate: get("due_date"), Correction: get("correction"),
		RootCause: get("root_cause")}
}

// input turns the form into the app's input; every field the form shows
// is sent, so an emptied field clears.
func (f ncForm) input() (app.NCInput, error) {
	due, err := parseDate("due_date", f.DueDate)
	if err != nil {
		return app.NCInput{}, err
	}
	return app.NCInput{Kind: f.Kind, Source: f.Source, Grade: &f.Grade, Title: &f.Title, Description: &f.Description,
		Requirement: &f.Requirement, OwnerID: &f.OwnerID, DueDate: due, SetDueDate: true, Correction: &f.Correction,
		RootCause: &f.RootCause}, nil
}

type ncFormPage struct {
	Page
	labels
	Form    ncForm
	Errors  map[string]string
	Owners  []isms.Member
	Sources []isms.NCSource
	// Requirements are the clauses and controls of the organisation's
	// frameworks a record may name.
	Requirements []requirementOption
	// Manager is set when the caller may name another owner.
	Manager bool
}

type requirementOption struct{ Ref, Label string }

// requirementOptions lists the clause requirements and Annex A controls
// of ISO/IEC 27001:2022, and of 42001 when the organisation runs it.
func (u *UI) requirementOptions(q *request) ([]requirementOption, error) {
	lib, err := u.svc.Library(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	var out []requirementOption
	for _, id := range []string{"iso27001-2022", "iso42001-2023"} {
		fw, ok := lib.Framework(id)
		if !ok {
			continue
		}
		for _, it := range fw.Items {
			if it.Assessable && (it.Kind == framework.ItemClause || it.Kind == framework.ItemRequirement) || it.Kind == framework.ItemControl {
				out = append(out, requirementOption{Ref: id + ":" + it.ID, Label: fw.Title() + " " + it.Cite() + " " + it.Title})
			}
		}
	}
	return out, nil
}

func (u *UI) newNonconformityPage(q *request) error {
	form := ncForm{Kind: string(isms.KindNonconformity), Grade: string(isms.GradeMinor), Source: q.r.URL.Query().Get("source"),
		OwnerID: q.access.Member.ID, Requirement: q.r.URL.Query().Get("requirement")}
	if form.Source == "" {
		form.Source = string(isms.SourceOther)
	}
	if q.r.URL.Query().Get("kind") == string(isms.KindImprovement) {
		form.Kind, form.Grade = string(isms.KindImprovement), ""
	}
	return u.showNCForm(q, http.StatusOK, form, nil)
}

func (u *UI) showNCForm(q *request, status int, form ncForm, errs map[string]string) error {
	if !mayRaise(q.access) {
		return fmt.Errorf("viewers and auditors read the register: %w", isms.ErrForbidden)
	}
	page := &ncFormPage{Form: form, Errors: errs, Sources: isms.NCSources, Manager: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Raise a nonconformity or an improvement", "nonconformities"
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	if page.Requirements, err = u.requirementOptions(q); err != nil {
		return err
	}
	return u.render(q, status, "nonconformity_form", page)
}

func (u *UI) raiseNonconformity(q *request) error {
	form := ncFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		if !q.access.Can(isms.PermWriteRecords) {
			in.OwnerID = nil
		}
		var n isms.Nonconformity
		if n, err = u.svc.RaiseNonconformity(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.ncPath(n), n.Ref()+" raised. Record the correction and the cause, then plan the corrective actions.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showNCForm(q, http.StatusUnprocessableEntity, form, ncFieldErrors(fields))
	}
	return err
}

// ncFieldErrors maps the app's field names onto the form's.
func ncFieldErrors(fields []isms.FieldError) map[string]string {
	errs := fieldErrors(fields)
	if msg, ok := errs["owner"]; ok {
		errs["owner_id"] = msg
	}
	return errs
}

// ---------------------------------------------------------------------
// One record.

type ncActionView struct {
	isms.CorrectiveAction
	Owner   string
	Overdue bool
	// MayComplete is set for the action's owner and ISMS managers.
	MayComplete bool
}

type ncState struct {
	Form         *ncForm
	Errors       map[string]string
	ActionForm   actionForm
	ActionErrors map[string]string
	// ActionID and OutcomeError are a completion that failed.
	ActionID     string
	OutcomeError string
	VerifyNote   string
	VerifyErrors map[string]string
	Refusal      string
}

type actionForm struct{ Title, OwnerID, DueDate string }

type nonconformityPage struct {
	Page
	labels
	ncState
	NC              app.NCDetail
	Owner, RaisedBy string
	VerifiedBy      string
	Actions         []ncActionView
	Owners          []isms.Member
	Requirements    []requirementOption
	RequirementLink string
	RequirementCite string
	FindingLink     string
	Register        string
	// MayEdit: the record's owner or an ISMS manager, while it is open.
	MayEdit bool
	// MayVerify: an ISMS manager who owns neither the record nor an
	// action, once every action is done.
	MayVerify bool
	// NotIndependent is set when the caller could verify but owns the
	// record or an action.
	NotIndependent bool
	Manager        bool
	// Effective is the last verification's finding.
	Effective bool
}

func (u *UI) nonconformityPage(q *request) error {
	return u.showNonconformity(q, http.StatusOK, ncState{})
}

func (u *UI) showNonconformity(q *request, status int, st ncState) error {
	ctx := q.r.Context()
	d, err := u.svc.Nonconformity(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	a := q.access
	page := &nonconformityPage{ncState: st, NC: d, Owner: ppl.Name(d.OwnerID), RaisedBy: ppl.Name(d.RaisedBy), VerifiedBy: ppl.Name(d.VerifiedBy),
		Owners: ppl.Eligible, Register: q.orgPath("nonconformities"), Manager: a.Can(isms.PermWriteRecords)}
	page.Title, page.Section = d.Ref()+" "+d.Title, "nonconformities"
	page.Effective = d.Effective != nil && *d.Effective
	page.MayEdit = !d.Closed() && (a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor && a.Member.ID == d.OwnerID)
	independent := a.Member.ID != "" && a.Member.ID != d.OwnerID
	now := time.Now()
	for _, c := range d.Actions {
		independent = independent && c.OwnerID != a.Member.ID
		page.Actions = append(page.Actions, ncActionView{CorrectiveAction: c, Owner: ppl.Name(c.OwnerID), Overdue: c.Overdue(now),
			MayComplete: !d.Closed() && (a.Can(isms.PermWriteRecords) || a.Member.ID == c.OwnerID)})
	}
	if d.Stage == isms.StageVerification && a.Can(isms.PermWriteRecords) {
		page.MayVerify, page.NotIndependent = independent, !independent
	}
	if d.Requirement != "" {
		page.RequirementLink = q.riskItemLink(d.Requirement)
		if r, err := framework.ParseRef(d.Requirement); err == nil {
			page.RequirementCite = r.Item
		}
	}
	if d.Finding != nil {
		page.FindingLink = q.orgPath("findings", d.Finding.ID)
	}
	if page.Form == nil {
		page.Form = &ncForm{Grade: string(d.Grade), Title: d.Title, Description: d.Description, Requirement: d.Requirement,
			OwnerID: d.OwnerID, DueDate: dateValue(d.DueDate), Correction: d.Correction, RootCause: d.RootCause}
	}
	if page.ActionForm.OwnerID == "" {
		page.ActionForm.OwnerID = d.OwnerID
	}
	if page.MayEdit {
		if page.Requirements, err = u.requirementOptions(q); err != nil {
			return err
		}
	}
	return u.render(q, status, "nonconformity", page)
}

func dateValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// refuseNC shows the record again with why a change was refused.
func (u *UI) refuseNC(q *request, err error, st ncState) error {
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		st.Refusal = refusal(errors.New(conflict.Detail))
		return u.showNonconformity(q, http.StatusConflict, st)
	case errors.Is(err, isms.ErrForbidden):
		st.Refusal = refusal(err)
		if err.Error() == isms.ErrForbidden.Error() {
			st.Refusal = "Your role in this organisation does not allow this."
		}
		return u.showNonconformity(q, http.StatusForbidden, st)
	}
	return err
}

func (u *UI) updateNonconformity(q *request) error {
	form := ncFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		in.Kind, in.Source = "", ""
		if !q.access.Can(isms.PermWriteRecords) {
			in.OwnerID = nil
		}
		var n isms.Nonconformity
		if n, err = u.svc.UpdateNonconformity(q.r.Context(), q.access, q.r.PathValue("id"), in); err == nil {
			return u.redirect(q, q.ncPath(n), n.Ref()+" saved.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showNonconformity(q, http.StatusUnprocessableEntity, ncState{Form: &form, Errors: ncFieldErrors(fields)})
	}
	return u.refuseNC(q, err, ncState{Form: &form})
}

// saveCorrectiveAction plans an action, or, with an action id, reports
// it done or reopens it.
func (u *UI) saveCorrectiveAction(q *request) error {
	ctx := q.r.Context()
	ref := q.r.PathValue("id")
	actionID := q.r.PostFormValue("action_id")
	if actionID != "" {
		done := q.r.PostFormValue("done") == "true"
		in := app.CorrectiveActionInput{Done: &done}
		if done {
			outcome := q.r.PostFormValue("outcome")
			in.Outcome = &outcome
		}
		c, err := u.svc.SaveCorrectiveAction(ctx, q.access, ref, actionID, in)
		if fields := isms.FieldErrors(err); fields != nil {
			return u.showNonconformity(q, http.StatusUnprocessableEntity, ncState{ActionID: actionID, OutcomeError: fieldErrors(fields)["outcome"]})
		}
		if err != nil {
			return u.refuseNC(q, err, ncState{})
		}
		msg := "Action reopened: " + c.Title + "."
		if done {
			msg = "Action done: " + c.Title + "."
		}
		return u.redirect(q, q.orgPath("nonconformities", ref)+"#actions", msg)
	}
	form := actionForm{Title: strings.TrimSpace(q.r.PostFormValue("title")), OwnerID: q.r.PostFormValue("owner_id"),
		DueDate: strings.TrimSpace(q.r.PostFormValue("due_date"))}
	due, err := parseDate("due_date", form.DueDate)
	if err == nil {
		_, err = u.svc.SaveCorrectiveAction(ctx, q.access, ref, "", app.CorrectiveActionInput{Title: &form.Title, OwnerID: &form.OwnerID,
			DueDate: due})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showNonconformity(q, http.StatusUnprocessableEntity, ncState{ActionForm: form, ActionErrors: ncFieldErrors(fields)})
	}
	if err != nil {
		return u.refuseNC(q, err, ncState{ActionForm: form})
	}
	return u.redirect(q, q.orgPath("nonconformities", ref)+"#actions", "Corrective action planned: "+form.Title+".")
}

func (u *UI) verifyNonconformity(q *request) error {
	note := q.r.PostFormValue("note")
	effective := q.r.PostFormValue("effective") == "true"
	n, err := u.svc.VerifyNonconformity(q.r.Context(), q.access, q.r.PathValue("id"), effective, note)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showNonconformity(q, http.StatusUnprocessableEntity, ncState{VerifyNote: note, VerifyErrors: fieldErrors(fields)})
	}
	if err != nil {
		return u.refuseNC(q, err, ncState{VerifyNote: note})
	}
	if effective {
		return u.redirect(q, q.ncPath(n), n.Ref()+" verified effective and closed.")
	}
	return u.redirect(q, q.ncPath(n), n.Ref()+" verified as not effective: plan further corrective actions.")
}

func (u *UI) raiseFindingNonconformity(q *request) error {
	n, err := u.svc.RaiseFindingNonconformity(q.r.Context(), q.access, q.r.PathValue("id"), "")
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		return u.showFinding(q, http.StatusConflict, refusal(errors.New(conflict.Detail)))
	case isms.FieldErrors(err) != nil:
		var parts []string
		for _, f := range isms.FieldErrors(err) {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		return u.showFinding(q, http.StatusUnprocessableEntity, refusal(errors.New(strings.Join(parts, "; "))))
	case err != nil:
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.ncPath(n), n.Ref()+" raised for the missed remediation deadline. Record the correction and the cause, "+
		"then plan the corrective actions.")
}

// ---------------------------------------------------------------------
// On the overview.

// ncCard escalates the register on the overview: what is open, what is
// overdue, and the majors that stand in the way of certification.
type ncCard struct {
	store.NCCounts
	Link, OverdueLink string
}

func (u *UI) ncCard(q *request) (*ncCard, error) {
	c, err := u.svc.NonconformityCounts(q.r.Context(), q.access)
	if err != nil || c.Open == 0 {
		return nil, err
	}
	return &ncCard{NCCounts: c, Link: q.orgPath("nonconformities"),
		OverdueLink: urlWith(q.orgPath("nonconformities"), url.Values{"overdue": {"1"}})}, nil
}
