package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const evidenceColumns = `e.id, e.org_id, e.kind, e.title, e.description, e.url, e.body, e.sha256, e.file_name, e.size, e.media_type,
	e.period_start, e.period_end, e.collected_by, e.cadence, e.created_at, e.updated_at`

func scanEvidence(row interface{ Scan(...any) error }, extra ...any) (isms.Evidence, error) {
	var (
		e             isms.Evidence
		kind, cadence string
		collectedBy   *string
	)
	dest := append([]any{&e.ID, &e.OrgID, &kind, &e.Title, &e.Description, &e.URL, &e.Body, &e.SHA256, &e.FileName, &e.Size,
		&e.MediaType, &e.PeriodStart, &e.PeriodEnd, &collectedBy, &cadence, &e.CreatedAt, &e.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	e.Kind, e.Cadence, e.CollectedBy = isms.EvidenceKind(kind), isms.Cadence(cadence), deref(collectedBy)
	e.PeriodStart, e.PeriodEnd = e.PeriodStart.UTC(), e.PeriodEnd.UTC()
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// SaveEvidence creates an evidence item, or replaces its description when
// e.ID is set. A stored file's hash never changes: new content is a new item.
func (tx *Tx) SaveEvidence(ctx context.Context, e isms.Evidence) (isms.Evidence, error) {
	e.UpdatedAt = tx.now
	if e.ID == "" {
		e.ID, e.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO evidence (id, org_id, kind, title, description, url, body, sha256, file_name,
			size, media_type, period_start, period_end, collected_by, cadence, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`, e.ID, e.OrgID, string(e.Kind),
			e.Title, e.Description, e.URL, e.Body, e.SHA256, e.FileName, e.Size, e.MediaType, e.PeriodStart, e.PeriodEnd,
			nullString(e.CollectedBy), string(e.Cadence), e.CreatedAt, e.UpdatedAt)
		if err != nil {
			return e, fmt.Errorf("add evidence: %w", err)
		}
		return e, tx.record(ctx, RecordEvidence, e.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE evidence SET title = $3, description = $4, url = $5, body = $6, period_start = $7,
		period_end = $8, cadence = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`, e.OrgID, e.ID, e.Title, e.Description,
		e.URL, e.Body, e.PeriodStart, e.PeriodEnd, string(e.Cadence), e.UpdatedAt)
	if err := mustAffect(res, err, "update evidence "+e.ID); err != nil {
		return e, err
	}
	return e, tx.record(ctx, RecordEvidence, e.ID, ledger.ActionUpdate)
}

// Evidence returns an organisation's evidence item.
func (r Reads) Evidence(ctx context.Context, orgID, id string) (isms.Evidence, error) {
	e, err := scanEvidence(r.q.QueryRowContext(ctx, `SELECT `+evidenceColumns+` FROM evidence e WHERE e.org_id = $1 AND e.id = $2`,
		orgID, id))
	if err != nil {
		return e, notFound(err, "evidence "+id)
	}
	return e, nil
}

// EvidenceFilter narrows a list of evidence.
type EvidenceFilter struct {
	// Target and Ref list the evidence of one control, requirement or risk.
	Target isms.EvidenceTarget
	Ref    string
	Query  string
	// Cursor continues after the item EvidenceCursor was made from.
	Cursor string
	Limit  int
}

// EvidenceCursor is the cursor of the page that follows e.
func EvidenceCursor(e isms.Evidence) string {
	return EncodeCursor(e.PeriodEnd.UTC().Format(time.RFC3339Nano) + " " + e.ID)
}

// ListEvidence returns an organisation's evidence, newest period first.
func (r Reads) ListEvidence(ctx context.Context, orgID string, f EvidenceFilter) ([]isms.Evidence, error) {
	w := newWhere()
	w.add("e.org_id = $%d", orgID)
	if f.Ref != "" {
		w.add("e.id IN (SELECT evidence_id FROM evidence_links WHERE org_id = $%d AND target = $%d AND ref = $%d)", orgID,
			string(f.Target), f.Ref)
	}
	if f.Query != "" {
		w.add(r.contains("e.title", 1), likePattern(f.Query))
	}
	if f.Cursor != "" {
		key, err := DecodeCursor("cursor", f.Cursor)
		if err != nil {
			return nil, err
		}
		stamp, id, ok := strings.Cut(key, " ")
		end, perr := time.Parse(time.RFC3339Nano, stamp)
		if !ok || perr != nil {
			return nil, isms.Invalid("cursor", "is not a cursor returned by this list")
		}
		w.add("(e.period_end < $%d OR (e.period_end = $%[1]d AND e.id < $%d))", end, id)
	}
	q := `SELECT ` + evidenceColumns + ` FROM evidence e WHERE ` + w.sql() + ` ORDER BY e.period_end DESC, e.id DESC LIMIT ` +
		w.arg(clampLimit(f.Limit))
	rows, err := r.q.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	defer rows.Close()
	var out []isms.Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, fmt.Errorf("list evidence: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EvidenceOf returns the evidence linked to each ref of a kind of target,
// for the whole organisation: one query for a statement of 93 controls.
func (r Reads) EvidenceOf(ctx context.Context, orgID string, target isms.EvidenceTarget) (map[string][]isms.Evidence, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+evidenceColumns+`, l.ref FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id
		WHERE l.org_id = $1 AND l.target = $2 ORDER BY l.ref, e.period_end DESC, e.id`, orgID, string(target))
	if err != nil {
		return nil, fmt.Errorf("evidence of %ss: %w", target, err)
	}
	defer rows.Close()
	out := map[string][]isms.Evidence{}
	for rows.Next() {
		var ref string
		e, err := scanEvidence(rows, &ref)
		if err != nil {
			return nil, fmt.Errorf("evidence of %ss: %w", target, err)
		}
		out[ref] = append(out[ref], e)
	}
	return out, rows.Err()
}

// SetEvidenceLinks makes what an evidence item supports exactly want,
// ledgering each link added or removed.
func (tx *Tx) SetEvidenceLinks(ctx context.Context, orgID, evidenceID string, want []isms.EvidenceLinkTo) error {
	have, err := tx.evidenceLinkRows(ctx, orgID, evidenceID)
	if err != nil {
		return err
	}
	for l, id := range have {
		if slices.Contains(want, l) {
			continue
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM evidence_links WHERE id = $1`, id); err != nil {
			return fmt.Errorf("unlink evidence: %w", err)
		}
		if err := tx.recordDeletion(ctx, orgID, RecordEvidenceLink, id); err != nil {
			return err
		}
	}
	for _, l := range want {
		if _, ok := have[l]; ok {
			continue
		}
		have[l] = ""
		id := NewID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO evidence_links (id, org_id, evidence_id, target, ref, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, orgID, evidenceID, string(l.Target), l.Ref, tx.now); err != nil {
			return fmt.Errorf("link evidence: %w", err)
		}
		if err := tx.record(ctx, RecordEvidenceLink, id, ledger.ActionCreate); err != nil {
			return err
		}
	}
	return nil
}

func (r Reads) evidenceLinkRows(ctx context.Context, orgID, evidenceID string) (map[isms.EvidenceLinkTo]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, target, ref FROM evidence_links WHERE org_id = $1 AND evidence_id = $2
		ORDER BY target, ref`, orgID, evidenceID)
	if err != nil {
		return nil, fmt.Errorf("evidence links: %w", err)
	}
	defer rows.Close()
	out := map[isms.EvidenceLinkTo]string{}
	for rows.Next() {
		var (
			id, target string
			l          isms.EvidenceLinkTo
		)
		if err := rows.Scan(&id, &target, &l.Ref); err != nil {
			return nil, fmt.Errorf("evidence links: %w", err)
		}
		l.Target = isms.EvidenceTarget(target)
		out[l] = id
	}
	return out, rows.Err()
}

// EvidenceLinks returns what an evidence item supports, sorted.
func (r Reads) EvidenceLinks(ctx context.Context, orgID, evidenceID string) ([]isms.EvidenceLinkTo, error) {
	rows, err := r.evidenceLinkRows(ctx, orgID, evidenceID)
	if err != nil {
		return nil, err
	}
	out := make([]isms.EvidenceLinkTo, 0, len(rows))
	for l := range rows {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b isms.EvidenceLinkTo) int {
		return cmp.Or(cmp.Compare(a.Target, b.Target), cmp.Compare(a.Ref, b.Ref))
	})
	return out, nil
}

// StoredFile is an evidence item's file, as verification needs it.
type StoredFile struct {
	OrgID      string
	EvidenceID string
	Title      string
	SHA256     string
}

// StoredFiles lists the files that evidence items refer to, of one
// organisation or, with orgID "", of all.
func (r Reads) StoredFiles(ctx context.Context, orgID string) ([]StoredFile, error) {
	q := `SELECT org_id, id, title, sha256 FROM evidence WHERE kind = 'file'`
	var args []any
	if orgID != "" {
		q += ` AND org_id = $1`
		args = append(args, orgID)
	}
	rows, err := r.q.QueryContext(ctx, q+` ORDER BY sha256, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("stored files: %w", err)
	}
	defer rows.Close()
	var out []StoredFile
	for rows.Next() {
		var f StoredFile
		if err := rows.Scan(&f.OrgID, &f.EvidenceID, &f.Title, &f.SHA256); err != nil {
			return nil, fmt.Errorf("stored files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const requestColumns = `id, org_id, control, title, assignee_id, due_date, status, evidence_id, created_at, updated_at`

func scanRequest(row interface{ Scan(...any) error }) (isms.EvidenceRequest, error) {
	var (
		q        isms.EvidenceRequest
		status   string
		evidence *string
	)
	err := row.Scan(&q.ID, &q.OrgID, &q.Control, &q.Title, &q.AssigneeID, &q.DueDate, &status, &evidence, &q.CreatedAt, &q.UpdatedAt)
	q.Status, q.EvidenceID = isms.RequestStatus(status), deref(evidence)
	q.DueDate, q.CreatedAt, q.UpdatedAt = q.DueDate.UTC(), q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	return q, err
}

// SaveEvidenceRequest creates a request for evidence, or replaces it when
// q.ID is set.
func (tx *Tx) SaveEvidenceRequest(ctx context.Context, q isms.EvidenceRequest) (isms.EvidenceRequest, error) {
	q.UpdatedAt = tx.now
	if q.ID == "" {
		q.ID, q.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO evidence_requests (id, org_id, control, title, assignee_id, due_date, status,
			evidence_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, q.ID, q.OrgID, q.Control, q.Title,
			q.AssigneeID, q.DueDate, string(q.Status), nullString(q.EvidenceID), q.CreatedAt, q.UpdatedAt)
		if err != nil {
			return q, fmt.Errorf("request evidence: %w", err)
		}
		return q, tx.record(ctx, RecordEvidenceRequest, q.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE evidence_requests SET title = $3, assignee_id = $4, due_date = $5, status = $6,
		evidence_id = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`, q.OrgID, q.ID, q.Title, q.AssigneeID, q.DueDate,
		string(q.Status), nullString(q.EvidenceID), q.UpdatedAt)
	if err := mustAffect(res, err, "evidence request "+q.ID); err != nil {
		return q, err
	}
	return q, tx.record(ctx, RecordEvidenceRequest, q.ID, ledger.ActionUpdate)
}

// EvidenceRequest returns one request.
func (r Reads) EvidenceRequest(ctx context.Context, orgID, id string) (isms.EvidenceRequest, error) {
	q, err := scanRequest(r.q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM evidence_requests WHERE org_id = $1 AND id = $2`,
		orgID, id))
	if err != nil {
		return q, notFound(err, "evidence request "+id)
	}
	return q, nil
}

// RequestFilter narrows evidence requests; empty fields do not filter.
type RequestFilter struct {
	AssigneeID string
	Control    string
	Status     isms.RequestStatus
	DueBefore  time.Time
}

// EvidenceRequests returns requests by due date.
func (r Reads) EvidenceRequests(ctx context.Context, orgID string, f RequestFilter) ([]isms.EvidenceRequest, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.AssigneeID != "" {
		w.add("assignee_id = $%d", f.AssigneeID)
	}
	if f.Control != "" {
		w.add("control = $%d", f.Control)
	}
	if f.Status != "" {
		w.add("status = $%d", string(f.Status))
	}
	if !f.DueBefore.IsZero() {
		w.add("due_date < $%d", f.DueBefore)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+requestColumns+` FROM evidence_requests WHERE `+w.sql()+
		` ORDER BY due_date, id LIMIT 1000`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("evidence requests: %w", err)
	}
	defer rows.Close()
	var out []isms.EvidenceRequest
	for rows.Next() {
		q, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("evidence requests: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
