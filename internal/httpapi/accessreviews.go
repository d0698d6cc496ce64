package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// reviewAccountJSON is one account of an access review.
type reviewAccountJSON struct {
	ID        string     `json:"id"`
	System    string     `json:"system"`
	Account   string     `json:"account"`
	Holder    string     `json:"holder"`
	Rights    string     `json:"rights"`
	Decision  *string    `json:"decision"`
	Note      string     `json:"note"`
	DecidedBy *string    `json:"decided_by"`
	DecidedAt *time.Time `json:"decided_at"`
}

func toReviewAccountJSON(a isms.ReviewAccount) reviewAccountJSON {
	return reviewAccountJSON{ID: a.ID, System: a.System, Account: a.Account, Holder: a.Holder, Rights: a.Rights,
		Decision: nullable(string(a.Decision)), Note: a.DecisionNote, DecidedBy: nullable(a.DecidedBy), DecidedAt: a.DecidedAt}
}

// accessReviewJSON is a campaign with its figures; its accounts come with
// a single campaign.
type accessReviewJSON struct {
	ID          string              `json:"id"`
	Ref         string              `json:"ref"`
	Title       string              `json:"title"`
	Systems     []string            `json:"systems"`
	AssetIDs    []string            `json:"asset_ids"`
	ReviewerIDs []string            `json:"reviewer_ids"`
	DueDate     string              `json:"due_date"`
	PeriodStart *string             `json:"period_start"`
	PeriodEnd   *string             `json:"period_end"`
	Status      string              `json:"status"`
	Overdue     bool                `json:"overdue"`
	Accounts    int                 `json:"accounts"`
	Kept        int                 `json:"kept"`
	Changed     int                 `json:"changed"`
	Revoked     int                 `json:"revoked"`
	Undecided   int                 `json:"undecided"`
	CompletedAt *time.Time          `json:"completed_at"`
	CompletedBy *string             `json:"completed_by"`
	EvidenceID  *string             `json:"evidence_id"`
	CreatedBy   string              `json:"created_by"`
	AccountList []reviewAccountJSON `json:"account_list,omitempty"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
}

func toAccessReviewJSON(r isms.AccessReview, t isms.ReviewTally, status isms.ReviewStatus, overdue bool) accessReviewJSON {
	list := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return accessReviewJSON{ID: r.ID, Ref: r.Ref(), Title: r.Title, Systems: list(r.Systems), AssetIDs: list(r.AssetIDs),
		ReviewerIDs: list(r.ReviewerIDs), DueDate: r.DueDate.Format(dateLayout), PeriodStart: formatDate(r.PeriodStart),
		PeriodEnd: formatDate(r.PeriodEnd), Status: string(status), Overdue: overdue, Accounts: t.Accounts, Kept: t.Kept, Changed: t.Changed,
		Revoked: t.Revoked, Undecided: t.Undecided(), CompletedAt: r.CompletedAt, CompletedBy: nullable(r.CompletedBy),
		EvidenceID: nullable(r.EvidenceID), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (a *API) listAccessReviews(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "status", "overdue", "reviewer", "q", "limit", "cursor"); err != nil {
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
	f := store.AccessReviewFilter{ReviewerID: q.Get("reviewer"), Query: q.Get("q"), Limit: limit + 1}
	switch q.Get("status") {
	case "":
	case "open":
		f.Open = true
	case "complete":
		f.Complete = true
	default:
		return isms.Invalid("status", "%q is not a status; use open or complete", q.Get("status"))
	}
	overdue, err := queryBool(r, "overdue")
	if err != nil {
		return err
	}
	f.Overdue = overdue != nil && *overdue
	if c := q.Get("cursor"); c != "" {
		key, err := store.DecodeCursor("cursor", c)
		if err != nil {
			return err
		}
		if f.After, err = strconv.Atoi(key); err != nil {
			return isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	rows, err := a.svc.AccessReviews(r.Context(), acc, f)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = store.EncodeCursor(strconv.Itoa(rows[limit-1].RefNum))
	}
	out := newList(make([]accessReviewJSON, 0, len(rows)), next)
	for _, row := range rows {
		out.Items = append(out.Items, toAccessReviewJSON(row.AccessReview, row.Tally, row.Status, row.Overdue))
	}
	return writeJSON(w, http.StatusOK, out)
}

// accessReviewWrite is a new campaign or a change to one.
type accessReviewWrite struct {
	Title       optional[string]   `json:"title"`
	Systems     optional[[]string] `json:"systems"`
	AssetIDs    optional[[]string] `json:"asset_ids"`
	ReviewerIDs optional[[]string] `json:"reviewer_ids"`
	DueDate     optional[string]   `json:"due_date"`
	PeriodStart optional[string]   `json:"period_start"`
	PeriodEnd   optional[string]   `json:"period_end"`
}

func (in accessReviewWrite) input() (app.AccessReviewInput, error) {
	out := app.AccessReviewInput{Title: text(in.Title)}
	for _, f := range []struct {
		name string
		o    optional[[]string]
		dst  **[]string
	}{{"systems", in.Systems, &out.Systems}, {"asset_ids", in.AssetIDs, &out.AssetIDs}, {"reviewer_ids", in.ReviewerIDs, &out.ReviewerIDs}} {
		if f.o.Set {
			v := f.o.Value
			if v == nil {
				v = []string{}
			}
			if f.name == "systems" {
				for _, s := range v {
					if strings.ContainsAny(s, "\r\n") {
						return out, isms.Invalid("systems", "each system is one line")
					}
				}
			}
			*f.dst = &v
		}
	}
	if in.DueDate.Set {
		if in.DueDate.Null {
			return out, isms.Invalid("due_date", "cannot be null: a review has a due date")
		}
		d, err := parseDate("due_date", &in.DueDate.Value)
		if err != nil {
			return out, err
		}
		out.DueDate = d
	}
	return out, nil
}

// period reads the period of a write: both ends change when either is
// given, so the current value of the other is needed.
func (in accessReviewWrite) period(current isms.AccessReview, out *app.AccessReviewInput) error {
	if !in.PeriodStart.Set && !in.PeriodEnd.Set {
		return nil
	}
	out.SetPeriod, out.PeriodStart, out.PeriodEnd = true, current.PeriodStart, current.PeriodEnd
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **time.Time
	}{{"period_start", in.PeriodStart, &out.PeriodStart}, {"period_end", in.PeriodEnd, &out.PeriodEnd}} {
		if !f.o.Set {
			continue
		}
		*f.dst = nil
		if !f.o.Null {
			d, err := parseDate(f.name, &f.o.Value)
			if err != nil {
				return err
			}
			*f.dst = d
		}
	}
	return nil
}

func (a *API) createAccessReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in accessReviewWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	if err := in.period(isms.AccessReview{}, &upd); err != nil {
		return err
	}
	rv, err := a.svc.CreateAccessReview(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/access-reviews/"+rv.ID)
	return a.writeAccessReview(w, r, acc, http.StatusCreated, rv.ID)
}

func (a *API) getAccessReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeAccessReview(w, r, acc, http.StatusOK, id)
}

func (a *API) patchAccessReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in accessReviewWrite
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
	current, err := a.svc.AccessReview(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if err := in.period(current.AccessReview, &upd); err != nil {
		return err
	}
	rv, err := a.svc.UpdateAccessReview(r.Context(), acc, current.ID, upd)
	if err != nil {
		return err
	}
	return a.writeAccessReview(w, r, acc, http.StatusOK, rv.ID)
}

func (a *API) writeAccessReview(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.AccessReview(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, accessReviewDetailJSON(d))
}

func accessReviewDetailJSON(d app.AccessReviewDetail) accessReviewJSON {
	out := toAccessReviewJSON(d.AccessReview, d.Tally, d.Status, d.Overdue)
	out.AccountList = make([]reviewAccountJSON, 0, len(d.Accounts))
	for _, acc := range d.Accounts {
		out.AccountList = append(out.AccountList, toReviewAccountJSON(acc))
	}
	return out
}

// reviewAccountWrite lists an account in a campaign.
type reviewAccountWrite struct {
	System  string `json:"system"`
	Account string `json:"account"`
	Holder  string `json:"holder"`
	Rights  string `json:"rights"`
}

func (a *API) addReviewAccount(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in reviewAccountWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	account, err := a.svc.AddReviewAccount(r.Context(), acc, id, app.ReviewAccountInput{System: in.System, Account: in.Account,
		Holder: in.Holder, Rights: in.Rights})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toReviewAccountJSON(account))
}

// decisionWrite is a reviewer's decision on an account; null withdraws
// it.
type decisionWrite struct {
	Decision optional[string] `json:"decision"`
	Note     string           `json:"note"`
}

func (a *API) decideReviewAccount(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in decisionWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if !in.Decision.Set {
		return isms.Invalid("decision", "is required: keep, change, revoke, or null to withdraw a decision")
	}
	if !in.Decision.Null && in.Decision.Value == "" {
		return isms.Invalid("decision", "is keep, change or revoke; null withdraws a decision")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	account, err := a.svc.DecideReviewAccount(r.Context(), acc, id, r.PathValue("account"), in.Decision.Value, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toReviewAccountJSON(account))
}

// accountImportJSON is what an account import added.
type accountImportJSON struct {
	Added  int              `json:"added"`
	Review accessReviewJSON `json:"review"`
}

// importReviewAccounts takes the account CSV as the request body.
func (a *API) importReviewAccounts(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	data, err := readCSVBody(w, r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.ImportReviewAccounts(r.Context(), acc, id, data)
	if err != nil {
		return err
	}
	d, err := a.svc.AccessReview(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, accountImportJSON{Added: n, Review: accessReviewDetailJSON(d)})
}

func (a *API) completeAccessReview(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.CompleteAccessReview(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, accessReviewDetailJSON(d))
}
