package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// nextRef is the next reference number of an organisation's register.
// The caller's transaction holds the write lock (SQLite's single writer,
// and on PostgreSQL the UNIQUE (org_id, ref_num) turns a race into a
// retryable conflict), so two records cannot take the same number.
func (tx *Tx) nextRef(ctx context.Context, table, orgID string) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM `+table+` WHERE org_id = $1`, orgID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next reference of %s: %w", table, err)
	}
	return n, nil
}

var (
	biaDependencyLinks = link{"continuity_dependencies", "bia_id", "asset_id", RecordBIADependency}
	planCoverageLinks  = link{"continuity_plan_bias", "plan_id", "bia_id", RecordPlanCoverage}
)

// ---------------------------------------------------------------------
// Business impact analyses.

const biaColumns = `id, org_id, ref_num, name, description, owner_id, criticality, rto_hours, rpo_hours, mtpd_hours, impacts,
	review_date, created_at, updated_at`

func scanBIA(row interface{ Scan(...any) error }) (isms.BIA, error) {
	var (
		b           isms.BIA
		criticality string
		impacts     string
		review      nullTime
	)
	err := row.Scan(&b.ID, &b.OrgID, &b.RefNum, &b.Name, &b.Description, &b.OwnerID, &criticality, &b.RTOHours, &b.RPOHours,
		&b.MTPDHours, &impacts, &review, &b.CreatedAt, &b.UpdatedAt)
	if err != nil {
		return b, err
	}
	b.Criticality, b.ReviewDate = isms.Criticality(criticality), review.ptr()
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(impacts), &b.Impacts); err != nil {
		return b, fmt.Errorf("impacts of %s: %w", b.ID, err)
	}
	return b, nil
}

// CreateBIA adds an analysis under the next reference number.
func (tx *Tx) CreateBIA(ctx context.Context, b isms.BIA) (isms.BIA, error) {
	var err error
	if b.RefNum, err = tx.nextRef(ctx, "continuity_bias", b.OrgID); err != nil {
		return b, err
	}
	impacts, err := json.Marshal(b.Impacts)
	if err != nil {
		return b, fmt.Errorf("create business impact analysis: %w", err)
	}
	b.ID, b.CreatedAt, b.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO continuity_bias (`+biaColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14)`, b.ID, b.OrgID, b.RefNum, b.Name, b.Description, b.OwnerID, string(b.Criticality), b.RTOHours, b.RPOHours,
		b.MTPDHours, string(impacts), timeArg(b.ReviewDate), b.CreatedAt, b.UpdatedAt)
	if err != nil {
		return b, conflict(err, "create business impact analysis "+b.Name)
	}
	return b, tx.record(ctx, RecordBIA, b.ID, ledger.ActionCreate)
}

// UpdateBIA replaces an analysis's fields; its number stays.
func (tx *Tx) UpdateBIA(ctx context.Context, b isms.BIA) (isms.BIA, error) {
	impacts, err := json.Marshal(b.Impacts)
	if err != nil {
		return b, fmt.Errorf("update business impact analysis: %w", err)
	}
	b.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE continuity_bias SET name = $3, description = $4, owner_id = $5, criticality = $6,
		rto_hours = $7, rpo_hours = $8, mtpd_hours = $9, impacts = $10, review_date = $11, updated_at = $12 WHERE org_id = $1 AND id = $2`,
		b.OrgID, b.ID, b.Name, b.Description, b.OwnerID, string(b.Criticality), b.RTOHours, b.RPOHours, b.MTPDHours, string(impacts),
		timeArg(b.ReviewDate), b.UpdatedAt)
	if err := mustAffect(res, err, "business impact analysis "+b.ID); err != nil {
		return b, err
	}
	return b, tx.record(ctx, RecordBIA, b.ID, ledger.ActionUpdate)
}

// SetBIADependencies makes the analysis depend on exactly assetIDs.
func (tx *Tx) SetBIADependencies(ctx context.Context, orgID, biaID string, assetIDs []string) error {
	return tx.setLinks(ctx, biaDependencyLinks, orgID, biaID, assetIDs)
}

// BIA returns one analysis.
func (r Reads) BIA(ctx context.Context, orgID, id string) (isms.BIA, error) {
	b, err := scanBIA(r.q.QueryRowContext(ctx, `SELECT `+biaColumns+` FROM continuity_bias WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return b, notFound(err, "business impact analysis "+id)
	}
	return b, nil
}

// BIAByRef returns an analysis by its reference number.
func (r Reads) BIAByRef(ctx context.Context, orgID string, ref int) (isms.BIA, error) {
	b, err := scanBIA(r.q.QueryRowContext(ctx, `SELECT `+biaColumns+` FROM continuity_bias WHERE org_id = $1 AND ref_num = $2`, orgID, ref))
	if err != nil {
		return b, notFound(err, fmt.Sprintf("business impact analysis %03d", ref))
	}
	return b, nil
}

// BIAFilter selects analyses.
type BIAFilter struct {
	// IDs, when not nil, selects these analyses only.
	IDs         []string
	Criticality isms.Criticality
	OwnerID     string
	// AssetID selects the analyses that depend on an asset.
	AssetID string
	// Query matches the name, or a reference such as BIA-3.
	Query string
	// After is the reference number of the last row of the previous page;
	// the register lists by reference.
	After int
	Limit int
}

// BIAs lists analyses in reference order.
func (r Reads) BIAs(ctx context.Context, orgID string, f BIAFilter) ([]isms.BIA, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.IDs != nil {
		w.in("id", f.IDs)
	}
	if f.Criticality != "" {
		w.add("criticality = $%d", string(f.Criticality))
	}
	if f.OwnerID != "" {
		w.add("owner_id = $%d", f.OwnerID)
	}
	if f.AssetID != "" {
		w.add("id IN (SELECT bia_id FROM continuity_dependencies WHERE asset_id = $%d)", f.AssetID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		upper := strings.ToUpper(q)
		if n, err := strconv.Atoi(strings.TrimPrefix(upper, "BIA-")); err == nil {
			w.add("(ref_num = $%[1]d OR "+r.contains("name", 2)+")", n, likePattern(q))
		} else {
			w.add(r.contains("name", 1), likePattern(q))
		}
	}
	if f.After > 0 {
		w.add("ref_num > $%d", f.After)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+biaColumns+` FROM continuity_bias WHERE `+w.sql()+` ORDER BY ref_num LIMIT `+
		w.arg(clampLimit(f.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("business impact analyses: %w", err)
	}
	defer rows.Close()
	var out []isms.BIA
	for rows.Next() {
		b, err := scanBIA(rows)
		if err != nil {
			return nil, fmt.Errorf("business impact analyses: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BIADependencies returns the assets each of the analyses depends on, by
// analysis, by asset name.
func (r Reads) BIADependencies(ctx context.Context, orgID string, biaIDs ...string) (map[string][]AssetLabel, error) {
	out := map[string][]AssetLabel{}
	if len(biaIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("d.org_id = $%d", orgID)
	w.in("d.bia_id", biaIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT d.bia_id, a.id, a.name, a.type FROM continuity_dependencies d
		JOIN assets a ON a.id = d.asset_id WHERE `+w.sql()+` ORDER BY a.name, a.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("continuity dependencies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			bia, typ string
			l        AssetLabel
		)
		if err := rows.Scan(&bia, &l.ID, &l.Name, &typ); err != nil {
			return nil, fmt.Errorf("continuity dependencies: %w", err)
		}
		l.Type = isms.AssetType(typ)
		out[bia] = append(out[bia], l)
	}
	return out, rows.Err()
}

// CountDependents counts the analyses that depend on an asset.
func (r Reads) CountDependents(ctx context.Context, orgID, assetID string) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM continuity_dependencies WHERE org_id = $1 AND asset_id = $2`, orgID, assetID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("continuity dependents of %s: %w", assetID, err)
	}
	return n, nil
}

// ---------------------------------------------------------------------
// Plans.

const planColumns = `id, org_id, ref_num, title, owner_id, steps, version, approved_at, review_date, evidence_id, created_at, updated_at`

func scanPlan(row interface{ Scan(...any) error }) (isms.ContinuityPlan, error) {
	var (
		p                isms.ContinuityPlan
		approved, review nullTime
		evidence         *string
	)
	err := row.Scan(&p.ID, &p.OrgID, &p.RefNum, &p.Title, &p.OwnerID, &p.Steps, &p.Version, &approved, &review, &evidence, &p.CreatedAt,
		&p.UpdatedAt)
	p.ApprovedAt, p.ReviewDate, p.EvidenceID = approved.ptr(), review.ptr(), deref(evidence)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// CreatePlan adds a plan under the next reference number.
func (tx *Tx) CreatePlan(ctx context.Context, p isms.ContinuityPlan) (isms.ContinuityPlan, error) {
	var err error
	if p.RefNum, err = tx.nextRef(ctx, "continuity_plans", p.OrgID); err != nil {
		return p, err
	}
	p.ID, p.CreatedAt, p.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO continuity_plans (`+planColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12)`, p.ID, p.OrgID, p.RefNum, p.Title, p.OwnerID, p.Steps, p.Version, timeArg(p.ApprovedAt), timeArg(p.ReviewDate),
		nullString(p.EvidenceID), p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return p, conflict(err, "create continuity plan "+p.Title)
	}
	return p, tx.record(ctx, RecordContinuityPlan, p.ID, ledger.ActionCreate)
}

// UpdatePlan replaces a plan's fields; its number stays.
func (tx *Tx) UpdatePlan(ctx context.Context, p isms.ContinuityPlan) (isms.ContinuityPlan, error) {
	p.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE continuity_plans SET title = $3, owner_id = $4, steps = $5, version = $6, approved_at = $7,
		review_date = $8, evidence_id = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID, p.Title, p.OwnerID, p.Steps,
		p.Version, timeArg(p.ApprovedAt), timeArg(p.ReviewDate), nullString(p.EvidenceID), p.UpdatedAt)
	if err := mustAffect(res, err, "continuity plan "+p.ID); err != nil {
		return p, err
	}
	return p, tx.record(ctx, RecordContinuityPlan, p.ID, ledger.ActionUpdate)
}

// SetPlanBIAs makes the plan cover exactly the analyses biaIDs.
func (tx *Tx) SetPlanBIAs(ctx context.Context, orgID, planID string, biaIDs []string) error {
	return tx.setLinks(ctx, planCoverageLinks, orgID, planID, biaIDs)
}

// Plan returns one plan.
func (r Reads) Plan(ctx context.Context, orgID, id string) (isms.ContinuityPlan, error) {
	p, err := scanPlan(r.q.QueryRowContext(ctx, `SELECT `+planColumns+` FROM continuity_plans WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return p, notFound(err, "continuity plan "+id)
	}
	return p, nil
}

// PlanByRef returns a plan by its reference number.
func (r Reads) PlanByRef(ctx context.Context, orgID string, ref int) (isms.ContinuityPlan, error) {
	p, err := scanPlan(r.q.QueryRowContext(ctx, `SELECT `+planColumns+` FROM continuity_plans WHERE org_id = $1 AND ref_num = $2`, orgID, ref))
	if err != nil {
		return p, notFound(err, fmt.Sprintf("continuity plan %03d", ref))
	}
	return p, nil
}

// Plans lists plans in reference order: all of them when ids is nil,
// else those among ids.
func (r Reads) Plans(ctx context.Context, orgID string, ids []string, after, limit int) ([]isms.ContinuityPlan, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if ids != nil {
		w.in("id", ids)
	}
	if after > 0 {
		w.add("ref_num > $%d", after)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+planColumns+` FROM continuity_plans WHERE `+w.sql()+` ORDER BY ref_num LIMIT `+
		w.arg(clampLimit(limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("continuity plans: %w", err)
	}
	defer rows.Close()
	var out []isms.ContinuityPlan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("continuity plans: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Coverage is one analysis a plan covers.
type Coverage struct {
	PlanID, BIAID string
}

// PlanCoverage returns the links between plans and analyses, for the
// given plans or, with byBIA, for the given analyses.
func (r Reads) PlanCoverage(ctx context.Context, orgID string, byBIA bool, ids ...string) ([]Coverage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	col := "plan_id"
	if byBIA {
		col = "bia_id"
	}
	w.in(col, ids)
	rows, err := r.q.QueryContext(ctx, `SELECT plan_id, bia_id FROM continuity_plan_bias WHERE `+w.sql()+` ORDER BY plan_id, bia_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("continuity plan coverage: %w", err)
	}
	defer rows.Close()
	var out []Coverage
	for rows.Next() {
		var c Coverage
		if err := rows.Scan(&c.PlanID, &c.BIAID); err != nil {
			return nil, fmt.Errorf("continuity plan coverage: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------
// Tests and their follow-ups.

const testColumns = `id, org_id, ref_num, plan_id, tested_on, kind, scope, result, recovery_minutes, findings, recorded_by, created_at,
	updated_at`

func scanTest(row interface{ Scan(...any) error }) (isms.ContinuityTest, error) {
	var (
		t            isms.ContinuityTest
		kind, result string
		minutes      sql.NullInt64
		recordedBy   *string
	)
	err := row.Scan(&t.ID, &t.OrgID, &t.RefNum, &t.PlanID, &t.TestedOn, &kind, &t.Scope, &result, &minutes, &t.Findings, &recordedBy,
		&t.CreatedAt, &t.UpdatedAt)
	t.Kind, t.Result, t.RecordedBy = isms.TestKind(kind), isms.TestResult(result), deref(recordedBy)
	if minutes.Valid {
		m := int(minutes.Int64)
		t.RecoveryMinutes = &m
	}
	t.TestedOn, t.CreatedAt, t.UpdatedAt = t.TestedOn.UTC(), t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

// CreateContinuityTest records a test under the next reference number.
func (tx *Tx) CreateContinuityTest(ctx context.Context, t isms.ContinuityTest) (isms.ContinuityTest, error) {
	var err error
	if t.RefNum, err = tx.nextRef(ctx, "continuity_tests", t.OrgID); err != nil {
		return t, err
	}
	t.ID, t.CreatedAt, t.UpdatedAt = NewID(), tx.now, tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO continuity_tests (`+testColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13)`, t.ID, t.OrgID, t.RefNum, t.PlanID, t.TestedOn, string(t.Kind), t.Scope, string(t.Result), t.RecoveryMinutes,
		t.Findings, nullString(t.RecordedBy), t.CreatedAt, t.UpdatedAt)
	if err != nil {
		return t, conflict(err, "record continuity test")
	}
	return t, tx.record(ctx, RecordContinuityTest, t.ID, ledger.ActionCreate)
}

// ContinuityTest returns one test.
func (r Reads) ContinuityTest(ctx context.Context, orgID, id string) (isms.ContinuityTest, error) {
	t, err := scanTest(r.q.QueryRowContext(ctx, `SELECT `+testColumns+` FROM continuity_tests WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return t, notFound(err, "continuity test "+id)
	}
	return t, nil
}

// ContinuityTestByRef returns a test by its reference number.
func (r Reads) ContinuityTestByRef(ctx context.Context, orgID string, ref int) (isms.ContinuityTest, error) {
	t, err := scanTest(r.q.QueryRowContext(ctx, `SELECT `+testColumns+` FROM continuity_tests WHERE org_id = $1 AND ref_num = $2`, orgID, ref))
	if err != nil {
		return t, notFound(err, fmt.Sprintf("continuity test %03d", ref))
	}
	return t, nil
}

// TestsOfPlans returns the tests of the given plans, by plan, latest
// first.
func (r Reads) TestsOfPlans(ctx context.Context, orgID string, planIDs ...string) (map[string][]isms.ContinuityTest, error) {
	out := map[string][]isms.ContinuityTest{}
	if len(planIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("plan_id", planIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+testColumns+` FROM continuity_tests WHERE `+w.sql()+` ORDER BY tested_on DESC, ref_num DESC`,
		w.args...)
	if err != nil {
		return nil, fmt.Errorf("continuity tests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTest(rows)
		if err != nil {
			return nil, fmt.Errorf("continuity tests: %w", err)
		}
		out[t.PlanID] = append(out[t.PlanID], t)
	}
	return out, rows.Err()
}

const followUpColumns = `id, org_id, test_id, title, nonconformity_id, created_at, updated_at`

func scanFollowUp(row interface{ Scan(...any) error }) (isms.FollowUp, error) {
	var (
		f  isms.FollowUp
		nc *string
	)
	err := row.Scan(&f.ID, &f.OrgID, &f.TestID, &f.Title, &nc, &f.CreatedAt, &f.UpdatedAt)
	f.NonconformityID, f.CreatedAt, f.UpdatedAt = deref(nc), f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return f, err
}

// SaveFollowUp adds a follow-up, or replaces one when f.ID is set.
func (tx *Tx) SaveFollowUp(ctx context.Context, f isms.FollowUp) (isms.FollowUp, error) {
	f.UpdatedAt = tx.now
	if f.ID == "" {
		f.ID, f.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO continuity_follow_ups (`+followUpColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			f.ID, f.OrgID, f.TestID, f.Title, nullString(f.NonconformityID), f.CreatedAt, f.UpdatedAt)
		if err != nil {
			return f, fmt.Errorf("add follow-up: %w", err)
		}
		return f, tx.record(ctx, RecordFollowUp, f.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE continuity_follow_ups SET title = $4, nonconformity_id = $5, updated_at = $6
		WHERE org_id = $1 AND test_id = $2 AND id = $3`, f.OrgID, f.TestID, f.ID, f.Title, nullString(f.NonconformityID), f.UpdatedAt)
	if err := mustAffect(res, err, "follow-up "+f.ID); err != nil {
		return f, err
	}
	return f, tx.record(ctx, RecordFollowUp, f.ID, ledger.ActionUpdate)
}

// FollowUps returns the follow-ups of the given tests, by test, in the
// order they were added.
func (r Reads) FollowUps(ctx context.Context, orgID string, testIDs ...string) (map[string][]isms.FollowUp, error) {
	out := map[string][]isms.FollowUp{}
	if len(testIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("test_id", testIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+followUpColumns+` FROM continuity_follow_ups WHERE `+w.sql()+` ORDER BY created_at, id`,
		w.args...)
	if err != nil {
		return nil, fmt.Errorf("follow-ups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFollowUp(rows)
		if err != nil {
			return nil, fmt.Errorf("follow-ups: %w", err)
		}
		out[f.TestID] = append(out[f.TestID], f)
	}
	return out, rows.Err()
}
