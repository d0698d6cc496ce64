package framework

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// OSCAL catalog structures: the subset of the OSCAL catalog model isms
// reads and writes.
type oscalDocument struct {
	Catalog *oscalCatalog `json:"catalog"`
}

type oscalCatalog struct {
	UUID     string         `json:"uuid"`
	Metadata oscalMetadata  `json:"metadata"`
	Groups   []oscalGroup   `json:"groups,omitempty"`
	Controls []oscalControl `json:"controls,omitempty"`
}

type oscalMetadata struct {
	Title        string      `json:"title"`
	Published    string      `json:"published,omitempty"`
	LastModified string      `json:"last-modified"`
	Version      string      `json:"version"`
	OSCALVersion string      `json:"oscal-version"`
	Props        []oscalProp `json:"props,omitempty"`
	Remarks      string      `json:"remarks,omitempty"`
}

type oscalGroup struct {
	ID       string         `json:"id,omitempty"`
	Class    string         `json:"class,omitempty"`
	Title    string         `json:"title"`
	Props    []oscalProp    `json:"props,omitempty"`
	Links    []oscalLink    `json:"links,omitempty"`
	Parts    []oscalPart    `json:"parts,omitempty"`
	Groups   []oscalGroup   `json:"groups,omitempty"`
	Controls []oscalControl `json:"controls,omitempty"`
}

type oscalControl struct {
	ID       string         `json:"id"`
	Class    string         `json:"class,omitempty"`
	Title    string         `json:"title"`
	Props    []oscalProp    `json:"props,omitempty"`
	Links    []oscalLink    `json:"links,omitempty"`
	Parts    []oscalPart    `json:"parts,omitempty"`
	Controls []oscalControl `json:"controls,omitempty"`
}

type oscalPart struct {
	ID    string      `json:"id,omitempty"`
	Name  string      `json:"name"`
	Title string      `json:"title,omitempty"`
	Props []oscalProp `json:"props,omitempty"`
	Prose string      `json:"prose,omitempty"`
	Parts []oscalPart `json:"parts,omitempty"`
}

type oscalProp struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Value string `json:"value"`
	Class string `json:"class,omitempty"`
}

type oscalLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel,omitempty"`
	Text string `json:"text,omitempty"`
}

func propValue(props []oscalProp, name string) string {
	for _, p := range props {
		if p.Name == name && p.NS == "" {
			return p.Value
		}
	}
	return ""
}

// parseOSCAL reads an OSCAL catalog. Its id is made from the title; the
// importer can choose another.
func parseOSCAL(c *collector, data []byte) (*Framework, error) {
	var doc oscalDocument
	if !decodeJSON(c, data, &doc) {
		return nil, c.err()
	}
	if doc.Catalog == nil {
		c.add(1, "catalog", "is missing: isms imports OSCAL catalogs (a JSON object with a catalog field)")
		return nil, c.err()
	}
	cat := doc.Catalog
	if strings.TrimSpace(cat.Metadata.Title) == "" {
		c.add(0, "catalog.metadata.title", "is required")
	}
	f := &Framework{
		ID:          Slug(cat.Metadata.Title),
		Name:        strings.TrimSpace(cat.Metadata.Title),
		Version:     cat.Metadata.Version,
		Revision:    1,
		Kind:        KindCustom,
		Description: "Imported from an OSCAL " + cat.Metadata.OSCALVersion + " catalog.",
		Source:      "OSCAL catalog " + cat.UUID,
	}
	if f.Version == "" {
		f.Version = "1"
	}
	if len(cat.Metadata.Published) >= 10 && datePattern.MatchString(cat.Metadata.Published[:10]) {
		f.Published = cat.Metadata.Published[:10]
	}
	conv := &oscalImport{c: c, f: f}
	for i, g := range cat.Groups {
		conv.group(g, "", fmt.Sprintf("catalog.groups[%d]", i))
	}
	for i, ctl := range cat.Controls {
		conv.control(ctl, "", fmt.Sprintf("catalog.controls[%d]", i))
	}
	if conv.withdrawn {
		f.Attributes = []AttributeDef{{Key: "status", Title: "Status", Values: []string{"withdrawn"}}}
	}
	for _, l := range conv.links {
		if _, ok := f.Item(l.To.Item); ok {
			f.Mappings = append(f.Mappings, l)
		}
	}
	if len(f.Items) == 0 {
		c.add(0, "catalog", "holds no groups or controls")
	}
	f.check(c)
	return f, c.err()
}

type oscalImport struct {
	c         *collector
	f         *Framework
	withdrawn bool
	links     []Mapping
}

func (o *oscalImport) add(it *Item, path string) bool {
	if msg := checkText(it.Title, false); msg != "" {
		o.c.add(0, path+".title", "%s", msg)
		return false
	}
	if it.Title == "" {
		o.c.add(0, path+".title", "is required")
		return false
	}
	if len(o.f.Items) >= maxItems {
		o.c.add(0, path, "the catalog holds more than %d items", maxItems)
		return false
	}
	o.f.Items = append(o.f.Items, it)
	return true
}

func (o *oscalImport) group(g oscalGroup, parent, path string) {
	id := g.ID
	if id == "" {
		id = Slug(g.Title)
	}
	it := &Item{ID: id, Label: propValue(g.Props, "label"), Parent: parent, Kind: ItemSection, Title: strings.TrimSpace(g.Title),
		Description: prose(g.Parts, "overview")}
	if !o.add(it, path) {
		return
	}
	for i, sub := range g.Groups {
		o.group(sub, id, fmt.Sprintf("%s.groups[%d]", path, i))
	}
	for i, ctl := range g.Controls {
		o.control(ctl, id, fmt.Sprintf("%s.controls[%d]", path, i))
	}
}

func (o *oscalImport) control(ctl oscalControl, parent, path string) {
	it := &Item{ID: ctl.ID, Label: propValue(ctl.Props, "label"), Parent: parent, Kind: ItemControl, Title: strings.TrimSpace(ctl.Title),
		Assessable: true, Description: prose(ctl.Parts, "statement"), Guidance: prose(ctl.Parts, "guidance")}
	if ctl.ID == "" {
		o.c.add(0, path+".id", "is required")
		return
	}
	if propValue(ctl.Props, "status") == "withdrawn" {
		it.Assessable = false
		it.Attributes = []Attribute{{Key: "status", Values: []string{"withdrawn"}}}
		o.withdrawn = true
	}
	if !o.add(it, path) {
		return
	}
	for _, l := range ctl.Links {
		target, ok := strings.CutPrefix(l.Href, "#")
		if !ok {
			continue
		}
		rel := RelRelated
		if l.Rel == "incorporated-into" || l.Rel == "moved-to" {
			rel = RelSuccessor
		} else if l.Rel != "related" {
			continue
		}
		o.links = append(o.links, Mapping{From: Ref{o.f.ID, ctl.ID}, To: Ref{o.f.ID, target}, Relation: rel})
	}
	for i, sub := range ctl.Controls {
		o.control(sub, ctl.ID, fmt.Sprintf("%s.controls[%d]", path, i))
	}
}

var insertParam = regexp.MustCompile(`\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}`)

// prose flattens the parts named name into text: a statement with its
// lettered items becomes one block of lines.
func prose(parts []oscalPart, name string) string {
	var b strings.Builder
	var walk func(ps []oscalPart, depth int)
	walk = func(ps []oscalPart, depth int) {
		for _, p := range ps {
			line := strings.TrimSpace(p.Prose)
			if label := propValue(p.Props, "label"); label != "" {
				line = label + " " + line
			}
			if line == "" {
				// A part without prose (a statement that is only its
				// lettered items) adds no level of indentation.
				walk(p.Parts, depth)
				continue
			}
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(strings.Repeat("  ", depth) + line)
			walk(p.Parts, depth+1)
		}
	}
	for _, p := range parts {
		if p.Name == name {
			walk([]oscalPart{p}, 0)
		}
	}
	text := insertParam.ReplaceAllString(b.String(), "[$1]")
	if checkText(text, true) != "" {
		return ""
	}
	return text
}

var slugStrip = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes a framework id from a title: lower case, words joined by
// hyphens, at most 48 characters, cut at a word.
func Slug(title string) string {
	s := strings.Trim(slugStrip.ReplaceAllString(strings.ToLower(title), "-"), "-")
	for len(s) > 48 {
		i := strings.LastIndex(s[:48], "-")
		if i <= 0 {
			s = s[:48]
			break
		}
		s = s[:i]
	}
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "f-" + s
	}
	return strings.TrimRight(s, "-")
}

// OSCALVersion is the OSCAL version of the catalogs isms writes.
const OSCALVersion = "1.1.3"

// oscalNS is the namespace of the properties isms adds to OSCAL.
const oscalNS = "urn:isms:framework"

// uuidNamespace makes the catalog's UUID a version 5 UUID of the
// framework's id and revision, so the same framework exports identically.
var uuidNamespace = uuid.MustParse("8d3c5b6e-2f7a-4c1e-9b0d-6a4e2f1c7b93")

// ExportOSCAL writes a framework as an OSCAL catalog.
func ExportOSCAL(f *Framework) ([]byte, error) {
	date := f.Published
	if date == "" {
		date = "2026-01-01"
	}
	cat := oscalCatalog{
		UUID: uuid.NewSHA1(uuidNamespace, fmt.Appendf(nil, "%s@%d", f.ID, f.Revision)).String(),
		Metadata: oscalMetadata{
			Title:        f.Name,
			LastModified: date + "T00:00:00Z",
			Version:      fmt.Sprintf("%s, revision %d", f.Version, f.Revision),
			OSCALVersion: OSCALVersion,
			Props: []oscalProp{
				{Name: "framework-id", NS: oscalNS, Value: f.ID},
				{Name: "framework-kind", NS: oscalNS, Value: string(f.Kind)},
			},
			Remarks: strings.TrimSpace(strings.Join(nonEmpty(f.Description, f.Source, licenceLine(f.Licence)), "\n\n")),
		},
	}
	ids := newOSCALIDs()
	out := make(map[string][]oscalLink)
	for _, m := range f.Mappings {
		out[m.From.Item] = append(out[m.From.Item], oscalLink{Href: "urn:isms:" + m.To.String(), Rel: oscalToken(string(m.Relation)), Text: m.Note})
	}
	// An item becomes a group when it only groups others and sits at the
	// top or in a group; OSCAL nests only controls in controls, so below a
	// control everything is a control.
	isGroup := func(it *Item) bool {
		return it.Kind.grouping() || (!it.Assessable && len(f.Children(it.ID)) > 0)
	}
	var group func(it *Item) oscalGroup
	var control func(it *Item) oscalControl
	props := func(it *Item) []oscalProp {
		ps := []oscalProp{{Name: "label", Value: it.Cite()}, {Name: "item-kind", NS: oscalNS, Value: string(it.Kind)}}
		for _, a := range it.Attributes {
			for _, v := range a.Values {
				ps = append(ps, oscalProp{Name: oscalToken(a.Key), NS: oscalNS, Value: v})
			}
		}
		if it.Assessable {
			ps = append(ps, oscalProp{Name: "assessable", NS: oscalNS, Value: "true"})
		}
		return ps
	}
	parts := func(it *Item, id string) []oscalPart {
		var ps []oscalPart
		if it.Description != "" {
			ps = append(ps, oscalPart{ID: id + "_ovw", Name: "overview", Prose: it.Description})
		}
		if it.Guidance != "" {
			ps = append(ps, oscalPart{ID: id + "_gdn", Name: "guidance", Prose: it.Guidance})
		}
		return ps
	}
	group = func(it *Item) oscalGroup {
		id := ids.of(it)
		g := oscalGroup{ID: id, Class: string(it.Kind), Title: it.Title, Props: props(it), Links: out[it.ID], Parts: parts(it, id)}
		for _, ch := range f.Children(it.ID) {
			if isGroup(ch) {
				g.Groups = append(g.Groups, group(ch))
			} else {
				g.Controls = append(g.Controls, control(ch))
			}
		}
		return g
	}
	control = func(it *Item) oscalControl {
		id := ids.of(it)
		c := oscalControl{ID: id, Class: string(it.Kind), Title: it.Title, Props: props(it), Links: out[it.ID], Parts: parts(it, id)}
		for _, ch := range f.Children(it.ID) {
			c.Controls = append(c.Controls, control(ch))
		}
		return c
	}
	for _, it := range f.Children("") {
		if isGroup(it) {
			cat.Groups = append(cat.Groups, group(it))
		} else {
			cat.Controls = append(cat.Controls, control(it))
		}
	}
	b, err := json.MarshalIndent(oscalDocument{Catalog: &cat}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export %s as OSCAL: %w", f.ID, err)
	}
	return append(b, '\n'), nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func licenceLine(l string) string {
	if l == "" {
		return ""
	}
	return "Licence: " + l
}

var oscalTokenStrip = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// oscalToken makes s fit OSCAL's token type: a letter or '_' first, then
// letters, digits, '.', '-' and '_'.
func oscalToken(s string) string {
	t := strings.Trim(oscalTokenStrip.ReplaceAllString(s, "-"), "-")
	if t == "" || !(t[0] == '_' || (t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z')) {
		t = "x-" + t
	}
	return t
}

// oscalIDs gives every item a distinct OSCAL id.
type oscalIDs struct {
	used map[string]bool
	byID map[string]string
}

func newOSCALIDs() *oscalIDs { return &oscalIDs{used: map[string]bool{}, byID: map[string]string{}} }

func (o *oscalIDs) of(it *Item) string {
	if id, ok := o.byID[it.ID]; ok {
		return id
	}
	base := it.ID
	if base != "" && base[0] >= '0' && base[0] <= '9' {
		// Clause numbers start with a digit, which OSCAL ids may not.
		base = string(it.Kind) + "-" + base
	}
	id := oscalToken(base)
	for n := 2; o.used[id]; n++ {
		id = fmt.Sprintf("%s-%d", oscalToken(base), n)
	}
	o.used[id] = true
	o.byID[it.ID] = id
	return id
}
