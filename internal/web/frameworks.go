package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/httpapi"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// maxFormBytes bounds a form post; the largest is a framework upload.
const maxFormBytes = framework.MaxFileSize + 1<<20

type frameworksPage struct {
	Page
	Run       []app.FrameworkView // standards, overlays and own frameworks
	Threats   []app.FrameworkView
	Imports   []store.FrameworkImport
	Problems  []framework.Problem
	Checked   string // a file that passed the check
	ImportErr string
}

func (u *UI) frameworksPage(q *request) error {
	page := &frameworksPage{}
	return u.showFrameworks(q, http.StatusOK, page)
}

func (u *UI) showFrameworks(q *request, status int, page *frameworksPage) error {
	ctx := q.r.Context()
	views, err := u.svc.Frameworks(ctx, q.access)
	if err != nil {
		return err
	}
	for _, v := range views {
		if v.Kind == framework.KindThreats {
			page.Threats = append(page.Threats, v)
		} else {
			page.Run = append(page.Run, v)
		}
	}
	if page.Imports, err = u.svc.FrameworkImports(ctx, q.access); err != nil {
		return err
	}
	page.Title, page.Section = "Frameworks", "frameworks"
	return u.render(q, status, "frameworks", page)
}

func (u *UI) setFrameworkEnabled(q *request) error {
	id := q.r.PathValue("id")
	enabled := q.r.PostFormValue("enabled") == "true"
	v, err := u.svc.SetFrameworkEnabled(q.r.Context(), q.access, id, enabled)
	if err != nil {
		return err
	}
	msg := q.access.Org.Name + " no longer runs " + v.Name + "."
	if enabled {
		msg = q.access.Org.Name + " now runs " + v.Name + "."
	}
	return u.redirect(q, q.orgPath("frameworks"), msg)
}

// importFramework takes an uploaded framework file; the "check" button
// only validates it.
func (u *UI) importFramework(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	file, header, err := q.r.FormFile("file")
	if err != nil {
		return u.showFrameworks(q, http.StatusUnprocessableEntity, &frameworksPage{ImportErr: "Choose a framework file to upload."})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, framework.MaxFileSize+1))
	if err != nil {
		return err
	}
	in := app.FrameworkFile{Name: header.Filename, Data: data, ID: strings.TrimSpace(q.r.PostFormValue("id"))}
	if q.r.PostFormValue("check") != "" {
		if _, err := u.svc.CheckFrameworkFile(q.r.Context(), q.access, in); err != nil {
			return u.importFailed(q, err)
		}
		return u.showFrameworks(q, http.StatusOK, &frameworksPage{Checked: header.Filename})
	}
	_, parsed, err := u.svc.ImportFrameworks(q.r.Context(), q.access, in)
	if err != nil {
		return u.importFailed(q, err)
	}
	names := make([]string, len(parsed.Frameworks))
	for i, f := range parsed.Frameworks {
		names[i] = f.Name
	}
	msg := header.Filename + " imported"
	if len(names) > 0 {
		msg += ": " + strings.Join(names, ", ")
	}
	return u.redirect(q, q.orgPath("frameworks"), msg+".")
}

// importFailed shows a file's problems, or the reason it was refused.
func (u *UI) importFailed(q *request, err error) error {
	var (
		problems framework.Problems
		conflict *isms.ConflictError
	)
	switch {
	case errors.As(err, &problems):
		return u.showFrameworks(q, http.StatusUnprocessableEntity, &frameworksPage{Problems: problems})
	case errors.As(err, &conflict):
		return u.showFrameworks(q, http.StatusConflict, &frameworksPage{ImportErr: conflict.Field + " " + conflict.Detail})
	case errors.Is(err, isms.ErrInvalid):
		return u.showFrameworks(q, http.StatusUnprocessableEntity, &frameworksPage{ImportErr: err.Error()})
	}
	return err
}

func (u *UI) removeFrameworkImport(q *request) error {
	err := u.svc.RemoveFrameworkImport(q.r.Context(), q.access, q.r.PathValue("id"))
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		return u.showFrameworks(q, http.StatusConflict, &frameworksPage{ImportErr: "This import " + conflict.Detail})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("frameworks"), "The import and its frameworks were removed.")
}

// treeNode is an item with its children, for the framework tree.
type treeNode struct {
	Item     *framework.Item
	Link     string
	Children []treeNode
}

type frameworkPage struct {
	Page
	Framework app.FrameworkView
	Tree      []treeNode
	Query     string
	Hits      []searchHit
	Counts    []kindCount
}

type kindCount struct {
	Kind  framework.ItemKind
	Count int
}

type searchHit struct {
	Framework *framework.Framework
	Item      *framework.Item
	Link      string
}

// itemPath links to an item; ids may hold characters that need escaping.
func (q *request) itemPath(fw, item string) string {
	return q.orgPath("frameworks", url.PathEscape(fw), "items", url.PathEscape(item))
}

func (u *UI) frameworkPage(q *request) error {
	v, lib, err := u.svc.Framework(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &frameworkPage{Framework: v, Query: strings.TrimSpace(q.r.URL.Query().Get("q"))}
	page.Title, page.Section = v.Name, "frameworks"
	counts := map[framework.ItemKind]int{}
	var order []framework.ItemKind
	for _, it := range v.Items {
		if counts[it.Kind] == 0 {
			order = append(order, it.Kind)
		}
		counts[it.Kind]++
	}
	for _, k := range order {
		page.Counts = append(page.Counts, kindCount{k, counts[k]})
	}
	if page.Query != "" {
		for _, h := range lib.Search(page.Query, []string{v.ID}, 200) {
			page.Hits = append(page.Hits, searchHit{h.Framework, h.Item, q.itemPath(v.ID, h.Item.ID)})
		}
	} else {
		var build func(parent string) []treeNode
		build = func(parent string) []treeNode {
			var nodes []treeNode
			for _, it := range v.Children(parent) {
				nodes = append(nodes, treeNode{Item: it, Link: q.itemPath(v.ID, it.ID), Children: build(it.ID)})
			}
			return nodes
		}
		page.Tree = build("")
	}
	return u.render(q, http.StatusOK, "framework", page)
}

type mappingRow struct {
	Relation  string
	Framework *framework.Framework
	Item      *framework.Item
	Link      string
	Note      string
}

// mappingGroup holds an item's mappings of one relation to one framework;
// a control can be treated-by target of a hundred ATLAS techniques, so
// large groups start folded.
type mappingGroup struct {
	Relation  string
	Framework *framework.Framework
	Rows      []mappingRow
	Open      bool
}

type itemPage struct {
	Page
	Framework app.FrameworkView
	Item      *framework.Item
	Ancestors []treeNode
	Children  []treeNode
	Mappings  []mappingGroup
}

func (u *UI) itemPage(q *request) error {
	v, lib, err := u.svc.Framework(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	it, ok := v.Item(q.r.PathValue("item"))
	if !ok {
		return isms.ErrNotFound
	}
	page := &itemPage{Framework: v, Item: it}
	page.Title, page.Section = it.Cite()+" "+it.Title, "frameworks"
	for p := it.Parent; p != ""; {
		parent, ok := v.Item(p)
		if !ok {
			break
		}
		page.Ancestors = append([]treeNode{{Item: parent, Link: q.itemPath(v.ID, parent.ID)}}, page.Ancestors...)
		p = parent.Parent
	}
	for _, ch := range v.Children(it.ID) {
		page.Children = append(page.Children, treeNode{Item: ch, Link: q.itemPath(v.ID, ch.ID)})
	}
	self := framework.Ref{Framework: v.ID, Item: it.ID}
	index := map[string]int{}
	add := func(rel string, other framework.Ref, note string) {
		f, target, ok := lib.Resolve(other)
		if !ok {
			return
		}
		key := rel + "\x00" + f.ID
		i, ok := index[key]
		if !ok {
			i = len(page.Mappings)
			index[key] = i
			page.Mappings = append(page.Mappings, mappingGroup{Relation: rel, Framework: f})
		}
		g := &page.Mappings[i]
		g.Rows = append(g.Rows, mappingRow{Relation: rel, Framework: f, Item: target, Link: q.itemPath(f.ID, target.ID), Note: note})
		g.Open = len(g.Rows) <= 8
	}
	for _, m := range lib.Outgoing(self) {
		add(m.Relation.Forward(), m.To, m.Note)
	}
	for _, m := range lib.Incoming(self) {
		add(m.Relation.Backward(), m.From, m.Note)
	}
	return u.render(q, http.StatusOK, "item", page)
}

func (u *UI) exportFramework(q *request) error {
	v, _, err := u.svc.Framework(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	body, contentType, ext, err := httpapi.ExportFramework(v.Framework, q.r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", contentType)
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+v.ID+ext+`"`)
	_, _ = q.w.Write(body)
	return nil
}

type searchPage struct {
	Page
	Query string
	Hits  []searchHit
}

func (u *UI) searchPage(q *request) error {
	page := &searchPage{Query: strings.TrimSpace(q.r.URL.Query().Get("q"))}
	page.Title, page.Section = "Search the frameworks", "frameworks"
	if page.Query != "" {
		lib, err := u.svc.Library(q.r.Context(), q.access)
		if err != nil {
			return err
		}
		for _, h := range lib.Search(page.Query, nil, 100) {
			page.Hits = append(page.Hits, searchHit{h.Framework, h.Item, q.itemPath(h.Framework.ID, h.Item.ID)})
		}
	}
	return u.render(q, http.StatusOK, "search", page)
}
