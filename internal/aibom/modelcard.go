package aibom

import (
	"bytes"
	"errors"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-dev/isms/internal/isms"
)

// Metadata keys only dataset cards use, and only model cards use; a card
// is a dataset card when it has one of the first and none of the second,
// or when its heading says so.
var (
	datasetCardKeys = []string{"task_categories", "task_ids", "size_categories", "annotations_creators",
		"language_creators", "multilinguality", "source_datasets", "pretty_name", "dataset_info", "configs",
		"paperswithcode_id", "train-eval-index"}
	modelCardKeys = []string{"library_name", "pipeline_tag", "model-index", "base_model", "base_model_relation",
		"model_name", "datasets", "inference", "widget"}
)

// ParseModelCard reads a Hugging Face model or dataset card: a README.md
// with YAML metadata between --- lines. The card's id, its key, comes from
// name when that is a relative path ending in org/model/README.md, else
// from the model-index, the "# Model Card for …" heading, pretty_name, the
// first heading or the file name, in that order. A card without metadata
// is read for its name and text, with a warning.
func ParseModelCard(name string, data []byte) (Result, error) {
	c := &collector{file: name}
	body, ok := checkInput(c, data)
	if !ok {
		return Result{}, c.err()
	}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	hf := &hfCard{reader: yamlReader{c}, set: newAssetSet(c)}
	meta, found, rest, restLine := splitFrontMatter(c, text)
	if c.fatal {
		return result(c, FormatModelCard, nil)
	}
	hf.md = parseMarkdown(rest, restLine)
	if found {
		hf.meta = hf.reader.parseMeta(meta, 2)
	} else {
		c.warn(1, "", "the card has no metadata block (YAML between --- lines); only its name and text were read")
	}
	if c.err() != nil {
		return result(c, FormatModelCard, nil)
	}
	format := hf.read(name)
	if c.err() != nil {
		return result(c, format, nil)
	}
	return result(c, format, hf.set.finish())
}

// splitFrontMatter separates the metadata block, which starts on line 2
// when there is one, from the Markdown and the line that starts on.
func splitFrontMatter(c *collector, text string) (meta string, found bool, rest string, restLine int) {
	if !strings.HasPrefix(text, "---\n") && strings.TrimRight(text, " \t\n") != "---" {
		return "", false, text, 1
	}
	lines := strings.SplitAfter(text, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimRight(lines[i], " \t\n") == "---" {
			return strings.Join(lines[1:i], ""), true, strings.Join(lines[i+1:], ""), i + 2
		}
	}
	c.stop(1, "", "the metadata block opened by --- on line 1 is never closed by a --- line")
	return "", false, "", 0
}

// yamlReader reads the YAML metadata, reporting wrong types as problems.
type yamlReader struct {
	*collector
}

// parseMeta reads the metadata block; lines are counted from first.
func (r yamlReader) parseMeta(text string, first int) map[string]*yaml.Node {
	var doc yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(text))
	if err := decodeYAML(dec, &doc); err != nil {
		if !errors.Is(err, io.EOF) {
			r.add(yamlErrorLine(err, first), "", "the metadata is not valid YAML: %s", yamlErrorText(err))
		}
		return nil
	}
	var extra yaml.Node
	if err := decodeYAML(dec, &extra); err == nil {
		r.add(extra.Line+first-1, "", "the metadata holds more than one YAML document")
		return nil
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if !r.checkTree(root, first-1, 0) {
		return nil
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		r.add(root.Line, "", "the metadata must be a mapping of keys to values, not %s", describeYAML(root))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			r.add(k.Line, "", "metadata keys must be plain names, not %s; is this an unfilled card template?", describeYAML(k))
		case out[k.Value] != nil:
			r.add(k.Line, k.Value, "is given twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

// decodeYAML guards against panics in the YAML library, which has had
// them on malformed input; a card from outside must not take the process
// down.
func decodeYAML(dec *yaml.Decoder, v *yaml.Node) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New("yaml: the metadata cannot be read")
		}
	}()
	return dec.Decode(v)
}

// checkTree moves lines to the file's numbering and refuses aliases and
// deep nesting, which the readers below would otherwise follow.
func (r yamlReader) checkTree(n *yaml.Node, offset, depth int) bool {
	n.Line += offset
	if depth > maxDepth {
		r.add(n.Line, "", "the metadata is nested more than %d levels deep", maxDepth)
		return false
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		r.add(n.Line, "", "YAML anchors and aliases are not allowed in card metadata")
		return false
	}
	for _, k := range n.Content {
		if !r.checkTree(k, offset, depth+1) {
			return false
		}
	}
	return true
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine digs the line out of a YAML library error ("yaml: line 7:
// …"), which has no structured form. The library counts lines from 1 in
// scanner errors but from 0 in parser errors ("did not find expected …").
func yamlErrorLine(err error, first int) int {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			if strings.Contains(msg, "did not find expected") {
				n++
			}
			return n + first - 1
		}
	}
	return first
}

func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRE.ReplaceAllString(strings.TrimPrefix(msg, "unmarshal errors:\n  "), "the line")
}

func describeYAML(n *yaml.Node) string {
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
	return strconv.Quote(clip(n.Value, 40))
}

// text reads a single value.
func (r yamlReader) text(meta map[string]*yaml.Node, key string) string {
	n := meta[key]
	if n == nil || n.Tag == "!!null" {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		r.add(n.Line, key, "must be a single value, not %s", describeYAML(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// texts reads a value or a list of values, as the card metadata allows
// for most keys.
func (r yamlReader) texts(meta map[string]*yaml.Node, key string) []string {
	n := meta[key]
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if v := strings.TrimSpace(n.Value); v != "" {
			return []string{v}
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.add(n.Line, key, "must be a value or a list of values, not %s", describeYAML(n))
		return nil
	}
	var out []string
	for i, it := range n.Content {
		if it.Kind != yaml.ScalarNode {
			r.add(it.Line, index(key, i), "must be a value, not %s", describeYAML(it))
			continue
		}
		if v := strings.TrimSpace(it.Value); v != "" && it.Tag != "!!null" {
			out = append(out, v)
		}
	}
	return out
}

// fields returns the members of a mapping, reporting anything else.
func (r yamlReader) fields(n *yaml.Node, field string) map[string]*yaml.Node {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.add(n.Line, field, "must be a mapping, not %s", describeYAML(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode {
			out[k.Value] = n.Content[i+1]
		}
	}
	return out
}

type hfCard struct {
	reader yamlReader
	set    *assetSet
	meta   map[string]*yaml.Node
	md     markdown
}

// read makes the card's asset and returns the card's format.
func (hf *hfCard) read(name string) string {
	r, meta := hf.reader, hf.meta
	title, titleLine := hf.md.title()
	if strings.Contains(title, "{{") || strings.Contains(title, "{%") {
		r.add(titleLine, "", "the card is an unfilled template ({{ … }} placeholders); fill it in first")
		return FormatModelCard
	}
	dataset := strings.HasPrefix(strings.ToLower(title), "dataset card for ")
	for _, k := range datasetCardKeys {
		dataset = dataset || meta[k] != nil
	}
	for _, k := range modelCardKeys {
		if meta[k] != nil && !strings.HasPrefix(strings.ToLower(title), "dataset card for ") {
			dataset = false
		}
	}
	evals := hf.modelIndex()
	key := firstOf(idFromPath(name), evals.name, cardSubject(title), r.text(meta, "pretty_name"), title, baseName(name))
	if key == "" {
		r.add(1, "", "cannot tell the card's id: give it a model-index name or a \"# Model Card for <id>\" heading")
		return FormatModelCard
	}
	a := &Asset{Key: key, Name: key, Description: hf.md.description(), Tags: r.texts(meta, "tags"), Line: 1,
		Attributes: map[string]string{}}
	licence := strings.Join(r.texts(meta, "license"), ", ")
	if licence == "other" {
		licence = firstOf(r.text(meta, "license_name"), r.text(meta, "license_link"), licence)
	}
	a.Attributes["licence"] = licence
	var sum card
	format := FormatModelCard
	if dataset {
		format = FormatDatasetCard
		a.Type = isms.AssetDataset
		hf.datasetCard(a, &sum)
	} else {
		a.Type = isms.AssetModel
		hf.modelCard(a, &sum, evals)
	}
	a.ModelCard = sum.String()
	hf.set.add(a, "card")
	return format
}

// idFromPath takes the id from a relative path org/model/README.md, the
// layout of a clone of the repository.
func idFromPath(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if path.IsAbs(name) || !strings.EqualFold(path.Base(name), "README.md") {
		return ""
	}
	var dirs []string
	for _, d := range strings.Split(path.Dir(path.Clean(name)), "/") {
		if d != "." && d != ".." && d != "" {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) > 2 {
		dirs = dirs[len(dirs)-2:]
	}
	return strings.Join(dirs, "/")
}

// cardSubject takes X from a "Model Card for X" or "Dataset Card for X"
// heading.
func cardSubject(title string) string {
	lower := strings.ToLower(title)
	for _, prefix := range []string{"model card for ", "dataset card for "} {
		if strings.HasPrefix(lower, prefix) {
			return strings.TrimSpace(title[len(prefix):])
		}
	}
	return ""
}

func baseName(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if strings.EqualFold(base, "README.md") || base == "." || base == "/" {
		return ""
	}
	return strings.TrimSuffix(base, path.Ext(base))
}

// evaluation is a model-index: the model's name and its results.
type evaluation struct {
	name     string
	task     string
	results  []string
	datasets []string
}

// modelIndex reads the model-index. A result without a dataset says
// nothing the inventory can use; like Hugging Face's own library, it is
// left out with a warning rather than refusing the card.
func (hf *hfCard) modelIndex() evaluation {
	r := hf.reader
	var ev evaluation
	n := hf.meta["model-index"]
	if n == nil || n.Tag == "!!null" {
		return ev
	}
	if n.Kind != yaml.SequenceNode {
		r.add(n.Line, "model-index", "must be a list, not %s", describeYAML(n))
		return ev
	}
	for i, m := range n.Content {
		field := index("model-index", i)
		entry := r.fields(m, field)
		if entry == nil {
			continue
		}
		name := r.text(entry, "name")
		if ev.name == "" {
			ev.name = name
		}
		results := entry["results"]
		if results == nil || results.Kind != yaml.SequenceNode {
			if results != nil && results.Tag != "!!null" {
				r.add(results.Line, join(field, "results"), "must be a list, not %s", describeYAML(results))
			}
			continue
		}
		for j, res := range results.Content {
			rf := index(join(field, "results"), j)
			result := r.fields(res, rf)
			if result == nil {
				continue
			}
			task := r.fields(result["task"], join(rf, "task"))
			ds := r.fields(result["dataset"], join(rf, "dataset"))
			if ev.task == "" {
				ev.task = r.text(task, "type")
			}
			dsID := r.text(ds, "type")
			if ds == nil || dsID == "" {
				r.warn(res.Line, rf, "the result names no dataset (dataset.type) and is left out")
				continue
			}
			ev.datasets = append(ev.datasets, dsID)
			where := firstOf(r.text(ds, "name"), dsID)
			if split := r.text(ds, "split"); split != "" {
				where += ", " + split + " split"
			}
			mlist := result["metrics"]
			if mlist == nil || mlist.Kind != yaml.SequenceNode {
				if mlist != nil && mlist.Tag != "!!null" {
					r.add(mlist.Line, join(rf, "metrics"), "must be a list, not %s", describeYAML(mlist))
				}
				continue
			}
			for k, m := range mlist.Content {
				metric := r.fields(m, index(join(rf, "metrics"), k))
				if metric == nil {
					continue
				}
				ev.results = append(ev.results, joinNonEmpty(" ", firstOf(r.text(metric, "name"), r.text(metric, "type")), r.text(metric, "value"))+" on "+where)
			}
		}
	}
	return ev
}

func (hf *hfCard) modelCard(a *Asset, sum *card, ev evaluation) {
	r, meta := hf.reader, hf.meta
	if org, _, ok := strings.Cut(a.Key, "/"); ok {
		a.Attributes["provider"] = org
	}
	a.Attributes["framework"] = r.text(meta, "library_name")
	task := firstOf(r.text(meta, "pipeline_tag"), ev.task)
	a.Attributes["task"] = task
	bases := r.texts(meta, "base_model")
	a.Attributes["base_model"] = strings.Join(bases, ", ")
	for _, b := range bases {
		relate(a, isms.RelFineTunedFrom, b)
	}
	datasets := r.texts(meta, "datasets")
	for _, d := range datasets {
		relate(a, isms.RelTrainedOn, d)
	}
	for _, d := range ev.datasets {
		relate(a, isms.RelEvaluatedOn, d)
	}
	sum.field("Task", task)
	sum.field("Framework", a.Attributes["framework"])
	sum.field("Licence", a.Attributes["licence"])
	sum.field("Base model", joinNonEmpty(" ", a.Attributes["base_model"], parenthesised(r.text(meta, "base_model_relation"))))
	sum.field("Languages", strings.Join(r.texts(meta, "language"), ", "))
	sum.list("Training datasets", datasets)
	sum.field("Metrics", strings.Join(r.texts(meta, "metrics"), ", "))
	sum.list("Evaluation results", ev.results)
	hf.sections(sum, []cardSection{
		{"Architecture", []string{"model architecture", "architecture"}},
		{"Intended uses", []string{"intended use", "direct use", "downstream use", "uses"}},
		{"Out-of-scope use", []string{"out-of-scope", "out of scope", "misuse"}},
		{"Limitations", []string{"limitation"}},
		{"Bias, risks and ethical considerations", []string{"bias", "risk", "ethic", "fairness"}},
		{"Recommendations", []string{"recommendation"}},
		{"Training data", []string{"training data"}},
		{"Training procedure", []string{"training procedure", "fine-tuning", "preprocessing", "hyperparameters"}},
		{"Evaluation", []string{"evaluation results", "results"}},
		{"Environmental impact", []string{"environmental impact"}},
	})
}

func parenthesised(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func (hf *hfCard) datasetCard(a *Asset, sum *card) {
	r, meta := hf.reader, hf.meta
	sources := r.texts(meta, "source_datasets")
	annotations := r.texts(meta, "annotations_creators")
	language := r.texts(meta, "language_creators")
	a.Attributes["provenance"] = joinNonEmpty("; ",
		labelled("source", strings.Join(sources, ", ")),
		labelled("annotations by", strings.Join(annotations, ", ")),
		labelled("language by", strings.Join(language, ", ")))
	sum.field("Name", r.text(meta, "pretty_name"))
	sum.field("Licence", a.Attributes["licence"])
	sum.field("Task categories", strings.Join(r.texts(meta, "task_categories"), ", "))
	sum.field("Task ids", strings.Join(r.texts(meta, "task_ids"), ", "))
	sum.field("Size", strings.Join(r.texts(meta, "size_categories"), ", "))
	sum.field("Languages", strings.Join(r.texts(meta, "language"), ", "))
	sum.field("Multilinguality", strings.Join(r.texts(meta, "multilinguality"), ", "))
	sum.field("Source datasets", strings.Join(sources, ", "))
	sum.field("Annotations by", strings.Join(annotations, ", "))
	sum.field("Language by", strings.Join(language, ", "))
	hf.sections(sum, []cardSection{
		{"Uses", []string{"direct use", "uses"}},
		{"Out-of-scope use", []string{"out-of-scope", "out of scope"}},
		{"Personal and sensitive information", []string{"personal", "sensitive"}},
		{"Limitations", []string{"limitation"}},
		{"Bias, risks and ethical considerations", []string{"bias", "risk", "ethic", "social impact"}},
		{"Collection and processing", []string{"collection", "curation rationale"}},
	})
}

// cardSection is a part of the summary and the words that find its
// headings in the card.
type cardSection struct {
	label string
	words []string
}

// sections copies into the summary the text under the headings each
// section names; a heading feeds the first section it matches.
func (hf *hfCard) sections(sum *card, want []cardSection) {
	const perSection = 4000
	texts := make([][]string, len(want))
	for _, s := range hf.md.sections {
		title := strings.ToLower(s.title)
		for i, w := range want {
			if slices.ContainsFunc(w.words, func(word string) bool { return strings.Contains(title, word) }) {
				if t := cleanSection(s.text); t != "" {
					texts[i] = append(texts[i], t)
				}
				break
			}
		}
	}
	for i, w := range want {
		text, _ := shorten(strings.Join(texts[i], "\n\n"), perSection)
		sum.section(w.label, text)
	}
}

// markdown is a card's text cut at its headings.
type markdown struct {
	intro    string
	sections []mdSection
}

type mdSection struct {
	level int
	title string
	line  int
	text  string
}

var htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)

// parseMarkdown cuts the text at ATX headings outside code fences.
func parseMarkdown(text string, first int) markdown {
	var md markdown
	var cur *mdSection
	var buf strings.Builder
	flush := func() {
		if cur == nil {
			md.intro = buf.String()
		} else {
			cur.text = buf.String()
			md.sections = append(md.sections, *cur)
		}
		buf.Reset()
	}
	fence := ""
	for i, line := range strings.SplitAfter(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
		case strings.HasPrefix(line, "#"):
			level := len(line) - len(strings.TrimLeft(line, "#"))
			if rest := line[level:]; level <= 6 && (strings.HasPrefix(rest, " ") || strings.TrimSpace(rest) == "") {
				flush()
				cur = &mdSection{level: level, title: strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "#")), line: first + i}
				continue
			}
		}
		buf.WriteString(line)
	}
	flush()
	return md
}

// title returns the first top-level heading and its line.
func (md markdown) title() (string, int) {
	for _, s := range md.sections {
		if s.level == 1 {
			return oneLine(s.title), s.line
		}
	}
	return "", 0
}

// description is the first paragraph of the section describing the model
// or dataset, else the first paragraph under the title.
func (md markdown) description() string {
	for _, s := range md.sections {
		t := strings.ToLower(s.title)
		if strings.Contains(t, "description") || strings.Contains(t, "summary") || t == "model details" {
			if p := firstParagraph(s.text); p != "" {
				return p
			}
		}
	}
	if p := firstParagraph(md.intro); p != "" {
		return p
	}
	for _, s := range md.sections {
		if p := firstParagraph(s.text); p != "" {
			return p
		}
	}
	return ""
}

// firstParagraph returns the first paragraph of prose, skipping images,
// badges, tables, lists of links and template placeholders.
func firstParagraph(text string) string {
	for _, p := range strings.Split(cleanSection(text), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "![") || strings.HasPrefix(p, "|") || strings.HasPrefix(p, "<") ||
			strings.HasPrefix(p, "```") || strings.HasPrefix(p, "- **") {
			continue
		}
		return oneLine(p)
	}
	return ""
}

// cleanSection drops comments and the template's placeholders.
func cleanSection(text string) string {
	text = htmlComment.ReplaceAllString(text, "")
	var kept []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "[More Information Needed]" {
			continue
		}
		kept = append(kept, strings.TrimRight(line, " \t"))
	}
	out := strings.TrimSpace(strings.Join(kept, "\n"))
	for strings.Contains(out, "\n\n\n") {
		out = strings.ReplaceAll(out, "\n\n\n", "\n\n")
	}
	return out
}

// hasFrontMatter reports whether data starts with a metadata block.
func hasFrontMatter(data []byte) bool {
	return bytes.HasPrefix(data, []byte("---\n")) || bytes.HasPrefix(data, []byte("---\r\n"))
}
