package httpapi

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// ratingJSON is a likelihood and impact with the level the methodology
// gives them.
type ratingJSON struct {
	Likelihood int    `json:"likelihood"`
	Impact     int    `json:"impact"`
	Level      string `json:"level"`
	Color      string `json:"color"`
}

// affectsJSON says which of confidentiality, integrity and availability
// a risk harms.
type affectsJSON struct {
	Confidentiality bool `json:"confidentiality"`
	Integrity       bool `json:"integrity"`
	Availability    bool `json:"availability"`
}

// refJSON is a cited framework item: a risk's threat or control.
type refJSON struct {
	Ref       string `json:"ref"`
	Framework string `json:"framework"`
	Cite      string `json:"cite"`
	Title     string `json:"title"`
	// Known is false when the item is no longer in the library.
	Known bool `json:"known"`
}

func toRefJSON(c app.ControlRef) refJSON {
	return refJSON{Ref: c.Ref, Framework: c.Framework, Cite: c.Cite, Title: c.Title, Known: c.Known}
}

func toRefsJSON(cs []app.ControlRef) []refJSON {
	out := make([]refJSON, len(cs))
	for i, c := range cs {
		out[i] = toRefJSON(c)
	}
	return out
}

// riskRowJSON is a risk as the register lists it.
type riskRowJSON struct {
	ID            string          `json:"id"`
	Ref           string          `json:"ref"`
	Title         string          `json:"title"`
	ThreatRef     *string         `json:"threat_ref"`
	ThreatText    string          `json:"threat_text"`
	Affects       affectsJSON     `json:"affects"`
	OwnerID       string          `json:"owner_id"`
	MethodologyID string          `json:"methodology_id"`
	Inherent      ratingJSON      `json:"inherent"`
	Residual      *ratingJSON     `json:"residual"`
	Treatment     *isms.Treatment `json:"treatment"`
	Status        isms.RiskStatus `json:"status"`
	ReviewDate    *string         `json:"review_date"`
	Revision      int             `json:"revision"`
	AssetIDs      []string        `json:"asset_ids"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
}

func toRiskRowJSON(k isms.Risk, inherent, residual isms.RiskLevel) riskRowJSON {
	out := riskRowJSON{ID: k.ID, Ref: k.Ref(), Title: k.Title, ThreatRef: nullable(k.ThreatRef), ThreatText: k.ThreatText,
		Affects: affectsJSON{k.AffectsC, k.AffectsI, k.AffectsA}, OwnerID: k.OwnerID, MethodologyID: k.MethodologyID,
		Inherent: ratingJSON{k.InherentLikelihood, k.InherentImpact, inherent.Name, inherent.Color}, Status: k.Status,
		ReviewDate: formatDate(k.ReviewDate), Revision: k.Revision, AssetIDs: orEmpty(k.AssetIDs), CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
	if k.ResidualLikelihood > 0 {
		out.Residual = &ratingJSON{k.ResidualLikelihood, k.ResidualImpact, residual.Name, residual.Color}
	}
	if k.Treatment != "" {
		t := k.Treatment
		out.Treatment = &t
	}
	return out
}

type actionJSON struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	OwnerID     *string   `json:"owner_id"`
	DueDate     *string   `json:"due_date"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toActionJSON(act isms.RiskAction) actionJSON {
	return actionJSON{ID: act.ID, Description: act.Description, OwnerID: nullable(act.OwnerID), DueDate: formatDate(act.DueDate),
		Status: act.Status, CreatedAt: act.CreatedAt, UpdatedAt: act.UpdatedAt}
}

type decisionJSON struct {
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	DecidedBy     string    `json:"decided_by"`
	Level         string    `json:"level"`
	Justification string    `json:"justification"`
	RiskRevision  int       `json:"risk_revision"`
	Current       bool      `json:"current"`
	CreatedAt     time.Time `json:"created_at"`
}

func toDecisionJSON(d isms.RiskDecision, current bool) decisionJSON {
	return decisionJSON{ID: d.ID, Kind: d.Kind, DecidedBy: d.DecidedBy, Level: d.Level, Justification: d.Justification,
		RiskRevision: d.RiskRevision, Current: current, CreatedAt: d.CreatedAt}
}

type riskAssetJSON struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Type      isms.AssetType `json:"type"`
	TypeLabel string         `json:"type_label"`
}

// riskJSON is a risk with everything needed to read it.
type riskJSON struct {
	riskRowJSON
	Threat             *refJSON        `json:"threat"`
	Vulnerability      string          `json:"vulnerability"`
	Scenario           string          `json:"scenario"`
	Consequences       string          `json:"consequences"`
	ExistingControls   string          `json:"existing_controls"`
	MethodologyVersion int             `json:"methodology_version"`
	Outdated           bool            `json:"outdated"`
	TreatmentNotes     string          `json:"treatment_notes"`
	Controls           []refJSON       `json:"controls"`
	Assets             []riskAssetJSON `json:"assets"`
	Actions            []actionJSON    `json:"actions"`
	Decisions          []decisionJSON  `json:"decisions"`
}

func toRiskJSON(v app.RiskView) riskJSON {
	out := riskJSON{riskRowJSON: toRiskRowJSON(v.Risk, v.Inherent, v.Residual), Vulnerability: v.Vulnerability, Scenario: v.Scenario,
		Consequences: v.Consequences, ExistingControls: v.ExistingControls, MethodologyVersion: v.Methodology.Number, Outdated: v.Outdated,
		TreatmentNotes: v.TreatmentNotes, Controls: toRefsJSON(v.Controls), Assets: []riskAssetJSON{}, Actions: []actionJSON{},
		Decisions: []decisionJSON{}}
	if v.Threat != nil {
		t := toRefJSON(*v.Threat)
		out.Threat = &t
	}
	for _, x := range v.Assets {
		out.Assets = append(out.Assets, riskAssetJSON{ID: x.ID, Name: x.Name, Type: x.Type, TypeLabel: x.Type.Label()})
	}
	for _, act := range v.Actions {
		out.Actions = append(out.Actions, toActionJSON(act))
	}
	for _, d := range v.Decisions {
		out.Decisions = append(out.Decisions, toDecisionJSON(d, v.Current(d)))
	}
	return out
}

// riskRef matches a reference such as R-007 in a path, which names a
// risk as well as its id does.
func riskRef(s string) (string, bool) {
	digits, ok := strings.CutPrefix(strings.ToUpper(s), "R-")
	if !ok || digits == "" || len(digits) > 9 || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	return digits, true
}

// riskView reads the risk the path names by id or by reference.
func (a *API) riskView(r *http.Request, acc app.Access) (app.RiskView, error) {
	id, err := pathID(r)
	if err != nil {
		return app.RiskView{}, err
	}
	if digits, ok := riskRef(id); ok {
		if n, _ := strconv.Atoi(digits); n < 1 {
			return app.RiskView{}, isms.ErrNotFound
		}
		return a.svc.RiskByRef(r.Context(), acc, digits)
	}
	return a.svc.Risk(r.Context(), acc, id)
}

// riskID returns the id of the risk the path names by id or reference.
func (a *API) riskID(r *http.Request, acc app.Access) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	if _, ok := riskRef(id); !ok {
		return id, nil
	}
	v, err := a.riskView(r, acc)
	return v.ID, err
}

// writeRisk answers with the risk as it now stands.
func (a *API) writeRisk(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	v, err := a.svc.Risk(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/risks/"+id)
	}
	return writeJSON(w, status, toRiskJSON(v))
}

// riskListParams are the query parameters the register's filter takes.
var riskListParams = []string{"asset_id", "owner_id", "level", "residual_level", "status", "treatment", "overdue",
	"likelihood", "impact", "cell", "methodology_id", "q", "sort"}

// heatMapParams are the filters a heat map takes: the list's, but for
// the cell and the order.
var heatMapParams = []string{"asset_id", "owner_id", "level", "residual_level", "status", "treatment", "overdue", "q"}

// methodologyFor returns the methodology version of the methodology_id
// parameter, or the one in force.
func (a *API) methodologyFor(r *http.Request, acc app.Access) (app.MethodologyVersion, error) {
	id := r.URL.Query().Get("methodology_id")
	if id == "" {
		doc, err := a.svc.Methodology(r.Context(), acc)
		return doc.Current, err
	}
	mv, err := a.svc.MethodologyVersionByID(r.Context(), acc, id)
	if errors.Is(err, isms.ErrNotFound) {
		return mv, isms.Invalid("methodology_id", "%q is not a version of this organisation's risk methodology", id)
	}
	return mv, err
}

// levelRank turns a level name into its rank in m.
func levelRank(field, name string, mv app.MethodologyVersion) (*int, error) {
	if name == "" {
		return nil, nil
	}
	names := make([]string, len(mv.Methodology.Levels))
	for i, l := range mv.Methodology.Levels {
		names[i] = l.Name
	}
	i := slices.Index(names, name)
	if i < 0 {
		return nil, isms.Invalid(field, "%q is not a risk level of methodology version %d; use one of %s", name, mv.Number, strings.Join(names, ", "))
	}
	return &i, nil
}

// riskFilter reads the filters of the register from the query. Level
// names are read on the methodology version of methodology_id, or the one
// in force; risks rated against other versions match by the rank of the
// level.
func (a *API) riskFilter(r *http.Request, acc app.Access) (isms.RiskFilter, error) {
	q := r.URL.Query()
	f := isms.RiskFilter{AssetID: q.Get("asset_id"), OwnerID: q.Get("owner_id"), Status: isms.RiskStatus(q.Get("status")),
		Treatment: isms.Treatment(q.Get("treatment")), MethodologyID: q.Get("methodology_id"), Query: q.Get("q"), Sort: q.Get("sort")}
	overdue, err := queryBool(r, "overdue")
	if err != nil {
		return f, err
	}
	f.Overdue = overdue != nil && *overdue
	if f.Likelihood, err = queryInt(r, "likelihood"); err != nil {
		return f, err
	}
	if f.Impact, err = queryInt(r, "impact"); err != nil {
		return f, err
	}
	switch cell := q.Get("cell"); cell {
	case "", "inherent":
	case "residual":
		f.ResidualCell = true
	default:
		return f, isms.Invalid("cell", "%q is not a heat map; use inherent or residual", cell)
	}
	if q.Get("cell") != "" && f.Likelihood == 0 && f.Impact == 0 {
		return f, isms.Invalid("cell", "names the heat map of a cell: give likelihood and impact too")
	}
	if f.Likelihood > 0 && f.Impact == 0 {
		return f, isms.Invalid("impact", "a heat map cell needs both likelihood and impact")
	}
	if f.Impact > 0 && f.Likelihood == 0 {
		return f, isms.Invalid("likelihood", "a heat map cell needs both likelihood and impact")
	}
	var mv app.MethodologyVersion
	if q.Get("level") != "" || q.Get("residual_level") != "" || f.MethodologyID != "" {
		if mv, err = a.methodologyFor(r, acc); err != nil {
			return f, err
		}
	}
	if f.Rank, err = levelRank("level", q.Get("level"), mv); err != nil {
		return f, err
	}
	if f.Residual, err = levelRank("residual_level", q.Get("residual_level"), mv); err != nil {
		return f, err
	}
	return f, nil
}

// riskList is a page of the register with the number the filter selects.
type riskList struct {
	list[riskRowJSON]
	Total int `json:"total"`
}

func (a *API) listRisks(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(riskListParams, "cursor", "limit")...); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	f, err := a.riskFilter(r, acc)
	if err != nil {
		return err
	}
	f.Cursor, f.Limit = r.URL.Query().Get("cursor"), limit
	p, err := a.svc.ListRisks(r.Context(), acc, f)
	if err != nil {
		return err
	}
	items := make([]riskRowJSON, len(p.Risks))
	for i, row := range p.Risks {
		items[i] = toRiskRowJSON(row.Risk, row.Inherent, row.Residual)
	}
	return writeJSON(w, http.StatusOK, riskList{list: newList(items, p.Next), Total: p.Total})
}

// riskWrite is the assessment of a risk: the body of POST, and with
// rerate of PUT, which replaces every field.
type riskWrite struct {
	Title              string      `json:"title"`
	ThreatRef          string      `json:"threat_ref"`
	ThreatText         string      `json:"threat_text"`
	Vulnerability      string      `json:"vulnerability"`
	Scenario           string      `json:"scenario"`
	Affects            affectsJSON `json:"affects"`
	Consequences       string      `json:"consequences"`
	InherentLikelihood int         `json:"inherent_likelihood"`
	InherentImpact     int         `json:"inherent_impact"`
	ExistingControls   string      `json:"existing_controls"`
	OwnerID            string      `json:"owner_id"`
	ReviewDate         *string     `json:"review_date"`
	AssetIDs           []string    `json:"asset_ids"`
}

type riskUpdate struct {
	riskWrite
	Rerate bool `json:"rerate"`
}

func (in riskWrite) input() (app.RiskInput, error) {
	review, err := parseDate("review_date", in.ReviewDate)
	if err != nil {
		return app.RiskInput{}, err
	}
	return app.RiskInput{Title: in.Title, ThreatRef: in.ThreatRef, ThreatText: in.ThreatText, Vulnerability: in.Vulnerability,
		Scenario: in.Scenario, AffectsC: in.Affects.Confidentiality, AffectsI: in.Affects.Integrity, AffectsA: in.Affects.Availability,
		Consequences: in.Consequences, InherentLikelihood: in.InherentLikelihood, InherentImpact: in.InherentImpact,
		ExistingControls: in.ExistingControls, OwnerID: in.OwnerID, ReviewDate: review, AssetIDs: in.AssetIDs}, nil
}

func (a *API) createRisk(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in riskWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ri, err := in.input()
	if err != nil {
		return err
	}
	k, err := a.svc.CreateRisk(r.Context(), acc, ri)
	if err != nil {
		return err
	}
	return a.writeRisk(w, r, acc, http.StatusCreated, k.ID)
}

func (a *API) getRisk(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	v, err := a.riskView(r, acc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toRiskJSON(v))
}

func (a *API) putRisk(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in riskUpdate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ri, err := in.input()
	if err != nil {
		return err
	}
	ri.Rerate = in.Rerate
	id, err := a.riskID(r, acc)
	if err != nil {
		return err
	}
	if _, err := a.svc.UpdateRisk(r.Context(), acc, id, ri); err != nil {
		return err
	}
	return a.writeRisk(w, r, acc, http.StatusOK, id)
}

type treatmentWrite struct {
	Treatment          string   `json:"treatment"`
	Notes              string   `json:"notes"`
	Controls           []string `json:"controls"`
	ResidualLikelihood int      `json:"residual_likelihood"`
	ResidualImpact     int      `json:"residual_impact"`
}

func (a *API) putTreatment(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in treatmentWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := a.riskID(r, acc)
	if err != nil {
		return err
	}
	_, err = a.svc.TreatRisk(r.Context(), acc, id, app.TreatmentInput{Treatment: in.Treatment, Notes: in.Notes, Controls: in.Controls,
		ResidualLikelihood: in.ResidualLikelihood, ResidualImpact: in.ResidualImpact})
	if err != nil {
		return err
	}
	return a.writeRisk(w, r, acc, http.StatusOK, id)
}

type actionCreate struct {
	Description string  `json:"description"`
	OwnerID     *string `json:"owner_id"`
	DueDate     *string `json:"due_date"`
	Status      string  `json:"status"`
}

func (a *API) addAction(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in actionCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	due, err := parseDate("due_date", in.DueDate)
	if err != nil {
		return err
	}
	id, err := a.riskID(r, acc)
	if err != nil {
		return err
	}
	act, err := a.svc.AddRiskAction(r.Context(), acc, id, app.ActionInput{Description: in.Description, OwnerID: deref(in.OwnerID),
		DueDate: due, Status: in.Status})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toActionJSON(act))
}

type actionPatch struct {
	Description optional[string] `json:"description"`
	OwnerID     optional[string] `json:"owner_id"`
	DueDate     optional[string] `json:"due_date"`
	Status      optional[string] `json:"status"`
}

func (a *API) patchAction(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in actionPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	v, err := a.riskView(r, acc)
	if err != nil {
		return err
	}
	actionID := r.PathValue("action")
	i := slices.IndexFunc(v.Actions, func(act isms.RiskAction) bool { return act.ID == actionID })
	if i < 0 {
		return isms.ErrNotFound
	}
	cur := v.Actions[i]
	upd := app.ActionInput{Description: cur.Description, OwnerID: cur.OwnerID, DueDate: cur.DueDate}
	if in.Description.Set {
		if in.Description.Null {
			return isms.Invalid("description", "cannot be null")
		}
		upd.Description = in.Description.Value
	}
	if in.OwnerID.Set {
		upd.OwnerID = in.OwnerID.Value
	}
	if in.DueDate.Set {
		upd.DueDate = nil
		if !in.DueDate.Null {
			if upd.DueDate, err = parseDate("due_date", &in.DueDate.Value); err != nil {
				return err
			}
		}
	}
	if in.Status.Set {
		if in.Status.Null {
			return isms.Invalid("status", "cannot be null")
		}
		upd.Status = in.Status.Value
	}
	act, err := a.svc.UpdateRiskAction(r.Context(), acc, v.ID, cur.ID, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toActionJSON(act))
}

type decisionCreate struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

func (a *API) decideOnRisk(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in decisionCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := a.riskID(r, acc)
	if err != nil {
		return err
	}
	d, err := a.svc.DecideOnRisk(r.Context(), acc, id, app.DecisionInput{Kind: in.Kind, Justification: in.Justification})
	if err != nil {
		return err
	}
	// A decision just made holds for the risk as it stands.
	return writeJSON(w, http.StatusCreated, toDecisionJSON(d, true))
}

func (a *API) riskHistory(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	id, err := a.riskID(r, acc)
	if err != nil {
		return err
	}
	entries, next, err := a.svc.RiskHistory(r.Context(), acc, id, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(entries, next))
}

type heatLevelJSON struct {
	Name        string      `json:"name"`
	Color       string      `json:"color"`
	Acceptable  bool        `json:"acceptable"`
	AcceptRoles []isms.Role `json:"accept_roles"`
}

type heatMethodologyJSON struct {
	versionJSON
	Likelihood []isms.Scale    `json:"likelihood"`
	Impact     []isms.Scale    `json:"impact"`
	Levels     []heatLevelJSON `json:"levels"`
}

type heatCellJSON struct {
	Likelihood int    `json:"likelihood"`
	Impact     int    `json:"impact"`
	Level      string `json:"level"`
	Color      string `json:"color"`
	Count      int    `json:"count"`
}

type heatMapJSON struct {
	Kind        string              `json:"kind"`
	Methodology heatMethodologyJSON `json:"methodology"`
	// Matrix[l-1][i-1] is the cell of likelihood l and impact i.
	Matrix    [][]heatCellJSON `json:"matrix"`
	Total     int              `json:"total"`
	Elsewhere int              `json:"elsewhere"`
}

func (a *API) riskHeatMap(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(heatMapParams, "kind", "methodology_id")...); err != nil {
		return err
	}
	kind := r.URL.Query().Get("kind")
	switch kind {
	case "":
		kind = "inherent"
	case "inherent", "residual":
	default:
		return isms.Invalid("kind", "%q is not a heat map; use inherent or residual", kind)
	}
	f, err := a.riskFilter(r, acc)
	if err != nil {
		return err
	}
	// The heat map's methodology version is its own parameter, not a
	// filter: the app counts the risks rated against other versions.
	methodologyID := f.MethodologyID
	f.MethodologyID = ""
	h, err := a.svc.RiskHeatMap(r.Context(), acc, f, kind == "residual", methodologyID)
	if err != nil {
		return err
	}
	m := h.Methodology.Methodology
	out := heatMapJSON{Kind: kind, Total: h.Total, Elsewhere: h.Elsewhere, Matrix: make([][]heatCellJSON, len(h.Counts)),
		Methodology: heatMethodologyJSON{versionJSON: toVersionJSON(h.Methodology.Version), Likelihood: orEmpty(m.Likelihood),
			Impact: orEmpty(m.Impact), Levels: make([]heatLevelJSON, len(m.Levels))}}
	for i, l := range m.Levels {
		out.Methodology.Levels[i] = heatLevelJSON{Name: l.Name, Color: l.Color, Acceptable: l.Acceptable, AcceptRoles: orEmpty(l.AcceptRoles)}
	}
	for li, row := range h.Counts {
		out.Matrix[li] = make([]heatCellJSON, len(row))
		for ii, n := range row {
			level := m.Level(m.Rank(li+1, ii+1))
			out.Matrix[li][ii] = heatCellJSON{Likelihood: li + 1, Impact: ii + 1, Level: level.Name, Color: level.Color, Count: n}
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// riskReport downloads the risk assessment report or the risk treatment
// plan of the risks a filter selects.
func (a *API) riskReport(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(riskListParams, "format")...); err != nil {
		return err
	}
	kind := r.PathValue("kind")
	name := map[string]string{app.ReportAssessment: "risk-assessment", app.ReportTreatment: "risk-treatment-plan"}[kind]
	if name == "" {
		return isms.ErrNotFound
	}
	format := r.URL.Query().Get("format")
	contentType := map[string]string{"": pdfType, app.FormatPDF: pdfType, app.FormatXLSX: xlsxType}[format]
	if contentType == "" {
		return isms.Invalid("format", "%q is not a report format; use pdf or xlsx", format)
	}
	if format == "" {
		format = app.FormatPDF
	}
	f, err := a.riskFilter(r, acc)
	if err != nil {
		return err
	}
	name += "-" + acc.Org.Slug + "-" + a.now().UTC().Format(dateLayout) + "." + format
	return sendFile(w, contentType, name, func(out io.Writer) error {
		return a.svc.WriteRiskReport(r.Context(), acc, kind, format, f, out)
	})
}

// suggestionJSON is a risk proposed for an asset.
type suggestionJSON struct {
	Threat     refJSON     `json:"threat"`
	Why        string      `json:"why"`
	Likelihood int         `json:"likelihood"`
	Impact     int         `json:"impact"`
	Affects    affectsJSON `json:"affects"`
	Controls   []refJSON   `json:"controls"`
	InRegister *riskIDJSON `json:"in_register"`
}

type riskIDJSON struct {
	ID  string `json:"id"`
	Ref string `json:"ref"`
}

func (a *API) riskSuggestions(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	suggestions, err := a.svc.SuggestRisks(r.Context(), acc, id)
	if err != nil {
		return err
	}
	items := make([]suggestionJSON, len(suggestions))
	for i, s := range suggestions {
		items[i] = suggestionJSON{Threat: toRefJSON(s.Threat), Why: s.Why, Likelihood: s.Likelihood, Impact: s.Impact,
			Affects: affectsJSON{s.AffectsC, s.AffectsI, s.AffectsA}, Controls: toRefsJSON(s.Controls)}
		if k := s.InRegister; k != nil {
			items[i].InRegister = &riskIDJSON{ID: k.ID, Ref: k.Ref()}
		}
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}

type suggestionAccept struct {
	Threat     string  `json:"threat"`
	OwnerID    *string `json:"owner_id"`
	Likelihood *int    `json:"likelihood"`
	Impact     *int    `json:"impact"`
}

func (a *API) acceptSuggestion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in suggestionAccept
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	v := &isms.ValidationError{}
	if strings.TrimSpace(in.Threat) == "" {
		v.Add("threat", "is required: the threat of a suggestion, such as owasp-llm-top10-2025:LLM01:2025")
	}
	rating := func(field string, n *int) int {
		if n == nil {
			return 0
		}
		if *n < 1 {
			v.Add(field, "must be 1 or more on the methodology's scale; leave it out to keep the suggested rating")
		}
		return *n
	}
	likelihood, impact := rating("likelihood", in.Likelihood), rating("impact", in.Impact)
	if err := v.Err(); err != nil {
		return err
	}
	k, err := a.svc.AcceptSuggestion(r.Context(), acc, id, in.Threat, deref(in.OwnerID), likelihood, impact)
	if err != nil {
		return renameFields(err, map[string]string{"threat_ref": "threat", "inherent_likelihood": "likelihood", "inherent_impact": "impact"})
	}
	return a.writeRisk(w, r, acc, http.StatusCreated, k.ID)
}
