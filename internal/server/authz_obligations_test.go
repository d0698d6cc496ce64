package server_test

import (
	"context"
	"maps"
	"net/url"

	"github.com/isms-dev/isms/internal/app"
)

// The obligations register: any role reads it; changing it needs
// write_records, like every other register.
func init() {
	maps.Copy(policy, map[string]rule{
		"GET /api/v1/orgs/{org}/obligations": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/obligations?kind=legal&overdue=false")),
		"POST /api/v1/orgs/{org}/obligations": orgRoutes(writers, 403, 201, jsonCall("POST", "/api/v1/orgs/acme/obligations",
			`{"kind": "legal", "title": "Security of processing", "source": "GDPR Article 32", "controls": ["iso27001-2022:A.5.34"]}`)),
		"GET /api/v1/orgs/{org}/obligations/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/obligations/export?format=xlsx")),
		"GET /api/v1/orgs/{org}/obligations/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/api/v1/orgs/acme/obligations/" + f.obligation()}
		}),
		"PUT /api/v1/orgs/{org}/obligations/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			return jsonCall("PUT", "/api/v1/orgs/acme/obligations/"+f.obligation(),
				`{"kind": "contractual", "title": "Deletion on exit", "source": "MSA clause 14"}`)(f, c)
		}),
		"DELETE /api/v1/orgs/{org}/obligations/{id}": orgRoutes(writers, 403, 204, func(f *fixture, _ *principal) call {
			return call{method: "DELETE", path: "/api/v1/orgs/acme/obligations/" + f.obligation()}
		}),
		"POST /api/v1/orgs/{org}/obligation-imports": orgRoutes(writers, 403, 200, func(*fixture, *principal) call {
			return call{method: "POST", path: "/api/v1/orgs/acme/obligation-imports?dry_run=true", contentType: "text/csv",
				body: "kind,title,source\nlegal,Breach notification,GDPR Article 33\n"}
		}),
		"GET /api/v1/orgs/{org}/obligation-imports/template": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/obligation-imports/template")),
		"POST /api/v1/orgs/{org}/obligation-starters": orgRoutes(writers, 403, 200, jsonCall("POST", "/api/v1/orgs/acme/obligation-starters",
			`{"keys": ["gdpr-art-33"]}`)),

		"GET /o/{org}/obligations": orgRoutes(allRoles, 0, 200, get("/o/acme/obligations?kind=legal&overdue=1")),
		"POST /o/{org}/obligations": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
			return formCall("/o/acme/obligations", "kind", "legal", "title", "Security of processing", "source", "GDPR Article 32",
				"controls", "iso27001-2022:A.5.34")
		}),
		"GET /o/{org}/obligations/new": orgRoutes(writers, 403, 200, get("/o/acme/obligations/new")),
		"POST /o/{org}/obligations/starters": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
			return formCall("/o/acme/obligations/starters", "starter", "ai-act-art-15")
		}),
		"GET /o/{org}/obligations/import": orgRoutes(writers, 403, 200, get("/o/acme/obligations/import")),
		"POST /o/{org}/obligations/import": orgRoutes(writers, 403, 200, func(*fixture, *principal) call {
			return call{method: "POST", path: "/o/acme/obligations/import", form: url.Values{"check": {"1"}},
				file: "kind,title,source\nlegal,Breach notification,GDPR Article 33\n"}
		}),
		"GET /o/{org}/obligations/export":       orgRoutes(allRoles, 0, 200, get("/o/acme/obligations/export?format=csv")),
		"GET /o/{org}/obligations/template.csv": orgRoutes(allRoles, 0, 200, get("/o/acme/obligations/template.csv")),
		"GET /o/{org}/obligations/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/obligations/" + f.obligation()}
		}),
		"POST /o/{org}/obligations/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/obligations/"+f.obligation(), "kind", "contractual", "title", "Audit rights", "source", "MSA clause 9")
		}),
		"GET /o/{org}/obligations/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/obligations/" + f.obligation() + "/edit"}
		}),
		"POST /o/{org}/obligations/{id}/delete": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/obligations/" + f.obligation() + "/delete")
		}),
	})
}

// obligation adds an obligation for a call to act on.
func (f *fixture) obligation() string {
	f.t.Helper()
	o, err := f.svc.CreateObligation(context.Background(), f.op, app.ObligationInput{Kind: "contractual",
		Title: "Customer audit rights " + f.unique(), Source: "MSA clause 9"})
	if err != nil {
		f.t.Fatal(err)
	}
	return o.ID
}
