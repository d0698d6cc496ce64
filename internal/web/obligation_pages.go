package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/obligation"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerObligationPages adds the register of legal, statutory,
// regulatory and contractual requirements.
func (u *UI) registerObligationPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/obligations", u.inOrg(u.obligationsPage))
	r.Handle("POST", "/o/{org}/obligations", u.inOrg(u.createObligation))
	r.Handle("GET", "/o/{org}/obligations/new", u.inOrg(u.newObligationPage))
	r.Handle("POST", "/o/{org}/obligations/starters", u.inOrg(u.addStarterObligations))
	r.Handle("GET", "/o/{org}/obligations/import", u.inOrg(u.obligationImportPage))
	r.Handle("POST", "/o/{org}/obligations/import", u.inOrg(u.importObligations))
	r.Handle("GET", "/o/{org}/obligations/export", u.inOrg(u.exportObligations))
	r.Handle("GET", "/o/{org}/obligations/template.csv", u.inOrg(u.obligationTemplate))
	r.Handle("GET", "/o/{org}/obligations/{id}", u.inOrg(u.obligationPage))
	r.Handle("POST", "/o/{org}/obligations/{id}", u.inOrg(u.updateObligation))
	r.Handle("GET", "/o/{org}/obligations/{id}/edit", u.inOrg(u.editObligationPage))
	r.Handle("POST", "/o/{org}/obligations/{id}/delete", u.inOrg(u.deleteObligation))
}

// obligationLabels names the register's values for templates; pages
// embed it.
type obligationLabels struct{}

// KindLabel names an obligation kind.
func (obligationLabels) KindLabel(k isms.ObligationKind) string { return k.Label() }

// ClassLabel names an AI Act risk class.
func (obligationLabels) ClassLabel(c isms.AIRiskClass) string { return c.Label() }

// StatusLabel names an obligation state.
func (obligationLabels) StatusLabel(s isms.ObligationStatus) string { return s.Label() }

// ReasonLabel names the kind of reason an obligation gives its controls.
func (obligationLabels) ReasonLabel(k isms.ObligationKind) string { return k.Reason().Label() }

type obligationRow struct {
	isms.Obligation
	Link    string
	Overdue bool
}

type obligationsPage struct {
	Page
	obligationLabels
	Rows       []obligationRow
	Total      int
	NextURL    string
	FirstURL   string
	Filter     isms.ObligationFilter
	Filtered   bool
	People     people
	Kinds      []isms.ObligationKind
	Statuses   []isms.ObligationStatus
	Classes    []isms.AIRiskClass
	ExportCSV  string
	ExportXLSX string
	// Starters are the starter obligations the register does not cite yet.
	Starters []app.ObligationStarter
}

func obligationFilterOf(query url.Values) isms.ObligationFilter {
	return isms.ObligationFilter{Kind: isms.ObligationKind(query.Get("kind")), Status: isms.ObligationStatus(query.Get("status")),
		OwnerID: query.Get("owner"), AIRiskClass: isms.AIRiskClass(query.Get("class")), Control: strings.TrimSpace(query.Get("control")),
		Overdue: query.Get("overdue") == "1", Query: strings.TrimSpace(query.Get("q")), Cursor: query.Get("cursor")}
}

// obligationQuery encodes a filter for links, without its cursor.
func obligationQuery(f isms.ObligationFilter) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"kind": string(f.Kind), "status": string(f.Status), "owner": f.OwnerID,
		"class": string(f.AIRiskClass), "control": f.Control, "q": f.Query} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	return v
}

func (u *UI) obligationsPage(q *request) error {
	ctx := q.r.Context()
	f := obligationFilterOf(q.r.URL.Query())
	list, err := u.svc.ListObligations(ctx, q.access, f)
	if err != nil {
		return err
	}
	page := &obligationsPage{Total: list.Total, Filter: f, Kinds: isms.ObligationKinds, Statuses: isms.ObligationStatuses,
		Classes: isms.AIRiskClasses}
	page.Title, page.Section = "Obligations", "obligations"
	now := time.Now()
	for _, o := range list.Obligations {
		page.Rows = append(page.Rows, obligationRow{Obligation: o, Link: q.orgPath("obligations", o.ID), Overdue: o.Overdue(now)})
	}
	if page.People, err = u.people(q); err != nil {
		return err
	}
	page.Filtered = len(obligationQuery(f)) > 0
	link := func(path, key, value string) string {
		v := obligationQuery(f)
		if key != "" {
			v.Set(key, value)
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if list.Next != "" {
		page.NextURL = link(q.orgPath("obligations"), "cursor", list.Next)
	}
	if f.Cursor != "" {
		page.FirstURL = link(q.orgPath("obligations"), "", "")
	}
	page.ExportCSV = link(q.orgPath("obligations", "export"), "format", "csv")
	page.ExportXLSX = link(q.orgPath("obligations", "export"), "format", "xlsx")
	if q.access.Can(isms.PermWriteRecords) {
		for _, st := range app.ObligationStarters() {
			cited, err := u.svc.ListObligations(ctx, q.access, isms.ObligationFilter{Query: st.Input.Source, Limit: 1})
			if err != nil {
				return err
			}
			if cited.Total == 0 {
				page.Starters = append(page.Starters, st)
			}
		}
	}
	return u.render(q, http.StatusOK, "obligations", page)
}

func (u *UI) addStarterObligations(q *request) error {
	added, err := u.svc.AddStarterObligations(q.r.Context(), q.access, q.r.PostForm["starter"])
	if errors.Is(err, isms.ErrInvalid) {
		return u.redirect(q, q.orgPath("obligations"), "Tick at least one starter obligation to add.")
	}
	if err != nil {
		return err
	}
	msg := "The register already cites those obligations."
	switch {
	case len(added) == 1:
		msg = fmt.Sprintf("%s was added; adapt it to %s.", added[0].Ref(), q.access.Org.Name)
	case len(added) > 1:
		msg = fmt.Sprintf("%d obligations were added; adapt them to %s.", len(added), q.access.Org.Name)
	}
	return u.redirect(q, q.orgPath("obligations"), msg)
}

func (u *UI) exportObligations(q *request) error {
	ctx := q.r.Context()
	f := obligationFilterOf(q.r.URL.Query())
	f.Cursor = ""
	name := "obligations-" + q.access.Org.Slug
	switch format := q.r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(q, "text/csv; charset=utf-8", name+".csv", func(w io.Writer) error {
			return u.svc.ExportObligationsCSV(ctx, q.access, f, w)
		})
	case "xlsx":
		return sendFile(q, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", func(w io.Writer) error {
			return u.svc.ExportObligationsXLSX(ctx, q.access, f, w)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

func (u *UI) obligationTemplate(q *request) error {
	return sendFile(q, "text/csv; charset=utf-8", "isms-obligations-template.csv", func(w io.Writer) error {
		_, err := w.Write(app.ObligationCSVTemplate())
		return err
	})
}

// ---------------------------------------------------------------------
// One obligation.

type obligationControl struct {
	Ref, Link string
}

type obligationAsset struct {
	Name, Link string
}

type obligationPage struct {
	Page
	obligationLabels
	Obligation  isms.Obligation
	Owner       string
	Overdue     bool
	Controls    []obligationControl
	Assets      []obligationAsset
	HistoryLink string
}

func (u *UI) obligationPage(q *request) error {
	o, err := u.svc.Obligation(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &obligationPage{Obligation: o, Overdue: o.Overdue(time.Now()), HistoryLink: q.orgPath("history", "obligation", o.ID)}
	page.Title, page.Section = o.Ref()+" "+o.Title, "obligations"
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owner = ppl.Name(o.OwnerID)
	for _, ref := range o.Controls {
		page.Controls = append(page.Controls, obligationControl{Ref: ref, Link: q.controlPath(ref)})
	}
	if len(o.AssetIDs) > 0 {
		labels, err := u.svc.AssetLabels(q.r.Context(), q.access, o.AssetIDs, 0)
		if err != nil {
			return err
		}
		for _, l := range labels {
			page.Assets = append(page.Assets, obligationAsset{Name: l.Name, Link: q.orgPath("assets", l.ID)})
		}
	}
	return u.render(q, http.StatusOK, "obligation", page)
}

func (u *UI) deleteObligation(q *request) error {
	o, err := u.svc.Obligation(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := u.svc.DeleteObligation(q.r.Context(), q.access, o.ID); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("obligations"), o.Ref()+" was deleted from the register.")
}

// ---------------------------------------------------------------------
// The form.

// obligationForm holds the form as typed, so a form with problems comes
// back with the values kept.
type obligationForm struct {
	Kind, Title, Source, SourceURL, Jurisdiction, OwnerID, Applicability string
	AIRiskClass, Controls, ReviewDate, Status, NotApplicableReason       string
	AssetIDs                                                             []string
}

// HasAsset reports whether the form names an AI asset.
func (f obligationForm) HasAsset(id string) bool { return slices.Contains(f.AssetIDs, id) }

func obligationFormOf(o isms.Obligation) obligationForm {
	return obligationForm{Kind: string(o.Kind), Title: o.Title, Source: o.Source, SourceURL: o.SourceURL, Jurisdiction: o.Jurisdiction,
		OwnerID: o.OwnerID, Applicability: o.Applicability, AIRiskClass: string(o.AIRiskClass), Controls: strings.Join(o.Controls, "\n"),
		ReviewDate: formatDate(o.ReviewDate), Status: string(o.Status), NotApplicableReason: o.NotApplicableReason, AssetIDs: o.AssetIDs}
}

func parseObligationForm(form url.Values) obligationForm {
	return obligationForm{Kind: form.Get("kind"), Title: form.Get("title"), Source: form.Get("source"), SourceURL: form.Get("source_url"),
		Jurisdiction: form.Get("jurisdiction"), OwnerID: form.Get("owner_id"), Applicability: form.Get("applicability"),
		AIRiskClass: form.Get("ai_risk_class"), Controls: form.Get("controls"), ReviewDate: form.Get("review_date"),
		Status: form.Get("status"), NotApplicableReason: form.Get("not_applicable_reason"), AssetIDs: form["asset_ids"]}
}

// input turns the form into the app's input, with the problems the form
// itself finds (a date that is none).
func (f obligationForm) input() (app.ObligationInput, map[string]string) {
	in := app.ObligationInput{Kind: f.Kind, Title: f.Title, Source: f.Source, SourceURL: f.SourceURL, Jurisdiction: f.Jurisdiction,
		OwnerID: f.OwnerID, Applicability: f.Applicability, AIRiskClass: f.AIRiskClass, AssetIDs: f.AssetIDs, Status: f.Status,
		Controls: strings.FieldsFunc(f.Controls, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' })}
	// The reason is only for an obligation that does not apply; a reason
	// left in the hidden field of an applicable one is not a mistake.
	if isms.ObligationStatus(f.Status) == isms.ObligationNotApplicable {
		in.NotApplicableReason = f.NotApplicableReason
	}
	errs := map[string]string{}
	if d := strings.TrimSpace(f.ReviewDate); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			errs["review_date"] = "is not a date; use YYYY-MM-DD"
		} else {
			in.ReviewDate = &t
		}
	}
	return in, errs
}

type obligationFormPage struct {
	Page
	obligationLabels
	Obligation *isms.Obligation // nil for a new one
	Form       obligationForm
	Errors     map[string]string
	People     people
	Kinds      []isms.ObligationKind
	Statuses   []isms.ObligationStatus
	Classes    []isms.AIRiskClass
	AIAssets   []store.AssetLabel
}

// maxAssetChoices bounds the assets, by name, the form looks through for
// AI ones to offer; the assets the obligation already names are always
// offered, so saving the form never drops one.
const maxAssetChoices = 500

func (u *UI) showObligationForm(q *request, status int, current *isms.Obligation, f obligationForm, errs map[string]string) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	page := &obligationFormPage{Obligation: current, Form: f, Errors: errs, Kinds: isms.ObligationKinds,
		Statuses: isms.ObligationStatuses, Classes: isms.AIRiskClasses}
	page.Title, page.Section = "New obligation", "obligations"
	if current != nil {
		page.Title = "Edit " + current.Ref()
	}
	var err error
	if page.People, err = u.people(q); err != nil {
		return err
	}
	labels, err := u.svc.AssetLabels(q.r.Context(), q.access, nil, maxAssetChoices)
	if err != nil {
		return err
	}
	var named []store.AssetLabel
	if len(f.AssetIDs) > 0 {
		if named, err = u.svc.AssetLabels(q.r.Context(), q.access, f.AssetIDs, 0); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, l := range append(named, labels...) {
		if info, ok := l.Type.Info(); ok && info.AI && !seen[l.ID] {
			seen[l.ID] = true
			page.AIAssets = append(page.AIAssets, l)
		}
	}
	slices.SortFunc(page.AIAssets, func(a, b store.AssetLabel) int { return strings.Compare(a.Name, b.Name) })
	return u.render(q, status, "obligation_form", page)
}

func (u *UI) newObligationPage(q *request) error {
	f := obligationForm{Kind: string(isms.ObligationLegal), Status: string(isms.ObligationApplicable)}
	if c := q.r.URL.Query().Get("control"); c != "" {
		f.Controls = c
	}
	return u.showObligationForm(q, http.StatusOK, nil, f, nil)
}

func (u *UI) createObligation(q *request) error {
	f := parseObligationForm(q.r.PostForm)
	in, errs := f.input()
	if len(errs) > 0 {
		return u.showObligationForm(q, http.StatusUnprocessableEntity, nil, f, errs)
	}
	created, err := u.svc.CreateObligation(q.r.Context(), q.access, in)
	if errs := conflictOrFields(err); errs != nil {
		return u.showObligationForm(q, http.StatusUnprocessableEntity, nil, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("obligations", created.ID), created.Ref()+" was added to the register.")
}

func (u *UI) editObligationPage(q *request) error {
	o, err := u.svc.Obligation(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showObligationForm(q, http.StatusOK, &o, obligationFormOf(o), nil)
}

func (u *UI) updateObligation(q *request) error {
	current, err := u.svc.Obligation(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	f := parseObligationForm(q.r.PostForm)
	in, errs := f.input()
	if len(errs) > 0 {
		return u.showObligationForm(q, http.StatusUnprocessableEntity, &current, f, errs)
	}
	updated, err := u.svc.UpdateObligation(q.r.Context(), q.access, current.ID, in)
	if errs := conflictOrFields(err); errs != nil {
		return u.showObligationForm(q, http.StatusUnprocessableEntity, &current, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("obligations", updated.ID), updated.Ref()+" was saved.")
}

// ---------------------------------------------------------------------
// The import.

type obligationImportPage struct {
	Page
	obligationLabels
	FileName string
	Problems obligation.Problems
	Error    string
	Result   *app.ObligationImport
	Columns  []string
}

func (u *UI) showObligationImport(q *request, status int, page *obligationImportPage) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	page.Title, page.Section, page.Columns = "Import obligations", "obligations", obligation.Columns
	return u.render(q, status, "obligation_import", page)
}

func (u *UI) obligationImportPage(q *request) error {
	return u.showObligationImport(q, http.StatusOK, &obligationImportPage{})
}

func (u *UI) importObligations(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	page := &obligationImportPage{}
	file, header, err := q.r.FormFile("file")
	if err != nil {
		page.Error = "Choose a file to upload."
		return u.showObligationImport(q, http.StatusUnprocessableEntity, page)
	}
	defer file.Close()
	page.FileName = header.Filename
	res, err := u.svc.ImportObligations(q.r.Context(), q.access, header.Filename, file, q.r.PostFormValue("check") != "")
	switch {
	case errors.As(err, &page.Problems):
		return u.showObligationImport(q, http.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	page.Result = &res
	return u.showObligationImport(q, http.StatusOK, page)
}
