package server_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the asset, context and methodology pages:
// each call gets its own, made by the operator.

// pageAsset adds an asset to act on.
func (f *fixture) pageAsset() string {
	f.t.Helper()
	a, err := f.svc.CreateAsset(context.Background(), f.op, isms.Asset{Name: "Page asset " + f.unique(), Type: isms.AssetModel})
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID
}

// pageRelation links two fresh assets and returns the first and the
// relation.
func (f *fixture) pageRelation() (string, string) {
	f.t.Helper()
	from, to := f.pageAsset(), f.pageAsset()
	rel, err := f.svc.AddAssetRelation(context.Background(), f.op, app.RelationInput{FromID: from, Kind: "uses", ToID: to})
	if err != nil {
		f.t.Fatal(err)
	}
	return from, rel.ID
}

// pageContextDraft saves a complete context as the draft, so that it can
// be approved, and returns the draft's id.
func (f *fixture) pageContextDraft() string {
	f.t.Helper()
	no := false
	c := isms.Context{Scope: "Acme's platform", Included: []isms.ScopeEntry{{Name: "Platform"}},
		InternalIssues: []isms.ContextIssue{{Issue: "Small team"}}, ExternalIssues: []isms.ContextIssue{{Issue: "Regulation"}},
		ClimateRelevant: &no, InterestedParties: []isms.InterestedParty{{Name: "Customers", Requirements: "Availability"}},
		ObjectivesOwnerID: f.target().ID}
	v, err := f.svc.SaveContext(context.Background(), f.op, c)
	if err != nil {
		f.t.Fatal(err)
	}
	return v.ID
}

// pageMethodologyDraft saves the default methodology as the draft.
func (f *fixture) pageMethodologyDraft() string {
	f.t.Helper()
	v, err := f.svc.SaveMethodology(context.Background(), f.op, isms.DefaultMethodology())
	if err != nil {
		f.t.Fatal(err)
	}
	return v.ID
}

// methodologyPageForm is the methodology editor's form for the default
// methodology.
func methodologyPageForm() url.Values {
	m := isms.DefaultMethodology()
	form := url.Values{"likelihood_levels": {fmt.Sprint(len(m.Likelihood))}, "impact_levels": {fmt.Sprint(len(m.Impact))}, "notes": {m.Notes}}
	for prefix, scale := range map[string][]isms.Scale{"likelihood": m.Likelihood, "impact": m.Impact} {
		for i, s := range scale {
			form.Set(fmt.Sprintf("%s.%d.label", prefix, i), s.Label)
			form.Set(fmt.Sprintf("%s.%d.criteria", prefix, i), s.Criteria)
		}
	}
	for i, l := range m.Levels {
		form.Set(fmt.Sprintf("levels.%d.name", i), l.Name)
		form.Set(fmt.Sprintf("levels.%d.color", i), l.Color)
		if l.Acceptable {
			form.Set(fmt.Sprintf("levels.%d.acceptable", i), "1")
		}
		for _, r := range l.AcceptRoles {
			form.Add(fmt.Sprintf("levels.%d.roles", i), string(r))
		}
	}
	for l, row := range m.Matrix {
		for i, cell := range row {
			form.Set(fmt.Sprintf("matrix.%d.%d", l, i), fmt.Sprint(cell))
		}
	}
	return form
}
