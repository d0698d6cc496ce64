package server_test

import (
	"context"
	"net/url"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of people, training and access reviews: each call
// gets records of its own, made by the operator, that no caller owns,
// reviews or is linked to.

func (f *fixture) person() isms.Person {
	f.t.Helper()
	name, email := "Person "+f.unique(), "person-"+f.unique()+"@acme.example"
	p, err := f.svc.CreatePerson(context.Background(), f.op, app.PersonInput{Name: &name, Email: &email})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) ismsRole() isms.ISMSRole {
	f.t.Helper()
	name := "Role " + f.unique()
	r, err := f.svc.SaveISMSRole(context.Background(), f.op, "", app.ISMSRoleInput{Name: &name})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) course() isms.TrainingCourse {
	f.t.Helper()
	title := "Course " + f.unique()
	c, err := f.svc.SaveTrainingCourse(context.Background(), f.op, "", app.CourseInput{Title: &title})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) checklist() app.ChecklistView {
	f.t.Helper()
	c, err := f.svc.StartChecklist(context.Background(), f.op, f.person().ID, "joiner", nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// reviewer adds a fresh contributor, who may review access.
func (f *fixture) reviewer() string {
	f.t.Helper()
	added, err := f.svc.AddMember(context.Background(), f.op, app.MemberInput{Email: "reviewer-" + f.unique() + "@acme.example",
		Name: "Reviewer", Role: "contributor", Password: testPassword})
	if err != nil {
		f.t.Fatal(err)
	}
	return added.Member.ID
}

// accessReview opens a campaign reviewed by a fresh contributor, with one
// account, decided when decided is set.
func (f *fixture) accessReview(decided bool) (isms.AccessReview, isms.ReviewAccount) {
	f.t.Helper()
	ctx := context.Background()
	title, due := "Registry review "+f.unique(), time.Now().AddDate(0, 0, 14)
	r, err := f.svc.CreateAccessReview(ctx, f.op, app.AccessReviewInput{Title: &title, Systems: &[]string{"MLflow"},
		ReviewerIDs: &[]string{f.reviewer()}, DueDate: &due})
	if err != nil {
		f.t.Fatal(err)
	}
	acc, err := f.svc.AddReviewAccount(ctx, f.op, r.ID, app.ReviewAccountInput{System: "MLflow", Account: "alice", Rights: "publish"})
	if err != nil {
		f.t.Fatal(err)
	}
	if decided {
		if acc, err = f.svc.DecideReviewAccount(ctx, f.op, r.ID, acc.ID, "keep", ""); err != nil {
			f.t.Fatal(err)
		}
	}
	return r, acc
}

// uploadCall is a form post with a CSV file.
func uploadCall(path, file string) call {
	return call{method: "POST", path: path, form: url.Values{}, file: file}
}

func init() {
	// People, roles and training: everyone reads; those who may change
	// ISMS records keep them. (A contributor may record their own
	// training, which no caller here is linked to.)
	for key, r := range map[string]rule{
		"GET /api/v1/orgs/{org}/people": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/people")),
		"POST /api/v1/orgs/{org}/people": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/people", `{"name": "New", "email": "new-`+f.unique()+`@acme.example"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/people/export": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/people/export?format=csv")),
		"GET /api/v1/orgs/{org}/people/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/api/v1/orgs/acme/people/" + f.person().ID}
		}),
		"PATCH /api/v1/orgs/{org}/people/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			return jsonCall("PATCH", "/api/v1/orgs/acme/people/"+f.person().ID, `{"team": "Research"}`)(f, c)
		}),
		"POST /api/v1/orgs/{org}/people/{id}/checklists": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/people/"+f.person().ID+"/checklists", `{"kind": "joiner"}`)(f, c)
		}),
		"POST /api/v1/orgs/{org}/person-imports": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return call{method: "POST", path: "/api/v1/orgs/acme/person-imports", body: "name,email\nImported,imp-" + f.unique() + "@acme.example\n",
				contentType: "text/csv"}
		}),
		"GET /api/v1/orgs/{org}/checklists/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/api/v1/orgs/acme/checklists/" + f.checklist().ID}
		}),
		"POST /api/v1/orgs/{org}/checklists/{id}/items": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/checklists/"+f.checklist().ID+"/items", `{"title": "Badge issued"}`)(f, c)
		}),
		"PATCH /api/v1/orgs/{org}/checklists/{id}/items/{item}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			cl := f.checklist()
			return jsonCall("PATCH", "/api/v1/orgs/acme/checklists/"+cl.ID+"/items/"+cl.Items[0].ID, `{"done": true}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/isms-roles": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/isms-roles")),
		"POST /api/v1/orgs/{org}/isms-roles": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/isms-roles", `{"name": "Risk owner `+f.unique()+`"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/isms-roles/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/api/v1/orgs/acme/isms-roles/" + f.ismsRole().ID}
		}),
		"PATCH /api/v1/orgs/{org}/isms-roles/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			return jsonCall("PATCH", "/api/v1/orgs/acme/isms-roles/"+f.ismsRole().ID, `{"raci": {"A.8": "R"}}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/training-courses": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/training-courses")),
		"POST /api/v1/orgs/{org}/training-courses": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/training-courses", `{"title": "Awareness `+f.unique()+`"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/training-courses/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/api/v1/orgs/acme/training-courses/" + f.course().ID}
		}),
		"PATCH /api/v1/orgs/{org}/training-courses/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			return jsonCall("PATCH", "/api/v1/orgs/acme/training-courses/"+f.course().ID, `{"recurrence_months": 24}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/training-records": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/training-records")),
		"POST /api/v1/orgs/{org}/training-records": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/training-records", `{"person_id": "`+f.person().ID+`", "course_id": "`+f.course().ID+
				`", "completed_at": "2026-01-15"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/training-status":  orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/training-status")),
		"GET /api/v1/orgs/{org}/training-metrics": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/training-metrics")),

		"GET /o/{org}/people":              orgRoutes(allRoles, 0, 200, get("/o/acme/people")),
		"GET /o/{org}/people/new":          orgRoutes(writers, 403, 200, get("/o/acme/people/new")),
		"GET /o/{org}/people/import":       orgRoutes(writers, 403, 200, get("/o/acme/people/import")),
		"GET /o/{org}/people/export":       orgRoutes(allRoles, 0, 200, get("/o/acme/people/export?format=xlsx")),
		"GET /o/{org}/people/template.csv": orgRoutes(allRoles, 0, 200, get("/o/acme/people/template.csv")),
		"POST /o/{org}/people": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/people", "name", "Form person", "email", "form-"+f.unique()+"@acme.example")
		}),
		"POST /o/{org}/people/import": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return uploadCall("/o/acme/people/import", "name,email\nUploaded,up-"+f.unique()+"@acme.example\n")
		}),
		"GET /o/{org}/people/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/people/" + f.person().ID}
		}),
		"GET /o/{org}/people/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/people/" + f.person().ID + "/edit"}
		}),
		"POST /o/{org}/people/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			p := f.person()
			return formCall("/o/acme/people/"+p.ID, "name", p.Name, "email", p.Email, "team", "Research")
		}),
		"POST /o/{org}/people/{id}/training": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/people/"+f.person().ID+"/training", "course_id", f.course().ID, "completed_at", "2026-01-15")
		}),
		"POST /o/{org}/people/{id}/checklists": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/people/"+f.person().ID+"/checklists", "kind", "leaver", "end_date", "2027-01-31")
		}),
		"POST /o/{org}/checklists/{id}/items": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			cl := f.checklist()
			return formCall("/o/acme/checklists/"+cl.ID+"/items", "item_id", cl.Items[0].ID, "done", "true")
		}),
		"GET /o/{org}/roles":     orgRoutes(allRoles, 0, 200, get("/o/acme/roles")),
		"GET /o/{org}/roles/new": orgRoutes(writers, 403, 200, get("/o/acme/roles/new")),
		"POST /o/{org}/roles": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/roles", "name", "Form role "+f.unique(), "raci.A.5", "R")
		}),
		"GET /o/{org}/roles/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/roles/" + f.ismsRole().ID}
		}),
		"GET /o/{org}/roles/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/roles/" + f.ismsRole().ID + "/edit"}
		}),
		"POST /o/{org}/roles/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			r := f.ismsRole()
			return formCall("/o/acme/roles/"+r.ID, "name", r.Name, "responsibilities", "Owns the risks of an area.")
		}),
		"GET /o/{org}/training":     orgRoutes(allRoles, 0, 200, get("/o/acme/training")),
		"GET /o/{org}/training/new": orgRoutes(writers, 403, 200, get("/o/acme/training/new")),
		"POST /o/{org}/training": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/training", "title", "Form course "+f.unique(), "recurrence_months", "12")
		}),
		"GET /o/{org}/training/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/training/" + f.course().ID}
		}),
		"GET /o/{org}/training/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			return call{method: "GET", path: "/o/acme/training/" + f.course().ID + "/edit"}
		}),
		"POST /o/{org}/training/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			c := f.course()
			return formCall("/o/acme/training/"+c.ID, "title", c.Title, "recurrence_months", "24")
		}),
		"POST /o/{org}/training/{id}/records": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			return formCall("/o/acme/training/"+f.course().ID+"/records", "person_id", f.person().ID, "completed_at", "2026-01-15")
		}),

		// Access reviews: those who may change ISMS records open and fill
		// them; a campaign's reviewers (none of the callers here) decide
		// and complete it too.
		"GET /api/v1/orgs/{org}/access-reviews": orgRoutes(allRoles, 0, 200, get("/api/v1/orgs/acme/access-reviews")),
		"POST /api/v1/orgs/{org}/access-reviews": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			return jsonCall("POST", "/api/v1/orgs/acme/access-reviews", `{"title": "Inference admin", "systems": ["Console"],
				"reviewer_ids": ["`+f.reviewer()+`"], "due_date": "2027-01-31"}`)(f, c)
		}),
		"GET /api/v1/orgs/{org}/access-reviews/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			return call{method: "GET", path: "/api/v1/orgs/acme/access-reviews/" + r.Ref()}
		}),
		"PATCH /api/v1/orgs/{org}/access-reviews/{id}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			r, _ := f.accessReview(false)
			return jsonCall("PATCH", "/api/v1/orgs/acme/access-reviews/"+r.ID, `{"due_date": "2027-02-28"}`)(f, c)
		}),
		"POST /api/v1/orgs/{org}/access-reviews/{id}/accounts": orgRoutes(writers, 403, 201, func(f *fixture, c *principal) call {
			r, _ := f.accessReview(false)
			return jsonCall("POST", "/api/v1/orgs/acme/access-reviews/"+r.ID+"/accounts", `{"system": "MLflow", "account": "bob", "rights": "read"}`)(f, c)
		}),
		"PATCH /api/v1/orgs/{org}/access-reviews/{id}/accounts/{account}": orgRoutes(writers, 403, 200, func(f *fixture, c *principal) call {
			r, acc := f.accessReview(false)
			return jsonCall("PATCH", "/api/v1/orgs/acme/access-reviews/"+r.ID+"/accounts/"+acc.ID, `{"decision": "revoke"}`)(f, c)
		}),
		"POST /api/v1/orgs/{org}/access-reviews/{id}/account-imports": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			return call{method: "POST", path: "/api/v1/orgs/acme/access-reviews/" + r.ID + "/account-imports",
				body: "system,account,rights\nMLflow,carol,read\n", contentType: "text/csv"}
		}),
		"POST /api/v1/orgs/{org}/access-reviews/{id}/completion": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(true)
			return call{method: "POST", path: "/api/v1/orgs/acme/access-reviews/" + r.ID + "/completion"}
		}),

		"GET /o/{org}/access-reviews":     orgRoutes(allRoles, 0, 200, get("/o/acme/access-reviews")),
		"GET /o/{org}/access-reviews/new": orgRoutes(writers, 403, 200, get("/o/acme/access-reviews/new")),
		"POST /o/{org}/access-reviews": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			c := formCall("/o/acme/access-reviews", "title", "Training data access", "systems", "S3 training data", "due_date", "2027-01-31")
			c.form.Add("reviewer_ids", f.reviewer())
			return c
		}),
		"GET /o/{org}/access-reviews/{id}": orgRoutes(allRoles, 0, 200, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			return call{method: "GET", path: "/o/acme/access-reviews/" + r.Ref()}
		}),
		"GET /o/{org}/access-reviews/{id}/edit": orgRoutes(writers, 403, 200, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			return call{method: "GET", path: "/o/acme/access-reviews/" + r.Ref() + "/edit"}
		}),
		"POST /o/{org}/access-reviews/{id}": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			c := formCall("/o/acme/access-reviews/"+r.Ref(), "title", r.Title, "systems", "MLflow", "due_date", "2027-02-28")
			c.form.Add("reviewer_ids", r.ReviewerIDs[0])
			return c
		}),
		"POST /o/{org}/access-reviews/{id}/accounts": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			return formCall("/o/acme/access-reviews/"+r.Ref()+"/accounts", "system", "MLflow", "account", "dave", "rights", "read")
		}),
		"POST /o/{org}/access-reviews/{id}/import": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(false)
			return uploadCall("/o/acme/access-reviews/"+r.Ref()+"/import", "system,account,rights\nMLflow,erin,read\n")
		}),
		"POST /o/{org}/access-reviews/{id}/decisions": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			r, acc := f.accessReview(false)
			return formCall("/o/acme/access-reviews/"+r.Ref()+"/decisions", "account_id", acc.ID, "decision", "keep")
		}),
		"POST /o/{org}/access-reviews/{id}/complete": orgRoutes(writers, 403, 303, func(f *fixture, _ *principal) call {
			r, _ := f.accessReview(true)
			return formCall("/o/acme/access-reviews/" + r.Ref() + "/complete")
		}),
	} {
		policy[key] = r
	}
}
