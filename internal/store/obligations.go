package store

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const obligationColumns = `o.id, o.org_id, o.ref_num, o.kind, o.title, o.source, o.source_url, o.jurisdiction, o.owner_id,
	o.applicability, o.ai_risk_class, o.review_date, o.status, o.not_applicable_reason, o.created_at, o.updated_at`

var (
	obligationAssetLinks   = link{"obligation_assets", "obligation_id", "asset_id", RecordObligationAsset}
	obligationControlLinks = link{"obligation_controls", "obligation_id", "control", RecordObligationControl}
)

func scanObligation(row interface{ Scan(...any) error }) (isms.Obligation, error) {
	var (
		o                   isms.Obligation
		owner               *string
		review              nullTime
		kind, class, status string
	)
	err := row.Scan(&o.ID, &o.OrgID, &o.RefNum, &kind, &o.Title, &o.Source, &o.SourceURL, &o.Jurisdiction, &owner,
		&o.Applicability, &class, &review, &status, &o.NotApplicableReason, &o.CreatedAt, &o.UpdatedAt)
	o.Kind, o.AIRiskClass, o.Status = isms.ObligationKind(kind), isms.AIRiskClass(class), isms.ObligationStatus(status)
	o.OwnerID, o.ReviewDate = deref(owner), review.ptr()
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// obligationValues are the column values from kind to not_applicable_reason.
func obligationValues(o isms.Obligation) []any {
	return []any{string(o.Kind), o.Title, o.Source, o.SourceURL, o.Jurisdiction, nullString(o.OwnerID), o.Applicability,
		string(o.AIRiskClass), timeArg(o.ReviewDate), string(o.Status), o.NotApplicableReason}
}

// CreateObligation adds an obligation with the next reference number and
// links its assets and controls. The caller holds the organisation's chain
// lock so that reference numbers do not collide.
func (tx *Tx) CreateObligation(ctx context.Context, o isms.Obligation) (isms.Obligation, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM obligations WHERE org_id = $1`,
		o.OrgID).Scan(&o.RefNum); err != nil {
		return o, fmt.Errorf("number the obligation: %w", err)
	}
	o.ID, o.CreatedAt, o.UpdatedAt = NewID(), tx.now, tx.now
	args := append(append([]any{o.ID, o.OrgID, o.RefNum}, obligationValues(o)...), o.CreatedAt, o.UpdatedAt)
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO obligations (id, org_id, ref_num, kind, title, source, source_url, jurisdiction,
		owner_id, applicability, ai_risk_class, review_date, status, not_applicable_reason, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`, args...)
	if err != nil {
		return o, conflict(err, "create obligation "+o.Title)
	}
	if err := tx.record(ctx, RecordObligation, o.ID, ledger.ActionCreate); err != nil {
		return o, err
	}
	return o, tx.setObligationLinks(ctx, o)
}

// UpdateObligation replaces an obligation's fields and links.
func (tx *Tx) UpdateObligation(ctx context.Context, o isms.Obligation) (isms.Obligation, error) {
	o.UpdatedAt = tx.now
	args := append(append([]any{o.OrgID, o.ID}, obligationValues(o)...), o.UpdatedAt)
	res, err := tx.tx.ExecContext(ctx, `UPDATE obligations SET kind = $3, title = $4, source = $5, source_url = $6,
		jurisdiction = $7, owner_id = $8, applicability = $9, ai_risk_class = $10, review_date = $11, status = $12,
		not_applicable_reason = $13, updated_at = $14 WHERE org_id = $1 AND id = $2`, args...)
	if err := mustAffect(res, err, "update obligation "+o.ID); err != nil {
		return o, err
	}
	if err := tx.record(ctx, RecordObligation, o.ID, ledger.ActionUpdate); err != nil {
		return o, err
	}
	return o, tx.setObligationLinks(ctx, o)
}

func (tx *Tx) setObligationLinks(ctx context.Context, o isms.Obligation) error {
	if err := tx.setLinks(ctx, obligationAssetLinks, o.OrgID, o.ID, o.AssetIDs); err != nil {
		return err
	}
	return tx.setLinks(ctx, obligationControlLinks, o.OrgID, o.ID, o.Controls)
}

// DeleteObligation removes an obligation with its links, each with its
// ledger entry.
func (tx *Tx) DeleteObligation(ctx context.Context, orgID, id string) error {
	if err := tx.setLinks(ctx, obligationAssetLinks, orgID, id, nil); err != nil {
		return err
	}
	if err := tx.setLinks(ctx, obligationControlLinks, orgID, id, nil); err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM obligations WHERE org_id = $1 AND id = $2`, orgID, id)
	if err := mustAffect(res, err, "delete obligation "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordObligation, id)
}

// Obligation returns one obligation with its assets and controls.
func (r Reads) Obligation(ctx context.Context, orgID, id string) (isms.Obligation, error) {
	o, err := scanObligation(r.q.QueryRowContext(ctx, `SELECT `+obligationColumns+` FROM obligations o
		WHERE o.org_id = $1 AND o.id = $2`, orgID, id))
	if err != nil {
		return o, notFound(err, "obligation "+id)
	}
	return o, r.fillObligationLinks(ctx, []*isms.Obligation{&o})
}

// ObligationByRef returns an obligation by its reference number.
func (r Reads) ObligationByRef(ctx context.Context, orgID string, ref int) (isms.Obligation, error) {
	o, err := scanObligation(r.q.QueryRowContext(ctx, `SELECT `+obligationColumns+` FROM obligations o
		WHERE o.org_id = $1 AND o.ref_num = $2`, orgID, ref))
	if err != nil {
		return o, notFound(err, "obligation "+isms.FormatObligationRef(ref))
	}
	return o, r.fillObligationLinks(ctx, []*isms.Obligation{&o})
}

func (r Reads) fillObligationLinks(ctx context.Context, list []*isms.Obligation) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[string]*isms.Obligation, len(list))
	ids := make([]string, 0, len(list))
	for _, o := range list {
		byID[o.ID] = o
		ids = append(ids, o.ID)
	}
	for _, l := range []link{obligationAssetLinks, obligationControlLinks} {
		w := newWhere()
		w.in(l.parent, ids)
		rows, err := r.q.QueryContext(ctx, `SELECT `+l.parent+`, `+l.column+` FROM `+l.table+` WHERE `+w.sql()+
			` ORDER BY `+l.column+`, id`, w.args...)
		if err != nil {
			return fmt.Errorf("read %s: %w", l.table, err)
		}
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return fmt.Errorf("read %s: %w", l.table, err)
			}
			if l == obligationAssetLinks {
				byID[id].AssetIDs = append(byID[id].AssetIDs, v)
			} else {
				byID[id].Controls = append(byID[id].Controls, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read %s: %w", l.table, err)
		}
	}
	return nil
}

// obligationWhere builds the conditions of a filter; now decides what is
// overdue.
func (r Reads) obligationWhere(orgID string, f isms.ObligationFilter, now time.Time) *where {
	w := newWhere()
	w.add("o.org_id = $%d", orgID)
	if f.Kind != "" {
		w.add("o.kind = $%d", string(f.Kind))
	}
	if f.Status != "" {
		w.add("o.status = $%d", string(f.Status))
	}
	if f.OwnerID != "" {
		w.add("o.owner_id = $%d", f.OwnerID)
	}
	if f.AIRiskClass != "" {
		w.add("o.ai_risk_class = $%d", string(f.AIRiskClass))
	}
	if f.Control != "" {
		w.add("o.id IN (SELECT obligation_id FROM obligation_controls WHERE org_id = o.org_id AND control = $%d)", f.Control)
	}
	if f.AssetID != "" {
		w.add("o.id IN (SELECT obligation_id FROM obligation_assets WHERE asset_id = $%d)", f.AssetID)
	}
	if f.Overdue {
		w.add("o.review_date < $%d", now.UTC())
	}
	if f.Query != "" {
		w.add("("+r.contains("o.title", 1)+" OR "+r.contains("o.source", 1)+" OR "+r.contains("o.jurisdiction", 1)+")",
			likePattern(f.Query))
	}
	return w
}

// ListObligations returns a page of obligations in reference order after
// the reference number afterRef.
func (r Reads) ListObligations(ctx context.Context, orgID string, f isms.ObligationFilter, afterRef int, now time.Time) ([]isms.Obligation, error) {
	w := r.obligationWhere(orgID, f, now)
	if afterRef > 0 {
		w.add("o.ref_num > $%d", afterRef)
	}
	limit := w.arg(clampLimit(f.Limit))
	rows, err := r.q.QueryContext(ctx, `SELECT `+obligationColumns+` FROM obligations o WHERE `+w.sql()+
		` ORDER BY o.ref_num LIMIT `+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list obligations: %w", err)
	}
	defer rows.Close()
	var out []isms.Obligation
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			return nil, fmt.Errorf("list obligations: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list obligations: %w", err)
	}
	ptrs := make([]*isms.Obligation, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, r.fillObligationLinks(ctx, ptrs)
}

// CountObligations counts the obligations a filter selects.
func (r Reads) CountObligations(ctx context.Context, orgID string, f isms.ObligationFilter, now time.Time) (int, error) {
	w := r.obligationWhere(orgID, f, now)
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM obligations o WHERE `+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count obligations: %w", err)
	}
	return n, nil
}

// Requirement is a control an applicable obligation needs.
type Requirement struct {
	Control      string
	ObligationID string
	RefNum       int
	Kind         isms.ObligationKind
	Title        string
}

// ObligationRequirements returns every control linked from one of the
// organisation's applicable obligations: what the Statement of
// Applicability includes for legal and contractual reasons.
func (r Reads) ObligationRequirements(ctx context.Context, orgID string) ([]Requirement, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT c.control, o.id, o.ref_num, o.kind, o.title FROM obligation_controls c
		JOIN obligations o ON o.id = c.obligation_id WHERE c.org_id = $1 AND o.status = 'applicable'
		ORDER BY c.control, o.ref_num`, orgID)
	if err != nil {
		return nil, fmt.Errorf("obligation requirements: %w", err)
	}
	defer rows.Close()
	var out []Requirement
	for rows.Next() {
		var (
			q    Requirement
			kind string
		)
		if err := rows.Scan(&q.Control, &q.ObligationID, &q.RefNum, &kind, &q.Title); err != nil {
			return nil, fmt.Errorf("obligation requirements: %w", err)
		}
		q.Kind = isms.ObligationKind(kind)
		out = append(out, q)
	}
	return out, rows.Err()
}
