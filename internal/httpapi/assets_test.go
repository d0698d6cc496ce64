package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
)

// expectStatus sends req and fails unless the status is want.
func expectStatus(t testing.TB, f *fixture, req request, want int) response {
	t.Helper()
	res := f.do(t, req)
	if res.status != want {
		t.Errorf("%s %s: status %d, want %d; body %s", req.method, req.path, res.status, want, res.body)
	}
	return res
}

// expectProblem sends req and checks that the answer is a problem of
// status want naming every field given.
func expectProblem(t testing.TB, f *fixture, req request, want int, fields ...string) response {
	t.Helper()
	res := f.do(t, req)
	p := decodeProblem(t, res, want)
	for _, field := range fields {
		if !names(p, field) {
			t.Errorf("%s %s: the problem does not name %q: %s", req.method, req.path, field, res.body)
		}
	}
	return res
}

// aibomFile reads an example file of the asset file readers.
func aibomFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "aibom", "testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// memberWithToken adds a member of acme with role and returns the
// membership and a token acting for it.
func (f *fixture) memberWithToken(t testing.TB, email, role string) (isms.Member, string) {
	t.Helper()
	in := app.MemberInput{Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: "correct horse battery staple"}
	if role == "auditor" {
		end := time.Now().AddDate(0, 1, 0)
		in.ExpiresAt = &end
	}
	added, err := f.svc.AddMember(context.Background(), f.operator, in)
	if err != nil {
		t.Fatalf("add member %s: %v", email, err)
	}
	life := time.Duration(0)
	if role == "auditor" {
		life = 24 * time.Hour
	}
	return added.Member, f.mustToken(t, f.operator, email, "test", life).Secret
}

// createAsset creates an asset through the API and returns it.
func (f *fixture) createAsset(t testing.TB, token, body string) assetDetailJSON {
	t.Helper()
	var out assetDetailJSON
	f.ok(t, request{method: "POST", path: "/orgs/acme/assets", token: token, body: body}, http.StatusCreated, &out)
	return out
}

func TestAssets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		contributor, contributorToken := f.memberWithToken(t, "contributor@example.com", "contributor")
		auditor, _ := f.memberWithToken(t, "auditor@example.com", "auditor")
		const assets = "/orgs/acme/assets"
		post := func(token, body string) request {
			return request{method: "POST", path: assets, token: token, body: body}
		}

		endpoint := f.createAsset(t, admin, fmt.Sprintf(`{"name": "chat-api", "type": "inference_endpoint", "owner_id": %q,
			"classification": "confidential", "confidentiality": 4, "integrity": 3, "availability": 5, "tags": ["LLM", "customer"],
			"attributes": {"interface": "llm", "exposure": "internet"}}`, f.ownerMember.ID))
		if endpoint.Type != isms.AssetInferenceEndpoint || endpoint.TypeLabel != "Inference endpoint" || !endpoint.AI ||
			endpoint.OwnerID == nil || *endpoint.OwnerID != f.ownerMember.ID || endpoint.Lifecycle != isms.LifecycleInProduction ||
			!slices.Equal(endpoint.Tags, []string{"customer", "llm"}) || endpoint.Attributes["exposure"] != "internet" ||
			endpoint.CustodianID != nil || endpoint.SourceKey != nil || endpoint.DisposalDate != nil {
			t.Errorf("created asset = %+v", endpoint)
		}
		model := f.createAsset(t, owner, fmt.Sprintf(`{"name": "support-model", "type": "model", "custodian_id": %q}`, contributor.ID))
		dataset := f.createAsset(t, owner, `{"name": "tickets", "type": "dataset", "classification": "restricted",
			"lifecycle": "retired", "disposal_date": "2025-12-31", "disposal_method": "crypto-shredded"}`)
		if dataset.DisposalDate == nil || *dataset.DisposalDate != "2025-12-31" {
			t.Errorf("retired asset = %+v", dataset)
		}

		t.Run("refusals", func(t *testing.T) {
			before := f.state(t)
			expectProblem(t, f, post(owner, `{"type": "model"}`), 422, "name")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "robot"}`), 422, "type")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "classification": "secret"}`), 422, "classification")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "confidentiality": 9, "availability": -1}`), 422, "confidentiality", "availability")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "attributes": {"colour": "red"}}`), 422, "attributes.colour")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "dataset", "attributes": {"purpose": "fun"}}`), 422, "attributes.purpose")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "lifecycle": "retired"}`), 422, "disposal_method")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "disposal_date": "31/12/2025"}`), 422, "disposal_date")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "owner_id": "01890000-0000-7000-8000-000000000000"}`), 422, "owner_id")
			expectProblem(t, f, post(owner, fmt.Sprintf(`{"name": "x", "type": "model", "custodian_id": %q}`, auditor.ID)), 422, "custodian_id")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "tags": ["a,b"]}`), 422, "tags")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "colour": "red"}`), 400, "colour")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "confidentiality": "high"}`), 400, "confidentiality")
			expectProblem(t, f, post(owner, `{"name": "x", "type": "model", "attributes": {"task": 7}}`), 400, "attributes")
			expectProblem(t, f, request{method: "POST", path: assets, token: owner, body: `{"name": "x", "type": "model"}`, contentType: "text/csv"}, 415)
			expectProblem(t, f, post(viewer, `{"name": "x", "type": "model"}`), 403)
			expectProblem(t, f, post(contributorToken, `{"name": "x", "type": "model"}`), 403)
			expectProblem(t, f, post(f.otherToken, `{"name": "x", "type": "model"}`), 404)
			if after := f.state(t); after != before {
				t.Errorf("refused writes changed the database:\nbefore %+v\nafter  %+v", before, after)
			}
		})

		t.Run("read", func(t *testing.T) {
			var got assetDetailJSON
			f.ok(t, request{method: "GET", path: assets + "/" + endpoint.ID, token: viewer}, 200, &got)
			if got.ID != endpoint.ID || got.Name != "chat-api" {
				t.Errorf("GET asset = %+v", got)
			}
			var l assetList
			f.ok(t, request{method: "GET", path: assets + "?limit=2", token: viewer}, 200, &l)
			if l.Total != 3 || len(l.Items) != 2 || l.NextCursor == "" || l.Items[0].Name != "chat-api" {
				t.Errorf("first page = %+v", l)
			}
			got2 := walk(t, f, assets+"?limit=1", 1, func(x assetJSON) string { return x.Name })
			if !slices.Equal(got2, []string{"chat-api", "support-model", "tickets"}) {
				t.Errorf("assets page by page = %v", got2)
			}
			for _, tt := range []struct {
				query string
				want  []string
			}{
				{"type=model", []string{"support-model"}},
				{"owner_id=" + f.ownerMember.ID, []string{"chat-api"}},
				{"classification=restricted", []string{"tickets"}},
				{"lifecycle=retired", []string{"tickets"}},
				{"tag=LLM", []string{"chat-api"}},
				{"q=SUPPORT", []string{"support-model"}},
				{"q=nothing-like-it", nil},
			} {
				f.ok(t, request{method: "GET", path: assets + "?" + tt.query, token: viewer}, 200, &l)
				var names []string
				for _, x := range l.Items {
					names = append(names, x.Name)
				}
				if !slices.Equal(names, tt.want) || l.Total != len(tt.want) {
					t.Errorf("assets?%s = %v (total %d), want %v", tt.query, names, l.Total, tt.want)
				}
			}
			expectProblem(t, f, request{method: "GET", path: assets + "?type=robot", token: viewer}, 422, "type")
			expectProblem(t, f, request{method: "GET", path: assets + "?lifecycle=dead", token: viewer}, 422, "lifecycle")
			expectProblem(t, f, request{method: "GET", path: assets + "?owner=me", token: viewer}, 400, "owner")
			expectProblem(t, f, request{method: "GET", path: assets + "?cursor=eA", token: viewer}, 422, "cursor")
			expectProblem(t, f, request{method: "GET", path: assets + "/01890000-0000-7000-8000-000000000000", token: viewer}, 404)
		})

		t.Run("replace", func(t *testing.T) {
			path := assets + "/" + model.ID
			var got assetDetailJSON
			f.ok(t, request{method: "PUT", path: path, token: admin, body: fmt.Sprintf(`{"name": "support-model-v2", "type": "model",
				"custodian_id": %q, "attributes": {"version": "2"}, "description": "fine-tuned"}`, contributor.ID)}, 200, &got)
			if got.Name != "support-model-v2" || got.Attributes["version"] != "2" || got.CreatedAt != model.CreatedAt || got.ID != model.ID {
				t.Errorf("replaced asset = %+v", got)
			}
			// The custodian, a contributor, may edit it but not hand it on.
			f.ok(t, request{method: "PUT", path: path, token: contributorToken, body: fmt.Sprintf(`{"name": "support-model-v2", "type": "model",
				"custodian_id": %q, "attributes": {"version": "3"}}`, contributor.ID)}, 200, &got)
			if got.Attributes["version"] != "3" || got.Description != "" {
				t.Errorf("PUT replaces every field: %+v", got)
			}
			expectProblem(t, f, request{method: "PUT", path: path, token: contributorToken, body: `{"name": "mine", "type": "model"}`}, 403)
			expectProblem(t, f, request{method: "PUT", path: assets + "/" + endpoint.ID, token: contributorToken, body: `{"name": "x", "type": "model"}`}, 403)
			expectProblem(t, f, request{method: "PUT", path: path, token: viewer, body: `{"name": "x", "type": "model"}`}, 403)
			expectProblem(t, f, request{method: "PUT", path: path, token: admin, body: `{"name": "", "type": "model"}`}, 422, "name")
			expectProblem(t, f, request{method: "PUT", path: assets + "/01890000-0000-7000-8000-000000000000", token: admin, body: `{"name": "x", "type": "model"}`}, 404)
		})

		t.Run("relations and graph", func(t *testing.T) {
			rels := assets + "/" + model.ID + "/relations"
			var rel relationJSON
			res := f.ok(t, request{method: "POST", path: rels, token: owner, body: fmt.Sprintf(`{"kind": "trained_on", "to_id": %q}`, dataset.ID)}, 201, &rel)
			if rel.FromID != model.ID || rel.ToID != dataset.ID || rel.Label != "trained on" || res.header.Get("Location") == "" {
				t.Errorf("relation = %+v", rel)
			}
			f.ok(t, request{method: "POST", path: assets + "/" + endpoint.ID + "/relations", token: owner,
				body: fmt.Sprintf(`{"kind": "serves", "to_id": %q}`, model.ID)}, 201, nil)
			expectProblem(t, f, request{method: "POST", path: rels, token: owner, body: fmt.Sprintf(`{"kind": "trained_on", "to_id": %q}`, dataset.ID)}, 409, "kind")
			expectProblem(t, f, request{method: "POST", path: rels, token: owner, body: fmt.Sprintf(`{"kind": "loves", "to_id": %q}`, model.ID)}, 422, "kind", "to_id")
			expectProblem(t, f, request{method: "POST", path: rels, token: owner, body: `{"kind": "uses", "to_id": "01890000-0000-7000-8000-000000000000"}`}, 422, "to_id")
			expectProblem(t, f, request{method: "POST", path: rels, token: viewer, body: fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, endpoint.ID)}, 403)
			expectProblem(t, f, request{method: "POST", path: assets + "/01890000-0000-7000-8000-000000000000/relations", token: owner,
				body: fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, endpoint.ID)}, 404)

			var g graphJSON
			f.ok(t, request{method: "GET", path: assets + "/" + dataset.ID + "/graph", token: viewer}, 200, &g)
			if g.Depth != 1 || len(g.Assets) != 2 || len(g.Relations) != 1 {
				t.Errorf("graph at depth 1 = %+v", g)
			}
			f.ok(t, request{method: "GET", path: assets + "/" + dataset.ID + "/graph?depth=3", token: viewer}, 200, &g)
			if g.Depth != 3 || len(g.Assets) != 3 || len(g.Relations) != 2 || g.Center != dataset.ID {
				t.Errorf("graph at depth 3 = %+v", g)
			}
			expectProblem(t, f, request{method: "GET", path: assets + "/" + dataset.ID + "/graph?depth=4", token: viewer}, 422, "depth")
			expectProblem(t, f, request{method: "GET", path: assets + "/" + dataset.ID + "/graph?depth=0", token: viewer}, 400, "depth")

			expectProblem(t, f, request{method: "DELETE", path: "/orgs/acme/asset-relations/" + rel.ID, token: viewer}, 403)
			expectStatus(t, f, request{method: "DELETE", path: "/orgs/acme/asset-relations/" + rel.ID, token: admin}, 204)
			expectProblem(t, f, request{method: "DELETE", path: "/orgs/acme/asset-relations/" + rel.ID, token: admin}, 404)
		})

		t.Run("classifications", func(t *testing.T) {
			var c classificationsJSON
			f.ok(t, request{method: "GET", path: "/orgs/acme/classifications", token: viewer}, 200, &c)
			if !slices.Equal(c.Levels, isms.DefaultClassifications) {
				t.Errorf("default classifications = %v", c.Levels)
			}
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/classifications", token: owner, body: `{"levels": ["public", "internal", "confidential"]}`}, 422, "levels")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/classifications", token: owner, body: `{"levels": ["only"]}`}, 422, "levels")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/classifications", token: owner, body: `{}`}, 422, "levels")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/classifications", token: viewer, body: `{"levels": ["a", "b"]}`}, 403)
			f.ok(t, request{method: "PUT", path: "/orgs/acme/classifications", token: admin,
				body: `{"levels": ["Public", "internal", "confidential", "restricted", "secret"]}`}, 200, &c)
			if !slices.Equal(c.Levels, []string{"public", "internal", "confidential", "restricted", "secret"}) {
				t.Errorf("new classifications = %v", c.Levels)
			}
			f.createAsset(t, owner, `{"name": "vault", "type": "database", "classification": "secret"}`)
		})

		t.Run("delete", func(t *testing.T) {
			spare := f.createAsset(t, owner, `{"name": "spare", "type": "server"}`)
			expectProblem(t, f, request{method: "DELETE", path: assets + "/" + spare.ID, token: viewer}, 403)
			expectProblem(t, f, request{method: "DELETE", path: assets + "/" + spare.ID, token: f.otherToken}, 404)
			expectStatus(t, f, request{method: "DELETE", path: assets + "/" + spare.ID, token: owner}, 204)
			expectProblem(t, f, request{method: "GET", path: assets + "/" + spare.ID, token: owner}, 404)
			expectProblem(t, f, request{method: "DELETE", path: assets + "/" + spare.ID, token: owner}, 404)

			// An asset in the scope of a risk stays.
			expectStatus(t, f, request{method: "POST", path: "/orgs/acme/risks", token: owner, body: riskBody(f.ownerMember.ID, endpoint.ID)}, 201)
			expectProblem(t, f, request{method: "DELETE", path: assets + "/" + endpoint.ID, token: owner}, 409, "asset")
		})

		t.Run("another organisation's ids", func(t *testing.T) {
			globex, err := f.svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), "globex")
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := f.svc.CreateAsset(context.Background(), globex, isms.Asset{Name: "globex-model", Type: isms.AssetModel})
			if err != nil {
				t.Fatal(err)
			}
			before := f.state(t)
			path := assets + "/" + theirs.ID
			expectProblem(t, f, request{method: "GET", path: path, token: owner}, 404)
			expectProblem(t, f, request{method: "PUT", path: path, token: owner, body: `{"name": "mine", "type": "model"}`}, 404)
			expectProblem(t, f, request{method: "DELETE", path: path, token: owner}, 404)
			expectProblem(t, f, request{method: "GET", path: path + "/graph", token: owner}, 404)
			expectProblem(t, f, request{method: "GET", path: path + "/risk-suggestions", token: owner}, 404)
			expectProblem(t, f, request{method: "POST", path: path + "/relations", token: owner, body: fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, model.ID)}, 404)
			expectProblem(t, f, request{method: "POST", path: assets + "/" + model.ID + "/relations", token: owner, body: fmt.Sprintf(`{"kind": "uses", "to_id": %q}`, theirs.ID)}, 422, "to_id")
			if after := f.state(t); after != before {
				t.Errorf("requests for another organisation's asset changed acme:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	})
}

// importRequest is POST asset-imports with a file.
func importRequest(token, query, contentType, body string) request {
	path := "/orgs/acme/asset-imports"
	if query != "" {
		path += "?" + query
	}
	return request{method: "POST", path: path, token: token, contentType: contentType, body: body}
}

func TestAssetImports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect(), maxBody: 1024})
		owner, viewer := f.ownerToken, f.viewerToken
		bom := aibomFile(t, "cyclonedx/spec/valid-machine-learning-1.6.json")
		if len(bom) < 1024 {
			t.Fatal("the BOM is smaller than the body limit: the test would not show that imports have their own")
		}
		total := func() int {
			t.Helper()
			var l assetList
			f.ok(t, request{method: "GET", path: "/orgs/acme/assets", token: viewer}, 200, &l)
			return l.Total
		}

		// A dry run reports and stores nothing.
		before := f.state(t)
		var dry assetImportJSON
		f.ok(t, importRequest(owner, "format=cyclonedx&name=ml-bom.json&dry_run=true", "application/vnd.cyclonedx+json", bom), 200, &dry)
		if !dry.DryRun || dry.Created != 2 || dry.Format != aibom.FormatCycloneDXJSON || len(dry.AssetIDs) != 0 {
			t.Errorf("dry run = %+v", dry)
		}
		if after := f.state(t); after != before || total() != 0 {
			t.Errorf("a dry run changed the database:\nbefore %+v\nafter  %+v", before, after)
		}

		var first assetImportJSON
		f.ok(t, importRequest(owner, "format=cyclonedx&name=ml-bom.json", "application/json", bom), 200, &first)
		if first.DryRun || first.Created != 2 || first.Updated != 0 || first.Unchanged != 0 || len(first.AssetIDs) != 2 || first.Warnings == nil {
			t.Errorf("first import = %+v", first)
		}
		var model assetDetailJSON
		f.ok(t, request{method: "GET", path: "/orgs/acme/assets/" + first.AssetIDs[0], token: viewer}, 200, &model)
		if model.Name != "stable-diffusion" || model.Type != isms.AssetModel || model.SourceKey == nil || model.ModelCard == "" {
			t.Errorf("imported model = %+v", model)
		}

		// Importing the same file again updates nothing and duplicates
		// nothing.
		var second assetImportJSON
		f.ok(t, importRequest(owner, "name=ml-bom.json", "application/vnd.cyclonedx+json; charset=utf-8", bom), 200, &second)
		if second.Created != 0 || second.Updated+second.Unchanged != 2 || second.Unchanged != 2 || !slices.Equal(second.AssetIDs, first.AssetIDs) {
			t.Errorf("second import = %+v, first %+v", second, first)
		}
		if n := total(); n != 2 {
			t.Errorf("after two imports of one file the inventory has %d assets, want 2", n)
		}
		// A change in the file updates the asset it made.
		var third assetImportJSON
		f.ok(t, importRequest(owner, "name=ml-bom.json", "application/json", strings.Replace(bom, `"version": "1.4"`, `"version": "1.5"`, 1)), 200, &third)
		if third.Created != 0 || third.Updated != 1 || third.Unchanged != 1 {
			t.Errorf("import of a changed file = %+v", third)
		}

		// The XML form of the same BOM names the same assets.
		var xml assetImportJSON
		f.ok(t, importRequest(owner, "format=cyclonedx", "application/xml", aibomFile(t, "cyclonedx/spec/valid-machine-learning-1.6.xml")), 200, &xml)
		if xml.Format != aibom.FormatCycloneDXXML || xml.Created != 0 || total() != 2 {
			t.Errorf("import of the XML BOM = %+v", xml)
		}

		t.Run("refused files change nothing", func(t *testing.T) {
			before := f.state(t)
			p := decodeProblem(t, f.do(t, importRequest(owner, "name=bad.json", "application/json", "{\n\"bomFormat\": \"Cyclone\xffDX\"}")), 422)
			if !names(p, "file") || !strings.Contains(p.Errors[0].Detail, "line 2: ") || !strings.Contains(p.Errors[0].Detail, "UTF-8") {
				t.Errorf("invalid UTF-8: %+v", p)
			}
			p = decodeProblem(t, f.do(t, importRequest(owner, "name=invalid.json", "application/json", aibomFile(t, "cyclonedx/spec/invalid-component-type-1.6.json"))), 422)
			if !names(p, "components[0].type") || !strings.HasPrefix(p.Errors[0].Detail, "line 9: ") {
				t.Errorf("a component of an unknown type: %+v", p)
			}
			expectProblem(t, f, importRequest(owner, "format=csv", "text/csv", bom), 422, "file")
			expectProblem(t, f, importRequest(owner, "format=sbom", "application/json", bom), 422, "format")
			expectProblem(t, f, importRequest(owner, "", "text/csv", "type,key,name\nrobot,r1,Robbie\n"), 422, "type")
			expectProblem(t, f, importRequest(owner, "", "text/csv", "type,key,name,owner\nmodel,m1,Model,nobody@example.com\n"), 422, "owner")
			expectProblem(t, f, importRequest(owner, "", "application/octet-stream", "\x00\x01\x02"), 422, "file")
			expectProblem(t, f, importRequest(owner, "", "text/markdown", " \n"), 422, "file")
			res := expectProblem(t, f, importRequest(owner, "", "application/json", strings.Repeat(" ", aibom.MaxFileSize+1)), 413)
			if !strings.Contains(string(res.body), "32 MiB") {
				t.Errorf("the 413 does not say how large a file may be: %s", res.body)
			}
			expectProblem(t, f, importRequest(owner, "", "application/yaml", bom), 415)
			expectProblem(t, f, importRequest(owner, "", "application/x-www-form-urlencoded", bom), 415)
			expectProblem(t, f, importRequest(owner, "dry_run=maybe", "application/json", bom), 400, "dry_run")
			expectProblem(t, f, importRequest(owner, "name=a%0Ab.json", "application/json", bom), 422, "name")
			expectProblem(t, f, importRequest(owner, "scope=all", "application/json", bom), 400, "scope")
			expectProblem(t, f, importRequest(viewer, "dry_run=true", "application/json", bom), 403)
			expectProblem(t, f, importRequest(f.otherToken, "", "application/json", bom), 404)
			if after := f.state(t); after != before {
				t.Errorf("refused imports changed the database:\nbefore %+v\nafter  %+v", before, after)
			}
			if n := total(); n != 2 {
				t.Errorf("the inventory has %d assets after refused imports, want 2", n)
			}
		})

		t.Run("export and template", func(t *testing.T) {
			res := expectStatus(t, f, request{method: "GET", path: "/orgs/acme/assets/export", token: viewer}, 200)
			if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
				!strings.HasPrefix(cd, "attachment; filename=assets-acme-") || !strings.HasSuffix(cd, ".csv") {
				t.Errorf("CSV export: Content-Type %q, Content-Disposition %q", ct, cd)
			}
			rows, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Fatalf("the CSV export has %d rows (%v), want a header and 2 assets:\n%s", len(rows), err, res.body)
			}
			// The export imports again without change.
			var again assetImportJSON
			f.ok(t, importRequest(owner, "name=export.csv", "text/csv", string(res.body)), 200, &again)
			if again.Created != 0 || again.Unchanged != 2 {
				t.Errorf("import of the export = %+v", again)
			}
			res = expectStatus(t, f, request{method: "GET", path: "/orgs/acme/assets/export?format=csv&type=model", token: viewer}, 200)
			if n := bytes.Count(res.body, []byte("\n")); n != 2 {
				t.Errorf("export of models has %d lines, want 2:\n%s", n, res.body)
			}
			res = expectStatus(t, f, request{method: "GET", path: "/orgs/acme/assets/export?format=xlsx", token: viewer}, 200)
			if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != xlsxType || !strings.HasSuffix(cd, ".xlsx") ||
				!bytes.HasPrefix(res.body, []byte("PK\x03\x04")) {
				t.Errorf("XLSX export: Content-Type %q, Content-Disposition %q, starts %q", ct, cd, res.body[:min(4, len(res.body))])
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/assets/export?format=pdf", token: viewer}, 422, "format")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/assets/export?type=robot", token: viewer}, 422, "type")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/assets/export?cursor=x", token: viewer}, 400, "cursor")

			res = expectStatus(t, f, request{method: "GET", path: "/orgs/acme/asset-imports/template", token: viewer}, 200)
			if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
				cd != "attachment; filename=isms-assets-template.csv" || !bytes.Equal(res.body, app.AssetCSVTemplate()) {
				t.Errorf("template: Content-Type %q, Content-Disposition %q", ct, cd)
			}
			// The template is a valid file, once its example people are
			// members.
			for _, email := range []string{"head-of-ml@example.com", "mlops@example.com", "dpo@example.com"} {
				f.mustMember(t, f.operator, email, "Example", "isms_manager")
			}
			var tmpl assetImportJSON
			f.ok(t, importRequest(owner, "dry_run=true", "text/csv", string(res.body)), 200, &tmpl)
			if tmpl.Created == 0 {
				t.Errorf("dry run of the template = %+v", tmpl)
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/asset-imports/template?format=xlsx", token: viewer}, 400, "format")
		})
	})
}
