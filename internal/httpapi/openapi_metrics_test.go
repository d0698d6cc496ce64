package httpapi

import (
	"testing"
	"time"
)

// exerciseMetrics makes and feeds a custom metric, snapshots the built-in
// ones and sets an objective measured by them over the API, with the main
// refusals, for the recorded OpenAPI test.
func exerciseMetrics(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}

	var metrics struct {
		Items []metricJSON `json:"items"`
	}
	f.ok(t, do("GET", viewer, "/metrics", ""), 200, &metrics)
	if len(metrics.Items) < 12 || metrics.Items[0].Key != "controls-implemented" {
		t.Fatalf("metrics: %+v", metrics.Items)
	}
	for _, m := range metrics.Items {
		if m.Key == "audit-programme-coverage" && (m.Value != nil || m.NotMeasured == nil || m.Status != "not_measured") {
			t.Errorf("audit coverage before there is a programme: %+v", m)
		}
	}
	expect(do("GET", viewer, "/metrics?sort=key", ""), 400)

	// A custom metric, fed by a script.
	const training = `{"key": "ai-training", "name": "Staff trained in AI security", "unit": "%", "direction": "higher", "target": 100}`
	expect(do("POST", viewer, "/metrics", training), 403)
	expect(do("POST", admin, "/metrics", `{"key": "AI", "name": "x"}`), 422)
	expect(do("POST", admin, "/metrics", `{"key": "x-1", "target": "high"}`), 400)
	var m metricJSON
	f.ok(t, do("POST", admin, "/metrics", training), 201, &m)
	if m.ID == nil || m.Source != "manual" || m.Status != "not_measured" || m.Target == nil || *m.Target != 100 {
		t.Errorf("made: %+v", m)
	}
	expect(do("POST", admin, "/metrics", training), 409)

	mpath := "/metrics/ai-training/measurements"
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	expect(do("POST", viewer, mpath, `{"value": 40}`), 403)
	expect(do("POST", admin, mpath, `{"value": 140}`), 422)
	expect(do("POST", admin, mpath, `{"value": 40, "at": "`+tomorrow+`"}`), 422)
	expect(do("POST", admin, mpath, `{"value": 40, "at": "last week"}`), 422)
	expect(do("POST", admin, mpath, `{}`), 422)
	expect(do("POST", admin, mpath, `{"value": "forty"}`), 400)
	expect(do("POST", admin, "/metrics/vulnerability-sla-compliance/measurements", `{"value": 40}`), 409)
	expect(do("POST", admin, "/metrics/no-such-metric/measurements", `{"value": 40}`), 404)
	var meas measurementJSON
	f.ok(t, do("POST", owner, mpath, `{"value": 40, "at": "`+yesterday+`", "note": "LMS export"}`), 201, &meas)
	if meas.Source != "api" || meas.Day != yesterday || meas.Note != "LMS export" {
		t.Errorf("recorded: %+v", meas)
	}
	f.ok(t, do("POST", owner, mpath, `{"value": 55.5}`), 201, &meas)
	f.ok(t, do("GET", viewer, "/metrics/ai-training?limit=5", ""), 200, &m)
	if len(m.History) != 2 || m.Value == nil || *m.Value != 55.5 || m.Status != "not_met" {
		t.Errorf("with history: %+v", m)
	}
	expect(do("GET", viewer, "/metrics/ai-training?limit=1000", ""), 400)
	expect(do("GET", viewer, "/metrics/no-such-metric", ""), 404)

	expect(do("PATCH", admin, "/metrics/ai-training", `{"target": 50}`), 200)
	expect(do("PATCH", admin, "/metrics/ai-training", `{"key": "other"}`), 422)
	expect(do("PATCH", admin, "/metrics/controls-implemented", `{"name": "Mine"}`), 409)
	expect(do("PATCH", viewer, "/metrics/controls-implemented", `{"target": 80}`), 403)
	f.ok(t, do("PATCH", admin, "/metrics/controls-implemented", `{"target": 80}`), 200, &m)
	if m.ID == nil || m.Target == nil || *m.Target != 80 {
		t.Errorf("built-in with the organisation's target: %+v", m)
	}

	// Snapshots.
	expect(do("POST", viewer, "/metric-snapshots", ""), 403)
	var snap struct {
		Items []struct {
			Metric string  `json:"metric"`
			Value  float64 `json:"value"`
			Source string  `json:"source"`
		} `json:"items"`
	}
	f.ok(t, do("POST", admin, "/metric-snapshots", ""), 201, &snap)
	if len(snap.Items) == 0 || snap.Items[0].Source != "snapshot" || snap.Items[0].Metric == "" {
		t.Errorf("snapshot: %+v", snap)
	}
	expect(do("POST", admin, "/metric-snapshots?when=now", ""), 400)

	// Objectives.
	obj := `{"title": "Every engineer trained in AI security", "target": "100% of staff", "due_date": "2027-03-31",
		"measured_how": "LMS completion export", "metrics": ["ai-training"], "owner_id": "` + f.ownerMember.ID + `"}`
	expect(do("POST", viewer, "/objectives", obj), 403)
	expect(do("POST", admin, "/objectives", `{"title": "x", "metrics": ["nope"]}`), 422)
	expect(do("POST", admin, "/objectives", `{"title": "x", "due_date": "soon"}`), 422)
	expect(do("POST", admin, "/objectives", `{"title": 1}`), 400)
	var o objectiveJSON
	f.ok(t, do("POST", admin, "/objectives", obj), 201, &o)
	if o.Ref != "OBJ-001" || !o.Derived || o.Status == "" || len(o.Metrics) != 1 || o.OwnerStatus != "on_track" {
		t.Errorf("set: %+v", o)
	}
	opath := "/objectives/" + o.ID
	expect(do("GET", viewer, opath, ""), 200)
	expect(do("GET", viewer, "/objectives/OBJ-1", ""), 200)
	expect(do("GET", viewer, "/objectives/OBJ-9", ""), 404)
	expect(do("GET", viewer, opath+"?full=1", ""), 400)
	f.ok(t, do("PATCH", owner, opath, `{"status": "at_risk", "metrics": []}`), 200, &o)
	if o.Derived || o.Status != "at_risk" || len(o.Metrics) != 0 {
		t.Errorf("owner's status without metrics: %+v", o)
	}
	expect(do("PATCH", owner, opath, `{"status": "fine"}`), 422)
	expect(do("PATCH", viewer, opath, `{"status": "achieved"}`), 403)
	expect(do("PATCH", owner, opath, `{"title": null}`), 422)
	var objs struct {
		Items []objectiveJSON `json:"items"`
	}
	f.ok(t, do("GET", viewer, "/objectives", ""), 200, &objs)
	if len(objs.Items) != 1 {
		t.Errorf("objectives: %+v", objs)
	}
	expect(do("GET", viewer, "/objectives?status=missed", ""), 400)
	expect(do("DELETE", viewer, opath, ""), 403)
	expect(do("DELETE", admin, opath, ""), 204)
	expect(do("DELETE", admin, opath, ""), 404)
	// Kept for the authorization checks below.
	f.ok(t, do("POST", admin, "/objectives", obj), 201, &o)
	opath = "/objectives/" + o.ID

	for _, route := range []struct{ method, path, body string }{
		{"GET", "/metrics", ""},
		{"POST", "/metrics", training},
		{"GET", "/metrics/ai-training", ""},
		{"PATCH", "/metrics/ai-training", `{"target": 50}`},
		{"POST", mpath, `{"value": 1}`},
		{"POST", "/metric-snapshots", ""},
		{"GET", "/objectives", ""},
		{"POST", "/objectives", obj},
		{"GET", opath, ""},
		{"PATCH", opath, `{"status": "missed"}`},
		{"DELETE", opath, ""},
	} {
		expect(request{method: route.method, path: "/orgs/acme" + route.path, body: route.body}, 401)
		expect(request{method: route.method, path: "/orgs/globex" + route.path, token: owner, body: route.body}, 404)
	}
}
