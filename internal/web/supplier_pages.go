package web

import (
	"errors"
	"fmt"
	"io"
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
	"github.com/isms-dev/isms/internal/supplier"
)

// registerSupplierPages adds the pages of the supplier register.
func (u *UI) registerSupplierPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/suppliers", u.inOrg(u.suppliersPage))
	r.Handle("POST", "/o/{org}/suppliers", u.inOrg(u.createSupplier))
	r.Handle("GET", "/o/{org}/suppliers/new", u.inOrg(u.newSupplierPage))
	r.Handle("GET", "/o/{org}/suppliers/export", u.inOrg(u.exportSuppliers))
	r.Handle("GET", "/o/{org}/suppliers/import", u.inOrg(u.supplierImportPage))
	r.Handle("POST", "/o/{org}/suppliers/import", u.inOrg(u.importSuppliers))
	r.Handle("GET", "/o/{org}/suppliers/{id}", u.inOrg(u.supplierPage))
	r.Handle("POST", "/o/{org}/suppliers/{id}", u.inOrg(u.updateSupplier))
	r.Handle("GET", "/o/{org}/suppliers/{id}/edit", u.inOrg(u.editSupplierPage))
	r.Handle("POST", "/o/{org}/suppliers/{id}/delete", u.inOrg(u.deleteSupplier))
	r.Handle("POST", "/o/{org}/suppliers/{id}/review", u.inOrg(u.reviewSupplier))
	r.Handle("POST", "/o/{org}/suppliers/{id}/assets", u.inOrg(u.linkSupplierAsset))
	r.Handle("POST", "/o/{org}/suppliers/{id}/assets/{link}/remove", u.inOrg(u.unlinkSupplierAsset))
	r.Handle("POST", "/o/{org}/suppliers/{id}/certifications", u.inOrg(u.addCertification))
	r.Handle("POST", "/o/{org}/suppliers/{id}/certifications/{cert}/remove", u.inOrg(u.removeCertification))
	r.Handle("POST", "/o/{org}/suppliers/{id}/assessments", u.inOrg(u.addAssessment))
	r.Handle("POST", "/o/{org}/suppliers/{id}/assessments/{assessment}/remove", u.inOrg(u.removeAssessment))
}

// supplierChoices are the values the register's selects offer.
type supplierChoices struct {
	Kinds          []isms.SupplierKind
	Criticalities  []isms.Criticality
	Statuses       []isms.SupplierStatus
	DataCategories []isms.DataCategory
	FlagKinds      []isms.FlagKind
	Cadences       []isms.Cadence
	Clauses        []isms.Clause
}

var choices = supplierChoices{Kinds: isms.SupplierKinds, Criticalities: isms.Criticalities, Statuses: isms.SupplierStatuses,
	DataCategories: isms.DataCategories, FlagKinds: isms.FlagKinds, Cadences: isms.Cadences, Clauses: isms.Clauses}

// ---------------------------------------------------------------------
// The register.

type suppliersPage struct {
	Page
	supplierChoices
	Rows       []app.SupplierRow
	Total      int
	Flagged    int
	Filter     isms.SupplierFilter
	People     people
	NextURL    string
	FirstURL   string
	ExportCSV  string
	ExportXLSX string
	Filtered   bool
}

func supplierFilterOf(query url.Values) isms.SupplierFilter {
	return isms.SupplierFilter{Kind: isms.SupplierKind(query.Get("kind")), Criticality: isms.Criticality(query.Get("criticality")),
		Status: isms.SupplierStatus(query.Get("status")), OwnerID: query.Get("owner"), DataShared: isms.DataCategory(query.Get("data")),
		Flag: isms.FlagKind(query.Get("flag")), Flagged: query.Get("flagged") == "1", Query: strings.TrimSpace(query.Get("q")),
		Cursor: query.Get("cursor")}
}

// supplierQuery encodes a filter for links, without its cursor.
func supplierQuery(f isms.SupplierFilter) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"kind": string(f.Kind), "criticality": string(f.Criticality), "status": string(f.Status),
		"owner": f.OwnerID, "data": string(f.DataShared), "flag": string(f.Flag), "q": f.Query} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Flagged {
		v.Set("flagged", "1")
	}
	return v
}

func (u *UI) suppliersPage(q *request) error {
	f := supplierFilterOf(q.r.URL.Query())
	list, err := u.svc.ListSuppliers(q.r.Context(), q.access, f)
	if err != nil {
		return err
	}
	page := &suppliersPage{supplierChoices: choices, Rows: list.Suppliers, Total: list.Total, Flagged: list.Flagged, Filter: f}
	page.Title, page.Section = "Suppliers", "suppliers"
	if page.People, err = u.people(q); err != nil {
		return err
	}
	v := supplierQuery(f)
	page.Filtered = len(v) > 0
	if list.Next != "" {
		next := supplierQuery(f)
		next.Set("cursor", list.Next)
		page.NextURL = urlWith(q.orgPath("suppliers"), next)
	}
	if f.Cursor != "" {
		page.FirstURL = urlWith(q.orgPath("suppliers"), v)
	}
	v.Set("format", "csv")
	page.ExportCSV = urlWith(q.orgPath("suppliers", "export"), v)
	v.Set("format", "xlsx")
	page.ExportXLSX = urlWith(q.orgPath("suppliers", "export"), v)
	return u.render(q, http.StatusOK, "suppliers", page)
}

func (u *UI) exportSuppliers(q *request) error {
	f := supplierFilterOf(q.r.URL.Query())
	f.Cursor = ""
	day := time.Now().UTC().Format(time.DateOnly)
	switch q.r.URL.Query().Get("format") {
	case "xlsx":
		return sendFile(q, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "suppliers-"+q.access.Org.Slug+"-"+day+".xlsx",
			func(w io.Writer) error { return u.svc.ExportSuppliersXLSX(q.r.Context(), q.access, f, w) })
	default:
		return sendFile(q, "text/csv; charset=utf-8", "suppliers-"+q.access.Org.Slug+"-"+day+".csv",
			func(w io.Writer) error { return u.svc.ExportSuppliersCSV(q.r.Context(), q.access, f, w) })
	}
}

// ---------------------------------------------------------------------
// One supplier.

// certView is a certification with its countdown.
type certView struct {
	isms.Certification
	// State is expired, expiring or valid; Countdown says it in days.
	State     string
	Countdown string
	// Current is false for one a later certification of its kind renewed.
	Current bool
}

// clauseView is a clause of the checklist as it stands for the supplier.
type clauseView struct {
	isms.Clause
	Held, Expected bool
}

type controlView struct {
	Cite, Title, Link string
}

// controlTitles name the controls the register is evidence for.
var controlTitles = map[string]string{
	"iso27001-2022:A.5.19": "Information security in supplier relationships",
	"iso27001-2022:A.5.20": "Addressing information security within supplier agreements",
	"iso27001-2022:A.5.21": "Managing information security in the ICT supply chain",
	"iso27001-2022:A.5.22": "Monitoring, review and change management of supplier services",
	"iso27001-2022:A.5.23": "Information security for use of cloud services",
}

type supplierPage struct {
	Page
	supplierChoices
	Detail    app.SupplierDetail
	Owner     string
	Certs     []certView
	Clauses   []clauseView
	Controls  []controlView
	NextDue   string
	Overdue   bool
	CanEdit   bool
	Options   []store.AssetLabel
	CertKinds []isms.CertificationKind
	Results   []isms.AssessmentResult
	Questions []string
	// ExtraRows number the empty question rows after the standard ones.
	ExtraRows []int
	Today     string
	// Errors are the problems of the sub-form that was refused, and Form
	// what it held, so it can be corrected.
	Errors map[string]string
	Form   url.Values
	Notice string
}

// Value is what a refused sub-form held in a field.
func (p *supplierPage) Value(field string) string { return p.Form.Get(field) }

func (u *UI) supplierPage(q *request) error {
	return u.showSupplier(q, http.StatusOK, nil, nil)
}

func (u *UI) showSupplier(q *request, status int, errs map[string]string, form url.Values) error {
	ctx := q.r.Context()
	d, err := u.svc.Supplier(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	now := time.Now()
	page := &supplierPage{supplierChoices: choices, Detail: d, CanEdit: q.access.Can(isms.PermWriteRecords), CertKinds: isms.CertificationKinds,
		Results: isms.AssessmentResults, Questions: isms.AssessmentQuestions, Today: now.UTC().Format(time.DateOnly), Errors: errs, Form: form}
	page.Title, page.Section = d.Name, "suppliers"
	for i := len(isms.AssessmentQuestions); i < maxQuestions; i++ {
		page.ExtraRows = append(page.ExtraRows, i)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owner = ppl.Name(d.OwnerID)
	next := d.NextReview()
	page.NextDue, page.Overdue = next.Format(time.DateOnly), next.Before(now) && d.Status != isms.SupplierEnded
	latest := map[isms.CertificationKind]string{}
	for _, c := range d.Certifications {
		// Certifications come latest expiry first.
		if _, seen := latest[c.Kind]; !seen {
			latest[c.Kind] = c.ID
		}
	}
	for _, c := range d.Certifications {
		v := certView{Certification: c, Current: latest[c.Kind] == c.ID}
		days := c.DaysLeft(now)
		switch {
		case !c.ValidUntil.After(now):
			v.State, v.Countdown = "expired", fmt.Sprintf("lapsed %d days ago", -days)
		case c.ValidUntil.Sub(now) <= isms.ExpiringWindow:
			v.State, v.Countdown = "expiring", fmt.Sprintf("%d days left", days)
		default:
			v.State, v.Countdown = "valid", fmt.Sprintf("%d days left", days)
		}
		page.Certs = append(page.Certs, v)
	}
	expected := d.ExpectedClauses()
	for _, c := range isms.Clauses {
		page.Clauses = append(page.Clauses, clauseView{Clause: c, Held: d.HasClause(c.Key),
			Expected: slices.ContainsFunc(expected, func(x isms.Clause) bool { return x.Key == c.Key })})
	}
	for _, ref := range d.Kind.Controls() {
		page.Controls = append(page.Controls, controlView{Cite: strings.TrimPrefix(ref, "iso27001-2022:"), Title: controlTitles[ref],
			Link: q.controlPath(ref)})
	}
	if page.CanEdit {
		if page.Options, err = u.svc.AssetLabels(ctx, q.access, nil, store.MaxLimit); err != nil {
			return err
		}
		page.Options = slices.DeleteFunc(page.Options, func(l store.AssetLabel) bool {
			return slices.ContainsFunc(d.Assets, func(x app.LinkedAsset) bool { return x.ID == l.ID })
		})
	}
	return u.render(q, status, "supplier", page)
}

// refuseOnSupplier shows the supplier page again with the problems of a
// refused sub-form, or fails for an error that is not the form's.
func (u *UI) refuseOnSupplier(q *request, err error) error {
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		return u.showSupplier(q, http.StatusConflict, map[string]string{conflict.Field: conflict.Detail}, q.r.PostForm)
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showSupplier(q, http.StatusUnprocessableEntity, fieldErrors(fields), q.r.PostForm)
	}
	return err
}

func (u *UI) reviewSupplier(q *request) error {
	s, err := u.svc.ReviewSupplier(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers", s.ID), "The review of "+s.Name+" was recorded for today.")
}

func (u *UI) linkSupplierAsset(q *request) error {
	id := q.r.PathValue("id")
	if _, err := u.svc.LinkSupplierAsset(q.r.Context(), q.access, id, q.r.PostFormValue("asset_id")); err != nil {
		return u.refuseOnSupplier(q, err)
	}
	return u.redirect(q, q.orgPath("suppliers", id)+"#assets", "The asset now depends on this supplier.")
}

func (u *UI) unlinkSupplierAsset(q *request) error {
	id := q.r.PathValue("id")
	if err := u.svc.UnlinkSupplierAsset(q.r.Context(), q.access, id, q.r.PathValue("link")); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers", id)+"#assets", "The asset no longer depends on this supplier.")
}

// formDate reads an optional date field of a form into errs.
func formDate(form url.Values, field string, errs map[string]string) *time.Time {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		errs[field] = fmt.Sprintf("%q is not a date", v)
		return nil
	}
	return &t
}

func (u *UI) addCertification(q *request) error {
	id := q.r.PathValue("id")
	form, errs := q.r.PostForm, map[string]string{}
	c := isms.Certification{SupplierID: id, Kind: isms.CertificationKind(form.Get("kind")), Reference: form.Get("reference"),
		Issuer: form.Get("issuer"), Scope: form.Get("scope"), IssuedOn: formDate(form, "issued_on", errs)}
	if until := formDate(form, "valid_until", errs); until != nil {
		c.ValidUntil = *until
	}
	if len(errs) > 0 {
		return u.showSupplier(q, http.StatusUnprocessableEntity, errs, form)
	}
	if _, err := u.svc.AddCertification(q.r.Context(), q.access, c); err != nil {
		return u.refuseOnSupplier(q, err)
	}
	return u.redirect(q, q.orgPath("suppliers", id)+"#certifications", c.Kind.Label()+" recorded.")
}

func (u *UI) removeCertification(q *request) error {
	id := q.r.PathValue("id")
	if err := u.svc.RemoveCertification(q.r.Context(), q.access, id, q.r.PathValue("cert")); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers", id)+"#certifications", "The certification was removed.")
}

// maxQuestions bounds the question rows an assessment form carries: the
// standard questions and a few of the assessor's own.
var maxQuestions = len(isms.AssessmentQuestions) + 5

func (u *UI) addAssessment(q *request) error {
	id := q.r.PathValue("id")
	form, errs := q.r.PostForm, map[string]string{}
	a := isms.Assessment{SupplierID: id, Assessor: form.Get("assessor"), Result: isms.AssessmentResult(form.Get("result")),
		Summary: strings.TrimSpace(form.Get("summary"))}
	if on := formDate(form, "assessed_on", errs); on != nil {
		a.AssessedOn = *on
	}
	// A question counts once it has an answer; the unanswered standard
	// questions are the ones the assessor chose not to ask.
	for i := range maxQuestions {
		question := strings.TrimSpace(form.Get("question_" + strconv.Itoa(i)))
		answer := strings.TrimSpace(form.Get("answer_" + strconv.Itoa(i)))
		if question != "" && answer != "" {
			a.Answers = append(a.Answers, isms.Answer{Question: question, Answer: answer})
		}
	}
	if len(errs) > 0 {
		return u.showSupplier(q, http.StatusUnprocessableEntity, errs, form)
	}
	if _, err := u.svc.AddAssessment(q.r.Context(), q.access, a); err != nil {
		return u.refuseOnSupplier(q, err)
	}
	return u.redirect(q, q.orgPath("suppliers", id)+"#assessments", "The assessment was recorded.")
}

func (u *UI) removeAssessment(q *request) error {
	id := q.r.PathValue("id")
	if err := u.svc.RemoveAssessment(q.r.Context(), q.access, id, q.r.PathValue("assessment")); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers", id)+"#assessments", "The assessment was removed.")
}

func (u *UI) deleteSupplier(q *request) error {
	d, err := u.svc.Supplier(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := u.svc.DeleteSupplier(q.r.Context(), q.access, d.ID); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers"), d.Name+" was deleted from the register with its certifications and assessments.")
}

// ---------------------------------------------------------------------
// The form.

type supplierForm struct {
	Name, Kind, Services, Criticality, Status, OwnerID, Website, Contact string
	DataShared, Clauses                                                  []string
	DataLocation, IncidentHours, ContractEnds, ReviewCadence             string
	LastReviewed, ExitPlan, Notes                                        string
}

// Has reports whether a checkbox value is ticked.
func (f supplierForm) Has(list []string, v any) bool { return slices.Contains(list, fmt.Sprint(v)) }

func supplierFormOf(s isms.Supplier) supplierForm {
	f := supplierForm{Name: s.Name, Kind: string(s.Kind), Services: s.Services, Criticality: string(s.Criticality), Status: string(s.Status),
		OwnerID: s.OwnerID, Website: s.Website, Contact: s.Contact, DataLocation: s.DataLocation, Clauses: s.Clauses,
		ContractEnds: formatDate(s.ContractEnds), ReviewCadence: string(s.ReviewCadence), LastReviewed: formatDate(s.LastReviewed),
		ExitPlan: s.ExitPlan, Notes: s.Notes}
	for _, d := range s.DataShared {
		f.DataShared = append(f.DataShared, string(d))
	}
	if s.IncidentHours > 0 {
		f.IncidentHours = strconv.Itoa(s.IncidentHours)
	}
	return f
}

func parseSupplierForm(form url.Values) supplierForm {
	return supplierForm{Name: form.Get("name"), Kind: form.Get("kind"), Services: form.Get("services"), Criticality: form.Get("criticality"),
		Status: form.Get("status"), OwnerID: form.Get("owner_id"), Website: form.Get("website"), Contact: form.Get("contact"),
		DataShared: form["data_shared"], Clauses: form["clauses"], DataLocation: form.Get("data_location"),
		IncidentHours: strings.TrimSpace(form.Get("incident_hours")), ContractEnds: form.Get("contract_ends"),
		ReviewCadence: form.Get("review_cadence"), LastReviewed: form.Get("last_reviewed"), ExitPlan: form.Get("exit_plan"),
		Notes: form.Get("notes")}
}

// supplier turns the form into a supplier, with the problems the form
// itself can find (a number or a date that is none).
func (f supplierForm) supplier(form url.Values) (isms.Supplier, map[string]string) {
	errs := map[string]string{}
	s := isms.Supplier{Name: f.Name, Kind: isms.SupplierKind(f.Kind), Services: strings.TrimSpace(f.Services),
		Criticality: isms.Criticality(f.Criticality), Status: isms.SupplierStatus(f.Status), OwnerID: f.OwnerID, Website: f.Website,
		Contact: strings.TrimSpace(f.Contact), Clauses: f.Clauses, DataLocation: strings.TrimSpace(f.DataLocation),
		ReviewCadence: isms.Cadence(f.ReviewCadence), ExitPlan: strings.TrimSpace(f.ExitPlan), Notes: strings.TrimSpace(f.Notes),
		ContractEnds: formDate(form, "contract_ends", errs), LastReviewed: formDate(form, "last_reviewed", errs)}
	for _, d := range f.DataShared {
		s.DataShared = append(s.DataShared, isms.DataCategory(d))
	}
	if f.IncidentHours != "" {
		n, err := strconv.Atoi(f.IncidentHours)
		if err != nil {
			errs["incident_hours"] = "must be a whole number of hours"
		}
		s.IncidentHours = n
	}
	return s, errs
}

type supplierFormPage struct {
	Page
	supplierChoices
	Supplier *isms.Supplier // nil for a new supplier
	Form     supplierForm
	Errors   map[string]string
	People   people
}

func (u *UI) showSupplierForm(q *request, status int, current *isms.Supplier, f supplierForm, errs map[string]string) error {
	page := &supplierFormPage{supplierChoices: choices, Supplier: current, Form: f, Errors: errs}
	page.Title, page.Section = "New supplier", "suppliers"
	if current != nil {
		page.Title = "Edit " + current.Name
	}
	var err error
	if page.People, err = u.people(q); err != nil {
		return err
	}
	return u.render(q, status, "supplier_form", page)
}

func (u *UI) newSupplierPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	f := supplierForm{Kind: string(isms.SupplierCloud), Criticality: string(isms.CriticalityMedium), Status: string(isms.SupplierActive),
		ReviewCadence: string(isms.Yearly)}
	return u.showSupplierForm(q, http.StatusOK, nil, f, nil)
}

func (u *UI) createSupplier(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	f := parseSupplierForm(q.r.PostForm)
	in, errs := f.supplier(q.r.PostForm)
	if len(errs) > 0 {
		return u.showSupplierForm(q, http.StatusUnprocessableEntity, nil, f, errs)
	}
	created, err := u.svc.CreateSupplier(q.r.Context(), q.access, in)
	if errs := conflictOrFields(err); errs != nil {
		return u.showSupplierForm(q, http.StatusUnprocessableEntity, nil, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers", created.ID), created.Name+" was added to the supplier register.")
}

func (u *UI) editSupplierPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	d, err := u.svc.Supplier(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showSupplierForm(q, http.StatusOK, &d.Supplier, supplierFormOf(d.Supplier), nil)
}

func (u *UI) updateSupplier(q *request) error {
	d, err := u.svc.Supplier(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	f := parseSupplierForm(q.r.PostForm)
	in, errs := f.supplier(q.r.PostForm)
	if len(errs) > 0 {
		return u.showSupplierForm(q, http.StatusUnprocessableEntity, &d.Supplier, f, errs)
	}
	in.ID = d.ID
	updated, err := u.svc.UpdateSupplier(q.r.Context(), q.access, in)
	if errs := conflictOrFields(err); errs != nil {
		return u.showSupplierForm(q, http.StatusUnprocessableEntity, &d.Supplier, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("suppliers", updated.ID), updated.Name+" was saved.")
}

// ---------------------------------------------------------------------
// Import.

type supplierImportPage struct {
	Page
	Columns  []string
	FileName string
	Problems supplier.Problems
	Error    string
	Result   *app.SupplierImport
}

func (u *UI) showSupplierImport(q *request, status int, page *supplierImportPage) error {
	page.Title, page.Section, page.Columns = "Import suppliers", "suppliers", supplier.Columns
	return u.render(q, status, "supplier_import", page)
}

func (u *UI) supplierImportPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	return u.showSupplierImport(q, http.StatusOK, &supplierImportPage{})
}

func (u *UI) importSuppliers(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	page := &supplierImportPage{}
	file, header, err := q.r.FormFile("file")
	if err != nil {
		page.Error = "Choose a CSV file to upload."
		return u.showSupplierImport(q, http.StatusUnprocessableEntity, page)
	}
	defer file.Close()
	page.FileName = header.Filename
	res, err := u.svc.ImportSuppliers(q.r.Context(), q.access, header.Filename, file, q.r.PostFormValue("check") != "")
	var problems supplier.Problems
	switch {
	case errors.As(err, &problems):
		page.Problems = problems
		return u.showSupplierImport(q, http.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	page.Result = &res
	return u.showSupplierImport(q, http.StatusOK, page)
}

// supplierMetricsView is the register's figures on a control page.
type supplierMetricsView struct {
	app.SupplierMetrics
	Register    string
	FlaggedLink string
	Flags       []flagCount
}

type flagCount struct {
	Kind  isms.FlagKind
	Count int
	Link  string
}

func (u *UI) supplierMetricsView(q *request) (*supplierMetricsView, error) {
	m, err := u.svc.SupplierMetrics(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	v := &supplierMetricsView{SupplierMetrics: m, Register: q.orgPath("suppliers"),
		FlaggedLink: urlWith(q.orgPath("suppliers"), url.Values{"flagged": {"1"}})}
	for _, k := range isms.FlagKinds {
		if n := m.ByFlag[k]; n > 0 {
			v.Flags = append(v.Flags, flagCount{Kind: k, Count: n, Link: urlWith(q.orgPath("suppliers"), url.Values{"flag": {string(k)}})})
		}
	}
	return v, nil
}
