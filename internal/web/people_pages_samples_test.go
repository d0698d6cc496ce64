package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// peoplePageSamples are the pages of people, roles, training and access
// reviews for TestEveryTemplateRenders, filled and empty, and the sections
// they add to the control page and the overview.
func peoplePageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	start, end := now.AddDate(-1, 0, 0), now.AddDate(0, 0, 14)
	role := isms.ISMSRole{ID: "r1", Name: "ISMS manager", Responsibilities: "Runs <the> ISMS.", Competence: "Lead implementer\nRisk",
		RACI: map[string]isms.RACI{"isms": isms.RACIAccountable, "A.5": isms.RACIResponsible, "A.8": isms.RACIConsulted}}
	bare := isms.ISMSRole{ID: "r2", Name: "DPO"}
	person := isms.Person{ID: "p1", Name: "Priya", Email: "priya@helix.example", Team: "Security", JobTitle: "Head", StartDate: &start,
		EndDate: &end, MemberID: "m1", RoleIDs: []string{"r1"}, Notes: "Note", CreatedAt: now}
	member := isms.Member{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}
	course := isms.TrainingCourse{ID: "c1", Title: "Awareness", Description: "All of it.", RecurrenceMonths: 12, AISecurity: true,
		AudienceRoleIDs: []string{"r1"}}
	once := isms.TrainingCourse{ID: "c2", Title: "Onboarding"}
	record := isms.TrainingRecord{ID: "t1", PersonID: "p1", CourseID: "c1", CompletedAt: start, EvidenceID: "e1", Note: "Quiz", RecordedBy: "m1"}
	rows := []app.TrainingRow{
		{Person: person, Course: course, Last: &record, State: isms.TrainingOverdue, Due: now.AddDate(0, 0, -1)},
		{Person: person, Course: once, State: isms.TrainingDueSoon, Due: end},
	}
	rowViews := []trainingRowView{{TrainingRow: rows[0], CourseLink: "/c1", PersonLink: "/p1", EvidenceLink: "/e1"},
		{TrainingRow: rows[1], CourseLink: "/c2", PersonLink: "/p1"}}
	records := []recordView{{TrainingRecord: record, Course: "Awareness", CourseLink: "/c1", EvidenceLink: "/e1", RecordedBy: "Priya",
		Person: "Priya", PersonLink: "/p1"}}
	items := []isms.ChecklistItem{{ID: "i1", Title: "Registry access removed", Control: "A.5.18", AccessRemoval: true, DoneBy: "m1", DoneAt: &now,
		Note: "Group removed"}, {ID: "i2", Title: "Assets returned", Control: "A.5.11"}}
	leaver := app.ChecklistView{Checklist: isms.Checklist{ID: "k1", Kind: isms.ChecklistLeaver, DueDate: &end}, Items: items,
		Progress: isms.ChecklistProgress{Items: 2, Done: 1, AccessItems: 1, AccessDone: 1, AccessRemovedAt: &now}}
	joiner := app.ChecklistView{Checklist: isms.Checklist{ID: "k2", Kind: isms.ChecklistJoiner}, Items: items[:1],
		Progress: isms.ChecklistProgress{Items: 1, Done: 1}}
	metrics := app.TrainingMetrics{Courses: 2, People: 5, Required: 8, Completed: 6, Overdue: 1, AIRequired: 3, AICompleted: 2, LastCompletion: &now}
	detail := app.PersonDetail{Person: person, Status: isms.PersonLeaving, Roles: []isms.ISMSRole{role}, Member: &member, Training: rows,
		Records: []isms.TrainingRecord{record}, Courses: map[string]isms.TrainingCourse{"c1": course}, AccessRemovedAt: &now}
	view := app.ISMSRoleView{ISMSRole: role, Holders: []isms.Person{person}, Courses: []isms.TrainingCourse{course}}
	gaps := isms.RACIGaps([]isms.ISMSRole{role, {Name: "Other", RACI: map[string]isms.RACI{"isms": isms.RACIAccountable}}})
	courseView := app.CourseView{TrainingCourse: course, AudienceNames: []string{"ISMS manager"}, Required: 4, Current: 2, DueSoon: 1, Overdue: 1}

	review := isms.AccessReview{ID: "ar1", RefNum: 3, Title: "Model registry, Q3", Systems: []string{"MLflow"}, AssetIDs: []string{"a1"},
		ReviewerIDs: []string{"m1"}, DueDate: end, PeriodStart: &start, PeriodEnd: &now, CreatedBy: "m1", CreatedAt: now}
	done := review
	done.CompletedAt, done.CompletedBy, done.EvidenceID = &now, "m1", "e9"
	kept := isms.ReviewAccount{ID: "x1", System: "MLflow", Account: "alice", Holder: "Alice", Rights: "publish", Decision: isms.DecisionKeep,
		DecidedBy: "m1", DecidedAt: &now}
	undecided := isms.ReviewAccount{ID: "x2", System: "MLflow", Account: "svc", Rights: "admin"}
	tally := isms.ReviewTally{Accounts: 2, Kept: 1}
	evidence := isms.Evidence{ID: "e9", Title: "Access review AR-003"}
	reviewDetail := app.AccessReviewDetail{AccessReview: review, Accounts: []isms.ReviewAccount{kept, undecided}, Tally: tally,
		Status: isms.ReviewInProgress, Overdue: true, Assets: []store.AssetLabel{{ID: "a1", Name: "Model registry"}}}
	doneDetail := app.AccessReviewDetail{AccessReview: done, Accounts: []isms.ReviewAccount{kept}, Tally: isms.ReviewTally{Accounts: 1, Kept: 1},
		Status: isms.ReviewComplete, Evidence: &evidence}
	members := []isms.Member{member}

	control := &controlPage{Page: frame("A.6.3"), Ref: "iso27001-2022:A.6.3", Entry: soa.Entry{Control: "iso27001-2022:A.6.3"}, Cite: "A.6.3",
		Freshness: freshnessNone, Training: &trainingMetricsView{TrainingMetrics: metrics, Rate: "75%", AIRate: "67%", Link: "/t",
			OverdueLink: "/t?state=overdue"}}
	emptyControl := &controlPage{Page: frame("A.7.2.2"), Ref: "iso27001-2013:A.7.2.2", Entry: soa.Entry{Control: "iso27001-2013:A.7.2.2"},
		Cite: "A.7.2.2", Freshness: freshnessNone, Training: &trainingMetricsView{Link: "/t"}}

	return map[string][]basePage{
		"people": {
			&peoplePage{Page: frame("People"), Query: peopleQuery{Status: "active", Team: "Security", Role: "r1", Q: "pri", Filtered: true},
				Rows: []personRowView{{PersonRow: app.PersonRow{Person: person, Status: isms.PersonActive, Overdue: 1, DueSoon: 1}, Link: "/p1",
					Roles: []string{"ISMS manager"}}, {PersonRow: app.PersonRow{Person: isms.Person{ID: "p2", Name: "Sam"}, Status: isms.PersonLeft}}},
				Teams: []string{"Security"}, Roles: []isms.ISMSRole{role}, Statuses: isms.PersonStatuses, Metrics: metrics, Rate: "75%", CanEdit: true,
				Next: "/n", First: "/f"},
			&peoplePage{Page: frame("People"), Problems: []isms.FieldError{{Field: "status", Detail: "bad"}}},
		},
		"person": {
			&personPage{Page: frame("Priya"), Person: detail, Roles: []roleLink{{"ISMS manager", "/r1"}}, MemberLink: "/m1", Training: rowViews,
				Records: records, Checklists: []checklistView{{ChecklistView: leaver, Items: []checklistItemView{{ChecklistItem: items[0], DoneBy: "Priya"},
					{ChecklistItem: items[1]}}, Action: "/k1"}, {ChecklistView: joiner, Action: "/k2"}},
				Courses: []isms.TrainingCourse{course, once}, CanStartJoiner: true, CanStartLeaver: true, CanEdit: true, CanRecord: true,
				HistoryLink: "/h", Today: "2026-11-29", personState: personState{TrainingForm: trainingForm{CourseID: "c1", CompletedAt: "2026-11-29"},
					TrainingErrors: map[string]string{"completed_at": "bad", "evidence_id": "no"}, ChecklistError: "end_date is required", Refusal: "No."}},
			&personPage{Page: frame("Sam"), Person: app.PersonDetail{Person: isms.Person{ID: "p2", Name: "Sam"}, Status: isms.PersonLeft}},
		},
		"person_form": {
			&personFormPage{Page: frame("Add"), Form: personForm{Name: "P", RoleIDs: []string{"r1"}, MemberID: "m1"}, Errors: map[string]string{"email": "bad",
				"role_ids": "no", "member_id": "taken"}, Roles: []isms.ISMSRole{role, bare}, Members: members, Teams: []string{"Security"}, Action: "/p",
				Back: "/p", Refusal: "No."},
			&personFormPage{Page: frame("Edit"), Editing: true},
		},
		"people_import": {
			&peopleImportPage{Page: frame("Import"), FileName: "p.csv", Problems: isms.RowProblems{{Line: 3, Field: "email", Detail: "bad"},
				{Detail: "empty"}}, Error: "Choose a file."},
			&peopleImportPage{Page: frame("Import"), FileName: "p.csv", Result: &app.PeopleImport{Created: 2, Updated: 1, DryRun: true}},
			&peopleImportPage{Page: frame("Import"), Result: &app.PeopleImport{Created: 2}},
		},
		"roles": {
			&rolesPage{Page: frame("Roles"), Rows: []roleRowView{{ISMSRoleView: view, Link: "/r1"}, {ISMSRoleView: app.ISMSRoleView{ISMSRole: bare}}},
				Areas: isms.ControlAreas, Gaps: gaps, CanEdit: true},
			&rolesPage{Page: frame("Roles"), Areas: isms.ControlAreas, Gaps: isms.RACIGaps(nil)},
		},
		"role": {
			&rolePage{Page: frame("ISMS manager"), RoleView: view, Areas: isms.ControlAreas, Holders: []roleLink{{"Priya", "/p1"}},
				Courses: []roleLink{{"Awareness", "/c1"}}, CanEdit: true, HistoryLink: "/h"},
			&rolePage{Page: frame("DPO"), RoleView: app.ISMSRoleView{ISMSRole: bare}, Areas: isms.ControlAreas},
		},
		"role_form": {
			&roleFormPage{Page: frame("Add"), Form: roleForm{Name: "x", RACI: map[string]string{"A.5": "R"}}, Errors: map[string]string{"name": "taken",
				"raci.A.5": "bad", "raci": "bad area"}, Areas: isms.ControlAreas, Parts: isms.RACIValues, Action: "/r", Back: "/r"},
			&roleFormPage{Page: frame("Edit"), Areas: isms.ControlAreas, Parts: isms.RACIValues, Editing: true},
		},
		"training": {
			&trainingPage{Page: frame("Training"), Query: trainingQuery{State: "overdue", Course: "c1", AI: true},
				Courses: []courseRowView{{CourseView: courseView, Link: "/c1", Rate: "75%"}, {CourseView: app.CourseView{TrainingCourse: once}}},
				Rows:    rowViews, Metrics: metrics, Rate: "75%", AIRate: "67%", States: isms.TrainingStates, CanEdit: true, More: 3},
			&trainingPage{Page: frame("Training"), Problems: []isms.FieldError{{Field: "state", Detail: "bad"}}},
		},
		"course": {
			&coursePage{Page: frame("Awareness"), Course: app.CourseDetail{CourseView: courseView, Rows: rows, Records: []isms.TrainingRecord{record}},
				Rate: "75%", Audience: []roleLink{{"ISMS manager", "/r1"}}, Rows: rowViews, Records: records, People: []isms.Person{person},
				CanEdit: true, HistoryLink: "/h", Today: "2026-11-29", courseState: courseState{TrainingForm: trainingForm{PersonID: "p1"},
					TrainingErrors: map[string]string{"person_id": "bad"}, Refusal: "No."}},
			&coursePage{Page: frame("Onboarding"), Course: app.CourseDetail{CourseView: app.CourseView{TrainingCourse: once}}},
		},
		"course_form": {
			&courseFormPage{Page: frame("Add"), Form: courseForm{Title: "x", RecurrenceMonths: "12", AudienceRoleIDs: []string{"r1"}, AISecurity: true},
				Errors: map[string]string{"title": "taken", "audience": "bad", "recurrence_months": "bad"}, Roles: []isms.ISMSRole{role}, Action: "/c", Back: "/c"},
			&courseFormPage{Page: frame("Edit"), Editing: true},
		},
		"access_reviews": {
			&accessReviewsPage{Page: frame("Access reviews"), Query: reviewQuery{Status: "open", Q: "AR-3", Overdue: true, Filtered: true},
				Rows: []reviewRowView{{AccessReviewRow: app.AccessReviewRow{AccessReview: review, Tally: isms.ReviewTally{Accounts: 3, Kept: 1, Revoked: 1},
					Status: isms.ReviewInProgress, Overdue: true}, Link: "/ar3", Reviewers: "Priya"},
					{AccessReviewRow: app.AccessReviewRow{AccessReview: done, Status: isms.ReviewComplete}}},
				Counts: store.AccessReviewCounts{Open: 1, Overdue: 1, Complete: 2, LastCompleted: &now}, CanEdit: true, Next: "/n", First: "/f"},
			&accessReviewsPage{Page: frame("Access reviews"), Problems: []isms.FieldError{{Field: "status", Detail: "bad"}}},
		},
		"access_review": {
			&accessReviewPage{Page: frame("AR-003"), Review: reviewDetail, Accounts: []accountView{{ReviewAccount: kept, DecidedBy: "Priya"},
				{ReviewAccount: undecided, FailedDecision: "change", FailedNote: "x", Error: "note is required"}}, Reviewers: []string{"Priya"},
				Assets: []roleLink{{"Model registry", "/a1"}}, CreatedBy: "Priya", Decisions: isms.Decisions, CanEdit: true, CanDecide: true,
				HistoryLink: "/h", List: "/ar", ControlLink: "/c", reviewState: reviewState{AccountForm: app.ReviewAccountInput{System: "MLflow"},
					AccountErrors: map[string]string{"rights": "required"}, ImportProblems: isms.RowProblems{{Line: 2, Field: "rights", Detail: "required"}},
					ImportName: "a.csv", ImportError: "Choose a file.", Refusal: "No."}},
			&accessReviewPage{Page: frame("AR-003"), Review: app.AccessReviewDetail{AccessReview: review, Tally: isms.ReviewTally{Accounts: 1, Kept: 1}},
				Accounts: []accountView{{ReviewAccount: kept}}, CanDecide: true, CanComplete: true, Decisions: isms.Decisions},
			&accessReviewPage{Page: frame("AR-003"), Review: doneDetail, Accounts: []accountView{{ReviewAccount: kept, DecidedBy: "Priya"}},
				CompletedBy: "Priya", EvidenceLink: "/e9", ControlLink: "/c"},
			&accessReviewPage{Page: frame("AR-004"), Review: app.AccessReviewDetail{AccessReview: isms.AccessReview{RefNum: 4}}},
		},
		"access_review_form": {
			&reviewFormPage{Page: frame("Open"), Form: reviewForm{Title: "x", Systems: "MLflow\nS3", AssetIDs: []string{"a1"}, ReviewerIDs: []string{"m1"}},
				Errors: map[string]string{"reviewer_ids": "bad", "due_date": "required", "asset_ids": "bad"}, Assets: []store.AssetLabel{{ID: "a1",
					Name: "Model registry", Type: isms.AssetModelRegistry}}, Reviewers: members, Action: "/ar", Back: "/ar", Refusal: "No."},
			&reviewFormPage{Page: frame("Edit"), Editing: true},
		},
		"control": {control, emptyControl},
		"overview": {
			&overviewPage{Page: frame("Helix"), Work: []workItem{{Kind: "review", Title: "1 of 2 accounts decided", Control: "AR-003",
				ControlTitle: "Model registry, Q3", ControlLink: "/ar3", Due: &end, Action: "/ar3#accounts", ActionLabel: "Review the accounts"}}},
		},
	}
}
