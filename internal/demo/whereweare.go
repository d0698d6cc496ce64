package demo

import (
	"context"
	"fmt"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/selfassess"
)

// seedWhereWeStand answers "Where do we stand?" for the European
// subsidiary, which is starting its own ISMS: management has set the
// direction, the AI work is young, the offices are shared with the parent
// company. The completed run's plan becomes the subsidiary's first tasks.
func seedWhereWeStand(ctx context.Context, svc *app.Service, slug string) error {
	u, _, err := svc.DB().UserByEmail(ctx, priya)
	if err != nil {
		return err
	}
	acc, err := svc.OpenOrg(ctx, app.UserPrincipal(u), slug)
	if err != nil {
		return err
	}
	run, err := svc.StartSelfAssessment(ctx, acc)
	if err != nil {
		return fmt.Errorf("demo self-assessment: %w", err)
	}
	answers := map[string]selfassess.Answer{}
	for i, q := range selfassess.Questions() {
		var a selfassess.Answer
		switch {
		case q.AI:
			a = selfassess.Answer{Value: []selfassess.Value{selfassess.No, selfassess.Partly}[i%2]}
		case q.Section == "A.7":
			a = selfassess.Answer{Value: selfassess.NotApplicable, Note: "The offices and data centre are the parent company's, under its ISMS."}
		case q.Section == "4" || q.Section == "5":
			a = selfassess.Answer{Value: selfassess.Yes}
		default:
			a = selfassess.Answer{Value: []selfassess.Value{selfassess.Yes, selfassess.Partly, selfassess.No}[i%3]}
		}
		answers[q.ID] = a
	}
	completed := "completed"
	if _, err := svc.AnswerSelfAssessment(ctx, acc, run.Ref(), app.SelfAssessmentInput{Answers: answers, Status: &completed}); err != nil {
		return fmt.Errorf("demo self-assessment answers: %w", err)
	}
	if _, err := svc.CreateSelfAssessmentTasks(ctx, acc, run.Ref(), ""); err != nil {
		return fmt.Errorf("demo self-assessment tasks: %w", err)
	}
	return nil
}
