package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const metricColumns = `id, org_id, metric_key, name, description, unit, direction, target, source, created_at, updated_at`

func scanMetric(row interface{ Scan(...any) error }) (isms.Metric, error) {
	var (
		m                 isms.Metric
		direction, source string
		target            *string
	)
	err := row.Scan(&m.ID, &m.OrgID, &m.Key, &m.Name, &m.Description, &m.Unit, &direction, &target, &source, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return m, err
	}
	m.Direction, m.Source = isms.Direction(direction), isms.MetricSource(source)
	if target != nil {
		t, err := strconv.ParseFloat(*target, 64)
		if err != nil {
			return m, fmt.Errorf("metric %s target %q: %w", m.Key, *target, err)
		}
		m.Target = &t
	}
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, nil
}

func valueArg(v *float64) any {
	if v == nil {
		return nil
	}
	return isms.FormatValue(*v)
}

// SaveMetric adds a metric, or replaces one's changeable fields when m.ID
// is set; the key and the source stay as they were made.
func (tx *Tx) SaveMetric(ctx context.Context, m isms.Metric) (isms.Metric, error) {
	m.UpdatedAt = tx.now
	if m.ID == "" {
		m.ID, m.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO metrics (`+metricColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			m.ID, m.OrgID, m.Key, m.Name, m.Description, m.Unit, string(m.Direction), valueArg(m.Target), string(m.Source), m.CreatedAt,
			m.UpdatedAt)
		if err != nil {
			return m, conflict(err, "create metric "+m.Key)
		}
		return m, tx.record(ctx, RecordMetric, m.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE metrics SET name = $3, description = $4, unit = $5, direction = $6, target = $7,
		updated_at = $8 WHERE org_id = $1 AND id = $2`, m.OrgID, m.ID, m.Name, m.Description, m.Unit, string(m.Direction),
		valueArg(m.Target), m.UpdatedAt)
	if err := mustAffect(res, err, "metric "+m.Key); err != nil {
		return m, err
	}
	return m, tx.record(ctx, RecordMetric, m.ID, ledger.ActionUpdate)
}

// Metrics returns the organisation's metric rows, by key.
func (r Reads) Metrics(ctx context.Context, orgID string) ([]isms.Metric, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+metricColumns+` FROM metrics WHERE org_id = $1 ORDER BY metric_key`, orgID)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer rows.Close()
	var out []isms.Metric
	for rows.Next() {
		m, err := scanMetric(rows)
		if err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MetricByKey returns one metric row.
func (r Reads) MetricByKey(ctx context.Context, orgID, key string) (isms.Metric, error) {
	m, err := scanMetric(r.q.QueryRowContext(ctx, `SELECT `+metricColumns+` FROM metrics WHERE org_id = $1 AND metric_key = $2`, orgID, key))
	if err != nil {
		return m, notFound(err, "metric "+key)
	}
	return m, nil
}

const measurementColumns = `id, org_id, metric_id, value, measured_at, source, note, recorded_by, created_at, updated_at`

func scanMeasurement(row interface{ Scan(...any) error }) (isms.Measurement, error) {
	var (
		m             isms.Measurement
		value, source string
		recordedBy    *string
	)
	err := row.Scan(&m.ID, &m.OrgID, &m.MetricID, &value, &m.MeasuredAt, &source, &m.Note, &recordedBy, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return m, err
	}
	if m.Value, err = strconv.ParseFloat(value, 64); err != nil {
		return m, fmt.Errorf("measurement %s value %q: %w", m.ID, value, err)
	}
	m.Source, m.RecordedBy = isms.MeasurementSource(source), deref(recordedBy)
	m.MeasuredAt, m.CreatedAt, m.UpdatedAt = m.MeasuredAt.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, nil
}

// RecordMeasurement adds a metric's measurement for its day, or replaces
// the one already recorded that day.
func (tx *Tx) RecordMeasurement(ctx context.Context, m isms.Measurement) (isms.Measurement, error) {
	m.UpdatedAt = tx.now
	var existing string
	err := tx.tx.QueryRowContext(ctx, `SELECT id FROM metric_measurements WHERE org_id = $1 AND metric_id = $2 AND day = $3`,
		m.OrgID, m.MetricID, m.Day()).Scan(&existing)
	switch {
	case errNoRows(err):
		m.ID, m.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO metric_measurements (id, org_id, metric_id, day, value, measured_at, source, note,
			recorded_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, m.ID, m.OrgID, m.MetricID, m.Day(),
			isms.FormatValue(m.Value), m.MeasuredAt.UTC(), string(m.Source), m.Note, nullString(m.RecordedBy), m.CreatedAt, m.UpdatedAt)
		if err != nil {
			return m, conflict(err, "record measurement")
		}
		return m, tx.record(ctx, RecordMeasurement, m.ID, ledger.ActionCreate)
	case err != nil:
		return m, fmt.Errorf("find measurement of the day: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE metric_measurements SET value = $3, measured_at = $4, source = $5, note = $6,
		recorded_by = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`, m.OrgID, existing, isms.FormatValue(m.Value), m.MeasuredAt.UTC(),
		string(m.Source), m.Note, nullString(m.RecordedBy), m.UpdatedAt)
	if err := mustAffect(res, err, "measurement "+existing); err != nil {
		return m, err
	}
	if err := tx.tx.QueryRowContext(ctx, `SELECT created_at FROM metric_measurements WHERE id = $1`, existing).Scan(&m.CreatedAt); err != nil {
		return m, fmt.Errorf("measurement %s: %w", existing, err)
	}
	m.ID, m.CreatedAt = existing, m.CreatedAt.UTC()
	return m, tx.record(ctx, RecordMeasurement, m.ID, ledger.ActionUpdate)
}

// Measurements returns a metric's latest measurements, newest first, at
// most limit of them.
func (r Reads) Measurements(ctx context.Context, orgID, metricID string, limit int) ([]isms.Measurement, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+measurementColumns+` FROM metric_measurements WHERE org_id = $1 AND metric_id = $2
		ORDER BY day DESC LIMIT $3`, orgID, metricID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("measurements of %s: %w", metricID, err)
	}
	defer rows.Close()
	var out []isms.Measurement
	for rows.Next() {
		m, err := scanMeasurement(rows)
		if err != nil {
			return nil, fmt.Errorf("measurements of %s: %w", metricID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// LatestMeasurements returns the last n measurements of every metric of
// the organisation, newest first, by metric id.
func (r Reads) LatestMeasurements(ctx context.Context, orgID string, n int) (map[string][]isms.Measurement, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+measurementColumns+` FROM (SELECT `+measurementColumns+`, day,
		ROW_NUMBER() OVER (PARTITION BY metric_id ORDER BY day DESC) AS n FROM metric_measurements WHERE org_id = $1) latest
		WHERE n <= $2 ORDER BY metric_id, day DESC`, orgID, n)
	if err != nil {
		return nil, fmt.Errorf("latest measurements: %w", err)
	}
	defer rows.Close()
	out := map[string][]isms.Measurement{}
	for rows.Next() {
		m, err := scanMeasurement(rows)
		if err != nil {
			return nil, fmt.Errorf("latest measurements: %w", err)
		}
		out[m.MetricID] = append(out[m.MetricID], m)
	}
	return out, rows.Err()
}

const objectiveColumns = `id, org_id, ref_num, title, description, owner_id, target, due_date, measured_how, status, created_at, updated_at`

func scanObjective(row interface{ Scan(...any) error }) (isms.Objective, error) {
	var (
		o      isms.Objective
		due    time.Time
		status string
	)
	err := row.Scan(&o.ID, &o.OrgID, &o.RefNum, &o.Title, &o.Description, &o.OwnerID, &o.Target, &due, &o.MeasuredHow, &status,
		&o.CreatedAt, &o.UpdatedAt)
	due = due.UTC()
	o.DueDate, o.Status = &due, isms.ObjectiveStatus(status)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// CreateObjective adds an objective under the next reference number.
func (tx *Tx) CreateObjective(ctx context.Context, o isms.Objective) (isms.Objective, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM objectives WHERE org_id = $1`,
		o.OrgID).Scan(&o.RefNum); err != nil {
		return o, fmt.Errorf("create objective: %w", err)
	}
	o.ID, o.CreatedAt, o.UpdatedAt = NewID(), tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO objectives (`+objectiveColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12)`, o.ID, o.OrgID, o.RefNum, o.Title, o.Description, o.OwnerID, o.Target, timeArg(o.DueDate), o.MeasuredHow,
		string(o.Status), o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return o, conflict(err, "create objective "+o.Title)
	}
	return o, tx.record(ctx, RecordObjective, o.ID, ledger.ActionCreate)
}

// UpdateObjective replaces an objective's changeable fields.
func (tx *Tx) UpdateObjective(ctx context.Context, o isms.Objective) (isms.Objective, error) {
	o.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE objectives SET title = $3, description = $4, owner_id = $5, target = $6, due_date = $7,
		measured_how = $8, status = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`, o.OrgID, o.ID, o.Title, o.Description, o.OwnerID,
		o.Target, timeArg(o.DueDate), o.MeasuredHow, string(o.Status), o.UpdatedAt)
	if err := mustAffect(res, err, "objective "+o.ID); err != nil {
		return o, err
	}
	return o, tx.record(ctx, RecordObjective, o.ID, ledger.ActionUpdate)
}

// DeleteObjective removes an objective and its links to metrics; the
// metrics and their history stay.
func (tx *Tx) DeleteObjective(ctx context.Context, orgID, id string) error {
	if err := tx.SetObjectiveMetrics(ctx, orgID, id, nil); err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM objectives WHERE org_id = $1 AND id = $2`, orgID, id)
	if err := mustAffect(res, err, "objective "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordObjective, id)
}

// Objective returns one objective.
func (r Reads) Objective(ctx context.Context, orgID, id string) (isms.Objective, error) {
	o, err := scanObjective(r.q.QueryRowContext(ctx, `SELECT `+objectiveColumns+` FROM objectives WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return o, notFound(err, "objective "+id)
	}
	return o, nil
}

// ObjectiveByRef returns an objective by its reference number.
func (r Reads) ObjectiveByRef(ctx context.Context, orgID string, ref int) (isms.Objective, error) {
	o, err := scanObjective(r.q.QueryRowContext(ctx, `SELECT `+objectiveColumns+` FROM objectives WHERE org_id = $1 AND ref_num = $2`,
		orgID, ref))
	if err != nil {
		return o, notFound(err, fmt.Sprintf("objective %03d", ref))
	}
	return o, nil
}

// Objectives lists the organisation's objectives by reference. An
// organisation sets a handful a cycle, so the list is not paged.
func (r Reads) Objectives(ctx context.Context, orgID string) ([]isms.Objective, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+objectiveColumns+` FROM objectives WHERE org_id = $1 ORDER BY ref_num`, orgID)
	if err != nil {
		return nil, fmt.Errorf("objectives: %w", err)
	}
	defer rows.Close()
	var out []isms.Objective
	for rows.Next() {
		o, err := scanObjective(rows)
		if err != nil {
			return nil, fmt.Errorf("objectives: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ObjectiveMetrics returns the metrics each objective is linked to, as
// metric ids by objective id.
func (r Reads) ObjectiveMetrics(ctx context.Context, orgID string) (map[string][]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT objective_id, metric_id FROM objective_metrics WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("objective metrics: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var obj, metric string
		if err := rows.Scan(&obj, &metric); err != nil {
			return nil, fmt.Errorf("objective metrics: %w", err)
		}
		out[obj] = append(out[obj], metric)
	}
	return out, rows.Err()
}

// SetObjectiveMetrics links an objective to exactly metricIDs, adding and
// removing links (each ledgered) as needed.
func (tx *Tx) SetObjectiveMetrics(ctx context.Context, orgID, objectiveID string, metricIDs []string) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, metric_id FROM objective_metrics WHERE org_id = $1 AND objective_id = $2`,
		orgID, objectiveID)
	if err != nil {
		return fmt.Errorf("links of objective %s: %w", objectiveID, err)
	}
	have := map[string]string{}
	for rows.Next() {
		var id, metric string
		if err := rows.Scan(&id, &metric); err != nil {
			rows.Close()
			return fmt.Errorf("links of objective %s: %w", objectiveID, err)
		}
		have[metric] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("links of objective %s: %w", objectiveID, err)
	}
	want := map[string]bool{}
	for _, metric := range metricIDs {
		want[metric] = true
		if _, ok := have[metric]; ok {
			continue
		}
		id := NewID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO objective_metrics (id, org_id, objective_id, metric_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, id, orgID, objectiveID, metric, tx.now); err != nil {
			return conflict(err, "link objective to metric "+metric)
		}
		if err := tx.record(ctx, RecordObjectiveMetric, id, ledger.ActionCreate); err != nil {
			return err
		}
		have[metric] = id
	}
	for _, metric := range slices.Sorted(maps.Keys(have)) {
		id := have[metric]
		if want[metric] {
			continue
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM objective_metrics WHERE org_id = $1 AND id = $2`, orgID, id); err != nil {
			return fmt.Errorf("unlink objective from metric %s: %w", metric, err)
		}
		if err := tx.recordDeletion(ctx, orgID, RecordObjectiveMetric, id); err != nil {
			return err
		}
	}
	return nil
}

// RiskRank is where a risk stands on the methodology it was rated
// against: its residual rank once rated residually, its inherent one
// until then.
type RiskRank struct {
	MethodologyID string
	Rank          int
}

// RiskRanks returns the current rank of every risk of the organisation,
// for the metric of risks above the acceptance level.
func (r Reads) RiskRanks(ctx context.Context, orgID string) ([]RiskRank, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT methodology_id, CASE WHEN residual_likelihood > 0 THEN residual_rank ELSE inherent_rank END
		FROM risks WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("risk ranks: %w", err)
	}
	defer rows.Close()
	var out []RiskRank
	for rows.Next() {
		var k RiskRank
		if err := rows.Scan(&k.MethodologyID, &k.Rank); err != nil {
			return nil, fmt.Errorf("risk ranks: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// CountOverdueRiskActions counts open treatment actions past their due
// date as of now.
func (r Reads) CountOverdueRiskActions(ctx context.Context, orgID string, now time.Time) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM risk_actions WHERE org_id = $1 AND status = 'open' AND due_date < $2`,
		orgID, now).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("overdue treatment actions: %w", err)
	}
	return n, nil
}
