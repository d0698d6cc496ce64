package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/problem"
)

// TestBadInput sends requests the API must refuse, and checks the status,
// that the answer is a problem naming the offending field, and that
// nothing was written.
func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		const maxBody = 1024
		f := newFixture(t, fixtureOptions{dialect: db.Dialect(), maxBody: maxBody})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		member := "/orgs/acme/members/" + f.viewerMember.ID
		ownerMember := "/orgs/acme/members/" + f.ownerMember.ID
		post := func(token, body string) request {
			return request{method: "POST", path: "/orgs/acme/members", token: token, body: body}
		}
		get := func(token, path string) request { return request{method: "GET", path: path, token: token} }
		valid := memberBody("new@example.com", "viewer")
		const fws = "/orgs/acme/frameworks"
		patchFw := func(token, id, body string) request {
			return request{method: "PATCH", path: fws + "/" + id, token: token, body: body}
		}
		importFile := func(token, query, contentType, body string) request {
			return request{method: "POST", path: "/orgs/acme/framework-imports" + query, token: token, contentType: contentType, body: body}
		}
		custom, broken := testFile(t, "custom.yaml"), testFile(t, "broken.yaml")

		tests := []struct {
			name   string
			req    request
			status int
			// field is the field the problem must name, if any.
			field string
		}{
			// Which organisation.
			{"unknown organisation", get(owner, "/orgs/no-such-org/members"), 404, ""},
			{"unknown organisation, write", request{method: "POST", path: "/orgs/no-such-org/members", token: owner, body: valid}, 404, ""},
			{"token of another organisation", get(f.otherToken, "/orgs/acme/members"), 404, ""},
			{"token of another organisation, write", request{method: "POST", path: "/orgs/acme/members", token: f.otherToken, body: valid}, 404, ""},
			{"token of another organisation, its slug", get(f.otherToken, "/orgs/acme"), 404, ""},

			// Authentication comes before everything else.
			{"missing token", get("", "/orgs/acme/members"), 401, ""},
			{"missing token, unknown organisation", get("", "/orgs/no-such-org/members"), 401, ""},
			{"missing token, malformed body", request{method: "POST", path: "/orgs/acme/members", body: "{"}, 401, ""},
			{"missing token on /me", get("", "/me"), 401, ""},
			{"not a bearer token", request{method: "GET", path: "/me", authorization: "Basic b3duZXI6cGFzc3dvcmQ="}, 401, ""},
			{"bearer without token", request{method: "GET", path: "/me", authorization: "Bearer"}, 401, ""},
			{"malformed token, too short", get("isms_abc", "/me"), 401, ""},
			{"malformed token, no prefix", get(strings.Repeat("A", 48), "/me"), 401, ""},
			{"malformed token, too long", get(owner+"x", "/me"), 401, ""},
			{"unknown token", get("isms_"+strings.Repeat("A", 43), "/orgs/acme/members"), 401, ""},
			{"expired token", get(f.expiredToken, "/orgs/acme/members"), 401, ""},
			{"revoked token", get(f.revokedToken, "/orgs/acme/members"), 401, ""},
			{"revoked token on /me", get(f.revokedToken, "/me"), 401, ""},

			// Roles.
			{"viewer adds a member", post(viewer, valid), 403, ""},
			{"viewer renames the organisation", request{method: "PATCH", path: "/orgs/acme", token: viewer, body: `{"name": "Mine"}`}, 403, ""},
			{"viewer changes a role", request{method: "PATCH", path: ownerMember, token: viewer, body: `{"role": "viewer"}`}, 403, ""},
			{"viewer removes a member", request{method: "DELETE", path: ownerMember, token: viewer}, 403, ""},
			{"admin grants owner", post(admin, memberBody("new@example.com", "owner")), 403, ""},
			{"admin demotes the owner", request{method: "PATCH", path: ownerMember, token: admin, body: `{"role": "viewer"}`}, 403, ""},

			// Bodies that cannot be read.
			{"malformed JSON", post(owner, `{"email": "new@example.com",`), 400, ""},
			{"malformed JSON, bad literal", post(owner, `{"email": nope}`), 400, ""},
			{"empty body", request{method: "POST", path: "/orgs/acme/members", token: owner, contentType: "application/json"}, 400, ""},
			{"no body, no Content-Type", post(owner, ""), 415, ""},
			{"blank body", post(owner, " \n"), 400, ""},
			{"null body", post(owner, "null"), 400, ""},
			{"array body", post(owner, "["+valid+"]"), 400, ""},
			{"string body", post(owner, `"new@example.com"`), 400, ""},
			{"two objects", post(owner, valid+valid), 400, ""},
			{"trailing garbage", post(owner, valid+" x"), 400, ""},
			{"unknown field", post(owner, memberBody("new@example.com", "viewer", `"nickname": "Newt"`)), 400, "nickname"},
			{"field in another case", post(owner, `{"email": "new@example.com", "Role": "viewer"}`), 400, "Role"},
			{"field twice", post(owner, `{"email": "new@example.com", "role": "owner", "role": "viewer"}`), 400, "role"},
			{"wrong type, string", post(owner, `{"email": 42, "role": "viewer"}`), 400, "email"},
			{"wrong type, object", post(owner, `{"email": "new@example.com", "role": {"name": "viewer"}}`), 400, "role"},
			{"wrong type, optional string", post(owner, memberBody("new@example.com", "auditor", `"expires_at": 20270131`)), 400, "expires_at"},
			{"wrong type in a patch", request{method: "PATCH", path: member, token: admin, body: `{"role": 5}`}, 400, "role"},
			{"wrong type, organisation name", request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": ["Acme"]}`}, 400, "name"},
			{"unknown field in a patch", request{method: "PATCH", path: member, token: admin, body: `{"user_id": "x"}`}, 400, "user_id"},

			// Bodies that break a rule.
			{"invalid role", post(owner, memberBody("new@example.com", "superuser")), 422, "role"},
			{"missing role", post(owner, `{"email": "new@example.com", "name": "New"}`), 422, "role"},
			{"missing email", post(owner, `{"role": "viewer", "name": "New"}`), 422, "email"},
			{"not an email", post(owner, memberBody("new at example.com", "viewer")), 422, "email"},
			{"auditor without expires_at", post(owner, memberBody("auditor@example.com", "auditor")), 422, "expires_at"},
			{"expires_at not RFC 3339", post(owner, memberBody("new@example.com", "viewer", `"expires_at": "31/01/2027"`)), 422, "expires_at"},
			{"expires_at without zone", post(owner, memberBody("new@example.com", "viewer", `"expires_at": "2027-01-31T00:00:00"`)), 422, "expires_at"},
			{"expires_at in the past", post(owner, memberBody("new@example.com", "viewer", `"expires_at": "2001-01-01T00:00:00Z"`)), 422, "expires_at"},
			{"new account without name", post(owner, `{"email": "new@example.com", "role": "viewer"}`), 422, "name"},
			{"password too short", post(owner, memberBody("new@example.com", "viewer", `"password": "short"`)), 422, "password"},
			{"invalid role in a patch", request{method: "PATCH", path: member, token: admin, body: `{"role": "root"}`}, 422, "role"},
			{"null role in a patch", request{method: "PATCH", path: member, token: admin, body: `{"role": null}`}, 422, "role"},
			{"expires_at not RFC 3339 in a patch", request{method: "PATCH", path: member, token: admin, body: `{"expires_at": "tomorrow"}`}, 422, "expires_at"},
			{"organisation without name", request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{}`}, 422, "name"},
			{"organisation name blank", request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": " "}`}, 422, "name"},
			{"organisation name null", request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": null}`}, 422, "name"},

			// Conflicts.
			{"member twice", post(owner, memberBody("viewer@example.com", "viewer")), 409, "email"},
			{"last owner demoted", request{method: "PATCH", path: ownerMember, token: owner, body: `{"role": "admin"}`}, 409, "role"},
			{"last owner removed", request{method: "DELETE", path: ownerMember, token: owner}, 409, "role"},

			// Transport.
			{"oversized body", post(owner, memberBody("new@example.com", "viewer", `"name": "`+strings.Repeat("n", maxBody)+`"`)), 413, ""},
			{"wrong Content-Type", request{method: "POST", path: "/orgs/acme/members", token: owner, body: valid, contentType: "text/plain"}, 415, ""},
			{"form Content-Type", request{method: "PATCH", path: "/orgs/acme", token: owner, body: "name=Acme", contentType: "application/x-www-form-urlencoded"}, 415, ""},
			{"malformed Content-Type", request{method: "PATCH", path: member, token: admin, body: `{}`, contentType: "application/json; charset"}, 415, ""},

			// Query parameters.
			{"unknown query parameter", get(viewer, "/orgs/acme/members?sort=name"), 400, "sort"},
			{"misspelt filter", get(viewer, "/orgs/acme/tokens?stauts=active"), 400, "stauts"},
			{"unknown query parameter on the ledger", get(viewer, "/orgs/acme/ledger?since=2020"), 400, "since"},
			{"unknown query parameter on orgs", get(viewer, "/orgs?q=acme"), 400, "q"},
			{"query parameter twice", get(viewer, "/orgs/acme/members?role=viewer&role=owner"), 400, "role"},
			{"bad cursor, not base64", get(viewer, "/orgs/acme/members?cursor=%25%25%25"), 422, "cursor"},
			{"bad cursor on tokens", get(viewer, "/orgs/acme/tokens?cursor=***"), 422, "cursor"},
			{"bad cursor on orgs", get(viewer, "/orgs?cursor=***"), 422, "cursor"},
			{"bad cursor on the ledger", get(viewer, "/orgs/acme/ledger?cursor="+url.QueryEscape("bm9wZQ")), 422, "cursor"},
			{"zero limit", get(viewer, "/orgs/acme/members?limit=0"), 400, "limit"},
			{"negative limit", get(viewer, "/orgs/acme/tokens?limit=-5"), 400, "limit"},
			{"limit not a number", get(viewer, "/orgs/acme/ledger?limit=ten"), 400, "limit"},
			{"limit too large to read", get(viewer, "/orgs?limit=99999999999999999999"), 400, "limit"},
			{"invalid role filter", get(viewer, "/orgs/acme/members?role=wizard"), 422, "role"},
			{"invalid token status", get(viewer, "/orgs/acme/tokens?status=lost"), 422, "status"},
			{"invalid ledger action", get(viewer, "/orgs/acme/ledger?action=erase"), 422, "action"},

			// Text no database can store or compare.
			{"NUL in a body string", post(owner, `{"email": "nul@example.com", "role": "viewer", "name": "A\u0000B"}`), 400, "name"},
			{"NUL in a patch", request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": "Acme\u0000"}`}, 400, "name"},
			{"NUL in a query value", get(viewer, "/orgs/acme/members?q=%00"), 400, "q"},
			{"invalid UTF-8 in a query value", get(viewer, "/orgs/acme/ledger?record_id=%FF"), 400, "record_id"},
			{"cursor of a NUL", get(viewer, "/orgs/acme/tokens?cursor=AA"), 422, "cursor"},
			{"cursor of invalid UTF-8", get(viewer, "/orgs/acme/members?cursor=_w"), 422, "cursor"},
			{"NUL in a member id", get(viewer, "/orgs/acme/members/%00"), 404, ""},
			{"NUL in a token id", request{method: "DELETE", path: "/orgs/acme/tokens/%00", token: owner}, 404, ""},
			{"NUL in a slug", get(viewer, "/orgs/%00/members"), 404, ""},
			{"slug that cannot exist", get(viewer, "/orgs/ACME/members"), 404, ""},

			// Frameworks.
			{"unknown framework", get(viewer, fws+"/no-such-framework"), 404, ""},
			{"unknown framework, items", get(viewer, fws+"/no-such-framework/items"), 404, ""},
			{"unknown framework, item", get(viewer, fws+"/no-such-framework/items/A.5.1"), 404, ""},
			{"unknown framework, export", get(viewer, fws+"/no-such-framework/export?format=yaml"), 404, ""},
			{"unknown framework, switched on", patchFw(owner, "no-such-framework", `{"enabled": true}`), 404, ""},
			{"framework id in capitals", get(viewer, fws+"/ISO27001-2022"), 404, ""},
			{"unknown item", get(viewer, fws+"/iso27001-2022/items/A.9.99"), 404, ""},
			{"item of another framework", get(viewer, fws+"/iso27001-2013/items/A.5.37"), 404, ""},
			{"item id in other case", get(viewer, fws+"/owasp-llm-top10-2025/items/llm01:2025"), 404, ""},
			{"NUL in an item id", get(viewer, fws+"/iso27001-2022/items/A.5%00"), 404, ""},
			{"framework of another organisation's token", get(f.otherToken, fws+"/iso27001-2022"), 404, ""},
			{"viewer switches a framework on", patchFw(viewer, "iso42001-2023", `{"enabled": true}`), 403, ""},
			{"viewer switches the default off", patchFw(viewer, "iso27001-2022", `{"enabled": false}`), 403, ""},
			{"viewer switches an unknown framework on", patchFw(viewer, "no-such-framework", `{"enabled": true}`), 403, ""},
			{"threat library switched on", patchFw(owner, "mitre-atlas", `{"enabled": true}`), 422, "enabled"},
			{"threat library switched off", patchFw(admin, "owasp-llm-top10-2025", `{"enabled": false}`), 422, "enabled"},
			{"framework patch without enabled", patchFw(owner, "iso42001-2023", `{}`), 422, "enabled"},
			{"framework patch with null", patchFw(owner, "iso42001-2023", `{"enabled": null}`), 422, "enabled"},
			{"framework patch, wrong type", patchFw(owner, "iso42001-2023", `{"enabled": "true"}`), 400, "enabled"},
			{"framework patch, unknown field", patchFw(owner, "iso42001-2023", `{"enabled": true, "name": "Mine"}`), 400, "name"},
			{"framework patch, wrong Content-Type", request{method: "PATCH", path: fws + "/iso42001-2023", token: owner, body: `{"enabled": true}`, contentType: "text/plain"}, 415, ""},
			{"framework patch, oversized", patchFw(owner, "iso42001-2023", `{"enabled": true}`+strings.Repeat(" ", maxBody)), 413, ""},
			{"bad kind filter", get(viewer, fws+"?kind=regulation"), 422, "kind"},
			{"kind filter in capitals", get(viewer, fws+"?kind=Threats"), 422, "kind"},
			{"bad enabled filter", get(viewer, fws+"?enabled=yes-please"), 400, "enabled"},
			{"unknown query parameter on frameworks", get(viewer, fws+"?scope=org"), 400, "scope"},
			{"bad cursor on frameworks", get(viewer, fws+"?cursor=LTE"), 422, "cursor"},
			{"cursor that is not a number", get(viewer, fws+"?cursor=eA"), 422, "cursor"},
			{"bad item kind filter", get(viewer, fws+"/iso27001-2022/items?kind=widget"), 422, "kind"},
			{"bad assessable filter", get(viewer, fws+"/iso27001-2022/items?assessable=2"), 400, "assessable"},
			{"unknown query parameter on items", get(viewer, fws+"/iso27001-2022/items?title=Policies"), 400, "title"},
			{"bad export format", get(viewer, fws+"/iso27001-2022/export?format=pdf"), 422, "format"},
			{"export format json", get(viewer, fws+"/iso27001-2022/export?format=json"), 422, "format"},
			{"unknown query parameter on export", get(viewer, fws+"/iso27001-2022/export?download=1"), 400, "download"},

			// Search.
			{"empty search", get(viewer, "/orgs/acme/framework-items?q="), 422, "q"},
			{"blank search", get(viewer, "/orgs/acme/framework-items?q=%20%20"), 422, "q"},
			{"search without q", get(viewer, "/orgs/acme/framework-items?framework=iso27001-2022"), 422, "q"},
			{"search in an unknown framework", get(viewer, "/orgs/acme/framework-items?q=access&framework=no-such-framework"), 422, "framework"},
			{"search with a cursor", get(viewer, "/orgs/acme/framework-items?q=access&cursor=MQ"), 400, "cursor"},
			{"search limit not a number", get(viewer, "/orgs/acme/framework-items?q=access&limit=all"), 400, "limit"},

			// Framework imports.
			{"import with problems", importFile(owner, "?name=broken.yaml", "application/yaml", broken), 422, "items[2].parent"},
			{"dry run with problems", importFile(viewer, "?name=broken.yaml&dry_run=true", "application/yaml", broken), 422, "items[2].kind"},
			{"import that is not YAML", importFile(owner, "", "application/yaml", "format: [\n"), 422, "file"},
			{"import of an empty file", importFile(owner, "", "application/yaml", "\n"), 422, "file"},
			{"import of a YAML list", importFile(owner, "", "text/yaml", "- a\n- b\n"), 422, "file"},
			{"import of unknown format", importFile(owner, "", "application/yaml", "format: isms-framework/9\n"), 422, "format"},
			{"import of broken JSON", importFile(owner, "", "application/json", `{"catalog": `), 422, "file"},
			{"import taking a built-in id", importFile(owner, "?id=iso27001-2022", "application/yaml", custom), 422, "id"},
			{"import under an invalid id", importFile(owner, "?id=Acme_Controls", "application/yaml", custom), 422, "id"},
			{"import with an id for three frameworks", importFile(owner, "?id=acme", "application/yaml", testFile(t, "ciso-library.yaml")), 422, "id"},
			{"import mapping to an unknown framework", importFile(owner, "", "application/yaml", strings.Replace(custom, "ai-security:AIS-AC-02", "no-such-framework:X", 1)), 422, "mappings[1].to"},
			{"viewer imports", importFile(viewer, "?name=custom.yaml", "application/yaml", custom), 403, ""},
			{"import as XML", importFile(owner, "", "application/xml", custom), 415, ""},
			{"import as a form", importFile(owner, "", "application/x-www-form-urlencoded", custom), 415, ""},
			{"import without Content-Type", importFile(owner, "", "", ""), 415, ""},
			{"import with a malformed Content-Type", importFile(owner, "", "application/yaml; charset", custom), 415, ""},
			{"oversized import", importFile(owner, "", "application/yaml", strings.Repeat("#", framework.MaxFileSize+1)), 413, ""},
			{"import with a long file name", importFile(owner, "?name="+strings.Repeat("n", 256), "application/yaml", custom), 422, "name"},
			{"import with a new line in the file name", importFile(owner, "?name=a%0Ab.yaml", "application/yaml", custom), 422, "name"},
			{"import with a bad dry_run", importFile(owner, "?dry_run=maybe", "application/yaml", custom), 400, "dry_run"},
			{"import with an unknown query parameter", importFile(owner, "?scope=instance", "application/yaml", custom), 400, "scope"},
			{"import to an unknown organisation", request{method: "POST", path: "/orgs/no-such-org/framework-imports", token: owner, contentType: "application/yaml", body: custom}, 404, ""},
			{"import with another organisation's token", request{method: "POST", path: "/orgs/acme/framework-imports", token: f.otherToken, contentType: "application/yaml", body: custom}, 404, ""},
			{"import without a token", importFile("", "", "application/yaml", custom), 401, ""},
			{"unknown import removed", request{method: "DELETE", path: "/orgs/acme/framework-imports/01890000-0000-7000-8000-000000000000", token: owner}, 404, ""},
			{"import id that is not one", request{method: "DELETE", path: "/orgs/acme/framework-imports/custom.yaml", token: owner}, 404, ""},
			{"viewer removes an import", request{method: "DELETE", path: "/orgs/acme/framework-imports/01890000-0000-7000-8000-000000000000", token: viewer}, 403, ""},
			{"bad cursor on imports", get(viewer, "/orgs/acme/framework-imports?cursor=***"), 422, "cursor"},

			// Records.
			{"unknown member", get(viewer, "/orgs/acme/members/01890000-0000-7000-8000-000000000000"), 404, ""},
			{"unknown token", get(viewer, "/orgs/acme/tokens/nope"), 404, ""},
			{"unknown problem type", get("", "/problems/nope"), 404, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := f.state(t)
				res := f.do(t, tt.req)
				p := decodeProblem(t, res, tt.status)
				if tt.field != "" && !names(p, tt.field) {
					t.Errorf("the problem does not name the field %q: %s", tt.field, res.body)
				}
				path, err := url.PathUnescape(strings.Split(tt.req.path, "?")[0])
				if err != nil {
					t.Fatal(err)
				}
				if p.Instance != Prefix+path {
					t.Errorf("instance = %q, want the request's path", p.Instance)
				}
				if got := res.header.Get("WWW-Authenticate"); (got != "") != (tt.status == http.StatusUnauthorized) {
					t.Errorf("status %d with WWW-Authenticate %q", res.status, got)
				}
				if res.header.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", res.header.Get("Cache-Control"))
				}
				if after := f.state(t); after != before {
					t.Errorf("a refused request changed the database:\nbefore %+v\nafter  %+v", before, after)
				}
			})
		}
	})
}

// TestRefusedWritesLeaveNoTrace checks, after a run of refused writes,
// that the records are exactly as they were and the ledger still
// verifies.
func TestRefusedWritesLeaveNoTrace(t *testing.T) {
	f := newFixture(t, fixtureOptions{maxBody: 1024})
	ctx := context.Background()
	membersBefore, _, err := f.svc.ListMembers(ctx, f.operator, isms.MemberFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	before := f.state(t)
	for _, req := range []request{
		{method: "POST", path: "/orgs/acme/members", token: f.ownerToken, body: memberBody("a@example.com", "auditor")},
		{method: "POST", path: "/orgs/acme/members", token: f.ownerToken, body: memberBody("b@example.com", "viewer", `"password": "short"`)},
		{method: "POST", path: "/orgs/acme/members", token: f.viewerToken, body: memberBody("c@example.com", "viewer")},
		{method: "PATCH", path: "/orgs/acme/members/" + f.ownerMember.ID, token: f.ownerToken, body: `{"role": "admin"}`},
		{method: "PATCH", path: "/orgs/acme/members/" + f.ownerMember.ID, token: f.ownerToken, body: `{"expires_at": "` + inAYear() + `"}`},
		{method: "PATCH", path: "/orgs/acme/members/" + f.viewerMember.ID, token: f.adminToken, body: `{"role": "auditor"}`},
		{method: "DELETE", path: "/orgs/acme/members/" + f.ownerMember.ID, token: f.ownerToken},
		{method: "PATCH", path: "/orgs/acme", token: f.ownerToken, body: `{"name": "` + strings.Repeat("x", 201) + `"}`},
	} {
		res := f.do(t, req)
		if res.status < 400 {
			t.Fatalf("%s %s %s: status %d, want a refusal", req.method, req.path, req.body, res.status)
		}
	}
	if after := f.state(t); after != before {
		t.Errorf("refused writes changed the database:\nbefore %+v\nafter  %+v", before, after)
	}
	membersAfter, _, err := f.svc.ListMembers(ctx, f.operator, isms.MemberFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(membersBefore, membersAfter, func(a, b isms.Member) bool {
		return a.ID == b.ID && a.Role == b.Role && a.UpdatedAt.Equal(b.UpdatedAt) && (a.ExpiresAt == nil) == (b.ExpiresAt == nil)
	}) {
		t.Errorf("members changed:\nbefore %+v\nafter  %+v", membersBefore, membersAfter)
	}
	report, err := f.svc.VerifyLedger(ctx, f.operator)
	if err != nil || !report.OK() {
		t.Errorf("ledger verification: %v %+v", err, report.Problems)
	}
}

// TestFailedImportsLeaveNoTrace checks that framework imports and
// removals that fail leave the imports, the library and the ledger as they
// were: a file is imported whole or not at all.
func TestFailedImportsLeaveNoTrace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect(), maxBody: 1024})
		owner := f.ownerToken
		post := func(token, query, contentType, body string) request {
			return request{method: "POST", path: "/orgs/acme/framework-imports" + query, token: token, contentType: contentType, body: body}
		}
		custom, ciso := testFile(t, "custom.yaml"), testFile(t, "ciso-library.yaml")
		var first importJSON
		f.ok(t, post(owner, "?name=custom.yaml", "application/yaml", custom), http.StatusCreated, &first)
		var mapped importJSON
		f.ok(t, post(owner, "?name=map.yaml", "application/yaml", mappingsFile), http.StatusCreated, &mapped)
		f.ok(t, post(owner, "?name=ciso-library.yaml", "text/yaml", ciso), http.StatusCreated, nil)

		// What the API shows, besides what f.state reads directly.
		snapshot := func() (imports, frameworks string, head verifyJSON) {
			t.Helper()
			imports = string(f.ok(t, request{method: "GET", path: "/orgs/acme/framework-imports", token: owner}, http.StatusOK, nil).body)
			frameworks = string(f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks?limit=200", token: owner}, http.StatusOK, nil).body)
			f.ok(t, request{method: "GET", path: "/orgs/acme/ledger/verify", token: owner}, http.StatusOK, &head)
			return imports, frameworks, head
		}
		beforeImports, beforeFrameworks, beforeHead := snapshot()
		before := f.state(t)

		// broken.yaml with its problems fixed except one: a mapping to an
		// item that does not exist, found only when the library checks it.
		almost := strings.NewReplacer("id: Acme Controls", "id: acme-controls", "colour: blue\n", "", "parent: A-9", "parent: A-1",
			"kind: widget", "kind: control", "priority: [urgent]", "priority: [high]", "      owner: [me]\n", "",
			"  - id: A-3\n    kind: control\n", "  - id: A-3\n    kind: control\n    title: Third\n",
			"  - id: A-1\n    kind: control\n    title: Again\n", "", "from: A-7", "from: A-2", "relation: fixes", "relation: related",
			"to: nowhere:X", "to: iso27001-2022:A.5.1").Replace(testFile(t, "broken.yaml"))
		for _, req := range []request{
			post(owner, "?name=broken.yaml", "application/yaml", testFile(t, "broken.yaml")),
			post(owner, "?name=almost.yaml", "application/yaml", almost),
			post(owner, "?name=custom.yaml", "application/yaml", custom),
			post(owner, "?id=acme-ai-controls", "application/yaml", ciso),
			post(owner, "?id=Acme", "application/yaml", custom),
			post(owner, "?name=ciso-library.yaml", "text/yaml", ciso),
			post(f.viewerToken, "?id=viewer-copy", "application/yaml", custom),
			post(owner, "?id=xml-copy", "application/xml", custom),
			post(owner, "?id=big-copy", "application/yaml", custom+strings.Repeat("#", framework.MaxFileSize)),
			{method: "DELETE", path: "/orgs/acme/framework-imports/" + first.ID, token: owner},
			{method: "DELETE", path: "/orgs/acme/framework-imports/" + mapped.ID, token: f.viewerToken},
			{method: "PATCH", path: "/orgs/acme/frameworks/acme-ai-controls", token: f.viewerToken, body: `{"enabled": true}`},
			{method: "PATCH", path: "/orgs/acme/frameworks/infosec-threats", token: owner, body: `{"enabled": true}`},
		} {
			res := f.do(t, req)
			if res.status < 400 {
				t.Errorf("%s %s: status %d, want a refusal", req.method, req.path, res.status)
			}
		}
		// A dry run, valid or not, stores nothing either.
		f.ok(t, post(owner, "?id=dry-copy&dry_run=true", "application/yaml", custom), http.StatusOK, nil)
		f.do(t, post(owner, "?dry_run=true", "application/yaml", almost))

		afterImports, afterFrameworks, afterHead := snapshot()
		if afterImports != beforeImports {
			t.Errorf("GET framework-imports changed:\nbefore %s\nafter  %s", beforeImports, afterImports)
		}
		if afterFrameworks != beforeFrameworks {
			t.Error("GET frameworks changed")
		}
		if afterHead.HeadSeq != beforeHead.HeadSeq || afterHead.HeadHash != beforeHead.HeadHash || !afterHead.OK {
			t.Errorf("the ledger moved or broke: before %+v, after %+v", beforeHead, afterHead)
		}
		if after := f.state(t); after != before {
			t.Errorf("failed imports changed the database:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

// TestPagination walks lists page by page along next_cursor and checks
// that every item comes exactly once, in order.
func TestPagination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		ctx := context.Background()
		for i := range 9 {
			role := "viewer"
			if i%3 == 0 {
				role = "contributor"
			}
			f.mustMember(t, f.operator, fmt.Sprintf("person%02d@example.com", i), fmt.Sprintf("Person %d", i), role)
		}

		t.Run("members", func(t *testing.T) {
			tests := []struct {
				name   string
				query  string
				filter isms.MemberFilter
			}{
				{"all", "", isms.MemberFilter{}},
				{"by role", "&role=viewer", isms.MemberFilter{Role: isms.RoleViewer}},
				{"by text", "&q=PERSON0", isms.MemberFilter{Query: "person0"}},
				{"nothing matches", "&q=nobody", isms.MemberFilter{Query: "nobody"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					tt.filter.Limit = 200
					all, _, err := f.svc.ListMembers(ctx, f.operator, tt.filter)
					if err != nil {
						t.Fatal(err)
					}
					var want []string
					for _, m := range all {
						want = append(want, m.ID)
					}
					got := walk(t, f, "/orgs/acme/members?limit=2"+tt.query, 2, func(m memberJSON) string { return m.ID })
					if tt.name == "all" && len(want) <= 2 {
						t.Fatalf("only %d members: the walk does not cross a page", len(want))
					}
					if !slices.Equal(got, want) {
						t.Errorf("pages gave\n%v\nwant\n%v", got, want)
					}
				})
			}
		})

		t.Run("tokens", func(t *testing.T) {
			all, _, err := f.svc.ListTokens(ctx, f.operator, isms.TokenFilter{Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, tok := range all {
				want = append(want, tok.ID)
			}
			got := walk(t, f, "/orgs/acme/tokens?limit=3", 3, func(tok tokenJSON) string { return tok.ID })
			if !slices.Equal(got, want) {
				t.Errorf("pages gave\n%v\nwant\n%v", got, want)
			}
		})

		t.Run("ledger", func(t *testing.T) {
			var want []string
			err := f.svc.ExportLedger(ctx, f.operator, func(e ledger.Entry) error {
				want = append(want, e.Hash)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(want) // the list is newest first
			got := walk(t, f, "/orgs/acme/ledger?limit=4", 4, func(e ledger.Entry) string { return e.Hash })
			if !slices.Equal(got, want) {
				t.Errorf("pages gave\n%v\nwant\n%v", got, want)
			}
		})

		t.Run("frameworks", func(t *testing.T) {
			views, err := f.svc.Frameworks(ctx, f.operator)
			if err != nil {
				t.Fatal(err)
			}
			var want, threats []string
			for _, v := range views {
				want = append(want, v.ID)
				if v.Kind == framework.KindThreats {
					threats = append(threats, v.ID)
				}
			}
			got := walk(t, f, "/orgs/acme/frameworks?limit=3", 3, func(fw frameworkJSON) string { return fw.ID })
			if len(want) <= 3 || !slices.Equal(got, want) {
				t.Errorf("pages gave\n%v\nwant\n%v", got, want)
			}
			got = walk(t, f, "/orgs/acme/frameworks?kind=threats&limit=2", 2, func(fw frameworkJSON) string { return fw.ID })
			if !slices.Equal(got, threats) {
				t.Errorf("threat libraries page by page = %v, want %v", got, threats)
			}
		})

		t.Run("framework items", func(t *testing.T) {
			v, _, err := f.svc.Framework(ctx, f.operator, "iso27001-2022")
			if err != nil {
				t.Fatal(err)
			}
			var want, controls []string
			for _, it := range v.Items {
				want = append(want, it.ID)
				if it.Kind == framework.ItemControl && it.Parent == "A.8" {
					controls = append(controls, it.ID)
				}
			}
			got := walk(t, f, "/orgs/acme/frameworks/iso27001-2022/items?limit=50", 50, func(it itemJSON) string { return it.ID })
			if !slices.Equal(got, want) {
				t.Errorf("pages gave %d items, want %d", len(got), len(want))
			}
			got = walk(t, f, "/orgs/acme/frameworks/iso27001-2022/items?kind=control&parent=A.8&limit=7", 7, func(it itemJSON) string { return it.ID })
			if len(controls) != 34 || !slices.Equal(got, controls) {
				t.Errorf("controls of A.8 page by page = %v, want %v", got, controls)
			}
		})

		t.Run("framework imports", func(t *testing.T) {
			for i := range 5 {
				file := strings.Replace(testFile(t, "custom.yaml"), "id: acme-ai-controls", fmt.Sprintf("id: acme-ai-controls-%d", i), 1)
				f.ok(t, request{method: "POST", path: "/orgs/acme/framework-imports?name=custom.yaml", token: f.ownerToken,
					contentType: "application/yaml", body: file}, http.StatusCreated, nil)
			}
			imports, err := f.svc.FrameworkImports(ctx, f.operator)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, fi := range imports {
				want = append(want, fi.ID)
			}
			got := walk(t, f, "/orgs/acme/framework-imports?limit=2", 2, func(fi importJSON) string { return fi.ID })
			if len(want) != 5 || !slices.Equal(got, want) {
				t.Errorf("pages gave\n%v\nwant\n%v", got, want)
			}
		})

		t.Run("orgs", func(t *testing.T) {
			got := walk(t, f, "/orgs?limit=1", 1, func(o orgJSON) string { return o.Slug })
			if !slices.Equal(got, []string{"acme"}) {
				t.Errorf("orgs of an acme token = %v", got)
			}
		})
	})
}

// walk follows next_cursor from path until it is empty and returns the key
// of every item in the order the pages gave them, failing on a page larger
// than limit or an item seen twice.
func walk[T any](t *testing.T, f *fixture, path string, limit int, key func(T) string) []string {
	t.Helper()
	var keys []string
	seen := make(map[string]bool)
	cursor := ""
	for page := 1; ; page++ {
		if page > 100 {
			t.Fatalf("%s: still paging after 100 pages", path)
		}
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		var l list[T]
		f.ok(t, request{method: "GET", path: p, token: f.ownerToken}, http.StatusOK, &l)
		if len(l.Items) > limit {
			t.Fatalf("%s: page %d has %d items, limit %d", p, page, len(l.Items), limit)
		}
		for _, item := range l.Items {
			k := key(item)
			if seen[k] {
				t.Errorf("%s: page %d repeats %s", p, page, k)
			}
			seen[k] = true
			keys = append(keys, k)
		}
		if l.NextCursor == "" {
			return keys
		}
		if len(l.Items) == 0 {
			t.Fatalf("%s: an empty page has a next_cursor", p)
		}
		cursor = l.NextCursor
	}
}

// FuzzDecode feeds arbitrary bodies to POST members: the handler must
// never panic, and must answer 201 with a member or a 4xx problem.
func FuzzDecode(f *testing.F) {
	fx := newFixture(f, fixtureOptions{maxBody: 1024})
	for _, seed := range []string{
		memberBody("fuzz@example.com", "viewer"),
		memberBody("fuzz2@example.com", "auditor", `"expires_at": "2030-01-01T00:00:00Z"`),
		memberBody("viewer@example.com", "viewer"),
		`{"email": "a@example.com", "role": "viewer", "name": "A", "password": "a long enough password"}`,
		`{"email": "a@example.com", "Role": "viewer"}`,
		`{"role": "viewer", "role": "owner"}`,
		`{"expires_at": 1}`,
		`{"email": null, "role": null, "expires_at": null}`,
		`{"name": "\u0000", "email": "z@example.com", "role": "viewer"}`,
		`{"name": "\ud800", "email": "y@example.com", "role": "viewer"}`,
		`{"email": "x@example.com",`,
		`{}{}`, `[]`, `null`, `"x"`, `1e999`, ``, ` `, "\xff\xfe", "\ufeff{}",
		strings.Repeat("[", 10001),
		`{"email": "` + strings.Repeat("e", 2000) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", Prefix+"/orgs/acme/members", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fx.ownerToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		fx.handler.ServeHTTP(rec, req)
		res := response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		switch {
		case res.status == http.StatusCreated:
			var m memberCreated
			if err := json.Unmarshal(res.body, &m); err != nil || m.ID == "" {
				t.Fatalf("201 without a member: %s (%v)", res.body, err)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("201 with Content-Type %q", ct)
			}
		case res.status >= 400 && res.status < 500:
			decodeProblem(t, res, res.status)
		default:
			t.Fatalf("body %q: status %d: %s", body, res.status, res.body)
		}
	})
}

// TestItemIDsInPaths gets items whose ids hold characters that are not
// plain in a URL path: colons and dots as they are, slashes and spaces
// percent-encoded, and slashes also as they are, which the route allows.
func TestItemIDsInPaths(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	f.ok(t, request{method: "POST", path: "/orgs/acme/framework-imports?name=odd.yaml", token: f.ownerToken,
		contentType: "application/yaml", body: oddIDsFile}, http.StatusCreated, nil)
	tests := []struct{ path, want string }{
		{"/orgs/acme/frameworks/owasp-llm-top10-2025/items/LLM01:2025", "LLM01:2025"},
		{"/orgs/acme/frameworks/owasp-llm-top10-2025/items/LLM01%3A2025", "LLM01:2025"},
		{"/orgs/acme/frameworks/mitre-atlas/items/AML.T0051.000", "AML.T0051.000"},
		{"/orgs/acme/frameworks/iso27001-2022/items/A.5.1", "A.5.1"},
		{"/orgs/acme/frameworks/odd-ids/items/SEC%2F1", "SEC/1"},
		{"/orgs/acme/frameworks/odd-ids/items/SEC/1", "SEC/1"},
		{"/orgs/acme/frameworks/odd-ids/items/SEC%2F1%20(a)", "SEC/1 (a)"},
		{"/orgs/acme/frameworks/odd-ids/items/SEC/1%20%28a%29:2.b", "SEC/1 (a):2.b"},
	}
	for _, tt := range tests {
		var item itemDetailJSON
		f.ok(t, request{method: "GET", path: tt.path, token: f.viewerToken}, http.StatusOK, &item)
		if item.ID != tt.want {
			t.Errorf("GET %s = item %q, want %q", tt.path, item.ID, tt.want)
		}
	}
	for _, path := range []string{
		"/orgs/acme/frameworks/odd-ids/items/SEC",
		"/orgs/acme/frameworks/odd-ids/items/SEC/1/",
		"/orgs/acme/frameworks/odd-ids/items/SEC%2F1%20(A)",
		"/orgs/acme/frameworks/odd-ids/items/%20SEC%2F1",
	} {
		decodeProblem(t, f.do(t, request{method: "GET", path: path, token: f.viewerToken}), http.StatusNotFound)
	}
}

// TestProblemType checks the descriptions problem types point to.
func TestProblemType(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for kind := range problem.Kinds {
		t.Run(kind, func(t *testing.T) {
			var got struct {
				Type        string `json:"type"`
				Description string `json:"description"`
			}
			f.ok(t, request{method: "GET", path: "/problems/" + kind}, http.StatusOK, &got)
			if got.Type != problem.TypeBase+kind || got.Description != problem.Kinds[kind] {
				t.Errorf("GET /problems/%s = %+v", kind, got)
			}
		})
	}
}
