package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerScanPages adds vulnerability management: the imported scans,
// the findings register with its remediation deadlines, and each finding.
func (u *UI) registerScanPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/scans", u.inOrg(u.scansPage))
	// An import streams its file like an evidence upload: see
	// scanUploadBody and readUpload.
	r.Handle("POST", "/o/{org}/scans", u.withSession(u.orgScoped(u.importScan), u.scanUploadBody))
	r.Handle("GET", "/o/{org}/scans/{id}", u.inOrg(u.scanPage))
	r.Handle("GET", "/o/{org}/findings", u.inOrg(u.findingsPage))
	r.Handle("POST", "/o/{org}/findings/sla", u.inOrg(u.setVulnSLA))
	r.Handle("GET", "/o/{org}/findings/{id}", u.inOrg(u.findingPage))
	r.Handle("POST", "/o/{org}/findings/{id}/risk", u.inOrg(u.raiseFindingRisk))
}

// The controls a scan is evidence for, as app records them.
const (
	vulnControlRef   = "iso27001-2022:A.8.8"
	configControlRef = "iso27001-2022:A.8.9"
)

// ---------------------------------------------------------------------
// Shared pieces.

// SeverityLabel names a scanner's severity.
func (labels) SeverityLabel(s isms.Severity) string {
	switch s {
	case isms.SeverityCritical:
		return "Critical"
	case isms.SeverityHigh:
		return "High"
	case isms.SeverityMedium:
		return "Medium"
	case isms.SeverityLow:
		return "Low"
	case isms.SeverityInfo:
		return "Info"
	}
	return "Unknown"
}

var matchedByLabels = map[string]string{
	"fqdn":    "FQDN",
	"ip":      "IP address",
	"netbios": "NetBIOS name",
	"mac":     "MAC address",
	"created": "nothing: added as a new asset",
}

// MatchedByLabel says how a scanned host was matched to its asset.
func (labels) MatchedByLabel(kind string) string {
	if s, ok := matchedByLabels[kind]; ok {
		return s
	}
	return kind
}

var findingEventLabels = map[string]string{
	"new":      "Found",
	"seen":     "Seen again",
	"fixed":    "Not reported: fixed",
	"reopened": "Reported again after a fix: reopened",
}

// FindingEventLabel names what a scan said of a finding.
func (labels) FindingEventLabel(kind string) string {
	if s, ok := findingEventLabels[kind]; ok {
		return s
	}
	return kind
}

// severitiesDown are the severities, most severe first, as lists show them.
var severitiesDown = []isms.Severity{isms.SeverityCritical, isms.SeverityHigh, isms.SeverityMedium, isms.SeverityLow, isms.SeverityInfo}

// sevCount is the number of findings of one severity.
type sevCount struct {
	Severity isms.Severity
	Count    int
}

// severityCounts turns counts indexed by severity into a list, most
// severe first.
func severityCounts(by [5]int) []sevCount {
	out := make([]sevCount, len(severitiesDown))
	for i, s := range severitiesDown {
		out[i] = sevCount{Severity: s, Count: by[s]}
	}
	return out
}

// actorNames names the actors of imports (user:…, token:…, cli:…) the
// way the change ledger names them.
func (u *UI) actorNames(q *request, actors ...string) map[string]string {
	entries := make([]ledger.Entry, len(actors))
	for i, a := range actors {
		entries[i] = ledger.Entry{Actor: a}
	}
	return u.svc.ActorNames(q.r.Context(), q.access, entries)
}

// findingsPath is the findings register with a filter.
func (q *request) findingsPath(v url.Values) string { return urlWith(q.orgPath("findings"), v) }

// ---------------------------------------------------------------------
// The imports and the import form.

type scanRow struct {
	store.Scan
	Link       string
	ImportedBy string
	Counts     []sevCount
}

type scansPage struct {
	Page
	labels
	Rows []scanRow
	// Limited is set when only the newest imports are listed.
	Limited   bool
	MaxUpload string
	MaxBytes  int64
	// Refused explains why the file just posted was not imported.
	Refused string
}

func (u *UI) scansPage(q *request) error {
	return u.showScans(q, http.StatusOK, "")
}

func (u *UI) showScans(q *request, status int, refused string) error {
	list, err := u.svc.Scans(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &scansPage{Refused: refused, MaxBytes: u.svc.ScanMaxSize(), Limited: len(list) >= store.MaxLimit}
	page.MaxUpload = formatBytes(page.MaxBytes)
	page.Title, page.Section = "Vulnerability scans", "vulnerabilities"
	actors := make([]string, len(list))
	for i, s := range list {
		actors[i] = s.ImportedBy
	}
	names := u.actorNames(q, actors...)
	for _, s := range list {
		page.Rows = append(page.Rows, scanRow{Scan: s, Link: q.orgPath("scans", s.ID), ImportedBy: names[s.ImportedBy],
			Counts: severityCounts(s.BySeverity)})
	}
	return u.render(q, status, "scans", page)
}

// scanUploadBody bounds an import's body by the largest scan file the app
// takes, larger than other evidence since a scan of a whole network runs
// to hundreds of megabytes, with room for the form's fields. Like
// uploadBody, it leaves a multipart body for the handler to stream.
func (u *UI) scanUploadBody(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, u.svc.ScanMaxSize()+maxUploadFields)
	if isMultipart(q.r) {
		return nil
	}
	return u.checkCSRF(q)
}

// importScan streams the posted .nessus file to the import, which keeps
// it as evidence and records all of it or none of it.
func (u *UI) importScan(q *request) error {
	up, err := u.readUpload(q)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || errors.Is(err, errFieldsTooLarge):
		u.renderError(q.w, q.r, http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"The upload is larger than this server accepts (%s for a scan file). Nothing was imported.", formatBytes(u.svc.ScanMaxSize())))
		return nil
	case err != nil:
		return err
	}
	if up.file == nil {
		if !q.access.Can(isms.PermWriteRecords) {
			return isms.ErrForbidden
		}
		return u.showScans(q, http.StatusUnprocessableEntity, "Choose the .nessus file to import.")
	}
	res, err := u.svc.ImportNessus(q.r.Context(), q.access, up.fileName, up.file)
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &tooLarge):
		return u.showScans(q, http.StatusRequestEntityTooLarge, fmt.Sprintf("%s is larger than the limit of %s.", up.fileName,
			formatBytes(u.svc.ScanMaxSize())))
	case errors.Is(err, app.ErrNoFileStore):
		return u.showScans(q, http.StatusUnprocessableEntity, refusal(err))
	case errors.As(err, &conflict):
		return u.showScans(q, http.StatusConflict, fmt.Sprintf("%s %s.", up.fileName, conflict.Detail))
	case isms.FieldErrors(err) != nil:
		var details []string
		for _, f := range isms.FieldErrors(err) {
			details = append(details, f.Detail)
		}
		return u.showScans(q, http.StatusUnprocessableEntity, strings.Join(details, "; ")+".")
	case err != nil:
		return err
	}
	s := res.Scan
	msg := fmt.Sprintf("Scan imported: %s. %d %s, %d %s: %d new, %d reopened, %d seen again; %d fixed since the previous scan.",
		s.Name, s.Hosts, plural(s.Hosts, "host", "hosts"), s.Findings, plural(s.Findings, "finding", "findings"), s.New, s.Again, s.SeenAgain, s.Fixed)
	if s.AssetsCreated > 0 {
		msg += fmt.Sprintf(" %d %s matched no asset and %s added to the inventory, awaiting an owner.", s.AssetsCreated,
			plural(s.AssetsCreated, "host", "hosts"), plural(s.AssetsCreated, "was", "were"))
	}
	if s.Compliance > 0 {
		msg += fmt.Sprintf(" %d configuration %s recorded as evidence for A.8.9.", s.Compliance, plural(s.Compliance, "check", "checks"))
	}
	return u.redirect(q, q.orgPath("scans", s.ID), msg)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ---------------------------------------------------------------------
// One import.

type scanHostRow struct {
	store.ScanHost
	AssetLink string
	// Also are the identities the host reported besides its name.
	Also []string
}

// scanChangeRow counts what one scan did to the findings of one severity.
type scanChangeRow struct {
	Severity                   isms.Severity
	New, Reopened, Seen, Fixed int
	Link                       string
}

type complianceView struct {
	store.ComplianceRow
	AssetLink string
}

type scanPage struct {
	Page
	labels
	Scan           app.ScanDetail
	ImportedBy     string
	Size           string
	EvidenceLink   string
	FileLink       string
	PreviousLink   string
	Hosts          []scanHostRow
	Changes        []scanChangeRow
	Totals         scanChangeRow
	OpenLink       string
	AllLink        string
	Counts         []sevCount
	Compliance     []complianceView
	Failed, Passed int
	// ComplianceCut is set when the page shows only the first checks.
	ComplianceCut     bool
	VulnControlLink   string
	ConfigControlLink string
}

func (u *UI) scanPage(q *request) error {
	d, err := u.svc.Scan(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &scanPage{Scan: d, Size: formatBytes(d.FileSize), Counts: severityCounts(d.BySeverity),
		VulnControlLink: q.controlPath(vulnControlRef), ConfigControlLink: q.controlPath(configControlRef)}
	page.Title, page.Section = d.Name, "vulnerabilities"
	page.ImportedBy = u.actorNames(q, d.ImportedBy)[d.ImportedBy]
	if d.EvidenceID != "" {
		page.EvidenceLink, page.FileLink = q.orgPath("evidence", d.EvidenceID), q.orgPath("evidence", d.EvidenceID, "file")
	}
	if d.Previous != nil {
		page.PreviousLink = q.orgPath("scans", d.Previous.ID)
	}
	for _, h := range d.Hosts {
		row := scanHostRow{ScanHost: h, AssetLink: q.orgPath("assets", h.AssetID)}
		for _, id := range append([]string{h.FQDN, h.IP, h.NetBIOS}, h.MACs...) {
			if id != "" && !strings.EqualFold(id, h.Name) && !slices.Contains(row.Also, id) {
				row.Also = append(row.Also, id)
			}
		}
		page.Hosts = append(page.Hosts, row)
	}
	bySev := map[isms.Severity]*scanChangeRow{}
	for _, s := range severitiesDown {
		page.Changes = append(page.Changes, scanChangeRow{Severity: s,
			Link: q.findingsPath(url.Values{"scan": {d.ID}, "severity": {s.String()}, "status": {"all"}})})
	}
	for i := range page.Changes {
		bySev[page.Changes[i].Severity] = &page.Changes[i]
	}
	for _, c := range d.Changes {
		row, ok := bySev[c.Severity]
		if !ok {
			continue
		}
		for _, r := range []*scanChangeRow{row, &page.Totals} {
			switch c.Kind {
			case "new":
				r.New += c.Count
			case "reopened":
				r.Reopened += c.Count
			case "seen":
				r.Seen += c.Count
			case "fixed":
				r.Fixed += c.Count
			}
		}
	}
	page.OpenLink = q.findingsPath(url.Values{"scan": {d.ID}})
	page.AllLink = q.findingsPath(url.Values{"scan": {d.ID}, "status": {"all"}})
	for _, c := range d.Compliance {
		page.Compliance = append(page.Compliance, complianceView{ComplianceRow: c, AssetLink: q.orgPath("assets", c.AssetID)})
		switch c.Result {
		case "FAILED":
			page.Failed++
		case "PASSED":
			page.Passed++
		}
	}
	page.ComplianceCut = len(d.Compliance) < d.Scan.Compliance
	return u.render(q, http.StatusOK, "scan", page)
}

// ---------------------------------------------------------------------
// The figures of vulnerability management, as evidence.

// vulnMetricsControls are the controls whose page shows the figures:
// technical vulnerability management in both editions of ISO/IEC 27001.
var vulnMetricsControls = map[string]bool{vulnControlRef: true, "iso27001-2013:A.12.6.1": true}

type vulnMetricsView struct {
	app.VulnMetrics
	Open        []sevCount
	OpenTotal   int
	Compliance  string // the SLA compliance rate, or "" before any deadline was judged
	MeanDays    string // the mean time to remediate, or "" before anything was fixed
	LastLink    string
	Register    string
	OverdueLink string
	ScansLink   string
}

func (u *UI) vulnMetricsView(q *request) (*vulnMetricsView, error) {
	m, err := u.svc.VulnMetrics(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	v := &vulnMetricsView{VulnMetrics: m, Register: q.orgPath("findings"),
		OverdueLink: q.findingsPath(url.Values{"overdue": {"1"}}), ScansLink: q.orgPath("scans")}
	// Informational findings are not weaknesses to remediate.
	for _, c := range severityCounts(m.OpenBySeverity) {
		if c.Severity != isms.SeverityInfo {
			v.Open = append(v.Open, c)
			v.OpenTotal += c.Count
		}
	}
	if m.SLACompliance >= 0 {
		v.Compliance = fmt.Sprintf("%.0f%%", m.SLACompliance*100)
	}
	if m.Fixed > 0 {
		v.MeanDays = fmt.Sprintf("%.1f days", m.MeanDaysToFix)
	}
	if m.LastScan != nil {
		v.LastLink = q.orgPath("scans", m.LastScan.ID)
	}
	return v, nil
}

// vulnCard is the overview's summary of the findings that need attention.
type vulnCard struct {
	Critical, High, Overdue                   int
	CriticalLink, HighLink, OverdueLink, Link string
}

// vulnCard returns the overview's card, or nil when no open critical or
// high finding and no overdue one needs attention.
func (u *UI) vulnCard(q *request) (*vulnCard, error) {
	m, err := u.svc.VulnMetrics(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	c := &vulnCard{Critical: m.OpenBySeverity[isms.SeverityCritical], High: m.OpenBySeverity[isms.SeverityHigh], Overdue: m.Overdue,
		CriticalLink: q.findingsPath(url.Values{"severity": {"critical"}}), HighLink: q.findingsPath(url.Values{"severity": {"high"}}),
		OverdueLink: q.findingsPath(url.Values{"overdue": {"1"}}), Link: q.orgPath("findings")}
	if c.Critical+c.High+c.Overdue == 0 {
		return nil, nil
	}
	return c, nil
}
