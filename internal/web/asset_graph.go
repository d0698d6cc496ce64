package web

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/store"
)

// ---------------------------------------------------------------------
// The neighbourhood graph, drawn on the server as SVG.

// assetGraph is a laid-out neighbourhood: the asset in the centre, the
// assets one relation away on the inner rings, two away on the outer
// ones. Coordinates are in SVG user units.
type assetGraph struct {
	Width, Height int
	Nodes         []graphNode
	Edges         []graphEdge
	Title, Desc   string
}

type graphNode struct {
	X, Y, W, H int // top left corner and size
	TX, TY     int // the label's anchor
	Label      string
	Name       string
	TypeLabel  string
	Href       string
	AI         bool
	Center     bool
}

type graphEdge struct {
	X1, Y1, X2, Y2 int
	LX, LY         int // the label's anchor
	Label          string
}

// Node sizes and spacing of the graph.
const (
	nodeW, nodeH = 140, 30
	gapX, gapY   = 14, 12 // the least room between two nodes
	ringGap      = 46     // room between rings, for the edges' labels…
	ringGapX     = 96     // …which are wider than tall
	ringStretch  = 2.2    // rings are ellipses this much wider than tall
	graphMargin  = 14
	labelRunes   = 20
)

// layoutGraph places the assets of a neighbourhood deterministically:
// the centre asset in the middle, the assets one relation away on a ring
// around it in name order, the assets two away on an outer ring, each
// near the neighbour it hangs from. A ring is as small as its nodes allow
// without overlapping one another or the rings inside it.
func layoutGraph(g app.AssetGraph, href func(id string) string) *assetGraph {
	byID := map[string]store.StoredAsset{}
	for _, a := range g.Assets {
		byID[a.ID] = a
	}
	center, ok := byID[g.Center]
	if !ok {
		return nil
	}
	adj := map[string][]string{}
	for _, r := range g.Relations {
		if _, ok := byID[r.FromID]; !ok {
			continue
		}
		if _, ok := byID[r.ToID]; !ok {
			continue
		}
		adj[r.FromID] = append(adj[r.FromID], r.ToID)
		adj[r.ToID] = append(adj[r.ToID], r.FromID)
	}
	byName := func(ids []string) {
		slices.SortFunc(ids, func(a, b string) int {
			if c := strings.Compare(strings.ToLower(byID[a].Name), strings.ToLower(byID[b].Name)); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
	}
	// Distances from the centre, breadth first.
	seen := map[string]bool{g.Center: true}
	var first, second []string
	parent := map[string]string{}
	near := slices.Clone(adj[g.Center])
	byName(near)
	for _, id := range near {
		if !seen[id] {
			seen[id] = true
			first = append(first, id)
		}
	}
	for _, p := range first {
		next := slices.Clone(adj[p])
		byName(next)
		for _, id := range next {
			if !seen[id] {
				seen[id], parent[id] = true, p
				second = append(second, id)
			}
		}
	}
	// Assets the graph holds but the walk did not reach go outside.
	var rest []string
	for id := range byID {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	byName(rest)
	second = append(second, rest...)

	pos := map[string][2]float64{g.Center: {0, 0}}
	placed := [][2]float64{{0, 0}}
	angle := map[string]float64{}
	ry := 0.0
	ring := func(ids []string, ideal func(id string) (float64, bool)) {
		n := len(ids)
		if n == 0 {
			return
		}
		step := 2 * math.Pi / float64(n)
		// Turn the ring so that nodes sit near their parents: the
		// circular mean of how far each is from its ideal angle. The
		// first ring starts at the right, where a lone neighbour reads
		// best.
		offset, sx, sy := 0.0, 0.0, 0.0
		for j, id := range ids {
			if a, ok := ideal(id); ok {
				sx += math.Cos(a - float64(j)*step)
				sy += math.Sin(a - float64(j)*step)
			}
		}
		if sx != 0 || sy != 0 {
			offset = math.Atan2(sy, sx)
		}
		at := func(r float64) [][2]float64 {
			out := make([][2]float64, n)
			for j := range ids {
				a := offset + float64(j)*step
				out[j] = [2]float64{r * ringStretch * math.Cos(a), r * math.Sin(a)}
			}
			return out
		}
		r := ry + nodeH + ringGap
		var spots [][2]float64
		for range 200 {
			spots = at(r)
			if !overlapping(spots, placed) {
				break
			}
			r *= 1.05
		}
		for j, id := range ids {
			angle[id] = offset + float64(j)*step
			pos[id] = spots[j]
		}
		placed = append(placed, spots...)
		ry = r
	}
	ring(first, func(string) (float64, bool) { return 0, false })
	// The outer nodes in the order of their parents around the circle.
	slices.SortStableFunc(second, func(a, b string) int {
		pa, pb := angle[parent[a]], angle[parent[b]]
		switch {
		case pa < pb:
			return -1
		case pa > pb:
			return 1
		}
		return 0
	})
	ring(second, func(id string) (float64, bool) {
		a, ok := angle[parent[id]]
		return a, ok
	})

	// Canvas: the nodes' extent with a margin.
	minX, maxX, minY, maxY := 0.0, 0.0, 0.0, 0.0
	for _, p := range placed {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	width := int(maxX-minX) + nodeW + 2*graphMargin
	height := int(maxY-minY) + nodeH + 2*graphMargin
	cx, cy := -minX+nodeW/2+graphMargin, -minY+nodeH/2+graphMargin

	out := &assetGraph{Width: width, Height: height,
		Title: "Relations of " + center.Name,
		Desc: fmt.Sprintf("%s and the %d assets related to it within two steps, with %d relations. The list of relations on this page says the same in text.",
			center.Name, len(byID)-1, len(g.Relations))}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	byName(ids)
	// The centre last, so that it is drawn on top.
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == g.Center })
	ids = append(ids, g.Center)
	for _, id := range ids {
		a := byID[id]
		p := pos[id]
		x, y := cx+p[0], cy+p[1]
		label := a.Name
		if r := []rune(label); len(r) > labelRunes {
			label = string(r[:labelRunes-1]) + "…"
		}
		info, _ := a.Type.Info()
		out.Nodes = append(out.Nodes, graphNode{X: round(x - nodeW/2), Y: round(y - nodeH/2), W: nodeW, H: nodeH,
			TX: round(x), TY: round(y + 4), Label: label, Name: a.Name, TypeLabel: a.Type.Label(), Href: href(id),
			AI: info.AI, Center: id == g.Center})
	}

	// Edges: one line per direction between two assets, the kinds on
	// its label; lines both ways between the same two are drawn apart.
	type pair struct{ from, to string }
	kinds := map[pair][]string{}
	var order []pair
	for _, r := range g.Relations {
		if _, ok := pos[r.FromID]; !ok {
			continue
		}
		if _, ok := pos[r.ToID]; !ok {
			continue
		}
		k := pair{r.FromID, r.ToID}
		if _, ok := kinds[k]; !ok {
			order = append(order, k)
		}
		kinds[k] = append(kinds[k], r.Kind.Label())
	}
	for _, k := range order {
		a, b := pos[k.from], pos[k.to]
		x1, y1, x2, y2 := cx+a[0], cy+a[1], cx+b[0], cy+b[1]
		dx, dy := x2-x1, y2-y1
		length := math.Hypot(dx, dy)
		if length < 1 {
			continue
		}
		if _, both := kinds[pair{k.to, k.from}]; both {
			// Shift each direction to its own side.
			nx, ny := -dy/length*6, dx/length*6
			x1, y1, x2, y2 = x1+nx, y1+ny, x2+nx, y2+ny
		}
		sx, sy := clipToBox(dx, dy)
		labels := kinds[k]
		slices.Sort(labels)
		out.Edges = append(out.Edges, graphEdge{X1: round(x1 + sx), Y1: round(y1 + sy), X2: round(x2 - sx), Y2: round(y2 - sy),
			LX: round((x1 + x2) / 2), LY: round((y1+y2)/2 - 4), Label: strings.Join(slices.Compact(labels), ", ")})
	}
	return out
}

// overlapping reports whether any two of spots would overlap, or a spot
// would come closer to a node of an inner ring than the edges between
// rings need for their labels.
func overlapping(spots, placed [][2]float64) bool {
	clash := func(a, b [2]float64, gx, gy float64) bool {
		return math.Abs(a[0]-b[0]) < nodeW+gx && math.Abs(a[1]-b[1]) < nodeH+gy
	}
	for i, a := range spots {
		for _, b := range spots[i+1:] {
			if clash(a, b, gapX, gapY) {
				return true
			}
		}
		for _, b := range placed {
			if clash(a, b, ringGapX, ringGap) {
				return true
			}
		}
	}
	return false
}

// clipToBox returns where a line from a node's centre in direction
// (dx, dy) leaves the node's box, plus a small gap for the arrow head.
func clipToBox(dx, dy float64) (float64, float64) {
	length := math.Hypot(dx, dy)
	ux, uy := dx/length, dy/length
	t := math.Inf(1)
	if ux != 0 {
		t = math.Min(t, (nodeW/2)/math.Abs(ux))
	}
	if uy != 0 {
		t = math.Min(t, (nodeH/2)/math.Abs(uy))
	}
	t += 3
	return ux * t, uy * t
}

func round(f float64) int { return int(math.Round(f)) }
