package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const accessReviewColumns = `id, org_id, ref_num, title, systems, asset_ids, reviewer_ids, due_date, period_start, period_end, completed_at,
	completed_by, evidence_id, created_by, created_at, updated_at`

func scanAccessReview(row interface{ Scan(...any) error }) (isms.AccessReview, error) {
	var (
		r                          isms.AccessReview
		systems, assets, reviewers string
		start, end, completed      nullTime
		evidence                   *string
	)
	err := row.Scan(&r.ID, &r.OrgID, &r.RefNum, &r.Title, &systems, &assets, &reviewers, &r.DueDate, &start, &end, &completed,
		&r.CompletedBy, &evidence, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return r, err
	}
	r.DueDate, r.CreatedAt, r.UpdatedAt = r.DueDate.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.PeriodStart, r.PeriodEnd, r.CompletedAt, r.EvidenceID = start.ptr(), end.ptr(), completed.ptr(), deref(evidence)
	for _, l := range []struct {
		text string
		dst  *[]string
	}{{systems, &r.Systems}, {assets, &r.AssetIDs}, {reviewers, &r.ReviewerIDs}} {
		if *l.dst, err = parseIDList(l.text); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CreateAccessReview adds a campaign under the next reference number.
func (tx *Tx) CreateAccessReview(ctx context.Context, r isms.AccessReview) (isms.AccessReview, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM access_reviews WHERE org_id = $1`,
		r.OrgID).Scan(&r.RefNum); err != nil {
		return r, fmt.Errorf("create access review: %w", err)
	}
	r.ID, r.CreatedAt, r.UpdatedAt = NewID(), tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO access_reviews (`+accessReviewColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16)`, r.ID, r.OrgID, r.RefNum, r.Title, idList(r.Systems), idList(r.AssetIDs), idList(r.ReviewerIDs),
		r.DueDate.UTC(), timeArg(r.PeriodStart), timeArg(r.PeriodEnd), timeArg(r.CompletedAt), r.CompletedBy, nullString(r.EvidenceID),
		r.CreatedBy, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return r, conflict(err, "create access review "+r.Title)
	}
	return r, tx.record(ctx, RecordAccessReview, r.ID, ledger.ActionCreate)
}

// UpdateAccessReview replaces a campaign's changeable fields.
func (tx *Tx) UpdateAccessReview(ctx context.Context, r isms.AccessReview) (isms.AccessReview, error) {
	r.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE access_reviews SET title = $3, systems = $4, asset_ids = $5, reviewer_ids = $6, due_date = $7,
		period_start = $8, period_end = $9, completed_at = $10, completed_by = $11, evidence_id = $12, updated_at = $13
		WHERE org_id = $1 AND id = $2`, r.OrgID, r.ID, r.Title, idList(r.Systems), idList(r.AssetIDs), idList(r.ReviewerIDs), r.DueDate.UTC(),
		timeArg(r.PeriodStart), timeArg(r.PeriodEnd), timeArg(r.CompletedAt), r.CompletedBy, nullString(r.EvidenceID), r.UpdatedAt)
	if err := mustAffect(res, err, "access review "+r.ID); err != nil {
		return r, err
	}
	return r, tx.record(ctx, RecordAccessReview, r.ID, ledger.ActionUpdate)
}

// AccessReview returns a campaign.
func (r Reads) AccessReview(ctx context.Context, orgID, id string) (isms.AccessReview, error) {
	ar, err := scanAccessReview(r.q.QueryRowContext(ctx, `SELECT `+accessReviewColumns+` FROM access_reviews WHERE org_id = $1 AND id = $2`,
		orgID, id))
	if err != nil {
		return ar, notFound(err, "access review "+id)
	}
	return ar, nil
}

// AccessReviewByRef returns a campaign by its reference number.
func (r Reads) AccessReviewByRef(ctx context.Context, orgID string, ref int) (isms.AccessReview, error) {
	ar, err := scanAccessReview(r.q.QueryRowContext(ctx, `SELECT `+accessReviewColumns+` FROM access_reviews WHERE org_id = $1 AND ref_num = $2`,
		orgID, ref))
	if err != nil {
		return ar, notFound(err, fmt.Sprintf("access review %03d", ref))
	}
	return ar, nil
}

// AccessReviewFilter selects campaigns.
type AccessReviewFilter struct {
	// Open and Complete select by completion; neither means both.
	Open, Complete bool
	// Overdue selects unfinished campaigns whose due day ended before Now.
	Overdue bool
	Now     time.Time
	// ReviewerID selects the campaigns a member reviews.
	ReviewerID string
	Query      string
	// After is the reference number of the last row of the previous page;
	// the list is newest first.
	After int
	Limit int
}

// AccessReviews lists campaigns, newest first.
func (r Reads) AccessReviews(ctx context.Context, orgID string, f AccessReviewFilter) ([]isms.AccessReview, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	switch {
	case f.Open && !f.Complete:
		w.add("completed_at IS NULL")
	case f.Complete && !f.Open:
		w.add("completed_at IS NOT NULL")
	}
	if f.Overdue {
		w.add("completed_at IS NULL AND due_date < $%d", f.Now.Add(-24*time.Hour))
	}
	if f.ReviewerID != "" {
		w.add("reviewer_ids LIKE $%d", `%"`+strings.NewReplacer(`%`, ``, `_`, ``).Replace(f.ReviewerID)+`"%`)
	}
	if f.Query != "" {
		q := f.Query
		if n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(q), "AR-")); err == nil {
			w.add("(ref_num = $%[1]d OR "+r.contains("title", 2)+")", n, likePattern(q))
		} else {
			w.add("("+r.contains("title", 1)+" OR "+r.contains("systems", 1)+")", likePattern(q))
		}
	}
	if f.After > 0 {
		w.add("ref_num < $%d", f.After)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+accessReviewColumns+` FROM access_reviews WHERE `+w.sql()+` ORDER BY ref_num DESC LIMIT `+
		w.arg(clampLimit(f.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("access reviews: %w", err)
	}
	defer rows.Close()
	var out []isms.AccessReview
	for rows.Next() {
		ar, err := scanAccessReview(rows)
		if err != nil {
			return nil, fmt.Errorf("access reviews: %w", err)
		}
		out = append(out, ar)
	}
	return out, rows.Err()
}

const reviewAccountColumns = `id, org_id, review_id, system, account, holder, rights, decision, decision_note, decided_by, decided_at,
	created_at, updated_at`

func scanReviewAccount(row interface{ Scan(...any) error }) (isms.ReviewAccount, error) {
	var (
		a        isms.ReviewAccount
		decision string
		decided  nullTime
	)
	err := row.Scan(&a.ID, &a.OrgID, &a.ReviewID, &a.System, &a.Account, &a.Holder, &a.Rights, &decision, &a.DecisionNote, &a.DecidedBy,
		&decided, &a.CreatedAt, &a.UpdatedAt)
	a.Decision, a.DecidedAt, a.CreatedAt, a.UpdatedAt = isms.Decision(decision), decided.ptr(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// SaveReviewAccount adds an account to a campaign, or replaces one when
// a.ID is set. An account is listed once per system.
func (tx *Tx) SaveReviewAccount(ctx context.Context, a isms.ReviewAccount) (isms.ReviewAccount, error) {
	a.UpdatedAt = tx.now
	if a.ID == "" {
		a.ID, a.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO access_review_accounts (`+reviewAccountColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7,
			$8, $9, $10, $11, $12, $13)`, a.ID, a.OrgID, a.ReviewID, a.System, a.Account, a.Holder, a.Rights, string(a.Decision), a.DecisionNote,
			a.DecidedBy, timeArg(a.DecidedAt), a.CreatedAt, a.UpdatedAt)
		if err != nil {
			return a, conflict(err, "add account "+a.Account)
		}
		return a, tx.record(ctx, RecordReviewAccount, a.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE access_review_accounts SET holder = $4, rights = $5, decision = $6, decision_note = $7,
		decided_by = $8, decided_at = $9, updated_at = $10 WHERE org_id = $1 AND review_id = $2 AND id = $3`, a.OrgID, a.ReviewID, a.ID,
		a.Holder, a.Rights, string(a.Decision), a.DecisionNote, a.DecidedBy, timeArg(a.DecidedAt), a.UpdatedAt)
	if err := mustAffect(res, err, "account "+a.ID); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordReviewAccount, a.ID, ledger.ActionUpdate)
}

// ReviewAccount returns one account of a campaign.
func (r Reads) ReviewAccount(ctx context.Context, orgID, reviewID, id string) (isms.ReviewAccount, error) {
	a, err := scanReviewAccount(r.q.QueryRowContext(ctx, `SELECT `+reviewAccountColumns+` FROM access_review_accounts
		WHERE org_id = $1 AND review_id = $2 AND id = $3`, orgID, reviewID, id))
	if err != nil {
		return a, notFound(err, "account "+id)
	}
	return a, nil
}

// ReviewAccounts returns a campaign's accounts by system and account.
func (r Reads) ReviewAccounts(ctx context.Context, orgID, reviewID string) ([]isms.ReviewAccount, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+reviewAccountColumns+` FROM access_review_accounts WHERE org_id = $1 AND review_id = $2
		ORDER BY system, account, id`, orgID, reviewID)
	if err != nil {
		return nil, fmt.Errorf("accounts of access review %s: %w", reviewID, err)
	}
	defer rows.Close()
	var out []isms.ReviewAccount
	for rows.Next() {
		a, err := scanReviewAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts of access review %s: %w", reviewID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReviewTallies counts the accounts of the given campaigns by decision.
func (r Reads) ReviewTallies(ctx context.Context, orgID string, reviewIDs ...string) (map[string]isms.ReviewTally, error) {
	out := map[string]isms.ReviewTally{}
	if len(reviewIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("review_id", reviewIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT review_id, COUNT(*),
		COUNT(*) FILTER (WHERE decision = 'keep'),
		COUNT(*) FILTER (WHERE decision = 'change'),
		COUNT(*) FILTER (WHERE decision = 'revoke')
		FROM access_review_accounts WHERE `+w.sql()+` GROUP BY review_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("access review tallies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id string
			t  isms.ReviewTally
		)
		if err := rows.Scan(&id, &t.Accounts, &t.Kept, &t.Changed, &t.Revoked); err != nil {
			return nil, fmt.Errorf("access review tallies: %w", err)
		}
		out[id] = t
	}
	return out, rows.Err()
}

// AccessReviewCounts summarises the campaigns for figures.
type AccessReviewCounts struct {
	Open, Overdue, Complete int
	// LastCompleted is when the latest campaign was completed.
	LastCompleted *time.Time
}

// AccessReviewCounts counts the organisation's campaigns as of now.
func (r Reads) AccessReviewCounts(ctx context.Context, orgID string, now time.Time) (AccessReviewCounts, error) {
	var c AccessReviewCounts
	err := r.q.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE completed_at IS NULL),
		COUNT(*) FILTER (WHERE completed_at IS NULL AND due_date < $2),
		COUNT(*) FILTER (WHERE completed_at IS NOT NULL)
		FROM access_reviews WHERE org_id = $1`, orgID, now.Add(-24*time.Hour)).Scan(&c.Open, &c.Overdue, &c.Complete)
	if err != nil {
		return c, fmt.Errorf("access review counts: %w", err)
	}
	if c.Complete == 0 {
		return c, nil
	}
	// Read as a column rather than an aggregate, which SQLite returns
	// without its type.
	var last time.Time
	if err := r.q.QueryRowContext(ctx, `SELECT completed_at FROM access_reviews WHERE org_id = $1 AND completed_at IS NOT NULL
		ORDER BY completed_at DESC LIMIT 1`, orgID).Scan(&last); err != nil {
		return c, fmt.Errorf("last access review: %w", err)
	}
	last = last.UTC()
	c.LastCompleted = &last
	return c, nil
}
