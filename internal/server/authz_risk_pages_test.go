package server_test

import (
	"context"
	"net/url"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the risk register's pages: each call gets its
// own, made by the operator.

const riskPageThreat = "owasp-llm-top10-2025:LLM01:2025"

// riskPageRisk adds a risk owned by ownerID, or by a fresh member when
// empty; treated, it is ready for its owner's decisions.
func (f *fixture) riskPageRisk(ownerID string, treated bool) isms.Risk {
	f.t.Helper()
	ctx := context.Background()
	if ownerID == "" {
		ownerID = f.target().ID
	}
	k, err := f.svc.CreateRisk(ctx, f.op, app.RiskInput{Title: "Page risk " + f.unique(), ThreatRef: riskPageThreat, AffectsC: true,
		InherentLikelihood: 2, InherentImpact: 2, OwnerID: ownerID})
	if err != nil {
		f.t.Fatal(err)
	}
	if treated {
		if k, err = f.svc.TreatRisk(ctx, f.op, k.ID, app.TreatmentInput{Treatment: "accept"}); err != nil {
			f.t.Fatal(err)
		}
	}
	return k
}

// riskPagePath is the path of a fresh risk's page, or below it.
func (f *fixture) riskPagePath(parts ...string) string {
	path := "/o/acme/risks/" + f.riskPageRisk("", false).Ref()
	for _, p := range parts {
		path += "/" + p
	}
	return path
}

// riskPageCallerRisk adds a treated risk that the caller owns when they
// may own one (members of acme but auditors), else a fresh member does.
func (f *fixture) riskPageCallerRisk(c *principal) isms.Risk {
	f.t.Helper()
	owner := ""
	if !c.nobody && !c.outsider && c.role != isms.RoleAuditor {
		list, _, err := f.svc.ListMembers(context.Background(), f.op, isms.MemberFilter{Query: c.user.Email})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, m := range list {
			if m.Email == c.user.Email {
				owner = m.ID
			}
		}
	}
	return f.riskPageRisk(owner, true)
}

// riskPageAction adds an action of a fresh member to a fresh risk.
func (f *fixture) riskPageAction() (isms.Risk, string) {
	f.t.Helper()
	k := f.riskPageRisk("", false)
	act, err := f.svc.AddRiskAction(context.Background(), f.op, k.ID, app.ActionInput{Description: "Do it", OwnerID: f.target().ID})
	if err != nil {
		f.t.Fatal(err)
	}
	return k, act.ID
}

// riskPageAsset adds an internet-facing LLM endpoint with an owner, which
// the suggestions cover with prompt injection.
func (f *fixture) riskPageAsset() string {
	f.t.Helper()
	a, err := f.svc.CreateAsset(context.Background(), f.op, isms.Asset{Name: "Page endpoint " + f.unique(), Type: isms.AssetInferenceEndpoint,
		OwnerID: f.target().ID, Attributes: map[string]string{"interface": "llm", "exposure": "internet"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID
}

// riskPageForm is the assessment form for a new risk owned by ownerID.
func riskPageForm(ownerID string) url.Values {
	return url.Values{"title": {"UI risk"}, "threat_ref": {riskPageThreat}, "affects_c": {"1"},
		"inherent_likelihood": {"3"}, "inherent_impact": {"3"}, "owner_id": {ownerID}, "review_date": {"2031-01-31"}}
}

func riskPagePost(path string, form url.Values) call {
	return call{method: "POST", path: path, form: form}
}
