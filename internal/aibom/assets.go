package aibom

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// assetSet collects the assets of one file, refusing duplicate keys, and
// brings them within isms.Asset's rules when it is finished.
type assetSet struct {
	c     *collector
	list  []*Asset
	byKey map[string]*Asset
}

func newAssetSet(c *collector) *assetSet {
	return &assetSet{c: c, byKey: map[string]*Asset{}}
}

// add takes a new asset; field names where its key came from, for
// problems. It returns nil when the asset cannot be taken.
func (s *assetSet) add(a *Asset, field string) *Asset {
	a.Key = strings.TrimSpace(a.Key)
	switch {
	case a.Key == "":
		s.c.add(a.Line, field, "has no identity: give it a bom-ref, a purl or a name")
		return nil
	case len(a.Key) > maxKey:
		s.c.add(a.Line, field, "is longer than %d bytes", maxKey)
		return nil
	case strings.ContainsFunc(a.Key, unicode.IsControl):
		s.c.add(a.Line, field, "holds control characters")
		return nil
	}
	if first := s.byKey[a.Key]; first != nil {
		s.c.add(a.Line, field, "%q identifies two assets (the first on line %d); identities must be unique in a file", a.Key, first.Line)
		return nil
	}
	if len(s.list) == MaxAssets {
		s.c.stop(a.Line, "", "the file describes more than %d assets; split it", MaxAssets)
		return nil
	}
	if a.Attributes == nil {
		a.Attributes = map[string]string{}
	}
	s.list = append(s.list, a)
	s.byKey[a.Key] = a
	return a
}

// relate adds a relation from a. Repeats are removed by sortRelations,
// at the end, so that a file with many relations takes no quadratic time.
func relate(a *Asset, kind isms.RelationKind, target string) {
	target = strings.TrimSpace(target)
	if target == "" || target == a.Key || len(target) > maxKey || strings.ContainsFunc(target, unicode.IsControl) {
		return
	}
	a.Relations = append(a.Relations, Relation{Kind: kind, TargetKey: target})
}

// sortRelations orders relations by kind and target, once each, so that
// results do not depend on the order of the file.
func sortRelations(rels []Relation) []Relation {
	slices.SortFunc(rels, func(x, y Relation) int {
		if c := strings.Compare(string(x.Kind), string(y.Kind)); c != 0 {
			return c
		}
		return strings.Compare(x.TargetKey, y.TargetKey)
	})
	return slices.Compact(rels)
}

// finish returns the assets within isms.Asset's rules, warning about what
// had to be shortened or left out.
func (s *assetSet) finish() []Asset {
	out := make([]Asset, len(s.list))
	for i, a := range s.list {
		s.normalize(a)
		out[i] = *a
	}
	return out
}

func (s *assetSet) normalize(a *Asset) {
	where := a.Key
	name, cut := shorten(oneLine(a.Name), maxName)
	if name == "" {
		name, cut = shorten(oneLine(a.Key), maxName)
	}
	if cut {
		s.c.warn(a.Line, where, "the name is longer than %d characters and was shortened", maxName)
	}
	a.Name = name
	if a.Description, cut = shorten(prose(a.Description), maxDescription); cut {
		s.c.warn(a.Line, where, "the description is longer than %d characters and was shortened", maxDescription)
	}
	for key, value := range a.Attributes {
		value, cut = shorten(oneLine(value), maxAttribute)
		if cut {
			s.c.warn(a.Line, where, "%s is longer than %d characters and was shortened", key, maxAttribute)
		}
		if value == "" {
			delete(a.Attributes, key)
		} else {
			a.Attributes[key] = value
		}
	}
	tags := make([]string, 0, len(a.Tags))
	for _, t := range a.Tags {
		t = strings.ToLower(oneLine(t))
		switch {
		case t == "":
		case len(t) > maxTag || strings.ContainsAny(t, ",;"):
			s.c.warn(a.Line, where, "tag %q was left out: tags are 1 to %d bytes without commas or semicolons", clip(t, 80), maxTag)
		default:
			tags = append(tags, t)
		}
	}
	slices.Sort(tags)
	a.Tags = slices.Compact(tags)
	if len(a.Tags) == 0 {
		a.Tags = nil
	}
	a.Relations = sortRelations(a.Relations)
	if len(a.ModelCard) > maxModelCard {
		a.ModelCard = cutBytes(a.ModelCard, maxModelCard-len("\n…")) + "\n…"
		s.c.warn(a.Line, where, "the model card summary is longer than 20 KB and was shortened")
	}
}

// oneLine makes text fit a one-line field: control characters become
// spaces and runs of space collapse.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// prose keeps line breaks and tabs but no other control characters.
func prose(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// shorten cuts s to at most n characters, marking the cut with an ellipsis.
func shorten(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n-1])) + "…", true
}

// clip shortens text quoted in a message.
func clip(s string, n int) string {
	out, _ := shorten(s, n)
	return out
}

// cutBytes cuts s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
