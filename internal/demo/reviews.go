package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// seedCertification puts the company mid-cycle: certified about fourteen
// months ago, the year-1 surveillance audit done with one minor finding
// raised in the nonconformity register, year 2 planned.
func seedCertification(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	str := func(s string) *string { return &s }
	at := func(months, days int) *time.Time {
		t := now.AddDate(0, months, days).Truncate(24 * time.Hour)
		return &t
	}
	issued := at(-14, 0)
	if _, err := svc.StartCertCycle(ctx, as[priya], app.CycleInput{Body: str("Certa Assurance Ltd (UKAS accredited)"),
		Scope: str("The information security management system supporting the design, training, evaluation and operation of Helix AI's " +
			"language models and the helix-chat inference API, from the London office and the eu-west GPU region, in accordance with " +
			"the Statement of Applicability version 1."),
		Stage1Date: at(-16, 0), SetStage1: true, Stage2Date: at(-14, -20), SetStage2: true, CertificateNumber: str("CA-ISMS-2025-0417"),
		IssuedOn: issued, SetIssued: true}); err != nil {
		return fmt.Errorf("demo certification cycle: %w", err)
	}
	for _, a := range []app.ExternalAuditInput{
		{Kind: str("stage1"), DoneDate: at(-16, 0), SetDone: true, LeadAuditor: str("Marta Kowalski"),
			Result: str("Documentation ready for Stage 2; risk treatment plan to name owners for two actions.")},
		{Kind: str("stage2"), DoneDate: at(-14, -20), SetDone: true, LeadAuditor: str("Marta Kowalski"),
			Result: str("Recommended for certification; no nonconformity.")},
	} {
		if _, err := svc.SaveExternalAudit(ctx, as[priya], "", a); err != nil {
			return fmt.Errorf("demo initial audit: %w", err)
		}
	}
	s1, err := svc.SaveExternalAudit(ctx, as[priya], "", app.ExternalAuditInput{Kind: str("surveillance1"), DoneDate: at(-2, 0), SetDone: true,
		LeadAuditor: str("Marta Kowalski"), Result: str("Certificate maintained; one minor nonconformity.")})
	if err != nil {
		return fmt.Errorf("demo surveillance audit: %w", err)
	}
	if _, err := svc.RaiseAuditFinding(ctx, as[priya], s1.ID, app.NCInput{Grade: str("minor"),
		Title: str("Supplier security reviews overdue for two GPU providers"),
		Description: str("The supplier procedure asks for a yearly security review of critical suppliers; the reviews of two GPU capacity " +
			"providers were fourteen months old at the audit."),
		Requirement: str("iso27001-2022:A.5.22"), OwnerID: str(member(sam)), DueDate: at(1, 0), SetDueDate: true}); err != nil {
		return fmt.Errorf("demo audit finding: %w", err)
	}
	if _, err := svc.SaveExternalAudit(ctx, as[priya], "", app.ExternalAuditInput{Kind: str("surveillance2"), PlannedDate: at(9, 0), SetPlanned: true,
		LeadAuditor: str("Marta Kowalski")}); err != nil {
		return fmt.Errorf("demo planned surveillance audit: %w", err)
	}
	return nil
}

// seedReviews records last spring's management review, held and minuted,
// with its decisions and actions (one still open), and next month's
// review as a draft whose inputs are compiled from the records.
func seedReviews(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	str := func(s string) *string { return &s }
	day := func(months, days int) *time.Time {
		t := now.AddDate(0, months, days).Truncate(24 * time.Hour)
		return &t
	}
	held, err := svc.CreateReview(ctx, as[priya], app.ReviewInput{Title: str("Management review, spring"), MeetingDate: day(-5, 0),
		ChairID: str(member(dana)), AttendeeIDs: &[]string{member(dana), member(priya), member(sam)},
		Guests: str("External counsel (AI regulation)")})
	if err != nil {
		return fmt.Errorf("demo review: %w", err)
	}
	if _, err := svc.CompileReviewInputs(ctx, as[priya], held.ID); err != nil {
		return err
	}
	notes := "The ISMS manager presented the inputs. The board discussed the EU AI Act obligations for the chat API and the cost " +
		"of a second GPU region.\n\nThe certification body's surveillance audit is expected in the summer."
	if _, err := svc.UpdateReview(ctx, as[priya], held.ID, app.ReviewInput{Notes: &notes}); err != nil {
		return err
	}
	if _, err := svc.SetReviewStatus(ctx, as[priya], held.ID, isms.ReviewHeld); err != nil {
		return err
	}
	for _, d := range []string{
		"Fund a red-team engagement for helix-chat-70b before its next major release.",
		"Keep the ISMS scope unchanged; revisit when the US region opens.",
	} {
		if _, err := svc.AddReviewDecision(ctx, as[priya], held.ID, d); err != nil {
			return err
		}
	}
	done := true
	for _, a := range []struct {
		title, owner string
		due          *time.Time
		done         bool
	}{
		{"Commission the red-team engagement and track its findings as risks", sam, day(-2, 0), true},
		{"Write the AI system impact assessment procedure (ISO/IEC 42001 6.1.4)", priya, day(1, 15), false},
	} {
		act, err := svc.SaveReviewAction(ctx, as[priya], held.ID, "", app.ReviewActionInput{Title: &a.title, OwnerID: str(member(a.owner)), DueDate: a.due})
		if err != nil {
			return fmt.Errorf("demo review action: %w", err)
		}
		if a.done {
			if _, err := svc.SaveReviewAction(ctx, as[a.owner], held.ID, act.ID, app.ReviewActionInput{Done: &done}); err != nil {
				return err
			}
		}
	}
	if _, err := svc.SetReviewStatus(ctx, as[dana], held.ID, isms.ReviewApproved); err != nil {
		return err
	}
	next, err := svc.CreateReview(ctx, as[priya], app.ReviewInput{Title: str("Management review, winter"), MeetingDate: day(1, 0),
		ChairID: str(member(dana)), AttendeeIDs: &[]string{member(dana), member(priya), member(sam)}})
	if err != nil {
		return fmt.Errorf("demo draft review: %w", err)
	}
	_, err = svc.CompileReviewInputs(ctx, as[priya], next.ID)
	return err
}
