package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
)

// seedNonconformities fills the register beside the missed vulnerability
// deadline that seedScans records and the findings of last quarter's
// internal audit that seedAudits records: one from the change process
// still awaiting verification, and an improvement under way.
func seedNonconformities(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	str := func(s string) *string { return &s }
	day := func(n int) *time.Time { t := now.AddDate(0, 0, n); return &t }
	for _, d := range []struct {
		by                string
		in                app.NCInput
		actions           []ncAction
		verifier, verdict string
		effective         bool
	}{
		{
			by: priya,
			in: app.NCInput{Grade: str("minor"), Source: "monitoring", Title: str("Model version released outside the change procedure"),
				Description: str("helix-chat-8b v2.3 reached production on the Friday hot-fix path, which skips the release checklist: " +
					"no approval, no red-team run and no ML-BOM are recorded for that version."),
				Requirement: str("iso27001-2022:A.8.32"), OwnerID: str(member(tomas)), DueDate: day(10), SetDueDate: true,
				Correction: str("The red-team suite was run on v2.3 the next Monday; no new jailbreaks were found."),
				RootCause:  str("The hot-fix path was built for serving fixes and was reused for a model change.")},
			actions: []ncAction{
				{"Block model promotions on the hot-fix path in the deployment pipeline", tomas, -3,
					"The pipeline now refuses a changed model digest on the hot-fix path; tried and refused on staging."},
			},
		},
		{
			by: lena,
			in: app.NCInput{Kind: "improvement", Source: "other", Title: str("Collect GPU node hardening results as evidence automatically"),
				Description: str("The weekly audit scan already checks the node baseline; importing it from the scanner's API would remove a manual step."),
				DueDate:     day(45), SetDueDate: true},
			actions: []ncAction{{"Schedule the scan import from the scanner's API in CI", lena, 30, ""}},
		},
	} {
		n, err := svc.RaiseNonconformity(ctx, as[d.by], d.in)
		if err != nil {
			return fmt.Errorf("demo nonconformity %s: %w", *d.in.Title, err)
		}
		if err := followThrough(ctx, svc, as, member, now, n.ID, d.actions, d.verifier, d.verdict, d.effective); err != nil {
			return err
		}
	}
	return nil
}

// ncAction is a corrective action of a demo record; with an outcome, its
// owner has reported it done.
type ncAction struct {
	title, owner string
	due          int
	outcome      string
}

// followThrough plans a record's actions, reports the finished ones done
// and, with a verifier, records the verification.
func followThrough(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time, ncID string,
	actions []ncAction, verifier, verdict string, effective bool) error {
	day := func(n int) *time.Time { t := now.AddDate(0, 0, n); return &t }
	done := true
	for _, a := range actions {
		owner := member(a.owner)
		c, err := svc.SaveCorrectiveAction(ctx, as[priya], ncID, "", app.CorrectiveActionInput{Title: &a.title, OwnerID: &owner, DueDate: day(a.due)})
		if err != nil {
			return fmt.Errorf("demo corrective action %s: %w", a.title, err)
		}
		if a.outcome != "" {
			if _, err := svc.SaveCorrectiveAction(ctx, as[a.owner], ncID, c.ID, app.CorrectiveActionInput{Done: &done, Outcome: &a.outcome}); err != nil {
				return fmt.Errorf("demo corrective action %s done: %w", a.title, err)
			}
		}
	}
	if verifier != "" {
		if _, err := svc.VerifyNonconformity(ctx, as[verifier], ncID, effective, verdict); err != nil {
			return fmt.Errorf("demo verification of %s: %w", ncID, err)
		}
	}
	return nil
}
