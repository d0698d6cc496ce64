package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// Internal audit (9.2): the programme over the certification cycle, the
// audits with their checklists, results that raise nonconformities, and
// the reports.

// auditProgrammeJSON is the programme as set up.
type auditProgrammeJSON struct {
	ID         string    `json:"id"`
	CycleStart string    `json:"cycle_start"`
	CycleEnd   string    `json:"cycle_end"`
	Notes      string    `json:"notes"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// auditorJSON names an auditor: the id scripts act on, the name people read.
type auditorJSON struct {
	MemberID string `json:"member_id"`
	Name     string `json:"name"`
}

func toAuditorsJSON(ids, names []string) []auditorJSON {
	out := make([]auditorJSON, len(ids))
	for i, id := range ids {
		out[i] = auditorJSON{MemberID: id}
		if i < len(names) {
			out[i].Name = names[i]
		}
	}
	return out
}

// auditJSON is an audit with its progress. A single audit also carries its
// checklist and the results counted.
type auditJSON struct {
	ID           string           `json:"id"`
	Ref          string           `json:"ref"`
	Title        string           `json:"title"`
	Status       string           `json:"status"`
	Scope        []string         `json:"scope"`
	Criteria     string           `json:"criteria"`
	Auditors     []auditorJSON    `json:"auditors"`
	PlannedStart string           `json:"planned_start"`
	PlannedEnd   string           `json:"planned_end"`
	StartedAt    *time.Time       `json:"started_at"`
	CompletedAt  *time.Time       `json:"completed_at"`
	Conclusion   string           `json:"conclusion"`
	CycleYear    *int             `json:"cycle_year"`
	ItemCount    int              `json:"item_count"`
	Done         int              `json:"done"`
	CreatedBy    *string          `json:"created_by"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	Counts       *auditCountsJSON `json:"counts,omitempty"`
	Items        []auditItemJSON  `json:"items,omitempty"`
}

func toAuditJSON(au isms.Audit, auditors []auditorJSON, items, done int) auditJSON {
	return auditJSON{ID: au.ID, Ref: au.Ref(), Title: au.Title, Status: string(au.Status), Scope: nonNilStrings(au.Scope),
		Criteria: au.Criteria, Auditors: auditors, PlannedStart: au.PlannedStart.Format(dateLayout),
		PlannedEnd: au.PlannedEnd.Format(dateLayout), StartedAt: au.StartedAt, CompletedAt: au.CompletedAt, Conclusion: au.Conclusion,
		ItemCount: items, Done: done, CreatedBy: nullable(au.CreatedBy), CreatedAt: au.CreatedAt, UpdatedAt: au.UpdatedAt}
}

func toAuditRowJSON(r app.AuditRow) auditJSON {
	out := toAuditJSON(r.Audit, toAuditorsJSON(r.AuditorIDs, r.Auditors), r.Items, r.Done)
	if r.Year > 0 {
		year := r.Year
		out.CycleYear = &year
	}
	return out
}

// auditCountsJSON counts a checklist by result.
type auditCountsJSON struct {
	NotAudited  int `json:"not_audited"`
	Conforming  int `json:"conforming"`
	MinorNC     int `json:"minor_nonconformity"`
	MajorNC     int `json:"major_nonconformity"`
	Observation int `json:"observation"`
	OFI         int `json:"opportunity_for_improvement"`
}

// auditItemJSON is a line of the checklist, with the record its result
// raised.
type auditItemJSON struct {
	ID            string               `json:"id"`
	Position      int                  `json:"position"`
	Ref           string               `json:"ref"`
	Cite          string               `json:"cite"`
	Kind          string               `json:"kind"`
	Title         string               `json:"title"`
	Result        *string              `json:"result"`
	Notes         string               `json:"notes"`
	Evidence      []isms.Link          `json:"evidence"`
	Nonconformity *auditItemRecordJSON `json:"nonconformity"`
	RecordedBy    *string              `json:"recorded_by"`
	RecordedAt    *time.Time           `json:"recorded_at"`
	CreatedAt     time.Time            `json:"created_at"`
	UpdatedAt     time.Time            `json:"updated_at"`
}

// auditItemRecordJSON is the record a result raised in the nonconformity
// register, as it stands now.
type auditItemRecordJSON struct {
	ID    string `json:"id"`
	Ref   string `json:"ref"`
	Stage string `json:"stage"`
}

func toAuditItemJSON(it app.AuditItemView) auditItemJSON {
	out := auditItemJSON{ID: it.ID, Position: it.Position, Ref: it.Ref, Cite: it.Cite, Kind: string(it.Kind), Title: it.Title,
		Result: nullable(string(it.Result)), Notes: it.Notes, Evidence: it.Evidence, RecordedBy: nullable(it.RecordedBy),
		RecordedAt: it.RecordedAt, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if out.Evidence == nil {
		out.Evidence = []isms.Link{}
	}
	if it.NonconformityID != "" {
		out.Nonconformity = &auditItemRecordJSON{ID: it.NonconformityID, Ref: it.NCRef, Stage: string(it.NCStage)}
	}
	return out
}

// ---------------------------------------------------------------------
// The programme.

// coverageGapJSON is a requirement the cycle's audits have not reached.
type coverageGapJSON struct {
	Ref   string `json:"ref"`
	Cite  string `json:"cite"`
	Title string `json:"title"`
}

// coverageGroupJSON is a clause or an Annex A theme with its coverage.
type coverageGroupJSON struct {
	Key     string            `json:"key"`
	Label   string            `json:"label"`
	Covered int               `json:"covered"`
	Total   int               `json:"total"`
	Gaps    []coverageGapJSON `json:"gaps"`
}

// programmeYearJSON is one year of the cycle with its audits.
type programmeYearJSON struct {
	Year   int         `json:"year"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Audits []auditJSON `json:"audits"`
}

// programmeViewJSON is the programme with its audits by year and its
// coverage.
type programmeViewJSON struct {
	Programme *auditProgrammeJSON `json:"programme"`
	Years     []programmeYearJSON `json:"years"`
	Outside   []auditJSON         `json:"outside"`
	Clauses   []coverageGroupJSON `json:"clauses"`
	Themes    []coverageGroupJSON `json:"themes"`
	Covered   int                 `json:"covered"`
	Total     int                 `json:"total"`
	Gaps      int                 `json:"gaps"`
}

func toCoverageJSON(groups []app.CoverageGroup) []coverageGroupJSON {
	out := make([]coverageGroupJSON, len(groups))
	for i, g := range groups {
		out[i] = coverageGroupJSON{Key: g.Key, Label: g.Label, Covered: g.Covered, Total: g.Total, Gaps: make([]coverageGapJSON, len(g.Gaps))}
		for j, r := range g.Gaps {
			out[i].Gaps[j] = coverageGapJSON{Ref: r.Ref, Cite: r.Cite, Title: r.Title}
		}
	}
	return out
}

func auditRowsJSON(rows []app.AuditRow) []auditJSON {
	out := make([]auditJSON, len(rows))
	for i, r := range rows {
		out[i] = toAuditRowJSON(r)
	}
	return out
}

func (a *API) getAuditProgramme(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	return a.writeAuditProgramme(w, r, acc)
}

func (a *API) writeAuditProgramme(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	v, err := a.svc.AuditProgramme(r.Context(), acc)
	if err != nil {
		return err
	}
	out := programmeViewJSON{Years: make([]programmeYearJSON, len(v.Years)), Outside: auditRowsJSON(v.Outside),
		Clauses: toCoverageJSON(v.Clauses), Themes: toCoverageJSON(v.Themes), Covered: v.Covered, Total: v.Total, Gaps: v.Gaps()}
	if p := v.Programme; p != nil {
		out.Programme = &auditProgrammeJSON{ID: p.ID, CycleStart: p.CycleStart.Format(dateLayout), CycleEnd: p.CycleEnd().Format(dateLayout),
			Notes: p.Notes, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	}
	for i, y := range v.Years {
		out.Years[i] = programmeYearJSON{Year: y.Year, From: y.From.Format(dateLayout), To: y.To.Format(dateLayout),
			Audits: auditRowsJSON(y.Audits)}
	}
	return writeJSON(w, http.StatusOK, out)
}

// programmeWrite replaces the programme: the cycle start is required,
// and notes left out are emptied, as PUT replaces the whole.
type programmeWrite struct {
	CycleStart *string `json:"cycle_start"`
	Notes      *string `json:"notes"`
}

func (a *API) putAuditProgramme(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var in programmeWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.CycleStart == nil {
		return isms.Invalid("cycle_start", "is required: the date the certification cycle started")
	}
	start, err := parseDate("cycle_start", in.CycleStart)
	if err != nil {
		return err
	}
	notes := ""
	if in.Notes != nil {
		notes = *in.Notes
	}
	if _, err := a.svc.SetAuditProgramme(r.Context(), acc, app.ProgrammeInput{CycleStart: start, Notes: &notes}); err != nil {
		return err
	}
	return a.writeAuditProgramme(w, r, acc)
}

// ---------------------------------------------------------------------
// Audits.

// listAudits lists the audits in reference order, a page at a time.
func (a *API) listAudits(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "status", "from", "to", "q", "limit", "cursor"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	limit = min(limit, store.MaxLimit)
	if limit == 0 {
		limit = store.DefaultLimit
	}
	q := r.URL.Query()
	f := store.AuditFilter{Status: isms.AuditStatus(q.Get("status")), Query: q.Get("q"), Limit: limit + 1}
	if f.Status != "" && !f.Status.Valid() {
		return isms.Invalid("status", "%q is not a status; use planned, in_progress or completed", f.Status)
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			if *p.dst, err = parseDate(p.name, &v); err != nil {
				return err
			}
		}
	}
	if c := q.Get("cursor"); c != "" {
		key, err := store.DecodeCursor("cursor", c)
		if err != nil {
			return err
		}
		if f.After, err = strconv.Atoi(key); err != nil {
			return isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	rows, err := a.svc.Audits(r.Context(), acc, f)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = store.EncodeCursor(strconv.Itoa(rows[limit-1].RefNum))
	}
	return writeJSON(w, http.StatusOK, newList(auditRowsJSON(rows), next))
}

// auditWrite plans an audit or changes one; fields left out keep their
// value. The scope is taken only when the audit is planned, since the
// checklist is made from it.
type auditWrite struct {
	Title        optional[string]   `json:"title"`
	Scope        optional[[]string] `json:"scope"`
	Criteria     optional[string]   `json:"criteria"`
	Auditors     optional[[]string] `json:"auditor_ids"`
	PlannedStart optional[string]   `json:"planned_start"`
	PlannedEnd   optional[string]   `json:"planned_end"`
	Conclusion   optional[string]   `json:"conclusion"`
	Status       optional[string]   `json:"status"`
}

// input turns the body into the app's input. null empties the criteria
// and the conclusion; the other fields have no empty value to go back to.
func (in auditWrite) input() (app.AuditInput, error) {
	var out app.AuditInput
	for _, f := range []struct {
		name      string
		o         optional[string]
		dst       **string
		nullEmpty bool
	}{{"title", in.Title, &out.Title, false}, {"criteria", in.Criteria, &out.Criteria, true},
		{"conclusion", in.Conclusion, &out.Conclusion, true}, {"status", in.Status, &out.Status, false}} {
		if !f.o.Set {
			continue
		}
		if f.o.Null && !f.nullEmpty {
			return out, isms.Invalid(f.name, "cannot be null")
		}
		v := f.o.Value
		*f.dst = &v
	}
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **time.Time
	}{{"planned_start", in.PlannedStart, &out.PlannedStart}, {"planned_end", in.PlannedEnd, &out.PlannedEnd}} {
		if !f.o.Set {
			continue
		}
		if f.o.Null {
			return out, isms.Invalid(f.name, "cannot be null: every audit has planned dates")
		}
		t, err := parseDate(f.name, &f.o.Value)
		if err != nil {
			return out, err
		}
		*f.dst = t
	}
	if in.Auditors.Set {
		if in.Auditors.Null {
			return out, isms.Invalid("auditor_ids", "cannot be null: name at least one auditor")
		}
		ids := in.Auditors.Value
		out.Auditors = &ids
	}
	if in.Scope.Set {
		if in.Scope.Null {
			return out, isms.Invalid("scope", "cannot be null")
		}
		// The app reads a nil scope as "unchanged"; an empty one sent on a
		// change must still be refused as a change of scope.
		out.Scope = append([]string{}, in.Scope.Value...)
	}
	return out, nil
}

func (a *API) planAudit(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var in auditWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	au, err := a.svc.PlanAudit(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	return a.writeAudit(w, r, acc, http.StatusCreated, au.ID)
}

func (a *API) getAudit(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeAudit(w, r, acc, http.StatusOK, id)
}

func (a *API) patchAudit(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var in auditWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	au, err := a.svc.UpdateAudit(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return a.writeAudit(w, r, acc, http.StatusOK, au.ID)
}

// writeAudit answers with the audit as it now stands, with its checklist.
func (a *API) writeAudit(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.Audit(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/audits/"+d.ID)
	}
	out := toAuditJSON(d.Audit, toAuditorsJSON(d.AuditorIDs, d.Auditors), len(d.Items), d.Done())
	if d.Year > 0 {
		year := d.Year
		out.CycleYear = &year
	}
	out.Counts = &auditCountsJSON{NotAudited: d.Counts[isms.ResultNone], Conforming: d.Counts[isms.ResultConforming],
		MinorNC: d.Counts[isms.ResultMinorNC], MajorNC: d.Counts[isms.ResultMajorNC], Observation: d.Counts[isms.ResultObservation],
		OFI: d.Counts[isms.ResultOFI]}
	out.Items = make([]auditItemJSON, 0, len(d.Items))
	for _, it := range d.Items {
		out.Items = append(out.Items, toAuditItemJSON(it))
	}
	return writeJSON(w, status, out)
}

// auditItemWrite is a checklist item's result; fields left out keep their
// value.
type auditItemWrite struct {
	Result   optional[string]      `json:"result"`
	Notes    optional[string]      `json:"notes"`
	Evidence optional[[]isms.Link] `json:"evidence"`
}

// recordAuditResult records a result. A finding that raises a record in
// the nonconformity register raises it in the same step; the answer names
// it.
func (a *API) recordAuditResult(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var in auditItemWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var upd app.AuditItemInput
	if in.Result.Set {
		if in.Result.Null {
			return isms.Invalid("result", "cannot be null: a result once recorded stands, though it may change to another")
		}
		upd.Result = &in.Result.Value
	}
	if in.Notes.Set {
		notes := in.Notes.Value // null empties the notes
		upd.Notes = &notes
	}
	if in.Evidence.Set {
		links := in.Evidence.Value
		if links == nil {
			links = []isms.Link{}
		}
		upd.Evidence = &links
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	item := r.PathValue("item")
	if !usableText(item) {
		return fmt.Errorf("checklist item %q: %w", item, isms.ErrNotFound)
	}
	it, err := a.svc.RecordAuditResult(r.Context(), acc, id, item, upd)
	if err != nil {
		return err
	}
	d, err := a.svc.Audit(r.Context(), acc, it.AuditID)
	if err != nil {
		return err
	}
	for _, v := range d.Items {
		if v.ID == it.ID {
			return writeJSON(w, http.StatusOK, toAuditItemJSON(v))
		}
	}
	return fmt.Errorf("checklist item %s: %w", it.ID, isms.ErrNotFound)
}

// auditReport sends an audit's report as PDF, the default, or as a
// workbook.
func (a *API) auditReport(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format"); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	contentType := map[string]string{"": pdfType, app.FormatPDF: pdfType, app.FormatXLSX: xlsxType}[format]
	if contentType == "" {
		return isms.Invalid("format", "%q is not a report format; use pdf or xlsx", format)
	}
	if format == "" {
		format = app.FormatPDF
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// The file is named by the audit's reference, whichever way the path
	// named the audit.
	d, err := a.svc.Audit(r.Context(), acc, id)
	if err != nil {
		return err
	}
	name := "audit-" + strings.ToLower(d.Ref()) + "." + format
	return sendFile(w, contentType, name, func(out io.Writer) error {
		if format == app.FormatXLSX {
			return a.svc.AuditReportXLSX(r.Context(), acc, d.ID, out)
		}
		return a.svc.AuditReportPDF(r.Context(), acc, d.ID, out)
	})
}
