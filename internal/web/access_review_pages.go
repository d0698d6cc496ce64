package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerAccessReviewPages adds access review campaigns (5.15 to 5.18,
// 8.2, 8.3): the list, opening one, and each campaign with its accounts,
// the reviewers' decisions, the account import and completion, which
// records evidence for A.5.18.
func (u *UI) registerAccessReviewPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/access-reviews", u.inOrg(u.accessReviewsPage))
	r.Handle("GET", "/o/{org}/access-reviews/new", u.inOrg(u.newAccessReviewPage))
	r.Handle("POST", "/o/{org}/access-reviews", u.inOrg(u.createAccessReview))
	r.Handle("GET", "/o/{org}/access-reviews/{id}", u.inOrg(u.accessReviewPage))
	r.Handle("GET", "/o/{org}/access-reviews/{id}/edit", u.inOrg(u.editAccessReviewPage))
	r.Handle("POST", "/o/{org}/access-reviews/{id}", u.inOrg(u.updateAccessReview))
	r.Handle("POST", "/o/{org}/access-reviews/{id}/accounts", u.inOrg(u.addReviewAccount))
	r.Handle("POST", "/o/{org}/access-reviews/{id}/import", u.inOrg(u.importReviewAccounts))
	r.Handle("POST", "/o/{org}/access-reviews/{id}/decisions", u.inOrg(u.decideReviewAccount))
	r.Handle("POST", "/o/{org}/access-reviews/{id}/complete", u.inOrg(u.completeAccessReview))
}

func (q *request) reviewPath(r isms.AccessReview, parts ...string) string {
	return q.orgPath(append([]string{"access-reviews", r.Ref()}, parts...)...)
}

// ReviewStatusLabel names a campaign's status.
func (labels) ReviewStatusLabel(s isms.ReviewStatus) string { return s.Label() }

// ---------------------------------------------------------------------
// The list.

type reviewQuery struct {
	Status, Q string
	Overdue   bool
	Filtered  bool
}

type reviewRowView struct {
	app.AccessReviewRow
	Link      string
	Reviewers string
}

type accessReviewsPage struct {
	Page
	labels
	Query    reviewQuery
	Rows     []reviewRowView
	Counts   store.AccessReviewCounts
	CanEdit  bool
	Problems []isms.FieldError
	ClearURL string
	Next     string
	First    string
}

func (u *UI) accessReviewsPage(q *request) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	qu := reviewQuery{Status: v.Get("status"), Q: strings.TrimSpace(v.Get("q")), Overdue: v.Get("overdue") != ""}
	qu.Filtered = qu.Status != "" || qu.Q != "" || qu.Overdue
	page := &accessReviewsPage{Query: qu, CanEdit: q.access.Can(isms.PermWriteRecords), ClearURL: q.orgPath("access-reviews")}
	page.Title, page.Section = "Access reviews", "access-reviews"
	f := store.AccessReviewFilter{Query: qu.Q, Overdue: qu.Overdue, Limit: store.DefaultLimit + 1}
	switch qu.Status {
	case "":
	case "open":
		f.Open = true
	case "complete":
		f.Complete = true
	default:
		page.Problems = append(page.Problems, isms.FieldError{Field: "status", Detail: "is open or complete"})
	}
	if after := v.Get("after"); after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 1 {
			page.Problems = append(page.Problems, isms.FieldError{Field: "after", Detail: "is not a page of this list"})
		}
		f.After = n
		page.First = urlWith(q.orgPath("access-reviews"), withoutKey(v, "after"))
	}
	var err error
	if page.Counts, err = u.svc.AccessReviewCounts(ctx, q.access); err != nil {
		return err
	}
	if len(page.Problems) > 0 {
		return u.render(q, http.StatusBadRequest, "access_reviews", page)
	}
	rows, err := u.svc.AccessReviews(ctx, q.access, f)
	if err != nil {
		return err
	}
	if len(rows) > store.DefaultLimit {
		rows = rows[:store.DefaultLimit]
		next := withoutKey(v, "after")
		next.Set("after", strconv.Itoa(rows[len(rows)-1].RefNum))
		page.Next = urlWith(q.orgPath("access-reviews"), next)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	for _, r := range rows {
		names := make([]string, len(r.ReviewerIDs))
		for i, id := range r.ReviewerIDs {
			names[i] = ppl.Name(id)
		}
		page.Rows = append(page.Rows, reviewRowView{AccessReviewRow: r, Link: q.reviewPath(r.AccessReview), Reviewers: strings.Join(names, ", ")})
	}
	return u.render(q, http.StatusOK, "access_reviews", page)
}

// ---------------------------------------------------------------------
// Opening and changing a campaign.

type reviewForm struct {
	Title, Systems, DueDate, PeriodStart, PeriodEnd string
	AssetIDs, ReviewerIDs                           []string
}

// HasAsset reports whether the form links the asset.
func (f reviewForm) HasAsset(id string) bool { return slices.Contains(f.AssetIDs, id) }

// HasReviewer reports whether the form names the reviewer.
func (f reviewForm) HasReviewer(id string) bool { return slices.Contains(f.ReviewerIDs, id) }

func reviewFormFrom(r *http.Request) reviewForm {
	_ = r.ParseForm()
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return reviewForm{Title: get("title"), Systems: r.PostFormValue("systems"), DueDate: get("due_date"), PeriodStart: get("period_start"),
		PeriodEnd: get("period_end"), AssetIDs: r.PostForm["asset_ids"], ReviewerIDs: r.PostForm["reviewer_ids"]}
}

func (f reviewForm) input() (app.AccessReviewInput, error) {
	v := &isms.ValidationError{}
	date := func(field, s string) *time.Time {
		d, err := dayStart(field, s)
		if err != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
		}
		return d
	}
	due, start, end := date("due_date", f.DueDate), date("period_start", f.PeriodStart), date("period_end", f.PeriodEnd)
	systems := strings.FieldsFunc(f.Systems, func(r rune) bool { return r == '\n' || r == '\r' })
	assets, reviewers := append([]string{}, f.AssetIDs...), append([]string{}, f.ReviewerIDs...)
	in := app.AccessReviewInput{Title: &f.Title, Systems: &systems, AssetIDs: &assets, ReviewerIDs: &reviewers, DueDate: due,
		PeriodStart: start, PeriodEnd: end, SetPeriod: true}
	if due == nil && f.DueDate == "" {
		v.Add("due_date", "is required")
	}
	return in, v.Err()
}

type reviewFormPage struct {
	Page
	labels
	Form         reviewForm
	Errors       map[string]string
	Assets       []store.AssetLabel
	Reviewers    []isms.Member
	Action, Back string
	Editing      bool
	Refusal      string
}

func (u *UI) showReviewForm(q *request, status int, page *reviewFormPage) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("an ISMS manager opens access reviews: %w", isms.ErrForbidden)
	}
	var err error
	if page.Assets, _, err = u.riskAssetChoices(q); err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	for _, m := range ppl.Eligible {
		if m.Role != isms.RoleViewer {
			page.Reviewers = append(page.Reviewers, m)
		}
	}
	page.Section = "access-reviews"
	return u.render(q, status, "access_review_form", page)
}

func (u *UI) newAccessReviewPage(q *request) error {
	now := time.Now().UTC()
	// Last quarter, due in two weeks: the usual shape of a review.
	qStart := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	prevStart, prevEnd := qStart.AddDate(0, -3, 0), qStart.AddDate(0, 0, -1)
	form := reviewForm{DueDate: now.AddDate(0, 0, 14).Format(time.DateOnly), PeriodStart: prevStart.Format(time.DateOnly),
		PeriodEnd: prevEnd.Format(time.DateOnly), ReviewerIDs: []string{q.access.Member.ID}}
	page := &reviewFormPage{Form: form, Action: q.orgPath("access-reviews"), Back: q.orgPath("access-reviews")}
	page.Title = "Open an access review"
	return u.showReviewForm(q, http.StatusOK, page)
}

func (u *UI) refuseReviewForm(q *request, page *reviewFormPage, err error) error {
	if errs := conflictOrFields(err); errs != nil {
		page.Errors = errs
		for from, to := range map[string]string{"assets": "asset_ids", "reviewers": "reviewer_ids"} {
			if msg, ok := errs[from]; ok {
				page.Errors[to] = msg
			}
		}
		return u.showReviewForm(q, http.StatusUnprocessableEntity, page)
	}
	if msg, status, ok := refusalOf(err); ok {
		page.Refusal = msg
		return u.showReviewForm(q, status, page)
	}
	return err
}

func (u *UI) createAccessReview(q *request) error {
	form := reviewFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		var r isms.AccessReview
		if r, err = u.svc.CreateAccessReview(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.reviewPath(r), r.Ref()+" opened. List the accounts, or import them from a CSV file.")
		}
	}
	page := &reviewFormPage{Form: form, Action: q.orgPath("access-reviews"), Back: q.orgPath("access-reviews")}
	page.Title = "Open an access review"
	return u.refuseReviewForm(q, page, err)
}

func (u *UI) editAccessReviewPage(q *request) error {
	d, err := u.svc.AccessReview(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	form := reviewForm{Title: d.Title, Systems: d.SystemsText(), DueDate: d.DueDate.Format(time.DateOnly), PeriodStart: dateValue(d.PeriodStart),
		PeriodEnd: dateValue(d.PeriodEnd), AssetIDs: d.AssetIDs, ReviewerIDs: d.ReviewerIDs}
	page := &reviewFormPage{Form: form, Action: q.reviewPath(d.AccessReview), Back: q.reviewPath(d.AccessReview), Editing: true}
	page.Title = "Edit " + d.Ref()
	return u.showReviewForm(q, http.StatusOK, page)
}

func (u *UI) updateAccessReview(q *request) error {
	ref := q.r.PathValue("id")
	form := reviewFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		var r isms.AccessReview
		if r, err = u.svc.UpdateAccessReview(q.r.Context(), q.access, ref, in); err == nil {
			return u.redirect(q, q.reviewPath(r), r.Ref()+" saved.")
		}
	}
	if errors.Is(err, isms.ErrNotFound) {
		return err
	}
	page := &reviewFormPage{Form: form, Action: q.orgPath("access-reviews", ref), Back: q.orgPath("access-reviews", ref), Editing: true}
	page.Title = "Edit " + ref
	return u.refuseReviewForm(q, page, err)
}

// ---------------------------------------------------------------------
// One campaign.

type accountView struct {
	isms.ReviewAccount
	DecidedBy string
	// Failed holds a decision that was refused, with why.
	FailedDecision, FailedNote, Error string
}

type reviewState struct {
	AccountForm    app.ReviewAccountInput
	AccountErrors  map[string]string
	ImportProblems isms.RowProblems
	ImportError    string
	ImportName     string
	// FailedAccount is the account whose decision was refused.
	FailedAccount, FailedDecision, FailedNote, FailedError string
	Refusal                                                string
}

type accessReviewPage struct {
	Page
	labels
	reviewState
	Review       app.AccessReviewDetail
	Accounts     []accountView
	Reviewers    []string
	Assets       []roleLink
	CompletedBy  string
	CreatedBy    string
	EvidenceLink string
	ControlLink  string
	Decisions    []isms.Decision
	// CanEdit: an ISMS manager, while open. CanDecide: also a reviewer.
	CanEdit, CanDecide bool
	// CanComplete is set once every account is decided.
	CanComplete bool
	HistoryLink string
	List        string
}

func (u *UI) accessReviewPage(q *request) error {
	return u.showAccessReview(q, http.StatusOK, reviewState{})
}

func (u *UI) showAccessReview(q *request, status int, st reviewState) error {
	ctx := q.r.Context()
	d, err := u.svc.AccessReview(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	a := q.access
	page := &accessReviewPage{reviewState: st, Review: d, Decisions: isms.Decisions, List: q.orgPath("access-reviews"),
		HistoryLink: q.orgPath("history", "access_review", d.ID), ControlLink: q.controlPath("iso27001-2022:A.5.18")}
	page.Title, page.Section = d.Ref()+" "+d.Title, "access-reviews"
	open := !d.Complete()
	page.CanEdit = open && a.Can(isms.PermWriteRecords)
	page.CanDecide = open && (a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor && d.IsReviewer(a.Member.ID))
	page.CanComplete = page.CanDecide && d.Tally.Accounts > 0 && d.Tally.Undecided() == 0
	for _, id := range d.ReviewerIDs {
		page.Reviewers = append(page.Reviewers, nameOf(d.Names, id))
	}
	for _, l := range d.Assets {
		page.Assets = append(page.Assets, roleLink{Name: l.Name, Link: q.orgPath("assets", l.ID)})
	}
	page.CompletedBy, page.CreatedBy = nameOf(d.Names, d.CompletedBy), nameOf(d.Names, d.CreatedBy)
	if d.Evidence != nil {
		page.EvidenceLink = q.orgPath("evidence", d.Evidence.ID)
	}
	for _, acc := range d.Accounts {
		v := accountView{ReviewAccount: acc, DecidedBy: nameOf(d.Names, acc.DecidedBy)}
		if acc.ID == st.FailedAccount {
			v.FailedDecision, v.FailedNote, v.Error = st.FailedDecision, st.FailedNote, st.FailedError
		}
		page.Accounts = append(page.Accounts, v)
	}
	return u.render(q, status, "access_review", page)
}

func (u *UI) refuseReview(q *request, err error, st reviewState) error {
	if msg, status, ok := refusalOf(err); ok {
		st.Refusal = msg
		return u.showAccessReview(q, status, st)
	}
	return err
}

func (u *UI) addReviewAccount(q *request) error {
	get := func(k string) string { return strings.TrimSpace(q.r.PostFormValue(k)) }
	in := app.ReviewAccountInput{System: get("system"), Account: get("account"), Holder: get("holder"), Rights: get("rights")}
	acc, err := u.svc.AddReviewAccount(q.r.Context(), q.access, q.r.PathValue("id"), in)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showAccessReview(q, http.StatusUnprocessableEntity, reviewState{AccountForm: in, AccountErrors: fieldErrors(fields)})
	}
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) && conflict.Field == "account" {
		return u.showAccessReview(q, http.StatusConflict, reviewState{AccountForm: in, AccountErrors: map[string]string{"account": conflict.Detail}})
	}
	if err != nil {
		return u.refuseReview(q, err, reviewState{AccountForm: in})
	}
	return u.redirect(q, q.orgPath("access-reviews", q.r.PathValue("id"))+"#accounts", acc.Account+" on "+acc.System+" listed.")
}

func (u *UI) importReviewAccounts(q *request) error {
	data, name, err := uploadedCSV(q)
	if err != nil {
		return u.showAccessReview(q, http.StatusUnprocessableEntity, reviewState{ImportError: "Choose a CSV file to upload."})
	}
	n, err := u.svc.ImportReviewAccounts(q.r.Context(), q.access, q.r.PathValue("id"), data)
	var problems isms.RowProblems
	if errors.As(err, &problems) {
		return u.showAccessReview(q, http.StatusUnprocessableEntity, reviewState{ImportProblems: problems, ImportName: name})
	}
	if err != nil {
		return u.refuseReview(q, err, reviewState{})
	}
	return u.redirect(q, q.orgPath("access-reviews", q.r.PathValue("id"))+"#accounts", fmt.Sprintf("%d accounts imported from %s.", n, name))
}

func (u *UI) decideReviewAccount(q *request) error {
	accountID, decision, note := q.r.PostFormValue("account_id"), q.r.PostFormValue("decision"), q.r.PostFormValue("note")
	acc, err := u.svc.DecideReviewAccount(q.r.Context(), q.access, q.r.PathValue("id"), accountID, decision, note)
	if fields := isms.FieldErrors(err); fields != nil {
		var parts []string
		for _, f := range fields {
			parts = append(parts, f.Detail)
		}
		return u.showAccessReview(q, http.StatusUnprocessableEntity, reviewState{FailedAccount: accountID, FailedDecision: decision,
			FailedNote: note, FailedError: strings.Join(parts, "; ")})
	}
	if err != nil {
		return u.refuseReview(q, err, reviewState{})
	}
	msg := acc.Account + ": " + strings.ToLower(acc.Decision.Label()) + "."
	if !acc.Decided() {
		msg = acc.Account + ": decision withdrawn."
	}
	return u.redirect(q, q.orgPath("access-reviews", q.r.PathValue("id"))+"#account-"+acc.ID, msg)
}

func (u *UI) completeAccessReview(q *request) error {
	d, err := u.svc.CompleteAccessReview(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return u.refuseReview(q, err, reviewState{})
	}
	return u.redirect(q, q.reviewPath(d.AccessReview), d.Ref()+" complete. Its record is now evidence for A.5.18.")
}

// ---------------------------------------------------------------------
// Under "Your work": the open campaigns a member reviews.

func (u *UI) reviewWork(q *request) ([]workItem, error) {
	if q.access.Member.ID == "" {
		return nil, nil
	}
	rows, err := u.svc.AccessReviews(q.r.Context(), q.access, store.AccessReviewFilter{Open: true, ReviewerID: q.access.Member.ID,
		Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	var out []workItem
	for _, r := range rows {
		due := r.DueDate
		out = append(out, workItem{Kind: "access-review", Title: fmt.Sprintf("%d of %d accounts decided", r.Tally.Decided(), r.Tally.Accounts),
			Control: r.Ref(), ControlTitle: r.Title, ControlLink: q.reviewPath(r.AccessReview), Due: &due, Overdue: r.Overdue,
			Action: q.reviewPath(r.AccessReview) + "#accounts", ActionLabel: "Review the accounts"})
	}
	return out, nil
}
