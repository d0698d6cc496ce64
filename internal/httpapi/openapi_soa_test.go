package httpapi

import (
	"fmt"
	"strings"
	"testing"
)

// exerciseSoA calls the statement, control and evidence routes with
// success and the main failures, for the recorded OpenAPI test.
func exerciseSoA(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	get := func(token, path string) request {
		return request{method: "GET", path: "/orgs/acme" + path, token: token}
	}
	send := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}
	const soa = "/soa/iso27001-2022"
	tooLarge := `{"note": "` + strings.Repeat("n", 3000) + `"}`

	// The statement.
	expect(get(viewer, "/soa"), 200)
	expect(get(viewer, "/soa?limit=5"), 400)
	expect(get(viewer, soa), 200)
	expect(get(viewer, soa+"?theme=A.8&status=not_started&owner=Olivia+Owner&applicability=included&flagged=true&stale=false"), 200)
	expect(get(viewer, soa+"?status=done"), 422)
	expect(get(viewer, soa+"?stale=maybe"), 400)
	expect(get(viewer, "/soa/mitre-atlas"), 404)

	// Controls.
	expect(get(viewer, "/controls/iso27001-2022:A.8.8"), 200)
	expect(get(viewer, "/controls/iso27001-2013:A.12.6.1"), 200)
	expect(get(viewer, "/controls/iso27001-2022:A.8.8?view=full"), 400)
	expect(get(viewer, "/controls/iso27001-2022:A.99"), 404)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.8.8", fmt.Sprintf(`{"applicability": "included", "owner_id": %q,
		"implementation": "Weekly scans", "status": "partial", "review_cadence": "yearly", "evidence_cadence": "quarterly",
		"links": [{"title": "Policy", "url": "/policies/vuln"}], "reviewed": true, "notes": "OpenVAS"}`, f.ownerMember.ID)), 200)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.8.8", `{"exclusion_reason": null, "owner_id": null, "review_cadence": null,
		"links": null, "reviewed": null, "notes": null}`), 200)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.7.1", `{"applicability": "excluded"}`), 422)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.7.1", `{"applicability": ["excluded"]}`), 400)
	expect(send("PATCH", viewer, "/controls/iso27001-2022:A.7.1", `{"status": "planned"}`), 403)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.99", `{"status": "planned"}`), 404)
	expect(request{method: "PATCH", path: "/orgs/acme/controls/iso27001-2022:A.7.1", token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.7.1", `{"notes": "`+strings.Repeat("n", 3000)+`"}`), 413)

	expect(send("POST", admin, "/controls", `{"code": "AI-1", "title": "Model cards", "description": "Every model has a card."}`), 201)
	expect(send("POST", admin, "/controls", `{"code": "AI-1", "title": "Again"}`), 409)
	expect(send("POST", admin, "/controls", `{"code": "A I", "title": "x"}`), 422)
	expect(send("POST", admin, "/controls", `{"code": 1}`), 400)
	expect(send("POST", viewer, "/controls", `{"code": "AI-2", "title": "x"}`), 403)
	expect(request{method: "POST", path: "/orgs/acme/controls", token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/controls", `{"code": "AI-2", "title": "`+strings.Repeat("t", 3000)+`"}`), 413)

	const reasonBody = `{"control": "iso27001-2022:A.5.34", "kind": "legal", "title": "GDPR Art. 32", "url": "https://gdpr.example/32"}`
	var rs controlReasonJSON
	f.ok(t, send("POST", admin, "/control-reasons", reasonBody), 201, &rs)
	expect(send("POST", admin, "/control-reasons", `{"control": "iso27001-2022:A.5.34", "kind": "moral", "title": "x", "url": "/x"}`), 422)
	expect(send("POST", admin, "/control-reasons", `{"control": "iso27001-2022:A.5.34", "kind": "legal", "title": "x", "url": "/x", "x": 1}`), 400)
	expect(send("POST", viewer, "/control-reasons", reasonBody), 403)
	expect(request{method: "POST", path: "/orgs/acme/control-reasons", token: admin, body: reasonBody, contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/control-reasons", `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)
	rpath := "/control-reasons/" + rs.ID + "?control=iso27001-2022:A.5.34"
	expect(send("DELETE", viewer, rpath, ""), 403)
	expect(send("DELETE", admin, "/control-reasons/"+rs.ID, ""), 422)
	expect(send("DELETE", admin, "/control-reasons/"+rs.ID+"?control=iso27001-2022:A.5.34&force=1", ""), 400)
	expect(send("DELETE", admin, rpath, ""), 204)
	expect(send("DELETE", admin, rpath, ""), 404)

	var task controlTaskJSON
	f.ok(t, send("POST", admin, "/control-tasks", fmt.Sprintf(`{"control": "iso27001-2022:A.8.8", "title": "Scan the cluster",
		"assignee_id": %q, "due_date": "2027-01-31", "status": "open"}`, f.ownerMember.ID)), 201, &task)
	expect(send("POST", admin, "/control-tasks", `{"control": "iso27001-2022:A.8.8", "title": "Patch", "assignee_id": null, "due_date": null}`), 201)
	expect(send("POST", admin, "/control-tasks", `{"control": "iso27001-2022:A.8.8", "title": ""}`), 422)
	expect(send("POST", admin, "/control-tasks", `{"control": "iso27001-2022:A.8.8", "title": 1}`), 400)
	expect(send("POST", viewer, "/control-tasks", `{"control": "iso27001-2022:A.8.8", "title": "x"}`), 403)
	expect(request{method: "POST", path: "/orgs/acme/control-tasks", token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/control-tasks", `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)
	tpath := "/control-tasks/" + task.ID + "?control=iso27001-2022:A.8.8"
	expect(send("PATCH", admin, tpath, `{"status": "done", "assignee_id": null, "due_date": null, "title": "Scan it all"}`), 200)
	expect(send("PATCH", admin, tpath, `{"due_date": "2027-02-28"}`), 200)
	expect(send("PATCH", admin, tpath, `{"status": "stalled"}`), 422)
	expect(send("PATCH", admin, tpath, `{"status": 1}`), 400)
	expect(send("PATCH", viewer, tpath, `{"status": "open"}`), 403)
	expect(send("PATCH", admin, "/control-tasks/"+missingUUID+"?control=iso27001-2022:A.8.8", `{"status": "open"}`), 404)
	expect(request{method: "PATCH", path: "/orgs/acme" + tpath, token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("PATCH", admin, tpath, `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)

	// Evidence.
	var link evidenceCreatedJSON
	f.ok(t, send("POST", admin, "/evidence", `{"kind": "link", "title": "Dashboard", "url": "https://scanner.example/",
		"links": [{"target": "control", "ref": "iso27001-2022:A.8.8"}], "period_end": "2026-03-31", "cadence": "quarterly"}`), 201, &link)
	expect(send("POST", owner, "/evidence", `{"kind": "record", "title": "Minutes", "description": "", "body": "Held.", "url": "",
		"period_start": null, "period_end": null, "cadence": "", "links": null, "request_id": ""}`), 201)
	var file evidenceCreatedJSON
	f.ok(t, uploadRequest(t, admin, metadataPart(forVulns), filePart("scan.pdf", "%PDF-1.4 report")), 201, &file)
	expect(uploadRequest(t, admin, metadataPart(`{"kind": "file", "title": "Again", "cadence": "yearly"}`), filePart("copy.pdf", "%PDF-1.4 report")), 201)
	expect(send("POST", admin, "/evidence", `{"kind": "file", "title": "x"}`), 422)
	expect(uploadRequest(t, admin, metadataPart(forVulns)), 422)
	expect(send("POST", admin, "/evidence", `{"kind": "link", "title": "x", "colour": "red"}`), 400)
	expect(uploadRequest(t, admin, filePart("scan.pdf", "%PDF-1.4"), metadataPart(forVulns)), 400)
	expect(send("POST", viewer, "/evidence", `{"kind": "record", "title": "x", "body": "y"}`), 403)
	expect(request{method: "POST", path: "/orgs/acme/evidence", token: admin, body: "x", contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/evidence", `{"kind": "record", "title": "x", "body": "`+strings.Repeat("b", 3000)+`"}`), 413)

	expect(get(viewer, "/evidence?control=iso27001-2022:A.8.8&q=scan&limit=5"), 200)
	expect(get(viewer, "/evidence?requirement=iso27001-2022:9.3.1"), 200)
	expect(get(viewer, "/evidence?risk="+missingUUID), 200)
	expect(get(viewer, "/evidence?control=iso27001-2022:A.8.8&risk="+missingUUID), 422)
	expect(get(viewer, "/evidence?sort=title"), 400)

	epath := "/evidence/" + file.ID
	expect(get(viewer, epath), 200)
	expect(get(viewer, epath+"?full=1"), 400)
	expect(get(viewer, "/evidence/"+missingUUID), 404)
	expect(send("PATCH", admin, epath, `{"title": "Scan report Q1", "description": null, "period_start": null, "period_end": "2026-03-31",
		"cadence": null, "links": [{"target": "control", "ref": "iso27001-2022:A.8.8"}]}`), 200)
	expect(send("PATCH", admin, epath, `{"period_end": null}`), 422)
	expect(send("PATCH", admin, epath, `{"sha256": "x"}`), 400)
	expect(send("PATCH", viewer, epath, `{"title": "x"}`), 403)
	expect(send("PATCH", admin, "/evidence/"+missingUUID, `{"title": "x"}`), 404)
	expect(request{method: "PATCH", path: "/orgs/acme" + epath, token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("PATCH", admin, epath, `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)

	expect(get(viewer, epath+"/file"), 200)
	expect(get(viewer, epath+"/file?inline=1"), 400)
	expect(get(viewer, "/evidence/"+link.ID+"/file"), 404)

	expect(get(viewer, "/evidence/verify"), 200)
	expect(get(viewer, "/evidence/verify?deep=1"), 400)

	// Evidence requests.
	requestBody := fmt.Sprintf(`{"control": "iso27001-2022:A.8.8", "title": "Q2 report", "assignee_id": %q, "due_date": "2026-07-15"}`, f.ownerMember.ID)
	var q requestJSON
	f.ok(t, send("POST", admin, "/evidence-requests", requestBody), 201, &q)
	expect(send("POST", admin, "/evidence-requests", `{"control": "iso27001-2022:A.8.8", "title": "x", "assignee_id": "", "due_date": "2026-07-15"}`), 422)
	expect(send("POST", admin, "/evidence-requests", `{"control": "iso27001-2022:A.8.8", "due": "2026-07-15"}`), 400)
	expect(send("POST", viewer, "/evidence-requests", requestBody), 403)
	expect(request{method: "POST", path: "/orgs/acme/evidence-requests", token: admin, body: requestBody, contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/evidence-requests", `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)
	expect(get(viewer, "/evidence-requests?control=iso27001-2022:A.8.8&assignee_id="+f.ownerMember.ID+"&status=open"), 200)
	expect(get(viewer, "/evidence-requests?status=late"), 422)
	expect(get(viewer, "/evidence-requests?due=2026"), 400)
	qpath := "/evidence-requests/" + q.ID + "/cancel"
	expect(send("POST", viewer, qpath, ""), 403)
	expect(send("POST", admin, qpath+"?now=1", ""), 400)
	expect(send("POST", admin, qpath, ""), 204)
	expect(send("POST", admin, qpath, ""), 409)
	expect(send("POST", admin, "/evidence-requests/"+missingUUID+"/cancel", ""), 404)

	// Approval, versions, comparison and exports.
	expect(send("POST", owner, soa+"/versions", `{}`), 422)
	f.decideAll(t, admin)
	expect(send("POST", viewer, soa+"/versions", `{"note": "x"}`), 403)
	expect(send("POST", owner, soa+"/versions", `{"note": 1}`), 400)
	expect(request{method: "POST", path: "/orgs/acme" + soa + "/versions", token: owner, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("POST", owner, soa+"/versions", tooLarge), 413)
	expect(send("POST", owner, "/soa/mitre-atlas/versions", `{}`), 404)
	expect(send("POST", owner, soa+"/versions", `{"note": "First approval"}`), 201)
	expect(get(viewer, soa+"/versions"), 200)
	expect(get(viewer, soa+"/versions?limit=1"), 400)
	expect(get(viewer, "/soa/mitre-atlas/versions"), 404)
	expect(get(viewer, soa+"/versions/1"), 200)
	expect(get(viewer, soa+"/versions/1?applicability=excluded"), 200)
	expect(get(viewer, soa+"/versions/1?applicability=maybe"), 422)
	expect(get(viewer, soa+"/versions/1?colour=red"), 400)
	expect(get(viewer, soa+"/versions/2"), 404)
	expect(send("PATCH", admin, "/controls/iso27001-2022:A.5.1", `{"implementation": "Board-approved policies"}`), 200)
	expect(get(viewer, soa+"/compare?from=1"), 200)
	expect(get(viewer, soa+"/compare?from=0&to=1"), 200)
	expect(get(viewer, soa+"/compare?to=1"), 422)
	expect(get(viewer, soa+"/compare?from=one"), 400)
	expect(get(viewer, soa+"/compare?from=7"), 404)
	for _, format := range []string{"xlsx", "csv", "pdf", "html", "oscal"} {
		expect(get(viewer, soa+"/export?format="+format+"&version=1"), 200)
	}
	expect(get(viewer, soa+"/export"), 200)
	expect(get(viewer, soa+"/export?format=docx"), 422)
	expect(get(viewer, soa+"/export?version=-1"), 400)
	expect(get(viewer, soa+"/export?version=3"), 404)

	// Every route refuses a request without a token, and hides another
	// organisation.
	for _, route := range []struct{ method, path, body string }{
		{"GET", "/soa", ""},
		{"GET", soa, ""},
		{"GET", soa + "/versions", ""},
		{"POST", soa + "/versions", `{}`},
		{"GET", soa + "/versions/1", ""},
		{"GET", soa + "/compare?from=1", ""},
		{"GET", soa + "/export", ""},
		{"POST", "/controls", `{"code": "AI-9", "title": "x"}`},
		{"GET", "/controls/iso27001-2022:A.8.8", ""},
		{"PATCH", "/controls/iso27001-2022:A.8.8", `{"status": "planned"}`},
		{"POST", "/control-reasons", reasonBody},
		{"DELETE", rpath, ""},
		{"POST", "/control-tasks", `{"control": "iso27001-2022:A.8.8", "title": "x"}`},
		{"PATCH", tpath, `{"status": "open"}`},
		{"GET", "/evidence", ""},
		{"POST", "/evidence", `{"kind": "record", "title": "x", "body": "y"}`},
		{"GET", "/evidence/verify", ""},
		{"GET", epath, ""},
		{"PATCH", epath, `{"title": "x"}`},
		{"GET", epath + "/file", ""},
		{"GET", "/evidence-requests", ""},
		{"POST", "/evidence-requests", requestBody},
		{"POST", qpath, ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
