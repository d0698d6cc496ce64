package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// parseJSON reads a JSON document into a tree, leaving out the members
// named in skip (large parts no reader looks at, such as hashes and
// embedded images) without keeping them. It reports syntax errors, nesting
// deeper than maxDepth, more than maxValues values and keys given twice,
// each with its line; it returns nil when the document cannot be read.
//
// It reads token by token rather than with json.Unmarshal because
// Unmarshal gives no positions for values that are well-formed but wrong,
// nor a bound on nesting before it recurses.
func parseJSON(c *collector, data []byte, skip map[string]bool) *node {
	data = dropTrailingCommas(c, data)
	p := &jsonParser{c: c, data: data, dec: json.NewDecoder(bytes.NewReader(data)), skip: skip, lines: lineCounter{data: data, line: 1}}
	p.dec.UseNumber()
	tok, line, ok := p.next()
	if !ok {
		return nil
	}
	root := p.value(tok, line)
	if root == nil || c.fatal {
		return nil
	}
	rest := p.dec.InputOffset()
	if extra := bytes.TrimLeft(data[rest:], " \t\r\n"); len(extra) > 0 {
		c.add(p.lines.at(len(data)-len(extra)), "", "more content follows the JSON document; a file holds one document")
		return nil
	}
	return root
}

type jsonParser struct {
	c     *collector
	data  []byte
	dec   *json.Decoder
	skip  map[string]bool
	lines lineCounter
	depth int
	count int
}

// next reads a token and the line it starts on, keeping track of depth.
func (p *jsonParser) next() (json.Token, int, bool) {
	if p.c.fatal {
		return nil, 0, false
	}
	start := int(p.dec.InputOffset())
	for start < len(p.data) && strings.IndexByte(" \t\r\n,:", p.data[start]) >= 0 {
		start++
	}
	tok, err := p.dec.Token()
	if err != nil {
		p.syntaxError(err, start)
		return nil, 0, false
	}
	line := p.lines.at(start)
	if d, ok := tok.(json.Delim); ok {
		switch d {
		case '{', '[':
			p.depth++
			if p.depth > maxDepth {
				p.c.stop(line, "", "values are nested more than %d levels deep", maxDepth)
				return nil, 0, false
			}
		default:
			p.depth--
		}
	}
	return tok, line, true
}

func (p *jsonParser) syntaxError(err error, start int) {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		offset := int(syntax.Offset)
		msg := syntax.Error()
		p.c.stop(p.lines.at(offset), "", "not valid JSON: %s", msg)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		p.c.stop(p.lines.at(len(p.data)), "", "not valid JSON: the file ends in the middle of a value")
	default:
		p.c.stop(p.lines.at(start), "", "not valid JSON: %v", err)
	}
}

// dropTrailingCommas blanks out commas that stand right before a closing
// bracket or brace, outside strings, and warns about each. JSON allows
// none, but they are the most common slip of hand-written BOMs (two of
// CycloneDX's own ML-BOM examples have one), and what the file means is not
// in doubt. Blanking keeps every offset, so lines stay right.
func dropTrailingCommas(c *collector, data []byte) []byte {
	var out []byte
	inString, escaped := false, false
	lines := lineCounter{data: data, line: 1}
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == ',':
			j := i + 1
			for j < len(data) && strings.IndexByte(" \t\r\n", data[j]) >= 0 {
				j++
			}
			if j < len(data) && (data[j] == '}' || data[j] == ']') {
				if out == nil {
					out = bytes.Clone(data)
				}
				out[i] = ' '
				c.warn(lines.at(i), "", "a comma before a closing %c was ignored; JSON allows no trailing commas", data[j])
			}
		}
	}
	if out == nil {
		return data
	}
	return out
}

// value builds the value that starts with tok.
func (p *jsonParser) value(tok json.Token, line int) *node {
	p.count++
	if p.count > maxValues {
		p.c.stop(line, "", "the file holds more than %d values; split it", maxValues)
		return nil
	}
	n := &node{line: line}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return p.object(n)
		}
		return p.array(n)
	case string:
		n.kind, n.text = kindString, t
	case json.Number:
		n.kind, n.text = kindNumber, t.String()
	case bool:
		n.kind = kindBool
		n.text = "false"
		if t {
			n.text = "true"
		}
	case nil:
		n.kind = kindNull
	}
	return n
}

func (p *jsonParser) object(n *node) *node {
	n.kind = kindObject
	first := map[string]int{}
	for {
		tok, line, ok := p.next()
		if !ok {
			return nil
		}
		if tok == json.Delim('}') {
			return n
		}
		key, _ := tok.(string)
		if p.skip[key] {
			if !p.skipValue() {
				return nil
			}
			continue
		}
		vt, vline, ok := p.next()
		if !ok {
			return nil
		}
		v := p.value(vt, vline)
		if v == nil {
			return nil
		}
		if at, dup := first[key]; dup {
			p.c.add(line, key, "is given twice in one object (first on line %d)", at)
			continue
		}
		first[key] = line
		n.keys = append(n.keys, key)
		n.items = append(n.items, v)
	}
}

func (p *jsonParser) array(n *node) *node {
	n.kind = kindArray
	for {
		tok, line, ok := p.next()
		if !ok {
			return nil
		}
		if tok == json.Delim(']') {
			return n
		}
		v := p.value(tok, line)
		if v == nil {
			return nil
		}
		n.items = append(n.items, v)
	}
}

// skipValue reads past one value without keeping it; nesting is still
// bounded because next counts it.
func (p *jsonParser) skipValue() bool {
	tok, _, ok := p.next()
	if !ok {
		return false
	}
	if d, isDelim := tok.(json.Delim); isDelim && (d == '{' || d == '[') {
		for target := p.depth - 1; p.depth > target; {
			if _, _, ok := p.next(); !ok {
				return false
			}
		}
	}
	return true
}

// lineCounter turns byte offsets into lines. Offsets mostly grow, so it
// counts on from the last one instead of indexing every line of a file
// that may hold millions.
type lineCounter struct {
	data   []byte
	offset int
	line   int
}

func (l *lineCounter) at(offset int) int {
	offset = min(max(offset, 0), len(l.data))
	if offset < l.offset {
		l.offset, l.line = 0, 1
	}
	l.line += bytes.Count(l.data[l.offset:offset], []byte("\n"))
	l.offset = offset
	return l.line
}
