package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// scanPageSamples are the pages of vulnerability management for
// TestEveryTemplateRenders, filled and empty, and the pages that show
// findings besides their own (asset, control, overview), with them.
func scanPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	due := now.AddDate(0, 0, -3)
	scan := store.Scan{ID: "s1", OrgID: "o1", Name: "Weekly GPU scan", Policy: "Advanced Network Scan", Scanner: "Local Scanner",
		StartedAt: &now, EndedAt: &now, FileName: "weekly.nessus", FileSHA256: "ab12", FileSize: 48213, EvidenceID: "e1",
		ImportedBy: "user:u1", Hosts: 2, Findings: 5, BySeverity: [5]int{1, 0, 2, 1, 1}, Compliance: 3, New: 3, SeenAgain: 1, Fixed: 2,
		Again: 1, AssetsCreated: 1, CreatedAt: now}
	bare := store.Scan{ID: "s2", Name: "bare.nessus", FileName: "bare.nessus", CreatedAt: now}
	plugin := store.Plugin{ID: 1001, Name: "OpenSSL < 3.0.14 Multiple Vulnerabilities", Family: "Web Servers", Synopsis: "Outdated OpenSSL.",
		Description: "The remote host runs OpenSSL.\nSecond line.", Solution: "Upgrade.", RiskFactor: "Critical", CVSS2Base: 10,
		CVSS2Vector: "AV:N/AC:L/Au:N/C:C/I:C/A:C", CVSS3Base: 9.8, CVSS3Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VPR: 8.4,
		CVEs: []string{"CVE-2026-0001", "CVE-2026-0002", "CVE-2026-0003", "CVE-2026-0004"}, CWEs: []string{"79"},
		References: []string{"https://www.openssl.org/news/", "BID:1234"}, ExploitAvailable: true, Published: "2026/01/01", PatchReleased: "2026/01/02"}
	finding := store.Finding{ID: "f1", OrgID: "o1", AssetID: "a1", AssetName: "gpu-node-1", AssetType: isms.AssetComputeCluster,
		AssetLifecycle: isms.LifecycleInProduction, Plugin: plugin, Port: 443, Protocol: "tcp", Service: "www", Severity: isms.SeverityCritical,
		Output: "Installed version : 1.0\n<script>", OutputTruncated: true, Status: isms.FindingOpen, FirstSeen: now, LastSeen: now, DueDate: &due,
		FirstScanID: "s1", LastScanID: "s1", RiskID: "k1"}
	fixed := store.Finding{ID: "f2", AssetID: "a2", AssetName: "build-1", Plugin: store.Plugin{ID: 1002, Name: "Apache"}, Port: 80, Protocol: "tcp",
		Severity: isms.SeverityMedium, Status: isms.FindingFixed, FirstSeen: now, LastSeen: now, FixedAt: &now}
	row := findingRow{Finding: finding, Link: "/f1", AssetLink: "/a1", Overdue: true, FixFirst: true, CVEs: plugin.CVEs[:3], MoreCVEs: 1}
	rows := []findingRow{row, {Finding: fixed, Link: "/f2", AssetLink: "/a2"}}
	detail := app.ScanDetail{Scan: scan, Previous: &bare,
		Hosts: []store.ScanHost{{ID: "h1", ScanID: "s1", AssetID: "a1", Name: "10.0.0.5", MatchedBy: "ip", IP: "10.0.0.5", FQDN: "gpu-1.helix.example",
			MACs: []string{"00:11:22:33:44:55"}, OS: "Linux Kernel 6.1", Credentialed: true, Findings: 4, AssetName: "gpu-node-1"},
			{ID: "h2", AssetID: "a2", Name: "build-1", MatchedBy: "created", Findings: 1, AssetName: "build-1"}},
		Changes: []store.ScanChange{{Kind: "new", Severity: isms.SeverityCritical, Count: 1}, {Kind: "fixed", Severity: isms.SeverityMedium, Count: 2}},
		Compliance: []store.ComplianceRow{{ComplianceResult: store.ComplianceResult{CheckName: "SSH root login", CheckID: "5.2.8", Result: "FAILED",
			Actual: "yes", Policy: "no", Solution: "Set PermitRootLogin no", Reference: "CIS-5.2.8"}, ID: "c1", AssetID: "a1", AssetName: "gpu-node-1"},
			{ComplianceResult: store.ComplianceResult{CheckName: "Firewall", Result: "PASSED"}, ID: "c2", AssetID: "a1", AssetName: "gpu-node-1"}}}
	sp := &scanPage{Page: frame("Weekly GPU scan"), Scan: detail, ImportedBy: "dana@helix.example", Size: "47.1 KiB", EvidenceLink: "/e1",
		FileLink: "/e1/file", PreviousLink: "/s2", Counts: severityCounts(scan.BySeverity), OpenLink: "/f?scan=s1", AllLink: "/f?scan=s1&status=all",
		Failed: 1, Passed: 1, ComplianceCut: true, VulnControlLink: "/c/a88", ConfigControlLink: "/c/a89"}
	for _, h := range detail.Hosts {
		sp.Hosts = append(sp.Hosts, scanHostRow{ScanHost: h, AssetLink: "/a/" + h.AssetID})
	}
	for _, c := range detail.Compliance {
		sp.Compliance = append(sp.Compliance, complianceView{ComplianceRow: c, AssetLink: "/a1"})
	}
	for _, s := range severitiesDown {
		sp.Changes = append(sp.Changes, scanChangeRow{Severity: s, New: 1, Link: "/f?severity=" + s.String()})
	}
	sp.Totals = scanChangeRow{New: 5, Fixed: 2}
	sla := []slaDay{{isms.SeverityCritical, "critical_days", 15}, {isms.SeverityHigh, "high_days", 30}, {isms.SeverityMedium, "medium_days", 90},
		{isms.SeverityLow, "low_days", 0}}
	viewer := frame("Vulnerabilities")
	viewer.Role = isms.RoleViewer
	history := []findingEventRow{{FindingEvent: store.FindingEvent{ScanID: "s1", ScanName: "Weekly", Kind: "new", Severity: isms.SeverityCritical, At: now}, ScanLink: "/s1"},
		{FindingEvent: store.FindingEvent{ScanID: "s2", ScanName: "Next", Kind: "fixed", Severity: isms.SeverityCritical, At: now}, ScanLink: "/s2"}}
	owned := store.StoredAsset{Asset: isms.Asset{ID: "a1", Name: "gpu-node-1", OwnerID: "m1"}}
	unowned := store.StoredAsset{Asset: isms.Asset{ID: "a2", Name: "build-1"}}
	open := finding
	open.RiskID, open.DueDate, open.OutputTruncated, open.Output = "", nil, false, ""

	metrics := app.VulnMetrics{VulnMetrics: store.VulnMetrics{OpenBySeverity: [5]int{3, 1, 2, 4, 1}, Overdue: 2, ClosedInTime: 3, ClosedLate: 1,
		MeanDaysToFix: 12.25, Fixed: 4}, SLA: isms.DefaultSLA, SLACompliance: 0.5, Scans: 3, LastScan: &scan}
	control := &controlPage{Page: frame("A.8.8"), Ref: vulnControlRef, Entry: soa.Entry{Control: vulnControlRef}, Cite: "A.8.8", Freshness: freshnessNone,
		Vuln: &vulnMetricsView{VulnMetrics: metrics, Open: severityCounts(metrics.OpenBySeverity)[:4], OpenTotal: 10, Compliance: "50%",
			MeanDays: "12.2 days", LastLink: "/s1", Register: "/f", OverdueLink: "/f?overdue=1", ScansLink: "/s"}}
	noScans := &controlPage{Page: frame("A.12.6.1"), Ref: "iso27001-2013:A.12.6.1", Entry: soa.Entry{Control: "iso27001-2013:A.12.6.1"},
		Cite: "A.12.6.1", Freshness: freshnessNone, Vuln: &vulnMetricsView{VulnMetrics: app.VulnMetrics{SLACompliance: -1}, Register: "/f", ScansLink: "/s"}}

	return map[string][]basePage{
		"scans": {
			&scansPage{Page: frame("Vulnerability scans"), Rows: []scanRow{{Scan: scan, Link: "/s1", ImportedBy: "dana@helix.example",
				Counts: severityCounts(scan.BySeverity)}, {Scan: bare, Link: "/s2", Counts: severityCounts(bare.BySeverity)}}, Limited: true,
				MaxUpload: "100 MiB", MaxBytes: 100 << 20, Refused: "weekly.nessus: line 3, column 9: element <ReportHost> is not closed; nothing was imported."},
			&scansPage{Page: frame("Vulnerability scans")},
		},
		"scan": {sp, &scanPage{Page: frame("bare.nessus"), Scan: app.ScanDetail{Scan: bare}}},
		"findings": {
			&findingsPage{Page: frame("Vulnerabilities"), Query: findingQuery{Severity: "high-and-above", Asset: "a1", Plugin: "1001", CVE: "CVE-2026-0001",
				Status: "all", Scan: "s1", Overdue: true}, Rows: rows, Total: 120, Next: "/f?cursor=x", First: "/f", ClearURL: "/f", ScanLink: "/s1",
				AllScans: "/f?status=all", Severities: severityOptions, Assets: []store.AssetLabel{{ID: "a1", Name: "gpu-node-1"}}, SLA: sla,
				SLAForm: slaForm{"15", "30", "x", "0"}, SLAErrors: map[string]string{"medium_days": "must be a whole number of days"}, ScansLink: "/s"},
			&findingsPage{Page: frame("Vulnerabilities"), Problems: []isms.FieldError{{Field: "plugin", Detail: "is not a plugin id"}}, Severities: severityOptions,
				SLA: sla, ScansLink: "/s"},
			&findingsPage{Page: viewer, SLA: sla, ScansLink: "/s"},
		},
		"finding": {
			&findingPage{Page: frame("OpenSSL"), Finding: app.FindingDetail{Finding: finding, Highlight: true}, Asset: owned, AssetLink: "/a1",
				AssetEdit: "/a1/edit", Overdue: true, DaysOverdue: 3, SLADays: 15, CVEs: []findingLink{{Text: "CVE-2026-0001", URL: "/f?cve=CVE-2026-0001"}},
				CWEs: []string{"CWE-79"}, References: []findingLink{{Text: "https://www.openssl.org/news/", URL: "https://www.openssl.org/news/"}, {Text: "BID:1234"}},
				History: history, RiskRef: "R-001", RiskTitle: "OpenSSL on gpu-node-1", RiskLink: "/r/R-001", RaiseAction: "/f1/risk", Register: "/f"},
			&findingPage{Page: frame("OpenSSL"), Finding: app.FindingDetail{Finding: open}, Asset: owned, RaiseAction: "/f1/risk", Register: "/f",
				Refusal: "A risk was already raised from this finding."},
			&findingPage{Page: frame("Apache"), Finding: app.FindingDetail{Finding: fixed}, Asset: unowned, RaiseAction: "/f2/risk", Register: "/f"},
			&findingPage{Page: viewer, Finding: app.FindingDetail{Finding: fixed}, Asset: unowned, Register: "/f"},
		},
		"asset": {
			&assetPage{Page: frame("gpu-node-1"), Asset: owned, Vulns: assetVulns{Show: true, Open: rows[:1], OpenN: 12, AllN: 20, OpenLink: "/f?asset=a1",
				AllLink: "/f?asset=a1&status=all"}},
			&assetPage{Page: frame("build-1"), Asset: unowned, Vulns: assetVulns{Show: true, AllN: 2}},
			&assetPage{Page: frame("build-2"), Asset: unowned, Vulns: assetVulns{Show: true}},
		},
		"control": {control, noScans},
		"overview": {&overviewPage{Page: frame("Helix"), Vulns: &vulnCard{Critical: 2, High: 0, Overdue: 1, CriticalLink: "/c", HighLink: "/h",
			OverdueLink: "/o", Link: "/f"}}},
	}
}
