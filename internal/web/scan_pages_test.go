package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/nessus/nessustest"
	"github.com/isms-dev/isms/internal/store"
)

// nessusFile is a hand-made scan as an upload sends it.
func nessusFile(name string, end time.Time, hosts ...nessustest.Host) []byte {
	return []byte(nessustest.File(name, end, hosts...))
}

// gpuScan is a scan of the GPU node (matched by its IP address) and of a
// build host no asset names, scanned at end.
func gpuScan(name string, end time.Time) []byte {
	return nessusFile(name, end,
		nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
			{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL", Exploit: true, CVE: "CVE-2026-0001",
				SeeAlso: "https://vendor.example/advisory", Output: "Installed version : 1.0 <b>"},
			{Plugin: 1002, Port: 80, Severity: 2, Name: "Apache"},
		}, Compliance: []string{"PASSED", "FAILED"}},
		nessustest.Host{Name: "build-1", IP: "10.0.0.9", FQDN: "build-1.helix.example", Items: []nessustest.Item{{Plugin: 1003, Port: 22, Severity: 3, Name: "OpenSSH"}}})
}

var findingCount = regexp.MustCompile(`<h2 id="finding-count">(\d+) finding`)

// findings opens the register with a query and returns the count it
// shows and the page.
func (b *browser) findings(query string) (string, string) {
	b.t.Helper()
	body := b.getOK("/o/helix-ai/findings" + query)
	m := findingCount.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("the register at %s shows no count", query)
	}
	return m[1], body
}

func TestVulnerabilityPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		files, err := evidence.Open(t.TempDir(), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s := newSiteOn(t, config.Default(), db, files)
		ctx := context.Background()
		op := s.operator(t)
		members, _, err := s.svc.ListMembers(ctx, op, isms.MemberFilter{Query: email})
		if err != nil || len(members) != 1 {
			t.Fatalf("dana: %v %v", members, err)
		}
		dana := members[0].ID
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer", Password: password}); err != nil {
			t.Fatal(err)
		}
		gpu, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "gpu-node-1", Type: isms.AssetComputeCluster, OwnerID: dana,
			Lifecycle: isms.LifecycleInProduction, Attributes: map[string]string{"ip": "10.0.0.5"}})
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.login(password)
		viewer := s.browser(t)
		if resp, _ := viewer.do("POST", "/login", url.Values{"email": {"vic@helix.example"}, "password": {password},
			"csrf": {viewer.csrf("/login")}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as the viewer: %d", resp.StatusCode)
		}

		// Import through the form: the scan's page, with a message.
		body := b.getOK("/o/helix-ai/scans")
		mustContain(t, "scans page", body, `id="scan-form"`, `enctype="multipart/form-data" data-upload`, `No scan imported yet.`)
		first := gpuScan("Weekly scan 1", time.Now().AddDate(0, 0, -30))
		resp, _ := b.uploadFile("/o/helix-ai/scans", "/o/helix-ai/scans", "weekly-1.nessus", first)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/o/helix-ai/scans/") {
			t.Fatalf("import: %d to %q", resp.StatusCode, loc)
		}
		scanID := strings.TrimPrefix(loc, "/o/helix-ai/scans/")
		body = b.getOK(loc)
		mustContain(t, "scan page", body, "Scan imported: Weekly scan 1. 2 hosts, 3 findings: 3 new",
			"1 host matched no asset and was added to the inventory", `data-matched="ip"`, ">IP address<", `data-matched="created"`,
			"nothing: added as a new asset", `href="/o/helix-ai/assets/`+gpu.ID+`"`, "Linux Kernel 6.1", `id="previous-scan">the first scan`,
			`id="compliance-summary">2 checks`, "<strong>1 failed</strong>", `data-result="FAILED"`, "weekly-1.nessus",
			`href="/o/helix-ai/findings?scan=`+scanID+`"`, `/o/helix-ai/controls/iso27001-2022:A.8.9`)
		ev := regexp.MustCompile(`id="scan-evidence" href="/o/helix-ai/evidence/([^"]+)"`).FindStringSubmatch(body)
		if ev == nil {
			t.Fatal("the scan page does not link the scan file's evidence item")
		}
		if resp, file := b.do("GET", "/o/helix-ai/evidence/"+ev[1]+"/file", nil); resp.StatusCode != http.StatusOK || file != string(first) {
			t.Errorf("the scan file's download: %d", resp.StatusCode)
		}
		mustContain(t, "scan history", b.getOK("/o/helix-ai/history/scan/"+scanID), "Vulnerability scan")
		body = b.getOK("/o/helix-ai/scans")
		mustContain(t, "scans list", body, `id="scan-`+scanID+`"`, "Weekly scan 1", "1 critical", "1 high", "1 medium", "3 new · 0 fixed · 0 reopened",
			"by dana@helix.example")

		// The register: open findings by default, and its filters.
		for _, tt := range []struct {
			query, want string
			rows        []string
		}{
			{"", "3", []string{"OpenSSL", "OpenSSH", "Apache"}},
			{"?severity=critical", "1", []string{"OpenSSL", "fix first", "CVE-2026-0001", ">available<", `class="overdue"`}},
			{"?severity=high-and-above", "2", []string{"OpenSSL", "OpenSSH"}},
			{"?cve=cve-2026-0001&status=all", "1", []string{"OpenSSL"}},
			{"?plugin=1002", "1", []string{"Apache"}},
			{"?asset=" + gpu.ID, "2", []string{"OpenSSL", "Apache"}},
			{"?overdue=1", "2", []string{"OpenSSL", "OpenSSH"}},
			{"?scan=" + scanID + "&severity=medium", "1", []string{"Apache", `id="scan-note"`}},
			{"?status=fixed", "0", []string{"No findings match."}},
		} {
			n, body := b.findings(tt.query)
			if n != tt.want {
				t.Errorf("findings%s: %s, want %s", tt.query, n, tt.want)
			}
			mustContain(t, "findings"+tt.query, body, tt.rows...)
		}
		for _, query := range []string{"?severity=urgent", "?plugin=abc", "?status=closed", "?cursor=%21%21"} {
			if resp, body := b.do("GET", "/o/helix-ai/findings"+query, nil); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="filter-problems"`) {
				t.Errorf("findings%s: %d, want 422 naming the filter", query, resp.StatusCode)
			}
		}
		// Pages follow the cursor the app gives, most severe first.
		list, err := s.svc.ListFindings(ctx, op, store.FindingFilter{Limit: 1})
		if err != nil || list.Next == "" {
			t.Fatalf("a page of one: %+v %v", list, err)
		}
		n, body := b.findings("?cursor=" + list.Next)
		if n != "3" || strings.Contains(body, ">OpenSSL<") || !strings.Contains(body, "← First page") {
			t.Errorf("the page after the critical finding: %s findings, with OpenSSL %v", n, strings.Contains(body, ">OpenSSL<"))
		}

		// A finding's page says everything, the overdue state first.
		crit := isms.SeverityCritical
		critical, err := s.svc.ListFindings(ctx, op, store.FindingFilter{Severity: &crit})
		if err != nil || len(critical.Findings) != 1 {
			t.Fatalf("critical findings: %+v %v", critical, err)
		}
		fpath := "/o/helix-ai/findings/" + critical.Findings[0].ID
		body = b.getOK(fpath)
		mustContain(t, "finding page", body, "OpenSSL", ">1001<", "Web Servers", "Outdated OpenSSL.", "OpenSSL is vulnerable.", "Upgrade OpenSSL.",
			"Installed version : 1.0 &lt;b&gt;", `href="https://vendor.example/advisory" rel="noopener noreferrer"`, `id="fix-first"`,
			`id="overdue-note"`, "<strong>Overdue by ", "a nonconformity (ISO/IEC 27001 10.2)", `id="raise-risk"`, "443/tcp", `data-kind="new"`,
			`href="/o/helix-ai/scans/`+scanID+`"`, `href="/o/helix-ai/findings?cve=CVE-2026-0001&amp;status=all"`)
		if strings.Contains(body, "<b>") {
			t.Error("the plugin output is not escaped")
		}
		body = viewer.getOK(fpath)
		if strings.Contains(body, `id="raise-risk"`) {
			t.Error("a viewer is offered to raise a risk")
		}

		// Raising a risk opens it; the finding links to it; twice is refused.
		resp, _ = b.post(fpath+"/risk", fpath)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/risks/R-001" {
			t.Fatalf("raise a risk: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		body = b.getOK("/o/helix-ai/risks/R-001")
		mustContain(t, "raised risk", body, "Risk R-001 raised from the finding", "OpenSSL on gpu-node-1", "CVE-2026-0001")
		k, err := s.svc.RiskByRef(ctx, op, "1")
		if err != nil || len(k.AssetIDs) != 1 || k.AssetIDs[0] != gpu.ID || k.OwnerID != dana {
			t.Errorf("the raised risk = %+v, %v; want gpu-node-1 in scope, owned by its owner", k.Risk, err)
		}
		body = b.getOK(fpath)
		mustContain(t, "finding page after raising", body, `id="finding-risk">Raised as <a href="/o/helix-ai/risks/R-001">`)
		mustContain(t, "the risk raised", b.getOK("/o/helix-ai/risks/R-001"), `id="risk-findings"`)
		if resp, body := b.post(fpath+"/risk", "/o/helix-ai/findings"); resp.StatusCode != http.StatusConflict ||
			!strings.Contains(body, "A risk was already raised from this finding.") {
			t.Errorf("raising a second risk: %d", resp.StatusCode)
		}
		if resp, _ := viewer.post(fpath+"/risk", "/o/helix-ai/findings"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer raising a risk: %d, want 403", resp.StatusCode)
		}
		// The host no asset matched became an asset without an owner: the
		// one who raises a risk from its finding holds the risk.
		high := isms.SeverityHigh
		build, err := s.svc.ListFindings(ctx, op, store.FindingFilter{Severity: &high})
		if err != nil || len(build.Findings) != 1 {
			t.Fatalf("high findings: %+v %v", build, err)
		}
		bpath := "/o/helix-ai/findings/" + build.Findings[0].ID
		mustContain(t, "finding on a discovered asset", b.getOK(bpath), `id="asset-needs-owner"`)
		if resp, _ := b.post(bpath+"/risk", bpath); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("raising a risk on an asset without an owner: %d", resp.StatusCode)
		}

		// The asset's page lists its findings; A.8.8 shows the figures;
		// the overview, what needs attention.
		body = b.getOK("/o/helix-ai/assets/" + gpu.ID)
		mustContain(t, "asset page", body, `id="vulnerabilities"`, "2 open of 2 found by scans", `id="asset-finding-`+critical.Findings[0].ID+`"`,
			`href="/o/helix-ai/findings?asset=`+gpu.ID+`&amp;status=all"`)
		for _, ref := range []string{"iso27001-2022:A.8.8", "iso27001-2013:A.12.6.1"} {
			body = b.getOK("/o/helix-ai/controls/" + ref)
			mustContain(t, ref, body, `id="vuln-metrics"`, `id="metric-overdue"><div class="label">Overdue</div><div class="value overdue">2</div>`,
				`id="metric-scans"><div class="label">Scans imported</div><div class="value">1</div>`, "Last: Weekly scan 1", "0%")
		}
		if body = b.getOK("/o/helix-ai/controls/iso27001-2022:A.5.1"); strings.Contains(body, `id="vuln-metrics"`) {
			t.Error("another control shows the vulnerability figures")
		}
		mustContain(t, "overview", b.getOK("/o/helix-ai/"), `id="vuln-card"`, `id="vuln-critical" href="/o/helix-ai/findings?severity=critical"`,
			`id="vuln-overdue"`)

		// The deadlines: a viewer sees them, a writer changes them and the
		// open findings' due dates follow.
		mustContain(t, "viewer's register", viewer.getOK("/o/helix-ai/findings"), `id="sla-days"`)
		if resp, _ := viewer.post("/o/helix-ai/findings/sla", "/o/helix-ai/findings", "critical_days", "60"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer changing the deadlines: %d, want 403", resp.StatusCode)
		}
		for _, tt := range []struct{ field, value, want string }{
			{"critical_days", "-1", "must be between 0 (no deadline) and 3650 days"},
			{"high_days", "soon", "must be a whole number of days"},
		} {
			resp, body := b.post("/o/helix-ai/findings/sla", "/o/helix-ai/findings", "critical_days", "60", "high_days", "90", tt.field, tt.value)
			if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, tt.field, tt.want) {
				t.Errorf("deadline %s=%s: %d, want an inline error %q", tt.field, tt.value, resp.StatusCode, tt.want)
			}
		}
		resp, _ = b.post("/o/helix-ai/findings/sla", "/o/helix-ai/findings", "critical_days", "60", "high_days", "90", "medium_days", "180", "low_days", "0")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/findings#sla" {
			t.Fatalf("save the deadlines: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "register after saving", b.getOK("/o/helix-ai/findings"), "Remediation deadlines saved: critical 60 days, high 90 days, medium 180 days, low none.")
		d, err := s.svc.Finding(ctx, op, critical.Findings[0].ID)
		if err != nil || d.DueDate == nil || !d.DueDate.Equal(d.FirstSeen.AddDate(0, 0, 60)) {
			t.Errorf("the critical finding is due %v, want 60 days after %v (%v)", d.DueDate, d.FirstSeen, err)
		}
		if n, _ := b.findings("?overdue=1"); n != "0" {
			t.Errorf("overdue findings after relaxing the deadlines: %s", n)
		}

		// A refused file names where it breaks, and changes nothing.
		before, err := s.db.LedgerHead(ctx, op.Org.ID)
		if err != nil {
			t.Fatal(err)
		}
		second := gpuScan("Weekly scan 2", time.Now())
		resp, body = b.uploadFile("/o/helix-ai/scans", "/o/helix-ai/scans", "broken.nessus", second[:len(second)-40])
		if resp.StatusCode != http.StatusUnprocessableEntity || !regexp.MustCompile(`broken\.nessus: line \d+, column \d+: `).MatchString(body) ||
			!strings.Contains(body, `id="scan-refused"`) {
			t.Errorf("a truncated file: %d\n%s", resp.StatusCode, body)
		}
		resp, body = b.uploadFile("/o/helix-ai/scans", "/o/helix-ai/scans", "again.nessus", first)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "again.nessus was already imported, as scan") {
			t.Errorf("the same file again: %d", resp.StatusCode)
		}
		if resp, _ := viewer.uploadFile("/o/helix-ai/scans", "/o/helix-ai/scans", "viewer.nessus", second); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer importing: %d, want 403", resp.StatusCode)
		}
		if after, _ := s.db.LedgerHead(ctx, op.Org.ID); after != before {
			t.Errorf("refused imports changed the records: ledger head %+v, then %+v", before, after)
		}
		if scans, _ := s.svc.Scans(ctx, op); len(scans) != 1 {
			t.Errorf("%d scans after refused imports, want 1", len(scans))
		}

		// The next scan no longer reports Apache: fixed, compared with the first.
		second = nessusFile("Weekly scan 2", time.Now(), nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
			{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL", Exploit: true, CVE: "CVE-2026-0001",
				SeeAlso: "https://vendor.example/advisory", Output: "Installed version : 1.0 <b>"}}})
		resp, _ = b.uploadFile("/o/helix-ai/scans", "/o/helix-ai/scans", "weekly-2.nessus", second)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second import: %d", resp.StatusCode)
		}
		body = b.getOK(resp.Header.Get("Location"))
		mustContain(t, "second scan page", body, `id="previous-scan">the previous scan of these assets: <a href="/o/helix-ai/scans/`+scanID+`">Weekly scan 1</a>`,
			"0 new, 0 reopened, 1 seen again; 1 fixed since the previous scan")
		if n, body := b.findings("?status=fixed"); n != "1" || !strings.Contains(body, "Apache") {
			t.Errorf("fixed findings after the second scan: %s", n)
		}

		// Another organisation's scans and findings are not found.
		other, err := s.svc.CreateOrg(ctx, app.OperatorPrincipal("cli:test"), app.OrgInput{Slug: "other", Name: "Other"})
		if err != nil {
			t.Fatal(err)
		}
		oa, _ := s.svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), other.Slug)
		theirs, err := s.svc.ImportNessus(ctx, oa, "theirs.nessus", strings.NewReader(string(gpuScan("Their scan", time.Now()))))
		if err != nil {
			t.Fatal(err)
		}
		theirFindings, _ := s.svc.ListFindings(ctx, oa, store.FindingFilter{})
		for _, path := range []string{"/o/helix-ai/scans/" + theirs.Scan.ID, "/o/helix-ai/findings/" + theirFindings.Findings[0].ID,
			"/o/other/findings/" + theirFindings.Findings[0].ID} {
			if resp, _ := b.do("GET", path, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
		}
		if resp, _ := b.post("/o/helix-ai/findings/"+theirFindings.Findings[0].ID+"/risk", "/o/helix-ai/findings"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("raising a risk from another organisation's finding: %d, want 404", resp.StatusCode)
		}
	})
}
