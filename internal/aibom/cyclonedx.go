package aibom

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
)

// cdxComponentTypes maps every CycloneDX 1.4–1.7 component type to the
// asset type it becomes; "" means the component is left out.
var cdxComponentTypes = map[string]isms.AssetType{
	"machine-learning-model": isms.AssetModel,
	"data":                   isms.AssetDataset,
	"application":            isms.AssetApplication,
	"framework":              "",
	"library":                "",
	"container":              "",
	"platform":               "",
	"operating-system":       "",
	"device":                 "",
	"device-driver":          "",
	"firmware":               "",
	"file":                   "",
	"cryptographic-asset":    "",
}

var cdxSpecVersions = []string{"1.4", "1.5", "1.6", "1.7"}

// cdxSkip names members no reader looks at and that can be large (hashes,
// embedded images and licence texts, signatures), so they are not kept.
var cdxSkip = map[string]bool{
	"hashes": true, "evidence": true, "graphics": true, "signature": true, "swid": true,
	"releaseNotes": true, "cryptoProperties": true, "text": true, "attachment": true,
	"vulnerabilities": true, "annotations": true, "formulation": true, "compositions": true,
	"declarations": true, "definitions": true, "commits": true, "patches": true, "tools": true,
	"lifecycles": true, "governance": true, "omniborId": true, "swhid": true, "copyright": true,
	"cpe": true, "occurrences": true, "callstack": true, "identity": true,
}

// aiServiceTags mark a service as an AI service.
var aiServiceTags = []string{"ai", "ml", "llm", "genai", "machine-learning", "artificial-intelligence"}

// ParseCycloneDX reads a CycloneDX BOM, JSON or XML, of spec version 1.4
// to 1.7. See the package documentation for what becomes an asset.
func ParseCycloneDX(name string, data []byte) (Result, error) {
	c := &collector{file: name}
	body, ok := checkInput(c, data)
	if !ok {
		return Result{}, c.err()
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	var root *node
	format := FormatCycloneDXJSON
	switch {
	case trimmed[0] == '{':
		root = parseJSON(c, body, cdxSkip)
	case trimmed[0] == '<':
		format = FormatCycloneDXXML
		root = parseCycloneDXXML(c, body)
	default:
		c.add(lineAt(body, len(body)-len(trimmed)), "", "not a CycloneDX BOM: expected a JSON object or an XML <bom> document")
	}
	if root == nil {
		return result(c, format, nil)
	}
	b := &cdxBOM{reader: reader{c}, set: newAssetSet(c), byRef: map[string]*cdxItem{}}
	b.read(root)
	if c.err() != nil {
		return result(c, format, nil)
	}
	return result(c, format, b.set.finish())
}

// cdxItem is a component or service of the BOM, imported or not.
type cdxItem struct {
	n       *node
	path    string
	service bool
	typ     string
	name    string
	key     string
	parent  *cdxItem
	asset   *Asset // nil when the item is left out
}

type cdxBOM struct {
	reader
	set   *assetSet
	items []*cdxItem
	byRef map[string]*cdxItem
	// trainedOn collects the datasets models of this BOM were trained on,
	// so that their purpose can be set.
	trainedOn map[*Asset]bool
}

func (b *cdxBOM) read(root *node) {
	if root.kind != kindObject {
		b.add(root.line, "", "a CycloneDX BOM is a JSON object, not %s", root.describe())
		return
	}
	switch format := b.required(root, "", "bomFormat", `a CycloneDX BOM starts with "bomFormat": "CycloneDX"`); format {
	case "CycloneDX":
	case "":
		return
	default:
		b.add(root.get("bomFormat").line, "bomFormat", "%q is not CycloneDX", clip(format, 40))
		return
	}
	version := b.required(root, "", "specVersion", "a BOM says which version of CycloneDX it follows")
	if version != "" && !slices.Contains(cdxSpecVersions, version) {
		b.add(root.get("specVersion").line, "specVersion", "CycloneDX %s is not supported; isms reads CycloneDX %s", clip(version, 20), strings.Join(cdxSpecVersions, ", "))
	}
	if meta := root.get("metadata"); b.object(meta, "metadata") {
		if mc := meta.get("component"); b.object(mc, "metadata.component") {
			b.item(mc, "metadata.component", false, nil)
		}
	}
	b.readItems(root, "", "components", false, nil)
	b.readItems(root, "", "services", true, nil)
	if b.fatal {
		return
	}
	edges := b.dependencies(root)
	b.classifyServices(edges)
	b.makeAssets()
	b.relations(edges)
}

// readItems reads a list of components or services and, recursively, the
// ones nested in them.
func (b *cdxBOM) readItems(obj *node, path, key string, service bool, parent *cdxItem) {
	listPath := join(path, key)
	for i, n := range b.list(obj, path, key) {
		if b.fatal {
			return
		}
		p := index(listPath, i)
		if !b.object(n, p) {
			if n.kind == kindNull {
				b.add(n.line, p, "must be an object, not null")
			}
			continue
		}
		b.item(n, p, service, parent)
	}
}

func (b *cdxBOM) item(n *node, path string, service bool, parent *cdxItem) {
	if len(b.items) == MaxAssets {
		b.stop(n.line, path, "the BOM lists more than %d components and services; split it", MaxAssets)
		return
	}
	it := &cdxItem{n: n, path: path, service: service, typ: "service", parent: parent}
	if !service {
		it.typ = b.required(n, path, "type", "every component has a type")
		if _, known := cdxComponentTypes[it.typ]; !known && it.typ != "" {
			b.add(n.get("type").line, join(path, "type"), "%q is not a CycloneDX component type; use one of %s", clip(it.typ, 40), strings.Join(slices.Sorted(maps.Keys(cdxComponentTypes)), ", "))
		}
	}
	it.name = b.required(n, path, "name", "every component and service has a name")
	bomRef := b.str(n, path, "bom-ref")
	it.key = cdxKey(bomRef, b.str(n, path, "purl"), b.str(n, path, "group"), it.name, b.str(n, path, "version"))
	if prev, dup := b.byRef[bomRef]; bomRef != "" && (!dup || prev.path == "metadata.component") {
		b.byRef[bomRef] = it
	}
	b.items = append(b.items, it)
	if service {
		b.readItems(n, path, "services", true, it)
	} else {
		b.readItems(n, path, "components", false, it)
	}
}

// cdxKey is the identity of a component: its bom-ref, else its purl, else
// group/name@version.
func cdxKey(bomRef, purl, group, name, version string) string {
	switch {
	case bomRef != "":
		return bomRef
	case purl != "":
		return purl
	}
	key := name
	if group != "" {
		key = group + "/" + key
	}
	if version != "" {
		key += "@" + version
	}
	return key
}

type cdxEdge struct {
	from, to *cdxItem
	line     int
}

// dependencies reads the dependency graph, warning about references to
// nothing in the BOM.
func (b *cdxBOM) dependencies(root *node) []cdxEdge {
	var edges []cdxEdge
	for i, d := range b.list(root, "", "dependencies") {
		p := index("dependencies", i)
		if !b.object(d, p) {
			continue
		}
		ref := b.str(d, p, "ref")
		from := b.byRef[ref]
		if ref == "" {
			b.add(d.line, join(p, "ref"), "is missing")
			continue
		}
		targets := b.strs(d, p, "dependsOn")
		if from == nil {
			if len(targets) > 0 {
				b.warn(d.line, join(p, "ref"), "no component or service has bom-ref %q; its dependencies are left out", clip(ref, 80))
			}
			continue
		}
		for j, t := range targets {
			to := b.byRef[t]
			if to == nil {
				b.warn(d.get("dependsOn").line, index(join(p, "dependsOn"), j), "no component or service has bom-ref %q; the dependency is left out", clip(t, 80))
				continue
			}
			edges = append(edges, cdxEdge{from: from, to: to, line: d.line})
		}
	}
	return edges
}

// classifyServices decides which services are AI services: those linked to
// a model in the dependency graph or tagged as AI.
func (b *cdxBOM) classifyServices(edges []cdxEdge) {
	ai := map[*cdxItem]bool{}
	for _, e := range edges {
		if e.from.service && e.to.typ == "machine-learning-model" {
			ai[e.from] = true
		}
		if e.to.service && e.from.typ == "machine-learning-model" {
			ai[e.to] = true
		}
	}
	for _, it := range b.items {
		if !it.service || ai[it] {
			continue
		}
		// The tags are read again, with their problems, when the asset is made.
		for _, t := range it.n.get("tags").elems() {
			if t.kind == kindString && slices.Contains(aiServiceTags, strings.ToLower(strings.TrimSpace(t.text))) {
				ai[it] = true
			}
		}
	}
	for _, it := range b.items {
		if it.service && !ai[it] {
			it.typ = "non-AI service"
		}
	}
}

func (b *cdxBOM) assetType(it *cdxItem) isms.AssetType {
	if it.typ == "service" {
		return isms.AssetAIService
	}
	return cdxComponentTypes[it.typ]
}

func (b *cdxBOM) makeAssets() {
	left := map[string]int{}
	keys := map[string]int{}
	for _, it := range b.items {
		keys[it.key]++
	}
	for _, it := range b.items {
		typ := b.assetType(it)
		switch {
		case typ == "":
			left[it.typ]++
			continue
		case it.name == "":
			continue // reported when read
		}
		if it.path == "metadata.component" && keys[it.key] > 1 {
			// Some tools list the BOM's subject among its components too;
			// the listed one stands for both.
			b.warn(it.n.line, it.path, "is also listed among the components; it is imported once")
			continue
		}
		n, p := it.n, it.path
		a := &Asset{
			Key:         it.key,
			Type:        typ,
			Name:        it.name,
			Description: b.str(n, p, "description"),
			Tags:        b.strs(n, p, "tags"),
			Line:        n.line,
			Attributes:  map[string]string{},
		}
		switch typ {
		case isms.AssetModel:
			a.Attributes["version"] = b.str(n, p, "version")
			a.Attributes["provider"] = b.provider(n, p)
			a.Attributes["licence"] = b.licences(n, p)
			b.pedigree(a, n, p)
		case isms.AssetDataset:
			b.dataset(a, n, p)
		case isms.AssetAIService:
			if prov := n.get("provider"); b.object(prov, join(p, "provider")) {
				a.Attributes["provider"] = b.str(prov, join(p, "provider"), "name")
			}
		}
		it.asset = b.set.add(a, p)
	}
	if len(left) > 0 {
		var parts []string
		total := 0
		for _, typ := range slices.Sorted(maps.Keys(left)) {
			parts = append(parts, fmt.Sprintf("%d %s", left[typ], typ))
			total += left[typ]
		}
		b.warn(0, "", "left out %d components and services that isms does not track as assets (%s); it imports models, datasets, applications and AI services", total, strings.Join(parts, ", "))
	}
	// Model cards come last so that a dataset written inline in one never
	// takes the key of a component listed after it.
	b.trainedOn = map[*Asset]bool{}
	for _, it := range b.items {
		if it.asset != nil && it.asset.Type == isms.AssetModel {
			b.modelCard(it.asset, it.n, it.path)
		}
	}
	for ds := range b.trainedOn {
		ds.Attributes["purpose"] = "training"
	}
}

// provider is who supplies a component: its supplier, manufacturer,
// publisher, author or group, the first that is given.
func (b *cdxBOM) provider(n *node, path string) string {
	for _, key := range []string{"supplier", "manufacturer"} {
		if org := n.get(key); b.object(org, join(path, key)) {
			if name := b.str(org, join(path, key), "name"); name != "" {
				return name
			}
		}
	}
	if pub := b.str(n, path, "publisher"); pub != "" {
		return pub
	}
	for i, au := range b.list(n, path, "authors") {
		if b.object(au, index(join(path, "authors"), i)) {
			if name := b.str(au, index(join(path, "authors"), i), "name"); name != "" {
				return name
			}
		}
	}
	return firstOf(b.str(n, path, "author"), b.str(n, path, "group"))
}

// licences reads a licence choice: licence ids or names, or an expression.
func (b *cdxBOM) licences(n *node, path string) string {
	var out []string
	lp := join(path, "licenses")
	for i, l := range b.list(n, path, "licenses") {
		p := index(lp, i)
		if !b.object(l, p) {
			continue
		}
		if expr := b.str(l, p, "expression"); expr != "" {
			out = append(out, expr)
		}
		if lic := l.get("license"); b.object(lic, join(p, "license")) {
			out = append(out, firstOf(b.str(lic, join(p, "license"), "id"), b.str(lic, join(p, "license"), "name")))
		}
	}
	return joinNonEmpty(", ", out...)
}

// pedigree records a model's ancestors as the models it was fine-tuned
// from.
func (b *cdxBOM) pedigree(a *Asset, n *node, path string) {
	ped := n.get("pedigree")
	if !b.object(ped, join(path, "pedigree")) {
		return
	}
	ap := join(path, "pedigree.ancestors")
	for i, anc := range b.list(ped, join(path, "pedigree"), "ancestors") {
		p := index(ap, i)
		if !b.object(anc, p) {
			continue
		}
		name := b.str(anc, p, "name")
		key := cdxKey(b.str(anc, p, "bom-ref"), b.str(anc, p, "purl"), b.str(anc, p, "group"), name, b.str(anc, p, "version"))
		if a.Attributes["base_model"] == "" {
			a.Attributes["base_model"] = firstOf(name, key)
		}
		relate(a, isms.RelFineTunedFrom, key)
	}
}

// dataset fills a data component: where the data comes from, its licence,
// whether it holds personal data, and a summary of what it holds.
func (b *cdxBOM) dataset(a *Asset, n *node, path string) {
	var sum card
	var urls, sensitive []string
	for i, d := range b.list(n, path, "data") {
		p := index(join(path, "data"), i)
		if !b.object(d, p) {
			continue
		}
		info := b.componentData(d, p)
		urls = append(urls, info.url)
		sensitive = append(sensitive, info.sensitive...)
		if a.Description == "" {
			a.Description = info.description
		}
		sum.field("Data", joinNonEmpty(", ", info.name, info.typ, info.classification, info.url))
	}
	for i, ref := range b.list(n, path, "externalReferences") {
		p := index(join(path, "externalReferences"), i)
		if b.object(ref, p) && slices.Contains([]string{"distribution", "website", "vcs"}, b.str(ref, p, "type")) {
			urls = append(urls, b.str(ref, p, "url"))
		}
	}
	urls = slices.DeleteFunc(urls, func(s string) bool { return s == "" })
	provenance := b.provider(n, path)
	if len(urls) > 0 {
		provenance = joinNonEmpty(": ", provenance, urls[0])
	}
	a.Attributes["provenance"] = provenance
	a.Attributes["licence"] = b.licences(n, path)
	if len(sensitive) > 0 {
		a.Attributes["personal_data"] = "yes"
		sum.list("Sensitive data", sensitive)
	}
	a.ModelCard = sum.String()
}

type cdxData struct {
	bomRef, typ, name, url, classification, description string
	sensitive                                           []string
}

func (b *cdxBOM) componentData(d *node, path string) cdxData {
	info := cdxData{
		bomRef:         b.str(d, path, "bom-ref"),
		typ:            b.str(d, path, "type"),
		name:           b.str(d, path, "name"),
		classification: b.str(d, path, "classification"),
		description:    b.str(d, path, "description"),
		sensitive:      b.strs(d, path, "sensitiveData"),
	}
	if contents := d.get("contents"); b.object(contents, join(path, "contents")) {
		info.url = b.str(contents, join(path, "contents"), "url")
	}
	return info
}

// modelCard reads a model's card: its task, the datasets it was trained on
// (creating the ones written inline) and the summary.
func (b *cdxBOM) modelCard(a *Asset, n *node, path string) {
	mc := n.get("modelCard")
	path = join(path, "modelCard")
	if !b.object(mc, path) {
		return
	}
	var sum card
	var datasets []string
	if mp := mc.get("modelParameters"); b.object(mp, join(path, "modelParameters")) {
		p := join(path, "modelParameters")
		task := b.str(mp, p, "task")
		a.Attributes["task"] = task
		sum.field("Task", task)
		if ap := mp.get("approach"); b.object(ap, join(p, "approach")) {
			sum.field("Approach", b.str(ap, join(p, "approach"), "type"))
		}
		sum.field("Architecture family", b.str(mp, p, "architectureFamily"))
		sum.field("Architecture", b.str(mp, p, "modelArchitecture"))
		sum.field("Inputs", strings.Join(b.formats(mp, p, "inputs"), ", "))
		sum.field("Outputs", strings.Join(b.formats(mp, p, "outputs"), ", "))
		datasets = b.trainingData(a, mp, p)
	}
	sum.list("Datasets", datasets)
	if qa := mc.get("quantitativeAnalysis"); b.object(qa, join(path, "quantitativeAnalysis")) {
		p := join(path, "quantitativeAnalysis")
		var metrics []string
		for i, m := range b.list(qa, p, "performanceMetrics") {
			if !b.object(m, index(join(p, "performanceMetrics"), i)) {
				continue
			}
			line := joinNonEmpty(": ", scalar(m, "type"), scalar(m, "value"))
			if slice := scalar(m, "slice"); slice != "" {
				line += " (slice: " + slice + ")"
			}
			if ci := m.get("confidenceInterval"); ci != nil {
				if lo, hi := scalar(ci, "lowerBound"), scalar(ci, "upperBound"); lo != "" || hi != "" {
					line += " [" + lo + " – " + hi + "]"
				}
			}
			metrics = append(metrics, line)
		}
		sum.list("Performance metrics", metrics)
	}
	if co := mc.get("considerations"); b.object(co, join(path, "considerations")) {
		b.considerations(&sum, co, join(path, "considerations"))
	}
	var props []string
	for i, pr := range b.list(mc, path, "properties") {
		if b.object(pr, index(join(path, "properties"), i)) {
			props = append(props, joinNonEmpty(": ", scalar(pr, "name"), scalar(pr, "value")))
		}
	}
	sum.list("Properties", props)
	a.ModelCard = sum.String()
}

func (b *cdxBOM) formats(mp *node, path, key string) []string {
	var out []string
	for i, f := range b.list(mp, path, key) {
		if b.object(f, index(join(path, key), i)) {
			out = append(out, b.str(f, index(join(path, key), i), "format"))
		}
	}
	return out
}

// trainingData relates a model to the datasets of its card, creating the
// ones described inline, and returns their names for the summary.
func (b *cdxBOM) trainingData(model *Asset, mp *node, path string) []string {
	var names []string
	dp := join(path, "datasets")
	for i, d := range b.list(mp, path, "datasets") {
		p := index(dp, i)
		if !b.object(d, p) {
			continue
		}
		if ref := b.str(d, p, "ref"); ref != "" {
			names = append(names, b.trainedOnRef(model, ref, d.line, join(p, "ref")))
			continue
		}
		info := b.componentData(d, p)
		key := firstOf(info.bomRef, info.name, info.url)
		if key == "" {
			b.add(d.line, p, "a dataset needs a bom-ref, a name or contents.url")
			continue
		}
		names = append(names, firstOf(info.name, key))
		ds := b.set.byKey[key]
		switch {
		case ds == nil:
			ds = &Asset{Key: key, Type: isms.AssetDataset, Name: info.name, Description: info.description, Line: d.line,
				Attributes: map[string]string{"provenance": info.url}}
			if len(info.sensitive) > 0 {
				ds.Attributes["personal_data"] = "yes"
			}
			var sum card
			sum.field("Classification", info.classification)
			sum.field("Type", info.typ)
			sum.list("Sensitive data", info.sensitive)
			ds.ModelCard = sum.String()
			if ds = b.set.add(ds, p); ds == nil {
				continue
			}
		case ds.Type != isms.AssetDataset:
			b.warn(d.line, p, "%q is the key of a %s, not a dataset; the dataset is left out", clip(key, 80), ds.Type.Label())
			continue
		}
		relate(model, isms.RelTrainedOn, key)
		b.trainedOn[ds] = true
	}
	return names
}

// trainedOnRef relates a model to a data component it refers to by
// bom-ref, or by BOM-Link to another BOM, and returns the dataset's name.
func (b *cdxBOM) trainedOnRef(model *Asset, ref string, line int, path string) string {
	if strings.HasPrefix(ref, "urn:cdx:") {
		// A BOM-Link names an element of another BOM; its bom-ref, after
		// the '#', is the key that BOM's import gives it.
		if _, frag, ok := strings.Cut(ref, "#"); ok && frag != "" {
			relate(model, isms.RelTrainedOn, frag)
			return frag
		}
		b.warn(line, path, "the BOM-Link %q names no element; the dataset is left out", clip(ref, 80))
		return ""
	}
	it := b.byRef[ref]
	switch {
	case it == nil:
		b.warn(line, path, "no component has bom-ref %q; the dataset is left out", clip(ref, 80))
		return ref
	case it.asset == nil || it.asset.Type != isms.AssetDataset:
		b.warn(line, path, "%q is a %s component, not data; the dataset is left out", clip(ref, 80), it.typ)
		return it.name
	}
	relate(model, isms.RelTrainedOn, it.asset.Key)
	b.trainedOn[it.asset] = true
	return it.name
}

func (b *cdxBOM) considerations(sum *card, co *node, path string) {
	sum.list("Intended users", b.strs(co, path, "users"))
	sum.list("Use cases", b.strs(co, path, "useCases"))
	sum.list("Technical limitations", b.strs(co, path, "technicalLimitations"))
	sum.list("Performance trade-offs", b.strs(co, path, "performanceTradeoffs"))
	var ethical, fairness, energy []string
	for i, e := range b.list(co, path, "ethicalConsiderations") {
		if b.object(e, index(join(path, "ethicalConsiderations"), i)) {
			ethical = append(ethical, joinNonEmpty(" — mitigation: ", scalar(e, "name"), scalar(e, "mitigationStrategy")))
		}
	}
	for i, f := range b.list(co, path, "fairnessAssessments") {
		if b.object(f, index(join(path, "fairnessAssessments"), i)) {
			fairness = append(fairness, joinNonEmpty("; ", scalar(f, "groupAtRisk"),
				labelled("benefits", scalar(f, "benefits")), labelled("harms", scalar(f, "harms")),
				labelled("mitigation", scalar(f, "mitigationStrategy"))))
		}
	}
	if env := co.get("environmentalConsiderations"); b.object(env, join(path, "environmentalConsiderations")) {
		ep := join(path, "environmentalConsiderations.energyConsumptions")
		for i, ec := range b.list(env, join(path, "environmentalConsiderations"), "energyConsumptions") {
			if b.object(ec, index(ep, i)) {
				energy = append(energy, joinNonEmpty(": ", scalar(ec, "activity"), joinNonEmpty(", ",
					quantity(ec.get("activityEnergyCost")), quantity(ec.get("co2CostEquivalent")),
					labelled("offset", quantity(ec.get("co2CostOffset"))))))
			}
		}
	}
	sum.list("Ethical considerations", ethical)
	sum.list("Fairness assessments", fairness)
	sum.list("Energy consumption", energy)
}

func labelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + ": " + value
}

// quantity reads a CycloneDX {value, unit}.
func quantity(n *node) string {
	return joinNonEmpty(" ", scalar(n, "value"), scalar(n, "unit"))
}

// relations adds what the structure and the dependency graph say.
func (b *cdxBOM) relations(edges []cdxEdge) {
	for _, it := range b.items {
		if it.asset == nil {
			continue
		}
		for p := it.parent; p != nil; p = p.parent {
			if p.asset != nil {
				relate(it.asset, isms.RelPartOf, p.asset.Key)
				break
			}
		}
	}
	outside := 0
	for _, e := range edges {
		from, to := e.from.asset, e.to.asset
		switch {
		case from == nil && to == nil:
		case from == nil || to == nil:
			outside++
		default:
			relate(from, isms.RelDependsOn, to.Key)
			if from.Type == isms.AssetAIService && to.Type == isms.AssetModel && from.Attributes["model"] == "" {
				from.Attributes["model"] = to.Name
			}
			if to.Type == isms.AssetAIService && from.Type == isms.AssetModel && to.Attributes["model"] == "" {
				to.Attributes["model"] = from.Name
			}
		}
	}
	if outside > 0 {
		b.warn(0, "dependencies", "left out %d dependencies between an imported asset and a component that is not imported", outside)
	}
}
