package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
)

// seedNonconformities fills the register beside the missed vulnerability
// deadline that seedScans records: a nonconformity from last quarter's
// internal audit, corrected, verified and closed; one from the change
// process still awaiting verification; and an improvement under way.
func seedNonconformities(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	str := func(s string) *string { return &s }
	day := func(n int) *time.Time { t := now.AddDate(0, 0, n); return &t }
	done := true
	type action struct {
		title, owner string
		due          int
		outcome      string
	}
	for _, d := range []struct {
		by                string
		in                app.NCInput
		actions           []action
		verifier, verdict string
		effective         bool
	}{
		{
			by: priya,
			in: app.NCInput{Grade: str("minor"), Source: "internal_audit", Title: str("Model registry access not reviewed in Q2"),
				Description: str("The access control procedure asks for a quarterly review of who may publish to the model registry. " +
					"No record of the Q2 review exists; 3 of 19 accounts belonged to people who had changed teams."),
				Requirement: str("iso27001-2022:A.5.18"), OwnerID: str(member(sam)), DueDate: day(-40), SetDueDate: true,
				Correction: str("The three accounts were removed on the day of the audit and the Q2 review was held a week later."),
				RootCause:  str("The review was a calendar reminder of one person, who was on leave; nothing escalated a missed review.")},
			actions: []action{
				{"Make the registry access review a recurring evidence request on A.5.18, assigned to the platform lead", sam, -60,
					"Quarterly evidence request set up in isms, with the ISMS manager as the fallback assignee."},
				{"Remove registry rights automatically when someone changes team", tomas, -45,
					"The HR system's team-change event now revokes the registry groups; tested with two moves."},
			},
			verifier: dana, effective: true,
			verdict: "Q3 review held on time and recorded as evidence; sampled 5 team changes since, all revoked the same day.",
		},
		{
			by: priya,
			in: app.NCInput{Grade: str("minor"), Source: "monitoring", Title: str("Model version released outside the change procedure"),
				Description: str("helix-chat-8b v2.3 reached production on the Friday hot-fix path, which skips the release checklist: " +
					"no approval, no red-team run and no ML-BOM are recorded for that version."),
				Requirement: str("iso27001-2022:A.8.32"), OwnerID: str(member(tomas)), DueDate: day(10), SetDueDate: true,
				Correction: str("The red-team suite was run on v2.3 the next Monday; no new jailbreaks were found."),
				RootCause:  str("The hot-fix path was built for serving fixes and was reused for a model change.")},
			actions: []action{
				{"Block model promotions on the hot-fix path in the deployment pipeline", tomas, -3,
					"The pipeline now refuses a changed model digest on the hot-fix path; tried and refused on staging."},
			},
		},
		{
			by: lena,
			in: app.NCInput{Kind: "improvement", Source: "other", Title: str("Collect GPU node hardening results as evidence automatically"),
				Description: str("The weekly audit scan already checks the node baseline; importing it from the scanner's API would remove a manual step."),
				DueDate:     day(45), SetDueDate: true},
			actions: []action{{"Schedule the scan import from the scanner's API in CI", lena, 30, ""}},
		},
	} {
		n, err := svc.RaiseNonconformity(ctx, as[d.by], d.in)
		if err != nil {
			return fmt.Errorf("demo nonconformity %s: %w", *d.in.Title, err)
		}
		for _, a := range d.actions {
			owner := member(a.owner)
			c, err := svc.SaveCorrectiveAction(ctx, as[priya], n.ID, "", app.CorrectiveActionInput{Title: &a.title, OwnerID: &owner, DueDate: day(a.due)})
			if err != nil {
				return fmt.Errorf("demo corrective action %s: %w", a.title, err)
			}
			if a.outcome != "" {
				if _, err := svc.SaveCorrectiveAction(ctx, as[a.owner], n.ID, c.ID, app.CorrectiveActionInput{Done: &done, Outcome: &a.outcome}); err != nil {
					return fmt.Errorf("demo corrective action %s done: %w", a.title, err)
				}
			}
		}
		if d.verifier != "" {
			if _, err := svc.VerifyNonconformity(ctx, as[d.verifier], n.ID, d.effective, d.verdict); err != nil {
				return fmt.Errorf("demo verification of %s: %w", n.Ref(), err)
			}
		}
	}
	return nil
}
