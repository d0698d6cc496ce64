package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/selfassess"
)

// exerciseSelfAssessment reads the question set, runs a self-assessment
// over the API from start to completion, creates the plan's tasks twice
// (the second call adds nothing) and starts the next run, with the main
// refusals, for the recorded OpenAPI test.
func exerciseSelfAssessment(t *testing.T, f *fixture) {
	t.Helper()
	owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
	expect := func(req request, want int) response {
		t.Helper()
		return expectStatus(t, f, req, want)
	}
	do := func(method, token, path, body string) request {
		return request{method: method, path: "/orgs/acme" + path, token: token, body: body}
	}

	var qs struct {
		Sections []sectionJSON `json:"sections"`
	}
	f.ok(t, do("GET", viewer, "/self-assessment/questions", ""), 200, &qs)
	if len(qs.Sections) != 11 || qs.Sections[0].ID != "4" || len(qs.Sections[10].Questions) == 0 {
		t.Fatalf("question set = %d sections", len(qs.Sections))
	}
	expect(do("GET", viewer, "/self-assessment/questions?lang=fr", ""), 400)

	var runs list[selfAssessmentJSON]
	f.ok(t, do("GET", viewer, "/self-assessments", ""), 200, &runs)
	if len(runs.Items) != 0 {
		t.Errorf("runs before any: %d", len(runs.Items))
	}
	expect(do("GET", viewer, "/self-assessments?x=1", ""), 400)
	expect(do("POST", viewer, "/self-assessments", ""), 403)
	var run selfAssessmentJSON
	f.ok(t, do("POST", admin, "/self-assessments", ""), 201, &run)
	if run.Ref != "SA-001" || run.Status != "draft" || len(run.Scores) != 11 || len(run.Plan) != 0 || run.Overall.Percent != nil {
		t.Errorf("started %+v", run)
	}
	expect(do("POST", admin, "/self-assessments", ""), 409)
	path := "/self-assessments/" + run.ID

	expect(do("GET", viewer, "/self-assessments/"+missingUUID, ""), 404)
	expect(do("GET", viewer, path+"?x=1", ""), 400)
	expect(do("PATCH", viewer, path, `{"answers": {"c4-scope": {"value": "no"}}}`), 403)
	expect(do("PATCH", admin, path, `{"answers": {"c4-scope": {"value": "maybe"}, "nope": {"value": "yes"}}}`), 422)
	expect(do("PATCH", admin, path, `{"answers": []}`), 400)
	expect(do("PATCH", admin, path, `{"status": "completed"}`), 422)
	f.ok(t, do("PATCH", admin, path, `{"answers": {"c4-scope": {"value": "no", "note": "Not written."},
		"a8-mfa": {"value": "partly"}, "c4-issues": {"value": "yes"}, "a7-desk": {"value": "not_applicable"}}}`), 200, &run)
	if len(run.Plan) != 2 || run.Plan[0].QuestionID != "c4-scope" || run.Plan[0].Control != nil || run.Plan[1].DueInDays != 30 {
		t.Errorf("plan = %+v", run.Plan)
	}
	if p := run.Scores[0].Percent; p == nil || *p != 50 {
		t.Errorf("clause 4 score = %v, want 50", p)
	}

	expect(do("POST", viewer, path+"/tasks", ""), 403)
	expect(do("POST", admin, "/self-assessments/"+missingUUID+"/tasks", ""), 404)
	expect(do("POST", admin, path+"/tasks", `{"assignee_id": "nobody"}`), 422)
	var res struct {
		Created        []createdTaskJSON  `json:"created"`
		Existing       int                `json:"existing"`
		NoControl      int                `json:"no_control"`
		SelfAssessment selfAssessmentJSON `json:"self_assessment"`
	}
	f.ok(t, do("POST", admin, path+"/tasks", `{"assignee_id": "`+f.ownerMember.ID+`"}`), 200, &res)
	if len(res.Created) != 1 || res.Created[0].Control != "iso27001-2022:A.8.5" || res.NoControl != 1 ||
		res.SelfAssessment.Tasks["a8-mfa"] != res.Created[0].TaskID || res.Created[0].AssigneeID != f.ownerMember.ID {
		t.Errorf("tasks = %+v", res)
	}
	f.ok(t, do("POST", owner, path+"/tasks", ""), 200, &res)
	if len(res.Created) != 0 || res.Existing != 1 {
		t.Errorf("second call = %+v", res)
	}

	// Answer the rest, a section a time to stay within the body limit,
	// then complete.
	for _, s := range selfassess.Sections() {
		var parts []string
		for _, q := range selfassess.Questions() {
			if _, ok := run.Answers[q.ID]; q.Section == s.ID && !ok {
				parts = append(parts, fmt.Sprintf(`%q: {"value": "yes"}`, q.ID))
			}
		}
		if len(parts) > 0 {
			f.ok(t, do("PATCH", admin, path, `{"answers": {`+strings.Join(parts, ", ")+`}}`), 200, &run)
		}
	}
	f.ok(t, do("PATCH", admin, path, `{"status": "completed"}`), 200, &run)
	if run.Status != "completed" || run.CompletedAt == nil || run.Overall.Unanswered != 0 {
		t.Errorf("completed %+v", run)
	}
	expect(do("PATCH", admin, path, `{"answers": {"c4-scope": {"value": "yes"}}}`), 409)
	f.ok(t, do("GET", viewer, "/self-assessments/SA-001", ""), 200, &run)
	f.ok(t, do("POST", owner, "/self-assessments", ""), 201, &run)
	f.ok(t, do("GET", viewer, "/self-assessments", ""), 200, &runs)
	if len(runs.Items) != 2 || runs.Items[0].Ref != "SA-002" {
		t.Errorf("runs = %d", len(runs.Items))
	}
}
