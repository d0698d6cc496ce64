package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// ledgerTable describes one table whose rows are ledgered records. The
// record's content in the ledger is the whole row, every column, so a change
// to any column behind the application's back is noticed, including
// columns that later migrations add.
type ledgerTable struct {
	recordType string
	// one selects a row by id. orgRows selects the rows of an
	// organisation's chain, with the organisation's id as $1;
	// instanceRows the rows of the instance chain. A table without one of
	// them has no records in that kind of chain.
	one, orgRows, instanceRows string
	// chainColumn holds the organisation id that names the chain; a NULL
	// there, or no chain column, puts the record in the instance chain.
	chainColumn string
	// digested columns go into the ledger as their SHA-256 only: the
	// ledger is handed to auditors and must not carry password hashes,
	// and an imported catalog of megabytes need not be copied into it,
	// yet replacing either in the table must still be noticed.
	digested []string
}

// Record types, as they appear in the ledger.
const (
	RecordOrganization       = "organization"
	RecordUser               = "user"
	RecordMember             = "member"
	RecordAPIToken           = "api_token"
	RecordFrameworkImport    = "framework_import"
	RecordOrgFramework       = "org_framework"
	RecordOrgSettings        = "org_settings"
	RecordAsset              = "asset"
	RecordAssetRelation      = "asset_relation"
	RecordContext            = "isms_context"
	RecordMethodology        = "risk_methodology"
	RecordRisk               = "risk"
	RecordRiskAsset          = "risk_asset"
	RecordRiskControl        = "risk_control"
	RecordRiskAction         = "risk_action"
	RecordRiskDecision       = "risk_decision"
	RecordControl            = "control"
	RecordControlReason      = "control_reason"
	RecordControlTask        = "control_task"
	RecordEvidence           = "evidence"
	RecordEvidenceLink       = "evidence_link"
	RecordEvidenceRequest    = "evidence_request"
	RecordSoAVersion         = "soa_version"
	RecordScan               = "scan"
	RecordVulnSLA            = "vulnerability_sla"
	RecordNonconformity      = "nonconformity"
	RecordCorrectiveAction   = "corrective_action"
	RecordDocument           = "document"
	RecordDocVersion         = "document_version"
	RecordDocApproval        = "document_approval"
	RecordDocAck             = "document_ack"
	RecordObligation         = "obligation"
	RecordObligationAsset    = "obligation_asset"
	RecordObligationControl  = "obligation_control"
	RecordSupplier           = "supplier"
	RecordSupplierAsset      = "supplier_asset"
	RecordSupplierCert       = "supplier_certification"
	RecordSupplierAssessment = "supplier_assessment"
	RecordBIA                = "business_impact_analysis"
	RecordBIADependency      = "continuity_dependency"
	RecordContinuityPlan     = "continuity_plan"
	RecordPlanCoverage       = "continuity_plan_coverage"
	RecordContinuityTest     = "continuity_test"
	RecordFollowUp           = "continuity_follow_up"
	RecordIncident           = "incident"
	RecordIncidentAsset      = "incident_asset"
	RecordIncidentEvent      = "incident_event"
	RecordIncidentEvidence   = "incident_evidence"
	RecordIncidentCustody    = "incident_custody"
	RecordIncidentLink       = "incident_link"
	RecordMetric             = "metric"
	RecordMeasurement        = "metric_measurement"
	RecordObjective          = "objective"
	RecordObjectiveMetric    = "objective_metric"
	RecordPerson             = "person"
	RecordISMSRole           = "isms_role"
	RecordTrainingCourse     = "training_course"
	RecordTrainingRecord     = "training_record"
	RecordChecklist          = "checklist"
	RecordChecklistItem      = "checklist_item"
	RecordAccessReview       = "access_review"
	RecordReviewAccount      = "access_review_account"
	RecordAuditProgramme     = "audit_programme"
	RecordAudit              = "audit"
	RecordAuditor            = "auditor"
	RecordAuditItem          = "audit_item"
	RecordReview             = "management_review"
	RecordReviewDecision     = "review_decision"
	RecordReviewAction       = "review_action"
	RecordCertCycle          = "certification_cycle"
	RecordExternalAudit      = "external_audit"
	RecordAuditFinding       = "external_audit_finding"
	RecordSelfAssessment     = "self_assessment"
)

// orgTable describes a table of organisation records keyed by id, the
// common case.
func orgTable(recordType, table string) ledgerTable {
	return ledgerTable{
		recordType:  recordType,
		one:         `SELECT * FROM ` + table + ` WHERE id = $1`,
		orgRows:     `SELECT * FROM ` + table + ` WHERE org_id = $1`,
		chainColumn: "org_id",
	}
}

var ledgerTables = []ledgerTable{
	{
		recordType:  RecordOrganization,
		one:         `SELECT * FROM organizations WHERE id = $1`,
		orgRows:     `SELECT * FROM organizations WHERE id = $1`,
		chainColumn: "id",
	},
	{
		recordType:   RecordUser,
		one:          `SELECT * FROM users WHERE id = $1`,
		instanceRows: `SELECT * FROM users`,
		digested:     []string{"password_hash"},
	},
	{
		recordType:  RecordMember,
		one:         `SELECT * FROM memberships WHERE id = $1`,
		orgRows:     `SELECT * FROM memberships WHERE org_id = $1`,
		chainColumn: "org_id",
	},
	{
		recordType:  RecordAPIToken,
		one:         `SELECT * FROM api_tokens WHERE id = $1`,
		orgRows:     `SELECT * FROM api_tokens WHERE org_id = $1`,
		chainColumn: "org_id",
	},
	{
		recordType:   RecordFrameworkImport,
		one:          `SELECT * FROM framework_imports WHERE id = $1`,
		orgRows:      `SELECT * FROM framework_imports WHERE org_id = $1`,
		instanceRows: `SELECT * FROM framework_imports WHERE org_id IS NULL`,
		chainColumn:  "org_id",
		digested:     []string{"content"},
	},
	orgTable(RecordOrgFramework, "org_frameworks"),
	orgTable(RecordOrgSettings, "org_settings"),
	orgTable(RecordAsset, "assets"),
	orgTable(RecordAssetRelation, "asset_relations"),
	orgTable(RecordContext, "isms_contexts"),
	orgTable(RecordMethodology, "risk_methodologies"),
	orgTable(RecordRisk, "risks"),
	orgTable(RecordRiskAsset, "risk_assets"),
	orgTable(RecordRiskControl, "risk_controls"),
	orgTable(RecordRiskAction, "risk_actions"),
	orgTable(RecordRiskDecision, "risk_decisions"),
	orgTable(RecordControl, "controls"),
	orgTable(RecordControlReason, "control_reasons"),
	orgTable(RecordControlTask, "control_tasks"),
	orgTable(RecordEvidence, "evidence"),
	orgTable(RecordEvidenceLink, "evidence_links"),
	orgTable(RecordEvidenceRequest, "evidence_requests"),
	{
		recordType:  RecordSoAVersion,
		one:         `SELECT * FROM soa_versions WHERE id = $1`,
		orgRows:     `SELECT * FROM soa_versions WHERE org_id = $1`,
		chainColumn: "org_id",
		digested:    []string{"content"},
	},
	orgTable(RecordScan, "scans"),
	orgTable(RecordVulnSLA, "vulnerability_slas"),
	orgTable(RecordNonconformity, "nonconformities"),
	orgTable(RecordCorrectiveAction, "corrective_actions"),
	orgTable(RecordDocument, "documents"),
	orgTable(RecordDocVersion, "document_versions"),
	orgTable(RecordDocApproval, "document_approvals"),
	orgTable(RecordDocAck, "document_acks"),
	orgTable(RecordObligation, "obligations"),
	orgTable(RecordObligationAsset, "obligation_assets"),
	orgTable(RecordObligationControl, "obligation_controls"),
	orgTable(RecordSupplier, "suppliers"),
	orgTable(RecordSupplierAsset, "supplier_assets"),
	orgTable(RecordSupplierCert, "supplier_certifications"),
	orgTable(RecordSupplierAssessment, "supplier_assessments"),
	orgTable(RecordBIA, "continuity_bias"),
	orgTable(RecordBIADependency, "continuity_dependencies"),
	orgTable(RecordContinuityPlan, "continuity_plans"),
	orgTable(RecordPlanCoverage, "continuity_plan_bias"),
	orgTable(RecordContinuityTest, "continuity_tests"),
	orgTable(RecordFollowUp, "continuity_follow_ups"),
	orgTable(RecordIncident, "incidents"),
	orgTable(RecordIncidentAsset, "incident_assets"),
	orgTable(RecordIncidentEvent, "incident_events"),
	orgTable(RecordIncidentEvidence, "incident_evidence"),
	orgTable(RecordIncidentCustody, "incident_custody"),
	orgTable(RecordIncidentLink, "incident_links"),
	orgTable(RecordMetric, "metrics"),
	orgTable(RecordMeasurement, "metric_measurements"),
	orgTable(RecordObjective, "objectives"),
	orgTable(RecordObjectiveMetric, "objective_metrics"),
	orgTable(RecordPerson, "people"),
	orgTable(RecordISMSRole, "isms_roles"),
	orgTable(RecordTrainingCourse, "training_courses"),
	orgTable(RecordTrainingRecord, "training_records"),
	orgTable(RecordChecklist, "checklists"),
	orgTable(RecordChecklistItem, "checklist_items"),
	orgTable(RecordAccessReview, "access_reviews"),
	orgTable(RecordReviewAccount, "access_review_accounts"),
	orgTable(RecordAuditProgramme, "audit_programmes"),
	orgTable(RecordAudit, "audits"),
	orgTable(RecordAuditor, "audit_auditors"),
	orgTable(RecordAuditItem, "audit_items"),
	{
		recordType:  RecordReview,
		one:         `SELECT * FROM management_reviews WHERE id = $1`,
		orgRows:     `SELECT * FROM management_reviews WHERE org_id = $1`,
		chainColumn: "org_id",
		digested:    []string{"inputs"},
	},
	orgTable(RecordReviewDecision, "review_decisions"),
	orgTable(RecordReviewAction, "review_actions"),
	orgTable(RecordCertCycle, "certification_cycles"),
	orgTable(RecordExternalAudit, "external_audits"),
	orgTable(RecordAuditFinding, "external_audit_findings"),
	orgTable(RecordSelfAssessment, "self_assessments"),
}

func tableFor(recordType string) ledgerTable {
	for _, t := range ledgerTables {
		if t.recordType == recordType {
			return t
		}
	}
	panic("store: record type " + recordType + " is not ledgered")
}

// snapshot reads rows as ledger content: column name to a JSON value, in
// the forms the canonical encoding accepts. It returns content keyed by id.
func snapshot(ctx context.Context, q querier, t ledgerTable, query string, args ...any) (map[string]map[string]any, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", t.recordType, err)
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", t.recordType, err)
	}
	out := make(map[string]map[string]any)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", t.recordType, err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			name := strings.ToLower(c.Name())
			v, err := contentValue(vals[i], c.DatabaseTypeName())
			if err != nil {
				return nil, fmt.Errorf("snapshot %s column %s: %w", t.recordType, name, err)
			}
			if slices.Contains(t.digested, name) && v != nil {
				sum := sha256.Sum256([]byte(fmt.Sprint(v)))
				v = "sha256:" + hex.EncodeToString(sum[:])
			}
			row[name] = v
		}
		id, _ := row["id"].(string)
		out[id] = row
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", t.recordType, err)
	}
	return out, nil
}

// contentValue converts what a driver returned into a canonical value:
// times as ledger.TimeFormat text, SQLite's 0/1 booleans as booleans, every
// integer as int64, blobs as hex.
func contentValue(v any, dbType string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		return ledger.FormatTime(x), nil
	case bool, string:
		return x, nil
	case int64:
		if strings.EqualFold(dbType, "BOOLEAN") {
			return x != 0, nil
		}
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case []byte:
		return hex.EncodeToString(x), nil
	}
	return nil, fmt.Errorf("value of type %T cannot be ledgered; store it as text or integer", v)
}

// record appends the ledger entry for a record the transaction has just
// created or changed, holding the record as it now is.
func (tx *Tx) record(ctx context.Context, recordType, id, action string) error {
	t := tableFor(recordType)
	rows, err := snapshot(ctx, tx.tx, t, t.one, id)
	if err != nil {
		return err
	}
	row, exists := rows[id]
	if !exists {
		return fmt.Errorf("ledger %s %s: %w", recordType, id, isms.ErrNotFound)
	}
	chain := ledger.InstanceChain
	if c, ok := row[t.chainColumn].(string); ok && c != "" {
		chain = c
	}
	return tx.appendEntry(ctx, chain, recordType, id, action, row)
}

// recordDeletion appends the entry for a record the transaction has just
// deleted from chain.
func (tx *Tx) recordDeletion(ctx context.Context, chain, recordType, id string) error {
	t := tableFor(recordType)
	rows, err := snapshot(ctx, tx.tx, t, t.one, id)
	if err != nil {
		return err
	}
	if _, exists := rows[id]; exists {
		return fmt.Errorf("ledger %s %s: recorded as deleted but still present", recordType, id)
	}
	return tx.appendEntry(ctx, chain, recordType, id, ledger.ActionDelete, nil)
}

func (tx *Tx) appendEntry(ctx context.Context, chain, recordType, id, action string, content any) error {
	canon, err := ledger.Canonical(content)
	if err != nil {
		return fmt.Errorf("ledger %s %s: %w", recordType, id, err)
	}
	// The UPDATE takes the head's row lock on PostgreSQL, so concurrent
	// appends to one chain queue here and each sees the previous hash.
	var (
		seq  int64
		prev string
	)
	err = tx.tx.QueryRowContext(ctx,
		`UPDATE ledger_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, hash`, chain).Scan(&seq, &prev)
	if err != nil {
		return notFound(err, "ledger head of chain "+chain)
	}
	e := ledger.Entry{
		Chain:      chain,
		Seq:        seq,
		At:         ledger.FormatTime(tx.now),
		Actor:      tx.actor,
		RecordType: recordType,
		RecordID:   id,
		Action:     action,
		Content:    canon,
	}
	if err := e.Seal(prev); err != nil {
		return fmt.Errorf("ledger %s %s: %w", recordType, id, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO ledger_entries
		(chain, seq, at, actor, record_type, record_id, action, content, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.Chain, e.Seq, e.At, e.Actor, e.RecordType, e.RecordID, e.Action, string(e.Content), e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append ledger entry %s/%d: %w", chain, seq, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE ledger_heads SET hash = $2 WHERE chain = $1`, chain, e.Hash); err != nil {
		return fmt.Errorf("move ledger head of %s: %w", chain, err)
	}
	return nil
}

// startChain gives a new organisation its empty chain.
func (tx *Tx) startChain(ctx context.Context, chain string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO ledger_heads (chain, seq, hash) VALUES ($1, 0, $2)`, chain, ledger.GenesisHash)
	if err != nil {
		return fmt.Errorf("start ledger chain %s: %w", chain, err)
	}
	return nil
}

const entryColumns = `chain, seq, at, actor, record_type, record_id, action, content, prev_hash, hash`

func scanEntry(rows interface{ Scan(...any) error }) (ledger.Entry, error) {
	var (
		e       ledger.Entry
		content string
	)
	err := rows.Scan(&e.Chain, &e.Seq, &e.At, &e.Actor, &e.RecordType, &e.RecordID, &e.Action, &content, &e.PrevHash, &e.Hash)
	e.Content = json.RawMessage(content)
	return e, err
}

// LedgerFilter selects ledger entries of one chain, newest first.
type LedgerFilter struct {
	Chain      string
	RecordType string
	RecordID   string
	// Records selects the entries of several records, by record type;
	// it is for a record's history together with its parts.
	Records map[string][]string
	Action  string
	Actor   string
	// BeforeSeq continues a listing: only entries older than it.
	BeforeSeq int64
	Limit     int
}

// ListLedger returns entries of a chain, newest first.
func (db *DB) ListLedger(ctx context.Context, f LedgerFilter) ([]ledger.Entry, error) {
	w := newWhere()
	w.add("chain = $%d", f.Chain)
	if f.RecordType != "" {
		w.add("record_type = $%d", f.RecordType)
	}
	if f.RecordID != "" {
		w.add("record_id = $%d", f.RecordID)
	}
	if len(f.Records) > 0 {
		var any []string
		for _, typ := range slices.Sorted(maps.Keys(f.Records)) {
			if ids := f.Records[typ]; len(ids) > 0 {
				any = append(any, "(record_type = "+w.arg(typ)+" AND record_id IN "+w.list(ids)+")")
			}
		}
		if len(any) == 0 {
			any = []string{"FALSE"}
		}
		w.conds = append(w.conds, "("+strings.Join(any, " OR ")+")")
	}
	if f.Action != "" {
		w.add("action = $%d", f.Action)
	}
	if f.Actor != "" {
		w.add("actor = $%d", f.Actor)
	}
	if f.BeforeSeq > 0 {
		w.add("seq < $%d", f.BeforeSeq)
	}
	limit := w.arg(clampLimit(f.Limit))
	rows, err := db.read.QueryContext(ctx,
		`SELECT `+entryColumns+` FROM ledger_entries WHERE `+w.sql()+` ORDER BY seq DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("list ledger: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExportLedger streams every entry of a chain, oldest first, to fn.
func (db *DB) ExportLedger(ctx context.Context, chain string, fn func(ledger.Entry) error) error {
	return db.readTx(ctx, func(q querier) error {
		return eachEntry(ctx, q, chain, fn)
	})
}

func eachEntry(ctx context.Context, q querier, chain string, fn func(ledger.Entry) error) error {
	rows, err := q.QueryContext(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE chain = $1 ORDER BY seq`, chain)
	if err != nil {
		return fmt.Errorf("read ledger %s: %w", chain, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return fmt.Errorf("read ledger %s: %w", chain, err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// LedgerChains lists every chain: the instance chain, each organisation's,
// and any chain that has entries or a head but whose organisation is gone.
func (db *DB) LedgerChains(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT chain FROM ledger_heads
		UNION SELECT id FROM organizations
		UNION SELECT DISTINCT chain FROM ledger_entries`)
	if err != nil {
		return nil, fmt.Errorf("list ledger chains: %w", err)
	}
	defer rows.Close()
	var chains []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("list ledger chains: %w", err)
		}
		chains = append(chains, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list ledger chains: %w", err)
	}
	slices.SortFunc(chains, func(a, b string) int {
		// The instance chain first, then organisations by id.
		if (a == ledger.InstanceChain) != (b == ledger.InstanceChain) {
			if a == ledger.InstanceChain {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return chains, nil
}

// VerifyChain recomputes a chain from one consistent snapshot and checks
// every current record of the chain against its last entry.
func (db *DB) VerifyChain(ctx context.Context, chain string) (ledger.Report, error) {
	v := ledger.NewVerifier(chain)
	err := db.readTx(ctx, func(q querier) error {
		if err := eachEntry(ctx, q, chain, func(e ledger.Entry) error { v.Add(e); return nil }); err != nil {
			return err
		}
		var (
			seq  int64
			hash string
		)
		err := q.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_heads WHERE chain = $1`, chain).Scan(&seq, &hash)
		switch {
		case err == sql.ErrNoRows:
			v.CheckHead(0, "(no head recorded)")
		case err != nil:
			return fmt.Errorf("read ledger head %s: %w", chain, err)
		default:
			v.CheckHead(seq, hash)
		}
		current := make(map[ledger.RecordKey][]byte)
		var types []string
		for _, t := range ledgerTables {
			query, args := t.orgRows, []any{chain}
			if chain == ledger.InstanceChain {
				query, args = t.instanceRows, nil
			}
			if query == "" {
				continue
			}
			types = append(types, t.recordType)
			rows, err := snapshot(ctx, q, t, query, args...)
			if err != nil {
				return err
			}
			for id, row := range rows {
				canon, err := ledger.Canonical(row)
				if err != nil {
					return fmt.Errorf("verify %s %s: %w", t.recordType, id, err)
				}
				current[ledger.RecordKey{Type: t.recordType, ID: id}] = canon
			}
		}
		v.CheckRecords(types, current)
		return nil
	})
	return v.Report(), err
}

// Head is the last entry of a chain.
type Head struct {
	Seq  int64
	Hash string
}

// LedgerHead returns a chain's head as recorded.
func (r Reads) LedgerHead(ctx context.Context, chain string) (Head, error) {
	var h Head
	err := r.q.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_heads WHERE chain = $1`, chain).Scan(&h.Seq, &h.Hash)
	if err != nil {
		return h, notFound(err, "ledger head of "+chain)
	}
	return h, nil
}

// LockChain takes the lock on a chain's head for the rest of the
// transaction, as appending would, so that a check made in the
// transaction still holds when it commits: on PostgreSQL concurrent
// transactions locking the same chain wait; on SQLite the single writer
// already serialises them.
func (tx *Tx) LockChain(ctx context.Context, chain string) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE ledger_heads SET seq = seq WHERE chain = $1`, chain)
	return mustAffect(res, err, "lock ledger chain "+chain)
}
