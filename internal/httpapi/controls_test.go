package httpapi

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/isms-dev/isms/internal/dbtest"
)

func TestControls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		contributor, contributorToken := f.memberWithToken(t, "contributor@example.com", "contributor")
		vulns := controlPath("A.8.8")

		// A control nobody has touched has an empty record.
		var c controlJSON
		f.ok(t, request{method: "GET", path: vulns, token: viewer}, http.StatusOK, &c)
		if c.Ref != "iso27001-2022:A.8.8" || c.Custom || c.RecordID != nil || c.Requirement == nil || c.Requirement.ID != "A.8.8" ||
			c.Requirement.Framework != "iso27001-2022" || c.Title != c.Requirement.Title || c.Title == "" || c.Applicability != "undecided" ||
			c.Status != "not_started" || c.Entry == nil || c.Entry.Applicability != "undecided" || c.Links == nil || c.Reasons == nil ||
			c.Tasks == nil || c.Requests == nil || c.CreatedAt != nil {
			t.Errorf("A.8.8 before anyone recorded anything = %+v", c)
		}
		// A control of a framework the organisation does not run reads as
		// it would in that framework's statement.
		f.ok(t, request{method: "GET", path: "/orgs/acme/controls/iso27001-2013:A.12.6.1", token: viewer}, http.StatusOK, &c)
		if c.Entry == nil || c.Entry.ID != "A.12.6.1" || c.Requirement == nil || c.Requirement.Cite != "A.12.6.1" {
			t.Errorf("a 2013 control = %+v", c)
		}
		for _, ref := range []string{"iso27001-2022:A.99", "iso27001-2022:5.1", "nonsense", "org:NOPE", "owasp-llm-top10-2025:LLM01:2025"} {
			expectStatus(t, f, request{method: "GET", path: "/orgs/acme/controls/" + ref, token: viewer}, http.StatusNotFound)
		}
		expectStatus(t, f, request{method: "GET", path: vulns, token: f.otherToken}, http.StatusNotFound)
		expectStatus(t, f, request{method: "GET", path: vulns + "?full=1", token: viewer}, http.StatusBadRequest)

		// The record.
		f.ok(t, request{method: "PATCH", path: vulns, token: admin, body: fmt.Sprintf(`{"applicability": "included", "owner_id": %q,
			"implementation": "Weekly scans of every host", "status": "partial", "review_cadence": "yearly", "evidence_cadence": "monthly",
			"links": [{"title": "Vulnerability policy", "url": "https://wiki.example/vuln"}], "reviewed": true, "notes": "Scanner: OpenVAS"}`,
			contributor.ID)}, http.StatusOK, &c)
		if c.RecordID == nil || c.Applicability != "included" || c.OwnerID == nil || *c.OwnerID != contributor.ID ||
			c.Implementation != "Weekly scans of every host" || c.Status != "partial" || c.ReviewCadence == nil || *c.ReviewCadence != "yearly" ||
			c.EvidenceCadence == nil || *c.EvidenceCadence != "monthly" || len(c.Links) != 1 || c.LastReviewed == nil || c.CreatedAt == nil ||
			c.Notes != "Scanner: OpenVAS" || c.Entry == nil || c.Entry.Owner == nil || *c.Entry.Owner != contributor.Name || c.Entry.Derived {
			t.Errorf("A.8.8 after the change = %+v", c)
		}
		f.ok(t, request{method: "PATCH", path: vulns, token: admin, body: `{"review_cadence": null, "links": null, "notes": null}`}, http.StatusOK, &c)
		if c.ReviewCadence != nil || len(c.Links) != 0 || c.Links == nil || c.Notes != "" || c.EvidenceCadence == nil || c.OwnerID == nil {
			t.Errorf("A.8.8 after clearing the review cadence, links and notes = %+v", c)
		}
		for _, tt := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"applicability": "excluded"}`, http.StatusUnprocessableEntity, "exclusion_reason"},
			{`{"applicability": "maybe"}`, http.StatusUnprocessableEntity, "applicability"},
			{`{"status": "done"}`, http.StatusUnprocessableEntity, "status"},
			{`{"status": null}`, http.StatusUnprocessableEntity, "status"},
			{`{"owner_id": "` + missingUUID + `"}`, http.StatusUnprocessableEntity, "owner_id"},
			{`{"evidence_cadence": "weekly"}`, http.StatusUnprocessableEntity, "evidence_cadence"},
			{`{"links": [{"title": "FTP", "url": "ftp://files.example/x"}]}`, http.StatusUnprocessableEntity, "links[0].url"},
			{`{"title": "Our scanning"}`, http.StatusUnprocessableEntity, "title"},
			{`{"colour": "red"}`, http.StatusBadRequest, "colour"},
			{`{"status": 3}`, http.StatusBadRequest, "status"},
			{`{"links": [{"title": "x", "url": "https://x.example", "rel": "x"}]}`, http.StatusBadRequest, "rel"},
		} {
			expectProblem(t, f, request{method: "PATCH", path: vulns, token: admin, body: tt.body}, tt.status, tt.field)
		}
		expectStatus(t, f, request{method: "PATCH", path: vulns, token: admin, body: `{}`, contentType: "text/plain"}, http.StatusUnsupportedMediaType)
		expectStatus(t, f, request{method: "PATCH", path: controlPath("A.99"), token: admin, body: `{"status": "planned"}`}, http.StatusNotFound)

		// Who may change what: the contributor owns A.8.8, not A.5.1.
		for _, tt := range []struct {
			name, token, path, body string
			status                  int
		}{
			{"viewer", viewer, vulns, `{"implementation": "x"}`, http.StatusForbidden},
			{"owning contributor", contributorToken, vulns, `{"implementation": "Daily scans", "status": "implemented"}`, http.StatusOK},
			{"contributor deciding applicability", contributorToken, vulns, `{"applicability": "included"}`, http.StatusForbidden},
			{"contributor giving the control away", contributorToken, vulns, fmt.Sprintf(`{"owner_id": %q}`, f.ownerMember.ID), http.StatusForbidden},
			{"contributor on another's control", contributorToken, controlPath("A.5.1"), `{"implementation": "x"}`, http.StatusForbidden},
			{"another organisation", f.otherToken, vulns, `{"implementation": "x"}`, http.StatusNotFound},
		} {
			t.Run(tt.name, func(t *testing.T) {
				expectStatus(t, f, request{method: "PATCH", path: tt.path, token: tt.token, body: tt.body}, tt.status)
			})
		}

		// The organisation's own controls.
		var own controlJSON
		res := f.ok(t, request{method: "POST", path: "/orgs/acme/controls", token: admin,
			body: `{"code": "AI-1", "title": "Model cards for every model", "description": "Each model in production has a card."}`}, http.StatusCreated, &own)
		if own.Ref != "org:AI-1" || !own.Custom || own.Requirement != nil || own.Title != "Model cards for every model" ||
			own.Applicability != "included" || own.Entry == nil || !own.Entry.Custom || own.Entry.ID != "AI-1" {
			t.Errorf("own control = %+v", own)
		}
		if loc := res.header.Get("Location"); loc != Prefix+"/orgs/acme/controls/org:AI-1" {
			t.Errorf("Location = %q", loc)
		}
		f.ok(t, request{method: "PATCH", path: "/orgs/acme/controls/org:AI-1", token: admin, body: `{"title": "Model cards"}`}, http.StatusOK, &own)
		if own.Title != "Model cards" || own.Description != "Each model in production has a card." {
			t.Errorf("own control after renaming = %+v", own)
		}
		var doc soaDocumentJSON
		f.ok(t, request{method: "GET", path: statement + "?theme=Organisation's+own+controls", token: viewer}, http.StatusOK, &doc)
		if len(doc.Entries) != 1 || doc.Entries[0].Control != "org:AI-1" || doc.Entries[0].Title != "Model cards" {
			t.Errorf("own controls in the statement = %+v", doc.Entries)
		}
		expectProblem(t, f, request{method: "POST", path: "/orgs/acme/controls", token: admin, body: `{"code": "AI-1", "title": "Again"}`},
			http.StatusConflict, "code")
		expectProblem(t, f, request{method: "POST", path: "/orgs/acme/controls", token: admin, body: `{"code": "no spaces", "title": "x"}`},
			http.StatusUnprocessableEntity, "code")
		expectProblem(t, f, request{method: "POST", path: "/orgs/acme/controls", token: admin, body: `{"code": "AI-2"}`},
			http.StatusUnprocessableEntity, "title")
		expectStatus(t, f, request{method: "POST", path: "/orgs/acme/controls", token: viewer, body: `{"code": "AI-3", "title": "x"}`},
			http.StatusForbidden)

		// Documented reasons.
		legal := controlPath("A.5.34")
		var rs controlReasonJSON
		f.ok(t, request{method: "POST", path: "/orgs/acme/control-reasons", token: admin, body: `{"control": "iso27001-2022:A.5.34",
			"kind": "legal", "title": "GDPR Art. 32", "url": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}`}, http.StatusCreated, &rs)
		if rs.ID == "" || rs.Control != "iso27001-2022:A.5.34" || rs.Kind != "legal" || rs.Title != "GDPR Art. 32" {
			t.Errorf("reason = %+v", rs)
		}
		f.ok(t, request{method: "GET", path: legal, token: viewer}, http.StatusOK, &c)
		if len(c.Reasons) != 1 || c.Reasons[0] != rs || c.Entry == nil || len(c.Entry.Reasons) != 1 || c.Entry.Reasons[0].Ref != rs.ID ||
			c.Entry.Reasons[0].Kind != "legal" {
			t.Errorf("A.5.34 with its reason = %+v", c)
		}
		for _, tt := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"control": "iso27001-2022:A.5.34", "kind": "moral", "title": "x", "url": "https://x.example"}`, http.StatusUnprocessableEntity, "kind"},
			{`{"control": "iso27001-2022:A.5.34", "kind": "legal", "title": "x", "url": ""}`, http.StatusUnprocessableEntity, "url"},
			{`{"control": "iso27001-2022:A.5.34", "kind": "legal", "title": "", "url": "/policies"}`, http.StatusUnprocessableEntity, "title"},
			{`{"kind": "legal", "title": "x", "url": "/policies"}`, http.StatusUnprocessableEntity, "control"},
			{`{"control": "iso27001-2022:A.99", "kind": "legal", "title": "x", "url": "/policies"}`, http.StatusUnprocessableEntity, "control"},
			{`{"control": "iso27001-2022:A.5.34", "why": "x"}`, http.StatusBadRequest, "why"},
		} {
			expectProblem(t, f, request{method: "POST", path: "/orgs/acme/control-reasons", token: admin, body: tt.body}, tt.status, tt.field)
		}
		expectStatus(t, f, request{method: "POST", path: "/orgs/acme/control-reasons", token: viewer,
			body: `{"control": "iso27001-2022:A.5.34", "kind": "business", "title": "x", "url": "/x"}`}, http.StatusForbidden)
		reasonPath := "/orgs/acme/control-reasons/" + rs.ID
		expectProblem(t, f, request{method: "DELETE", path: reasonPath, token: admin}, http.StatusUnprocessableEntity, "control")
		expectStatus(t, f, request{method: "DELETE", path: reasonPath + "?control=iso27001-2022:A.5.34", token: viewer}, http.StatusForbidden)
		expectStatus(t, f, request{method: "DELETE", path: reasonPath + "?control=iso27001-2022:A.5.1", token: admin}, http.StatusNotFound)
		expectStatus(t, f, request{method: "DELETE", path: reasonPath + "?control=iso27001-2022:A.5.34", token: admin}, http.StatusNoContent)
		expectStatus(t, f, request{method: "DELETE", path: reasonPath + "?control=iso27001-2022:A.5.34", token: admin}, http.StatusNotFound)

		// Implementation tasks: the contributor manages those of A.8.8.
		var task controlTaskJSON
		f.ok(t, request{method: "POST", path: "/orgs/acme/control-tasks", token: admin, body: fmt.Sprintf(`{"control": "iso27001-2022:A.8.8",
			"title": "Scan the GPU cluster", "assignee_id": %q, "due_date": "2027-01-31"}`, contributor.ID)}, http.StatusCreated, &task)
		if task.Control != "iso27001-2022:A.8.8" || task.Status != "open" || task.DueDate == nil || *task.DueDate != "2027-01-31" ||
			task.AssigneeID == nil || *task.AssigneeID != contributor.ID {
			t.Errorf("task = %+v", task)
		}
		expectStatus(t, f, request{method: "POST", path: "/orgs/acme/control-tasks", token: contributorToken,
			body: `{"control": "iso27001-2022:A.8.8", "title": "Patch the bastion", "assignee_id": null, "due_date": null, "status": "done"}`}, http.StatusCreated)
		expectStatus(t, f, request{method: "POST", path: "/orgs/acme/control-tasks", token: contributorToken,
			body: `{"control": "iso27001-2022:A.5.1", "title": "x"}`}, http.StatusForbidden)
		expectStatus(t, f, request{method: "POST", path: "/orgs/acme/control-tasks", token: viewer,
			body: `{"control": "iso27001-2022:A.8.8", "title": "x"}`}, http.StatusForbidden)
		for _, tt := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "due_date": "tomorrow"}`, http.StatusUnprocessableEntity, "due_date"},
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "assignee_id": "` + missingUUID + `"}`, http.StatusUnprocessableEntity, "assignee_id"},
			{`{"control": "iso27001-2022:A.8.8", "title": ""}`, http.StatusUnprocessableEntity, "title"},
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "status": "stalled"}`, http.StatusUnprocessableEntity, "status"},
			{`{"title": "x"}`, http.StatusUnprocessableEntity, "control"},
			{`{"control": "iso27001-2022:A.99", "title": "x"}`, http.StatusUnprocessableEntity, "control"},
			{`{"control": "iso27001-2022:A.8.8", "title": ["x"]}`, http.StatusBadRequest, "title"},
		} {
			expectProblem(t, f, request{method: "POST", path: "/orgs/acme/control-tasks", token: admin, body: tt.body}, tt.status, tt.field)
		}
		taskPath := "/orgs/acme/control-tasks/" + task.ID + "?control=iso27001-2022:A.8.8"
		f.ok(t, request{method: "PATCH", path: taskPath, token: contributorToken, body: `{"status": "done", "due_date": null}`}, http.StatusOK, &task)
		if task.Status != "done" || task.DueDate != nil || task.Title != "Scan the GPU cluster" || task.AssigneeID == nil {
			t.Errorf("task after the change = %+v", task)
		}
		f.ok(t, request{method: "PATCH", path: taskPath, token: admin, body: `{"assignee_id": null, "due_date": "2027-02-28", "title": "Scan it all"}`},
			http.StatusOK, &task)
		if task.AssigneeID != nil || task.DueDate == nil || *task.DueDate != "2027-02-28" || task.Title != "Scan it all" || task.Status != "done" {
			t.Errorf("task after the second change = %+v", task)
		}
		expectProblem(t, f, request{method: "PATCH", path: taskPath, token: admin, body: `{"status": "stalled"}`}, http.StatusUnprocessableEntity, "status")
		expectProblem(t, f, request{method: "PATCH", path: taskPath, token: admin, body: `{"status": null}`}, http.StatusUnprocessableEntity, "status")
		expectProblem(t, f, request{method: "PATCH", path: taskPath, token: admin, body: `{"done": true}`}, http.StatusBadRequest, "done")
		expectProblem(t, f, request{method: "PATCH", path: "/orgs/acme/control-tasks/" + task.ID, token: admin, body: `{}`},
			http.StatusUnprocessableEntity, "control")
		expectStatus(t, f, request{method: "PATCH", path: taskPath, token: viewer, body: `{"status": "open"}`}, http.StatusForbidden)
		expectStatus(t, f, request{method: "PATCH", path: "/orgs/acme/control-tasks/" + task.ID + "?control=iso27001-2022:A.5.1", token: admin,
			body: `{"status": "open"}`}, http.StatusNotFound)
		expectStatus(t, f, request{method: "PATCH", path: "/orgs/acme/control-tasks/" + missingUUID + "?control=iso27001-2022:A.8.8", token: admin,
			body: `{"status": "open"}`}, http.StatusNotFound)
		f.ok(t, request{method: "GET", path: vulns, token: owner}, http.StatusOK, &c)
		if len(c.Tasks) != 2 {
			t.Errorf("A.8.8 has %d tasks, want 2: %+v", len(c.Tasks), c.Tasks)
		}
	})
}
