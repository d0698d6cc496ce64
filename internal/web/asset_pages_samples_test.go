package web

import (
	"time"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// assetPageSamples are the pages of the asset inventory, the ISMS context
// and the risk methodology for TestEveryTemplateRenders, filled and empty.
func assetPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	owner := isms.Member{ID: "m1", Name: "Priya", Email: "priya@helix.example", Role: isms.RoleISMSManager}
	folks := people{Eligible: []isms.Member{owner}, byID: map[string]isms.Member{"m1": owner}}
	model := store.StoredAsset{Asset: isms.Asset{ID: "a1", Name: "helix-chat-70b", Type: isms.AssetModel, Description: "Chat model.\nSecond line.",
		OwnerID: "m1", CustodianID: "gone", Classification: "confidential", Confidentiality: 4, Integrity: 5, Lifecycle: isms.LifecycleRetired,
		DisposalDate: &now, DisposalMethod: "deleted", Tags: []string{"llm", "customer-facing"}, Attributes: map[string]string{"version": "2", "odd": "x"},
		SourceKey: "pkg:huggingface/helix/chat", CreatedAt: now, UpdatedAt: now}, ModelCard: "Task: text generation\nLimitations: many"}
	data := store.StoredAsset{Asset: isms.Asset{ID: "a2", Name: "support-tickets", Type: isms.AssetDataset, Lifecycle: isms.LifecycleInProduction}}
	server := store.StoredAsset{Asset: isms.Asset{ID: "a3", Name: "gpu-cluster with a very long name indeed", Type: isms.AssetServer}}
	graph := app.AssetGraph{Center: "a1", Assets: []store.StoredAsset{model, data, server}, Relations: []isms.AssetRelation{
		{ID: "r1", FromID: "a1", ToID: "a2", Kind: isms.RelTrainedOn}, {ID: "r2", FromID: "a2", ToID: "a1", Kind: isms.RelUses},
		{ID: "r3", FromID: "a2", ToID: "a3", Kind: isms.RelRunsOn}}}
	risks := app.RiskPage{Total: 2, Risks: []app.RiskRow{
		{Risk: isms.Risk{ID: "k1", RefNum: 1, Title: "Poisoning"}, Inherent: isms.RiskLevel{Name: "high", Color: "#e0702b"}, Residual: isms.RiskLevel{Name: "low", Color: "#2f9e6b"}},
		{Risk: isms.Risk{ID: "k2", RefNum: 2, Title: "Theft"}}}}

	form := assetFormOf(model.Asset)
	imported := &app.AssetImport{Format: aibom.FormatCycloneDXJSON, Created: 2, Updated: 1, Unchanged: 3, Relations: 1, Unresolved: 1,
		Warnings: []string{"bom.json:12: 3 libraries left out"}, Assets: []store.StoredAsset{model, data}}
	dry := *imported
	dry.DryRun = true

	c := isms.Context{Scope: "Helix AI's model platform", Boundaries: "b", Locations: []string{"London", "eu-west-1"},
		Included: []isms.ScopeEntry{{Name: "Platform"}}, Excluded: []isms.ScopeEntry{{Name: "Office Wi-Fi", Reason: "guests only"}},
		InternalIssues: []isms.ContextIssue{{Issue: "Small team", Effect: "e"}}, ExternalIssues: []isms.ContextIssue{{Issue: "EU AI Act"}},
		ClimateRelevant: new(false), ClimateNotes: "n", InterestedParties: []isms.InterestedParty{{Name: "Customers", Requirements: "r", AddressedBy: "a"}},
		ObjectivesOwnerID: "m1"}
	approved := &app.ContextVersion{Version: isms.Version{ID: "c1", Number: 1, Status: isms.StatusApproved, CreatedBy: "m1", CreatedAt: now, UpdatedAt: now.Add(time.Hour),
		ApprovedBy: "m1", ApprovedAt: &now}, Context: c}
	draft := &app.ContextVersion{Version: isms.Version{ID: "c2", Number: 2, Status: isms.StatusDraft, CreatedBy: "cli:ops", CreatedAt: now, UpdatedAt: now}}
	versions := []isms.Version{draft.Version, approved.Version, {ID: "c0", Number: 0, Status: isms.StatusSuperseded}}
	cform := contextFormOf(c)

	m := isms.DefaultMethodology()
	current := app.MethodologyVersion{Version: isms.Version{ID: "mv1", Number: 1, Status: isms.StatusApproved, CreatedBy: "m1", CreatedAt: now, ApprovedBy: "m1", ApprovedAt: &now}, Methodology: m}
	odd := m
	odd.Matrix = [][]int{{0, 9}}
	mdraft := app.MethodologyVersion{Version: isms.Version{ID: "mv2", Number: 2, Status: isms.StatusDraft, CreatedAt: now}, Methodology: odd}
	mdefault := app.MethodologyVersion{Version: isms.Version{Status: isms.StatusApproved}, Methodology: m}
	mpage := func(show *methodologyView, tab string) *methodologyPage {
		return &methodologyPage{Page: frame("Methodology"), Current: viewMethodology(current), Draft: viewMethodology(mdraft), Show: show, Tab: tab,
			Versions: []isms.Version{mdraft.Version, current.Version}, Use: map[string]int{"mv1": 3}, People: folks,
			Problems: []fieldProblem{{Field: "Matrix", Detail: "bad"}}}
	}

	return map[string][]basePage{
		"assets": {&assetsPage{Page: frame("Assets"), Assets: []store.StoredAsset{model, data}, Total: 120, NextURL: "/o/helix-ai/assets?cursor=x",
			FirstURL: "/o/helix-ai/assets", Filter: isms.AssetFilter{Type: isms.AssetModel, OwnerID: "m1", Classification: "internal", Lifecycle: isms.LifecycleRetired, Tag: "llm", Query: "chat"},
			Types: assetTypeGroups(), Classifications: isms.DefaultClassifications, Lifecycles: isms.Lifecycles, People: folks,
			ExportCSV: "/o/helix-ai/assets/export?format=csv", ExportXLSX: "/o/helix-ai/assets/export?format=xlsx", Filtered: true},
			&assetsPage{Page: frame("Assets"), Total: 0}},
		"asset": {&assetPage{Page: frame("Asset"), Asset: model, People: folks, Graph: layoutGraph(graph, func(id string) string { return "/x/" + id }),
			Outgoing: []relationRow{{ID: "r1", Kind: isms.RelTrainedOn, Other: data}}, Incoming: []relationRow{{ID: "r2", Kind: isms.RelUses, Other: data}},
			Risks: risks, Targets: []store.StoredAsset{data, server}, TargetQuery: "s", Kinds: isms.RelationKinds, MayEdit: true,
			Notice: assetNotice{Delete: "in scope of 2 risks", Relation: "not added", Kind: "uses", Target: "a2", Incoming: true}},
			&assetPage{Page: frame("Asset"), Asset: data}},
		"asset_form": {&assetFormPage{Page: frame("Edit"), Asset: &model, Form: form, Errors: map[string]string{"name": "required", "attributes.version": "too long",
			"confidentiality": "bad", "disposal_date": "bad", "tags": "bad", "owner_id": "not a member"}, Types: assetTypeGroups(), AllTypes: isms.AssetTypes,
			Classifications: isms.DefaultClassifications, Lifecycles: isms.Lifecycles, People: folks, Ratings: []int{0, 1, 2, 3, 4, 5}, RatingLabels: ratingLabels, MayAssign: true},
			&assetFormPage{Page: frame("New"), Form: assetForm{Type: "model"}, Types: assetTypeGroups(), AllTypes: isms.AssetTypes,
				Ratings: []int{0, 1, 2, 3, 4, 5}, RatingLabels: ratingLabels}},
		"asset_import": {&assetImportPage{Page: frame("Import"), Formats: assetFormatOptions, Format: "cyclonedx", FileName: "bom.json", Result: imported,
			FormatName: "CycloneDX JSON", Types: isms.AssetTypes, Kinds: isms.RelationKinds},
			&assetImportPage{Page: frame("Import"), Formats: assetFormatOptions, FileName: "bom.json", Result: &dry},
			&assetImportPage{Page: frame("Import"), FileName: "a.csv", Problems: aibom.Problems{{File: "a.csv", Line: 3, Field: "type", Message: "bad"}, {File: "a.csv", Message: "empty"}},
				Error: "format: bad"}},
		"context": {&contextPage{Page: frame("Context"), Approved: viewContext(approved), Draft: viewContext(draft), Show: viewContext(approved), Versions: versions, People: folks, Error: "no"},
			&contextPage{Page: frame("Context"), Approved: viewContext(approved), Draft: viewContext(draft), Show: viewContext(draft), Versions: versions, People: folks},
			&contextPage{Page: frame("Context"), Show: viewContext(approved), Single: true, Versions: versions, People: folks},
			&contextPage{Page: frame("Context")}},
		"context_form": {&contextFormPage{Page: frame("Edit context"), Form: cform, People: folks, Basis: "b",
			Errors:    map[string]string{"scope": "required", "included": "name one", "excluded[0].reason": "say why", "internal_issues": "record", "internal_issues[0].issue": "required", "interested_parties[0].requirements": "say", "climate_relevant": "decide", "objectives_owner_id": "x"},
			Approving: []fieldProblem{{Field: "Scope statement", Detail: "required"}}},
			&contextFormPage{Page: frame("Edit context"), Form: contextFormOf(isms.Context{ObjectivesOwnerID: "gone"}), People: folks}},
		"methodology": {mpage(viewMethodology(current), "current"), mpage(viewMethodology(mdraft), "draft"), mpage(viewMethodology(current), "version"),
			&methodologyPage{Page: frame("Methodology"), Current: viewMethodology(mdefault), Show: viewMethodology(mdefault), Tab: "current"}},
		"methodology_form": {methodologyFormSample(frame, m, map[string]string{"likelihood[0].label": "required", "levels[1].name": "bad", "levels[0].accept_roles": "name",
			"matrix[0][1]": "is not a risk level", "matrix": "rows", "impact": "needs 3 to 7", "levels": "2 to 6"}, true),
			methodologyFormSample(frame, isms.Methodology{Likelihood: resizeScale(nil, 3), Impact: resizeScale(nil, 4), Matrix: resizeMatrix(nil, 3, 4)}, nil, false)},
	}
}

func methodologyFormSample(frame func(string) Page, m isms.Methodology, errs map[string]string, applied bool) *methodologyFormPage {
	page := newMethodologyForm(m, errs, applied)
	page.Page, page.Basis = frame("Edit methodology"), "b"
	return page
}
