package framework

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The isms file format as written: field order follows docs/frameworks.md
// so a written file reads like a hand-written one.
type yamlFramework struct {
	Format      string                   `yaml:"format"`
	ID          string                   `yaml:"id"`
	Name        string                   `yaml:"name"`
	ShortName   string                   `yaml:"short_name,omitempty"`
	Version     string                   `yaml:"version"`
	Revision    int                      `yaml:"revision"`
	Published   string                   `yaml:"published,omitempty"`
	Publisher   string                   `yaml:"publisher,omitempty"`
	Kind        Kind                     `yaml:"kind"`
	Description string                   `yaml:"description,omitempty"`
	Source      string                   `yaml:"source,omitempty"`
	Licence     string                   `yaml:"licence,omitempty"`
	Attributes  map[string]yamlAttribute `yaml:"attributes,omitempty"`
	Items       []yamlItem               `yaml:"items"`
	Mappings    []yamlMapping            `yaml:"mappings,omitempty"`
}

type yamlAttribute struct {
	Title  string   `yaml:"title,omitempty"`
	Values []string `yaml:"values,omitempty,flow"`
}

type yamlItem struct {
	ID          string              `yaml:"id"`
	Label       string              `yaml:"label,omitempty"`
	Parent      string              `yaml:"parent,omitempty"`
	Kind        ItemKind            `yaml:"kind"`
	Title       string              `yaml:"title"`
	Assessable  bool                `yaml:"assessable"`
	Description string              `yaml:"description,omitempty"`
	Guidance    string              `yaml:"guidance,omitempty"`
	Attributes  map[string][]string `yaml:"attributes,omitempty,flow"`
}

type yamlMapping struct {
	From     string   `yaml:"from"`
	To       string   `yaml:"to"`
	Relation Relation `yaml:"relation"`
	Note     string   `yaml:"note,omitempty"`
}

// WriteYAML writes a framework in the isms file format, which Parse reads
// back.
func WriteYAML(f *Framework) ([]byte, error) {
	out := yamlFramework{
		Format: FormatFramework, ID: f.ID, Name: f.Name, ShortName: f.ShortName, Version: f.Version, Revision: f.Revision,
		Published: f.Published, Publisher: f.Publisher, Kind: f.Kind, Description: f.Description, Source: f.Source, Licence: f.Licence,
	}
	if len(f.Attributes) > 0 {
		out.Attributes = map[string]yamlAttribute{}
		for _, a := range f.Attributes {
			out.Attributes[a.Key] = yamlAttribute{Title: a.Title, Values: a.Values}
		}
	}
	for _, it := range f.Items {
		yi := yamlItem{ID: it.ID, Label: it.Label, Parent: it.Parent, Kind: it.Kind, Title: it.Title, Assessable: it.Assessable,
			Description: it.Description, Guidance: it.Guidance}
		if len(it.Attributes) > 0 {
			yi.Attributes = map[string][]string{}
			for _, a := range it.Attributes {
				yi.Attributes[a.Key] = a.Values
			}
		}
		out.Items = append(out.Items, yi)
	}
	for _, m := range f.Mappings {
		if m.From.Framework != f.ID {
			continue
		}
		out.Mappings = append(out.Mappings, yamlMapping{From: m.From.Item, To: m.To.String(), Relation: m.Relation, Note: m.Note})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("write %s as YAML: %w", f.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write %s as YAML: %w", f.ID, err)
	}
	return buf.Bytes(), nil
}
