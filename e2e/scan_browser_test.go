package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// weeklyScan is a Nessus v2 file as Nessus exports it, cut down: the GPU
// node, which the inventory knows by its IP address, with an exploitable
// critical and a medium finding, and a build host it does not know.
func weeklyScan(end time.Time) string {
	stamp := end.UTC().Format(time.ANSIC)
	item := func(port, severity, plugin int, name, cve string, exploit bool) string {
		return fmt.Sprintf(`<ReportItem port="%d" svc_name="www" protocol="tcp" severity="%d" pluginID="%d" pluginName="%s" pluginFamily="General">
<synopsis>The remote service is affected by a vulnerability.</synopsis>
<description>The version of %s on the remote host is affected by a remote code execution vulnerability.</description>
<solution>Upgrade to the latest version.</solution>
<risk_factor>High</risk_factor><cvss3_base_score>9.8</cvss3_base_score><exploit_available>%t</exploit_available>
<cve>%s</cve><see_also>https://vendor.example/advisories/%d</see_also>
<plugin_output>Installed version : 1.0.2
Fixed version     : 1.0.9</plugin_output>
</ReportItem>
`, port, severity, plugin, name, name, exploit, cve, plugin)
	}
	return `<?xml version="1.0" ?>
<NessusClientData_v2>
<Policy><policyName>Advanced Network Scan</policyName></Policy>
<Report name="Weekly GPU fleet scan" xmlns:cm="http://www.nessus.org/cm">
<ReportHost name="10.0.0.5"><HostProperties>
<tag name="HOST_END">` + stamp + `</tag><tag name="host-ip">10.0.0.5</tag><tag name="operating-system">Linux Kernel 6.8 on Ubuntu 24.04</tag>
<tag name="Credentialed_Scan">true</tag>
</HostProperties>
` + item(8000, 4, 201001, "Inference server", "CVE-2026-1111", true) + item(443, 2, 201002, "TLS configuration", "CVE-2026-2222", false) + `</ReportHost>
<ReportHost name="build-7.helix.internal"><HostProperties>
<tag name="HOST_END">` + stamp + `</tag><tag name="host-ip">10.0.3.7</tag><tag name="host-fqdn">build-7.helix.internal</tag>
</HostProperties>
` + item(22, 3, 201003, "OpenSSH", "CVE-2026-3333", false) + `</ReportHost>
</Report>
</NessusClientData_v2>
`
}

// TestBrowserScanImportToRisk is the path through vulnerability
// management: import a Nessus file through the upload form, land on the
// scan's page, open the register filtered to critical findings, open the
// critical finding, and raise a risk from it.
func TestBrowserScanImportToRisk(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	op, err := s.Svc.OpenOrg(bg, app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	dana, _, err := s.Svc.ListMembers(bg, op, isms.MemberFilter{Query: "dana"})
	if err != nil || len(dana) != 1 {
		t.Fatalf("dana: %v", err)
	}
	gpu, err := s.Svc.CreateAsset(bg, op, isms.Asset{Name: "gpu-inference-1", Type: isms.AssetComputeCluster, OwnerID: dana[0].ID,
		Lifecycle: isms.LifecycleInProduction, Attributes: map[string]string{"ip": "10.0.0.5", "provider": "on premises"}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "weekly-gpu-fleet.nessus")
	if err := os.WriteFile(file, []byte(weeklyScan(time.Now().Add(-2*time.Hour))), 0o600); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, s, ".stats")

	// Vulnerabilities, from the navigation; the Scans tab has the form.
	err = cdp.Do(ctx,
		cdp.Click(cdp.CSS(`nav.nav a[href="/o/helix-ai/findings"]`)),
		cdp.WaitVisible(cdp.ID("finding-count")),
		cdp.Click(cdp.CSS(`nav.tabs a[href="/o/helix-ai/scans"]`)),
		cdp.WaitVisible(cdp.ID("scan-form")),
	)
	if err != nil {
		t.Fatalf("open the scans: %v", err)
	}
	// A mark on the window tells the script's upload, which keeps the
	// window and shows the answer in it, from a plain form post.
	if _, err := cdp.Run(ctx, cdp.Evaluate[int]("window.uploadMark = 1")); err != nil {
		t.Fatal(err)
	}
	err = cdp.Do(ctx,
		cdp.SetUploadFiles(cdp.ID("scan-file"), []string{file}),
		cdp.Click(cdp.CSS(`#scan-form button[type="submit"]`)),
		cdp.WaitVisible(cdp.ID("hosts")),
	)
	if err != nil {
		t.Fatalf("import the scan: %v", err)
	}
	if mark, err := cdp.Run(ctx, cdp.Evaluate[int]("window.uploadMark || 0")); err != nil || mark != 1 {
		t.Errorf("the import did not go through the script with its progress bar (mark %d, %v)", mark, err)
	}
	waitText(t, ctx, ".flash", "Scan imported: Weekly GPU fleet scan. 2 hosts, 3 findings")
	waitText(t, ctx, "h1", "Weekly GPU fleet scan")
	loc, err := cdp.Run(ctx, cdp.Location())
	if err != nil || !strings.Contains(loc, "/o/helix-ai/scans/") {
		t.Errorf("after the import the address is %q, %v; want the scan's page", loc, err)
	}
	waitText(t, ctx, `#hosts tr[data-matched="ip"] .matched-by`, "IP address")
	waitText(t, ctx, `#hosts tr[data-matched="ip"]`, "gpu-inference-1")
	waitText(t, ctx, `#hosts tr[data-matched="created"] .matched-by`, "added as a new asset")
	screenshot(t, ctx, "scan")

	// The register, narrowed to critical findings by its filter.
	err = cdp.Do(ctx,
		cdp.Click(cdp.CSS(`nav.nav a[href="/o/helix-ai/findings"]`)),
		cdp.WaitVisible(cdp.ID("f-severity")),
	)
	if err != nil {
		t.Fatalf("open the register: %v", err)
	}
	waitText(t, ctx, "#finding-count", "3 findings")
	// The severity select submits its form when changed.
	if _, err := cdp.Run(ctx, cdp.Evaluate[bool](`(() => {
		const sel = document.getElementById("f-severity");
		sel.value = "critical";
		sel.dispatchEvent(new Event("change"));
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#finding-count", "1 finding")
	if loc, err := cdp.Run(ctx, cdp.Location()); err != nil || !strings.Contains(loc, "/findings?severity=critical") {
		t.Errorf("the filtered register is at %q, %v", loc, err)
	}
	const row = `#register tr[data-severity="critical"]`
	waitText(t, ctx, row, "Inference server")
	waitText(t, ctx, row+" .fix-first", "fix first")
	screenshot(t, ctx, "findings")

	// The finding, and a risk raised from it.
	err = cdp.Do(ctx,
		cdp.Click(cdp.CSS(row+` a[href^="/o/helix-ai/findings/"]`)),
		cdp.WaitVisible(cdp.ID("raise-risk")),
	)
	if err != nil {
		t.Fatalf("open the finding: %v", err)
	}
	waitText(t, ctx, "h1", "Inference server")
	waitText(t, ctx, "#fix-first", "fix first")
	waitText(t, ctx, "#finding-cves", "CVE-2026-1111")
	waitText(t, ctx, "#output", "Fixed version     : 1.0.9")
	screenshot(t, ctx, "finding")
	err = cdp.Do(ctx,
		cdp.Click(cdp.ID("raise-risk")),
		cdp.WaitVisible(cdp.ID("risk-status")),
	)
	if err != nil {
		t.Fatalf("raise a risk: %v", err)
	}
	waitText(t, ctx, ".flash", "Risk R-001 raised from the finding")
	waitText(t, ctx, "h1", "Inference server on gpu-inference-1")
	if loc, err := cdp.Run(ctx, cdp.Location()); err != nil || !strings.HasSuffix(loc, "/o/helix-ai/risks/R-001") {
		t.Errorf("after raising the risk the address is %q, %v", loc, err)
	}

	// The overview shows what needs attention; A.8.8, the figures as
	// evidence; the scans list, the import.
	err = cdp.Do(ctx, cdp.Navigate(s.URL+"/o/helix-ai/"), cdp.WaitVisible(cdp.ID("vuln-card")))
	if err != nil {
		t.Fatalf("overview: %v", err)
	}
	waitText(t, ctx, "#vuln-card", "Open critical")
	err = cdp.Do(ctx, cdp.Navigate(s.URL+"/o/helix-ai/controls/"+vulnManagement), cdp.WaitVisible(cdp.ID("vuln-metrics")))
	if err != nil {
		t.Fatalf("A.8.8: %v", err)
	}
	waitText(t, ctx, "#metric-open", "3")
	waitText(t, ctx, "#metric-scans", "Weekly GPU fleet scan")
	screenshot(t, ctx, "vuln-control")
	err = cdp.Do(ctx, cdp.Navigate(s.URL+"/o/helix-ai/scans"), cdp.WaitVisible(cdp.ID("scans")))
	if err != nil {
		t.Fatalf("scans: %v", err)
	}
	waitText(t, ctx, "#scans", "Weekly GPU fleet scan")
	screenshot(t, ctx, "scans")

	// What the browser did is in the records: the finding names the risk,
	// which has the asset in scope.
	crit := isms.SeverityCritical
	page, err := s.Svc.ListFindings(bg, op, store.FindingFilter{Severity: &crit})
	if err != nil || len(page.Findings) != 1 {
		t.Fatalf("critical findings: %+v %v", page, err)
	}
	k, err := s.Svc.RiskByRef(bg, op, "1")
	if err != nil || page.Findings[0].RiskID != k.ID || len(k.AssetIDs) != 1 || k.AssetIDs[0] != gpu.ID {
		t.Errorf("the finding names risk %q; R-001 is %+v (%v)", page.Findings[0].RiskID, k.Risk, err)
	}
}

// TestBrowserMissedDeadlineToNonconformity: a finding past its remediation
// deadline is recorded as a nonconformity from its page, and the
// nonconformity is worked in the browser up to verification.
func TestBrowserMissedDeadlineToNonconformity(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	op, err := s.Svc.OpenOrg(bg, app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	dana, _, err := s.Svc.ListMembers(bg, op, isms.MemberFilter{Query: "dana"})
	if err != nil || len(dana) != 1 {
		t.Fatalf("dana: %v", err)
	}
	if _, err := s.Svc.CreateAsset(bg, op, isms.Asset{Name: "gpu-inference-1", Type: isms.AssetComputeCluster, OwnerID: dana[0].ID,
		Lifecycle: isms.LifecycleInProduction, Attributes: map[string]string{"ip": "10.0.0.5"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Svc.ImportNessus(bg, op, "old.nessus", strings.NewReader(weeklyScan(time.Now().AddDate(0, 0, -40)))); err != nil {
		t.Fatal(err)
	}
	crit := isms.SeverityCritical
	page, err := s.Svc.ListFindings(bg, op, store.FindingFilter{Severity: &crit})
	if err != nil || len(page.Findings) != 1 {
		t.Fatalf("critical findings: %+v %v", page, err)
	}

	signIn(t, ctx, s, ".stats")
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/findings/"+page.Findings[0].ID),
		cdp.WaitVisible(cdp.ID("overdue-note")),
		cdp.Click(cdp.ID("raise-nc")),
		cdp.WaitVisible(cdp.ID("nc-stage")),
	)
	if err != nil {
		t.Fatalf("raise the nonconformity: %v", err)
	}
	waitText(t, ctx, ".flash", "NC-001 raised for the missed remediation deadline")
	waitText(t, ctx, "h1", "Missed remediation deadline: Inference server on gpu-inference-1")
	waitText(t, ctx, "#nc-requirement", "A.8.8")
	waitText(t, ctx, "#nc-finding", "Inference server")

	// The correction and the cause, then an action, reported done.
	err = cdp.Do(ctx,
		cdp.SendKeys(cdp.ID("nc-correction"), "Inference server patched on the node the same day."),
		cdp.SendKeys(cdp.ID("nc-root-cause"), "Nobody was watching the scan results for that node."),
		cdp.Click(cdp.ID("nc-save")),
		cdp.WaitVisible(cdp.ID("action-form")),
	)
	if err != nil {
		t.Fatalf("record the correction: %v", err)
	}
	waitText(t, ctx, ".flash", "NC-001 saved.")
	due := time.Now().AddDate(0, 0, 14).Format("01022006")
	err = cdp.Do(ctx,
		cdp.SendKeys(cdp.ID("action-title"), "Route scan results to the node owners every week"),
		cdp.SendKeys(cdp.ID("action-due"), due),
		cdp.Click(cdp.ID("action-add")),
		cdp.WaitVisible(cdp.CSS(`#actions tr[data-done="false"]`)),
	)
	if err != nil {
		t.Fatalf("plan an action: %v", err)
	}
	waitText(t, ctx, "#nc-stage", "Corrective action")
	err = cdp.Do(ctx,
		cdp.SendKeys(cdp.CSS(`#actions form[data-complete] textarea`), "Weekly digest set up for node owners."),
		cdp.Click(cdp.CSS(`#actions form[data-complete] button[type="submit"]`)),
		cdp.WaitVisible(cdp.CSS(`#actions tr[data-done="true"]`)),
	)
	if err != nil {
		t.Fatalf("report the action done: %v", err)
	}
	waitText(t, ctx, "#nc-stage", "Awaiting verification")
	// Dana owns the record: someone else verifies.
	waitText(t, ctx, "#verify-not-independent", "Someone who owns neither")
	screenshot(t, ctx, "nonconformity")

	d, err := s.Svc.Nonconformity(bg, op, "NC-001")
	if err != nil || d.FindingID != page.Findings[0].ID || d.Correction == "" || d.RootCause == "" || len(d.Actions) != 1 || !d.Actions[0].Done() {
		t.Errorf("the record after the browser: %+v, %v", d, err)
	}
}
