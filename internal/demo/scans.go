package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// demoPlugin is a scanner check of the demo scans. The ids are far above
// Tenable's, and the texts are ours: the demo does not pretend to quote
// real plugins.
type demoPlugin struct {
	id, severity int
	port         int
	name, family string
	exploit      bool
	cve          string
	synopsis     string
	solution     string
}

var demoPlugins = map[string]demoPlugin{
	"runtime":  {990001, 4, 0, "Container runtime allows a container to escape to the host", "Misc.", true, "CVE-2026-31001", "A workload can gain root on the GPU node through the container runtime.", "Upgrade the container runtime on every node and restart the workloads."},
	"driver":   {990002, 3, 0, "GPU driver below the vendor's security release", "Misc.", false, "CVE-2026-31002", "The GPU kernel driver has a memory corruption flaw reachable from CUDA programs.", "Install the driver of the latest security release and reboot the node."},
	"tls10":    {990003, 2, 8443, "Management interface accepts TLS 1.0", "Service detection", false, "", "The node's management interface negotiates a protocol version with known weaknesses.", "Allow TLS 1.2 and 1.3 only."},
	"pgminor":  {990004, 2, 5432, "Database server behind its latest minor release", "Databases", false, "CVE-2026-31004", "The database misses fixes published in later minor releases.", "Apply the latest minor release in the next maintenance window."},
	"sshmac":   {990005, 1, 22, "SSH server offers weak MAC algorithms", "Misc.", false, "", "The SSH server still offers MAC algorithms based on MD5 or 96-bit truncation.", "Remove the weak algorithms from the server's configuration."},
	"ci":       {990006, 3, 8080, "Build server outdated with a known remote code execution flaw", "CGI abuses", true, "CVE-2026-31006", "The build server's web interface runs a release with a published code execution flaw.", "Upgrade the build server and put it behind the VPN."},
	"scaninfo": {990010, 0, 0, "Scan information", "Settings", false, "", "Information about this scan.", "n/a"},
}

type demoScanHost struct {
	name, ip, fqdn, os string
	plugins            []string
	compliance         []string
}

// demoScanFile writes a small .nessus file of hosts scanned at end.
func demoScanFile(name string, end time.Time, hosts []demoScanHost) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" ?>` + "\n" + `<NessusClientData_v2 xmlns:cm="http://www.nessus.org/cm">` +
		`<Policy><policyName>Helix weekly credentialed</policyName></Policy>`)
	fmt.Fprintf(&b, `<Report name="%s">`, name)
	for _, h := range hosts {
		fmt.Fprintf(&b, `<ReportHost name="%s"><HostProperties><tag name="HOST_END_TIMESTAMP">%d</tag><tag name="host-ip">%s</tag>`, h.name, end.Unix(), h.ip)
		if h.fqdn != "" {
			fmt.Fprintf(&b, `<tag name="host-fqdn">%s</tag>`, h.fqdn)
		}
		fmt.Fprintf(&b, `<tag name="operating-system">%s</tag><tag name="Credentialed_Scan">true</tag></HostProperties>`, h.os)
		for _, key := range h.plugins {
			p := demoPlugins[key]
			fmt.Fprintf(&b, `<ReportItem port="%d" svc_name="general" protocol="tcp" severity="%d" pluginID="%d" pluginName="%s" pluginFamily="%s">`,
				p.port, p.severity, p.id, p.name, p.family)
			fmt.Fprintf(&b, `<synopsis>%s</synopsis><description>%s</description><solution>%s</solution>`, p.synopsis, p.synopsis, p.solution)
			fmt.Fprintf(&b, `<plugin_modification_date>2026/11/01</plugin_modification_date><exploit_available>%t</exploit_available>`, p.exploit)
			if p.cve != "" {
				fmt.Fprintf(&b, `<cve>%s</cve>`, p.cve)
			}
			b.WriteString(`</ReportItem>`)
		}
		for i, result := range h.compliance {
			fmt.Fprintf(&b, `<ReportItem port="0" svc_name="general" protocol="tcp" severity="1" pluginID="990100" pluginName="Hardening checks" pluginFamily="Policy Compliance">`+
				`<cm:compliance-check-name>Hardening check %d of the GPU node baseline</cm:compliance-check-name><cm:compliance-result>%s</cm:compliance-result>`+
				`<cm:compliance-actual-value>as found</cm:compliance-actual-value><cm:compliance-policy-value>as the baseline requires</cm:compliance-policy-value>`+
				`<cm:compliance-audit-file>helix-gpu-node-baseline.audit</cm:compliance-audit-file></ReportItem>`, i+1, result)
		}
		b.WriteString(`</ReportHost>`)
	}
	b.WriteString(`</Report></NessusClientData_v2>`)
	return b.String()
}

// seedScans imports two scans four weeks apart: the second fixes some
// findings, one host nobody had recorded becomes a discovered asset, a risk
// is raised from the exploitable critical on the GPU cluster, and its
// missed remediation deadline becomes a nonconformity. Without an evidence
// folder (in tests) there is nowhere to keep the files, and no scans.
func seedScans(ctx context.Context, svc *app.Service, mgr app.Access, now time.Time) error {
	if svc.ScanMaxSize() == 0 {
		return nil
	}
	gpu := demoScanHost{name: "10.20.0.10", ip: "10.20.0.10", fqdn: "gpu-eu.helix-ai.internal", os: "Ubuntu 22.04"}
	db := demoScanHost{name: "10.30.0.5", ip: "10.30.0.5", fqdn: "customer-db.helix-ai.internal", os: "Amazon Linux 2023"}
	ci := demoScanHost{name: "10.20.0.77", ip: "10.20.0.77", fqdn: "ci-legacy.helix-ai.internal", os: "Debian 11"}
	first := []demoScanHost{gpu, db, ci}
	first[0].plugins = []string{"runtime", "driver", "tls10", "scaninfo"}
	first[1].plugins = []string{"pgminor", "sshmac", "scaninfo"}
	first[2].plugins = []string{"ci", "sshmac", "scaninfo"}
	second := []demoScanHost{gpu, db, ci}
	second[0].plugins = []string{"runtime", "driver", "scaninfo"}
	second[0].compliance = []string{"PASSED", "PASSED", "FAILED", "PASSED", "WARNING"}
	second[1].plugins = []string{"sshmac", "scaninfo"}
	second[2].plugins = []string{"ci", "sshmac", "scaninfo"}
	for i, sc := range []struct {
		name  string
		end   time.Time
		hosts []demoScanHost
	}{
		{"Weekly credentialed scan, week 43", now.AddDate(0, 0, -35), first},
		{"Weekly credentialed scan, week 47", now.AddDate(0, 0, -7), second},
	} {
		file := fmt.Sprintf("helix-weekly-%d.nessus", i+1)
		if _, err := svc.ImportNessus(ctx, mgr, file, strings.NewReader(demoScanFile(sc.name, sc.end, sc.hosts))); err != nil {
			return fmt.Errorf("demo scan %s: %w", file, err)
		}
	}
	crit := isms.SeverityCritical
	page, err := svc.ListFindings(ctx, mgr, store.FindingFilter{Severity: &crit, Status: isms.FindingOpen})
	if err != nil || len(page.Findings) == 0 {
		return fmt.Errorf("demo critical finding: %v", err)
	}
	if _, err = svc.RaiseRisk(ctx, mgr, page.Findings[0].ID); err != nil {
		return err
	}
	nc, err := svc.RaiseFindingNonconformity(ctx, mgr, page.Findings[0].ID, "")
	if err != nil {
		return fmt.Errorf("demo nonconformity of a missed deadline: %w", err)
	}
	correction := "Workloads from outside the platform team were stopped on the GPU nodes until they are patched; the nodes' runtime logs were checked for escapes and showed none."
	cause := "The runtime is pinned in the node image, and the image is rebuilt only with a driver release, so security releases of the runtime waited for the next driver."
	if _, err := svc.UpdateNonconformity(ctx, mgr, nc.ID, app.NCInput{Correction: &correction, RootCause: &cause}); err != nil {
		return err
	}
	title, due := "Rebuild the GPU node image on every runtime security release, not only with drivers", now.AddDate(0, 0, 5)
	_, err = svc.SaveCorrectiveAction(ctx, mgr, nc.ID, "", app.CorrectiveActionInput{Title: &title, OwnerID: &nc.OwnerID, DueDate: &due})
	return err
}
