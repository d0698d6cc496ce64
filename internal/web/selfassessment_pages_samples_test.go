package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/selfassess"
)

// selfAssessmentPageSamples are the self-assessment pages for
// TestEveryTemplateRenders: runs listed and none, a draft being answered
// with a refused section, and a completed run read only.
func selfAssessmentPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	answers := map[string]selfassess.Answer{
		"c4-scope":          {Value: selfassess.No, Note: "Not <b>written</b> yet."},
		"c4-issues":         {Value: selfassess.Yes},
		"ai-model-registry": {Value: selfassess.Partly},
		"a7-desk":           {Value: selfassess.NotApplicable},
	}
	draft := isms.SelfAssessment{ID: "s2", RefNum: 2, Status: isms.SelfAssessmentDraft, StartedBy: "m1", Answers: answers,
		Tasks: map[string]string{"ai-model-registry": "t1"}, CreatedAt: now, UpdatedAt: now}
	done := isms.SelfAssessment{ID: "s1", RefNum: 1, Status: isms.SelfAssessmentCompleted, Answers: answers, Tasks: map[string]string{},
		CompletedAt: &now, CreatedAt: now, UpdatedAt: now}
	detail := func(r isms.SelfAssessment) app.SelfAssessmentDetail {
		scores := selfassess.Scores(r.Answers)
		return app.SelfAssessmentDetail{Record: r, Scores: scores, Overall: selfassess.Overall(scores), Plan: selfassess.Plan(r.Answers)}
	}
	path := func(ref string, _ ...string) string { return "/c/" + ref }
	answering := newSelfAssessmentPage(detail(draft), map[string]questionView{
		"c4-issues": {Answer: selfassess.Answer{Value: "maybe"}, Error: "is not an answer"}}, path, true)
	answering.Page, answering.StartedBy, answering.Runs, answering.StatusError = frame("SA-002"), "Priya", "/runs", "3 questions are not answered yet"
	reading := newSelfAssessmentPage(detail(done), nil, path, false)
	reading.Page = frame("SA-001")
	empty := newSelfAssessmentPage(detail(isms.SelfAssessment{ID: "s3", RefNum: 3, Status: isms.SelfAssessmentDraft, CreatedAt: now}), nil, path, true)
	empty.Page = frame("SA-003")
	return map[string][]basePage{
		"self_assessments": {
			&selfAssessmentsPage{Page: frame("Where do we stand?"), Questions: 60, AI: 9, CanWrite: true, Draft: "SA-002",
				Rows: []selfAssessmentRow{{SelfAssessmentDetail: detail(draft), Link: "/s2", StartedBy: "Priya"}, {SelfAssessmentDetail: detail(done), Link: "/s1"}}},
			&selfAssessmentsPage{Page: frame("Where do we stand?"), CanWrite: true},
			&selfAssessmentsPage{Page: frame("Where do we stand?")},
		},
		"self_assessment": {answering, reading, empty},
	}
}
