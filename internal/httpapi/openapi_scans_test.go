package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/nessus/nessustest"
)

// exerciseScans calls the scan, finding and deadline routes with success
// and the main failures, for the recorded OpenAPI test.
func exerciseScans(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	get := func(token, path string) request {
		return request{method: "GET", path: "/orgs/acme" + path, token: token}
	}
	f.gpuAsset(t)

	// Imports.
	file := gpuScan("Weekly scan")
	var sc scanCreatedJSON
	f.ok(t, scanRequest(admin, "weekly.nessus", file), 201, &sc)
	expect(request{method: "POST", path: "/orgs/acme/scans", token: admin, contentType: "application/octet-stream",
		body: nessustest.File("Octets", time.Now(), nessustest.Host{Name: "10.0.0.7", IP: "10.0.0.7"})}, 201)
	expect(scanRequest(owner, "again.nessus", file), 409)
	expect(scanRequest(admin, "broken.nessus", file[:len(file)-40]), 422)
	expect(scanRequest(admin, "a%01b", file), 422)
	expect(scanRequest(viewer, "weekly.nessus", file), 403)
	expect(request{method: "POST", path: "/orgs/acme/scans", token: admin, body: file, contentType: "text/plain"}, 415)
	expect(request{method: "POST", path: "/orgs/acme/scans?format=nessus", token: admin, body: file, contentType: "text/xml"}, 400)
	expect(get(viewer, "/scans"), 200)
	expect(get(viewer, "/scans?limit=5"), 400)
	expect(get(viewer, "/scans/"+sc.ID), 200)
	expect(get(viewer, "/scans/"+sc.ID+"?hosts=1"), 400)
	expect(get(viewer, "/scans/"+missingUUID), 404)

	// Findings.
	var page findingList
	f.ok(t, get(viewer, "/findings?severity=critical&status=open&overdue=true&limit=5"), 200, &page)
	if len(page.Items) != 1 {
		t.Fatalf("critical findings: %+v", page)
	}
	crit := page.Items[0]
	expect(get(viewer, "/findings?min_severity=high&asset="+crit.AssetID+"&plugin=1001&cve=CVE-2026-0001&scan="+sc.ID), 200)
	f.ok(t, get(viewer, "/findings?limit=1"), 200, &page)
	expect(get(viewer, "/findings?limit=1&cursor="+page.NextCursor), 200)
	expect(get(viewer, "/findings?severity=urgent"), 422)
	expect(get(viewer, "/findings?plugin=abc"), 400)
	expect(get(viewer, "/findings?sort=severity"), 400)
	fpath := "/findings/" + crit.ID
	expect(get(viewer, fpath), 200)
	expect(get(viewer, fpath+"?full=1"), 400)
	expect(get(viewer, "/findings/"+missingUUID), 404)

	// A risk from a finding. The methodology in force by now rates on
	// three levels, which a medium finding's first rating fits.
	var medium findingList
	f.ok(t, get(viewer, "/findings?severity=medium"), 200, &medium)
	rpath := "/findings/" + medium.Items[0].ID + "/risk"
	expect(request{method: "POST", path: "/orgs/acme" + rpath, token: viewer}, 403)
	expect(request{method: "POST", path: "/orgs/acme" + rpath + "?now=1", token: admin}, 400)
	expect(request{method: "POST", path: "/orgs/acme" + rpath, token: admin}, 201)
	expect(request{method: "POST", path: "/orgs/acme" + rpath, token: admin}, 409)
	expect(request{method: "POST", path: "/orgs/acme/findings/" + missingUUID + "/risk", token: admin}, 404)
	// A high finding's rating is carried onto the three-level scales.
	var high findingList
	f.ok(t, get(viewer, "/findings?severity=high"), 200, &high)
	expect(request{method: "POST", path: "/orgs/acme/findings/" + high.Items[0].ID + "/risk", token: admin}, 201)

	// Figures and deadlines.
	expect(get(viewer, "/vulnerability-metrics"), 200)
	expect(get(viewer, "/vulnerability-metrics?since=2026"), 400)
	expect(get(viewer, "/vulnerability-sla"), 200)
	expect(get(viewer, "/vulnerability-sla?x=1"), 400)
	put := func(token, body string) request {
		return request{method: "PUT", path: "/orgs/acme/vulnerability-sla", token: token, body: body}
	}
	const sla = `{"critical_days": 7, "high_days": 30, "medium_days": 90, "low_days": 180}`
	expect(put(admin, sla), 200)
	expect(put(viewer, sla), 403)
	expect(put(admin, `{"critical_days": 7}`), 422)
	expect(put(admin, `{"critical_days": "7", "high_days": 30, "medium_days": 90, "low_days": 180}`), 400)
	expect(request{method: "PUT", path: "/orgs/acme/vulnerability-sla", token: admin, body: sla, contentType: "text/plain"}, 415)
	expect(put(admin, `{"critical_days": 7, "high_days": 30, "medium_days": 90, "low_days": 180, "note": "`+strings.Repeat("n", 3000)+`"}`), 413)

	// Every route refuses a request without a token, and hides another
	// organisation.
	for _, route := range []struct{ method, path, body, contentType string }{
		{"GET", "/scans", "", ""},
		{"POST", "/scans", file, "application/xml"},
		{"GET", "/scans/" + sc.ID, "", ""},
		{"GET", "/findings", "", ""},
		{"GET", fpath, "", ""},
		{"POST", rpath, "", ""},
		{"GET", "/vulnerability-metrics", "", ""},
		{"GET", "/vulnerability-sla", "", ""},
		{"PUT", "/vulnerability-sla", sla, ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body, contentType: route.contentType}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body, contentType: route.contentType}, 404)
	}
}
