package framework

import (
	"fmt"
	"sort"
	"strings"
)

// Library is a set of frameworks and the mappings between them, indexed
// both ways. isms's own catalogs form one Library, loaded once; an
// organisation's view layers its imported frameworks over it, so the
// built-in index is never copied.
type Library struct {
	base       *Library
	frameworks map[string]*Framework
	order      []string
	urns       map[string]string // CISO Assistant framework URN to id
	out, in    map[Ref][]Mapping
}

// NewLibrary returns an empty library layered over base (which may be nil).
func NewLibrary(base *Library) *Library {
	return &Library{base: base, frameworks: map[string]*Framework{}, urns: map[string]string{},
		out: map[Ref][]Mapping{}, in: map[Ref][]Mapping{}}
}

// Framework returns a framework by id.
func (l *Library) Framework(id string) (*Framework, bool) {
	for ; l != nil; l = l.base {
		if f, ok := l.frameworks[id]; ok {
			return f, true
		}
	}
	return nil, false
}

// Frameworks lists every framework, the base layer's first.
func (l *Library) Frameworks() []*Framework {
	var out []*Framework
	if l.base != nil {
		out = l.base.Frameworks()
	}
	for _, id := range l.order {
		out = append(out, l.frameworks[id])
	}
	return out
}

// Own lists the frameworks of this layer only.
func (l *Library) Own() []*Framework {
	out := make([]*Framework, 0, len(l.order))
	for _, id := range l.order {
		out = append(out, l.frameworks[id])
	}
	return out
}

// Resolve finds the framework and item a reference names.
func (l *Library) Resolve(r Ref) (*Framework, *Item, bool) {
	f, ok := l.Framework(r.Framework)
	if !ok {
		return nil, nil, false
	}
	it, ok := f.Item(r.Item)
	return f, it, ok
}

// Outgoing returns the mappings from an item.
func (l *Library) Outgoing(r Ref) []Mapping {
	var out []Mapping
	for ; l != nil; l = l.base {
		out = append(out, l.out[r]...)
	}
	return out
}

// Incoming returns the mappings to an item.
func (l *Library) Incoming(r Ref) []Mapping {
	var out []Mapping
	for ; l != nil; l = l.base {
		out = append(out, l.in[r]...)
	}
	return out
}

func (l *Library) urnFramework(urn string) (*Framework, bool) {
	for ; l != nil; l = l.base {
		if id, ok := l.urns[urn]; ok {
			return l.frameworks[id], true
		}
	}
	return nil, false
}

// Add checks frameworks and mapping sets read from one file against the
// library and adds all of them, or, when anything is wrong, none: every
// problem is returned, naming the file, line and field.
func (l *Library) Add(file string, fws []*Framework, sets []*MappingSet) error {
	return l.add(file, fws, sets, false)
}

// Check does everything Add does except adding. With replacing, a
// framework may reuse the id of one in the library, as when a catalog is
// edited and checked again.
func (l *Library) Check(file string, fws []*Framework, sets []*MappingSet, replacing bool) error {
	return NewLibrary(l).add(file, fws, sets, replacing)
}

func (l *Library) add(file string, fws []*Framework, sets []*MappingSet, replacing bool) error {
	c := &collector{file: file}
	pending := NewLibrary(l)
	for _, f := range fws {
		_, inBatch := pending.frameworks[f.ID]
		if _, taken := pending.Framework(f.ID); inBatch || (taken && !replacing) {
			c.add(0, "id", "the framework id %q is already taken; choose another", f.ID)
			continue
		}
		pending.insert(f)
	}
	if c.err() != nil {
		return c.err()
	}
	for _, f := range fws {
		for i := range f.Mappings {
			pending.resolve(c, &f.Mappings[i], fmt.Sprintf("mappings[%d]", i))
		}
	}
	for _, s := range sets {
		for i := range s.Mappings {
			pending.resolve(c, &s.Mappings[i], fmt.Sprintf("mappings[%d]", i))
		}
	}
	if err := c.err(); err != nil {
		return err
	}
	for _, f := range fws {
		l.insert(f)
		for _, m := range f.Mappings {
			l.index(m)
		}
	}
	for _, s := range sets {
		for _, m := range s.Mappings {
			l.index(m)
		}
	}
	return nil
}

func (l *Library) insert(f *Framework) {
	f.urns = nil
	f.buildIndex()
	l.frameworks[f.ID] = f
	l.order = append(l.order, f.ID)
	if f.URN != "" {
		l.urns[f.URN] = f.ID
	}
}

func (l *Library) index(m Mapping) {
	l.out[m.From] = append(l.out[m.From], m)
	l.in[m.To] = append(l.in[m.To], m)
}

// resolve checks both ends of a mapping, turning CISO Assistant URNs into
// isms references on the way.
func (l *Library) resolve(c *collector, m *Mapping, path string) {
	for _, end := range []struct {
		ref   *Ref
		field string
	}{{&m.From, path + ".from"}, {&m.To, path + ".to"}} {
		ref := end.ref
		if urn, isURN := strings.CutPrefix(ref.Framework, cisoRef+":"); isURN {
			f, ok := l.urnFramework(urn)
			if !ok {
				c.add(m.line, end.field, "the framework %q is not in isms; import it first", urn)
				continue
			}
			item, ok := f.itemByURN(ref.Item)
			if !ok {
				c.add(m.line, end.field, "%q is not a requirement of %s", ref.Item, f.ID)
				continue
			}
			*ref = Ref{Framework: f.ID, Item: item}
			continue
		}
		f, ok := l.Framework(ref.Framework)
		if !ok {
			c.add(m.line, end.field, "%q names the framework %q, which isms does not have", ref.String(), ref.Framework)
			continue
		}
		if _, ok := f.Item(ref.Item); !ok {
			c.add(m.line, end.field, "%q is not an item of %s", ref.Item, ref.Framework)
		}
	}
}

// itemByURN finds the item a CISO Assistant requirement URN names, by the
// URN's last part compared without case with item ids and labels.
func (f *Framework) itemByURN(urn string) (string, bool) {
	tail := urnTail(urn, cisoBase(f.URN, "req_node"))
	for _, it := range f.Items {
		if strings.EqualFold(it.ID, tail) || (it.Label != "" && strings.EqualFold(it.Label, tail)) {
			return it.ID, true
		}
	}
	return "", false
}

// Hit is one search result.
type Hit struct {
	Framework *Framework
	Item      *Item
}

// Search finds items whose id, label or title contains every word of q,
// or whose description or guidance does, the former first. frameworks
// limits the search; empty means all.
func (l *Library) Search(q string, frameworks []string, limit int) []Hit {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return nil
	}
	type scored struct {
		Hit
		score, order int
	}
	var hits []scored
	n := 0
	for _, f := range l.Frameworks() {
		if len(frameworks) > 0 && !contains(frameworks, f.ID) {
			continue
		}
		for _, it := range f.Items {
			n++
			head := strings.ToLower(it.ID + " " + it.Label + " " + it.Title)
			body := strings.ToLower(it.Description + " " + it.Guidance)
			score := 0
			for _, w := range words {
				switch {
				case strings.Contains(head, w):
					score += 2
				case strings.Contains(body, w):
					score++
				default:
					score = -1
				}
				if score < 0 {
					break
				}
			}
			if score > 0 {
				hits = append(hits, scored{Hit{f, it}, score, n})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].order < hits[j].order
	})
	out := make([]Hit, 0, min(len(hits), limit))
	for i := 0; i < len(hits) && i < limit; i++ {
		out = append(out, hits[i].Hit)
	}
	return out
}
