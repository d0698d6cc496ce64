package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// ---------------------------------------------------------------------
// The risk methodology.

// matrixRow is a likelihood level with its row of the matrix.
type matrixRow struct {
	Index int // 0-based likelihood
	Scale isms.Scale
	Cells []matrixCell
}

type matrixCell struct {
	L, I  int // 0-based likelihood and impact
	Rank  int
	Level isms.RiskLevel
	// Dark says the level's colour needs light text.
	Dark  bool
	Error string
}

// levelView is a risk level with how to draw it.
type levelView struct {
	isms.RiskLevel
	Dark bool
}

// methodologyView is a version of the methodology laid out for a page:
// the matrix with the most likely row on top.
type methodologyView struct {
	app.MethodologyVersion
	Rows   []matrixRow
	Levels []levelView
}

func viewMethodology(mv app.MethodologyVersion) *methodologyView {
	m := mv.Methodology
	v := &methodologyView{MethodologyVersion: mv, Rows: matrixRows(m, nil)}
	for _, l := range m.Levels {
		v.Levels = append(v.Levels, levelView{RiskLevel: l, Dark: darkColour(l.Color)})
	}
	return v
}

func matrixRows(m isms.Methodology, errs map[string]string) []matrixRow {
	var rows []matrixRow
	for l := len(m.Likelihood) - 1; l >= 0; l-- {
		row := matrixRow{Index: l, Scale: m.Likelihood[l]}
		for i := range m.Impact {
			rank := -1
			if l < len(m.Matrix) && i < len(m.Matrix[l]) {
				rank = m.Matrix[l][i]
			}
			lvl := m.Level(rank)
			row.Cells = append(row.Cells, matrixCell{L: l, I: i, Rank: rank, Level: lvl, Dark: darkColour(lvl.Color),
				Error: errs[fmt.Sprintf("matrix[%d][%d]", l, i)]})
		}
		rows = append(rows, row)
	}
	return rows
}

// darkColour reports whether text on the colour (#rrggbb) reads better
// in white than in black, by the WCAG contrast ratios.
func darkColour(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	n, err := strconv.ParseUint(c[1:], 16, 32)
	if err != nil {
		return false
	}
	lin := func(v uint64) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	lum := 0.2126*lin(n>>16&0xff) + 0.7152*lin(n>>8&0xff) + 0.0722*lin(n&0xff)
	return 1.05/(lum+0.05) > (lum+0.05)/0.05
}

type methodologyPage struct {
	Page
	labels
	Current *methodologyView
	Draft   *methodologyView
	Show    *methodologyView
	// Tab is current, draft or version (one version from the list).
	Tab      string
	Versions []isms.Version
	Use      map[string]int
	People   people
	Problems []fieldProblem
}

func (u *UI) methodologyPage(q *request) error {
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &methodologyPage{Current: viewMethodology(doc.Current), Versions: doc.Versions, Use: doc.Use, Tab: "current"}
	if doc.Draft != nil {
		page.Draft = viewMethodology(*doc.Draft)
	}
	page.Show = page.Current
	if q.r.URL.Query().Get("view") == "draft" && page.Draft != nil {
		page.Show, page.Tab = page.Draft, "draft"
	}
	return u.showMethodology(q, http.StatusOK, page)
}

func (u *UI) showMethodology(q *request, status int, page *methodologyPage) error {
	page.Title, page.Section = "Risk methodology", "methodology"
	var err error
	if page.People, err = u.people(q); err != nil {
		return err
	}
	return u.render(q, status, "methodology", page)
}

func (u *UI) methodologyVersionPage(q *request) error {
	mv, err := u.svc.MethodologyVersionByID(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &methodologyPage{Show: viewMethodology(mv), Tab: "version", Versions: doc.Versions, Use: doc.Use}
	return u.showMethodology(q, http.StatusOK, page)
}

// maxLevels is the most risk levels a methodology may have; the form
// offers that many rows.
const maxLevels = 6

// levelRow is a row of the levels editor.
type levelRow struct {
	isms.RiskLevel
	Index int
}

// Number counts the level from 1, for people.
func (l levelRow) Number() int { return l.Index + 1 }

// Has reports whether the level's acceptors include role.
func (l levelRow) Has(r isms.Role) bool { return slices.Contains(l.AcceptRoles, r) }

type levelOption struct {
	Index int
	Name  string
}

type methodologyFormPage struct {
	Page
	Likelihood []isms.Scale
	Impact     []isms.Scale
	Levels     []levelRow
	// Options are the named levels the matrix cells may choose.
	Options []levelOption
	Rows    []matrixRow
	Notes   string
	Errors  map[string]string
	Sizes   []int
	Roles   []isms.Role
	Basis   string
	// Applied says the form was redrawn for new sizes, not saved.
	Applied bool
}

// scaleEditor is the likelihood or the impact scale, for the form.
type scaleEditor struct {
	Key, Title, Hint, Error string
	Rows                    []isms.Scale
}

// Scales are the two scales of the form.
func (p *methodologyFormPage) Scales() []scaleEditor {
	return []scaleEditor{
		{"likelihood", "Likelihood", "how likely the risk is to happen", p.Errors["likelihood"], p.Likelihood},
		{"impact", "Impact", "how much harm it would do", p.Errors["impact"], p.Impact},
	}
}

// CellLabel names a matrix cell for screen readers.
func (p *methodologyFormPage) CellLabel(l, i int) string {
	label := func(s []isms.Scale, n int) string {
		if n < len(s) && s[n].Label != "" {
			return fmt.Sprintf("%d %s", n+1, s[n].Label)
		}
		return strconv.Itoa(n + 1)
	}
	return "Level for likelihood " + label(p.Likelihood, l) + ", impact " + label(p.Impact, i)
}

// Err returns the problem with a row's field (likelihood[2].label).
func (p *methodologyFormPage) Err(list string, i int, field string) string {
	return p.Errors[fmt.Sprintf("%s[%d].%s", list, i, field)]
}

// MatrixErrors lists the matrix's problems, which show under it.
func (p *methodologyFormPage) MatrixErrors() []string {
	var out []string
	for k, v := range p.Errors {
		if k == "matrix" || strings.HasPrefix(k, "matrix[") {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// acceptingRoles are the roles a level's acceptance may name: auditors
// own nothing.
func acceptingRoles() []isms.Role {
	return slices.DeleteFunc(slices.Clone(isms.Roles), func(r isms.Role) bool { return r == isms.RoleAuditor })
}

// newMethodologyForm lays a methodology out for its editor: the levels
// with blank rows up to the most a methodology may have.
func newMethodologyForm(m isms.Methodology, errs map[string]string, applied bool) *methodologyFormPage {
	page := &methodologyFormPage{Likelihood: m.Likelihood, Impact: m.Impact, Notes: m.Notes, Errors: errs,
		Sizes: []int{3, 4, 5, 6, 7}, Roles: acceptingRoles(), Applied: applied, Rows: matrixRows(m, errs)}
	for i, l := range m.Levels {
		page.Levels = append(page.Levels, levelRow{RiskLevel: l, Index: i})
		page.Options = append(page.Options, levelOption{Index: i, Name: l.Name})
	}
	for i := len(m.Levels); i < maxLevels; i++ {
		page.Levels = append(page.Levels, levelRow{RiskLevel: isms.RiskLevel{Color: "#8a92a5"}, Index: i})
	}
	return page
}

func (u *UI) showMethodologyForm(q *request, status int, m isms.Methodology, errs map[string]string, applied bool) error {
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := newMethodologyForm(m, errs, applied)
	page.Title, page.Section = "Edit the risk methodology", "methodology"
	switch {
	case doc.Draft != nil:
		page.Basis = fmt.Sprintf("You are editing the draft, version %d. It comes into force when someone who manages the organisation approves it.", doc.Draft.Number)
	case doc.Current.Number == 0:
		page.Basis = "The form starts from the isms default. Saving records your own methodology as a draft."
	default:
		page.Basis = fmt.Sprintf("Saving starts a new draft from version %d, which stays in force until the draft is approved. Risks keep the version they were rated against until they are rated again.", doc.Current.Number)
	}
	return u.render(q, status, "methodology_form", page)
}

func (u *UI) methodologyFormPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	m := doc.Current.Methodology
	if doc.Draft != nil {
		m = doc.Draft.Methodology
	}
	return u.showMethodologyForm(q, http.StatusOK, m, nil, false)
}

// scaleRows reads a likelihood or impact scale; every row is a level, so
// none is left out.
func scaleRows(form url.Values, prefix string) []isms.Scale {
	var out []isms.Scale
	for i := 0; i < 7; i++ {
		label, ok := form[fmt.Sprintf("%s.%d.label", prefix, i)]
		if !ok {
			break
		}
		out = append(out, isms.Scale{Value: i + 1, Label: strings.TrimSpace(strings.Join(label, "")),
			Criteria: strings.TrimSpace(form.Get(fmt.Sprintf("%s.%d.criteria", prefix, i)))})
	}
	return out
}

// resizeScale cuts a scale to n levels or adds blank ones.
func resizeScale(s []isms.Scale, n int) []isms.Scale {
	if len(s) > n {
		return s[:n]
	}
	for i := len(s); i < n; i++ {
		s = append(s, isms.Scale{Value: i + 1})
	}
	return s
}

// resizeMatrix fits a matrix to new scale sizes; a new row or column
// starts as a copy of the one before it.
func resizeMatrix(m [][]int, rows, cols int) [][]int {
	out := make([][]int, rows)
	for l := range rows {
		var src []int
		switch {
		case l < len(m):
			src = m[l]
		case len(m) > 0:
			src = m[len(m)-1]
		}
		row := make([]int, cols)
		for i := range cols {
			switch {
			case i < len(src):
				row[i] = src[i]
			case len(src) > 0:
				row[i] = src[len(src)-1]
			default:
				row[i] = -1
			}
		}
		out[l] = row
	}
	return out
}

// size reads a scale size from the form, within what a methodology
// allows.
func size(form url.Values, key string, fallback int) int {
	n, err := strconv.Atoi(form.Get(key))
	if err != nil {
		n = fallback
	}
	return min(max(n, 3), 7)
}

func parseMethodologyForm(form url.Values) isms.Methodology {
	m := isms.Methodology{Likelihood: scaleRows(form, "likelihood"), Impact: scaleRows(form, "impact"),
		Notes: strings.TrimSpace(form.Get("notes"))}
	// Levels: rows without a name are left out, and the matrix follows
	// the levels to their new places.
	place := map[int]int{}
	for i := range maxLevels {
		name := strings.ToLower(strings.TrimSpace(form.Get(fmt.Sprintf("levels.%d.name", i))))
		if name == "" {
			continue
		}
		l := isms.RiskLevel{Name: name, Color: strings.ToLower(strings.TrimSpace(form.Get(fmt.Sprintf("levels.%d.color", i)))),
			Acceptable: form.Get(fmt.Sprintf("levels.%d.acceptable", i)) != ""}
		for _, r := range form[fmt.Sprintf("levels.%d.roles", i)] {
			l.AcceptRoles = append(l.AcceptRoles, isms.Role(r))
		}
		place[i] = len(m.Levels)
		m.Levels = append(m.Levels, l)
	}
	m.Matrix = make([][]int, len(m.Likelihood))
	for l := range m.Likelihood {
		m.Matrix[l] = make([]int, len(m.Impact))
		for i := range m.Impact {
			m.Matrix[l][i] = -1
			if n, err := strconv.Atoi(form.Get(fmt.Sprintf("matrix.%d.%d", l, i))); err == nil {
				if p, ok := place[n]; ok {
					m.Matrix[l][i] = p
				}
			}
		}
	}
	rows, cols := size(form, "likelihood_levels", len(m.Likelihood)), size(form, "impact_levels", len(m.Impact))
	m.Likelihood, m.Impact = resizeScale(m.Likelihood, rows), resizeScale(m.Impact, cols)
	m.Matrix = resizeMatrix(m.Matrix, rows, cols)
	return m
}

func (u *UI) saveMethodology(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	m := parseMethodologyForm(q.r.PostForm)
	if q.r.PostFormValue("apply") != "" {
		return u.showMethodologyForm(q, http.StatusOK, m, nil, true)
	}
	_, err := u.svc.SaveMethodology(q.r.Context(), q.access, m)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showMethodologyForm(q, http.StatusUnprocessableEntity, m, fieldErrors(fields), false)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("methodology")+"?view=draft", "Draft saved. It comes into force once approved.")
}

var methodologyFields = map[string]string{
	"likelihood": "Likelihood scale", "impact": "Impact scale", "levels": "Risk levels", "matrix": "Matrix",
	"label": "label", "value": "value", "name": "name", "color": "colour", "accept_roles": "roles that may accept",
}

func (u *UI) approveMethodology(q *request) error {
	err := u.svc.ApproveMethodology(q.r.Context(), q.access, q.r.PathValue("id"))
	if fields := isms.FieldErrors(err); fields != nil {
		page, perr := u.methodologyDocPage(q)
		if perr != nil {
			return perr
		}
		for _, f := range fields {
			page.Problems = append(page.Problems, fieldProblem{Field: describeField(methodologyFields, f.Field), Detail: f.Detail})
		}
		return u.showMethodology(q, http.StatusUnprocessableEntity, page)
	}
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		page, perr := u.methodologyDocPage(q)
		if perr != nil {
			return perr
		}
		page.Problems = []fieldProblem{{Field: "version", Detail: conflict.Detail}}
		return u.showMethodology(q, http.StatusConflict, page)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("methodology"), "The risk methodology was approved and is now in force. New ratings use it; existing risks keep theirs until rated again.")
}

// methodologyDocPage is the methodology page showing the draft, or the
// version in force when there is none, for an action's problems.
func (u *UI) methodologyDocPage(q *request) (*methodologyPage, error) {
	doc, err := u.svc.Methodology(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	page := &methodologyPage{Current: viewMethodology(doc.Current), Versions: doc.Versions, Use: doc.Use, Tab: "current"}
	page.Show = page.Current
	if doc.Draft != nil {
		page.Draft = viewMethodology(*doc.Draft)
		page.Show, page.Tab = page.Draft, "draft"
	}
	return page, nil
}

func (u *UI) discardMethodology(q *request) error {
	if err := u.svc.DiscardMethodologyDraft(q.r.Context(), q.access, q.r.PathValue("id")); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("methodology"), "The draft was discarded.")
}
