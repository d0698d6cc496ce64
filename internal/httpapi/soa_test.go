package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/dbtest"
)

// statement is the path of the organisation's ISO/IEC 27001:2022
// statement.
const statement = "/orgs/acme/soa/iso27001-2022"

// controlPath is the path of a control of ISO/IEC 27001:2022.
func controlPath(id string) string { return "/orgs/acme/controls/iso27001-2022:" + id }

// entry returns the statement's entry of a control, failing if there is
// none.
func entry(t testing.TB, doc soaDocumentJSON, id string) soaEntryJSON {
	t.Helper()
	for _, e := range doc.Entries {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("the statement has no entry %s", id)
	return soaEntryJSON{}
}

// treatWith adds a risk through the API, treated with the control ref.
func (f *fixture) treatWith(t testing.TB, token, ref string) riskJSON {
	t.Helper()
	var k riskJSON
	f.ok(t, request{method: "POST", path: "/orgs/acme/risks", token: token, body: riskBody(f.ownerMember.ID, "")}, http.StatusCreated, &k)
	f.ok(t, request{method: "PUT", path: "/orgs/acme/risks/" + k.ID + "/treatment", token: token,
		body: fmt.Sprintf(`{"treatment": "mitigate", "controls": [%q], "residual_likelihood": 2, "residual_impact": 2}`, ref)}, http.StatusOK, &k)
	return k
}

// decideAll includes every undecided control of the statement but A.7.1,
// which it excludes with a justification, so that it can be approved.
func (f *fixture) decideAll(t testing.TB, token string) {
	t.Helper()
	var doc soaDocumentJSON
	f.ok(t, request{method: "GET", path: statement + "?applicability=undecided", token: token}, http.StatusOK, &doc)
	for _, e := range doc.Entries {
		body := `{"applicability": "included"}`
		if e.ID == "A.7.1" {
			body = `{"applicability": "excluded", "exclusion_reason": "No premises: the team works remotely"}`
		}
		f.ok(t, request{method: "PATCH", path: "/orgs/acme/controls/" + e.Control, token: token, body: body}, http.StatusOK, nil)
	}
}

func TestSoA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		k := f.treatWith(t, admin, "iso27001-2022:A.8.8")

		var fws list[soaFrameworkJSON]
		f.ok(t, request{method: "GET", path: "/orgs/acme/soa", token: viewer}, http.StatusOK, &fws)
		if len(fws.Items) != 1 || fws.Items[0].Framework != "iso27001-2022" || fws.Items[0].Versions != 0 || fws.Items[0].LatestVersion != nil {
			t.Errorf("statements before any approval = %+v", fws.Items)
		}

		// A risk treatment includes the control it selects, with the
		// risk as the reason.
		var doc soaDocumentJSON
		f.ok(t, request{method: "GET", path: statement, token: viewer}, http.StatusOK, &doc)
		e := entry(t, doc, "A.8.8")
		if e.Applicability != "included" || !e.Derived || len(e.Reasons) != 1 || e.Reasons[0].Kind != "risk" || e.Reasons[0].Ref != k.Ref ||
			e.Reasons[0].Title != k.Title || e.Control != "iso27001-2022:A.8.8" || e.Status != "not_started" {
			t.Errorf("A.8.8, selected by %s = %+v", k.Ref, e)
		}
		if s := doc.Summary; s.Controls != len(doc.Entries) || s.Controls < 93 || s.Included != 1 || s.Undecided != s.Controls-1 ||
			s.ByStatus["not_started"] != 1 || s.ByStatus["implemented"] != 0 || len(s.ByStatus) != 4 {
			t.Errorf("summary of the draft = %+v", s)
		}
		if doc.Version != 0 || doc.ApprovedBy != nil || doc.ApprovedAt != nil || len(doc.History) != 0 || doc.Org != "Acme" {
			t.Errorf("the draft's document fields = %+v", doc)
		}

		// Filters narrow the entries, never the summary.
		for _, tt := range []struct {
			query string
			keep  func(soaEntryJSON) bool
		}{
			{"applicability=included", func(e soaEntryJSON) bool { return e.Applicability == "included" }},
			{"applicability=undecided&theme=A.5", func(e soaEntryJSON) bool {
				return e.Applicability == "undecided" && strings.HasPrefix(e.Theme, "A.5 ")
			}},
			{"theme=" + strings.ReplaceAll(strings.ToLower(e.Theme), " ", "+"), func(x soaEntryJSON) bool { return x.Theme == e.Theme }},
			{"status=not_started&flagged=true", func(e soaEntryJSON) bool { return e.Status == "not_started" && len(e.Flags) > 0 }},
			{"flagged=false", func(e soaEntryJSON) bool { return len(e.Flags) == 0 }},
			{"stale=false", func(soaEntryJSON) bool { return true }},
			{"status=implemented", func(soaEntryJSON) bool { return false }},
		} {
			var got soaDocumentJSON
			f.ok(t, request{method: "GET", path: statement + "?" + tt.query, token: viewer}, http.StatusOK, &got)
			want := 0
			for _, e := range doc.Entries {
				if tt.keep(e) {
					want++
				}
			}
			if len(got.Entries) != want || got.Summary.Controls != doc.Summary.Controls {
				t.Errorf("?%s: %d entries of %d, want %d", tt.query, len(got.Entries), got.Summary.Controls, want)
			}
			for _, e := range got.Entries {
				if !tt.keep(e) {
					t.Errorf("?%s keeps %s: %+v", tt.query, e.ID, e)
				}
			}
		}
		for _, tt := range []struct {
			query  string
			status int
			field  string
		}{
			{"status=done", http.StatusUnprocessableEntity, "status"},
			{"applicability=maybe", http.StatusUnprocessableEntity, "applicability"},
			{"flagged=yes", http.StatusBadRequest, "flagged"},
			{"colour=red", http.StatusBadRequest, "colour"},
		} {
			expectProblem(t, f, request{method: "GET", path: statement + "?" + tt.query, token: viewer}, tt.status, tt.field)
		}
		expectStatus(t, f, request{method: "GET", path: "/orgs/acme/soa/iso42001-2023", token: viewer}, http.StatusNotFound)
		expectStatus(t, f, request{method: "GET", path: statement, token: f.otherToken}, http.StatusNotFound)
		expectStatus(t, f, request{method: "GET", path: "/orgs/globex/soa/iso27001-2022/versions", token: f.otherToken}, http.StatusOK)

		// Excluding needs a justification; a viewer decides nothing.
		expectProblem(t, f, request{method: "PATCH", path: controlPath("A.7.1"), token: admin, body: `{"applicability": "excluded"}`},
			http.StatusUnprocessableEntity, "exclusion_reason")
		expectStatus(t, f, request{method: "PATCH", path: controlPath("A.7.1"), token: viewer, body: `{"applicability": "included"}`},
			http.StatusForbidden)

		// Only a statement with every control decided is approved.
		expectProblem(t, f, request{method: "POST", path: statement + "/versions", token: owner, body: `{}`},
			http.StatusUnprocessableEntity, "applicability")
		f.decideAll(t, admin)
		expectStatus(t, f, request{method: "POST", path: statement + "/versions", token: viewer, body: `{}`}, http.StatusForbidden)
		expectProblem(t, f, request{method: "POST", path: statement + "/versions", token: owner, body: `{"note": 1}`}, http.StatusBadRequest, "note")
		var v soaVersionJSON
		res := f.ok(t, request{method: "POST", path: statement + "/versions", token: owner, body: `{"note": "First approval"}`}, http.StatusCreated, &v)
		if v.Number != 1 || v.Approver != "Olivia Owner" || v.Note != "First approval" || v.ContentHash == nil || len(*v.ContentHash) != 64 {
			t.Errorf("approved version = %+v", v)
		}
		if loc := res.header.Get("Location"); loc != Prefix+statement+"/versions/1" {
			t.Errorf("Location = %q", loc)
		}
		var versions list[soaVersionJSON]
		f.ok(t, request{method: "GET", path: statement + "/versions", token: viewer}, http.StatusOK, &versions)
		if len(versions.Items) != 1 || !bytes.Equal(mustJSON(t, versions.Items[0]), mustJSON(t, v)) {
			t.Errorf("versions = %+v, want %+v", versions.Items, v)
		}
		f.ok(t, request{method: "GET", path: "/orgs/acme/soa", token: viewer}, http.StatusOK, &fws)
		if len(fws.Items) != 1 || fws.Items[0].Versions != 1 || fws.Items[0].LatestVersion == nil || *fws.Items[0].LatestVersion != 1 {
			t.Errorf("statements after an approval = %+v", fws.Items)
		}
		var v1 soaDocumentJSON
		f.ok(t, request{method: "GET", path: statement + "/versions/1", token: viewer}, http.StatusOK, &v1)
		if v1.Version != 1 || v1.ApprovedBy == nil || *v1.ApprovedBy != "Olivia Owner" || v1.Note != "First approval" || len(v1.History) != 1 ||
			v1.Summary.Undecided != 0 || v1.Summary.Excluded != 1 || entry(t, v1, "A.7.1").Exclusion != "No premises: the team works remotely" {
			t.Errorf("version 1 = %+v", v1)
		}
		for _, n := range []string{"2", "0", "01", "one"} {
			expectStatus(t, f, request{method: "GET", path: statement + "/versions/" + n, token: viewer}, http.StatusNotFound)
		}

		// Exports, of the draft and of the version.
		for _, tt := range []struct {
			query, contentType, name, magic string
		}{
			{"", xlsxType, "acme-soa-iso27001-2022-draft.xlsx", "PK"},
			{"format=xlsx&version=1", xlsxType, "acme-soa-iso27001-2022-v1.xlsx", "PK"},
			{"format=csv&version=1", csvType, "acme-soa-iso27001-2022-v1.csv", ""},
			{"format=pdf&version=1", pdfType, "acme-soa-iso27001-2022-v1.pdf", "%PDF"},
			{"format=html&version=1", "text/html; charset=utf-8", "acme-soa-iso27001-2022-v1.html", ""},
			{"format=oscal", "application/json", "acme-soa-iso27001-2022-draft.oscal.json", "{"},
		} {
			res := expectStatus(t, f, request{method: "GET", path: statement + "/export?" + tt.query, token: viewer}, http.StatusOK)
			_, params, err := mime.ParseMediaType(res.header.Get("Content-Disposition"))
			if ct := res.header.Get("Content-Type"); ct != tt.contentType || err != nil || params["filename"] != tt.name {
				t.Errorf("export ?%s: Content-Type %q, Content-Disposition %q", tt.query, ct, res.header.Get("Content-Disposition"))
			}
			if len(res.body) == 0 || !bytes.HasPrefix(res.body, []byte(tt.magic)) {
				t.Errorf("export ?%s: the body starts %q", tt.query, res.body[:min(len(res.body), 16)])
			}
		}
		expectProblem(t, f, request{method: "GET", path: statement + "/export?format=docx", token: viewer}, http.StatusUnprocessableEntity, "format")
		expectProblem(t, f, request{method: "GET", path: statement + "/export?version=-1", token: viewer}, http.StatusBadRequest, "version")
		expectStatus(t, f, request{method: "GET", path: statement + "/export?version=2", token: viewer}, http.StatusNotFound)

		// A change after the approval shows in the comparison.
		f.ok(t, request{method: "PATCH", path: controlPath("A.5.1"), token: admin, body: `{"implementation": "Policies approved by the board"}`}, http.StatusOK, nil)
		var cmp soaComparisonJSON
		f.ok(t, request{method: "GET", path: statement + "/compare?from=1&to=0", token: viewer}, http.StatusOK, &cmp)
		want := soaDifferenceJSON{Control: "iso27001-2022:A.5.1", ID: "A.5.1", Title: entry(t, v1, "A.5.1").Title, Field: "implementation",
			Before: "", After: "Policies approved by the board"}
		if cmp.From != 1 || cmp.To != 0 || len(cmp.Differences) != 1 || cmp.Differences[0] != want {
			t.Errorf("compare 1 to the draft = %+v, want the one difference %+v", cmp, want)
		}
		f.ok(t, request{method: "GET", path: statement + "/compare?from=1&to=1", token: viewer}, http.StatusOK, &cmp)
		if len(cmp.Differences) != 0 {
			t.Errorf("version 1 differs from itself: %+v", cmp.Differences)
		}
		expectProblem(t, f, request{method: "GET", path: statement + "/compare?to=1", token: viewer}, http.StatusUnprocessableEntity, "from")
		expectProblem(t, f, request{method: "GET", path: statement + "/compare?from=first", token: viewer}, http.StatusBadRequest, "from")
		expectStatus(t, f, request{method: "GET", path: statement + "/compare?from=5", token: viewer}, http.StatusNotFound)

		// The version is frozen: the draft moved on, version 1 did not.
		var again soaDocumentJSON
		f.ok(t, request{method: "GET", path: statement + "/versions/1", token: viewer}, http.StatusOK, &again)
		a, b := mustJSON(t, again), mustJSON(t, v1)
		if !bytes.Equal(a, b) {
			t.Error("version 1 changed after a change to the draft")
		}
	})
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
