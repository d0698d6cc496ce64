package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
)

// registerAuditPages adds internal audit (9.2): the programme with its
// coverage of the cycle, planning an audit, and each audit with its
// checklist and report.
func (u *UI) registerAuditPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/audits", u.inOrg(u.auditsPage))
	r.Handle("POST", "/o/{org}/audits/programme", u.inOrg(u.saveAuditProgramme))
	r.Handle("GET", "/o/{org}/audits/new", u.inOrg(u.newAuditPage))
	r.Handle("POST", "/o/{org}/audits", u.inOrg(u.planAudit))
	r.Handle("GET", "/o/{org}/audits/{id}", u.inOrg(u.auditPage))
	r.Handle("POST", "/o/{org}/audits/{id}", u.inOrg(u.updateAudit))
	r.Handle("POST", "/o/{org}/audits/{id}/status", u.inOrg(u.moveAudit))
	r.Handle("POST", "/o/{org}/audits/{id}/items/{item}", u.inOrg(u.recordAuditResult))
	r.Handle("GET", "/o/{org}/audits/{id}/report", u.inOrg(u.auditReport))
}

// AuditStatusLabel names an audit's status.
func (labels) AuditStatusLabel(s isms.AuditStatus) string { return s.Label() }

// ResultLabel names a checklist result.
func (labels) ResultLabel(r isms.AuditResult) string { return r.Label() }

// ---------------------------------------------------------------------
// The programme.

type programmeForm struct{ CycleStart, Notes string }

type auditsPage struct {
	Page
	labels
	Programme app.ProgrammeView
	Form      programmeForm
	Errors    map[string]string
	Manager   bool
}

func (u *UI) auditsPage(q *request) error {
	return u.showAudits(q, http.StatusOK, nil, nil)
}

func (u *UI) showAudits(q *request, status int, form *programmeForm, errs map[string]string) error {
	v, err := u.svc.AuditProgramme(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &auditsPage{Programme: v, Errors: errs, Manager: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Internal audit", "audits"
	switch {
	case form != nil:
		page.Form = *form
	case v.Programme != nil:
		page.Form = programmeForm{CycleStart: dateValue(&v.Programme.CycleStart), Notes: v.Programme.Notes}
	}
	return u.render(q, status, "audits", page)
}

func (u *UI) saveAuditProgramme(q *request) error {
	form := programmeForm{CycleStart: strings.TrimSpace(q.r.PostFormValue("cycle_start")), Notes: q.r.PostFormValue("notes")}
	start, err := parseDate("cycle_start", form.CycleStart)
	if err == nil {
		_, err = u.svc.SetAuditProgramme(q.r.Context(), q.access, app.ProgrammeInput{CycleStart: start, Notes: &form.Notes})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showAudits(q, http.StatusUnprocessableEntity, &form, fieldErrors(fields))
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("audits"), "Audit programme saved.")
}

// ---------------------------------------------------------------------
// Planning an audit.

type auditForm struct {
	Title, Criteria, PlannedStart, PlannedEnd, Conclusion string
	Scope, Auditors                                       []string
}

func auditFormFrom(r *http.Request) auditForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	title := get("title") // parses the form, which PostForm needs
	return auditForm{Title: title, Criteria: get("criteria"), PlannedStart: get("planned_start"), PlannedEnd: get("planned_end"),
		Conclusion: get("conclusion"), Scope: r.PostForm["scope"], Auditors: r.PostForm["auditors"]}
}

func (f auditForm) input() (app.AuditInput, error) {
	start, err := parseDate("planned_start", f.PlannedStart)
	if err != nil {
		return app.AuditInput{}, err
	}
	end, err := parseDate("planned_end", f.PlannedEnd)
	if err != nil {
		return app.AuditInput{}, err
	}
	auditors := f.Auditors
	return app.AuditInput{Title: &f.Title, Criteria: &f.Criteria, PlannedStart: start, PlannedEnd: end, Auditors: &auditors}, nil
}

// Has reports whether the form holds v among values, for selects.
func (auditForm) Has(values []string, v string) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

type scopeGroup struct {
	Label   string
	Options []app.ScopeOption
}

type auditFormPage struct {
	Page
	Form   auditForm
	Errors map[string]string
	Scope  []scopeGroup
	// Auditors are the members who may audit: they record results, so
	// viewers and the certification body's auditors are not among them.
	Auditors []isms.Member
}

// auditorChoices lists the members who may be named as auditors.
func auditorChoices(ppl people) []isms.Member {
	var out []isms.Member
	for _, m := range ppl.Eligible {
		if m.Role != isms.RoleViewer {
			out = append(out, m)
		}
	}
	return out
}

func (u *UI) newAuditPage(q *request) error {
	now := time.Now().UTC()
	return u.showAuditForm(q, http.StatusOK, auditForm{Criteria: "ISO/IEC 27001:2022 and the organisation's information security policies",
		PlannedStart: now.AddDate(0, 0, 14).Format(time.DateOnly), PlannedEnd: now.AddDate(0, 0, 16).Format(time.DateOnly)}, nil)
}

func (u *UI) showAuditForm(q *request, status int, form auditForm, errs map[string]string) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("ISMS managers plan the audit programme: %w", isms.ErrForbidden)
	}
	page := &auditFormPage{Form: form, Errors: errs}
	page.Title, page.Section = "Plan an internal audit", "audits"
	opts, err := u.svc.AuditScopeOptions(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	for _, o := range opts {
		if n := len(page.Scope); n == 0 || page.Scope[n-1].Label != o.Group {
			page.Scope = append(page.Scope, scopeGroup{Label: o.Group})
		}
		g := &page.Scope[len(page.Scope)-1]
		g.Options = append(g.Options, o)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Auditors = auditorChoices(ppl)
	return u.render(q, status, "audit_form", page)
}

func (u *UI) planAudit(q *request) error {
	form := auditFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		in.Scope = form.Scope
		var au isms.Audit
		if au, err = u.svc.PlanAudit(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.orgPath("audits", au.Ref()), au.Ref()+" planned, with its checklist generated from the scope.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showAuditForm(q, http.StatusUnprocessableEntity, form, fieldErrors(fields))
	}
	return err
}

// ---------------------------------------------------------------------
// One audit.

type auditItemView struct {
	app.AuditItemView
	Link, NCLink string
	// EvidenceText is the evidence as the form edits it: a link a line,
	// the address then the title.
	EvidenceText string
}

type auditState struct {
	Form    *auditForm
	Errors  map[string]string
	Refusal string
	// ItemID, ItemForm and ItemErrors are a result that was not saved.
	ItemID     string
	ItemForm   itemForm
	ItemErrors map[string]string
}

type itemForm struct{ Result, Notes, Evidence string }

type auditPage struct {
	Page
	labels
	auditState
	Audit     app.AuditDetail
	Items     []auditItemView
	Results   []isms.AuditResult
	Auditors  []isms.Member
	MayRecord bool
	Manager   bool
	Programme string
}

func (u *UI) auditPage(q *request) error {
	return u.showAudit(q, http.StatusOK, auditState{})
}

func (u *UI) showAudit(q *request, status int, st auditState) error {
	d, err := u.svc.Audit(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &auditPage{auditState: st, Audit: d, Results: isms.AuditResults, MayRecord: d.MayRecord(q.access),
		Manager: q.access.Can(isms.PermWriteRecords) && d.Status != isms.AuditCompleted, Programme: q.orgPath("audits")}
	page.Title, page.Section = d.Ref()+" "+d.Title, "audits"
	for _, it := range d.Items {
		v := auditItemView{AuditItemView: it, Link: q.riskItemLink(it.Ref), EvidenceText: evidenceText(it.Evidence)}
		if it.NCRef != "" {
			v.NCLink = q.orgPath("nonconformities", it.NCRef)
		}
		page.Items = append(page.Items, v)
	}
	if page.Manager {
		ppl, err := u.people(q)
		if err != nil {
			return err
		}
		page.Auditors = auditorChoices(ppl)
		if page.Form == nil {
			page.Form = &auditForm{Title: d.Title, Criteria: d.Criteria, PlannedStart: dateValue(&d.PlannedStart),
				PlannedEnd: dateValue(&d.PlannedEnd), Conclusion: d.Conclusion, Auditors: d.AuditorIDs}
		}
	}
	return u.render(q, status, "audit", page)
}

func evidenceText(links []isms.Link) string {
	var b strings.Builder
	for _, l := range links {
		b.WriteString(l.URL)
		if l.Title != l.URL {
			b.WriteString(" " + l.Title)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseEvidence reads a link a line: the address, then optionally its
// title, which defaults to the address.
func parseEvidence(s string) []isms.Link {
	links := []isms.Link{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		addr, title, _ := strings.Cut(line, " ")
		title = strings.TrimSpace(title)
		if title == "" {
			title = addr
		}
		links = append(links, isms.Link{Title: title, URL: addr})
	}
	return links
}

// refuseAudit shows the audit again with why a change was refused.
func (u *UI) refuseAudit(q *request, err error, st auditState) error {
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		st.Refusal = refusal(errors.New(conflict.Detail))
		return u.showAudit(q, http.StatusConflict, st)
	case errors.Is(err, isms.ErrForbidden):
		st.Refusal = refusal(err)
		return u.showAudit(q, http.StatusForbidden, st)
	}
	return err
}

func (u *UI) updateAudit(q *request) error {
	form := auditFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		in.Conclusion = &form.Conclusion
		var au isms.Audit
		if au, err = u.svc.UpdateAudit(q.r.Context(), q.access, q.r.PathValue("id"), in); err == nil {
			return u.redirect(q, q.orgPath("audits", au.Ref()), au.Ref()+" saved.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showAudit(q, http.StatusUnprocessableEntity, auditState{Form: &form, Errors: fieldErrors(fields)})
	}
	return u.refuseAudit(q, err, auditState{Form: &form})
}

func (u *UI) moveAudit(q *request) error {
	status := q.r.PostFormValue("status")
	au, err := u.svc.UpdateAudit(q.r.Context(), q.access, q.r.PathValue("id"), app.AuditInput{Status: &status})
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showAudit(q, http.StatusUnprocessableEntity, auditState{Refusal: fields[0].Detail + "."})
	}
	if err != nil {
		return u.refuseAudit(q, err, auditState{})
	}
	return u.redirect(q, q.orgPath("audits", au.Ref()), au.Ref()+" is "+strings.ToLower(au.Status.Label())+".")
}

func (u *UI) recordAuditResult(q *request) error {
	form := itemForm{Result: strings.TrimSpace(q.r.PostFormValue("result")), Notes: q.r.PostFormValue("notes"),
		Evidence: q.r.PostFormValue("evidence")}
	links := parseEvidence(form.Evidence)
	itemID := q.r.PathValue("item")
	it, err := u.svc.RecordAuditResult(q.r.Context(), q.access, q.r.PathValue("id"), itemID,
		app.AuditItemInput{Result: &form.Result, Notes: &form.Notes, Evidence: &links})
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showAudit(q, http.StatusUnprocessableEntity, auditState{ItemID: itemID, ItemForm: form, ItemErrors: fieldErrors(fields)})
	}
	if err != nil {
		return u.refuseAudit(q, err, auditState{})
	}
	msg := cite(it.Ref) + ": " + it.Result.Label() + "."
	if it.NonconformityID != "" {
		msg = cite(it.Ref) + ": " + it.Result.Label() + ", recorded in the nonconformity register."
	}
	return u.redirect(q, q.orgPath("audits", q.r.PathValue("id"))+"#item-"+it.ID, msg)
}

func cite(ref string) string {
	if _, item, ok := strings.Cut(ref, ":"); ok {
		return item
	}
	return ref
}

func (u *UI) auditReport(q *request) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	name := "audit-" + strings.ToLower(id)
	switch format := q.r.URL.Query().Get("format"); format {
	case "", "pdf":
		return sendFile(q, "application/pdf", name+".pdf", func(w io.Writer) error {
			return u.svc.AuditReportPDF(ctx, q.access, id, w)
		})
	case "xlsx":
		return sendFile(q, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", func(w io.Writer) error {
			return u.svc.AuditReportXLSX(ctx, q.access, id, w)
		})
	default:
		return isms.Invalid("format", "%q is not a report format; use pdf or xlsx", format)
	}
}
