package httpapi

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// exerciseAudits sets up the internal audit programme, plans an audit,
// records results that raise a nonconformity and an improvement, completes
// the audit and downloads its report over the API, with the main refusals,
// for the recorded OpenAPI test.
func exerciseAudits(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}
	day := func(days int) string { return time.Now().AddDate(0, 0, days).UTC().Format(dateLayout) }
	// The named auditor records results as a contributor; another
	// contributor, not named, may not.
	auditor := f.mustMember(t, f.operator, "internal.auditor@example.com", "Ida Internal", "contributor")
	auditorToken := f.mustToken(t, f.operator, "internal.auditor@example.com", "audit script", 0).Secret
	f.mustMember(t, f.operator, "bystander@example.com", "Bea Bystander", "contributor")
	bystander := f.mustToken(t, f.operator, "bystander@example.com", "bystander script", 0).Secret

	// The programme.
	var prog programmeViewJSON
	f.ok(t, do("GET", viewer, "/audit-programme", ""), 200, &prog)
	if prog.Programme != nil || len(prog.Years) != 0 || prog.Total == 0 || prog.Gaps != prog.Total {
		t.Errorf("programme before it is set up: %+v", prog)
	}
	expect(do("GET", viewer, "/audit-programme?year=1", ""), 400)
	programme := `{"cycle_start": "` + day(-30) + `", "notes": "Access control first: it failed last year."}`
	expect(do("PUT", viewer, "/audit-programme", programme), 403)
	expect(do("PUT", admin, "/audit-programme", `{"notes": "No start."}`), 422)
	expect(do("PUT", admin, "/audit-programme", `{"cycle_start": "15/01/2026"}`), 422)
	expect(do("PUT", admin, "/audit-programme", `{"cycle_start": "2026-01-15", "cycle_end": "2029-01-15"}`), 400)
	expect(do("PUT", admin, "/audit-programme", `{"cycle_start": "2026-01-15"`), 400)
	expect(request{method: "PUT", path: "/orgs/acme/audit-programme", token: admin, body: programme, contentType: "text/plain"}, 415)
	f.ok(t, do("PUT", admin, "/audit-programme", programme), 200, &prog)
	if prog.Programme == nil || prog.Programme.CycleStart != day(-30) || len(prog.Years) != 3 || len(prog.Clauses) == 0 {
		t.Errorf("programme set up: %+v", prog)
	}

	// Planning.
	plan := func(title, scope, auditors string) string {
		return `{"title": "` + title + `", "scope": [` + scope + `], "criteria": "ISO/IEC 27001:2022 and the access policy",
			"auditor_ids": [` + auditors + `], "planned_start": "` + day(-1) + `", "planned_end": "` + day(2) + `"}`
	}
	named := `"` + auditor.ID + `"`
	body := plan("Internal audit of clause 9.2", `"iso27001-2022:9.2"`, named)
	expect(do("POST", viewer, "/audits", body), 403)
	expect(do("POST", admin, "/audits", plan("x", `"iso27001-2022:Z.1"`, named)), 422)
	expect(do("POST", admin, "/audits", plan("x", `"9.2"`, `"`+f.viewerMember.ID+`"`)), 422)
	expect(do("POST", admin, "/audits", plan("x", `"9.2"`, named)[:40]), 400)
	expect(do("POST", admin, "/audits", `{"title": 5}`), 400)
	expect(do("POST", admin, "/audits", `{"title": "x", "lead": "Ida"}`), 400)
	expect(request{method: "POST", path: "/orgs/acme/audits", token: admin, body: body, contentType: "text/plain"}, 415)
	expect(do("POST", admin, "/audits", `{"title": "`+strings.Repeat("x", 3000)+`"}`), 413)
	var au auditJSON
	res := f.ok(t, do("POST", admin, "/audits", body), 201, &au)
	if au.Ref != "AUD-001" || au.Status != "planned" || len(au.Items) < 2 || au.Counts == nil || au.Counts.NotAudited != len(au.Items) ||
		len(au.Auditors) != 1 || au.Auditors[0].MemberID != auditor.ID || au.CycleYear == nil || *au.CycleYear != 1 {
		t.Fatalf("planned: %+v", au)
	}
	if loc := res.header.Get("Location"); loc != Prefix+"/orgs/acme/audits/"+au.ID {
		t.Errorf("Location = %q", loc)
	}
	path := "/audits/" + au.ID
	expect(do("GET", viewer, path, ""), 200)
	expect(do("GET", viewer, "/audits/AUD-1", ""), 200)
	expect(do("GET", viewer, path+"?full=1", ""), 400)
	expect(do("GET", viewer, "/audits/AUD-99", ""), 404)
	expect(do("GET", viewer, "/audits/"+missingUUID, ""), 404)
	expect(do("PATCH", viewer, path, `{"title": "x"}`), 403)
	expect(do("PATCH", admin, path, `{"scope": ["A.5"]}`), 422)
	expect(do("PATCH", admin, path, `{"title": null}`), 422)
	expect(do("PATCH", admin, path, `{"planned_end": "`+day(-9)+`"}`), 422)
	expect(do("PATCH", admin, path, `{"status": "completed"}`), 422)
	expect(do("PATCH", admin, path, `{"auditor_ids": 7}`), 400)
	expect(do("PATCH", admin, "/audits/"+missingUUID, `{"title": "x"}`), 404)
	f.ok(t, do("PATCH", admin, path, `{"title": "Internal audit of 9.2", "criteria": null, "auditor_ids": [`+named+`]}`), 200, &au)
	if au.Title != "Internal audit of 9.2" || au.Criteria != "" || au.Status != "planned" {
		t.Errorf("changed: %+v", au)
	}

	// Results.
	first, second := au.Items[0], au.Items[1]
	ipath := path + "/items/" + first.ID
	const finding = `{"result": "minor_nonconformity", "notes": "Two of five auditors audited their own area.",
		"evidence": [{"title": "Audit plan 2026", "url": "https://wiki.example/audit-plan"}]}`
	expect(do("PATCH", viewer, ipath, finding), 403)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: bystander, body: finding}, 403)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: `{"result": "minor_nonconformity"}`}, 422)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: `{"result": "excellent"}`}, 422)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: `{"result": null}`}, 422)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: finding, contentType: "text/plain"}, 415)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken,
		body: `{"result": "conforming", "evidence": [{"title": "x", "url": "https://x.example", "size": 3}]}`}, 400)
	expect(request{method: "PATCH", path: "/orgs/acme" + path + "/items/" + missingUUID, token: auditorToken, body: finding}, 404)
	var it auditItemJSON
	f.ok(t, request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: finding}, 200, &it)
	if it.Result == nil || *it.Result != "minor_nonconformity" || it.Nonconformity == nil || !strings.HasPrefix(it.Nonconformity.Ref, "NC-") ||
		len(it.Evidence) != 1 || it.RecordedBy == nil || *it.RecordedBy != auditor.ID {
		t.Fatalf("recorded a finding: %+v", it)
	}
	var nc nonconformityJSON
	f.ok(t, do("GET", viewer, "/nonconformities/"+it.Nonconformity.ID, ""), 200, &nc)
	if nc.Ref != it.Nonconformity.Ref || nc.Source != "internal_audit" || nc.Grade == nil || *nc.Grade != "minor" {
		t.Errorf("the record the finding raised: %+v", nc)
	}
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: `{"result": "conforming"}`}, 409)
	// The item by the reference it checks, by an ISMS manager's stand-in.
	f.ok(t, do("PATCH", admin, path+"/items/"+second.Ref, `{"result": "opportunity_for_improvement",
		"notes": "The programme could weigh the results of earlier audits."}`), 200, &it)
	if it.ID != second.ID || it.Nonconformity == nil || !strings.HasPrefix(it.Nonconformity.Ref, "OFI-") {
		t.Errorf("recorded an improvement: %+v", it)
	}
	f.ok(t, do("GET", viewer, path, ""), 200, &au)
	if au.Status != "in_progress" || au.StartedAt == nil || au.Counts.MinorNC != 1 || au.Counts.OFI != 1 {
		t.Errorf("after the results: %+v", au)
	}
	for _, rest := range au.Items[2:] {
		f.ok(t, do("PATCH", admin, path+"/items/"+rest.ID, `{"result": "conforming"}`), 200, nil)
	}

	// Completing.
	f.ok(t, do("PATCH", owner, path, `{"status": "completed", "conclusion": "The programme works; auditors need rotating."}`), 200, &au)
	if au.Status != "completed" || au.CompletedAt == nil || au.Done != au.ItemCount {
		t.Errorf("completed: %+v", au)
	}
	expect(do("PATCH", admin, path, `{"title": "x"}`), 409)
	expect(do("PATCH", admin, path, `{"status": "in_progress"}`), 409)
	expect(request{method: "PATCH", path: "/orgs/acme" + ipath, token: auditorToken, body: `{"notes": "Later."}`}, 409)

	// The list, a page at a time, and the programme's coverage.
	f.ok(t, do("POST", admin, "/audits", plan("Internal audit of clause 7.5", `"7.5"`, named)), 201, nil)
	var page struct {
		Items      []auditJSON `json:"items"`
		NextCursor string      `json:"next_cursor"`
	}
	f.ok(t, do("GET", viewer, "/audits?limit=1", ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "AUD-001" || page.Items[0].Items != nil || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	f.ok(t, do("GET", viewer, "/audits?limit=1&cursor="+page.NextCursor, ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "AUD-002" || page.Items[0].Status != "planned" {
		t.Errorf("second page: %+v", page)
	}
	f.ok(t, do("GET", viewer, "/audits?status=completed&from="+day(-7)+"&to="+day(7)+"&q=9.2", ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "AUD-001" {
		t.Errorf("filtered: %+v", page)
	}
	expect(do("GET", viewer, "/audits?status=closed", ""), 422)
	expect(do("GET", viewer, "/audits?from=yesterday", ""), 422)
	expect(do("GET", viewer, "/audits?cursor=bm90LWEtbnVtYmVy", ""), 422)
	expect(do("GET", viewer, "/audits?limit=none", ""), 400)
	expect(do("GET", viewer, "/audits?sort=ref", ""), 400)
	f.ok(t, do("GET", viewer, "/audit-programme", ""), 200, &prog)
	if len(prog.Years[0].Audits) != 2 || prog.Covered != au.ItemCount || prog.Gaps != prog.Total-prog.Covered {
		t.Errorf("programme after the audit: covered %d of %d, year 1 %+v", prog.Covered, prog.Total, prog.Years[0])
	}

	// The report.
	res = expect(do("GET", viewer, path+"/report", ""), 200)
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) || !strings.Contains(res.header.Get("Content-Disposition"), "audit-aud-001.pdf") {
		t.Errorf("report: %s, %.8q", res.header.Get("Content-Disposition"), res.body)
	}
	if res := expect(do("GET", viewer, "/audits/AUD-1/report?format=xlsx", ""), 200); !bytes.HasPrefix(res.body, []byte("PK")) {
		t.Errorf("the XLSX report is not a workbook")
	}
	expect(do("GET", viewer, path+"/report?format=doc", ""), 422)
	expect(do("GET", viewer, path+"/report?pages=1", ""), 400)
	expect(do("GET", viewer, "/audits/AUD-99/report", ""), 404)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/audit-programme", ""},
		{"PUT", "/audit-programme", programme},
		{"GET", "/audits", ""},
		{"POST", "/audits", body},
		{"GET", path, ""},
		{"PATCH", path, `{"title": "x"}`},
		{"PATCH", ipath, `{"notes": "x"}`},
		{"GET", path + "/report", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
