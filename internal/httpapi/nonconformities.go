package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// correctiveActionJSON is one corrective action of a record.
type correctiveActionJSON struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	OwnerID     string     `json:"owner_id"`
	DueDate     *string    `json:"due_date"`
	Done        bool       `json:"done"`
	CompletedAt *time.Time `json:"completed_at"`
	Outcome     string     `json:"outcome"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func toCorrectiveActionJSON(c isms.CorrectiveAction) correctiveActionJSON {
	return correctiveActionJSON{ID: c.ID, Title: c.Title, OwnerID: c.OwnerID, DueDate: formatDate(c.DueDate), Done: c.Done(),
		CompletedAt: c.CompletedAt, Outcome: c.Outcome, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// nonconformityJSON is a record of the register. Stage and overdue follow
// from the record and its actions.
type nonconformityJSON struct {
	ID               string                 `json:"id"`
	Ref              string                 `json:"ref"`
	Kind             string                 `json:"kind"`
	Grade            *string                `json:"grade"`
	Source           string                 `json:"source"`
	Title            string                 `json:"title"`
	Description      string                 `json:"description"`
	Requirement      *string                `json:"requirement"`
	FindingID        *string                `json:"finding_id"`
	OwnerID          string                 `json:"owner_id"`
	RaisedBy         *string                `json:"raised_by"`
	DueDate          *string                `json:"due_date"`
	Correction       string                 `json:"correction"`
	RootCause        string                 `json:"root_cause"`
	Stage            string                 `json:"stage"`
	Overdue          bool                   `json:"overdue"`
	VerifiedBy       *string                `json:"verified_by"`
	VerifiedAt       *time.Time             `json:"verified_at"`
	Effective        *bool                  `json:"effective"`
	VerificationNote string                 `json:"verification_note"`
	ClosedAt         *time.Time             `json:"closed_at"`
	Actions          []correctiveActionJSON `json:"actions,omitempty"`
	CreatedAt        time.Time              `json:"created_at"`
	UpdatedAt        time.Time              `json:"updated_at"`
}

func toNonconformityJSON(n isms.Nonconformity, stage isms.NCStage, overdue bool) nonconformityJSON {
	return nonconformityJSON{ID: n.ID, Ref: n.Ref(), Kind: string(n.Kind), Grade: nullable(string(n.Grade)), Source: string(n.Source),
		Title: n.Title, Description: n.Description, Requirement: nullable(n.Requirement), FindingID: nullable(n.FindingID),
		OwnerID: n.OwnerID, RaisedBy: nullable(n.RaisedBy), DueDate: formatDate(n.DueDate), Correction: n.Correction,
		RootCause: n.RootCause, Stage: string(stage), Overdue: overdue, VerifiedBy: nullable(n.VerifiedBy), VerifiedAt: n.VerifiedAt,
		Effective: n.Effective, VerificationNote: n.VerificationNote, ClosedAt: n.ClosedAt, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

// listNonconformities lists the register, newest first, a page at a time.
func (a *API) listNonconformities(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "kind", "source", "status", "overdue", "owner", "q", "limit", "cursor"); err != nil {
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
	f := store.NCFilter{Kind: isms.NCKind(q.Get("kind")), Source: isms.NCSource(q.Get("source")), OwnerID: q.Get("owner"),
		Query: q.Get("q"), Limit: limit + 1}
	switch q.Get("status") {
	case "":
	case "open":
		f.Open = true
	case "closed":
		f.Closed = true
	default:
		return isms.Invalid("status", "%q is not a status; use open or closed", q.Get("status"))
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		return isms.Invalid("overdue", "use true or false")
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
	rows, err := a.svc.Nonconformities(r.Context(), acc, f)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = store.EncodeCursor(strconv.Itoa(rows[limit-1].RefNum))
	}
	out := newList(make([]nonconformityJSON, 0, len(rows)), next)
	for _, n := range rows {
		out.Items = append(out.Items, toNonconformityJSON(n.Nonconformity, n.Stage, n.Overdue))
	}
	return writeJSON(w, http.StatusOK, out)
}

// nonconformityWrite is a new record or a change to one. Kind and source
// are fixed when the record is raised.
type nonconformityWrite struct {
	Kind        optional[string] `json:"kind"`
	Source      optional[string] `json:"source"`
	Grade       optional[string] `json:"grade"`
	Title       optional[string] `json:"title"`
	Description optional[string] `json:"description"`
	Requirement optional[string] `json:"requirement"`
	OwnerID     optional[string] `json:"owner_id"`
	DueDate     optional[string] `json:"due_date"`
	Correction  optional[string] `json:"correction"`
	RootCause   optional[string] `json:"root_cause"`
}

// input turns the body into the app's input; null clears a text field,
// and the due date.
func (in nonconformityWrite) input() (app.NCInput, error) {
	text := func(o optional[string]) *string {
		if !o.Set {
			return nil
		}
		v := o.Value
		return &v
	}
	out := app.NCInput{Kind: in.Kind.Value, Source: in.Source.Value, Grade: text(in.Grade), Title: text(in.Title),
		Description: text(in.Description), Requirement: text(in.Requirement), OwnerID: text(in.OwnerID), Correction: text(in.Correction),
		RootCause: text(in.RootCause)}
	if in.DueDate.Set {
		out.SetDueDate = true
		if !in.DueDate.Null {
			due, err := parseDate("due_date", &in.DueDate.Value)
			if err != nil {
				return out, err
			}
			out.DueDate = due
		}
	}
	return out, nil
}

func (a *API) raiseNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in nonconformityWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	n, err := a.svc.RaiseNonconformity(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusCreated, n.ID)
}

func (a *API) getNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusOK, id)
}

func (a *API) patchNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in nonconformityWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Kind.Set {
		return isms.Invalid("kind", "is fixed when the record is raised")
	}
	if in.Source.Set {
		return isms.Invalid("source", "is fixed when the record is raised")
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.UpdateNonconformity(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusOK, n.ID)
}

// correctiveActionWrite plans an action or reports on one.
type correctiveActionWrite struct {
	Title   optional[string] `json:"title"`
	OwnerID optional[string] `json:"owner_id"`
	DueDate optional[string] `json:"due_date"`
	Done    optional[bool]   `json:"done"`
	Outcome optional[string] `json:"outcome"`
}

func (a *API) saveCorrectiveAction(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in correctiveActionWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var upd app.CorrectiveActionInput
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"title", in.Title, &upd.Title}, {"owner_id", in.OwnerID, &upd.OwnerID}, {"outcome", in.Outcome, &upd.Outcome}} {
		if f.o.Set {
			if f.o.Null {
				return isms.Invalid(f.name, "cannot be null")
			}
			v := f.o.Value
			*f.dst = &v
		}
	}
	if in.DueDate.Set {
		due, err := parseDate("due_date", &in.DueDate.Value)
		if err != nil {
			return err
		}
		if due == nil {
			return isms.Invalid("due_date", "cannot be null: every corrective action has a deadline")
		}
		upd.DueDate = due
	}
	if in.Done.Set {
		if in.Done.Null {
			return isms.Invalid("done", "cannot be null")
		}
		upd.Done = &in.Done.Value
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	actionID := r.PathValue("action")
	status := http.StatusOK
	if actionID == "" {
		status = http.StatusCreated
	}
	c, err := a.svc.SaveCorrectiveAction(r.Context(), acc, id, actionID, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toCorrectiveActionJSON(c))
}

// verificationWrite is the result of checking that the actions worked.
type verificationWrite struct {
	Effective bool   `json:"effective"`
	Note      string `json:"note"`
}

func (a *API) verifyNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in verificationWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.VerifyNonconformity(r.Context(), acc, id, in.Effective, in.Note)
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusOK, n.ID)
}

func (a *API) raiseFindingNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.RaiseFindingNonconformity(r.Context(), acc, id, "")
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusCreated, n.ID)
}

// writeNonconformity answers with the record as it now stands, with its
// actions.
func (a *API) writeNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.Nonconformity(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/nonconformities/"+d.ID)
	}
	out := toNonconformityJSON(d.Nonconformity, d.Stage, d.Overdue)
	out.Actions = make([]correctiveActionJSON, 0, len(d.Actions))
	for _, c := range d.Actions {
		out.Actions = append(out.Actions, toCorrectiveActionJSON(c))
	}
	return writeJSON(w, status, out)
}

// nonconformityCountsJSON summarises the register.
type nonconformityCountsJSON struct {
	Open            int     `json:"open"`
	Overdue         int     `json:"overdue"`
	OpenMajor       int     `json:"open_major"`
	Closed          int     `json:"closed"`
	MeanDaysToClose float64 `json:"mean_days_to_close"`
}

func (a *API) nonconformityMetrics(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	c, err := a.svc.NonconformityCounts(r.Context(), acc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonconformityCountsJSON{Open: c.Open, Overdue: c.Overdue, OpenMajor: c.OpenMajor, Closed: c.Closed,
		MeanDaysToClose: c.MeanDaysToClose})
}
