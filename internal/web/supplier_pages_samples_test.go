package web

import (
	"net/url"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
	"github.com/isms-dev/isms/internal/supplier"
)

// supplierPageSamples are the pages of the supplier register for
// TestEveryTemplateRenders, filled and empty, and the control page with
// the register's figures.
func supplierPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	reviewed := now.AddDate(0, -4, 0)
	gpu := isms.Supplier{ID: "s1", Name: "Lattice GPU Cloud", Kind: isms.SupplierCloud, Services: "H100 training cluster", Criticality: isms.CriticalityCritical,
		Status: isms.SupplierActive, OwnerID: "m1", Website: "https://lattice.example", Contact: "security@lattice.example",
		DataShared: []isms.DataCategory{isms.DataTraining, isms.DataModelWeights}, DataLocation: "EU", Clauses: []string{isms.ClauseIncidentNotification},
		IncidentHours: 24, ContractEnds: &now, ReviewCadence: isms.Quarterly, LastReviewed: &reviewed, CreatedAt: now, UpdatedAt: now}
	flags := []isms.Flag{{Kind: isms.FlagNoExitPlan, Detail: "a critical supplier needs a plan for leaving it"},
		{Kind: isms.FlagCertExpiring, Detail: "the SOC 2 Type II report lapses soon"}}
	ended := isms.Supplier{ID: "s2", Name: "Old Labels", Kind: isms.SupplierDataVendor, Criticality: isms.CriticalityLow, Status: isms.SupplierEnded,
		ReviewCadence: isms.Yearly, CreatedAt: now}
	cert := isms.Certification{ID: "c1", Kind: isms.CertSOC2Type2, Reference: "2025-10 to 2026-09", Issuer: "An audit firm", Scope: "GPU cloud",
		IssuedOn: &reviewed, ValidUntil: now.AddDate(0, 0, 20)}
	assessment := isms.Assessment{ID: "x1", AssessedOn: reviewed, Assessor: "Dana", Result: isms.AssessmentConditions, Summary: "Keys by June.",
		Answers: []isms.Answer{{Question: isms.AssessmentQuestions[0], Answer: "SOC 2 Type II"}}}
	detail := app.SupplierDetail{SupplierRow: app.SupplierRow{Supplier: gpu, Flags: flags, Assets: 1, Latest: &assessment},
		Certifications: []isms.Certification{cert}, Assessments: []isms.Assessment{assessment},
		Assets: []app.LinkedAsset{{AssetLabel: store.AssetLabel{ID: "a1", Name: "train-cluster", Type: isms.AssetComputeCluster}, LinkID: "l1"}}}
	full := &supplierPage{Page: frame(gpu.Name), supplierChoices: choices, Detail: detail, Owner: "Dana",
		Certs:    []certView{{Certification: cert, State: "expiring", Countdown: "20 days left", Current: true}},
		Clauses:  []clauseView{{Clause: isms.Clauses[0], Expected: true}, {Clause: isms.Clauses[3], Held: true, Expected: true}, {Clause: isms.Clauses[7]}},
		Controls: []controlView{{Cite: "A.5.19", Title: controlTitles["iso27001-2022:A.5.19"], Link: "/c"}}, NextDue: "2026-10-29", Overdue: true,
		CanEdit: true, Options: []store.AssetLabel{{ID: "a2", Name: "chat-api", Type: isms.AssetInferenceEndpoint}}, CertKinds: isms.CertificationKinds,
		Results: isms.AssessmentResults, Questions: isms.AssessmentQuestions, ExtraRows: []int{9, 10}, Today: "2026-11-29",
		Errors: map[string]string{"valid_until": "is required"}, Form: url.Values{"kind": {"iso27001"}, "answer_0": {"yes"}}}
	bare := &supplierPage{Page: frame(ended.Name), supplierChoices: choices, Detail: app.SupplierDetail{SupplierRow: app.SupplierRow{Supplier: ended}}}
	metrics := &supplierMetricsView{SupplierMetrics: app.SupplierMetrics{Total: 4, Active: 3, Critical: 1, Flagged: 2, Assessed: 2, CertsCurrent: 1,
		ByFlag: map[isms.FlagKind]int{isms.FlagNoExitPlan: 1}}, Register: "/s", FlaggedLink: "/s?flagged=1",
		Flags: []flagCount{{Kind: isms.FlagNoExitPlan, Count: 1, Link: "/s?flag=no_exit_plan"}}}
	const ref = "iso27001-2022:A.5.19"
	return map[string][]basePage{
		"suppliers": {
			&suppliersPage{Page: frame("Suppliers"), supplierChoices: choices, Rows: []app.SupplierRow{{Supplier: gpu, Flags: flags}, {Supplier: ended}},
				Total: 2, Flagged: 1, Filter: isms.SupplierFilter{Kind: isms.SupplierCloud, Flagged: true, Query: "gpu"}, Filtered: true,
				NextURL: "/s?cursor=x", FirstURL: "/s", ExportCSV: "/e.csv", ExportXLSX: "/e.xlsx"},
			&suppliersPage{Page: frame("Suppliers"), supplierChoices: choices},
		},
		"supplier": {full, bare},
		"supplier_form": {
			&supplierFormPage{Page: frame("New supplier"), supplierChoices: choices, Form: supplierFormOf(gpu),
				Errors: map[string]string{"name": "is required", "incident_hours": "needs the clause"}},
			&supplierFormPage{Page: frame("Edit"), supplierChoices: choices, Supplier: &gpu, Form: supplierForm{Kind: "cloud"}},
		},
		"supplier_import": {
			&supplierImportPage{Page: frame("Import suppliers"), Columns: supplier.Columns, FileName: "s.csv",
				Problems: supplier.Problems{{File: "s.csv", Line: 3, Field: "criticality", Message: "is not a criticality"}}},
			&supplierImportPage{Page: frame("Import suppliers"), Columns: supplier.Columns, FileName: "s.csv",
				Result: &app.SupplierImport{Created: []string{"A"}, Updated: []string{"B"}, DryRun: true}},
			&supplierImportPage{Page: frame("Import suppliers"), Columns: supplier.Columns, Error: "Choose a CSV file to upload."},
		},
		"control": {&controlPage{Page: frame("A.5.19"), Ref: ref, Entry: soa.Entry{Control: ref}, Cite: "A.5.19", Freshness: freshnessNone,
			Suppliers: metrics}},
	}
}
