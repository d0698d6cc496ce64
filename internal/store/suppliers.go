package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const supplierColumns = `id, org_id, name, kind, services, criticality, status, owner_id, website, contact, data_shared,
	data_location, clauses, incident_hours, contract_ends, review_cadence, last_reviewed, exit_plan, notes, created_at, updated_at`

func scanSupplier(row interface{ Scan(...any) error }) (isms.Supplier, error) {
	var (
		s                                    isms.Supplier
		owner                                *string
		contractEnds, reviewed               nullTime
		kind, crit, status, data, cl, cadenc string
	)
	err := row.Scan(&s.ID, &s.OrgID, &s.Name, &kind, &s.Services, &crit, &status, &owner, &s.Website, &s.Contact, &data,
		&s.DataLocation, &cl, &s.IncidentHours, &contractEnds, &cadenc, &reviewed, &s.ExitPlan, &s.Notes, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return s, err
	}
	s.Kind, s.Criticality, s.Status = isms.SupplierKind(kind), isms.Criticality(crit), isms.SupplierStatus(status)
	s.ReviewCadence, s.OwnerID = isms.Cadence(cadenc), deref(owner)
	s.ContractEnds, s.LastReviewed = contractEnds.ptr(), reviewed.ptr()
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(data), &s.DataShared); err != nil {
		return s, fmt.Errorf("supplier %s data_shared: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(cl), &s.Clauses); err != nil {
		return s, fmt.Errorf("supplier %s clauses: %w", s.ID, err)
	}
	return s, nil
}

// supplierValues are the column values of a supplier from name to notes.
func supplierValues(s isms.Supplier) ([]any, error) {
	data, clauses := s.DataShared, s.Clauses
	if data == nil {
		data = []isms.DataCategory{}
	}
	if clauses == nil {
		clauses = []string{}
	}
	db, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	cb, err := json.Marshal(clauses)
	if err != nil {
		return nil, err
	}
	return []any{s.Name, string(s.Kind), s.Services, string(s.Criticality), string(s.Status), nullString(s.OwnerID), s.Website,
		s.Contact, string(db), s.DataLocation, string(cb), s.IncidentHours, timeArg(s.ContractEnds), string(s.ReviewCadence),
		timeArg(s.LastReviewed), s.ExitPlan, s.Notes}, nil
}

// CreateSupplier adds a supplier; a name already in the register is a
// conflict.
func (tx *Tx) CreateSupplier(ctx context.Context, s isms.Supplier) (isms.Supplier, error) {
	s.ID = NewID()
	s.CreatedAt, s.UpdatedAt = tx.now, tx.now
	vals, err := supplierValues(s)
	if err != nil {
		return s, fmt.Errorf("create supplier: %w", err)
	}
	args := append(append([]any{s.ID, s.OrgID}, vals...), s.CreatedAt, s.UpdatedAt)
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO suppliers (`+supplierColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`, args...)
	if err != nil {
		return s, conflict(err, "create supplier "+s.Name)
	}
	return s, tx.record(ctx, RecordSupplier, s.ID, ledger.ActionCreate)
}

// UpdateSupplier replaces a supplier's fields.
func (tx *Tx) UpdateSupplier(ctx context.Context, s isms.Supplier) (isms.Supplier, error) {
	s.UpdatedAt = tx.now
	vals, err := supplierValues(s)
	if err != nil {
		return s, fmt.Errorf("update supplier: %w", err)
	}
	args := append(append([]any{s.OrgID, s.ID}, vals...), s.UpdatedAt)
	res, err := tx.tx.ExecContext(ctx, `UPDATE suppliers SET name = $3, kind = $4, services = $5, criticality = $6, status = $7,
		owner_id = $8, website = $9, contact = $10, data_shared = $11, data_location = $12, clauses = $13, incident_hours = $14,
		contract_ends = $15, review_cadence = $16, last_reviewed = $17, exit_plan = $18, notes = $19, updated_at = $20
		WHERE org_id = $1 AND id = $2`, args...)
	if err != nil {
		return s, conflict(err, "update supplier "+s.Name)
	}
	if err := mustAffect(res, nil, "update supplier "+s.ID); err != nil {
		return s, err
	}
	return s, tx.record(ctx, RecordSupplier, s.ID, ledger.ActionUpdate)
}

// DeleteSupplier removes a supplier with its asset links, certifications
// and assessments, each removal in the ledger.
func (tx *Tx) DeleteSupplier(ctx context.Context, orgID, id string) error {
	for _, child := range []struct{ table, record string }{
		{"supplier_assets", RecordSupplierAsset},
		{"supplier_certifications", RecordSupplierCert},
		{"supplier_assessments", RecordSupplierAssessment},
	} {
		ids, err := tx.childIDs(ctx, `SELECT id FROM `+child.table+` WHERE org_id = $1 AND supplier_id = $2 ORDER BY id`, orgID, id)
		if err != nil {
			return err
		}
		for _, cid := range ids {
			if err := tx.deleteSupplierChild(ctx, child.table, child.record, orgID, id, cid); err != nil {
				return err
			}
		}
	}
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM suppliers WHERE org_id = $1 AND id = $2`, orgID, id)
	if err := mustAffect(res, err, "delete supplier "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordSupplier, id)
}

func (tx *Tx) childIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := tx.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("supplier records: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("supplier records: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deleteSupplierChild removes one row of a supplier's table; the table
// and record type are the caller's constants, never input.
func (tx *Tx) deleteSupplierChild(ctx context.Context, table, record, orgID, supplierID, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org_id = $1 AND supplier_id = $2 AND id = $3`, orgID, supplierID, id)
	if err := mustAffect(res, err, "remove "+record+" "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, record, id)
}

// Supplier returns one supplier of the organisation.
func (r Reads) Supplier(ctx context.Context, orgID, id string) (isms.Supplier, error) {
	s, err := scanSupplier(r.q.QueryRowContext(ctx, `SELECT `+supplierColumns+` FROM suppliers WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return s, notFound(err, "supplier "+id)
	}
	return s, nil
}

// Suppliers returns the organisation's register by name, at most
// isms.MaxSuppliers, which the application keeps it within.
func (r Reads) Suppliers(ctx context.Context, orgID string) ([]isms.Supplier, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+supplierColumns+` FROM suppliers WHERE org_id = $1 ORDER BY name, id LIMIT $2`,
		orgID, isms.MaxSuppliers)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	defer rows.Close()
	var out []isms.Supplier
	for rows.Next() {
		s, err := scanSupplier(rows)
		if err != nil {
			return nil, fmt.Errorf("list suppliers: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CountSuppliers counts the organisation's suppliers.
func (r Reads) CountSuppliers(ctx context.Context, orgID string) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM suppliers WHERE org_id = $1`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count suppliers: %w", err)
	}
	return n, nil
}

// SupplierAsset links an asset to a supplier it depends on.
type SupplierAsset struct {
	ID         string
	OrgID      string
	SupplierID string
	AssetID    string
	CreatedAt  time.Time
}

// LinkSupplierAsset records that an asset depends on a supplier.
func (tx *Tx) LinkSupplierAsset(ctx context.Context, l SupplierAsset) (SupplierAsset, error) {
	l.ID, l.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO supplier_assets (id, org_id, supplier_id, asset_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, l.ID, l.OrgID, l.SupplierID, l.AssetID, l.CreatedAt)
	if err != nil {
		return l, conflict(err, "link asset to supplier")
	}
	return l, tx.record(ctx, RecordSupplierAsset, l.ID, ledger.ActionCreate)
}

// UnlinkSupplierAsset removes a link.
func (tx *Tx) UnlinkSupplierAsset(ctx context.Context, orgID, supplierID, id string) error {
	return tx.deleteSupplierChild(ctx, "supplier_assets", RecordSupplierAsset, orgID, supplierID, id)
}

// SupplierAssets returns the asset links of the organisation's suppliers:
// of one, or of all when supplierID is empty.
func (r Reads) SupplierAssets(ctx context.Context, orgID, supplierID string) ([]SupplierAsset, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if supplierID != "" {
		w.add("supplier_id = $%d", supplierID)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, supplier_id, asset_id, created_at FROM supplier_assets WHERE `+w.sql()+
		` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("supplier assets: %w", err)
	}
	defer rows.Close()
	var out []SupplierAsset
	for rows.Next() {
		var l SupplierAsset
		if err := rows.Scan(&l.ID, &l.OrgID, &l.SupplierID, &l.AssetID, &l.CreatedAt); err != nil {
			return nil, fmt.Errorf("supplier assets: %w", err)
		}
		l.CreatedAt = l.CreatedAt.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// CountAssetSuppliers counts the suppliers an asset is linked to.
func (r Reads) CountAssetSuppliers(ctx context.Context, orgID, assetID string) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM supplier_assets WHERE org_id = $1 AND asset_id = $2`, orgID, assetID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count asset suppliers: %w", err)
	}
	return n, nil
}

const certColumns = `id, org_id, supplier_id, kind, reference, issuer, scope, issued_on, valid_until, created_at`

// AddCertification records a certification a supplier holds.
func (tx *Tx) AddCertification(ctx context.Context, c isms.Certification) (isms.Certification, error) {
	c.ID, c.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO supplier_certifications (`+certColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
		$9, $10)`, c.ID, c.OrgID, c.SupplierID, string(c.Kind), c.Reference, c.Issuer, c.Scope, timeArg(c.IssuedOn), c.ValidUntil.UTC(),
		c.CreatedAt)
	if err != nil {
		return c, fmt.Errorf("add certification: %w", err)
	}
	return c, tx.record(ctx, RecordSupplierCert, c.ID, ledger.ActionCreate)
}

// RemoveCertification removes a certification of a supplier.
func (tx *Tx) RemoveCertification(ctx context.Context, orgID, supplierID, id string) error {
	return tx.deleteSupplierChild(ctx, "supplier_certifications", RecordSupplierCert, orgID, supplierID, id)
}

// Certifications returns the certifications of one supplier, or of every
// supplier when supplierID is empty, latest expiry first.
func (r Reads) Certifications(ctx context.Context, orgID, supplierID string) ([]isms.Certification, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if supplierID != "" {
		w.add("supplier_id = $%d", supplierID)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+certColumns+` FROM supplier_certifications WHERE `+w.sql()+
		` ORDER BY valid_until DESC, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("certifications: %w", err)
	}
	defer rows.Close()
	var out []isms.Certification
	for rows.Next() {
		var (
			c      isms.Certification
			kind   string
			issued nullTime
		)
		if err := rows.Scan(&c.ID, &c.OrgID, &c.SupplierID, &kind, &c.Reference, &c.Issuer, &c.Scope, &issued, &c.ValidUntil,
			&c.CreatedAt); err != nil {
			return nil, fmt.Errorf("certifications: %w", err)
		}
		c.Kind, c.IssuedOn = isms.CertificationKind(kind), issued.ptr()
		c.ValidUntil, c.CreatedAt = c.ValidUntil.UTC(), c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

const assessmentColumns = `id, org_id, supplier_id, assessed_on, assessor, result, summary, answers, created_at`

// AddAssessment records a security assessment of a supplier.
func (tx *Tx) AddAssessment(ctx context.Context, a isms.Assessment) (isms.Assessment, error) {
	a.ID, a.CreatedAt = NewID(), tx.now
	answers := a.Answers
	if answers == nil {
		answers = []isms.Answer{}
	}
	b, err := json.Marshal(answers)
	if err != nil {
		return a, fmt.Errorf("add assessment: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO supplier_assessments (`+assessmentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7,
		$8, $9)`, a.ID, a.OrgID, a.SupplierID, a.AssessedOn.UTC(), a.Assessor, string(a.Result), a.Summary, string(b), a.CreatedAt)
	if err != nil {
		return a, fmt.Errorf("add assessment: %w", err)
	}
	return a, tx.record(ctx, RecordSupplierAssessment, a.ID, ledger.ActionCreate)
}

// RemoveAssessment removes an assessment of a supplier.
func (tx *Tx) RemoveAssessment(ctx context.Context, orgID, supplierID, id string) error {
	return tx.deleteSupplierChild(ctx, "supplier_assessments", RecordSupplierAssessment, orgID, supplierID, id)
}

// Assessments returns the assessments of one supplier, or of every
// supplier when supplierID is empty, latest first.
func (r Reads) Assessments(ctx context.Context, orgID, supplierID string) ([]isms.Assessment, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if supplierID != "" {
		w.add("supplier_id = $%d", supplierID)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+assessmentColumns+` FROM supplier_assessments WHERE `+w.sql()+
		` ORDER BY assessed_on DESC, id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("assessments: %w", err)
	}
	defer rows.Close()
	var out []isms.Assessment
	for rows.Next() {
		var (
			a       isms.Assessment
			result  string
			answers string
		)
		if err := rows.Scan(&a.ID, &a.OrgID, &a.SupplierID, &a.AssessedOn, &a.Assessor, &result, &a.Summary, &answers,
			&a.CreatedAt); err != nil {
			return nil, fmt.Errorf("assessments: %w", err)
		}
		a.Result, a.AssessedOn, a.CreatedAt = isms.AssessmentResult(result), a.AssessedOn.UTC(), a.CreatedAt.UTC()
		if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
			return nil, fmt.Errorf("assessment %s answers: %w", a.ID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
