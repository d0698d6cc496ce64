package store

import (
	"context"
	"fmt"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const cycleColumns = `id, org_id, body, scope, standard, stage1_date, stage2_date, certificate_number, issued_on, expires_on,
	created_at, updated_at`

func scanCycle(row interface{ Scan(...any) error }) (isms.CertCycle, error) {
	var (
		c                              isms.CertCycle
		stage1, stage2, issued, expiry nullTime
	)
	err := row.Scan(&c.ID, &c.OrgID, &c.Body, &c.Scope, &c.Standard, &stage1, &stage2, &c.CertificateNumber, &issued, &expiry,
		&c.CreatedAt, &c.UpdatedAt)
	c.Stage1Date, c.Stage2Date, c.IssuedOn, c.ExpiresOn = stage1.ptr(), stage2.ptr(), issued.ptr(), expiry.ptr()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// SaveCertCycle adds a cycle, or replaces one when c.ID is set.
func (tx *Tx) SaveCertCycle(ctx context.Context, c isms.CertCycle) (isms.CertCycle, error) {
	c.UpdatedAt = tx.now
	if c.ID == "" {
		c.ID, c.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO certification_cycles (`+cycleColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
			$9, $10, $11, $12)`, c.ID, c.OrgID, c.Body, c.Scope, c.Standard, timeArg(c.Stage1Date), timeArg(c.Stage2Date),
			c.CertificateNumber, timeArg(c.IssuedOn), timeArg(c.ExpiresOn), c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return c, fmt.Errorf("start certification cycle: %w", err)
		}
		return c, tx.record(ctx, RecordCertCycle, c.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE certification_cycles SET body = $3, scope = $4, standard = $5, stage1_date = $6,
		stage2_date = $7, certificate_number = $8, issued_on = $9, expires_on = $10, updated_at = $11 WHERE org_id = $1 AND id = $2`,
		c.OrgID, c.ID, c.Body, c.Scope, c.Standard, timeArg(c.Stage1Date), timeArg(c.Stage2Date), c.CertificateNumber,
		timeArg(c.IssuedOn), timeArg(c.ExpiresOn), c.UpdatedAt)
	if err := mustAffect(res, err, "certification cycle "+c.ID); err != nil {
		return c, err
	}
	return c, tx.record(ctx, RecordCertCycle, c.ID, ledger.ActionUpdate)
}

// CertCycles lists an organisation's certification cycles, the current
// (newest) first.
func (r Reads) CertCycles(ctx context.Context, orgID string) ([]isms.CertCycle, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+cycleColumns+` FROM certification_cycles WHERE org_id = $1
		ORDER BY created_at DESC, id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("certification cycles: %w", err)
	}
	defer rows.Close()
	var out []isms.CertCycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			return nil, fmt.Errorf("certification cycles: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CertCycle returns one cycle.
func (r Reads) CertCycle(ctx context.Context, orgID, id string) (isms.CertCycle, error) {
	c, err := scanCycle(r.q.QueryRowContext(ctx, `SELECT `+cycleColumns+` FROM certification_cycles WHERE org_id = $1 AND id = $2`,
		orgID, id))
	if err != nil {
		return c, notFound(err, "certification cycle "+id)
	}
	return c, nil
}

const externalAuditColumns = `id, org_id, cycle_id, kind, planned_date, done_date, lead_auditor, result, created_at, updated_at`

func scanExternalAudit(row interface{ Scan(...any) error }) (isms.ExternalAudit, error) {
	var (
		a             isms.ExternalAudit
		kind          string
		planned, done nullTime
	)
	err := row.Scan(&a.ID, &a.OrgID, &a.CycleID, &kind, &planned, &done, &a.LeadAuditor, &a.Result, &a.CreatedAt, &a.UpdatedAt)
	a.Kind, a.PlannedDate, a.DoneDate = isms.AuditKind(kind), planned.ptr(), done.ptr()
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// SaveExternalAudit adds an audit, or replaces one when a.ID is set; its
// cycle stays.
func (tx *Tx) SaveExternalAudit(ctx context.Context, a isms.ExternalAudit) (isms.ExternalAudit, error) {
	a.UpdatedAt = tx.now
	if a.ID == "" {
		a.ID, a.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO external_audits (`+externalAuditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.ID, a.OrgID, a.CycleID, string(a.Kind), timeArg(a.PlannedDate), timeArg(a.DoneDate), a.LeadAuditor, a.Result, a.CreatedAt,
			a.UpdatedAt)
		if err != nil {
			return a, fmt.Errorf("add external audit: %w", err)
		}
		return a, tx.record(ctx, RecordExternalAudit, a.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE external_audits SET kind = $3, planned_date = $4, done_date = $5, lead_auditor = $6,
		result = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID, string(a.Kind), timeArg(a.PlannedDate),
		timeArg(a.DoneDate), a.LeadAuditor, a.Result, a.UpdatedAt)
	if err := mustAffect(res, err, "external audit "+a.ID); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordExternalAudit, a.ID, ledger.ActionUpdate)
}

// ExternalAudit returns one audit.
func (r Reads) ExternalAudit(ctx context.Context, orgID, id string) (isms.ExternalAudit, error) {
	a, err := scanExternalAudit(r.q.QueryRowContext(ctx, `SELECT `+externalAuditColumns+` FROM external_audits WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return a, notFound(err, "external audit "+id)
	}
	return a, nil
}

// ExternalAudits returns the audits of the given cycles, by cycle, in the
// order they fall.
func (r Reads) ExternalAudits(ctx context.Context, orgID string, cycleIDs ...string) (map[string][]isms.ExternalAudit, error) {
	out := map[string][]isms.ExternalAudit{}
	if len(cycleIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("cycle_id", cycleIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+externalAuditColumns+` FROM external_audits WHERE `+w.sql()+`
		ORDER BY COALESCE(done_date, planned_date), created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("external audits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanExternalAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("external audits: %w", err)
		}
		out[a.CycleID] = append(out[a.CycleID], a)
	}
	return out, rows.Err()
}

// LinkAuditFinding records that an audit's finding is the given record of
// the nonconformity register.
func (tx *Tx) LinkAuditFinding(ctx context.Context, orgID, auditID, ncID string) error {
	id := NewID()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO external_audit_findings (id, org_id, audit_id, nonconformity_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, id, orgID, auditID, ncID, tx.now)
	if err != nil {
		return conflict(err, "external audit finding")
	}
	return tx.record(ctx, RecordAuditFinding, id, ledger.ActionCreate)
}

// AuditFindings returns the records raised from the given audits, by
// audit, in reference order.
func (r Reads) AuditFindings(ctx context.Context, orgID string, auditIDs ...string) (map[string][]isms.Nonconformity, error) {
	out := map[string][]isms.Nonconformity{}
	if len(auditIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("f.org_id = $%d", orgID)
	w.in("f.audit_id", auditIDs)
	cols := "n.id, n.org_id, n.ref_num, n.kind, n.grade, n.source, n.title, n.description, n.requirement, n.finding_id, n.owner_id, " +
		"n.raised_by, n.due_date, n.correction, n.root_cause, n.verified_by, n.verified_at, n.effective, n.verification_note, " +
		"n.closed_at, n.created_at, n.updated_at"
	rows, err := r.q.QueryContext(ctx, `SELECT f.audit_id, `+cols+` FROM external_audit_findings f
		JOIN nonconformities n ON n.id = f.nonconformity_id WHERE `+w.sql()+` ORDER BY n.ref_num`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("external audit findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var auditID string
		n, err := scanNC(prefixed{rows, &auditID})
		if err != nil {
			return nil, fmt.Errorf("external audit findings: %w", err)
		}
		out[auditID] = append(out[auditID], n)
	}
	return out, rows.Err()
}

// prefixed scans a first column into dst ahead of a row scanner's own.
type prefixed struct {
	row interface{ Scan(...any) error }
	dst *string
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append([]any{p.dst}, dest...)...) }
