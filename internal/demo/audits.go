package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// seedAudits sets up the internal audit programme mid-cycle: the cycle
// started fifteen months ago; last quarter's audit of access control and
// of the audit process itself is completed, with conforming items, a minor
// nonconformity since corrected, verified and closed, an observation and
// an opportunity for improvement; the next audit is planned. What no audit
// has reached yet shows as the programme's gaps.
func seedAudits(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	str := func(s string) *string { return &s }
	day := func(n int) *time.Time { t := now.AddDate(0, 0, n); return &t }
	mgr := as[priya]
	if _, err := svc.SetAuditProgramme(ctx, mgr, app.ProgrammeInput{CycleStart: day(-455),
		Notes: str("Each year covers the clauses once and the Annex A themes in turn, starting with what the risk assessment rates " +
			"highest (access to models and data, the release of model versions); findings bring their area forward.")}); err != nil {
		return fmt.Errorf("demo audit programme: %w", err)
	}
	au, err := svc.PlanAudit(ctx, mgr, app.AuditInput{Title: str("Access to models and data, and the audit process"),
		Scope:    []string{"iso27001-2022:9.2", "iso27001-2022:A.5.15", "iso27001-2022:A.5.18"},
		Criteria: str("ISO/IEC 27001:2022 clause 9.2 and Annex A 5.15, 5.18; the access control policy; the AI security overlay"),
		Auditors: &[]string{member(lena)}, PlannedStart: day(-100), PlannedEnd: day(-98)})
	if err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	auditor := as[lena]
	var registryNC string
	for _, r := range []struct{ ref, result, notes string }{
		{"iso27001-2022:9.2.1", "conforming", "The programme and last year's audit records were shown; the audits took place as planned."},
		{"iso27001-2022:9.2.2", "opportunity_for_improvement",
			"Audits are chosen by theme only. Weighting the programme by the risk register's top risks would bring model and data " +
				"access forward sooner."},
		{"iso27001-2022:A.5.15", "conforming",
			"Sampled 10 production and registry grants in the identity provider: each traced to a role approved by the asset owner."},
		{"ai-security:AIS-AC-01", "observation",
			"Break-glass access to model weights is logged, but the next-day review is recorded in chat rather than in the ticket."},
		{"iso27001-2022:A.5.18", "minor_nonconformity",
			"The access control procedure asks for a quarterly review of who may publish to the model registry. No record of the Q2 " +
				"review exists; 3 of 19 accounts belonged to people who had changed teams."},
	} {
		it, err := svc.RecordAuditResult(ctx, auditor, au.ID, r.ref, app.AuditItemInput{Result: &r.result, Notes: &r.notes})
		if err != nil {
			return fmt.Errorf("demo audit result %s: %w", r.ref, err)
		}
		if r.result == "minor_nonconformity" {
			registryNC = it.NonconformityID
		}
	}
	d, err := svc.Audit(ctx, mgr, au.ID)
	if err != nil {
		return err
	}
	for _, it := range d.Items {
		if it.Result == isms.ResultNone {
			result, notes := "conforming", "Seen operating as the overlay describes."
			if _, err := svc.RecordAuditResult(ctx, auditor, au.ID, it.ID, app.AuditItemInput{Result: &result, Notes: &notes}); err != nil {
				return fmt.Errorf("demo audit result %s: %w", it.Ref, err)
			}
		}
	}
	if _, err := svc.UpdateAudit(ctx, mgr, au.ID, app.AuditInput{Status: str("completed"),
		Conclusion: str("Access to models and data is controlled as the policy says and the audit programme is run as planned. " +
			"One lapse: the quarterly registry access review was missed once, with no escalation.")}); err != nil {
		return fmt.Errorf("demo audit completion: %w", err)
	}
	if _, err := svc.UpdateNonconformity(ctx, mgr, registryNC, app.NCInput{OwnerID: str(member(sam)), DueDate: day(-40), SetDueDate: true,
		Correction: str("The three accounts were removed on the day of the audit and the Q2 review was held a week later."),
		RootCause:  str("The review was a calendar reminder of one person, who was on leave; nothing escalated a missed review.")}); err != nil {
		return fmt.Errorf("demo audit nonconformity: %w", err)
	}
	if err := followThrough(ctx, svc, as, member, now, registryNC, []ncAction{
		{"Make the registry access review a recurring evidence request on A.5.18, assigned to the platform lead", sam, -60,
			"Quarterly evidence request set up in isms, with the ISMS manager as the fallback assignee."},
		{"Remove registry rights automatically when someone changes team", tomas, -45,
			"The HR system's team-change event now revokes the registry groups; tested with two moves."},
	}, dana, "Q3 review held on time and recorded as evidence; sampled 5 team changes since, all revoked the same day.", true); err != nil {
		return err
	}
	if _, err := svc.PlanAudit(ctx, mgr, app.AuditInput{Title: str("Operation and the release of model versions"),
		Scope:    []string{"iso27001-2022:8", "iso27001-2022:A.8.32"},
		Criteria: str("ISO/IEC 27001:2022 clause 8 and Annex A 8.32; the change management procedure"),
		Auditors: &[]string{member(tomas)}, PlannedStart: day(40), PlannedEnd: day(41)}); err != nil {
		return fmt.Errorf("demo planned audit: %w", err)
	}
	return nil
}
