package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// seedContinuity gives the demo a business impact analysis of its chat
// inference service, which depends on the model, the registry, the GPU
// cluster and the external moderation API; a recovery plan for it, tested
// twice: a registry restore that passed and an endpoint failover that
// took longer than the RTO, whose follow-up is raised as a nonconformity.
// Fine-tuning is critical too and has no plan yet, which the register
// flags.
func seedContinuity(ctx context.Context, svc *app.Service, as map[string]app.Access, ids map[string]string, member func(string) string,
	now time.Time) error {
	review := now.AddDate(0, 5, 0)
	chat, err := svc.SaveBIA(ctx, as[priya], "", app.BIAInput{Name: "Helix chat inference service", OwnerID: member(sam),
		Description: "The chat API that enterprise customers call, served by helix-chat-70b on the eu-west GPU cluster, with every " +
			"answer screened by the external moderation API. Contracts promise 99.9% monthly availability; service credits start after " +
			"four hours of outage, and customers may terminate after a day.",
		Criticality: "critical", RTOHours: 4, RPOHours: 24, MTPDHours: 24,
		Impacts: [4]isms.ImpactRating{
			{Financial: 2, Contractual: 2, Regulatory: 1, Reputational: 2},
			{Financial: 3, Contractual: 4, Regulatory: 1, Reputational: 3},
			{Financial: 4, Contractual: 5, Regulatory: 2, Reputational: 4},
			{Financial: 5, Contractual: 5, Regulatory: 3, Reputational: 5},
		},
		ReviewDate:    &review,
		DependencyIDs: []string{ids["chat-api"], ids["helix-chat-70b"], ids["model-registry"], ids["gpu-cluster-eu"], ids["moderation-api"]},
	})
	if err != nil {
		return fmt.Errorf("demo BIA of the inference service: %w", err)
	}
	if _, err := svc.SaveBIA(ctx, as[priya], "", app.BIAInput{Name: "Model fine-tuning for customers", OwnerID: member(tomas),
		Description: "Fine-tuning runs for enterprise customers on their own data, delivered against contractual dates.",
		Criticality: "critical", RTOHours: 48, RPOHours: 24, MTPDHours: 120,
		Impacts: [4]isms.ImpactRating{{Financial: 1, Contractual: 1, Regulatory: 1, Reputational: 1}, {Financial: 1, Contractual: 1, Regulatory: 1,
			Reputational: 1}, {Financial: 2, Contractual: 3, Regulatory: 1, Reputational: 2}, {Financial: 3, Contractual: 4, Regulatory: 1, Reputational: 3}},
		DependencyIDs: []string{ids["training-pipeline"], ids["support-conversations"], ids["gpu-cluster-eu"]},
	}); err != nil {
		return fmt.Errorf("demo BIA of fine-tuning: %w", err)
	}
	approved, planReview := now.AddDate(0, -5, 0), now.AddDate(0, 7, 0)
	plan, err := svc.SavePlan(ctx, as[priya], "", app.PlanInput{Title: "Inference service recovery", OwnerID: member(sam), Version: "1.2",
		Steps: "1. The on-call engineer declares the incident and opens the bridge.\n" +
			"2. If eu-west is unavailable, fail the chat API over to the standby deployment in eu-central (runbook INF-7).\n" +
			"3. If model weights are lost or corrupted, restore the registry from the nightly backup and verify the SHA-256 of " +
			"helix-chat-70b against the release record before serving it.\n" +
			"4. If the moderation API is down, switch to helix-guard and tell customers of the reduced screening.\n" +
			"5. Customer success informs enterprise customers within one hour and every four hours after.",
		ApprovedAt: &approved, ReviewDate: &planReview, BIAs: []string{chat.ID}})
	if err != nil {
		return fmt.Errorf("demo continuity plan: %w", err)
	}
	restore, failover := 95, 310
	if _, err := svc.RecordContinuityTest(ctx, as[priya], plan.ID, app.TestInput{TestedOn: now.AddDate(0, -4, 0),
		Kind: "restore_model_registry", Scope: "helix-chat-70b and helix-guard restored from the nightly registry backup into an empty " +
			"registry in the test account; hashes checked against the release records.", Result: "pass", RecoveryMinutes: &restore,
		Findings: "Both models restored intact; hashes matched."}); err != nil {
		return fmt.Errorf("demo restore test: %w", err)
	}
	test, err := svc.RecordContinuityTest(ctx, as[priya], plan.ID, app.TestInput{TestedOn: now.AddDate(0, 0, -12),
		Kind: "failover_inference_endpoint", Scope: "Chat API failed over from eu-west to the eu-central standby during a planned window.",
		Result: "partial", RecoveryMinutes: &failover,
		Findings: "The standby served traffic after 5 hours 10 minutes, past the 4-hour RTO: its GPU quota had lapsed and had to be " +
			"raised with the provider, and the DNS TTL of one hour held clients on the old region.",
		FollowUps: []string{"Keep GPU quota for the eu-central standby reserved and checked monthly", "Lower the chat API's DNS TTL to 60 seconds"}})
	if err != nil {
		return fmt.Errorf("demo failover test: %w", err)
	}
	d, err := svc.PlanDetail(ctx, as[priya], plan.ID)
	if err != nil {
		return err
	}
	for _, t := range d.Tests {
		if t.ID == test.ID {
			if _, err := svc.RaiseFollowUpNonconformity(ctx, as[priya], test.ID, t.FollowUps[0].ID); err != nil {
				return fmt.Errorf("demo follow-up nonconformity: %w", err)
			}
		}
	}
	return nil
}
