package aibom

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
)

// spdxSkip names members no reader looks at and that can be large.
var spdxSkip = map[string]bool{"verifiedUsing": true, "ai_hyperparameter": true, "externalRef": true}

// spdxRelations maps SPDX relationship types to relation kinds, read in
// the same direction ("from trainedOn to" is "from trained_on to").
var spdxRelations = map[string]isms.RelationKind{
	"trainedOn": isms.RelTrainedOn,
	"testedOn":  isms.RelEvaluatedOn,
	"dependsOn": isms.RelDependsOn,
}

// isSPDX reports whether a JSON document looks like SPDX: JSON-LD, which
// CycloneDX never is, or SPDX 2, which the SPDX reader refuses by name.
func isSPDX(body []byte) bool {
	head := body[:min(len(body), 1<<16)]
	return bytes.Contains(head, []byte(`"@context"`)) || bytes.Contains(head, []byte(`"@graph"`)) ||
		bytes.Contains(head, []byte(`"spdxVersion"`))
}

// ParseSPDX3 reads an SPDX 3 JSON-LD document: ai_AIPackage elements
// become models, dataset_DatasetPackage elements datasets and application
// packages applications, and the relationships trainedOn, testedOn,
// dependsOn, ancestorOf, descendantOf and contains become relations.
func ParseSPDX3(name string, data []byte) (Result, error) {
	c := &collector{file: name}
	body, ok := checkInput(c, data)
	if !ok {
		return Result{}, c.err()
	}
	root := parseJSON(c, body, spdxSkip)
	if root == nil {
		return result(c, FormatSPDX3, nil)
	}
	d := &spdxDoc{reader: reader{c}, set: newAssetSet(c), byID: map[string]*spdxElement{}, parent: map[string]string{}}
	d.read(root)
	if c.err() != nil {
		return result(c, FormatSPDX3, nil)
	}
	return result(c, FormatSPDX3, d.set.finish())
}

type spdxElement struct {
	n     *node
	path  string
	typ   string
	id    string
	asset *Asset
}

type spdxRelationship struct {
	typ  string
	from string
	to   []string
	line int
	path string
}

type spdxDoc struct {
	reader
	set      *assetSet
	elements []*spdxElement
	byID     map[string]*spdxElement
	rels     []spdxRelationship
	roots    map[string]bool
	// parent maps an element to the one that contains it.
	parent map[string]string
}

func (d *spdxDoc) read(root *node) {
	if root.kind != kindObject {
		d.add(root.line, "", "an SPDX 3 document is a JSON-LD object, not %s", root.describe())
		return
	}
	if v := root.get("spdxVersion"); v != nil {
		d.add(v.line, "spdxVersion", "this is an SPDX 2 document; isms reads SPDX 3 JSON-LD")
		return
	}
	if !d.context(root) {
		return
	}
	graph := root.get("@graph")
	if graph == nil {
		d.add(root.line, "@graph", "is missing; an SPDX 3 document lists its elements in @graph")
		return
	}
	if graph.kind != kindArray {
		d.add(graph.line, "@graph", "must be a list, not %s", graph.describe())
		return
	}
	d.roots = map[string]bool{}
	for i, n := range graph.items {
		d.element(n, index("@graph", i))
	}
	d.makeAssets()
	d.relations()
}

// context checks that the document is SPDX 3 JSON-LD.
func (d *spdxDoc) context(root *node) bool {
	ctx := root.get("@context")
	if ctx == nil {
		d.add(root.line, "@context", "is missing; an SPDX 3 document names the context https://spdx.org/rdf/3.0.1/spdx-context.jsonld")
		return false
	}
	var urls []string
	switch ctx.kind {
	case kindString:
		urls = []string{ctx.text}
	case kindArray:
		for _, it := range ctx.items {
			urls = append(urls, it.text)
		}
	}
	for _, u := range urls {
		if strings.Contains(u, "spdx.org/rdf/3.") {
			return true
		}
	}
	d.add(ctx.line, "@context", "does not name an SPDX 3 context (https://spdx.org/rdf/3.x/spdx-context.jsonld)")
	return false
}

func (d *spdxDoc) element(n *node, path string) {
	if !d.object(n, path) {
		if n.kind == kindNull {
			d.add(n.line, path, "must be an object, not null")
		}
		return
	}
	typeKey := "type"
	if n.get("type") == nil && n.get("@type") != nil {
		typeKey = "@type"
	}
	e := &spdxElement{n: n, path: path, typ: d.required(n, path, typeKey, "every element has a type"),
		id: firstOf(d.str(n, path, "spdxId"), d.str(n, path, "@id"))}
	if e.typ == "" {
		return
	}
	if first := d.byID[e.id]; first != nil {
		// JSON-LD reads two nodes with one id as one element. Real
		// documents repeat relationships this way; two packages with one
		// id are refused where the assets are made.
		d.warn(n.line, join(path, "spdxId"), "%q is given to two elements (the first on line %d)", clip(e.id, 80), first.n.line)
	} else if e.id != "" {
		d.byID[e.id] = e
	}
	d.elements = append(d.elements, e)
	for _, r := range d.refs(n, path, "rootElement") {
		d.roots[r] = true
	}
	if e.typ == "Relationship" || e.typ == "LifecycleScopedRelationship" {
		rel := spdxRelationship{typ: d.str(n, path, "relationshipType"), line: n.line, path: path}
		froms := d.refs(n, path, "from")
		rel.to = d.refs(n, path, "to")
		switch {
		case len(froms) != 1:
			d.add(n.line, join(path, "from"), "a relationship has one from element")
		case rel.typ == "":
			d.add(n.line, join(path, "relationshipType"), "is missing")
		default:
			rel.from = froms[0]
			d.rels = append(d.rels, rel)
			if rel.typ == "contains" {
				for _, to := range rel.to {
					if _, has := d.parent[to]; !has && to != rel.from {
						d.parent[to] = rel.from
					}
				}
			}
		}
	}
}

// refs reads references to elements: ids, or elements written in place.
func (d *spdxDoc) refs(n *node, path, key string) []string {
	v := n.get(key)
	if v == nil || v.kind == kindNull {
		return nil
	}
	items := []*node{v}
	if v.kind == kindArray {
		items = v.items
	}
	var out []string
	for i, it := range items {
		switch it.kind {
		case kindString:
			out = append(out, strings.TrimSpace(it.text))
		case kindObject:
			out = append(out, firstOf(scalar(it, "spdxId"), scalar(it, "@id")))
		default:
			d.add(it.line, index(join(path, key), i), "must be an element id, not %s", it.describe())
		}
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

func (d *spdxDoc) makeAssets() {
	left := map[string]int{}
	for _, e := range d.elements {
		var typ isms.AssetType
		switch e.typ {
		case "ai_AIPackage":
			typ = isms.AssetModel
		case "dataset_DatasetPackage":
			typ = isms.AssetDataset
		case "software_Package":
			purpose := d.str(e.n, e.path, "software_primaryPurpose")
			if purpose == "application" || (purpose == "" && d.roots[e.id]) {
				typ = isms.AssetApplication
			} else {
				left[firstOf(purpose, "unstated")]++
				continue
			}
		default:
			continue
		}
		n, p := e.n, e.path
		a := &Asset{
			Key:         e.id,
			Type:        typ,
			Name:        firstOf(d.str(n, p, "name"), e.id),
			Description: firstOf(d.str(n, p, "description"), d.str(n, p, "summary"), d.str(n, p, "comment")),
			Line:        n.line,
			Attributes:  map[string]string{},
		}
		switch typ {
		case isms.AssetModel:
			a.Attributes["version"] = d.str(n, p, "software_packageVersion")
			a.Attributes["provider"] = firstOf(d.agent(n, p, "suppliedBy"), d.agent(n, p, "originatedBy"))
			a.Attributes["task"] = firstOf(strings.Join(d.strOrStrs(n, p, "ai_domain"), ", "), strings.Join(d.strOrStrs(n, p, "ai_typeOfModel"), ", "))
		case isms.AssetDataset:
			a.Attributes["provenance"] = joinNonEmpty(": ", firstOf(d.agent(n, p, "originatedBy"), d.agent(n, p, "suppliedBy")), d.str(n, p, "software_downloadLocation"))
			switch d.str(n, p, "dataset_hasSensitivePersonalInformation") {
			case "yes":
				a.Attributes["personal_data"] = "yes"
			case "no":
				a.Attributes["personal_data"] = "no"
			case "noAssertion":
				a.Attributes["personal_data"] = "unknown"
			}
		}
		if a.Key == "" {
			d.add(n.line, join(p, "spdxId"), "is missing; a package needs an id")
			continue
		}
		e.asset = d.set.add(a, p)
	}
	if len(left) > 0 {
		var parts []string
		for _, purpose := range slices.Sorted(maps.Keys(left)) {
			parts = append(parts, fmt.Sprintf("%d %s", left[purpose], purpose))
		}
		d.warn(0, "", "left out software packages by primary purpose (%s): isms imports ai_AIPackage as models, dataset_DatasetPackage as datasets and application packages", strings.Join(parts, ", "))
	}
}

// agent returns the names of the agents a property refers to.
func (d *spdxDoc) agent(n *node, path, key string) string {
	var names []string
	for _, id := range d.refs(n, path, key) {
		if e := d.byID[id]; e != nil {
			names = append(names, firstOf(scalar(e.n, "name"), id))
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

// lift returns the asset an element is, or is contained in, so that a
// relationship between files becomes one between the packages holding
// them.
func (d *spdxDoc) lift(id string) *Asset {
	for range maxDepth {
		if e := d.byID[id]; e != nil && e.asset != nil {
			return e.asset
		}
		next, ok := d.parent[id]
		if !ok {
			return nil
		}
		id = next
	}
	return nil
}

func (d *spdxDoc) relations() {
	licences := map[*Asset][2]string{}
	trained, tested := map[*Asset]bool{}, map[*Asset]bool{}
	outside := 0
	for _, rel := range d.rels {
		from := d.lift(rel.from)
		switch rel.typ {
		case "hasConcludedLicense", "hasDeclaredLicense":
			e := d.byID[rel.from]
			if e == nil || e.asset == nil {
				continue
			}
			l := licences[e.asset]
			slot := 1
			if rel.typ == "hasConcludedLicense" {
				slot = 0
			}
			l[slot] = joinNonEmpty(" AND ", l[slot], d.licenceNames(rel.to))
			licences[e.asset] = l
		case "contains":
			for _, to := range rel.to {
				if e := d.byID[to]; e != nil && e.asset != nil && from != nil && from != e.asset {
					relate(e.asset, isms.RelPartOf, from.Key)
				}
			}
		case "ancestorOf", "descendantOf":
			for _, to := range rel.to {
				child, base := from, d.lift(to)
				if rel.typ == "ancestorOf" {
					child, base = base, from
				}
				if child != nil && base != nil && child.Type == isms.AssetModel && base.Type == isms.AssetModel && child != base {
					relate(child, isms.RelFineTunedFrom, base.Key)
					if child.Attributes["base_model"] == "" {
						child.Attributes["base_model"] = base.Name
					}
				}
			}
		default:
			kind, ok := spdxRelations[rel.typ]
			if !ok || from == nil {
				continue
			}
			for _, to := range rel.to {
				target := d.lift(to)
				switch {
				case target == nil && d.byID[to] == nil:
					// An element of another document: its id is the key
					// that document's import gives it.
					relate(from, kind, to)
				case target == nil:
					outside++
				case target != from:
					relate(from, kind, target.Key)
					trained[target] = trained[target] || kind == isms.RelTrainedOn
					tested[target] = tested[target] || kind == isms.RelEvaluatedOn
				}
			}
		}
	}
	for a, l := range licences {
		// Applications have no licence field in isms.
		if a.Type != isms.AssetApplication {
			a.Attributes["licence"] = firstOf(l[0], l[1])
		}
	}
	for _, e := range d.elements {
		a := e.asset
		if a == nil {
			continue
		}
		switch {
		case a.Type == isms.AssetDataset && trained[a]:
			a.Attributes["purpose"] = "training"
		case a.Type == isms.AssetDataset && tested[a]:
			a.Attributes["purpose"] = "evaluation"
		}
		switch a.Type {
		case isms.AssetModel:
			a.ModelCard = d.modelCard(e)
		case isms.AssetDataset:
			a.ModelCard = d.datasetCard(e)
		}
	}
	if outside > 0 {
		d.warn(0, "", "left out %d relationships to elements that are not imported (libraries, files)", outside)
	}
}

// licenceNames names licences by their expression, name or text, else
// by the last part of their id (https://spdx.org/licenses/MIT is MIT).
func (d *spdxDoc) licenceNames(ids []string) string {
	var out []string
	for _, id := range ids {
		name := ""
		if e := d.byID[id]; e != nil {
			text, _, _ := strings.Cut(scalar(e.n, "simplelicensing_licenseText"), ". ")
			name = firstOf(scalar(e.n, "simplelicensing_licenseExpression"), scalar(e.n, "name"), clip(text, 200))
		}
		if name == "" {
			name = id[strings.LastIndex(id, "/")+1:]
		}
		out = append(out, name)
	}
	return strings.Join(out, " AND ")
}

// related lists the names of the assets a model has relations of a kind to.
func (d *spdxDoc) related(a *Asset, kind isms.RelationKind) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range a.Relations {
		if r.Kind != kind || seen[r.TargetKey] {
			continue
		}
		seen[r.TargetKey] = true
		if t := d.set.byKey[r.TargetKey]; t != nil {
			out = append(out, t.Name)
		} else {
			out = append(out, r.TargetKey)
		}
	}
	return out
}

func (d *spdxDoc) modelCard(e *spdxElement) string {
	n, p := e.n, e.path
	var c card
	c.field("Summary", d.str(n, p, "summary"))
	c.field("Type of model", strings.Join(d.strOrStrs(n, p, "ai_typeOfModel"), ", "))
	c.field("Domain", strings.Join(d.strOrStrs(n, p, "ai_domain"), ", "))
	c.field("Autonomy", d.str(n, p, "ai_autonomyType"))
	c.field("Uses sensitive personal information", d.str(n, p, "ai_useSensitivePersonalInformation"))
	c.field("Download location", d.str(n, p, "software_downloadLocation"))
	c.list("Trained on", d.related(e.asset, isms.RelTrainedOn))
	c.list("Tested on", d.related(e.asset, isms.RelEvaluatedOn))
	c.section("Application", d.str(n, p, "ai_informationAboutApplication"))
	c.section("Training", d.str(n, p, "ai_informationAboutTraining"))
	c.list("Data preprocessing", d.strOrStrs(n, p, "ai_modelDataPreprocessing"))
	c.list("Metrics", d.dictionary(n, p, "ai_metric"))
	c.list("Metric decision thresholds", d.dictionary(n, p, "ai_metricDecisionThreshold"))
	c.section("Limitations", d.str(n, p, "ai_limitation"))
	c.list("Explainability", d.strOrStrs(n, p, "ai_modelExplainability"))
	c.field("Safety risk assessment", d.str(n, p, "ai_safetyRiskAssessment"))
	c.list("Standards complied with", d.strOrStrs(n, p, "ai_standardCompliance"))
	if en := n.get("ai_energyConsumption"); d.object(en, join(p, "ai_energyConsumption")) {
		var lines []string
		for _, phase := range []string{"training", "finetuning", "inference"} {
			key := "ai_" + phase + "EnergyConsumption"
			for i, q := range d.list(en, join(p, "ai_energyConsumption"), key) {
				if d.object(q, index(join(p, "ai_energyConsumption."+key), i)) {
					lines = append(lines, phase+": "+joinNonEmpty(" ", scalar(q, "ai_energyQuantity"), scalar(q, "ai_energyUnit")))
				}
			}
		}
		c.list("Energy consumption", lines)
	}
	return c.String()
}

func (d *spdxDoc) datasetCard(e *spdxElement) string {
	n, p := e.n, e.path
	var c card
	c.field("Intended use", d.str(n, p, "dataset_intendedUse"))
	c.field("Dataset type", strings.Join(d.strOrStrs(n, p, "dataset_datasetType"), ", "))
	c.field("Size (bytes)", scalar(n, "dataset_datasetSize"))
	c.field("Confidentiality level", d.str(n, p, "dataset_confidentialityLevel"))
	c.field("Sensitive personal information", d.str(n, p, "dataset_hasSensitivePersonalInformation"))
	c.list("Anonymisation", d.strOrStrs(n, p, "dataset_anonymizationMethodUsed"))
	c.field("Availability", d.str(n, p, "dataset_datasetAvailability"))
	c.field("Update mechanism", d.str(n, p, "dataset_datasetUpdateMechanism"))
	c.section("Collection process", d.str(n, p, "dataset_dataCollectionProcess"))
	c.list("Preprocessing", d.strOrStrs(n, p, "dataset_dataPreprocessing"))
	c.list("Known bias", d.strOrStrs(n, p, "dataset_knownBias"))
	c.field("Noise", d.str(n, p, "dataset_datasetNoise"))
	return c.String()
}

// dictionary reads SPDX DictionaryEntry objects as "key: value".
func (d *spdxDoc) dictionary(n *node, path, key string) []string {
	var out []string
	for i, entry := range d.list(n, path, key) {
		if d.object(entry, index(join(path, key), i)) {
			out = append(out, joinNonEmpty(": ", scalar(entry, "key"), scalar(entry, "value")))
		}
	}
	return out
}
