package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// exclusions are the controls Helix AI states do not apply, with why.
var exclusions = map[string]string{
	"A.7.11": "Helix runs no data centre of its own. Power, cooling and other utilities of the production regions and of the NordCompute GPU colocation are the providers' responsibility, covered by their ISO/IEC 27001 certificates and reviewed under A.5.22.",
	"A.7.12": "No cabling carries Helix production data on premises Helix controls: production runs in cloud regions and the NordCompute colocation, and the London office reaches them only over the internet through the VPN.",
	"A.8.30": "Helix does not outsource software or model development. LabelWorks annotates data under A.5.19–A.5.22 and writes no code; contractors work as staff under A.6.1–A.6.6.",
}

// implementations are Helix AI's own statements for the controls an
// auditor asks about first.
var implementations = map[string]string{
	"A.5.9":  "The asset register in isms is the inventory, fed by the ML-BOM of every model release and by a nightly export of the cloud accounts; the model registry is the system of record for model versions.",
	"A.5.12": "Four levels (public, internal, confidential, restricted). Model weights of frontier models and customer documents are restricted; training data containing personal data is confidential at least.",
	"A.5.15": "Access follows roles in the identity provider. Production, the model registry and the GPU cluster need a role granted by the asset owner; break-glass access to model weights is logged and reviewed the next working day.",
	"A.5.23": "Cloud accounts are created from a landing zone with guardrails (no public buckets, encryption by default, audit logs to the security account). Each AI provider API is reviewed before use and listed as a supplier.",
	"A.5.24": "The incident process in the on-call runbook covers AI incidents: model compromise, data poisoning, prompt injection exploited in production and harmful output, each with a playbook.",
	"A.8.2":  "Administrative access to production and to the model registry is limited to the platform team, through short-lived credentials from the identity provider; reviewed quarterly.",
	"A.8.8":  "Every node image, container and Python dependency is scanned weekly and on build; critical findings are fixed within 15 days, high within 30. Model artefacts are scanned for unsafe serialisation before they enter the registry.",
	"A.8.9":  "Infrastructure is code: every change to cloud and cluster configuration goes through review, and drift detection alerts the platform on-call.",
	"A.8.12": "Output filters stop secrets and personal data leaving the assistant; retrieval enforces the tenant filter in the database; egress from the training network is allow-listed.",
	"A.8.15": "Gateway, model-serving and registry logs go to the security account for 13 months; prompts are logged pseudonymised and kept 30 days.",
	"A.8.16": "Query patterns on the public APIs are monitored for extraction and abuse; alerts page the ML on-call.",
	"A.8.24": "Data at rest is encrypted with keys in the cloud KMS; model weights of frontier models are encrypted with keys held in the HSM and decrypted only on the serving cluster.",
	"A.8.25": "The secure ML development lifecycle covers threat modelling of new AI features, red-team review before release and evaluation gates for injection and data leakage.",
	"A.8.28": "Code review by a second engineer is required on every repository; static analysis and secret scanning run on every pull request.",
	"A.8.32": "Changes to production, including a new model version, go through the release pipeline with an approval by the model owner and an automatic rollback plan.",
}

// reasonFor picks the documented reason a control is included for when no
// risk treatment selects it.
func reasonFor(id string) (kind, title, url string) {
	switch {
	case strings.HasPrefix(id, "A.5.3") || id == "A.5.34" || id == "A.8.10" || id == "A.8.11":
		return "legal", "GDPR article 32: security of processing", "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
	case strings.HasPrefix(id, "A.6."):
		return "contractual", "Enterprise customer agreement, security schedule §4 (personnel)", "https://helix-ai.example/legal/security-schedule"
	case strings.HasPrefix(id, "A.7."):
		return "business", "London office holds laptops and printed customer contracts", "https://helix-ai.example/wiki/office"
	}
	return "contractual", "Enterprise customer agreement, security schedule", "https://helix-ai.example/legal/security-schedule"
}

// seedSoA gives the demo a Statement of Applicability: every control
// decided, an approved version 1, then a draft that has moved on, with
// evidence in every state, requests and tasks.
func seedSoA(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string, now time.Time) error {
	mgr := as[priya]
	const fw = "iso27001-2022"
	doc, err := svc.SoA(ctx, mgr, fw, 0)
	if err != nil {
		return err
	}
	for i, e := range doc.Entries {
		in := app.ControlInput{}
		owner := member(priya)
		switch {
		case strings.HasPrefix(e.ID, "A.6."):
			owner = member(dana)
		case strings.HasPrefix(e.ID, "A.7."), strings.HasPrefix(e.ID, "A.8."):
			owner = member(sam)
		}
		in.OwnerID = &owner
		if why, ok := exclusions[e.ID]; ok && len(e.Reasons) == 0 {
			in.Applicability, in.ExclusionReason = ptr("excluded"), &why
		} else {
			if len(e.Reasons) == 0 {
				kind, title, url := reasonFor(e.ID)
				if _, err := svc.AddControlReason(ctx, mgr, e.Control, kind, title, url); err != nil {
					return fmt.Errorf("demo reason for %s: %w", e.ID, err)
				}
			}
			in.Applicability = ptr("included")
			status := isms.Implemented
			switch {
			case i%11 == 3:
				status = isms.PartiallyImplemented
			case i%17 == 5:
				status = isms.Planned
			}
			if text, ok := implementations[e.ID]; ok {
				in.Implementation = &text
				status = isms.Implemented
			}
			in.Status = ptr(string(status))
			in.EvidenceCadence = ptr(string(isms.Quarterly))
			in.ReviewCadence = ptr(string(isms.Yearly))
			in.Reviewed = true
		}
		if _, err := svc.UpdateControl(ctx, mgr, e.Control, in); err != nil {
			return fmt.Errorf("demo control %s: %w", e.ID, err)
		}
	}
	// The ML platform lead looks after the controls closest to the models.
	for _, id := range []string{"A.8.8", "A.8.25", "A.8.28"} {
		if _, err := svc.UpdateControl(ctx, mgr, fw+":"+id, app.ControlInput{OwnerID: ptr(member(tomas))}); err != nil {
			return err
		}
	}
	if _, err := svc.CreateCustomControl(ctx, mgr, "HX-RT-01", "Red-team every frontier model release",
		"No frontier model version is served to customers before an internal red team has tried prompt injection, jailbreaks, data extraction and harmful-output attacks against it and the model owner has signed off the findings."); err != nil {
		return err
	}
	if _, err := svc.UpdateControl(ctx, mgr, "org:HX-RT-01", app.ControlInput{OwnerID: ptr(member(tomas)), Status: ptr(string(isms.Implemented)),
		EvidenceCadence: ptr(string(isms.Quarterly))}); err != nil {
		return err
	}
	if _, err := svc.AddControlReason(ctx, mgr, "org:HX-RT-01", "business", "Board decision on frontier model releases, 2026-03",
		"https://helix-ai.example/board/2026-03-minutes"); err != nil {
		return err
	}
	if err := seedEvidence(ctx, svc, as, now); err != nil {
		return err
	}
	if err := seedSelfAssessment(ctx, svc, mgr, now); err != nil {
		return err
	}
	if _, err := svc.ApproveSoA(ctx, mgr, fw, "Statement for the Stage 1 audit"); err != nil {
		return fmt.Errorf("demo statement approval: %w", err)
	}

	// Since the approval: one control moved on, one slipped, and requests
	// are out for the next quarter's evidence.
	for id, status := range map[string]isms.ImplementationStatus{"A.5.6": isms.Implemented, "A.8.23": isms.PartiallyImplemented} {
		if _, err := svc.UpdateControl(ctx, mgr, fw+":"+id, app.ControlInput{Status: ptr(string(status))}); err != nil {
			return err
		}
	}
	if _, err := svc.RequestEvidence(ctx, mgr, fw+":A.8.8", "Upload this week's dependency and image scan summary", member(tomas), now.AddDate(0, 0, 5)); err != nil {
		return err
	}
	if _, err := svc.RequestEvidence(ctx, mgr, fw+":A.5.34", "Record of processing activities, reviewed for the new fine-tuning datasets", member(lena), now.AddDate(0, 0, -3)); err != nil {
		return err
	}
	for _, t := range []struct {
		control, title, who string
		due                 int
	}{
		{"A.8.24", "Move weight decryption keys of helix-chat-70b to the HSM", sam, 45},
		{"A.8.11", "Mask customer names in prompt logs before the 30-day retention", tomas, 20},
		{"A.5.7", "Subscribe the security channel to the MITRE ATLAS case-study feed", priya, -2},
	} {
		due := now.AddDate(0, 0, t.due)
		if _, err := svc.SaveControlTask(ctx, mgr, fw+":"+t.control, "", app.TaskInput{Title: t.title, AssigneeID: member(t.who), DueDate: &due}); err != nil {
			return err
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// seedEvidence records evidence for the controls, most of it current, some
// of it stale, collected by the people who would collect it.
func seedEvidence(ctx context.Context, svc *app.Service, as map[string]app.Access, now time.Time) error {
	control := func(ids ...string) []isms.EvidenceLinkTo {
		out := make([]isms.EvidenceLinkTo, len(ids))
		for i, id := range ids {
			out[i] = isms.EvidenceLinkTo{Target: isms.TargetControl, Ref: "iso27001-2022:" + id}
		}
		return out
	}
	items := []struct {
		who, kind, title, text string
		daysAgo                int
		cadence                isms.Cadence
		links                  []isms.EvidenceLinkTo
	}{
		{priya, "link", "Asset register export with ML-BOM reconciliation", "https://helix-ai.example/isms/assets/export", 10, isms.Quarterly, control("A.5.9")},
		{priya, "record", "Classification scheme approved by the CTO", "Four levels adopted; frontier weights and customer documents restricted. Approved by Dana Whitfield.", 60, isms.Yearly, control("A.5.12", "A.5.13")},
		{sam, "link", "Quarterly access review of production and the model registry", "https://helix-ai.example/tickets/SEC-1182", 30, isms.Quarterly, control("A.5.15", "A.5.18", "A.8.2")},
		{sam, "link", "Access review of the GPU cluster, Q2", "https://helix-ai.example/tickets/SEC-1019", 150, isms.Quarterly, control("A.5.18")},
		{tomas, "link", "Weekly vulnerability scan summary", "https://helix-ai.example/security/scans/latest", 4, isms.Monthly, control("A.8.8")},
		{tomas, "link", "Model artefact scanning report for helix-chat-70b v3.2", "https://helix-ai.example/registry/helix-chat-70b/3.2/scan", 12, isms.Quarterly, control("A.8.8")},
		{sam, "link", "Landing-zone guardrails (policy-as-code repository)", "https://git.helix-ai.example/platform/landing-zone", 20, isms.Yearly, control("A.5.23", "A.8.9")},
		{sam, "record", "Drift detection alert test", "Introduced a public bucket in the staging account on purpose; the drift alert paged on-call within 4 minutes and the guardrail reverted the change.", 45, isms.Quarterly, control("A.8.9")},
		{priya, "record", "Incident response tabletop: prompt injection in the support assistant", "Ran the prompt-injection playbook with ML on-call and support. Containment by disabling tools took 11 minutes; two follow-ups raised.", 70, isms.Yearly, control("A.5.24", "A.5.26", "A.6.3")},
		{priya, "link", "Security awareness training completion, 2026", "https://helix-ai.example/lms/reports/security-2026", 25, isms.Yearly, control("A.6.3")},
		{sam, "link", "Log retention settings of the security account", "https://helix-ai.example/wiki/logging", 40, isms.Yearly, control("A.8.15")},
		{sam, "link", "Extraction monitoring dashboard", "https://helix-ai.example/grafana/d/extraction", 3, isms.Monthly, control("A.8.16")},
		{sam, "record", "Key management review: KMS and HSM key policies", "Checked rotation, key policies and HSM partition access. Weight keys for helix-chat-70b still in KMS; task raised.", 80, isms.Yearly, control("A.8.24")},
		{tomas, "link", "Red-team report, helix-chat-70b v3.2", "https://helix-ai.example/security/redteam/70b-3.2", 15, isms.Quarterly, []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "org:HX-RT-01"}, {Target: isms.TargetControl, Ref: "iso27001-2022:A.8.25"}}},
		{tomas, "link", "Branch protection settings of every repository", "https://git.helix-ai.example/admin/branch-protection", 35, isms.Quarterly, control("A.8.28")},
		{priya, "record", "Data protection impact assessment: fine-tuning on support conversations", "DPIA completed; pseudonymisation before export and opt-out honoured. Residual risk accepted by the DPO.", 200, isms.Yearly, control("A.5.34")},
		{sam, "link", "Backup restore test of the model registry", "https://helix-ai.example/tickets/OPS-877", 120, isms.Quarterly, control("A.8.13")},
	}
	for _, it := range items {
		end := now.AddDate(0, 0, -it.daysAgo)
		in := app.EvidenceInput{Kind: it.kind, Title: it.title, PeriodEnd: &end, Cadence: string(it.cadence), Links: it.links}
		if it.kind == "link" {
			in.URL = it.text
		} else {
			in.Body = it.text
		}
		if _, err := svc.AddEvidence(ctx, as[it.who], in, nil); err != nil {
			return fmt.Errorf("demo evidence %q: %w", it.title, err)
		}
	}
	if svc.EvidenceMaxSize() > 0 {
		end := now.AddDate(0, 0, -7)
		report := strings.NewReader(scanReport(end))
		if _, err := svc.AddEvidence(ctx, as[tomas], app.EvidenceInput{Kind: "file", Title: "Dependency scan of the serving images",
			FileName: "serving-images-scan.txt", PeriodEnd: &end, Cadence: string(isms.Monthly), Links: control("A.8.8")}, report); err != nil {
			return fmt.Errorf("demo evidence file: %w", err)
		}
	}
	return nil
}

func scanReport(at time.Time) string {
	return "Dependency and image scan of the serving images\n" +
		"Run: " + at.Format(time.DateOnly) + "\n" +
		"Images: chat-api, embeddings-api, helix-guard\n" +
		"Critical: 0  High: 2 (both with fixes scheduled within SLA)  Medium: 14\n"
}

// seedSelfAssessment records the quarterly self-assessment in which the
// control owners confirmed their controls operate, as evidence for the
// implemented controls that have none of their own, all but a few: those
// stay flagged, as they would in a real statement before Stage 1.
func seedSelfAssessment(ctx context.Context, svc *app.Service, mgr app.Access, now time.Time) error {
	doc, err := svc.SoA(ctx, mgr, "iso27001-2022", 0)
	if err != nil {
		return err
	}
	var links []isms.EvidenceLinkTo
	skipped := 0
	for _, e := range doc.Entries {
		if e.Status != isms.Implemented || len(e.Evidence) > 0 || !e.Included() {
			continue
		}
		if skipped < 3 {
			skipped++
			continue
		}
		links = append(links, isms.EvidenceLinkTo{Target: isms.TargetControl, Ref: e.Control})
	}
	end := now.AddDate(0, 0, -20)
	_, err = svc.AddEvidence(ctx, mgr, app.EvidenceInput{Kind: "record", Title: "Control self-assessment, third quarter",
		Body: "Each control owner walked through their controls with the ISMS manager, showed the control operating on a sample " +
			"(tickets, configuration, logs) and confirmed the implementation statement still describes what is done. " +
			"Deviations were raised as tasks on the control.",
		PeriodEnd: &end, Cadence: string(isms.Quarterly), Links: links}, nil)
	return err
}
