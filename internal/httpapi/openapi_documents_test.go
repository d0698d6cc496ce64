package httpapi

import (
	"strings"
	"testing"
)

// exerciseDocuments takes a policy through the register over the API,
// with the main refusals, for the recorded OpenAPI test.
func exerciseDocuments(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}
	create := `{"kind": "policy", "title": "Information security policy", "classification": "internal", "approver_ids": ["` +
		f.ownerMember.ID + `"], "controls": ["iso27001-2022:A.5.1"], "audience": ["viewer", "admin"]}`
	expect(do("POST", viewer, "/documents", create), 403)
	expect(do("POST", admin, "/documents", `{"kind": "manifesto", "title": ""}`), 422)
	expect(do("POST", admin, "/documents", `{"title": 7}`), 400)
	var doc struct {
		ID        string `json:"id"`
		Ref       string `json:"ref"`
		Published *struct {
			Number string `json:"number"`
		} `json:"published"`
		Acknowledged int `json:"acknowledged"`
		Readers      int `json:"readers"`
	}
	f.ok(t, do("POST", admin, "/documents", create), 201, &doc)
	path := "/documents/" + doc.Ref
	expect(do("GET", viewer, path, ""), 200)
	expect(do("GET", viewer, "/documents/DOC-99", ""), 404)
	expect(do("GET", viewer, path+"?full=1", ""), 400)
	expect(do("PATCH", admin, path, `{"summary": "Why we protect information."}`), 200)
	expect(do("PATCH", viewer, path, `{"summary": "x"}`), 403)
	expect(do("PATCH", admin, path, `{"review_months": 99}`), 422)
	expect(do("POST", admin, path+"/submit", ""), 409)
	expect(do("PUT", admin, path+"/draft", `{"body": ""}`), 422)
	expect(do("PUT", admin, path+"/draft", `{"body": "# Policy\n\nWe protect information.\n", "change_note": "First"}`), 200)
	expect(do("PUT", viewer, path+"/draft", `{"body": "x"}`), 403)
	expect(do("POST", admin, path+"/submit", ""), 200)
	expect(do("POST", viewer, path+"/submit", ""), 403)
	expect(do("POST", admin, path+"/decision", `{"approve": true}`), 403)
	expect(do("POST", owner, path+"/decision", `{"approve": false}`), 422)
	expect(do("POST", owner, path+"/decision", `{"approve": "yes"}`), 400)
	expect(do("POST", owner, path+"/decision", `{"approve": true, "note": "Fine."}`), 200)
	expect(do("POST", owner, path+"/decision", `{"approve": true}`), 409)
	expect(do("POST", viewer, path+"/publish", ""), 403)
	expect(do("POST", admin, path+"/publish", ""), 200)
	expect(do("POST", admin, path+"/publish", ""), 409)
	expect(do("POST", viewer, path+"/acknowledgement", ""), 200)
	expect(do("POST", viewer, path+"/acknowledgement", ""), 409)
	f.ok(t, do("GET", viewer, path, ""), 200, &doc)
	if doc.Published == nil || doc.Published.Number != "1.0" || doc.Acknowledged != 1 || doc.Readers != 2 {
		t.Errorf("published document: %+v", doc)
	}
	expect(do("GET", viewer, path+"/versions/1.0", ""), 200)
	expect(do("GET", viewer, path+"/versions/9.9", ""), 404)
	res := expect(do("GET", viewer, path+"/versions/1.0/pdf", ""), 200)
	if !strings.HasPrefix(string(res.body), "%PDF") {
		t.Error("the PDF export is not a PDF")
	}
	expect(do("GET", viewer, path+"/versions/9.9/pdf", ""), 404)

	// An uploaded version.
	pdf := "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
	upload := func(token, query, ct, body string) request {
		return request{method: "PUT", path: "/orgs/acme" + path + "/draft/file" + query, token: token, body: body, contentType: ct}
	}
	expect(upload(admin, "?name=signed.pdf", "text/plain", pdf), 415)
	expect(upload(admin, "", "application/pdf", pdf), 422)
	expect(upload(admin, "?name=signed.pdf", "application/pdf", "not a pdf"), 422)
	expect(upload(viewer, "?name=signed.pdf", "application/pdf", pdf), 403)
	expect(upload(admin, "?name=signed.pdf&change_note=Signed", "application/pdf", pdf), 200)
	res = expect(do("GET", viewer, path+"/versions/1.1/file", ""), 200)
	if string(res.body) != pdf {
		t.Error("the uploaded file did not come back as sent")
	}
	expect(do("GET", viewer, path+"/versions/1.0/file", ""), 404)

	// The register, its export, templates, retirement.
	expect(do("GET", viewer, "/documents?kind=policy&q=security&control=iso27001-2022:A.5.1", ""), 200)
	expect(do("GET", viewer, "/documents?kind=manifesto", ""), 422)
	expect(do("GET", viewer, "/documents?sort=title", ""), 400)
	res = expect(do("GET", viewer, "/documents/export?format=csv", ""), 200)
	if !strings.Contains(string(res.body), "DOC-001,Policy,Information security policy") {
		t.Errorf("CSV export: %s", res.body)
	}
	expect(do("GET", viewer, "/documents/export?format=xlsx", ""), 200)
	expect(do("GET", viewer, "/documents/export?format=docx", ""), 422)
	expect(do("GET", viewer, "/document-templates", ""), 200)
	expect(do("GET", viewer, "/document-templates?x=1", ""), 400)
	expect(do("POST", viewer, "/document-templates/access-control", ""), 403)
	expect(do("POST", admin, "/document-templates/no-such", ""), 422)
	expect(do("POST", admin, "/document-templates/access-control", ""), 201)
	expect(do("POST", viewer, path+"/retire", ""), 403)
	expect(do("POST", admin, path+"/retire", ""), 200)
	expect(do("POST", admin, path+"/retire", ""), 409)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/documents", ""},
		{"POST", "/documents", create},
		{"GET", "/documents/export?format=csv", ""},
		{"GET", path, ""},
		{"PATCH", path, `{"summary": "x"}`},
		{"PUT", path + "/draft", `{"body": "x"}`},
		{"POST", path + "/submit", ""},
		{"POST", path + "/decision", `{"approve": true}`},
		{"POST", path + "/publish", ""},
		{"POST", path + "/acknowledgement", ""},
		{"POST", path + "/retire", ""},
		{"GET", path + "/versions/1.0", ""},
		{"GET", path + "/versions/1.0/pdf", ""},
		{"GET", path + "/versions/1.1/file", ""},
		{"GET", "/document-templates", ""},
		{"POST", "/document-templates/access-control", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
	expect(request{method: "PUT", path: "/orgs/acme" + path + "/draft/file?name=a.pdf", body: pdf, contentType: "application/pdf"}, 401)

	// Readiness, which the published policy now counts towards.
	var ready struct {
		Stage1 []struct {
			Clause  string `json:"clause"`
			Present bool   `json:"present"`
		} `json:"stage1"`
	}
	f.ok(t, do("GET", viewer, "/readiness", ""), 200, &ready)
	if len(ready.Stage1) == 0 {
		t.Error("readiness lists nothing")
	}
	expect(do("GET", viewer, "/readiness?stage=1", ""), 400)
	res = expect(do("GET", viewer, "/auditor-pack", ""), 200)
	if !strings.HasPrefix(string(res.body), "PK") {
		t.Error("the auditor pack is not a zip archive")
	}
	expect(do("GET", viewer, "/auditor-pack?full=1", ""), 400)
	expect(request{method: "GET", path: "/orgs/acme/auditor-pack"}, 401)
	expect(request{method: "GET", path: "/orgs/acme/readiness"}, 401)
	expect(request{method: "GET", path: "/orgs/globex/readiness", token: owner}, 404)
}
