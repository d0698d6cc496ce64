package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const ncColumns = `id, org_id, ref_num, kind, grade, source, title, description, requirement, finding_id, owner_id, raised_by,
	due_date, correction, root_cause, verified_by, verified_at, effective, verification_note, closed_at, created_at, updated_at`

func scanNC(row interface{ Scan(...any) error }) (isms.Nonconformity, error) {
	var (
		n                             isms.Nonconformity
		kind, grade, source           string
		finding, raisedBy, verifiedBy *string
		due, verifiedAt, closedAt     nullTime
		effective                     sql.NullBool
	)
	err := row.Scan(&n.ID, &n.OrgID, &n.RefNum, &kind, &grade, &source, &n.Title, &n.Description, &n.Requirement, &finding,
		&n.OwnerID, &raisedBy, &due, &n.Correction, &n.RootCause, &verifiedBy, &verifiedAt, &effective, &n.VerificationNote,
		&closedAt, &n.CreatedAt, &n.UpdatedAt)
	n.Kind, n.Grade, n.Source = isms.NCKind(kind), isms.NCGrade(grade), isms.NCSource(source)
	n.FindingID, n.RaisedBy, n.VerifiedBy = deref(finding), deref(raisedBy), deref(verifiedBy)
	n.DueDate, n.VerifiedAt, n.ClosedAt = due.ptr(), verifiedAt.ptr(), closedAt.ptr()
	if effective.Valid {
		n.Effective = &effective.Bool
	}
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return n, err
}

// CreateNonconformity adds a record to the register under the next
// reference number.
func (tx *Tx) CreateNonconformity(ctx context.Context, n isms.Nonconformity) (isms.Nonconformity, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM nonconformities WHERE org_id = $1`,
		n.OrgID).Scan(&n.RefNum); err != nil {
		return n, fmt.Errorf("create nonconformity: %w", err)
	}
	n.ID, n.CreatedAt, n.UpdatedAt = NewID(), tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO nonconformities (`+ncColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`, n.ID, n.OrgID, n.RefNum, string(n.Kind), string(n.Grade),
		string(n.Source), n.Title, n.Description, n.Requirement, nullString(n.FindingID), n.OwnerID, nullString(n.RaisedBy),
		timeArg(n.DueDate), n.Correction, n.RootCause, nullString(n.VerifiedBy), timeArg(n.VerifiedAt), n.Effective,
		n.VerificationNote, timeArg(n.ClosedAt), n.CreatedAt, n.UpdatedAt)
	if err != nil {
		return n, conflict(err, "create nonconformity "+n.Title)
	}
	return n, tx.record(ctx, RecordNonconformity, n.ID, ledger.ActionCreate)
}

// UpdateNonconformity replaces a record's changeable fields; its number,
// kind, source and who raised it stay.
func (tx *Tx) UpdateNonconformity(ctx context.Context, n isms.Nonconformity) (isms.Nonconformity, error) {
	n.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE nonconformities SET grade = $3, title = $4, description = $5, requirement = $6,
		owner_id = $7, due_date = $8, correction = $9, root_cause = $10, verified_by = $11, verified_at = $12, effective = $13,
		verification_note = $14, closed_at = $15, updated_at = $16 WHERE org_id = $1 AND id = $2`, n.OrgID, n.ID, string(n.Grade),
		n.Title, n.Description, n.Requirement, n.OwnerID, timeArg(n.DueDate), n.Correction, n.RootCause, nullString(n.VerifiedBy),
		timeArg(n.VerifiedAt), n.Effective, n.VerificationNote, timeArg(n.ClosedAt), n.UpdatedAt)
	if err := mustAffect(res, err, "nonconformity "+n.ID); err != nil {
		return n, err
	}
	return n, tx.record(ctx, RecordNonconformity, n.ID, ledger.ActionUpdate)
}

// Nonconformity returns one record of the register.
func (r Reads) Nonconformity(ctx context.Context, orgID, id string) (isms.Nonconformity, error) {
	n, err := scanNC(r.q.QueryRowContext(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return n, notFound(err, "nonconformity "+id)
	}
	return n, nil
}

// NonconformityByRef returns a record by its reference number.
func (r Reads) NonconformityByRef(ctx context.Context, orgID string, ref int) (isms.Nonconformity, error) {
	n, err := scanNC(r.q.QueryRowContext(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE org_id = $1 AND ref_num = $2`,
		orgID, ref))
	if err != nil {
		return n, notFound(err, fmt.Sprintf("nonconformity %03d", ref))
	}
	return n, nil
}

// OpenNonconformityOfFinding returns the record still open for a finding's
// missed deadline, if there is one.
func (r Reads) OpenNonconformityOfFinding(ctx context.Context, orgID, findingID string) (isms.Nonconformity, error) {
	n, err := scanNC(r.q.QueryRowContext(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE org_id = $1 AND finding_id = $2
		ORDER BY closed_at IS NULL DESC, ref_num DESC LIMIT 1`, orgID, findingID))
	if err != nil {
		return n, notFound(err, "nonconformity of finding "+findingID)
	}
	return n, nil
}

// NCFilter selects records of the register.
type NCFilter struct {
	Kind   isms.NCKind
	Source isms.NCSource
	// Open and Closed select by closure; neither means both.
	Open, Closed bool
	// Overdue selects open records past their own due date or with an
	// action past its due date, as of Now.
	Overdue bool
	Now     time.Time
	OwnerID string
	Query   string
	// After is the reference number of the last row of the previous page;
	// the register lists newest first.
	After int
	Limit int
}

// Nonconformities lists the register, newest first.
func (r Reads) Nonconformities(ctx context.Context, orgID string, f NCFilter) ([]isms.Nonconformity, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.Kind != "" {
		w.add("kind = $%d", string(f.Kind))
	}
	if f.Source != "" {
		w.add("source = $%d", string(f.Source))
	}
	switch {
	case f.Open && !f.Closed:
		w.add("closed_at IS NULL")
	case f.Closed && !f.Open:
		w.add("closed_at IS NOT NULL")
	}
	if f.Overdue {
		w.add(`closed_at IS NULL AND (due_date < $%[1]d OR EXISTS (SELECT 1 FROM corrective_actions c
			WHERE c.nonconformity_id = nonconformities.id AND c.completed_at IS NULL AND c.due_date < $%[1]d))`, f.Now)
	}
	if f.OwnerID != "" {
		w.add("owner_id = $%d", f.OwnerID)
	}
	if f.Query != "" {
		q := f.Query
		if n, err := strconv.Atoi(trimRefPrefix(q)); err == nil {
			w.add("(ref_num = $%[1]d OR "+r.contains("title", 2)+")", n, likePattern(q))
		} else {
			w.add(r.contains("title", 1), likePattern(q))
		}
	}
	if f.After > 0 {
		w.add("ref_num < $%d", f.After)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE `+w.sql()+` ORDER BY ref_num DESC LIMIT `+
		w.arg(clampLimit(f.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("nonconformities: %w", err)
	}
	defer rows.Close()
	var out []isms.Nonconformity
	for rows.Next() {
		n, err := scanNC(rows)
		if err != nil {
			return nil, fmt.Errorf("nonconformities: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// trimRefPrefix turns "NC-007" or "OFI-7" into "007" so that a search for
// a reference finds it.
func trimRefPrefix(q string) string {
	for _, p := range []string{"NC-", "nc-", "OFI-", "ofi-"} {
		if len(q) > len(p) && q[:len(p)] == p {
			return q[len(p):]
		}
	}
	return q
}

const correctiveColumns = `id, org_id, nonconformity_id, title, owner_id, due_date, completed_at, outcome, created_at, updated_at`

func scanCorrectiveAction(row interface{ Scan(...any) error }) (isms.CorrectiveAction, error) {
	var (
		c         isms.CorrectiveAction
		due       time.Time
		completed nullTime
	)
	err := row.Scan(&c.ID, &c.OrgID, &c.NonconformityID, &c.Title, &c.OwnerID, &due, &completed, &c.Outcome, &c.CreatedAt,
		&c.UpdatedAt)
	due = due.UTC()
	c.DueDate, c.CompletedAt, c.CreatedAt, c.UpdatedAt = &due, completed.ptr(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// SaveCorrectiveAction adds an action, or replaces one when c.ID is set.
func (tx *Tx) SaveCorrectiveAction(ctx context.Context, c isms.CorrectiveAction) (isms.CorrectiveAction, error) {
	c.UpdatedAt = tx.now
	if c.ID == "" {
		c.ID, c.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO corrective_actions (`+correctiveColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
			$9, $10)`, c.ID, c.OrgID, c.NonconformityID, c.Title, c.OwnerID, timeArg(c.DueDate), timeArg(c.CompletedAt), c.Outcome,
			c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return c, fmt.Errorf("add corrective action: %w", err)
		}
		return c, tx.record(ctx, RecordCorrectiveAction, c.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE corrective_actions SET title = $4, owner_id = $5, due_date = $6, completed_at = $7,
		outcome = $8, updated_at = $9 WHERE org_id = $1 AND nonconformity_id = $2 AND id = $3`, c.OrgID, c.NonconformityID, c.ID,
		c.Title, c.OwnerID, timeArg(c.DueDate), timeArg(c.CompletedAt), c.Outcome, c.UpdatedAt)
	if err := mustAffect(res, err, "corrective action "+c.ID); err != nil {
		return c, err
	}
	return c, tx.record(ctx, RecordCorrectiveAction, c.ID, ledger.ActionUpdate)
}

// CorrectiveActions returns the actions of the given records, by record,
// in the order they were planned.
func (r Reads) CorrectiveActions(ctx context.Context, orgID string, ncIDs ...string) (map[string][]isms.CorrectiveAction, error) {
	out := map[string][]isms.CorrectiveAction{}
	if len(ncIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("nonconformity_id", ncIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+correctiveColumns+` FROM corrective_actions WHERE `+w.sql()+`
		ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("corrective actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCorrectiveAction(rows)
		if err != nil {
			return nil, fmt.Errorf("corrective actions: %w", err)
		}
		out[c.NonconformityID] = append(out[c.NonconformityID], c)
	}
	return out, rows.Err()
}

// OpenCorrectiveActionsOf returns the unfinished actions a member owns.
func (r Reads) OpenCorrectiveActionsOf(ctx context.Context, orgID, memberID string) ([]isms.CorrectiveAction, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+correctiveColumns+` FROM corrective_actions WHERE org_id = $1 AND owner_id = $2
		AND completed_at IS NULL ORDER BY due_date, id`, orgID, memberID)
	if err != nil {
		return nil, fmt.Errorf("corrective actions of %s: %w", memberID, err)
	}
	defer rows.Close()
	var out []isms.CorrectiveAction
	for rows.Next() {
		c, err := scanCorrectiveAction(rows)
		if err != nil {
			return nil, fmt.Errorf("corrective actions of %s: %w", memberID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// NCCounts summarises the register for the dashboard and the metrics.
type NCCounts struct {
	Open, Overdue, OpenMajor int
	// Closed counts records closed so far; MeanDaysToClose is their mean
	// time from being raised to being closed, 0 when none is closed.
	Closed          int
	MeanDaysToClose float64
}

// NonconformityCounts counts the organisation's register as of now.
func (r Reads) NonconformityCounts(ctx context.Context, orgID string, now time.Time) (NCCounts, error) {
	var c NCCounts
	err := r.q.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE closed_at IS NULL),
		COUNT(*) FILTER (WHERE closed_at IS NULL AND (due_date < $2 OR EXISTS (SELECT 1 FROM corrective_actions c
			WHERE c.nonconformity_id = n.id AND c.completed_at IS NULL AND c.due_date < $2))),
		COUNT(*) FILTER (WHERE closed_at IS NULL AND grade = 'major'),
		COUNT(*) FILTER (WHERE closed_at IS NOT NULL)
		FROM nonconformities n WHERE org_id = $1`, orgID, now).Scan(&c.Open, &c.Overdue, &c.OpenMajor, &c.Closed)
	if err != nil {
		return c, fmt.Errorf("nonconformity counts: %w", err)
	}
	if c.Closed == 0 {
		return c, nil
	}
	// The mean is taken in Go: the two databases subtract timestamps
	// differently.
	rows, err := r.q.QueryContext(ctx, `SELECT created_at, closed_at FROM nonconformities WHERE org_id = $1 AND closed_at IS NOT NULL`,
		orgID)
	if err != nil {
		return c, fmt.Errorf("nonconformity closure times: %w", err)
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var raised, closed time.Time
		if err := rows.Scan(&raised, &closed); err != nil {
			return c, fmt.Errorf("nonconformity closure times: %w", err)
		}
		total += closed.Sub(raised)
	}
	c.MeanDaysToClose = total.Hours() / 24 / float64(c.Closed)
	return c, rows.Err()
}
