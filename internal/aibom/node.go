package aibom

import (
	"fmt"
	"strconv"
	"strings"
)

// node is a JSON value, or an XML element brought into the same shape, with
// the line it starts on, so that the CycloneDX and SPDX readers work on one
// kind of tree and every problem can name its line.
type node struct {
	kind nodeKind
	line int
	// text is a string, or the literal of a number or boolean.
	text string
	// items are an array's elements or an object's values; keys are an
	// object's keys, in the order of the file.
	items []*node
	keys  []string
}

type nodeKind uint8

const (
	kindNull nodeKind = iota
	kindString
	kindNumber
	kindBool
	kindArray
	kindObject
)

// describe names a value's kind for messages.
func (n *node) describe() string {
	switch n.kind {
	case kindString:
		return fmt.Sprintf("the text %q", clip(n.text, 40))
	case kindNumber:
		return "the number " + clip(n.text, 40)
	case kindBool:
		return n.text
	case kindArray:
		return "a list"
	case kindObject:
		return "an object"
	}
	return "null"
}

// get returns an object's member, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.items[i]
		}
	}
	return nil
}

// join builds the path of a member for problems.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// reader reads values out of a tree, reporting wrong types as problems.
type reader struct {
	*collector
}

// object checks that n is an object; a missing or null value is no object
// and no problem.
func (r reader) object(n *node, path string) bool {
	if n == nil || n.kind == kindNull {
		return false
	}
	if n.kind != kindObject {
		r.add(n.line, path, "must be an object, not %s", n.describe())
		return false
	}
	return true
}

// str reads a text member; a missing or null member is "".
func (r reader) str(obj *node, path, key string) string {
	n := obj.get(key)
	if n == nil || n.kind == kindNull {
		return ""
	}
	if n.kind != kindString {
		r.add(n.line, join(path, key), "must be text, not %s", n.describe())
		return ""
	}
	return strings.TrimSpace(n.text)
}

// required reads a text member that must be there, reporting it once
// whether it is missing or of the wrong kind.
func (r reader) required(obj *node, path, key, why string) string {
	n := obj.get(key)
	if n == nil || n.kind == kindNull || (n.kind == kindString && strings.TrimSpace(n.text) == "") {
		r.add(obj.line, join(path, key), "is missing; %s", why)
		return ""
	}
	return r.str(obj, path, key)
}

// scalar reads a member that may be text, a number or a boolean, for
// free-form values such as metrics; anything else is "".
func scalar(obj *node, key string) string {
	n := obj.get(key)
	if n == nil || n.kind == kindNull || n.kind == kindArray || n.kind == kindObject {
		return ""
	}
	return strings.TrimSpace(n.text)
}

// list reads a list member; a missing or null member is empty.
func (r reader) list(obj *node, path, key string) []*node {
	n := obj.get(key)
	if n == nil || n.kind == kindNull {
		return nil
	}
	if n.kind != kindArray {
		r.add(n.line, join(path, key), "must be a list, not %s", n.describe())
		return nil
	}
	return n.items
}

// strs reads a list of texts.
func (r reader) strs(obj *node, path, key string) []string {
	var out []string
	for i, n := range r.list(obj, path, key) {
		if n.kind != kindString {
			r.add(n.line, index(join(path, key), i), "must be text, not %s", n.describe())
			continue
		}
		if s := strings.TrimSpace(n.text); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// strOrStrs reads a member that may be one text or a list of texts, as
// JSON-LD allows for properties of any cardinality.
func (r reader) strOrStrs(obj *node, path, key string) []string {
	n := obj.get(key)
	if n != nil && n.kind == kindString {
		if s := strings.TrimSpace(n.text); s != "" {
			return []string{s}
		}
		return nil
	}
	return r.strs(obj, path, key)
}

// elems returns an array's elements, or nothing for any other value.
func (n *node) elems() []*node {
	if n == nil || n.kind != kindArray {
		return nil
	}
	return n.items
}
