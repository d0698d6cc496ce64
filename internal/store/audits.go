package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

var auditorLinks = link{"audit_auditors", "audit_id", "member_id", RecordAuditor}

// ---------------------------------------------------------------------
// The programme.

const programmeColumns = `id, org_id, cycle_start, notes, created_at, updated_at`

// SaveAuditProgramme creates the organisation's programme, or replaces it
// when p.ID is set.
func (tx *Tx) SaveAuditProgramme(ctx context.Context, p isms.AuditProgramme) (isms.AuditProgramme, error) {
	p.UpdatedAt = tx.now
	if p.ID == "" {
		p.ID, p.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO audit_programmes (`+programmeColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, p.OrgID, p.CycleStart.UTC(), p.Notes, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return p, conflict(err, "create audit programme")
		}
		return p, tx.record(ctx, RecordAuditProgramme, p.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE audit_programmes SET cycle_start = $3, notes = $4, updated_at = $5
		WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID, p.CycleStart.UTC(), p.Notes, p.UpdatedAt)
	if err := mustAffect(res, err, "audit programme "+p.ID); err != nil {
		return p, err
	}
	return p, tx.record(ctx, RecordAuditProgramme, p.ID, ledger.ActionUpdate)
}

// AuditProgramme returns the organisation's programme, or isms.ErrNotFound
// before one is set up.
func (r Reads) AuditProgramme(ctx context.Context, orgID string) (isms.AuditProgramme, error) {
	var p isms.AuditProgramme
	err := r.q.QueryRowContext(ctx, `SELECT `+programmeColumns+` FROM audit_programmes WHERE org_id = $1`, orgID).Scan(&p.ID,
		&p.OrgID, &p.CycleStart, &p.Notes, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, notFound(err, "audit programme")
	}
	p.CycleStart, p.CreatedAt, p.UpdatedAt = p.CycleStart.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// ---------------------------------------------------------------------
// Audits.

const auditColumns = `id, org_id, ref_num, title, scope, criteria, status, planned_start, planned_end, started_at, completed_at,
	conclusion, created_by, created_at, updated_at`

func scanAudit(row interface{ Scan(...any) error }) (isms.Audit, error) {
	var (
		a                  isms.Audit
		scope, status      string
		started, completed nullTime
		createdBy          *string
	)
	err := row.Scan(&a.ID, &a.OrgID, &a.RefNum, &a.Title, &scope, &a.Criteria, &status, &a.PlannedStart, &a.PlannedEnd, &started,
		&completed, &a.Conclusion, &createdBy, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Status, a.StartedAt, a.CompletedAt, a.CreatedBy = isms.AuditStatus(status), started.ptr(), completed.ptr(), deref(createdBy)
	a.PlannedStart, a.PlannedEnd, a.CreatedAt, a.UpdatedAt = a.PlannedStart.UTC(), a.PlannedEnd.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(scope), &a.Scope); err != nil {
		return a, fmt.Errorf("scope of audit %s: %w", a.ID, err)
	}
	return a, nil
}

// CreateAudit adds an audit under the next reference number.
func (tx *Tx) CreateAudit(ctx context.Context, a isms.Audit) (isms.Audit, error) {
	var err error
	if a.RefNum, err = tx.nextRef(ctx, "audits", a.OrgID); err != nil {
		return a, err
	}
	scope, err := json.Marshal(a.Scope)
	if err != nil {
		return a, fmt.Errorf("create audit: %w", err)
	}
	a.ID, a.CreatedAt, a.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO audits (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
		$13, $14, $15)`, a.ID, a.OrgID, a.RefNum, a.Title, string(scope), a.Criteria, string(a.Status), a.PlannedStart.UTC(),
		a.PlannedEnd.UTC(), timeArg(a.StartedAt), timeArg(a.CompletedAt), a.Conclusion, nullString(a.CreatedBy), a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return a, conflict(err, "create audit "+a.Title)
	}
	return a, tx.record(ctx, RecordAudit, a.ID, ledger.ActionCreate)
}

// UpdateAudit replaces an audit's changeable fields; its number, scope and
// who planned it stay.
func (tx *Tx) UpdateAudit(ctx context.Context, a isms.Audit) (isms.Audit, error) {
	a.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE audits SET title = $3, criteria = $4, status = $5, planned_start = $6, planned_end = $7,
		started_at = $8, completed_at = $9, conclusion = $10, updated_at = $11 WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID, a.Title,
		a.Criteria, string(a.Status), a.PlannedStart.UTC(), a.PlannedEnd.UTC(), timeArg(a.StartedAt), timeArg(a.CompletedAt), a.Conclusion,
		a.UpdatedAt)
	if err := mustAffect(res, err, "audit "+a.ID); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordAudit, a.ID, ledger.ActionUpdate)
}

// SetAuditors makes the audit's auditors exactly memberIDs.
func (tx *Tx) SetAuditors(ctx context.Context, orgID, auditID string, memberIDs []string) error {
	return tx.setLinks(ctx, auditorLinks, orgID, auditID, memberIDs)
}

// Audit returns one audit.
func (r Reads) Audit(ctx context.Context, orgID, id string) (isms.Audit, error) {
	a, err := scanAudit(r.q.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audits WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return a, notFound(err, "audit "+id)
	}
	return a, nil
}

// AuditByRef returns an audit by its reference number.
func (r Reads) AuditByRef(ctx context.Context, orgID string, ref int) (isms.Audit, error) {
	a, err := scanAudit(r.q.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audits WHERE org_id = $1 AND ref_num = $2`, orgID, ref))
	if err != nil {
		return a, notFound(err, isms.FormatAuditRef(ref))
	}
	return a, nil
}

// AuditFilter selects audits.
type AuditFilter struct {
	Status isms.AuditStatus
	// From and To, when set, select audits planned to start in [From, To).
	From, To *time.Time
	// Query matches the title, or a reference such as AUD-3.
	Query string
	// After is the reference number of the last row of the previous page;
	// audits list by reference.
	After int
	Limit int
}

// Audits lists audits in reference order.
func (r Reads) Audits(ctx context.Context, orgID string, f AuditFilter) ([]isms.Audit, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.Status != "" {
		w.add("status = $%d", string(f.Status))
	}
	if f.From != nil {
		w.add("planned_start >= $%d", f.From.UTC())
	}
	if f.To != nil {
		w.add("planned_start < $%d", f.To.UTC())
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(q), "AUD-")); err == nil {
			w.add("(ref_num = $%[1]d OR "+r.contains("title", 2)+")", n, likePattern(q))
		} else {
			w.add(r.contains("title", 1), likePattern(q))
		}
	}
	if f.After > 0 {
		w.add("ref_num > $%d", f.After)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audits WHERE `+w.sql()+` ORDER BY ref_num LIMIT `+
		w.arg(clampLimit(f.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("audits: %w", err)
	}
	defer rows.Close()
	var out []isms.Audit
	for rows.Next() {
		a, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("audits: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Auditors returns the members named on each of the audits, by audit.
func (r Reads) Auditors(ctx context.Context, orgID string, auditIDs ...string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(auditIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("audit_id", auditIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT audit_id, member_id FROM audit_auditors WHERE `+w.sql()+` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("auditors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var audit, member string
		if err := rows.Scan(&audit, &member); err != nil {
			return nil, fmt.Errorf("auditors: %w", err)
		}
		out[audit] = append(out[audit], member)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------
// Checklist items.

const auditItemColumns = `id, org_id, audit_id, position, ref, kind, title, result, notes, evidence, nonconformity_id, recorded_by,
	recorded_at, created_at, updated_at`

func scanAuditItem(row interface{ Scan(...any) error }) (isms.AuditItem, error) {
	var (
		it                  isms.AuditItem
		kind, result, links string
		nc, recordedBy      *string
		recordedAt          nullTime
	)
	err := row.Scan(&it.ID, &it.OrgID, &it.AuditID, &it.Position, &it.Ref, &kind, &it.Title, &result, &it.Notes, &links, &nc,
		&recordedBy, &recordedAt, &it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return it, err
	}
	it.Kind, it.Result, it.NonconformityID, it.RecordedBy = isms.AuditItemKind(kind), isms.AuditResult(result), deref(nc), deref(recordedBy)
	it.RecordedAt, it.CreatedAt, it.UpdatedAt = recordedAt.ptr(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(links), &it.Evidence); err != nil {
		return it, fmt.Errorf("evidence of audit item %s: %w", it.ID, err)
	}
	return it, nil
}

func evidenceJSON(links []isms.Link) (string, error) {
	if links == nil {
		links = []isms.Link{}
	}
	b, err := json.Marshal(links)
	return string(b), err
}

// CreateAuditItem adds a line to an audit's checklist.
func (tx *Tx) CreateAuditItem(ctx context.Context, it isms.AuditItem) (isms.AuditItem, error) {
	links, err := evidenceJSON(it.Evidence)
	if err != nil {
		return it, fmt.Errorf("add audit item %s: %w", it.Ref, err)
	}
	it.ID, it.CreatedAt, it.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO audit_items (`+auditItemColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15)`, it.ID, it.OrgID, it.AuditID, it.Position, it.Ref, string(it.Kind), it.Title, string(it.Result), it.Notes,
		links, nullString(it.NonconformityID), nullString(it.RecordedBy), timeArg(it.RecordedAt), it.CreatedAt, it.UpdatedAt)
	if err != nil {
		return it, conflict(err, "add audit item "+it.Ref)
	}
	return it, tx.record(ctx, RecordAuditItem, it.ID, ledger.ActionCreate)
}

// UpdateAuditItem records an item's result; what it checks stays.
func (tx *Tx) UpdateAuditItem(ctx context.Context, it isms.AuditItem) (isms.AuditItem, error) {
	links, err := evidenceJSON(it.Evidence)
	if err != nil {
		return it, fmt.Errorf("update audit item %s: %w", it.Ref, err)
	}
	it.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE audit_items SET result = $4, notes = $5, evidence = $6, nonconformity_id = $7,
		recorded_by = $8, recorded_at = $9, updated_at = $10 WHERE org_id = $1 AND audit_id = $2 AND id = $3`, it.OrgID, it.AuditID, it.ID,
		string(it.Result), it.Notes, links, nullString(it.NonconformityID), nullString(it.RecordedBy), timeArg(it.RecordedAt), it.UpdatedAt)
	if err := mustAffect(res, err, "audit item "+it.ID); err != nil {
		return it, err
	}
	return it, tx.record(ctx, RecordAuditItem, it.ID, ledger.ActionUpdate)
}

// AuditItems returns an audit's checklist in order.
func (r Reads) AuditItems(ctx context.Context, orgID, auditID string) ([]isms.AuditItem, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+auditItemColumns+` FROM audit_items WHERE org_id = $1 AND audit_id = $2
		ORDER BY position, id`, orgID, auditID)
	if err != nil {
		return nil, fmt.Errorf("audit items: %w", err)
	}
	defer rows.Close()
	var out []isms.AuditItem
	for rows.Next() {
		it, err := scanAuditItem(rows)
		if err != nil {
			return nil, fmt.Errorf("audit items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// AuditProgress counts, for each of the audits, its checklist items and
// those with a result.
func (r Reads) AuditProgress(ctx context.Context, orgID string, auditIDs ...string) (map[string][2]int, error) {
	out := map[string][2]int{}
	if len(auditIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("audit_id", auditIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT audit_id, COUNT(*), COUNT(*) FILTER (WHERE result <> '') FROM audit_items
		WHERE `+w.sql()+` GROUP BY audit_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("audit progress: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id          string
			total, done int
		)
		if err := rows.Scan(&id, &total, &done); err != nil {
			return nil, fmt.Errorf("audit progress: %w", err)
		}
		out[id] = [2]int{total, done}
	}
	return out, rows.Err()
}

// Audited is a requirement with a result recorded in an audit.
type Audited struct {
	Ref, AuditID string
	Result       isms.AuditResult
	RecordedAt   time.Time
}

// AuditedBetween returns every result recorded in [from, to), oldest
// first, for the programme's coverage.
func (r Reads) AuditedBetween(ctx context.Context, orgID string, from, to time.Time) ([]Audited, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT ref, audit_id, result, recorded_at FROM audit_items WHERE org_id = $1 AND result <> ''
		AND recorded_at >= $2 AND recorded_at < $3 ORDER BY recorded_at, id`, orgID, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("audited requirements: %w", err)
	}
	defer rows.Close()
	var out []Audited
	for rows.Next() {
		var (
			a      Audited
			result string
		)
		if err := rows.Scan(&a.Ref, &a.AuditID, &result, &a.RecordedAt); err != nil {
			return nil, fmt.Errorf("audited requirements: %w", err)
		}
		a.Result, a.RecordedAt = isms.AuditResult(result), a.RecordedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
