package httpapi

import (
	"context"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/isms"
)

// exerciseObligations calls the obligations routes with success and the
// main failures, for the recorded OpenAPI test.
func exerciseObligations(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	get := func(token, path string) request {
		return request{method: "GET", path: "/orgs/acme" + path, token: token}
	}
	model, err := f.svc.CreateAsset(context.Background(), f.operator, isms.Asset{Name: "triage-model", Type: isms.AssetModel,
		Lifecycle: isms.LifecycleInProduction})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"kind": "regulatory", "title": "Robustness", "source": "AI Act Article 15", "ai_risk_class": "high",
		"asset_ids": ["` + model.ID + `"], "controls": ["iso27001-2022:A.8.25"], "review_date": "2026-01-31",
		"owner_id": "` + f.ownerMember.ID + `"}`
	post := func(token, body string) request {
		return request{method: "POST", path: "/orgs/acme/obligations", token: token, body: body}
	}
	var created obligationJSON
	res := f.ok(t, post(admin, body), 201, &created)
	if created.Ref != "OB-001" || created.ReasonKind != isms.ReasonLegal || !created.ReviewOverdue ||
		res.header.Get("Location") != Prefix+"/orgs/acme/obligations/"+created.ID {
		t.Errorf("created = %+v, Location %q", created, res.header.Get("Location"))
	}
	expect(post(viewer, body), 403)
	expect(post(admin, `{"kind": "moral", "title": "", "source": "x"}`), 422)
	expect(post(admin, `{"kind": "legal", "title": "x", "source": "y", "review_date": "31/01/2027"}`), 422)
	expect(post(admin, `{"kind": "legal", "colour": "red"}`), 400)
	expect(request{method: "POST", path: "/orgs/acme/obligations", token: admin, body: body, contentType: "text/plain"}, 415)
	expect(post(admin, `{"kind": "legal", "title": "`+strings.Repeat("x", 3000)+`"}`), 413)
	expect(request{method: "POST", path: "/orgs/globex/obligations", token: admin, body: body}, 404)
	expect(request{method: "POST", path: "/orgs/acme/obligations", body: body}, 401)

	var page obligationList
	f.ok(t, get(viewer, "/obligations?kind=regulatory&status=applicable&ai_risk_class=high&overdue=true&control=iso27001-2022:A.8.25&asset_id="+
		model.ID+"&owner_id="+f.ownerMember.ID+"&q=ai+act&limit=5"), 200, &page)
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != created.ID {
		t.Errorf("filtered list = %+v", page)
	}
	expect(get(viewer, "/obligations?kind=moral"), 422)
	expect(get(viewer, "/obligations?overdue=maybe"), 400)
	expect(get(viewer, "/obligations?page=2"), 400)
	expect(get(viewer, "/obligations"), 200)

	path := "/obligations/" + created.ID
	expect(get(viewer, path), 200)
	expect(get(viewer, path+"?full=1"), 400)
	expect(get(viewer, "/obligations/"+missingUUID), 404)
	put := func(token, id, body string) request {
		return request{method: "PUT", path: "/orgs/acme/obligations/" + id, token: token, body: body}
	}
	notApplicable := `{"kind": "regulatory", "title": "Robustness", "source": "AI Act Article 15", "status": "not_applicable",
		"not_applicable_reason": "The model is not high-risk after all"}`
	var updated obligationJSON
	f.ok(t, put(admin, created.ID, notApplicable), 200, &updated)
	if updated.Status != isms.ObligationNotApplicable || len(updated.Controls) != 0 || updated.AIRiskClass != nil || updated.ReviewDate != nil {
		t.Errorf("after PUT = %+v; want every field replaced", updated)
	}
	expect(put(viewer, created.ID, notApplicable), 403)
	expect(put(admin, created.ID, `{"kind": "regulatory", "title": "x", "source": "y", "status": "not_applicable"}`), 422)
	expect(put(admin, created.ID, `{"kind": 3}`), 400)
	expect(request{method: "PUT", path: "/orgs/acme/obligations/" + created.ID, token: admin, body: notApplicable, contentType: "text/plain"}, 415)
	expect(put(admin, created.ID, `{"title": "`+strings.Repeat("x", 3000)+`"}`), 413)
	expect(put(admin, missingUUID, notApplicable), 404)

	// Starters.
	starters := func(token, body string) request {
		return request{method: "POST", path: "/orgs/acme/obligation-starters", token: token, body: body}
	}
	var added list[obligationJSON]
	f.ok(t, starters(owner, `{"keys": ["gdpr-art-32", "gdpr-art-33"]}`), 200, &added)
	if len(added.Items) != 2 || added.Items[0].Ref != "OB-002" {
		t.Errorf("starters added = %+v", added)
	}
	f.ok(t, starters(owner, `{"keys": ["gdpr-art-32"]}`), 200, &added)
	if len(added.Items) != 0 {
		t.Errorf("a starter added twice: %+v", added)
	}
	expect(starters(viewer, `{"keys": ["gdpr-art-32"]}`), 403)
	expect(starters(owner, `{"keys": ["ccpa"]}`), 422)
	expect(starters(owner, `{"keys": "gdpr-art-32"}`), 400)
	expect(request{method: "POST", path: "/orgs/acme/obligation-starters", token: owner, body: `{"keys": []}`, contentType: "text/plain"}, 415)
	expect(starters(owner, `{"keys": ["`+strings.Repeat("x", 3000)+`"]}`), 413)
	expect(request{method: "POST", path: "/orgs/globex/obligation-starters", token: owner, body: `{"keys": []}`}, 404)

	// Export, template and import.
	exp := expect(get(viewer, "/obligations/export?status=applicable"), 200)
	if !strings.HasPrefix(string(exp.body), "ref,kind,title") || !strings.Contains(string(exp.body), "OB-002,legal,Security of processing") {
		t.Errorf("export:\n%s", exp.body)
	}
	expect(get(viewer, "/obligations/export?format=xlsx&kind=legal"), 200)
	expect(get(viewer, "/obligations/export?format=pdf"), 422)
	expect(get(viewer, "/obligations/export?sort=ref"), 400)
	expect(get(viewer, "/obligation-imports/template"), 200)
	expect(get(viewer, "/obligation-imports/template?x=1"), 400)
	expect(get("", "/obligation-imports/template"), 401)

	csv := "kind,title,source,owner\ncontractual,Deletion on exit,MSA clause 14,owner@example.com\n"
	upload := func(token, query, body string) request {
		return request{method: "POST", path: "/orgs/acme/obligation-imports" + query, token: token, body: body, contentType: "text/csv"}
	}
	var imp obligationImportJSON
	f.ok(t, upload(admin, "?dry_run=true", csv), 200, &imp)
	if !imp.DryRun || imp.Created != 1 || len(imp.IDs) != 0 {
		t.Errorf("dry run = %+v", imp)
	}
	f.ok(t, upload(admin, "?name=register.csv", csv), 200, &imp)
	if imp.DryRun || imp.Created != 1 || len(imp.IDs) != 1 {
		t.Errorf("import = %+v", imp)
	}
	prob := decodeProblem(t, expect(upload(admin, "?name=bad.csv", "kind,title,source\nlegal,,x\n"), 422), 422)
	if len(prob.Errors) != 1 || prob.Errors[0].Field != "title" || prob.Errors[0].Detail != "line 2: is required" {
		t.Errorf("import problem = %+v", prob.Errors)
	}
	expect(upload(viewer, "", csv), 403)
	expect(upload(admin, "?dry_run=perhaps", csv), 400)
	expect(request{method: "POST", path: "/orgs/acme/obligation-imports", token: admin, body: csv, contentType: "application/json"}, 415)
	expect(upload(admin, "", "kind,title,source\n"+strings.Repeat("legal,a,b\n", 500000)), 413)
	expect(request{method: "POST", path: "/orgs/globex/obligation-imports", token: admin, body: csv, contentType: "text/csv"}, 404)

	// Delete last: the statement tests elsewhere do not depend on it.
	del := func(token, id string) request {
		return request{method: "DELETE", path: "/orgs/acme/obligations/" + id, token: token}
	}
	expect(del(viewer, created.ID), 403)
	expect(del(admin, created.ID), 204)
	expect(del(admin, created.ID), 404)
	expect(del("", created.ID), 401)
}
