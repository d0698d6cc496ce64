package framework

import (
	"encoding/json"
	"fmt"
)

// Bundle is what one imported file brought, in the form isms stores it:
// its frameworks and mapping sets after validation, with every mapping
// resolved to isms references.
type Bundle struct {
	Format     string        `json:"format"`
	Frameworks []*Framework  `json:"frameworks"`
	Mappings   []*MappingSet `json:"mappings,omitempty"`
}

// Encode writes the bundle as JSON.
func (b Bundle) Encode() ([]byte, error) {
	data, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode framework bundle: %w", err)
	}
	return data, nil
}

// DecodeBundle reads a bundle written by Encode.
func DecodeBundle(data []byte) (Bundle, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("decode framework bundle: %w", err)
	}
	return b, nil
}

// SourceFormat names the format of a parsed file as isms records it:
// isms, oscal or ciso.
func (f *File) SourceFormat() string {
	switch f.Format {
	case "oscal", "ciso":
		return f.Format
	}
	return "isms"
}
