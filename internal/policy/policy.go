// Package policy holds what the document register needs besides storage:
// the starter templates written for isms, Markdown rendered to HTML that
// cannot carry script, and line diffs between versions. No I/O.
package policy

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	texttemplate "text/template"

	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders without raw HTML (goldmark drops it unless told
// otherwise) and without links to dangerous schemes such as javascript:.
// Tables come from the GFM extension because policies use them.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// HTML renders a document's Markdown for a page. Raw HTML in the source
// is left out, not escaped into view: a pasted <script> shows nowhere.
func HTML(src string) (template.HTML, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	// goldmark escapes text and attribute values and drops raw HTML and
	// unsafe link destinations, which is what makes this conversion safe.
	return template.HTML(b.String()), nil //nolint:gosec // see above
}

// DiffKind says whether a line was kept, added or removed.
type DiffKind string

// The kinds of diff line.
const (
	Same    DiffKind = "same"
	Added   DiffKind = "added"
	Removed DiffKind = "removed"
)

// DiffLine is one line of a diff between two versions.
type DiffLine struct {
	Kind DiffKind
	Text string
}

// Diff compares two texts line by line.
func Diff(from, to string) []DiffLine {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(from, to)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []DiffLine
	for _, d := range diffs {
		kind := Same
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			kind = Added
		case diffmatchpatch.DiffDelete:
			kind = Removed
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line == "" {
				continue
			}
			out = append(out, DiffLine{Kind: kind, Text: strings.TrimSuffix(line, "\n")})
		}
	}
	return out
}

//go:embed templates/*.md
var templateFiles embed.FS

// Template is a starter document written for isms.
type Template struct {
	ID    string
	Title string
	// Kind is the document kind it starts, as isms.DocKind names it.
	Kind string
	// Controls are the Annex A controls it addresses, as FRAMEWORK:ITEM.
	Controls []string
	text     *texttemplate.Template
}

// Fields are what a template is filled with from the organisation's
// records.
type Fields struct {
	Org, Scope, ISMSManager, Owner, Date string
	AISystems                            []string
}

// starters lists the templates in the order the register offers them,
// with the kind and controls each addresses (facts of the standard).
var starters = []struct {
	id, kind string
	controls []string
}{
	{"information-security-policy", "policy", []string{"A.5.1", "A.5.2", "A.5.4"}},
	{"ai-acceptable-use", "topic_policy", []string{"A.5.10", "A.5.14", "A.6.3", "A.8.12"}},
	{"access-control", "topic_policy", []string{"A.5.15", "A.5.16", "A.5.17", "A.5.18", "A.8.2", "A.8.3", "A.8.5"}},
	{"cryptography-key-management", "topic_policy", []string{"A.8.24"}},
	{"secure-ml-development", "topic_policy", []string{"A.8.25", "A.8.26", "A.8.27", "A.8.28", "A.8.29", "A.8.31", "A.8.32"}},
	{"training-data-handling", "topic_policy", []string{"A.5.12", "A.5.33", "A.5.34", "A.8.10", "A.8.11"}},
	{"supplier-ai-provider-security", "topic_policy", []string{"A.5.19", "A.5.20", "A.5.21", "A.5.22", "A.5.23"}},
	{"incident-response", "procedure", []string{"A.5.24", "A.5.25", "A.5.26", "A.5.27", "A.5.28", "A.6.8"}},
	{"backup-recovery-models", "plan", []string{"A.5.29", "A.5.30", "A.8.13", "A.8.14"}},
}

// Templates returns the starter templates, parsed.
func Templates() ([]Template, error) {
	out := make([]Template, 0, len(starters))
	for _, s := range starters {
		src, err := fs.ReadFile(templateFiles, "templates/"+s.id+".md")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", s.id, err)
		}
		t, err := texttemplate.New(s.id).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", s.id, err)
		}
		title, _, _ := strings.Cut(string(src), "\n")
		controls := make([]string, len(s.controls))
		for i, c := range s.controls {
			controls[i] = "iso27001-2022:" + c
		}
		out = append(out, Template{ID: s.id, Title: strings.TrimSpace(strings.TrimPrefix(title, "#")), Kind: s.kind, Controls: controls, text: t})
	}
	return out, nil
}

// Find returns the template with an id.
func Find(id string) (Template, bool) {
	all, err := Templates()
	if err != nil {
		return Template{}, false
	}
	i := slices.IndexFunc(all, func(t Template) bool { return t.ID == id })
	if i < 0 {
		return Template{}, false
	}
	return all[i], true
}

// Render fills the template.
func (t Template) Render(f Fields) (string, error) {
	var b strings.Builder
	if err := t.text.Execute(&b, f); err != nil {
		return "", fmt.Errorf("fill template %s: %w", t.ID, err)
	}
	return b.String(), nil
}
