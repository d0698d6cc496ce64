package aibom

import (
	"strings"
)

// card writes the plain-text summary of a model or dataset card: labelled
// lines, lists and sections, in the order they are written. It stops
// growing well before a hostile file could make it large; the asset set
// cuts it to its final size.
type card struct {
	b strings.Builder
}

func (c *card) full() bool { return c.b.Len() > 2*maxModelCard }

// field writes "Label: value" when there is a value.
func (c *card) field(label, value string) {
	value = oneLine(value)
	if value == "" || c.full() {
		return
	}
	c.b.WriteString(label + ": " + value + "\n")
}

// list writes a label and one line per item.
func (c *card) list(label string, items []string) {
	var kept []string
	for _, it := range items {
		if it = oneLine(it); it != "" {
			kept = append(kept, it)
		}
	}
	if len(kept) == 0 || c.full() {
		return
	}
	c.b.WriteString(label + ":\n")
	for _, it := range kept {
		c.b.WriteString("- " + it + "\n")
	}
}

// section writes a label and a block of prose.
func (c *card) section(label, text string) {
	text = prose(text)
	if text == "" || c.full() {
		return
	}
	c.b.WriteString(label + ":\n" + text + "\n")
}

func (c *card) String() string { return strings.TrimSpace(c.b.String()) }

// joinNonEmpty joins the non-empty parts.
func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// firstOf returns the first non-empty value.
func firstOf(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
