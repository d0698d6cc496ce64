package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fixed wording that auditors look for; tests search the output for it.
const (
	draftNotice     = "DRAFT – not approved"
	kindAccepted    = "residual risk accepted"
	notRated        = "Not rated"
	dateLayout      = "2006-01-02"
	timestampLayout = "2006-01-02 15:04 UTC"
)

func fmtDate(t time.Time) string { return t.UTC().Format(dateLayout) }

func fmtStamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// fmtMinute is fmtStamp for table columns whose header says UTC.
func fmtMinute(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func fmtOptDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return fmtDate(*t)
}

// approvalText reports approval only when both the approver and the moment
// are known: a status of "approved" without them is not evidence an auditor
// can accept.
func approvalText(by string, at *time.Time) (string, bool) {
	if strings.TrimSpace(by) == "" || at == nil {
		return draftNotice, false
	}
	return "Approved by " + by + " on " + fmtStamp(*at), true
}

func generatedText(at time.Time, by string) string {
	s := fmtStamp(at)
	if by != "" {
		s += " by " + by
	}
	return s
}

type rgb struct{ R, G, B int }

var (
	navy        = rgb{0x1F, 0x3A, 0x5F}
	ink         = rgb{0x1A, 0x1A, 0x1A}
	muted       = rgb{0x5F, 0x6B, 0x7A}
	rule        = rgb{0xC8, 0xCF, 0xD8}
	zebra       = rgb{0xF3, 0xF5, 0xF8}
	white       = rgb{0xFF, 0xFF, 0xFF}
	draftRed    = rgb{0xB0, 0x1E, 0x1E}
	approvedInk = rgb{0x1E, 0x6B, 0x3A}
	// unknownGrey marks levels the methodology does not define, so a typo
	// in a level name is visible instead of borrowing another level's colour.
	unknownGrey = rgb{0xD9, 0xD9, 0xD9}
)

func parseColor(s string) (rgb, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) != 6 {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{int(v >> 16 & 0xFF), int(v >> 8 & 0xFF), int(v & 0xFF)}, true
}

func (c rgb) hex() string { return fmt.Sprintf("%02X%02X%02X", c.R, c.G, c.B) }

// text picks black or white lettering by perceived brightness, because
// level colours are configured by each organisation and may be dark or light.
func (c rgb) text() rgb {
	if 299*c.R+587*c.G+114*c.B > 150_000 {
		return ink
	}
	return white
}

// levels resolves level names to colours case-insensitively, since level
// names in risks come from user input while colours come from the
// methodology.
type levels struct {
	list   []Level
	colors map[string]rgb
}

func newLevels(ls []Level) levels {
	l := levels{list: ls, colors: map[string]rgb{}}
	for _, v := range ls {
		c, ok := parseColor(v.Color)
		if !ok {
			c = unknownGrey
		}
		l.colors[strings.ToLower(strings.TrimSpace(v.Name))] = c
	}
	return l
}

func (l levels) color(name string) rgb {
	if c, ok := l.colors[strings.ToLower(strings.TrimSpace(name))]; ok {
		return c
	}
	return unknownGrey
}

// levelCount is one line of a "risks per level" summary.
type levelCount struct {
	Level string
	Count int
}

// count lists every methodology level, even with no risks, so the
// summary shows the whole scale; unknown names follow in order of first
// appearance and unrated risks come last.
func (l levels) count(names []string) []levelCount {
	out := make([]levelCount, 0, len(l.list)+1)
	index := map[string]int{}
	for _, v := range l.list {
		index[strings.ToLower(strings.TrimSpace(v.Name))] = len(out)
		out = append(out, levelCount{Level: v.Name})
	}
	unrated := 0
	for _, n := range names {
		key := strings.ToLower(strings.TrimSpace(n))
		if key == "" {
			unrated++
			continue
		}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, levelCount{Level: n})
		}
		out[i].Count++
	}
	if unrated > 0 {
		out = append(out, levelCount{Level: notRated, Count: unrated})
	}
	return out
}

// grid is the likelihood × impact plane of a methodology, likelihood from
// highest to lowest because heat maps put the worst risks top right.
type grid struct {
	likelihood []Scale
	impact     []Scale
	matrix     [][]string
}

func newGrid(m Methodology) grid {
	g := grid{
		likelihood: slices.Clone(m.Likelihood),
		impact:     slices.Clone(m.Impact),
		matrix:     m.Matrix,
	}
	// A methodology stored without scale texts still has a matrix; number
	// its axes so the heat map can be drawn.
	if len(g.likelihood) == 0 {
		for l := range m.Matrix {
			g.likelihood = append(g.likelihood, Scale{Value: l + 1})
		}
	}
	if len(g.impact) == 0 && len(m.Matrix) > 0 {
		for i := range m.Matrix[0] {
			g.impact = append(g.impact, Scale{Value: i + 1})
		}
	}
	slices.SortStableFunc(g.likelihood, func(a, b Scale) int { return b.Value - a.Value })
	slices.SortStableFunc(g.impact, func(a, b Scale) int { return a.Value - b.Value })
	return g
}

func (g grid) level(l, i int) string {
	if l < 1 || l > len(g.matrix) || i < 1 || i > len(g.matrix[l-1]) {
		return ""
	}
	return g.matrix[l-1][i-1]
}

func (g grid) rated(l, i int) bool {
	return slices.ContainsFunc(g.likelihood, func(s Scale) bool { return s.Value == l }) &&
		slices.ContainsFunc(g.impact, func(s Scale) bool { return s.Value == i })
}

func scaleLabel(s Scale) string {
	if s.Label == "" {
		return strconv.Itoa(s.Value)
	}
	return strconv.Itoa(s.Value) + " – " + s.Label
}

// rating picks the inherent or residual likelihood and impact of a risk.
type rating func(Risk) (likelihood, impact int)

func inherent(r Risk) (int, int) { return r.InherentLikelihood, r.InherentImpact }

func residual(r Risk) (int, int) { return r.ResidualLikelihood, r.ResidualImpact }

// heat counts risks per matrix cell; risks outside the scales are counted
// separately so that the grid never silently drops a risk.
type heat struct {
	counts  map[[2]int]int
	unrated int
}

func newHeat(g grid, risks []Risk, pick rating) heat {
	h := heat{counts: map[[2]int]int{}}
	for _, r := range risks {
		l, i := pick(r)
		if g.rated(l, i) {
			h.counts[[2]int{l, i}]++
		} else {
			h.unrated++
		}
	}
	return h
}

// acceptanceRule finds the criteria that apply to a level.
func acceptanceRule(m Methodology, level string) (AcceptanceRule, bool) {
	for _, a := range m.Acceptance {
		if strings.EqualFold(strings.TrimSpace(a.Level), strings.TrimSpace(level)) {
			return a, true
		}
	}
	return AcceptanceRule{}, false
}

func criteriaText(m Methodology, level string) string {
	if strings.TrimSpace(level) == "" {
		return ""
	}
	a, ok := acceptanceRule(m, level)
	switch {
	case !ok:
		return "No acceptance criteria defined for " + level
	case !a.Acceptable:
		return "Not acceptable – further treatment required"
	case len(a.ByRoles) == 0:
		return "Acceptable"
	default:
		return "Acceptable by " + strings.Join(a.ByRoles, ", ")
	}
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

type acceptState int

const (
	notAccepted acceptState = iota
	accepted
	reopened
)

// acceptance finds the residual risk acceptance of a risk: the latest
// current acceptance wins; failing that, the latest reopened one is reported
// because the register no longer matches what was accepted.
func acceptance(r Risk) (acceptState, Decision) {
	var current, stale *Decision
	for k := range r.Decisions {
		d := &r.Decisions[k]
		if !strings.EqualFold(strings.TrimSpace(d.Kind), kindAccepted) {
			continue
		}
		if d.Current {
			if current == nil || d.At.After(current.At) {
				current = d
			}
		} else if stale == nil || d.At.After(stale.At) {
			stale = d
		}
	}
	switch {
	case current != nil:
		return accepted, *current
	case stale != nil:
		return reopened, *stale
	default:
		return notAccepted, Decision{}
	}
}

func acceptanceText(r Risk) string {
	switch state, d := acceptance(r); state {
	case accepted:
		return "Accepted by " + d.By + " on " + fmtDate(d.At)
	case reopened:
		return "Reopened – acceptance by " + d.By + " on " + fmtDate(d.At) + " no longer current"
	default:
		return "Not accepted"
	}
}

func currentText(d Decision) string {
	if d.Current {
		return "Yes"
	}
	return "No – reopened"
}

func ratingText(l, i int, level string) string {
	if l == 0 && i == 0 && level == "" {
		return notRated
	}
	s := fmt.Sprintf("Likelihood %d × impact %d", l, i)
	if level != "" {
		s += " → " + level
	}
	return s
}
