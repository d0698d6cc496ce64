package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerAssetPages adds the pages of the asset inventory, the ISMS
// context and the risk methodology.
func (u *UI) registerAssetPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/assets", u.inOrg(u.assetsPage))
	r.Handle("POST", "/o/{org}/assets", u.inOrg(u.createAsset))
	r.Handle("GET", "/o/{org}/assets/new", u.inOrg(u.newAssetPage))
	r.Handle("GET", "/o/{org}/assets/import", u.inOrg(u.assetImportPage))
	r.Handle("POST", "/o/{org}/assets/import", u.inOrg(u.importAssets))
	r.Handle("GET", "/o/{org}/assets/export", u.inOrg(u.exportAssets))
	r.Handle("GET", "/o/{org}/assets/template.csv", u.inOrg(u.assetTemplate))
	r.Handle("GET", "/o/{org}/assets/{id}", u.inOrg(u.assetPage))
	r.Handle("POST", "/o/{org}/assets/{id}", u.inOrg(u.updateAsset))
	r.Handle("GET", "/o/{org}/assets/{id}/edit", u.inOrg(u.editAssetPage))
	r.Handle("POST", "/o/{org}/assets/{id}/delete", u.inOrg(u.deleteAsset))
	r.Handle("POST", "/o/{org}/assets/{id}/relations", u.inOrg(u.addAssetRelation))
	r.Handle("POST", "/o/{org}/assets/{id}/relations/{rel}/remove", u.inOrg(u.removeAssetRelation))

	r.Handle("GET", "/o/{org}/context", u.inOrg(u.contextPage))
	r.Handle("POST", "/o/{org}/context", u.inOrg(u.saveContext))
	r.Handle("GET", "/o/{org}/context/edit", u.inOrg(u.contextFormPage))
	r.Handle("GET", "/o/{org}/context/export", u.inOrg(u.exportContext))
	r.Handle("GET", "/o/{org}/context/versions/{id}", u.inOrg(u.contextVersionPage))
	r.Handle("POST", "/o/{org}/context/versions/{id}/approve", u.inOrg(u.approveContext))
	r.Handle("POST", "/o/{org}/context/versions/{id}/discard", u.inOrg(u.discardContext))

	r.Handle("GET", "/o/{org}/methodology", u.inOrg(u.methodologyPage))
	r.Handle("POST", "/o/{org}/methodology", u.inOrg(u.saveMethodology))
	r.Handle("GET", "/o/{org}/methodology/edit", u.inOrg(u.methodologyFormPage))
	r.Handle("GET", "/o/{org}/methodology/versions/{id}", u.inOrg(u.methodologyVersionPage))
	r.Handle("POST", "/o/{org}/methodology/versions/{id}/approve", u.inOrg(u.approveMethodology))
	r.Handle("POST", "/o/{org}/methodology/versions/{id}/discard", u.inOrg(u.discardMethodology))

	r.Handle("POST", "/o/{org}/settings/classifications", u.inOrg(u.updateClassifications))
}

// ---------------------------------------------------------------------
// Shared by the pages below.

// people are the organisation's members, for owner selects and for
// naming the members records point at.
type people struct {
	// Eligible may own or look after records: active, not auditors.
	Eligible []isms.Member
	byID     map[string]isms.Member
}

// Name names a member by id. An operator at the command line (cli:…) is
// shown as recorded; a member who has left, as such.
func (p people) Name(id string) string {
	switch m, ok := p.byID[id]; {
	case id == "":
		return ""
	case ok:
		return m.Name
	case strings.Contains(id, ":"):
		return id
	}
	return "a former member"
}

// Has reports whether id is an eligible member, so a select can still
// show a value that no longer is one.
func (p people) Has(id string) bool {
	return slices.ContainsFunc(p.Eligible, func(m isms.Member) bool { return m.ID == id })
}

func (u *UI) people(q *request) (people, error) {
	p := people{byID: map[string]isms.Member{}}
	now := time.Now()
	cursor := ""
	for range 100 { // 20,000 members: far beyond any organisation
		list, next, err := u.svc.ListMembers(q.r.Context(), q.access, isms.MemberFilter{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			return p, err
		}
		for _, m := range list {
			p.byID[m.ID] = m
			if m.Active(now) && m.Role != isms.RoleAuditor {
				p.Eligible = append(p.Eligible, m)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	slices.SortFunc(p.Eligible, func(a, b isms.Member) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return p, nil
}

// labels are the words templates need for the domain's values; pages
// embed it.
type labels struct{}

var lifecycleLabels = map[isms.Lifecycle]string{
	isms.LifecyclePlanned:       "Planned",
	isms.LifecycleInDevelopment: "In development",
	isms.LifecycleInProduction:  "In production",
	isms.LifecycleRetired:       "Retired",
}

// LifecycleLabel names a lifecycle state.
func (labels) LifecycleLabel(l isms.Lifecycle) string {
	if s, ok := lifecycleLabels[l]; ok {
		return s
	}
	return string(l)
}

// IsAI reports whether an asset type is an AI asset.
func (labels) IsAI(t isms.AssetType) bool {
	info, ok := t.Info()
	return ok && info.AI
}

// Rating shows a C, I or A value; 0 is not assessed.
func (labels) Rating(v int) string {
	if v == 0 {
		return "–"
	}
	return strconv.Itoa(v)
}

// AttrLabel names an attribute of a type; unknown keys show as they are.
func (labels) AttrLabel(t isms.AssetType, key string) string {
	info, _ := t.Info()
	for _, s := range info.Attributes {
		if s.Key == key {
			return s.Label
		}
	}
	return key
}

// ValueLabel shows a fixed attribute value such as fine_tuning.
func (labels) ValueLabel(v string) string { return strings.ReplaceAll(v, "_", " ") }

// Attrs lists an asset's attributes in the type's order, then any others.
func (l labels) Attrs(a isms.Asset) []attrView {
	info, _ := a.Type.Info()
	var out []attrView
	seen := map[string]bool{}
	for _, s := range info.Attributes {
		if v := a.Attributes[s.Key]; v != "" {
			out = append(out, attrView{Label: s.Label, Value: v})
		}
		seen[s.Key] = true
	}
	var rest []string
	for k := range a.Attributes {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, attrView{Label: k, Value: a.Attributes[k]})
	}
	return out
}

type attrView struct{ Label, Value string }

// Roles names roles for people.
func (labels) Roles(roles []isms.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Label()
	}
	return strings.Join(names, ", ")
}

// typeGroups are the asset types for a select: AI first.
type typeGroups struct {
	AI, Other []isms.AssetTypeInfo
}

func assetTypeGroups() typeGroups {
	var g typeGroups
	for _, t := range isms.AssetTypes {
		if t.AI {
			g.AI = append(g.AI, t)
		} else {
			g.Other = append(g.Other, t)
		}
	}
	return g
}

// fieldErrors indexes validation problems by field, joining several about
// the same field.
func fieldErrors(fields []isms.FieldError) map[string]string {
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		if old, ok := m[f.Field]; ok {
			m[f.Field] = old + "; " + f.Detail
		} else {
			m[f.Field] = f.Detail
		}
	}
	return m
}

// conflictOrFields returns the field errors of a validation error or a
// conflict about a field, or nil for any other error.
func conflictOrFields(err error) map[string]string {
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		return map[string]string{conflict.Field: conflict.Detail}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return fieldErrors(fields)
	}
	return nil
}

// sendFile answers with a download made in memory, so that a failure
// shows an error page instead of half a file.
func sendFile(q *request, contentType, name string, write func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", contentType)
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	q.w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(q.w)
	return nil
}

// ---------------------------------------------------------------------
// The inventory.

type assetsPage struct {
	Page
	labels
	Assets          []store.StoredAsset
	Total           int
	NextURL         string
	FirstURL        string
	Filter          isms.AssetFilter
	Types           typeGroups
	Classifications []string
	Lifecycles      []isms.Lifecycle
	People          people
	ExportCSV       string
	ExportXLSX      string
	Filtered        bool
}

// assetFilter reads the inventory's filters from a query.
func assetFilter(query url.Values) isms.AssetFilter {
	return isms.AssetFilter{
		Type: isms.AssetType(query.Get("type")), OwnerID: query.Get("owner"), Classification: query.Get("classification"),
		Lifecycle: isms.Lifecycle(query.Get("lifecycle")), Tag: strings.TrimSpace(query.Get("tag")), Query: strings.TrimSpace(query.Get("q")),
		Cursor: query.Get("cursor"),
	}
}

// filterQuery encodes a filter for links, without its cursor.
func filterQuery(f isms.AssetFilter) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"type": string(f.Type), "owner": f.OwnerID, "classification": f.Classification,
		"lifecycle": string(f.Lifecycle), "tag": f.Tag, "q": f.Query} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (u *UI) assetsPage(q *request) error {
	ctx := q.r.Context()
	f := assetFilter(q.r.URL.Query())
	list, err := u.svc.ListAssets(ctx, q.access, f)
	if err != nil {
		return err
	}
	page := &assetsPage{Assets: list.Assets, Total: list.Total, Filter: f, Types: assetTypeGroups(), Lifecycles: isms.Lifecycles}
	page.Title, page.Section = "Assets", "assets"
	if page.Classifications, err = u.svc.Classifications(ctx, q.access); err != nil {
		return err
	}
	if page.People, err = u.people(q); err != nil {
		return err
	}
	page.Filtered = len(filterQuery(f)) > 0
	// link is a path with the filter and one more parameter.
	link := func(path, key, value string) string {
		v := filterQuery(f)
		if key != "" {
			v.Set(key, value)
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if list.Next != "" {
		page.NextURL = link(q.orgPath("assets"), "cursor", list.Next)
	}
	if f.Cursor != "" {
		page.FirstURL = link(q.orgPath("assets"), "", "")
	}
	page.ExportCSV = link(q.orgPath("assets", "export"), "format", "csv")
	page.ExportXLSX = link(q.orgPath("assets", "export"), "format", "xlsx")
	return u.render(q, http.StatusOK, "assets", page)
}

func (u *UI) exportAssets(q *request) error {
	ctx := q.r.Context()
	f := assetFilter(q.r.URL.Query())
	f.Cursor = ""
	name := "assets-" + q.access.Org.Slug
	switch format := q.r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(q, "text/csv; charset=utf-8", name+".csv", func(w io.Writer) error {
			return u.svc.ExportAssetsCSV(ctx, q.access, f, w)
		})
	case "xlsx":
		return sendFile(q, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", func(w io.Writer) error {
			return u.svc.ExportAssetsXLSX(ctx, q.access, f, w)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

func (u *UI) assetTemplate(q *request) error {
	return sendFile(q, "text/csv; charset=utf-8", "isms-assets-template.csv", func(w io.Writer) error {
		_, err := w.Write(app.AssetCSVTemplate())
		return err
	})
}

// ---------------------------------------------------------------------
// One asset: the form.

// assetForm holds an asset form as typed, so that a form with problems
// comes back with the values kept.
type assetForm struct {
	Name, Type, Description, OwnerID, CustodianID, Classification string
	Confidentiality, Integrity, Availability                      string
	Location, Lifecycle, DisposalDate, DisposalMethod, Tags       string
	// Attrs are the attribute fields of the chosen type, by key.
	Attrs map[string]string
}

func assetFormOf(a isms.Asset) assetForm {
	return assetForm{Name: a.Name, Type: string(a.Type), Description: a.Description, OwnerID: a.OwnerID, CustodianID: a.CustodianID,
		Classification: a.Classification, Confidentiality: strconv.Itoa(a.Confidentiality), Integrity: strconv.Itoa(a.Integrity),
		Availability: strconv.Itoa(a.Availability), Location: a.Location, Lifecycle: string(a.Lifecycle),
		DisposalDate: formatDate(a.DisposalDate), DisposalMethod: a.DisposalMethod, Tags: strings.Join(a.Tags, ", "), Attrs: a.Attributes}
}

// Attr is the value of an attribute field; only the chosen type's fields
// carry the asset's values.
func (f assetForm) Attr(t isms.AssetType, key string) string {
	if string(t) != f.Type {
		return ""
	}
	return f.Attrs[key]
}

func parseAssetForm(form url.Values) assetForm {
	f := assetForm{Name: form.Get("name"), Type: form.Get("type"), Description: form.Get("description"), OwnerID: form.Get("owner_id"),
		CustodianID: form.Get("custodian_id"), Classification: form.Get("classification"), Confidentiality: form.Get("confidentiality"),
		Integrity: form.Get("integrity"), Availability: form.Get("availability"), Location: form.Get("location"),
		Lifecycle: form.Get("lifecycle"), DisposalDate: form.Get("disposal_date"), DisposalMethod: form.Get("disposal_method"),
		Tags: form.Get("tags"), Attrs: map[string]string{}}
	if info, ok := isms.AssetType(f.Type).Info(); ok {
		// Only the chosen type's fields count; the others are on the page
		// for when the type changes.
		for _, s := range info.Attributes {
			if v := strings.TrimSpace(form.Get("attr." + f.Type + "." + s.Key)); v != "" {
				f.Attrs[s.Key] = v
			}
		}
	}
	return f
}

// asset turns the form into an asset, with the problems the form itself
// can find (a number or a date that is none).
func (f assetForm) asset() (isms.Asset, map[string]string) {
	errs := map[string]string{}
	a := isms.Asset{Name: f.Name, Type: isms.AssetType(f.Type), Description: strings.TrimSpace(f.Description), OwnerID: f.OwnerID,
		CustodianID: f.CustodianID, Classification: f.Classification, Location: strings.TrimSpace(f.Location),
		Lifecycle: isms.Lifecycle(f.Lifecycle), Attributes: f.Attrs}
	for _, r := range []struct {
		field, value string
		to           *int
	}{{"confidentiality", f.Confidentiality, &a.Confidentiality}, {"integrity", f.Integrity, &a.Integrity}, {"availability", f.Availability, &a.Availability}} {
		if r.value == "" {
			continue
		}
		n, err := strconv.Atoi(r.value)
		if err != nil {
			errs[r.field] = "choose a value from 1 (low) to 5 (critical), or not assessed"
		}
		*r.to = n
	}
	// The disposal record belongs to a retired asset only; for any other
	// the fields are hidden and ignored.
	if a.Lifecycle == isms.LifecycleRetired {
		a.DisposalMethod = strings.TrimSpace(f.DisposalMethod)
		if f.DisposalDate != "" {
			d, err := time.Parse("2006-01-02", f.DisposalDate)
			if err != nil {
				errs["disposal_date"] = fmt.Sprintf("%q is not a date", f.DisposalDate)
			} else {
				a.DisposalDate = &d
			}
		}
	}
	for _, t := range strings.FieldsFunc(f.Tags, func(r rune) bool { return r == ',' || r == ';' }) {
		if t = strings.TrimSpace(t); t != "" {
			a.Tags = append(a.Tags, t)
		}
	}
	return a, errs
}

type assetFormPage struct {
	Page
	labels
	Asset           *store.StoredAsset // nil for a new asset
	Form            assetForm
	Errors          map[string]string
	Types           typeGroups
	AllTypes        []isms.AssetTypeInfo
	Classifications []string
	Lifecycles      []isms.Lifecycle
	People          people
	Ratings         []int
	RatingLabels    []string
	// MayAssign: only those who may write every record hand an asset to
	// someone; a contributor editing their own asset may not.
	MayAssign bool
}

// ratingField is one of the C, I and A selects.
type ratingField struct{ Key, Label, Value, Error string }

// RatingFields are the C, I and A selects with their values.
func (p *assetFormPage) RatingFields() []ratingField {
	return []ratingField{
		{"confidentiality", "Confidentiality", p.Form.Confidentiality, p.Errors["confidentiality"]},
		{"integrity", "Integrity", p.Form.Integrity, p.Errors["integrity"]},
		{"availability", "Availability", p.Form.Availability, p.Errors["availability"]},
	}
}

// ratingLabels name the values of a rating select.
var ratingLabels = []string{"Not assessed", "1 – low", "2", "3", "4", "5 – critical"}

// AttrError is the problem with an attribute field of the chosen type.
func (p *assetFormPage) AttrError(t isms.AssetType, key string) string {
	if string(t) != p.Form.Type {
		return ""
	}
	return p.Errors["attributes."+key]
}

func (u *UI) showAssetForm(q *request, status int, current *store.StoredAsset, f assetForm, errs map[string]string) error {
	ctx := q.r.Context()
	page := &assetFormPage{Asset: current, Form: f, Errors: errs, Types: assetTypeGroups(), AllTypes: isms.AssetTypes,
		Lifecycles: isms.Lifecycles, Ratings: []int{0, 1, 2, 3, 4, 5}, RatingLabels: ratingLabels, MayAssign: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "New asset", "assets"
	if current != nil {
		page.Title = "Edit " + current.Name
	}
	var err error
	if page.Classifications, err = u.svc.Classifications(ctx, q.access); err != nil {
		return err
	}
	if page.People, err = u.people(q); err != nil {
		return err
	}
	return u.render(q, status, "asset_form", page)
}

// mayEditAsset mirrors the app's rule, so pages offer only what works:
// writers edit every asset, contributors those they own or look after.
func mayEditAsset(acc app.Access, a isms.Asset) bool {
	if acc.Can(isms.PermWriteRecords) {
		return true
	}
	return acc.Role == isms.RoleContributor && acc.Member.ID != "" && (a.OwnerID == acc.Member.ID || a.CustodianID == acc.Member.ID)
}

func (u *UI) newAssetPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	f := assetForm{Type: string(isms.AssetModel), Lifecycle: string(isms.LifecycleInProduction), Confidentiality: "0", Integrity: "0", Availability: "0"}
	if t := q.r.URL.Query().Get("type"); isms.AssetType(t).IsValid() {
		f.Type = t
	}
	return u.showAssetForm(q, http.StatusOK, nil, f, nil)
}

func (u *UI) createAsset(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	f := parseAssetForm(q.r.PostForm)
	in, errs := f.asset()
	if len(errs) > 0 {
		return u.showAssetForm(q, http.StatusUnprocessableEntity, nil, f, errs)
	}
	created, err := u.svc.CreateAsset(q.r.Context(), q.access, in)
	if errs := conflictOrFields(err); errs != nil {
		return u.showAssetForm(q, http.StatusUnprocessableEntity, nil, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("assets", created.ID), created.Name+" was added to the inventory.")
}

func (u *UI) editAssetPage(q *request) error {
	a, err := u.svc.Asset(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !mayEditAsset(q.access, a.Asset) {
		return isms.ErrForbidden
	}
	return u.showAssetForm(q, http.StatusOK, &a, assetFormOf(a.Asset), nil)
}

func (u *UI) updateAsset(q *request) error {
	current, err := u.svc.Asset(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !mayEditAsset(q.access, current.Asset) {
		return isms.ErrForbidden
	}
	f := parseAssetForm(q.r.PostForm)
	if !q.access.Can(isms.PermWriteRecords) {
		f.OwnerID, f.CustodianID = current.OwnerID, current.CustodianID
	}
	in, errs := f.asset()
	if len(errs) > 0 {
		return u.showAssetForm(q, http.StatusUnprocessableEntity, &current, f, errs)
	}
	updated, err := u.svc.UpdateAsset(q.r.Context(), q.access, current.ID, in)
	if errs := conflictOrFields(err); errs != nil {
		return u.showAssetForm(q, http.StatusUnprocessableEntity, &current, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("assets", updated.ID), updated.Name+" was saved.")
}

func (u *UI) deleteAsset(q *request) error {
	a, err := u.svc.Asset(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	err = u.svc.DeleteAsset(q.r.Context(), q.access, a.ID)
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		return u.showAsset(q, http.StatusConflict, a, assetNotice{Delete: "This asset " + conflict.Detail + "."})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("assets"), a.Name+" was deleted from the inventory with its relations.")
}

// ---------------------------------------------------------------------
// One asset: the detail page.

// relationRow is a relation of the asset shown, seen from it.
type relationRow struct {
	ID    string
	Kind  isms.RelationKind
	Other store.StoredAsset
}

type assetPage struct {
	Page
	labels
	Asset    store.StoredAsset
	People   people
	Outgoing []relationRow
	Incoming []relationRow
	Graph    *assetGraph
	Risks    app.RiskPage
	// Vulns are the asset's findings from vulnerability scans.
	Vulns assetVulns
	// Targets are the assets a new relation may point at; TargetQuery
	// narrows them.
	Targets     []store.StoredAsset
	TargetQuery string
	Kinds       []isms.RelationKind
	MayEdit     bool
	Notice      assetNotice
}

// assetNotice is a problem with an action taken on the asset page.
type assetNotice struct {
	Delete   string
	Relation string
	Kind     string // kept from the relation form
	Target   string
	Incoming bool
}

func (u *UI) assetPage(q *request) error {
	a, err := u.svc.Asset(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showAsset(q, http.StatusOK, a, assetNotice{})
}

func (u *UI) showAsset(q *request, status int, a store.StoredAsset, notice assetNotice) error {
	ctx := q.r.Context()
	page := &assetPage{Asset: a, Kinds: isms.RelationKinds, MayEdit: mayEditAsset(q.access, a.Asset), Notice: notice,
		TargetQuery: strings.TrimSpace(q.r.URL.Query().Get("target_q"))}
	page.Title, page.Section = a.Name, "assets"
	var err error
	if page.People, err = u.people(q); err != nil {
		return err
	}
	g, err := u.svc.AssetGraph(ctx, q.access, a.ID, 2)
	if err != nil {
		return err
	}
	byID := map[string]store.StoredAsset{}
	for _, x := range g.Assets {
		byID[x.ID] = x
	}
	for _, rel := range g.Relations {
		switch a.ID {
		case rel.FromID:
			page.Outgoing = append(page.Outgoing, relationRow{ID: rel.ID, Kind: rel.Kind, Other: byID[rel.ToID]})
		case rel.ToID:
			page.Incoming = append(page.Incoming, relationRow{ID: rel.ID, Kind: rel.Kind, Other: byID[rel.FromID]})
		}
	}
	sortRows := func(rows []relationRow) {
		slices.SortFunc(rows, func(x, y relationRow) int {
			if c := strings.Compare(string(x.Kind), string(y.Kind)); c != 0 {
				return c
			}
			return strings.Compare(strings.ToLower(x.Other.Name), strings.ToLower(y.Other.Name))
		})
	}
	sortRows(page.Outgoing)
	sortRows(page.Incoming)
	if len(g.Relations) > 0 {
		page.Graph = layoutGraph(g, func(id string) string { return q.orgPath("assets", id) })
	}
	if page.Risks, err = u.svc.ListRisks(ctx, q.access, isms.RiskFilter{AssetID: a.ID}); err != nil {
		return err
	}
	if page.Vulns, err = u.assetVulns(q, a); err != nil {
		return err
	}
	if q.access.Can(isms.PermWriteRecords) {
		targets, err := u.svc.ListAssets(ctx, q.access, isms.AssetFilter{Query: page.TargetQuery, Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, t := range targets.Assets {
			if t.ID != a.ID {
				page.Targets = append(page.Targets, t)
			}
		}
	}
	return u.render(q, status, "asset", page)
}

func (u *UI) addAssetRelation(q *request) error {
	a, err := u.svc.Asset(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	kind, target := q.r.PostFormValue("kind"), q.r.PostFormValue("target")
	incoming := q.r.PostFormValue("direction") == "incoming"
	in := app.RelationInput{FromID: a.ID, Kind: kind, ToID: target}
	if incoming {
		in.FromID, in.ToID = target, a.ID
	}
	notice := assetNotice{Kind: kind, Target: target, Incoming: incoming}
	if target == "" {
		notice.Relation = "Choose the asset to relate this one to."
		return u.showAsset(q, http.StatusUnprocessableEntity, a, notice)
	}
	_, err = u.svc.AddAssetRelation(q.r.Context(), q.access, in)
	if errs := conflictOrFields(err); errs != nil {
		var parts []string
		for _, field := range []string{"kind", "from_id", "to_id"} {
			if e := errs[field]; e != "" {
				parts = append(parts, e)
			}
		}
		notice.Relation = "The relation was not added: " + strings.Join(parts, "; ") + "."
		return u.showAsset(q, http.StatusUnprocessableEntity, a, notice)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("assets", a.ID)+"#relations", "Relation added.")
}

func (u *UI) removeAssetRelation(q *request) error {
	a, err := u.svc.Asset(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := u.svc.RemoveAssetRelation(q.r.Context(), q.access, q.r.PathValue("rel")); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("assets", a.ID)+"#relations", "Relation removed.")
}

// ---------------------------------------------------------------------
// Import.

type formatOption struct{ Value, Label string }

var assetFormatOptions = []formatOption{
	{"", "Tell from the file"},
	{app.AssetFormatCSV, "isms asset CSV"},
	{app.AssetFormatCycloneDX, "CycloneDX BOM (JSON or XML)"},
	{app.AssetFormatHF, "Hugging Face model or dataset card"},
	{app.AssetFormatSPDX, "SPDX 3 (JSON-LD)"},
}

var formatNames = map[string]string{
	aibom.FormatCSV:           "isms asset CSV",
	aibom.FormatCycloneDXJSON: "CycloneDX JSON",
	aibom.FormatCycloneDXXML:  "CycloneDX XML",
	aibom.FormatSPDX3:         "SPDX 3 JSON-LD",
	aibom.FormatModelCard:     "Hugging Face model card",
	aibom.FormatDatasetCard:   "Hugging Face dataset card",
}

type assetImportPage struct {
	Page
	labels
	Formats  []formatOption
	Format   string
	FileName string
	Result   *app.AssetImport
	// FormatName is what the file turned out to be.
	FormatName string
	Problems   aibom.Problems
	Error      string
	Types      []isms.AssetTypeInfo
	Kinds      []isms.RelationKind
}

func (u *UI) showAssetImport(q *request, status int, page *assetImportPage) error {
	page.Title, page.Section = "Import assets", "assets"
	page.Formats, page.Types, page.Kinds = assetFormatOptions, isms.AssetTypes, isms.RelationKinds
	if page.Result != nil {
		page.FormatName = formatNames[page.Result.Format]
		if page.FormatName == "" {
			page.FormatName = page.Result.Format
		}
	}
	return u.render(q, status, "asset_import", page)
}

func (u *UI) assetImportPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	return u.showAssetImport(q, http.StatusOK, &assetImportPage{})
}

func (u *UI) importAssets(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	page := &assetImportPage{Format: q.r.PostFormValue("format")}
	file, header, err := q.r.FormFile("file")
	if err != nil {
		page.Error = "Choose a file to upload."
		return u.showAssetImport(q, http.StatusUnprocessableEntity, page)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, aibom.MaxFileSize+1))
	if err != nil {
		return err
	}
	page.FileName = header.Filename
	dryRun := q.r.PostFormValue("check") != ""
	res, err := u.svc.ImportAssets(q.r.Context(), q.access, app.AssetFile{Name: header.Filename, Format: page.Format, Data: data}, dryRun)
	var problems aibom.Problems
	switch {
	case errors.As(err, &problems):
		page.Problems = problems
		return u.showAssetImport(q, http.StatusUnprocessableEntity, page)
	case errors.Is(err, isms.ErrInvalid):
		page.Error = strings.TrimPrefix(err.Error(), "invalid input: ")
		return u.showAssetImport(q, http.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	page.Result = &res
	return u.showAssetImport(q, http.StatusOK, page)
}

// ---------------------------------------------------------------------
// The classification scheme, on the settings page.

func (u *UI) updateClassifications(q *request) error {
	text := q.r.PostFormValue("classifications")
	levels := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' })
	saved, err := u.svc.SetClassifications(q.r.Context(), q.access, levels)
	if fields := isms.FieldErrors(err); fields != nil {
		page := &settingsPage{Name: q.access.Org.Name, Errors: fieldErrors(fields), ClassificationText: text}
		return u.showSettings(q, http.StatusUnprocessableEntity, page)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("settings"), "Classification scheme saved: "+strings.Join(saved, ", ")+".")
}
