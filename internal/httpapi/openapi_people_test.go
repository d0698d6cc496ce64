package httpapi

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// exercisePeople runs the people, roles, training and checklist routes
// with success and the main refusals, for the recorded OpenAPI test.
func exercisePeople(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}

	// Roles.
	var role ismsRoleJSON
	expect(do("POST", viewer, "/isms-roles", `{"name": "ISMS manager"}`), 403)
	expect(do("POST", admin, "/isms-roles", `{"name": "x", "raci": {"A.9": "R"}}`), 422)
	expect(do("POST", admin, "/isms-roles", `{"name": 3}`), 400)
	expect(do("POST", admin, "/isms-roles", `{"name": "x", "competence": ["a\nb"]}`), 422)
	f.ok(t, do("POST", admin, "/isms-roles", `{"name": "ISMS manager", "responsibilities": "Runs the ISMS.",
		"competence": ["ISO/IEC 27001 lead implementer", "Risk assessment"], "raci": {"isms": "A", "A.5": "A", "A.6": "R"}}`), 201, &role)
	if len(role.Competence) != 2 || role.RACI["isms"] != "A" {
		t.Errorf("role = %+v", role)
	}
	expect(do("POST", admin, "/isms-roles", `{"name": "isms manager"}`), 409)
	rpath := "/isms-roles/" + role.ID
	expect(do("GET", viewer, rpath, ""), 200)
	expect(do("GET", viewer, "/isms-roles/"+missingUUID, ""), 404)
	expect(do("GET", viewer, rpath+"?x=1", ""), 400)
	f.ok(t, do("PATCH", admin, rpath, `{"raci": {"isms": "A", "A.5": "A", "A.6": "A", "A.7": "A", "A.8": "A"}}`), 200, &role)
	expect(do("PATCH", viewer, rpath, `{"name": "x"}`), 403)
	expect(do("PATCH", admin, rpath, `{"name": ""}`), 422)
	var roles ismsRoleList
	f.ok(t, do("GET", viewer, "/isms-roles", ""), 200, &roles)
	if len(roles.Items) != 1 || len(roles.Gaps) != 0 {
		t.Errorf("roles = %+v", roles)
	}
	expect(do("GET", viewer, "/isms-roles?all=1", ""), 400)

	// People.
	const priyaBody = `{"name": "Priya Raman", "email": "priya@example.com", "team": "Security", "job_title": "ISMS manager",
		"start_date": "2024-03-01", "role_ids": ["%s"], "member_id": "%s"}`
	expect(do("POST", viewer, "/people", `{"name": "x", "email": "x@example.com"}`), 403)
	expect(do("POST", admin, "/people", `{"name": "", "email": "nope", "start_date": "2024-13-01"}`), 422)
	expect(do("POST", admin, "/people", `{"name": "x", "email": "x@example.com", "role_ids": ["nope"]}`), 422)
	expect(do("POST", admin, "/people", `{"name": "x", "shoe": 9}`), 400)
	var priya personDetailJSON
	f.ok(t, do("POST", admin, "/people", fmt.Sprintf(priyaBody, role.ID, f.ownerMember.ID)), 201, &priya)
	if priya.Status != "active" || priya.MemberID == nil || len(priya.RoleIDs) != 1 {
		t.Errorf("priya = %+v", priya)
	}
	expect(do("POST", admin, "/people", `{"name": "Other", "email": "PRIYA@example.com"}`), 409)
	ppath := "/people/" + priya.ID
	expect(do("GET", viewer, ppath, ""), 200)
	expect(do("GET", viewer, "/people/"+missingUUID, ""), 404)
	expect(do("GET", viewer, ppath+"?full=1", ""), 400)
	var tomas personDetailJSON
	f.ok(t, do("POST", admin, "/people", `{"name": "Tomás Ortega", "email": "tomas@example.com", "team": "ML platform"}`), 201, &tomas)
	f.ok(t, do("PATCH", admin, "/people/"+tomas.ID, `{"job_title": "Staff engineer", "start_date": null, "notes": null}`), 200, &tomas)
	expect(do("PATCH", viewer, "/people/"+tomas.ID, `{"team": "x"}`), 403)
	expect(do("PATCH", admin, "/people/"+tomas.ID, `{"email": "priya@example.com"}`), 409)
	expect(do("PATCH", admin, "/people/"+tomas.ID, `{"end_date": "soon"}`), 422)
	expect(do("PATCH", admin, "/people/"+missingUUID, `{"team": "x"}`), 404)

	var people struct {
		Items      []personRowJSON `json:"items"`
		NextCursor string          `json:"next_cursor"`
	}
	f.ok(t, do("GET", viewer, "/people?limit=1", ""), 200, &people)
	if len(people.Items) != 1 || people.NextCursor == "" {
		t.Fatalf("first page = %+v", people)
	}
	f.ok(t, do("GET", viewer, "/people?limit=1&cursor="+people.NextCursor, ""), 200, &people)
	if len(people.Items) != 1 || people.Items[0].Name != "Tomás Ortega" {
		t.Errorf("second page = %+v", people)
	}
	expect(do("GET", viewer, "/people?status=active&team=Security&role="+role.ID+"&q=priya", ""), 200)
	expect(do("GET", viewer, "/people?status=retired", ""), 422)
	expect(do("GET", viewer, "/people?cursor=bm90LWpzb24", ""), 422)
	expect(do("GET", viewer, "/people?sort=name", ""), 400)
	expect(do("GET", viewer, "/people/export", ""), 200)
	expect(do("GET", viewer, "/people/export?format=xlsx", ""), 200)
	expect(do("GET", viewer, "/people/export?format=pdf", ""), 422)
	expect(do("GET", viewer, "/people/export?all=1", ""), 400)

	csvReq := func(token, path, body string) request {
		return request{method: "POST", path: "/orgs/acme" + path, token: token, body: body, contentType: "text/csv"}
	}
	const people2 = "name,email,team,roles\nAnn Analyst,ann@example.com,Security,ISMS manager\nPriya Raman,priya@example.com,Security,ISMS manager\n"
	var imp personImportJSON
	f.ok(t, csvReq(admin, "/person-imports?dry_run=true&name=hr.csv", people2), 200, &imp)
	if !imp.DryRun || imp.Created != 1 || len(imp.PersonIDs) != 0 {
		t.Errorf("dry run = %+v", imp)
	}
	f.ok(t, csvReq(admin, "/person-imports", people2), 200, &imp)
	if imp.Created != 1 || imp.Updated+imp.Unchanged != 1 || len(imp.PersonIDs) != 2 {
		t.Errorf("import = %+v", imp)
	}
	res := expect(csvReq(admin, "/person-imports", "name,email,start_date\nBob,bob@example.com,yesterday\n"), 422)
	if !strings.Contains(string(res.body), "line 2") || !strings.Contains(string(res.body), `"field":"start_date"`) {
		t.Errorf("import problem: %s", res.body)
	}
	expect(csvReq(viewer, "/person-imports", people2), 403)
	expect(request{method: "POST", path: "/orgs/acme/person-imports", token: admin, body: people2, contentType: "application/json"}, 415)
	expect(csvReq(admin, "/person-imports?dry_run=maybe", people2), 400)

	// Courses, completions and where everyone stands.
	var course courseJSON
	expect(do("POST", viewer, "/training-courses", `{"title": "Awareness"}`), 403)
	expect(do("POST", admin, "/training-courses", `{"title": "x", "recurrence_months": 200}`), 422)
	expect(do("POST", admin, "/training-courses", `{"title": "x", "recurrence_months": null}`), 422)
	f.ok(t, do("POST", admin, "/training-courses", `{"title": "Security awareness", "description": "Phishing, passwords, AI tools."}`), 201, &course)
	if course.RecurrenceMonths != 12 || course.Required != 3 {
		t.Errorf("course = %+v", course)
	}
	expect(do("POST", admin, "/training-courses", `{"title": "SECURITY AWARENESS"}`), 409)
	var ai courseJSON
	f.ok(t, do("POST", admin, "/training-courses", `{"title": "AI security", "ai_security": true, "recurrence_months": 0,
		"audience_role_ids": ["`+role.ID+`"]}`), 201, &ai)
	cpath := "/training-courses/" + course.ID
	expect(do("GET", viewer, cpath, ""), 200)
	expect(do("GET", viewer, "/training-courses/"+missingUUID, ""), 404)
	expect(do("GET", viewer, "/training-courses?x=1", ""), 400)
	var courses list[courseJSON]
	f.ok(t, do("GET", viewer, "/training-courses", ""), 200, &courses)
	if len(courses.Items) != 2 {
		t.Errorf("courses = %+v", courses)
	}
	expect(do("PATCH", admin, cpath, `{"recurrence_months": 24, "description": null}`), 200)
	expect(do("PATCH", admin, cpath, `{"audience_role_ids": ["nope"]}`), 422)
	expect(do("PATCH", viewer, cpath, `{"title": "x"}`), 403)
	expect(do("PATCH", admin, cpath, `{"ai_security": null}`), 422)

	old := time.Now().AddDate(-3, 0, 0).Format(dateLayout)
	var rec trainingRecordJSON
	expect(do("POST", viewer, "/training-records", `{"person_id": "`+priya.ID+`", "course_id": "`+course.ID+`", "completed_at": "`+old+`"}`), 403)
	expect(do("POST", admin, "/training-records", `{"person_id": "`+priya.ID+`", "course_id": "nope", "completed_at": "2099-01-01"}`), 422)
	expect(do("POST", admin, "/training-records", `{"person_id": "`+priya.ID+`", "course_id": "`+course.ID+`", "completed_at": "x"}`), 422)
	f.ok(t, do("POST", admin, "/training-records", `{"person_id": "`+priya.ID+`", "course_id": "`+course.ID+`", "completed_at": "`+old+`",
		"note": "Classroom session"}`), 201, &rec)
	var records list[trainingRecordJSON]
	f.ok(t, do("GET", viewer, "/training-records?person="+priya.ID+"&course="+course.ID+"&limit=5", ""), 200, &records)
	if len(records.Items) != 1 || records.Items[0].ID != rec.ID || rec.ExpiresAt == nil ||
		*rec.ExpiresAt != time.Now().AddDate(-1, 0, 0).Format(dateLayout) || records.Items[0].ExpiresAt == nil {
		t.Errorf("records = %+v", records)
	}
	expect(do("GET", viewer, "/training-records?limit=x", ""), 400)
	var status list[trainingStatusJSON]
	f.ok(t, do("GET", viewer, "/training-status?state=overdue", ""), 200, &status)
	overdue := 0
	for _, s := range status.Items {
		if s.PersonID == priya.ID && s.CourseID == course.ID && s.State == "overdue" {
			overdue++
		}
	}
	if overdue != 1 {
		t.Errorf("overdue = %+v", status)
	}
	expect(do("GET", viewer, "/training-status?person="+priya.ID+"&course="+ai.ID+"&ai_security=true", ""), 200)
	expect(do("GET", viewer, "/training-status?state=late", ""), 422)
	expect(do("GET", viewer, "/training-status?ai_security=perhaps", ""), 400)
	var m trainingMetricsJSON
	f.ok(t, do("GET", viewer, "/training-metrics", ""), 200, &m)
	if m.Courses != 2 || m.Overdue < 1 || m.CompletionRate == nil {
		t.Errorf("metrics = %+v", m)
	}
	expect(do("GET", viewer, "/training-metrics?since=1", ""), 400)

	// Checklists: a leaver's, whose access steps record the removal.
	var cl checklistJSON
	expect(do("POST", admin, "/people/"+tomas.ID+"/checklists", `{"kind": "leaver"}`), 422)
	expect(do("POST", admin, "/people/"+tomas.ID+"/checklists", `{"kind": "sabbatical"}`), 422)
	expect(do("POST", viewer, "/people/"+tomas.ID+"/checklists", `{"kind": "joiner"}`), 403)
	f.ok(t, do("POST", admin, "/people/"+tomas.ID+"/checklists", `{"kind": "leaver", "end_date": "2027-01-31"}`), 201, &cl)
	expect(do("POST", admin, "/people/"+tomas.ID+"/checklists", `{"kind": "leaver"}`), 409)
	expect(do("POST", admin, "/people/"+missingUUID+"/checklists", `{"kind": "joiner"}`), 404)
	clpath := "/checklists/" + cl.ID
	expect(do("GET", viewer, clpath, ""), 200)
	expect(do("GET", viewer, "/checklists/"+missingUUID, ""), 404)
	expect(do("GET", viewer, clpath+"?x=1", ""), 400)
	for _, it := range cl.Items {
		if it.AccessRemoval {
			f.ok(t, do("PATCH", admin, clpath+"/items/"+it.ID, `{"done": true, "note": "Removed"}`), 200, &cl)
		}
	}
	if cl.AccessRemovedAt == nil {
		t.Errorf("access removal not recorded: %+v", cl)
	}
	expect(do("PATCH", viewer, clpath+"/items/"+cl.Items[0].ID, `{"done": false}`), 403)
	expect(do("PATCH", admin, clpath+"/items/"+cl.Items[0].ID, `{"access_removal": false}`), 422)
	expect(do("PATCH", admin, clpath+"/items/"+missingUUID, `{"done": true}`), 404)
	f.ok(t, do("POST", admin, clpath+"/items", `{"title": "GPU quota returned", "access_removal": true}`), 201, &cl)
	expect(do("POST", admin, clpath+"/items", `{"title": "x", "done": true}`), 422)
	expect(do("POST", admin, clpath+"/items", `{"title": null}`), 422)
	expect(do("POST", viewer, clpath+"/items", `{"title": "x"}`), 403)
	f.ok(t, do("GET", viewer, "/people/"+tomas.ID, ""), 200, &tomas)
	if len(tomas.Checklists) != 1 || tomas.EndDate == nil || *tomas.EndDate != "2027-01-31" {
		t.Errorf("tomas = %+v", tomas)
	}

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/people", ""}, {"POST", "/people", `{}`}, {"GET", "/people/export", ""}, {"GET", ppath, ""}, {"PATCH", ppath, `{}`},
		{"POST", ppath + "/checklists", `{"kind": "joiner"}`}, {"GET", clpath, ""}, {"POST", clpath + "/items", `{"title": "x"}`},
		{"PATCH", clpath + "/items/" + cl.Items[0].ID, `{"done": true}`}, {"GET", "/isms-roles", ""}, {"POST", "/isms-roles", `{}`},
		{"GET", rpath, ""}, {"PATCH", rpath, `{}`}, {"GET", "/training-courses", ""}, {"POST", "/training-courses", `{}`},
		{"GET", cpath, ""}, {"PATCH", cpath, `{}`}, {"GET", "/training-records", ""}, {"POST", "/training-records", `{}`},
		{"GET", "/training-status", ""}, {"GET", "/training-metrics", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
	expect(request{method: "POST", path: "/orgs/acme/person-imports", body: people2, contentType: "text/csv"}, 401)
	expect(request{method: "POST", path: "/orgs/globex/person-imports", token: owner, body: people2, contentType: "text/csv"}, 404)
}

// exerciseAccessReviews runs a campaign from its accounts to completion
// over the API, with the main refusals.
func exerciseAccessReviews(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}
	csvReq := func(token, path, body string) request {
		return request{method: "POST", path: "/orgs/acme" + path, token: token, body: body, contentType: "text/csv"}
	}
	body := `{"title": "Model registry, Q3", "systems": ["MLflow"], "reviewer_ids": ["` + f.ownerMember.ID + `"],
		"due_date": "2027-01-31", "period_start": "2026-07-01", "period_end": "2026-09-30"}`
	expect(do("POST", viewer, "/access-reviews", body), 403)
	expect(do("POST", admin, "/access-reviews", `{"title": "x", "reviewer_ids": ["`+f.viewerMember.ID+`"]}`), 422)
	expect(do("POST", admin, "/access-reviews", `{"title": "x", "due_date": null}`), 422)
	expect(do("POST", admin, "/access-reviews", `{"title": "x", "systems": "MLflow"}`), 400)
	var ar accessReviewJSON
	f.ok(t, do("POST", admin, "/access-reviews", body), 201, &ar)
	if ar.Ref != "AR-001" || ar.Status != "open" || ar.PeriodEnd == nil || *ar.PeriodEnd != "2026-09-30" {
		t.Errorf("campaign = %+v", ar)
	}
	path := "/access-reviews/" + ar.ID
	expect(do("GET", viewer, path, ""), 200)
	expect(do("GET", viewer, "/access-reviews/AR-1", ""), 200)
	expect(do("GET", viewer, "/access-reviews/AR-99", ""), 404)
	expect(do("GET", viewer, path+"?x=1", ""), 400)
	f.ok(t, do("PATCH", admin, path, `{"systems": ["MLflow", "S3 training data"], "period_start": null}`), 200, &ar)
	if len(ar.Systems) != 2 || ar.PeriodStart != nil || ar.PeriodEnd == nil {
		t.Errorf("patched = %+v", ar)
	}
	expect(do("PATCH", admin, path, `{"period_start": "2026-07-01"}`), 200)
	expect(do("PATCH", viewer, path, `{"title": "x"}`), 403)
	expect(do("PATCH", admin, path, `{"systems": ["a\nb"]}`), 422)
	expect(do("PATCH", admin, "/access-reviews/"+missingUUID, `{"title": "x"}`), 404)

	var account reviewAccountJSON
	expect(do("POST", viewer, path+"/accounts", `{"system": "MLflow", "account": "alice", "rights": "publish"}`), 403)
	expect(do("POST", admin, path+"/accounts", `{"system": "MLflow", "account": "alice"}`), 422)
	f.ok(t, do("POST", admin, path+"/accounts", `{"system": "MLflow", "account": "alice", "holder": "Alice", "rights": "publish"}`), 201, &account)
	expect(do("POST", admin, path+"/accounts", `{"system": "MLflow", "account": "alice", "rights": "read"}`), 409)

	const accounts = "system,account,holder,rights\nMLflow,bob,Bob,read\nS3 training data,svc-train,pipeline,write\n"
	var imp accountImportJSON
	res := expect(csvReq(admin, path+"/account-imports", "system,account,rights\nMLflow,alice,publish\n,carol,\n"), 422)
	if !strings.Contains(string(res.body), "line 2") || !strings.Contains(string(res.body), "line 3") {
		t.Errorf("import problems: %s", res.body)
	}
	expect(csvReq(viewer, path+"/account-imports", accounts), 403)
	expect(request{method: "POST", path: "/orgs/acme" + path + "/account-imports", token: admin, body: accounts, contentType: "text/plain"}, 415)
	expect(csvReq(admin, path+"/account-imports?dry_run=1", accounts), 400)
	f.ok(t, csvReq(admin, path+"/account-imports", accounts), 200, &imp)
	if imp.Added != 2 || imp.Review.Accounts != 3 || len(imp.Review.AccountList) != 3 {
		t.Errorf("import = %+v", imp)
	}

	expect(do("POST", owner, path+"/completion", ""), 409)
	apath := path + "/accounts/" + account.ID
	expect(do("PATCH", viewer, apath, `{"decision": "keep"}`), 403)
	expect(do("PATCH", owner, apath, `{"decision": "change"}`), 422)
	expect(do("PATCH", owner, apath, `{"note": "x"}`), 422)
	expect(do("PATCH", owner, path+"/accounts/"+missingUUID, `{"decision": "keep"}`), 404)
	f.ok(t, do("PATCH", owner, apath, `{"decision": "change", "note": "read only"}`), 200, &account)
	if account.Decision == nil || *account.Decision != "change" || account.DecidedBy == nil {
		t.Errorf("decided = %+v", account)
	}
	f.ok(t, do("PATCH", owner, apath, `{"decision": null}`), 200, &account)
	if account.Decision != nil {
		t.Errorf("withdrawn = %+v", account)
	}
	f.ok(t, do("GET", viewer, path, ""), 200, &ar)
	for i, acc := range ar.AccountList {
		decision := []string{"keep", "revoke", "keep"}[i]
		expect(do("PATCH", owner, path+"/accounts/"+acc.ID, `{"decision": "`+decision+`", "note": "reviewed"}`), 200)
	}
	expect(do("POST", viewer, path+"/completion", ""), 403)
	f.ok(t, do("POST", owner, path+"/completion", ""), 200, &ar)
	if ar.Status != "complete" || ar.EvidenceID == nil || ar.Kept != 2 || ar.Revoked != 1 {
		t.Fatalf("completed = %+v", ar)
	}
	var ev evidenceDetailJSON
	f.ok(t, do("GET", viewer, "/evidence/"+*ar.EvidenceID, ""), 200, &ev)
	if ev.Kind != "record" || len(ev.Links) != 1 || ev.Links[0].Ref != "iso27001-2022:A.5.18" || !strings.Contains(ev.Body, "Revoked: 1") {
		t.Errorf("the completion's evidence = %+v", ev)
	}
	expect(do("POST", owner, path+"/completion", ""), 409)
	expect(do("PATCH", admin, path, `{"title": "x"}`), 409)
	expect(do("PATCH", owner, apath, `{"decision": "keep"}`), 409)
	expect(csvReq(admin, path+"/account-imports", accounts), 409)
	expect(do("POST", owner, path+"/completion?now=1", ""), 400)

	var page struct {
		Items      []accessReviewJSON `json:"items"`
		NextCursor string             `json:"next_cursor"`
	}
	f.ok(t, do("POST", admin, "/access-reviews", body), 201, nil)
	f.ok(t, do("GET", viewer, "/access-reviews?limit=1", ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "AR-002" || page.NextCursor == "" {
		t.Fatalf("first page = %+v", page)
	}
	f.ok(t, do("GET", viewer, "/access-reviews?limit=1&cursor="+page.NextCursor, ""), 200, &page)
	if len(page.Items) != 1 || page.Items[0].Ref != "AR-001" || page.Items[0].AccountList != nil {
		t.Errorf("second page = %+v", page)
	}
	expect(do("GET", viewer, "/access-reviews?status=open&overdue=false&reviewer="+f.ownerMember.ID+"&q=registry", ""), 200)
	expect(do("GET", viewer, "/access-reviews?status=done", ""), 422)
	expect(do("GET", viewer, "/access-reviews?cursor=bm90LWEtbnVtYmVy", ""), 422)
	expect(do("GET", viewer, "/access-reviews?sort=due", ""), 400)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/access-reviews", ""}, {"POST", "/access-reviews", body}, {"GET", path, ""}, {"PATCH", path, `{}`},
		{"POST", path + "/accounts", `{}`}, {"PATCH", apath, `{"decision": "keep"}`}, {"POST", path + "/completion", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
	expect(request{method: "POST", path: "/orgs/acme" + path + "/account-imports", body: accounts, contentType: "text/csv"}, 401)
}
