package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/selfassess"
	"github.com/isms-dev/isms/internal/store"
)

// TestSelfAssessment answers a run, checks its scores and plan, creates
// the tasks twice (the second press adds only the new gap), completes it
// and starts the next run.
func TestSelfAssessment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)

		for _, who := range []app.Access{viewer, engineer} {
			if _, err := e.svc.StartSelfAssessment(ctx, who); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s starting: err = %v, want forbidden", who.Role, err)
			}
		}
		run, err := e.svc.StartSelfAssessment(ctx, manager)
		if err != nil {
			t.Fatal(err)
		}
		if run.Ref() != "SA-001" || run.Status != isms.SelfAssessmentDraft || run.StartedBy != manager.Member.ID {
			t.Errorf("started %+v", run)
		}
		if _, err := e.svc.StartSelfAssessment(ctx, manager); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a second draft: err = %v, want conflict", err)
		}

		_, err = e.svc.AnswerSelfAssessment(ctx, manager, run.Ref(), app.SelfAssessmentInput{Answers: map[string]selfassess.Answer{
			"nope": {Value: selfassess.Yes}, "c4-scope": {Value: "maybe"},
		}, Status: ptr("archived")})
		wantFields(t, err, "answers.c4-scope", "answers.nope", "status")
		if _, err := e.svc.AnswerSelfAssessment(ctx, viewer, run.Ref(), app.SelfAssessmentInput{}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer answering: err = %v, want forbidden", err)
		}

		d, err := e.svc.AnswerSelfAssessment(ctx, manager, "1", app.SelfAssessmentInput{Answers: map[string]selfassess.Answer{
			"c4-issues":         {Value: selfassess.Yes},
			"c4-scope":          {Value: selfassess.No, Note: "  Not written yet.  "},
			"c4-parties":        {Value: selfassess.Partly},
			"c4-processes":      {Value: selfassess.NotApplicable},
			"ai-model-registry": {Value: selfassess.Partly},
			"a7-desk":           {Value: selfassess.No},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Record.Answers["c4-scope"]; got.Note != "Not written yet." {
			t.Errorf("note = %q, want it trimmed", got.Note)
		}
		c4 := d.Scores[0]
		if c4.Yes != 1 || c4.Partly != 1 || c4.No != 1 || c4.NotApplicable != 1 || c4.Percent == nil || *c4.Percent != 50 {
			t.Errorf("clause 4 = %+v", c4)
		}
		var order []string
		for _, it := range d.Plan {
			order = append(order, it.Question.ID)
		}
		// Weight 3 first, no before partly; then weight 2; weight 1 last.
		if want := "c4-scope ai-model-registry c4-parties a7-desk"; strings.Join(order, " ") != want {
			t.Errorf("plan = %v, want %s", order, want)
		}

		if _, err := e.svc.CreateSelfAssessmentTasks(ctx, viewer, run.Ref(), ""); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("viewer creating tasks: err = %v, want forbidden", err)
		}
		_, err = e.svc.CreateSelfAssessmentTasks(ctx, manager, run.Ref(), "not-a-member")
		wantFields(t, err, "assignee_id")
		res, err := e.svc.CreateSelfAssessmentTasks(ctx, manager, run.Ref(), "")
		if err != nil {
			t.Fatal(err)
		}
		// c4-scope names no control; the three others do.
		if len(res.Created) != 3 || res.NoControl != 1 || res.Existing != 0 {
			t.Fatalf("created %d, no control %d, existing %d", len(res.Created), res.NoControl, res.Existing)
		}
		first := res.Created[0]
		if first.Question.ID != "ai-model-registry" || first.Task.AssigneeID != manager.Member.ID || first.Task.DueDate == nil ||
			!first.Task.DueDate.Equal(e.clock.AddDate(0, 0, 30)) {
			t.Errorf("first task = %+v", first)
		}
		if due := res.Created[2].Task.DueDate; res.Created[2].Question.ID != "a7-desk" || !due.Equal(e.clock.AddDate(0, 0, 90)) {
			t.Errorf("last task = %+v", res.Created[2])
		}
		ctl, err := e.svc.Control(ctx, viewer, "iso27001-2022:A.8.3")
		if err != nil {
			t.Fatal(err)
		}
		if len(ctl.Tasks) != 1 || ctl.Tasks[0].Title != "Restrict and review access to the model registry" {
			t.Errorf("tasks of A.8.3 = %+v", ctl.Tasks)
		}
		if res.Record.Tasks["ai-model-registry"] != ctl.Tasks[0].ID {
			t.Errorf("run remembers %v", res.Record.Tasks)
		}

		// A new gap, then the button again: only that gap becomes a task.
		if _, err := e.svc.AnswerSelfAssessment(ctx, manager, run.Ref(), app.SelfAssessmentInput{Answers: map[string]selfassess.Answer{
			"a8-mfa": {Value: selfassess.No}, "a7-desk": {Value: ""},
		}}); err != nil {
			t.Fatal(err)
		}
		res, err = e.svc.CreateSelfAssessmentTasks(ctx, manager, run.Ref(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Created) != 1 || res.Created[0].Question.ID != "a8-mfa" || res.Existing != 2 {
			t.Errorf("second press created %+v, existing %d", res.Created, res.Existing)
		}
		if len(res.Record.Tasks) != 4 {
			t.Errorf("run remembers %d tasks, want 4 (a withdrawn answer keeps its task)", len(res.Record.Tasks))
		}
		res, err = e.svc.CreateSelfAssessmentTasks(ctx, manager, run.Ref(), "")
		if err != nil || len(res.Created) != 0 {
			t.Errorf("third press: %d created, err %v", len(res.Created), err)
		}

		// Completing needs every question answered.
		_, err = e.svc.AnswerSelfAssessment(ctx, manager, run.Ref(), app.SelfAssessmentInput{Status: ptr("completed")})
		wantFields(t, err, "status")
		all := map[string]selfassess.Answer{}
		for _, q := range selfassess.Questions() {
			if _, ok := d.Record.Answers[q.ID]; !ok {
				all[q.ID] = selfassess.Answer{Value: selfassess.Yes}
			}
		}
		all["a7-desk"] = selfassess.Answer{Value: selfassess.NotApplicable}
		d, err = e.svc.AnswerSelfAssessment(ctx, manager, run.Ref(), app.SelfAssessmentInput{Answers: all, Status: ptr("completed")})
		if err != nil {
			t.Fatal(err)
		}
		if d.Record.Status != isms.SelfAssessmentCompleted || d.Record.CompletedAt == nil || d.Overall.Unanswered != 0 {
			t.Errorf("completed %+v", d.Record)
		}
		if _, err := e.svc.AnswerSelfAssessment(ctx, manager, run.Ref(), app.SelfAssessmentInput{}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("answering a completed run: err = %v, want conflict", err)
		}
		next, err := e.svc.StartSelfAssessment(ctx, manager)
		if err != nil || next.Ref() != "SA-002" || len(next.Answers) != 0 {
			t.Errorf("next run %+v, err %v", next, err)
		}
		runs, err := e.svc.SelfAssessments(ctx, viewer)
		if err != nil || len(runs) != 2 || runs[0].Record.Ref() != "SA-002" {
			t.Errorf("runs = %d, err %v", len(runs), err)
		}
		if _, err := e.svc.SelfAssessment(ctx, viewer, "SA-009"); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("missing run: err = %v", err)
		}

		// Every change is in the ledger.
		entries, err := e.db.ListLedger(ctx, store.LedgerFilter{Chain: manager.Org.ID, RecordType: store.RecordSelfAssessment,
			RecordID: run.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 6 || entries[len(entries)-1].Action != ledger.ActionCreate {
			t.Errorf("%d ledger entries for the run", len(entries))
		}
		rep, err := e.db.VerifyChain(ctx, manager.Org.ID)
		if err != nil || !rep.OK() {
			t.Errorf("ledger verification: %+v, %v", rep, err)
		}
	})
}
