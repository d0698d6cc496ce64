package soa

import (
	"slices"
	"testing"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

// TestObligationsIncludeControls checks that an applicable obligation
// includes the controls that meet it, with itself as a legal or
// contractual reason, in the 2022 statement and, through the mapping, in
// the 2013 one; and that excluding such a control is flagged.
func TestObligationsIncludeControls(t *testing.T) {
	ref := func(id string) string { return framework.ISO27001v2022 + ":" + id }
	reqs := []Requirement{
		{Control: ref("A.5.34"), Kind: isms.ReasonLegal, Ref: "OB-001", Title: "Security of processing", URL: "/o/x/obligations/1"},
		{Control: ref("A.5.34"), Kind: isms.ReasonContractual, Ref: "OB-002", Title: "Customer DPA", URL: "/o/x/obligations/2"},
		{Control: ref("A.5.23"), Kind: isms.ReasonLegal, Ref: "OB-003", Title: "Cloud rules", URL: "/o/x/obligations/3"},
		{Control: "not a ref", Kind: isms.ReasonLegal, Ref: "OB-004", Title: "Ignored"},
	}
	tests := []struct {
		fw         string
		privacy    string
		wantKinds  []string
		excludedID string
	}{
		{framework.ISO27001v2022, "A.5.34", []string{"legal", "contractual"}, "A.5.23"},
		{framework.ISO27001v2013, "A.18.1.4", []string{"legal", "contractual"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.fw, func(t *testing.T) {
			in := fixtureInput(t, tt.fw)
			in.Requirements = reqs
			doc := Build(in)
			e := entry(t, doc, tt.privacy)
			var kinds []string
			for _, r := range e.Reasons {
				kinds = append(kinds, r.Kind)
			}
			if e.Applicability != isms.Included || !e.Derived || !slices.Equal(kinds, tt.wantKinds) || len(e.Flags) != 0 {
				t.Errorf("%s: applicability %q derived %v reasons %v flags %v; want included by both obligations",
					tt.privacy, e.Applicability, e.Derived, kinds, e.Flags)
			}
			if tt.excludedID == "" {
				return
			}
			cloud := entry(t, doc, tt.excludedID)
			var flagged []FlagKind
			for _, f := range cloud.Flags {
				flagged = append(flagged, f.Kind)
			}
			// The fixture's R-003 selects it too; the risk's flag comes
			// first, so take the risk away to see the obligation's.
			in.Selections = slices.DeleteFunc(slices.Clone(in.Selections), func(s Selection) bool { return s.RiskRef == "R-003" })
			cloud = entry(t, Build(in), tt.excludedID)
			if len(cloud.Flags) != 1 || cloud.Flags[0].Kind != FlagExcludedButRequired || cloud.Applicability != isms.Excluded {
				t.Errorf("%s excluded against OB-003: flags %+v (with the risk: %v)", tt.excludedID, cloud.Flags, flagged)
			}
		})
	}
}

func entry(t *testing.T, doc Document, id string) Entry {
	t.Helper()
	for _, e := range doc.Entries {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entry %s", id)
	return Entry{}
}
