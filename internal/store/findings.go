package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const scanColumns = `id, org_id, name, policy, scanner, started_at, ended_at, file_name, file_sha256, file_size, evidence_id,
	imported_by, hosts, findings, info, low, medium, high, critical, compliance, new_findings, seen_again, fixed, reopened,
	assets_created, created_at`

func scanScan(row interface{ Scan(...any) error }) (Scan, error) {
	var (
		s          Scan
		start, end nullTime
		evidence   *string
	)
	err := row.Scan(&s.ID, &s.OrgID, &s.Name, &s.Policy, &s.Scanner, &start, &end, &s.FileName, &s.FileSHA256, &s.FileSize, &evidence,
		&s.ImportedBy, &s.Hosts, &s.Findings, &s.BySeverity[0], &s.BySeverity[1], &s.BySeverity[2], &s.BySeverity[3], &s.BySeverity[4],
		&s.Compliance, &s.New, &s.SeenAgain, &s.Fixed, &s.Again, &s.AssetsCreated, &s.CreatedAt)
	s.StartedAt, s.EndedAt, s.EvidenceID = start.ptr(), end.ptr(), deref(evidence)
	s.CreatedAt = s.CreatedAt.UTC()
	return s, err
}

// Scans lists an organisation's imports, newest first.
func (r Reads) Scans(ctx context.Context, orgID string, limit int) ([]Scan, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		orgID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	defer rows.Close()
	var out []Scan
	for rows.Next() {
		s, err := scanScan(rows)
		if err != nil {
			return nil, fmt.Errorf("list scans: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ScanByID returns one import.
func (r Reads) ScanByID(ctx context.Context, orgID, id string) (Scan, error) {
	s, err := scanScan(r.q.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return s, notFound(err, "scan "+id)
	}
	return s, nil
}

// ScanBySHA returns the organisation's import of the file with this
// SHA-256, or ErrNotFound.
func (r Reads) ScanBySHA(ctx context.Context, orgID, sha string) (Scan, error) {
	s, err := scanScan(r.q.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE org_id = $1 AND file_sha256 = $2
		ORDER BY created_at LIMIT 1`, orgID, sha))
	if err != nil {
		return s, notFound(err, "scan of file "+sha)
	}
	return s, nil
}

// PreviousScan returns the import before s that covered any of the same
// assets, or ErrNotFound.
func (r Reads) PreviousScan(ctx context.Context, s Scan) (Scan, error) {
	// Ids are time-ordered, so they break ties between imports made in
	// the same instant.
	p, err := scanScan(r.q.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE org_id = $1
		AND (created_at < $2 OR (created_at = $2 AND id < $3))
		AND id IN (SELECT h.scan_id FROM scan_hosts h WHERE h.asset_id IN (SELECT asset_id FROM scan_hosts WHERE scan_id = $3))
		ORDER BY created_at DESC, id DESC LIMIT 1`, s.OrgID, s.CreatedAt, s.ID))
	if err != nil {
		return p, notFound(err, "previous scan")
	}
	return p, nil
}

// ScanHosts lists the hosts of a scan with the asset each matched.
func (r Reads) ScanHosts(ctx context.Context, orgID, scanID string) ([]ScanHost, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT h.id, h.scan_id, h.asset_id, h.name, h.matched_by, h.fqdn, h.ip, h.netbios, h.macs, h.os,
		h.credentialed, h.started_at, h.ended_at, h.findings, a.name FROM scan_hosts h JOIN assets a ON a.id = h.asset_id
		WHERE h.org_id = $1 AND h.scan_id = $2 ORDER BY h.name, h.id`, orgID, scanID)
	if err != nil {
		return nil, fmt.Errorf("scan hosts: %w", err)
	}
	defer rows.Close()
	var out []ScanHost
	for rows.Next() {
		var (
			h          ScanHost
			macs       string
			start, end nullTime
		)
		if err := rows.Scan(&h.ID, &h.ScanID, &h.AssetID, &h.Name, &h.MatchedBy, &h.FQDN, &h.IP, &h.NetBIOS, &macs, &h.OS, &h.Credentialed,
			&start, &end, &h.Findings, &h.AssetName); err != nil {
			return nil, fmt.Errorf("scan hosts: %w", err)
		}
		if macs != "" {
			h.MACs = strings.Split(macs, "\n")
		}
		h.StartedAt, h.EndedAt = start.ptr(), end.ptr()
		out = append(out, h)
	}
	return out, rows.Err()
}

// Finding is a finding with what its plugin says and the asset it is on.
type Finding struct {
	ID, OrgID, AssetID, AssetName string
	AssetType                     isms.AssetType
	AssetLifecycle                isms.Lifecycle
	Plugin                        Plugin
	Port                          int
	Protocol, Service             string
	Severity                      isms.Severity
	Output                        string
	OutputTruncated               bool
	Status                        isms.FindingStatus
	FirstSeen, LastSeen           time.Time
	FixedAt, DueDate              *time.Time
	FirstScanID, LastScanID       string
	RiskID                        string
}

// Overdue reports whether an open finding is past its remediation date.
func (f Finding) Overdue(now time.Time) bool {
	return f.Status == isms.FindingOpen && f.DueDate != nil && f.DueDate.Before(now)
}

const findingColumns = `f.id, f.org_id, f.asset_id, a.name, a.type, a.lifecycle, f.port, f.protocol, f.service, f.severity, o.text,
	f.output_truncated, f.status, f.first_seen, f.last_seen, f.fixed_at, f.due_date, f.first_scan_id, f.last_scan_id, f.risk_id,
	p.plugin_id, p.name, p.family, p.synopsis, p.description, p.solution, p.risk_factor, p.cvss2_base, p.cvss2_vector, p.cvss3_base,
	p.cvss3_vector, p.vpr, p.cves, p.cwes, p.refs, p.exploit_available, p.published, p.modified, p.patch_published`

// findingJoins are what a filter may name; counting needs no more.
const findingJoins = ` FROM findings f JOIN assets a ON a.id = f.asset_id JOIN vuln_plugins p ON p.plugin_id = f.plugin_id`

const findingFrom = findingJoins + ` JOIN finding_outputs o ON o.hash = f.output_hash`

func scanFinding(row interface{ Scan(...any) error }) (Finding, error) {
	var (
		f                Finding
		atype, lifecycle string
		status           string
		sev              int
		fixed, due       nullTime
		risk             *string
		cves, cwes, refs string
	)
	p := &f.Plugin
	err := row.Scan(&f.ID, &f.OrgID, &f.AssetID, &f.AssetName, &atype, &lifecycle, &f.Port, &f.Protocol, &f.Service, &sev, &f.Output,
		&f.OutputTruncated, &status, &f.FirstSeen, &f.LastSeen, &fixed, &due, &f.FirstScanID, &f.LastScanID, &risk,
		&p.ID, &p.Name, &p.Family, &p.Synopsis, &p.Description, &p.Solution, &p.RiskFactor, &p.CVSS2Base, &p.CVSS2Vector, &p.CVSS3Base,
		&p.CVSS3Vector, &p.VPR, &cves, &cwes, &refs, &p.ExploitAvailable, &p.Published, &p.Modified, &p.PatchReleased)
	f.AssetType, f.AssetLifecycle, f.Status, f.Severity = isms.AssetType(atype), isms.Lifecycle(lifecycle), isms.FindingStatus(status), isms.Severity(sev)
	f.FixedAt, f.DueDate, f.RiskID = fixed.ptr(), due.ptr(), deref(risk)
	f.FirstSeen, f.LastSeen = f.FirstSeen.UTC(), f.LastSeen.UTC()
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	p.CVEs, p.CWEs, p.References = split(cves), split(cwes), split(refs)
	return f, err
}

// FindingFilter narrows the findings list; empty fields do not filter.
type FindingFilter struct {
	Status   isms.FindingStatus
	Severity *isms.Severity
	// MinSeverity keeps findings at or above it.
	MinSeverity *isms.Severity
	AssetID     string
	PluginID    int
	CVE         string
	Overdue     bool
	ScanID      string
	// RiskID keeps the findings a risk was raised from.
	RiskID string
	Cursor string
	Limit  int
}

func (r Reads) findingWhere(orgID string, f FindingFilter, now time.Time) (*where, error) {
	w := newWhere()
	w.add("f.org_id = $%d", orgID)
	if f.Status != "" {
		w.add("f.status = $%d", string(f.Status))
	}
	if f.Severity != nil {
		w.add("f.severity = $%d", int(*f.Severity))
	}
	if f.MinSeverity != nil {
		w.add("f.severity >= $%d", int(*f.MinSeverity))
	}
	if f.AssetID != "" {
		w.add("f.asset_id = $%d", f.AssetID)
	}
	if f.PluginID != 0 {
		w.add("f.plugin_id = $%d", f.PluginID)
	}
	if f.CVE != "" {
		// CVEs are stored one a line; match a whole line.
		cve := strings.ToUpper(strings.TrimSpace(f.CVE))
		w.add("($%d || p.cves || $%[1]d) LIKE $%d", "\n", "%\n"+cve+"\n%")
	}
	if f.Overdue {
		w.add("f.status = 'open' AND f.due_date < $%d", now)
	}
	if f.RiskID != "" {
		w.add("f.risk_id = $%d", f.RiskID)
	}
	if f.ScanID != "" {
		w.add("(f.first_scan_id = $%d OR f.id IN (SELECT finding_id FROM finding_events WHERE scan_id = $%[1]d))", f.ScanID)
	}
	if f.Cursor != "" {
		key, err := DecodeCursor("cursor", f.Cursor)
		if err != nil {
			return nil, err
		}
		sev, id, ok := strings.Cut(key, " ")
		n, nerr := strconv.Atoi(sev)
		if !ok || nerr != nil {
			return nil, isms.Invalid("cursor", "is not a cursor returned by this list")
		}
		w.add("(f.severity < $%d OR (f.severity = $%[1]d AND f.id > $%d))", n, id)
	}
	return w, nil
}

// FindingCursor is the cursor of the page after f.
func FindingCursor(f Finding) string {
	return EncodeCursor(strconv.Itoa(int(f.Severity)) + " " + f.ID)
}

// ListFindings returns findings, most severe first.
func (r Reads) ListFindings(ctx context.Context, orgID string, f FindingFilter, now time.Time) ([]Finding, error) {
	w, err := r.findingWhere(orgID, f, now)
	if err != nil {
		return nil, err
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+findingColumns+findingFrom+` WHERE `+w.sql()+` ORDER BY f.severity DESC, f.id LIMIT `+
		w.arg(clampLimit(f.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("list findings: %w", err)
		}
		out = append(out, fd)
	}
	return out, rows.Err()
}

// CountFindings counts the findings a filter selects.
func (r Reads) CountFindings(ctx context.Context, orgID string, f FindingFilter, now time.Time) (int, error) {
	f.Cursor = ""
	w, err := r.findingWhere(orgID, f, now)
	if err != nil {
		return 0, err
	}
	var n int
	err = r.q.QueryRowContext(ctx, `SELECT COUNT(*)`+findingJoins+` WHERE `+w.sql(), w.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count findings: %w", err)
	}
	return n, nil
}

// FindingByID returns one finding.
func (r Reads) FindingByID(ctx context.Context, orgID, id string) (Finding, error) {
	f, err := scanFinding(r.q.QueryRowContext(ctx, `SELECT `+findingColumns+findingFrom+` WHERE f.org_id = $1 AND f.id = $2`, orgID, id))
	if err != nil {
		return f, notFound(err, "finding "+id)
	}
	return f, nil
}

// FindingEvent is one scan's word on a finding.
type FindingEvent struct {
	ScanID, ScanName string
	Kind             string
	Severity         isms.Severity
	At               time.Time
}

// FindingEvents returns a finding's history, oldest first.
func (r Reads) FindingEvents(ctx context.Context, orgID, findingID string) ([]FindingEvent, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT f.first_scan_id, s.name, 'new', f.severity, f.first_seen, s.created_at FROM findings f
		JOIN scans s ON s.id = f.first_scan_id WHERE f.org_id = $1 AND f.id = $2
		UNION ALL
		SELECT e.scan_id, s.name, e.kind, e.severity, e.at, s.created_at FROM finding_events e JOIN scans s ON s.id = e.scan_id
		WHERE e.org_id = $1 AND e.finding_id = $2 ORDER BY 6, 5`, orgID, findingID)
	if err != nil {
		return nil, fmt.Errorf("finding history: %w", err)
	}
	defer rows.Close()
	var out []FindingEvent
	for rows.Next() {
		var (
			e   FindingEvent
			sev int
		)
		var imported time.Time
		if err := rows.Scan(&e.ScanID, &e.ScanName, &e.Kind, &sev, &e.At, &imported); err != nil {
			return nil, fmt.Errorf("finding history: %w", err)
		}
		e.Severity, e.At = isms.Severity(sev), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetFindingRisk records the risk raised from a finding.
func (tx *Tx) SetFindingRisk(ctx context.Context, orgID, findingID, riskID string) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE findings SET risk_id = $3 WHERE org_id = $1 AND id = $2`, orgID, findingID, riskID)
	return mustAffect(res, err, "finding "+findingID)
}

// ScanChange counts what a scan changed, by kind of event and severity.
type ScanChange struct {
	Kind     string
	Severity isms.Severity
	Count    int
}

// ScanChanges counts the events of a scan: new, seen again, fixed and
// reopened findings by severity.
func (r Reads) ScanChanges(ctx context.Context, orgID, scanID string) ([]ScanChange, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT kind, severity, COUNT(*) FROM finding_events WHERE org_id = $1 AND scan_id = $2
		GROUP BY kind, severity
		UNION ALL
		SELECT 'new', severity, COUNT(*) FROM findings WHERE org_id = $1 AND first_scan_id = $2 GROUP BY severity
		ORDER BY 1, 2 DESC`, orgID, scanID)
	if err != nil {
		return nil, fmt.Errorf("scan changes: %w", err)
	}
	defer rows.Close()
	var out []ScanChange
	for rows.Next() {
		var (
			c   ScanChange
			sev int
		)
		if err := rows.Scan(&c.Kind, &sev, &c.Count); err != nil {
			return nil, fmt.Errorf("scan changes: %w", err)
		}
		c.Severity = isms.Severity(sev)
		out = append(out, c)
	}
	return out, rows.Err()
}

// VulnMetrics are the figures of vulnerability management an ISMS
// reports: open findings by severity, the share remediated within their
// deadline, and the mean time to remediate.
type VulnMetrics struct {
	OpenBySeverity [5]int
	Overdue        int
	// ClosedInTime and ClosedLate count fixed findings that had a
	// deadline; OpenLate the open ones past it.
	ClosedInTime, ClosedLate int
	MeanDaysToFix            float64
	Fixed                    int
}

// VulnMetrics computes the figures at now.
func (r Reads) VulnMetrics(ctx context.Context, orgID string, now time.Time) (VulnMetrics, error) {
	var m VulnMetrics
	rows, err := r.q.QueryContext(ctx, `SELECT severity, COUNT(*), SUM(CASE WHEN due_date < $2 THEN 1 ELSE 0 END) FROM findings
		WHERE org_id = $1 AND status = 'open' GROUP BY severity`, orgID, now)
	if err != nil {
		return m, fmt.Errorf("finding metrics: %w", err)
	}
	for rows.Next() {
		var sev, n int
		var late sql.NullInt64
		if err := rows.Scan(&sev, &n, &late); err != nil {
			rows.Close()
			return m, fmt.Errorf("finding metrics: %w", err)
		}
		if sev >= 0 && sev < 5 {
			m.OpenBySeverity[sev] = n
		}
		m.Overdue += int(late.Int64)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}
	var (
		inTime, late sql.NullInt64
		fixed        int
	)
	err = r.q.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN due_date IS NOT NULL AND fixed_at <= due_date THEN 1 ELSE 0 END),
		SUM(CASE WHEN due_date IS NOT NULL AND fixed_at > due_date THEN 1 ELSE 0 END) FROM findings WHERE org_id = $1 AND status = 'fixed'`,
		orgID).Scan(&fixed, &inTime, &late)
	if err != nil {
		return m, fmt.Errorf("finding metrics: %w", err)
	}
	m.Fixed, m.ClosedInTime, m.ClosedLate = fixed, int(inTime.Int64), int(late.Int64)
	// Days to fix are computed here, not in SQL: date arithmetic differs
	// between the two databases.
	frows, err := r.q.QueryContext(ctx, `SELECT first_seen, fixed_at FROM findings WHERE org_id = $1 AND status = 'fixed' AND fixed_at IS NOT NULL`,
		orgID)
	if err != nil {
		return m, fmt.Errorf("finding metrics: %w", err)
	}
	defer frows.Close()
	total, n := 0.0, 0
	for frows.Next() {
		var first, fixedAt time.Time
		if err := frows.Scan(&first, &fixedAt); err != nil {
			return m, fmt.Errorf("finding metrics: %w", err)
		}
		total += fixedAt.Sub(first).Hours() / 24
		n++
	}
	if n > 0 {
		m.MeanDaysToFix = total / float64(n)
	}
	return m, frows.Err()
}

// ComplianceResults lists a scan's configuration checks, failures first.
func (r Reads) ComplianceResults(ctx context.Context, orgID, scanID string, limit int) ([]ComplianceRow, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT c.id, c.asset_id, a.name, c.plugin_id, c.check_name, c.check_id, c.result, c.actual, c.policy,
		c.info, c.solution, c.audit_file, c.reference FROM compliance_results c JOIN assets a ON a.id = c.asset_id
		WHERE c.org_id = $1 AND c.scan_id = $2 ORDER BY CASE c.result WHEN 'FAILED' THEN 0 WHEN 'WARNING' THEN 1 WHEN 'ERROR' THEN 2 ELSE 3 END,
		c.check_name, c.id LIMIT $3`, orgID, scanID, limit)
	if err != nil {
		return nil, fmt.Errorf("compliance results: %w", err)
	}
	defer rows.Close()
	var out []ComplianceRow
	for rows.Next() {
		var c ComplianceRow
		if err := rows.Scan(&c.ID, &c.AssetID, &c.AssetName, &c.PluginID, &c.CheckName, &c.CheckID, &c.Result, &c.Actual, &c.Policy, &c.Info,
			&c.Solution, &c.AuditFile, &c.Reference); err != nil {
			return nil, fmt.Errorf("compliance results: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ComplianceRow is a stored configuration check result.
type ComplianceRow struct {
	ComplianceResult
	ID, AssetID, AssetName string
	PluginID               int
}

// VulnSLA returns the organisation's remediation deadlines, the defaults
// until it sets its own.
func (r Reads) VulnSLA(ctx context.Context, orgID string) (isms.SLA, error) {
	var s isms.SLA
	err := r.q.QueryRowContext(ctx, `SELECT critical_days, high_days, medium_days, low_days FROM vulnerability_slas WHERE org_id = $1`,
		orgID).Scan(&s.CriticalDays, &s.HighDays, &s.MediumDays, &s.LowDays)
	if err == sql.ErrNoRows {
		return isms.DefaultSLA, nil
	}
	if err != nil {
		return s, fmt.Errorf("remediation deadlines: %w", err)
	}
	return s, nil
}

// SetVulnSLA records the organisation's deadlines and moves the due dates
// of its open findings to them.
func (tx *Tx) SetVulnSLA(ctx context.Context, orgID string, s isms.SLA) error {
	var id string
	err := tx.tx.QueryRowContext(ctx, `SELECT id FROM vulnerability_slas WHERE org_id = $1`, orgID).Scan(&id)
	action := ledger.ActionUpdate
	switch {
	case err == sql.ErrNoRows:
		id, action = NewID(), ledger.ActionCreate
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO vulnerability_slas (id, org_id, critical_days, high_days, medium_days, low_days, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, orgID, s.CriticalDays, s.HighDays, s.MediumDays, s.LowDays, tx.now)
	case err == nil:
		_, err = tx.tx.ExecContext(ctx, `UPDATE vulnerability_slas SET critical_days = $2, high_days = $3, medium_days = $4, low_days = $5,
			updated_at = $6 WHERE id = $1`, id, s.CriticalDays, s.HighDays, s.MediumDays, s.LowDays, tx.now)
	}
	if err != nil {
		return fmt.Errorf("remediation deadlines: %w", err)
	}
	if err := tx.record(ctx, RecordVulnSLA, id, action); err != nil {
		return err
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, severity, first_seen FROM findings WHERE org_id = $1 AND status = 'open'`, orgID)
	if err != nil {
		return fmt.Errorf("reschedule findings: %w", err)
	}
	type due struct {
		id string
		at *time.Time
	}
	var dues []due
	for rows.Next() {
		var (
			fid   string
			sev   int
			first time.Time
		)
		if err := rows.Scan(&fid, &sev, &first); err != nil {
			rows.Close()
			return fmt.Errorf("reschedule findings: %w", err)
		}
		dues = append(dues, due{fid, s.Due(isms.Severity(sev), first.UTC())})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range dues {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE findings SET due_date = $2 WHERE id = $1`, d.id, timeArg(d.at)); err != nil {
			return fmt.Errorf("reschedule findings: %w", err)
		}
	}
	return nil
}

// CountScans counts the organisation's imports.
func (r Reads) CountScans(ctx context.Context, orgID string) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM scans WHERE org_id = $1`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count scans: %w", err)
	}
	return n, nil
}

// AssetScanned reports whether a scan covered the asset.
func (r Reads) AssetScanned(ctx context.Context, orgID, assetID string) (bool, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM scan_hosts WHERE org_id = $1 AND asset_id = $2`, orgID, assetID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("asset scans: %w", err)
	}
	return n > 0, nil
}
