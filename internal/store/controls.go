package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const controlColumns = `id, org_id, control, title, description, applicability, exclusion_reason, status, owner_id,
	implementation, review_cadence, evidence_cadence, last_reviewed, notes, links, created_at, updated_at`

func scanControl(row interface{ Scan(...any) error }) (isms.Control, error) {
	var (
		c                      isms.Control
		owner                  *string
		reviewed               nullTime
		applic, status, links  string
		reviewCad, evidenceCad string
	)
	err := row.Scan(&c.ID, &c.OrgID, &c.Control, &c.Title, &c.Description, &applic, &c.ExclusionReason, &status, &owner,
		&c.Implementation, &reviewCad, &evidenceCad, &reviewed, &c.Notes, &links, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.Applicability, c.Status = isms.Applicability(applic), isms.ImplementationStatus(status)
	c.ReviewCadence, c.EvidenceCadence = isms.Cadence(reviewCad), isms.Cadence(evidenceCad)
	c.OwnerID = deref(owner)
	c.LastReviewed = reviewed.ptr()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(links), &c.Links); err != nil {
		return c, fmt.Errorf("control %s links: %w", c.ID, err)
	}
	return c, nil
}

func controlValues(c isms.Control) ([]any, error) {
	links := c.Links
	if links == nil {
		links = []isms.Link{}
	}
	b, err := json.Marshal(links)
	if err != nil {
		return nil, err
	}
	return []any{c.Control, c.Title, c.Description, string(c.Applicability), c.ExclusionReason, string(c.Status),
		nullString(c.OwnerID), c.Implementation, string(c.ReviewCadence), string(c.EvidenceCadence), timeArg(c.LastReviewed),
		c.Notes, string(b)}, nil
}

// SaveControl creates the organisation's record of a control, or replaces
// it when c.ID is set.
func (tx *Tx) SaveControl(ctx context.Context, c isms.Control) (isms.Control, error) {
	vals, err := controlValues(c)
	if err != nil {
		return c, fmt.Errorf("save control %s: %w", c.Control, err)
	}
	c.UpdatedAt = tx.now
	if c.ID == "" {
		c.ID, c.CreatedAt = NewID(), tx.now
		args := append(append([]any{c.ID, c.OrgID}, vals...), c.CreatedAt, c.UpdatedAt)
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO controls (id, org_id, control, title, description, applicability,
			exclusion_reason, status, owner_id, implementation, review_cadence, evidence_cadence, last_reviewed, notes, links,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`, args...)
		if err != nil {
			return c, conflict(err, "control "+c.Control)
		}
		return c, tx.record(ctx, RecordControl, c.ID, ledger.ActionCreate)
	}
	args := append(append([]any{c.OrgID, c.ID}, vals...), c.UpdatedAt)
	res, err := tx.tx.ExecContext(ctx, `UPDATE controls SET control = $3, title = $4, description = $5, applicability = $6,
		exclusion_reason = $7, status = $8, owner_id = $9, implementation = $10, review_cadence = $11, evidence_cadence = $12,
		last_reviewed = $13, notes = $14, links = $15, updated_at = $16 WHERE org_id = $1 AND id = $2`, args...)
	if err := mustAffect(res, err, "update control "+c.Control); err != nil {
		return c, err
	}
	return c, tx.record(ctx, RecordControl, c.ID, ledger.ActionUpdate)
}

// Control returns the organisation's record of a control by its
// reference.
func (r Reads) Control(ctx context.Context, orgID, ref string) (isms.Control, error) {
	c, err := scanControl(r.q.QueryRowContext(ctx, `SELECT `+controlColumns+` FROM controls WHERE org_id = $1 AND control = $2`, orgID, ref))
	if err != nil {
		return c, notFound(err, "control "+ref)
	}
	return c, nil
}

// Controls returns the organisation's control records whose reference
// starts with prefix ("iso27001-2022:", "org:", or "" for all).
func (r Reads) Controls(ctx context.Context, orgID, prefix string) ([]isms.Control, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+controlColumns+` FROM controls WHERE org_id = $1
		AND substr(control, 1, $3) = $2 ORDER BY control`, orgID, prefix, len(prefix))
	if err != nil {
		return nil, fmt.Errorf("list controls: %w", err)
	}
	defer rows.Close()
	var out []isms.Control
	for rows.Next() {
		c, err := scanControl(rows)
		if err != nil {
			return nil, fmt.Errorf("list controls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddControlReason records a documented reason to include a control.
func (tx *Tx) AddControlReason(ctx context.Context, rs isms.ControlReason) (isms.ControlReason, error) {
	rs.ID, rs.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO control_reasons (id, org_id, control_id, kind, title, url, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, rs.ID, rs.OrgID, rs.ControlID, string(rs.Kind), rs.Title, rs.URL, rs.CreatedAt)
	if err != nil {
		return rs, fmt.Errorf("add control reason: %w", err)
	}
	return rs, tx.record(ctx, RecordControlReason, rs.ID, ledger.ActionCreate)
}

// RemoveControlReason deletes a reason of a control.
func (tx *Tx) RemoveControlReason(ctx context.Context, orgID, controlID, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM control_reasons WHERE org_id = $1 AND control_id = $2 AND id = $3`, orgID, controlID, id)
	if err := mustAffect(res, err, "control reason "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordControlReason, id)
}

// ControlReasons returns the organisation's documented reasons by control
// record id.
func (r Reads) ControlReasons(ctx context.Context, orgID string) (map[string][]isms.ControlReason, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, control_id, kind, title, url, created_at FROM control_reasons
		WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("control reasons: %w", err)
	}
	defer rows.Close()
	out := map[string][]isms.ControlReason{}
	for rows.Next() {
		var (
			rs   isms.ControlReason
			kind string
		)
		if err := rows.Scan(&rs.ID, &rs.OrgID, &rs.ControlID, &kind, &rs.Title, &rs.URL, &rs.CreatedAt); err != nil {
			return nil, fmt.Errorf("control reasons: %w", err)
		}
		rs.Kind, rs.CreatedAt = isms.ReasonKind(kind), rs.CreatedAt.UTC()
		out[rs.ControlID] = append(out[rs.ControlID], rs)
	}
	return out, rows.Err()
}

const taskColumns = `id, org_id, control_id, title, assignee_id, due_date, status, created_at, updated_at`

func scanTask(row interface{ Scan(...any) error }) (isms.ControlTask, error) {
	var (
		t        isms.ControlTask
		assignee *string
		due      nullTime
		status   string
	)
	err := row.Scan(&t.ID, &t.OrgID, &t.ControlID, &t.Title, &assignee, &due, &status, &t.CreatedAt, &t.UpdatedAt)
	t.AssigneeID, t.DueDate, t.Status = deref(assignee), due.ptr(), isms.TaskStatus(status)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

// SaveControlTask creates an implementation task, or replaces it when
// t.ID is set.
func (tx *Tx) SaveControlTask(ctx context.Context, t isms.ControlTask) (isms.ControlTask, error) {
	t.UpdatedAt = tx.now
	if t.ID == "" {
		t.ID, t.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO control_tasks (id, org_id, control_id, title, assignee_id, due_date, status,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, t.ID, t.OrgID, t.ControlID, t.Title,
			nullString(t.AssigneeID), timeArg(t.DueDate), string(t.Status), t.CreatedAt, t.UpdatedAt)
		if err != nil {
			return t, fmt.Errorf("add control task: %w", err)
		}
		return t, tx.record(ctx, RecordControlTask, t.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE control_tasks SET title = $4, assignee_id = $5, due_date = $6, status = $7,
		updated_at = $8 WHERE org_id = $1 AND control_id = $2 AND id = $3`, t.OrgID, t.ControlID, t.ID, t.Title,
		nullString(t.AssigneeID), timeArg(t.DueDate), string(t.Status), t.UpdatedAt)
	if err := mustAffect(res, err, "control task "+t.ID); err != nil {
		return t, err
	}
	return t, tx.record(ctx, RecordControlTask, t.ID, ledger.ActionUpdate)
}

// ControlTasks returns a control's tasks, open ones first by due date.
func (r Reads) ControlTasks(ctx context.Context, orgID, controlID string) ([]isms.ControlTask, error) {
	return r.tasks(ctx, `WHERE org_id = $1 AND control_id = $2`, orgID, controlID)
}

// ControlTask returns one task of a control.
func (r Reads) ControlTask(ctx context.Context, orgID, controlID, id string) (isms.ControlTask, error) {
	t, err := scanTask(r.q.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM control_tasks WHERE org_id = $1 AND control_id = $2
		AND id = $3`, orgID, controlID, id))
	if err != nil {
		return t, notFound(err, "control task "+id)
	}
	return t, nil
}

// OpenTasksOf returns the open tasks assigned to a member.
func (r Reads) OpenTasksOf(ctx context.Context, orgID, memberID string) ([]isms.ControlTask, error) {
	return r.tasks(ctx, `WHERE org_id = $1 AND assignee_id = $2 AND status = 'open'`, orgID, memberID)
}

func (r Reads) tasks(ctx context.Context, where string, args ...any) ([]isms.ControlTask, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+taskColumns+` FROM control_tasks `+where+`
		ORDER BY status <> 'open', due_date IS NULL, due_date, created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("control tasks: %w", err)
	}
	defer rows.Close()
	var out []isms.ControlTask
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("control tasks: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Selection is a risk whose treatment selects a control.
type Selection struct {
	Control string
	RiskID  string
	RefNum  int
	Title   string
}

// RiskSelections returns every control selected by the treatment of one
// of the organisation's risks that is not being accepted or avoided as is
// (a risk's selected controls are its treatment).
func (r Reads) RiskSelections(ctx context.Context, orgID string) ([]Selection, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT c.control, r.id, r.ref_num, r.title FROM risk_controls c
		JOIN risks r ON r.id = c.risk_id WHERE c.org_id = $1 ORDER BY c.control, r.ref_num`, orgID)
	if err != nil {
		return nil, fmt.Errorf("risk selections: %w", err)
	}
	defer rows.Close()
	var out []Selection
	for rows.Next() {
		var s Selection
		if err := rows.Scan(&s.Control, &s.RiskID, &s.RefNum, &s.Title); err != nil {
			return nil, fmt.Errorf("risk selections: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SoAVersion is an approved, frozen Statement of Applicability.
type SoAVersion struct {
	ID          string
	OrgID       string
	Framework   string
	Number      int
	ApprovedBy  string
	Approver    string
	Note        string
	Content     []byte
	ContentHash string
	CreatedAt   time.Time
}

// AddSoAVersion freezes the next version of a framework's statement; the
// number is one more than the last.
func (tx *Tx) AddSoAVersion(ctx context.Context, v SoAVersion) (SoAVersion, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM soa_versions WHERE org_id = $1 AND framework = $2`,
		v.OrgID, v.Framework).Scan(&v.Number); err != nil {
		return v, fmt.Errorf("number the statement: %w", err)
	}
	v.ID, v.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO soa_versions (id, org_id, framework, version, approved_by, approver, note, content,
		content_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, v.ID, v.OrgID, v.Framework, v.Number,
		nullString(v.ApprovedBy), v.Approver, v.Note, string(v.Content), v.ContentHash, v.CreatedAt)
	if err != nil {
		return v, conflict(err, fmt.Sprintf("statement of applicability version %d", v.Number))
	}
	return v, tx.record(ctx, RecordSoAVersion, v.ID, ledger.ActionCreate)
}

// SoAVersions lists a framework's approved statements, newest first,
// without their content.
func (r Reads) SoAVersions(ctx context.Context, orgID, fw string) ([]SoAVersion, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, framework, version, approved_by, approver, note, content_hash, created_at
		FROM soa_versions WHERE org_id = $1 AND framework = $2 ORDER BY version DESC`, orgID, fw)
	if err != nil {
		return nil, fmt.Errorf("statement versions: %w", err)
	}
	defer rows.Close()
	var out []SoAVersion
	for rows.Next() {
		var (
			v  SoAVersion
			by *string
		)
		if err := rows.Scan(&v.ID, &v.OrgID, &v.Framework, &v.Number, &by, &v.Approver, &v.Note, &v.ContentHash, &v.CreatedAt); err != nil {
			return nil, fmt.Errorf("statement versions: %w", err)
		}
		v.ApprovedBy, v.CreatedAt = deref(by), v.CreatedAt.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// SoAVersion returns one approved statement with its content.
func (r Reads) SoAVersion(ctx context.Context, orgID, fw string, number int) (SoAVersion, error) {
	var (
		v       SoAVersion
		by      *string
		content string
	)
	err := r.q.QueryRowContext(ctx, `SELECT id, org_id, framework, version, approved_by, approver, note, content, content_hash,
		created_at FROM soa_versions WHERE org_id = $1 AND framework = $2 AND version = $3`, orgID, fw, number).Scan(
		&v.ID, &v.OrgID, &v.Framework, &v.Number, &by, &v.Approver, &v.Note, &content, &v.ContentHash, &v.CreatedAt)
	if err != nil {
		return v, notFound(err, fmt.Sprintf("statement of applicability version %d", number))
	}
	v.ApprovedBy, v.Content, v.CreatedAt = deref(by), []byte(content), v.CreatedAt.UTC()
	return v, nil
}
