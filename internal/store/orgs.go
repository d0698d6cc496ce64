package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// NewID returns a new record id: a UUIDv7, whose text sorts by creation
// time, so ids double as a stable order for cursors.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

const orgColumns = `id, slug, name, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (isms.Organization, error) {
	var o isms.Organization
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.CreatedAt, &o.UpdatedAt)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// CreateOrg adds an organisation and starts its ledger chain; its creation
// is the chain's first entry.
func (tx *Tx) CreateOrg(ctx context.Context, slug, name string) (isms.Organization, error) {
	o := isms.Organization{ID: NewID(), Slug: slug, Name: name, CreatedAt: tx.now, UpdatedAt: tx.now}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO organizations (`+orgColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		o.ID, o.Slug, o.Name, o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return o, conflict(err, fmt.Sprintf("create organisation %q", slug))
	}
	if err := tx.startChain(ctx, o.ID); err != nil {
		return o, err
	}
	return o, tx.record(ctx, RecordOrganization, o.ID, ledger.ActionCreate)
}

// RenameOrg changes an organisation's display name.
func (tx *Tx) RenameOrg(ctx context.Context, id, name string) (isms.Organization, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE organizations SET name = $2, updated_at = $3 WHERE id = $1`, id, name, tx.now)
	if err := mustAffect(res, err, "rename organisation "+id); err != nil {
		return isms.Organization{}, err
	}
	if err := tx.record(ctx, RecordOrganization, id, ledger.ActionUpdate); err != nil {
		return isms.Organization{}, err
	}
	return tx.OrgByID(ctx, id)
}

// OrgBySlug finds an organisation by its slug.
func (r Reads) OrgBySlug(ctx context.Context, slug string) (isms.Organization, error) {
	o, err := scanOrg(r.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE slug = $1`, slug))
	if err != nil {
		return o, notFound(err, fmt.Sprintf("organisation %q", slug))
	}
	return o, nil
}

// OrgByID finds an organisation by id.
func (r Reads) OrgByID(ctx context.Context, id string) (isms.Organization, error) {
	o, err := scanOrg(r.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, id))
	if err != nil {
		return o, notFound(err, "organisation "+id)
	}
	return o, nil
}

// ListOrgs returns every organisation of the instance, by slug, after the
// slug in cursor.
func (r Reads) ListOrgs(ctx context.Context, afterSlug string, limit int) ([]isms.Organization, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE slug > $1 ORDER BY slug LIMIT $2`,
		afterSlug, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []isms.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrgMembership is an organisation together with a user's role in it.
type OrgMembership struct {
	Org       isms.Organization
	Role      isms.Role
	ExpiresAt *time.Time
}

// OrgsOfUser lists the organisations where the user's membership is
// active at now, by name.
func (r Reads) OrgsOfUser(ctx context.Context, userID string, now time.Time) ([]OrgMembership, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT o.id, o.slug, o.name, o.created_at, o.updated_at, m.role, m.expires_at
		FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.user_id = $1 AND (m.expires_at IS NULL OR m.expires_at > $2)
		ORDER BY o.name, o.slug`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("list organisations of user: %w", err)
	}
	defer rows.Close()
	var out []OrgMembership
	for rows.Next() {
		var (
			om      OrgMembership
			expires nullTime
		)
		if err := rows.Scan(&om.Org.ID, &om.Org.Slug, &om.Org.Name, &om.Org.CreatedAt, &om.Org.UpdatedAt, &om.Role, &expires); err != nil {
			return nil, fmt.Errorf("list organisations of user: %w", err)
		}
		om.ExpiresAt = expires.ptr()
		out = append(out, om)
	}
	return out, rows.Err()
}
