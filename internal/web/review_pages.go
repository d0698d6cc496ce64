package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
)

// registerReviewPages adds management review (9.3): the reviews, each with
// its compiled inputs, decisions, actions and minutes.
func (u *UI) registerReviewPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/reviews", u.inOrg(u.reviewsPage))
	r.Handle("POST", "/o/{org}/reviews", u.inOrg(u.createReview))
	r.Handle("GET", "/o/{org}/reviews/{id}", u.inOrg(u.reviewPage))
	r.Handle("POST", "/o/{org}/reviews/{id}", u.inOrg(u.updateReview))
	r.Handle("POST", "/o/{org}/reviews/{id}/inputs", u.inOrg(u.compileReview))
	r.Handle("POST", "/o/{org}/reviews/{id}/status", u.inOrg(u.reviewStatus))
	r.Handle("POST", "/o/{org}/reviews/{id}/decisions", u.inOrg(u.addReviewDecision))
	r.Handle("POST", "/o/{org}/reviews/{id}/actions", u.inOrg(u.saveReviewAction))
	r.Handle("GET", "/o/{org}/reviews/{id}/minutes", u.inOrg(u.reviewMinutes))
}

// NCStageName names a stage stored as text in a review's inputs.
func (labels) NCStageName(s string) string { return isms.NCStage(s).Label() }

// NCSourceName names a source stored as text in a review's inputs.
func (labels) NCSourceName(s string) string { return isms.NCSource(s).Label() }

// Words turns a snake_case key of the inputs into words.
func (labels) Words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// Percent writes a share; a negative one has nothing to judge.
func (labels) Percent(f float64) string {
	if f < 0 {
		return "nothing judged yet"
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}

// ---------------------------------------------------------------------
// The list.

type meetingForm struct {
	Title, MeetingDate, ChairID, Guests, Notes string
	Attendees                                  []string
}

func meetingFormFrom(r *http.Request) meetingForm {
	_ = r.ParseForm()
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return meetingForm{Title: get("title"), MeetingDate: get("meeting_date"), ChairID: get("chair_id"), Guests: get("guests"),
		Notes: get("notes"), Attendees: r.PostForm["attendees"]}
}

// parseDay reads a date as its first instant: a meeting or an audit
// happens on a day, unlike a deadline, which parseDate puts at the end of
// its day.
func parseDay(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, isms.Invalid(field, "%q is not a date", s)
	}
	return &d, nil
}

func (f meetingForm) input() (app.ReviewInput, error) {
	date, err := parseDay("meeting_date", f.MeetingDate)
	if err != nil {
		return app.ReviewInput{}, err
	}
	in := app.ReviewInput{Title: &f.Title, ChairID: &f.ChairID, AttendeeIDs: &f.Attendees, Guests: &f.Guests, Notes: &f.Notes}
	if date != nil {
		in.MeetingDate = date
	} else {
		in.MeetingDate = &time.Time{}
	}
	return in, nil
}

// Attends reports whether the form names id as an attendee.
func (f meetingForm) Attends(id string) bool { return slices.Contains(f.Attendees, id) }

type reviewRow struct {
	app.ReviewRow
	Link, Chair string
}

type reviewsPage struct {
	Page
	Rows     []reviewRow
	CanWrite bool
	Form     meetingForm
	Errors   map[string]string
	Members  []isms.Member
}

func (u *UI) reviewsPage(q *request) error {
	return u.showReviews(q, http.StatusOK, meetingForm{ChairID: q.access.Member.ID}, nil)
}

func (u *UI) showReviews(q *request, status int, form meetingForm, errs map[string]string) error {
	rows, err := u.svc.Reviews(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page := &reviewsPage{CanWrite: q.access.Can(isms.PermWriteRecords), Form: form, Errors: errs, Members: ppl.Eligible}
	page.Title, page.Section = "Management review", "reviews"
	for _, r := range rows {
		page.Rows = append(page.Rows, reviewRow{ReviewRow: r, Link: q.orgPath("reviews", r.Ref()), Chair: ppl.Name(r.ChairID)})
	}
	return u.render(q, status, "reviews", page)
}

func (u *UI) createReview(q *request) error {
	form := meetingFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		in.Notes = nil
		var r isms.Review
		if r, err = u.svc.CreateReview(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.orgPath("reviews", r.Ref()), r.Ref()+" planned. Compile its inputs when the meeting comes near.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showReviews(q, http.StatusUnprocessableEntity, form, reviewFieldErrors(fields))
	}
	return err
}

// reviewFieldErrors maps the app's field names onto the form's.
func reviewFieldErrors(fields []isms.FieldError) map[string]string {
	errs := fieldErrors(fields)
	for k, v := range errs {
		switch {
		case k == "chair":
			errs["chair_id"] = v
		case strings.HasPrefix(k, "attendees"):
			errs["attendees"] = v
		}
	}
	return errs
}

// ---------------------------------------------------------------------
// One review.

type reviewActionView struct {
	isms.ReviewAction
	Owner   string
	Overdue bool
	// MayReport: the action's owner or an ISMS manager.
	MayReport bool
}

type reviewPage struct {
	Page
	labels
	Review    app.ReviewDetail
	Chair     string
	Attendees []string
	Previous  string
	Actions   []reviewActionView
	Members   []isms.Member
	Form      meetingForm
	Errors    map[string]string
	Refusal   string
	Decision  string
	Action    actionForm
	// Manager may change the review; Open is set until its minutes are
	// approved.
	Manager, Open bool
	Minutes       string
}

func (u *UI) reviewPage(q *request) error { return u.showReview(q, http.StatusOK, nil) }

func (u *UI) showReview(q *request, status int, page *reviewPage) error {
	d, err := u.svc.Review(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	if page == nil {
		page = &reviewPage{}
	}
	page.Review, page.Chair, page.Members = d, ppl.Name(d.ChairID), ppl.Eligible
	page.Title, page.Section = d.Ref()+" "+d.Title, "reviews"
	page.Manager, page.Open = q.access.Can(isms.PermWriteRecords), d.Status != isms.ReviewApproved
	page.Minutes = q.orgPath("reviews", d.Ref(), "minutes")
	for _, id := range d.AttendeeIDs {
		page.Attendees = append(page.Attendees, ppl.Name(id))
	}
	if d.Period.Previous != nil {
		page.Previous = d.Period.Previous.Ref()
	}
	now := time.Now()
	for _, act := range d.Actions {
		page.Actions = append(page.Actions, reviewActionView{ReviewAction: act, Owner: ppl.Name(act.OwnerID), Overdue: act.Overdue(now),
			MayReport: page.Manager || q.access.Member.ID == act.OwnerID && q.access.Role == isms.RoleContributor})
	}
	if page.Form.Title == "" {
		page.Form = meetingForm{Title: d.Title, MeetingDate: dateValue(&d.MeetingDate), ChairID: d.ChairID, Guests: d.Guests, Notes: d.Notes,
			Attendees: d.AttendeeIDs}
	}
	if page.Action.OwnerID == "" {
		page.Action.OwnerID = d.ChairID
	}
	return u.render(q, status, "review", page)
}

// refuseMeeting shows the review again with why a change was refused.
func (u *UI) refuseMeeting(q *request, err error, page *reviewPage) error {
	if page == nil {
		page = &reviewPage{}
	}
	var conflict *isms.ConflictError
	switch {
	case isms.FieldErrors(err) != nil:
		page.Errors = reviewFieldErrors(isms.FieldErrors(err))
		var parts []string
		for _, f := range isms.FieldErrors(err) {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		page.Refusal = strings.Join(parts, "; ")
		return u.showReview(q, http.StatusUnprocessableEntity, page)
	case errors.As(err, &conflict):
		page.Refusal = conflict.Field + " " + conflict.Detail
		return u.showReview(q, http.StatusConflict, page)
	case errors.Is(err, isms.ErrForbidden):
		page.Refusal = refusal(err)
		return u.showReview(q, http.StatusForbidden, page)
	}
	return err
}

func (u *UI) updateReview(q *request) error {
	form := meetingFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		var r isms.Review
		if r, err = u.svc.UpdateReview(q.r.Context(), q.access, q.r.PathValue("id"), in); err == nil {
			return u.redirect(q, q.orgPath("reviews", r.Ref()), r.Ref()+" saved.")
		}
	}
	return u.refuseMeeting(q, err, &reviewPage{Form: form})
}

func (u *UI) compileReview(q *request) error {
	r, err := u.svc.CompileReviewInputs(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return u.refuseMeeting(q, err, nil)
	}
	return u.redirect(q, q.orgPath("reviews", r.Ref())+"#inputs", "Inputs compiled from the records as they stand now.")
}

func (u *UI) reviewStatus(q *request) error {
	status := isms.MeetingStatus(q.r.PostFormValue("status"))
	r, err := u.svc.SetReviewStatus(q.r.Context(), q.access, q.r.PathValue("id"), status)
	if err != nil {
		return u.refuseMeeting(q, err, nil)
	}
	msg := r.Ref() + " recorded as held; its inputs are kept as presented."
	if status == isms.ReviewApproved {
		msg = r.Ref() + "'s minutes approved."
	}
	return u.redirect(q, q.orgPath("reviews", r.Ref()), msg)
}

func (u *UI) addReviewDecision(q *request) error {
	text := q.r.PostFormValue("text")
	if _, err := u.svc.AddReviewDecision(q.r.Context(), q.access, q.r.PathValue("id"), text); err != nil {
		return u.refuseMeeting(q, err, &reviewPage{Decision: text})
	}
	return u.redirect(q, q.orgPath("reviews", q.r.PathValue("id"))+"#decisions", "Decision recorded.")
}

// saveReviewAction adds an action, or, with an action id, reports it done
// or reopens it.
func (u *UI) saveReviewAction(q *request) error {
	ctx := q.r.Context()
	ref := q.r.PathValue("id")
	if actionID := q.r.PostFormValue("action_id"); actionID != "" {
		done := q.r.PostFormValue("done") == "true"
		act, err := u.svc.SaveReviewAction(ctx, q.access, ref, actionID, app.ReviewActionInput{Done: &done})
		if err != nil {
			return u.refuseMeeting(q, err, nil)
		}
		msg := "Action reopened: " + act.Title + "."
		if done {
			msg = "Action done: " + act.Title + "."
		}
		return u.redirect(q, q.orgPath("reviews", ref)+"#actions", msg)
	}
	form := actionForm{Title: strings.TrimSpace(q.r.PostFormValue("title")), OwnerID: q.r.PostFormValue("owner_id"),
		DueDate: strings.TrimSpace(q.r.PostFormValue("due_date"))}
	due, err := parseDate("due_date", form.DueDate)
	if err == nil {
		_, err = u.svc.SaveReviewAction(ctx, q.access, ref, "", app.ReviewActionInput{Title: &form.Title, OwnerID: &form.OwnerID, DueDate: due})
	}
	if err != nil {
		return u.refuseMeeting(q, err, &reviewPage{Action: form})
	}
	return u.redirect(q, q.orgPath("reviews", ref)+"#actions", "Action recorded: "+form.Title+".")
}

func (u *UI) reviewMinutes(q *request) error {
	var b bytes.Buffer
	if err := u.svc.WriteReviewMinutes(q.r.Context(), q.access, q.r.PathValue("id"), &b); err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachment(q.r.PathValue("id")+"-minutes.pdf"))
	h.Set("Cache-Control", "private, no-store")
	_, err := q.w.Write(b.Bytes())
	return err
}
