package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// seedObligations gives the demo its register of legal and contractual
// requirements: the GDPR starters taken as they come, the AI Act and NIS2
// starters judged not to apply to Helix with the reasoning kept, the AI
// Act's transparency duty for the chat assistant, and the security
// schedule of the largest customer's contract. It runs before the
// statement is decided, so the statement cites these obligations as the
// reasons for their controls.
func seedObligations(ctx context.Context, svc *app.Service, mgr app.Access, ids map[string]string, member func(string) string,
	now time.Time) error {
	days := func(n int) *time.Time {
		t := now.AddDate(0, 0, n)
		return &t
	}
	added, err := svc.AddStarterObligations(ctx, mgr, []string{"gdpr-art-32", "gdpr-art-33"})
	if err != nil {
		return fmt.Errorf("demo starter obligations: %w", err)
	}
	for i, o := range added {
		in := inputOf(o)
		in.OwnerID = member(priya)
		in.ReviewDate = days(120 + 30*i)
		in.Applicability += " Helix processes personal data in support conversations, prompt logs and the customer database, " +
			"as controller for its own users and as processor for enterprise customers."
		if _, err := svc.UpdateObligation(ctx, mgr, o.ID, in); err != nil {
			return fmt.Errorf("demo obligation %s: %w", o.Ref(), err)
		}
	}
	starters := map[string]app.ObligationInput{}
	for _, st := range app.ObligationStarters() {
		starters[st.Key] = st.Input
	}
	aiAct := starters["ai-act-art-15"]
	aiAct.OwnerID, aiAct.ReviewDate = member(dana), days(60)
	aiAct.Status = string(isms.ObligationNotApplicable)
	aiAct.NotApplicableReason = "Helix sells a general-purpose assistant and embeddings; no customer contract or product page offers a use " +
		"listed in Annex III, and none of our models is a safety component of a regulated product. Reassessed at every new enterprise use case."
	nis2 := starters["nis2-art-21"]
	nis2.OwnerID, nis2.ReviewDate = member(dana), days(-14)
	nis2.Status = string(isms.ObligationNotApplicable)
	nis2.NotApplicableReason = "Helix AI Ltd is established in the United Kingdom and its German subsidiary only sells; neither provides a " +
		"service of NIS2 Annex I or II in a member state. To be reassessed before the EU entity operates the API itself."
	own := []app.ObligationInput{aiAct, nis2, {
		Kind: string(isms.ObligationRegulatory), Title: "Telling people they are talking to an AI system",
		Source: "Regulation (EU) 2024/1689 (AI Act), Article 50(1)", SourceURL: "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
		Jurisdiction: "EU", OwnerID: member(priya), AIRiskClass: string(isms.AILimitedRisk), ReviewDate: days(200),
		Applicability: "The Helix assistant converses with end users of customers in the EU. Both the console and the API's default " +
			"system prompt disclose that answers come from an AI model; customers who remove the disclosure take the duty on by contract.",
		AssetIDs: []string{ids["chat-api"], ids["helix-chat-70b"], ids["system-prompts"]},
		Controls: []string{"iso42001-2023:A.8.2", "iso42001-2023:A.8.5", "iso27001-2022:A.5.37"},
	}, {
		Kind: string(isms.ObligationContractual), Title: "Security incidents reported to Northwind Bank within 24 hours",
		Source: "Master services agreement with Northwind Bank plc, Schedule 3 (Security), clause 4.2", Jurisdiction: "England and Wales",
		OwnerID: member(sam), ReviewDate: days(90),
		Applicability: "Any incident that affects, or may affect, the bank's prompts, documents or index must reach its security " +
			"office by phone and email within 24 hours of detection, with a written report within five working days.",
		Controls: []string{"iso27001-2022:A.5.24", "iso27001-2022:A.5.26", "iso27001-2022:A.6.8"},
	}, {
		Kind: string(isms.ObligationContractual), Title: "Customer content never used to train or tune models",
		Source: "Master services agreement with Northwind Bank plc, Schedule 3 (Security), clause 6.1", Jurisdiction: "England and Wales",
		OwnerID: member(tomas), ReviewDate: days(-5),
		Applicability: "Prompts, completions and indexed documents of the bank stay out of every training and evaluation dataset, " +
			"and are deleted from the document index within 30 days of the end of the contract.",
		AssetIDs: []string{ids["customer-docs-index"], ids["training-pipeline"]},
		Controls: []string{"iso27001-2022:A.5.12", "iso27001-2022:A.8.3", "iso27001-2022:A.8.10"},
	}, {
		Kind: string(isms.ObligationContractual), Title: "Annual independent penetration test of the Helix API",
		Source: "Master services agreement with Northwind Bank plc, Schedule 3 (Security), clause 5.1", Jurisdiction: "England and Wales",
		OwnerID: member(sam), ReviewDate: days(150),
		Applicability: "A CREST-accredited firm tests the API and the console every year, including prompt injection against the " +
			"assistant; the bank receives the executive summary and the remediation plan.",
		AssetIDs: []string{ids["chat-api"]},
		Controls: []string{"iso27001-2022:A.8.8", "iso27001-2022:A.8.29"},
	}}
	for _, in := range own {
		if _, err := svc.CreateObligation(ctx, mgr, in); err != nil {
			return fmt.Errorf("demo obligation %q: %w", in.Title, err)
		}
	}
	return nil
}

// inputOf is an obligation as the input that would write it again.
func inputOf(o isms.Obligation) app.ObligationInput {
	return app.ObligationInput{Kind: string(o.Kind), Title: o.Title, Source: o.Source, SourceURL: o.SourceURL, Jurisdiction: o.Jurisdiction,
		OwnerID: o.OwnerID, Applicability: o.Applicability, AIRiskClass: string(o.AIRiskClass), AssetIDs: o.AssetIDs, Controls: o.Controls,
		ReviewDate: o.ReviewDate, Status: string(o.Status), NotApplicableReason: o.NotApplicableReason}
}
