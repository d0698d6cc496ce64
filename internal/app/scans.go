package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/nessus"
	"github.com/isms-dev/isms/internal/store"
)

// The controls scan imports are evidence for: vulnerability management,
// and configuration management for the checks of audit scans.
const (
	vulnControl   = "iso27001-2022:A.8.8"
	configControl = "iso27001-2022:A.8.9"
	// unpatchedThreat is the threat a risk raised from a finding cites.
	unpatchedThreat = "infosec-threats:TH-UNA-06"
)

// ScanImport is the outcome of importing a scan file.
type ScanImport struct {
	Scan store.Scan
	// StoredFile is false when the same file content was stored before.
	StoredFile bool
}

// ImportNessus imports a Nessus v2 file: the file is kept as evidence for
// A.8.8, its hosts are matched to assets (or become discovered assets),
// its findings are recorded with their history, findings a scanned asset no
// longer has are marked fixed, and audit checks become evidence for A.8.9.
//
// The file is read once, as it streams, by three goroutines side by side:
// one stores and hashes it, one parses it, and the caller's writes it to
// the database in one transaction. The rows naming the file are written
// last, once the file is stored, and nothing commits unless all three
// succeed: all of a file lands or none of it does.
func (s *Service) ImportNessus(ctx context.Context, a Access, fileName string, body io.Reader) (ScanImport, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return ScanImport{}, err
	}
	if s.files == nil {
		return ScanImport{}, ErrNoFileStore
	}
	fileName = filepath.Base(strings.ReplaceAll(fileName, `\`, "/"))
	sla, err := s.db.VulnSLA(ctx, a.Org.ID)
	if err != nil {
		return ScanImport{}, err
	}
	var out ScanImport
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		imp := &scanImporter{s: s, tx: tx, a: a, sla: sla, fileName: fileName}
		stored, sum, err := s.streamScan(ctx, body, imp)
		if err != nil {
			return err
		}
		out.StoredFile = stored.New
		if prev, err := tx.ScanBySHA(ctx, a.Org.ID, stored.SHA256); err == nil {
			return &isms.ConflictError{Field: "file", Detail: fmt.Sprintf(
				"was already imported, as scan %q on %s", prev.Name, prev.CreatedAt.Format(time.DateOnly))}
		} else if !errors.Is(err, isms.ErrNotFound) {
			return err
		}
		if err := imp.file(ctx, stored); err != nil {
			return err
		}
		imp.w.SetMeta(sum.Scan.Name, sum.Scan.Policy, sum.Scan.Scanner, timePtr(sum.Scan.Start), timePtr(sum.Scan.End))
		out.Scan, err = imp.w.Finish(ctx)
		if err != nil {
			return err
		}
		links := []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: vulnControl}}
		if out.Scan.Compliance > 0 {
			links = append(links, isms.EvidenceLinkTo{Target: isms.TargetControl, Ref: configControl})
		}
		return tx.SetEvidenceLinks(ctx, a.Org.ID, imp.evidenceID, links)
	})
	if err != nil {
		return ScanImport{}, err
	}
	return out, nil
}

// parsed is what the parsing goroutine hands the writer: the scan's
// header, then each host.
type parsed struct {
	scan *nessus.Scan
	host *nessus.Host
}

var errImportStopped = errors.New("import stopped")

// streamScan stores body in the evidence store while parsing it, handing
// the parsed hosts to imp on this goroutine (the transaction's). It returns
// once the file is stored and parsed, or the first error of the three.
func (s *Service) streamScan(ctx context.Context, body io.Reader, imp *scanImporter) (evidence.Stored, nessus.Summary, error) {
	pr, pw := io.Pipe()
	type putResult struct {
		stored evidence.Stored
		err    error
	}
	putDone := make(chan putResult, 1)
	go func() {
		st, err := s.files.PutMax(pr, s.scanMax)
		// Unblock the parser's writes into the pipe if storing stopped.
		pr.CloseWithError(cmp.Or(err, io.ErrClosedPipe))
		putDone <- putResult{st, err}
	}()

	counted := &countingReader{r: body}
	items := make(chan parsed, 8)
	stop := make(chan struct{})
	send := func(p parsed) error {
		select {
		case items <- p:
			return nil
		case <-stop:
			return errImportStopped
		}
	}
	type parseResult struct {
		sum nessus.Summary
		err error
	}
	parseDone := make(chan parseResult, 1)
	go func() {
		sum, err := nessus.Read(io.TeeReader(counted, pw), nessus.Limits{},
			func(sc nessus.Scan) error { return send(parsed{scan: &sc}) },
			func(h *nessus.Host) error { return send(parsed{host: h}) })
		if err != nil {
			pw.CloseWithError(err)
		} else {
			pw.Close()
		}
		close(items)
		parseDone <- parseResult{sum, err}
	}()

	var writeErr error
	for p := range items {
		if writeErr != nil {
			continue // drain, so the parser can finish
		}
		switch {
		case p.scan != nil:
			writeErr = imp.scan(ctx, *p.scan)
		case p.host != nil:
			writeErr = imp.host(ctx, p.host)
		}
		if writeErr != nil {
			close(stop)
		}
	}
	parse := <-parseDone
	put := <-putDone
	switch {
	case writeErr != nil:
		return put.stored, parse.sum, writeErr
	case counted.n == 0:
		return put.stored, parse.sum, isms.Invalid("file", "%s: the file is empty", imp.fileName)
	case errors.Is(put.err, evidence.ErrTooLarge), errors.Is(put.err, evidence.ErrEmpty):
		return put.stored, parse.sum, isms.Invalid("file", "%v", put.err)
	case parse.err != nil:
		return put.stored, parse.sum, scanFileError(imp.fileName, parse.err)
	case put.err != nil:
		return put.stored, parse.sum, fmt.Errorf("store scan file: %w", put.err)
	case imp.w == nil:
		return put.stored, parse.sum, isms.Invalid("file", "%s holds no scan", imp.fileName)
	}
	return put.stored, parse.sum, nil
}

// scanFileError words a parse failure for the person who uploaded the file.
func scanFileError(name string, err error) error {
	var pe *nessus.Error
	switch {
	case errors.Is(err, nessus.ErrV1), errors.Is(err, nessus.ErrNotNessus):
		return isms.Invalid("file", "%s: %v", name, err)
	case errors.As(err, &pe):
		return isms.Invalid("file", "%s: %v; nothing was imported", name, err)
	}
	return fmt.Errorf("import %s: %w", name, err)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	return &t
}

// scanImporter receives the parsed file host by host inside the import's
// transaction.
type scanImporter struct {
	s          *Service
	tx         *store.Tx
	a          Access
	sla        isms.SLA
	fileName   string
	w          *store.ScanWriter
	evidenceID string
}

func (imp *scanImporter) scan(ctx context.Context, sc nessus.Scan) error {
	name := sc.Name
	if name == "" {
		name = imp.fileName
	}
	var err error
	imp.w, err = imp.tx.StartScan(ctx, store.Scan{OrgID: imp.a.Org.ID, Name: name, Policy: sc.Policy, Scanner: sc.Scanner,
		FileName: imp.fileName, ImportedBy: imp.a.Principal.Actor()}, imp.sla)
	return err
}

// file records the stored file as the scan's evidence, once it is on
// disk: the rows that name it come after it.
func (imp *scanImporter) file(ctx context.Context, stored evidence.Stored) error {
	ev, err := imp.tx.SaveEvidence(ctx, isms.Evidence{OrgID: imp.a.Org.ID, Kind: isms.EvidenceFile, Title: "Nessus scan: " + imp.w.Name(),
		Description: "The scan file as imported; its findings are in the vulnerability register.", SHA256: stored.SHA256,
		FileName: imp.fileName, Size: stored.Size, MediaType: stored.MediaType, PeriodStart: imp.tx.Now(),
		PeriodEnd: imp.tx.Now(), CollectedBy: imp.a.Member.ID, Cadence: isms.Monthly})
	if err != nil {
		return err
	}
	imp.evidenceID = ev.ID
	imp.w.SetFile(stored.SHA256, stored.Size, ev.ID)
	return nil
}

func (imp *scanImporter) host(ctx context.Context, h *nessus.Host) error {
	ip := h.IP
	if ip == "" && net.ParseIP(h.Name) != nil {
		ip = h.Name
	}
	ids := [][2]string{{"fqdn", h.FQDN}, {"ip", ip}, {"netbios", h.NetBIOS}}
	for _, m := range h.MACs {
		ids = append(ids, [2]string{"mac", m})
	}
	assetID, matched, err := imp.w.MatchAsset(ctx, ids)
	if err != nil {
		return err
	}
	if assetID == "" {
		a, err := imp.w.CreateAsset(ctx, discoveredAsset(imp.a.Org.ID, h, ip, imp.w))
		if err != nil {
			return fmt.Errorf("host %s: %w", h.Name, err)
		}
		assetID, matched = a.ID, "created"
	}
	// A host the file lists without a single result was not really
	// scanned (unreachable, or the scan stopped): its findings must not be
	// taken as fixed.
	if len(h.Findings)+len(h.Compliance) > 0 {
		imp.w.Covered(assetID)
	}
	at := h.End
	if at.IsZero() {
		at = h.Start
	}
	for _, f := range h.Findings {
		p := store.Plugin{ID: f.PluginID, Name: f.PluginName, Family: f.Family, Synopsis: f.Synopsis, Description: f.Description,
			Solution: f.Solution, RiskFactor: f.RiskFactor, CVSS2Base: f.CVSS2Base, CVSS2Vector: f.CVSS2Vector, CVSS3Base: f.CVSS3Base,
			CVSS3Vector: f.CVSS3Vector, VPR: f.VPR, CVEs: f.CVEs, CWEs: f.CWEs, References: f.References, ExploitAvailable: f.ExploitAvailable,
			Published: f.PluginPublished, Modified: f.PluginModified, PatchReleased: f.PatchPublished}
		if err := imp.w.Plugin(ctx, p); err != nil {
			return err
		}
		if _, err := imp.w.See(ctx, store.Seen{AssetID: assetID, PluginID: f.PluginID, Port: f.Port, Protocol: f.Protocol,
			Service: f.Service, Severity: isms.Severity(f.Severity), Output: f.Output, OutputTruncated: f.OutputTruncated, At: at}); err != nil {
			return err
		}
	}
	for _, c := range h.Compliance {
		if err := imp.w.Compliance(ctx, assetID, c.PluginID, store.ComplianceResult{CheckName: c.CheckName, CheckID: c.CheckID,
			Result: strings.ToUpper(c.Result), Actual: c.Actual, Policy: c.Policy, Info: c.Info, Solution: c.Solution,
			AuditFile: c.AuditFile, Reference: c.Reference}); err != nil {
			return err
		}
	}
	err = imp.w.AddHost(ctx, store.ScanHost{AssetID: assetID, Name: h.Name, MatchedBy: matched, FQDN: h.FQDN, IP: ip,
		NetBIOS: h.NetBIOS, MACs: h.MACs, OS: h.OS, Credentialed: h.Credentialed, StartedAt: timePtr(h.Start), EndedAt: timePtr(h.End),
		Properties: h.Properties, Findings: len(h.Findings)})
	if err != nil {
		return err
	}
	return imp.w.EndHost(ctx, assetID)
}

// discoveredAsset is the asset a host no asset matched becomes: a server
// awaiting an owner, carrying the identities the next scan matches on.
func discoveredAsset(orgID string, h *nessus.Host, ip string, w *store.ScanWriter) store.StoredAsset {
	name := firstNonEmpty(h.FQDN, h.NetBIOS, ip, h.Name)
	attrs := map[string]string{}
	for k, v := range map[string]string{"fqdn": h.FQDN, "ip": ip, "netbios": h.NetBIOS, "mac": strings.Join(h.MACs, ",")} {
		if v != "" {
			attrs[k] = clipRunes(v, 500)
		}
	}
	desc := "Discovered by a vulnerability scan; awaiting an owner."
	if h.OS != "" {
		desc += " Operating system reported: " + clipRunes(h.OS, 300) + "."
	}
	return store.StoredAsset{Asset: isms.Asset{OrgID: orgID, Name: clipRunes(name, 200), Type: isms.AssetServer, Description: desc,
		Classification: "internal", Confidentiality: 2, Integrity: 2, Availability: 2, Lifecycle: isms.LifecycleInProduction,
		Tags: []string{"discovered", "nessus"}, Attributes: attrs, SourceKey: "scan:" + w.ScanID() + ":" + h.Name}}
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return "unnamed host"
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// FindingPage is a page of the vulnerability register.
type FindingPage struct {
	Findings []store.Finding
	Next     string
	Total    int
}

// ListFindings returns findings, most severe first.
func (s *Service) ListFindings(ctx context.Context, a Access, f store.FindingFilter) (FindingPage, error) {
	if err := a.require(isms.PermRead); err != nil {
		return FindingPage{}, err
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = store.DefaultLimit
	case limit > store.MaxLimit:
		limit = store.MaxLimit
	}
	f.Limit = limit + 1
	now := s.now()
	list, err := s.db.ListFindings(ctx, a.Org.ID, f, now)
	if err != nil {
		return FindingPage{}, err
	}
	page := FindingPage{Findings: list}
	if len(list) > limit {
		page.Findings = list[:limit]
		page.Next = store.FindingCursor(list[limit-1])
	}
	if page.Total, err = s.db.CountFindings(ctx, a.Org.ID, f, now); err != nil {
		return FindingPage{}, err
	}
	return page, nil
}

// FindingDetail is a finding with its history.
type FindingDetail struct {
	store.Finding
	Events []store.FindingEvent
	// Highlight marks what needs attention first: an exploitable critical
	// on an AI asset in production.
	Highlight bool
	// Nonconformity records the missed deadline, when one was raised: the
	// open one, or else the latest.
	Nonconformity *isms.Nonconformity
}

// Finding returns a finding with its history.
func (s *Service) Finding(ctx context.Context, a Access, id string) (FindingDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return FindingDetail{}, err
	}
	f, err := s.db.FindingByID(ctx, a.Org.ID, id)
	if err != nil {
		return FindingDetail{}, err
	}
	d := FindingDetail{Finding: f, Highlight: Highlighted(f)}
	if d.Events, err = s.db.FindingEvents(ctx, a.Org.ID, id); err != nil {
		return d, err
	}
	switch n, err := s.db.OpenNonconformityOfFinding(ctx, a.Org.ID, id); {
	case err == nil:
		d.Nonconformity = &n
	case !errors.Is(err, isms.ErrNotFound):
		return d, err
	}
	return d, nil
}

// Highlighted reports whether a finding is an exploitable critical on a
// production AI asset: the ones an AI company fixes before anything else.
func Highlighted(f store.Finding) bool {
	info, _ := f.AssetType.Info()
	return f.Status == isms.FindingOpen && f.Severity == isms.SeverityCritical && f.Plugin.ExploitAvailable && info.AI &&
		f.AssetLifecycle == isms.LifecycleInProduction
}

// RaiseRisk makes a risk from a finding, prefilled with the asset, the
// threat of exploiting unpatched vulnerabilities and the finding as the
// vulnerability, owned by the asset's owner; the finding then links to it.
func (s *Service) RaiseRisk(ctx context.Context, a Access, findingID string) (isms.Risk, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Risk{}, err
	}
	f, err := s.db.FindingByID(ctx, a.Org.ID, findingID)
	if err != nil {
		return isms.Risk{}, err
	}
	if f.RiskID != "" {
		return isms.Risk{}, &isms.ConflictError{Field: "finding", Detail: "a risk was already raised from this finding"}
	}
	asset, err := s.db.Asset(ctx, a.Org.ID, f.AssetID)
	if err != nil {
		return isms.Risk{}, err
	}
	// A starting rating on a five-point scale, carried onto the scales of
	// the methodology in force, which the risk owner then adjusts.
	likelihood, impact := 3, 3
	switch {
	case f.Severity >= isms.SeverityCritical:
		likelihood, impact = 4, 4
	case f.Severity == isms.SeverityHigh:
		impact = 4
	}
	if f.Plugin.ExploitAvailable {
		likelihood = min(likelihood+1, 5)
	}
	doc, err := s.Methodology(ctx, a)
	if err != nil {
		return isms.Risk{}, err
	}
	m := doc.Current.Methodology
	likelihood, impact = onScale(likelihood, len(m.Likelihood)), onScale(impact, len(m.Impact))
	owner := asset.OwnerID
	if owner == "" {
		// A discovered asset has no owner yet: whoever raises the risk
		// holds it until the asset gets one.
		owner = a.Member.ID
	}
	vuln := fmt.Sprintf("%s (plugin %d, %s severity) on port %d/%s", f.Plugin.Name, f.Plugin.ID, f.Severity, f.Port, f.Protocol)
	if len(f.Plugin.CVEs) > 0 {
		vuln += "; " + strings.Join(f.Plugin.CVEs[:min(len(f.Plugin.CVEs), 10)], ", ")
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.Risk{}, err
	}
	// The risk and the finding's link to it are one change: a finding
	// never names a risk that was not made, nor a risk lose its finding.
	var k isms.Risk
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		k, err = s.createRisk(ctx, tx, a, lib.lib, RiskInput{Title: clipRunes(f.Plugin.Name+" on "+asset.Name, 200), ThreatRef: unpatchedThreat,
			Vulnerability: clipRunes(vuln, 2000), Scenario: clipRunes(f.Plugin.Synopsis, 2000), AffectsC: true, AffectsI: true, AffectsA: true,
			InherentLikelihood: likelihood, InherentImpact: impact, OwnerID: owner, AssetIDs: []string{asset.ID}})
		if err != nil {
			return err
		}
		return tx.SetFindingRisk(ctx, a.Org.ID, f.ID, k.ID)
	})
	return k, err
}

// Scans lists the organisation's imports, newest first.
func (s *Service) Scans(ctx context.Context, a Access) ([]store.Scan, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.db.Scans(ctx, a.Org.ID, store.MaxLimit)
}

// ScanDetail is an import with its hosts, what changed since the previous
// scan of the same assets, and its configuration checks.
type ScanDetail struct {
	store.Scan
	Hosts      []store.ScanHost
	Changes    []store.ScanChange
	Previous   *store.Scan
	Compliance []store.ComplianceRow
}

// Scan returns an import in detail.
func (s *Service) Scan(ctx context.Context, a Access, id string) (ScanDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ScanDetail{}, err
	}
	sc, err := s.db.ScanByID(ctx, a.Org.ID, id)
	if err != nil {
		return ScanDetail{}, err
	}
	d := ScanDetail{Scan: sc}
	if d.Hosts, err = s.db.ScanHosts(ctx, a.Org.ID, id); err != nil {
		return d, err
	}
	if d.Changes, err = s.db.ScanChanges(ctx, a.Org.ID, id); err != nil {
		return d, err
	}
	prev, err := s.db.PreviousScan(ctx, sc)
	switch {
	case err == nil:
		d.Previous = &prev
	case !errors.Is(err, isms.ErrNotFound):
		return d, err
	}
	d.Compliance, err = s.db.ComplianceResults(ctx, a.Org.ID, id, 1000)
	return d, err
}

// VulnSLA returns the organisation's remediation deadlines.
func (s *Service) VulnSLA(ctx context.Context, a Access) (isms.SLA, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.SLA{}, err
	}
	return s.db.VulnSLA(ctx, a.Org.ID)
}

// SetVulnSLA changes the remediation deadlines; the open findings' due
// dates follow.
func (s *Service) SetVulnSLA(ctx context.Context, a Access, sla isms.SLA) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	if err := sla.Validate(); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error { return tx.SetVulnSLA(ctx, a.Org.ID, sla) })
}

// VulnMetrics are vulnerability management's figures for the ISMS, shown
// on the control page of A.8.8 as live evidence.
type VulnMetrics struct {
	store.VulnMetrics
	SLA isms.SLA
	// SLACompliance is the share of findings with a deadline fixed in
	// time, of those fixed or overdue; -1 when there are none yet.
	SLACompliance float64
	Scans         int
	LastScan      *store.Scan
}

// VulnMetrics computes the figures now.
func (s *Service) VulnMetrics(ctx context.Context, a Access) (VulnMetrics, error) {
	if err := a.require(isms.PermRead); err != nil {
		return VulnMetrics{}, err
	}
	m, err := s.db.VulnMetrics(ctx, a.Org.ID, s.now())
	if err != nil {
		return VulnMetrics{}, err
	}
	out := VulnMetrics{VulnMetrics: m, SLACompliance: -1}
	if judged := m.ClosedInTime + m.ClosedLate + m.Overdue; judged > 0 {
		out.SLACompliance = float64(m.ClosedInTime) / float64(judged)
	}
	if out.SLA, err = s.db.VulnSLA(ctx, a.Org.ID); err != nil {
		return out, err
	}
	scans, err := s.db.Scans(ctx, a.Org.ID, 1)
	if err != nil {
		return out, err
	}
	if len(scans) > 0 {
		out.LastScan = &scans[0]
	}
	out.Scans, err = s.db.CountScans(ctx, a.Org.ID)
	return out, err
}

// ScanMaxSize is the largest scan file imported, or 0 when the server
// keeps no files.
func (s *Service) ScanMaxSize() int64 {
	if s.files == nil {
		return 0
	}
	return s.scanMax
}

// onScale carries a value of a five-point scale onto a scale of n points.
func onScale(v, n int) int {
	if n <= 0 {
		return v
	}
	return max(1, min(n, (v*n+4)/5))
}

// countingReader counts what passes through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
