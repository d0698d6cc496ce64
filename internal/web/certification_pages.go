package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
)

// registerCertificationPages adds the certification cycle: the body, the
// certificate, the external audits with their findings, and what is due.
func (u *UI) registerCertificationPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/certification", u.inOrg(u.certificationPage))
	r.Handle("POST", "/o/{org}/certification/cycles", u.inOrg(u.saveCycle))
	r.Handle("POST", "/o/{org}/certification/cycles/{id}", u.inOrg(u.saveCycle))
	r.Handle("POST", "/o/{org}/certification/audits", u.inOrg(u.saveAudit))
	r.Handle("POST", "/o/{org}/certification/audits/{id}", u.inOrg(u.saveAudit))
	r.Handle("POST", "/o/{org}/certification/audits/{id}/findings", u.inOrg(u.raiseAuditFinding))
}

// AuditKindLabel names a kind of external audit.
func (labels) AuditKindLabel(k isms.AuditKind) string { return k.Label() }

type cycleForm struct {
	Body, Scope, Standard, CertificateNumber, Stage1, Stage2, Issued, Expires string
}

func cycleFormOf(c *isms.CertCycle) cycleForm {
	if c == nil {
		return cycleForm{Standard: isms.DefaultStandard}
	}
	return cycleForm{Body: c.Body, Scope: c.Scope, Standard: c.Standard, CertificateNumber: c.CertificateNumber,
		Stage1: dateValue(c.Stage1Date), Stage2: dateValue(c.Stage2Date), Issued: dateValue(c.IssuedOn), Expires: dateValue(c.ExpiresOn)}
}

type externalAuditForm struct {
	Kind, Planned, Done, LeadAuditor, Result string
}

type findingForm struct {
	AuditID, Kind, Grade, Title, Description, Requirement string
}

type certificationPage struct {
	Page
	labels
	Cert     app.Certification
	CanWrite bool
	Kinds    []isms.AuditKind
	Cycle    cycleForm
	Audit    externalAuditForm
	Finding  findingForm
	Errors   map[string]string
	// ErrorsFor says which form the errors belong to: cycle, audit or
	// the id of the audit whose finding failed.
	ErrorsFor string
	Refusal   string
}

func (u *UI) certificationPage(q *request) error {
	return u.showCertification(q, http.StatusOK, &certificationPage{})
}

func (u *UI) showCertification(q *request, status int, page *certificationPage) error {
	c, err := u.svc.Certification(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page.Cert, page.CanWrite, page.Kinds = c, q.access.Can(isms.PermWriteRecords), isms.AuditKinds
	page.Title, page.Section = "Certification", "certification"
	if page.ErrorsFor != "cycle" {
		page.Cycle = cycleFormOf(c.Current)
	}
	if page.Audit.Kind == "" && c.Next != nil {
		page.Audit.Kind = string(c.Next.Kind)
	}
	return u.render(q, status, "certification", page)
}

// refuseCertification shows the page again with why a change was refused.
func (u *UI) refuseCertification(q *request, err error, page *certificationPage) error {
	var conflict *isms.ConflictError
	switch {
	case isms.FieldErrors(err) != nil:
		page.Errors = fieldErrors(isms.FieldErrors(err))
		return u.showCertification(q, http.StatusUnprocessableEntity, page)
	case errors.As(err, &conflict):
		page.Refusal = conflict.Field + " " + conflict.Detail
		return u.showCertification(q, http.StatusConflict, page)
	case errors.Is(err, isms.ErrForbidden):
		page.Refusal = refusal(err)
		return u.showCertification(q, http.StatusForbidden, page)
	}
	return err
}

// formDates parses the named date fields, collecting every problem.
func formDates(r *http.Request, names ...string) (map[string]*time.Time, error) {
	out := map[string]*time.Time{}
	v := &isms.ValidationError{}
	for _, n := range names {
		d, err := parseDay(n, strings.TrimSpace(r.PostFormValue(n)))
		if err != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
			continue
		}
		out[n] = d
	}
	return out, v.Err()
}

// saveCycle starts a cycle, or with an id changes the current one.
func (u *UI) saveCycle(q *request) error {
	get := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	form := cycleForm{Body: get("body"), Scope: get("scope"), Standard: get("standard"), CertificateNumber: get("certificate_number"),
		Stage1: get("stage1_date"), Stage2: get("stage2_date"), Issued: get("issued_on"), Expires: get("expires_on")}
	page := &certificationPage{Cycle: form, ErrorsFor: "cycle"}
	dates, err := formDates(q.r, "stage1_date", "stage2_date", "issued_on", "expires_on")
	if err != nil {
		return u.refuseCertification(q, err, page)
	}
	in := app.CycleInput{Body: &form.Body, Scope: &form.Scope, Standard: &form.Standard, CertificateNumber: &form.CertificateNumber,
		Stage1Date: dates["stage1_date"], Stage2Date: dates["stage2_date"], IssuedOn: dates["issued_on"], ExpiresOn: dates["expires_on"],
		SetStage1: true, SetStage2: true, SetIssued: true, SetExpiresOn: true}
	if form.Standard == "" {
		in.Standard = nil
	}
	msg := "Certification cycle saved."
	if id := q.r.PathValue("id"); id != "" {
		_, err = u.svc.UpdateCertCycle(q.r.Context(), q.access, id, in)
	} else {
		_, err = u.svc.StartCertCycle(q.r.Context(), q.access, in)
		msg = "Certification cycle started; any earlier cycle is kept as history."
	}
	if err != nil {
		return u.refuseCertification(q, err, page)
	}
	return u.redirect(q, q.orgPath("certification"), msg)
}

// saveAudit records an audit of the current cycle, or with an id
// changes one.
func (u *UI) saveAudit(q *request) error {
	get := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	form := externalAuditForm{Kind: get("kind"), Planned: get("planned_date"), Done: get("done_date"), LeadAuditor: get("lead_auditor"),
		Result: get("result")}
	page := &certificationPage{Audit: form, ErrorsFor: "audit"}
	id := q.r.PathValue("id")
	if id != "" {
		page.ErrorsFor, page.Audit = id, externalAuditForm{}
	}
	dates, err := formDates(q.r, "planned_date", "done_date")
	if err != nil {
		return u.refuseCertification(q, err, page)
	}
	in := app.ExternalAuditInput{Kind: &form.Kind, PlannedDate: dates["planned_date"], DoneDate: dates["done_date"], SetPlanned: true, SetDone: true,
		LeadAuditor: &form.LeadAuditor, Result: &form.Result}
	au, err := u.svc.SaveExternalAudit(q.r.Context(), q.access, id, in)
	if err != nil {
		return u.refuseCertification(q, err, page)
	}
	return u.redirect(q, q.orgPath("certification")+"#audit-"+au.ID, au.Kind.Label()+" saved.")
}

// raiseAuditFinding raises a finding of an audit in the nonconformity
// register.
func (u *UI) raiseAuditFinding(q *request) error {
	get := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	form := findingForm{AuditID: q.r.PathValue("id"), Kind: get("kind"), Grade: get("grade"), Title: get("title"),
		Description: get("description"), Requirement: get("requirement")}
	in := app.NCInput{Kind: form.Kind, Title: &form.Title, Description: &form.Description, Requirement: &form.Requirement}
	if form.Kind != string(isms.KindImprovement) {
		in.Grade = &form.Grade
	}
	n, err := u.svc.RaiseAuditFinding(q.r.Context(), q.access, form.AuditID, in)
	if err != nil {
		return u.refuseCertification(q, err, &certificationPage{Finding: form, ErrorsFor: form.AuditID})
	}
	return u.redirect(q, q.orgPath("nonconformities", n.Ref()), n.Ref()+" raised from the audit. Record the correction and the cause, "+
		"then plan the corrective actions.")
}

// ---------------------------------------------------------------------
// On the overview.

// certCard shows on the overview what the certification body comes for
// next, and whether it is late.
type certCard struct {
	Cycle    isms.CertCycle
	Next     *isms.DueAudit
	Overdue  int
	Link     string
	Calendar []isms.DueAudit
}

func (u *UI) certCard(q *request) (*certCard, error) {
	c, err := u.svc.Certification(q.r.Context(), q.access)
	if err != nil || c.Current == nil {
		return nil, err
	}
	card := &certCard{Cycle: *c.Current, Next: c.Next, Link: q.orgPath("certification"), Calendar: c.Calendar}
	for _, d := range c.Calendar {
		if d.Overdue {
			card.Overdue++
		}
	}
	return card, nil
}
