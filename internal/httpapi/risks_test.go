package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const (
	promptInjection = "owasp-llm-top10-2025:LLM01:2025"
	secureCoding    = "iso27001-2022:A.8.28"
	missingUUID     = "01890000-0000-7000-8000-000000000000"
)

// riskBody is a POST risks body: prompt injection on an asset, rated
// likely (4) and moderate (3), which the default methodology calls high.
func riskBody(ownerID, assetID string, extra ...string) string {
	fields := []string{`"title": "Prompt injection on the chat API"`, fmt.Sprintf(`"threat_ref": %q`, promptInjection),
		`"affects": {"confidentiality": true, "integrity": true, "availability": false}`,
		`"inherent_likelihood": 4`, `"inherent_impact": 3`, fmt.Sprintf(`"owner_id": %q`, ownerID)}
	if assetID != "" {
		fields = append(fields, fmt.Sprintf(`"asset_ids": [%q]`, assetID))
	}
	return "{" + strings.Join(append(fields, extra...), ", ") + "}"
}

// treatmentBody treats a risk with secure coding, aiming at likelihood
// and impact 2, low in the default methodology.
const treatmentBody = `{"treatment": "mitigate", "notes": "Filter prompts", "controls": ["` + secureCoding + `"], "residual_likelihood": 2, "residual_impact": 2}`

// compactMethodology is a 3×3 methodology small enough for the recorded
// test's body limit.
const compactMethodology = `{"likelihood": [{"value": 1, "label": "Low", "criteria": ""}, {"value": 2, "label": "Medium", "criteria": ""}, {"value": 3, "label": "High", "criteria": ""}],
 "impact": [{"value": 1, "label": "Low", "criteria": ""}, {"value": 2, "label": "Medium", "criteria": ""}, {"value": 3, "label": "High", "criteria": ""}],
 "levels": [{"name": "acceptable", "color": "#2f9e6b", "acceptable": true, "accept_roles": ["owner", "admin", "isms_manager", "contributor"]},
  {"name": "unacceptable", "color": "#c0392b", "acceptable": false, "accept_roles": []}],
 "matrix": [[0, 0, 0], [0, 0, 1], [0, 1, 1]], "notes": "Three by three."}`

// completeContext is an ISMS context that may be approved.
func completeContext(ownerID string) string {
	return fmt.Sprintf(`{"scope": "The AI platform", "boundaries": "", "locations": ["Berlin"],
		"included": [{"name": "Model training", "reason": ""}], "excluded": [{"name": "Office IT", "reason": "run by the landlord"}],
		"internal_issues": [{"issue": "Small team", "effect": "few people hold many roles"}],
		"external_issues": [{"issue": "EU AI Act", "effect": "obligations for high-risk systems"}],
		"climate_relevant": false, "climate_notes": "", "interested_parties": [{"name": "Customers", "requirements": "their data stays theirs", "addressed_by": "A.5.34"}],
		"objectives_owner_id": %q}`, ownerID)
}

func TestRisks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		contributor, contributorToken := f.memberWithToken(t, "contributor@example.com", "contributor")
		auditor, _ := f.memberWithToken(t, "auditor@example.com", "auditor")
		endpoint := f.createAsset(t, owner, fmt.Sprintf(`{"name": "chat-api", "type": "inference_endpoint", "owner_id": %q,
			"attributes": {"interface": "llm", "exposure": "internet"}}`, f.ownerMember.ID))
		const risks = "/orgs/acme/risks"

		var doc methodologyDocumentJSON
		f.ok(t, request{method: "GET", path: "/orgs/acme/risk-methodology", token: viewer}, 200, &doc)
		if doc.Current.ID != nil || doc.Current.Number != 0 || doc.Current.Status != "default" || doc.Draft != nil ||
			len(doc.Versions) != 0 || len(doc.Current.Methodology.Levels) != 4 {
			t.Errorf("methodology before any risk = %+v", doc)
		}

		var k riskJSON
		res := f.ok(t, request{method: "POST", path: risks, token: admin, body: riskBody(f.ownerMember.ID, endpoint.ID,
			`"review_date": "2020-01-31"`, `"scenario": "A user makes the model leak its system prompt"`)}, 201, &k)
		if loc := res.header.Get("Location"); loc != Prefix+risks+"/"+k.ID {
			t.Errorf("Location = %q", loc)
		}
		if k.Ref != "R-001" || k.MethodologyVersion != 1 || k.Outdated || k.Inherent != (ratingJSON{4, 3, "high", "#e0702b"}) ||
			k.Residual != nil || k.Treatment != nil || k.Status != isms.RiskIdentified || k.Revision != 1 || k.Threat == nil ||
			k.Threat.Title != "Prompt Injection" || !k.Threat.Known || len(k.Assets) != 1 || k.Assets[0].Name != "chat-api" ||
			k.ReviewDate == nil || *k.ReviewDate != "2020-01-31" || !k.Affects.Confidentiality || k.Affects.Availability {
			t.Errorf("created risk = %+v", k)
		}
		f.ok(t, request{method: "GET", path: "/orgs/acme/risk-methodology", token: viewer}, 200, &doc)
		if doc.Current.ID == nil || *doc.Current.ID != k.MethodologyID || doc.Current.Number != 1 || doc.Current.Risks != 1 ||
			len(doc.Versions) != 1 || doc.Versions[0].Risks != 1 || doc.Versions[0].Status != isms.StatusApproved {
			t.Errorf("methodology after the first risk = %+v", doc)
		}
		path := risks + "/" + k.ID

		t.Run("refused risks", func(t *testing.T) {
			post := func(token, body string) request {
				return request{method: "POST", path: risks, token: token, body: body}
			}
			before := f.state(t)
			expectProblem(t, f, post(admin, `{"title": "Nothing"}`), 422, "threat_ref", "affects", "inherent_likelihood", "inherent_impact", "owner_id")
			expectProblem(t, f, post(admin, riskBody(f.ownerMember.ID, "", `"inherent_likelihood": 9`)), 400, "inherent_likelihood")
			expectProblem(t, f, post(admin, strings.Replace(riskBody(f.ownerMember.ID, ""), `"inherent_likelihood": 4`, `"inherent_likelihood": 9`, 1)), 422, "inherent_likelihood")
			expectProblem(t, f, post(admin, strings.Replace(riskBody(f.ownerMember.ID, ""), promptInjection, "iso27001-2022:A.8.28", 1)), 422, "threat_ref")
			expectProblem(t, f, post(admin, strings.Replace(riskBody(f.ownerMember.ID, ""), promptInjection, "no-such:thing", 1)), 422, "threat_ref")
			expectProblem(t, f, post(admin, strings.Replace(riskBody(f.ownerMember.ID, ""), `"confidentiality": true, "integrity": true`, `"confidentiality": false, "integrity": false`, 1)), 422, "affects")
			expectProblem(t, f, post(admin, riskBody(auditor.ID, "")), 422, "owner_id")
			expectProblem(t, f, post(admin, riskBody(missingUUID, "")), 422, "owner_id")
			expectProblem(t, f, post(admin, riskBody(f.ownerMember.ID, missingUUID)), 422, "asset_ids")
			expectProblem(t, f, post(admin, riskBody(f.ownerMember.ID, "", `"review_date": "tomorrow"`)), 422, "review_date")
			expectProblem(t, f, post(admin, riskBody(f.ownerMember.ID, "", `"rerate": true`)), 400, "rerate")
			expectProblem(t, f, post(admin, riskBody(f.ownerMember.ID, "", `"affects": ["confidentiality"]`)), 400, "affects")
			expectProblem(t, f, post(admin, riskBody(f.ownerMember.ID, "", `"likelihood": 3`)), 400, "likelihood")
			expectProblem(t, f, post(viewer, riskBody(f.ownerMember.ID, "")), 403)
			expectProblem(t, f, post(contributorToken, riskBody(contributor.ID, "")), 403)
			expectProblem(t, f, post(f.otherToken, riskBody(f.ownerMember.ID, "")), 404)
			if after := f.state(t); after != before {
				t.Errorf("refused risks changed the database:\nbefore %+v\nafter  %+v", before, after)
			}
		})

		t.Run("by reference", func(t *testing.T) {
			for _, ref := range []string{"R-001", "r-1", "R-0001", k.ID} {
				var got riskJSON
				f.ok(t, request{method: "GET", path: risks + "/" + ref, token: viewer}, 200, &got)
				if got.ID != k.ID {
					t.Errorf("GET risks/%s = %s", ref, got.ID)
				}
			}
			for _, ref := range []string{"R-002", "R-0", "R-", "R-1x", missingUUID} {
				expectProblem(t, f, request{method: "GET", path: risks + "/" + ref, token: viewer}, 404)
			}
		})

		t.Run("assessment, treatment, plan and decisions", func(t *testing.T) {
			var got riskJSON
			f.ok(t, request{method: "PUT", path: risks + "/R-001/treatment", token: admin, body: treatmentBody}, 200, &got)
			if got.Treatment == nil || *got.Treatment != isms.TreatMitigate || got.Residual == nil || *got.Residual != (ratingJSON{2, 2, "low", "#2f9e6b"}) ||
				len(got.Controls) != 1 || got.Controls[0].Ref != secureCoding || got.Controls[0].Cite == "" || !got.Controls[0].Known ||
				got.Status != isms.RiskPlanned || got.Revision != 2 || got.TreatmentNotes != "Filter prompts" {
				t.Errorf("treated risk = %+v", got)
			}
			tpath := path + "/treatment"
			expectProblem(t, f, request{method: "PUT", path: tpath, token: admin, body: `{"treatment": "ignore"}`}, 422, "treatment")
			expectProblem(t, f, request{method: "PUT", path: tpath, token: admin, body: `{"treatment": "mitigate"}`}, 422, "controls")
			expectProblem(t, f, request{method: "PUT", path: tpath, token: admin, body: `{"treatment": "mitigate", "controls": ["iso42001-2023:A.2.2"]}`}, 422, "controls")
			expectProblem(t, f, request{method: "PUT", path: tpath, token: admin, body: `{"treatment": "avoid", "residual_likelihood": 9, "residual_impact": 1}`}, 422, "residual_likelihood")
			expectProblem(t, f, request{method: "PUT", path: tpath, token: admin, body: `{"treatment": "avoid", "controls": "A.8.28"}`}, 400, "controls")
			expectProblem(t, f, request{method: "PUT", path: tpath, token: viewer, body: treatmentBody}, 403)
			expectProblem(t, f, request{method: "PUT", path: tpath, token: contributorToken, body: treatmentBody}, 403)

			var act actionJSON
			f.ok(t, request{method: "POST", path: path + "/actions", token: admin, body: fmt.Sprintf(`{"description": "Deploy the prompt filter",
				"owner_id": %q, "due_date": "2020-02-01"}`, contributor.ID)}, 201, &act)
			if act.Status != "open" || act.OwnerID == nil || *act.OwnerID != contributor.ID || act.DueDate == nil || *act.DueDate != "2020-02-01" {
				t.Errorf("action = %+v", act)
			}
			expectProblem(t, f, request{method: "POST", path: path + "/actions", token: admin, body: `{"description": ""}`}, 422, "description")
			expectProblem(t, f, request{method: "POST", path: path + "/actions", token: admin, body: `{"description": "x", "status": "stalled"}`}, 422, "status")
			expectProblem(t, f, request{method: "POST", path: path + "/actions", token: admin, body: `{"description": "x", "due_date": "soon"}`}, 422, "due_date")
			expectProblem(t, f, request{method: "POST", path: path + "/actions", token: viewer, body: `{"description": "x"}`}, 403)
			expectProblem(t, f, request{method: "POST", path: risks + "/" + missingUUID + "/actions", token: admin, body: `{"description": "x"}`}, 404)

			// The action's owner, a contributor, reports progress, which
			// changes nothing the risk owner decided on.
			apath := path + "/actions/" + act.ID
			f.ok(t, request{method: "PATCH", path: apath, token: contributorToken, body: `{"status": "done"}`}, 200, &act)
			if act.Status != "done" || act.Description != "Deploy the prompt filter" || act.DueDate == nil {
				t.Errorf("action after the patch = %+v", act)
			}
			expectProblem(t, f, request{method: "PATCH", path: apath, token: contributorToken, body: `{"description": "Something else"}`}, 403)
			expectProblem(t, f, request{method: "PATCH", path: apath, token: viewer, body: `{"status": "open"}`}, 403)
			expectProblem(t, f, request{method: "PATCH", path: apath, token: admin, body: `{"status": null}`}, 422, "status")
			expectProblem(t, f, request{method: "PATCH", path: apath, token: admin, body: `{"description": null}`}, 422, "description")
			expectProblem(t, f, request{method: "PATCH", path: apath, token: admin, body: `{"due_date": "31.01.2026"}`}, 422, "due_date")
			expectProblem(t, f, request{method: "PATCH", path: apath, token: admin, body: `{"owner_id": 7}`}, 400, "owner_id")
			expectProblem(t, f, request{method: "PATCH", path: path + "/actions/" + missingUUID, token: admin, body: `{"status": "done"}`}, 404)

			var planned riskJSON
			f.ok(t, request{method: "GET", path: path, token: viewer}, 200, &planned)
			// Only the risk owner decides, and in order.
			dpath := path + "/decisions"
			expectProblem(t, f, request{method: "POST", path: dpath, token: admin, body: `{"kind": "plan_approval", "justification": "fine"}`}, 403)
			expectProblem(t, f, request{method: "POST", path: dpath, token: owner, body: `{"kind": "plan_approval"}`}, 422, "justification")
			expectProblem(t, f, request{method: "POST", path: dpath, token: owner, body: `{"kind": "veto", "justification": "no"}`}, 422, "kind")
			expectProblem(t, f, request{method: "POST", path: dpath, token: owner, body: `{"kind": "residual_acceptance", "justification": "fine"}`}, 422, "kind")
			var d decisionJSON
			f.ok(t, request{method: "POST", path: risks + "/R-001/decisions", token: owner,
				body: `{"kind": "plan_approval", "justification": "Filtering is proportionate"}`}, 201, &d)
			if d.Kind != "plan_approval" || !d.Current || d.DecidedBy != f.ownerMember.ID || d.RiskRevision != planned.Revision || d.Level != "low" {
				t.Errorf("decision = %+v", d)
			}
			expectProblem(t, f, request{method: "POST", path: dpath, token: owner, body: `{"kind": "plan_approval", "justification": "again"}`}, 409, "kind")
			f.ok(t, request{method: "POST", path: dpath, token: owner, body: `{"kind": "residual_acceptance", "justification": "Low is within appetite"}`}, 201, &d)
			f.ok(t, request{method: "GET", path: path, token: viewer}, 200, &got)
			if got.Status != isms.RiskAccepted || len(got.Decisions) != 2 || !got.Decisions[0].Current || !got.Decisions[1].Current || len(got.Actions) != 1 {
				t.Errorf("risk after the decisions = %+v", got)
			}

			// A new assessment reopens them.
			f.ok(t, request{method: "PUT", path: path, token: admin, body: riskBody(f.ownerMember.ID, endpoint.ID, `"inherent_likelihood": 5`)}, 400, nil)
			f.ok(t, request{method: "PUT", path: path, token: admin, body: strings.Replace(riskBody(f.ownerMember.ID, endpoint.ID), `"inherent_impact": 3`, `"inherent_impact": 4`, 1)}, 200, &got)
			if got.Status != isms.RiskPlanned || got.Decisions[0].Current || got.Decisions[1].Current || got.Inherent.Level != "high" || got.ReviewDate != nil {
				t.Errorf("risk after a new assessment = %+v", got)
			}
			expectProblem(t, f, request{method: "PUT", path: path, token: contributorToken, body: riskBody(f.ownerMember.ID, endpoint.ID)}, 403)
			expectProblem(t, f, request{method: "PUT", path: path, token: admin, body: riskBody("", endpoint.ID)}, 422, "owner_id")
			expectProblem(t, f, request{method: "PUT", path: path, token: admin, body: `{"title": 7, "rerate": true}`}, 400, "title")
			expectProblem(t, f, request{method: "PUT", path: path, token: admin, body: `{"rerate": true, "Title": "x"}`}, 400, "Title")
			expectProblem(t, f, request{method: "PUT", path: risks + "/R-404", token: admin, body: riskBody(f.ownerMember.ID, "")}, 404)
		})

		t.Run("contributor's own risk", func(t *testing.T) {
			var own riskJSON
			f.ok(t, request{method: "POST", path: risks, token: admin, body: strings.Replace(riskBody(contributor.ID, ""), "Prompt injection on the chat API", "Contributor's risk", 1)}, 201, &own)
			p := risks + "/" + own.ID
			f.ok(t, request{method: "PUT", path: p + "/treatment", token: contributorToken, body: treatmentBody}, 200, nil)
			f.ok(t, request{method: "POST", path: p + "/decisions", token: contributorToken, body: `{"kind": "plan_approval", "justification": "ok"}`}, 201, nil)
			f.ok(t, request{method: "POST", path: p + "/decisions", token: contributorToken, body: `{"kind": "residual_acceptance", "justification": "low"}`}, 201, nil)
			expectProblem(t, f, request{method: "PUT", path: p, token: contributorToken, body: strings.Replace(riskBody(f.ownerMember.ID, ""), "Prompt injection on the chat API", "Contributor's risk", 1)}, 403)
		})

		t.Run("history", func(t *testing.T) {
			var entries list[ledger.Entry]
			f.ok(t, request{method: "GET", path: path + "/history?limit=200", token: viewer}, 200, &entries)
			types := map[string]int{}
			for _, e := range entries.Items {
				types[e.RecordType]++
			}
			for _, typ := range []string{"risk", "risk_action", "risk_decision", "risk_asset", "risk_control"} {
				if types[typ] == 0 {
					t.Errorf("the history of the risk has no %s entry: %v", typ, types)
				}
			}
			if types["asset"] != 0 || types["member"] != 0 {
				t.Errorf("the history of the risk holds other records: %v", types)
			}
			got := walk(t, f, path+"/history?limit=3", 3, func(e ledger.Entry) string { return e.Hash })
			if len(got) != len(entries.Items) {
				t.Errorf("history page by page has %d entries, at once %d", len(got), len(entries.Items))
			}
			expectProblem(t, f, request{method: "GET", path: path + "/history?cursor=eA", token: viewer}, 422, "cursor")
			expectProblem(t, f, request{method: "GET", path: path + "/history?action=create", token: viewer}, 400, "action")
			expectProblem(t, f, request{method: "GET", path: risks + "/" + missingUUID + "/history", token: viewer}, 404)
		})

		t.Run("list", func(t *testing.T) {
			var low riskJSON
			f.ok(t, request{method: "POST", path: risks, token: admin, body: fmt.Sprintf(`{"title": "GPU outage", "threat_text": "The cluster fails",
				"affects": {"availability": true}, "inherent_likelihood": 1, "inherent_impact": 1, "owner_id": %q}`, f.ownerMember.ID)}, 201, &low)
			// An open action past its due date makes R-001 overdue.
			f.ok(t, request{method: "POST", path: path + "/actions", token: admin, body: `{"description": "Review the filter", "due_date": "2020-03-01"}`}, 201, nil)
			refs := func(query string) ([]string, riskList) {
				t.Helper()
				var l riskList
				f.ok(t, request{method: "GET", path: risks + "?" + query, token: viewer}, 200, &l)
				var out []string
				for _, row := range l.Items {
					out = append(out, row.Ref)
				}
				return out, l
			}
			all, l := refs("")
			if !slices.Equal(all, []string{"R-001", "R-002", "R-003"}) || l.Total != 3 || l.Items[0].Inherent.Color == "" {
				t.Errorf("register = %v, %+v", all, l)
			}
			for _, tt := range []struct {
				query string
				want  []string
			}{
				{"asset_id=" + endpoint.ID, []string{"R-001"}},
				{"owner_id=" + contributor.ID, []string{"R-002"}},
				{"level=high", []string{"R-001", "R-002"}},
				{"level=low", []string{"R-003"}},
				{"residual_level=low", []string{"R-001", "R-002"}},
				{"status=accepted", []string{"R-002"}},
				{"treatment=mitigate", []string{"R-001", "R-002"}},
				{"overdue=true", []string{"R-001"}},
				{"overdue=false", []string{"R-001", "R-002", "R-003"}},
				{"likelihood=4&impact=3", []string{"R-002"}},
				{"likelihood=2&impact=2&cell=residual", []string{"R-001", "R-002"}},
				{"methodology_id=" + k.MethodologyID, []string{"R-001", "R-002", "R-003"}},
				{"q=GPU", []string{"R-003"}},
				{"q=R-002", []string{"R-002"}},
				{"sort=level", []string{"R-001", "R-002", "R-003"}},
				{"sort=residual&treatment=mitigate", []string{"R-001", "R-002"}},
			} {
				got, l := refs(tt.query)
				if !slices.Equal(got, tt.want) || l.Total != len(tt.want) {
					t.Errorf("risks?%s = %v (total %d), want %v", tt.query, got, l.Total, tt.want)
				}
			}
			got := walk(t, f, risks+"?sort=level&limit=1", 1, func(row riskRowJSON) string { return row.Ref })
			if !slices.Equal(got, []string{"R-001", "R-002", "R-003"}) {
				t.Errorf("register by level page by page = %v", got)
			}
			for _, tt := range []struct {
				query  string
				status int
				field  string
			}{
				{"level=extreme", 422, "level"},
				{"residual_level=HIGH", 422, "residual_level"},
				{"status=done", 422, "status"},
				{"treatment=ignore", 422, "treatment"},
				{"sort=title", 422, "sort"},
				{"likelihood=2", 422, "impact"},
				{"impact=2", 422, "likelihood"},
				{"cell=residual", 422, "cell"},
				{"likelihood=2&impact=2&cell=both", 422, "cell"},
				{"likelihood=0&impact=2", 400, "likelihood"},
				{"overdue=yes", 400, "overdue"},
				{"methodology_id=" + missingUUID, 422, "methodology_id"},
				{"cursor=eA", 422, "cursor"},
				{"owner=me", 400, "owner"},
			} {
				expectProblem(t, f, request{method: "GET", path: risks + "?" + tt.query, token: viewer}, tt.status, tt.field)
			}
		})

		t.Run("heat map", func(t *testing.T) {
			var h heatMapJSON
			f.ok(t, request{method: "GET", path: "/orgs/acme/risk-heatmap", token: viewer}, 200, &h)
			if h.Kind != "inherent" || h.Total != 3 || h.Elsewhere != 0 || len(h.Matrix) != 5 || len(h.Matrix[0]) != 5 ||
				h.Matrix[3][2].Count != 1 || h.Matrix[3][3].Count != 1 || h.Matrix[0][0].Count != 1 || h.Matrix[3][2].Level != "high" ||
				h.Matrix[3][2].Likelihood != 4 || h.Matrix[3][2].Impact != 3 || h.Methodology.Number != 1 || len(h.Methodology.Levels) != 4 {
				t.Errorf("inherent heat map = %+v", h)
			}
			f.ok(t, request{method: "GET", path: "/orgs/acme/risk-heatmap?kind=residual&owner_id=" + contributor.ID, token: viewer}, 200, &h)
			if h.Kind != "residual" || h.Total != 1 || h.Matrix[1][1].Count != 1 || h.Elsewhere != 0 {
				t.Errorf("residual heat map of the contributor's risks = %+v", h)
			}
			f.ok(t, request{method: "GET", path: "/orgs/acme/risk-heatmap?kind=residual", token: viewer}, 200, &h)
			if h.Total != 2 || h.Elsewhere != 1 {
				t.Errorf("residual heat map: total %d, elsewhere %d; want the untreated risk elsewhere", h.Total, h.Elsewhere)
			}
			f.ok(t, request{method: "GET", path: "/orgs/acme/risk-heatmap?level=high&methodology_id=" + k.MethodologyID, token: viewer}, 200, &h)
			if h.Total != 2 {
				t.Errorf("heat map of high risks = %+v", h)
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-heatmap?kind=target", token: viewer}, 422, "kind")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-heatmap?likelihood=1&impact=1", token: viewer}, 400, "impact")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-heatmap?level=none", token: viewer}, 422, "level")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-heatmap?methodology_id=" + missingUUID, token: viewer}, 422, "methodology_id")
		})

		t.Run("reports", func(t *testing.T) {
			for _, tt := range []struct {
				kind, query, contentType, magic, file string
			}{
				{"assessment", "", pdfType, "%PDF-", "risk-assessment-acme-"},
				{"assessment", "format=xlsx", xlsxType, "PK\x03\x04", "risk-assessment-acme-"},
				{"treatment", "format=pdf&level=high", pdfType, "%PDF-", "risk-treatment-plan-acme-"},
				{"treatment", "format=xlsx&owner_id=" + contributor.ID, xlsxType, "PK\x03\x04", "risk-treatment-plan-acme-"},
			} {
				res := expectStatus(t, f, request{method: "GET", path: "/orgs/acme/risk-reports/" + tt.kind + "?" + tt.query, token: viewer}, 200)
				cd := res.header.Get("Content-Disposition")
				if ct := res.header.Get("Content-Type"); ct != tt.contentType || !bytes.HasPrefix(res.body, []byte(tt.magic)) ||
					!strings.HasPrefix(cd, "attachment; filename="+tt.file) {
					t.Errorf("%s report %s: Content-Type %q, Content-Disposition %q, starts %q", tt.kind, tt.query, ct, cd, res.body[:min(8, len(res.body))])
				}
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-reports/summary", token: viewer}, 404)
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-reports/assessment?format=docx", token: viewer}, 422, "format")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-reports/assessment?level=none", token: viewer}, 422, "level")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-reports/assessment?limit=5", token: viewer}, 400, "limit")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-reports/assessment", token: f.otherToken}, 404)
		})

		t.Run("suggestions", func(t *testing.T) {
			var l list[suggestionJSON]
			f.ok(t, request{method: "GET", path: "/orgs/acme/assets/" + endpoint.ID + "/risk-suggestions", token: viewer}, 200, &l)
			var pi, other *suggestionJSON
			for i := range l.Items {
				switch s := &l.Items[i]; {
				case s.Threat.Ref == promptInjection:
					pi = s
				case s.InRegister == nil && other == nil:
					other = s
				}
			}
			if pi == nil || pi.InRegister == nil || pi.InRegister.Ref != "R-001" || pi.InRegister.ID != k.ID || len(pi.Controls) == 0 ||
				pi.Threat.Title != "Prompt Injection" || pi.Why == "" {
				t.Fatalf("prompt injection suggestion = %+v", pi)
			}
			if other == nil {
				t.Fatalf("no suggestion besides prompt injection: %+v", l.Items)
			}
			sp := "/orgs/acme/assets/" + endpoint.ID + "/risk-suggestions"
			expectProblem(t, f, request{method: "POST", path: sp, token: admin, body: fmt.Sprintf(`{"threat": %q}`, promptInjection)}, 409, "threat")
			expectProblem(t, f, request{method: "POST", path: sp, token: admin, body: `{"threat": "mitre-atlas:AML.T0000"}`}, 422, "threat")
			expectProblem(t, f, request{method: "POST", path: sp, token: admin, body: `{}`}, 422, "threat")
			expectProblem(t, f, request{method: "POST", path: sp, token: admin, body: fmt.Sprintf(`{"threat": %q, "likelihood": 0}`, other.Threat.Ref)}, 422, "likelihood")
			expectProblem(t, f, request{method: "POST", path: sp, token: admin, body: fmt.Sprintf(`{"threat": %q, "impact": 6}`, other.Threat.Ref)}, 422, "impact")
			expectProblem(t, f, request{method: "POST", path: sp, token: admin, body: fmt.Sprintf(`{"threat": %q, "owner_id": %q}`, other.Threat.Ref, auditor.ID)}, 422, "owner_id")
			expectProblem(t, f, request{method: "POST", path: sp, token: viewer, body: fmt.Sprintf(`{"threat": %q}`, other.Threat.Ref)}, 403)
			var got riskJSON
			res := f.ok(t, request{method: "POST", path: sp, token: admin, body: fmt.Sprintf(`{"threat": %q, "likelihood": 2}`, other.Threat.Ref)}, 201, &got)
			if got.ThreatRef == nil || *got.ThreatRef != other.Threat.Ref || got.OwnerID != f.ownerMember.ID || got.Inherent.Likelihood != 2 ||
				got.Inherent.Impact != other.Impact || len(got.Assets) != 1 || res.header.Get("Location") != Prefix+risks+"/"+got.ID {
				t.Errorf("risk from a suggestion = %+v", got)
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/assets/" + missingUUID + "/risk-suggestions", token: viewer}, 404)
		})

		t.Run("another organisation's risk", func(t *testing.T) {
			globex, err := f.svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), "globex")
			if err != nil {
				t.Fatal(err)
			}
			gary, _, err := f.svc.ListMembers(context.Background(), globex, isms.MemberFilter{})
			if err != nil || len(gary) != 1 {
				t.Fatal(gary, err)
			}
			theirs, err := f.svc.CreateRisk(context.Background(), globex, app.RiskInput{Title: "Theirs", ThreatText: "x", AffectsC: true,
				InherentLikelihood: 1, InherentImpact: 1, OwnerID: gary[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			before := f.state(t)
			p := risks + "/" + theirs.ID
			expectProblem(t, f, request{method: "GET", path: p, token: owner}, 404)
			expectProblem(t, f, request{method: "PUT", path: p, token: owner, body: riskBody(f.ownerMember.ID, "")}, 404)
			expectProblem(t, f, request{method: "PUT", path: p + "/treatment", token: owner, body: treatmentBody}, 404)
			expectProblem(t, f, request{method: "POST", path: p + "/actions", token: owner, body: `{"description": "x"}`}, 404)
			expectProblem(t, f, request{method: "POST", path: p + "/decisions", token: owner, body: `{"kind": "plan_approval", "justification": "x"}`}, 404)
			expectProblem(t, f, request{method: "GET", path: p + "/history", token: owner}, 404)
			expectProblem(t, f, request{method: "GET", path: risks + "?methodology_id=" + theirs.MethodologyID, token: owner}, 422, "methodology_id")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-methodology/versions/" + theirs.MethodologyID, token: owner}, 404)
			if after := f.state(t); after != before {
				t.Errorf("requests for another organisation's risk changed acme:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	})
}

func TestContextAndMethodology(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		_, managerToken := f.memberWithToken(t, "manager@example.com", "isms_manager")

		t.Run("context", func(t *testing.T) {
			var doc contextDocumentJSON
			f.ok(t, request{method: "GET", path: "/orgs/acme/context", token: viewer}, 200, &doc)
			if doc.Approved != nil || doc.Draft != nil || len(doc.Versions) != 0 {
				t.Errorf("context before any version = %+v", doc)
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/context/export", token: viewer}, 404)

			var draft contextVersionJSON
			f.ok(t, request{method: "PUT", path: "/orgs/acme/context/draft", token: managerToken, body: `{"scope": "  The AI platform "}`}, 200, &draft)
			if draft.ID == nil || draft.Number != 1 || draft.Status != isms.StatusDraft || draft.Context.Scope != "The AI platform" ||
				draft.Context.Included == nil || draft.ApprovedAt != nil {
				t.Errorf("first draft = %+v", draft)
			}
			id := *draft.ID
			vpath := "/orgs/acme/context/versions/" + id
			expectProblem(t, f, request{method: "POST", path: vpath + "/approve", token: admin}, 422, "included", "interested_parties", "climate_relevant", "objectives_owner_id")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{"excluded": [{"name": "Office IT"}]}`}, 422, "excluded[0].reason")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{"objectives_owner_id": "` + missingUUID + `"}`}, 422, "objectives_owner_id")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{"scope": "x", "included": [{"name": "a", "why": "b"}]}`}, 400, "why")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{"Scope": "x"}`}, 400, "Scope")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{"climate_relevant": "yes"}`}, 400, "climate_relevant")
			expectProblem(t, f, request{method: "PUT", path: "/orgs/acme/context/draft", token: viewer, body: `{"scope": "x"}`}, 403)

			f.ok(t, request{method: "PUT", path: "/orgs/acme/context/draft", token: managerToken, body: completeContext(f.ownerMember.ID)}, 200, &draft)
			if *draft.ID != id || draft.Number != 1 || len(draft.Context.InterestedParties) != 1 {
				t.Errorf("the draft saved again = %+v", draft)
			}
			expectProblem(t, f, request{method: "POST", path: vpath + "/approve", token: managerToken}, 403)
			expectProblem(t, f, request{method: "POST", path: vpath + "/approve", token: viewer}, 403)
			var approved contextVersionJSON
			f.ok(t, request{method: "POST", path: vpath + "/approve", token: admin}, 200, &approved)
			if approved.Status != isms.StatusApproved || approved.ApprovedAt == nil || approved.ApprovedBy == nil || *approved.ID != id {
				t.Errorf("approved context = %+v", approved)
			}
			expectProblem(t, f, request{method: "POST", path: vpath + "/approve", token: admin}, 409, "version")
			expectProblem(t, f, request{method: "DELETE", path: vpath, token: admin}, 409, "version")
			expectProblem(t, f, request{method: "DELETE", path: vpath, token: viewer}, 403)

			// A new draft next to the version in force, then thrown away.
			f.ok(t, request{method: "PUT", path: "/orgs/acme/context/draft", token: admin, body: `{"scope": "Everything"}`}, 200, &draft)
			if draft.Number != 2 {
				t.Errorf("second draft = %+v", draft)
			}
			f.ok(t, request{method: "GET", path: "/orgs/acme/context", token: viewer}, 200, &doc)
			if doc.Approved == nil || doc.Draft == nil || doc.Approved.Context.Scope != "The AI platform" || doc.Draft.Context.Scope != "Everything" ||
				len(doc.Versions) != 2 || doc.Versions[0].Number != 2 {
				t.Errorf("context with a draft = %+v", doc)
			}
			expectProblem(t, f, request{method: "DELETE", path: "/orgs/acme/context/versions/" + *draft.ID, token: viewer}, 403)
			expectStatus(t, f, request{method: "DELETE", path: "/orgs/acme/context/versions/" + *draft.ID, token: managerToken}, 204)
			expectProblem(t, f, request{method: "DELETE", path: "/orgs/acme/context/versions/" + *draft.ID, token: admin}, 404)
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/context/versions/" + *draft.ID, token: viewer}, 404)

			var v contextVersionJSON
			f.ok(t, request{method: "GET", path: vpath, token: viewer}, 200, &v)
			if v.Context.Scope != "The AI platform" {
				t.Errorf("GET context version = %+v", v)
			}
			for _, query := range []string{"", "?format=pdf", "?version=" + id} {
				res := expectStatus(t, f, request{method: "GET", path: "/orgs/acme/context/export" + query, token: viewer}, 200)
				if ct := res.header.Get("Content-Type"); ct != pdfType || !bytes.HasPrefix(res.body, []byte("%PDF-")) ||
					!strings.Contains(res.header.Get("Content-Disposition"), "isms-context-acme") {
					t.Errorf("context export%s: Content-Type %q, Content-Disposition %q", query, ct, res.header.Get("Content-Disposition"))
				}
			}
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/context/export?format=docx", token: viewer}, 422, "format")
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/context/export?version=" + missingUUID, token: viewer}, 404)
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/context/versions/" + id, token: f.otherToken}, 404)
		})

		t.Run("methodology", func(t *testing.T) {
			var k riskJSON
			f.ok(t, request{method: "POST", path: "/orgs/acme/risks", token: admin, body: riskBody(f.ownerMember.ID, "")}, 201, &k)

			var draft methodologyVersionJSON
			f.ok(t, request{method: "PUT", path: "/orgs/acme/risk-methodology/draft", token: managerToken, body: compactMethodology}, 200, &draft)
			if draft.ID == nil || draft.Number != 2 || draft.Status != isms.StatusDraft || len(draft.Methodology.Levels) != 2 || draft.Risks != 0 {
				t.Errorf("methodology draft = %+v", draft)
			}
			vpath := "/orgs/acme/risk-methodology/versions/" + *draft.ID
			put := func(token, body string) request {
				return request{method: "PUT", path: "/orgs/acme/risk-methodology/draft", token: token, body: body}
			}
			expectProblem(t, f, put(admin, strings.Replace(compactMethodology, "#c0392b", "red", 1)), 422, "levels[1].color")
			expectProblem(t, f, put(admin, strings.Replace(compactMethodology, `[0, 1, 1]]`, `[0, 1, 7]]`, 1)), 422, "matrix[2][2]")
			expectProblem(t, f, put(admin, strings.Replace(compactMethodology, `"isms_manager", "contributor"`, `"wizard"`, 1)), 422, "levels[0].accept_roles")
			expectProblem(t, f, put(admin, `{"likelihood": []}`), 422, "likelihood", "impact", "levels")
			expectProblem(t, f, put(admin, `{"levels": [{"name": "x", "colour": "#000000"}]}`), 400, "colour")
			expectProblem(t, f, put(viewer, compactMethodology), 403)

			var got methodologyVersionJSON
			f.ok(t, request{method: "GET", path: vpath, token: viewer}, 200, &got)
			if got.Status != isms.StatusDraft || got.Methodology.Notes != "Three by three." {
				t.Errorf("GET methodology draft = %+v", got)
			}
			expectProblem(t, f, request{method: "POST", path: vpath + "/approve", token: managerToken}, 403)
			f.ok(t, request{method: "POST", path: vpath + "/approve", token: owner}, 200, &got)
			if got.Status != isms.StatusApproved || got.ApprovedAt == nil {
				t.Errorf("approved methodology = %+v", got)
			}
			expectProblem(t, f, request{method: "POST", path: vpath + "/approve", token: owner}, 409, "version")
			expectProblem(t, f, request{method: "DELETE", path: vpath, token: owner}, 409, "version")
			expectProblem(t, f, request{method: "POST", path: "/orgs/acme/risk-methodology/versions/" + missingUUID + "/approve", token: owner}, 404)

			// The risk keeps its version until it is rated again.
			f.ok(t, request{method: "GET", path: "/orgs/acme/risks/" + k.ID, token: viewer}, 200, &k)
			if !k.Outdated || k.MethodologyVersion != 1 || k.Inherent.Level != "high" {
				t.Errorf("risk after a new methodology = %+v", k)
			}
			var doc methodologyDocumentJSON
			f.ok(t, request{method: "GET", path: "/orgs/acme/risk-methodology", token: viewer}, 200, &doc)
			if doc.Current.Number != 2 || doc.Current.Risks != 0 || len(doc.Versions) != 2 || doc.Versions[1].Risks != 1 ||
				doc.Versions[1].Status != isms.StatusSuperseded || doc.Draft != nil {
				t.Errorf("methodology document = %+v", doc)
			}
			// Level names are those of the methodology in force, unless
			// another version is named.
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risks?level=high", token: viewer}, 422, "level")
			var l riskList
			f.ok(t, request{method: "GET", path: "/orgs/acme/risks?level=high&methodology_id=" + k.MethodologyID, token: viewer}, 200, &l)
			if l.Total != 1 {
				t.Errorf("high risks of version 1 = %+v", l)
			}

			body := strings.Replace(riskBody(f.ownerMember.ID, "", `"rerate": true`), `"inherent_likelihood": 4`, `"inherent_likelihood": 3`, 1)
			f.ok(t, request{method: "PUT", path: "/orgs/acme/risks/" + k.ID, token: admin, body: body}, 200, &k)
			if k.Outdated || k.MethodologyVersion != 2 || k.Inherent != (ratingJSON{3, 3, "unacceptable", "#c0392b"}) {
				t.Errorf("risk rated again = %+v", k)
			}
			f.ok(t, request{method: "GET", path: "/orgs/acme/risks?level=unacceptable", token: viewer}, 200, &l)
			if l.Total != 1 {
				t.Errorf("unacceptable risks = %+v", l)
			}
			var h heatMapJSON
			f.ok(t, request{method: "GET", path: "/orgs/acme/risk-heatmap", token: viewer}, 200, &h)
			if len(h.Matrix) != 3 || h.Matrix[2][2].Count != 1 || h.Matrix[2][2].Level != "unacceptable" || h.Methodology.Number != 2 {
				t.Errorf("heat map on version 2 = %+v", h)
			}

			f.ok(t, put(admin, compactMethodology), 200, &draft)
			expectProblem(t, f, request{method: "DELETE", path: "/orgs/acme/risk-methodology/versions/" + *draft.ID, token: viewer}, 403)
			expectStatus(t, f, request{method: "DELETE", path: "/orgs/acme/risk-methodology/versions/" + *draft.ID, token: admin}, 204)
			expectProblem(t, f, request{method: "GET", path: "/orgs/acme/risk-methodology/versions/" + *draft.ID, token: viewer}, 404)
		})
	})
}
