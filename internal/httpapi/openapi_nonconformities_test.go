package httpapi

import (
	"testing"
)

// exerciseNonconformities walks a record of the register through its
// cycle over the API, with the main refusals, for the recorded OpenAPI
// test. It runs after exerciseScans, whose critical finding is by now past
// its deadline.
func exerciseNonconformities(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}

	// A missed deadline, once.
	var crit findingList
	f.ok(t, do("GET", viewer, "/findings?severity=critical&overdue=true", ""), 200, &crit)
	if len(crit.Items) != 1 {
		t.Fatalf("overdue critical findings: %+v", crit)
	}
	fpath := "/findings/" + crit.Items[0].ID + "/nonconformity"
	expect(do("POST", viewer, fpath, ""), 403)
	expect(do("POST", admin, fpath+"?grade=major", ""), 400)
	var fromFinding nonconformityJSON
	f.ok(t, do("POST", admin, fpath, ""), 201, &fromFinding)
	if fromFinding.Source != "vulnerability_sla" || fromFinding.Requirement == nil || *fromFinding.Requirement != "iso27001-2022:A.8.8" {
		t.Errorf("from a finding: %+v", fromFinding)
	}
	expect(do("POST", admin, fpath, ""), 409)
	expect(do("POST", admin, "/findings/"+missingUUID+"/nonconformity", ""), 404)

	// Raise, plan, complete, verify.
	const raise = `{"grade": "minor", "source": "internal_audit", "title": "Model registry access review skipped",
		"description": "No Q3 review record.", "requirement": "iso27001-2022:A.5.18", "due_date": "2027-01-31"}`
	expect(do("POST", viewer, "/nonconformities", raise), 403)
	expect(do("POST", admin, "/nonconformities", `{"grade": "severe", "title": "x", "description": "y"}`), 422)
	expect(do("POST", admin, "/nonconformities", `{"title": 5}`), 400)
	var nc nonconformityJSON
	f.ok(t, do("POST", admin, "/nonconformities", raise), 201, &nc)
	if nc.Ref != "NC-002" || nc.Stage != "open" || nc.DueDate == nil || *nc.DueDate != "2027-01-31" {
		t.Errorf("raised: %+v", nc)
	}
	path := "/nonconformities/" + nc.ID
	expect(do("GET", viewer, path, ""), 200)
	expect(do("GET", viewer, "/nonconformities/NC-2", ""), 200)
	expect(do("GET", viewer, path+"?full=1", ""), 400)
	expect(do("GET", viewer, "/nonconformities/NC-99", ""), 404)
	expect(do("PATCH", admin, path, `{"correction": "Review held on 2026-11-28.", "root_cause": "Nobody owned the review."}`), 200)
	expect(do("PATCH", admin, path, `{"source": "incident"}`), 422)
	expect(do("PATCH", viewer, path, `{"title": "x"}`), 403)
	expect(do("PATCH", admin, path, `{"requirement": "iso27001-2022:Z.1"}`), 422)

	var act correctiveActionJSON
	expect(do("POST", admin, path+"/actions", `{"title": "Quarterly reviews", "owner_id": "`+f.ownerMember.ID+`"}`), 422)
	expect(do("POST", viewer, path+"/actions", `{"title": "x", "owner_id": "`+f.ownerMember.ID+`", "due_date": "2027-01-15"}`), 403)
	f.ok(t, do("POST", admin, path+"/actions", `{"title": "Quarterly reviews", "owner_id": "`+f.ownerMember.ID+`", "due_date": "2027-01-15"}`), 201, &act)
	apath := path + "/actions/" + act.ID
	expect(do("POST", owner, path+"/verification", `{"effective": true, "note": "x"}`), 409)
	expect(do("PATCH", owner, apath, `{"done": true}`), 422)
	expect(do("PATCH", owner, apath, `{"done": null}`), 422)
	expect(do("PATCH", owner, path+"/actions/"+missingUUID, `{"done": true}`), 404)
	f.ok(t, do("PATCH", owner, apath, `{"done": true, "outcome": "Calendar series set up; Q3 review held."}`), 200, &act)
	if !act.Done || act.CompletedAt == nil {
		t.Errorf("completed action: %+v", act)
	}
	expect(do("POST", owner, path+"/verification", `{"effective": true, "note": "x"}`), 403)
	expect(do("POST", viewer, path+"/verification", `{"effective": true, "note": "x"}`), 403)
	expect(do("POST", admin, path+"/verification", `{"effective": true}`), 403)
	f.ok(t, do("GET", viewer, path, ""), 200, &nc)
	if nc.Stage != "verification" || len(nc.Actions) != 1 {
		t.Errorf("after the action: %+v", nc)
	}
	// Verification needs someone who owns neither the record nor an
	// action: once the record is the owner's, the admin qualifies.
	expect(do("PATCH", admin, path, `{"owner_id": "`+f.ownerMember.ID+`"}`), 200)
	expect(do("POST", admin, path+"/verification", `{"effective": true, "note": ""}`), 422)
	f.ok(t, do("POST", admin, path+"/verification", `{"effective": true, "note": "Sampled 5 accounts; all correct."}`), 200, &nc)
	if nc.Stage != "closed" || nc.ClosedAt == nil || nc.Effective == nil || !*nc.Effective {
		t.Errorf("verified: %+v", nc)
	}
	expect(do("PATCH", admin, path, `{"title": "x"}`), 409)
	expect(do("POST", admin, path+"/actions", `{"title": "x", "owner_id": "`+f.ownerMember.ID+`", "due_date": "2027-01-15"}`), 409)

	// Lists and figures.
	var page struct {
		Items      []nonconformityJSON `json:"items"`
		NextCursor *string             `json:"next_cursor"`
	}
	f.ok(t, do("GET", viewer, "/nonconformities?limit=1", ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "NC-002" || page.NextCursor == nil {
		t.Fatalf("first page: %+v", page)
	}
	f.ok(t, do("GET", viewer, "/nonconformities?limit=1&cursor="+*page.NextCursor, ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "NC-001" {
		t.Errorf("second page: %+v", page)
	}
	expect(do("GET", viewer, "/nonconformities?status=open&kind=nonconformity&source=vulnerability_sla&overdue=false&q=deadline", ""), 200)
	expect(do("GET", viewer, "/nonconformities?status=pending", ""), 422)
	expect(do("GET", viewer, "/nonconformities?cursor=bm90LWEtbnVtYmVy", ""), 422)
	expect(do("GET", viewer, "/nonconformities?grade=minor", ""), 400)
	var m nonconformityCountsJSON
	f.ok(t, do("GET", viewer, "/nonconformity-metrics", ""), 200, &m)
	if m.Open != 1 || m.Closed != 1 {
		t.Errorf("metrics: %+v", m)
	}
	expect(do("GET", viewer, "/nonconformity-metrics?since=2026", ""), 400)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/nonconformities", ""},
		{"POST", "/nonconformities", raise},
		{"GET", path, ""},
		{"PATCH", path, `{"title": "x"}`},
		{"POST", path + "/actions", `{"title": "x"}`},
		{"PATCH", apath, `{"done": true}`},
		{"POST", path + "/verification", `{"effective": true, "note": "x"}`},
		{"GET", "/nonconformity-metrics", ""},
		{"POST", fpath, ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
