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

const incidentColumns = `id, org_id, ref_num, title, description, category, severity, status, occurred_at, detected_at, aware_at,
	reporter, raised_by, handler_id, personal_data, data_subjects, authority_notified_at, authority_ref, notification_not_required,
	ai_high_risk, ai_serious, ai_case, ai_reported_at, ai_report_ref, containment, eradication, recovery, lessons_learned,
	contained_at, closed_at, created_at, updated_at`

func scanIncident(row interface{ Scan(...any) error }) (isms.Incident, error) {
	var (
		i                                   isms.Incident
		category, severity, status, aiCase  string
		raisedBy, handler                   *string
		occurred, aware, notified, reported nullTime
		contained, closed                   nullTime
		personal, highRisk, serious         bool
		detected, created, updated          time.Time
	)
	err := row.Scan(&i.ID, &i.OrgID, &i.RefNum, &i.Title, &i.Description, &category, &severity, &status, &occurred, &detected, &aware,
		&i.Reporter, &raisedBy, &handler, &personal, &i.DataSubjects, &notified, &i.AuthorityRef, &i.NotificationNotRequired,
		&highRisk, &serious, &aiCase, &reported, &i.AIReportRef, &i.Containment, &i.Eradication, &i.Recovery, &i.LessonsLearned,
		&contained, &closed, &created, &updated)
	i.Category, i.Severity, i.Status, i.AICase = isms.IncidentCategory(category), isms.IncidentSeverity(severity),
		isms.IncidentStatus(status), isms.AIActCase(aiCase)
	i.RaisedBy, i.HandlerID = deref(raisedBy), deref(handler)
	i.PersonalData, i.AIHighRisk, i.AISerious = personal, highRisk, serious
	i.OccurredAt, i.AwareAt, i.AuthorityNotifiedAt, i.AIReportedAt = occurred.ptr(), aware.ptr(), notified.ptr(), reported.ptr()
	i.ContainedAt, i.ClosedAt = contained.ptr(), closed.ptr()
	i.DetectedAt, i.CreatedAt, i.UpdatedAt = detected.UTC(), created.UTC(), updated.UTC()
	return i, err
}

func incidentValues(i isms.Incident) []any {
	return []any{i.Title, i.Description, string(i.Category), string(i.Severity), string(i.Status), timeArg(i.OccurredAt),
		i.DetectedAt.UTC(), timeArg(i.AwareAt), i.Reporter, nullString(i.HandlerID), i.PersonalData, i.DataSubjects,
		timeArg(i.AuthorityNotifiedAt), i.AuthorityRef, i.NotificationNotRequired, i.AIHighRisk, i.AISerious, string(i.AICase),
		timeArg(i.AIReportedAt), i.AIReportRef, i.Containment, i.Eradication, i.Recovery, i.LessonsLearned, timeArg(i.ContainedAt),
		timeArg(i.ClosedAt)}
}

// CreateIncident adds an incident to the register under the next
// reference number, with its affected assets.
func (tx *Tx) CreateIncident(ctx context.Context, i isms.Incident) (isms.Incident, error) {
	// The number is allocated under the chain's lock, so that concurrent
	// reports on PostgreSQL queue rather than collide.
	if err := tx.LockChain(ctx, i.OrgID); err != nil {
		return i, err
	}
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref_num), 0) + 1 FROM incidents WHERE org_id = $1`,
		i.OrgID).Scan(&i.RefNum); err != nil {
		return i, fmt.Errorf("create incident: %w", err)
	}
	i.ID, i.CreatedAt, i.UpdatedAt = NewID(), tx.now, tx.now
	args := append([]any{i.ID, i.OrgID, i.RefNum, nullString(i.RaisedBy)}, incidentValues(i)...)
	args = append(args, i.CreatedAt, i.UpdatedAt)
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO incidents (id, org_id, ref_num, raised_by, title, description, category, severity,
		status, occurred_at, detected_at, aware_at, reporter, handler_id, personal_data, data_subjects, authority_notified_at,
		authority_ref, notification_not_required, ai_high_risk, ai_serious, ai_case, ai_reported_at, ai_report_ref, containment,
		eradication, recovery, lessons_learned, contained_at, closed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7,
		$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)`,
		args...)
	if err != nil {
		return i, conflict(err, "create incident "+i.Title)
	}
	if err := tx.record(ctx, RecordIncident, i.ID, ledger.ActionCreate); err != nil {
		return i, err
	}
	return i, tx.SetIncidentAssets(ctx, i.OrgID, i.ID, i.AssetIDs)
}

// UpdateIncident replaces an incident's changeable fields and its affected
// assets; its number and who logged it stay.
func (tx *Tx) UpdateIncident(ctx context.Context, i isms.Incident) (isms.Incident, error) {
	i.UpdatedAt = tx.now
	args := append([]any{i.OrgID, i.ID}, incidentValues(i)...)
	args = append(args, i.UpdatedAt)
	res, err := tx.tx.ExecContext(ctx, `UPDATE incidents SET title = $3, description = $4, category = $5, severity = $6, status = $7,
		occurred_at = $8, detected_at = $9, aware_at = $10, reporter = $11, handler_id = $12, personal_data = $13, data_subjects = $14,
		authority_notified_at = $15, authority_ref = $16, notification_not_required = $17, ai_high_risk = $18, ai_serious = $19,
		ai_case = $20, ai_reported_at = $21, ai_report_ref = $22, containment = $23, eradication = $24, recovery = $25,
		lessons_learned = $26, contained_at = $27, closed_at = $28, updated_at = $29 WHERE org_id = $1 AND id = $2`, args...)
	if err := mustAffect(res, err, "incident "+i.ID); err != nil {
		return i, err
	}
	if err := tx.record(ctx, RecordIncident, i.ID, ledger.ActionUpdate); err != nil {
		return i, err
	}
	return i, tx.SetIncidentAssets(ctx, i.OrgID, i.ID, i.AssetIDs)
}

// SetIncidentAssets makes the assets an incident affected exactly ids,
// adding and removing rows so that the ledger holds one entry a link that
// changed.
func (tx *Tx) SetIncidentAssets(ctx context.Context, orgID, incidentID string, ids []string) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, asset_id FROM incident_assets WHERE incident_id = $1`, incidentID)
	if err != nil {
		return fmt.Errorf("read incident assets: %w", err)
	}
	have := map[string]string{}
	for rows.Next() {
		var id, asset string
		if err := rows.Scan(&id, &asset); err != nil {
			rows.Close()
			return fmt.Errorf("read incident assets: %w", err)
		}
		have[asset] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read incident assets: %w", err)
	}
	for _, asset := range sortedKeys(have) {
		if slices.Contains(ids, asset) {
			continue
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM incident_assets WHERE id = $1`, have[asset]); err != nil {
			return fmt.Errorf("unlink incident asset: %w", err)
		}
		if err := tx.recordDeletion(ctx, orgID, RecordIncidentAsset, have[asset]); err != nil {
			return err
		}
	}
	for _, asset := range ids {
		if _, ok := have[asset]; ok {
			continue
		}
		have[asset] = ""
		id := NewID()
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO incident_assets (id, org_id, incident_id, asset_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, id, orgID, incidentID, asset, tx.now); err != nil {
			return fmt.Errorf("link incident asset: %w", err)
		}
		if err := tx.record(ctx, RecordIncidentAsset, id, ledger.ActionCreate); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Incident returns one incident with its affected assets.
func (r Reads) Incident(ctx context.Context, orgID, id string) (isms.Incident, error) {
	i, err := scanIncident(r.q.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return i, notFound(err, "incident "+id)
	}
	return i, r.fillIncidentAssets(ctx, orgID, []*isms.Incident{&i})
}

// IncidentByRef returns an incident by its reference number.
func (r Reads) IncidentByRef(ctx context.Context, orgID string, ref int) (isms.Incident, error) {
	i, err := scanIncident(r.q.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE org_id = $1 AND ref_num = $2`,
		orgID, ref))
	if err != nil {
		return i, notFound(err, fmt.Sprintf("incident INC-%03d", ref))
	}
	return i, r.fillIncidentAssets(ctx, orgID, []*isms.Incident{&i})
}

func (r Reads) fillIncidentAssets(ctx context.Context, orgID string, list []*isms.Incident) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[string]*isms.Incident, len(list))
	ids := make([]string, len(list))
	for k, i := range list {
		byID[i.ID], ids[k] = i, i.ID
		i.AssetIDs = []string{}
	}
	// In batches, to stay well below the databases' limits on parameters.
	for batch := range slices.Chunk(ids, 500) {
		w := newWhere()
		w.add("ia.org_id = $%d", orgID)
		w.in("ia.incident_id", batch)
		rows, err := r.q.QueryContext(ctx, `SELECT ia.incident_id, ia.asset_id FROM incident_assets ia JOIN assets a ON a.id = ia.asset_id
			WHERE `+w.sql()+` ORDER BY a.name, a.id`, w.args...)
		if err != nil {
			return fmt.Errorf("incident assets: %w", err)
		}
		for rows.Next() {
			var incident, asset string
			if err := rows.Scan(&incident, &asset); err != nil {
				rows.Close()
				return fmt.Errorf("incident assets: %w", err)
			}
			byID[incident].AssetIDs = append(byID[incident].AssetIDs, asset)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("incident assets: %w", err)
		}
	}
	return nil
}

// IncidentFilter selects incidents of the register.
type IncidentFilter struct {
	// Status is one status, or "open" (not closed) or "closed"; empty
	// means any.
	Status   string
	Category isms.IncidentCategory
	// AI selects the AI categories.
	AI       bool
	Severity isms.IncidentSeverity
	// PersonalData selects the incidents that involve personal data.
	PersonalData bool
	// NotificationDue selects the incidents with a notification or report
	// still to make: personal data without a notification or a reason why
	// none is needed, or a serious incident of a high-risk AI system not
	// yet reported.
	NotificationDue bool
	HandlerID       string
	AssetID         string
	Query           string
	// WithoutAssets leaves AssetIDs empty, for figures that do not need
	// them.
	WithoutAssets bool
	// After is the reference number of the last row of the previous page;
	// the register lists newest first. Limit 0 is a default page; a
	// negative limit reads every incident.
	After int
	Limit int
}

// Incidents lists the register, newest first, with their affected assets.
func (r Reads) Incidents(ctx context.Context, orgID string, f IncidentFilter) ([]isms.Incident, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	switch f.Status {
	case "":
	case "open":
		w.add("status <> 'closed'")
	default:
		w.add("status = $%d", f.Status)
	}
	if f.Category != "" {
		w.add("category = $%d", string(f.Category))
	}
	if f.AI {
		var ai []string
		for _, c := range isms.IncidentCategories {
			if c.AI() {
				ai = append(ai, string(c))
			}
		}
		w.in("category", ai)
	}
	if f.Severity != "" {
		w.add("severity = $%d", string(f.Severity))
	}
	if f.PersonalData {
		w.add("personal_data")
	}
	if f.NotificationDue {
		w.add(`((personal_data AND aware_at IS NOT NULL AND authority_notified_at IS NULL AND notification_not_required = '')
			OR (ai_high_risk AND ai_serious AND aware_at IS NOT NULL AND ai_reported_at IS NULL))`)
	}
	if f.HandlerID != "" {
		w.add("handler_id = $%d", f.HandlerID)
	}
	if f.AssetID != "" {
		w.add("id IN (SELECT incident_id FROM incident_assets WHERE asset_id = $%d)", f.AssetID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if n, err := strconv.Atoi(trimIncidentPrefix(q)); err == nil {
			w.add("(ref_num = $%[1]d OR "+r.contains("title", 2)+")", n, likePattern(q))
		} else {
			w.add("("+r.contains("title", 1)+" OR "+r.contains("description", 1)+")", likePattern(q))
		}
	}
	if f.After > 0 {
		w.add("ref_num < $%d", f.After)
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents WHERE ` + w.sql() + ` ORDER BY ref_num DESC`
	if f.Limit >= 0 {
		query += ` LIMIT ` + w.arg(clampLimit(f.Limit))
	}
	rows, err := r.q.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("incidents: %w", err)
	}
	var out []isms.Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("incidents: %w", err)
		}
		out = append(out, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("incidents: %w", err)
	}
	if f.WithoutAssets {
		return out, nil
	}
	ptrs := make([]*isms.Incident, len(out))
	for k := range out {
		ptrs[k] = &out[k]
	}
	return out, r.fillIncidentAssets(ctx, orgID, ptrs)
}

// trimIncidentPrefix turns "INC-007" into "007" so that a search for a
// reference finds it.
func trimIncidentPrefix(q string) string {
	if len(q) > 4 && strings.EqualFold(q[:4], "INC-") {
		return q[4:]
	}
	return q
}

// CountIncidentsOfAsset counts the incidents that affected an asset.
func (r Reads) CountIncidentsOfAsset(ctx context.Context, orgID, assetID string) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM incident_assets WHERE org_id = $1 AND asset_id = $2`, orgID, assetID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count incidents of asset %s: %w", assetID, err)
	}
	return n, nil
}

// ---------------------------------------------------------------------
// The timeline.

const incidentEventColumns = `id, org_id, incident_id, at, what, who, recorded_by, created_at`

// AddIncidentEvent adds an entry to an incident's timeline.
func (tx *Tx) AddIncidentEvent(ctx context.Context, e isms.IncidentEvent) (isms.IncidentEvent, error) {
	e.ID, e.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO incident_events (`+incidentEventColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ID, e.OrgID, e.IncidentID, e.At.UTC(), e.What, e.Who, nullString(e.RecordedBy), e.CreatedAt)
	if err != nil {
		return e, fmt.Errorf("add incident event: %w", err)
	}
	return e, tx.record(ctx, RecordIncidentEvent, e.ID, ledger.ActionCreate)
}

// IncidentEvents returns an incident's timeline in the order things
// happened.
func (r Reads) IncidentEvents(ctx context.Context, orgID string, incidentIDs ...string) (map[string][]isms.IncidentEvent, error) {
	out := map[string][]isms.IncidentEvent{}
	if len(incidentIDs) == 0 {
		return out, nil
	}
	for batch := range slices.Chunk(incidentIDs, 500) {
		w := newWhere()
		w.add("org_id = $%d", orgID)
		w.in("incident_id", batch)
		rows, err := r.q.QueryContext(ctx, `SELECT `+incidentEventColumns+` FROM incident_events WHERE `+w.sql()+`
			ORDER BY at, created_at, id`, w.args...)
		if err != nil {
			return nil, fmt.Errorf("incident events: %w", err)
		}
		for rows.Next() {
			var (
				e          isms.IncidentEvent
				recordedBy *string
			)
			if err := rows.Scan(&e.ID, &e.OrgID, &e.IncidentID, &e.At, &e.What, &e.Who, &recordedBy, &e.CreatedAt); err != nil {
				rows.Close()
				return nil, fmt.Errorf("incident events: %w", err)
			}
			e.RecordedBy, e.At, e.CreatedAt = deref(recordedBy), e.At.UTC(), e.CreatedAt.UTC()
			out[e.IncidentID] = append(out[e.IncidentID], e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("incident events: %w", err)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------
// Evidence and its chain of custody.

// IncidentEvidenceItem is an evidence item attached to an incident, with
// what the evidence register says of it now and its custody events.
type IncidentEvidenceItem struct {
	isms.IncidentEvidence
	Title    string
	Kind     isms.EvidenceKind
	FileName string
	// StoredSHA256 is the hash the evidence register holds for a file
	// now; it is the same as the one recorded at attachment, since a
	// stored file never changes.
	StoredSHA256 string
	Custody      []isms.CustodyEvent
}

// AttachIncidentEvidence links an evidence item to an incident.
func (tx *Tx) AttachIncidentEvidence(ctx context.Context, e isms.IncidentEvidence) (isms.IncidentEvidence, error) {
	e.ID, e.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO incident_evidence (id, org_id, incident_id, evidence_id, sha256, collected_by,
		collected_at, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, e.ID, e.OrgID, e.IncidentID,
		e.EvidenceID, e.SHA256, e.CollectedBy, e.CollectedAt.UTC(), e.Note, nullString(e.RecordedBy), e.CreatedAt)
	if err != nil {
		return e, conflict(err, "evidence "+e.EvidenceID+" is already attached to this incident")
	}
	return e, tx.record(ctx, RecordIncidentEvidence, e.ID, ledger.ActionCreate)
}

// AddCustodyEvent records a hand-over of an incident's evidence item.
func (tx *Tx) AddCustodyEvent(ctx context.Context, c isms.CustodyEvent) (isms.CustodyEvent, error) {
	c.ID, c.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO incident_custody (id, org_id, incident_evidence_id, at, who, note, recorded_by,
		created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.OrgID, c.IncidentEvidenceID, c.At.UTC(), c.Who, c.Note,
		nullString(c.RecordedBy), c.CreatedAt)
	if err != nil {
		return c, fmt.Errorf("add custody event: %w", err)
	}
	return c, tx.record(ctx, RecordIncidentCustody, c.ID, ledger.ActionCreate)
}

// IncidentEvidence returns the evidence attached to an incident, in the
// order it was collected, each with its custody events in order.
func (r Reads) IncidentEvidence(ctx context.Context, orgID, incidentID string) ([]IncidentEvidenceItem, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT ie.id, ie.org_id, ie.incident_id, ie.evidence_id, ie.sha256, ie.collected_by,
		ie.collected_at, ie.note, ie.recorded_by, ie.created_at, e.title, e.kind, e.file_name, e.sha256
		FROM incident_evidence ie JOIN evidence e ON e.id = ie.evidence_id
		WHERE ie.org_id = $1 AND ie.incident_id = $2 ORDER BY ie.collected_at, ie.id`, orgID, incidentID)
	if err != nil {
		return nil, fmt.Errorf("incident evidence: %w", err)
	}
	var out []IncidentEvidenceItem
	for rows.Next() {
		var (
			it         IncidentEvidenceItem
			recordedBy *string
			kind       string
		)
		if err := rows.Scan(&it.ID, &it.OrgID, &it.IncidentID, &it.EvidenceID, &it.SHA256, &it.CollectedBy, &it.CollectedAt, &it.Note,
			&recordedBy, &it.CreatedAt, &it.Title, &kind, &it.FileName, &it.StoredSHA256); err != nil {
			rows.Close()
			return nil, fmt.Errorf("incident evidence: %w", err)
		}
		it.RecordedBy, it.Kind = deref(recordedBy), isms.EvidenceKind(kind)
		it.CollectedAt, it.CreatedAt = it.CollectedAt.UTC(), it.CreatedAt.UTC()
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("incident evidence: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	index := make(map[string]int, len(out))
	ids := make([]string, len(out))
	for k, it := range out {
		index[it.ID], ids[k] = k, it.ID
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("incident_evidence_id", ids)
	crows, err := r.q.QueryContext(ctx, `SELECT id, org_id, incident_evidence_id, at, who, note, recorded_by, created_at
		FROM incident_custody WHERE `+w.sql()+` ORDER BY at, created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("custody events: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var (
			c          isms.CustodyEvent
			recordedBy *string
		)
		if err := crows.Scan(&c.ID, &c.OrgID, &c.IncidentEvidenceID, &c.At, &c.Who, &c.Note, &recordedBy, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("custody events: %w", err)
		}
		c.RecordedBy, c.At, c.CreatedAt = deref(recordedBy), c.At.UTC(), c.CreatedAt.UTC()
		k := index[c.IncidentEvidenceID]
		out[k].Custody = append(out[k].Custody, c)
	}
	return out, crows.Err()
}

// ---------------------------------------------------------------------
// The records raised from an incident.

// IncidentLinkView is a record raised from an incident, named as people
// know it.
type IncidentLinkView struct {
	isms.IncidentLink
	// Ref is NC-007, OFI-008, R-012, or the control's reference for a
	// control task; Title the record's title; Done says whether the record
	// is closed (a nonconformity), accepted (a risk) or done (a task).
	Ref, Title string
	// Control is the reference of a task's control.
	Control string
	Done    bool
}

// AddIncidentLink records that a record was raised from an incident.
func (tx *Tx) AddIncidentLink(ctx context.Context, l isms.IncidentLink) (isms.IncidentLink, error) {
	l.ID, l.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO incident_links (id, org_id, incident_id, kind, nonconformity_id, risk_id,
		control_task_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, l.ID, l.OrgID, l.IncidentID, string(l.Kind),
		nullString(l.NonconformityID), nullString(l.RiskID), nullString(l.ControlTaskID), l.CreatedAt)
	if err != nil {
		return l, fmt.Errorf("link incident: %w", err)
	}
	return l, tx.record(ctx, RecordIncidentLink, l.ID, ledger.ActionCreate)
}

// IncidentLinks returns the records raised from an incident, oldest first.
func (r Reads) IncidentLinks(ctx context.Context, orgID, incidentID string) ([]IncidentLinkView, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT l.id, l.org_id, l.incident_id, l.kind, l.nonconformity_id, l.risk_id, l.control_task_id,
		l.created_at, n.kind, n.ref_num, n.title, n.closed_at IS NOT NULL, k.ref_num, k.title, k.status, t.title, t.status, c.control
		FROM incident_links l
		LEFT JOIN nonconformities n ON n.id = l.nonconformity_id
		LEFT JOIN risks k ON k.id = l.risk_id
		LEFT JOIN control_tasks t ON t.id = l.control_task_id
		LEFT JOIN controls c ON c.id = t.control_id
		WHERE l.org_id = $1 AND l.incident_id = $2 ORDER BY l.created_at, l.id`, orgID, incidentID)
	if err != nil {
		return nil, fmt.Errorf("incident links: %w", err)
	}
	defer rows.Close()
	var out []IncidentLinkView
	for rows.Next() {
		var (
			v                                  IncidentLinkView
			kind                               string
			nc, risk, task                     *string
			ncKind, ncTitle, riskTitle, riskSt *string
			taskTitle, taskStatus, control     *string
			ncRef, riskRef                     *int
			ncClosed                           *bool
		)
		if err := rows.Scan(&v.ID, &v.OrgID, &v.IncidentID, &kind, &nc, &risk, &task, &v.CreatedAt, &ncKind, &ncRef, &ncTitle, &ncClosed,
			&riskRef, &riskTitle, &riskSt, &taskTitle, &taskStatus, &control); err != nil {
			return nil, fmt.Errorf("incident links: %w", err)
		}
		v.Kind, v.CreatedAt = isms.IncidentLinkKind(kind), v.CreatedAt.UTC()
		v.NonconformityID, v.RiskID, v.ControlTaskID = deref(nc), deref(risk), deref(task)
		switch v.Kind {
		case isms.LinkNonconformity:
			if ncRef != nil {
				v.Ref = isms.Nonconformity{Kind: isms.NCKind(deref(ncKind)), RefNum: *ncRef}.Ref()
			}
			v.Title, v.Done = deref(ncTitle), ncClosed != nil && *ncClosed
		case isms.LinkRisk:
			if riskRef != nil {
				v.Ref = fmt.Sprintf("R-%03d", *riskRef)
			}
			v.Title, v.Done = deref(riskTitle), deref(riskSt) == string(isms.RiskAccepted)
		case isms.LinkControlTask:
			v.Control, v.Title, v.Done = deref(control), deref(taskTitle), deref(taskStatus) == string(isms.TaskDone)
			v.Ref = v.Control
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------
// Figures.

// IncidentCounts counts what an organisation's register holds besides its
// incidents: the records raised from them and the evidence under custody.
type IncidentCounts struct {
	Nonconformities, Risks, ControlTasks int
	EvidenceItems, CustodyEvents         int
}

// IncidentCounts counts the organisation's links and evidence.
func (r Reads) IncidentCounts(ctx context.Context, orgID string) (IncidentCounts, error) {
	var c IncidentCounts
	err := r.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM incident_links WHERE org_id = $1 AND kind = 'nonconformity'),
		(SELECT COUNT(*) FROM incident_links WHERE org_id = $1 AND kind = 'risk'),
		(SELECT COUNT(*) FROM incident_links WHERE org_id = $1 AND kind = 'control_task'),
		(SELECT COUNT(*) FROM incident_evidence WHERE org_id = $1),
		(SELECT COUNT(*) FROM incident_custody WHERE org_id = $1)`, orgID).Scan(&c.Nonconformities, &c.Risks, &c.ControlTasks,
		&c.EvidenceItems, &c.CustodyEvents)
	if err != nil {
		return c, fmt.Errorf("incident counts: %w", err)
	}
	return c, nil
}
