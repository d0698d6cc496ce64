package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/server"
	"github.com/isms-dev/isms/internal/store"
)

// Who may call what. Every route the server registers must be in this
// table, and every entry must be a registered route: a new route without
// a decision here fails TestEveryRouteHasAnAuthorizationRule.
//
// roles lists the organisation roles that succeed; members of the
// organisation with other roles get deny (403 unless the record is
// invisible to them, then 404); members of another organisation, and
// members whose access expired, get 404 on organisation routes;
// callers without a session or token get 401 (API, and UI form posts) or a
// redirect to sign in (UI pages).
type rule struct {
	public bool // no identity needed
	roles  []isms.Role
	// orgScoped routes live under an organisation.
	orgScoped bool
	deny      int
	// build makes the request for one caller: it may create the record
	// the request acts on, so that every call has its own.
	build func(f *fixture, caller *principal) call
	// ok is the status of a successful call.
	ok int
}

type call struct {
	method, path, body string
	contentType        string
	form               url.Values
	// file, with form, makes a multipart upload of a field named file.
	file string
}

var (
	allRoles = isms.Roles
	managers = []isms.Role{isms.RoleOwner, isms.RoleAdmin}
	writers  = []isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager}
	// raisers may report a nonconformity.
	raisers = []isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager, isms.RoleContributor}
	// raisersAndViewers are everyone but auditors: the members who
	// acknowledge policies.
	raisersAndViewers = []isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager, isms.RoleContributor, isms.RoleViewer}
	orgRoutes         = func(roles []isms.Role, deny, ok int, build func(f *fixture, c *principal) call) rule {
		return rule{roles: roles, orgScoped: true, deny: deny, ok: ok, build: build}
	}
	anyone = func(ok int, build func(f *fixture, c *principal) call) rule {
		return rule{roles: allRoles, ok: ok, build: build}
	}
	public = func(ok int, build func(f *fixture, c *principal) call) rule {
		return rule{public: true, ok: ok, build: build}
	}
)

func get(path string) func(*fixture, *principal) call {
	return func(*fixture, *principal) call { return call{method: "GET", path: path} }
}

var policy = map[string]rule{
	// Operations and documentation: public.
	"GET /healthz":                   public(200, get("/healthz")),
	"GET /readyz":                    public(200, get("/readyz")),
	"GET /metrics":                   public(200, get("/metrics")),
	"GET /api/v1/openapi.json":       public(200, get("/api/v1/openapi.json")),
	"GET /api/v1/problems/{kind}":    public(200, get("/api/v1/problems/not-found")),
	"GET /login":                     public(200, get("/login")),
	"POST /login":                    public(403, func(*fixture, *principal) call { return call{method: "POST", path: "/login", form: url.Values{}} }),
	"GET /favicon.ico":               public(301, get("/favicon.ico")),
	"GET /static/{sum}/{name}":       public(200, func(f *fixture, _ *principal) call { return call{method: "GET", path: f.cssURL} }),
	"GET /api/v1/me":                 anyone(200, get("/api/v1/me")),
	"GET /api/v1/orgs":               anyone(200, get("/api/v1/orgs")),
	"GET /{$}":                       anyone(303, get("/")),
	"GET /orgs":                      anyone(200, get("/orgs")),
	"GET /switch":                    anyone(303, get("/switch?org=acme")),
	"GET /account":                   anyone(200, get("/account")),
	"POST /logout":                   anyone(303, func(*fixture, *principal) call { return call{method: "POST", path: "/logout", form: url.Values{}} }),
	"POST /account/password":         anyone(303, changePassword),
	"POST /orgs":                     {roles: nil, deny: 403, build: createOrg},
	"GET /api/v1/orgs/{org}":         orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme")),
	"PATCH /api/v1/orgs/{org}":       orgRoutes(managers, 403, 200, jsonCall("PATCH", "/api/v1/orgs/acme", `{"name":"Acme Renamed"}`)),
	"GET /api/v1/orgs/{org}/members": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/members")),
	"POST /api/v1/orgs/{org}/members": orgRoutes(managers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/members", fmt.Sprintf(`{"email":"new-%s@acme.example","name":"New","role":"viewer","password":"a long enough password"}`, f.unique()))(f, c)
	}),
	"GET /api/v1/orgs/{org}/members/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/members/" + f.target().ID}
	}),
	"PATCH /api/v1/orgs/{org}/members/{id}": orgRoutes(managers, 403, 200, func(f *fixture, c *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/members/"+f.target().ID, `{"role":"contributor"}`)(f, c)
	}),
	"DELETE /api/v1/orgs/{org}/members/{id}": orgRoutes(managers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/members/" + f.target().ID}
	}),
	"GET /api/v1/orgs/{org}/tokens": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/tokens")),
	// Another member's token is invisible to those who do not manage tokens.
	"GET /api/v1/orgs/{org}/tokens/{id}": orgRoutes(managers, 404, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/tokens/" + f.otherToken()}
	}),
	"DELETE /api/v1/orgs/{org}/tokens/{id}": orgRoutes(managers, 404, 200, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/tokens/" + f.otherToken()}
	}),
	"GET /api/v1/orgs/{org}/ledger":        orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/ledger")),
	"GET /api/v1/orgs/{org}/ledger/verify": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/ledger/verify")),
	"GET /api/v1/orgs/{org}/ledger/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/ledger/export")),

	"GET /o/{org}/{$}":     orgRoutes(allRoles, 0, 200, get("/o/acme/")),
	"GET /o/{org}/members": orgRoutes(allRoles, 0, 200, get("/o/acme/members")),
	"POST /o/{org}/members": orgRoutes(managers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/members", "email", "ui-"+f.unique()+"@acme.example", "name", "New", "role", "viewer", "password", "a long enough password")
	}),
	"GET /o/{org}/members/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/members/" + f.target().ID}
	}),
	"POST /o/{org}/members/{id}": orgRoutes(managers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/members/"+f.target().ID, "role", "contributor")
	}),
	"POST /o/{org}/members/{id}/remove": orgRoutes(managers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/members/" + f.target().ID + "/remove")
	}),
	"GET /o/{org}/tokens": orgRoutes(allRoles, 0, 200, get("/o/acme/tokens")),
	"POST /o/{org}/tokens": orgRoutes(allRoles, 0, 201, func(_ *fixture, c *principal) call {
		return formCall("/o/acme/tokens", "name", "script", "role", "", "expires", "168h")
	}),
	"POST /o/{org}/tokens/{id}/revoke": orgRoutes(managers, 404, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/tokens/" + f.otherToken() + "/revoke")
	}),
	"GET /o/{org}/settings":      orgRoutes(allRoles, 0, 200, get("/o/acme/settings")),
	"POST /o/{org}/settings":     orgRoutes(managers, 403, 303, func(*fixture, *principal) call { return formCall("/o/acme/settings", "name", "Acme Ltd") }),
	"GET /o/{org}/ledger":        orgRoutes(allRoles, 0, 200, get("/o/acme/ledger")),
	"GET /o/{org}/ledger/verify": orgRoutes(allRoles, 0, 200, get("/o/acme/ledger/verify")),
	"GET /o/{org}/ledger/export": orgRoutes(allRoles, 0, 200, get("/o/acme/ledger/export")),
	"GET /o/{org}/history/{type}/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/history/organization/" + f.orgID}
	}),

	"GET /api/v1/orgs/{org}/frameworks":                      orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/frameworks")),
	"GET /api/v1/orgs/{org}/frameworks/{id}":                 orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/frameworks/iso42001-2023")),
	"PATCH /api/v1/orgs/{org}/frameworks/{id}":               orgRoutes(writers, 403, 200, jsonCall("PATCH", "/api/v1/orgs/acme/frameworks/iso42001-2023", `{"enabled":true}`)),
	"GET /api/v1/orgs/{org}/frameworks/{id}/export":          orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/frameworks/ai-security/export?format=oscal")),
	"GET /api/v1/orgs/{org}/frameworks/{id}/items":           orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/frameworks/iso27001-2022/items?kind=control")),
	"GET /api/v1/orgs/{org}/frameworks/{id}/items/{item...}": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/frameworks/owasp-llm-top10-2025/items/LLM01:2025")),
	"GET /api/v1/orgs/{org}/framework-items":                 orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/framework-items?q=poisoning")),
	"GET /api/v1/orgs/{org}/framework-imports":               orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/framework-imports")),
	"POST /api/v1/orgs/{org}/framework-imports": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/framework-imports?name=x.yaml", body: customFramework(f.unique()), contentType: "application/yaml"}
	}),
	"GET /api/v1/orgs/{org}/framework-imports/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/framework-imports/" + f.frameworkImport()}
	}),
	"DELETE /api/v1/orgs/{org}/framework-imports/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/framework-imports/" + f.frameworkImport()}
	}),
	"GET /o/{org}/frameworks": orgRoutes(allRoles, 0, 200, get("/o/acme/frameworks")),
	"POST /o/{org}/frameworks": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/o/acme/frameworks", form: url.Values{}, file: customFramework(f.unique())}
	}),
	"GET /o/{org}/frameworks/{id}": orgRoutes(allRoles, 0, 200, get("/o/acme/frameworks/mitre-atlas")),
	"POST /o/{org}/frameworks/{id}/enabled": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
		return formCall("/o/acme/frameworks/ai-security/enabled", "enabled", "true")
	}),
	"GET /o/{org}/frameworks/{id}/export":          orgRoutes(allRoles, 0, 200, get("/o/acme/frameworks/iso27001-2013/export?format=yaml")),
	"GET /o/{org}/frameworks/{id}/items/{item...}": orgRoutes(allRoles, 0, 200, get("/o/acme/frameworks/iso27001-2022/items/A.8.16")),
	"POST /o/{org}/framework-imports/{id}/remove": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/framework-imports/" + f.frameworkImport() + "/remove")
	}),
	"GET /o/{org}/framework-search": orgRoutes(allRoles, 0, 200, get("/o/acme/framework-search?q=extraction")),
	// Asset, context and methodology API. Writes need write_records;
	// where the app lets a contributor change what they own, the record
	// here is someone else's, so the contributor is refused.
	"GET /api/v1/orgs/{org}/assets": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/assets?type=inference_endpoint&q=api&limit=5")),
	"POST /api/v1/orgs/{org}/assets": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/assets", `{"name": "API asset `+f.unique()+`", "type": "model"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/assets/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/assets/export?format=xlsx")),
	"GET /api/v1/orgs/{org}/assets/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/assets/" + f.apiAsset("")}
	}),
	"PUT /api/v1/orgs/{org}/assets/{id}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		owner := f.target().ID
		return jsonCall("PUT", "/api/v1/orgs/acme/assets/"+f.apiAsset(owner), `{"name": "Renamed", "type": "model", "owner_id": "`+owner+`"}`)(f, nil)
	}),
	"DELETE /api/v1/orgs/{org}/assets/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/assets/" + f.apiAsset("")}
	}),
	"GET /api/v1/orgs/{org}/assets/{id}/graph": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/assets/" + f.apiAsset("") + "/graph?depth=2"}
	}),
	"POST /api/v1/orgs/{org}/assets/{id}/relations": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/assets/"+f.apiAsset("")+"/relations", `{"kind": "runs_on", "to_id": "`+f.apiAsset("")+`"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/assets/{id}/risk-suggestions": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/assets/" + f.apiAsset("") + "/risk-suggestions"}
	}),
	"POST /api/v1/orgs/{org}/assets/{id}/risk-suggestions": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/assets/"+f.apiAsset(f.target().ID)+"/risk-suggestions", `{"threat": "owasp-llm-top10-2025:LLM01:2025"}`)(f, nil)
	}),
	"DELETE /api/v1/orgs/{org}/asset-relations/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/asset-relations/" + f.apiRelation()}
	}),
	"POST /api/v1/orgs/{org}/asset-imports": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/asset-imports?format=csv&name=assets.csv", contentType: "text/csv",
			body: "key,name,type\napi-" + f.unique() + ",Imported model,model\n"}
	}),
	"GET /api/v1/orgs/{org}/asset-imports/template": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/asset-imports/template")),
	"GET /api/v1/orgs/{org}/classifications":        orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/classifications")),
	"PUT /api/v1/orgs/{org}/classifications": orgRoutes(managers, 403, 200,
		jsonCall("PUT", "/api/v1/orgs/acme/classifications", `{"levels": ["public", "internal", "confidential", "secret"]}`)),
	"GET /api/v1/orgs/{org}/context": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/context")),
	"PUT /api/v1/orgs/{org}/context/draft": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PUT", "/api/v1/orgs/acme/context/draft", `{"scope": "API scope `+f.unique()+`"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/context/export": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/context/export?format=pdf&version=" + f.apiContextDraft()}
	}),
	"GET /api/v1/orgs/{org}/context/versions/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/context/versions/" + f.apiContextDraft()}
	}),
	"POST /api/v1/orgs/{org}/context/versions/{id}/approve": orgRoutes(managers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/context/versions/" + f.apiContextDraft() + "/approve"}
	}),
	"DELETE /api/v1/orgs/{org}/context/versions/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/context/versions/" + f.apiContextDraft()}
	}),
	"GET /api/v1/orgs/{org}/risk-methodology": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/risk-methodology")),
	"PUT /api/v1/orgs/{org}/risk-methodology/draft": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PUT", "/api/v1/orgs/acme/risk-methodology/draft", apiMethodologyBody())(f, nil)
	}),
	"GET /api/v1/orgs/{org}/risk-methodology/versions/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/risk-methodology/versions/" + f.apiMethodologyDraft()}
	}),
	"POST /api/v1/orgs/{org}/risk-methodology/versions/{id}/approve": orgRoutes(managers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/risk-methodology/versions/" + f.apiMethodologyDraft() + "/approve"}
	}),
	"DELETE /api/v1/orgs/{org}/risk-methodology/versions/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/risk-methodology/versions/" + f.apiMethodologyDraft()}
	}),
	// Risk API. The risks written to are owned by someone else, so that a
	// contributor, who may change only the risks they own, is refused.
	"GET /api/v1/orgs/{org}/risks": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/risks?level=medium&sort=level&limit=5")),
	"POST /api/v1/orgs/{org}/risks": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/risks", apiRiskBody(f.target().ID))(f, nil)
	}),
	"GET /api/v1/orgs/{org}/risks/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/risks/" + f.apiRisk(f.target().ID).Ref()}
	}),
	"PUT /api/v1/orgs/{org}/risks/{id}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		owner := f.target().ID
		return jsonCall("PUT", "/api/v1/orgs/acme/risks/"+f.apiRisk(owner).ID, apiRiskBody(owner))(f, nil)
	}),
	"PUT /api/v1/orgs/{org}/risks/{id}/treatment": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PUT", "/api/v1/orgs/acme/risks/"+f.apiRisk(f.target().ID).ID+"/treatment",
			`{"treatment": "mitigate", "controls": ["iso27001-2022:A.8.28"], "residual_likelihood": 1, "residual_impact": 1}`)(f, nil)
	}),
	"POST /api/v1/orgs/{org}/risks/{id}/actions": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/risks/"+f.apiRisk(f.target().ID).ID+"/actions", `{"description": "Filter prompts"}`)(f, nil)
	}),
	"PATCH /api/v1/orgs/{org}/risks/{id}/actions/{action}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		risk, action := f.apiAction(f.target().ID)
		return jsonCall("PATCH", "/api/v1/orgs/acme/risks/"+risk+"/actions/"+action, `{"status": "done"}`)(f, nil)
	}),
	// Decisions are not a matter of role but of ownership: only the risk
	// owner decides, whatever their role (the acceptance criteria then
	// limit which roles may accept which residual level). The risk here is
	// treated, rated and owned by the caller whenever the caller may own
	// records, which every role but auditor may; an auditor's call is on
	// someone else's risk and refused. Approving the plan is a decision
	// every owner may make, so the table holds for every role that can own.
	"POST /api/v1/orgs/{org}/risks/{id}/decisions": orgRoutes(
		[]isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager, isms.RoleContributor, isms.RoleViewer}, 403, 201,
		func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/risks/"+f.apiTreatedRisk(f.apiRiskOwner(c)).ID+"/decisions",
				`{"kind": "plan_approval", "justification": "The filter is proportionate"}`)(f, c)
		}),
	"GET /api/v1/orgs/{org}/risks/{id}/history": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/risks/" + f.apiTreatedRisk(f.target().ID).ID + "/history"}
	}),
	"GET /api/v1/orgs/{org}/risk-heatmap":        orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/risk-heatmap?kind=residual&treatment=mitigate")),
	"GET /api/v1/orgs/{org}/risk-reports/{kind}": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/risk-reports/treatment?format=xlsx")),
	// Asset, context and methodology pages.
	"GET /o/{org}/assets": orgRoutes(allRoles, 0, 200, get("/o/acme/assets?type=model&lifecycle=in_production&q=page")),
	"POST /o/{org}/assets": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/assets", "name", "UI asset "+f.unique(), "type", "dataset", "attr.dataset.purpose", "training", "confidentiality", "3")
	}),
	"GET /o/{org}/assets/new":          orgRoutes(writers, 403, 200, get("/o/acme/assets/new")),
	"GET /o/{org}/assets/import":       orgRoutes(writers, 403, 200, get("/o/acme/assets/import")),
	"GET /o/{org}/assets/export":       orgRoutes(allRoles, 0, 200, get("/o/acme/assets/export?format=csv&type=model")),
	"GET /o/{org}/assets/template.csv": orgRoutes(allRoles, 0, 200, get("/o/acme/assets/template.csv")),
	"POST /o/{org}/assets/import": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/o/acme/assets/import", form: url.Values{"format": {"csv"}}, file: "key,name,type\nui-" + f.unique() + ",Imported model,model\n"}
	}),
	"GET /o/{org}/assets/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		from, _ := f.pageRelation()
		return call{method: "GET", path: "/o/acme/assets/" + from}
	}),
	"POST /o/{org}/assets/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/assets/"+f.pageAsset(), "name", "Renamed "+f.unique(), "type", "model", "lifecycle", "in_production")
	}),
	"GET /o/{org}/assets/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/assets/" + f.pageAsset() + "/edit"}
	}),
	"POST /o/{org}/assets/{id}/delete": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/assets/" + f.pageAsset() + "/delete")
	}),
	"POST /o/{org}/assets/{id}/relations": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/assets/"+f.pageAsset()+"/relations", "kind", "trained_on", "target", f.pageAsset(), "direction", "outgoing")
	}),
	"POST /o/{org}/assets/{id}/relations/{rel}/remove": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		from, rel := f.pageRelation()
		return formCall("/o/acme/assets/" + from + "/relations/" + rel + "/remove")
	}),
	"GET /o/{org}/context": orgRoutes(allRoles, 0, 200, get("/o/acme/context")),
	"POST /o/{org}/context": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/context", "scope", "Acme "+f.unique(), "included.0.name", "Platform", "climate_relevant", "no")
	}),
	"GET /o/{org}/context/edit": orgRoutes(writers, 403, 200, get("/o/acme/context/edit")),
	"GET /o/{org}/context/export": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/context/export?version=" + f.pageContextDraft()}
	}),
	"GET /o/{org}/context/versions/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/context/versions/" + f.pageContextDraft()}
	}),
	"POST /o/{org}/context/versions/{id}/approve": orgRoutes(managers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/context/versions/" + f.pageContextDraft() + "/approve")
	}),
	"POST /o/{org}/context/versions/{id}/discard": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/context/versions/" + f.pageContextDraft() + "/discard")
	}),
	"GET /o/{org}/methodology": orgRoutes(allRoles, 0, 200, get("/o/acme/methodology")),
	"POST /o/{org}/methodology": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
		return call{method: "POST", path: "/o/acme/methodology", form: methodologyPageForm()}
	}),
	"GET /o/{org}/methodology/edit": orgRoutes(writers, 403, 200, get("/o/acme/methodology/edit")),
	"GET /o/{org}/methodology/versions/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/methodology/versions/" + f.pageMethodologyDraft()}
	}),
	"POST /o/{org}/methodology/versions/{id}/approve": orgRoutes(managers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/methodology/versions/" + f.pageMethodologyDraft() + "/approve")
	}),
	"POST /o/{org}/methodology/versions/{id}/discard": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/methodology/versions/" + f.pageMethodologyDraft() + "/discard")
	}),
	"POST /o/{org}/settings/classifications": orgRoutes(managers, 403, 303, func(*fixture, *principal) call {
		return formCall("/o/acme/settings/classifications", "classifications", "public\ninternal\nconfidential\nsecret")
	}),
	// Risk pages.
	"GET /o/{org}/risks": orgRoutes(allRoles, 0, 200, get("/o/acme/risks?level=high&status=identified&overdue=1&sort=level&q=R-1")),
	"POST /o/{org}/risks": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return riskPagePost("/o/acme/risks", riskPageForm(f.target().ID))
	}),
	"GET /o/{org}/risks/new":                orgRoutes(writers, 403, 200, get("/o/acme/risks/new")),
	"GET /o/{org}/risks/reports/assessment": orgRoutes(allRoles, 0, 200, get("/o/acme/risks/reports/assessment?format=pdf")),
	"GET /o/{org}/risks/reports/treatment":  orgRoutes(allRoles, 0, 200, get("/o/acme/risks/reports/treatment?format=xlsx&level=low")),
	"GET /o/{org}/risks/{ref}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: f.riskPagePath()}
	}),
	// A contributor edits only the risks they own; these belong to
	// someone else.
	"GET /o/{org}/risks/{ref}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: f.riskPagePath("edit")}
	}),
	"POST /o/{org}/risks/{ref}/edit": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		k := f.riskPageRisk("", false)
		return riskPagePost("/o/acme/risks/"+k.Ref()+"/edit", riskPageForm(k.OwnerID))
	}),
	"POST /o/{org}/risks/{ref}/rerate": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall(f.riskPagePath("rerate"), "inherent_likelihood", "3", "inherent_impact", "2")
	}),
	"GET /o/{org}/risks/{ref}/treat": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: f.riskPagePath("treat")}
	}),
	"POST /o/{org}/risks/{ref}/treat": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return riskPagePost(f.riskPagePath("treat"), url.Values{"treatment": {"mitigate"}, "controls": {"iso27001-2022:A.8.28", "iso27001-2022:A.8.16"},
			"residual_likelihood": {"1"}, "residual_impact": {"2"}})
	}),
	"POST /o/{org}/risks/{ref}/actions": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall(f.riskPagePath("actions"), "description", "Add an input filter", "due_date", "2031-01-31")
	}),
	"POST /o/{org}/risks/{ref}/actions/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		k, id := f.riskPageAction()
		return formCall("/o/acme/risks/"+k.Ref()+"/actions/"+id, "status", "done")
	}),
	// Only the risk owner decides, whatever the role; auditors cannot own
	// risks, so their calls decide on someone else's.
	"POST /o/{org}/risks/{ref}/decisions": orgRoutes([]isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager, isms.RoleContributor, isms.RoleViewer}, 403, 303,
		func(f *fixture, c *principal) call {
			k := f.riskPageCallerRisk(c)
			return formCall("/o/acme/risks/"+k.Ref()+"/decisions", "kind", "plan_approval", "justification", "Retained: low enough")
		}),
	"GET /o/{org}/assets/{id}/suggestions": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/assets/" + f.riskPageAsset() + "/suggestions"}
	}),
	"POST /o/{org}/assets/{id}/suggestions": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/assets/"+f.riskPageAsset()+"/suggestions", "threat_ref", riskPageThreat, "inherent_likelihood", "4", "inherent_impact", "3")
	}),
	// Statement of Applicability, control and evidence API. Writes need
	// write_records; where the app lets a contributor change a control
	// they own, the control here is someone else's, so the contributor is
	// refused.
	"GET /api/v1/orgs/{org}/soa":             orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/soa")),
	"GET /api/v1/orgs/{org}/soa/{framework}": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/soa/iso27001-2022?applicability=included")),
	"GET /api/v1/orgs/{org}/soa/{framework}/versions": orgRoutes(allRoles, 0, 200,
		get("/api/v1/orgs/acme/soa/iso27001-2022/versions")),
	"POST /api/v1/orgs/{org}/soa/{framework}/versions": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		f.apiSoAApprovable()
		return jsonCall("POST", "/api/v1/orgs/acme/soa/iso27001-2022/versions", `{"note": "Approved"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/soa/{framework}/versions/{n}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/soa/iso27001-2022/versions/" + f.apiSoAVersion()}
	}),
	"GET /api/v1/orgs/{org}/soa/{framework}/compare": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/soa/iso27001-2022/compare?from=" + f.apiSoAVersion()}
	}),
	"GET /api/v1/orgs/{org}/soa/{framework}/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/soa/iso27001-2022/export?format=csv")),
	"POST /api/v1/orgs/{org}/controls": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/controls", `{"code": "API-`+f.unique()+`", "title": "Own control"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/controls/{ref...}": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/controls/iso27001-2022:A.8.8")),
	"PATCH /api/v1/orgs/{org}/controls/{ref...}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/controls/"+f.apiControl(), `{"implementation": "Weekly scans"}`)(f, nil)
	}),
	"POST /api/v1/orgs/{org}/control-reasons": orgRoutes(writers, 403, 201, jsonCall("POST", "/api/v1/orgs/acme/control-reasons",
		`{"control": "iso27001-2022:A.5.34", "kind": "legal", "title": "GDPR Art. 32", "url": "https://gdpr.example/32"}`)),
	"DELETE /api/v1/orgs/{org}/control-reasons/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/control-reasons/" + f.apiControlReason() + "?control=iso27001-2022:A.5.34"}
	}),
	"POST /api/v1/orgs/{org}/control-tasks": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/control-tasks", `{"control": "`+f.apiControl()+`", "title": "Scan the cluster"}`)(f, nil)
	}),
	"PATCH /api/v1/orgs/{org}/control-tasks/{id}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		ref, id := f.apiControlTask()
		return jsonCall("PATCH", "/api/v1/orgs/acme/control-tasks/"+id+"?control="+ref, `{"status": "done"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/evidence": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/evidence?control=iso27001-2022:A.8.8&limit=5")),
	"POST /api/v1/orgs/{org}/evidence": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/evidence", `{"kind": "record", "title": "Minutes", "body": "Held.",
			"links": [{"target": "control", "ref": "`+f.apiControl()+`"}]}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/evidence/verify": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/evidence/verify")),
	"GET /api/v1/orgs/{org}/evidence/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/evidence/" + f.apiEvidenceFile()}
	}),
	"PATCH /api/v1/orgs/{org}/evidence/{id}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/evidence/"+f.apiEvidenceFile(), `{"title": "Renamed"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/evidence/{id}/file": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/evidence/" + f.apiEvidenceFile() + "/file"}
	}),
	"GET /api/v1/orgs/{org}/evidence-requests": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/evidence-requests?status=open")),
	"POST /api/v1/orgs/{org}/evidence-requests": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/evidence-requests", `{"control": "iso27001-2022:A.8.8", "title": "Q2 report",
			"assignee_id": "`+f.target().ID+`", "due_date": "2031-01-31"}`)(f, nil)
	}),
	"POST /api/v1/orgs/{org}/evidence-requests/{id}/cancel": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/evidence-requests/" + f.apiEvidenceRequest() + "/cancel"}
	}),
	// Statement of Applicability, control and evidence pages. Writes need
	// write_records; a contributor may change only a control they own, and
	// the controls here are someone else's (apiControl), so the contributor
	// is refused too. Uploads are multipart, with the file last.
	"GET /o/{org}/soa":                     orgRoutes(allRoles, 0, 303, get("/o/acme/soa")),
	"GET /o/{org}/soa/{framework}":         orgRoutes(allRoles, 0, 200, get("/o/acme/soa/iso27001-2022?applicability=included")),
	"GET /o/{org}/soa/{framework}/export":  orgRoutes(allRoles, 0, 200, get("/o/acme/soa/iso27001-2022/export?format=csv")),
	"GET /o/{org}/soa/{framework}/compare": orgRoutes(allRoles, 0, 200, get("/o/acme/soa/iso27001-2022/compare")),
	"POST /o/{org}/soa/{framework}/approve": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		f.apiSoAApprovable()
		return formCall("/o/acme/soa/iso27001-2022/approve", "note", "Approved")
	}),
	"POST /o/{org}/controls": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/controls", "framework", "iso27001-2022", "code", "WEB-"+f.unique(), "title", "Own control")
	}),
	"GET /o/{org}/controls/{ref...}": orgRoutes(allRoles, 0, 200, get("/o/acme/controls/iso27001-2022:A.8.8")),
	"GET /o/{org}/controls/edit/{ref...}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/controls/edit/" + f.apiControl()}
	}),
	"POST /o/{org}/controls/edit/{ref...}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/controls/edit/"+f.apiControl(), "inline", "1", "framework", "iso27001-2022", "status_was", "not_started",
			"status", "planned")
	}),
	"POST /o/{org}/controls/reasons/{ref...}": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
		return formCall("/o/acme/controls/reasons/iso27001-2022:A.5.34", "kind", "legal", "title", "GDPR Art. 32", "url", "https://gdpr.example/32")
	}),
	"POST /o/{org}/controls/remove-reason/{ref...}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/controls/remove-reason/iso27001-2022:A.5.34", "id", f.apiControlReason())
	}),
	"POST /o/{org}/controls/tasks/{ref...}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/controls/tasks/"+f.apiControl(), "title", "Scan the cluster", "due_date", "2031-01-31")
	}),
	"POST /o/{org}/controls/requests/{ref...}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/controls/requests/iso27001-2022:A.8.8", "title", "Q2 report", "assignee_id", f.target().ID,
			"due_date", "2031-01-31")
	}),
	"POST /o/{org}/controls/cancel-request/{ref...}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/controls/cancel-request/iso27001-2022:A.8.8", "id", f.apiEvidenceRequest())
	}),
	"GET /o/{org}/evidence": orgRoutes(allRoles, 0, 200, get("/o/acme/evidence?control=iso27001-2022:A.8.8")),
	"POST /o/{org}/evidence": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		c := formCall("/o/acme/evidence", "kind", "file", "title", "Scan "+f.unique(), "controls", f.apiControl())
		c.file = "%PDF-1.4 scan " + f.unique()
		return c
	}),
	"GET /o/{org}/evidence/new": orgRoutes([]isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager, isms.RoleContributor}, 403, 200,
		get("/o/acme/evidence/new?control=iso27001-2022:A.8.8")),
	"GET /o/{org}/evidence/verify": orgRoutes(allRoles, 0, 200, get("/o/acme/evidence/verify")),
	"GET /o/{org}/evidence/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/evidence/" + f.apiEvidenceFile()}
	}),
	"GET /o/{org}/evidence/{id}/file": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/evidence/" + f.apiEvidenceFile() + "/file"}
	}),
	"GET /o/{org}/evidence/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/evidence/" + f.apiEvidenceFile() + "/edit"}
	}),
	"POST /o/{org}/evidence/{id}/edit": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/evidence/"+f.apiEvidenceFile()+"/edit", "title", "Renamed scan", "period_end", "2026-11-01",
			"controls", f.apiControl())
	}),
	// Vulnerability management. Imports, deadlines and risks raised from
	// findings need write_records; each import sends a file of its own,
	// and each risk is raised from a finding of its own.
	"GET /api/v1/orgs/{org}/scans": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/scans")),
	"POST /api/v1/orgs/{org}/scans": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/scans?name=weekly.nessus", body: f.scanFile("10.8.0.1"), contentType: "application/xml"}
	}),
	"GET /api/v1/orgs/{org}/scans/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		scan, _ := f.scanFinding()
		return call{method: "GET", path: "/api/v1/orgs/acme/scans/" + scan}
	}),
	"GET /api/v1/orgs/{org}/findings": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/findings?min_severity=medium&status=open&limit=5")),
	"GET /api/v1/orgs/{org}/findings/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		_, finding := f.scanFinding()
		return call{method: "GET", path: "/api/v1/orgs/acme/findings/" + finding}
	}),
	"POST /api/v1/orgs/{org}/findings/{id}/risk": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		_, finding := f.scanFinding()
		return call{method: "POST", path: "/api/v1/orgs/acme/findings/" + finding + "/risk"}
	}),
	"GET /api/v1/orgs/{org}/vulnerability-metrics": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/vulnerability-metrics")),
	"GET /api/v1/orgs/{org}/vulnerability-sla":     orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/vulnerability-sla")),
	"PUT /api/v1/orgs/{org}/vulnerability-sla": orgRoutes(writers, 403, 200, jsonCall("PUT", "/api/v1/orgs/acme/vulnerability-sla",
		`{"critical_days": 15, "high_days": 30, "medium_days": 90, "low_days": 180}`)),
	// The supplier register: any role reads it; changes need write_records.
	"GET /api/v1/orgs/{org}/suppliers": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/suppliers?flagged=true&limit=5")),
	"POST /api/v1/orgs/{org}/suppliers": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/suppliers", body: `{"name": "API supplier ` + f.unique() + `", "kind": "saas", "criticality": "low"}`}
	}),
	"GET /api/v1/orgs/{org}/suppliers/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/suppliers/export?format=xlsx")),
	"POST /api/v1/orgs/{org}/supplier-imports": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/supplier-imports", contentType: "text/csv",
			body: "name,kind,criticality\nImported " + f.unique() + ",saas,low\n"}
	}),
	"GET /api/v1/orgs/{org}/suppliers/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/suppliers/" + f.supplier()}
	}),
	"PUT /api/v1/orgs/{org}/suppliers/{id}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "PUT", path: "/api/v1/orgs/acme/suppliers/" + f.supplier(), body: `{"name": "Renamed ` + f.unique() + `", "kind": "saas", "criticality": "low"}`}
	}),
	"DELETE /api/v1/orgs/{org}/suppliers/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/suppliers/" + f.supplier()}
	}),
	"POST /api/v1/orgs/{org}/suppliers/{id}/reviews": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/suppliers/" + f.supplier() + "/reviews"}
	}),
	"POST /api/v1/orgs/{org}/suppliers/{id}/assets": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/suppliers/" + f.supplier() + "/assets", body: `{"asset_id": "` + f.apiAsset("") + `"}`}
	}),
	"DELETE /api/v1/orgs/{org}/suppliers/{id}/assets/{link}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		id, link := f.supplierLink()
		return call{method: "DELETE", path: "/api/v1/orgs/acme/suppliers/" + id + "/assets/" + link}
	}),
	"POST /api/v1/orgs/{org}/suppliers/{id}/certifications": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/suppliers/" + f.supplier() + "/certifications", body: `{"kind": "iso27001", "valid_until": "2030-01-31"}`}
	}),
	"DELETE /api/v1/orgs/{org}/suppliers/{id}/certifications/{cert}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		id, cert := f.supplierCert()
		return call{method: "DELETE", path: "/api/v1/orgs/acme/suppliers/" + id + "/certifications/" + cert}
	}),
	"POST /api/v1/orgs/{org}/suppliers/{id}/assessments": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/suppliers/" + f.supplier() + "/assessments",
			body: `{"assessed_on": "2026-01-10", "assessor": "Ada", "result": "pass"}`}
	}),
	"DELETE /api/v1/orgs/{org}/suppliers/{id}/assessments/{assessment}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		id, a := f.supplierAssessment()
		return call{method: "DELETE", path: "/api/v1/orgs/acme/suppliers/" + id + "/assessments/" + a}
	}),
	"GET /o/{org}/suppliers":        orgRoutes(allRoles, 0, 200, get("/o/acme/suppliers?flagged=1&kind=cloud")),
	"GET /o/{org}/suppliers/new":    orgRoutes(writers, 403, 200, get("/o/acme/suppliers/new")),
	"GET /o/{org}/suppliers/import": orgRoutes(writers, 403, 200, get("/o/acme/suppliers/import")),
	"GET /o/{org}/suppliers/export": orgRoutes(allRoles, 0, 200, get("/o/acme/suppliers/export?format=xlsx")),
	"POST /o/{org}/suppliers": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers", "name", "UI supplier "+f.unique(), "kind", "saas", "criticality", "low")
	}),
	"POST /o/{org}/suppliers/import": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/o/acme/suppliers/import", form: url.Values{}, file: "name,kind,criticality\nUI import " + f.unique() + ",saas,low\n"}
	}),
	"GET /o/{org}/suppliers/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/suppliers/" + f.supplier()}
	}),
	"GET /o/{org}/suppliers/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/suppliers/" + f.supplier() + "/edit"}
	}),
	"POST /o/{org}/suppliers/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers/"+f.supplier(), "name", "UI renamed "+f.unique(), "kind", "saas", "criticality", "low")
	}),
	"POST /o/{org}/suppliers/{id}/delete": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers/" + f.supplier() + "/delete")
	}),
	"POST /o/{org}/suppliers/{id}/review": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers/" + f.supplier() + "/review")
	}),
	"POST /o/{org}/suppliers/{id}/assets": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers/"+f.supplier()+"/assets", "asset_id", f.apiAsset(""))
	}),
	"POST /o/{org}/suppliers/{id}/assets/{link}/remove": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		id, link := f.supplierLink()
		return formCall("/o/acme/suppliers/" + id + "/assets/" + link + "/remove")
	}),
	"POST /o/{org}/suppliers/{id}/certifications": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers/"+f.supplier()+"/certifications", "kind", "iso27001", "valid_until", "2030-01-31")
	}),
	"POST /o/{org}/suppliers/{id}/certifications/{cert}/remove": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		id, cert := f.supplierCert()
		return formCall("/o/acme/suppliers/" + id + "/certifications/" + cert + "/remove")
	}),
	"POST /o/{org}/suppliers/{id}/assessments": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/suppliers/"+f.supplier()+"/assessments", "assessed_on", "2026-01-10", "assessor", "Ada", "result", "pass")
	}),
	"POST /o/{org}/suppliers/{id}/assessments/{assessment}/remove": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		id, a := f.supplierAssessment()
		return formCall("/o/acme/suppliers/" + id + "/assessments/" + a + "/remove")
	}),
	"GET /o/{org}/scans": orgRoutes(allRoles, 0, 200, get("/o/acme/scans")),
	"POST /o/{org}/scans": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/o/acme/scans", form: url.Values{}, file: f.scanFile("10.8.0.2")}
	}),
	"GET /o/{org}/scans/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		scan, _ := f.scanFinding()
		return call{method: "GET", path: "/o/acme/scans/" + scan}
	}),
	"GET /o/{org}/findings": orgRoutes(allRoles, 0, 200, get("/o/acme/findings?severity=high-and-above&status=all&overdue=1")),
	"POST /o/{org}/findings/sla": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
		return formCall("/o/acme/findings/sla", "critical_days", "15", "high_days", "30", "medium_days", "90", "low_days", "0")
	}),
	"GET /o/{org}/findings/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		_, finding := f.scanFinding()
		return call{method: "GET", path: "/o/acme/findings/" + finding}
	}),
	"POST /o/{org}/findings/{id}/risk": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, finding := f.scanFinding()
		return formCall("/o/acme/findings/" + finding + "/risk")
	}),

	// The nonconformity register: anyone who works here may raise a
	// record; changing, planning and verifying others' records is for
	// those who may change ISMS records.
	"GET /api/v1/orgs/{org}/nonconformities": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/nonconformities")),
	"POST /api/v1/orgs/{org}/nonconformities": orgRoutes(raisers, 403, 201, jsonCall("POST", "/api/v1/orgs/acme/nonconformities",
		`{"grade": "minor", "title": "Badge left at reception", "description": "Seen on Monday."}`)),
	"GET /api/v1/orgs/{org}/nonconformities/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		n, _ := f.nonconformity(false)
		return call{method: "GET", path: "/api/v1/orgs/acme/nonconformities/" + n.Ref()}
	}),
	"PATCH /api/v1/orgs/{org}/nonconformities/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		n, _ := f.nonconformity(false)
		return jsonCall("PATCH", "/api/v1/orgs/acme/nonconformities/"+n.ID, `{"grade": "major"}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/nonconformities/{id}/actions": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		n, _ := f.nonconformity(false)
		return jsonCall("POST", "/api/v1/orgs/acme/nonconformities/"+n.ID+"/actions",
			`{"title": "Train reception", "owner_id": "`+n.OwnerID+`", "due_date": "2027-01-31"}`)(f, c)
	}),
	"PATCH /api/v1/orgs/{org}/nonconformities/{id}/actions/{action}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		n, act := f.nonconformity(false)
		return jsonCall("PATCH", "/api/v1/orgs/acme/nonconformities/"+n.ID+"/actions/"+act.ID, `{"done": true, "outcome": "Done."}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/nonconformities/{id}/verification": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		n, _ := f.nonconformity(true)
		return jsonCall("POST", "/api/v1/orgs/acme/nonconformities/"+n.ID+"/verification", `{"effective": true, "note": "Checked."}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/nonconformity-metrics": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/nonconformity-metrics")),
	"POST /api/v1/orgs/{org}/findings/{id}/nonconformity": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/findings/" + f.lateFinding() + "/nonconformity"}
	}),
	// Objectives and metrics: any role reads them; those who may change
	// ISMS records set objectives, make and feed metrics, and snapshot.
	"GET /api/v1/orgs/{org}/metrics": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/metrics")),
	"POST /api/v1/orgs/{org}/metrics": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/metrics", `{"key": "made-`+f.unique()+`", "name": "Made"}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/metrics/{key}": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/metrics/controls-implemented")),
	"PATCH /api/v1/orgs/{org}/metrics/{key}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/metrics/"+f.metric(), `{"target": 90}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/metrics/{key}/measurements": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/metrics/"+f.metric()+"/measurements", `{"value": 42}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/metric-snapshots": orgRoutes(writers, 403, 201, func(*fixture, *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/metric-snapshots"}
	}),
	"GET /api/v1/orgs/{org}/objectives": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/objectives")),
	"POST /api/v1/orgs/{org}/objectives": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/objectives", `{"title": "Train", "target": "All", "due_date": "2027-03-31",
			"owner_id": "`+f.target().ID+`"}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/objectives/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/objectives/" + f.objective().Ref()}
	}),
	"PATCH /api/v1/orgs/{org}/objectives/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/objectives/"+f.objective().ID, `{"status": "at_risk"}`)(f, c)
	}),
	"DELETE /api/v1/orgs/{org}/objectives/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
		return call{method: "DELETE", path: "/api/v1/orgs/acme/objectives/" + f.objective().ID}
	}),
	"GET /o/{org}/metrics":     orgRoutes(allRoles, 0, 200, get("/o/acme/metrics")),
	"GET /o/{org}/metrics/new": orgRoutes(writers, 403, 200, get("/o/acme/metrics/new")),
	"POST /o/{org}/metrics": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/metrics", "key", "made-"+f.unique(), "name", "Made", "direction", "higher")
	}),
	"GET /o/{org}/metrics/{key}": orgRoutes(allRoles, 0, 200, get("/o/acme/metrics/vulnerability-sla-compliance")),
	"POST /o/{org}/metrics/{key}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/metrics/"+f.metric(), "name", "Renamed", "direction", "lower", "target", "3")
	}),
	"POST /o/{org}/metrics/{key}/measurements": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/metrics/"+f.metric()+"/measurements", "value", "7")
	}),
	"POST /o/{org}/metric-snapshots": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
		return formCall("/o/acme/metric-snapshots")
	}),
	"GET /o/{org}/objectives/new": orgRoutes(writers, 403, 200, get("/o/acme/objectives/new")),
	"POST /o/{org}/objectives": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/objectives", "title", "Train", "target", "All", "due_date", "2027-03-31", "owner_id", f.target().ID,
			"status", "on_track")
	}),
	"GET /o/{org}/objectives/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/objectives/" + f.objective().Ref()}
	}),
	"GET /o/{org}/objectives/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/objectives/" + f.objective().Ref() + "/edit"}
	}),
	"POST /o/{org}/objectives/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		o := f.objective()
		return formCall("/o/acme/objectives/"+o.Ref(), "title", "Renamed", "target", "All", "due_date", "2027-03-31", "owner_id", o.OwnerID,
			"status", "at_risk")
	}),
	"POST /o/{org}/objectives/{id}/delete": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/objectives/" + f.objective().Ref() + "/delete")
	}),
	// The continuity register: any role reads it; those who may change
	// ISMS records write it.
	"GET /api/v1/orgs/{org}/continuity/bias": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/continuity/bias")),
	"POST /api/v1/orgs/{org}/continuity/bias": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/continuity/bias", `{"name": "Training pipeline", "owner_id": "`+f.target().ID+
			`", "criticality": "high", "rto_hours": 24, "mtpd_hours": 72}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/continuity/bias/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		b, _, _, _ := f.continuity()
		return call{method: "GET", path: "/api/v1/orgs/acme/continuity/bias/" + b.Ref()}
	}),
	"PUT /api/v1/orgs/{org}/continuity/bias/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		b, _, _, _ := f.continuity()
		return jsonCall("PUT", "/api/v1/orgs/acme/continuity/bias/"+b.ID, `{"name": "Renamed", "owner_id": "`+b.OwnerID+
			`", "criticality": "high", "rto_hours": 8, "mtpd_hours": 24}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/continuity/plans": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/continuity/plans")),
	"POST /api/v1/orgs/{org}/continuity/plans": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/continuity/plans", `{"title": "Restore", "owner_id": "`+f.target().ID+`", "steps": "Restore."}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/continuity/plans/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		_, p, _, _ := f.continuity()
		return call{method: "GET", path: "/api/v1/orgs/acme/continuity/plans/" + p.Ref()}
	}),
	"PUT /api/v1/orgs/{org}/continuity/plans/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		_, p, _, _ := f.continuity()
		return jsonCall("PUT", "/api/v1/orgs/acme/continuity/plans/"+p.ID, `{"title": "Renamed", "owner_id": "`+p.OwnerID+`", "steps": "Restore."}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/continuity/plans/{id}/tests": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		_, p, _, _ := f.continuity()
		return jsonCall("POST", "/api/v1/orgs/acme/continuity/plans/"+p.ID+"/tests", `{"tested_on": "2026-01-05", "kind": "other",
			"scope": "Restore drill", "result": "pass"}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/continuity/tests/{id}/follow-ups": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		_, _, tst, _ := f.continuity()
		return jsonCall("POST", "/api/v1/orgs/acme/continuity/tests/"+tst.ID+"/follow-ups", `{"title": "Rehearse again"}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/continuity/tests/{id}/follow-ups/{followup}/nonconformity": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		_, _, tst, fu := f.continuity()
		return call{method: "POST", path: "/api/v1/orgs/acme/continuity/tests/" + tst.ID + "/follow-ups/" + fu.ID + "/nonconformity"}
	}),
	"GET /api/v1/orgs/{org}/continuity/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/continuity/export?format=xlsx")),
	"GET /o/{org}/continuity":                  orgRoutes(allRoles, 0, 200, get("/o/acme/continuity")),
	"GET /o/{org}/continuity/export":           orgRoutes(allRoles, 0, 200, get("/o/acme/continuity/export?format=csv")),
	"GET /o/{org}/continuity/bias/new":         orgRoutes(writers, 403, 200, get("/o/acme/continuity/bias/new")),
	"POST /o/{org}/continuity/bias": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/continuity/bias", "name", "Data pipeline", "owner_id", f.target().ID, "criticality", "high",
			"rto_hours", "24", "rpo_hours", "4", "mtpd_hours", "72")
	}),
	"GET /o/{org}/continuity/bias/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		b, _, _, _ := f.continuity()
		return call{method: "GET", path: "/o/acme/continuity/bias/" + b.Ref()}
	}),
	"GET /o/{org}/continuity/bias/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		b, _, _, _ := f.continuity()
		return call{method: "GET", path: "/o/acme/continuity/bias/" + b.Ref() + "/edit"}
	}),
	"POST /o/{org}/continuity/bias/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		b, _, _, _ := f.continuity()
		return formCall("/o/acme/continuity/bias/"+b.Ref(), "name", "Renamed", "owner_id", b.OwnerID, "criticality", "high",
			"rto_hours", "4", "mtpd_hours", "24")
	}),
	"GET /o/{org}/continuity/plans/new": orgRoutes(writers, 403, 200, get("/o/acme/continuity/plans/new")),
	"POST /o/{org}/continuity/plans": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/continuity/plans", "title", "Restore", "owner_id", f.target().ID, "steps", "Restore from backup.")
	}),
	"GET /o/{org}/continuity/plans/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		_, p, _, _ := f.continuity()
		return call{method: "GET", path: "/o/acme/continuity/plans/" + p.Ref()}
	}),
	"GET /o/{org}/continuity/plans/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		_, p, _, _ := f.continuity()
		return call{method: "GET", path: "/o/acme/continuity/plans/" + p.Ref() + "/edit"}
	}),
	"POST /o/{org}/continuity/plans/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, p, _, _ := f.continuity()
		return formCall("/o/acme/continuity/plans/"+p.Ref(), "title", "Renamed", "owner_id", p.OwnerID, "steps", "Fail over.")
	}),
	"POST /o/{org}/continuity/plans/{id}/tests": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, p, _, _ := f.continuity()
		return formCall("/o/acme/continuity/plans/"+p.Ref()+"/tests", "tested_on", "2026-01-05", "kind", "tabletop", "scope", "Walk-through",
			"result", "pass")
	}),
	"POST /o/{org}/continuity/tests/{id}/follow-ups": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, _, tst, _ := f.continuity()
		return formCall("/o/acme/continuity/tests/"+tst.Ref()+"/follow-ups", "title", "Rehearse again")
	}),
	"POST /o/{org}/continuity/tests/{id}/follow-ups/{followup}/nonconformity": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, _, tst, fu := f.continuity()
		return formCall("/o/acme/continuity/tests/" + tst.ID + "/follow-ups/" + fu.ID + "/nonconformity")
	}),
	"GET /api/v1/orgs/{org}/reviews": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/reviews")),
	"POST /api/v1/orgs/{org}/reviews": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/reviews", `{"title": "Review", "meeting_date": "2027-01-15", "chair_id": "`+f.target().ID+`"}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/reviews/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		r, _ := f.review(true)
		return call{method: "GET", path: "/api/v1/orgs/acme/reviews/" + r.Ref()}
	}),
	"PATCH /api/v1/orgs/{org}/reviews/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		r, _ := f.review(false)
		return jsonCall("PATCH", "/api/v1/orgs/acme/reviews/"+r.ID, `{"notes": "Discussed."}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/reviews/{id}/inputs": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		r, _ := f.review(false)
		return call{method: "POST", path: "/api/v1/orgs/acme/reviews/" + r.ID + "/inputs"}
	}),
	"POST /api/v1/orgs/{org}/reviews/{id}/status": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/reviews/"+f.heldReview().ID+"/status", `{"status": "approved"}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/reviews/{id}/decisions": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		r, _ := f.review(false)
		return jsonCall("POST", "/api/v1/orgs/acme/reviews/"+r.ID+"/decisions", `{"text": "Fund it."}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/reviews/{id}/actions": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		r, _ := f.review(false)
		return jsonCall("POST", "/api/v1/orgs/acme/reviews/"+r.ID+"/actions", `{"title": "Do it", "owner_id": "`+r.ChairID+
			`", "due_date": "2027-02-01"}`)(f, c)
	}),
	"PATCH /api/v1/orgs/{org}/reviews/{id}/actions/{action}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		r, act := f.review(false)
		return jsonCall("PATCH", "/api/v1/orgs/acme/reviews/"+r.ID+"/actions/"+act.ID, `{"status": "done"}`)(f, c)
	}),
	"GET /api/v1/orgs/{org}/reviews/{id}/minutes": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		r, _ := f.review(true)
		return call{method: "GET", path: "/api/v1/orgs/acme/reviews/" + r.ID + "/minutes"}
	}),
	"GET /api/v1/orgs/{org}/certification": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/certification")),
	"POST /api/v1/orgs/{org}/certification/cycles": orgRoutes(writers, 403, 201,
		jsonCall("POST", "/api/v1/orgs/acme/certification/cycles", `{"body": "Certa", "scope": "The platform"}`)),
	"PATCH /api/v1/orgs/{org}/certification/cycles/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		cy, _ := f.externalAudit()
		return jsonCall("PATCH", "/api/v1/orgs/acme/certification/cycles/"+cy.ID, `{"scope": "Renamed"}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/certification/audits": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		f.externalAudit()
		return jsonCall("POST", "/api/v1/orgs/acme/certification/audits", `{"kind": "surveillance2", "planned_date": "2027-06-01"}`)(f, c)
	}),
	"PATCH /api/v1/orgs/{org}/certification/audits/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		_, a := f.externalAudit()
		return jsonCall("PATCH", "/api/v1/orgs/acme/certification/audits/"+a.ID, `{"result": "Maintained."}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/certification/audits/{id}/findings": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
		_, a := f.externalAudit()
		return jsonCall("POST", "/api/v1/orgs/acme/certification/audits/"+a.ID+"/findings", `{"grade": "minor", "title": "Late reviews",
			"description": "Two unreviewed."}`)(f, c)
	}),
	// Management review: any role reads it; writers plan and record it.
	"GET /o/{org}/reviews": orgRoutes(allRoles, 0, 200, get("/o/acme/reviews")),
	"POST /o/{org}/reviews": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/reviews", "title", "Review", "meeting_date", "2027-01-15", "chair_id", f.target().ID)
	}),
	"GET /o/{org}/reviews/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		r, _ := f.review(true)
		return call{method: "GET", path: "/o/acme/reviews/" + r.Ref()}
	}),
	"POST /o/{org}/reviews/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		r, _ := f.review(false)
		return formCall("/o/acme/reviews/"+r.Ref(), "title", "Renamed", "meeting_date", "2027-01-15", "chair_id", r.ChairID)
	}),
	"POST /o/{org}/reviews/{id}/inputs": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		r, _ := f.review(false)
		return call{method: "POST", path: "/o/acme/reviews/" + r.Ref() + "/inputs", form: url.Values{}}
	}),
	"POST /o/{org}/reviews/{id}/status": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/reviews/"+f.heldReview().Ref()+"/status", "status", "approved")
	}),
	"POST /o/{org}/reviews/{id}/decisions": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		r, _ := f.review(false)
		return formCall("/o/acme/reviews/"+r.Ref()+"/decisions", "text", "Fund the work.")
	}),
	"POST /o/{org}/reviews/{id}/actions": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		r, act := f.review(false)
		return formCall("/o/acme/reviews/"+r.Ref()+"/actions", "action_id", act.ID, "done", "true")
	}),
	"GET /o/{org}/reviews/{id}/minutes": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		r, _ := f.review(true)
		return call{method: "GET", path: "/o/acme/reviews/" + r.Ref() + "/minutes"}
	}),
	// The self-assessment: any role reads the runs and the questions;
	// writers start, answer and complete runs and create their tasks.
	"GET /o/{org}/self-assessment": orgRoutes(allRoles, 0, 200, get("/o/acme/self-assessment")),
	"POST /o/{org}/self-assessment": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		f.noDraftSelfAssessment()
		return call{method: "POST", path: "/o/acme/self-assessment", form: url.Values{}}
	}),
	"GET /o/{org}/self-assessment/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/self-assessment/" + f.selfAssessment(false).Ref()}
	}),
	"POST /o/{org}/self-assessment/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/self-assessment/"+f.selfAssessment(false).Ref(), "section", "A.8", "answer.a8-mfa", "partly")
	}),
	"POST /o/{org}/self-assessment/{id}/status": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/self-assessment/"+f.selfAssessment(true).Ref()+"/status", "status", "completed")
	}),
	"POST /o/{org}/self-assessment/{id}/tasks": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/o/acme/self-assessment/" + f.selfAssessment(false).Ref() + "/tasks", form: url.Values{}}
	}),
	"GET /api/v1/orgs/{org}/self-assessment/questions": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/self-assessment/questions")),
	"GET /api/v1/orgs/{org}/self-assessments":          orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/self-assessments")),
	"POST /api/v1/orgs/{org}/self-assessments": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		f.noDraftSelfAssessment()
		return call{method: "POST", path: "/api/v1/orgs/acme/self-assessments"}
	}),
	"GET /api/v1/orgs/{org}/self-assessments/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/self-assessments/" + f.selfAssessment(false).ID}
	}),
	"PATCH /api/v1/orgs/{org}/self-assessments/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/self-assessments/"+f.selfAssessment(false).ID,
			`{"answers": {"a8-mfa": {"value": "partly"}}}`)(f, c)
	}),
	"POST /api/v1/orgs/{org}/self-assessments/{id}/tasks": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/self-assessments/" + f.selfAssessment(false).ID + "/tasks"}
	}),
	// Certification: any role reads it; writers record the cycle, the
	// audits and their findings.
	"GET /o/{org}/certification": orgRoutes(allRoles, 0, 200, get("/o/acme/certification")),
	"POST /o/{org}/certification/cycles": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/certification/cycles", "body", "Certa", "scope", "The platform")
	}),
	"POST /o/{org}/certification/cycles/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		c, _ := f.externalAudit()
		return formCall("/o/acme/certification/cycles/"+c.ID, "body", "Certa", "scope", "Renamed", "certificate_number", "C-2",
			"issued_on", "2025-10-01")
	}),
	"POST /o/{org}/certification/audits": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		f.externalAudit()
		return formCall("/o/acme/certification/audits", "kind", "surveillance2", "planned_date", "2027-06-01")
	}),
	"POST /o/{org}/certification/audits/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, a := f.externalAudit()
		return formCall("/o/acme/certification/audits/"+a.ID, "kind", "surveillance1", "done_date", "2026-01-05", "result", "Maintained.")
	}),
	"POST /o/{org}/certification/audits/{id}/findings": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		_, a := f.externalAudit()
		return formCall("/o/acme/certification/audits/"+a.ID+"/findings", "kind", "nonconformity", "grade", "minor", "title",
			"Supplier reviews late", "description", "Two unreviewed.")
	}),
	"GET /o/{org}/nonconformities":     orgRoutes(allRoles, 0, 200, get("/o/acme/nonconformities")),
	"GET /o/{org}/nonconformities/new": orgRoutes(raisers, 403, 200, get("/o/acme/nonconformities/new")),
	"POST /o/{org}/nonconformities": orgRoutes(raisers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/nonconformities", "kind", "nonconformity", "grade", "minor", "source", "other", "title", "Door propped open",
			"description", "Seen on Friday.")
	}),
	"GET /o/{org}/nonconformities/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		n, _ := f.nonconformity(false)
		return call{method: "GET", path: "/o/acme/nonconformities/" + n.Ref()}
	}),
	"POST /o/{org}/nonconformities/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		n, _ := f.nonconformity(false)
		return formCall("/o/acme/nonconformities/"+n.Ref(), "title", n.Title, "grade", "major", "description", n.Description,
			"owner_id", n.OwnerID, "correction", "Closed the door.", "root_cause", "Broken closer.")
	}),
	"POST /o/{org}/nonconformities/{id}/actions": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		n, _ := f.nonconformity(false)
		return formCall("/o/acme/nonconformities/"+n.Ref()+"/actions", "title", "Fix the closer", "owner_id", n.OwnerID, "due_date", "2027-01-31")
	}),
	"POST /o/{org}/nonconformities/{id}/verification": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		n, _ := f.nonconformity(true)
		return formCall("/o/acme/nonconformities/"+n.Ref()+"/verification", "effective", "true", "note", "Checked.")
	}),
	"POST /o/{org}/findings/{id}/nonconformity": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/findings/" + f.lateFinding() + "/nonconformity")
	}),

	// The document register: writers keep documents; anyone reads them.
	// Approving is for the named approvers and acknowledging for the
	// audience, whatever their role: the app's tests cover those.
	"GET /api/v1/orgs/{org}/documents":        orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/documents")),
	"GET /api/v1/orgs/{org}/documents/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/documents/export?format=csv")),
	"POST /api/v1/orgs/{org}/documents": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/documents", `{"title": "Clean desk `+f.unique()+`"}`)(f, nil)
	}),
	"GET /api/v1/orgs/{org}/documents/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/documents/" + f.document("draft").Ref()}
	}),
	"PATCH /api/v1/orgs/{org}/documents/{id}": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PATCH", "/api/v1/orgs/acme/documents/"+f.document("draft").ID, `{"summary": "Why."}`)(f, nil)
	}),
	"PUT /api/v1/orgs/{org}/documents/{id}/draft": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("PUT", "/api/v1/orgs/acme/documents/"+f.document("draft").ID+"/draft", `{"body": "# P\n\nRevised.\n"}`)(f, nil)
	}),
	"PUT /api/v1/orgs/{org}/documents/{id}/draft/file": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "PUT", path: "/api/v1/orgs/acme/documents/" + f.document("draft").ID + "/draft/file?name=p.pdf",
			body: "%PDF-1.7\n% " + f.unique() + "\n%%EOF\n", contentType: "application/pdf"}
	}),
	"POST /api/v1/orgs/{org}/documents/{id}/submit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/documents/" + f.document("draft").ID + "/submit"}
	}),
	// Deciding is for the named approvers, a fresh member here: every
	// caller is refused, members with 403.
	"POST /api/v1/orgs/{org}/documents/{id}/decision": orgRoutes(nil, 403, 200, func(f *fixture, _ *principal) call {
		return jsonCall("POST", "/api/v1/orgs/acme/documents/"+f.document("review").ID+"/decision", `{"approve": true}`)(f, nil)
	}),
	"POST /api/v1/orgs/{org}/documents/{id}/publish": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/documents/" + f.document("approved").ID + "/publish"}
	}),
	// Every member but an auditor is in the audience.
	"POST /api/v1/orgs/{org}/documents/{id}/acknowledgement": orgRoutes(raisersAndViewers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/documents/" + f.document("published").ID + "/acknowledgement"}
	}),
	"POST /api/v1/orgs/{org}/documents/{id}/retire": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/documents/" + f.document("draft").ID + "/retire"}
	}),
	"GET /api/v1/orgs/{org}/documents/{id}/versions/{version}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/documents/" + f.document("draft").Ref() + "/versions/1.0"}
	}),
	"GET /api/v1/orgs/{org}/documents/{id}/versions/{version}/pdf": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/documents/" + f.document("draft").Ref() + "/versions/1.0/pdf"}
	}),
	"GET /api/v1/orgs/{org}/documents/{id}/versions/{version}/file": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/api/v1/orgs/acme/documents/" + f.document("published").Ref() + "/versions/1.1/file"}
	}),
	"GET /api/v1/orgs/{org}/document-templates": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/document-templates")),
	"POST /api/v1/orgs/{org}/document-templates/{id}": orgRoutes(writers, 403, 201, func(f *fixture, _ *principal) call {
		return call{method: "POST", path: "/api/v1/orgs/acme/document-templates/incident-response"}
	}),
	"GET /api/v1/orgs/{org}/readiness":    orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/readiness")),
	"GET /o/{org}/readiness":              orgRoutes(allRoles, 0, 200, get("/o/acme/readiness")),
	"GET /o/{org}/auditor-pack":           orgRoutes(allRoles, 0, 200, get("/o/acme/auditor-pack")),
	"GET /api/v1/orgs/{org}/auditor-pack": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/auditor-pack")),
	"GET /o/{org}/documents":              orgRoutes(allRoles, 0, 200, get("/o/acme/documents")),
	"GET /o/{org}/documents/new":          orgRoutes(writers, 403, 200, get("/o/acme/documents/new")),
	"POST /o/{org}/documents": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/documents", "title", "Clean desk "+f.unique(), "kind", "topic_policy", "review_months", "12")
	}),
	"POST /o/{org}/documents/templates": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/documents/templates", "template", "cryptography-key-management")
	}),
	"GET /o/{org}/documents/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/documents/" + f.document("draft").Ref()}
	}),
	"GET /o/{org}/documents/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/documents/" + f.document("draft").Ref() + "/edit"}
	}),
	"POST /o/{org}/documents/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		d := f.document("draft")
		return formCall("/o/acme/documents/"+d.Ref(), "title", d.Title+" (revised)", "kind", "policy", "review_months", "6", "owner_id", d.OwnerID)
	}),
	"GET /o/{org}/documents/{id}/draft": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/documents/" + f.document("draft").Ref() + "/draft"}
	}),
	"POST /o/{org}/documents/{id}/draft": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/documents/"+f.document("draft").Ref()+"/draft", "body", "# Policy\n\nRevised.\n")
	}),
	"POST /o/{org}/documents/{id}/{step}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
		return formCall("/o/acme/documents/" + f.document("draft").Ref() + "/submit")
	}),
	"GET /o/{org}/documents/{id}/versions/{version}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/documents/" + f.document("draft").Ref() + "/versions/1.0"}
	}),
	"GET /o/{org}/documents/{id}/versions/{version}/pdf": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/documents/" + f.document("draft").Ref() + "/versions/1.0/pdf"}
	}),
	"GET /o/{org}/documents/{id}/versions/{version}/file": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
		return call{method: "GET", path: "/o/acme/documents/" + f.document("published").Ref() + "/versions/1.1/file"}
	}),
}

// customFramework is a small framework file with a fresh id.
func customFramework(n string) string {
	return "format: isms-framework/1\nid: own-" + n + "\nname: Own " + n + "\nversion: '1'\nkind: custom\nitems:\n" +
		"  - id: C-1\n    kind: control\n    title: One\nmappings:\n  - from: C-1\n    to: iso27001-2022:A.5.1\n    relation: implements\n"
}

// frameworkImport imports a framework for a call to remove.
func (f *fixture) frameworkImport() string {
	f.t.Helper()
	fi, _, err := f.svc.ImportFrameworks(context.Background(), f.op, app.FrameworkFile{Name: "x.yaml", Data: []byte(customFramework(f.unique()))})
	if err != nil {
		f.t.Fatal(err)
	}
	return fi.ID
}

func jsonCall(method, path, body string) func(*fixture, *principal) call {
	return func(*fixture, *principal) call { return call{method: method, path: path, body: body} }
}

func formCall(path string, kv ...string) call {
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return call{method: "POST", path: path, form: form}
}

func changePassword(_ *fixture, c *principal) call {
	return formCall("/account/password", "current_password", c.password, "new_password", c.password)
}

func createOrg(f *fixture, _ *principal) call {
	return formCall("/orgs", "slug", "org-"+f.unique(), "name", "Another")
}

// principal is one caller: a member of acme with a role, a member of
// another organisation, a member whose access expired, or nobody.
type principal struct {
	name     string
	role     isms.Role // in acme; "" for outsiders
	user     isms.User
	password string
	token    string // API token
	outsider bool   // another organisation's member, or expired
	nobody   bool
}

type fixture struct {
	t      *testing.T
	svc    *app.Service
	srv    *server.Server
	op     app.Access
	orgID  string
	cssURL string
	n      int
	// soaDecided is set once every control of the statement is decided.
	soaDecided bool
}

func (f *fixture) unique() string {
	f.n++
	return fmt.Sprintf("%d", f.n)
}

// target adds a fresh viewer to act on.
func (f *fixture) target() isms.Member {
	f.t.Helper()
	added, err := f.svc.AddMember(context.Background(), f.op, app.MemberInput{
		Email: "target-" + f.unique() + "@acme.example", Name: "Target", Role: "viewer", Password: "a long enough password"})
	if err != nil {
		f.t.Fatal(err)
	}
	return added.Member
}

// otherToken makes a token of a fresh member, so no caller owns it.
func (f *fixture) otherToken() string {
	f.t.Helper()
	m := f.target()
	created, err := f.svc.CreateToken(context.Background(), f.op, app.TokenInput{Name: "other", UserEmail: m.Email})
	if err != nil {
		f.t.Fatal(err)
	}
	return created.Token.ID
}

const testPassword = "a long enough password"

func newFixture(t *testing.T) (*fixture, []*principal) {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	files, err := evidence.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.New(db.DB, log, app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}, Evidence: files})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(config.Default(), svc, log)
	if err != nil {
		t.Fatal(err)
	}
	opP := app.OperatorPrincipal("cli:test")
	var orgID string
	for _, slug := range []string{"acme", "other"} {
		org, err := svc.CreateOrg(ctx, opP, app.OrgInput{Slug: slug, Name: slug})
		if err != nil {
			t.Fatal(err)
		}
		if slug == "acme" {
			orgID = org.ID
		}
	}
	acme, _ := svc.OpenOrg(ctx, opP, "acme")
	other, _ := svc.OpenOrg(ctx, opP, "other")
	f := &fixture{t: t, svc: svc, srv: srv, op: acme, orgID: orgID}

	add := func(acc app.Access, email string, role isms.Role) *principal {
		in := app.MemberInput{Email: email, Name: email, Role: string(role), Password: testPassword}
		if role == isms.RoleAuditor {
			end := time.Now().Add(30 * 24 * time.Hour)
			in.ExpiresAt = &end
		}
		_, err := svc.AddMember(ctx, acc, in)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateToken(ctx, acc, app.TokenInput{Name: "authz", UserEmail: email, ExpiresIn: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		u, _, err := db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return &principal{name: string(role), role: role, user: u, password: testPassword, token: tok.Secret}
	}
	var callers []*principal
	for _, r := range allRoles {
		callers = append(callers, add(acme, string(r)+"@acme.example", r))
	}
	outsider := add(other, "owner@other.example", isms.RoleOwner)
	outsider.name, outsider.role, outsider.outsider = "member of another organisation", "", true
	expired := add(acme, "expired@cb.example", isms.RoleAuditor)
	err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
		m, err := tx.MemberByUser(ctx, orgID, expired.user.ID)
		if err != nil {
			return err
		}
		past := time.Now().Add(-time.Hour)
		_, err = tx.UpdateMember(ctx, orgID, m.ID, isms.RoleAuditor, &past)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	expired.name, expired.role, expired.outsider = "auditor whose access expired", "", true
	callers = append(callers, outsider, expired, &principal{name: "nobody", nobody: true})

	// The fingerprinted stylesheet URL, from the sign-in page.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	body := rec.Body.String()
	i := strings.Index(body, "/static/")
	f.cssURL = body[i : i+strings.Index(body[i:], `"`)]
	return f, callers
}

func TestEveryRouteHasAnAuthorizationRule(t *testing.T) {
	f, _ := newFixture(t)
	var registered []string
	for _, r := range f.srv.Routes() {
		key := r.String()
		registered = append(registered, key)
		if _, ok := policy[key]; !ok {
			t.Errorf("route %s has no rule in the authorization table", key)
		}
	}
	for key := range policy {
		if !slices.Contains(registered, key) {
			t.Errorf("the authorization table has a rule for %s, which is not a route", key)
		}
	}
}

func TestAuthorization(t *testing.T) {
	f, callers := newFixture(t)
	keys := make([]string, 0, len(policy))
	for k := range policy {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		rule := policy[key]
		for _, c := range callers {
			t.Run(key+"/"+c.name, func(t *testing.T) {
				f.t = t
				req := rule.build(f, c)
				want := expected(rule, c, req)
				got, body := f.do(t, c, req)
				if got != want {
					t.Errorf("%s %s as %s: status %d, want %d\n%s", req.method, req.path, c.name, got, want, truncate(body))
				}
			})
		}
	}
}

func expected(rule rule, c *principal, req call) int {
	isAPI := strings.HasPrefix(req.path, "/api/")
	switch {
	case rule.public:
		return rule.ok
	case c.nobody && (isAPI || req.method != "GET"):
		return http.StatusUnauthorized
	case c.nobody:
		return http.StatusSeeOther // to the sign-in page
	case c.outsider && rule.orgScoped:
		return http.StatusNotFound
	case c.outsider:
		if rule.roles == nil {
			return rule.deny
		}
		return rule.ok
	case slices.Contains(rule.roles, c.role):
		return rule.ok
	}
	return rule.deny
}

// do sends the request as the caller: an API token for the API, a fresh
// browser session (with its CSRF token on posts) for the pages.
func (f *fixture) do(t *testing.T, c *principal, req call) (int, string) {
	t.Helper()
	var body io.Reader
	if req.form != nil {
		body = strings.NewReader(req.form.Encode())
	} else if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r := httptest.NewRequest(req.method, req.path, body)
	if req.form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
		if req.contentType != "" {
			r.Header.Set("Content-Type", req.contentType)
		}
	}
	if !c.nobody {
		if strings.HasPrefix(req.path, "/api/") {
			r.Header.Set("Authorization", "Bearer "+c.token)
		} else if req.path != "/login" {
			secret, sess, err := f.svc.StartSession(context.Background(), c.user)
			if err != nil {
				t.Fatal(err)
			}
			r.AddCookie(&http.Cookie{Name: "isms_session", Value: secret})
			if req.form != nil {
				req.form.Set("csrf", sess.CSRFToken)
				body, contentType := encodeForm(t, req)
				r = httptest.NewRequest(req.method, req.path, body)
				r.Header.Set("Content-Type", contentType)
				r.AddCookie(&http.Cookie{Name: "isms_session", Value: secret})
			}
		}
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String()
}

// encodeForm encodes a form, as a multipart upload when it has a file.
func encodeForm(t *testing.T, req call) (io.Reader, string) {
	t.Helper()
	if req.file == "" {
		return strings.NewReader(req.form.Encode()), "application/x-www-form-urlencoded"
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range req.form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", "upload.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(req.file))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

func truncate(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

func TestFormsNeedTheSessionsCSRFToken(t *testing.T) {
	f, callers := newFixture(t)
	owner := callers[0]
	secret, _, err := f.svc.StartSession(context.Background(), owner.user)
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{"", "wrong"} {
		form := url.Values{"name": {"Hijacked"}, "csrf": {token}}
		r := httptest.NewRequest("POST", "/o/acme/settings", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: "isms_session", Value: secret})
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, r)
		if rec.Code != http.StatusForbidden {
			t.Errorf("post with csrf %q: status %d, want 403", token, rec.Code)
		}
	}
	// A cross-site post is refused before the token is even looked at.
	r := httptest.NewRequest("POST", "/o/acme/settings", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.AddCookie(&http.Cookie{Name: "isms_session", Value: secret})
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site post: status %d, want 403", rec.Code)
	}
	acc, _ := f.svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), "acme")
	if acc.Org.Name != "acme" {
		t.Errorf("organisation renamed to %q by a forged form", acc.Org.Name)
	}
}

// Records for the rules of the statement, control and evidence API: each
// call gets its own where it changes one, made by the operator.

// apiSoAApprovable includes every undecided control of the ISO/IEC
// 27001:2022 statement, so that it can be approved.
func (f *fixture) apiSoAApprovable() {
	f.t.Helper()
	if f.soaDecided {
		return
	}
	ctx := context.Background()
	doc, err := f.svc.SoA(ctx, f.op, "iso27001-2022", 0)
	if err != nil {
		f.t.Fatal(err)
	}
	included := string(isms.Included)
	for _, e := range doc.Entries {
		if e.Applicability != isms.Undecided {
			continue
		}
		if _, err := f.svc.UpdateControl(ctx, f.op, e.Control, app.ControlInput{Applicability: &included}); err != nil {
			f.t.Fatal(err)
		}
	}
	f.soaDecided = true
}

// apiSoAVersion approves the statement and returns the new version's
// number.
func (f *fixture) apiSoAVersion() string {
	f.t.Helper()
	f.apiSoAApprovable()
	v, err := f.svc.ApproveSoA(context.Background(), f.op, "iso27001-2022", "")
	if err != nil {
		f.t.Fatal(err)
	}
	return fmt.Sprint(v.Number)
}

// apiControl gives A.8.8 to a fresh viewer, so that no caller owns it, and
// returns its reference.
func (f *fixture) apiControl() string {
	f.t.Helper()
	const ref = "iso27001-2022:A.8.8"
	owner := f.target().ID
	if _, err := f.svc.UpdateControl(context.Background(), f.op, ref, app.ControlInput{OwnerID: &owner}); err != nil {
		f.t.Fatal(err)
	}
	return ref
}

// apiControlReason adds a reason to include A.5.34 and returns its id.
func (f *fixture) apiControlReason() string {
	f.t.Helper()
	rs, err := f.svc.AddControlReason(context.Background(), f.op, "iso27001-2022:A.5.34", "legal", "GDPR Art. "+f.unique(), "https://gdpr.example/")
	if err != nil {
		f.t.Fatal(err)
	}
	return rs.ID
}

// apiControlTask adds a task to a control no caller owns and returns the
// control's reference and the task's id.
func (f *fixture) apiControlTask() (string, string) {
	f.t.Helper()
	ref := f.apiControl()
	task, err := f.svc.SaveControlTask(context.Background(), f.op, ref, "", app.TaskInput{Title: "Task " + f.unique()})
	if err != nil {
		f.t.Fatal(err)
	}
	return ref, task.ID
}

// apiEvidenceFile adds file evidence of A.8.8 and returns its id.
func (f *fixture) apiEvidenceFile() string {
	f.t.Helper()
	d, err := f.svc.AddEvidence(context.Background(), f.op, app.EvidenceInput{Kind: string(isms.EvidenceFile), Title: "Scan " + f.unique(),
		FileName: "scan.pdf", Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.8.8"}}},
		strings.NewReader("%PDF-1.4 scan "+f.unique()))
	if err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// apiEvidenceRequest asks a fresh viewer for evidence and returns the
// request's id.
func (f *fixture) apiEvidenceRequest() string {
	f.t.Helper()
	q, err := f.svc.RequestEvidence(context.Background(), f.op, "iso27001-2022:A.8.8", "Report "+f.unique(), f.target().ID,
		time.Now().AddDate(0, 1, 0))
	if err != nil {
		f.t.Fatal(err)
	}
	return q.ID
}
