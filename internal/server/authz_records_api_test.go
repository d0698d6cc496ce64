package server_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the asset, context, methodology and risk API:
// each call gets its own, made by the operator.

// apiAsset adds an inference endpoint, for which the threat libraries
// suggest prompt injection, owned by ownerID (none when empty).
func (f *fixture) apiAsset(ownerID string) string {
	f.t.Helper()
	a, err := f.svc.CreateAsset(context.Background(), f.op, isms.Asset{Name: "API asset " + f.unique(), Type: isms.AssetInferenceEndpoint,
		OwnerID: ownerID, Attributes: map[string]string{"interface": "llm", "exposure": "internet"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID
}

// apiRelation links two fresh assets and returns the relation.
func (f *fixture) apiRelation() string {
	f.t.Helper()
	rel, err := f.svc.AddAssetRelation(context.Background(), f.op, app.RelationInput{FromID: f.apiAsset(""), Kind: "uses", ToID: f.apiAsset("")})
	if err != nil {
		f.t.Fatal(err)
	}
	return rel.ID
}

// apiRiskBody is the assessment of a risk owned by ownerID.
func apiRiskBody(ownerID string) string {
	return fmt.Sprintf(`{"title": "API risk", "threat_ref": "owasp-llm-top10-2025:LLM01:2025", "affects": {"confidentiality": true},
		"inherent_likelihood": 3, "inherent_impact": 3, "owner_id": %q}`, ownerID)
}

// apiRisk adds a risk owned by ownerID.
func (f *fixture) apiRisk(ownerID string) isms.Risk {
	f.t.Helper()
	k, err := f.svc.CreateRisk(context.Background(), f.op, app.RiskInput{Title: "API risk " + f.unique(),
		ThreatRef: "owasp-llm-top10-2025:LLM01:2025", AffectsC: true, InherentLikelihood: 3, InherentImpact: 3, OwnerID: ownerID})
	if err != nil {
		f.t.Fatal(err)
	}
	return k
}

// apiTreatedRisk adds a risk owned by ownerID, treated with a control and
// rated low residually, ready for its owner's decisions.
func (f *fixture) apiTreatedRisk(ownerID string) isms.Risk {
	f.t.Helper()
	k, err := f.svc.TreatRisk(context.Background(), f.op, f.apiRisk(ownerID).ID, app.TreatmentInput{Treatment: "mitigate",
		Controls: []string{"iso27001-2022:A.8.28"}, ResidualLikelihood: 1, ResidualImpact: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	return k
}

// apiAction adds a step, owned by ownerID, to a risk owned by ownerID, and
// returns the risk's and the step's ids.
func (f *fixture) apiAction(ownerID string) (string, string) {
	f.t.Helper()
	k := f.apiRisk(ownerID)
	act, err := f.svc.AddRiskAction(context.Background(), f.op, k.ID, app.ActionInput{Description: "Filter prompts", OwnerID: ownerID})
	if err != nil {
		f.t.Fatal(err)
	}
	return k.ID, act.ID
}

// apiRiskOwner is who owns the risk a caller decides on: the caller,
// when they may own records in acme (every role but auditor), and
// otherwise a fresh viewer, so that the caller is not the owner.
func (f *fixture) apiRiskOwner(c *principal) string {
	f.t.Helper()
	if c.nobody || c.outsider || c.role == isms.RoleAuditor {
		return f.target().ID
	}
	m, err := f.svc.DB().MemberByUser(context.Background(), f.orgID, c.user.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return m.ID
}

// apiContextDraft saves a complete context as the draft, so that it can
// be approved, and returns the draft's id.
func (f *fixture) apiContextDraft() string {
	f.t.Helper()
	no := false
	v, err := f.svc.SaveContext(context.Background(), f.op, isms.Context{Scope: "Acme's platform " + f.unique(),
		Included: []isms.ScopeEntry{{Name: "Platform"}}, InternalIssues: []isms.ContextIssue{{Issue: "Small team"}},
		ExternalIssues: []isms.ContextIssue{{Issue: "Regulation"}}, ClimateRelevant: &no,
		InterestedParties: []isms.InterestedParty{{Name: "Customers", Requirements: "Availability"}}, ObjectivesOwnerID: f.target().ID})
	if err != nil {
		f.t.Fatal(err)
	}
	return v.ID
}

// apiMethodologyDraft saves the default methodology as the draft, so that
// approving it leaves the scales every risk rule rates on.
func (f *fixture) apiMethodologyDraft() string {
	f.t.Helper()
	v, err := f.svc.SaveMethodology(context.Background(), f.op, isms.DefaultMethodology())
	if err != nil {
		f.t.Fatal(err)
	}
	return v.ID
}

// apiMethodologyBody is the default methodology as a PUT body.
func apiMethodologyBody() string {
	b, err := json.Marshal(isms.DefaultMethodology())
	if err != nil {
		panic(err)
	}
	return string(b)
}
