package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/selfassess"
)

const selfAssessmentColumns = `id, org_id, ref_num, status, started_by, answers, tasks, completed_by, completed_at, created_at, updated_at`

func scanSelfAssessment(row interface{ Scan(...any) error }) (isms.SelfAssessment, error) {
	var (
		s                      isms.SelfAssessment
		status, answers, tasks string
		startedBy, completedBy sql.NullString
		completed              nullTime
	)
	err := row.Scan(&s.ID, &s.OrgID, &s.RefNum, &status, &startedBy, &answers, &tasks, &completedBy, &completed, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return s, err
	}
	s.Status, s.StartedBy, s.CompletedBy, s.CompletedAt = isms.SelfAssessmentStatus(status), startedBy.String, completedBy.String, completed.ptr()
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(answers), &s.Answers); err != nil {
		return s, fmt.Errorf("answers of %s: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(tasks), &s.Tasks); err != nil {
		return s, fmt.Errorf("tasks of %s: %w", s.ID, err)
	}
	return s, nil
}

// selfAssessmentArgs encodes the JSON columns; encoding/json sorts map
// keys, so the same answers always give the same text, and the ledger
// sees a change only when an answer changed.
func selfAssessmentArgs(s isms.SelfAssessment) (answers, tasks string, err error) {
	a := s.Answers
	if a == nil {
		a = map[string]selfassess.Answer{}
	}
	t := s.Tasks
	if t == nil {
		t = map[string]string{}
	}
	ab, err := json.Marshal(a)
	if err != nil {
		return "", "", fmt.Errorf("answers: %w", err)
	}
	tb, err := json.Marshal(t)
	if err != nil {
		return "", "", fmt.Errorf("tasks: %w", err)
	}
	return string(ab), string(tb), nil
}

// CreateSelfAssessment starts a run under the next reference number.
func (tx *Tx) CreateSelfAssessment(ctx context.Context, s isms.SelfAssessment) (isms.SelfAssessment, error) {
	var err error
	if s.RefNum, err = tx.nextRef(ctx, "self_assessments", s.OrgID); err != nil {
		return s, err
	}
	answers, tasks, err := selfAssessmentArgs(s)
	if err != nil {
		return s, fmt.Errorf("create self-assessment: %w", err)
	}
	s.ID, s.CreatedAt, s.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO self_assessments (`+selfAssessmentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11)`, s.ID, s.OrgID, s.RefNum, string(s.Status), nullString(s.StartedBy), answers, tasks, nullString(s.CompletedBy),
		timeArg(s.CompletedAt), s.CreatedAt, s.UpdatedAt)
	if err != nil {
		return s, conflict(err, "create self-assessment")
	}
	return s, tx.record(ctx, RecordSelfAssessment, s.ID, ledger.ActionCreate)
}

// UpdateSelfAssessment replaces a run's status, answers and tasks.
func (tx *Tx) UpdateSelfAssessment(ctx context.Context, s isms.SelfAssessment) (isms.SelfAssessment, error) {
	answers, tasks, err := selfAssessmentArgs(s)
	if err != nil {
		return s, fmt.Errorf("update self-assessment: %w", err)
	}
	s.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE self_assessments SET status = $3, answers = $4, tasks = $5, completed_by = $6,
		completed_at = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`, s.OrgID, s.ID, string(s.Status), answers, tasks,
		nullString(s.CompletedBy), timeArg(s.CompletedAt), s.UpdatedAt)
	if err := mustAffect(res, err, "self-assessment "+s.ID); err != nil {
		return s, err
	}
	return s, tx.record(ctx, RecordSelfAssessment, s.ID, ledger.ActionUpdate)
}

// SelfAssessment returns one run by id.
func (r Reads) SelfAssessment(ctx context.Context, orgID, id string) (isms.SelfAssessment, error) {
	v, err := scanSelfAssessment(r.q.QueryRowContext(ctx, `SELECT `+selfAssessmentColumns+` FROM self_assessments
		WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return v, notFound(err, "self-assessment "+id)
	}
	return v, nil
}

// SelfAssessmentByRef returns one run by its reference number.
func (r Reads) SelfAssessmentByRef(ctx context.Context, orgID string, ref int) (isms.SelfAssessment, error) {
	v, err := scanSelfAssessment(r.q.QueryRowContext(ctx, `SELECT `+selfAssessmentColumns+` FROM self_assessments
		WHERE org_id = $1 AND ref_num = $2`, orgID, ref))
	if err != nil {
		return v, notFound(err, fmt.Sprintf("self-assessment SA-%03d", ref))
	}
	return v, nil
}

// SelfAssessments lists an organisation's runs, newest first. An
// organisation runs it a few times at most, so the list is not paged.
func (r Reads) SelfAssessments(ctx context.Context, orgID string) ([]isms.SelfAssessment, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+selfAssessmentColumns+` FROM self_assessments WHERE org_id = $1
		ORDER BY ref_num DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("self-assessments: %w", err)
	}
	defer rows.Close()
	var out []isms.SelfAssessment
	for rows.Next() {
		v, err := scanSelfAssessment(rows)
		if err != nil {
			return nil, fmt.Errorf("self-assessments: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
