package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Controls are named by their reference, framework:item, which may hold
// slashes: the routes of one control end in {ref...}, and the reasons and
// tasks that belong to a control are collections of their own that name
// the control in the body (on creation) or in the control query parameter
// (by id), since a path cannot go on after {ref...}.

// requirementJSON is what a standard requires of a control.
type requirementJSON struct {
	Framework      string `json:"framework"`
	FrameworkTitle string `json:"framework_title"`
	ID             string `json:"id"`
	Cite           string `json:"cite"`
	Title          string `json:"title"`
	Description    string `json:"description"`
	Guidance       string `json:"guidance"`
}

type controlReasonJSON struct {
	ID        string          `json:"id"`
	Control   string          `json:"control"`
	Kind      isms.ReasonKind `json:"kind"`
	Title     string          `json:"title"`
	URL       string          `json:"url"`
	CreatedAt time.Time       `json:"created_at"`
}

func toControlReasonJSON(ref string, rs isms.ControlReason) controlReasonJSON {
	return controlReasonJSON{ID: rs.ID, Control: ref, Kind: rs.Kind, Title: rs.Title, URL: rs.URL, CreatedAt: rs.CreatedAt}
}

type controlTaskJSON struct {
	ID         string          `json:"id"`
	Control    string          `json:"control"`
	Title      string          `json:"title"`
	AssigneeID *string         `json:"assignee_id"`
	DueDate    *string         `json:"due_date"`
	Status     isms.TaskStatus `json:"status"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

func toControlTaskJSON(ref string, t isms.ControlTask) controlTaskJSON {
	return controlTaskJSON{ID: t.ID, Control: ref, Title: t.Title, AssigneeID: nullable(t.AssigneeID), DueDate: formatDate(t.DueDate),
		Status: t.Status, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// controlJSON answers "show me how you do A.8.8": the requirement, the
// organisation's record, the control's line in the statement, and the
// work on it.
type controlJSON struct {
	Ref    string `json:"ref"`
	Custom bool   `json:"custom"`
	// Requirement is null for the organisation's own controls.
	Requirement *requirementJSON `json:"requirement"`
	// RecordID is null until someone records anything about the control.
	RecordID        *string                   `json:"id"`
	Title           string                    `json:"title"`
	Description     string                    `json:"description"`
	Applicability   string                    `json:"applicability"`
	ExclusionReason string                    `json:"exclusion_reason"`
	Status          isms.ImplementationStatus `json:"status"`
	OwnerID         *string                   `json:"owner_id"`
	Implementation  string                    `json:"implementation"`
	ReviewCadence   *isms.Cadence             `json:"review_cadence"`
	EvidenceCadence *isms.Cadence             `json:"evidence_cadence"`
	LastReviewed    *time.Time                `json:"last_reviewed"`
	Notes           string                    `json:"notes"`
	Links           []isms.Link               `json:"links"`
	CreatedAt       *time.Time                `json:"created_at"`
	UpdatedAt       *time.Time                `json:"updated_at"`
	// Entry is null for a control of a framework the organisation does
	// not run, which is in no statement.
	Entry    *soaEntryJSON       `json:"entry"`
	Reasons  []controlReasonJSON `json:"reasons"`
	Tasks    []controlTaskJSON   `json:"tasks"`
	Requests []requestJSON       `json:"requests"`
}

func toControlJSON(ref string, d app.ControlDetail) controlJSON {
	c := d.Record
	out := controlJSON{Ref: ref, Custom: c.IsCustom(), RecordID: nullable(c.ID), Title: c.Title, Description: c.Description,
		Applicability: applicabilityName(c.Applicability), ExclusionReason: c.ExclusionReason, Status: c.Status,
		OwnerID: nullable(c.OwnerID), Implementation: c.Implementation, ReviewCadence: cadence(c.ReviewCadence),
		EvidenceCadence: cadence(c.EvidenceCadence), LastReviewed: c.LastReviewed, Notes: c.Notes, Links: orEmpty(c.Links),
		Reasons: make([]controlReasonJSON, len(d.Reasons)), Tasks: make([]controlTaskJSON, len(d.Tasks)),
		Requests: make([]requestJSON, len(d.Requests))}
	if d.Item != nil {
		out.Requirement = &requirementJSON{Framework: d.Framework.ID, FrameworkTitle: d.Framework.Title(), ID: d.Item.ID,
			Cite: d.Item.Cite(), Title: d.Item.Title, Description: d.Item.Description, Guidance: d.Item.Guidance}
		// A standard's control is called what the standard calls it.
		out.Title, out.Description = d.Item.Title, d.Item.Description
	}
	if c.ID != "" {
		out.CreatedAt, out.UpdatedAt = &c.CreatedAt, &c.UpdatedAt
	}
	if d.Entry.Control != "" {
		e := toSoAEntryJSON(d.Entry)
		out.Entry = &e
	}
	for i, rs := range d.Reasons {
		out.Reasons[i] = toControlReasonJSON(ref, rs)
	}
	for i, t := range d.Tasks {
		out.Tasks[i] = toControlTaskJSON(ref, t)
	}
	for i, q := range d.Requests {
		out.Requests[i] = toRequestJSON(q)
	}
	return out
}

// controlRef returns the control reference of the path. A reference that
// is not usable text names no control.
func controlRef(r *http.Request) (string, error) {
	ref := r.PathValue("ref")
	if !usableText(ref) {
		return "", fmt.Errorf("control %q: %w", ref, isms.ErrNotFound)
	}
	return ref, nil
}

// writeControl answers with the control as it now stands.
func (a *API) writeControl(w http.ResponseWriter, r *http.Request, acc app.Access, status int, ref string) error {
	d, err := a.svc.Control(r.Context(), acc, ref)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/controls/"+url.PathEscape(ref))
	}
	return writeJSON(w, status, toControlJSON(ref, d))
}

func (a *API) getControl(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	ref, err := controlRef(r)
	if err != nil {
		return err
	}
	return a.writeControl(w, r, acc, http.StatusOK, ref)
}

// controlPatch changes a control's record; fields left out keep their
// value, and null is the same as the empty value (undecided, nobody, no
// cadence, no text).
type controlPatch struct {
	Applicability   optional[string]      `json:"applicability"`
	ExclusionReason optional[string]      `json:"exclusion_reason"`
	Status          optional[string]      `json:"status"`
	OwnerID         optional[string]      `json:"owner_id"`
	Implementation  optional[string]      `json:"implementation"`
	ReviewCadence   optional[string]      `json:"review_cadence"`
	EvidenceCadence optional[string]      `json:"evidence_cadence"`
	Notes           optional[string]      `json:"notes"`
	Links           optional[[]isms.Link] `json:"links"`
	Reviewed        optional[bool]        `json:"reviewed"`
	Title           optional[string]      `json:"title"`
	Description     optional[string]      `json:"description"`
}

// text turns a field of the patch into the application's: nil when it was
// left out.
func text(o optional[string]) *string {
	if !o.Set {
		return nil
	}
	return &o.Value
}

func (p controlPatch) input() app.ControlInput {
	in := app.ControlInput{ExclusionReason: text(p.ExclusionReason), Status: text(p.Status), OwnerID: text(p.OwnerID),
		Implementation: text(p.Implementation), ReviewCadence: text(p.ReviewCadence), EvidenceCadence: text(p.EvidenceCadence),
		Notes: text(p.Notes), Title: text(p.Title), Description: text(p.Description), Reviewed: p.Reviewed.Value}
	if p.Applicability.Set {
		v := applicabilityValue(p.Applicability.Value)
		in.Applicability = &v
	}
	if p.Links.Set {
		links := orEmpty(p.Links.Value)
		in.Links = &links
	}
	return in
}

func (a *API) patchControl(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in controlPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ref, err := controlRef(r)
	if err != nil {
		return err
	}
	if _, err := a.svc.UpdateControl(r.Context(), acc, ref, in.input()); err != nil {
		return renameFields(err, map[string]string{"owner": "owner_id"})
	}
	return a.writeControl(w, r, acc, http.StatusOK, ref)
}

type customControlCreate struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (a *API) createControl(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in customControlCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.CreateCustomControl(r.Context(), acc, in.Code, in.Title, in.Description)
	if errors.Is(err, isms.ErrConflict) {
		return &isms.ConflictError{Field: "code", Detail: fmt.Sprintf("%q is already the code of one of the organisation's controls", in.Code)}
	}
	if err != nil {
		return err
	}
	return a.writeControl(w, r, acc, http.StatusCreated, c.Control)
}

// bodyControl checks the control a request body names. A control that
// does not exist is a value that breaks a rule of the body, not a missing
// resource.
func bodyControl(ref string, err error) error {
	if ref == "" {
		return isms.Invalid("control", "is required: a control such as iso27001-2022:A.8.8")
	}
	if errors.Is(err, isms.ErrNotFound) {
		return isms.Invalid("control", "%q is not a control of a framework the organisation can see, nor one of its own", ref)
	}
	return err
}

// queryControl reads the control query parameter that names the control
// a reason or task belongs to.
func queryControl(r *http.Request) (string, error) {
	ref := r.URL.Query().Get("control")
	if ref == "" {
		return "", isms.Invalid("control", "is required: the control the record belongs to, such as iso27001-2022:A.8.8")
	}
	return ref, nil
}

type controlReasonCreate struct {
	Control string `json:"control"`
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	URL     string `json:"url"`
}

func (a *API) addControlReason(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in controlReasonCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Control == "" {
		return bodyControl("", nil)
	}
	rs, err := a.svc.AddControlReason(r.Context(), acc, in.Control, in.Kind, in.Title, in.URL)
	if err != nil {
		return renameFields(bodyControl(in.Control, err), map[string]string{"reason.title": "title", "reason.url": "url"})
	}
	return writeJSON(w, http.StatusCreated, toControlReasonJSON(in.Control, rs))
}

func (a *API) removeControlReason(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "control"); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ref, err := queryControl(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemoveControlReason(r.Context(), acc, ref, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type controlTaskCreate struct {
	Control    string  `json:"control"`
	Title      string  `json:"title"`
	AssigneeID *string `json:"assignee_id"`
	DueDate    *string `json:"due_date"`
	Status     string  `json:"status"`
}

// taskFields are the names the application gives the fields of a task,
// as the API names them.
var taskFields = map[string]string{"assignee": "assignee_id"}

func (a *API) addControlTask(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in controlTaskCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Control == "" {
		return bodyControl("", nil)
	}
	due, err := parseDate("due_date", in.DueDate)
	if err != nil {
		return err
	}
	t, err := a.svc.SaveControlTask(r.Context(), acc, in.Control, "", app.TaskInput{Title: in.Title, AssigneeID: deref(in.AssigneeID),
		DueDate: due, Status: in.Status})
	if err != nil {
		return renameFields(bodyControl(in.Control, err), taskFields)
	}
	return writeJSON(w, http.StatusCreated, toControlTaskJSON(in.Control, t))
}

type controlTaskPatch struct {
	Title      optional[string] `json:"title"`
	AssigneeID optional[string] `json:"assignee_id"`
	DueDate    optional[string] `json:"due_date"`
	Status     optional[string] `json:"status"`
}

func (a *API) patchControlTask(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "control"); err != nil {
		return err
	}
	var in controlTaskPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ref, err := queryControl(r)
	if err != nil {
		return err
	}
	d, err := a.svc.Control(r.Context(), acc, ref)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(d.Tasks, func(t isms.ControlTask) bool { return t.ID == id })
	if i < 0 {
		return fmt.Errorf("task %s of control %s: %w", id, ref, isms.ErrNotFound)
	}
	cur := d.Tasks[i]
	upd := app.TaskInput{Title: cur.Title, AssigneeID: cur.AssigneeID, DueDate: cur.DueDate, Status: string(cur.Status)}
	if in.Title.Set {
		upd.Title = in.Title.Value
	}
	if in.AssigneeID.Set {
		upd.AssigneeID = in.AssigneeID.Value
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
		if strings.TrimSpace(in.Status.Value) == "" {
			return isms.Invalid("status", "cannot be empty; use open, done or cancelled")
		}
		upd.Status = in.Status.Value
	}
	t, err := a.svc.SaveControlTask(r.Context(), acc, ref, cur.ID, upd)
	if err != nil {
		return renameFields(err, taskFields)
	}
	return writeJSON(w, http.StatusOK, toControlTaskJSON(ref, t))
}
