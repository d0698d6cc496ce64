package framework

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CISO Assistant libraries (YAML): a library holds objects, among them a
// framework with requirement nodes, threats, reference controls and
// requirement mapping sets. Fields isms has no use for (translations,
// scores, questions, risk matrices) are passed over; the structure isms
// relies on is checked with lines like any file.

// cisoRef marks a reference that is still a CISO Assistant URN; a Library
// resolves it to an isms framework and item.
const cisoRef = "urn"

// lookup returns the value of key in a mapping node, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lineAt is the line of a field, or of its mapping when it is absent.
func lineAt(n *yaml.Node, key string) int {
	if v := lookup(n, key); v != nil {
		return v.Line
	}
	return n.Line
}

func scalar(n *yaml.Node, key string) string {
	v := lookup(n, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// asList returns a node's elements, treating a single mapping as a list
// of one (libraries hold `framework:` or `frameworks:`).
func asList(n *yaml.Node) []*yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	case n.Kind == yaml.MappingNode:
		return []*yaml.Node{n}
	}
	return nil
}

// urnTail is the part of a URN after its base, used as an item id:
// urn:intuitem:risk:req_node:acme:a.5.1 with base …:acme gives "a.5.1".
func urnTail(urn, base string) string {
	if base != "" && strings.HasPrefix(urn, base+":") {
		return urn[len(base)+1:]
	}
	if i := strings.LastIndex(urn, ":"); i >= 0 {
		return urn[i+1:]
	}
	return urn
}

// cisoBase turns a framework URN into the base of its node URNs:
// urn:intuitem:risk:framework:x becomes urn:intuitem:risk:req_node:x.
func cisoBase(urn, kind string) string {
	parts := strings.Split(urn, ":")
	if len(parts) >= 5 {
		parts[3] = kind
		return strings.Join(parts, ":")
	}
	return urn
}

func (r *yamlReader) readCISO(root *yaml.Node) *File {
	file := &File{Format: "ciso"}
	libURN := scalar(root, "urn")
	objects := lookup(root, "objects")
	if objects == nil || objects.Kind != yaml.MappingNode {
		r.add(keyLine(root, "objects"), "objects", "must be a mapping of library objects")
		return file
	}
	libID := Slug(urnTail(libURN, ""))
	publisher := scalar(root, "provider")
	version := scalar(root, "version")
	if version == "" {
		version = "1"
	}
	licence := scalar(root, "copyright")

	// Threats and reference controls first: framework nodes refer to them.
	threats := r.cisoCatalog(lookup(objects, "threats"), "objects.threats", libID+"-threats", scalar(root, "name")+": threats",
		KindThreats, ItemThreat, version, publisher, licence)
	controls := r.cisoCatalog(lookup(objects, "reference_controls"), "objects.reference_controls", libID+"-controls",
		scalar(root, "name")+": reference controls", KindCustom, ItemControl, version, publisher, licence)

	fwNodes := asList(lookup(objects, "framework"))
	fwNodes = append(fwNodes, asList(lookup(objects, "frameworks"))...)
	for i, n := range fwNodes {
		path := fmt.Sprintf("objects.framework[%d]", i)
		if f := r.cisoFramework(n, path, version, publisher, licence, threats, controls); f != nil {
			file.Frameworks = append(file.Frameworks, f)
		}
	}
	for _, f := range []*Framework{threats, controls} {
		if f != nil && len(f.Items) > 0 {
			file.Frameworks = append(file.Frameworks, f)
		}
	}
	sets := asList(lookup(objects, "requirement_mapping_set"))
	sets = append(sets, asList(lookup(objects, "requirement_mapping_sets"))...)
	for i, n := range sets {
		file.Mappings = append(file.Mappings, r.cisoMappingSet(n, fmt.Sprintf("objects.requirement_mapping_sets[%d]", i)))
	}
	if len(file.Frameworks) == 0 && len(file.Mappings) == 0 {
		r.add(objects.Line, "objects", "holds no framework, threats, reference controls or mapping sets")
	}
	for _, f := range file.Frameworks {
		f.check(&r.collector)
	}
	return file
}

// cisoCatalog reads threats or reference controls into a framework of
// their own.
func (r *yamlReader) cisoCatalog(n *yaml.Node, path, id, name string, kind Kind, itemKind ItemKind, version, publisher, licence string) *Framework {
	list := asList(n)
	if len(list) == 0 {
		return nil
	}
	f := &Framework{ID: id, Name: strings.TrimPrefix(name, ": "), Version: version, Revision: 1, Kind: kind,
		Publisher: publisher, Licence: licence, Source: "Imported from a CISO Assistant library"}
	if itemKind == ItemControl {
		f.Attributes = []AttributeDef{{Key: "category", Title: "Category"}, {Key: "csf_function", Title: "CSF function"}}
	}
	f.urns = map[string]string{}
	for i, el := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		urn := scalar(el, "urn")
		if urn == "" {
			r.add(el.Line, p+".urn", "is required")
			continue
		}
		it := &Item{ID: urnTail(urn, ""), Label: scalar(el, "ref_id"), Kind: itemKind, Title: cisoTitle(el),
			Assessable: itemKind.defaultAssessable(), Description: scalar(el, "description"), Guidance: scalar(el, "annotation"), line: el.Line}
		for _, key := range []string{"category", "csf_function"} {
			if v := scalar(el, key); v != "" && itemKind == ItemControl {
				it.Attributes = append(it.Attributes, Attribute{Key: key, Values: []string{v}})
			}
		}
		if it.Title == "" {
			r.add(el.Line, p+".name", "is required (or a ref_id)")
			continue
		}
		f.urns[strings.ToLower(urn)] = it.ID
		f.Items = append(f.Items, it)
	}
	return f
}

func cisoTitle(n *yaml.Node) string {
	if name := scalar(n, "name"); name != "" {
		return name
	}
	if ref := scalar(n, "ref_id"); ref != "" {
		return ref
	}
	d := scalar(n, "description")
	if len([]rune(d)) > 80 {
		d = string([]rune(d)[:77]) + "…"
	}
	return d
}

func (r *yamlReader) cisoFramework(n *yaml.Node, path, version, publisher, licence string, threats, controls *Framework) *Framework {
	urn := scalar(n, "urn")
	if urn == "" {
		r.add(n.Line, path+".urn", "is required")
		return nil
	}
	id := strings.ToLower(urnTail(urn, ""))
	if !ValidFrameworkID(id) {
		id = Slug(id)
	}
	f := &Framework{ID: id, URN: strings.ToLower(urn), Name: scalar(n, "name"), Version: version, Revision: 1, Kind: KindCustom,
		Publisher: publisher, Licence: licence, Description: scalar(n, "description"),
		Source: "Imported from the CISO Assistant framework " + urn}
	if f.Name == "" {
		r.add(n.Line, path+".name", "is required")
	}
	base := cisoBase(urn, "req_node")
	nodes := lookup(n, "requirement_nodes")
	if nodes == nil || nodes.Kind != yaml.SequenceNode {
		r.add(n.Line, path+".requirement_nodes", "must be a list of requirement nodes")
		return f
	}
	f.urns = map[string]string{}
	var stack []*Item // the last item seen at each depth, for files without parent_urn
	for i, el := range nodes.Content {
		p := fmt.Sprintf("%s.requirement_nodes[%d]", path, i)
		nodeURN := scalar(el, "urn")
		if nodeURN == "" {
			r.add(el.Line, p+".urn", "is required")
			continue
		}
		assessable := scalar(el, "assessable") == "true"
		it := &Item{ID: urnTail(nodeURN, base), Label: scalar(el, "ref_id"), Kind: ItemSection, Title: cisoTitle(el),
			Assessable: assessable, Description: scalar(el, "description"), Guidance: scalar(el, "annotation"), line: el.Line}
		if assessable {
			it.Kind = ItemRequirement
		}
		if ev := scalar(el, "typical_evidence"); ev != "" {
			it.Guidance = strings.TrimSpace(it.Guidance + "\n\nTypical evidence: " + ev)
		}
		if it.Title == "" {
			r.add(el.Line, p+".name", "a node needs a name, a ref_id or a description")
			continue
		}
		depth := 1
		if d := scalar(el, "depth"); d != "" {
			if _, err := fmt.Sscanf(d, "%d", &depth); err != nil || depth < 1 {
				r.add(el.Line, p+".depth", "%q is not a positive whole number", d)
				depth = 1
			}
		}
		if parentURN := scalar(el, "parent_urn"); parentURN != "" {
			pid, ok := f.urns[strings.ToLower(parentURN)]
			if !ok {
				r.add(lineAt(el, "parent_urn"), p+".parent_urn", "%q is not a node listed above", parentURN)
			}
			it.Parent = pid
		} else if depth > 1 && depth-2 < len(stack) {
			it.Parent = stack[depth-2].ID
		}
		if depth-1 < len(stack) {
			stack = stack[:depth-1]
		}
		stack = append(stack, it)
		f.urns[strings.ToLower(nodeURN)] = it.ID
		f.Items = append(f.Items, it)

		r.cisoLinks(el, p, "threats", threats, func(target string) {
			threats.Mappings = append(threats.Mappings, Mapping{From: Ref{threats.ID, target}, To: Ref{f.ID, it.ID}, Relation: RelTreatedBy, line: el.Line})
		})
		r.cisoLinks(el, p, "reference_controls", controls, func(target string) {
			controls.Mappings = append(controls.Mappings, Mapping{From: Ref{controls.ID, target}, To: Ref{f.ID, it.ID}, Relation: RelImplements, line: el.Line})
		})
	}
	return f
}

// cisoLinks resolves a node's threats or reference_controls, which must be
// defined in the same library.
func (r *yamlReader) cisoLinks(el *yaml.Node, path, key string, in *Framework, link func(target string)) {
	list := lookup(el, key)
	if list == nil {
		return
	}
	if list.Kind != yaml.SequenceNode {
		r.add(list.Line, path+"."+key, "must be a list of URNs")
		return
	}
	for j, u := range list.Content {
		var target string
		ok := false
		if in != nil {
			target, ok = in.urns[strings.ToLower(u.Value)]
		}
		if !ok {
			r.add(u.Line, fmt.Sprintf("%s.%s[%d]", path, key, j), "%q is not defined in this library; import the library that defines it first, or include it", u.Value)
			continue
		}
		link(target)
	}
}

var cisoRelations = map[string]Relation{
	"equal": RelEqual, "subset": RelSubset, "superset": RelSuperset, "intersect": RelIntersect,
}

func (r *yamlReader) cisoMappingSet(n *yaml.Node, path string) *MappingSet {
	s := &MappingSet{ID: Slug(urnTail(scalar(n, "urn"), "")), Name: scalar(n, "name"), Description: scalar(n, "description")}
	srcFW, dstFW := strings.ToLower(scalar(n, "source_framework_urn")), strings.ToLower(scalar(n, "target_framework_urn"))
	if srcFW == "" || dstFW == "" {
		r.add(n.Line, path, "source_framework_urn and target_framework_urn are required")
		return s
	}
	list := lookup(n, "requirement_mappings")
	for i, el := range asList(list) {
		p := fmt.Sprintf("%s.requirement_mappings[%d]", path, i)
		rel := scalar(el, "relationship")
		if rel == "not_related" {
			continue
		}
		relation, ok := cisoRelations[rel]
		if !ok {
			r.add(lineAt(el, "relationship"), p+".relationship", "%q is not a relationship; use equal, subset, superset, intersect or not_related", rel)
			continue
		}
		from, to := strings.ToLower(scalar(el, "source_requirement_urn")), strings.ToLower(scalar(el, "target_requirement_urn"))
		if from == "" || to == "" {
			r.add(el.Line, p, "source_requirement_urn and target_requirement_urn are required")
			continue
		}
		s.Mappings = append(s.Mappings, Mapping{
			From:     Ref{Framework: cisoRef + ":" + srcFW, Item: from},
			To:       Ref{Framework: cisoRef + ":" + dstFW, Item: to},
			Relation: relation, Note: scalar(el, "rationale"), line: el.Line,
		})
	}
	return s
}
