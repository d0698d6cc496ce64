package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const reviewColumns = `id, org_id, ref_num, title, meeting_date, chair_id, attendees, guests, status, notes, inputs, inputs_hash,
	compiled_at, approved_by, approved_at, created_at, updated_at`

func scanReview(row interface{ Scan(...any) error }) (isms.Review, error) {
	var (
		r                    isms.Review
		status, attendees    string
		inputs, approvedBy   sql.NullString
		compiled, approvedAt nullTime
	)
	err := row.Scan(&r.ID, &r.OrgID, &r.RefNum, &r.Title, &r.MeetingDate, &r.ChairID, &attendees, &r.Guests, &status, &r.Notes,
		&inputs, &r.InputsHash, &compiled, &approvedBy, &approvedAt, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return r, err
	}
	r.Status, r.CompiledAt, r.ApprovedBy, r.ApprovedAt = isms.MeetingStatus(status), compiled.ptr(), approvedBy.String, approvedAt.ptr()
	r.MeetingDate, r.CreatedAt, r.UpdatedAt = r.MeetingDate.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if inputs.Valid {
		r.Inputs = []byte(inputs.String)
	}
	if err := json.Unmarshal([]byte(attendees), &r.AttendeeIDs); err != nil {
		return r, fmt.Errorf("attendees of %s: %w", r.ID, err)
	}
	return r, nil
}

func reviewArgs(r isms.Review) (attendees string, inputs any, err error) {
	ids := r.AttendeeIDs
	if ids == nil {
		ids = []string{}
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return "", nil, fmt.Errorf("attendees: %w", err)
	}
	if r.Inputs != nil {
		inputs = string(r.Inputs)
	}
	return string(b), inputs, nil
}

// CreateReview adds a management review under the next reference number.
func (tx *Tx) CreateReview(ctx context.Context, r isms.Review) (isms.Review, error) {
	var err error
	if r.RefNum, err = tx.nextRef(ctx, "management_reviews", r.OrgID); err != nil {
		return r, err
	}
	attendees, inputs, err := reviewArgs(r)
	if err != nil {
		return r, fmt.Errorf("create management review: %w", err)
	}
	r.ID, r.CreatedAt, r.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO management_reviews (`+reviewColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, $12, $13, $14, $15, $16, $17)`, r.ID, r.OrgID, r.RefNum, r.Title, r.MeetingDate.UTC(), r.ChairID, attendees, r.Guests,
		string(r.Status), r.Notes, inputs, r.InputsHash, timeArg(r.CompiledAt), nullString(r.ApprovedBy), timeArg(r.ApprovedAt),
		r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return r, conflict(err, "create management review "+r.Title)
	}
	return r, tx.record(ctx, RecordReview, r.ID, ledger.ActionCreate)
}

// UpdateReview replaces a review's fields; its number stays.
func (tx *Tx) UpdateReview(ctx context.Context, r isms.Review) (isms.Review, error) {
	attendees, inputs, err := reviewArgs(r)
	if err != nil {
		return r, fmt.Errorf("update management review: %w", err)
	}
	r.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE management_reviews SET title = $3, meeting_date = $4, chair_id = $5, attendees = $6,
		guests = $7, status = $8, notes = $9, inputs = $10, inputs_hash = $11, compiled_at = $12, approved_by = $13, approved_at = $14,
		updated_at = $15 WHERE org_id = $1 AND id = $2`, r.OrgID, r.ID, r.Title, r.MeetingDate.UTC(), r.ChairID, attendees, r.Guests,
		string(r.Status), r.Notes, inputs, r.InputsHash, timeArg(r.CompiledAt), nullString(r.ApprovedBy), timeArg(r.ApprovedAt), r.UpdatedAt)
	if err := mustAffect(res, err, "management review "+r.ID); err != nil {
		return r, err
	}
	return r, tx.record(ctx, RecordReview, r.ID, ledger.ActionUpdate)
}

// Review returns one management review.
func (r Reads) Review(ctx context.Context, orgID, id string) (isms.Review, error) {
	v, err := scanReview(r.q.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM management_reviews WHERE org_id = $1 AND id = $2`,
		orgID, id))
	if err != nil {
		return v, notFound(err, "management review "+id)
	}
	return v, nil
}

// ReviewByRef returns a management review by its reference number.
func (r Reads) ReviewByRef(ctx context.Context, orgID string, ref int) (isms.Review, error) {
	v, err := scanReview(r.q.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM management_reviews WHERE org_id = $1 AND ref_num = $2`,
		orgID, ref))
	if err != nil {
		return v, notFound(err, fmt.Sprintf("management review %03d", ref))
	}
	return v, nil
}

// Reviews lists an organisation's management reviews, latest meeting
// first. Reviews are held once or twice a year, so the list is not paged.
func (r Reads) Reviews(ctx context.Context, orgID string) ([]isms.Review, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+reviewColumns+` FROM management_reviews WHERE org_id = $1
		ORDER BY meeting_date DESC, ref_num DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("management reviews: %w", err)
	}
	defer rows.Close()
	var out []isms.Review
	for rows.Next() {
		v, err := scanReview(rows)
		if err != nil {
			return nil, fmt.Errorf("management reviews: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddReviewDecision records a decision of a review.
func (tx *Tx) AddReviewDecision(ctx context.Context, d isms.ReviewDecision) (isms.ReviewDecision, error) {
	d.ID, d.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO review_decisions (id, org_id, review_id, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
		d.ID, d.OrgID, d.ReviewID, d.Text, d.CreatedAt)
	if err != nil {
		return d, fmt.Errorf("add review decision: %w", err)
	}
	return d, tx.record(ctx, RecordReviewDecision, d.ID, ledger.ActionCreate)
}

// ReviewDecisions returns a review's decisions in the order recorded.
func (r Reads) ReviewDecisions(ctx context.Context, orgID, reviewID string) ([]isms.ReviewDecision, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, review_id, text, created_at FROM review_decisions
		WHERE org_id = $1 AND review_id = $2 ORDER BY created_at, id`, orgID, reviewID)
	if err != nil {
		return nil, fmt.Errorf("review decisions: %w", err)
	}
	defer rows.Close()
	var out []isms.ReviewDecision
	for rows.Next() {
		var d isms.ReviewDecision
		if err := rows.Scan(&d.ID, &d.OrgID, &d.ReviewID, &d.Text, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("review decisions: %w", err)
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

const reviewActionColumns = `id, org_id, review_id, title, owner_id, due_date, done_at, created_at, updated_at`

func scanReviewAction(row interface{ Scan(...any) error }) (isms.ReviewAction, error) {
	var (
		a    isms.ReviewAction
		due  time.Time
		done nullTime
	)
	err := row.Scan(&a.ID, &a.OrgID, &a.ReviewID, &a.Title, &a.OwnerID, &due, &done, &a.CreatedAt, &a.UpdatedAt)
	due = due.UTC()
	a.DueDate, a.DoneAt, a.CreatedAt, a.UpdatedAt = &due, done.ptr(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// SaveReviewAction adds an action, or replaces one when a.ID is set.
func (tx *Tx) SaveReviewAction(ctx context.Context, a isms.ReviewAction) (isms.ReviewAction, error) {
	a.UpdatedAt = tx.now
	if a.ID == "" {
		a.ID, a.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO review_actions (`+reviewActionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			a.ID, a.OrgID, a.ReviewID, a.Title, a.OwnerID, timeArg(a.DueDate), timeArg(a.DoneAt), a.CreatedAt, a.UpdatedAt)
		if err != nil {
			return a, fmt.Errorf("add review action: %w", err)
		}
		return a, tx.record(ctx, RecordReviewAction, a.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE review_actions SET title = $4, owner_id = $5, due_date = $6, done_at = $7, updated_at = $8
		WHERE org_id = $1 AND review_id = $2 AND id = $3`, a.OrgID, a.ReviewID, a.ID, a.Title, a.OwnerID, timeArg(a.DueDate),
		timeArg(a.DoneAt), a.UpdatedAt)
	if err := mustAffect(res, err, "review action "+a.ID); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordReviewAction, a.ID, ledger.ActionUpdate)
}

// ReviewActions returns the actions of the given reviews, by review, in
// the order they were decided.
func (r Reads) ReviewActions(ctx context.Context, orgID string, reviewIDs ...string) (map[string][]isms.ReviewAction, error) {
	out := map[string][]isms.ReviewAction{}
	if len(reviewIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("review_id", reviewIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+reviewActionColumns+` FROM review_actions WHERE `+w.sql()+` ORDER BY created_at, id`,
		w.args...)
	if err != nil {
		return nil, fmt.Errorf("review actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanReviewAction(rows)
		if err != nil {
			return nil, fmt.Errorf("review actions: %w", err)
		}
		out[a.ReviewID] = append(out[a.ReviewID], a)
	}
	return out, rows.Err()
}

// NonconformitiesSince returns the records raised or closed at or after
// since, and every record still open, oldest first: what a management
// review looks at.
func (r Reads) NonconformitiesSince(ctx context.Context, orgID string, since time.Time) ([]isms.Nonconformity, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE org_id = $1
		AND (created_at >= $2 OR closed_at >= $2 OR closed_at IS NULL) ORDER BY ref_num`, orgID, since)
	if err != nil {
		return nil, fmt.Errorf("nonconformities since %s: %w", since.Format(time.DateOnly), err)
	}
	defer rows.Close()
	var out []isms.Nonconformity
	for rows.Next() {
		n, err := scanNC(rows)
		if err != nil {
			return nil, fmt.Errorf("nonconformities since: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// OpenRiskActions counts the open treatment actions and those of them past
// their due date at now.
func (r Reads) OpenRiskActions(ctx context.Context, orgID string, now time.Time) (open, overdue int, err error) {
	err = r.q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE due_date < $2) FROM risk_actions
		WHERE org_id = $1 AND status = 'open'`, orgID, now).Scan(&open, &overdue)
	if err != nil {
		return 0, 0, fmt.Errorf("open risk actions: %w", err)
	}
	return open, overdue, nil
}
