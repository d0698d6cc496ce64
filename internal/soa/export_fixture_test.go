package soa

import (
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

var (
	fixtureNow        = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	fixtureApprovedAt = time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
)

// Texts a spreadsheet evaluates unless they are neutralised. The fixture
// puts them in every free-text field an export writes.
var hostile = []string{`=HYPERLINK("http://x","y")`, "@SUM(1)", "+1", "-1", "\tx", "\rx"}

// annexControls is how many Annex A controls each edition has.
var annexControls = map[string]int{framework.ISO27001v2022: 93, framework.ISO27001v2013: 114}

func builtin(t testing.TB) *framework.Library {
	t.Helper()
	lib, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// fixtureInput is a small organisation's records: a control included for
// a legal reason and implemented with current evidence, one excluded with
// a justification, one selected by a risk and so included without a
// decision, one implemented with only stale evidence, one excluded although
// a risk selects it, and one control of its own. The records name 2022
// controls; a 2013 statement gets the risks' selections through the
// mapping between the editions.
func fixtureInput(t testing.TB, fwID string) Input {
	t.Helper()
	lib := builtin(t)
	fw, ok := lib.Framework(fwID)
	if !ok {
		t.Fatalf("no framework %s", fwID)
	}
	ref := func(id string) string { return framework.ISO27001v2022 + ":" + id }
	record := func(id, control string, a isms.Applicability, s isms.ImplementationStatus) isms.Control {
		return isms.Control{ID: id, Control: control, Applicability: a, Status: s, EvidenceCadence: isms.Quarterly}
	}
	policies := record("c-policies", ref("A.5.1"), isms.Included, isms.Implemented)
	policies.OwnerID, policies.Implementation = "m-hostile", hostile[0]
	intel := record("c-intel", ref("A.5.7"), isms.Excluded, isms.NotStarted)
	intel.ExclusionReason = hostile[5]
	cloud := record("c-cloud", ref("A.5.23"), isms.Excluded, isms.NotStarted)
	cloud.ExclusionReason = "All processing stays on our own hardware."
	monitoring := record("c-monitoring", ref("A.8.16"), isms.Included, isms.Implemented)
	monitoring.OwnerID = "m-ana"
	monitoring.Implementation = "Cluster egress and API access are logged centrally.\nAlerts page the on-call engineer."
	vuln := record("c-vuln", ref("A.8.8"), isms.Undecided, isms.PartiallyImplemented)
	custom := isms.Control{ID: "c-ai01", Control: "org:AI-01", Title: "Model card review before release",
		Applicability: isms.Included, Status: isms.Planned, OwnerID: "m-ana", Implementation: hostile[2]}

	period := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	return Input{
		Org:       isms.Organization{ID: "o1", Slug: "helix-ai", Name: "Helix AI Ltd"},
		Framework: fw,
		Library:   lib,
		Controls: map[string]isms.Control{
			policies.Control: policies, intel.Control: intel, cloud.Control: cloud,
			monitoring.Control: monitoring, vuln.Control: vuln,
		},
		Custom: []isms.Control{custom},
		Reasons: map[string][]isms.ControlReason{
			policies.ID: {{ID: "r-gdpr", Kind: isms.ReasonLegal, Title: hostile[3], URL: "https://example.com/gdpr"}},
			monitoring.ID: {{ID: "r-msa", Kind: isms.ReasonContractual, Title: "Customer MSA, clause 9 (logging)",
				URL: "https://example.com/msa"}},
			custom.ID: {{ID: "r-board", Kind: isms.ReasonBusiness, Title: "Board decision on model releases",
				URL: "/docs/board"}},
		},
		Selections: []Selection{
			{Control: ref("A.8.8"), RiskRef: "R-001", Title: "Unpatched inference servers", URL: "/risks/1"},
			{Control: ref("A.8.16"), RiskRef: "R-002", Title: "Model weights exfiltration", URL: "/risks/2"},
			{Control: ref("A.5.23"), RiskRef: "R-003", Title: hostile[1], URL: "/risks/3"},
		},
		Evidence: map[string][]isms.Evidence{
			policies.Control: {
				{ID: "e1", Kind: isms.EvidenceFile, Title: hostile[4], PeriodEnd: period(2026, 10, 31), SHA256: "ab12"},
				{ID: "e2", Kind: isms.EvidenceLink, Title: hostile[1], PeriodEnd: period(2026, 9, 1), URL: "https://example.com"},
			},
			monitoring.Control: {
				{ID: "e3", Kind: isms.EvidenceRecord, Title: "Alert review, first quarter", PeriodEnd: period(2026, 3, 31)},
			},
			custom.Control: {
				{ID: "e4", Kind: isms.EvidenceRecord, Title: hostile[0], PeriodEnd: period(2026, 11, 1)},
			},
		},
		Owners: map[string]string{"m-hostile": hostile[1], "m-ana": "Ana Lima"},
		Now:    fixtureNow,
	}
}

// fixture is the statement of the fixture's records, approved as version 2.
func fixture(t testing.TB, fwID string) Document {
	t.Helper()
	d := Build(fixtureInput(t, fwID))
	d.Version, d.ApprovedBy, d.ApprovedAt = 2, "Tomás Ortega", &fixtureApprovedAt
	d.Note = "Second version: " + hostile[0]
	d.History = []VersionInfo{
		{Version: 1, ApprovedBy: "Tomás Ortega", ApprovedAt: time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC),
			Note: "First statement", ContentHash: "3f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"},
		{Version: 2, ApprovedBy: "Tomás Ortega", ApprovedAt: fixtureApprovedAt, Note: d.Note,
			ContentHash: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"},
	}
	return d
}
