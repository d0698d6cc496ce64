package aibom

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

const cdxNamespace = "http://cyclonedx.org/schema/bom/"

// xelem is an XML element as read, before it takes the shape of the JSON
// form.
type xelem struct {
	name  string
	attrs []xml.Attr
	text  strings.Builder
	kids  []*xelem
	line  int
}

// parseCycloneDXXML reads a CycloneDX XML BOM and returns it in the shape
// of the JSON form, so one reader serves both. Elements of other
// namespaces (extensions) and of cdxSkip are left out. Go's XML decoder
// does not expand external entities; DTDs are refused all the same, and
// nesting and size are bounded as for JSON.
func parseCycloneDXXML(c *collector, data []byte) *node {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var (
		root  *xelem
		ns    string
		stack []*xelem
		count int
	)
	line := func() int { l, _ := dec.InputPos(); return l }
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var syntax *xml.SyntaxError
			if errors.As(err, &syntax) {
				c.add(syntax.Line, "", "not valid XML: %s", syntax.Msg)
			} else {
				c.add(line(), "", "not valid XML: %v", err)
			}
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == maxDepth {
				c.add(line(), "", "elements are nested more than %d levels deep", maxDepth)
				return nil
			}
			if root != nil && len(stack) == 0 {
				c.add(line(), "", "not valid XML: a second root element <%s>", clip(t.Name.Local, 40))
				return nil
			}
			if root == nil {
				if t.Name.Local != "bom" || !strings.HasPrefix(t.Name.Space, cdxNamespace) {
					c.add(line(), "", "not a CycloneDX BOM: the root element is <%s> in namespace %q, not <bom> in %s…", clip(t.Name.Local, 40), clip(t.Name.Space, 80), cdxNamespace)
					return nil
				}
				ns = t.Name.Space
			}
			if (t.Name.Space != ns || cdxSkip[t.Name.Local]) && len(stack) > 0 {
				if !skipXML(c, dec, len(stack), line) {
					return nil
				}
				continue
			}
			count++
			if count > maxValues {
				c.add(line(), "", "the file holds more than %d elements; split it", maxValues)
				return nil
			}
			e := &xelem{name: t.Name.Local, line: line()}
			for _, a := range t.Attr {
				if a.Name.Space == "" && a.Name.Local != "xmlns" {
					e.attrs = append(e.attrs, a)
				}
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.Directive:
			c.add(line(), "", "DOCTYPE and other <!…> declarations are not allowed in a BOM")
			return nil
		}
	}
	if root == nil {
		c.add(1, "", "not a CycloneDX BOM: the file holds no XML element")
		return nil
	}
	n := root.toNode()
	version := strings.TrimPrefix(ns, cdxNamespace)
	n.keys = append(n.keys, "bomFormat", "specVersion")
	n.items = append(n.items, &node{kind: kindString, text: "CycloneDX", line: root.line}, &node{kind: kindString, text: version, line: root.line})
	return n
}

// skipXML reads past the rest of an element, still bounding the nesting.
func skipXML(c *collector, dec *xml.Decoder, depth int, line func() int) bool {
	for open := 1; open > 0; {
		tok, err := dec.Token()
		if err != nil {
			c.add(line(), "", "not valid XML: %v", err)
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			open++
			if depth+open > maxDepth {
				c.add(line(), "", "elements are nested more than %d levels deep", maxDepth)
				return false
			}
		case xml.EndElement:
			open--
		case xml.Directive:
			c.add(line(), "", "DOCTYPE and other <!…> declarations are not allowed in a BOM")
			return false
		}
	}
	return true
}

// xmlLists are the XML elements that wrap a list: in JSON they are arrays
// of what they hold.
var xmlLists = map[string]bool{
	"components": true, "services": true, "dependencies": true, "licenses": true, "tags": true,
	"properties": true, "externalReferences": true, "authors": true, "ancestors": true,
	"datasets": true, "inputs": true, "outputs": true, "performanceMetrics": true, "users": true,
	"useCases": true, "technicalLimitations": true, "performanceTradeoffs": true,
	"ethicalConsiderations": true, "fairnessAssessments": true, "energyConsumptions": true,
	"energyProviders": true, "endpoints": true,
}

// xmlRepeated are elements that repeat without a wrapper: in JSON they are
// arrays even when there is one.
var xmlRepeated = map[string]bool{"data": true, "sensitiveData": true}

// toNode gives an element the shape of the JSON form.
func (e *xelem) toNode() *node {
	if xmlLists[e.name] {
		n := &node{kind: kindArray, line: e.line}
		for _, k := range e.kids {
			n.items = append(n.items, k.listItem(e.name))
		}
		return n
	}
	text := strings.TrimSpace(e.text.String())
	if len(e.kids) == 0 && len(e.attrs) == 0 {
		return &node{kind: kindString, text: text, line: e.line}
	}
	n := &node{kind: kindObject, line: e.line}
	for _, a := range e.attrs {
		n.keys = append(n.keys, a.Name.Local)
		n.items = append(n.items, &node{kind: kindString, text: a.Value, line: e.line})
	}
	if len(e.kids) == 0 && text != "" {
		n.keys = append(n.keys, "value")
		n.items = append(n.items, &node{kind: kindString, text: text, line: e.line})
	}
	// at remembers where each child name went; grouped marks the arrays
	// made here to hold repeated children.
	at := map[string]int{}
	grouped := map[int]bool{}
	for _, k := range e.kids {
		v := k.toNode()
		i, seen := at[k.name]
		switch {
		case seen && grouped[i]:
			n.items[i].items = append(n.items[i].items, v)
		case seen:
			// A name that is usually single, given twice: keep both, as the
			// JSON form would have to.
			n.items[i] = &node{kind: kindArray, line: n.items[i].line, items: []*node{n.items[i], v}}
			grouped[i] = true
		default:
			at[k.name] = len(n.items)
			n.keys = append(n.keys, k.name)
			// A component's data elements repeat without a wrapper; a
			// service's single data element holds its data flows.
			if xmlRepeated[k.name] && !(k.name == "data" && e.name == "service") {
				grouped[len(n.items)] = true
				v = &node{kind: kindArray, line: k.line, items: []*node{v}}
			}
			n.items = append(n.items, v)
		}
	}
	return n
}

// listItem shapes an element of a list wrapper where XML and JSON differ.
func (e *xelem) listItem(list string) *node {
	text := strings.TrimSpace(e.text.String())
	str := func(s string) *node { return &node{kind: kindString, text: s, line: e.line} }
	obj := func(keys []string, items ...*node) *node {
		return &node{kind: kindObject, line: e.line, keys: keys, items: items}
	}
	switch {
	case list == "licenses" && e.name == "expression":
		return obj([]string{"expression"}, str(text))
	case list == "licenses":
		return obj([]string{"license"}, e.toNode())
	case list == "datasets" && e.name == "ref":
		return obj([]string{"ref"}, str(text))
	case list == "properties":
		return obj([]string{"name", "value"}, str(e.attr("name")), str(text))
	case list == "dependencies":
		deps := &node{kind: kindArray, line: e.line}
		for _, k := range e.kids {
			deps.items = append(deps.items, &node{kind: kindString, text: k.attr("ref"), line: k.line})
		}
		return obj([]string{"ref", "dependsOn"}, str(e.attr("ref")), deps)
	}
	return e.toNode()
}

func (e *xelem) attr(name string) string {
	for _, a := range e.attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
