package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/obligation"
	"github.com/isms-dev/isms/internal/store"
)

// obligationPageSamples are the pages of the obligations register for
// TestEveryTemplateRenders, filled and empty.
func obligationPageSamples(frame func(string) Page) map[string][]basePage {
	review := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	o := isms.Obligation{ID: "ob1", RefNum: 1, Kind: isms.ObligationRegulatory, Title: "Robustness of high-risk AI systems",
		Source: "AI Act Article 15", SourceURL: "https://eur-lex.europa.eu/eli/reg/2024/1689/oj", Jurisdiction: "EU", OwnerID: "m1",
		Applicability: "Our triage model is high-risk.\nSecond line.", AIRiskClass: isms.AIHighRisk, AssetIDs: []string{"a1"},
		Controls: []string{"iso27001-2022:A.8.25"}, ReviewDate: &review, Status: isms.ObligationApplicable}
	na := isms.Obligation{ID: "ob2", RefNum: 2, Kind: isms.ObligationStatutory, Title: "NIS2 measures", Source: "NIS2 Article 21",
		Status: isms.ObligationNotApplicable, NotApplicableReason: "Below the size thresholds."}
	member := isms.Member{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}
	ppl := people{Eligible: []isms.Member{member}, byID: map[string]isms.Member{"m1": member}}
	viewer := frame("Obligations")
	viewer.Role = isms.RoleViewer
	return map[string][]basePage{
		"obligations": {
			&obligationsPage{Page: frame("Obligations"), Rows: []obligationRow{{Obligation: o, Link: "/o1", Overdue: true}, {Obligation: na, Link: "/o2"}},
				Total: 2, NextURL: "/n", FirstURL: "/f", Filter: isms.ObligationFilter{Kind: isms.ObligationLegal, Overdue: true, Query: "gdpr"},
				Filtered: true, People: ppl, Kinds: isms.ObligationKinds, Statuses: isms.ObligationStatuses, Classes: isms.AIRiskClasses,
				ExportCSV: "/e.csv", ExportXLSX: "/e.xlsx", Starters: app.ObligationStarters()},
			&obligationsPage{Page: viewer},
		},
		"obligation": {
			&obligationPage{Page: frame("OB-001"), Obligation: o, Owner: "Priya", Overdue: true,
				Controls: []obligationControl{{Ref: "iso27001-2022:A.8.25", Link: "/c"}}, Assets: []obligationAsset{{Name: "triage", Link: "/a1"}},
				HistoryLink: "/h"},
			&obligationPage{Page: viewer, Obligation: na},
		},
		"obligation_form": {
			&obligationFormPage{Page: frame("Edit OB-001"), Obligation: &o, Form: obligationFormOf(o), People: ppl,
				Errors: map[string]string{"title": "is required", "controls": "bad"}, Kinds: isms.ObligationKinds,
				Statuses: isms.ObligationStatuses, Classes: isms.AIRiskClasses,
				AIAssets: []store.AssetLabel{{ID: "a1", Name: "triage", Type: isms.AssetAISystem}}},
			&obligationFormPage{Page: frame("New obligation")},
		},
		"obligation_import": {
			&obligationImportPage{Page: frame("Import"), FileName: "r.csv", Columns: obligation.Columns,
				Problems: obligation.Problems{{File: "r.csv", Line: 2, Field: "kind", Message: "bad"}}, Error: "Choose a file.",
				Result: &app.ObligationImport{Created: 1, Obligations: []isms.Obligation{o}}},
			&obligationImportPage{Page: frame("Import"), Result: &app.ObligationImport{DryRun: true, Created: 2}},
			&obligationImportPage{Page: frame("Import")},
		},
	}
}
