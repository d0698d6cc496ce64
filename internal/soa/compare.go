package soa

import (
	"encoding/json"
	"slices"
	"strings"
)

// Difference is one field of one control that differs between two
// statements.
type Difference struct {
	Control string `json:"control"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Field   string `json:"field"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

// Compare lists, control by control in the order of b, what changed from a
// to b: applicability, reasons, exclusion, status, owner, implementation,
// evidence. Controls in only one of them show as added or removed.
func Compare(a, b Document) []Difference {
	before := make(map[string]Entry, len(a.Entries))
	for _, e := range a.Entries {
		before[e.Control] = e
	}
	var out []Difference
	seen := map[string]bool{}
	for _, e := range b.Entries {
		seen[e.Control] = true
		old, ok := before[e.Control]
		if !ok {
			out = append(out, Difference{e.Control, e.ID, e.Title, "control", "", "added"})
			continue
		}
		for _, f := range comparedFields {
			if x, y := f.value(old), f.value(e); x != y {
				out = append(out, Difference{e.Control, e.ID, e.Title, f.name, x, y})
			}
		}
	}
	for _, e := range a.Entries {
		if !seen[e.Control] {
			out = append(out, Difference{e.Control, e.ID, e.Title, "control", "present", "removed"})
		}
	}
	return out
}

var comparedFields = []struct {
	name  string
	value func(Entry) string
}{
	{"applicability", func(e Entry) string { return string(e.Applicability) }},
	{"reasons", func(e Entry) string {
		refs := make([]string, len(e.Reasons))
		for i, r := range e.Reasons {
			refs[i] = r.Title
			if r.Kind == "risk" {
				refs[i] = r.Ref + " " + r.Title
			}
		}
		slices.Sort(refs)
		return strings.Join(refs, "; ")
	}},
	{"exclusion", func(e Entry) string { return e.Exclusion }},
	{"status", func(e Entry) string { return e.Status.Label() }},
	{"owner", func(e Entry) string { return e.Owner }},
	{"implementation", func(e Entry) string { return e.Implementation }},
	{"evidence", func(e Entry) string {
		titles := make([]string, len(e.Evidence))
		for i, ev := range e.Evidence {
			titles[i] = ev.Title
		}
		slices.Sort(titles)
		return strings.Join(titles, "; ")
	}},
}

// Encode is the frozen form of a document: JSON with the fields in a fixed
// order, so that its hash is the same whenever the same content is encoded.
func Encode(d Document) ([]byte, error) {
	return json.Marshal(d)
}

// Decode reads a frozen document.
func Decode(b []byte) (Document, error) {
	var d Document
	err := json.Unmarshal(b, &d)
	return d, err
}
