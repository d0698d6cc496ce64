package aibom

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/isms"
)

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// wantAsset is what a test expects of one asset; empty fields are not
// checked, attrs must match exactly when given.
type wantAsset struct {
	key, name string
	typ       isms.AssetType
	attrs     map[string]string
	rels      []Relation
	tags      []string
	line      int
	// card and desc are texts the model card summary and the description
	// must contain.
	card []string
	desc string
}

func rel(kind isms.RelationKind, target string) Relation {
	return Relation{Kind: kind, TargetKey: target}
}

func TestParseExamples(t *testing.T) {
	const (
		sdID      = "https://spdx.org/spdxdocs/DatasetPackage1-d1f693d0-b420-4b6a-b9f2-ec2097bac863"
		aiID      = "https://spdx.org/spdxdocs/AIPackage1-a1fae2b4-2c1a-4f21-9001-1bdc5ac9e481"
		iam       = "https://my-first-aibom.com/IAMdataset"
		owidID    = "https://spdx.org/spdxdocs/DatasetPackage1-035470d9-3ede-4952-91c8-c2abb943c90b"
		sdCard    = "Stable Diffusion is a latent text-to-image diffusion model"
		modelTask = "task goes here"
	)
	stableDiffusion := func(line int) wantAsset {
		return wantAsset{key: "component-a", name: "stable-diffusion", typ: isms.AssetModel, line: line,
			attrs: map[string]string{"version": "1.4", "provider": "Acme Inc", "task": modelTask},
			rels:  []Relation{rel(isms.RelTrainedOn, "Training Data")},
			desc:  sdCard,
			card: []string{"Task: task goes here", "Approach: supervised", "Architecture: The architecture of the model.",
				"Datasets:\n- Training Data", "Limited performance on non-photographic styles",
				"Ethical considerations:\n- The name of the risk — mitigation: Strategy used to address this risk",
				"Fairness assessments:", "modelcard:custom-property: custom-value"}}
	}
	trainingData := func(line int) wantAsset {
		return wantAsset{key: "Training Data", name: "Training Data", typ: isms.AssetDataset, line: line,
			attrs: map[string]string{"provenance": "https://example.com/path/to/dataset", "purpose": "training"},
			card:  []string{"Classification: public"}}
	}
	tests := []struct {
		file, name string // name overrides the name given to Parse
		format     string
		assets     []wantAsset
		warnings   []string
	}{
		{file: "cyclonedx/mlbom/Model__FoundationModels__bom.json", format: FormatCycloneDXJSON, assets: []wantAsset{
			{key: "gpt-4o", name: "gpt-4o", typ: isms.AssetModel, line: 14, attrs: map[string]string{"provider": "OpenAI Inc"},
				card: []string{"Architecture: GPT-4", "Inputs: string, image", "Outputs: string, image"}},
		}},
		// Both have a comma before a closing brace, which JSON does not
		// allow; they are read with a warning naming the line.
		{file: "cyclonedx/mlbom/Dataset__bom.json", format: FormatCycloneDXJSON, assets: []wantAsset{
			{key: "wikipedia@b04c8d1ceb2f5cd4588862100d08de323dccfbaa", name: "wikipedia", typ: isms.AssetDataset},
		}, warnings: []string{"Dataset__bom.json:8: a comma before a closing } was ignored; JSON allows no trailing commas",
			"Dataset__bom.json:27: a comma before a closing }"}},
		{file: "cyclonedx/mlbom/Model__OpenSource__bom.json", format: FormatCycloneDXJSON, assets: []wantAsset{
			{key: "bert-base-cased@cd5ef92a9fb2f889e972770a36d4ed042daf221e", name: "bert-base-cased", typ: isms.AssetModel,
				rels: []Relation{rel(isms.RelTrainedOn, "bookcorpus/bookcorpus"), rel(isms.RelTrainedOn, "legacy-datasets/wikipedia")}},
			{key: "legacy-datasets/wikipedia", typ: isms.AssetDataset},
			{key: "bookcorpus/bookcorpus", typ: isms.AssetDataset},
		}, warnings: []string{"Model__OpenSource__bom.json:8: a comma before a closing } was ignored"}},
		{file: "cyclonedx/spec/valid-machine-learning-1.6.json", format: FormatCycloneDXJSON,
			assets: []wantAsset{stableDiffusion(8), trainingData(25)}},
		{file: "cyclonedx/spec/valid-machine-learning-1.7.json", format: FormatCycloneDXJSON,
			assets: []wantAsset{stableDiffusion(8), trainingData(25)}},
		{file: "cyclonedx/spec/valid-machine-learning-1.6.xml", format: FormatCycloneDXXML,
			assets: []wantAsset{stableDiffusion(4), trainingData(19)}},
		{file: "cyclonedx/spec/valid-machine-learning-considerations-env-1.6.json", format: FormatCycloneDXJSON, assets: []wantAsset{
			{key: "huggingface.co-meta-llama-Llama-2-7b", name: "Llama-2-7b", typ: isms.AssetModel,
				attrs: map[string]string{"provider": "Hugging Face"},
				card:  []string{"Energy consumption:\n- training: 0.4 kWh, 31.22 tCO2eq, offset: 31.22 tCO2eq"}},
		}},
		{file: "cyclonedx/spec/valid-bom-1.6.json", format: FormatCycloneDXJSON, assets: []wantAsset{
			{key: "Acme Application@9.1.1", name: "Acme Application", typ: isms.AssetApplication, line: 33},
			{key: "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar", name: "tomcat-catalina", typ: isms.AssetApplication,
				desc: "Modified version of Apache Catalina"},
		}, warnings: []string{"left out 2 components and services that isms does not track as assets (1 framework, 1 library)",
			"left out 1 dependencies between an imported asset and a component that is not imported"}},

		{file: "huggingface/sample_simple.md", format: FormatModelCard, assets: []wantAsset{
			{key: "my-cool-model", name: "my-cool-model", typ: isms.AssetModel, line: 1,
				attrs: map[string]string{"framework": "pytorch-lightning", "licence": "mit"},
				tags:  []string{"image-classification", "pytorch"},
				rels:  []Relation{rel(isms.RelTrainedOn, "beans")},
				card:  []string{"Framework: pytorch-lightning", "Training datasets:\n- beans", "Metrics: acc"}},
		}},
		{file: "huggingface/sample_simple_model_index.md", format: FormatModelCard, assets: []wantAsset{
			{key: "my-cool-model", name: "my-cool-model", typ: isms.AssetModel,
				attrs: map[string]string{"framework": "timm", "licence": "mit", "task": "image-classification"},
				rels:  []Relation{rel(isms.RelTrainedOn, "beans"), rel(isms.RelEvaluatedOn, "beans")},
				card:  []string{"Evaluation results:\n- accuracy 0.9 on Beans\n- f1 0.66 on Beans, test split"},
				desc:  "This is a test model card with multiple evaluations"},
		}},
		{file: "huggingface/sample_invalid_model_index.md", format: FormatModelCard, assets: []wantAsset{
			{key: "my-cool-model", typ: isms.AssetModel,
				attrs: map[string]string{"framework": "timm", "licence": "mit", "task": "image-classification"},
				rels:  []Relation{rel(isms.RelTrainedOn, "beans")}},
		}, warnings: []string{"sample_invalid_model_index.md:15: model-index[0].results[0]: the result names no dataset (dataset.type) and is left out"}},
		{file: "huggingface/sample_datasetcard_simple.md", format: FormatDatasetCard, assets: []wantAsset{
			{key: "Sample Segmentation", name: "Sample Segmentation", typ: isms.AssetDataset,
				attrs: map[string]string{"licence": "bsd-3-clause", "provenance": "annotations by: crowdsourced, expert-generated; language by: found"},
				card:  []string{"Task categories: image-segmentation", "Size: n<1K", "Languages: en"},
				desc:  "This is a sample dataset card for a semantic segmentation dataset."},
		}},
		{file: "huggingface/sample_windows_line_breaks.md", format: FormatModelCard, assets: []wantAsset{
			{key: "Hello old Windows line breaks", typ: isms.AssetModel, attrs: map[string]string{"licence": "mit"},
				card: []string{"Languages: eo"}},
		}},
		{file: "huggingface/sample_no_metadata.md", format: FormatModelCard, assets: []wantAsset{
			{key: "MyCoolModel", typ: isms.AssetModel, attrs: map[string]string{},
				desc: "In this example, we don't have any metadata at the top of the file."},
		}, warnings: []string{"sample_no_metadata.md:1: the card has no metadata block"}},
		{file: "huggingface/real/transformers__model_cards__google__tapas-base-finetuned-wtq__README.md", format: FormatModelCard, assets: []wantAsset{
			{key: "TAPAS base model fine-tuned on WikiTable Questions (WTQ)", typ: isms.AssetModel,
				attrs: map[string]string{"licence": "apache-2.0"}, tags: []string{"question-answering", "tapas"},
				desc: "TAPAS is a BERT-like transformers model pretrained",
				card: []string{"Intended uses:\nYou can use this model for answering questions related to a table.",
					"Training procedure:\nThe texts are lowercased"}},
		}},
		{file: "huggingface/real/transformers__model_cards__google__tapas-base-finetuned-wtq__README.md",
			name: "google/tapas-base-finetuned-wtq/README.md", format: FormatModelCard, assets: []wantAsset{
				{key: "google/tapas-base-finetuned-wtq", name: "google/tapas-base-finetuned-wtq", typ: isms.AssetModel,
					attrs: map[string]string{"licence": "apache-2.0", "provider": "google"}},
			}},

		{file: "spdx3/spdx-examples__ai_example01__simplehtr-example.json", format: FormatSPDX3, assets: []wantAsset{
			{key: "https://my-first-aibom.com/SimpleHTR", name: "SimpleHTR", typ: isms.AssetApplication, line: 55,
				attrs: map[string]string{}},
			{key: "https://my-first-aibom.com/word-model", name: "word-model", typ: isms.AssetModel, line: 1174,
				attrs: map[string]string{"version": "0.0", "provider": "Harald Scheidl", "licence": "MIT",
					"task": "handwriting recognition, image recognition, optical character recognition"},
				rels: []Relation{rel(isms.RelTrainedOn, iam), rel(isms.RelEvaluatedOn, iam)},
				desc: "Word level handwriting recognition model",
				card: []string{"Trained on:\n- IAMdataset", "Safety risk assessment: low", "Metrics:\n- charErrorRates: ["}},
			{key: "https://my-first-aibom.com/line-model", name: "line-model", typ: isms.AssetModel,
				rels: []Relation{rel(isms.RelTrainedOn, iam), rel(isms.RelEvaluatedOn, iam)}},
			{key: iam, name: "IAMdataset", typ: isms.AssetDataset, line: 1526,
				attrs: map[string]string{"purpose": "training", "licence": "This database may be used for non-commercial research purpose only",
					"provenance": "U. Marti, H. Bunke.: https://fki.tic.heia-fr.ch/databases/iam-handwriting-database"},
				card: []string{"Intended use: For line level or word level character recognition", "Confidentiality level: clear"}},
		}, warnings: []string{"left out software packages by primary purpose (7 library, 2 model)",
			`"https://my-first-aibom.com/SimpleHTR-depends-on" is given to two elements (the first on line 983)`}},
		{file: "spdx3/spdx-examples__ai_example02__sbom.spdx3.json", format: FormatSPDX3, assets: []wantAsset{
			{key: sdID, name: "Data after preprocessing", typ: isms.AssetDataset,
				attrs: map[string]string{"licence": "CC0-1.0", "purpose": "training", "provenance": "https://github.com/bact/sentimentdemo/tree/main/data"}},
			{key: aiID, name: "Sentiment Demo: A Simple AI Application and its AI BOM Example", typ: isms.AssetModel,
				attrs: map[string]string{"licence": "CC0-1.0", "task": "sentiment analysis, natural language processing"},
				// model.bin, in the AI package, is trained on files of the dataset package.
				rels: []Relation{rel(isms.RelTrainedOn, sdID), rel(isms.RelEvaluatedOn, sdID)},
				card: []string{"Summary: A sentiment analysis application", "Metrics:\n- precision: 0.4625\n- recall: 0.475\n- f1: 0.4669192",
					"Energy consumption:\n- training: 0.0048269 kilowattHour\n- inference: 0.0000036 kilowattHour",
					"Uses sensitive personal information: no"}},
		}},
		{file: "spdx3/spdx-examples__dataset_example01.spdx3.json", format: FormatSPDX3, assets: []wantAsset{
			{key: owidID, name: "Our World in Data CO2 and Greenhouse Gas Emissions dataset", typ: isms.AssetDataset, line: 70,
				attrs: map[string]string{"licence": "CC-BY-4.0", "personal_data": "no", "provenance": "Our World in Data: https://github.com/owid/co2-data/"},
				card:  []string{"Known bias:\n- Data in some geographical areas are more completed than the others."}},
		}},
		{file: "spdx3/spdx-spec__package_sbom.json", format: FormatSPDX3, assets: []wantAsset{
			{key: "http://spdx.example.com/Package1", name: "my-package", typ: isms.AssetApplication},
		}},
		{file: "csv/assets.csv", format: FormatCSV, assets: []wantAsset{
			{key: "support-assistant", name: "Support assistant model", typ: isms.AssetModel, line: 2,
				attrs: map[string]string{"version": "2.1", "framework": "transformers", "provider": "Example Ltd",
					"base_model": "meta-llama/Llama-3.1-8B", "licence": "proprietary", "task": "text-generation"},
				tags: []string{"customer-facing", "llm"},
				rels: []Relation{rel(isms.RelFineTunedFrom, "meta-llama/Llama-3.1-8B"), rel(isms.RelTrainedOn, "support-tickets-2024")}},
			{key: "support-tickets-2024", typ: isms.AssetDataset, line: 3,
				attrs: map[string]string{"purpose": "fine_tuning", "provenance": "helpdesk export, anonymised",
					"licence": "internal", "personal_data": "yes", "retention": "3 years"}},
		}},
	}
	for _, tt := range tests {
		name := tt.name
		if name == "" {
			name = tt.file
		}
		t.Run(name, func(t *testing.T) {
			data := readFile(t, tt.file)
			res, err := Parse(name, data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if res.Format != tt.format {
				t.Errorf("format = %q, want %q", res.Format, tt.format)
			}
			checkValid(t, res)
			if len(res.Assets) != len(tt.assets) {
				t.Errorf("got %d assets, want %d: %v", len(res.Assets), len(tt.assets), keys(res.Assets))
			}
			for _, want := range tt.assets {
				got, ok := find(res.Assets, want.key)
				if !ok {
					t.Errorf("no asset %q; got %v", want.key, keys(res.Assets))
					continue
				}
				checkAsset(t, got, want)
			}
			for _, w := range tt.warnings {
				if !slices.ContainsFunc(res.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no warning containing %q; warnings:\n%s", w, strings.Join(res.Warnings, "\n"))
				}
			}
			again, err := Parse(name, data)
			if err != nil || !reflect.DeepEqual(again, res) {
				t.Errorf("a second parse of the same file differs: %v", err)
			}
		})
	}
}

func keys(assets []Asset) []string {
	out := make([]string, len(assets))
	for i, a := range assets {
		out[i] = a.Key
	}
	return out
}

func find(assets []Asset, key string) (Asset, bool) {
	for _, a := range assets {
		if a.Key == key {
			return a, true
		}
	}
	return Asset{}, false
}

func checkAsset(t *testing.T, got Asset, want wantAsset) {
	t.Helper()
	if want.name != "" && got.Name != want.name {
		t.Errorf("%s: name = %q, want %q", want.key, got.Name, want.name)
	}
	if got.Type != want.typ {
		t.Errorf("%s: type = %q, want %q", want.key, got.Type, want.typ)
	}
	if want.line != 0 && got.Line != want.line {
		t.Errorf("%s: line = %d, want %d", want.key, got.Line, want.line)
	}
	if want.attrs != nil {
		if !maps.Equal(got.Attributes, want.attrs) {
			t.Errorf("%s: attributes = %v, want %v", want.key, got.Attributes, want.attrs)
		}
	}
	if want.rels != nil || len(got.Relations) > 0 {
		gotRels := slices.Clone(got.Relations)
		wantRels := slices.Clone(want.rels)
		byKind := func(a, b Relation) int {
			return strings.Compare(string(a.Kind)+a.TargetKey, string(b.Kind)+b.TargetKey)
		}
		slices.SortFunc(gotRels, byKind)
		slices.SortFunc(wantRels, byKind)
		if !slices.Equal(gotRels, wantRels) {
			t.Errorf("%s: relations = %v, want %v", want.key, got.Relations, want.rels)
		}
	}
	if want.tags != nil && !slices.Equal(got.Tags, want.tags) {
		t.Errorf("%s: tags = %v, want %v", want.key, got.Tags, want.tags)
	}
	if !strings.Contains(got.Description, want.desc) {
		t.Errorf("%s: description %q does not contain %q", want.key, got.Description, want.desc)
	}
	for _, c := range want.card {
		if !strings.Contains(got.ModelCard, c) {
			t.Errorf("%s: model card does not contain %q; it is:\n%s", want.key, c, got.ModelCard)
		}
	}
}

// checkValid asserts what every result promises: assets that isms.Asset
// accepts as they are, with relations of known kinds and bounded cards.
func checkValid(tb testing.TB, res Result) {
	tb.Helper()
	seen := map[string]bool{}
	for _, a := range res.Assets {
		if a.Key == "" || seen[a.Key] {
			tb.Fatalf("empty or repeated key %q", a.Key)
		}
		seen[a.Key] = true
		ia := isms.Asset{Name: a.Name, Type: a.Type, Description: a.Description, Tags: slices.Clone(a.Tags),
			Attributes: maps.Clone(a.Attributes)}
		classifications := isms.DefaultClassifications
		if g := a.Governance; g != nil {
			ia.OwnerID, ia.CustodianID = g.Owner, g.Custodian
			ia.Classification, ia.Location, ia.Lifecycle = g.Classification, g.Location, g.Lifecycle
			ia.Confidentiality, ia.Integrity, ia.Availability = g.Confidentiality, g.Integrity, g.Availability
			ia.DisposalMethod = g.DisposalMethod
			if !g.DisposalDate.IsZero() {
				d := g.DisposalDate
				ia.DisposalDate = &d
			}
			// The organisation's scheme is the application's to check.
			classifications = append(slices.Clone(classifications), g.Classification)
		}
		if err := ia.Validate(classifications); err != nil {
			tb.Fatalf("asset %q is not valid for isms: %v", a.Key, err)
		}
		if ia.Name != a.Name || !slices.Equal(ia.Tags, a.Tags) || !maps.Equal(ia.Attributes, a.Attributes) {
			tb.Fatalf("asset %q is not normalised: isms changes it", a.Key)
		}
		for k, v := range a.Attributes {
			if v == "" {
				tb.Fatalf("asset %q: empty attribute %s", a.Key, k)
			}
		}
		if len(a.ModelCard) > maxModelCard {
			tb.Fatalf("asset %q: model card of %d bytes", a.Key, len(a.ModelCard))
		}
		for _, r := range a.Relations {
			if !r.Kind.IsValid() || r.TargetKey == "" || r.TargetKey == a.Key {
				tb.Fatalf("asset %q: bad relation %v", a.Key, r)
			}
		}
	}
}

func TestParseRefuses(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open+"\n", n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name  string
		data  string
		file  string // read from testdata instead of data
		parse func(string, []byte) (Result, error)
		line  int
		field string
		msg   string
	}{
		{name: "broken.json", data: "{\n\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n\"components\": [{} {}]}", line: 3, msg: "not valid JSON"},
		{file: "cyclonedx/spec/invalid-component-type-1.6.json", line: 9, field: "components[0].type",
			msg: `"foo" is not a CycloneDX component type`},
		{file: "huggingface/sample_invalid_card_data.md", line: 2,
			msg: "the metadata must be a mapping of keys to values, not a list"},
		{file: "huggingface/sample_template.md", line: 2, msg: "is this an unfilled card template?"},
		{file: "huggingface/modelcard_template.md", line: 4, msg: "is this an unfilled card template?"},
		{file: "huggingface/datasetcard_template.md", line: 4, msg: "is this an unfilled card template?"},
		{file: "huggingface/sample_datasetcard_template.md", line: 5, msg: "the card is an unfilled template"},

		{name: "too big", data: strings.Repeat(" ", MaxFileSize+1) + "{}", msg: "the largest accepted is 33554432 (32 MiB)"},
		{name: "empty.json", data: " \n", msg: "the file is empty"},
		{name: "not utf-8.json", data: "{\n\"bomFormat\": \"Cyclone\xffDX\"}", line: 2, msg: "not UTF-8"},
		{name: "unknown.txt", data: "hello", line: 1, msg: "cannot tell the format"},
		{name: "components.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6",
"components": 5}`, line: 2, field: "components", msg: "must be a list, not the number 5"},
		{name: "component.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "application", "name": ["x"]},
  {"type": 7, "name": "y"},
  {"name": "z"}]}`, line: 2, field: "components[0].name", msg: "must be text, not a list"},
		{name: "component type.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": 7, "name": "y"}]}`, line: 2, field: "components[0].type", msg: "must be text, not the number 7"},
		{name: "missing type.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"name": "z"}]}`, line: 2, field: "components[0].type", msg: "is missing; every component has a type"},
		{name: "deep.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ` + deep("[", "]", 100) + "}",
			line: 64, msg: "nested more than 64 levels deep"},
		{name: "deep skipped.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"hashes": ` + deep("[", "]", 100) + "}]}",
			line: 62, msg: "nested more than 64 levels deep"},
		{name: "deep skipped.xml", data: `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><hashes>` + deep("<a>", "</a>", 100) + "</hashes></bom>",
			line: 63, msg: "nested more than 64 levels deep"},
		{name: "deep.xml", data: `<bom xmlns="http://cyclonedx.org/schema/bom/1.6">` + deep("<a>", "</a>", 100) + "</bom>",
			line: 64, msg: "nested more than 64 levels deep"},
		{name: "duplicate.json", data: "{\"bomFormat\": \"CycloneDX\",\n\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}",
			line: 2, field: "bomFormat", msg: "is given twice in one object (first on line 1)"},
		{name: "two.json", data: "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}\n{}", line: 2, msg: "more content follows"},
		{name: "truncated.json", data: "{\"bomFormat\": \"CycloneDX\",\n\"specVersion\": ", line: 2, msg: "ends in the middle of a value"},
		{name: "version.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.2"}`, line: 1, field: "specVersion",
			msg: "CycloneDX 1.2 is not supported; isms reads CycloneDX 1.4, 1.5, 1.6, 1.7"},
		{name: "notbom.json", data: `{"components": []}`, parse: ParseCycloneDX, line: 1, field: "bomFormat", msg: "is missing"},
		{name: "duplicate ref.json", data: `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "application", "name": "a", "bom-ref": "r"},
  {"type": "data", "name": "b", "bom-ref": "r"}]}`, line: 3, field: "components[1]",
			msg: `"r" identifies two assets (the first on line 2)`},
		{name: "doctype.xml", data: "<?xml version=\"1.0\"?>\n<!DOCTYPE bom [<!ENTITY a \"aaaa\">]>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>",
			line: 2, msg: "DOCTYPE and other <!…> declarations are not allowed"},
		{name: "root.xml", data: "<?xml version=\"1.0\"?>\n<html/>", line: 2, msg: "not a CycloneDX BOM: the root element is <html>"},
		{name: "latin1.xml", data: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>",
			line: 1, msg: `not valid XML: xml: encoding "ISO-8859-1" declared`},
		{name: "bad.xml", data: "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n</bom>", line: 3, msg: "not valid XML"},
		{name: "xml type.xml", data: "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n<component type=\"bar\"><name>x</name></component>\n</components>\n</bom>",
			line: 3, field: "components[0].type", msg: `"bar" is not a CycloneDX component type`},

		{name: "spdx2.json", data: "{\"SPDXID\": \"SPDXRef-DOCUMENT\",\n\"spdxVersion\": \"SPDX-2.3\"}", line: 2, field: "spdxVersion", msg: "SPDX 2 document"},
		{name: "context.json", data: `{"@graph": []}`, parse: ParseSPDX3, line: 1, field: "@context", msg: "is missing"},
		{name: "graph.json", data: "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\n\"@graph\": {}}",
			line: 2, field: "@graph", msg: "must be a list, not an object"},
		{name: "element.json", data: "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\", \"@graph\": [\n{\"spdxId\": \"x\"},\n{\"type\": \"ai_AIPackage\", \"spdxId\": \"m\", \"name\": 5}]}",
			line: 2, field: "@graph[0].type", msg: "is missing; every element has a type"},
		{name: "spdx name.json", data: "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\", \"@graph\": [\n{\"type\": \"ai_AIPackage\", \"spdxId\": \"m\", \"name\": 5}]}",
			line: 2, field: "@graph[0].name", msg: "must be text, not the number 5"},

		{name: "open.md", data: "---\nlicense: mit\n# no end", line: 1, msg: "never closed"},
		{name: "yaml.md", data: "---\nlicense: mit\ntags: [a\n---\n# x", line: 3, msg: "the metadata is not valid YAML"},
		{name: "yaml scanner.md", data: "---\na: 1\nb: @x\n---\n# x", line: 3, msg: "found character that cannot start any token"},
		{name: "alias.md", data: "---\na: &x [1]\nb: *x\n---\n# x", line: 2, msg: "anchors and aliases are not allowed"},
		{name: "deep.md", data: "---\na: " + strings.Repeat("[", 80) + strings.Repeat("]", 80) + "\n---\n# x", line: 2, msg: "nested more than 64 levels deep"},
		{name: "types.md", data: "---\nlicense: {a: b}\ntags:\n- [x]\n---\n# x", line: 2, field: "license", msg: "must be a value or a list of values, not a mapping"},
		{name: "tags.md", data: "---\nlicense: mit\ntags:\n- [x]\n---\n# x", line: 4, field: "tags[0]", msg: "must be a value, not a list"},
		{name: "index.md", data: "---\nmodel-index: 5\n---\n# x", line: 2, field: "model-index", msg: "must be a list"},
		{name: "twice.md", data: "---\nlicense: mit\nlicense: apache-2.0\n---\n# x", line: 3, field: "license", msg: "is given twice"},
	}
	for _, tt := range tests {
		name, data := tt.name, []byte(tt.data)
		if tt.file != "" {
			name, data = tt.file, readFile(t, tt.file)
		}
		t.Run(name, func(t *testing.T) {
			parse := tt.parse
			if parse == nil {
				parse = Parse
			}
			res, err := parse(name, data)
			if err == nil {
				t.Fatalf("no error; got %+v", res)
			}
			if !reflect.DeepEqual(res, Result{}) {
				t.Errorf("a refused file returned a result: %+v", res)
			}
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error is not Problems: %v", err)
			}
			found := slices.ContainsFunc(ps, func(p Problem) bool {
				return p.File == name && p.Line == tt.line && p.Field == tt.field && strings.Contains(p.Message, tt.msg)
			})
			if !found {
				t.Errorf("no problem at line %d, field %q, saying %q; got:\n%v", tt.line, tt.field, tt.msg, err)
			}
		})
	}
}

func TestManyComponents(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`)
	for i := range MaxAssets + 1 {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"type":"library","name":"x"}`)
	}
	b.WriteString("]}")
	_, err := ParseCycloneDX("many.json", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "many.json:100001: components[100000]: the BOM lists more than 100000 components and services; split it") {
		t.Fatalf("err = %v", err)
	}
}

func TestCycloneDXRelations(t *testing.T) {
	data := `{"bomFormat": "CycloneDX", "specVersion": "1.5",
  "metadata": {"component": {"type": "application", "name": "Support bot", "bom-ref": "app"}},
  "components": [
    {"type": "machine-learning-model", "bom-ref": "ft", "name": "bot-model", "version": "3",
     "licenses": [{"license": {"id": "Apache-2.0"}}, {"license": {"name": "Custom"}}],
     "tags": ["LLM", "bad,tag"],
     "pedigree": {"ancestors": [{"type": "machine-learning-model", "group": "meta-llama", "name": "Llama-3", "version": "8B"}]},
     "modelCard": {"modelParameters": {"task": "text-generation", "datasets": [{"ref": "tickets"}, {"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#shared"}, {"ref": "lib"}, {"ref": "ghost"}]}},
     "components": [{"type": "data", "name": "embedded-eval", "data": [{"type": "dataset", "sensitiveData": ["emails"]}]}]},
    {"type": "data", "bom-ref": "tickets", "name": "tickets", "supplier": {"name": "Helpdesk"},
     "data": [{"type": "dataset", "name": "tickets", "contents": {"url": "s3://tickets"}, "sensitiveData": ["names"]}]},
    {"type": "library", "bom-ref": "lib", "name": "torch"},
    {"type": "application", "name": "Support bot", "bom-ref": "app"}
  ],
  "services": [
    {"bom-ref": "llm-api", "name": "Hosted LLM", "provider": {"name": "Example AI"}},
    {"bom-ref": "mail", "name": "Mail"},
    {"bom-ref": "vision", "name": "Vision API", "tags": ["AI"]}
  ],
  "dependencies": [
    {"ref": "app", "dependsOn": ["ft", "llm-api", "lib"]},
    {"ref": "llm-api", "dependsOn": ["ft"]},
    {"ref": "nobody", "dependsOn": ["ft"]}
  ]}`
	res, err := ParseCycloneDX("bom.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, res)
	want := []wantAsset{
		{key: "app", typ: isms.AssetApplication, rels: []Relation{rel(isms.RelDependsOn, "ft"), rel(isms.RelDependsOn, "llm-api")}},
		{key: "ft", name: "bot-model", typ: isms.AssetModel, tags: []string{"llm"},
			attrs: map[string]string{"version": "3", "licence": "Apache-2.0, Custom", "task": "text-generation", "base_model": "Llama-3"},
			rels: []Relation{rel(isms.RelFineTunedFrom, "meta-llama/Llama-3@8B"), rel(isms.RelTrainedOn, "tickets"),
				rel(isms.RelTrainedOn, "shared")}},
		{key: "embedded-eval", typ: isms.AssetDataset, attrs: map[string]string{"personal_data": "yes"},
			rels: []Relation{rel(isms.RelPartOf, "ft")}, card: []string{"Sensitive data:\n- emails"}},
		{key: "tickets", typ: isms.AssetDataset,
			attrs: map[string]string{"provenance": "Helpdesk: s3://tickets", "personal_data": "yes", "purpose": "training"}},
		{key: "llm-api", typ: isms.AssetAIService, attrs: map[string]string{"provider": "Example AI", "model": "bot-model"},
			rels: []Relation{rel(isms.RelDependsOn, "ft")}},
		{key: "vision", typ: isms.AssetAIService, attrs: map[string]string{}},
	}
	if len(res.Assets) != len(want) {
		t.Errorf("got %v", keys(res.Assets))
	}
	for _, w := range want {
		got, ok := find(res.Assets, w.key)
		if !ok {
			t.Errorf("no asset %q in %v", w.key, keys(res.Assets))
			continue
		}
		checkAsset(t, got, w)
	}
	for _, w := range []string{
		`tag "bad,tag" was left out`,
		`modelCard.modelParameters.datasets[2].ref: "lib" is a library component, not data`,
		`modelCard.modelParameters.datasets[3].ref: no component has bom-ref "ghost"`,
		`dependencies[2].ref: no component or service has bom-ref "nobody"`,
		"left out 2 components and services that isms does not track as assets (1 library, 1 non-AI service)",
		"left out 1 dependencies between an imported asset and a component that is not imported",
		"bom.json:2: metadata.component: is also listed among the components; it is imported once",
	} {
		if !slices.ContainsFunc(res.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("no warning containing %q; warnings:\n%s", w, strings.Join(res.Warnings, "\n"))
		}
	}
}

func TestShortening(t *testing.T) {
	long := strings.Repeat("x", maxDescription+10)
	data := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "machine-learning-model",
  "name": "` + strings.Repeat("n", 300) + `", "description": "` + long + `", "version": "` + strings.Repeat("v", 600) + `",
  "modelCard": {"considerations": {"users": ["` + strings.Repeat("u", 30000) + `"]}}}]}`
	res, err := ParseCycloneDX("long.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, res)
	a := res.Assets[0]
	if len([]rune(a.Name)) != maxName || len([]rune(a.Description)) != maxDescription ||
		len([]rune(a.Attributes["version"])) != maxAttribute || len(a.ModelCard) > maxModelCard {
		t.Errorf("not shortened: name %d, description %d, version %d, card %d", len([]rune(a.Name)),
			len([]rune(a.Description)), len([]rune(a.Attributes["version"])), len(a.ModelCard))
	}
	if a.Key != strings.Repeat("n", 300)+"@"+strings.Repeat("v", 600) {
		t.Errorf("the key was changed: %q", a.Key)
	}
	if len(res.Warnings) != 4 {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

func TestProblemsFieldErrors(t *testing.T) {
	ps := Problems{{File: "f", Line: 3, Field: "components", Message: "must be a list"}, {File: "f", Message: "is empty"}}
	got := ps.FieldErrors()
	want := []isms.FieldError{{Field: "components", Detail: "line 3: must be a list"}, {Field: "file", Detail: "is empty"}}
	if !slices.Equal(got, want) {
		t.Errorf("FieldErrors = %v, want %v", got, want)
	}
	if ps.Error() != "f:3: components: must be a list\nf: is empty" {
		t.Errorf("Error = %q", ps.Error())
	}
}
