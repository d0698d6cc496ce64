package aibom

import (
	"errors"
	"testing"
)

// fuzzParser checks the promise of every parser: no panic, and either
// Problems naming the file or assets that isms accepts. The seeds are the
// small examples; large ones slow the fuzzer down without covering more.
func fuzzParser(f *testing.F, parse func(string, []byte) (Result, error), seeds ...string) {
	for _, s := range seeds {
		f.Add(readFile(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parse("fuzz", data)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 || ps[0].File != "fuzz" {
				t.Fatalf("error is not Problems naming the file: %v", err)
			}
			return
		}
		checkValid(t, res)
	})
}

func FuzzParseCycloneDX(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m","bom-ref":"m","modelCard":{"modelParameters":{"datasets":[{"ref":"d"},{"name":"x"}]}}},{"type":"data","name":"d","bom-ref":"d"}],"services":[{"name":"s","tags":["ai"]}],"dependencies":[{"ref":"s","dependsOn":["m"]}]}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="machine-learning-model" bom-ref="m"><name>m</name><licenses><expression>MIT</expression></licenses><modelCard><modelParameters><datasets><ref>d</ref></datasets></modelParameters></modelCard></component><component type="data" bom-ref="d"><name>d</name><data><sensitiveData>x</sensitiveData></data></component></components><dependencies><dependency ref="m"><dependency ref="d"/></dependency></dependencies></bom>`))
	fuzzParser(f, ParseCycloneDX,
		"cyclonedx/mlbom/Model__FoundationModels__bom.json",
		"cyclonedx/mlbom/Dataset__bom.json",
		"cyclonedx/spec/valid-machine-learning-considerations-env-1.6.json",
		"cyclonedx/spec/invalid-component-type-1.6.json",
	)
}

func FuzzParseModelCard(f *testing.F) {
	f.Add([]byte("---\nbase_model: [a/b]\ndatasets: x\nmodel-index:\n- name: m\n  results:\n  - dataset: {type: d}\n    metrics: [{type: acc, value: 1}]\n---\n# Model Card for o/m\n## Limitations\ntext\n"))
	fuzzParser(f, ParseModelCard,
		"huggingface/sample_simple.md",
		"huggingface/sample_simple_model_index.md",
		"huggingface/sample_invalid_model_index.md",
		"huggingface/sample_datasetcard_simple.md",
		"huggingface/sample_invalid_card_data.md",
		"huggingface/sample_windows_line_breaks.md",
		"huggingface/sample_template.md",
		"huggingface/real/transformers__model_cards__google__tapas-base-finetuned-wtq__README.md",
	)
}

func FuzzParseSPDX3(f *testing.F) {
	f.Add([]byte(`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"ai_AIPackage","spdxId":"m","name":"m","suppliedBy":"o"},{"type":"Organization","spdxId":"o","name":"O"},{"type":"dataset_DatasetPackage","spdxId":"d","name":"d"},{"type":"software_File","spdxId":"f"},{"type":"Relationship","spdxId":"r1","relationshipType":"contains","from":"d","to":["f"]},{"type":"Relationship","spdxId":"r2","relationshipType":"trainedOn","from":"m","to":["f"]},{"type":"Relationship","spdxId":"r3","relationshipType":"hasConcludedLicense","from":"m","to":["https://spdx.org/licenses/MIT"]}]}`))
	fuzzParser(f, ParseSPDX3,
		"spdx3/spdx-examples__dataset_example01.spdx3.json",
		"spdx3/spdx-spec__package_sbom.json",
	)
}

func FuzzParseCSV(f *testing.F) {
	f.Add(CSVTemplate())
	fuzzParser(f, ParseCSV, "csv/assets.csv")
}
