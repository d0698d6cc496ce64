package httpapi

import (
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// scanImportTypes are the media types a scan file may be sent as. The
// content decides whether it is a Nessus v2 file.
var scanImportTypes = []string{"application/xml", "text/xml", "application/octet-stream"}

// severityCountsJSON counts findings by severity.
type severityCountsJSON struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

func toSeverityCounts(by [5]int) severityCountsJSON {
	return severityCountsJSON{Critical: by[isms.SeverityCritical], High: by[isms.SeverityHigh], Medium: by[isms.SeverityMedium],
		Low: by[isms.SeverityLow], Info: by[isms.SeverityInfo]}
}

// scanJSON is an import of a scan file.
type scanJSON struct {
	ID            string             `json:"id"`
	Name          string             `json:"name"`
	Policy        string             `json:"policy"`
	Scanner       string             `json:"scanner"`
	StartedAt     *time.Time         `json:"started_at"`
	EndedAt       *time.Time         `json:"ended_at"`
	FileName      string             `json:"file_name"`
	FileSHA256    string             `json:"file_sha256"`
	FileSize      int64              `json:"file_size"`
	EvidenceID    *string            `json:"evidence_id"`
	ImportedBy    string             `json:"imported_by"`
	Hosts         int                `json:"host_count"`
	Findings      int                `json:"finding_count"`
	BySeverity    severityCountsJSON `json:"by_severity"`
	Compliance    int                `json:"compliance_count"`
	New           int                `json:"new"`
	SeenAgain     int                `json:"seen_again"`
	Fixed         int                `json:"fixed"`
	Reopened      int                `json:"reopened"`
	AssetsCreated int                `json:"assets_created"`
	CreatedAt     time.Time          `json:"created_at"`
}

func toScanJSON(s store.Scan) scanJSON {
	return scanJSON{ID: s.ID, Name: s.Name, Policy: s.Policy, Scanner: s.Scanner, StartedAt: s.StartedAt, EndedAt: s.EndedAt,
		FileName: s.FileName, FileSHA256: s.FileSHA256, FileSize: s.FileSize, EvidenceID: nullable(s.EvidenceID), ImportedBy: s.ImportedBy,
		Hosts: s.Hosts, Findings: s.Findings, BySeverity: toSeverityCounts(s.BySeverity), Compliance: s.Compliance, New: s.New,
		SeenAgain: s.SeenAgain, Fixed: s.Fixed, Reopened: s.Again, AssetsCreated: s.AssetsCreated, CreatedAt: s.CreatedAt}
}

// scanCreatedJSON is a new import.
type scanCreatedJSON struct {
	scanJSON
	// NewFile is false when the evidence store already held the file's
	// content (under another name, or from an evidence upload).
	NewFile bool `json:"new_file"`
}

// maxScanFile bounds a scan upload: the largest scan file the app takes,
// and a little more, so that the import, not the body's bound, refuses a
// file one byte too large, with a problem naming the file.
func (a *API) maxScanFile() int64 { return a.svc.ScanMaxSize() + 64<<10 }

// importScan takes a Nessus v2 file as the request body and streams it to
// the import, which keeps it as evidence and records all of it or none.
func (a *API) importScan(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "name"); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || !slices.Contains(scanImportTypes, mt) {
		return &mediaTypeError{got: ct, want: scanImportTypes}
	}
	name, err := fileName(r, "upload.nessus")
	if err != nil {
		return err
	}
	res, err := a.svc.ImportNessus(r.Context(), acc, name, http.MaxBytesReader(w, r.Body, a.maxScanFile()))
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/scans/"+res.Scan.ID)
	return writeJSON(w, http.StatusCreated, scanCreatedJSON{scanJSON: toScanJSON(res.Scan), NewFile: res.StoredFile})
}

func (a *API) listScans(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	scans, err := a.svc.Scans(r.Context(), acc)
	if err != nil {
		return err
	}
	items := make([]scanJSON, len(scans))
	for i, s := range scans {
		items[i] = toScanJSON(s)
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}

// scanHostJSON is a host of a scan with the asset it was matched to.
type scanHostJSON struct {
	Name         string     `json:"name"`
	AssetID      string     `json:"asset_id"`
	AssetName    string     `json:"asset_name"`
	MatchedBy    string     `json:"matched_by"`
	FQDN         string     `json:"fqdn"`
	IP           string     `json:"ip"`
	NetBIOS      string     `json:"netbios"`
	MACs         []string   `json:"macs"`
	OS           string     `json:"os"`
	Credentialed bool       `json:"credentialed"`
	StartedAt    *time.Time `json:"started_at"`
	EndedAt      *time.Time `json:"ended_at"`
	Findings     int        `json:"finding_count"`
}

// scanChangeJSON counts the findings of one severity a scan found new,
// saw again, found fixed or reopened.
type scanChangeJSON struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

// complianceJSON is one configuration check of an audit scan.
type complianceJSON struct {
	AssetID   string `json:"asset_id"`
	AssetName string `json:"asset_name"`
	PluginID  int    `json:"plugin_id"`
	CheckName string `json:"check_name"`
	CheckID   string `json:"check_id"`
	Result    string `json:"result"`
	Actual    string `json:"actual_value"`
	Policy    string `json:"policy_value"`
	Info      string `json:"info"`
	Solution  string `json:"solution"`
	AuditFile string `json:"audit_file"`
	Reference string `json:"reference"`
}

// scanDetailJSON is an import with its hosts, what it changed, the import
// it is compared with, and its configuration checks.
type scanDetailJSON struct {
	scanJSON
	HostList []scanHostJSON   `json:"hosts"`
	Changes  []scanChangeJSON `json:"changes"`
	Previous *scanJSON        `json:"previous"`
	Checks   []complianceJSON `json:"compliance"`
}

func (a *API) getScan(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.Scan(r.Context(), acc, id)
	if err != nil {
		return err
	}
	out := scanDetailJSON{scanJSON: toScanJSON(d.Scan), HostList: make([]scanHostJSON, len(d.Hosts)),
		Changes: make([]scanChangeJSON, len(d.Changes)), Checks: make([]complianceJSON, len(d.Compliance))}
	for i, h := range d.Hosts {
		out.HostList[i] = scanHostJSON{Name: h.Name, AssetID: h.AssetID, AssetName: h.AssetName, MatchedBy: h.MatchedBy, FQDN: h.FQDN,
			IP: h.IP, NetBIOS: h.NetBIOS, MACs: orEmpty(h.MACs), OS: h.OS, Credentialed: h.Credentialed, StartedAt: h.StartedAt,
			EndedAt: h.EndedAt, Findings: h.Findings}
	}
	for i, c := range d.Changes {
		out.Changes[i] = scanChangeJSON{Kind: c.Kind, Severity: c.Severity.String(), Count: c.Count}
	}
	if d.Previous != nil {
		p := toScanJSON(*d.Previous)
		out.Previous = &p
	}
	for i, c := range d.Compliance {
		out.Checks[i] = complianceJSON{AssetID: c.AssetID, AssetName: c.AssetName, PluginID: c.PluginID, CheckName: c.CheckName,
			CheckID: c.CheckID, Result: c.Result, Actual: c.Actual, Policy: c.Policy, Info: c.Info, Solution: c.Solution,
			AuditFile: c.AuditFile, Reference: c.Reference}
	}
	return writeJSON(w, http.StatusOK, out)
}

// pluginJSON is what a scanner plugin says of the weakness it finds; the
// list of findings leaves out the long texts.
type pluginJSON struct {
	ID               int      `json:"id"`
	Name             string   `json:"name"`
	Family           string   `json:"family"`
	CVSS3Base        *float64 `json:"cvss3_base"`
	VPR              *float64 `json:"vpr"`
	CVEs             []string `json:"cves"`
	ExploitAvailable bool     `json:"exploit_available"`
}

// pluginDetailJSON is all that a plugin says.
type pluginDetailJSON struct {
	pluginJSON
	Synopsis      string   `json:"synopsis"`
	Description   string   `json:"description"`
	Solution      string   `json:"solution"`
	RiskFactor    string   `json:"risk_factor"`
	CVSS3Vector   string   `json:"cvss3_vector"`
	CVSS2Base     *float64 `json:"cvss2_base"`
	CVSS2Vector   string   `json:"cvss2_vector"`
	CWEs          []string `json:"cwes"`
	References    []string `json:"references"`
	Published     string   `json:"published"`
	Modified      string   `json:"modified"`
	PatchReleased string   `json:"patch_published"`
}

// score is a score the scanner gave, or nil: Nessus writes none for many
// plugins, and 0 is not a score it gives.
func score(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

func toPluginJSON(p store.Plugin) pluginJSON {
	return pluginJSON{ID: p.ID, Name: p.Name, Family: p.Family, CVSS3Base: score(p.CVSS3Base), VPR: score(p.VPR), CVEs: orEmpty(p.CVEs),
		ExploitAvailable: p.ExploitAvailable}
}

// findingJSON is a finding as the register lists it.
type findingJSON struct {
	ID             string             `json:"id"`
	AssetID        string             `json:"asset_id"`
	AssetName      string             `json:"asset_name"`
	AssetType      isms.AssetType     `json:"asset_type"`
	AssetLifecycle isms.Lifecycle     `json:"asset_lifecycle"`
	Plugin         pluginJSON         `json:"plugin"`
	Port           int                `json:"port"`
	Protocol       string             `json:"protocol"`
	Service        string             `json:"service"`
	Severity       string             `json:"severity"`
	Status         isms.FindingStatus `json:"status"`
	FirstSeen      time.Time          `json:"first_seen"`
	LastSeen       time.Time          `json:"last_seen"`
	DueDate        *time.Time         `json:"due_date"`
	FixedAt        *time.Time         `json:"fixed_at"`
	Overdue        bool               `json:"overdue"`
	FixFirst       bool               `json:"fix_first"`
	RiskID         *string            `json:"risk_id"`
	FirstScanID    string             `json:"first_scan_id"`
	LastScanID     string             `json:"last_scan_id"`
}

func toFindingJSON(f store.Finding, now time.Time) findingJSON {
	return findingJSON{ID: f.ID, AssetID: f.AssetID, AssetName: f.AssetName, AssetType: f.AssetType, AssetLifecycle: f.AssetLifecycle,
		Plugin: toPluginJSON(f.Plugin), Port: f.Port, Protocol: f.Protocol, Service: f.Service, Severity: f.Severity.String(),
		Status: f.Status, FirstSeen: f.FirstSeen, LastSeen: f.LastSeen, DueDate: f.DueDate, FixedAt: f.FixedAt, Overdue: f.Overdue(now),
		FixFirst: app.Highlighted(f), RiskID: nullable(f.RiskID), FirstScanID: f.FirstScanID, LastScanID: f.LastScanID}
}

// findingEventJSON is what one scan said of a finding.
type findingEventJSON struct {
	ScanID   string    `json:"scan_id"`
	ScanName string    `json:"scan_name"`
	Kind     string    `json:"kind"`
	Severity string    `json:"severity"`
	At       time.Time `json:"at"`
}

// findingDetailJSON is a finding with all its plugin says, the scanner's
// output and its history.
type findingDetailJSON struct {
	findingJSON
	Plugin          pluginDetailJSON   `json:"plugin"`
	Output          string             `json:"output"`
	OutputTruncated bool               `json:"output_truncated"`
	History         []findingEventJSON `json:"history"`
}

// findingList is a page of the register with the number the filter
// selects.
type findingList struct {
	list[findingJSON]
	Total int `json:"total"`
}

// findingFilterParams are the query parameters of the register's filter.
var findingFilterParams = []string{"severity", "min_severity", "asset", "plugin", "cve", "status", "overdue", "scan", "cursor", "limit"}

func findingFilter(r *http.Request) (store.FindingFilter, error) {
	q := r.URL.Query()
	f := store.FindingFilter{AssetID: q.Get("asset"), CVE: q.Get("cve"), ScanID: q.Get("scan"), Cursor: q.Get("cursor")}
	for _, p := range []struct {
		name string
		dst  **isms.Severity
	}{{"severity", &f.Severity}, {"min_severity", &f.MinSeverity}} {
		if v := q.Get(p.name); v != "" {
			s, err := isms.ParseSeverity(p.name, v)
			if err != nil {
				return f, err
			}
			*p.dst = &s
		}
	}
	switch st := isms.FindingStatus(q.Get("status")); st {
	case "", isms.FindingOpen, isms.FindingFixed:
		f.Status = st
	default:
		return f, isms.Invalid("status", "%q is not a status; use open or fixed", st)
	}
	overdue, err := queryBool(r, "overdue")
	if err != nil {
		return f, err
	}
	f.Overdue = overdue != nil && *overdue
	if f.PluginID, err = queryInt(r, "plugin"); err != nil {
		return f, err
	}
	f.Limit, err = queryInt(r, "limit")
	return f, err
}

func (a *API) listFindings(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, findingFilterParams...); err != nil {
		return err
	}
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	p, err := a.svc.ListFindings(r.Context(), acc, f)
	if err != nil {
		return err
	}
	now := a.now()
	items := make([]findingJSON, len(p.Findings))
	for i, fd := range p.Findings {
		items[i] = toFindingJSON(fd, now)
	}
	return writeJSON(w, http.StatusOK, findingList{list: newList(items, p.Next), Total: p.Total})
}

func (a *API) getFinding(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.Finding(r.Context(), acc, id)
	if err != nil {
		return err
	}
	p := d.Plugin
	out := findingDetailJSON{findingJSON: toFindingJSON(d.Finding, a.now()), Output: d.Output, OutputTruncated: d.OutputTruncated,
		History: make([]findingEventJSON, len(d.Events))}
	out.Plugin = pluginDetailJSON{pluginJSON: toPluginJSON(p), Synopsis: p.Synopsis, Description: p.Description, Solution: p.Solution,
		RiskFactor: p.RiskFactor, CVSS3Vector: p.CVSS3Vector, CVSS2Base: score(p.CVSS2Base), CVSS2Vector: p.CVSS2Vector, CWEs: orEmpty(p.CWEs),
		References: orEmpty(p.References), Published: p.Published, Modified: p.Modified, PatchReleased: p.PatchReleased}
	for i, e := range d.Events {
		out.History[i] = findingEventJSON{ScanID: e.ScanID, ScanName: e.ScanName, Kind: e.Kind, Severity: e.Severity.String(), At: e.At}
	}
	return writeJSON(w, http.StatusOK, out)
}

// raiseFindingRisk makes a risk from a finding and answers with the risk.
func (a *API) raiseFindingRisk(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	k, err := a.svc.RaiseRisk(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return a.writeRisk(w, r, acc, http.StatusCreated, k.ID)
}

// vulnMetricsJSON are vulnerability management's figures now.
type vulnMetricsJSON struct {
	Open          severityCountsJSON `json:"open"`
	Overdue       int                `json:"overdue"`
	Fixed         int                `json:"fixed"`
	FixedInTime   int                `json:"fixed_in_time"`
	FixedLate     int                `json:"fixed_late"`
	SLACompliance *float64           `json:"sla_compliance"`
	MeanDaysToFix *float64           `json:"mean_days_to_fix"`
	SLA           isms.SLA           `json:"sla"`
	Scans         int                `json:"scans"`
	LastScan      *scanJSON          `json:"last_scan"`
}

func (a *API) vulnMetrics(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	m, err := a.svc.VulnMetrics(r.Context(), acc)
	if err != nil {
		return err
	}
	out := vulnMetricsJSON{Open: toSeverityCounts(m.OpenBySeverity), Overdue: m.Overdue, Fixed: m.Fixed, FixedInTime: m.ClosedInTime,
		FixedLate: m.ClosedLate, SLA: m.SLA, Scans: m.Scans}
	if m.SLACompliance >= 0 {
		out.SLACompliance = &m.SLACompliance
	}
	if m.Fixed > 0 {
		out.MeanDaysToFix = &m.MeanDaysToFix
	}
	if m.LastScan != nil {
		s := toScanJSON(*m.LastScan)
		out.LastScan = &s
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) getVulnSLA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	sla, err := a.svc.VulnSLA(r.Context(), acc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sla)
}

// slaWrite is the body of PUT: every deadline, so that one left out is
// not silently removed.
type slaWrite struct {
	CriticalDays *int `json:"critical_days"`
	HighDays     *int `json:"high_days"`
	MediumDays   *int `json:"medium_days"`
	LowDays      *int `json:"low_days"`
}

func (a *API) putVulnSLA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var in slaWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	v := &isms.ValidationError{}
	days := func(field string, n *int) int {
		if n == nil {
			v.Add(field, "is required: a number of days, 0 for no deadline")
			return 0
		}
		return *n
	}
	sla := isms.SLA{CriticalDays: days("critical_days", in.CriticalDays), HighDays: days("high_days", in.HighDays),
		MediumDays: days("medium_days", in.MediumDays), LowDays: days("low_days", in.LowDays)}
	if err := v.Err(); err != nil {
		return err
	}
	if err := a.svc.SetVulnSLA(r.Context(), acc, sla); err != nil {
		return err
	}
	return a.getVulnSLA(w, r, acc)
}
