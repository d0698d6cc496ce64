package soa

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

//go:embed templates/soa.html.tmpl
var templateFiles embed.FS

// htmlTemplate is parsed when the package loads, so a broken template
// stops the tests and the server's start instead of an export.
var htmlTemplate = template.Must(template.New("soa.html.tmpl").Funcs(template.FuncMap{
	"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).ParseFS(templateFiles, "templates/soa.html.tmpl"))

// htmlPage is what the template shows.
type htmlPage struct {
	Doc      Document
	Summary  Summary
	Statuses []statusCount
	Themes   []themeGroup
}

type statusCount struct {
	Label string
	Count int
}

// themeGroup is a run of entries of one theme, in the document's order.
type themeGroup struct {
	Theme   string
	Entries []Entry
}

// WriteHTML writes the statement as one standalone HTML page, made to be
// read in a browser or printed: the document control table, the summary
// counts, then the controls grouped by theme with their flags. It holds no
// script and loads nothing, so it can be attached to an audit file and
// opened offline.
func WriteHTML(w io.Writer, d Document) error {
	p := htmlPage{Doc: d, Summary: d.Summarise()}
	for _, s := range isms.ImplementationStatuses {
		p.Statuses = append(p.Statuses, statusCount{s.Label(), p.Summary.ByStatus[s]})
	}
	for _, e := range d.Entries {
		if n := len(p.Themes); n == 0 || p.Themes[n-1].Theme != e.Theme {
			p.Themes = append(p.Themes, themeGroup{Theme: e.Theme})
		}
		g := &p.Themes[len(p.Themes)-1]
		g.Entries = append(g.Entries, e)
	}
	if err := htmlTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("soa: write HTML: %w", err)
	}
	return nil
}
