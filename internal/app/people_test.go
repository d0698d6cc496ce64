package app_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// TestPeopleRolesAndTraining keeps staff records with their ISMS roles,
// courses with audiences and recurrence, and completions, and judges who
// is overdue: a newcomer has a grace period, a completion lasts as long as
// the course's recurrence, and a leaver no longer counts.
func TestPeopleRolesAndTraining(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)

		if _, err := e.svc.SaveISMSRole(ctx, viewer, "", app.ISMSRoleInput{Name: ptr("ISMS manager")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer adding a role: %v", err)
		}
		_, err := e.svc.SaveISMSRole(ctx, manager, "", app.ISMSRoleInput{Name: ptr("Owner"), RACI: map[string]string{"A.9": "R", "A.5": "X"}})
		wantFields(t, err, "raci", "raci.A.5")
		ismsManager, err := e.svc.SaveISMSRole(ctx, manager, "", app.ISMSRoleInput{Name: ptr("ISMS manager"),
			Responsibilities: ptr("Runs the ISMS."), Competence: ptr("ISO/IEC 27001 lead implementer\nRisk assessment"),
			RACI: map[string]string{"isms": "A", "A.5": "a", "A.6": "R", "A.7": "", "A.8": "C"}})
		if err != nil {
			t.Fatal(err)
		}
		if ismsManager.RACI["A.5"] != isms.RACIAccountable || len(ismsManager.RACI) != 4 || len(ismsManager.CompetenceList()) != 2 {
			t.Errorf("role = %+v", ismsManager)
		}
		if _, err := e.svc.SaveISMSRole(ctx, manager, "", app.ISMSRoleInput{Name: ptr("isms MANAGER")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a second role of the same name: %v", err)
		}
		aiOwner, err := e.svc.SaveISMSRole(ctx, manager, "", app.ISMSRoleInput{Name: ptr("AI system owner"),
			RACI: map[string]string{"A.8": "A", "A.5": "A"}})
		if err != nil {
			t.Fatal(err)
		}
		views, gaps, err := e.svc.ISMSRoles(ctx, viewer)
		if err != nil || len(views) != 2 {
			t.Fatalf("roles: %v %v", views, err)
		}
		gapAreas := map[string]int{}
		for _, g := range gaps {
			gapAreas[g.Area.Code] = len(g.Accountable)
		}
		if gapAreas["A.5"] != 2 || gapAreas["A.6"] != 0 || gapAreas["A.7"] != 0 || len(gaps) != 3 {
			t.Errorf("RACI gaps = %+v; want A.5 with two accountable, A.6 and A.7 with none", gaps)
		}

		// People.
		if _, err := e.svc.CreatePerson(ctx, engineer, app.PersonInput{Name: ptr("X"), Email: ptr("x@acme.example")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor adding a person: %v", err)
		}
		_, err = e.svc.CreatePerson(ctx, manager, app.PersonInput{Name: ptr(" "), Email: ptr("not an email"), RoleIDs: &[]string{"nope"}})
		wantFields(t, err, "name", "email", "roles")
		start := e.clock.AddDate(-1, 0, 0)
		priya, err := e.svc.CreatePerson(ctx, manager, app.PersonInput{Name: ptr("Priya Raman"), Email: ptr(" Priya@Acme.example "),
			Team: ptr("Security"), JobTitle: ptr("Head of security"), StartDate: &start, SetStartDate: true, RoleIDs: &[]string{ismsManager.ID},
			MemberID: ptr(manager.Member.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if priya.Email != "priya@acme.example" || !priya.HasRole(ismsManager.ID) {
			t.Errorf("priya = %+v", priya)
		}
		if _, err := e.svc.CreatePerson(ctx, manager, app.PersonInput{Name: ptr("Other"), Email: ptr("priya@acme.example")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a second person with the email: %v", err)
		}
		if _, err := e.svc.CreatePerson(ctx, manager, app.PersonInput{Name: ptr("Other"), Email: ptr("other@acme.example"),
			MemberID: ptr(manager.Member.ID)}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a member linked twice: %v", err)
		}
		newcomerStart := e.clock.AddDate(0, 0, -10)
		tomas, err := e.svc.CreatePerson(ctx, manager, app.PersonInput{Name: ptr("Tomás Ortega"), Email: ptr("tomas@acme.example"),
			Team: ptr("ML platform"), StartDate: &newcomerStart, SetStartDate: true, RoleIDs: &[]string{aiOwner.ID}, MemberID: ptr(engineer.Member.ID)})
		if err != nil {
			t.Fatal(err)
		}
		old := e.clock.AddDate(-2, 0, 0)
		gone := e.clock.AddDate(0, -1, 0)
		if _, err := e.svc.CreatePerson(ctx, manager, app.PersonInput{Name: ptr("Lena Left"), Email: ptr("lena@acme.example"),
			StartDate: &old, SetStartDate: true, EndDate: &gone, SetEndDate: true}); err != nil {
			t.Fatal(err)
		}

		// Courses: everyone's yearly awareness, and AI security for AI
		// system owners, once.
		awareness, err := e.svc.SaveTrainingCourse(ctx, manager, "", app.CourseInput{Title: ptr("Security awareness"), RecurrenceMonths: ptr(12)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SaveTrainingCourse(ctx, manager, "", app.CourseInput{Title: ptr("x"), RecurrenceMonths: ptr(-1), AudienceRoleIDs: &[]string{"nope"}})
		wantFields(t, err, "recurrence_months", "audience")
		aiSec, err := e.svc.SaveTrainingCourse(ctx, manager, "", app.CourseInput{Title: ptr("AI security for model owners"),
			RecurrenceMonths: ptr(0), AISecurity: ptr(true), AudienceRoleIDs: &[]string{aiOwner.ID}})
		if err != nil {
			t.Fatal(err)
		}

		// Priya took awareness 13 months ago: overdue. Tomás is new: due
		// soon, within his grace period, for both courses.
		if _, err := e.svc.RecordTraining(ctx, manager, app.TrainingInput{PersonID: priya.ID, CourseID: awareness.ID,
			CompletedAt: e.clock.AddDate(0, -13, 0)}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.RecordTraining(ctx, manager, app.TrainingInput{PersonID: "nobody", CourseID: awareness.ID, EvidenceID: "nothing",
			CompletedAt: e.clock.AddDate(0, 0, 5)})
		wantFields(t, err, "person", "evidence", "completed_at")
		if _, err := e.svc.RecordTraining(ctx, engineer, app.TrainingInput{PersonID: priya.ID, CourseID: awareness.ID,
			CompletedAt: e.clock}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor recording someone else's training: %v", err)
		}
		if _, err := e.svc.RecordTraining(ctx, viewer, app.TrainingInput{PersonID: tomas.ID, CourseID: awareness.ID,
			CompletedAt: e.clock}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer recording training: %v", err)
		}
		overdue, err := e.svc.TrainingStatus(ctx, viewer, app.TrainingFilter{State: isms.TrainingOverdue})
		if err != nil || len(overdue) != 1 || overdue[0].Person.ID != priya.ID || overdue[0].Course.ID != awareness.ID {
			t.Fatalf("overdue = %+v, %v; want Priya's awareness", overdue, err)
		}
		all, err := e.svc.TrainingStatus(ctx, viewer, app.TrainingFilter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("status = %+v, %v; want Priya's awareness and Tomás's two courses, and not the leaver's", all, err)
		}
		// Tomás records his own AI security course.
		if _, err := e.svc.RecordTraining(ctx, engineer, app.TrainingInput{PersonID: tomas.ID, CourseID: aiSec.ID, CompletedAt: e.clock,
			Note: "Passed the quiz"}); err != nil {
			t.Fatalf("a contributor recording their own training: %v", err)
		}
		m, err := e.svc.TrainingMetrics(ctx, viewer)
		if err != nil || m.People != 2 || m.Required != 3 || m.Completed != 1 || m.Overdue != 1 || m.AIRequired != 1 || m.AICompleted != 1 {
			t.Errorf("metrics = %+v, %v", m, err)
		}
		d, err := e.svc.Person(ctx, viewer, tomas.ID)
		if err != nil || len(d.Training) != 2 || len(d.Records) != 1 || d.Member == nil || d.Status != isms.PersonActive {
			t.Errorf("tomas = %+v, %v", d, err)
		}
		page, err := e.svc.People(ctx, viewer, isms.PersonFilter{Status: isms.PersonLeft})
		if err != nil || len(page.People) != 1 || page.People[0].Name != "Lena Left" {
			t.Errorf("leavers = %+v, %v", page, err)
		}
		page, err = e.svc.People(ctx, viewer, isms.PersonFilter{RoleID: ismsManager.ID})
		if err != nil || len(page.People) != 1 || page.People[0].Overdue != 1 {
			t.Errorf("ISMS managers = %+v, %v", page, err)
		}
		page, err = e.svc.People(ctx, viewer, isms.PersonFilter{Limit: 2})
		if err != nil || len(page.People) != 2 || page.Next == "" {
			t.Fatalf("first page = %+v, %v", page, err)
		}
		rest, err := e.svc.People(ctx, viewer, isms.PersonFilter{Limit: 2, Cursor: page.Next})
		if err != nil || len(rest.People) != 1 || rest.Next != "" || rest.People[0].Name != "Tomás Ortega" {
			t.Errorf("second page = %+v, %v", rest, err)
		}

		// Joiner and leaver checklists: a leaver's needs a last day, and
		// its access items record the removal.
		if _, err := e.svc.StartChecklist(ctx, manager, tomas.ID, "leaver", nil); !isInvalid(err, "end_date") {
			t.Errorf("a leaver checklist without a last day: %v", err)
		}
		last := e.clock.AddDate(0, 0, 14)
		cl, err := e.svc.StartChecklist(ctx, manager, tomas.ID, "leaver", &last)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.StartChecklist(ctx, manager, tomas.ID, "leaver", nil); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("a second open leaver checklist: %v", err)
		}
		if cl.Progress.AccessItems < 3 || cl.DueDate == nil || !cl.DueDate.Equal(time.Date(2026, 12, 13, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("checklist = %+v", cl)
		}
		yes := true
		for _, it := range cl.Items {
			if !it.AccessRemoval {
				continue
			}
			if cl, err = e.svc.SaveChecklistItem(ctx, manager, cl.ID, it.ID, app.ChecklistItemInput{Done: &yes}); err != nil {
				t.Fatal(err)
			}
		}
		d, _ = e.svc.Person(ctx, viewer, tomas.ID)
		if d.AccessRemovedAt == nil || d.Status != isms.PersonLeaving || d.Checklists[0].Items[1].DoneBy != manager.Member.ID {
			t.Errorf("after removing access: %+v", d)
		}
		if _, err := e.svc.SaveChecklistItem(ctx, viewer, cl.ID, cl.Items[0].ID, app.ChecklistItemInput{Done: &yes}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer ticking: %v", err)
		}
		if cl, err = e.svc.SaveChecklistItem(ctx, manager, cl.ID, "", app.ChecklistItemInput{Title: ptr("GPU quota returned"), AccessRemoval: true}); err != nil {
			t.Fatal(err)
		}
		if cl.Progress.AccessRemovedAt != nil || cl.Items[len(cl.Items)-1].Position != len(cl.Items) {
			t.Errorf("a new access item reopens the removal: %+v", cl.Progress)
		}

		// Removing the member unlinks their staff record.
		if err := e.svc.RemoveMember(ctx, e.opAccess(t), engineer.Member.ID); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.svc.Person(ctx, viewer, tomas.ID); d.MemberID != "" {
			t.Errorf("the staff record still names the removed member")
		}
	})
}

func isInvalid(err error, field string) bool {
	for _, f := range isms.FieldErrors(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// TestPeopleCSV imports staff records whole or not at all, with every
// problem named by line and column, and exports what it reads back.
func TestPeopleCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		if _, err := e.svc.SaveISMSRole(ctx, manager, "", app.ISMSRoleInput{Name: ptr("Risk owner")}); err != nil {
			t.Fatal(err)
		}
		bad := "Name,Email,Job title,start_date,roles,shoe_size\n"
		_, err := e.svc.ImportPeople(ctx, manager, "people.csv", []byte(bad), false)
		var problems isms.RowProblems
		if !errors.As(err, &problems) || len(problems) != 1 || problems[0].Field != "shoe_size" || problems[0].Line != 1 {
			t.Fatalf("unknown column: %v", err)
		}
		bad = "name,email,start_date,roles,member_email\n" +
			"Ann,ann@acme.example,2025-01-01,Risk owner,\n" +
			"Bob,bob@acme.example,01/02/2025,Chief Wizard,nobody@acme.example\n" +
			",ann@acme.example,,,\n"
		_, err = e.svc.ImportPeople(ctx, manager, "people.csv", []byte(bad), false)
		if !errors.As(err, &problems) {
			t.Fatalf("bad rows: %v", err)
		}
		got := map[string]int{}
		for _, p := range problems {
			got[p.Field] = p.Line
		}
		if got["start_date"] != 3 || got["roles"] != 3 || got["member_email"] != 3 || got["email"] != 4 || len(problems) != 4 {
			t.Errorf("problems = %v", problems)
		}
		if page, _ := e.svc.People(ctx, viewer, isms.PersonFilter{}); len(page.People) != 0 {
			t.Error("a file with problems imported some people")
		}
		if _, err := e.svc.ImportPeople(ctx, viewer, "people.csv", []byte("name,email\nA,a@acme.example\n"), false); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer importing: %v", err)
		}

		good := "\xef\xbb\xbfname,email,team,start_date,roles,member_email\n" +
			"Ann Analyst,ANN@acme.example,Security,2025-01-01,Risk owner,manager@acme.example\n" +
			"Bob Builder,bob@acme.example,Platform,,,\n"
		res, err := e.svc.ImportPeople(ctx, manager, "people.csv", []byte(good), true)
		if err != nil || res.Created != 2 || !res.DryRun {
			t.Fatalf("dry run = %+v, %v", res, err)
		}
		if page, _ := e.svc.People(ctx, viewer, isms.PersonFilter{}); len(page.People) != 0 {
			t.Error("a dry run imported people")
		}
		if res, err = e.svc.ImportPeople(ctx, manager, "people.csv", []byte(good), false); err != nil || res.Created != 2 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		var csvOut bytes.Buffer
		if err := e.svc.ExportPeopleCSV(ctx, viewer, &csvOut); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(csvOut.String(), "Ann Analyst,ann@acme.example,Security,,2025-01-01,,manager@acme.example,Risk owner,") {
			t.Errorf("export:\n%s", csvOut.String())
		}
		// What was exported imports back unchanged; a change updates.
		if res, err = e.svc.ImportPeople(ctx, manager, "export.csv", csvOut.Bytes(), false); err != nil || res.Unchanged != 2 || res.Updated != 0 {
			t.Errorf("re-import = %+v, %v", res, err)
		}
		if res, err = e.svc.ImportPeople(ctx, manager, "p.csv", []byte("name,email,team\nBob Builder,bob@acme.example,Research\n"), false); err != nil || res.Updated != 1 {
			t.Errorf("update = %+v, %v", res, err)
		}
		var xlsx bytes.Buffer
		if err := e.svc.ExportPeopleXLSX(ctx, viewer, &xlsx); err != nil || xlsx.Len() < 1000 {
			t.Errorf("xlsx: %d bytes, %v", xlsx.Len(), err)
		}
	})
}

// TestAccessReviewCampaign runs a campaign from its accounts (listed and
// imported) through the reviewers' decisions to completion, which records
// evidence for A.5.18.
func TestAccessReviewCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		reviewer := e.member(t, "reviewer@acme.example", isms.RoleContributor)
		other := e.member(t, "other@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		registry, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "Model registry", Type: isms.AssetModelRegistry})
		if err != nil {
			t.Fatal(err)
		}
		due := e.clock.AddDate(0, 0, 14)
		_, err = e.svc.CreateAccessReview(ctx, manager, app.AccessReviewInput{Title: ptr(" "), ReviewerIDs: &[]string{viewer.Member.ID}})
		wantFields(t, err, "title", "systems", "due_date", "reviewers")
		if _, err := e.svc.CreateAccessReview(ctx, reviewer, app.AccessReviewInput{Title: ptr("x")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor opening a campaign: %v", err)
		}
		q3s, q3e := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
		r, err := e.svc.CreateAccessReview(ctx, manager, app.AccessReviewInput{Title: ptr("Model registry, Q3"), Systems: &[]string{"MLflow"},
			AssetIDs: &[]string{registry.ID}, ReviewerIDs: &[]string{reviewer.Member.ID}, DueDate: &due, PeriodStart: &q3s, PeriodEnd: &q3e,
			SetPeriod: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Ref() != "AR-001" {
			t.Errorf("ref = %s", r.Ref())
		}
		if _, err := e.svc.AddReviewAccount(ctx, manager, "AR-1", app.ReviewAccountInput{System: "MLflow", Account: "alice", Holder: "Alice",
			Rights: "publish"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddReviewAccount(ctx, manager, "AR-1", app.ReviewAccountInput{System: "MLflow", Account: "alice",
			Rights: "read"}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("an account listed twice: %v", err)
		}
		bad := "system,account,holder,rights\nMLflow,bob,Bob,read\nMLflow,alice,Alice,publish\n,carol,,\nMLflow,bob,Bob,admin\n"
		_, err = e.svc.ImportReviewAccounts(ctx, manager, "AR-001", []byte(bad))
		var problems isms.RowProblems
		if !errors.As(err, &problems) || len(problems) != 4 {
			t.Fatalf("import with problems: %v", err)
		}
		if problems[0].Line != 3 || problems[1].Line != 4 || problems[1].Field != "system" || problems[3].Line != 5 {
			t.Errorf("problems = %+v", problems)
		}
		added, err := e.svc.ImportReviewAccounts(ctx, manager, "AR-001",
			[]byte("system,account,holder,rights\nMLflow,bob,Bob,read\nMLflow,svc-train,training pipeline,admin\n"))
		if err != nil || added != 2 {
			t.Fatalf("import = %d, %v", added, err)
		}
		d, err := e.svc.AccessReview(ctx, viewer, r.ID)
		if err != nil || len(d.Accounts) != 3 || d.Status != isms.ReviewOpen || len(d.Assets) != 1 {
			t.Fatalf("campaign = %+v, %v", d, err)
		}
		if _, err := e.svc.CompleteAccessReview(ctx, reviewer, "AR-001"); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("completing with undecided accounts: %v", err)
		}
		acc := map[string]string{}
		for _, a := range d.Accounts {
			acc[a.Account] = a.ID
		}
		if _, err := e.svc.DecideReviewAccount(ctx, other, "AR-001", acc["alice"], "keep", ""); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("someone who is not a reviewer deciding: %v", err)
		}
		if _, err := e.svc.DecideReviewAccount(ctx, reviewer, "AR-001", acc["alice"], "change", ""); !isInvalid(err, "note") {
			t.Errorf("a change without saying what: %v", err)
		}
		if _, err := e.svc.DecideReviewAccount(ctx, reviewer, "AR-001", acc["alice"], "delete", ""); !isInvalid(err, "decision") {
			t.Errorf("an unknown decision: %v", err)
		}
		for name, dec := range map[string][2]string{"alice": {"keep", ""}, "bob": {"change", "read only"}, "svc-train": {"revoke", "pipeline retired"}} {
			if _, err := e.svc.DecideReviewAccount(ctx, reviewer, "AR-001", acc[name], dec[0], dec[1]); err != nil {
				t.Fatalf("decide %s: %v", name, err)
			}
		}
		rows, err := e.svc.AccessReviews(ctx, viewer, store.AccessReviewFilter{Open: true})
		if err != nil || len(rows) != 1 || rows[0].Status != isms.ReviewInProgress || rows[0].Tally.Decided() != 3 {
			t.Errorf("open campaigns = %+v, %v", rows, err)
		}
		done, err := e.svc.CompleteAccessReview(ctx, reviewer, "AR-001")
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != isms.ReviewComplete || done.Evidence == nil || done.Evidence.Kind != isms.EvidenceRecord {
			t.Fatalf("completed = %+v", done)
		}
		body := done.Evidence.Body
		for _, want := range []string{"Accounts reviewed: 3", "Kept: 1", "Changed: 1", "Revoked: 1", "reviewer@acme.example",
			"2026-07-01 to 2026-09-30", "MLflow, Model registry", "svc-train (training pipeline): admin — pipeline retired"} {
			if !strings.Contains(body, want) {
				t.Errorf("the evidence does not say %q:\n%s", want, body)
			}
		}
		if !done.Evidence.PeriodStart.Equal(q3s) || !done.Evidence.PeriodEnd.Equal(q3e) {
			t.Errorf("evidence period %s to %s", done.Evidence.PeriodStart, done.Evidence.PeriodEnd)
		}
		ctl, err := e.svc.Control(ctx, viewer, "iso27001-2022:A.5.18")
		if err != nil || len(ctl.Entry.Evidence) != 1 || ctl.Entry.Evidence[0].ID != done.Evidence.ID {
			t.Errorf("A.5.18 evidence = %+v, %v", ctl.Entry.Evidence, err)
		}
		// A complete campaign is the record: it does not change.
		if _, err := e.svc.DecideReviewAccount(ctx, manager, "AR-001", acc["alice"], "revoke", ""); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("deciding after completion: %v", err)
		}
		if _, err := e.svc.ImportReviewAccounts(ctx, manager, "AR-001", []byte("system,account,rights\nx,y,z\n")); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("importing after completion: %v", err)
		}
		if _, err := e.svc.CompleteAccessReview(ctx, manager, "AR-001"); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("completing twice: %v", err)
		}
		c, err := e.svc.AccessReviewCounts(ctx, viewer)
		if err != nil || c.Complete != 1 || c.Open != 0 || c.LastCompleted == nil {
			t.Errorf("counts = %+v, %v", c, err)
		}
		reports, err := e.svc.VerifyAllChains(ctx, e.op)
		if err != nil {
			t.Fatal(err)
		}
		for _, rep := range reports {
			if !rep.OK() {
				t.Errorf("chain %s: %+v", rep.Chain, rep.Problems)
			}
		}
	})
}
