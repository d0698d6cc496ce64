package httpapi

import (
	"strings"
	"testing"
	"time"
)

// exerciseIncidents walks an incident through the register over the API,
// with its deadlines, timeline, evidence and custody, what it raises, the
// figures and the export, and the main refusals, for the recorded OpenAPI
// test.
func exerciseIncidents(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}
	stamp := func(d time.Duration) string { return time.Now().UTC().Add(d).Format(time.RFC3339) }

	// Report: a personal data breach, aware two hours ago.
	report := `{"title": "Support chats readable across tenants", "category": "training_data_leak", "severity": "high",
		"description": "A bucket policy exposed a month of support chats.", "detected_at": "` + stamp(-3*time.Hour) + `",
		"aware_at": "` + stamp(-2*time.Hour) + `", "personal_data": true, "data_subjects": 1200, "reporter": "Globex security team"}`
	expect(do("POST", viewer, "/incidents", report), 403)
	expect(do("POST", admin, "/incidents", `{"title": "x", "category": "gremlins", "severity": "low"}`), 422)
	expect(do("POST", admin, "/incidents", `{"title": "x", "category": "phishing", "severity": "low", "personal_data": true}`), 422)
	expect(do("POST", admin, "/incidents", `{"title": "x", "category": "phishing", "severity": "low", "detected_at": "yesterday"}`), 422)
	expect(do("POST", admin, "/incidents", `{"title": 5}`), 400)
	expect(do("POST", admin, "/incidents", `{"title": "x", "colour": "red"}`), 400)
	var inc incidentJSON
	res := f.ok(t, do("POST", admin, "/incidents", report), 201, &inc)
	if inc.Ref != "INC-001" || inc.Status != "reported" || len(inc.Deadlines) != 1 || inc.Deadlines[0].State != "running" ||
		inc.Deadlines[0].HoursLeft < 69 || inc.Deadlines[0].HoursLeft > 71 {
		t.Errorf("reported: %+v", inc)
	}
	if !strings.HasSuffix(res.header.Get("Location"), "/incidents/"+inc.ID) {
		t.Errorf("Location = %q", res.header.Get("Location"))
	}
	path := "/incidents/" + inc.ID
	expect(do("GET", viewer, path, ""), 200)
	expect(do("GET", viewer, "/incidents/INC-1", ""), 200)
	expect(do("GET", viewer, path+"?full=1", ""), 400)
	expect(do("GET", viewer, "/incidents/INC-99", ""), 404)
	expect(do("PATCH", viewer, path, `{"severity": "low"}`), 403)
	expect(do("PATCH", admin, path, `{"status": "triaged"}`), 422)
	expect(do("PATCH", admin, path, `{"detected_at": null}`), 422)
	expect(do("PATCH", admin, path, `{"personal_data": null}`), 422)
	f.ok(t, do("PATCH", admin, path, `{"status": "triaged", "handler_id": "`+f.ownerMember.ID+`"}`), 200, &inc)
	if inc.HandlerID == nil || *inc.HandlerID != f.ownerMember.ID {
		t.Errorf("triaged: %+v", inc)
	}

	// The timeline and the evidence.
	expect(do("POST", viewer, path+"/events", `{"what": "x"}`), 403)
	expect(do("POST", owner, path+"/events", `{"what": ""}`), 422)
	expect(do("POST", owner, path+"/events", `{"what": "x", "at": "soon"}`), 422)
	var ev incidentEventJSON
	f.ok(t, do("POST", owner, path+"/events", `{"at": "`+stamp(-3*time.Hour)+`", "what": "Globex reports it can read other tenants' chats", "who": "Support"}`), 201, &ev)
	var record evidenceDetailJSON
	f.ok(t, do("POST", admin, "/evidence", `{"kind": "record", "title": "Bucket policy before the fix", "body": "Principal: *",
		"links": [{"target": "control", "ref": "iso27001-2022:A.5.28"}]}`), 201, &record)
	expect(do("POST", owner, path+"/evidence", `{"evidence_id": "`+missingUUID+`"}`), 422)
	expect(do("POST", viewer, path+"/evidence", `{"evidence_id": "`+record.ID+`"}`), 403)
	var item incidentEvidenceJSON
	f.ok(t, do("POST", owner, path+"/evidence", `{"evidence_id": "`+record.ID+`", "note": "Copied from the console"}`), 201, &item)
	if item.SHA256 == nil || len(*item.SHA256) != 64 {
		t.Errorf("attached: %+v", item)
	}
	expect(do("POST", owner, path+"/evidence", `{"evidence_id": "`+record.ID+`"}`), 409)
	cpath := path + "/evidence/" + item.ID + "/custody"
	expect(do("POST", owner, cpath, `{"who": "", "note": ""}`), 422)
	expect(do("POST", owner, path+"/evidence/"+missingUUID+"/custody", `{"who": "x", "note": "y"}`), 404)
	expect(do("POST", viewer, cpath, `{"who": "x", "note": "y"}`), 403)
	var custody custodyJSON
	f.ok(t, do("POST", owner, cpath, `{"who": "Forensics Ltd", "note": "Handed over for analysis"}`), 201, &custody)
	var check struct {
		Intact bool `json:"intact"`
	}
	f.ok(t, do("GET", viewer, path+"/evidence-check", ""), 200, &check)
	if !check.Intact {
		t.Error("the evidence check fails on untouched evidence")
	}
	expect(do("GET", viewer, path+"/evidence-check?deep=1", ""), 400)
	expect(do("GET", viewer, "/incidents/INC-99/evidence-check", ""), 404)

	// What the incident raises.
	var nc nonconformityJSON
	expect(do("POST", viewer, path+"/nonconformity", `{}`), 403)
	expect(do("POST", owner, path+"/nonconformity", `{"source": "other"}`), 422)
	f.ok(t, do("POST", owner, path+"/nonconformity", `{"requirement": "iso27001-2022:A.8.9"}`), 201, &nc)
	if nc.Source != "incident" || !strings.HasPrefix(nc.Title, "INC-001") {
		t.Errorf("nonconformity: %+v", nc)
	}
	expect(do("POST", viewer, path+"/risk", ""), 403)
	expect(do("POST", admin, "/incidents/INC-99/risk", ""), 404)
	expect(do("POST", admin, path+"/risk", ""), 201)
	expect(do("POST", owner, path+"/control-change", `{"control": "iso27001-2022:A.99"}`), 422)
	expect(do("POST", viewer, path+"/control-change", `{"control": "iso27001-2022:A.8.9"}`), 403)
	var task controlTaskJSON
	f.ok(t, do("POST", owner, path+"/control-change", `{"control": "iso27001-2022:A.8.9", "due_date": "2027-01-31"}`), 201, &task)
	if !strings.HasPrefix(task.Title, "Change after INC-001") {
		t.Errorf("task: %+v", task)
	}

	// Notified, and closed with its lessons.
	expect(do("PATCH", owner, path, `{"status": "closed"}`), 422)
	f.ok(t, do("PATCH", owner, path, `{"status": "closed", "containment": "Policy reverted.", "eradication": "Policy check in CI.",
		"recovery": "Logs reviewed.", "lessons_learned": "Bucket policies change only through review.",
		"authority_notified_at": "`+stamp(-time.Hour)+`", "authority_ref": "ICO-1234"}`), 200, &inc)
	if inc.Status != "closed" || inc.Deadlines[0].State != "met" || len(inc.Events) != 1 || len(inc.Evidence) != 1 || len(inc.Raised) != 3 {
		t.Errorf("closed: %+v", inc)
	}
	expect(do("PATCH", admin, path, `{"title": "x"}`), 409)

	// An AI incident, the list, the figures and the export.
	f.ok(t, do("POST", admin, "/incidents", `{"title": "Jailbreak reached a high-risk screening system", "category": "harmful_output",
		"severity": "critical", "aware_at": "`+stamp(-time.Hour)+`", "ai_high_risk": true, "ai_serious": true, "ai_case": "death"}`), 201, &inc)
	if len(inc.Deadlines) != 1 || inc.Deadlines[0].Kind != "ai_act_art73" || inc.AICase == nil || *inc.AICase != "death" {
		t.Errorf("AI incident: %+v", inc)
	}
	var page struct {
		Items      []incidentJSON `json:"items"`
		NextCursor string         `json:"next_cursor"`
	}
	f.ok(t, do("GET", viewer, "/incidents?limit=1", ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "INC-002" || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	f.ok(t, do("GET", viewer, "/incidents?limit=1&cursor="+page.NextCursor, ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "INC-001" {
		t.Errorf("second page: %+v", page)
	}
	f.ok(t, do("GET", viewer, "/incidents?status=open&ai=true&notification_due=true&severity=critical&q=jailbreak", ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "INC-002" {
		t.Errorf("filtered: %+v", page)
	}
	expect(do("GET", viewer, "/incidents?personal_data=true&category=training_data_leak&handler="+f.ownerMember.ID+"&asset="+missingUUID, ""), 200)
	expect(do("GET", viewer, "/incidents?status=pending", ""), 422)
	expect(do("GET", viewer, "/incidents?ai=maybe", ""), 400)
	expect(do("GET", viewer, "/incidents?cursor=bm90LWEtbnVtYmVy", ""), 422)
	expect(do("GET", viewer, "/incidents?grade=minor", ""), 400)
	var m incidentMetricsJSON
	f.ok(t, do("GET", viewer, "/incident-metrics", ""), 200, &m)
	if m.Open != 1 || m.Closed != 1 || len(m.Pending) != 1 || m.Notified != 1 || m.Nonconformities != 1 || m.EvidenceItems != 1 {
		t.Errorf("metrics: %+v", m)
	}
	expect(do("GET", viewer, "/incident-metrics?since=2026", ""), 400)
	res = expect(do("GET", viewer, "/incidents/export?format=csv&severity=critical", ""), 200)
	if !strings.Contains(string(res.body), "INC-002") || strings.Contains(string(res.body), "INC-001") {
		t.Errorf("CSV export: %s", res.body)
	}
	res = expect(do("GET", viewer, "/incidents/export?format=xlsx", ""), 200)
	if res.header.Get("Content-Type") != xlsxType {
		t.Errorf("XLSX export: %s", res.header.Get("Content-Type"))
	}
	expect(do("GET", viewer, "/incidents/export?format=pdf", ""), 422)
	expect(do("GET", viewer, "/incidents/export?sort=title", ""), 400)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/incidents", ""},
		{"POST", "/incidents", report},
		{"GET", "/incidents/export", ""},
		{"GET", path, ""},
		{"PATCH", path, `{"title": "x"}`},
		{"POST", path + "/events", `{"what": "x"}`},
		{"POST", path + "/evidence", `{"evidence_id": "x"}`},
		{"POST", cpath, `{"who": "x", "note": "y"}`},
		{"GET", path + "/evidence-check", ""},
		{"POST", path + "/nonconformity", `{}`},
		{"POST", path + "/risk", ""},
		{"POST", path + "/control-change", `{"control": "iso27001-2022:A.8.9"}`},
		{"GET", "/incident-metrics", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
