package server_test

import (
	"context"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the incident register: each call gets an
// incident of its own, reported by the operator and handled by a fresh
// member, so that no caller handles it.

// incident reports a triaged incident handled by a fresh member.
func (f *fixture) incident() isms.Incident {
	f.t.Helper()
	str := func(s string) *string { return &s }
	handler := f.target().ID
	aware := time.Now().Add(-time.Hour)
	i, err := f.svc.ReportIncident(context.Background(), f.op, app.IncidentInput{Title: str("Laptop left on a train " + f.unique()),
		Category: str("physical"), Severity: str("medium"), Status: str("triaged"), HandlerID: &handler, SetAwareAt: true, AwareAt: &aware,
		PersonalData: func() *bool { b := true; return &b }()})
	if err != nil {
		f.t.Fatal(err)
	}
	return i
}

// evidenceItem adds a written record to the evidence register.
func (f *fixture) evidenceItem() string {
	f.t.Helper()
	e, err := f.svc.AddEvidence(context.Background(), f.op, app.EvidenceInput{Kind: "record", Title: "Statement " + f.unique(),
		Body: "The laptop was encrypted.", Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.28"}}}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return e.ID
}

// incidentWithEvidence reports an incident with an evidence item attached
// and returns the incident and the item.
func (f *fixture) incidentWithEvidence() (isms.Incident, string) {
	f.t.Helper()
	i := f.incident()
	it, err := f.svc.AttachIncidentEvidence(context.Background(), f.op, i.ID, app.IncidentEvidenceInput{EvidenceID: f.evidenceItem()})
	if err != nil {
		f.t.Fatal(err)
	}
	return i, it.ID
}

// incidentRules are the rules of the incident register: anyone who works
// here may report one; changing others' incidents and raising records
// from them is for those who may change ISMS records.
func incidentRules() map[string]rule {
	incidentPath := func(api bool, parts ...string) func(*fixture) string {
		return func(f *fixture) string {
			p := "/o/acme/incidents/"
			if api {
				p = "/api/v1/orgs/acme/incidents/"
			}
			p += f.incident().Ref()
			for _, s := range parts {
				p += "/" + s
			}
			return p
		}
	}
	api := func(method string, roles []isms.Role, deny, ok int, path func(*fixture) string, body string) rule {
		return orgRoutes(roles, deny, ok, func(f *fixture, c *principal) call { return jsonCall(method, path(f), body)(f, c) })
	}
	ui := func(roles []isms.Role, ok int, path func(*fixture) string, kv ...string) rule {
		return orgRoutes(roles, 403, ok, func(f *fixture, _ *principal) call { return formCall(path(f), kv...) })
	}
	now := time.Now().UTC()
	return map[string]rule{
		"GET /api/v1/orgs/{org}/incidents": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/incidents")),
		"POST /api/v1/orgs/{org}/incidents": orgRoutes(raisers, 403, 201, jsonCall("POST", "/api/v1/orgs/acme/incidents",
			`{"title": "Phishing mail clicked", "category": "phishing", "severity": "low"}`)),
		"GET /api/v1/orgs/{org}/incidents/export":       orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/incidents/export?format=csv")),
		"GET /api/v1/orgs/{org}/incidents/{id}":         api("GET", allRoles, 0, 200, incidentPath(true), ""),
		"PATCH /api/v1/orgs/{org}/incidents/{id}":       api("PATCH", writers, 403, 200, incidentPath(true), `{"severity": "high"}`),
		"POST /api/v1/orgs/{org}/incidents/{id}/events": api("POST", writers, 403, 201, incidentPath(true, "events"), `{"what": "Called the police"}`),
		"POST /api/v1/orgs/{org}/incidents/{id}/evidence": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/incidents/"+f.incident().Ref()+"/evidence", `{"evidence_id": "`+f.evidenceItem()+`"}`)(f, c)
		}),
		"POST /api/v1/orgs/{org}/incidents/{id}/evidence/{item}/custody": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			i, item := f.incidentWithEvidence()
			return jsonCall("POST", "/api/v1/orgs/acme/incidents/"+i.Ref()+"/evidence/"+item+"/custody", `{"who": "Legal", "note": "For the insurer"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/incidents/{id}/evidence-check": api("GET", allRoles, 0, 200, incidentPath(true, "evidence-check"), ""),
		"POST /api/v1/orgs/{org}/incidents/{id}/nonconformity": api("POST", writers, 403, 201, incidentPath(true, "nonconformity"), `{}`),
		"POST /api/v1/orgs/{org}/incidents/{id}/risk":          api("POST", writers, 403, 201, incidentPath(true, "risk"), ""),
		"POST /api/v1/orgs/{org}/incidents/{id}/control-change": api("POST", writers, 403, 201, incidentPath(true, "control-change"),
			`{"control": "iso27001-2022:A.7.9"}`),
		"GET /api/v1/orgs/{org}/incident-metrics": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/incident-metrics")),

		"GET /o/{org}/incidents":        orgRoutes(allRoles, 0, 200, get("/o/acme/incidents")),
		"GET /o/{org}/incidents/new":    orgRoutes(raisers, 403, 200, get("/o/acme/incidents/new")),
		"GET /o/{org}/incidents/export": orgRoutes(allRoles, 0, 200, get("/o/acme/incidents/export?format=xlsx")),
		"POST /o/{org}/incidents": orgRoutes(raisers, 403, 303, func(*fixture, *principal) call {
			return formCall("/o/acme/incidents", "full", "1", "title", "Tailgating at the door", "category", "physical", "severity", "low",
				"detected_at", now.Format("2006-01-02T15:04"))
		}),
		"GET /o/{org}/incidents/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: incidentPath(false)(f)}
		}),
		"GET /o/{org}/incidents/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: incidentPath(false, "edit")(f)}
		}),
		"POST /o/{org}/incidents/{id}":        ui(writers, 303, incidentPath(false), "section", "response", "containment", "Remote wipe sent."),
		"POST /o/{org}/incidents/{id}/events": ui(writers, 303, incidentPath(false, "events"), "what", "Called the police"),
		"POST /o/{org}/incidents/{id}/evidence": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/incidents/"+f.incident().Ref()+"/evidence", "evidence_id", f.evidenceItem())
		}),
		"POST /o/{org}/incidents/{id}/evidence/{item}/custody": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			i, item := f.incidentWithEvidence()
			return formCall("/o/acme/incidents/"+i.Ref()+"/evidence/"+item+"/custody", "who", "Legal", "note", "For the insurer")
		}),
		"POST /o/{org}/incidents/{id}/nonconformity":  ui(writers, 303, incidentPath(false, "nonconformity")),
		"POST /o/{org}/incidents/{id}/risk":           ui(writers, 303, incidentPath(false, "risk")),
		"POST /o/{org}/incidents/{id}/control-change": ui(writers, 303, incidentPath(false, "control-change"), "control", "iso27001-2022:A.7.9"),
	}
}

func init() {
	for k, r := range incidentRules() {
		policy[k] = r
	}
}
