package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// registerSoAPages adds the Statement of Applicability: the statement of
// each framework the organisation runs, its approved versions, their
// comparison and exports, and the organisation's own controls.
func (u *UI) registerSoAPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/soa", u.inOrg(u.soaIndex))
	r.Handle("GET", "/o/{org}/soa/{framework}", u.inOrg(u.soaPage))
	r.Handle("GET", "/o/{org}/soa/{framework}/export", u.inOrg(u.exportSoA))
	r.Handle("GET", "/o/{org}/soa/{framework}/compare", u.inOrg(u.compareSoA))
	r.Handle("POST", "/o/{org}/soa/{framework}/approve", u.inOrg(u.approveSoA))
	r.Handle("POST", "/o/{org}/controls", u.inOrg(u.createCustomControl))
}

// ---------------------------------------------------------------------
// Shared pieces.

// freshnessNone is the evidence badge of a control without evidence.
const freshnessNone = "none"

// entryFreshness is the best freshness among a control's evidence: one
// current item shows the control operating, whatever else has expired.
func entryFreshness(e soa.Entry) string {
	if len(e.Evidence) == 0 {
		return freshnessNone
	}
	best := isms.Stale
	for _, ev := range e.Evidence {
		switch ev.Freshness {
		case isms.Current:
			return string(isms.Current)
		case isms.DueSoon:
			best = isms.DueSoon
		}
	}
	return string(best)
}

// freshnessLabel names a freshness badge for people.
func freshnessLabel(f string) string {
	if f == freshnessNone {
		return "No evidence"
	}
	return isms.Freshness(f).Label()
}

// applicabilityLabel names a decision for people.
func applicabilityLabel(a isms.Applicability) string {
	switch a {
	case isms.Included:
		return "Included"
	case isms.Excluded:
		return "Excluded"
	}
	return "Not decided"
}

var anchorUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// controlAnchor is the id of a control's row in the statement, which a
// saved row returns to.
func controlAnchor(ref string) string {
	return "c-" + anchorUnsafe.ReplaceAllString(ref, "-")
}

// controlPath is the page of a control; refs hold colons and may hold
// slashes, which the {ref...} pattern takes as they are.
func (q *request) controlPath(ref string, action ...string) string {
	parts := append([]string{"controls"}, action...)
	return q.orgPath(append(parts, escapeRef(ref))...)
}

// escapeRef escapes each segment of a reference for a path.
func escapeRef(ref string) string {
	segs := strings.Split(ref, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// unknownOwner stands in a row's owner select for an owner the page
// cannot name by id; left as it is, it changes nothing.
const unknownOwner = "current"

// soaTab is one framework's statement in the tabs above it.
type soaTab struct {
	Label, Link string
	Current     bool
}

func (u *UI) soaTabs(q *request, current string) ([]soaTab, []app.FrameworkView, error) {
	fws, err := u.svc.SoAFrameworks(q.r.Context(), q.access)
	if err != nil {
		return nil, nil, err
	}
	tabs := make([]soaTab, len(fws))
	for i, v := range fws {
		tabs[i] = soaTab{Label: v.Title(), Link: q.orgPath("soa", v.ID), Current: v.ID == current}
	}
	return tabs, fws, nil
}

// soaIndex opens the statement of the first framework the organisation
// runs, ISO/IEC 27001:2022 when it runs it.
func (u *UI) soaIndex(q *request) error {
	_, fws, err := u.soaTabs(q, "")
	if err != nil {
		return err
	}
	if len(fws) > 0 {
		http.Redirect(q.w, q.r, q.orgPath("soa", fws[0].ID), http.StatusSeeOther)
		return nil
	}
	page := &soaPage{}
	page.Title, page.Section = "Statement of Applicability", "soa"
	return u.render(q, http.StatusOK, "soa", page)
}

// ---------------------------------------------------------------------
// The statement.

// soaQuery is the statement's filter as it appears in the URL.
type soaQuery struct {
	Theme, Status, Owner, Applicability, Evidence, Q string
	Flagged                                          bool
	// Version is the approved version shown; 0 is the draft.
	Version int
}

func readSoAQuery(v url.Values) soaQuery {
	n, _ := strconv.Atoi(v.Get("version"))
	return soaQuery{Theme: v.Get("theme"), Status: v.Get("status"), Owner: v.Get("owner"),
		Applicability: v.Get("applicability"), Evidence: v.Get("evidence"), Q: strings.TrimSpace(v.Get("q")),
		Flagged: v.Get("flagged") != "" && v.Get("flagged") != "0", Version: max(n, 0)}
}

func (f soaQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("theme", f.Theme)
	set("status", f.Status)
	set("owner", f.Owner)
	set("applicability", f.Applicability)
	set("evidence", f.Evidence)
	set("q", f.Q)
	if f.Flagged {
		v.Set("flagged", "1")
	}
	if f.Version > 0 {
		v.Set("version", strconv.Itoa(f.Version))
	}
	return v
}

// Filtered reports whether anything narrows the statement.
func (f soaQuery) Filtered() bool {
	f.Version = 0
	return len(f.values()) > 0
}

// matches reports whether a row passes the filter.
func (f soaQuery) matches(r soaRow) bool {
	switch {
	case f.Theme != "" && r.Theme != f.Theme,
		f.Status != "" && string(r.Status) != f.Status,
		f.Evidence != "" && r.Freshness != f.Evidence,
		f.Flagged && len(r.Flags) == 0:
		return false
	}
	switch f.Applicability {
	case "included", "excluded":
		if string(r.Applicability) != f.Applicability {
			return false
		}
	case "undecided":
		if r.Applicability != isms.Undecided {
			return false
		}
	}
	switch f.Owner {
	case "":
	case "none":
		if r.Owner != "" {
			return false
		}
	default:
		if r.OwnerID != f.Owner {
			return false
		}
	}
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		if !strings.Contains(strings.ToLower(r.ID+" "+r.Title), q) {
			return false
		}
	}
	return true
}

// soaRowForm is a row's inline form as posted.
type soaRowForm struct {
	Applicability, ExclusionReason, Status, OwnerID string
}

type soaRow struct {
	soa.Entry
	Anchor string
	Link   string
	// Action is where the row's form posts.
	Action string
	// Decided is the applicability recorded for the control: empty for a
	// control included only because risk treatments select it.
	Decided        isms.Applicability
	Risks          []soa.Reason
	Others         []soa.Reason
	Freshness      string
	FreshnessLabel string
	OwnerID        string
	// CanDecide: the row's form changes applicability and owner;
	// CanEdit: it changes the status.
	CanDecide bool
	CanEdit   bool
	Form      soaRowForm
	Errors    map[string]string
}

// ApplicabilityLabel names the row's applicability.
func (r soaRow) ApplicabilityLabel() string { return applicabilityLabel(r.Applicability) }

// RiskRefs lists the risks and obligations that include the control, for
// the derived note.
func (r soaRow) RiskRefs() string {
	var refs []string
	for _, s := range r.Risks {
		refs = append(refs, s.Ref)
	}
	for _, s := range r.Others {
		if isObligationReason(s) {
			refs = append(refs, s.Ref)
		}
	}
	return strings.Join(refs, ", ")
}

// DerivedFrom are the risks and obligations that include a control nobody
// decided on.
func (r soaRow) DerivedFrom() []soa.Reason {
	out := slices.Clone(r.Risks)
	for _, s := range r.Others {
		if isObligationReason(s) {
			out = append(out, s)
		}
	}
	return out
}

// isObligationReason tells an applicable obligation's reason from a
// documented one: only obligations are cited by an OB- reference.
func isObligationReason(r soa.Reason) bool {
	_, ok := isms.ParseObligationRef(r.Ref)
	return r.Kind != "risk" && ok
}

type soaGroup struct {
	Theme string
	Rows  []soaRow
}

type soaCount struct {
	Label string
	Count int
	Link  string
}

type soaExportLink struct {
	Format, Label, Link string
}

type soaVersionRow struct {
	store.SoAVersion
	Link    string
	Exports []soaExportLink
	Compare string
	Current bool
}

// customControlForm is the form that adds one of the organisation's own
// controls.
type customControlForm struct {
	Code, Title, Description string
}

// soaState is what a refused form post shows on the statement.
type soaState struct {
	// Row is the control whose inline form was refused.
	Row           string
	RowForm       soaRowForm
	RowErrors     map[string]string
	ApproveNote   string
	ApproveErrors []string
	Custom        customControlForm
	CustomErrors  map[string]string
}

type soaPage struct {
	Page
	soaState
	Tabs           []soaTab
	Framework      string
	FrameworkTitle string
	Doc            soa.Document
	Query          soaQuery
	// Frozen is the approved version shown, nil for the draft.
	Frozen       *store.SoAVersion
	Summary      soa.Summary
	StatusCounts []soaCount
	Counts       []soaCount
	Statuses     []isms.ImplementationStatus
	Themes       []string
	Owners       []isms.Member
	Groups       []soaGroup
	Shown        int
	Versions     []soaVersionRow
	NextVersion  int
	Exports      []soaExportLink
	CanWrite     bool
	// Back is the statement as filtered, for the rows' forms to return to.
	Back       string
	Base       string
	ClearURL   string
	DraftURL   string
	CompareURL string
}

// ReasonLabel names a kind of documented reason.
func (soaPage) ReasonLabel(kind string) string { return isms.ReasonKind(kind).Label() }

// exportLabels names the export formats on their buttons.
var exportLabels = map[string]string{
	app.SoAFormatXLSX: "XLSX", app.SoAFormatPDF: "PDF", app.SoAFormatCSV: "CSV", app.SoAFormatHTML: "HTML",
	app.SoAFormatOSCAL: "OSCAL JSON",
}

func soaExports(base string, version int) []soaExportLink {
	var out []soaExportLink
	for _, f := range app.SoAFormats {
		v := url.Values{"format": {f.Name}}
		if version > 0 {
			v.Set("version", strconv.Itoa(version))
		}
		out = append(out, soaExportLink{Format: f.Name, Label: exportLabels[f.Name], Link: urlWith(base+"/export", v)})
	}
	return out
}

func (u *UI) soaPage(q *request) error {
	return u.showSoA(q, http.StatusOK, q.r.PathValue("framework"), readSoAQuery(q.r.URL.Query()), soaState{})
}

func (u *UI) showSoA(q *request, status int, fwID string, f soaQuery, state soaState) error {
	ctx := q.r.Context()
	page := &soaPage{soaState: state, Framework: fwID, Query: f, Statuses: isms.ImplementationStatuses,
		CanWrite: q.access.Can(isms.PermWriteRecords)}
	page.Section = "soa"
	var err error
	if page.Tabs, _, err = u.soaTabs(q, fwID); err != nil {
		return err
	}
	doc, err := u.svc.SoA(ctx, q.access, fwID, f.Version)
	if err != nil {
		return err
	}
	versions, err := u.svc.SoAVersions(ctx, q.access, fwID)
	if err != nil {
		return err
	}
	page.Doc, page.FrameworkTitle = doc, doc.FrameworkTitle
	page.Title = "Statement of Applicability · " + doc.FrameworkTitle
	base := q.orgPath("soa", fwID)
	page.Base, page.DraftURL = base, base
	cleared := soaQuery{Version: f.Version}
	page.ClearURL = urlWith(base, cleared.values())
	page.Back = urlWith(base, f.values())
	page.Exports = soaExports(base, f.Version)
	page.NextVersion = len(versions) + 1
	for i, v := range versions {
		row := soaVersionRow{SoAVersion: v, Link: urlWith(base, url.Values{"version": {strconv.Itoa(v.Number)}}),
			Exports: soaExports(base, v.Number), Current: v.Number == f.Version}
		if i+1 < len(versions) {
			row.Compare = urlWith(base+"/compare", url.Values{"from": {strconv.Itoa(versions[i+1].Number)}, "to": {strconv.Itoa(v.Number)}})
		}
		if v.Number == f.Version {
			page.Frozen = &versions[i]
		}
		page.Versions = append(page.Versions, row)
	}
	if len(versions) > 0 {
		page.CompareURL = urlWith(base+"/compare", url.Values{"from": {strconv.Itoa(versions[0].Number)}, "to": {"0"}})
	}

	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	page.Summary = doc.Summarise()
	filterLink := func(g soaQuery) string { return urlWith(base, g.values()) }
	for _, s := range isms.ImplementationStatuses {
		g := soaQuery{Version: f.Version, Status: string(s), Applicability: "included"}
		page.StatusCounts = append(page.StatusCounts, soaCount{Label: s.Label(), Count: page.Summary.ByStatus[s], Link: filterLink(g)})
	}
	frozen := f.Version > 0
	stale := 0
	for _, e := range doc.Entries {
		row := soaRow{Entry: e, Anchor: controlAnchor(e.Control), Link: q.controlPath(e.Control), Action: q.controlPath(e.Control, "edit"),
			Decided: e.Applicability}
		if e.Derived {
			row.Decided = isms.Undecided
		}
		for _, r := range e.Reasons {
			if r.Kind == "risk" {
				row.Risks = append(row.Risks, r)
			} else {
				row.Others = append(row.Others, r)
			}
		}
		row.Freshness = entryFreshness(e)
		row.FreshnessLabel = freshnessLabel(row.Freshness)
		if row.Freshness == string(isms.Stale) {
			stale++
		}
		if e.OwnerID != "" {
			row.OwnerID = e.OwnerID
			if _, ok := ppl.byID[e.OwnerID]; !ok {
				row.OwnerID = unknownOwner
			}
		}
		if !frozen {
			row.CanDecide = q.access.Can(isms.PermWriteRecords)
			// The app lets a contributor set the status of the controls
			// they own.
			row.CanEdit = row.CanDecide || (q.access.Role == isms.RoleContributor && e.OwnerID != "" && e.OwnerID == q.access.Member.ID)
		}
		row.Form = soaRowForm{Applicability: string(row.Decided), ExclusionReason: e.Exclusion, Status: string(e.Status), OwnerID: row.OwnerID}
		if state.Row == e.Control {
			row.Form, row.Errors = state.RowForm, state.RowErrors
		}
		if e.Theme != "" && !slices.Contains(page.Themes, e.Theme) {
			page.Themes = append(page.Themes, e.Theme)
		}
		// A refused row stays in view whatever the filter.
		if !f.matches(row) && state.Row != e.Control {
			continue
		}
		page.Shown++
		if n := len(page.Groups); n == 0 || page.Groups[n-1].Theme != e.Theme {
			page.Groups = append(page.Groups, soaGroup{Theme: e.Theme})
		}
		g := &page.Groups[len(page.Groups)-1]
		g.Rows = append(g.Rows, row)
	}
	// Stale counts the controls whose evidence has all expired, as the
	// evidence filter selects them, not those with any expired item.
	page.Counts = []soaCount{
		{"Controls", page.Summary.Controls, filterLink(soaQuery{Version: f.Version})},
		{"Included", page.Summary.Included, filterLink(soaQuery{Version: f.Version, Applicability: "included"})},
		{"Excluded", page.Summary.Excluded, filterLink(soaQuery{Version: f.Version, Applicability: "excluded"})},
		{"Not decided", page.Summary.Undecided, filterLink(soaQuery{Version: f.Version, Applicability: "undecided"})},
		{"Flagged", page.Summary.Flagged, filterLink(soaQuery{Version: f.Version, Flagged: true})},
		{"Stale evidence", stale, filterLink(soaQuery{Version: f.Version, Evidence: string(isms.Stale)})},
	}
	return u.render(q, status, "soa", page)
}

// ---------------------------------------------------------------------
// Approval, versions and exports.

func (u *UI) approveSoA(q *request) error {
	fwID := q.r.PathValue("framework")
	note := q.r.PostFormValue("note")
	v, err := u.svc.ApproveSoA(q.r.Context(), q.access, fwID, note)
	if fields := isms.FieldErrors(err); fields != nil {
		msgs := make([]string, len(fields))
		for i, f := range fields {
			msgs[i] = f.Detail
			if f.Field != "applicability" {
				msgs[i] = f.Field + " " + f.Detail
			}
		}
		return u.showSoA(q, http.StatusUnprocessableEntity, fwID, soaQuery{}, soaState{ApproveNote: note, ApproveErrors: msgs})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, urlWith(q.orgPath("soa", fwID), url.Values{"version": {strconv.Itoa(v.Number)}}),
		fmt.Sprintf("Version %d of the Statement of Applicability approved and frozen.", v.Number))
}

// exportSoA sends a version of a statement (the draft by default) as a
// download.
func (u *UI) exportSoA(q *request) error {
	query := q.r.URL.Query()
	version := 0
	if s := query.Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			u.renderError(q.w, q.r, http.StatusUnprocessableEntity, fmt.Sprintf("The export cannot be made: %q is not a version number.", s))
			return nil
		}
		version = n
	}
	format := query.Get("format")
	if format == "" {
		format = app.SoAFormatXLSX
	}
	out, err := u.svc.ExportSoA(q.r.Context(), q.access, q.r.PathValue("framework"), version, format)
	if fields := isms.FieldErrors(err); fields != nil {
		u.renderError(q.w, q.r, http.StatusUnprocessableEntity, "The export cannot be made: "+fields[0].Field+" "+fields[0].Detail+".")
		return nil
	}
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", out.MediaType)
	h.Set("Content-Disposition", attachment(out.FileName))
	h.Set("Content-Length", strconv.Itoa(len(out.Body)))
	h.Set("Cache-Control", "no-store")
	_, _ = q.w.Write(out.Body)
	return nil
}

// ---------------------------------------------------------------------
// Comparison of two versions.

type soaChange struct {
	Field, Before, After string
}

type soaDiffGroup struct {
	Control, ID, Title, Link string
	Changes                  []soaChange
}

type soaVersionOption struct {
	Number int
	Label  string
}

type soaComparePage struct {
	Page
	Framework      string
	FrameworkTitle string
	From, To       int
	Options        []soaVersionOption
	Groups         []soaDiffGroup
	Base           string
	Problem        string
}

// differenceFields names the compared fields for people.
var differenceFields = map[string]string{
	"control": "Control", "applicability": "Applicability", "reasons": "Reasons", "exclusion": "Justification for exclusion",
	"status": "Implementation status", "owner": "Owner", "implementation": "Implementation", "evidence": "Evidence",
}

func versionLabel(n int) string {
	if n == 0 {
		return "Draft (as the records stand now)"
	}
	return "Version " + strconv.Itoa(n)
}

func (u *UI) compareSoA(q *request) error {
	ctx := q.r.Context()
	fwID := q.r.PathValue("framework")
	versions, err := u.svc.SoAVersions(ctx, q.access, fwID)
	if err != nil {
		return err
	}
	page := &soaComparePage{Framework: fwID, Base: q.orgPath("soa", fwID)}
	page.Section = "soa"
	page.Options = append(page.Options, soaVersionOption{0, versionLabel(0)})
	for _, v := range versions {
		page.Options = append(page.Options, soaVersionOption{v.Number, versionLabel(v.Number)})
	}
	query := q.r.URL.Query()
	page.From, page.To = -1, 0
	if len(versions) > 0 {
		page.From = versions[0].Number
	}
	for _, p := range []struct {
		key string
		dst *int
	}{{"from", &page.From}, {"to", &page.To}} {
		if s := query.Get(p.key); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || !slices.ContainsFunc(page.Options, func(o soaVersionOption) bool { return o.Number == n }) {
				page.Problem = fmt.Sprintf("%q is not a version of this statement.", s)
				n = 0
			}
			*p.dst = n
		}
	}
	doc, err := u.svc.SoA(ctx, q.access, fwID, 0)
	if err != nil {
		return err
	}
	page.FrameworkTitle = doc.FrameworkTitle
	page.Title = "Compare versions · " + doc.FrameworkTitle
	status := http.StatusOK
	switch {
	case page.Problem != "":
		status = http.StatusUnprocessableEntity
	case page.From < 0:
		page.Problem = "No version is approved yet: there is nothing to compare the draft with."
	default:
		diffs, err := u.svc.CompareSoA(ctx, q.access, fwID, page.From, page.To)
		if errors.Is(err, isms.ErrNotFound) {
			page.Problem = "One of the versions does not exist."
			status = http.StatusUnprocessableEntity
			break
		}
		if err != nil {
			return err
		}
		for _, d := range diffs {
			n := len(page.Groups)
			if n == 0 || page.Groups[n-1].Control != d.Control {
				page.Groups = append(page.Groups, soaDiffGroup{Control: d.Control, ID: d.ID, Title: d.Title, Link: q.controlPath(d.Control)})
				n++
			}
			label := differenceFields[d.Field]
			if label == "" {
				label = d.Field
			}
			page.Groups[n-1].Changes = append(page.Groups[n-1].Changes, soaChange{Field: label, Before: d.Before, After: d.After})
		}
	}
	return u.render(q, status, "soa_compare", page)
}

// FromLabel and ToLabel name the compared versions.
func (p *soaComparePage) FromLabel() string { return versionLabel(p.From) }

// ToLabel names the later version compared.
func (p *soaComparePage) ToLabel() string { return versionLabel(p.To) }

// ---------------------------------------------------------------------
// The organisation's own controls.

func (u *UI) createCustomControl(q *request) error {
	fwID := q.r.PostFormValue("framework")
	form := customControlForm{Code: q.r.PostFormValue("code"), Title: q.r.PostFormValue("title"), Description: q.r.PostFormValue("description")}
	c, err := u.svc.CreateCustomControl(q.r.Context(), q.access, form.Code, form.Title, form.Description)
	var conflict *isms.ConflictError
	switch {
	case err == nil:
	case errors.As(err, &conflict) || isms.FieldErrors(err) != nil:
		errs := fieldErrors(isms.FieldErrors(err))
		if conflict != nil {
			errs = map[string]string{"code": "is taken: the organisation already has a control with this code"}
		}
		return u.showSoA(q, http.StatusUnprocessableEntity, fwID, soaQuery{}, soaState{Custom: form, CustomErrors: errs})
	default:
		return err
	}
	return u.redirect(q, q.controlPath(c.Control), "Control "+strings.TrimPrefix(c.Control, isms.CustomFramework+":")+" "+c.Title+
		" added. It is included in every statement; give it an owner and describe how it is implemented.")
}
