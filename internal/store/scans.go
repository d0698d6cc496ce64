package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// Scan is one import of a scan file.
type Scan struct {
	ID, OrgID                    string
	Name, Policy, Scanner        string
	StartedAt, EndedAt           *time.Time
	FileName, FileSHA256         string
	FileSize                     int64
	EvidenceID                   string
	ImportedBy                   string
	Hosts, Findings              int
	BySeverity                   [5]int
	Compliance                   int
	New, SeenAgain, Fixed, Again int
	AssetsCreated                int
	CreatedAt                    time.Time
}

// ScanHost is a host of a scan, matched to an asset.
type ScanHost struct {
	ID, ScanID, AssetID string
	Name, MatchedBy     string
	FQDN, IP, NetBIOS   string
	MACs                []string
	OS                  string
	Credentialed        bool
	StartedAt, EndedAt  *time.Time
	Properties          map[string]string
	Findings            int
	AssetName           string
}

// Plugin is what a scanner plugin says about the weakness it finds.
type Plugin struct {
	ID                                 int
	Name, Family                       string
	Synopsis, Description, Solution    string
	RiskFactor                         string
	CVSS2Base                          float64
	CVSS2Vector                        string
	CVSS3Base                          float64
	CVSS3Vector                        string
	VPR                                float64
	CVEs, CWEs, References             []string
	ExploitAvailable                   bool
	Published, Modified, PatchReleased string
}

// Seen is one finding as a scan reports it.
type Seen struct {
	AssetID         string
	PluginID        int
	Port            int
	Protocol        string
	Service         string
	Severity        isms.Severity
	Output          string
	OutputTruncated bool
	// At is when the host was scanned; the import's time when the file
	// does not say.
	At time.Time
}

// ComplianceResult is one configuration check of an audit scan.
type ComplianceResult struct {
	CheckName, CheckID, Result, Actual, Policy string
	Info, Solution, AuditFile, Reference       string
}

// ScanWriter writes one import inside a transaction with prepared
// statements: a large scan is hundreds of thousands of rows.
type ScanWriter struct {
	tx      *Tx
	scan    Scan
	sla     isms.SLA
	plugins map[int]bool
	// assets are those whose findings this scan reported on, so that
	// their findings it did not report can be marked fixed at the end.
	assets map[string]bool
	// known holds each asset's findings once read; created the assets
	// this import made, which have none to read.
	known   map[string]map[findingKey]*knownFinding
	created map[string]bool
	// newRows and eventRows wait to be inserted in batches.
	newRows, eventRows []any
	// outputs are the plugin outputs stored by this import, by hash.
	outputs map[string]bool
}

// StartScan inserts the scan row and returns the writer for its content.
// The row is ledgered by Finish, with its final counts.
func (tx *Tx) StartScan(ctx context.Context, s Scan, sla isms.SLA) (*ScanWriter, error) {
	s.ID, s.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO scans (id, org_id, name, policy, scanner, started_at, ended_at, file_name, file_sha256,
		file_size, evidence_id, imported_by, hosts, findings, info, low, medium, high, critical, compliance, new_findings, seen_again,
		fixed, reopened, assets_created, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, $13)`, s.ID, s.OrgID, s.Name, s.Policy, s.Scanner, timeArg(s.StartedAt), timeArg(s.EndedAt), s.FileName,
		s.FileSHA256, s.FileSize, nullString(s.EvidenceID), s.ImportedBy, s.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("record scan: %w", err)
	}
	return &ScanWriter{tx: tx, scan: s, sla: sla, plugins: map[int]bool{}, assets: map[string]bool{},
		known: map[string]map[findingKey]*knownFinding{}, created: map[string]bool{}, outputs: map[string]bool{}}, nil
}

// ScanID is the id of the scan being written.
func (w *ScanWriter) ScanID() string { return w.scan.ID }

// exec runs a statement of the import. The transaction prepares each
// distinct statement once (txConn on SQLite, pgx's cache on PostgreSQL).
func (w *ScanWriter) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return w.tx.tx.ExecContext(ctx, query, args...)
}

// MatchAsset finds the asset a host is, trying each identity kind in the
// order given (fqdn, ip, netbios, mac); it returns the asset and the kind
// that matched, or "" when none did.
func (w *ScanWriter) MatchAsset(ctx context.Context, identities [][2]string) (string, string, error) {
	for _, id := range identities {
		if id[1] == "" {
			continue
		}
		var assetID string
		err := w.tx.tx.QueryRowContext(ctx, `SELECT asset_id FROM asset_identities WHERE org_id = $1 AND kind = $2 AND value = $3
			ORDER BY asset_id LIMIT 1`, w.scan.OrgID, id[0], strings.ToLower(id[1])).Scan(&assetID)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("match host: %w", err)
		}
		return assetID, id[0], nil
	}
	return "", "", nil
}

// CreateAsset adds an asset discovered by the scan.
func (w *ScanWriter) CreateAsset(ctx context.Context, a StoredAsset) (StoredAsset, error) {
	a, err := w.tx.CreateAsset(ctx, a)
	if err == nil {
		w.scan.AssetsCreated++
		w.created[a.ID] = true
	}
	return a, err
}

// AddHost records a host the scan covered.
func (w *ScanWriter) AddHost(ctx context.Context, h ScanHost) error {
	props, err := json.Marshal(h.Properties)
	if err != nil {
		return err
	}
	macs := strings.Join(h.MACs, "\n")
	_, err = w.exec(ctx, `INSERT INTO scan_hosts (id, org_id, scan_id, asset_id, name, matched_by, fqdn, ip, netbios, macs, os,
		credentialed, started_at, ended_at, properties, findings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
		$15, $16)`, NewID(), w.scan.OrgID, w.scan.ID, h.AssetID, h.Name, h.MatchedBy, h.FQDN, h.IP, h.NetBIOS, macs, h.OS, h.Credentialed,
		timeArg(h.StartedAt), timeArg(h.EndedAt), string(props), h.Findings)
	if err != nil {
		return fmt.Errorf("record scan host %s: %w", h.Name, err)
	}
	w.scan.Hosts++
	return nil
}

// Plugin stores what a plugin says, once per import; a later modification
// replaces an earlier one.
func (w *ScanWriter) Plugin(ctx context.Context, p Plugin) error {
	if w.plugins[p.ID] {
		return nil
	}
	w.plugins[p.ID] = true
	list := func(v []string) string { return strings.Join(v, "\n") }
	_, err := w.exec(ctx, `INSERT INTO vuln_plugins (plugin_id, name, family, synopsis, description, solution, risk_factor, cvss2_base,
		cvss2_vector, cvss3_base, cvss3_vector, vpr, cves, cwes, refs, exploit_available, published, modified, patch_published)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (plugin_id) DO UPDATE SET name = excluded.name, family = excluded.family, synopsis = excluded.synopsis,
		description = excluded.description, solution = excluded.solution, risk_factor = excluded.risk_factor,
		cvss2_base = excluded.cvss2_base, cvss2_vector = excluded.cvss2_vector, cvss3_base = excluded.cvss3_base,
		cvss3_vector = excluded.cvss3_vector, vpr = excluded.vpr, cves = excluded.cves, cwes = excluded.cwes, refs = excluded.refs,
		exploit_available = excluded.exploit_available, published = excluded.published, modified = excluded.modified,
		patch_published = excluded.patch_published
		WHERE excluded.modified >= vuln_plugins.modified`, p.ID, p.Name, p.Family, p.Synopsis, p.Description, p.Solution, p.RiskFactor,
		p.CVSS2Base, p.CVSS2Vector, p.CVSS3Base, p.CVSS3Vector, p.VPR, list(p.CVEs), list(p.CWEs), list(p.References), p.ExploitAvailable,
		p.Published, p.Modified, p.PatchReleased)
	if err != nil {
		return fmt.Errorf("record plugin %d: %w", p.ID, err)
	}
	return nil
}

// findingKey names a finding on one asset.
type findingKey struct {
	plugin, port int
	protocol     string
}

// knownFinding is what the writer needs of a stored finding.
type knownFinding struct {
	id, status, lastScan string
	first                time.Time
}

// loadAsset reads the findings an asset already has, once per asset and
// import: one query instead of one per reported finding. A discovered
// asset, made by this import, has none.
func (w *ScanWriter) loadAsset(ctx context.Context, assetID string) (map[findingKey]*knownFinding, error) {
	if m, ok := w.known[assetID]; ok {
		return m, nil
	}
	m := map[findingKey]*knownFinding{}
	w.known[assetID] = m
	if w.created[assetID] {
		return m, nil
	}
	rows, err := w.tx.tx.QueryContext(ctx, `SELECT id, plugin_id, port, protocol, status, first_seen, last_scan_id FROM findings
		WHERE asset_id = $1`, assetID)
	if err != nil {
		return nil, fmt.Errorf("read findings of asset %s: %w", assetID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k  findingKey
			kf knownFinding
		)
		if err := rows.Scan(&kf.id, &k.plugin, &k.port, &k.protocol, &kf.status, &kf.first, &kf.lastScan); err != nil {
			return nil, fmt.Errorf("read findings of asset %s: %w", assetID, err)
		}
		kf.first = kf.first.UTC()
		m[k] = &kf
	}
	return m, rows.Err()
}

// See records a finding the scan reports: new, seen again, or back after
// being fixed. It returns which. New findings and every event are written
// in batches; Finish writes what is left.
func (w *ScanWriter) See(ctx context.Context, f Seen) (string, error) {
	w.assets[f.AssetID] = true
	at := w.tx.now
	if !f.At.IsZero() {
		at = f.At.UTC().Truncate(time.Microsecond)
	}
	known, err := w.loadAsset(ctx, f.AssetID)
	if err != nil {
		return "", err
	}
	key := findingKey{f.PluginID, f.Port, f.Protocol}
	kf := known[key]
	if kf != nil && kf.lastScan == w.scan.ID {
		// The same host, plugin and port twice in one file: the second
		// adds nothing.
		return "duplicate", nil
	}
	outHash, err := w.output(ctx, f.Output)
	if err != nil {
		return "", err
	}
	kind := "seen"
	switch {
	case kf == nil:
		kind = "new"
		kf = &knownFinding{id: NewID(), status: string(isms.FindingOpen), first: at}
		known[key] = kf
		w.newRows = append(w.newRows, kf.id, w.scan.OrgID, f.AssetID, f.PluginID, f.Port, f.Protocol, f.Service, int(f.Severity), outHash,
			f.OutputTruncated, "open", at, at, timeArg(w.sla.Due(f.Severity, at)), w.scan.ID, w.scan.ID)
		w.scan.New++
	default:
		if kf.status == string(isms.FindingFixed) {
			// Back after a fix: the remediation clock starts again.
			kind, kf.first = "reopened", at
			w.scan.Again++
		} else {
			w.scan.SeenAgain++
		}
		if _, err := w.exec(ctx, `UPDATE findings SET service = $2, severity = $3, output_hash = $4, output_truncated = $5, status = 'open',
			last_seen = $6, fixed_at = NULL, due_date = $7, last_scan_id = $8 WHERE id = $1`, kf.id, f.Service, int(f.Severity), outHash,
			f.OutputTruncated, at, timeArg(w.sla.Due(f.Severity, kf.first)), w.scan.ID); err != nil {
			return "", fmt.Errorf("record finding: %w", err)
		}
	}
	kf.lastScan, kf.status = w.scan.ID, string(isms.FindingOpen)
	w.scan.Findings++
	if f.Severity >= 0 && int(f.Severity) < len(w.scan.BySeverity) {
		w.scan.BySeverity[f.Severity]++
	}
	// A finding's first sighting is its first_seen and first_scan_id;
	// only later ones need an event row, which halves the rows of a first
	// import.
	if kind != "new" {
		w.eventRows = append(w.eventRows, w.scan.OrgID, kf.id, w.scan.ID, kind, int(f.Severity), at)
	}
	if len(w.newRows)/findingCols >= batchRows || len(w.eventRows)/eventCols >= batchRows {
		return kind, w.flush(ctx)
	}
	return kind, nil
}

// output stores a plugin output once and returns its key: the SHA-256 of
// the text. The writer remembers what it stored, so repeated text costs a
// hash and a map lookup.
func (w *ScanWriter) output(ctx context.Context, text string) (string, error) {
	sum := sha256.Sum256([]byte(text))
	h := hex.EncodeToString(sum[:])
	if w.outputs[h] {
		return h, nil
	}
	w.outputs[h] = true
	if _, err := w.exec(ctx, `INSERT INTO finding_outputs (hash, text) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING`, h, text); err != nil {
		return "", fmt.Errorf("record plugin output: %w", err)
	}
	return h, nil
}

// Rows per INSERT statement: statements cost more than rows, and 200 rows
// of 16 values stay far below both databases' limits on parameters.
const (
	batchRows   = 200
	findingCols = 16
	eventCols   = 6
)

// flush writes the buffered new findings, then their events.
func (w *ScanWriter) flush(ctx context.Context) error {
	if err := w.insertRows(ctx, `INSERT INTO findings (id, org_id, asset_id, plugin_id, port, protocol, service, severity,
		output_hash, output_truncated, status, first_seen, last_seen, due_date, first_scan_id, last_scan_id) VALUES `, findingCols,
		w.newRows); err != nil {
		return fmt.Errorf("record findings: %w", err)
	}
	w.newRows = w.newRows[:0]
	if err := w.insertRows(ctx, `INSERT INTO finding_events (org_id, finding_id, scan_id, kind, severity, at) VALUES `, eventCols,
		w.eventRows); err != nil {
		return fmt.Errorf("record finding events: %w", err)
	}
	w.eventRows = w.eventRows[:0]
	return nil
}

// insertRows inserts rows of cols values each, batchRows at a time and the
// rest in batches of powers of two, so that however many rows a host has,
// a table's inserts take at most nine statement shapes, which the
// transaction prepares once.
func (w *ScanWriter) insertRows(ctx context.Context, head string, cols int, vals []any) error {
	for len(vals) > 0 {
		n := min(len(vals)/cols, batchRows)
		if n < batchRows {
			n = 1 << (bits.Len(uint(n)) - 1)
		}
		if _, err := w.exec(ctx, head+valuesList(w.tx.dialect, n, cols), vals[:n*cols]...); err != nil {
			return err
		}
		vals = vals[n*cols:]
	}
	return nil
}

// valuesList is "($1, …, $cols), …" for n rows. SQLite gets anonymous
// "?" parameters: it resolves a numbered one like $7 by a linear search of
// the statement's names, which makes binding a batch quadratic.
func valuesList(d Dialect, n, cols int) string {
	var b strings.Builder
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			if d == SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", r*cols+c+1)
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Compliance records a configuration check result.
func (w *ScanWriter) Compliance(ctx context.Context, assetID string, pluginID int, c ComplianceResult) error {
	_, err := w.exec(ctx, `INSERT INTO compliance_results (id, org_id, scan_id, asset_id, plugin_id, check_name, check_id, result, actual,
		policy, info, solution, audit_file, reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, NewID(),
		w.scan.OrgID, w.scan.ID, assetID, pluginID, c.CheckName, c.CheckID, c.Result, c.Actual, c.Policy, c.Info, c.Solution, c.AuditFile,
		c.Reference)
	if err != nil {
		return fmt.Errorf("record compliance result: %w", err)
	}
	w.scan.Compliance++
	return nil
}

// Covered marks an asset as scanned even when the scan reports nothing
// on it, so its open findings are fixed.
func (w *ScanWriter) Covered(assetID string) { w.assets[assetID] = true }

// EndHost writes what a host left buffered and forgets its asset's
// findings, so that memory follows one host, not the whole file. Should the
// asset come again in the same file, its findings are read back.
func (w *ScanWriter) EndHost(ctx context.Context, assetID string) error {
	if err := w.flush(ctx); err != nil {
		return err
	}
	delete(w.known, assetID)
	delete(w.created, assetID)
	return nil
}

// Finish marks fixed the open findings of every scanned asset that this
// scan did not report, writes the counts and ledgers the scan.
func (w *ScanWriter) Finish(ctx context.Context) (Scan, error) {
	if err := w.flush(ctx); err != nil {
		return w.scan, err
	}
	at := w.tx.now
	if w.scan.EndedAt != nil {
		at = w.scan.EndedAt.UTC().Truncate(time.Microsecond)
	}
	for assetID := range w.assets {
		if _, err := w.exec(ctx, `INSERT INTO finding_events (org_id, finding_id, scan_id, kind, severity, at)
			SELECT org_id, id, $2, 'fixed', severity, $3 FROM findings WHERE asset_id = $1 AND status = 'open' AND last_scan_id <> $2`,
			assetID, w.scan.ID, at); err != nil {
			return w.scan, fmt.Errorf("record fixed findings: %w", err)
		}
		res, err := w.exec(ctx, `UPDATE findings SET status = 'fixed', fixed_at = $3 WHERE asset_id = $1 AND status = 'open'
			AND last_scan_id <> $2`, assetID, w.scan.ID, at)
		if err != nil {
			return w.scan, fmt.Errorf("mark findings fixed: %w", err)
		}
		n, _ := res.RowsAffected()
		w.scan.Fixed += int(n)
	}
	s := w.scan
	_, err := w.tx.tx.ExecContext(ctx, `UPDATE scans SET started_at = $2, ended_at = $3, hosts = $4, findings = $5, info = $6, low = $7,
		medium = $8, high = $9, critical = $10, compliance = $11, new_findings = $12, seen_again = $13, fixed = $14, reopened = $15,
		assets_created = $16, name = $17, policy = $18, scanner = $19, file_sha256 = $20, file_size = $21, evidence_id = $22
		WHERE id = $1`, s.ID, timeArg(s.StartedAt), timeArg(s.EndedAt), s.Hosts, s.Findings, s.BySeverity[0], s.BySeverity[1],
		s.BySeverity[2], s.BySeverity[3], s.BySeverity[4], s.Compliance, s.New, s.SeenAgain, s.Fixed, s.Again, s.AssetsCreated, s.Name,
		s.Policy, s.Scanner, s.FileSHA256, s.FileSize, nullString(s.EvidenceID))
	if err != nil {
		return s, fmt.Errorf("count scan: %w", err)
	}
	return s, w.tx.record(ctx, RecordScan, s.ID, ledger.ActionCreate)
}

// Name is the scan's name as it stands.
func (w *ScanWriter) Name() string { return w.scan.Name }

// SetFile records the stored scan file and its evidence item, known only
// once the whole file has streamed in.
func (w *ScanWriter) SetFile(sha string, size int64, evidenceID string) {
	w.scan.FileSHA256, w.scan.FileSize, w.scan.EvidenceID = sha, size, evidenceID
}

// SetMeta sets what the file says of the scan once every host is read.
func (w *ScanWriter) SetMeta(name, policy, scanner string, start, end *time.Time) {
	if name != "" {
		w.scan.Name = name
	}
	w.scan.Policy, w.scan.Scanner, w.scan.StartedAt, w.scan.EndedAt = policy, scanner, start, end
}
