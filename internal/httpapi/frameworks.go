package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

type frameworkJSON struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	ShortName   string         `json:"short_name"`
	Version     string         `json:"version"`
	Revision    int            `json:"revision"`
	Kind        framework.Kind `json:"kind"`
	Publisher   string         `json:"publisher"`
	Description string         `json:"description"`
	Source      string         `json:"source"`
	Licence     string         `json:"licence"`
	Items       int            `json:"items"`
	Assessable  int            `json:"assessable"`
	Enabled     bool           `json:"enabled"`
	Selectable  bool           `json:"selectable"`
	Scope       string         `json:"scope"`
	ImportID    *string        `json:"import_id"`
}

func toFrameworkJSON(v app.FrameworkView) frameworkJSON {
	out := frameworkJSON{ID: v.ID, Name: v.Name, ShortName: v.Title(), Version: v.Version, Revision: v.Revision, Kind: v.Kind,
		Publisher: v.Publisher, Description: v.Description, Source: v.Source, Licence: v.Licence, Items: len(v.Items),
		Assessable: v.Assessable(), Enabled: v.Enabled, Selectable: v.Kind.Selectable(), Scope: v.Scope}
	if v.ImportID != "" {
		out.ImportID = &v.ImportID
	}
	return out
}

// offsetCursor pages through an in-memory list: the cursor is the index of
// the next element.
func offsetCursor(r *http.Request) (int, int, error) {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return 0, 0, err
	}
	limit = min(max(limit, 0), store.MaxLimit)
	if limit == 0 {
		limit = store.DefaultLimit
	}
	raw, err := store.DecodeCursor("cursor", r.URL.Query().Get("cursor"))
	if err != nil {
		return 0, 0, err
	}
	offset := 0
	if raw != "" {
		if offset, err = strconv.Atoi(raw); err != nil || offset < 0 {
			return 0, 0, isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	return offset, limit, nil
}

// page cuts items[offset:offset+limit] and returns the next cursor.
func page[T any](items []T, offset, limit int) ([]T, string) {
	if offset >= len(items) {
		return []T{}, ""
	}
	end := min(offset+limit, len(items))
	next := ""
	if end < len(items) {
		next = store.EncodeCursor(strconv.Itoa(end))
	}
	return items[offset:end], next
}

func queryBool(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, malformed(name, "%q is not true or false", v)
	}
	return &b, nil
}

func (a *API) listFrameworks(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "kind", "enabled", "cursor", "limit"); err != nil {
		return err
	}
	offset, limit, err := offsetCursor(r)
	if err != nil {
		return err
	}
	enabled, err := queryBool(r, "enabled")
	if err != nil {
		return err
	}
	kind := framework.Kind(r.URL.Query().Get("kind"))
	switch kind {
	case "", framework.KindStandard, framework.KindOverlay, framework.KindThreats, framework.KindCustom:
	default:
		return isms.Invalid("kind", "%q is not a framework kind; use standard, overlay, threats or custom", kind)
	}
	views, err := a.svc.Frameworks(r.Context(), acc)
	if err != nil {
		return err
	}
	items := []frameworkJSON{}
	for _, v := range views {
		if (kind == "" || v.Kind == kind) && (enabled == nil || v.Enabled == *enabled) {
			items = append(items, toFrameworkJSON(v))
		}
	}
	items, next := page(items, offset, limit)
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (a *API) getFramework(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	v, _, err := a.svc.Framework(r.Context(), acc, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toFrameworkJSON(v))
}

type frameworkPatch struct {
	Enabled *bool `json:"enabled"`
}

func (a *API) patchFramework(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in frameworkPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Enabled == nil {
		return isms.Invalid("enabled", "is the only field that can be changed and is missing")
	}
	v, err := a.svc.SetFrameworkEnabled(r.Context(), acc, r.PathValue("id"), *in.Enabled)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toFrameworkJSON(v))
}

type itemJSON struct {
	Framework   string              `json:"framework"`
	ID          string              `json:"id"`
	Label       string              `json:"label"`
	Parent      *string             `json:"parent"`
	Kind        framework.ItemKind  `json:"kind"`
	Title       string              `json:"title"`
	Assessable  bool                `json:"assessable"`
	Description string              `json:"description"`
	Guidance    string              `json:"guidance"`
	Attributes  map[string][]string `json:"attributes"`
}

func toItemJSON(fw string, it *framework.Item) itemJSON {
	out := itemJSON{Framework: fw, ID: it.ID, Label: it.Cite(), Kind: it.Kind, Title: it.Title, Assessable: it.Assessable,
		Description: it.Description, Guidance: it.Guidance, Attributes: map[string][]string{}}
	if it.Parent != "" {
		out.Parent = &it.Parent
	}
	for _, at := range it.Attributes {
		values := at.Values
		if values == nil {
			values = []string{}
		}
		out.Attributes[at.Key] = values
	}
	return out
}

// itemKinds are the item kinds docs/frameworks.md lists, for the items
// filter: an unknown kind is refused rather than matching nothing.
var itemKinds = []framework.ItemKind{framework.ItemClause, framework.ItemTheme, framework.ItemCategory,
	framework.ItemObjective, framework.ItemDomain, framework.ItemSection, framework.ItemControl, framework.ItemRequirement,
	framework.ItemTactic, framework.ItemTechnique, framework.ItemMitigation, framework.ItemThreat}

func itemKindNames() string {
	names := make([]string, len(itemKinds))
	for i, k := range itemKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (a *API) listItems(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "q", "kind", "parent", "assessable", "cursor", "limit"); err != nil {
		return err
	}
	offset, limit, err := offsetCursor(r)
	if err != nil {
		return err
	}
	assessable, err := queryBool(r, "assessable")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	kind, parent := framework.ItemKind(q.Get("kind")), q.Get("parent")
	if kind != "" && !slices.Contains(itemKinds, kind) {
		return isms.Invalid("kind", "%q is not an item kind; use one of %s", kind, itemKindNames())
	}
	v, lib, err := a.svc.Framework(r.Context(), acc, r.PathValue("id"))
	if err != nil {
		return err
	}
	var matches map[*framework.Item]bool
	if strings.TrimSpace(q.Get("q")) != "" {
		matches = map[*framework.Item]bool{}
		for _, h := range lib.Search(q.Get("q"), []string{v.ID}, len(v.Items)) {
			matches[h.Item] = true
		}
	}
	items := []itemJSON{}
	for _, it := range v.Items {
		if (kind == "" || it.Kind == kind) && (!q.Has("parent") || it.Parent == parent) &&
			(assessable == nil || it.Assessable == *assessable) && (matches == nil || matches[it]) {
			items = append(items, toItemJSON(v.ID, it))
		}
	}
	items, next := page(items, offset, limit)
	return writeJSON(w, http.StatusOK, newList(items, next))
}

type mappingJSON struct {
	Direction     string             `json:"direction"`
	Relation      framework.Relation `json:"relation"`
	RelationLabel string             `json:"relation_label"`
	Framework     string             `json:"framework"`
	Item          string             `json:"item"`
	Title         string             `json:"title"`
	Note          string             `json:"note"`
}

type itemDetailJSON struct {
	itemJSON
	Children []string      `json:"children"`
	Mappings []mappingJSON `json:"mappings"`
}

// itemMappings lists an item's mappings both ways, each with the other
// end's title, outgoing first.
func itemMappings(lib *framework.Library, self framework.Ref) []mappingJSON {
	out := []mappingJSON{}
	add := func(dir string, m framework.Mapping, other framework.Ref) {
		label := m.Relation.Forward()
		if dir == "in" {
			label = m.Relation.Backward()
		}
		title := ""
		if _, it, ok := lib.Resolve(other); ok {
			title = it.Title
		}
		out = append(out, mappingJSON{Direction: dir, Relation: m.Relation, RelationLabel: label, Framework: other.Framework,
			Item: other.Item, Title: title, Note: m.Note})
	}
	for _, m := range lib.Outgoing(self) {
		add("out", m, m.To)
	}
	for _, m := range lib.Incoming(self) {
		add("in", m, m.From)
	}
	return out
}

func (a *API) getItem(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	v, lib, err := a.svc.Framework(r.Context(), acc, r.PathValue("id"))
	if err != nil {
		return err
	}
	it, ok := v.Item(r.PathValue("item"))
	if !ok {
		return isms.ErrNotFound
	}
	out := itemDetailJSON{itemJSON: toItemJSON(v.ID, it), Children: []string{},
		Mappings: itemMappings(lib, framework.Ref{Framework: v.ID, Item: it.ID})}
	for _, ch := range v.Children(it.ID) {
		out.Children = append(out.Children, ch.ID)
	}
	return writeJSON(w, http.StatusOK, out)
}

// exportFramework writes a framework as an OSCAL catalog or isms YAML.
func (a *API) exportFramework(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format"); err != nil {
		return err
	}
	v, _, err := a.svc.Framework(r.Context(), acc, r.PathValue("id"))
	if err != nil {
		return err
	}
	body, contentType, ext, err := ExportFramework(v.Framework, r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+v.ID+ext+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
	return nil
}

// ExportFramework renders a framework in one of the export formats:
// oscal (the default) or yaml.
func ExportFramework(f *framework.Framework, format string) (body []byte, contentType, ext string, err error) {
	switch format {
	case "", "oscal":
		body, err = framework.ExportOSCAL(f)
		return body, "application/json", ".oscal.json", err
	case "yaml":
		body, err = framework.WriteYAML(f)
		return body, "application/yaml", ".yaml", err
	}
	return nil, "", "", isms.Invalid("format", "%q is not an export format; use oscal or yaml", format)
}

type importJSON struct {
	ID           string    `json:"id"`
	FileName     string    `json:"file_name"`
	SourceFormat string    `json:"source_format"`
	Frameworks   []string  `json:"frameworks"`
	Scope        string    `json:"scope"`
	CreatedAt    time.Time `json:"created_at"`
}

func toImportJSON(fi store.FrameworkImport) importJSON {
	scope := app.ScopeOrg
	if fi.OrgID == "" {
		scope = app.ScopeInstance
	}
	ids := fi.FrameworkIDs
	if ids == nil {
		// A file of mappings only brings no framework.
		ids = []string{}
	}
	return importJSON{ID: fi.ID, FileName: fi.FileName, SourceFormat: fi.SourceFormat, Frameworks: ids, Scope: scope, CreatedAt: fi.CreatedAt}
}

func (a *API) listImports(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "cursor", "limit"); err != nil {
		return err
	}
	offset, limit, err := offsetCursor(r)
	if err != nil {
		return err
	}
	imports, err := a.svc.FrameworkImports(r.Context(), acc)
	if err != nil {
		return err
	}
	items := make([]importJSON, len(imports))
	for i, fi := range imports {
		items[i] = toImportJSON(fi)
	}
	items, next := page(items, offset, limit)
	return writeJSON(w, http.StatusOK, newList(items, next))
}

type checkJSON struct {
	Valid      bool     `json:"valid"`
	Frameworks []string `json:"frameworks"`
	Mappings   int      `json:"mappings"`
}

// importTypes are the media types a framework file may be sent as. The
// content, not the type, decides how the file is read.
var importTypes = []string{"application/yaml", "application/x-yaml", "text/yaml", "application/json", "text/plain", "application/octet-stream"}

// maxFileName is the longest file name an import keeps.
const maxFileName = 255

// importFrameworks takes a framework file as the request body. With
// dry_run=true it only checks the file.
func (a *API) importFrameworks(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "name", "id", "dry_run"); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || !slices.Contains(importTypes, mt) {
		return &mediaTypeError{got: ct, want: importTypes}
	}
	dryRun, err := queryBool(r, "dry_run")
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("name")
	switch {
	case name == "":
		name = "upload"
	case utf8.RuneCountInString(name) > maxFileName || strings.ContainsFunc(name, unicode.IsControl):
		return isms.Invalid("name", "must be at most %d characters, without control characters", maxFileName)
	}
	// A framework file may be far larger than other request bodies (NIST
	// SP 800-53 is megabytes), so the file size limit applies here.
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, framework.MaxFileSize))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return malformed("", "cannot read the body: %v", err)
	}
	in := app.FrameworkFile{Name: name, Data: data, ID: r.URL.Query().Get("id")}
	if dryRun != nil && *dryRun {
		file, err := a.svc.CheckFrameworkFile(r.Context(), acc, in)
		if err != nil {
			return err
		}
		out := checkJSON{Valid: true, Frameworks: []string{}}
		for _, f := range file.Frameworks {
			out.Frameworks = append(out.Frameworks, f.ID)
		}
		for _, s := range file.Mappings {
			out.Mappings += len(s.Mappings)
		}
		return writeJSON(w, http.StatusOK, out)
	}
	fi, _, err := a.svc.ImportFrameworks(r.Context(), acc, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/framework-imports/"+fi.ID)
	return writeJSON(w, http.StatusCreated, toImportJSON(fi))
}

func (a *API) getImport(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	imports, err := a.svc.FrameworkImports(r.Context(), acc)
	if err != nil {
		return err
	}
	for _, fi := range imports {
		if fi.ID == id {
			return writeJSON(w, http.StatusOK, toImportJSON(fi))
		}
	}
	return isms.ErrNotFound
}

func (a *API) removeImport(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemoveFrameworkImport(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type hitJSON struct {
	itemJSON
	FrameworkName string `json:"framework_name"`
}

// searchItems finds items across the organisation's frameworks.
func (a *API) searchItems(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "q", "framework", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	if strings.TrimSpace(q.Get("q")) == "" {
		return isms.Invalid("q", "is required: the words to search for")
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	limit = min(max(limit, 0), store.MaxLimit)
	if limit == 0 {
		limit = store.DefaultLimit
	}
	lib, err := a.svc.Library(r.Context(), acc)
	if err != nil {
		return err
	}
	var only []string
	if fw := q.Get("framework"); fw != "" {
		if _, ok := lib.Framework(fw); !ok {
			return isms.Invalid("framework", "%q is not a framework of this organisation", fw)
		}
		only = []string{fw}
	}
	items := []hitJSON{}
	for _, h := range lib.Search(q.Get("q"), only, limit) {
		items = append(items, hitJSON{itemJSON: toItemJSON(h.Framework.ID, h.Item), FrameworkName: h.Framework.Title()})
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}
