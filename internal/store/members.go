package store

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const memberSelect = `SELECT m.id, m.org_id, m.user_id, u.email, u.name, m.role, m.expires_at, m.created_at, m.updated_at
	FROM memberships m JOIN users u ON u.id = m.user_id`

func scanMember(row interface{ Scan(...any) error }) (isms.Member, error) {
	var (
		m       isms.Member
		expires nullTime
	)
	err := row.Scan(&m.ID, &m.OrgID, &m.UserID, &m.Email, &m.Name, &m.Role, &expires, &m.CreatedAt, &m.UpdatedAt)
	m.ExpiresAt = expires.ptr()
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// AddMember makes a user a member of an organisation.
func (tx *Tx) AddMember(ctx context.Context, orgID, userID string, role isms.Role, expiresAt *time.Time) (isms.Member, error) {
	id := NewID()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO memberships (id, org_id, user_id, role, expires_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, id, orgID, userID, string(role), expiresAt, tx.now)
	if err != nil {
		return isms.Member{}, conflict(err, "add member")
	}
	if err := tx.record(ctx, RecordMember, id, ledger.ActionCreate); err != nil {
		return isms.Member{}, err
	}
	return tx.Member(ctx, orgID, id)
}

// UpdateMember changes a member's role and expiry.
func (tx *Tx) UpdateMember(ctx context.Context, orgID, id string, role isms.Role, expiresAt *time.Time) (isms.Member, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE memberships SET role = $3, expires_at = $4, updated_at = $5 WHERE org_id = $1 AND id = $2`,
		orgID, id, string(role), expiresAt, tx.now)
	if err := mustAffect(res, err, "update member "+id); err != nil {
		return isms.Member{}, err
	}
	if err := tx.record(ctx, RecordMember, id, ledger.ActionUpdate); err != nil {
		return isms.Member{}, err
	}
	return tx.Member(ctx, orgID, id)
}

// RemoveMember ends a membership.
func (tx *Tx) RemoveMember(ctx context.Context, orgID, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM memberships WHERE org_id = $1 AND id = $2`, orgID, id)
	if isForeignKeyViolation(err) {
		// Records of the ISMS still name the member (a decision they
		// took, a record they raised or verified): the history must keep
		// them, so the membership stays.
		return &isms.ConflictError{Field: "member", Detail: "is named by records of the ISMS (decisions, approvals, nonconformities, " +
			"incidents, audits); their history keeps the name, so set an expiry on the membership instead of removing it"}
	}
	if err := mustAffect(res, err, "remove member "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordMember, id)
}

// Member finds a membership of an organisation by id.
func (r Reads) Member(ctx context.Context, orgID, id string) (isms.Member, error) {
	m, err := scanMember(r.q.QueryRowContext(ctx, memberSelect+` WHERE m.org_id = $1 AND m.id = $2`, orgID, id))
	if err != nil {
		return m, notFound(err, "member "+id)
	}
	return m, nil
}

// MemberByUser finds a user's membership of an organisation.
func (r Reads) MemberByUser(ctx context.Context, orgID, userID string) (isms.Member, error) {
	m, err := scanMember(r.q.QueryRowContext(ctx, memberSelect+` WHERE m.org_id = $1 AND m.user_id = $2`, orgID, userID))
	if err != nil {
		return m, notFound(err, "membership")
	}
	return m, nil
}

// ListMembers returns an organisation's members by email. f.Cursor is the
// email of the last member of the previous page.
func (r Reads) ListMembers(ctx context.Context, orgID string, f isms.MemberFilter) ([]isms.Member, error) {
	w := newWhere()
	w.add("m.org_id = $%d", orgID)
	if f.Role != "" {
		w.add("m.role = $%d", string(f.Role))
	}
	if f.Query != "" {
		w.add("("+r.contains("u.email", 1)+" OR "+r.contains("u.name", 1)+")", likePattern(f.Query))
	}
	if f.Cursor != "" {
		w.add("u.email > $%d", f.Cursor)
	}
	limit := w.arg(clampLimit(f.Limit))
	rows, err := r.q.QueryContext(ctx, memberSelect+` WHERE `+w.sql()+` ORDER BY u.email LIMIT `+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []isms.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("list members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// AllMembers returns every member of an organisation, by email, for
// exports and pickers that name people.
func (r Reads) AllMembers(ctx context.Context, orgID string) ([]isms.Member, error) {
	rows, err := r.q.QueryContext(ctx, memberSelect+` WHERE m.org_id = $1 ORDER BY u.email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("all members: %w", err)
	}
	defer rows.Close()
	var out []isms.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("all members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountActiveOwners counts the owners whose membership is active at now.
func (r Reads) CountActiveOwners(ctx context.Context, orgID string, now time.Time) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND m.role = 'owner' AND (m.expires_at IS NULL OR m.expires_at > $2) AND u.disabled = $3`,
		orgID, now, false).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count owners: %w", err)
	}
	return n, nil
}

// CountMembers counts an organisation's members.
func (r Reads) CountMembers(ctx context.Context, orgID string) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id = $1`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}
