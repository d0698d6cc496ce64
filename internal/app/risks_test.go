package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

const (
	promptInjection = "owasp-llm-top10-2025:LLM01:2025"
	secureCoding    = "iso27001-2022:A.8.28"
	monitoring      = "iso27001-2022:A.8.16"
)

func mustAsset(t *testing.T, e *env, a app.Access, in isms.Asset) store.StoredAsset {
	t.Helper()
	got, err := e.svc.CreateAsset(context.Background(), a, in)
	if err != nil {
		t.Fatalf("create asset %s: %v", in.Name, err)
	}
	return got
}

func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var got []string
	for _, f := range isms.FieldErrors(err) {
		got = append(got, f.Field)
	}
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Errorf("error %v names fields %v, want %s among them", err, got, f)
		}
	}
	if len(fields) > 0 && len(got) == 0 {
		t.Errorf("err = %v, want a validation error", err)
	}
}

// TestRiskLifecycle walks a risk from suggestion to accepted residual
// risk, with the refusals on the way.
func TestRiskLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		cto := e.member(t, "cto@acme.example", isms.RoleAdmin)

		endpoint := mustAsset(t, e, manager, isms.Asset{Name: "chat-api", Type: isms.AssetInferenceEndpoint, OwnerID: cto.Member.ID,
			Attributes: map[string]string{"interface": "llm", "exposure": "internet"}})
		suggestions, err := e.svc.SuggestRisks(ctx, manager, endpoint.ID)
		if err != nil {
			t.Fatal(err)
		}
		var pi *app.RiskSuggestion
		for i := range suggestions {
			if suggestions[i].Suggestion.Threat == promptInjection {
				pi = &suggestions[i]
			}
		}
		if pi == nil || pi.Threat.Title != "Prompt Injection" || len(pi.Controls) == 0 {
			t.Fatalf("no prompt injection suggestion with controls in %+v", suggestions)
		}
		for _, c := range pi.Controls {
			if !c.Known || c.Ref[:len("iso27001-2022:")] != "iso27001-2022:" {
				t.Errorf("suggested control %+v is not from the frameworks acme runs", c)
			}
		}

		k, err := e.svc.AcceptSuggestion(ctx, manager, endpoint.ID, promptInjection, "", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if k.RefNum != 1 || k.OwnerID != cto.Member.ID || k.Status != isms.RiskIdentified || k.InherentRank != 2 {
			t.Errorf("accepted suggestion = %+v; want R-001 owned by the asset owner, identified, high", k)
		}
		if _, err := e.svc.AcceptSuggestion(ctx, manager, endpoint.ID, promptInjection, "", 0, 0); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("accepting the same suggestion twice: err = %v, want conflict", err)
		}
		doc, err := e.svc.Methodology(ctx, manager)
		if err != nil || doc.Current.Number != 1 || doc.Use[doc.Current.ID] != 1 {
			t.Errorf("methodology after the first risk = %+v, %v; want version 1 adopted", doc.Current.Version, err)
		}

		_, err = e.svc.TreatRisk(ctx, manager, k.ID, app.TreatmentInput{Treatment: "mitigate", Controls: []string{"ai-security:AIS-IN-01"},
			ResidualLikelihood: 9, ResidualImpact: 2})
		wantFields(t, err, "controls", "residual_likelihood")

		k, err = e.svc.TreatRisk(ctx, manager, k.ID, app.TreatmentInput{Treatment: "mitigate", Controls: []string{secureCoding, monitoring},
			ResidualLikelihood: 2, ResidualImpact: 3, Notes: "Input and output filtering"})
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != isms.RiskPlanned || k.Revision != 2 || k.ResidualRank != 1 {
			t.Errorf("after treatment: status %s, revision %d, residual rank %d", k.Status, k.Revision, k.ResidualRank)
		}
		act, err := e.svc.AddRiskAction(ctx, manager, k.ID, app.ActionInput{Description: "Deploy prompt filter", OwnerID: manager.Member.ID})
		if err != nil {
			t.Fatal(err)
		}

		// Only the owner decides, and in order.
		if _, err := e.svc.DecideOnRisk(ctx, manager, k.ID, app.DecisionInput{Kind: isms.DecisionPlanApproval, Justification: "ok"}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("decision by someone else: err = %v, want forbidden", err)
		}
		_, err = e.svc.DecideOnRisk(ctx, cto, k.ID, app.DecisionInput{Kind: isms.DecisionResidualAcceptance, Justification: "fine"})
		wantFields(t, err, "kind")
		_, err = e.svc.DecideOnRisk(ctx, cto, k.ID, app.DecisionInput{Kind: isms.DecisionPlanApproval})
		wantFields(t, err, "justification")
		if _, err := e.svc.DecideOnRisk(ctx, cto, k.ID, app.DecisionInput{Kind: isms.DecisionPlanApproval, Justification: "Filtering is proportionate"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DecideOnRisk(ctx, cto, k.ID, app.DecisionInput{Kind: isms.DecisionResidualAcceptance, Justification: "Medium is within appetite"}); err != nil {
			t.Fatal(err)
		}
		view, err := e.svc.Risk(ctx, manager, k.ID)
		if err != nil || view.Status != isms.RiskAccepted || len(view.Decisions) != 2 || view.Residual.Name != "medium" {
			t.Fatalf("after decisions: %+v, %v", view.Risk, err)
		}

		// Reporting progress on an action keeps the decisions; changing the
		// risk reopens them.
		if _, err := e.svc.UpdateRiskAction(ctx, manager, k.ID, act.ID, app.ActionInput{Description: act.Description, OwnerID: act.OwnerID, Status: "done"}); err != nil {
			t.Fatal(err)
		}
		if v, _ := e.svc.Risk(ctx, manager, k.ID); v.Status != isms.RiskAccepted {
			t.Errorf("after the action is done: status %s, want still accepted", v.Status)
		}
		in := app.RiskInput{Title: view.Title, ThreatRef: view.ThreatRef, Scenario: view.Scenario, AffectsC: true, AffectsI: true,
			InherentLikelihood: 5, InherentImpact: 4, OwnerID: view.OwnerID, AssetIDs: view.AssetIDs}
		k, err = e.svc.UpdateRisk(ctx, manager, k.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != isms.RiskPlanned {
			t.Errorf("after a change: status %s, want the decisions reopened", k.Status)
		}
		same, err := e.svc.UpdateRisk(ctx, manager, k.ID, in)
		if err != nil || same.Revision != k.Revision {
			t.Errorf("saving without a change bumped the revision from %d to %d (%v)", k.Revision, same.Revision, err)
		}

		// The decisions are in the record's history.
		entries, _, err := e.svc.RiskHistory(ctx, manager, k.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		decided := 0
		for _, en := range entries {
			if en.RecordType == store.RecordRiskDecision {
				decided++
			}
		}
		if decided != 2 {
			t.Errorf("risk history holds %d decisions, want 2", decided)
		}

		// A high residual risk is beyond an ISMS manager's acceptance.
		k2, err := e.svc.CreateRisk(ctx, manager, app.RiskInput{Title: "Model extraction", ThreatText: "Distillation through the API",
			AffectsC: true, InherentLikelihood: 4, InherentImpact: 4, OwnerID: manager.Member.ID, AssetIDs: []string{endpoint.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.TreatRisk(ctx, manager, k2.ID, app.TreatmentInput{Treatment: "accept"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DecideOnRisk(ctx, manager, k2.ID, app.DecisionInput{Kind: isms.DecisionResidualAcceptance, Justification: "Cheap to live with"}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("an ISMS manager accepting a high risk: err = %v, want forbidden", err)
		}

		// Nobody may accept a critical one.
		k3, err := e.svc.CreateRisk(ctx, manager, app.RiskInput{Title: "GPU exhaustion", ThreatText: "Floods of long prompts",
			AffectsA: true, InherentLikelihood: 5, InherentImpact: 5, OwnerID: cto.Member.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.TreatRisk(ctx, manager, k3.ID, app.TreatmentInput{Treatment: "accept"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.DecideOnRisk(ctx, cto, k3.ID, app.DecisionInput{Kind: isms.DecisionResidualAcceptance, Justification: "Accept"})
		wantFields(t, err, "kind")

		// Members who own risks stay until they hand them over.
		if err := e.svc.RemoveMember(ctx, e.opAccess(t), cto.Member.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("removing a risk owner: err = %v, want conflict", err)
		}

		heat, err := e.svc.RiskHeatMap(ctx, manager, isms.RiskFilter{}, false, "")
		if err != nil || heat.Total != 3 || heat.Counts[4][3] != 1 || heat.Counts[3][3] != 1 || heat.Counts[4][4] != 1 {
			t.Errorf("inherent heat map = %+v, %v", heat, err)
		}
		page, err := e.svc.ListRisks(ctx, manager, isms.RiskFilter{Sort: "level", Limit: 2})
		if err != nil || page.Total != 3 || len(page.Risks) != 2 || page.Next == "" || page.Risks[0].Inherent.Name != "critical" {
			t.Fatalf("first page by level = %+v, %v", page, err)
		}
		rest, err := e.svc.ListRisks(ctx, manager, isms.RiskFilter{Sort: "level", Limit: 2, Cursor: page.Next})
		if err != nil || len(rest.Risks) != 1 || rest.Next != "" || rest.Risks[0].RefNum != k2.RefNum {
			t.Errorf("second page by level = %+v, %v", rest, err)
		}
		if r := mustVerifyApp(t, e); !r {
			t.Error("ledger does not verify")
		}
	})
}

func mustVerifyApp(t *testing.T, e *env) bool {
	t.Helper()
	rep, err := e.svc.VerifyLedger(context.Background(), e.opAccess(t))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("ledger problems: %+v", rep.Problems)
	}
	return rep.OK()
}

func TestMethodologyVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		owner := e.opAccess(t)
		k, err := e.svc.CreateRisk(ctx, manager, app.RiskInput{Title: "Data poisoning", ThreatText: "Crawled data seeded by attackers",
			AffectsI: true, InherentLikelihood: 5, InherentImpact: 5, OwnerID: manager.Member.ID})
		if err != nil {
			t.Fatal(err)
		}

		m := isms.DefaultMethodology()
		m.Likelihood = m.Likelihood[:4]
		m.Matrix = m.Matrix[:4]
		m.Levels[3].Name = "extreme"
		bad := m
		bad.Matrix = [][]int{{9}}
		_, err = e.svc.SaveMethodology(ctx, manager, bad)
		wantFields(t, err, "matrix")
		draft, err := e.svc.SaveMethodology(ctx, manager, m)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ApproveMethodology(ctx, manager, draft.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("approval by an ISMS manager: err = %v, want forbidden", err)
		}
		if err := e.svc.ApproveMethodology(ctx, owner, draft.ID); err != nil {
			t.Fatal(err)
		}
		doc, err := e.svc.Methodology(ctx, manager)
		if err != nil || doc.Current.Number != 2 || len(doc.Versions) != 2 || doc.Versions[1].Status != isms.StatusSuperseded {
			t.Fatalf("methodology after approval = %+v, %v", doc, err)
		}

		// The old risk still reads against version 1.
		view, err := e.svc.Risk(ctx, manager, k.ID)
		if err != nil || !view.Outdated || view.Methodology.Number != 1 || view.Inherent.Name != "critical" {
			t.Errorf("risk on the old version: outdated %v, version %d, level %q, %v", view.Outdated, view.Methodology.Number, view.Inherent.Name, err)
		}
		in := app.RiskInput{Title: k.Title, ThreatText: k.ThreatText, AffectsI: true, InherentLikelihood: 5, InherentImpact: 5, OwnerID: k.OwnerID, Rerate: true}
		_, err = e.svc.UpdateRisk(ctx, manager, k.ID, in)
		wantFields(t, err, "inherent_likelihood")
		in.InherentLikelihood = 4
		if _, err := e.svc.UpdateRisk(ctx, manager, k.ID, in); err != nil {
			t.Fatal(err)
		}
		view, _ = e.svc.Risk(ctx, manager, k.ID)
		if view.Outdated || view.Methodology.Number != 2 || view.Inherent.Name != "extreme" {
			t.Errorf("re-rated risk: outdated %v, version %d, level %q", view.Outdated, view.Methodology.Number, view.Inherent.Name)
		}
	})
}

func TestContributorsChangeWhatTheyOwn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		alice := e.member(t, "alice@acme.example", isms.RoleContributor)
		bob := e.member(t, "bob@acme.example", isms.RoleContributor)
		auditor := e.member(t, "audit@cb.example", isms.RoleAuditor)

		ds := mustAsset(t, e, manager, isms.Asset{Name: "clickstream", Type: isms.AssetDataset, OwnerID: alice.Member.ID})
		if _, err := e.svc.CreateAsset(ctx, alice, isms.Asset{Name: "x", Type: isms.AssetModel}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("contributor creating an asset: err = %v", err)
		}
		ds.Description = "Web events"
		if _, err := e.svc.UpdateAsset(ctx, alice, ds.ID, ds.Asset); err != nil {
			t.Errorf("owner updating their asset: %v", err)
		}
		if _, err := e.svc.UpdateAsset(ctx, bob, ds.ID, ds.Asset); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("another contributor updating it: err = %v", err)
		}
		handed := ds.Asset
		handed.OwnerID = bob.Member.ID
		if _, err := e.svc.UpdateAsset(ctx, alice, ds.ID, handed); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("contributor handing their asset over: err = %v", err)
		}
		if _, err := e.svc.UpdateAsset(ctx, auditor, ds.ID, ds.Asset); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("auditor updating: err = %v", err)
		}
		bad := ds.Asset
		bad.Classification, bad.Confidentiality, bad.OwnerID = "top-secret", 7, "nobody"
		_, err := e.svc.UpdateAsset(ctx, manager, ds.ID, bad)
		wantFields(t, err, "classification", "confidentiality", "owner_id")
	})
}

func TestAssetsAndRisksStayInTheirOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		ds := mustAsset(t, e, manager, isms.Asset{Name: "clickstream", Type: isms.AssetDataset})
		k, err := e.svc.CreateRisk(ctx, manager, app.RiskInput{Title: "Leak", ThreatText: "Export", AffectsC: true,
			InherentLikelihood: 2, InherentImpact: 2, OwnerID: manager.Member.ID, AssetIDs: []string{ds.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateOrg(ctx, e.op, app.OrgInput{Slug: "rival", Name: "Rival"}); err != nil {
			t.Fatal(err)
		}
		rival, err := e.svc.OpenOrg(ctx, e.op, "rival")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Asset(ctx, rival, ds.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("asset from another organisation: err = %v", err)
		}
		if _, err := e.svc.Risk(ctx, rival, k.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("risk from another organisation: err = %v", err)
		}
		_, err = e.svc.CreateRisk(ctx, rival, app.RiskInput{Title: "Steal", ThreatText: "x", AffectsC: true, InherentLikelihood: 1,
			InherentImpact: 1, OwnerID: manager.Member.ID, AssetIDs: []string{ds.ID}})
		wantFields(t, err, "asset_ids", "owner_id")
		if err := e.svc.DeleteAsset(ctx, manager, ds.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("deleting an asset in a risk's scope: err = %v, want conflict", err)
		}
	})
}

// TestCountsFollowChanges checks that the kept counts of the register
// are made again after every change.
func TestCountsFollowChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		total := func() int {
			p, err := e.svc.ListRisks(ctx, manager, isms.RiskFilter{OwnerID: manager.Member.ID})
			if err != nil {
				t.Fatal(err)
			}
			h, err := e.svc.RiskHeatMap(ctx, manager, isms.RiskFilter{OwnerID: manager.Member.ID}, false, "")
			if err != nil {
				t.Fatal(err)
			}
			if h.Total+h.Elsewhere != p.Total {
				t.Errorf("heat map counts %d+%d risks, the list %d", h.Total, h.Elsewhere, p.Total)
			}
			return p.Total
		}
		for want := range 3 {
			if got := total(); got != want {
				t.Fatalf("total = %d, want %d", got, want)
			}
			if _, err := e.svc.CreateRisk(ctx, manager, app.RiskInput{Title: "Risk", ThreatText: "x", AffectsA: true,
				InherentLikelihood: 1 + want, InherentImpact: 2, OwnerID: manager.Member.ID}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
