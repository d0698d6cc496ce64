package httpapi

import (
	"testing"
	"time"
)

// exerciseReviews walks a management review from planning to approved
// minutes, and the certification cycle with an audit and its finding,
// over the API, with the main refusals, for the recorded OpenAPI test.
func exerciseReviews(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}
	yesterday := time.Now().AddDate(0, 0, -1).UTC().Format(time.DateOnly)
	chair := f.ownerMember.ID

	// Certification first, so that the review's inputs find the audit.
	var cert struct {
		Current *certCycleJSON `json:"current"`
		Next    *dueAuditJSON  `json:"next"`
	}
	f.ok(t, do("GET", viewer, "/certification", ""), 200, &cert)
	if cert.Current != nil {
		t.Fatalf("certification before any cycle: %+v", cert)
	}
	expect(do("GET", viewer, "/certification?year=1", ""), 400)
	expect(do("POST", admin, "/certification/audits", `{"kind": "stage1", "planned_date": "2027-01-10"}`), 409)
	expect(do("POST", viewer, "/certification/cycles", `{"body": "Certa", "scope": "Platform"}`), 403)
	expect(do("POST", admin, "/certification/cycles", `{"scope": "Platform", "issued_on": "2025-10-01"}`), 422)
	var cycle certCycleJSON
	f.ok(t, do("POST", admin, "/certification/cycles", `{"body": "Certa", "scope": "The Acme platform"}`), 201, &cycle)
	if cycle.Standard != "ISO/IEC 27001:2022" || cycle.IssuedOn != nil {
		t.Errorf("cycle = %+v", cycle)
	}
	cpath := "/certification/cycles/" + cycle.ID
	expect(do("PATCH", admin, cpath, `{"issued_on": "2025-10-01"}`), 422)
	f.ok(t, do("PATCH", admin, cpath, `{"issued_on": "2025-10-01", "certificate_number": "C-1"}`), 200, &cycle)
	if cycle.ExpiresOn == nil || *cycle.ExpiresOn != "2028-10-01" {
		t.Errorf("expiry = %v, want three years after issue", cycle.ExpiresOn)
	}
	expect(do("PATCH", admin, "/certification/cycles/"+missingUUID, `{"scope": "x"}`), 404)
	var audit externalAuditJSON
	expect(do("POST", admin, "/certification/audits", `{"kind": "yearly", "planned_date": "2026-10-01"}`), 422)
	f.ok(t, do("POST", admin, "/certification/audits", `{"kind": "surveillance1", "planned_date": "2026-10-01"}`), 201, &audit)
	apath := "/certification/audits/" + audit.ID
	const finding = `{"grade": "minor", "title": "Supplier reviews late", "description": "Two suppliers unreviewed for 14 months."}`
	expect(do("POST", admin, apath+"/findings", finding), 409)
	expect(do("PATCH", viewer, apath, `{"done_date": "`+yesterday+`"}`), 403)
	f.ok(t, do("PATCH", admin, apath, `{"done_date": "`+yesterday+`", "lead_auditor": "M. Kowalski", "result": "Maintained."}`), 200, &audit)
	expect(do("POST", admin, apath+"/findings", `{"source": "incident", "title": "x"}`), 422)
	var nc nonconformityJSON
	f.ok(t, do("POST", admin, apath+"/findings", finding), 201, &nc)
	if nc.Source != "external_audit" {
		t.Errorf("finding = %+v", nc)
	}
	f.ok(t, do("GET", viewer, "/certification", ""), 200, &cert)
	if cert.Next == nil || cert.Next.Kind != "surveillance2" {
		t.Errorf("next = %+v, want the year 2 surveillance", cert.Next)
	}

	// A review, held and minuted.
	expect(do("POST", viewer, "/reviews", `{"title": "Review", "meeting_date": "`+yesterday+`"}`), 403)
	expect(do("POST", admin, "/reviews", `{"title": "Review"}`), 422)
	expect(do("POST", admin, "/reviews", `{"title": 5}`), 400)
	var rv reviewJSON
	f.ok(t, do("POST", admin, "/reviews", `{"title": "Management review 2026", "meeting_date": "`+yesterday+`", "chair_id": "`+chair+
		`", "guests": ["Marta Kowalski (Certa)"]}`), 201, &rv)
	if rv.Ref != "MR-001" || rv.Status != "draft" || string(rv.Inputs) != "null" {
		t.Errorf("planned = %+v", rv)
	}
	path := "/reviews/" + rv.ID
	expect(do("POST", admin, path+"/status", `{"status": "held"}`), 409)
	expect(do("POST", viewer, path+"/inputs", ""), 403)
	f.ok(t, do("POST", admin, path+"/inputs", ""), 200, &rv)
	if rv.CompiledAt == nil || rv.InputsHash == nil {
		t.Errorf("compiled = %+v", rv)
	}
	expect(do("POST", admin, path+"/status", `{"status": "held"}`), 422)
	expect(do("PATCH", viewer, path, `{"notes": "x"}`), 403)
	f.ok(t, do("PATCH", admin, path, `{"attendee_ids": ["`+chair+`"], "notes": "Budget discussed."}`), 200, &rv)
	expect(do("POST", admin, path+"/status", `{"status": "cancelled"}`), 422)
	f.ok(t, do("POST", admin, path+"/status", `{"status": "held"}`), 200, &rv)
	expect(do("POST", admin, path+"/inputs", ""), 409)
	expect(do("PATCH", admin, path, `{"meeting_date": "2020-01-01"}`), 409)
	expect(do("POST", admin, path+"/decisions", `{"text": ""}`), 422)
	expect(do("POST", admin, path+"/decisions", `{"text": "Fund a second engineer."}`), 201)
	expect(do("POST", admin, path+"/actions", `{"title": "Hire", "owner_id": "`+chair+`"}`), 422)
	var act reviewActionJSON
	f.ok(t, do("POST", admin, path+"/actions", `{"title": "Hire", "owner_id": "`+chair+`", "due_date": "2027-03-01"}`), 201, &act)
	actPath := path + "/actions/" + act.ID
	expect(do("PATCH", admin, actPath, `{"status": "finished"}`), 422)
	expect(do("PATCH", viewer, actPath, `{"status": "done"}`), 403)
	expect(do("PATCH", admin, path+"/actions/"+missingUUID, `{"status": "done"}`), 404)
	f.ok(t, do("POST", owner, path+"/status", `{"status": "approved"}`), 200, &rv)
	if rv.ApprovedBy == nil || *rv.ApprovedBy != chair {
		t.Errorf("approved = %+v", rv)
	}
	expect(do("POST", admin, path+"/decisions", `{"text": "Late."}`), 409)
	f.ok(t, do("PATCH", owner, actPath, `{"status": "done"}`), 200, &act)
	if act.Status != "done" || act.DoneAt == nil {
		t.Errorf("action = %+v", act)
	}
	f.ok(t, do("GET", viewer, "/reviews/MR-1", ""), 200, &rv)
	if len(rv.Decisions) != 1 || len(rv.Actions) != 1 || rv.OpenActions != 0 {
		t.Errorf("review = %+v", rv)
	}
	expect(do("GET", viewer, "/reviews/MR-9", ""), 404)
	expect(do("GET", viewer, path+"?full=1", ""), 400)
	var list struct {
		Items []reviewJSON `json:"items"`
	}
	f.ok(t, do("GET", viewer, "/reviews", ""), 200, &list)
	if len(list.Items) != 1 || list.Items[0].Inputs != nil {
		t.Errorf("list = %+v", list)
	}
	expect(do("GET", viewer, "/reviews?status=held", ""), 400)
	if res := expect(do("GET", viewer, path+"/minutes", ""), 200); string(res.body[:5]) != "%PDF-" {
		t.Errorf("minutes are not a PDF")
	}
	expect(do("GET", viewer, "/reviews/MR-9/minutes", ""), 404)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/reviews", ""},
		{"POST", "/reviews", `{"title": "x"}`},
		{"GET", path, ""},
		{"PATCH", path, `{"title": "x"}`},
		{"POST", path + "/inputs", ""},
		{"POST", path + "/status", `{"status": "held"}`},
		{"POST", path + "/decisions", `{"text": "x"}`},
		{"POST", path + "/actions", `{"title": "x"}`},
		{"PATCH", actPath, `{"status": "done"}`},
		{"GET", path + "/minutes", ""},
		{"GET", "/certification", ""},
		{"POST", "/certification/cycles", `{"body": "x"}`},
		{"PATCH", cpath, `{"body": "x"}`},
		{"POST", "/certification/audits", `{"kind": "special"}`},
		{"PATCH", apath, `{"result": "x"}`},
		{"POST", apath + "/findings", finding},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
