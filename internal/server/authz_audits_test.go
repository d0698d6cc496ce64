package server_test

import (
	"context"
	"maps"
	"net/url"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Internal audit, in the UI and the API: anyone reads the programme, the
// audits and their reports; writers plan and change them. Recording a result is for writers
// and the audit's own auditors: the fixture's audit names a fresh
// contributor, so the contributor among the callers is refused, and the
// app's tests cover the named auditor.
func init() {
	maps.Copy(policy, map[string]rule{
		"GET /o/{org}/audits": orgRoutes(allRoles, 0, 200, get("/o/acme/audits")),
		"POST /o/{org}/audits/programme": orgRoutes(writers, 403, 303, func(*fixture, *principal) call {
			return formCall("/o/acme/audits/programme", "cycle_start", "2026-01-15", "notes", "By risk.")
		}),
		"GET /o/{org}/audits/new": orgRoutes(writers, 403, 200, get("/o/acme/audits/new")),
		"POST /o/{org}/audits": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			c := formCall("/o/acme/audits", "title", "Internal audit "+f.unique(), "scope", "iso27001-2022:9.2", "auditors", f.internalAuditor().ID,
				"planned_start", "2026-12-01", "planned_end", "2026-12-02")
			return c
		}),
		"GET /o/{org}/audits/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			au, _ := f.audit()
			return call{method: "GET", path: "/o/acme/audits/" + au.Ref()}
		}),
		"POST /o/{org}/audits/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			au, _ := f.audit()
			c := formCall("/o/acme/audits/"+au.Ref(), "title", au.Title+" (revised)", "planned_start", "2026-12-01", "planned_end", "2026-12-03")
			c.form["auditors"] = []string{f.internalAuditor().ID}
			return c
		}),
		"POST /o/{org}/audits/{id}/status": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			au, _ := f.audit()
			return formCall("/o/acme/audits/"+au.Ref()+"/status", "status", "in_progress")
		}),
		"POST /o/{org}/audits/{id}/items/{item}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			au, it := f.audit()
			return formCall("/o/acme/audits/"+au.Ref()+"/items/"+it.ID, "result", "conforming")
		}),
		"GET /o/{org}/audits/{id}/report": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			au, _ := f.audit()
			return call{method: "GET", path: "/o/acme/audits/" + au.Ref() + "/report?" + url.Values{"format": {"xlsx"}}.Encode()}
		}),

		// The API follows the same rules. The item's audit names a fresh
		// contributor, so no caller is among its auditors.
		"GET /api/v1/orgs/{org}/audit-programme": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/audit-programme")),
		"PUT /api/v1/orgs/{org}/audit-programme": orgRoutes(writers, 403, 200,
			jsonCall("PUT", "/api/v1/orgs/acme/audit-programme", `{"cycle_start": "2026-01-15", "notes": "By risk."}`)),
		"GET /api/v1/orgs/{org}/audits": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/audits?status=planned")),
		"POST /api/v1/orgs/{org}/audits": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/audits", `{"title": "Internal audit `+f.unique()+`", "scope": ["iso27001-2022:9.2"],
				"auditor_ids": ["`+f.internalAuditor().ID+`"], "planned_start": "2026-12-01", "planned_end": "2026-12-02"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/audits/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			au, _ := f.audit()
			return call{method: "GET", path: "/api/v1/orgs/acme/audits/" + au.Ref()}
		}),
		"PATCH /api/v1/orgs/{org}/audits/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			au, _ := f.audit()
			return jsonCall("PATCH", "/api/v1/orgs/acme/audits/"+au.ID, `{"title": "Revised", "status": "in_progress"}`)(f, c)
		}),
		"PATCH /api/v1/orgs/{org}/audits/{id}/items/{item}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			au, it := f.audit()
			return jsonCall("PATCH", "/api/v1/orgs/acme/audits/"+au.ID+"/items/"+it.ID, `{"result": "conforming"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/audits/{id}/report": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			au, _ := f.audit()
			return call{method: "GET", path: "/api/v1/orgs/acme/audits/" + au.Ref() + "/report?format=pdf"}
		}),
	})
}

// internalAuditor adds a fresh contributor to name as an auditor.
func (f *fixture) internalAuditor() isms.Member {
	f.t.Helper()
	added, err := f.svc.AddMember(context.Background(), f.op, app.MemberInput{
		Email: "internal-" + f.unique() + "@acme.example", Name: "Internal auditor", Role: "contributor", Password: "a long enough password"})
	if err != nil {
		f.t.Fatal(err)
	}
	return added.Member
}

// audit plans an audit of clause 9.2 by a fresh auditor and returns it
// with its first checklist item.
func (f *fixture) audit() (isms.Audit, isms.AuditItem) {
	f.t.Helper()
	ctx := context.Background()
	start, end := time.Now(), time.Now().AddDate(0, 0, 1)
	au, err := f.svc.PlanAudit(ctx, f.op, app.AuditInput{Title: ptrTo("Audit " + f.unique()), Scope: []string{"iso27001-2022:9.2"},
		Auditors: &[]string{f.internalAuditor().ID}, PlannedStart: &start, PlannedEnd: &end})
	if err != nil {
		f.t.Fatal(err)
	}
	d, err := f.svc.Audit(ctx, f.op, au.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return au, d.Items[0].AuditItem
}

func ptrTo[T any](v T) *T { return &v }
