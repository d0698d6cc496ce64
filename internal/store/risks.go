package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const riskColumns = `r.id, r.org_id, r.ref_num, r.title, r.threat_ref, r.threat_text, r.vulnerability, r.scenario,
	r.affects_c, r.affects_i, r.affects_a, r.consequences, r.methodology_id, r.inherent_likelihood, r.inherent_impact,
	r.inherent_rank, r.existing_controls, r.owner_id, r.review_date, r.treatment, r.treatment_notes,
	r.residual_likelihood, r.residual_impact, r.residual_rank, r.status, r.revision, r.created_at, r.updated_at`

func scanRisk(row interface{ Scan(...any) error }) (isms.Risk, error) {
	var (
		k                 isms.Risk
		owner             *string
		review            nullTime
		treatment, status string
	)
	err := row.Scan(&k.ID, &k.OrgID, &k.RefNum, &k.Title, &k.ThreatRef, &k.ThreatText, &k.Vulnerability, &k.Scenario,
		&k.AffectsC, &k.AffectsI, &k.AffectsA, &k.Consequences, &k.MethodologyID, &k.InherentLikelihood, &k.InherentImpact,
		&k.InherentRank, &k.ExistingControls, &owner, &review, &treatment, &k.TreatmentNotes,
		&k.ResidualLikelihood, &k.ResidualImpact, &k.ResidualRank, &status, &k.Revision, &k.CreatedAt, &k.UpdatedAt)
	k.OwnerID = deref(owner)
	k.ReviewDate = review.ptr()
	k.Treatment, k.Status = isms.Treatment(treatment), isms.RiskStatus(status)
	k.CreatedAt, k.UpdatedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	return k, err
}

// riskValues are the column values of a risk from title to revision.
func riskValues(k isms.Risk) []any {
	return []any{k.Title, k.ThreatRef, k.ThreatText, k.Vulnerability, k.Scenario, k.AffectsC, k.AffectsI, k.AffectsA,
		k.Consequences, k.MethodologyID, k.InherentLikelihood, k.InherentImpact, k.InherentRank, k.ExistingControls,
		nullString(k.OwnerID), timeArg(k.ReviewDate), string(k.Treatment), k.TreatmentNotes, k.ResidualLikelihood,
		k.ResidualImpact, k.ResidualRank, string(k.Status), k.Revision}
}

// CreateRisk adds a risk to the register with the next reference number,
// and links its assets and controls. The caller holds the organisation's
// chain lock so that reference numbers do not collide.
func (tx *Tx) CreateRisk(ctx context.Context, k isms.Risk) (isms.Risk, error) {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM risks WHERE org_id = $1`, k.OrgID).Scan(&k.RefNum); err != nil {
		return k, fmt.Errorf("create risk: %w", err)
	}
	k.ID = NewID()
	k.CreatedAt, k.UpdatedAt = tx.now, tx.now
	args := append(append([]any{k.ID, k.OrgID, k.RefNum}, riskValues(k)...), k.CreatedAt, k.UpdatedAt)
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO risks (id, org_id, ref_num, title, threat_ref, threat_text, vulnerability, scenario,
		affects_c, affects_i, affects_a, consequences, methodology_id, inherent_likelihood, inherent_impact, inherent_rank,
		existing_controls, owner_id, review_date, treatment, treatment_notes, residual_likelihood, residual_impact, residual_rank,
		status, revision, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
		$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)`, args...)
	if err != nil {
		return k, conflict(err, "create risk "+k.Title)
	}
	if err := tx.countCell(ctx, k.OrgID, cellOf(k), 1); err != nil {
		return k, err
	}
	if err := tx.record(ctx, RecordRisk, k.ID, ledger.ActionCreate); err != nil {
		return k, err
	}
	if err := tx.SetRiskAssets(ctx, k.OrgID, k.ID, k.AssetIDs); err != nil {
		return k, err
	}
	return k, tx.SetRiskControls(ctx, k.OrgID, k.ID, k.Controls)
}

// UpdateRisk replaces a risk's fields; its assets and controls are set
// apart.
func (tx *Tx) UpdateRisk(ctx context.Context, k isms.Risk) (isms.Risk, error) {
	var was keptCell
	var status, treatment string
	err := tx.tx.QueryRowContext(ctx, `SELECT methodology_id, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact,
		inherent_rank, residual_rank, status, treatment FROM risks WHERE org_id = $1 AND id = $2`, k.OrgID, k.ID).Scan(&was.MethodologyID,
		&was.InherentLikelihood, &was.InherentImpact, &was.ResidualLikelihood, &was.ResidualImpact, &was.inherentRank, &was.residualRank,
		&status, &treatment)
	if err != nil {
		return k, notFound(err, "risk "+k.ID)
	}
	was.status, was.treatment = isms.RiskStatus(status), isms.Treatment(treatment)
	if now := cellOf(k); now != was {
		if err := tx.countCell(ctx, k.OrgID, was, -1); err != nil {
			return k, err
		}
		if err := tx.countCell(ctx, k.OrgID, now, 1); err != nil {
			return k, err
		}
	}
	k.UpdatedAt = tx.now
	args := append(append([]any{k.OrgID, k.ID}, riskValues(k)...), k.UpdatedAt)
	res, err := tx.tx.ExecContext(ctx, `UPDATE risks SET title = $3, threat_ref = $4, threat_text = $5, vulnerability = $6,
		scenario = $7, affects_c = $8, affects_i = $9, affects_a = $10, consequences = $11, methodology_id = $12,
		inherent_likelihood = $13, inherent_impact = $14, inherent_rank = $15, existing_controls = $16, owner_id = $17,
		review_date = $18, treatment = $19, treatment_notes = $20, residual_likelihood = $21, residual_impact = $22,
		residual_rank = $23, status = $24, revision = $25, updated_at = $26 WHERE org_id = $1 AND id = $2`, args...)
	if err := mustAffect(res, err, "update risk "+k.ID); err != nil {
		return k, err
	}
	return k, tx.record(ctx, RecordRisk, k.ID, ledger.ActionUpdate)
}

// link describes a table of a record's links to other things, one row a
// link: parent names the record's column (a risk's, an obligation's), column
// the linked thing's.
type link struct {
	table, parent, column, recordType string
}

var (
	riskAssetLinks   = link{"risk_assets", "risk_id", "asset_id", RecordRiskAsset}
	riskControlLinks = link{"risk_controls", "risk_id", "control", RecordRiskControl}
)

// setLinks makes a record's links exactly want, adding and removing rows
// so that the ledger holds one entry a link that changed.
func (tx *Tx) setLinks(ctx context.Context, l link, orgID, parentID string, want []string) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, `+l.column+` FROM `+l.table+` WHERE `+l.parent+` = $1`, parentID)
	if err != nil {
		return fmt.Errorf("read %s: %w", l.table, err)
	}
	have := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return fmt.Errorf("read %s: %w", l.table, err)
		}
		have[v] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", l.table, err)
	}
	for v, id := range have {
		if slices.Contains(want, v) {
			continue
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM `+l.table+` WHERE id = $1`, id); err != nil {
			return fmt.Errorf("unlink %s: %w", l.table, err)
		}
		if err := tx.recordDeletion(ctx, orgID, l.recordType, id); err != nil {
			return err
		}
	}
	for _, v := range want {
		if _, ok := have[v]; ok {
			continue
		}
		have[v] = ""
		id := NewID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO `+l.table+` (id, org_id, `+l.parent+`, `+l.column+`, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, orgID, parentID, v, tx.now); err != nil {
			return fmt.Errorf("link %s: %w", l.table, err)
		}
		if err := tx.record(ctx, l.recordType, id, ledger.ActionCreate); err != nil {
			return err
		}
	}
	return nil
}

// SetRiskAssets makes the assets in a risk's scope exactly ids.
func (tx *Tx) SetRiskAssets(ctx context.Context, orgID, riskID string, ids []string) error {
	return tx.setLinks(ctx, riskAssetLinks, orgID, riskID, ids)
}

// SetRiskControls makes the controls selected for a risk exactly refs.
func (tx *Tx) SetRiskControls(ctx context.Context, orgID, riskID string, refs []string) error {
	return tx.setLinks(ctx, riskControlLinks, orgID, riskID, refs)
}

// Risk returns an organisation's risk with its assets and controls.
func (r Reads) Risk(ctx context.Context, orgID, id string) (isms.Risk, error) {
	k, err := scanRisk(r.q.QueryRowContext(ctx, `SELECT `+riskColumns+` FROM risks r WHERE r.org_id = $1 AND r.id = $2`, orgID, id))
	if err != nil {
		return k, notFound(err, "risk "+id)
	}
	return k, r.fillLinks(ctx, []*isms.Risk{&k})
}

// RiskByRef returns a risk by its reference number.
func (r Reads) RiskByRef(ctx context.Context, orgID string, ref int) (isms.Risk, error) {
	k, err := scanRisk(r.q.QueryRowContext(ctx, `SELECT `+riskColumns+` FROM risks r WHERE r.org_id = $1 AND r.ref_num = $2`, orgID, ref))
	if err != nil {
		return k, notFound(err, fmt.Sprintf("risk R-%03d", ref))
	}
	return k, r.fillLinks(ctx, []*isms.Risk{&k})
}

// fillLinks reads the assets and controls of the risks in two queries.
func (r Reads) fillLinks(ctx context.Context, risks []*isms.Risk) error {
	if len(risks) == 0 {
		return nil
	}
	byID := make(map[string]*isms.Risk, len(risks))
	ids := make([]string, 0, len(risks))
	for _, k := range risks {
		byID[k.ID] = k
		ids = append(ids, k.ID)
	}
	for _, l := range []link{riskAssetLinks, riskControlLinks} {
		w := newWhere()
		w.in("risk_id", ids)
		rows, err := r.q.QueryContext(ctx, `SELECT risk_id, `+l.column+` FROM `+l.table+` WHERE `+w.sql()+` ORDER BY created_at, id`, w.args...)
		if err != nil {
			return fmt.Errorf("read %s: %w", l.table, err)
		}
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return fmt.Errorf("read %s: %w", l.table, err)
			}
			if l == riskAssetLinks {
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

// riskWhere builds the conditions of a risk filter; now decides what is
// overdue.
func (r Reads) riskWhere(orgID string, f isms.RiskFilter, now time.Time) *where {
	w := newWhere()
	w.add("r.org_id = $%d", orgID)
	if f.AssetID != "" {
		w.add("r.id IN (SELECT risk_id FROM risk_assets WHERE asset_id = $%d)", f.AssetID)
	}
	if f.OwnerID != "" {
		w.add("r.owner_id = $%d", f.OwnerID)
	}
	if f.Rank != nil {
		w.add("r.inherent_rank = $%d", *f.Rank)
	}
	if f.Residual != nil {
		w.add("r.residual_rank = $%d AND r.residual_likelihood > 0", *f.Residual)
	}
	if f.Status != "" {
		w.add("r.status = $%d", string(f.Status))
	}
	if f.Treatment != "" {
		w.add("r.treatment = $%d", string(f.Treatment))
	}
	if f.Overdue {
		// Not correlated, so the subquery runs once, not once a row.
		w.add(`(r.review_date < $%[1]d OR r.id IN (SELECT risk_id FROM risk_actions
			WHERE org_id = $%[2]d AND status = 'open' AND due_date < $%[1]d))`, now, orgID)
	}
	if f.MethodologyID != "" {
		w.add("r.methodology_id = $%d", f.MethodologyID)
	}
	if f.Likelihood > 0 && f.Impact > 0 {
		if f.ResidualCell {
			w.add("r.residual_likelihood = $%d AND r.residual_impact = $%d", f.Likelihood, f.Impact)
		} else {
			w.add("r.inherent_likelihood = $%d AND r.inherent_impact = $%d", f.Likelihood, f.Impact)
		}
	}
	if f.Query != "" {
		q := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(f.Query)), "R-")
		if n, err := strconv.Atoi(q); err == nil {
			w.add("(r.ref_num = $%[1]d OR "+r.contains("r.title", 2)+")", n, likePattern(f.Query))
		} else {
			w.add(r.contains("r.title", 1), likePattern(f.Query))
		}
	}
	return w
}

// Risk list orders.
const (
	SortRef      = "ref"
	SortLevel    = "level"
	SortResidual = "residual"
)

// ListRisks returns a page of risks in the filter's order. The cursor is
// the sort key of the previous page's last risk: "ref" or "rank:ref".
func (r Reads) ListRisks(ctx context.Context, orgID string, f isms.RiskFilter, now time.Time) ([]isms.Risk, error) {
	w := r.riskWhere(orgID, f, now)
	order := "r.ref_num"
	rankCol := ""
	switch f.Sort {
	case SortLevel:
		rankCol = "r.inherent_rank"
	case SortResidual:
		rankCol = "r.residual_rank"
	}
	if rankCol != "" {
		order = rankCol + " DESC, r.ref_num"
	}
	if f.Cursor != "" {
		rank, ref, err := parseRiskCursor(f.Cursor, rankCol != "")
		if err != nil {
			return nil, err
		}
		if rankCol != "" {
			w.add("("+rankCol+" < $%[1]d OR ("+rankCol+" = $%[1]d AND r.ref_num > $%[2]d))", rank, ref)
		} else {
			w.add("r.ref_num > $%d", ref)
		}
	}
	limit := w.arg(clampLimit(f.Limit))
	rows, err := r.q.QueryContext(ctx, `SELECT `+riskColumns+` FROM risks r WHERE `+w.sql()+` ORDER BY `+order+` LIMIT `+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list risks: %w", err)
	}
	defer rows.Close()
	var out []isms.Risk
	for rows.Next() {
		k, err := scanRisk(rows)
		if err != nil {
			return nil, fmt.Errorf("list risks: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list risks: %w", err)
	}
	ptrs := make([]*isms.Risk, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, r.fillLinks(ctx, ptrs)
}

// RiskCursor is the cursor that continues a list after k.
func RiskCursor(k isms.Risk, sort string) string {
	switch sort {
	case SortLevel:
		return fmt.Sprintf("%d:%d", k.InherentRank, k.RefNum)
	case SortResidual:
		return fmt.Sprintf("%d:%d", k.ResidualRank, k.RefNum)
	}
	return strconv.Itoa(k.RefNum)
}

func parseRiskCursor(c string, ranked bool) (rank, ref int, err error) {
	bad := isms.Invalid("cursor", "is not a cursor returned by this list")
	if ranked {
		a, b, ok := strings.Cut(c, ":")
		if !ok {
			return 0, 0, bad
		}
		if rank, err = strconv.Atoi(a); err != nil {
			return 0, 0, bad
		}
		c = b
	}
	if ref, err = strconv.Atoi(c); err != nil {
		return 0, 0, bad
	}
	return rank, ref, nil
}

// CountRisks counts the risks a filter selects.
func (r Reads) CountRisks(ctx context.Context, orgID string, f isms.RiskFilter, now time.Time) (int, error) {
	f.Cursor = ""
	w := r.riskWhere(orgID, f, now)
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM risks r WHERE `+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count risks: %w", err)
	}
	return n, nil
}

// RiskCell counts the risks with one combination of methodology version
// and inherent and residual rating (residual 0 when not rated).
type RiskCell struct {
	MethodologyID      string
	InherentLikelihood int
	InherentImpact     int
	ResidualLikelihood int
	ResidualImpact     int
	Count              int
}

// keptCell is a row of risk_cell_counts without its count.
type keptCell struct {
	RiskCell
	inherentRank, residualRank int
	status                     isms.RiskStatus
	treatment                  isms.Treatment
}

func cellOf(k isms.Risk) keptCell {
	return keptCell{RiskCell: RiskCell{MethodologyID: k.MethodologyID, InherentLikelihood: k.InherentLikelihood, InherentImpact: k.InherentImpact,
		ResidualLikelihood: k.ResidualLikelihood, ResidualImpact: k.ResidualImpact},
		inherentRank: k.InherentRank, residualRank: k.ResidualRank, status: k.Status, treatment: k.Treatment}
}

// countCell adds delta to the count of risks in a cell.
func (tx *Tx) countCell(ctx context.Context, orgID string, c keptCell, delta int) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO risk_cell_counts (org_id, methodology_id, inherent_likelihood, inherent_impact,
		residual_likelihood, residual_impact, inherent_rank, residual_rank, status, treatment, risks)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (org_id, methodology_id, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact,
			inherent_rank, residual_rank, status, treatment)
		DO UPDATE SET risks = risk_cell_counts.risks + $11`,
		orgID, c.MethodologyID, c.InherentLikelihood, c.InherentImpact, c.ResidualLikelihood, c.ResidualImpact,
		c.inherentRank, c.residualRank, string(c.status), string(c.treatment), delta)
	if err != nil {
		return fmt.Errorf("count risk cell: %w", err)
	}
	return nil
}

// cellsIndexHint names, for SQLite, the index a filtered count should
// read. Left to itself SQLite's planner counts one owner's risks by
// walking the index that holds the ratings in order, looking up every
// risk's owner on the way, because that index saves it a sort: on 100,000
// risks that is ten times slower than reading the owner's 5,000 through
// their own index. PostgreSQL's planner weighs this right.
func (r Reads) cellsIndexHint(f isms.RiskFilter) string {
	if r.dialect != SQLite || f.OwnerID == "" || f.AssetID != "" {
		return ""
	}
	return " INDEXED BY risks_org_owner"
}

// keptCountsAnswer reports whether the kept counts can answer a filter:
// when it selects by nothing but methodology version, levels, status and
// treatment.
func keptCountsAnswer(f isms.RiskFilter) bool {
	f.MethodologyID, f.Rank, f.Residual, f.Status, f.Treatment = "", nil, nil, "", ""
	return f == (isms.RiskFilter{})
}

// RiskCells counts the risks a filter selects by methodology version and
// rating, in one grouped scan: everything the heat maps and the register's
// totals need. The filter's cell, cursor, order and limit do not apply.
func (r Reads) RiskCells(ctx context.Context, orgID string, f isms.RiskFilter, now time.Time) ([]RiskCell, error) {
	f.Likelihood, f.Impact, f.ResidualCell, f.Cursor, f.Sort, f.Limit = 0, 0, false, "", "", 0
	const cols = "methodology_id, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact"
	var query string
	var args []any
	if keptCountsAnswer(f) {
		w := newWhere()
		w.add("org_id = $%d", orgID)
		if f.MethodologyID != "" {
			w.add("methodology_id = $%d", f.MethodologyID)
		}
		if f.Rank != nil {
			w.add("inherent_rank = $%d", *f.Rank)
		}
		if f.Residual != nil {
			w.add("residual_rank = $%d AND residual_likelihood > 0", *f.Residual)
		}
		if f.Status != "" {
			w.add("status = $%d", string(f.Status))
		}
		if f.Treatment != "" {
			w.add("treatment = $%d", string(f.Treatment))
		}
		query, args = `SELECT `+cols+`, SUM(risks) FROM risk_cell_counts WHERE `+w.sql()+` GROUP BY `+cols+` HAVING SUM(risks) > 0`, w.args
	} else {
		w := r.riskWhere(orgID, f, now)
		query, args = `SELECT `+cols+`, COUNT(*) FROM risks r`+r.cellsIndexHint(f)+` WHERE `+w.sql()+` GROUP BY `+cols, w.args
	}
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("count risks by rating: %w", err)
	}
	defer rows.Close()
	var out []RiskCell
	for rows.Next() {
		var c RiskCell
		if err := rows.Scan(&c.MethodologyID, &c.InherentLikelihood, &c.InherentImpact, &c.ResidualLikelihood, &c.ResidualImpact, &c.Count); err != nil {
			return nil, fmt.Errorf("count risks by rating: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const actionColumns = `id, risk_id, description, owner_id, due_date, status, created_at, updated_at`

func scanAction(row interface{ Scan(...any) error }) (isms.RiskAction, error) {
	var (
		a     isms.RiskAction
		owner *string
		due   nullTime
	)
	err := row.Scan(&a.ID, &a.RiskID, &a.Description, &owner, &due, &a.Status, &a.CreatedAt, &a.UpdatedAt)
	a.OwnerID = deref(owner)
	a.DueDate = due.ptr()
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// AddRiskAction adds a step to a risk's treatment plan.
func (tx *Tx) AddRiskAction(ctx context.Context, orgID string, a isms.RiskAction) (isms.RiskAction, error) {
	a.ID = NewID()
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO risk_actions (id, org_id, risk_id, description, owner_id, due_date, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.ID, orgID, a.RiskID, a.Description, nullString(a.OwnerID), timeArg(a.DueDate),
		a.Status, a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return a, fmt.Errorf("add risk action: %w", err)
	}
	return a, tx.record(ctx, RecordRiskAction, a.ID, ledger.ActionCreate)
}

// UpdateRiskAction replaces an action's fields.
func (tx *Tx) UpdateRiskAction(ctx context.Context, orgID string, a isms.RiskAction) (isms.RiskAction, error) {
	a.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE risk_actions SET description = $4, owner_id = $5, due_date = $6, status = $7, updated_at = $8
		WHERE org_id = $1 AND risk_id = $2 AND id = $3`, orgID, a.RiskID, a.ID, a.Description, nullString(a.OwnerID), timeArg(a.DueDate),
		a.Status, a.UpdatedAt)
	if err := mustAffect(res, err, "update risk action "+a.ID); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordRiskAction, a.ID, ledger.ActionUpdate)
}

// RiskActions returns the treatment plan of a risk, by due date.
func (r Reads) RiskActions(ctx context.Context, orgID, riskID string) ([]isms.RiskAction, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+actionColumns+` FROM risk_actions WHERE org_id = $1 AND risk_id = $2
		ORDER BY due_date IS NULL, due_date, created_at, id`, orgID, riskID)
	if err != nil {
		return nil, fmt.Errorf("risk actions: %w", err)
	}
	defer rows.Close()
	var out []isms.RiskAction
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("risk actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// RiskAction returns one action of a risk.
func (r Reads) RiskAction(ctx context.Context, orgID, riskID, id string) (isms.RiskAction, error) {
	a, err := scanAction(r.q.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM risk_actions WHERE org_id = $1 AND risk_id = $2 AND id = $3`,
		orgID, riskID, id))
	if err != nil {
		return a, notFound(err, "risk action "+id)
	}
	return a, nil
}

const decisionColumns = `id, risk_id, kind, decided_by, level, justification, risk_revision, created_at`

// AddRiskDecision records a risk owner's decision.
func (tx *Tx) AddRiskDecision(ctx context.Context, orgID string, d isms.RiskDecision) (isms.RiskDecision, error) {
	d.ID = NewID()
	d.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO risk_decisions (id, org_id, risk_id, kind, decided_by, level, justification, risk_revision, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, d.ID, orgID, d.RiskID, d.Kind, d.DecidedBy, d.Level, d.Justification, d.RiskRevision, d.CreatedAt)
	if err != nil {
		return d, fmt.Errorf("record risk decision: %w", err)
	}
	return d, tx.record(ctx, RecordRiskDecision, d.ID, ledger.ActionCreate)
}

// RiskDecisions returns every decision made on a risk, oldest first.
func (r Reads) RiskDecisions(ctx context.Context, orgID, riskID string) ([]isms.RiskDecision, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+decisionColumns+` FROM risk_decisions WHERE org_id = $1 AND risk_id = $2
		ORDER BY created_at, id`, orgID, riskID)
	if err != nil {
		return nil, fmt.Errorf("risk decisions: %w", err)
	}
	defer rows.Close()
	var out []isms.RiskDecision
	for rows.Next() {
		var d isms.RiskDecision
		if err := rows.Scan(&d.ID, &d.RiskID, &d.Kind, &d.DecidedBy, &d.Level, &d.Justification, &d.RiskRevision, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("risk decisions: %w", err)
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// RiskLinkIDs returns the ids of a risk's asset and control links, by
// record type.
func (r Reads) RiskLinkIDs(ctx context.Context, orgID, riskID string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, l := range []link{riskAssetLinks, riskControlLinks} {
		rows, err := r.q.QueryContext(ctx, `SELECT id FROM `+l.table+` WHERE org_id = $1 AND risk_id = $2`, orgID, riskID)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", l.table, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read %s: %w", l.table, err)
			}
			out[l.recordType] = append(out[l.recordType], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
