package httpapi

import (
	"fmt"
	"testing"
	"time"
)

// exerciseContinuity builds the continuity register over the API, from an
// analysis to a test that missed its RTO and a follow-up raised as a
// nonconformity, with the main refusals, for the recorded OpenAPI test.
func exerciseContinuity(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme/continuity" + path, token: token, body: body}
	}
	asset := f.createAsset(t, admin, `{"name": "weights-registry", "type": "model_registry"}`)

	bia := fmt.Sprintf(`{"name": "Chat inference", "owner_id": %q, "criticality": "critical", "rto_hours": 4, "rpo_hours": 1,
		"mtpd_hours": 24, "impacts": [{"hours": 4, "financial": 3, "contractual": 4, "regulatory": 2, "reputational": 4}],
		"review_date": "2027-06-30", "dependencies": [%q]}`, f.ownerMember.ID, asset.ID)
	expect(do("POST", viewer, "/bias", bia), 403)
	expect(do("POST", admin, "/bias", fmt.Sprintf(`{"name": "x", "owner_id": %q, "criticality": "high", "rto_hours": 48, "mtpd_hours": 24}`,
		f.ownerMember.ID)), 422)
	expect(do("POST", admin, "/bias", `{"name": "x", "impacts": [{"hours": 2, "financial": 1, "contractual": 1, "regulatory": 1, "reputational": 1}]}`), 422)
	expect(do("POST", admin, "/bias", `{"name": 5}`), 400)
	var b biaJSON
	f.ok(t, do("POST", admin, "/bias", bia), 201, &b)
	if b.Ref != "BIA-001" || len(b.Dependencies) != 1 || !b.Flags.NoPlan || len(b.Impacts) != 4 || b.Impacts[1].Contractual != 4 {
		t.Errorf("created analysis: %+v", b)
	}
	expect(do("GET", viewer, "/bias/"+b.ID, ""), 200)
	expect(do("GET", viewer, "/bias/BIA-1", ""), 200)
	expect(do("GET", viewer, "/bias/BIA-9", ""), 404)
	expect(do("PUT", admin, "/bias/"+b.ID, bia), 200)
	expect(do("PUT", viewer, "/bias/"+b.ID, bia), 403)
	expect(do("PUT", admin, "/bias/"+b.ID, `{"name": "x", "review_date": "soon"}`), 422)

	plan := fmt.Sprintf(`{"title": "Inference recovery", "owner_id": %q, "steps": "Fail over; restore.", "version": "1.0",
		"approved_at": "2026-01-15", "bias": ["BIA-001"]}`, f.ownerMember.ID)
	expect(do("POST", viewer, "/plans", plan), 403)
	expect(do("POST", admin, "/plans", `{"title": "x", "bias": ["BIA-404"]}`), 422)
	var p planJSON
	f.ok(t, do("POST", admin, "/plans", plan), 201, &p)
	if p.Ref != "BCP-001" || len(p.BIAs) != 1 || p.RTOHours == nil || *p.RTOHours != 4 || !p.Flags.NeverTested {
		t.Errorf("created plan: %+v", p)
	}
	expect(do("PUT", owner, "/plans/"+p.ID, plan), 200)
	expect(do("PUT", admin, "/plans/BCP-001", `{"title": ""}`), 422)
	expect(do("GET", viewer, "/plans/BCP-001", ""), 200)
	expect(do("GET", viewer, "/plans/"+missingUUID, ""), 404)

	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(dateLayout)
	test := `{"tested_on": "` + yesterday + `", "kind": "failover_inference_endpoint", "scope": "chat-api to eu-west", "result": "partial",
		"recovery_minutes": 300, "findings": "DNS TTL too long.", "follow_ups": ["Lower the DNS TTL"]}`
	expect(do("POST", viewer, "/plans/"+p.ID+"/tests", test), 403)
	expect(do("POST", admin, "/plans/"+p.ID+"/tests", `{"tested_on": "2999-01-01", "kind": "drill", "scope": "", "result": "ok"}`), 422)
	expect(do("POST", admin, "/plans/BCP-404/tests", test), 404)
	var tst testJSON
	f.ok(t, do("POST", admin, "/plans/"+p.ID+"/tests", test), 201, &tst)
	if !tst.MissedRTO || len(tst.FollowUps) != 1 || tst.Ref != "BCT-001" {
		t.Errorf("recorded test: %+v", tst)
	}
	var fu followUpJSON
	expect(do("POST", viewer, "/tests/"+tst.ID+"/follow-ups", `{"title": "x"}`), 403)
	expect(do("POST", admin, "/tests/"+tst.ID+"/follow-ups", `{"title": " "}`), 422)
	f.ok(t, do("POST", admin, "/tests/BCT-001/follow-ups", `{"title": "Automate the runbook"}`), 201, &fu)
	raise := "/tests/" + tst.ID + "/follow-ups/" + tst.FollowUps[0].ID + "/nonconformity"
	expect(do("POST", viewer, raise, ""), 403)
	var nc nonconformityJSON
	f.ok(t, do("POST", admin, raise, ""), 201, &nc)
	if nc.Source != "monitoring" || nc.Requirement == nil || *nc.Requirement != "iso27001-2022:A.8.14" {
		t.Errorf("raised from the follow-up: %+v", nc)
	}
	expect(do("POST", admin, raise, ""), 409)
	expect(do("POST", admin, "/tests/"+tst.ID+"/follow-ups/"+missingUUID+"/nonconformity", ""), 404)

	var bias struct {
		Items      []biaJSON `json:"items"`
		NextCursor string    `json:"next_cursor"`
	}
	f.ok(t, do("GET", viewer, "/bias?criticality=critical&flagged=true&q=chat&asset="+asset.ID+"&limit=1", ""), 200, &bias)
	if len(bias.Items) != 1 || !bias.Items[0].Flags.MissedRTO || bias.Items[0].LastTest == nil {
		t.Errorf("flagged analyses: %+v", bias)
	}
	expect(do("GET", viewer, "/bias?criticality=vital", ""), 422)
	expect(do("GET", viewer, "/bias?sort=name", ""), 400)
	var plans struct {
		Items []planJSON `json:"items"`
	}
	f.ok(t, do("GET", viewer, "/plans", ""), 200, &plans)
	if len(plans.Items) != 1 || plans.Items[0].LastTest == nil || plans.Items[0].Tests != nil {
		t.Errorf("plans: %+v", plans)
	}
	expect(do("GET", viewer, "/plans?cursor=bm90LWEtbnVtYmVy", ""), 422)
	res := expect(do("GET", viewer, "/export", ""), 200)
	if ct := res.header.Get("Content-Type"); ct != csvType {
		t.Errorf("export Content-Type %q", ct)
	}
	expect(do("GET", viewer, "/export?format=xlsx&flagged=true", ""), 200)
	expect(do("GET", viewer, "/export?format=pdf", ""), 422)

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/bias", ""},
		{"POST", "/bias", bia},
		{"GET", "/bias/" + b.ID, ""},
		{"PUT", "/bias/" + b.ID, bia},
		{"GET", "/plans", ""},
		{"POST", "/plans", plan},
		{"GET", "/plans/" + p.ID, ""},
		{"PUT", "/plans/" + p.ID, plan},
		{"POST", "/plans/" + p.ID + "/tests", test},
		{"POST", "/tests/" + tst.ID + "/follow-ups", `{"title": "x"}`},
		{"POST", raise, ""},
		{"GET", "/export", ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme/continuity" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex/continuity" + route.path, token: owner, body: route.body}, 404)
	}
}
