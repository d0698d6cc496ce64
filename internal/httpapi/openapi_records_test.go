package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/aibom"
)

// exerciseRecords calls the asset, context, methodology and risk routes
// with success and the main failures, for the recorded OpenAPI test.
func exerciseRecords(t *testing.T, f *fixture) {
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

	// Assets.
	var endpoint, model assetDetailJSON
	f.ok(t, send("POST", admin, "/assets", fmt.Sprintf(`{"name": "chat-api", "type": "inference_endpoint", "owner_id": %q,
		"classification": "confidential", "tags": ["llm"], "attributes": {"interface": "llm", "exposure": "internet"}}`, f.ownerMember.ID)), 201, &endpoint)
	f.ok(t, send("POST", owner, "/assets", `{"name": "old-model", "type": "model", "lifecycle": "retired", "disposal_date": "2025-01-31",
		"disposal_method": "weights deleted", "owner_id": null, "classification": null, "tags": null, "attributes": null}`), 201, &model)
	expect(send("POST", owner, "/assets", `{"name": "x", "type": "robot"}`), 422)
	expect(send("POST", owner, "/assets", `{"name": "x", "type": "model", "size": 7}`), 400)
	expect(send("POST", viewer, "/assets", `{"name": "x", "type": "model"}`), 403)
	expect(request{method: "POST", path: "/orgs/acme/assets", token: owner, body: `{"name": "x", "type": "model"}`, contentType: "text/plain"}, 415)
	expect(send("POST", owner, "/assets", tooLarge), 413)
	expect(request{method: "POST", path: "/orgs/acme/assets", body: `{"name": "x", "type": "model"}`}, 401)

	expect(get(viewer, "/assets?type=inference_endpoint&owner_id="+f.ownerMember.ID+"&classification=confidential&lifecycle=in_production&tag=llm&q=chat&limit=1"), 200)
	var assets assetList
	f.ok(t, get(viewer, "/assets?limit=1"), 200, &assets)
	expect(get(viewer, "/assets?cursor="+assets.NextCursor), 200)
	expect(get(viewer, "/assets?type=robot"), 422)
	expect(get(viewer, "/assets?sort=name"), 400)
	expect(request{method: "GET", path: "/orgs/globex/assets", token: viewer}, 404)

	expect(get(viewer, "/assets/"+endpoint.ID), 200)
	expect(get(viewer, "/assets/"+missingUUID), 404)
	expect(send("PUT", admin, "/assets/"+model.ID, `{"name": "old-model", "type": "model", "lifecycle": "retired", "disposal_date": "2025-01-31", "disposal_method": "shredded"}`), 200)
	expect(send("PUT", admin, "/assets/"+model.ID, `{"name": "old-model", "type": "model", "lifecycle": "retired"}`), 422)
	expect(send("PUT", admin, "/assets/"+model.ID, `{"name": ["old-model"]}`), 400)
	expect(send("PUT", viewer, "/assets/"+model.ID, `{"name": "x", "type": "model"}`), 403)
	expect(send("PUT", admin, "/assets/"+missingUUID, `{"name": "x", "type": "model"}`), 404)
	expect(request{method: "PUT", path: "/orgs/acme/assets/" + model.ID, token: admin, body: `{}`, contentType: "application/xml"}, 415)
	expect(send("PUT", admin, "/assets/"+model.ID, tooLarge), 413)

	var rel relationJSON
	f.ok(t, send("POST", owner, "/assets/"+endpoint.ID+"/relations", fmt.Sprintf(`{"kind": "serves", "to_id": %q}`, model.ID)), 201, &rel)
	expect(send("POST", owner, "/assets/"+endpoint.ID+"/relations", fmt.Sprintf(`{"kind": "serves", "to_id": %q}`, model.ID)), 409)
	expect(send("POST", owner, "/assets/"+endpoint.ID+"/relations", `{"kind": "hugs", "to_id": "`+missingUUID+`"}`), 422)
	expect(send("POST", owner, "/assets/"+endpoint.ID+"/relations", `{"kind": "uses"}`+" x"), 400)
	expect(send("POST", viewer, "/assets/"+endpoint.ID+"/relations", fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, model.ID)), 403)
	expect(send("POST", owner, "/assets/"+missingUUID+"/relations", fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, model.ID)), 404)
	expect(request{method: "POST", path: "/orgs/acme/assets/" + endpoint.ID + "/relations", token: owner, body: "kind=uses", contentType: "application/x-www-form-urlencoded"}, 415)
	expect(send("POST", owner, "/assets/"+endpoint.ID+"/relations", tooLarge), 413)
	expect(get(viewer, "/assets/"+endpoint.ID+"/graph?depth=2"), 200)
	expect(get(viewer, "/assets/"+endpoint.ID+"/graph"), 200)
	expect(get(viewer, "/assets/"+endpoint.ID+"/graph?depth=9"), 422)
	expect(get(viewer, "/assets/"+endpoint.ID+"/graph?depth=two"), 400)
	expect(get(viewer, "/assets/"+missingUUID+"/graph"), 404)

	// Imports, exports and the template.
	importReq := func(token, query, contentType, body string) request {
		return request{method: "POST", path: "/orgs/acme/asset-imports?" + query, token: token, contentType: contentType, body: body}
	}
	bom := aibomFile(t, "cyclonedx/mlbom/Model__FoundationModels__bom.json")
	expect(importReq(owner, "format=cyclonedx&name=bom.json&dry_run=true", "application/vnd.cyclonedx+json", bom), 200)
	expect(importReq(owner, "name=bom.json", "application/json", bom), 200)
	expect(importReq(owner, "format=spdx", "application/json", bom), 422)
	expect(importReq(owner, "format=word", "application/json", bom), 422)
	expect(importReq(owner, "name=bad.json", "application/json", "{\"bomFormat\": \"\xff\"}"), 422)
	expect(importReq(owner, "dry_run=sometimes", "application/json", bom), 400)
	expect(importReq(viewer, "", "application/json", bom), 403)
	expect(importReq(owner, "", "application/yaml", bom), 415)
	expect(importReq(owner, "", "application/octet-stream", strings.Repeat(" ", aibom.MaxFileSize+1)), 413)
	expect(importReq(f.otherToken, "", "application/json", bom), 404)
	expect(importReq("", "", "application/json", bom), 401)
	res := expect(get(viewer, "/assets/export"), 200)
	expect(importReq(admin, "format=csv&name=export.csv", "text/csv", string(res.body)), 200)
	expect(get(viewer, "/assets/export?format=xlsx&type=model"), 200)
	expect(get(viewer, "/assets/export?format=ods"), 422)
	expect(get(viewer, "/assets/export?limit=5"), 400)
	expect(request{method: "GET", path: "/orgs/acme/assets/export"}, 401)
	expect(get(viewer, "/asset-imports/template"), 200)
	expect(get(viewer, "/asset-imports/template?lang=de"), 400)
	expect(request{method: "GET", path: "/orgs/globex/asset-imports/template", token: viewer}, 404)

	// Classifications.
	expect(get(viewer, "/classifications"), 200)
	expect(send("PUT", admin, "/classifications", `{"levels": ["public", "internal", "confidential", "restricted", "secret"]}`), 200)
	expect(send("PUT", admin, "/classifications", `{"levels": ["public"]}`), 422)
	expect(send("PUT", admin, "/classifications", `{"levels": "public"}`), 400)
	expect(send("PUT", viewer, "/classifications", `{"levels": ["a", "b"]}`), 403)
	expect(request{method: "PUT", path: "/orgs/acme/classifications", token: admin, body: `{"levels": ["a", "b"]}`, contentType: "text/plain"}, 415)
	expect(send("PUT", admin, "/classifications", `{"levels": ["`+strings.Repeat("a", 3000)+`"]}`), 413)
	expect(request{method: "GET", path: "/orgs/globex/classifications", token: viewer}, 404)

	// Context.
	expect(get(viewer, "/context"), 200)
	expect(get(viewer, "/context/export"), 404)
	var draft contextVersionJSON
	f.ok(t, send("PUT", admin, "/context/draft", `{"scope": "The AI platform"}`), 200, &draft)
	cpath := "/context/versions/" + *draft.ID
	expect(send("POST", admin, cpath+"/approve", ""), 422)
	expect(send("PUT", admin, "/context/draft", `{"excluded": [{"name": "Office IT"}]}`), 422)
	expect(send("PUT", admin, "/context/draft", `{"scope": 7}`), 400)
	expect(send("PUT", viewer, "/context/draft", `{"scope": "x"}`), 403)
	expect(request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("PUT", admin, "/context/draft", `{"scope": "`+strings.Repeat("s", 3000)+`"}`), 413)
	f.ok(t, send("PUT", admin, "/context/draft", completeContext(f.ownerMember.ID)), 200, &draft)
	expect(get(viewer, "/context"), 200)
	expect(get(viewer, cpath), 200)
	expect(get(viewer, "/context/versions/"+missingUUID), 404)
	expect(get(viewer, "/context/export"), 200)
	expect(send("POST", viewer, cpath+"/approve", ""), 403)
	expect(send("POST", owner, cpath+"/approve", ""), 200)
	expect(send("POST", owner, cpath+"/approve", ""), 409)
	expect(send("POST", owner, "/context/versions/"+missingUUID+"/approve", ""), 404)
	expect(get(viewer, "/context"), 200)
	expect(get(viewer, "/context/export?format=pdf&version="+*draft.ID), 200)
	expect(get(viewer, "/context/export?format=html"), 422)
	expect(get(viewer, "/context/export?lang=de"), 400)
	expect(send("DELETE", admin, cpath, ""), 409)
	expect(send("DELETE", viewer, cpath, ""), 403)
	f.ok(t, send("PUT", admin, "/context/draft", `{"scope": "Everything"}`), 200, &draft)
	expect(send("DELETE", admin, "/context/versions/"+*draft.ID, ""), 204)
	expect(send("DELETE", admin, "/context/versions/"+*draft.ID, ""), 404)

	// Risks, with the methodology adopted by the first.
	expect(get(viewer, "/risk-methodology"), 200)
	var k riskJSON
	res = f.ok(t, send("POST", admin, "/risks", riskBody(f.ownerMember.ID, endpoint.ID, `"review_date": "2020-01-31"`)), 201, &k)
	expect(send("POST", admin, "/risks", riskBody(f.ownerMember.ID, "", `"review_date": null`, `"threat_text": "", "vulnerability": "", "scenario": "", "consequences": "", "existing_controls": ""`)), 201)
	expect(send("POST", admin, "/risks", `{"title": "Nothing"}`), 422)
	expect(send("POST", admin, "/risks", `{"title": "Nothing", "rerate": true}`), 400)
	expect(send("POST", viewer, "/risks", riskBody(f.ownerMember.ID, "")), 403)
	expect(request{method: "POST", path: "/orgs/acme/risks", token: admin, body: riskBody(f.ownerMember.ID, ""), contentType: "text/plain"}, 415)
	expect(send("POST", admin, "/risks", `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)
	expect(get(viewer, "/risks/R-001"), 200)
	expect(get(viewer, "/risks/"+k.ID), 200)
	expect(get(viewer, "/risks/R-999"), 404)

	rpath := "/risks/" + k.ID
	expect(send("PUT", admin, rpath+"/treatment", treatmentBody), 200)
	expect(send("PUT", admin, rpath+"/treatment", `{"treatment": "accept", "controls": null}`), 200)
	expect(send("PUT", admin, rpath+"/treatment", treatmentBody), 200)
	expect(send("PUT", admin, rpath+"/treatment", `{"treatment": "hope"}`), 422)
	expect(send("PUT", admin, rpath+"/treatment", `{"treatment": ["mitigate"]}`), 400)
	expect(send("PUT", viewer, rpath+"/treatment", treatmentBody), 403)
	expect(send("PUT", admin, "/risks/"+missingUUID+"/treatment", treatmentBody), 404)
	expect(request{method: "PUT", path: "/orgs/acme" + rpath + "/treatment", token: admin, body: treatmentBody, contentType: "text/plain"}, 415)
	expect(send("PUT", admin, rpath+"/treatment", `{"notes": "`+strings.Repeat("n", 3000)+`"}`), 413)

	var act actionJSON
	f.ok(t, send("POST", admin, rpath+"/actions", fmt.Sprintf(`{"description": "Deploy the filter", "owner_id": %q, "due_date": "2020-02-01"}`, f.ownerMember.ID)), 201, &act)
	expect(send("POST", admin, rpath+"/actions", `{"description": "Review", "owner_id": null, "due_date": null, "status": "open"}`), 201)
	expect(send("POST", admin, rpath+"/actions", `{"description": ""}`), 422)
	expect(send("POST", admin, rpath+"/actions", `{"description": 1}`), 400)
	expect(send("POST", viewer, rpath+"/actions", `{"description": "x"}`), 403)
	expect(send("POST", admin, "/risks/R-404/actions", `{"description": "x"}`), 404)
	expect(request{method: "POST", path: "/orgs/acme" + rpath + "/actions", token: admin, body: `{"description": "x"}`, contentType: "text/plain"}, 415)
	expect(send("POST", admin, rpath+"/actions", `{"description": "`+strings.Repeat("d", 3000)+`"}`), 413)
	apath := rpath + "/actions/" + act.ID
	expect(send("PATCH", admin, apath, `{"status": "done"}`), 200)
	expect(send("PATCH", admin, apath, `{"owner_id": null, "due_date": null, "description": "Deploy the filter everywhere"}`), 200)
	expect(send("PATCH", admin, apath, `{"status": "stalled"}`), 422)
	expect(send("PATCH", admin, apath, `{"status": 1}`), 400)
	expect(send("PATCH", viewer, apath, `{"status": "open"}`), 403)
	expect(send("PATCH", admin, rpath+"/actions/"+missingUUID, `{"status": "open"}`), 404)
	expect(request{method: "PATCH", path: "/orgs/acme" + apath, token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("PATCH", admin, apath, `{"description": "`+strings.Repeat("d", 3000)+`"}`), 413)

	dpath := rpath + "/decisions"
	expect(send("POST", admin, dpath, `{"kind": "plan_approval", "justification": "not mine"}`), 403)
	expect(send("POST", owner, dpath, `{"kind": "residual_acceptance", "justification": "too early"}`), 422)
	expect(send("POST", owner, dpath, `{"kind": "plan_approval", "justification": "Filtering is proportionate"}`), 201)
	expect(send("POST", owner, dpath, `{"kind": "plan_approval", "justification": "again"}`), 409)
	expect(send("POST", owner, dpath, `{"kind": "plan_approval", "justification": 7}`), 400)
	expect(send("POST", owner, "/risks/R-404/decisions", `{"kind": "plan_approval", "justification": "x"}`), 404)
	expect(request{method: "POST", path: "/orgs/acme" + dpath, token: owner, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("POST", owner, dpath, `{"justification": "`+strings.Repeat("j", 3000)+`"}`), 413)
	expect(send("POST", owner, dpath, `{"kind": "residual_acceptance", "justification": "Low is within appetite"}`), 201)
	expect(get(viewer, rpath), 200)

	expect(send("PUT", admin, rpath, strings.Replace(riskBody(f.ownerMember.ID, endpoint.ID, `"rerate": true`), `"inherent_impact": 3`, `"inherent_impact": 4`, 1)), 200)
	expect(send("PUT", admin, rpath, riskBody("", "")), 422)
	expect(send("PUT", admin, rpath, `{"rerate": "yes"}`), 400)
	expect(send("PUT", viewer, rpath, riskBody(f.ownerMember.ID, "")), 403)
	expect(send("PUT", admin, "/risks/R-404", riskBody(f.ownerMember.ID, "")), 404)
	expect(request{method: "PUT", path: "/orgs/acme" + rpath, token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("PUT", admin, rpath, `{"title": "`+strings.Repeat("t", 3000)+`"}`), 413)

	expect(get(viewer, rpath+"/history?limit=2"), 200)
	expect(get(viewer, "/risks/R-001/history"), 200)
	expect(get(viewer, rpath+"/history?cursor=eA"), 422)
	expect(get(viewer, rpath+"/history?since=2020"), 400)
	expect(get(viewer, "/risks/"+missingUUID+"/history"), 404)

	var risks riskList
	f.ok(t, get(viewer, "/risks?limit=1&sort=level"), 200, &risks)
	expect(get(viewer, "/risks?limit=1&sort=level&cursor="+risks.NextCursor), 200)
	expect(get(viewer, "/risks?asset_id="+endpoint.ID+"&owner_id="+f.ownerMember.ID+"&level=high&residual_level=low&status=treatment_planned&treatment=mitigate&overdue=true&q=prompt"), 200)
	expect(get(viewer, "/risks?likelihood=4&impact=4&cell=inherent&methodology_id="+k.MethodologyID), 200)
	expect(get(viewer, "/risks?likelihood=2&impact=2&cell=residual&sort=residual"), 200)
	expect(get(viewer, "/risks?level=extreme"), 422)
	expect(get(viewer, "/risks?overdue=maybe"), 400)

	expect(get(viewer, "/risk-heatmap"), 200)
	expect(get(viewer, "/risk-heatmap?kind=residual&methodology_id="+k.MethodologyID+"&asset_id="+endpoint.ID+"&owner_id="+f.ownerMember.ID+
		"&level=high&residual_level=low&status=treatment_planned&treatment=mitigate&overdue=false&q=prompt"), 200)
	expect(get(viewer, "/risk-heatmap?kind=target"), 422)
	expect(get(viewer, "/risk-heatmap?sort=level"), 400)

	expect(get(viewer, "/risk-reports/assessment"), 200)
	expect(get(viewer, "/risk-reports/treatment?format=xlsx&level=high&sort=level"), 200)
	expect(get(viewer, "/risk-reports/assessment?format=pdf&likelihood=4&impact=4"), 200)
	expect(get(viewer, "/risk-reports/summary"), 404)
	expect(get(viewer, "/risk-reports/assessment?format=docx"), 422)
	expect(get(viewer, "/risk-reports/assessment?limit=1"), 400)

	// Suggestions.
	var suggestions list[suggestionJSON]
	f.ok(t, get(viewer, "/assets/"+endpoint.ID+"/risk-suggestions"), 200, &suggestions)
	expect(get(viewer, "/assets/"+missingUUID+"/risk-suggestions"), 404)
	threat := ""
	for _, s := range suggestions.Items {
		if s.InRegister == nil {
			threat = s.Threat.Ref
			break
		}
	}
	spath := "/assets/" + endpoint.ID + "/risk-suggestions"
	expect(send("POST", viewer, spath, fmt.Sprintf(`{"threat": %q}`, threat)), 403)
	expect(send("POST", admin, spath, fmt.Sprintf(`{"threat": %q, "owner_id": null, "likelihood": null, "impact": 2}`, threat)), 201)
	expect(send("POST", admin, spath, fmt.Sprintf(`{"threat": %q}`, threat)), 409)
	expect(send("POST", admin, spath, `{"threat": "nowhere:X"}`), 422)
	expect(send("POST", admin, spath, `{"threat": 1}`), 400)
	expect(send("POST", admin, "/assets/"+missingUUID+"/risk-suggestions", fmt.Sprintf(`{"threat": %q}`, threat)), 404)
	expect(request{method: "POST", path: "/orgs/acme" + spath, token: admin, body: `{}`, contentType: "text/plain"}, 415)
	expect(send("POST", admin, spath, `{"threat": "`+strings.Repeat("t", 3000)+`"}`), 413)

	// The methodology.
	var mv methodologyVersionJSON
	f.ok(t, send("PUT", admin, "/risk-methodology/draft", compactMethodology), 200, &mv)
	mpath := "/risk-methodology/versions/" + *mv.ID
	expect(send("PUT", admin, "/risk-methodology/draft", `{"likelihood": []}`), 422)
	expect(send("PUT", admin, "/risk-methodology/draft", `{"notes": 1}`), 400)
	expect(send("PUT", viewer, "/risk-methodology/draft", compactMethodology), 403)
	expect(request{method: "PUT", path: "/orgs/acme/risk-methodology/draft", token: admin, body: compactMethodology, contentType: "text/plain"}, 415)
	expect(send("PUT", admin, "/risk-methodology/draft", `{"notes": "`+strings.Repeat("n", 3000)+`"}`), 413)
	expect(get(viewer, "/risk-methodology"), 200)
	expect(get(viewer, mpath), 200)
	expect(get(viewer, "/risk-methodology/versions/"+k.MethodologyID), 200)
	expect(get(viewer, "/risk-methodology/versions/"+missingUUID), 404)
	expect(send("POST", viewer, mpath+"/approve", ""), 403)
	expect(send("POST", owner, mpath+"/approve", ""), 200)
	expect(send("POST", owner, mpath+"/approve", ""), 409)
	expect(send("POST", owner, "/risk-methodology/versions/"+missingUUID+"/approve", ""), 404)
	expect(get(viewer, "/risk-methodology"), 200)
	expect(get(viewer, rpath), 200)
	expect(send("DELETE", admin, mpath, ""), 409)
	f.ok(t, send("PUT", admin, "/risk-methodology/draft", compactMethodology), 200, &mv)
	expect(send("DELETE", viewer, "/risk-methodology/versions/"+*mv.ID, ""), 403)
	expect(send("DELETE", admin, "/risk-methodology/versions/"+*mv.ID, ""), 204)
	expect(send("DELETE", admin, "/risk-methodology/versions/"+*mv.ID, ""), 404)

	// What is left to remove.
	expect(send("DELETE", viewer, "/asset-relations/"+rel.ID, ""), 403)
	expect(send("DELETE", admin, "/asset-relations/"+rel.ID, ""), 204)
	expect(send("DELETE", admin, "/asset-relations/"+rel.ID, ""), 404)
	expect(send("DELETE", owner, "/assets/"+endpoint.ID, ""), 409)
	expect(send("DELETE", viewer, "/assets/"+model.ID, ""), 403)
	expect(send("DELETE", owner, "/assets/"+model.ID, ""), 204)
	expect(send("DELETE", owner, "/assets/"+model.ID, ""), 404)

	// Every route refuses a request without a token, and hides another
	// organisation.
	for _, route := range []struct{ method, path, body string }{
		{"GET", "/assets", ""},
		{"POST", "/assets", `{"name": "x", "type": "model"}`},
		{"GET", "/assets/export", ""},
		{"GET", "/assets/" + endpoint.ID, ""},
		{"PUT", "/assets/" + endpoint.ID, `{"name": "x", "type": "model"}`},
		{"DELETE", "/assets/" + endpoint.ID, ""},
		{"GET", "/assets/" + endpoint.ID + "/graph", ""},
		{"POST", "/assets/" + endpoint.ID + "/relations", fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, endpoint.ID)},
		{"GET", "/assets/" + endpoint.ID + "/risk-suggestions", ""},
		{"POST", "/assets/" + endpoint.ID + "/risk-suggestions", fmt.Sprintf(`{"threat": %q}`, threat)},
		{"DELETE", "/asset-relations/" + rel.ID, ""},
		{"GET", "/asset-imports/template", ""},
		{"GET", "/classifications", ""},
		{"PUT", "/classifications", `{"levels": ["a", "b"]}`},
		{"GET", "/context", ""},
		{"PUT", "/context/draft", `{"scope": "x"}`},
		{"GET", "/context/export", ""},
		{"GET", cpath, ""},
		{"POST", cpath + "/approve", ""},
		{"DELETE", cpath, ""},
		{"GET", "/risk-methodology", ""},
		{"PUT", "/risk-methodology/draft", compactMethodology},
		{"GET", mpath, ""},
		{"POST", mpath + "/approve", ""},
		{"DELETE", mpath, ""},
		{"GET", "/risks", ""},
		{"POST", "/risks", riskBody(f.ownerMember.ID, "")},
		{"GET", rpath, ""},
		{"PUT", rpath, riskBody(f.ownerMember.ID, "")},
		{"PUT", rpath + "/treatment", treatmentBody},
		{"POST", rpath + "/actions", `{"description": "x"}`},
		{"PATCH", apath, `{"status": "open"}`},
		{"POST", dpath, `{"kind": "plan_approval", "justification": "x"}`},
		{"GET", rpath + "/history", ""},
		{"GET", "/risk-heatmap", ""},
		{"GET", "/risk-reports/assessment", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
