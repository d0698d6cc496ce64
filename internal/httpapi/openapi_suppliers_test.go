package httpapi

import (
	"fmt"
	"strings"
	"testing"
)

// exerciseSuppliers calls the supplier register's routes with success
// and the main failures, for the recorded OpenAPI test.
func exerciseSuppliers(t *testing.T, f *fixture) {
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
	tooLarge := `{"name": "` + strings.Repeat("x", 3000) + `"}`

	var gpu, helio supplierDetailJSON
	f.ok(t, send("POST", admin, "/suppliers", fmt.Sprintf(`{"name": "Lattice GPU Cloud", "kind": "cloud", "criticality": "critical",
		"owner_id": %q, "data_shared": ["training_data", "model_weights"], "clauses": ["confidentiality", "incident_notification"],
		"incident_hours": 24, "contract_ends": "2027-06-30", "review_cadence": "quarterly", "last_reviewed": "2026-01-15"}`,
		f.ownerMember.ID)), 201, &gpu)
	if len(gpu.Flags) == 0 || gpu.NextReview != "2026-04-15" {
		t.Errorf("new critical supplier without exit plan or assessment: flags %+v, next review %s", gpu.Flags, gpu.NextReview)
	}
	f.ok(t, send("POST", owner, "/suppliers", `{"name": "Helio Models", "kind": "model_provider", "criticality": "high", "status": "onboarding",
		"owner_id": null, "data_shared": null, "clauses": null, "contract_ends": null, "last_reviewed": null}`), 201, &helio)
	expect(send("POST", owner, "/suppliers", `{"name": "lattice gpu cloud", "kind": "cloud", "criticality": "low"}`), 409)
	res := expect(send("POST", owner, "/suppliers", `{"name": "x", "kind": "vendor", "criticality": "low", "incident_hours": 12}`), 422)
	if !strings.Contains(string(res.body), `"kind"`) || !strings.Contains(string(res.body), `"incident_hours"`) {
		t.Errorf("problems do not name kind and incident_hours: %s", res.body)
	}
	expect(send("POST", owner, "/suppliers", `{"name": "x", "kind": "cloud", "criticality": "low", "tier": 1}`), 400)
	expect(send("POST", viewer, "/suppliers", `{"name": "x", "kind": "cloud", "criticality": "low"}`), 403)
	expect(request{method: "POST", path: "/orgs/acme/suppliers", token: owner, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("POST", owner, "/suppliers", tooLarge), 413)
	expect(request{method: "POST", path: "/orgs/acme/suppliers", body: `{}`}, 401)

	expect(get(viewer, "/suppliers?kind=cloud&criticality=critical&status=active&owner_id="+f.ownerMember.ID+
		"&data_shared=training_data&flag=no_exit_plan&flagged=true&q=gpu&limit=1"), 200)
	var page supplierList
	f.ok(t, get(viewer, "/suppliers?limit=1"), 200, &page)
	if page.Total != 2 || page.NextCursor == "" || page.Items[0].Name != "Helio Models" {
		t.Errorf("first page = %+v", page)
	}
	expect(get(viewer, "/suppliers?cursor="+page.NextCursor), 200)
	expect(get(viewer, "/suppliers?flag=late"), 422)
	expect(get(viewer, "/suppliers?flagged=maybe"), 400)
	expect(request{method: "GET", path: "/orgs/globex/suppliers", token: viewer}, 404)

	expect(get(viewer, "/suppliers/"+gpu.ID), 200)
	expect(get(viewer, "/suppliers/"+missingUUID), 404)
	expect(send("PUT", admin, "/suppliers/"+helio.ID, `{"name": "Helio Models", "kind": "model_provider", "criticality": "high",
		"data_shared": ["prompts_outputs"], "clauses": ["no_training_on_our_data"], "exit_plan": "Fall back to our hosted open model."}`), 200)
	expect(send("PUT", admin, "/suppliers/"+helio.ID, `{"name": "Lattice GPU Cloud", "kind": "cloud", "criticality": "low"}`), 409)
	expect(send("PUT", admin, "/suppliers/"+helio.ID, `{"name": "Helio", "kind": "model_provider", "criticality": "high", "last_reviewed": "15/01/2026"}`), 422)
	expect(send("PUT", admin, "/suppliers/"+helio.ID, `{"name": ["Helio"]}`), 400)
	expect(send("PUT", viewer, "/suppliers/"+helio.ID, `{"name": "x", "kind": "cloud", "criticality": "low"}`), 403)
	expect(send("PUT", admin, "/suppliers/"+missingUUID, `{"name": "x", "kind": "cloud", "criticality": "low"}`), 404)
	expect(request{method: "PUT", path: "/orgs/acme/suppliers/" + helio.ID, token: admin, body: `{}`, contentType: "application/xml"}, 415)
	expect(send("PUT", admin, "/suppliers/"+helio.ID, tooLarge), 413)

	var reviewed supplierDetailJSON
	f.ok(t, send("POST", admin, "/suppliers/"+gpu.ID+"/reviews", ""), 200, &reviewed)
	if reviewed.LastReviewed == nil || *reviewed.LastReviewed == "2026-01-15" {
		t.Errorf("last reviewed after a review = %v", reviewed.LastReviewed)
	}
	expect(send("POST", viewer, "/suppliers/"+gpu.ID+"/reviews", ""), 403)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/reviews?when=today", ""), 400)
	expect(send("POST", admin, "/suppliers/"+missingUUID+"/reviews", ""), 404)

	// Dependent assets.
	var asset assetDetailJSON
	f.ok(t, send("POST", admin, "/assets", `{"name": "train-cluster", "type": "compute_cluster"}`), 201, &asset)
	var linked supplierDetailJSON
	f.ok(t, send("POST", admin, "/suppliers/"+gpu.ID+"/assets", fmt.Sprintf(`{"asset_id": %q}`, asset.ID)), 201, &linked)
	if len(linked.DependentAssets) != 1 || linked.DependentAssets[0].AssetID != asset.ID || linked.Assets != 1 {
		t.Errorf("dependent assets = %+v", linked.DependentAssets)
	}
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assets", fmt.Sprintf(`{"asset_id": %q}`, asset.ID)), 409)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assets", `{"asset_id": "`+missingUUID+`"}`), 422)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assets", `{"asset": "x"}`), 400)
	expect(send("POST", viewer, "/suppliers/"+gpu.ID+"/assets", fmt.Sprintf(`{"asset_id": %q}`, asset.ID)), 403)
	expect(send("POST", admin, "/suppliers/"+missingUUID+"/assets", fmt.Sprintf(`{"asset_id": %q}`, asset.ID)), 404)
	expect(request{method: "POST", path: "/orgs/acme/suppliers/" + gpu.ID + "/assets", token: admin, body: "asset_id=x", contentType: "application/x-www-form-urlencoded"}, 415)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assets", tooLarge), 413)
	expect(send("DELETE", viewer, "/suppliers/"+gpu.ID+"/assets/"+linked.DependentAssets[0].ID, ""), 403)
	expect(send("DELETE", admin, "/suppliers/"+gpu.ID+"/assets/"+linked.DependentAssets[0].ID, ""), 204)
	expect(send("DELETE", admin, "/suppliers/"+gpu.ID+"/assets/"+linked.DependentAssets[0].ID, ""), 404)

	// Certifications and assessments.
	var cert certificationJSON
	f.ok(t, send("POST", admin, "/suppliers/"+gpu.ID+"/certifications", `{"kind": "iso27001", "reference": "IS 612345",
		"issuer": "A certification body", "issued_on": "2025-02-01", "valid_until": "2028-01-31"}`), 201, &cert)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/certifications", `{"kind": "iso9001", "valid_until": ""}`), 422)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/certifications", `{"kind": "soc2_type2", "valid_until": "2027-01-31", "issued_on": "2028-01-01"}`), 422)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/certifications", `{"kind": 7}`), 400)
	expect(send("POST", viewer, "/suppliers/"+gpu.ID+"/certifications", `{"kind": "iso27001", "valid_until": "2028-01-31"}`), 403)
	expect(send("POST", admin, "/suppliers/"+missingUUID+"/certifications", `{"kind": "iso27001", "valid_until": "2028-01-31"}`), 404)
	expect(request{method: "POST", path: "/orgs/acme/suppliers/" + gpu.ID + "/certifications", token: admin, body: "x", contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/certifications", tooLarge), 413)
	var as assessmentJSON
	f.ok(t, send("POST", admin, "/suppliers/"+gpu.ID+"/assessments", `{"assessed_on": "2026-01-10", "assessor": "Olivia Owner",
		"result": "pass_with_conditions", "summary": "Enable customer-managed keys by June.",
		"answers": [{"question": "Is our data encrypted at rest?", "answer": "Yes, with provider keys."}]}`), 201, &as)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assessments", `{"assessed_on": "2026-01-10", "assessor": "", "result": "pass_with_conditions",
		"answers": null}`), 422)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assessments", `{"assessed_on": "2026-01-10", "answers": [{"q": "x"}]}`), 400)
	expect(send("POST", viewer, "/suppliers/"+gpu.ID+"/assessments", `{"assessed_on": "2026-01-10", "assessor": "x", "result": "pass"}`), 403)
	expect(send("POST", admin, "/suppliers/"+missingUUID+"/assessments", `{"assessed_on": "2026-01-10", "assessor": "x", "result": "pass"}`), 404)
	expect(request{method: "POST", path: "/orgs/acme/suppliers/" + gpu.ID + "/assessments", token: admin, body: "x", contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/suppliers/"+gpu.ID+"/assessments", tooLarge), 413)
	var detail supplierDetailJSON
	f.ok(t, get(viewer, "/suppliers/"+gpu.ID), 200, &detail)
	if len(detail.Certifications) != 1 || len(detail.Assessments) != 1 || len(detail.Assessments[0].Answers) != 1 {
		t.Errorf("detail = %+v", detail)
	}
	expect(send("DELETE", viewer, "/suppliers/"+gpu.ID+"/certifications/"+cert.ID, ""), 403)
	expect(send("DELETE", admin, "/suppliers/"+helio.ID+"/certifications/"+cert.ID, ""), 404)
	expect(send("DELETE", admin, "/suppliers/"+gpu.ID+"/certifications/"+cert.ID, ""), 204)
	expect(send("DELETE", viewer, "/suppliers/"+gpu.ID+"/assessments/"+as.ID, ""), 403)
	expect(send("DELETE", admin, "/suppliers/"+gpu.ID+"/assessments/"+as.ID, ""), 204)
	expect(send("DELETE", admin, "/suppliers/"+gpu.ID+"/assessments/"+as.ID, ""), 404)

	// Export and import.
	csv := expect(get(viewer, "/suppliers/export?format=csv&kind=cloud"), 200)
	if !strings.HasPrefix(string(csv.body), "name,kind,criticality") || !strings.Contains(string(csv.body), "Lattice GPU Cloud") {
		t.Errorf("CSV export:\n%s", csv.body)
	}
	expect(get(viewer, "/suppliers/export?format=xlsx&flagged=true"), 200)
	expect(get(viewer, "/suppliers/export?format=pdf"), 422)
	expect(get(viewer, "/suppliers/export?sort=name"), 400)
	importReq := func(token, query, contentType, body string) request {
		return request{method: "POST", path: "/orgs/acme/supplier-imports?" + query, token: token, contentType: contentType, body: body}
	}
	file := "name,kind,criticality,owner,data_shared\nAnnotate Ltd,data_vendor,medium,owner@example.com,training_data;personal_data\n"
	var imp supplierImportJSON
	f.ok(t, importReq(owner, "name=vendors.csv&dry_run=true", "text/csv", file), 200, &imp)
	if !imp.DryRun || len(imp.Created) != 1 {
		t.Errorf("dry run = %+v", imp)
	}
	expect(importReq(owner, "", "text/csv; charset=utf-8", string(csv.body)+"Annotate Ltd,data_vendor,medium,,,,,,,,,,,,,,\n"), 200)
	res = expect(importReq(owner, "name=bad.csv", "text/csv", "name,kind,criticality\nAcme,cloud,medium\nBeta,cloud,severe\n"), 422)
	if !strings.Contains(string(res.body), "line 3") || !strings.Contains(string(res.body), `"criticality"`) {
		t.Errorf("import problem does not name line 3 and criticality: %s", res.body)
	}
	expect(importReq(viewer, "", "text/csv", file), 403)
	expect(importReq(owner, "", "application/json", file), 415)
	expect(importReq(owner, "dry_run=perhaps", "text/csv", file), 400)

	expect(send("DELETE", viewer, "/suppliers/"+helio.ID, ""), 403)
	expect(send("DELETE", admin, "/suppliers/"+helio.ID, ""), 204)
	expect(send("DELETE", admin, "/suppliers/"+helio.ID, ""), 404)
}
