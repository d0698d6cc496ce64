package server_test

import (
	"context"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/selfassess"
)

// Runs for the rules of the self-assessment. One run is answered at a
// time, so the helpers reuse the draft there is or finish it first.

// selfAssessment returns the draft run, starting one if needed, with a gap
// that names a control; complete answers every other question too, so
// that completing it succeeds.
func (f *fixture) selfAssessment(complete bool) isms.SelfAssessment {
	f.t.Helper()
	ctx := context.Background()
	r, ok := f.draftSelfAssessment()
	if !ok {
		var err error
		if r, err = f.svc.StartSelfAssessment(ctx, f.op); err != nil {
			f.t.Fatal(err)
		}
	}
	answers := map[string]selfassess.Answer{"a8-mfa": {Value: selfassess.No}}
	if complete {
		for _, q := range selfassess.Questions() {
			if q.ID != "a8-mfa" {
				answers[q.ID] = selfassess.Answer{Value: selfassess.Yes}
			}
		}
	}
	d, err := f.svc.AnswerSelfAssessment(ctx, f.op, r.ID, app.SelfAssessmentInput{Answers: answers})
	if err != nil {
		f.t.Fatal(err)
	}
	return d.Record
}

// noDraftSelfAssessment completes the draft run, if any, so that a new
// run may start.
func (f *fixture) noDraftSelfAssessment() {
	f.t.Helper()
	if _, ok := f.draftSelfAssessment(); !ok {
		return
	}
	r := f.selfAssessment(true)
	done := string(isms.SelfAssessmentCompleted)
	if _, err := f.svc.AnswerSelfAssessment(context.Background(), f.op, r.ID, app.SelfAssessmentInput{Status: &done}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) draftSelfAssessment() (isms.SelfAssessment, bool) {
	f.t.Helper()
	runs, err := f.svc.SelfAssessments(context.Background(), f.op)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, d := range runs {
		if d.Record.Status == isms.SelfAssessmentDraft {
			return d.Record, true
		}
	}
	return isms.SelfAssessment{}, false
}
