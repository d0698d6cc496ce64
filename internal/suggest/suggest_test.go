package suggest

import (
	"slices"
	"testing"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

func TestEveryThreatIsInTheLibrary(t *testing.T) {
	lib, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range Threats() {
		r, err := framework.ParseRef(ref)
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		_, item, ok := lib.Resolve(r)
		if !ok {
			t.Errorf("%s is not in the built-in library", ref)
			continue
		}
		if item.Kind != framework.ItemThreat {
			t.Errorf("%s is a %s, not a threat", ref, item.Kind)
		}
	}
}

func TestEveryAssetTypeGetsSuggestions(t *testing.T) {
	for _, info := range isms.AssetTypes {
		if len(For(isms.Asset{Type: info.Type})) == 0 {
			t.Errorf("no suggestions for a %s", info.Type)
		}
	}
}

func TestSuggestionsFitTheAsset(t *testing.T) {
	for _, tc := range []struct {
		name    string
		asset   isms.Asset
		want    []string
		notWant []string
	}{
		{"internet LLM endpoint", isms.Asset{Type: isms.AssetInferenceEndpoint, Attributes: map[string]string{"interface": "llm", "exposure": "internet"}},
			[]string{llm + ":LLM01:2025", llm + ":LLM02:2025", ml + ":ML05:2023", llm + ":LLM10:2025", infosec + ":TH-UNA-07"}, []string{ml + ":ML01:2023"}},
		{"internal prediction endpoint", isms.Asset{Type: isms.AssetInferenceEndpoint, Attributes: map[string]string{"interface": "prediction", "exposure": "internal"}},
			[]string{ml + ":ML01:2023", ml + ":ML05:2023"}, []string{llm + ":LLM01:2025", infosec + ":TH-UNA-07"}},
		{"training dataset", isms.Asset{Type: isms.AssetDataset, Attributes: map[string]string{"purpose": "training"}},
			[]string{ml + ":ML02:2023", infosec + ":TH-COM-02"}, []string{ml + ":ML08:2023"}},
		{"model", isms.Asset{Type: isms.AssetModel},
			[]string{ml + ":ML05:2023", ml + ":ML03:2023", ml + ":ML04:2023", ml + ":ML06:2023"}, []string{ml + ":ML07:2023"}},
		{"fine-tuned model", isms.Asset{Type: isms.AssetModel, Attributes: map[string]string{"base_model": "llama-3"}},
			[]string{ml + ":ML07:2023"}, nil},
	} {
		var got []string
		for _, s := range For(tc.asset) {
			got = append(got, s.Threat)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no %s in %v", tc.name, w, got)
			}
		}
		for _, w := range tc.notWant {
			if slices.Contains(got, w) {
				t.Errorf("%s: %s should not be suggested", tc.name, w)
			}
		}
	}
}

func TestImpactFollowsTheAssetsValues(t *testing.T) {
	s := For(isms.Asset{Type: isms.AssetModel, Confidentiality: 5, Integrity: 2})
	for _, x := range s {
		if x.AffectsC && x.Impact != 5 {
			t.Errorf("%s harms confidentiality of a C=5 asset but starts at impact %d", x.Threat, x.Impact)
		}
		if x.Likelihood < 1 || x.Likelihood > 5 || x.Impact < 1 || x.Impact > 5 {
			t.Errorf("%s rating %d×%d is off the scale", x.Threat, x.Likelihood, x.Impact)
		}
	}
}
