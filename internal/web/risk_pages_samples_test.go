package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/store"
	"github.com/isms-dev/isms/internal/suggest"
)

// riskPageSamples are the risk register's pages for
// TestEveryTemplateRenders, filled and empty.
func riskPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	m := isms.DefaultMethodology()
	mv := app.MethodologyVersion{Version: isms.Version{ID: "mv1", Number: 1, Status: isms.StatusApproved}, Methodology: m}
	mv2 := app.MethodologyVersion{Version: isms.Version{ID: "mv2", Number: 2, Status: isms.StatusApproved}, Methodology: m}
	member := isms.Member{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}
	asset := store.StoredAsset{Asset: isms.Asset{ID: "a1", Name: "chat-api", Type: isms.AssetInferenceEndpoint, OwnerID: "m1"}}
	risk := isms.Risk{ID: "k1", RefNum: 7, Title: "Prompt injection", ThreatRef: "owasp-llm-top10-2025:LLM01:2025", ThreatText: "and more",
		Vulnerability: "v", Scenario: "s", AffectsC: true, AffectsI: true, Consequences: "c", MethodologyID: "mv1",
		InherentLikelihood: 4, InherentImpact: 4, InherentRank: 2, ExistingControls: "e", OwnerID: "m1", ReviewDate: &now,
		Treatment: isms.TreatMitigate, TreatmentNotes: "n", ResidualLikelihood: 2, ResidualImpact: 3, ResidualRank: 1,
		Status: isms.RiskPlanApproved, Revision: 3, CreatedAt: now, UpdatedAt: now, AssetIDs: []string{"a1"}, Controls: []string{"iso27001-2022:A.8.28"}}
	bare := isms.Risk{ID: "k2", RefNum: 8, Title: "Fire", ThreatText: "fire", AffectsA: true, MethodologyID: "mv1",
		InherentLikelihood: 1, InherentImpact: 5, InherentRank: 1, Status: isms.RiskIdentified, Revision: 1}
	control := app.ControlRef{Ref: "iso27001-2022:A.8.28", Framework: "ISO 27001:2022", Cite: "A.8.28", Title: "Secure coding", Known: true}
	gone := app.ControlRef{Ref: "gone:X", Cite: "gone:X"}
	threat := app.ControlRef{Ref: risk.ThreatRef, Framework: "OWASP LLM Top 10", Cite: "LLM01:2025", Title: "Prompt Injection", Known: true}
	item := riskItem{ControlRef: control, Link: "/x"}
	high, medium := riskBadgeOf(m.Levels[2]), riskBadgeOf(m.Levels[1])
	view := app.RiskView{Risk: risk, Methodology: mv, Inherent: m.Levels[2], Residual: m.Levels[1], Assets: []store.StoredAsset{asset},
		Threat: &threat, Controls: []app.ControlRef{control, gone}, Outdated: true,
		Actions:   []isms.RiskAction{{ID: "x1", Description: "Filter", OwnerID: "m1", DueDate: &now, Status: "open"}, {ID: "x2", Description: "Done", Status: "done"}},
		Decisions: []isms.RiskDecision{{ID: "d1", Kind: isms.DecisionPlanApproval, DecidedBy: "m1", Level: "medium", Justification: "j", RiskRevision: 3, CreatedAt: now}, {ID: "d2", Kind: isms.DecisionResidualAcceptance, DecidedBy: "m1", Level: "high", RiskRevision: 2}}}
	bareView := app.RiskView{Risk: bare, Methodology: mv, Inherent: m.Levels[1]}
	entry := entryView{Entry: ledger.Entry{Seq: 4, At: "2026-11-29T09:30:00.000000Z", Action: "update", RecordType: "risk", RecordID: "k1"},
		ActorName: "dana@helix.example", Label: "R-007 Prompt injection", Link: "/h", Changes: []change{{Field: "title", Old: "a", New: "b"}}}
	heat := func(residual bool) riskHeatView {
		return riskHeatViewOf(app.HeatMap{Methodology: mv, Residual: residual, Counts: [][]int{{0, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 2, 0}, {0, 0, 0, 0, 0}}, Total: 3, Elsewhere: 1},
			"/o/helix-ai/risks", registerQuery{Likelihood: 4, Impact: 4})
	}
	row := registerRow{RiskRow: app.RiskRow{Risk: risk, Inherent: m.Levels[2], Residual: m.Levels[1]}, Link: "/r", Owner: "Priya",
		Assets: []riskAssetLink{{ID: "a1", Name: "chat-api", Link: "/a"}}, Inherent: high, Residual: medium, Overdue: true}
	bareRow := registerRow{RiskRow: app.RiskRow{Risk: bare, Inherent: m.Levels[1]}, Link: "/r2", Inherent: riskBadgeOf(m.Levels[1])}
	form := formFromRisk(risk)
	form.AtlasRef = "mitre-atlas:AML.T0051"
	sg := app.RiskSuggestion{Suggestion: suggest.Suggestion{Threat: risk.ThreatRef, Why: "LLM", Likelihood: 4, Impact: 4, AffectsC: true},
		Threat: threat, Controls: []app.ControlRef{control}}
	registered := sg
	registered.InRegister = &risk

	return map[string][]basePage{
		"risks": {
			&risksPage{Page: frame("Risk register"), Query: registerQuery{Asset: "a1", Owner: "m1", Level: "high", Residual: "low", Status: "accepted",
				Treatment: "mitigate", Q: "x", Sort: "level", Cell: "residual", Likelihood: 4, Impact: 4, Overdue: true, Methodology: "mv1", Cursor: "c"},
				Rows: []registerRow{row, bareRow}, Total: 40, Next: "/n", First: "/f", Inherent: heat(false), Residual: heat(true), Shown: mv, InForce: mv2,
				OldVersion: true, InForceURL: "/i", Elsewhere: 2, Unrated: 1, Versions: []riskVersionUse{{Number: 1, Count: 2, Link: "/v"}},
				Levels: m.Levels, Statuses: isms.RiskStatuses, Treatments: isms.Treatments, Owners: []isms.Member{member}, Assets: []store.AssetLabel{{ID: asset.ID, Name: asset.Name, Type: asset.Type}},
				Reports: []riskReportLink{{ID: "report-assessment", Label: "Risk assessment report", PDF: "/p", XLSX: "/x"}}, ClearURL: "/c"},
			&risksPage{Page: frame("Risk register"), Problems: []isms.FieldError{{Field: "level", Detail: "bad"}}},
			&risksPage{Page: frame("Risk register"), Inherent: heat(false), Residual: heat(true)},
		},
		"risk": {
			&riskPage{Page: frame("R-007"), Path: "/o/helix-ai/risks/R-007", Risk: view, Inherent: high, Residual: medium, Owner: "Priya",
				Threat: &riskItem{ControlRef: threat, Link: "/t"}, Controls: []riskItem{item, {ControlRef: gone}}, Assets: []riskAssetLink{{ID: "a1", Name: "chat-api", Link: "/a"}},
				Actions: []riskActionRow{{RiskAction: view.Actions[0], Owner: "Priya", Overdue: true, CanUpdate: true}, {RiskAction: view.Actions[1], CanUpdate: true}},
				Decisions: []riskDecisionRow{{RiskDecision: view.Decisions[0], KindLabel: "Treatment plan approved", By: "Priya", Level: medium, Current: true},
					{RiskDecision: view.Decisions[1], KindLabel: "Residual risk accepted", By: "Priya", Level: high}},
				History: []entryView{entry}, InForce: mv2, People: []isms.Member{member}, CanEdit: true, IsOwner: true, ReviewOverdue: true,
				Acceptance: "may accept", MayAccept: true, PlanHolds: true, InherentL: "4 Likely", InherentI: "4 Major", ResidualL: "2 Unlikely", ResidualI: "3 Moderate",
				riskPageState: riskPageState{ActionForm: riskActionForm{Description: "d"}, ActionErrors: map[string]string{"description": "x", "status": "y"}, ActionRefusal: "no",
					Decision: riskDecisionForm{Kind: "plan_approval", Justification: "j"}, DecisionErrors: map[string]string{"kind": "x", "justification": "y"}, DecisionRefusal: "no",
					Rerate: rerateForm{Likelihood: 4, Impact: 4}, RerateErrors: map[string]string{"inherent_likelihood": "x", "owner_id": "y"}}},
			&riskPage{Page: frame("R-008"), Path: "/o/helix-ai/risks/R-008", Risk: bareView, Inherent: medium},
		},
		"risk_form": {
			&riskFormPage{Page: frame("Edit R-007"), Risk: &view, Form: form, Errors: map[string]string{"title": "x", "threat_ref": "y", "affects": "z", "owner_id": "o", "asset_ids": "a"},
				Methodology: mv, InForce: mv2, Threats: []riskOptionGroup{{Label: "OWASP LLM Top 10", Options: []riskOption{{Ref: risk.ThreatRef, Label: "LLM01:2025 Prompt Injection"}}}},
				Atlas: []riskOption{{Ref: "mitre-atlas:AML.T0051", Label: "AML.T0051 LLM Prompt Injection"}}, Owners: []isms.Member{member},
				Assets: []store.AssetLabel{{ID: asset.ID, Name: asset.Name, Type: asset.Type}}, MoreAssets: true, OwnerFixed: true, OwnerName: "Priya", Action: "/e"},
			&riskFormPage{Page: frame("New risk"), Form: riskForm{OwnerID: "gone"}, Methodology: app.MethodologyVersion{Methodology: m}, Owners: []isms.Member{member}, Action: "/n"},
		},
		"risk_treat": {
			&riskTreatPage{Page: frame("Treat R-007"), Path: "/o/helix-ai/risks/R-007", Risk: view, Inherent: high,
				Form:   riskTreatForm{Treatment: "mitigate", Notes: "n", Controls: []string{control.Ref, "iso27001-2022:A.8.16"}, ResidualLikelihood: 2, ResidualImpact: 3},
				Errors: map[string]string{"controls": "x", "treatment": "y"}, Options: []riskTreatOption{{Value: "mitigate", Label: "Modify (mitigate)", Hint: "h"}},
				Choices: []riskControlChoice{{riskItem: item, Checked: true, Proposed: true}}, Scales: m,
				Others: []riskControlGroup{{Label: "ISO 27001:2022", Options: []riskOption{{Ref: "iso27001-2022:A.8.16", Label: "A.8.16 Monitoring activities"}}}}},
			&riskTreatPage{Page: frame("Treat R-008"), Path: "/o/helix-ai/risks/R-008", Risk: bareView, Scales: m},
		},
		"suggestions": {
			&suggestionsPage{Page: frame("Suggestions"), Asset: asset, AssetLink: "/a", Methodology: mv, Owners: []isms.Member{member}, Pending: 1, Refusal: "no",
				Suggestions: []riskSuggestionRow{
					{RiskSuggestion: sg, ThreatItem: riskItem{ControlRef: threat, Link: "/t"}, Level: high, Controls: []riskItem{item}, LikelihoodLabel: "4 Likely", ImpactLabel: "4 Major",
						Likelihood: 4, Impact: 4, OwnerID: "m1", Errors: map[string]string{"owner_id": "x", "title": "y"}, Refusal: "no"},
					{RiskSuggestion: registered, ThreatItem: riskItem{ControlRef: threat}, Level: high, RegisterLink: "/r"},
				}},
			&suggestionsPage{Page: frame("Suggestions"), Asset: asset, Methodology: mv},
		},
	}
}
