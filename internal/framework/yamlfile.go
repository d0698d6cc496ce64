package framework

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Formats of the files this package reads.
const (
	FormatFramework = "isms-framework/1"
	FormatMappings  = "isms-mappings/1"
)

// Limits on files from outside: generous for real catalogs (NIST SP
// 800-53 has 1,189 controls), small enough to bound memory.
const (
	MaxFileSize = 32 << 20
	maxItems    = 50000
	maxMappings = 200000
)

// yamlReader turns a YAML tree into framework structures, collecting every
// problem with its line and field path rather than stopping at the first.
type yamlReader struct {
	collector
}

// fields checks that n is a mapping with only allowed keys and returns
// its values by key.
func (r *yamlReader) fields(n *yaml.Node, path string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		r.add(n.Line, path, "must be a mapping of fields, not %s", describeNode(n))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2+1)
	out[selfKey] = n
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		field := join(path, key)
		switch {
		case k.Kind != yaml.ScalarNode:
			r.add(k.Line, path, "field names must be text")
		case !contains(allowed, key):
			r.add(k.Line, field, "unknown field; allowed here: %s", strings.Join(allowed, ", "))
		case out[key] != nil:
			r.add(k.Line, field, "given twice (first on line %d)", out[key].Line)
		default:
			out[key] = v
		}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "empty"
	}
	return fmt.Sprintf("%q", n.Value)
}

// selfKey holds, in the map fields returns, the mapping node itself, so a
// missing field is reported at the line of the mapping that lacks it.
const selfKey = "\x00self"

// lineOf returns the line of a field, or of its mapping when it is absent.
func lineOf(m map[string]*yaml.Node, key string) int {
	if n := m[key]; n != nil {
		return n.Line
	}
	if n := m[selfKey]; n != nil {
		return n.Line
	}
	return 0
}

// text reads a scalar as text. Any plain scalar counts, with its literal
// spelling, so `id: 4.10` stays "4.10" and `version: 2022` is "2022".
// multiline allows new lines and tabs, for prose.
func (r *yamlReader) text(m map[string]*yaml.Node, path, key string, required, multiline bool) string {
	n := m[key]
	field := join(path, key)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		if required {
			r.add(lineOf(m, key), field, "is required")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		r.add(n.Line, field, "must be text, not %s", describeNode(n))
		return ""
	}
	v := n.Value
	if !multiline {
		v = strings.TrimSpace(v)
	}
	if msg := checkText(v, multiline); msg != "" {
		r.add(n.Line, field, "%s", msg)
		return ""
	}
	if required && strings.TrimSpace(v) == "" {
		r.add(n.Line, field, "is required")
	}
	return v
}

// checkText refuses what no database or page should hold.
func checkText(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "is not UTF-8 text"
	}
	for _, c := range s {
		if unicode.IsControl(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r')) {
			return fmt.Sprintf("holds the control character %U", c)
		}
	}
	if len(s) > 1<<16 {
		return "is longer than 65,536 bytes"
	}
	return ""
}

func (r *yamlReader) integer(m map[string]*yaml.Node, path, key string) (int, bool) {
	n := m[key]
	if n == nil {
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		r.add(n.Line, join(path, key), "must be a whole number, not %s", describeNode(n))
		return 0, false
	}
	return v, true
}

func (r *yamlReader) boolean(m map[string]*yaml.Node, path, key string) (bool, bool) {
	n := m[key]
	if n == nil {
		return false, false
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		r.add(n.Line, join(path, key), "must be true or false, not %s", describeNode(n))
		return false, false
	}
	return b, true
}

// list returns the elements of a sequence field.
func (r *yamlReader) list(m map[string]*yaml.Node, path, key string) []*yaml.Node {
	n := m[key]
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.add(n.Line, join(path, key), "must be a list, not %s", describeNode(n))
		return nil
	}
	return n.Content
}

// textList reads a list of text values.
func (r *yamlReader) textList(n *yaml.Node, field string) []string {
	if n.Kind != yaml.SequenceNode {
		r.add(n.Line, field, "must be a list of values, not %s", describeNode(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, v := range n.Content {
		if v.Kind != yaml.ScalarNode {
			r.add(v.Line, fmt.Sprintf("%s[%d]", field, i), "must be text, not %s", describeNode(v))
			continue
		}
		if msg := checkText(v.Value, false); msg != "" {
			r.add(v.Line, fmt.Sprintf("%s[%d]", field, i), "%s", msg)
			continue
		}
		out = append(out, strings.TrimSpace(v.Value))
	}
	return out
}

// parseYAMLDocument reads one YAML document and refuses aliases, which
// could expand a small file into a huge tree.
func parseYAMLDocument(c *collector, data []byte) *yaml.Node {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		c.add(yamlErrorLine(err), "", "not valid YAML: %s", yamlErrorText(err))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		c.add(extra.Line, "", "the file holds more than one YAML document; put one framework in a file")
		return nil
	}
	if len(doc.Content) != 1 {
		c.add(1, "", "the file is empty")
		return nil
	}
	root := doc.Content[0]
	if line := findAlias(root); line > 0 {
		c.add(line, "", "YAML anchors and aliases are not allowed in framework files")
		return nil
	}
	return root
}

func findAlias(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n.Line
	}
	for _, c := range n.Content {
		if l := findAlias(c); l > 0 {
			return l
		}
	}
	return 0
}

// yamlErrorLine digs the line out of a YAML library error ("yaml: line 7:
// …"), which has no structured form. The library counts lines from 1 in
// scanner errors but from 0 in parser errors ("did not find expected …").
func yamlErrorLine(err error) int {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if end > 0 {
			if n, err := strconv.Atoi(rest[:end]); err == nil {
				if strings.Contains(msg, "did not find expected") {
					n++
				}
				return n
			}
		}
	}
	return 0
}

func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}

var frameworkFields = []string{"format", "id", "name", "short_name", "version", "revision", "published", "publisher",
	"kind", "description", "source", "licence", "attributes", "items", "mappings"}

var itemFields = []string{"id", "label", "parent", "kind", "title", "assessable", "description", "guidance", "attributes"}

// readFramework reads an isms-framework/1 document.
func (r *yamlReader) readFramework(m map[string]*yaml.Node) *Framework {
	f := &Framework{
		ID:          r.text(m, "", "id", true, false),
		Name:        r.text(m, "", "name", true, false),
		ShortName:   r.text(m, "", "short_name", false, false),
		Version:     r.text(m, "", "version", true, false),
		Published:   r.text(m, "", "published", false, false),
		Publisher:   r.text(m, "", "publisher", false, false),
		Kind:        Kind(r.text(m, "", "kind", true, false)),
		Description: r.text(m, "", "description", false, true),
		Source:      r.text(m, "", "source", false, true),
		Licence:     r.text(m, "", "licence", false, false),
		Revision:    1,
		lines:       map[string]int{},
	}
	for _, k := range []string{"id", "kind", "published"} {
		f.lines[k] = lineOf(m, k)
	}
	if rev, ok := r.integer(m, "", "revision"); ok {
		f.Revision = rev
		if rev < 1 {
			r.add(m["revision"].Line, "revision", "must be 1 or more")
		}
	}
	if n := m["attributes"]; n != nil {
		f.Attributes = r.readAttributeDefs(n)
	}
	items := r.list(m, "", "items")
	if m["items"] == nil {
		r.add(lineOf(m, "items"), "items", "is required: a framework needs at least one item")
	}
	if len(items) > maxItems {
		r.add(m["items"].Line, "items", "holds %d items; the most a file may hold is %d", len(items), maxItems)
		items = nil
	}
	for i, n := range items {
		if it := r.readItem(n, fmt.Sprintf("items[%d]", i)); it != nil {
			f.Items = append(f.Items, it)
		}
	}
	for i, n := range r.list(m, "", "mappings") {
		if i == maxMappings {
			r.add(n.Line, "mappings", "more than %d mappings", maxMappings)
			break
		}
		if mp, ok := r.readMapping(n, fmt.Sprintf("mappings[%d]", i), f.ID); ok {
			f.Mappings = append(f.Mappings, mp)
		}
	}
	return f
}

func (r *yamlReader) readAttributeDefs(n *yaml.Node) []AttributeDef {
	if n.Kind != yaml.MappingNode {
		r.add(n.Line, "attributes", "must be a mapping from attribute key to its definition")
		return nil
	}
	var defs []AttributeDef
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "attributes." + k.Value
		if !attributeKeyPattern.MatchString(k.Value) {
			r.add(k.Line, path, "attribute keys are lower-case letters, digits and '_', starting with a letter")
			continue
		}
		for _, d := range defs {
			if d.Key == k.Value {
				r.add(k.Line, path, "declared twice")
			}
		}
		m := r.fields(v, path, "title", "values")
		def := AttributeDef{Key: k.Value, Title: r.text(m, path, "title", false, false)}
		if vn := m["values"]; vn != nil {
			def.Values = r.textList(vn, path+".values")
		}
		defs = append(defs, def)
	}
	return defs
}

func (r *yamlReader) readItem(n *yaml.Node, path string) *Item {
	m := r.fields(n, path, itemFields...)
	if m == nil {
		return nil
	}
	it := &Item{
		ID:          r.text(m, path, "id", true, false),
		Label:       r.text(m, path, "label", false, false),
		Parent:      r.text(m, path, "parent", false, false),
		Kind:        ItemKind(r.text(m, path, "kind", true, false)),
		Title:       r.text(m, path, "title", true, false),
		Description: r.text(m, path, "description", false, true),
		Guidance:    r.text(m, path, "guidance", false, true),
		line:        n.Line,
	}
	it.Assessable = it.Kind.defaultAssessable()
	if b, ok := r.boolean(m, path, "assessable"); ok {
		it.Assessable = b
	}
	if an := m["attributes"]; an != nil {
		if an.Kind != yaml.MappingNode {
			r.add(an.Line, path+".attributes", "must be a mapping from attribute key to a list of values")
		} else {
			for i := 0; i+1 < len(an.Content); i += 2 {
				k, v := an.Content[i], an.Content[i+1]
				field := path + ".attributes." + k.Value
				var values []string
				if v.Kind == yaml.ScalarNode {
					values = r.textList(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{v}, Line: v.Line}, field)
				} else {
					values = r.textList(v, field)
				}
				it.Attributes = append(it.Attributes, Attribute{Key: k.Value, Values: values})
			}
		}
	}
	return it
}

// readMapping reads one mapping; in a framework file `from` names an item
// of the file itself (self), in a mappings file both ends are full refs.
func (r *yamlReader) readMapping(n *yaml.Node, path, self string) (Mapping, bool) {
	m := r.fields(n, path, "from", "to", "relation", "note")
	if m == nil {
		return Mapping{}, false
	}
	from := r.text(m, path, "from", true, false)
	to := r.text(m, path, "to", true, false)
	rel := Relation(r.text(m, path, "relation", true, false))
	mp := Mapping{Relation: rel, Note: r.text(m, path, "note", false, true), line: n.Line}
	ok := true
	if self != "" {
		mp.From = Ref{Framework: self, Item: from}
	} else if from != "" {
		ref, err := ParseRef(from)
		if err != nil {
			r.add(m["from"].Line, path+".from", "%v", err)
			ok = false
		}
		mp.From = ref
	}
	if to != "" {
		ref, err := ParseRef(to)
		if err != nil {
			r.add(m["to"].Line, path+".to", "%v", err)
			ok = false
		}
		mp.To = ref
	}
	return mp, ok && from != "" && to != "" && rel != ""
}

// readMappingSet reads an isms-mappings/1 document.
func (r *yamlReader) readMappingSet(m map[string]*yaml.Node) *MappingSet {
	s := &MappingSet{
		ID:          r.text(m, "", "id", true, false),
		Name:        r.text(m, "", "name", true, false),
		Description: r.text(m, "", "description", false, true),
	}
	if s.ID != "" && !ValidFrameworkID(s.ID) {
		r.add(m["id"].Line, "id", "%q is not a valid id: use 2–64 lower-case letters, digits, '.' and '-', starting with a letter", s.ID)
	}
	for i, n := range r.list(m, "", "mappings") {
		if i == maxMappings {
			r.add(n.Line, "mappings", "more than %d mappings", maxMappings)
			break
		}
		if mp, ok := r.readMapping(n, fmt.Sprintf("mappings[%d]", i), ""); ok {
			if !validRelation(mp.Relation) {
				r.add(mp.line, fmt.Sprintf("mappings[%d].relation", i), "%q is not a relation; use one of %s", mp.Relation, relationList())
				continue
			}
			s.Mappings = append(s.Mappings, mp)
		}
	}
	return s
}
