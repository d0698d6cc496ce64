package framework

import (
	"bytes"
	"encoding/json"
	"errors"

	"go.yaml.in/yaml/v3"
)

// File is what a framework file holds: frameworks and mappings. An isms
// framework file holds one framework; a CISO Assistant library can hold a
// framework, its threats and reference controls, and mapping sets.
type File struct {
	Format     string
	Frameworks []*Framework
	Mappings   []*MappingSet
}

// Parse reads a framework file of any supported format, recognised by its
// content: an isms framework or mappings file, an OSCAL catalog, or a CISO
// Assistant library. name is used in problem messages. The result has been
// checked on its own; a Library checks what it refers to.
func Parse(name string, data []byte) (*File, error) {
	c := &collector{file: name}
	if len(data) > MaxFileSize {
		c.add(0, "", "the file is %d bytes; the largest accepted is %d", len(data), MaxFileSize)
		return nil, c.err()
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		fw, err := parseOSCAL(c, data)
		if err != nil {
			return nil, err
		}
		return &File{Format: "oscal", Frameworks: []*Framework{fw}}, nil
	}
	root := parseYAMLDocument(c, data)
	if root == nil {
		return nil, c.err()
	}
	r := &yamlReader{collector: *c}
	if root.Kind != yaml.MappingNode {
		r.add(root.Line, "", "the file must be a YAML mapping with a format field, not %s", describeNode(root))
		return nil, r.err()
	}
	var file *File
	switch format := formatOf(root); format {
	case FormatFramework:
		m := r.fields(root, "", frameworkFields...)
		f := r.readFramework(m)
		f.check(&r.collector)
		file = &File{Format: format, Frameworks: []*Framework{f}}
	case FormatMappings:
		m := r.fields(root, "", "format", "id", "name", "description", "mappings")
		file = &File{Format: format, Mappings: []*MappingSet{r.readMappingSet(m)}}
	case "ciso":
		file = r.readCISO(root)
	default:
		if format == "" {
			r.add(root.Line, "format", "is missing: start an isms file with `format: %s` (or %s)", FormatFramework, FormatMappings)
		} else {
			r.add(keyLine(root, "format"), "format", "%q is not a format isms reads; use %s or %s", format, FormatFramework, FormatMappings)
		}
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return file, nil
}

// formatOf returns the format field, or "ciso" for a CISO Assistant
// library, which has none but has urn and objects.
func formatOf(root *yaml.Node) string {
	var format string
	hasURN, hasObjects := false, false
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "format":
			format = root.Content[i+1].Value
		case "urn":
			hasURN = true
		case "objects":
			hasObjects = true
		}
	}
	if format == "" && hasURN && hasObjects {
		return "ciso"
	}
	return format
}

func keyLine(root *yaml.Node, key string) int {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			return root.Content[i].Line
		}
	}
	return root.Line
}

// jsonLine converts a byte offset in data to a line number.
func jsonLine(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// decodeJSON decodes data into v, reporting syntax and type errors with
// their line.
func decodeJSON(c *collector, data []byte, v any) bool {
	err := json.Unmarshal(data, v)
	if err == nil {
		return true
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		c.add(jsonLine(data, syntax.Offset), "", "not valid JSON: %v", syntax)
	case errors.As(err, &typ):
		c.add(jsonLine(data, typ.Offset), typ.Field, "must be %s, not %s", typ.Type, typ.Value)
	default:
		c.add(0, "", "cannot read the JSON: %v", err)
	}
	return false
}
