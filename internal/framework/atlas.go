package framework

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MITRE ATLAS, read from MITRE's own ATLAS.yaml (Apache-2.0), which the
// binary embeds with its licence. Its text is MITRE's, shown with that
// attribution.

type atlasFile struct {
	ID       string        `yaml:"id"`
	Name     string        `yaml:"name"`
	Version  string        `yaml:"version"`
	Matrices []atlasMatrix `yaml:"matrices"`
}

type atlasMatrix struct {
	ID          string            `yaml:"id"`
	Tactics     []atlasObject     `yaml:"tactics"`
	Techniques  []atlasObject     `yaml:"techniques"`
	Mitigations []atlasMitigation `yaml:"mitigations"`
}

type atlasObject struct {
	ID             string   `yaml:"id"`
	Name           string   `yaml:"name"`
	Description    string   `yaml:"description"`
	Tactics        []string `yaml:"tactics"`
	SubtechniqueOf string   `yaml:"subtechnique-of"`
	Maturity       string   `yaml:"maturity"`
}

type atlasMitigation struct {
	ID          string     `yaml:"id"`
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Techniques  []atlasUse `yaml:"techniques"`
	Category    []string   `yaml:"category"`
	// ml-lifecycle is a list of stage names, except that ATLAS 5.6.0 has
	// a technique entry slipped into it for AML.M0018 and AML.M0034; the
	// loader accepts both and moves such entries to the techniques.
	Lifecycle []yaml.Node `yaml:"ml-lifecycle"`
}

type atlasUse struct {
	ID  string `yaml:"id"`
	Use string `yaml:"use"`
}

// AtlasID is the framework id of MITRE ATLAS.
const AtlasID = "mitre-atlas"

// mitigationsSection groups ATLAS's mitigations in the tree.
const mitigationsSection = "AML.M"

// parseATLAS turns ATLAS.yaml into a framework: tactics, techniques under
// the first tactic they serve (all tactics kept as an attribute),
// sub-techniques under their technique, and mitigations, with each
// technique mapped to the mitigations ATLAS lists for it.
func parseATLAS(name string, data []byte) (*Framework, error) {
	c := &collector{file: name}
	var af atlasFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&af); err != nil {
		c.add(yamlErrorLine(err), "", "not a MITRE ATLAS file: %s", yamlErrorText(err))
		return nil, c.err()
	}
	var m *atlasMatrix
	for i := range af.Matrices {
		if af.Matrices[i].ID == "ATLAS" {
			m = &af.Matrices[i]
		}
	}
	if m == nil {
		c.add(0, "matrices", "has no ATLAS matrix")
		return nil, c.err()
	}
	f := &Framework{
		ID: AtlasID, Name: "MITRE ATLAS", ShortName: "MITRE ATLAS", Version: af.Version, Revision: 1, Kind: KindThreats,
		Publisher: "MITRE", Licence: "Apache-2.0 (Copyright 2021-2025 MITRE)",
		Description: "Adversarial Threat Landscape for AI Systems: the tactics and techniques of real attacks on AI systems, and the mitigations against them. " +
			"Each technique is mapped to the ISO/IEC 27001:2022 controls and AI security requirements that treat it, through the mitigations ATLAS lists for it or, where it lists none, through its tactics.",
		Source: "MITRE ATLAS " + af.Version + " ATLAS.yaml; names and descriptions are MITRE's (Apache-2.0)",
		Attributes: []AttributeDef{
			{Key: "tactic", Title: "Tactics"},
			{Key: "maturity", Title: "Maturity", Values: []string{"feasible", "demonstrated", "realized"}},
			{Key: "category", Title: "Category"},
			{Key: "lifecycle", Title: "ML lifecycle"},
		},
	}
	for _, t := range m.Tactics {
		f.Items = append(f.Items, &Item{ID: t.ID, Kind: ItemTactic, Title: t.Name, Description: strings.TrimSpace(t.Description)})
	}
	// Top-level techniques before sub-techniques, so parents come first.
	techniques := slices.Clone(m.Techniques)
	slices.SortStableFunc(techniques, func(a, b atlasObject) int {
		return boolInt(a.SubtechniqueOf != "") - boolInt(b.SubtechniqueOf != "")
	})
	for _, t := range techniques {
		it := &Item{ID: t.ID, Kind: ItemTechnique, Title: t.Name, Assessable: true, Description: strings.TrimSpace(t.Description)}
		if t.SubtechniqueOf != "" {
			it.Parent = t.SubtechniqueOf
		} else if len(t.Tactics) > 0 {
			it.Parent = t.Tactics[0]
			it.Attributes = append(it.Attributes, Attribute{Key: "tactic", Values: t.Tactics})
		}
		if t.Maturity != "" {
			it.Attributes = append(it.Attributes, Attribute{Key: "maturity", Values: []string{t.Maturity}})
		}
		f.Items = append(f.Items, it)
	}
	f.Items = append(f.Items, &Item{ID: mitigationsSection, Kind: ItemSection, Title: "Mitigations",
		Description: "Security concepts and technologies that prevent ATLAS techniques or sub-techniques from succeeding."})
	for _, mit := range m.Mitigations {
		it := &Item{ID: mit.ID, Parent: mitigationsSection, Kind: ItemMitigation, Title: mit.Name, Description: strings.TrimSpace(mit.Description)}
		if len(mit.Category) > 0 {
			it.Attributes = append(it.Attributes, Attribute{Key: "category", Values: mit.Category})
		}
		uses := mit.Techniques
		var stages []string
		for _, n := range mit.Lifecycle {
			switch n.Kind {
			case yaml.ScalarNode:
				stages = append(stages, n.Value)
			case yaml.MappingNode:
				var u atlasUse
				if err := n.Decode(&u); err == nil && u.ID != "" {
					uses = append(uses, u)
				}
			}
		}
		if len(stages) > 0 {
			it.Attributes = append(it.Attributes, Attribute{Key: "lifecycle", Values: stages})
		}
		f.Items = append(f.Items, it)
		for _, u := range uses {
			f.Mappings = append(f.Mappings, Mapping{From: Ref{AtlasID, u.ID}, To: Ref{AtlasID, mit.ID}, Relation: RelMitigatedBy,
				Note: strings.TrimSpace(u.Use)})
		}
	}
	dedupMappings(f)
	f.check(c)
	if err := c.err(); err != nil {
		return nil, fmt.Errorf("load MITRE ATLAS: %w", err)
	}
	return f, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dedupMappings drops repeated mappings; ATLAS lists a technique twice
// under one mitigation in places.
func dedupMappings(f *Framework) {
	seen := map[string]bool{}
	out := f.Mappings[:0]
	for _, m := range f.Mappings {
		k := m.From.String() + " " + string(m.Relation) + " " + m.To.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	f.Mappings = out
}

// deriveAtlasTreatments maps every ATLAS technique to the controls that
// treat it: the targets of its mitigations' mappings, or, for a technique
// with no mitigation, its tactics' treatments (a sub-technique uses its
// parent's). Only targets in the given frameworks count.
func deriveAtlasTreatments(lib *Library, targets []string) {
	atlas, ok := lib.Framework(AtlasID)
	if !ok {
		return
	}
	treats := func(from Ref, rel ...Relation) []Mapping {
		var out []Mapping
		for _, m := range lib.Outgoing(from) {
			if contains(targets, m.To.Framework) && slices.Contains(rel, m.Relation) {
				out = append(out, m)
			}
		}
		return out
	}
	var derived []Mapping
	for _, it := range atlas.Items {
		if it.Kind != ItemTechnique {
			continue
		}
		seen := map[Ref]bool{}
		add := func(to Ref, note string) {
			if !seen[to] {
				seen[to] = true
				derived = append(derived, Mapping{From: Ref{AtlasID, it.ID}, To: to, Relation: RelTreatedBy, Note: note})
			}
		}
		self := Ref{AtlasID, it.ID}
		for _, mm := range lib.Outgoing(self) {
			if mm.Relation != RelMitigatedBy {
				continue
			}
			for _, c := range treats(mm.To, RelRelated, RelImplements) {
				add(c.To, "through mitigation "+mm.To.Item)
			}
		}
		if len(seen) == 0 {
			tech := it
			if tech.Parent != "" {
				if parent, ok := atlas.Item(tech.Parent); ok && parent.Kind == ItemTechnique {
					tech = parent
				}
			}
			for _, tactic := range tech.Attr("tactic") {
				for _, c := range treats(Ref{AtlasID, tactic}, RelTreatedBy) {
					add(c.To, "through tactic "+tactic)
				}
			}
		}
	}
	atlas.Mappings = append(atlas.Mappings, derived...)
	for _, m := range derived {
		lib.index(m)
	}
}
