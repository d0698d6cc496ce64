package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerRiskPages adds the pages of the risk register.
func (u *UI) registerRiskPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/risks", u.inOrg(u.risksPage))
	r.Handle("POST", "/o/{org}/risks", u.inOrg(u.createRisk))
	r.Handle("GET", "/o/{org}/risks/new", u.inOrg(u.newRiskPage))
	// The report kinds are literal: a {kind} wildcard would collide with
	// {ref}/edit and {ref}/treat.
	r.Handle("GET", "/o/{org}/risks/reports/"+app.ReportAssessment, u.inOrg(u.riskReport))
	r.Handle("GET", "/o/{org}/risks/reports/"+app.ReportTreatment, u.inOrg(u.riskReport))
	r.Handle("GET", "/o/{org}/risks/{ref}", u.inOrg(u.riskPage))
	r.Handle("GET", "/o/{org}/risks/{ref}/edit", u.inOrg(u.editRiskPage))
	r.Handle("POST", "/o/{org}/risks/{ref}/edit", u.inOrg(u.updateRisk))
	r.Handle("POST", "/o/{org}/risks/{ref}/rerate", u.inOrg(u.rerateRisk))
	r.Handle("GET", "/o/{org}/risks/{ref}/treat", u.inOrg(u.treatRiskPage))
	r.Handle("POST", "/o/{org}/risks/{ref}/treat", u.inOrg(u.treatRisk))
	r.Handle("POST", "/o/{org}/risks/{ref}/actions", u.inOrg(u.addRiskAction))
	r.Handle("POST", "/o/{org}/risks/{ref}/actions/{id}", u.inOrg(u.updateRiskAction))
	r.Handle("POST", "/o/{org}/risks/{ref}/decisions", u.inOrg(u.decideOnRisk))
	r.Handle("GET", "/o/{org}/assets/{id}/suggestions", u.inOrg(u.suggestionsPage))
	r.Handle("POST", "/o/{org}/assets/{id}/suggestions", u.inOrg(u.acceptSuggestions))
}

// ---------------------------------------------------------------------
// Shared pieces.

// riskBadge is a risk level as a badge in the methodology's colour.
type riskBadge struct {
	isms.RiskLevel
}

// Tone names the text colour that reads on the level's colour.
func (l riskBadge) Tone() string {
	c := strings.TrimPrefix(l.Color, "#")
	if len(c) != 6 {
		return "on-light"
	}
	n, err := strconv.ParseUint(c, 16, 32)
	if err != nil {
		return "on-light"
	}
	r, g, b := n>>16&0xff, n>>8&0xff, n&0xff
	if (r*299+g*587+b*114)/1000 >= 150 {
		return "on-light"
	}
	return "on-dark"
}

// Fill is the colour behind the badge, grey when the level has none.
func (l riskBadge) Fill() string {
	if l.Color == "" {
		return "#eef0f5"
	}
	return l.Color
}

func riskBadgeOf(l isms.RiskLevel) riskBadge { return riskBadge{l} }

// riskBadgeByName finds a level of a methodology by its name.
func riskBadgeByName(m isms.Methodology, name string) riskBadge {
	for _, l := range m.Levels {
		if l.Name == name {
			return riskBadgeOf(l)
		}
	}
	return riskBadgeOf(isms.RiskLevel{Name: name})
}

// riskRefPattern matches the references people use for risks: R-007 or 7.
var riskRefPattern = regexp.MustCompile(`^(?i:r-)?[0-9]{1,9}$`)

// loadRisk reads the risk the path names by its reference or its id.
func (u *UI) loadRisk(q *request) (app.RiskView, error) {
	ref := q.r.PathValue("ref")
	if riskRefPattern.MatchString(ref) {
		return u.svc.RiskByRef(q.r.Context(), q.access, ref)
	}
	return u.svc.Risk(q.r.Context(), q.access, ref)
}

func (q *request) riskPath(k isms.Risk, parts ...string) string {
	return q.orgPath(append([]string{"risks", k.Ref()}, parts...)...)
}

// riskItemLink links a cited framework item to its page.
func (q *request) riskItemLink(ref string) string {
	r, err := framework.ParseRef(ref)
	if err != nil {
		return ""
	}
	return q.itemPath(r.Framework, r.Item)
}

// riskItem is a cited framework item with the link to its page.
type riskItem struct {
	app.ControlRef
	Link string
}

func (q *request) riskItems(refs []app.ControlRef) []riskItem {
	out := make([]riskItem, len(refs))
	for i, c := range refs {
		out[i] = riskItem{ControlRef: c}
		if c.Known {
			out[i].Link = q.riskItemLink(c.Ref)
		}
	}
	return out
}

// maxRiskAssetChoices bounds the assets offered in a select; a larger
// inventory is filtered with the select's search box or by the asset's
// own page.
const maxRiskAssetChoices = 1000

// maxRiskFilterAssets is how many assets the register's filter offers.
const maxRiskFilterAssets = 200

func (u *UI) riskAssetChoices(q *request) ([]store.AssetLabel, bool, error) {
	list, err := u.svc.AssetLabels(q.r.Context(), q.access, nil, maxRiskAssetChoices+1)
	if err != nil {
		return nil, false, err
	}
	if len(list) > maxRiskAssetChoices {
		return list[:maxRiskAssetChoices], true, nil
	}
	return list, false, nil
}

// riskFields turns an app error into messages by form field, joining
// several messages about one field.
func riskFields(fields []isms.FieldError) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		if old, ok := m[f.Field]; ok {
			m[f.Field] = old + "; " + f.Detail
		} else {
			m[f.Field] = f.Detail
		}
	}
	return m
}

// refusal is an app error's message for people, without the error kind
// it wraps.
func refusal(err error) string {
	msg := err.Error()
	for _, kind := range []error{isms.ErrForbidden, isms.ErrNotFound, isms.ErrConflict} {
		msg = strings.TrimSuffix(msg, ": "+kind.Error())
	}
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// refuseRisk shows the error page with the app's reason for a refusal; other
// errors take the usual way.
func (u *UI) refuseRisk(q *request, err error) error {
	if errors.Is(err, isms.ErrForbidden) && err.Error() != isms.ErrForbidden.Error() {
		u.renderError(q.w, q.r, http.StatusForbidden, refusal(err))
		return nil
	}
	return err
}

// mayEditRisk mirrors the app's rule for showing edit controls: anyone
// who may write records, and a contributor on the risks they own.
func mayEditRisk(a app.Access, k isms.Risk) bool {
	return a.Can(isms.PermWriteRecords) || (a.Role == isms.RoleContributor && a.Member.ID != "" && a.Member.ID == k.OwnerID)
}

var errMayNotEditRisk = fmt.Errorf("a contributor may change only the risks they own: %w", isms.ErrForbidden)

// formInt reads a select's number; anything else is 0, which the app
// reports as off the scale.
func formInt(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// ---------------------------------------------------------------------
// The register.

// registerQuery is the register's filter as it appears in the URL.
type registerQuery struct {
	Asset, Owner, Level, Residual, Status, Treatment, Q, Sort, Cell, Methodology, Cursor string
	Overdue                                                                              bool
	Likelihood, Impact                                                                   int
}

func readRegisterQuery(v url.Values) registerQuery {
	return registerQuery{
		Asset: v.Get("asset"), Owner: v.Get("owner"), Level: v.Get("level"), Residual: v.Get("residual"),
		Status: v.Get("status"), Treatment: v.Get("treatment"), Q: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"),
		Cell: v.Get("cell"), Methodology: v.Get("methodology"), Cursor: v.Get("cursor"),
		Overdue:    v.Get("overdue") != "" && v.Get("overdue") != "0" && v.Get("overdue") != "false",
		Likelihood: formInt(v.Get("likelihood")), Impact: formInt(v.Get("impact")),
	}
}

// values encodes the query without the cursor.
func (f registerQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("asset", f.Asset)
	set("owner", f.Owner)
	set("level", f.Level)
	set("residual", f.Residual)
	set("status", f.Status)
	set("treatment", f.Treatment)
	set("q", f.Q)
	set("sort", f.Sort)
	set("methodology", f.Methodology)
	if f.Overdue {
		v.Set("overdue", "1")
	}
	if f.Likelihood > 0 && f.Impact > 0 {
		v.Set("likelihood", strconv.Itoa(f.Likelihood))
		v.Set("impact", strconv.Itoa(f.Impact))
		if f.Cell == "residual" {
			v.Set("cell", "residual")
		}
	}
	return v
}

func urlWith(path string, v url.Values) string {
	if s := v.Encode(); s != "" {
		return path + "?" + s
	}
	return path
}

// HasCell reports whether the list is narrowed to a heat map cell.
func (f registerQuery) HasCell() bool { return f.Likelihood > 0 && f.Impact > 0 }

// Filtered reports whether anything narrows the list.
func (f registerQuery) Filtered() bool {
	f.Sort, f.Cursor = "", ""
	return len(f.values()) > 0
}

// filter turns the query into the app's filter; level names are read on
// the methodology version m.
func (f registerQuery) filter(m app.MethodologyVersion) (isms.RiskFilter, []isms.FieldError) {
	var problems []isms.FieldError
	rank := func(field, name string) *int {
		if name == "" {
			return nil
		}
		for i, l := range m.Methodology.Levels {
			if l.Name == name {
				return &i
			}
		}
		problems = append(problems, isms.FieldError{Field: field, Detail: fmt.Sprintf("%q is not a risk level of methodology version %d", name, m.Number)})
		return nil
	}
	out := isms.RiskFilter{AssetID: f.Asset, OwnerID: f.Owner, Rank: rank("level", f.Level), Residual: rank("residual", f.Residual),
		Status: isms.RiskStatus(f.Status), Treatment: isms.Treatment(f.Treatment), Overdue: f.Overdue, MethodologyID: f.Methodology,
		Query: f.Q, Sort: f.Sort, Cursor: f.Cursor}
	if f.HasCell() {
		out.Likelihood, out.Impact, out.ResidualCell = f.Likelihood, f.Impact, f.Cell == "residual"
	}
	return out, problems
}

// shownMethodology is the methodology version the register's maps and
// level filters use: the one the query names, or the one in force.
func (u *UI) shownMethodology(q *request, f registerQuery) (app.MethodologyVersion, app.MethodologyDocument, error) {
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return app.MethodologyVersion{}, doc, err
	}
	if f.Methodology == "" || f.Methodology == doc.Current.ID {
		return doc.Current, doc, nil
	}
	mv, err := u.svc.MethodologyVersionByID(q.r.Context(), q.access, f.Methodology)
	return mv, doc, err
}

type riskHeatCell struct {
	L, I     int
	Count    int
	Level    riskBadge
	Link     string
	Selected bool
}

type riskHeatRow struct {
	Scale isms.Scale
	Cells []riskHeatCell
}

// riskHeatView is a heat map drawn as a table: likelihood rows, highest on
// top, and impact columns.
type riskHeatView struct {
	Kind      string // inherent or residual
	Title     string
	Rows      []riskHeatRow
	Impacts   []isms.Scale
	Total     int
	Elsewhere int
	Version   int
}

func riskHeatViewOf(h app.HeatMap, base string, f registerQuery) riskHeatView {
	m := h.Methodology.Methodology
	v := riskHeatView{Kind: "inherent", Title: "Inherent risk", Impacts: m.Impact, Total: h.Total, Elsewhere: h.Elsewhere, Version: h.Methodology.Number}
	if h.Residual {
		v.Kind, v.Title = "residual", "Residual risk"
	}
	for l := len(m.Likelihood); l >= 1; l-- {
		row := riskHeatRow{Scale: m.Likelihood[l-1]}
		for i := 1; i <= len(m.Impact); i++ {
			c := riskHeatCell{L: l, I: i, Level: riskBadgeOf(m.Level(m.Rank(l, i)))}
			if l-1 < len(h.Counts) && i-1 < len(h.Counts[l-1]) {
				c.Count = h.Counts[l-1][i-1]
			}
			cell := f
			cell.Cursor, cell.Likelihood, cell.Impact, cell.Cell = "", l, i, ""
			if h.Residual {
				cell.Cell = "residual"
			}
			c.Link = urlWith(base, cell.values())
			c.Selected = f.Likelihood == l && f.Impact == i && (f.Cell == "residual") == h.Residual
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

type registerRow struct {
	app.RiskRow
	Link     string
	Assets   []riskAssetLink
	Owner    string
	Inherent riskBadge
	Residual riskBadge
	Overdue  bool
}

type riskAssetLink struct {
	ID, Name, Link string
}

type riskVersionUse struct {
	Number int
	Count  int
	Link   string
}

type riskReportLink struct {
	ID, Label, PDF, XLSX string
}

type risksPage struct {
	Page
	Query      registerQuery
	Rows       []registerRow
	Total      int
	Next       string
	First      string
	Inherent   riskHeatView
	Residual   riskHeatView
	Shown      app.MethodologyVersion
	InForce    app.MethodologyVersion
	OldVersion bool // the maps show a version that is not in force
	InForceURL string
	Elsewhere  int
	Unrated    int
	Versions   []riskVersionUse
	Levels     []isms.RiskLevel
	Statuses   []isms.RiskStatus
	Treatments []isms.Treatment
	Owners     []isms.Member
	Assets     []store.AssetLabel
	Reports    []riskReportLink
	Problems   []isms.FieldError
	ClearURL   string
}

func (u *UI) risksPage(q *request) error {
	ctx := q.r.Context()
	f := readRegisterQuery(q.r.URL.Query())
	page := &risksPage{Query: f, Statuses: isms.RiskStatuses, Treatments: isms.Treatments}
	page.Title, page.Section = "Risk register", "risks"
	base := q.orgPath("risks")
	page.ClearURL = base
	shown, doc, err := u.shownMethodology(q, f)
	if errors.Is(err, isms.ErrNotFound) {
		page.Problems = append(page.Problems, isms.FieldError{Field: "methodology", Detail: "is not a version of the risk methodology"})
		f.Methodology = ""
		page.Query = f
		shown, doc, err = u.shownMethodology(q, f)
	}
	if err != nil {
		return err
	}
	page.Shown, page.InForce = shown, doc.Current
	page.OldVersion = shown.ID != doc.Current.ID
	page.Levels = shown.Methodology.Levels
	inForce := f
	inForce.Methodology, inForce.Cursor, inForce.Level, inForce.Residual, inForce.Likelihood, inForce.Impact = "", "", "", "", 0, 0
	page.InForceURL = urlWith(base, inForce.values())

	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	// The filter offers the first assets by name and the one chosen;
	// others are reached from their asset's page.
	page.Assets, err = u.svc.AssetLabels(ctx, q.access, nil, maxRiskFilterAssets)
	if err != nil {
		return err
	}
	if f.Asset != "" && !slices.ContainsFunc(page.Assets, func(a store.AssetLabel) bool { return a.ID == f.Asset }) {
		chosen, err := u.svc.AssetLabels(ctx, q.access, []string{f.Asset}, 0)
		if err != nil {
			return err
		}
		page.Assets = append(chosen, page.Assets...)
	}

	rf, problems := f.filter(shown)
	page.Problems = append(page.Problems, problems...)
	report := f.values()
	for _, r := range []struct{ kind, label string }{
		{app.ReportAssessment, "Risk assessment report"},
		{app.ReportTreatment, "Risk treatment plan"},
	} {
		link := riskReportLink{ID: "report-" + r.kind, Label: r.label}
		for _, format := range []string{app.FormatPDF, app.FormatXLSX} {
			v := url.Values{}
			for k, vs := range report {
				v[k] = vs
			}
			v.Set("format", format)
			if format == app.FormatPDF {
				link.PDF = urlWith(q.orgPath("risks", "reports", r.kind), v)
			} else {
				link.XLSX = urlWith(q.orgPath("risks", "reports", r.kind), v)
			}
		}
		page.Reports = append(page.Reports, link)
	}
	if len(page.Problems) > 0 {
		return u.render(q, http.StatusUnprocessableEntity, "risks", page)
	}

	list, err := u.svc.ListRisks(ctx, q.access, rf)
	if fields := isms.FieldErrors(err); fields != nil {
		page.Problems = fields
		return u.render(q, http.StatusUnprocessableEntity, "risks", page)
	}
	if err != nil {
		return err
	}
	page.Total = list.Total
	var rowAssets []string
	for _, k := range list.Risks {
		rowAssets = append(rowAssets, k.AssetIDs...)
	}
	named, err := u.svc.AssetLabels(ctx, q.access, rowAssets, 0)
	if err != nil {
		return err
	}
	assetNames := map[string]string{}
	for _, a := range named {
		assetNames[a.ID] = a.Name
	}
	now := time.Now()
	for _, k := range list.Risks {
		row := registerRow{RiskRow: k, Link: q.riskPath(k.Risk), Owner: ppl.Name(k.OwnerID),
			Inherent: riskBadgeOf(k.Inherent), Residual: riskBadgeOf(k.Residual), Overdue: k.ReviewDate != nil && k.ReviewDate.Before(now)}
		for _, id := range k.AssetIDs {
			name, ok := assetNames[id]
			if !ok {
				name = id
			}
			row.Assets = append(row.Assets, riskAssetLink{ID: id, Name: name, Link: q.orgPath("assets", id)})
		}
		page.Rows = append(page.Rows, row)
	}
	if list.Next != "" {
		v := f.values()
		v.Set("cursor", list.Next)
		page.Next = urlWith(base, v)
	}
	if f.Cursor != "" {
		page.First = urlWith(base, f.values())
	}

	// The maps count what the rest of the filter selects, whichever cell
	// narrows the list.
	mf := rf
	mf.Likelihood, mf.Impact, mf.ResidualCell, mf.Cursor, mf.Sort = 0, 0, false, "", ""
	for _, residual := range []bool{false, true} {
		h, err := u.svc.RiskHeatMap(ctx, q.access, mf, residual, shown.ID)
		if err != nil {
			return err
		}
		view := riskHeatViewOf(h, base, f)
		if residual {
			page.Residual = view
		} else {
			page.Inherent = view
		}
	}
	if !page.OldVersion {
		page.Elsewhere = page.Inherent.Elsewhere
		for _, v := range doc.Versions {
			if n := doc.Use[v.ID]; n > 0 && v.ID != doc.Current.ID {
				old := f
				old.Cursor, old.Methodology, old.Level, old.Residual, old.Likelihood, old.Impact = "", v.ID, "", "", 0, 0
				page.Versions = append(page.Versions, riskVersionUse{Number: v.Number, Count: n, Link: urlWith(base, old.values())})
			}
		}
	}
	page.Unrated = page.Residual.Elsewhere - page.Inherent.Elsewhere
	if page.Unrated < 0 {
		page.Unrated = 0
	}
	return u.render(q, http.StatusOK, "risks", page)
}

// riskReport sends a risk report of the risks the register's filter
// selects, as a download.
func (u *UI) riskReport(q *request) error {
	kind := q.r.URL.Path[strings.LastIndexByte(q.r.URL.Path, '/')+1:]
	format := q.r.URL.Query().Get("format")
	if format == "" {
		format = app.FormatPDF
	}
	f := readRegisterQuery(q.r.URL.Query())
	f.Cursor = ""
	shown, _, err := u.shownMethodology(q, f)
	if err != nil {
		return err
	}
	rf, problems := f.filter(shown)
	var buf bytes.Buffer
	if len(problems) == 0 {
		err = u.svc.WriteRiskReport(q.r.Context(), q.access, kind, format, rf, &buf)
		problems = isms.FieldErrors(err)
	}
	if len(problems) > 0 {
		u.renderError(q.w, q.r, http.StatusUnprocessableEntity, "The report cannot be made: "+problems[0].Field+": "+problems[0].Detail+".")
		return nil
	}
	if err != nil {
		return err
	}
	contentType := "application/pdf"
	if format == app.FormatXLSX {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := "risk-assessment"
	if kind == app.ReportTreatment {
		name = "risk-treatment-plan"
	}
	name += "-" + q.access.Org.Slug + "-" + time.Now().UTC().Format("2006-01-02") + "." + format
	q.w.Header().Set("Content-Type", contentType)
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	q.w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(q.w)
	return nil
}

// ---------------------------------------------------------------------
// The assessment form: new and edit.

type riskForm struct {
	Title, ThreatRef, AtlasRef, ThreatText, Vulnerability, Scenario, Consequences, ExistingControls string
	OwnerID, ReviewDate                                                                             string
	AffectsC, AffectsI, AffectsA                                                                    bool
	InherentLikelihood, InherentImpact                                                              int
	AssetIDs                                                                                        []string
	Rerate                                                                                          bool
}

// HasAsset reports whether the form selects an asset.
func (f riskForm) HasAsset(id string) bool { return slices.Contains(f.AssetIDs, id) }

func formFromRisk(k isms.Risk) riskForm {
	f := riskForm{Title: k.Title, ThreatRef: k.ThreatRef, ThreatText: k.ThreatText, Vulnerability: k.Vulnerability,
		Scenario: k.Scenario, Consequences: k.Consequences, ExistingControls: k.ExistingControls, OwnerID: k.OwnerID,
		ReviewDate: formatDate(k.ReviewDate), AffectsC: k.AffectsC, AffectsI: k.AffectsI, AffectsA: k.AffectsA,
		InherentLikelihood: k.InherentLikelihood, InherentImpact: k.InherentImpact, AssetIDs: k.AssetIDs}
	if strings.HasPrefix(f.ThreatRef, atlasFramework+":") {
		f.AtlasRef, f.ThreatRef = f.ThreatRef, ""
	}
	return f
}

func readRiskForm(r *http.Request) riskForm {
	_ = r.ParseForm()
	v := r.PostForm
	checked := func(k string) bool { return v.Get(k) != "" }
	var ids []string
	for _, id := range v["asset_ids"] {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return riskForm{
		Title: v.Get("title"), ThreatRef: strings.TrimSpace(v.Get("threat_ref")), AtlasRef: strings.TrimSpace(v.Get("atlas_ref")),
		ThreatText: v.Get("threat_text"), Vulnerability: v.Get("vulnerability"), Scenario: v.Get("scenario"),
		Consequences: v.Get("consequences"), ExistingControls: v.Get("existing_controls"), OwnerID: v.Get("owner_id"),
		ReviewDate: strings.TrimSpace(v.Get("review_date")), AffectsC: checked("affects_c"), AffectsI: checked("affects_i"),
		AffectsA: checked("affects_a"), InherentLikelihood: formInt(v.Get("inherent_likelihood")),
		InherentImpact: formInt(v.Get("inherent_impact")), AssetIDs: ids, Rerate: checked("rerate"),
	}
}

// input turns the form into the app's input, or reports the fields the
// form itself cannot read.
func (f riskForm) input() (app.RiskInput, map[string]string) {
	errs := map[string]string{}
	ref := f.ThreatRef
	switch {
	case ref != "" && f.AtlasRef != "" && ref != f.AtlasRef:
		errs["threat_ref"] = "choose one threat: from the OWASP and isms libraries or from MITRE ATLAS, not both"
	case ref == "":
		ref = f.AtlasRef
	}
	review, err := parseDate("review_date", f.ReviewDate)
	if err != nil {
		errs["review_date"] = isms.FieldErrors(err)[0].Detail
	}
	in := app.RiskInput{Title: f.Title, ThreatRef: ref, ThreatText: f.ThreatText, Vulnerability: f.Vulnerability,
		Scenario: f.Scenario, AffectsC: f.AffectsC, AffectsI: f.AffectsI, AffectsA: f.AffectsA, Consequences: f.Consequences,
		InherentLikelihood: f.InherentLikelihood, InherentImpact: f.InherentImpact, ExistingControls: f.ExistingControls,
		OwnerID: f.OwnerID, ReviewDate: review, AssetIDs: f.AssetIDs, Rerate: f.Rerate}
	if len(errs) > 0 {
		return in, errs
	}
	return in, nil
}

// atlasFramework is MITRE ATLAS, whose techniques get a select of their own.
const atlasFramework = "mitre-atlas"

type riskOption struct {
	Ref, Label string
}

type riskOptionGroup struct {
	Label   string
	Options []riskOption
}

// threatChoices lists the threats a risk may cite, by library: the
// threat lists in one group each, MITRE ATLAS's techniques apart.
func (u *UI) threatChoices(q *request) ([]riskOptionGroup, []riskOption, error) {
	lib, err := u.svc.Library(q.r.Context(), q.access)
	if err != nil {
		return nil, nil, err
	}
	order := map[string]int{"owasp-llm-top10-2025": 0, "owasp-ml-top10-2023": 1, "infosec-threats": 2}
	var groups []riskOptionGroup
	var ranks []int
	var atlas []riskOption
	for _, f := range lib.Frameworks() {
		if f.Kind != framework.KindThreats {
			continue
		}
		var opts []riskOption
		for _, it := range f.Items {
			if it.Kind != framework.ItemThreat && it.Kind != framework.ItemTechnique {
				continue
			}
			label := it.Cite() + " " + it.Title
			if parent, ok := f.Item(it.Parent); ok && parent.Kind == framework.ItemTechnique {
				label = it.Cite() + " " + parent.Title + ": " + it.Title
			}
			opts = append(opts, riskOption{Ref: framework.Ref{Framework: f.ID, Item: it.ID}.String(), Label: label})
		}
		if len(opts) == 0 {
			continue
		}
		if f.ID == atlasFramework {
			atlas = opts
			continue
		}
		rank, ok := order[f.ID]
		if !ok {
			rank = 10 + len(groups)
		}
		i, _ := slices.BinarySearch(ranks, rank)
		ranks = slices.Insert(ranks, i, rank)
		groups = slices.Insert(groups, i, riskOptionGroup{Label: f.Title(), Options: opts})
	}
	return groups, atlas, nil
}

type riskFormPage struct {
	Page
	Risk        *app.RiskView // nil for a new risk
	Form        riskForm
	Errors      map[string]string
	Methodology app.MethodologyVersion
	InForce     app.MethodologyVersion
	Threats     []riskOptionGroup
	Atlas       []riskOption
	Owners      []isms.Member
	Assets      []store.AssetLabel
	MoreAssets  bool
	// OwnerFixed: a contributor keeps the risk's owner.
	OwnerFixed bool
	OwnerName  string
	Action     string
}

func (u *UI) showRiskForm(q *request, status int, v *app.RiskView, form riskForm, errs map[string]string) error {
	page := &riskFormPage{Risk: v, Form: form, Errors: errs}
	page.Section = "risks"
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page.InForce, page.Methodology = doc.Current, doc.Current
	if v != nil {
		page.Methodology = v.Methodology
		page.Title = "Edit " + v.Ref()
		page.Action = q.riskPath(v.Risk, "edit")
	} else {
		page.Title = "New risk"
		page.Action = q.orgPath("risks")
	}
	if page.Threats, page.Atlas, err = u.threatChoices(q); err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	page.OwnerName = ppl.Name(form.OwnerID)
	page.OwnerFixed = v != nil && !q.access.Can(isms.PermWriteRecords)
	if page.Assets, page.MoreAssets, err = u.riskAssetChoices(q); err != nil {
		return err
	}
	return u.render(q, status, "risk_form", page)
}

func (u *UI) newRiskPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	form := riskForm{OwnerID: q.access.Member.ID, AffectsC: true}
	if id := q.r.URL.Query().Get("asset"); id != "" {
		form.AssetIDs = []string{id}
	}
	return u.showRiskForm(q, http.StatusOK, nil, form, nil)
}

func (u *UI) createRisk(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	form := readRiskForm(q.r)
	in, errs := form.input()
	if errs != nil {
		return u.showRiskForm(q, http.StatusUnprocessableEntity, nil, form, errs)
	}
	k, err := u.svc.CreateRisk(q.r.Context(), q.access, in)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showRiskForm(q, http.StatusUnprocessableEntity, nil, form, riskFields(fields))
	}
	if err != nil {
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.riskPath(k), k.Ref()+" "+k.Title+" is in the register. Choose its treatment next.")
}

func (u *UI) editRiskPage(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	if !mayEditRisk(q.access, v.Risk) {
		return u.refuseRisk(q, errMayNotEditRisk)
	}
	return u.showRiskForm(q, http.StatusOK, &v, formFromRisk(v.Risk), nil)
}

// reopened says what a change did to the owner's decisions.
func reopened(before app.RiskView, after isms.Risk) string {
	if after.Revision == before.Revision {
		return ""
	}
	for _, d := range before.Decisions {
		if before.Current(d) {
			return " The risk owner's decisions on the previous revision no longer hold and must be made again."
		}
	}
	return ""
}

func (u *UI) updateRisk(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	form := readRiskForm(q.r)
	in, errs := form.input()
	if errs != nil {
		return u.showRiskForm(q, http.StatusUnprocessableEntity, &v, form, errs)
	}
	k, err := u.svc.UpdateRisk(q.r.Context(), q.access, v.ID, in)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showRiskForm(q, http.StatusUnprocessableEntity, &v, form, riskFields(fields))
	}
	if err != nil {
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.riskPath(k), k.Ref()+" updated."+reopened(v, k))
}

// rerateRisk rates a risk again on the methodology in force, keeping the
// rest of its assessment.
func (u *UI) rerateRisk(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	k := v.Risk
	in := app.RiskInput{Title: k.Title, ThreatRef: k.ThreatRef, ThreatText: k.ThreatText, Vulnerability: k.Vulnerability,
		Scenario: k.Scenario, AffectsC: k.AffectsC, AffectsI: k.AffectsI, AffectsA: k.AffectsA, Consequences: k.Consequences,
		InherentLikelihood: formInt(q.r.PostFormValue("inherent_likelihood")), InherentImpact: formInt(q.r.PostFormValue("inherent_impact")),
		ExistingControls: k.ExistingControls, OwnerID: k.OwnerID, ReviewDate: k.ReviewDate, AssetIDs: k.AssetIDs, Rerate: true}
	after, err := u.svc.UpdateRisk(q.r.Context(), q.access, v.ID, in)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showRisk(q, http.StatusUnprocessableEntity, v, &riskPageState{RerateErrors: riskFields(fields),
			Rerate: rerateForm{Likelihood: in.InherentLikelihood, Impact: in.InherentImpact}})
	}
	if err != nil {
		return u.refuseRisk(q, err)
	}
	mv, err := u.svc.Risk(q.r.Context(), q.access, after.ID)
	if err != nil {
		return err
	}
	return u.redirect(q, q.riskPath(after), fmt.Sprintf("%s is now rated against methodology version %d.%s", after.Ref(), mv.Methodology.Number, reopened(v, after)))
}

// ---------------------------------------------------------------------
// The risk's page.

type riskActionRow struct {
	isms.RiskAction
	Owner     string
	Overdue   bool
	CanUpdate bool
}

type riskDecisionRow struct {
	isms.RiskDecision
	KindLabel string
	By        string
	Level     riskBadge
	Current   bool
}

type riskActionForm struct {
	Description, OwnerID, DueDate string
}

type riskDecisionForm struct {
	Kind, Justification string
}

type rerateForm struct {
	Likelihood, Impact int
}

// riskPageState is what a refused form post shows on the risk's page.
type riskPageState struct {
	ActionForm      riskActionForm
	ActionErrors    map[string]string
	ActionRefusal   string
	Decision        riskDecisionForm
	DecisionErrors  map[string]string
	DecisionRefusal string
	Rerate          rerateForm
	RerateErrors    map[string]string
}

type riskPage struct {
	Page
	riskPageState
	// Path is the risk's page; its forms post below it.
	Path      string
	Risk      app.RiskView
	Inherent  riskBadge
	Residual  riskBadge
	Owner     string
	Threat    *riskItem
	Controls  []riskItem
	Assets    []riskAssetLink
	Actions   []riskActionRow
	Decisions []riskDecisionRow
	History   []entryView
	// Evidence shows the treatment done: items linked to the risk.
	Evidence []isms.Evidence
	// Findings are the scan findings the risk was raised from.
	Findings      []store.Finding
	InForce       app.MethodologyVersion
	People        []isms.Member
	CanEdit       bool
	IsOwner       bool
	ReviewOverdue bool
	// Acceptance says whether the owner's role may accept the residual
	// risk under the acceptance criteria.
	Acceptance string
	MayAccept  bool
	PlanHolds  bool
	Accepted   bool
	InherentL  string
	InherentI  string
	ResidualL  string
	ResidualI  string
	RerateTo   string
}

func riskScaleLabel(s []isms.Scale, v int) string {
	if v >= 1 && v <= len(s) {
		return strconv.Itoa(v) + " " + s[v-1].Label
	}
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

func riskDecisionLabel(kind string) string {
	switch kind {
	case isms.DecisionPlanApproval:
		return "Treatment plan approved"
	case isms.DecisionResidualAcceptance:
		return "Residual risk accepted"
	}
	return kind
}

func (u *UI) riskPage(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	return u.showRisk(q, http.StatusOK, v, nil)
}

func (u *UI) showRisk(q *request, status int, v app.RiskView, state *riskPageState) error {
	ctx := q.r.Context()
	page := &riskPage{Risk: v, Path: q.riskPath(v.Risk)}
	if state != nil {
		page.riskPageState = *state
	}
	page.Title, page.Section = v.Ref()+" "+v.Title, "risks"
	m := v.Methodology.Methodology
	page.Inherent, page.Residual = riskBadgeOf(v.Inherent), riskBadgeOf(v.Residual)
	page.InherentL, page.InherentI = riskScaleLabel(m.Likelihood, v.InherentLikelihood), riskScaleLabel(m.Impact, v.InherentImpact)
	page.ResidualL, page.ResidualI = riskScaleLabel(m.Likelihood, v.ResidualLikelihood), riskScaleLabel(m.Impact, v.ResidualImpact)
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.People = ppl.Eligible
	page.Owner = ppl.Name(v.OwnerID)
	now := time.Now()
	page.ReviewOverdue = v.ReviewDate != nil && v.ReviewDate.Before(now)
	page.CanEdit = mayEditRisk(q.access, v.Risk)
	page.IsOwner = q.access.Member.ID != "" && q.access.Member.ID == v.OwnerID
	if v.Threat != nil {
		links := q.riskItems([]app.ControlRef{*v.Threat})
		page.Threat = &links[0]
	}
	page.Controls = q.riskItems(v.Controls)
	for _, a := range v.Assets {
		page.Assets = append(page.Assets, riskAssetLink{ID: a.ID, Name: a.Name, Link: q.orgPath("assets", a.ID)})
	}
	for _, act := range v.Actions {
		page.Actions = append(page.Actions, riskActionRow{RiskAction: act, Owner: ppl.Name(act.OwnerID),
			Overdue:   act.Status == "open" && act.DueDate != nil && act.DueDate.Before(now),
			CanUpdate: page.CanEdit || (q.access.Role == isms.RoleContributor && q.access.Member.ID != "" && q.access.Member.ID == act.OwnerID)})
	}
	for i := len(v.Decisions) - 1; i >= 0; i-- {
		d := v.Decisions[i]
		page.Decisions = append(page.Decisions, riskDecisionRow{RiskDecision: d, KindLabel: riskDecisionLabel(d.Kind), By: ppl.Name(d.DecidedBy),
			Level: riskBadgeByName(m, d.Level), Current: v.Current(d)})
		if v.Current(d) {
			page.PlanHolds = page.PlanHolds || d.Kind == isms.DecisionPlanApproval
			page.Accepted = page.Accepted || d.Kind == isms.DecisionResidualAcceptance
		}
	}
	if v.ResidualLikelihood > 0 {
		page.MayAccept = m.MayAccept(v.ResidualRank, q.access.Role)
		level := m.Level(v.ResidualRank)
		switch {
		case !level.Acceptable:
			page.Acceptance = fmt.Sprintf("Methodology version %d does not allow accepting a %s risk: treat it further.", v.Methodology.Number, level.Name)
		case page.MayAccept:
			page.Acceptance = fmt.Sprintf("Under methodology version %d, a risk owner with your role (%s) may accept a %s residual risk.", v.Methodology.Number, q.access.Role.Label(), level.Name)
		default:
			roles := make([]string, len(level.AcceptRoles))
			for i, r := range level.AcceptRoles {
				roles[i] = r.Label()
			}
			page.Acceptance = fmt.Sprintf("Under methodology version %d, a %s residual risk may be accepted only by a risk owner with the role %s.", v.Methodology.Number, level.Name, strings.Join(roles, ", "))
		}
	}
	if v.Outdated {
		doc, err := u.svc.Methodology(ctx, q.access)
		if err != nil {
			return err
		}
		page.InForce = doc.Current
		if page.Rerate.Likelihood == 0 {
			page.Rerate = rerateForm{Likelihood: min(v.InherentLikelihood, len(doc.Current.Methodology.Likelihood)),
				Impact: min(v.InherentImpact, len(doc.Current.Methodology.Impact))}
		}
	}
	found, err := u.svc.ListFindings(q.r.Context(), q.access, store.FindingFilter{RiskID: v.ID, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	page.Findings = found.Findings
	if page.Evidence, err = u.svc.ListEvidence(q.r.Context(), q.access, store.EvidenceFilter{Target: isms.TargetRisk, Ref: v.ID,
		Limit: store.MaxLimit}); err != nil {
		return err
	}
	if page.History, err = u.riskHistory(q, v.ID); err != nil {
		return err
	}
	return u.render(q, status, "risk", page)
}

// riskHistory returns the ledger entries of a risk and its parts, each
// with the fields it changed since the record's previous entry.
func (u *UI) riskHistory(q *request, id string) ([]entryView, error) {
	entries, _, err := u.svc.RiskHistory(q.r.Context(), q.access, id, "", store.MaxLimit)
	if err != nil {
		return nil, err
	}
	views := u.entryViews(q, entries)
	for i := range views {
		var prev json.RawMessage
		found := false
		for j := i + 1; j < len(views); j++ {
			if views[j].RecordType == views[i].RecordType && views[j].RecordID == views[i].RecordID {
				prev, found = views[j].Content, true
				break
			}
		}
		// Without the record's previous entry (on an older page), the
		// fields an update changed are unknown.
		if found || views[i].Action != ledger.ActionUpdate {
			views[i].Changes = diff(prev, views[i].Content)
		}
	}
	return views, nil
}

func (u *UI) addRiskAction(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	form := riskActionForm{Description: q.r.PostFormValue("description"), OwnerID: q.r.PostFormValue("owner_id"), DueDate: strings.TrimSpace(q.r.PostFormValue("due_date"))}
	due, err := parseDate("due_date", form.DueDate)
	if err == nil {
		_, err = u.svc.AddRiskAction(q.r.Context(), q.access, v.ID, app.ActionInput{Description: form.Description, OwnerID: form.OwnerID, DueDate: due})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showRisk(q, http.StatusUnprocessableEntity, v, &riskPageState{ActionForm: form, ActionErrors: riskFields(fields)})
	}
	if errors.Is(err, isms.ErrForbidden) {
		return u.showRisk(q, http.StatusForbidden, v, &riskPageState{ActionForm: form, ActionRefusal: refusal(err)})
	}
	if err != nil {
		return err
	}
	msg := "Action added to the treatment plan of " + v.Ref() + "."
	if decisionHolds(v, isms.DecisionPlanApproval) {
		msg += " The plan has changed, so the owner must approve it again."
	}
	return u.redirect(q, q.riskPath(v.Risk)+"#plan", msg)
}

func decisionHolds(v app.RiskView, kind string) bool {
	return slices.ContainsFunc(v.Decisions, func(d isms.RiskDecision) bool { return d.Kind == kind && v.Current(d) })
}

func (u *UI) updateRiskAction(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	id := q.r.PathValue("id")
	i := slices.IndexFunc(v.Actions, func(a isms.RiskAction) bool { return a.ID == id })
	if i < 0 {
		return isms.ErrNotFound
	}
	act := v.Actions[i]
	in := app.ActionInput{Description: act.Description, OwnerID: act.OwnerID, DueDate: act.DueDate, Status: q.r.PostFormValue("status")}
	// The status buttons send the status only; a form that edits the
	// action sends its fields too.
	if _, ok := q.r.PostForm["description"]; ok {
		in.Description, in.OwnerID = q.r.PostFormValue("description"), q.r.PostFormValue("owner_id")
		due, err := parseDate("due_date", strings.TrimSpace(q.r.PostFormValue("due_date")))
		if err != nil {
			return u.showRisk(q, http.StatusUnprocessableEntity, v, &riskPageState{ActionRefusal: refusal(errors.New(isms.FieldErrors(err)[0].Detail))})
		}
		in.DueDate = due
	}
	_, err = u.svc.UpdateRiskAction(q.r.Context(), q.access, v.ID, id, in)
	if fields := isms.FieldErrors(err); fields != nil {
		msgs := make([]string, len(fields))
		for i, f := range fields {
			msgs[i] = f.Field + ": " + f.Detail
		}
		return u.showRisk(q, http.StatusUnprocessableEntity, v, &riskPageState{ActionRefusal: "The action was not changed: " + strings.Join(msgs, "; ") + "."})
	}
	if errors.Is(err, isms.ErrForbidden) {
		return u.showRisk(q, http.StatusForbidden, v, &riskPageState{ActionRefusal: refusal(err)})
	}
	if err != nil {
		return err
	}
	msg := "Action updated."
	switch in.Status {
	case "done":
		msg = "Action marked done."
	case "cancelled":
		msg = "Action cancelled."
	case "open":
		msg = "Action reopened."
	}
	return u.redirect(q, q.riskPath(v.Risk)+"#plan", msg)
}

func (u *UI) decideOnRisk(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	form := riskDecisionForm{Kind: q.r.PostFormValue("kind"), Justification: q.r.PostFormValue("justification")}
	_, err = u.svc.DecideOnRisk(q.r.Context(), q.access, v.ID, app.DecisionInput{Kind: form.Kind, Justification: form.Justification})
	var conflict *isms.ConflictError
	switch {
	case err == nil:
	case isms.FieldErrors(err) != nil:
		return u.showRisk(q, http.StatusUnprocessableEntity, v, &riskPageState{Decision: form, DecisionErrors: riskFields(isms.FieldErrors(err))})
	case errors.As(err, &conflict):
		return u.showRisk(q, http.StatusConflict, v, &riskPageState{Decision: form, DecisionRefusal: refusal(errors.New(conflict.Detail))})
	case errors.Is(err, isms.ErrForbidden):
		return u.showRisk(q, http.StatusForbidden, v, &riskPageState{Decision: form, DecisionRefusal: refusal(err)})
	default:
		return err
	}
	msg := "You approved the treatment plan of " + v.Ref() + "."
	if form.Kind == isms.DecisionResidualAcceptance {
		msg = "You accepted the residual risk of " + v.Ref() + "."
	}
	return u.redirect(q, q.riskPath(v.Risk)+"#decisions", msg)
}

// ---------------------------------------------------------------------
// Treatment.

type riskControlChoice struct {
	riskItem
	Checked  bool
	Proposed bool
}

type riskControlGroup struct {
	Label   string
	Options []riskOption
}

type riskTreatForm struct {
	Treatment, Notes                   string
	Controls                           []string
	ResidualLikelihood, ResidualImpact int
}

type riskTreatOption struct {
	Value, Label, Hint string
}

type riskTreatPage struct {
	Page
	Path     string
	Risk     app.RiskView
	Inherent riskBadge
	Form     riskTreatForm
	Errors   map[string]string
	Options  []riskTreatOption
	Choices  []riskControlChoice
	Others   []riskControlGroup
	Scales   isms.Methodology
}

var riskTreatmentHints = map[isms.Treatment]string{
	isms.TreatMitigate: "Apply controls that lower the likelihood or the impact.",
	isms.TreatAvoid:    "Stop the activity or remove the source of the risk.",
	isms.TreatTransfer: "Share the risk with another party: insurance, a supplier, a contract.",
	isms.TreatAccept:   "Retain the risk as it is, by an informed decision; the residual rating is the inherent one.",
}

func (u *UI) showTreat(q *request, status int, v app.RiskView, form riskTreatForm, errs map[string]string) error {
	ctx := q.r.Context()
	page := &riskTreatPage{Path: q.riskPath(v.Risk), Risk: v, Inherent: riskBadgeOf(v.Inherent), Form: form, Errors: errs, Scales: v.Methodology.Methodology}
	page.Title, page.Section = "Treat "+v.Ref(), "risks"
	for _, t := range isms.Treatments {
		page.Options = append(page.Options, riskTreatOption{Value: string(t), Label: t.Label(), Hint: riskTreatmentHints[t]})
	}
	var proposed []app.ControlRef
	if v.ThreatRef != "" {
		var err error
		if proposed, err = u.svc.TreatingControls(ctx, q.access, v.ThreatRef); err != nil {
			return err
		}
	}
	shown := map[string]bool{}
	for _, c := range v.Controls {
		shown[c.Ref] = true
		page.Choices = append(page.Choices, riskControlChoice{riskItem: q.riskItems([]app.ControlRef{c})[0], Checked: slices.Contains(form.Controls, c.Ref)})
	}
	for _, c := range proposed {
		if shown[c.Ref] {
			i := slices.IndexFunc(page.Choices, func(ch riskControlChoice) bool { return ch.Ref == c.Ref })
			page.Choices[i].Proposed = true
			continue
		}
		shown[c.Ref] = true
		page.Choices = append(page.Choices, riskControlChoice{riskItem: q.riskItems([]app.ControlRef{c})[0], Proposed: true,
			Checked: slices.Contains(form.Controls, c.Ref)})
	}
	views, err := u.svc.Frameworks(ctx, q.access)
	if err != nil {
		return err
	}
	for _, fv := range views {
		if !fv.Enabled {
			continue
		}
		g := riskControlGroup{Label: fv.Title()}
		for _, it := range fv.Items {
			if it.Kind != framework.ItemControl && it.Kind != framework.ItemRequirement && it.Kind != framework.ItemMitigation {
				continue
			}
			ref := framework.Ref{Framework: fv.ID, Item: it.ID}.String()
			if shown[ref] {
				continue
			}
			g.Options = append(g.Options, riskOption{Ref: ref, Label: it.Cite() + " " + it.Title})
		}
		if len(g.Options) > 0 {
			page.Others = append(page.Others, g)
		}
	}
	return u.render(q, status, "risk_treat", page)
}

// Selected reports whether the form selects a control.
func (f riskTreatForm) Selected(ref string) bool { return slices.Contains(f.Controls, ref) }

func (u *UI) treatRiskPage(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	if !mayEditRisk(q.access, v.Risk) {
		return u.refuseRisk(q, errMayNotEditRisk)
	}
	form := riskTreatForm{Treatment: string(v.Treatment), Notes: v.TreatmentNotes, Controls: v.Risk.Controls,
		ResidualLikelihood: v.ResidualLikelihood, ResidualImpact: v.ResidualImpact}
	if len(v.Risk.Controls) == 0 && v.ThreatRef != "" {
		// Start from what the library says treats the threat.
		proposed, err := u.svc.TreatingControls(q.r.Context(), q.access, v.ThreatRef)
		if err != nil {
			return err
		}
		for _, c := range proposed {
			form.Controls = append(form.Controls, c.Ref)
		}
	}
	return u.showTreat(q, http.StatusOK, v, form, nil)
}

func (u *UI) treatRisk(q *request) error {
	v, err := u.loadRisk(q)
	if err != nil {
		return err
	}
	_ = q.r.ParseForm()
	form := riskTreatForm{Treatment: q.r.PostFormValue("treatment"), Notes: q.r.PostFormValue("notes"),
		ResidualLikelihood: formInt(q.r.PostFormValue("residual_likelihood")), ResidualImpact: formInt(q.r.PostFormValue("residual_impact"))}
	for _, c := range q.r.PostForm["controls"] {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(form.Controls, c) {
			form.Controls = append(form.Controls, c)
		}
	}
	k, err := u.svc.TreatRisk(q.r.Context(), q.access, v.ID, app.TreatmentInput{Treatment: form.Treatment, Notes: form.Notes,
		Controls: form.Controls, ResidualLikelihood: form.ResidualLikelihood, ResidualImpact: form.ResidualImpact})
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showTreat(q, http.StatusUnprocessableEntity, v, form, riskFields(fields))
	}
	if err != nil {
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.riskPath(k), "Treatment of "+k.Ref()+" saved: "+k.Treatment.Label()+"."+reopened(v, k))
}

// ---------------------------------------------------------------------
// Suggestions for an asset.

type riskSuggestionRow struct {
	app.RiskSuggestion
	ThreatItem riskItem
	Level      riskBadge
	Controls   []riskItem
	// RegisterLink links to the risk already registered for the threat.
	RegisterLink    string
	LikelihoodLabel string
	ImpactLabel     string
	Likelihood      int
	Impact          int
	OwnerID         string
	Errors          map[string]string
	Refusal         string
}

type suggestionsPage struct {
	Page
	Asset       store.StoredAsset
	AssetLink   string
	Suggestions []riskSuggestionRow
	Methodology app.MethodologyVersion
	Owners      []isms.Member
	Pending     int
	Refusal     string
	AddedAll    []string
}

func (u *UI) suggestionsPage(q *request) error {
	return u.showSuggestions(q, http.StatusOK, "", nil, "")
}

func (u *UI) showSuggestions(q *request, status int, threat string, errs map[string]string, refusal string) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	asset, err := u.svc.Asset(ctx, q.access, id)
	if err != nil {
		return err
	}
	suggestions, err := u.svc.SuggestRisks(ctx, q.access, id)
	if err != nil {
		return err
	}
	doc, err := u.svc.Methodology(ctx, q.access)
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	m := doc.Current.Methodology
	page := &suggestionsPage{Asset: asset, AssetLink: q.orgPath("assets", asset.ID), Methodology: doc.Current, Owners: ppl.Eligible}
	page.Title, page.Section = "Risk suggestions for "+asset.Name, "assets"
	form := q.r.PostForm
	for _, s := range suggestions {
		row := riskSuggestionRow{RiskSuggestion: s, ThreatItem: q.riskItems([]app.ControlRef{s.Threat})[0], Controls: q.riskItems(s.Controls),
			Likelihood: min(max(s.Likelihood, 1), len(m.Likelihood)), Impact: min(max(s.Impact, 1), len(m.Impact)), OwnerID: asset.OwnerID}
		if s.InRegister != nil {
			row.RegisterLink = q.riskPath(*s.InRegister)
		} else {
			page.Pending++
		}
		if threat != "" && s.Suggestion.Threat == threat {
			row.Errors, row.Refusal = errs, refusal
			row.Likelihood, row.Impact, row.OwnerID = formInt(form.Get("inherent_likelihood")), formInt(form.Get("inherent_impact")), form.Get("owner_id")
		}
		row.Level = riskBadgeOf(m.Level(m.Rank(row.Likelihood, row.Impact)))
		row.LikelihoodLabel, row.ImpactLabel = riskScaleLabel(m.Likelihood, row.Likelihood), riskScaleLabel(m.Impact, row.Impact)
		page.Suggestions = append(page.Suggestions, row)
	}
	if threat == "" {
		page.Refusal = refusal
	}
	return u.render(q, status, "suggestions", page)
}

func (u *UI) acceptSuggestions(q *request) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	if q.r.PostFormValue("all") != "" {
		return u.acceptAllSuggestions(q, id)
	}
	threat := q.r.PostFormValue("threat_ref")
	k, err := u.svc.AcceptSuggestion(ctx, q.access, id, threat, q.r.PostFormValue("owner_id"),
		formInt(q.r.PostFormValue("inherent_likelihood")), formInt(q.r.PostFormValue("inherent_impact")))
	var conflict *isms.ConflictError
	switch {
	case err == nil:
	case errors.As(err, &conflict):
		return u.showSuggestions(q, http.StatusConflict, threat, nil, refusal(errors.New("this threat "+conflict.Detail)))
	case isms.FieldErrors(err) != nil:
		errs := riskFields(isms.FieldErrors(err))
		if msg, ok := errs["threat_ref"]; ok && len(errs) == 1 {
			return u.showSuggestions(q, http.StatusUnprocessableEntity, "", nil, refusal(errors.New(msg)))
		}
		return u.showSuggestions(q, http.StatusUnprocessableEntity, threat, errs, "")
	default:
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.riskPath(k), k.Ref()+" "+k.Title+" is in the register. Choose its treatment next.")
}

func (u *UI) acceptAllSuggestions(q *request, assetID string) error {
	ctx := q.r.Context()
	suggestions, err := u.svc.SuggestRisks(ctx, q.access, assetID)
	if err != nil {
		return err
	}
	owner := q.r.PostFormValue("owner_id")
	var added []string
	for _, s := range suggestions {
		if s.InRegister != nil {
			continue
		}
		k, err := u.svc.AcceptSuggestion(ctx, q.access, assetID, s.Suggestion.Threat, owner, 0, 0)
		if fields := isms.FieldErrors(err); fields != nil {
			msgs := make([]string, len(fields))
			for i, f := range fields {
				msgs[i] = f.Field + " " + f.Detail
			}
			msg := fmt.Sprintf("%s was not added: %s.", s.Threat.Cite, strings.Join(msgs, "; "))
			if len(added) > 0 {
				msg = fmt.Sprintf("Added %s; %s", strings.Join(added, ", "), msg)
			}
			return u.showSuggestions(q, http.StatusUnprocessableEntity, "", nil, msg)
		}
		if err != nil {
			return u.refuseRisk(q, err)
		}
		added = append(added, k.Ref())
	}
	msg := "Every suggestion is already in the register."
	if len(added) > 0 {
		msg = fmt.Sprintf("%d risks added to the register: %s. Choose their treatment next.", len(added), strings.Join(added, ", "))
	}
	return u.redirect(q, urlWith(q.orgPath("risks"), url.Values{"asset": {assetID}}), msg)
}
