package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// reviewActionJSON is an action decided at a review.
type reviewActionJSON struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	OwnerID   string     `json:"owner_id"`
	DueDate   *string    `json:"due_date"`
	Status    string     `json:"status"`
	DoneAt    *time.Time `json:"done_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

func toReviewActionJSON(a isms.ReviewAction) reviewActionJSON {
	return reviewActionJSON{ID: a.ID, Title: a.Title, OwnerID: a.OwnerID, DueDate: formatDate(a.DueDate), Status: a.Status(), DoneAt: a.DoneAt,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// reviewDecisionJSON is a decision recorded at a review.
type reviewDecisionJSON struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// reviewJSON is a management review. Inputs is the snapshot exactly as
// compiled, so a client sees what the meeting saw.
type reviewJSON struct {
	ID          string               `json:"id"`
	Ref         string               `json:"ref"`
	Title       string               `json:"title"`
	MeetingDate *string              `json:"meeting_date"`
	PeriodFrom  *string              `json:"period_from"`
	Status      string               `json:"status"`
	ChairID     string               `json:"chair_id"`
	AttendeeIDs []string             `json:"attendee_ids"`
	Guests      []string             `json:"guests"`
	Notes       string               `json:"notes"`
	CompiledAt  *time.Time           `json:"compiled_at"`
	InputsHash  *string              `json:"inputs_sha256"`
	ApprovedBy  *string              `json:"approved_by"`
	ApprovedAt  *time.Time           `json:"approved_at"`
	OpenActions int                  `json:"open_actions"`
	Inputs      json.RawMessage      `json:"inputs,omitempty"`
	Decisions   []reviewDecisionJSON `json:"decisions,omitempty"`
	Actions     []reviewActionJSON   `json:"actions,omitempty"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
}

func toReviewJSON(r isms.Review, from time.Time, openActions int) reviewJSON {
	out := reviewJSON{ID: r.ID, Ref: r.Ref(), Title: r.Title, MeetingDate: formatDate(&r.MeetingDate), PeriodFrom: formatDate(&from),
		Status: string(r.Status), ChairID: r.ChairID, AttendeeIDs: r.AttendeeIDs, Guests: r.GuestList(), Notes: r.Notes, CompiledAt: r.CompiledAt,
		InputsHash: nullable(r.InputsHash), ApprovedBy: nullable(r.ApprovedBy), ApprovedAt: r.ApprovedAt, OpenActions: openActions,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if out.AttendeeIDs == nil {
		out.AttendeeIDs = []string{}
	}
	if out.Guests == nil {
		out.Guests = []string{}
	}
	return out
}

func (a *API) listReviews(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	rows, err := a.svc.Reviews(r.Context(), acc)
	if err != nil {
		return err
	}
	out := newList(make([]reviewJSON, 0, len(rows)), "")
	for _, row := range rows {
		out.Items = append(out.Items, toReviewJSON(row.Review, row.Period.From, row.OpenActions))
	}
	return writeJSON(w, http.StatusOK, out)
}

// reviewWrite is a new review or a change to one.
type reviewWrite struct {
	Title       optional[string]   `json:"title"`
	MeetingDate optional[string]   `json:"meeting_date"`
	ChairID     optional[string]   `json:"chair_id"`
	AttendeeIDs optional[[]string] `json:"attendee_ids"`
	Guests      optional[[]string] `json:"guests"`
	Notes       optional[string]   `json:"notes"`
}

func (in reviewWrite) input() (app.ReviewInput, error) {
	var out app.ReviewInput
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"title", in.Title, &out.Title}, {"chair_id", in.ChairID, &out.ChairID}, {"notes", in.Notes, &out.Notes}} {
		if f.o.Set {
			if f.o.Null {
				return out, isms.Invalid(f.name, "cannot be null")
			}
			v := f.o.Value
			*f.dst = &v
		}
	}
	if in.MeetingDate.Set {
		if in.MeetingDate.Null {
			return out, isms.Invalid("meeting_date", "cannot be null")
		}
		d, err := parseDate("meeting_date", &in.MeetingDate.Value)
		if err != nil {
			return out, err
		}
		out.MeetingDate = d
	}
	if in.AttendeeIDs.Set {
		ids := in.AttendeeIDs.Value
		out.AttendeeIDs = &ids
	}
	if in.Guests.Set {
		var g string
		for i, name := range in.Guests.Value {
			if i > 0 {
				g += "\n"
			}
			g += name
		}
		out.Guests = &g
	}
	return out, nil
}

func (a *API) createReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in reviewWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	rv, err := a.svc.CreateReview(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	return a.writeReview(w, r, acc, http.StatusCreated, rv.ID)
}

func (a *API) getReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeReview(w, r, acc, http.StatusOK, id)
}

func (a *API) patchReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in reviewWrite
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
	rv, err := a.svc.UpdateReview(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return a.writeReview(w, r, acc, http.StatusOK, rv.ID)
}

func (a *API) compileReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rv, err := a.svc.CompileReviewInputs(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return a.writeReview(w, r, acc, http.StatusOK, rv.ID)
}

func (a *API) setReviewStatus(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in struct {
		Status string `json:"status"`
	}
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rv, err := a.svc.SetReviewStatus(r.Context(), acc, id, isms.MeetingStatus(in.Status))
	if err != nil {
		return err
	}
	return a.writeReview(w, r, acc, http.StatusOK, rv.ID)
}

func (a *API) addReviewDecision(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.AddReviewDecision(r.Context(), acc, id, in.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, reviewDecisionJSON{ID: d.ID, Text: d.Text, CreatedAt: d.CreatedAt})
}

// reviewActionWrite is a new action (title, owner_id and due_date) or a
// change to one; status done or open reports on it.
type reviewActionWrite struct {
	Title   optional[string] `json:"title"`
	OwnerID optional[string] `json:"owner_id"`
	DueDate optional[string] `json:"due_date"`
	Status  optional[string] `json:"status"`
}

func (a *API) saveReviewAction(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in reviewActionWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var upd app.ReviewActionInput
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"title", in.Title, &upd.Title}, {"owner_id", in.OwnerID, &upd.OwnerID}} {
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
		if in.DueDate.Null {
			return isms.Invalid("due_date", "cannot be null: every action has a deadline")
		}
		upd.DueDate = due
	}
	if in.Status.Set {
		switch {
		case in.Status.Null:
			return isms.Invalid("status", "cannot be null")
		case in.Status.Value == "done" || in.Status.Value == "open":
			done := in.Status.Value == "done"
			upd.Done = &done
		default:
			return isms.Invalid("status", "%q is not a status; use open or done", in.Status.Value)
		}
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
	act, err := a.svc.SaveReviewAction(r.Context(), acc, id, actionID, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toReviewActionJSON(act))
}

func (a *API) reviewMinutes(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return sendFile(w, pdfType, id+"-minutes.pdf", func(out io.Writer) error {
		return a.svc.WriteReviewMinutes(r.Context(), acc, id, out)
	})
}

// writeReview answers with the review as it now stands, with its inputs,
// decisions and actions.
func (a *API) writeReview(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.Review(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/reviews/"+d.ID)
	}
	open := 0
	out := toReviewJSON(d.Review, d.Period.From, 0)
	out.Inputs = json.RawMessage("null")
	if d.Review.Inputs != nil {
		out.Inputs = d.Review.Inputs
	}
	out.Decisions = make([]reviewDecisionJSON, 0, len(d.Decisions))
	for _, dec := range d.Decisions {
		out.Decisions = append(out.Decisions, reviewDecisionJSON{ID: dec.ID, Text: dec.Text, CreatedAt: dec.CreatedAt})
	}
	out.Actions = make([]reviewActionJSON, 0, len(d.Actions))
	for _, act := range d.Actions {
		if !act.Done() {
			open++
		}
		out.Actions = append(out.Actions, toReviewActionJSON(act))
	}
	out.OpenActions = open
	return writeJSON(w, status, out)
}
