package store

import (
	"context"
	"fmt"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// Document names a kind of versioned, approved document and where it is
// kept.
type Document struct {
	table      string
	recordType string
}

// The versioned documents.
var (
	ContextDocument     = Document{table: "isms_contexts", recordType: RecordContext}
	MethodologyDocument = Document{table: "risk_methodologies", recordType: RecordMethodology}
)

const versionColumns = `id, org_id, version, status, content, created_by, created_at, updated_at, approved_by, approved_at`

func scanVersion(row interface{ Scan(...any) error }) (isms.Version, error) {
	var (
		v          isms.Version
		status     string
		content    string
		approvedBy *string
		approvedAt nullTime
	)
	err := row.Scan(&v.ID, &v.OrgID, &v.Number, &status, &content, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &approvedBy, &approvedAt)
	v.Status = isms.DocumentStatus(status)
	v.Content = []byte(content)
	v.ApprovedBy = deref(approvedBy)
	v.ApprovedAt = approvedAt.ptr()
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// Versions lists an organisation's versions of a document, newest first.
func (r Reads) Versions(ctx context.Context, d Document, orgID string) ([]isms.Version, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+versionColumns+` FROM `+d.table+` WHERE org_id = $1 ORDER BY version DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", d.table, err)
	}
	defer rows.Close()
	var out []isms.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", d.table, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version returns one version of a document by id.
func (r Reads) Version(ctx context.Context, d Document, orgID, id string) (isms.Version, error) {
	v, err := scanVersion(r.q.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM `+d.table+` WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return v, notFound(err, d.recordType+" "+id)
	}
	return v, nil
}

// LatestVersion returns the newest version of a document whatever its
// status; isms.ErrNotFound when there is none yet.
func (r Reads) LatestVersion(ctx context.Context, d Document, orgID string) (isms.Version, error) {
	v, err := scanVersion(r.q.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM `+d.table+
		` WHERE org_id = $1 ORDER BY version DESC LIMIT 1`, orgID))
	if err != nil {
		return v, notFound(err, d.recordType)
	}
	return v, nil
}

// ApprovedVersion returns the version of a document in force.
func (r Reads) ApprovedVersion(ctx context.Context, d Document, orgID string) (isms.Version, error) {
	v, err := scanVersion(r.q.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM `+d.table+
		` WHERE org_id = $1 AND status = 'approved'`, orgID))
	if err != nil {
		return v, notFound(err, "approved "+d.recordType)
	}
	return v, nil
}

// CreateVersion adds the next version of a document as a draft, or as
// approved when v.Status says so. The caller holds the organisation's
// chain lock so that version numbers do not collide.
func (tx *Tx) CreateVersion(ctx context.Context, d Document, v isms.Version) (isms.Version, error) {
	var last int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+d.table+` WHERE org_id = $1`, v.OrgID).Scan(&last); err != nil {
		return v, fmt.Errorf("new %s: %w", d.recordType, err)
	}
	v.ID = NewID()
	v.Number = last + 1
	v.CreatedAt, v.UpdatedAt = tx.now, tx.now
	if v.Status == "" {
		v.Status = isms.StatusDraft
	}
	if v.Status == isms.StatusApproved {
		if err := tx.supersede(ctx, d, v.OrgID); err != nil {
			return v, err
		}
		at := tx.now
		v.ApprovedAt = &at
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO `+d.table+` (`+versionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		v.ID, v.OrgID, v.Number, string(v.Status), string(v.Content), v.CreatedBy, v.CreatedAt, v.UpdatedAt, nullString(v.ApprovedBy), timeArg(v.ApprovedAt))
	if err != nil {
		return v, conflict(err, d.recordType+" version")
	}
	return v, tx.record(ctx, d.recordType, v.ID, ledger.ActionCreate)
}

// UpdateDraft replaces the content of a draft version.
func (tx *Tx) UpdateDraft(ctx context.Context, d Document, orgID, id string, content []byte) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE `+d.table+` SET content = $3, updated_at = $4 WHERE org_id = $1 AND id = $2 AND status = 'draft'`,
		orgID, id, string(content), tx.now)
	if err := mustAffect(res, err, "update draft "+d.recordType+" "+id); err != nil {
		return err
	}
	return tx.record(ctx, d.recordType, id, ledger.ActionUpdate)
}

// DeleteDraft discards a draft version.
func (tx *Tx) DeleteDraft(ctx context.Context, d Document, orgID, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM `+d.table+` WHERE org_id = $1 AND id = $2 AND status = 'draft'`, orgID, id)
	if err := mustAffect(res, err, "discard draft "+d.recordType+" "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, d.recordType, id)
}

// ApproveVersion puts a draft in force; the version in force before it
// is superseded.
func (tx *Tx) ApproveVersion(ctx context.Context, d Document, orgID, id, approverID string) error {
	if err := tx.supersede(ctx, d, orgID); err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE `+d.table+` SET status = 'approved', approved_by = $3, approved_at = $4, updated_at = $4
		WHERE org_id = $1 AND id = $2 AND status = 'draft'`, orgID, id, approverID, tx.now)
	if err := mustAffect(res, err, "approve "+d.recordType+" "+id); err != nil {
		return err
	}
	return tx.record(ctx, d.recordType, id, ledger.ActionUpdate)
}

func (tx *Tx) supersede(ctx context.Context, d Document, orgID string) error {
	var id string
	err := tx.tx.QueryRowContext(ctx, `SELECT id FROM `+d.table+` WHERE org_id = $1 AND status = 'approved'`, orgID).Scan(&id)
	if errNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("supersede %s: %w", d.recordType, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE `+d.table+` SET status = 'superseded', updated_at = $2 WHERE id = $1`, id, tx.now); err != nil {
		return fmt.Errorf("supersede %s: %w", d.recordType, err)
	}
	return tx.record(ctx, d.recordType, id, ledger.ActionUpdate)
}
