package framework

import (
	"fmt"
	"regexp"
	"strings"
)

var attributeKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func relationList() string {
	names := make([]string, len(relations))
	for i, r := range relations {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func itemKindList() string {
	names := make([]string, len(itemKinds))
	for i, k := range itemKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// check validates a framework on its own: everything that does not need
// other frameworks. Mapping targets are checked by a Library.
func (f *Framework) check(c *collector) {
	if f.ID != "" && !ValidFrameworkID(f.ID) {
		c.add(f.lines["id"], "id", "%q is not a valid framework id: use 2–64 lower-case letters, digits, '.' and '-', starting with a letter", f.ID)
	}
	if f.Kind != "" && !validKind(f.Kind) {
		c.add(f.lines["kind"], "kind", "%q is not a framework kind; use standard, overlay, threats or custom", f.Kind)
	}
	if f.Published != "" && !datePattern.MatchString(f.Published) {
		c.add(f.lines["published"], "published", "%q is not a date in the form YYYY-MM-DD", f.Published)
	}
	declared := make(map[string]AttributeDef, len(f.Attributes))
	for _, d := range f.Attributes {
		declared[d.Key] = d
	}
	seen := make(map[string]*Item, len(f.Items))
	for i, it := range f.Items {
		path := fmt.Sprintf("items[%d]", i)
		if it.ID != "" && !itemIDPattern.MatchString(it.ID) {
			c.add(it.line, path+".id", "%q is not a valid item id: up to 100 letters, digits, spaces and . - _ : ( ) /, not starting or ending with a space", it.ID)
		}
		if first, dup := seen[it.ID]; dup && it.ID != "" {
			c.add(it.line, path+".id", "%q is used twice (first on line %d)", it.ID, first.line)
		} else {
			seen[it.ID] = it
		}
		if it.Kind != "" && !validItemKind(it.Kind) {
			c.add(it.line, path+".kind", "%q is not an item kind; use one of %s", it.Kind, itemKindList())
		}
		if it.Parent != "" {
			switch p, ok := seen[it.Parent]; {
			case it.Parent == it.ID:
				c.add(it.line, path+".parent", "an item cannot be its own parent")
			case !ok:
				c.add(it.line, path+".parent", "%q is not an item listed above this one", it.Parent)
			case p == it:
				c.add(it.line, path+".parent", "an item cannot be its own parent")
			}
		}
		for _, a := range it.Attributes {
			def, ok := declared[a.Key]
			field := path + ".attributes." + a.Key
			switch {
			case !ok:
				c.add(it.line, field, "the attribute %q is not declared under attributes", a.Key)
			case len(def.Values) > 0:
				for _, v := range a.Values {
					if !contains(def.Values, v) {
						c.add(it.line, field, "%q is not one of the declared values %s", v, strings.Join(def.Values, ", "))
					}
				}
			}
		}
	}
	dups := make(map[string]int)
	for i, m := range f.Mappings {
		path := fmt.Sprintf("mappings[%d]", i)
		if _, ok := seen[m.From.Item]; !ok {
			c.add(m.line, path+".from", "%q is not an item of this framework", m.From.Item)
		}
		if !validRelation(m.Relation) {
			c.add(m.line, path+".relation", "%q is not a relation; use one of %s", m.Relation, relationList())
		}
		key := m.From.String() + " " + string(m.Relation) + " " + m.To.String()
		if first, dup := dups[key]; dup {
			c.add(m.line, path, "the same mapping is given twice (first on line %d)", first)
		} else {
			dups[key] = m.line
		}
	}
}
