package httpapi

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/nessus/nessustest"
	"github.com/isms-dev/isms/internal/store"
)

// gpuScan scans the GPU node (matched by its IP address) and a build host
// no asset names, 30 days ago: the critical and high findings are overdue
// under the default deadlines.
func gpuScan(name string) string {
	return nessustest.File(name, time.Now().AddDate(0, 0, -30),
		nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
			{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL", Exploit: true, CVE: "CVE-2026-0001",
				SeeAlso: "https://vendor.example/1001"},
			{Plugin: 1002, Port: 80, Severity: 2, Name: "Apache"},
		}, Compliance: []string{"PASSED", "FAILED"}},
		nessustest.Host{Name: "build-1", IP: "10.0.0.9", FQDN: "build-1.acme.example", Items: []nessustest.Item{{Plugin: 1003, Port: 22, Severity: 3, Name: "OpenSSH"}}})
}

// gpuAsset adds the GPU node the scans match by its IP address, owned by
// the owner, an AI asset in production.
func (f *fixture) gpuAsset(t testing.TB) store.StoredAsset {
	t.Helper()
	a, err := f.svc.CreateAsset(context.Background(), f.operator, isms.Asset{Name: "gpu-node-1", Type: isms.AssetComputeCluster,
		OwnerID: f.ownerMember.ID, Lifecycle: isms.LifecycleInProduction, Attributes: map[string]string{"ip": "10.0.0.5"}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// scanRequest posts a scan file.
func scanRequest(token, name, body string) request {
	path := "/orgs/acme/scans"
	if name != "" {
		path += "?name=" + name
	}
	return request{method: "POST", path: path, token: token, body: body, contentType: "application/xml"}
}

func TestScansAndFindings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		gpu := f.gpuAsset(t)
		expect := func(req request, want int) response {
			t.Helper()
			return expectStatus(t, f, req, want)
		}
		get := func(token, path string, v any) {
			t.Helper()
			f.ok(t, request{method: "GET", path: "/orgs/acme" + path, token: token}, 200, v)
		}

		// An import, and the refusals that leave everything as it was.
		before := f.state(t)
		file := gpuScan("Weekly scan 1")
		for _, tt := range []struct {
			name string
			req  request
			want int
			// field the problem names; detail, a pattern its detail matches.
			field, detail string
		}{
			{"truncated", scanRequest(admin, "weekly.nessus", file[:len(file)-40]), 422, "file", `^weekly\.nessus: line \d+, column \d+: .*; nothing was imported$`},
			{"not nessus", scanRequest(admin, "page.xml", `<?xml version="1.0"?><html><body/></html>`), 422, "file", `not a Nessus v2 file`},
			{"empty", scanRequest(admin, "", ""), 422, "file", `^upload\.nessus: `},
			{"bad name", scanRequest(admin, "a%01b", file), 422, "name", ``},
			{"viewer", scanRequest(viewer, "weekly.nessus", file), 403, "", ``},
			{"media type", request{method: "POST", path: "/orgs/acme/scans", token: admin, body: file, contentType: "text/plain"}, 415, "", ``},
			{"unknown parameter", request{method: "POST", path: "/orgs/acme/scans?format=nessus", token: admin, body: file, contentType: "text/xml"}, 400, "format", ``},
			{"no token", request{method: "POST", path: "/orgs/acme/scans", body: file, contentType: "text/xml"}, 401, "", ``},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := f.do(t, tt.req)
				p := decodeProblem(t, res, tt.want)
				if tt.field != "" && !names(p, tt.field) {
					t.Errorf("the problem does not name %s: %s", tt.field, res.body)
				}
				if tt.detail != "" && (len(p.Errors) == 0 || !regexp.MustCompile(tt.detail).MatchString(p.Errors[0].Detail)) {
					t.Errorf("the problem's detail does not match %s: %s", tt.detail, res.body)
				}
			})
		}
		if after := f.state(t); after != before {
			t.Errorf("refused imports changed the records:\n%+v\n%+v", before, after)
		}

		var sc scanCreatedJSON
		res := f.ok(t, scanRequest(admin, "weekly.nessus", file), 201, &sc)
		if loc := res.header.Get("Location"); loc != Prefix+"/orgs/acme/scans/"+sc.ID {
			t.Errorf("Location = %q", loc)
		}
		if sc.Name != "Weekly scan 1" || sc.Policy != "Weekly" || sc.FileName != "weekly.nessus" || sc.Hosts != 2 || sc.Findings != 3 ||
			sc.New != 3 || sc.AssetsCreated != 1 || sc.Compliance != 2 || sc.BySeverity != (severityCountsJSON{Critical: 1, High: 1, Medium: 1}) ||
			!sc.NewFile || sc.EvidenceID == nil || sc.ImportedBy == "" {
			t.Errorf("import = %+v", sc)
		}
		p := decodeProblem(t, f.do(t, scanRequest(owner, "again.nessus", file)), 409)
		if !names(p, "file") || !strings.Contains(p.Errors[0].Detail, `was already imported, as scan "Weekly scan 1"`) {
			t.Errorf("the same file again: %+v", p)
		}

		var scans list[scanJSON]
		get(viewer, "/scans", &scans)
		if len(scans.Items) != 1 || scans.Items[0].ID != sc.ID {
			t.Errorf("scans = %+v", scans)
		}
		var detail scanDetailJSON
		get(viewer, "/scans/"+sc.ID, &detail)
		matched := map[string]string{}
		for _, h := range detail.HostList {
			matched[h.Name] = h.MatchedBy
			if h.Name == "10.0.0.5" && (h.AssetID != gpu.ID || !h.Credentialed || h.OS != "Linux Kernel 6.1" || h.Findings != 2) {
				t.Errorf("host 10.0.0.5 = %+v", h)
			}
		}
		if matched["10.0.0.5"] != "ip" || matched["build-1"] != "created" || detail.Previous != nil || len(detail.Changes) != 3 ||
			len(detail.Checks) != 2 || detail.Checks[0].Result != "FAILED" {
			t.Errorf("scan detail = %+v", detail)
		}
		expect(request{method: "GET", path: "/orgs/acme/scans/" + missingUUID, token: viewer}, 404)
		expect(request{method: "GET", path: "/orgs/acme/scans/" + sc.ID + "?hosts=1", token: viewer}, 400)

		// The register and its filters.
		count := func(query string) int {
			t.Helper()
			var page findingList
			get(viewer, "/findings"+query, &page)
			if len(page.Items) != page.Total {
				t.Errorf("findings%s: %d items of %d", query, len(page.Items), page.Total)
			}
			return page.Total
		}
		for query, want := range map[string]int{
			"": 3, "?severity=critical": 1, "?min_severity=high": 2, "?cve=cve-2026-0001": 1, "?plugin=1002": 1, "?asset=" + gpu.ID: 2,
			"?status=open": 3, "?status=fixed": 0, "?overdue=true": 2, "?overdue=false": 3, "?scan=" + sc.ID: 3, "?scan=" + missingUUID: 0,
		} {
			if got := count(query); got != want {
				t.Errorf("findings%s: %d, want %d", query, got, want)
			}
		}
		var first, second findingList
		get(viewer, "/findings?limit=1", &first)
		get(viewer, "/findings?limit=1&cursor="+first.NextCursor, &second)
		if len(first.Items) != 1 || first.NextCursor == "" || first.Total != 3 || first.Items[0].Plugin.Name != "OpenSSL" ||
			len(second.Items) != 1 || second.Items[0].Plugin.Name != "OpenSSH" {
			t.Errorf("pages of one: %+v then %+v", first, second)
		}
		crit := first.Items[0]
		if crit.Severity != "critical" || !crit.FixFirst || !crit.Overdue || crit.DueDate == nil || crit.AssetID != gpu.ID ||
			crit.Plugin.CVSS3Base == nil || *crit.Plugin.CVSS3Base != 9.8 || crit.Plugin.VPR != nil || crit.RiskID != nil {
			t.Errorf("the critical finding = %+v", crit)
		}
		for _, tt := range []struct {
			query string
			want  int
			field string
		}{
			{"?severity=urgent", 422, "severity"}, {"?min_severity=9", 422, "min_severity"}, {"?status=closed", 422, "status"},
			{"?plugin=abc", 400, "plugin"}, {"?overdue=maybe", 400, "overdue"}, {"?sort=severity", 400, "sort"}, {"?cursor=%21%21", 422, "cursor"},
		} {
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/findings" + tt.query, token: viewer}, tt.want, tt.field)
		}

		var fd findingDetailJSON
		get(viewer, "/findings/"+crit.ID, &fd)
		if fd.Plugin.Description != "OpenSSL is vulnerable." || fd.Plugin.Synopsis != "Outdated OpenSSL." || len(fd.Plugin.CWEs) != 1 ||
			fd.Plugin.References[0] != "https://vendor.example/1001" || fd.Output != "Installed version : 1.0" || len(fd.History) != 1 ||
			fd.History[0].Kind != "new" || fd.History[0].ScanID != sc.ID || fd.Port != 443 || fd.Protocol != "tcp" {
			t.Errorf("finding detail = %+v", fd)
		}
		expect(request{method: "GET", path: "/orgs/acme/findings/" + missingUUID, token: viewer}, 404)

		// Raising a risk: once, by a writer, on an asset with an owner.
		riskPath := "/orgs/acme/findings/" + crit.ID + "/risk"
		expect(request{method: "POST", path: riskPath, token: viewer}, 403)
		var k riskJSON
		res = f.ok(t, request{method: "POST", path: riskPath, token: admin}, 201, &k)
		if res.header.Get("Location") != Prefix+"/orgs/acme/risks/"+k.ID || !strings.HasPrefix(k.Ref, "R-") || k.OwnerID != f.ownerMember.ID ||
			len(k.Assets) != 1 || k.Assets[0].ID != gpu.ID || !strings.Contains(k.Vulnerability, "CVE-2026-0001") {
			t.Errorf("raised risk = %+v", k)
		}
		expectProblem(t, f, request{method: "POST", path: riskPath, token: admin}, 409, "finding")
		get(viewer, "/findings/"+crit.ID, &fd)
		if fd.RiskID == nil || *fd.RiskID != k.ID {
			t.Errorf("the finding names risk %v, want %s", fd.RiskID, k.ID)
		}
		// A discovered asset has no owner: the one who raises the risk holds it.
		high := second.Items[0]
		var owned riskJSON
		f.ok(t, request{method: "POST", path: "/orgs/acme/findings/" + high.ID + "/risk", token: admin}, 201, &owned)
		if owned.OwnerID == "" || owned.OwnerID == f.ownerMember.ID {
			t.Errorf("risk on a discovered asset is owned by %q, want the admin who raised it", owned.OwnerID)
		}
		expect(request{method: "POST", path: "/orgs/acme/findings/" + missingUUID + "/risk", token: admin}, 404)
		expect(request{method: "POST", path: riskPath + "?now=1", token: admin}, 400)

		// The figures and the deadlines.
		var m vulnMetricsJSON
		get(viewer, "/vulnerability-metrics", &m)
		if m.Open != (severityCountsJSON{Critical: 1, High: 1, Medium: 1}) || m.Overdue != 2 || m.Scans != 1 || m.LastScan == nil ||
			m.LastScan.ID != sc.ID || m.SLACompliance == nil || *m.SLACompliance != 0 || m.MeanDaysToFix != nil || m.SLA != isms.DefaultSLA {
			t.Errorf("metrics = %+v", m)
		}
		var sla isms.SLA
		get(viewer, "/vulnerability-sla", &sla)
		if sla != isms.DefaultSLA {
			t.Errorf("deadlines = %+v, want the defaults", sla)
		}
		put := func(token, body string) request {
			return request{method: "PUT", path: "/orgs/acme/vulnerability-sla", token: token, body: body}
		}
		const relaxed = `{"critical_days": 60, "high_days": 90, "medium_days": 180, "low_days": 0}`
		expect(put(viewer, relaxed), 403)
		expectProblem(t, f, put(admin, `{"critical_days": 60, "high_days": 90, "medium_days": 180}`), 422, "low_days")
		expectProblem(t, f, put(admin, `{"critical_days": -1, "high_days": 90, "medium_days": 180, "low_days": 0}`), 422, "critical_days")
		expectProblem(t, f, put(admin, `{"critical_days": "soon", "high_days": 90, "medium_days": 180, "low_days": 0}`), 400, "critical_days")
		expectProblem(t, f, put(admin, `{"critical_days": 1, "high_days": 1, "medium_days": 1, "low_days": 1, "info_days": 1}`), 400, "info_days")
		f.ok(t, put(admin, relaxed), 200, &sla)
		if sla != (isms.SLA{CriticalDays: 60, HighDays: 90, MediumDays: 180}) {
			t.Errorf("deadlines after PUT = %+v", sla)
		}
		get(viewer, "/findings/"+crit.ID, &fd)
		if fd.DueDate == nil || !fd.DueDate.Equal(fd.FirstSeen.AddDate(0, 0, 60)) || fd.Overdue {
			t.Errorf("the critical finding is due %v, overdue %v; want 60 days after %v", fd.DueDate, fd.Overdue, fd.FirstSeen)
		}
		if n := count("?overdue=true"); n != 0 {
			t.Errorf("overdue findings after relaxing the deadlines: %d", n)
		}

		// Another organisation's records are not found, nor are these from it.
		other, err := f.svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), "globex")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.svc.ImportNessus(context.Background(), other, "theirs.nessus", strings.NewReader(gpuScan("Their scan")))
		if err != nil {
			t.Fatal(err)
		}
		theirFindings, err := f.svc.ListFindings(context.Background(), other, store.FindingFilter{})
		if err != nil || len(theirFindings.Findings) == 0 {
			t.Fatalf("their findings: %+v %v", theirFindings, err)
		}
		for _, path := range []string{"/orgs/acme/scans/" + theirs.Scan.ID, "/orgs/acme/findings/" + theirFindings.Findings[0].ID} {
			expect(request{method: "GET", path: path, token: owner}, 404)
		}
		expect(request{method: "POST", path: "/orgs/acme/findings/" + theirFindings.Findings[0].ID + "/risk", token: owner}, 404)
		expect(request{method: "GET", path: "/orgs/globex/findings", token: owner}, 404)
		expect(request{method: "GET", path: "/orgs/acme/findings", token: f.otherToken}, 404)
	})
}
