// Package framework is the library of standards and threat catalogs that
// isms refers to: ISO/IEC 27001:2022 and 2013, ISO/IEC 42001, the AI
// security overlay, MITRE ATLAS and the OWASP lists, and frameworks that
// users import. It reads and validates the isms framework file format
// (docs/frameworks.md), OSCAL catalogs and CISO Assistant libraries, and
// writes OSCAL catalogs. It does no database work.
package framework

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kind classifies a framework.
type Kind string

// Framework kinds.
const (
	KindStandard Kind = "standard"
	KindOverlay  Kind = "overlay"
	KindThreats  Kind = "threats"
	KindCustom   Kind = "custom"
)

var frameworkKinds = []Kind{KindStandard, KindOverlay, KindThreats, KindCustom}

// Selectable reports whether an organisation can choose to run a framework
// of this kind; threat libraries are reference catalogs, always available.
func (k Kind) Selectable() bool { return k != KindThreats }

// ItemKind classifies an item of a framework.
type ItemKind string

// Item kinds. Groupings hold other items; the rest are what organisations
// assess, implement or treat.
const (
	ItemClause      ItemKind = "clause"
	ItemTheme       ItemKind = "theme"
	ItemCategory    ItemKind = "category"
	ItemObjective   ItemKind = "objective"
	ItemDomain      ItemKind = "domain"
	ItemSection     ItemKind = "section"
	ItemControl     ItemKind = "control"
	ItemRequirement ItemKind = "requirement"
	ItemTactic      ItemKind = "tactic"
	ItemTechnique   ItemKind = "technique"
	ItemMitigation  ItemKind = "mitigation"
	ItemThreat      ItemKind = "threat"
)

var itemKinds = []ItemKind{ItemClause, ItemTheme, ItemCategory, ItemObjective, ItemDomain, ItemSection,
	ItemControl, ItemRequirement, ItemTactic, ItemTechnique, ItemMitigation, ItemThreat}

// grouping reports whether items of this kind only group others.
func (k ItemKind) grouping() bool {
	switch k {
	case ItemTheme, ItemCategory, ItemObjective, ItemDomain, ItemSection, ItemTactic:
		return true
	}
	return false
}

// defaultAssessable is what `assessable` means when a file leaves it out.
func (k ItemKind) defaultAssessable() bool {
	return k == ItemControl || k == ItemRequirement || k == ItemThreat
}

// Relation is how one item relates to another.
type Relation string

// Relations, read "FROM relation TO".
const (
	RelSuccessor   Relation = "successor"
	RelEqual       Relation = "equal"
	RelSubset      Relation = "subset"
	RelSuperset    Relation = "superset"
	RelIntersect   Relation = "intersect"
	RelRelated     Relation = "related"
	RelImplements  Relation = "implements"
	RelTreatedBy   Relation = "treated_by"
	RelMitigatedBy Relation = "mitigated_by"
)

var relations = []Relation{RelSuccessor, RelEqual, RelSubset, RelSuperset, RelIntersect, RelRelated,
	RelImplements, RelTreatedBy, RelMitigatedBy}

// Forward is the relation read from FROM to TO, for people.
func (r Relation) Forward() string {
	switch r {
	case RelSuccessor:
		return "succeeded by"
	case RelEqual:
		return "equal to"
	case RelSubset:
		return "covered by"
	case RelSuperset:
		return "covers"
	case RelIntersect:
		return "overlaps"
	case RelRelated:
		return "related to"
	case RelImplements:
		return "implements"
	case RelTreatedBy:
		return "treated by"
	case RelMitigatedBy:
		return "mitigated by"
	}
	return string(r)
}

// Backward is the relation read from TO back to FROM.
func (r Relation) Backward() string {
	switch r {
	case RelSuccessor:
		return "replaces"
	case RelSubset:
		return "covers"
	case RelSuperset:
		return "covered by"
	case RelImplements:
		return "implemented by"
	case RelTreatedBy:
		return "treats"
	case RelMitigatedBy:
		return "mitigates"
	}
	return r.Forward()
}

// Framework is one catalog: a standard, an overlay, a threat library or a
// user's own control set.
type Framework struct {
	ID          string         `json:"id" yaml:"id"`
	Name        string         `json:"name" yaml:"name"`
	ShortName   string         `json:"short_name,omitempty" yaml:"short_name,omitempty"`
	Version     string         `json:"version" yaml:"version"`
	Revision    int            `json:"revision" yaml:"revision"`
	Published   string         `json:"published,omitempty" yaml:"published,omitempty"`
	Publisher   string         `json:"publisher,omitempty" yaml:"publisher,omitempty"`
	Kind        Kind           `json:"kind" yaml:"kind"`
	Description string         `json:"description,omitempty" yaml:"description,omitempty"`
	Source      string         `json:"source,omitempty" yaml:"source,omitempty"`
	Licence     string         `json:"licence,omitempty" yaml:"licence,omitempty"`
	Attributes  []AttributeDef `json:"attributes,omitempty" yaml:"-"`
	Items       []*Item        `json:"items" yaml:"items"`
	// Mappings go from this framework's items to any framework's items.
	Mappings []Mapping `json:"mappings,omitempty" yaml:"-"`
	// URN is the CISO Assistant URN of an imported framework, so that
	// mapping sets imported later can find it.
	URN string `json:"urn,omitempty" yaml:"-"`

	urns     map[string]string // node URN to item id, while importing
	lines    map[string]int    // lines of header fields in the file read
	index    map[string]*Item
	children map[string][]*Item
}

// AttributeDef declares an attribute items may carry.
type AttributeDef struct {
	Key    string   `json:"key"`
	Title  string   `json:"title,omitempty"`
	Values []string `json:"values,omitempty"`
}

// Item is one node of a framework: a clause, a control, a threat, or a
// grouping of them.
type Item struct {
	ID          string      `json:"id" yaml:"id"`
	Label       string      `json:"label,omitempty" yaml:"label,omitempty"`
	Parent      string      `json:"parent,omitempty" yaml:"parent,omitempty"`
	Kind        ItemKind    `json:"kind" yaml:"kind"`
	Title       string      `json:"title" yaml:"title"`
	Assessable  bool        `json:"assessable" yaml:"assessable"`
	Description string      `json:"description,omitempty" yaml:"description,omitempty"`
	Guidance    string      `json:"guidance,omitempty" yaml:"guidance,omitempty"`
	Attributes  []Attribute `json:"attributes,omitempty" yaml:"-"`

	line int // where the item starts in its file, for messages
}

// Attribute is one attribute of an item with its values.
type Attribute struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Cite returns how people cite the item: its label or its id.
func (it *Item) Cite() string {
	if it.Label != "" {
		return it.Label
	}
	return it.ID
}

// Attr returns the values of an attribute.
func (it *Item) Attr(key string) []string {
	for _, a := range it.Attributes {
		if a.Key == key {
			return a.Values
		}
	}
	return nil
}

// Ref names an item of a framework.
type Ref struct {
	Framework string `json:"framework"`
	Item      string `json:"item"`
}

func (r Ref) String() string { return r.Framework + ":" + r.Item }

// ParseRef reads FRAMEWORK:ITEM; the first colon separates them, so item
// ids may hold colons ("owasp-llm-top10-2025:LLM01:2025").
func ParseRef(s string) (Ref, error) {
	fw, item, ok := strings.Cut(s, ":")
	if !ok || fw == "" || item == "" {
		return Ref{}, fmt.Errorf("%q is not FRAMEWORK-ID:ITEM-ID", s)
	}
	return Ref{Framework: fw, Item: item}, nil
}

// Mapping links two items.
type Mapping struct {
	From     Ref      `json:"from"`
	To       Ref      `json:"to"`
	Relation Relation `json:"relation"`
	Note     string   `json:"note,omitempty"`

	line int
}

// MappingSet is a file of mappings between frameworks defined elsewhere.
type MappingSet struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Mappings    []Mapping `json:"mappings"`
}

// Item returns the item with id, if the framework has it.
func (f *Framework) Item(id string) (*Item, bool) {
	f.buildIndex()
	it, ok := f.index[id]
	return it, ok
}

// Children returns the items whose parent is id ("" for the top level), in
// file order.
func (f *Framework) Children(id string) []*Item {
	f.buildIndex()
	return f.children[id]
}

// Count returns how many items of a kind the framework holds.
func (f *Framework) Count(kind ItemKind) int {
	n := 0
	for _, it := range f.Items {
		if it.Kind == kind {
			n++
		}
	}
	return n
}

// Assessable returns how many items an organisation assesses.
func (f *Framework) Assessable() int {
	n := 0
	for _, it := range f.Items {
		if it.Assessable {
			n++
		}
	}
	return n
}

// Title is the short name, or the name.
func (f *Framework) Title() string {
	if f.ShortName != "" {
		return f.ShortName
	}
	return f.Name
}

func (f *Framework) buildIndex() {
	if f.index != nil {
		return
	}
	f.index = make(map[string]*Item, len(f.Items))
	f.children = make(map[string][]*Item)
	for _, it := range f.Items {
		f.index[it.ID] = it
		f.children[it.Parent] = append(f.children[it.Parent], it)
	}
}

var (
	frameworkIDPattern = regexp.MustCompile(`^[a-z][a-z0-9.-]{1,63}$`)
	itemIDPattern      = regexp.MustCompile(`^[A-Za-z0-9._:()/-](?:[A-Za-z0-9._:()/ -]{0,98}[A-Za-z0-9._:()/-])?$`)
	datePattern        = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ValidFrameworkID reports whether id can name a framework.
func ValidFrameworkID(id string) bool { return frameworkIDPattern.MatchString(id) }

func validItemKind(k ItemKind) bool { return slices.Contains(itemKinds, k) }
func validRelation(r Relation) bool { return slices.Contains(relations, r) }
func validKind(k Kind) bool         { return slices.Contains(frameworkKinds, k) }

// Retarget gives a framework another id, with its mappings.
func (f *Framework) Retarget(id string) {
	old := f.ID
	f.ID = id
	for i := range f.Mappings {
		if f.Mappings[i].From.Framework == old {
			f.Mappings[i].From.Framework = id
		}
		if f.Mappings[i].To.Framework == old {
			f.Mappings[i].To.Framework = id
		}
	}
}

// AttributeTitle returns the title declared for an attribute key, or the
// key.
func (f *Framework) AttributeTitle(key string) string {
	for _, d := range f.Attributes {
		if d.Key == key && d.Title != "" {
			return d.Title
		}
	}
	return key
}
