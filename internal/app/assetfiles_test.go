package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

const examples = "../aibom/testdata/"

// TestImportEveryExample imports every sample file: the BOMs and cards
// give the models and datasets they describe, twice without duplicates;
// the broken ones are refused and change nothing.
func TestImportEveryExample(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		// The CSV example names its owners by email; they must be members.
		for _, email := range []string{"head-of-ml@example.com", "mlops@example.com", "dpo@example.com"} {
			e.member(t, email, isms.RoleContributor)
		}
		for _, tc := range []struct {
			file             string
			models, datasets int
			refused          string // part of the problem, for broken files
		}{
			{file: "cyclonedx/mlbom/Dataset__bom.json", datasets: 1},
			{file: "cyclonedx/mlbom/Model__FoundationModels__bom.json", models: 1},
			{file: "cyclonedx/mlbom/Model__OpenSource__bom.json", models: 1, datasets: 2},
			{file: "cyclonedx/spec/valid-machine-learning-1.6.json", models: 1, datasets: 1},
			{file: "cyclonedx/spec/valid-machine-learning-1.6.xml", models: 1, datasets: 1},
			{file: "cyclonedx/spec/valid-machine-learning-1.7.json", models: 1, datasets: 1},
			{file: "cyclonedx/spec/valid-machine-learning-considerations-env-1.6.json", models: 1},
			{file: "cyclonedx/spec/valid-bom-1.6.json"},
			{file: "cyclonedx/spec/invalid-component-type-1.6.json", refused: "not a CycloneDX component type"},
			{file: "huggingface/sample_simple.md", models: 1},
			{file: "huggingface/sample_simple_model_index.md", models: 1},
			{file: "huggingface/sample_invalid_model_index.md", models: 1},
			{file: "huggingface/sample_no_metadata.md", models: 1},
			{file: "huggingface/sample_windows_line_breaks.md", models: 1},
			{file: "huggingface/sample_datasetcard_simple.md", datasets: 1},
			{file: "huggingface/real/transformers__model_cards__google__tapas-base-finetuned-wtq__README.md", models: 1},
			{file: "huggingface/sample_invalid_card_data.md", refused: "must be a mapping"},
			{file: "huggingface/modelcard_template.md", refused: "template"},
			{file: "huggingface/datasetcard_template.md", refused: "template"},
			{file: "huggingface/sample_template.md", refused: "template"},
			{file: "huggingface/sample_datasetcard_template.md", refused: "template"},
			{file: "spdx3/spdx-examples__ai_example01__simplehtr-example.json", models: 2, datasets: 1},
			{file: "spdx3/spdx-examples__ai_example02__sbom.spdx3.json", models: 1, datasets: 1},
			{file: "spdx3/spdx-examples__dataset_example01.spdx3.json", datasets: 1},
			{file: "spdx3/spdx-spec__package_sbom.json"},
			{file: "csv/assets.csv", models: 1, datasets: 1},
		} {
			data, err := os.ReadFile(filepath.Join(examples, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			before := inventory(t, e, manager)
			res, err := e.svc.ImportAssets(ctx, manager, app.AssetFile{Name: tc.file, Data: data}, false)
			if tc.refused != "" {
				var problems aibom.Problems
				if !errors.As(err, &problems) || !strings.Contains(err.Error(), tc.refused) || !strings.Contains(err.Error(), tc.file+":") {
					t.Errorf("%s: err = %v; want problems naming the file and %q", tc.file, err, tc.refused)
				}
				if after := inventory(t, e, manager); after != before {
					t.Errorf("%s was refused but the inventory changed from %d to %d assets", tc.file, before, after)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tc.file, err)
				continue
			}
			types := map[isms.AssetType]int{}
			for _, a := range res.Assets {
				types[a.Type]++
			}
			if types[isms.AssetModel] != tc.models || types[isms.AssetDataset] != tc.datasets {
				t.Errorf("%s gave %d models and %d datasets, want %d and %d", tc.file, types[isms.AssetModel], types[isms.AssetDataset], tc.models, tc.datasets)
			}
			again, err := e.svc.ImportAssets(ctx, manager, app.AssetFile{Name: tc.file, Data: data}, false)
			if err != nil || again.Created != 0 || again.Updated != 0 || again.Unchanged != len(res.Assets) {
				t.Errorf("%s imported again: %+v, %v; want every asset unchanged", tc.file, again, err)
			}
		}
		if !mustVerifyApp(t, e) {
			t.Error("the ledger does not verify after the imports")
		}
	})
}

func inventory(t *testing.T, e *env, a app.Access) int {
	t.Helper()
	p, err := e.svc.ListAssets(context.Background(), a, isms.AssetFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// TestHostileFilesChangeNothing feeds files made to hurt: each is refused
// with a problem naming what is wrong, and neither the inventory nor the
// ledger moves.
func TestHostileFilesChangeNothing(t *testing.T) {
	db := dbtest.Open(t, store.SQLite)
	e := newEnv(t, db)
	ctx := context.Background()
	manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
	if _, err := e.svc.ImportAssets(ctx, manager, app.AssetFile{Name: "model.md", Data: []byte("---\nlicense: mit\n---\n# Model Card for kept-model\n")}, false); err != nil {
		t.Fatal(err)
	}
	head := func() int64 {
		h, err := db.LedgerHead(ctx, manager.Org.ID)
		if err != nil {
			t.Fatal(err)
		}
		return h.Seq
	}
	for _, tc := range []struct {
		name, data, format, want string
	}{
		{"huge.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","x":"` + strings.Repeat("a", aibom.MaxFileSize) + `"}`, "", "largest"},
		{"deep.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}", "", "nested"},
		{"deep.xml", `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6">` + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + `</bom>`, "", "nested"},
		{"laughs.xml", `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><bom>&b;</bom>`, "", "DOCTYPE"},
		{"utf8.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"data\",\"name\":\"\xc3\x28\"}]}", "", "UTF-8"},
		{"types.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":{"type":"data"}}`, "", "must be a list"},
		{"anchors.md", "---\na: &x [1]\nb: *x\n---\n# Model Card for m\n", "", "anchor"},
		{"wrong-format.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`, "hf", "not hf"},
		{"bad.csv", "key,name,type\nm1,Model one,model\nm2,Model two,spaceship\n", "csv", "spaceship"},
	} {
		before, seq := inventory(t, e, manager), head()
		_, err := e.svc.ImportAssets(ctx, manager, app.AssetFile{Name: tc.name, Data: []byte(tc.data), Format: tc.format}, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want a problem saying %q", tc.name, err, tc.want)
		}
		if inventory(t, e, manager) != before || head() != seq {
			t.Errorf("%s was refused but something changed", tc.name)
		}
	}
}
