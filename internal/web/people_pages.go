package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
)

// registerPeoplePages adds people and their roles, competence and
// awareness (5.3, 6.1 to 6.8, 7.2, 7.3): the staff list, each person with
// their training and joiner or leaver checklists, the ISMS roles with
// their RACI, and training courses with completions.
func (u *UI) registerPeoplePages(r *router.Router) {
	r.Handle("GET", "/o/{org}/people", u.inOrg(u.peoplePage))
	r.Handle("GET", "/o/{org}/people/new", u.inOrg(u.newPersonPage))
	r.Handle("POST", "/o/{org}/people", u.inOrg(u.createPerson))
	r.Handle("GET", "/o/{org}/people/import", u.inOrg(u.peopleImportPage))
	r.Handle("POST", "/o/{org}/people/import", u.inOrg(u.importPeople))
	r.Handle("GET", "/o/{org}/people/export", u.inOrg(u.exportPeople))
	r.Handle("GET", "/o/{org}/people/template.csv", u.inOrg(u.peopleTemplate))
	r.Handle("GET", "/o/{org}/people/{id}", u.inOrg(u.personPage))
	r.Handle("GET", "/o/{org}/people/{id}/edit", u.inOrg(u.editPersonPage))
	r.Handle("POST", "/o/{org}/people/{id}", u.inOrg(u.updatePerson))
	r.Handle("POST", "/o/{org}/people/{id}/training", u.inOrg(u.recordPersonTraining))
	r.Handle("POST", "/o/{org}/people/{id}/checklists", u.inOrg(u.startChecklist))
	r.Handle("POST", "/o/{org}/checklists/{id}/items", u.inOrg(u.saveChecklistItem))

	r.Handle("GET", "/o/{org}/roles", u.inOrg(u.rolesPage))
	r.Handle("GET", "/o/{org}/roles/new", u.inOrg(u.newRolePage))
	r.Handle("POST", "/o/{org}/roles", u.inOrg(u.createRole))
	r.Handle("GET", "/o/{org}/roles/{id}", u.inOrg(u.rolePage))
	r.Handle("GET", "/o/{org}/roles/{id}/edit", u.inOrg(u.editRolePage))
	r.Handle("POST", "/o/{org}/roles/{id}", u.inOrg(u.updateRole))

	r.Handle("GET", "/o/{org}/training", u.inOrg(u.trainingPage))
	r.Handle("GET", "/o/{org}/training/new", u.inOrg(u.newCoursePage))
	r.Handle("POST", "/o/{org}/training", u.inOrg(u.createCourse))
	r.Handle("GET", "/o/{org}/training/{id}", u.inOrg(u.coursePage))
	r.Handle("GET", "/o/{org}/training/{id}/edit", u.inOrg(u.editCoursePage))
	r.Handle("POST", "/o/{org}/training/{id}", u.inOrg(u.updateCourse))
	r.Handle("POST", "/o/{org}/training/{id}/records", u.inOrg(u.recordCourseTraining))
}

// PersonStatusLabel names a person's status.
func (labels) PersonStatusLabel(s isms.PersonStatus) string { return s.Label() }

// TrainingStateLabel names a training state.
func (labels) TrainingStateLabel(s isms.TrainingState) string { return s.Label() }

// refusalOf is why the app refused a change, for the page that shows it
// again, with the status to show it with; ok is false for errors that are
// not refusals.
func refusalOf(err error) (string, int, bool) {
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		return refusal(errors.New(conflict.Detail)), http.StatusConflict, true
	case errors.Is(err, isms.ErrForbidden):
		msg := refusal(err)
		if err.Error() == isms.ErrForbidden.Error() {
			msg = "Your role in this organisation does not allow this."
		}
		return msg, http.StatusForbidden, true
	}
	return "", 0, false
}

// ---------------------------------------------------------------------
// The staff list.

type peopleQuery struct {
	Status, Team, Role, Q string
	Filtered              bool
}

type personRowView struct {
	app.PersonRow
	Link  string
	Roles []string
}

type peoplePage struct {
	Page
	labels
	Query    peopleQuery
	Rows     []personRowView
	Teams    []string
	Roles    []isms.ISMSRole
	Statuses []isms.PersonStatus
	Metrics  app.TrainingMetrics
	Rate     string
	CanEdit  bool
	Problems []isms.FieldError
	ClearURL string
	Next     string
	First    string
}

func (u *UI) peoplePage(q *request) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	qu := peopleQuery{Status: v.Get("status"), Team: v.Get("team"), Role: v.Get("role"), Q: strings.TrimSpace(v.Get("q"))}
	qu.Filtered = qu.Status != "" || qu.Team != "" || qu.Role != "" || qu.Q != ""
	page := &peoplePage{Query: qu, Statuses: isms.PersonStatuses, CanEdit: q.access.Can(isms.PermWriteRecords), ClearURL: q.orgPath("people")}
	page.Title, page.Section = "People", "people"
	var err error
	if page.Teams, err = u.svc.Teams(ctx, q.access); err != nil {
		return err
	}
	views, _, err := u.svc.ISMSRoles(ctx, q.access)
	if err != nil {
		return err
	}
	roleNames := map[string]string{}
	for _, r := range views {
		page.Roles = append(page.Roles, r.ISMSRole)
		roleNames[r.ID] = r.Name
	}
	if page.Metrics, err = u.svc.TrainingMetrics(ctx, q.access); err != nil {
		return err
	}
	page.Rate = percent(page.Metrics.Rate())
	f := isms.PersonFilter{Status: isms.PersonStatus(qu.Status), Team: qu.Team, RoleID: qu.Role, Query: qu.Q, Cursor: v.Get("cursor")}
	res, err := u.svc.People(ctx, q.access, f)
	if fields := isms.FieldErrors(err); fields != nil {
		page.Problems = fields
		return u.render(q, http.StatusBadRequest, "people", page)
	}
	if err != nil {
		return err
	}
	for _, p := range res.People {
		row := personRowView{PersonRow: p, Link: q.orgPath("people", p.ID)}
		for _, id := range p.RoleIDs {
			if n, ok := roleNames[id]; ok {
				row.Roles = append(row.Roles, n)
			}
		}
		page.Rows = append(page.Rows, row)
	}
	if res.Next != "" {
		next := withoutKey(v, "cursor")
		next.Set("cursor", res.Next)
		page.Next = urlWith(q.orgPath("people"), next)
	}
	if v.Get("cursor") != "" {
		page.First = urlWith(q.orgPath("people"), withoutKey(v, "cursor"))
	}
	return u.render(q, http.StatusOK, "people", page)
}

// percent shows a share from 0 to 1, or "" when there is none.
func percent(rate float64) string {
	if rate < 0 {
		return ""
	}
	return fmt.Sprintf("%.0f%%", rate*100)
}

// ---------------------------------------------------------------------
// Adding and changing a person.

type personForm struct {
	Name, Email, Team, JobTitle, StartDate, EndDate, MemberID, Notes string
	RoleIDs                                                          []string
}

// HasRole reports whether the form holds the role.
func (f personForm) HasRole(id string) bool { return slices.Contains(f.RoleIDs, id) }

func personFormFrom(r *http.Request) personForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	_ = r.ParseForm()
	return personForm{Name: get("name"), Email: get("email"), Team: get("team"), JobTitle: get("job_title"), StartDate: get("start_date"),
		EndDate: get("end_date"), MemberID: get("member_id"), Notes: get("notes"), RoleIDs: r.PostForm["role_ids"]}
}

func (f personForm) input() (app.PersonInput, error) {
	v := &isms.ValidationError{}
	start, err := dayStart("start_date", f.StartDate)
	if err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	end, err := dayStart("end_date", f.EndDate)
	if err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	roles := slices.Clone(f.RoleIDs)
	return app.PersonInput{Name: &f.Name, Email: &f.Email, Team: &f.Team, JobTitle: &f.JobTitle, Notes: &f.Notes, StartDate: start,
		SetStartDate: true, EndDate: end, SetEndDate: true, MemberID: &f.MemberID, RoleIDs: &roles}, v.Err()
}

type personFormPage struct {
	Page
	labels
	Form    personForm
	Errors  map[string]string
	Roles   []isms.ISMSRole
	Members []isms.Member
	Teams   []string
	// Action is where the form posts; Back where Cancel goes.
	Action, Back string
	Editing      bool
	Refusal      string
}

func (u *UI) showPersonForm(q *request, status int, page *personFormPage) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("an ISMS manager keeps the staff records: %w", isms.ErrForbidden)
	}
	ctx := q.r.Context()
	views, _, err := u.svc.ISMSRoles(ctx, q.access)
	if err != nil {
		return err
	}
	for _, r := range views {
		page.Roles = append(page.Roles, r.ISMSRole)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Members = ppl.Eligible
	if page.Teams, err = u.svc.Teams(ctx, q.access); err != nil {
		return err
	}
	page.Section = "people"
	return u.render(q, status, "person_form", page)
}

func (u *UI) newPersonPage(q *request) error {
	page := &personFormPage{Action: q.orgPath("people"), Back: q.orgPath("people")}
	page.Title = "Add a person"
	return u.showPersonForm(q, http.StatusOK, page)
}

func (u *UI) createPerson(q *request) error {
	form := personFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		var p isms.Person
		if p, err = u.svc.CreatePerson(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.orgPath("people", p.ID), p.Name+" added. Start their joiner checklist below.")
		}
	}
	page := &personFormPage{Form: form, Action: q.orgPath("people"), Back: q.orgPath("people")}
	page.Title = "Add a person"
	return u.refusePersonForm(q, page, err)
}

func (u *UI) refusePersonForm(q *request, page *personFormPage, err error) error {
	if errs := conflictOrFields(err); errs != nil {
		page.Errors = errs
		if msg, ok := errs["member"]; ok {
			page.Errors["member_id"] = msg
		}
		if msg, ok := errs["roles"]; ok {
			page.Errors["role_ids"] = msg
		}
		return u.showPersonForm(q, http.StatusUnprocessableEntity, page)
	}
	if msg, status, ok := refusalOf(err); ok {
		page.Refusal = msg
		return u.showPersonForm(q, status, page)
	}
	return err
}

func (u *UI) editPersonPage(q *request) error {
	d, err := u.svc.Person(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &personFormPage{Form: personForm{Name: d.Name, Email: d.Email, Team: d.Team, JobTitle: d.JobTitle, StartDate: dateValue(d.StartDate),
		EndDate: dateValue(d.EndDate), MemberID: d.MemberID, Notes: d.Notes, RoleIDs: d.RoleIDs},
		Action: q.orgPath("people", d.ID), Back: q.orgPath("people", d.ID), Editing: true}
	page.Title = "Edit " + d.Name
	return u.showPersonForm(q, http.StatusOK, page)
}

func (u *UI) updatePerson(q *request) error {
	id := q.r.PathValue("id")
	form := personFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		var p isms.Person
		if p, err = u.svc.UpdatePerson(q.r.Context(), q.access, id, in); err == nil {
			return u.redirect(q, q.orgPath("people", p.ID), p.Name+" saved.")
		}
	}
	if errors.Is(err, isms.ErrNotFound) {
		return err
	}
	page := &personFormPage{Form: form, Action: q.orgPath("people", id), Back: q.orgPath("people", id), Editing: true}
	page.Title = "Edit " + form.Name
	return u.refusePersonForm(q, page, err)
}

// ---------------------------------------------------------------------
// One person.

type trainingRowView struct {
	app.TrainingRow
	CourseLink, PersonLink, EvidenceLink string
}

type checklistItemView struct {
	isms.ChecklistItem
	DoneBy string
}

type checklistView struct {
	app.ChecklistView
	Items []checklistItemView
	// Action is where its forms post.
	Action string
}

type recordView struct {
	isms.TrainingRecord
	Course, CourseLink, EvidenceLink, RecordedBy string
	Person, PersonLink                           string
}

type trainingForm struct{ CourseID, PersonID, CompletedAt, EvidenceID, Note string }

type personState struct {
	TrainingForm   trainingForm
	TrainingErrors map[string]string
	ChecklistError string
	Refusal        string
}

type personPage struct {
	Page
	labels
	personState
	Person     app.PersonDetail
	Roles      []roleLink
	MemberLink string
	Training   []trainingRowView
	Records    []recordView
	Checklists []checklistView
	Courses    []isms.TrainingCourse
	// CanStartJoiner and CanStartLeaver are set when no checklist of the
	// kind is unfinished.
	CanStartJoiner, CanStartLeaver bool
	CanEdit                        bool
	// CanRecord: an ISMS manager, or the person themselves.
	CanRecord   bool
	HistoryLink string
	Today       string
}

type roleLink struct{ Name, Link string }

func (u *UI) personPage(q *request) error { return u.showPerson(q, http.StatusOK, personState{}) }

func (u *UI) showPerson(q *request, status int, st personState) error {
	ctx := q.r.Context()
	d, err := u.svc.Person(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	a := q.access
	page := &personPage{personState: st, Person: d, CanEdit: a.Can(isms.PermWriteRecords),
		CanRecord:   a.Can(isms.PermWriteRecords) || (a.Role == isms.RoleContributor && a.Member.ID != "" && a.Member.ID == d.MemberID),
		HistoryLink: q.orgPath("history", "person", d.ID), Today: time.Now().UTC().Format(time.DateOnly)}
	page.Title, page.Section = d.Name, "people"
	for _, r := range d.Roles {
		page.Roles = append(page.Roles, roleLink{Name: r.Name, Link: q.orgPath("roles", r.ID)})
	}
	if d.Member != nil {
		page.MemberLink = q.orgPath("members", d.Member.ID)
	}
	for _, r := range d.Training {
		page.Training = append(page.Training, q.trainingRowView(r))
	}
	for _, t := range d.Records {
		page.Records = append(page.Records, q.recordView(t, d.Courses[t.CourseID], d.Person, d.Names))
	}
	page.CanStartJoiner = d.Status == isms.PersonJoining || d.Status == isms.PersonActive
	page.CanStartLeaver = true
	for _, c := range d.Checklists {
		v := checklistView{ChecklistView: c, Action: q.orgPath("checklists", c.ID, "items")}
		for _, it := range c.Items {
			v.Items = append(v.Items, checklistItemView{ChecklistItem: it, DoneBy: nameOf(d.Names, it.DoneBy)})
		}
		page.Checklists = append(page.Checklists, v)
		if !c.Progress.Complete() {
			switch c.Kind {
			case isms.ChecklistJoiner:
				page.CanStartJoiner = false
			case isms.ChecklistLeaver:
				page.CanStartLeaver = false
			}
		}
	}
	slices.Reverse(page.Checklists)
	for _, c := range d.Courses {
		page.Courses = append(page.Courses, c)
	}
	slices.SortFunc(page.Courses, func(x, y isms.TrainingCourse) int { return strings.Compare(x.Title, y.Title) })
	if page.TrainingForm.CompletedAt == "" {
		page.TrainingForm.CompletedAt = page.Today
	}
	return u.render(q, status, "person", page)
}

// nameOf names a member by id, or shows an operator as recorded.
func nameOf(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	if strings.Contains(id, ":") || id == "" {
		return id
	}
	return "a former member"
}

func (q *request) trainingRowView(r app.TrainingRow) trainingRowView {
	v := trainingRowView{TrainingRow: r, CourseLink: q.orgPath("training", r.Course.ID), PersonLink: q.orgPath("people", r.Person.ID)}
	if r.Last != nil && r.Last.EvidenceID != "" {
		v.EvidenceLink = q.orgPath("evidence", r.Last.EvidenceID)
	}
	return v
}

func (q *request) recordView(t isms.TrainingRecord, c isms.TrainingCourse, p isms.Person, names map[string]string) recordView {
	v := recordView{TrainingRecord: t, Course: c.Title, CourseLink: q.orgPath("training", t.CourseID), RecordedBy: nameOf(names, t.RecordedBy),
		Person: p.Name, PersonLink: q.orgPath("people", t.PersonID)}
	if t.EvidenceID != "" {
		v.EvidenceLink = q.orgPath("evidence", t.EvidenceID)
	}
	return v
}

func trainingFormFrom(r *http.Request) trainingForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return trainingForm{CourseID: get("course_id"), PersonID: get("person_id"), CompletedAt: get("completed_at"), EvidenceID: get("evidence_id"),
		Note: get("note")}
}

// recordTraining records a completion from a form; it returns the form's
// errors by field when the app refuses the input.
func (u *UI) recordTraining(q *request, form trainingForm) (isms.TrainingRecord, map[string]string, error) {
	in := app.TrainingInput{PersonID: form.PersonID, CourseID: form.CourseID, EvidenceID: form.EvidenceID, Note: form.Note}
	if form.CompletedAt != "" {
		d, err := time.Parse(time.DateOnly, form.CompletedAt)
		if err != nil {
			return isms.TrainingRecord{}, map[string]string{"completed_at": fmt.Sprintf("%q is not a date", form.CompletedAt)}, nil
		}
		in.CompletedAt = d
	}
	t, err := u.svc.RecordTraining(q.r.Context(), q.access, in)
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		for from, to := range map[string]string{"course": "course_id", "person": "person_id", "evidence": "evidence_id"} {
			if msg, ok := errs[from]; ok {
				errs[to] = msg
			}
		}
		return t, errs, nil
	}
	return t, nil, err
}

func (u *UI) recordPersonTraining(q *request) error {
	form := trainingFormFrom(q.r)
	form.PersonID = q.r.PathValue("id")
	_, errs, err := u.recordTraining(q, form)
	if errs != nil {
		return u.showPerson(q, http.StatusUnprocessableEntity, personState{TrainingForm: form, TrainingErrors: errs})
	}
	if msg, status, ok := refusalOf(err); ok {
		return u.showPerson(q, status, personState{TrainingForm: form, Refusal: msg})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("people", form.PersonID)+"#training", "Training recorded.")
}

func (u *UI) startChecklist(q *request) error {
	id := q.r.PathValue("id")
	kind := q.r.PostFormValue("kind")
	end, err := dayStart("end_date", strings.TrimSpace(q.r.PostFormValue("end_date")))
	if err == nil {
		_, err = u.svc.StartChecklist(q.r.Context(), q.access, id, kind, end)
	}
	if fields := isms.FieldErrors(err); fields != nil {
		var parts []string
		for _, f := range fields {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		return u.showPerson(q, http.StatusUnprocessableEntity, personState{ChecklistError: strings.Join(parts, "; ")})
	}
	if msg, status, ok := refusalOf(err); ok {
		return u.showPerson(q, status, personState{Refusal: msg})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("people", id)+"#checklists", isms.ChecklistKind(kind).Label()+" checklist started.")
}

// saveChecklistItem ticks or unticks an item (item_id and done), or adds
// one (title).
func (u *UI) saveChecklistItem(q *request) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	c, err := u.svc.Checklist(ctx, q.access, id)
	if err != nil {
		return err
	}
	back := q.orgPath("people", c.PersonID) + "#checklist-" + c.ID
	in := app.ChecklistItemInput{}
	itemID := q.r.PostFormValue("item_id")
	if itemID != "" {
		done := q.r.PostFormValue("done") == "true"
		in.Done = &done
		if note := strings.TrimSpace(q.r.PostFormValue("note")); note != "" {
			in.Note = &note
		}
	} else {
		title := q.r.PostFormValue("title")
		in.Title, in.AccessRemoval = &title, q.r.PostFormValue("access_removal") == "true"
	}
	_, err = u.svc.SaveChecklistItem(ctx, q.access, id, itemID, in)
	if fields := isms.FieldErrors(err); fields != nil {
		q.r.SetPathValue("id", c.PersonID)
		var parts []string
		for _, f := range fields {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		return u.showPerson(q, http.StatusUnprocessableEntity, personState{ChecklistError: strings.Join(parts, "; ")})
	}
	if msg, status, ok := refusalOf(err); ok {
		q.r.SetPathValue("id", c.PersonID)
		return u.showPerson(q, status, personState{Refusal: msg})
	}
	if err != nil {
		return err
	}
	msg := "Item added."
	if in.Done != nil {
		msg = "Item reopened."
		if *in.Done {
			msg = "Item ticked."
		}
	}
	return u.redirect(q, back, msg)
}

// ---------------------------------------------------------------------
// Import and export.

type peopleImportPage struct {
	Page
	FileName string
	Result   *app.PeopleImport
	Problems isms.RowProblems
	Error    string
	Columns  []string
}

func (u *UI) showPeopleImport(q *request, status int, page *peopleImportPage) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("an ISMS manager keeps the staff records: %w", isms.ErrForbidden)
	}
	page.Title, page.Section, page.Columns = "Import people", "people", app.PeopleColumns
	return u.render(q, status, "people_import", page)
}

func (u *UI) peopleImportPage(q *request) error {
	return u.showPeopleImport(q, http.StatusOK, &peopleImportPage{})
}

// uploadedCSV reads the form's file field, up to the import limit.
func uploadedCSV(q *request) ([]byte, string, error) {
	file, header, err := q.r.FormFile("file")
	if err != nil {
		return nil, "", err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, app.MaxImportSize+1))
	return data, header.Filename, err
}

func (u *UI) importPeople(q *request) error {
	page := &peopleImportPage{}
	data, name, err := uploadedCSV(q)
	if err != nil {
		page.Error = "Choose a CSV file to upload."
		return u.showPeopleImport(q, http.StatusUnprocessableEntity, page)
	}
	page.FileName = name
	res, err := u.svc.ImportPeople(q.r.Context(), q.access, name, data, q.r.PostFormValue("check") != "")
	var problems isms.RowProblems
	switch {
	case errors.As(err, &problems):
		page.Problems = problems
		return u.showPeopleImport(q, http.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	page.Result = &res
	return u.showPeopleImport(q, http.StatusOK, page)
}

func (u *UI) exportPeople(q *request) error {
	day := time.Now().UTC().Format(time.DateOnly)
	switch format := q.r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(q, "text/csv; charset=utf-8", "people-"+q.access.Org.Slug+"-"+day+".csv", func(w io.Writer) error {
			return u.svc.ExportPeopleCSV(q.r.Context(), q.access, w)
		})
	case "xlsx":
		return sendFile(q, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "people-"+q.access.Org.Slug+"-"+day+".xlsx",
			func(w io.Writer) error { return u.svc.ExportPeopleXLSX(q.r.Context(), q.access, w) })
	default:
		return fmt.Errorf("export format %q: %w", format, isms.ErrNotFound)
	}
}

func (u *UI) peopleTemplate(q *request) error {
	return sendFile(q, "text/csv; charset=utf-8", "isms-people-template.csv", func(w io.Writer) error {
		_, err := w.Write(app.PeopleCSVTemplate())
		return err
	})
}

// ---------------------------------------------------------------------
// ISMS roles and the RACI.

type roleRowView struct {
	app.ISMSRoleView
	Link string
}

type rolesPage struct {
	Page
	labels
	Rows    []roleRowView
	Areas   []isms.ControlArea
	Gaps    []isms.RACIGap
	CanEdit bool
}

func (u *UI) rolesPage(q *request) error {
	views, gaps, err := u.svc.ISMSRoles(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &rolesPage{Areas: isms.ControlAreas, Gaps: gaps, CanEdit: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Roles and responsibilities", "roles"
	for _, v := range views {
		page.Rows = append(page.Rows, roleRowView{ISMSRoleView: v, Link: q.orgPath("roles", v.ID)})
	}
	return u.render(q, http.StatusOK, "roles", page)
}

type rolePage struct {
	Page
	labels
	// RoleView is the ISMS role; Role is the member's, for the layout.
	RoleView    app.ISMSRoleView
	Areas       []isms.ControlArea
	Holders     []roleLink
	Courses     []roleLink
	CanEdit     bool
	HistoryLink string
}

func (u *UI) rolePage(q *request) error {
	v, err := u.svc.ISMSRole(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &rolePage{RoleView: v, Areas: isms.ControlAreas, CanEdit: q.access.Can(isms.PermWriteRecords),
		HistoryLink: q.orgPath("history", "isms_role", v.ID)}
	page.Title, page.Section = v.Name, "roles"
	for _, p := range v.Holders {
		page.Holders = append(page.Holders, roleLink{Name: p.Name, Link: q.orgPath("people", p.ID)})
	}
	for _, c := range v.Courses {
		page.Courses = append(page.Courses, roleLink{Name: c.Title, Link: q.orgPath("training", c.ID)})
	}
	return u.render(q, http.StatusOK, "role", page)
}

type roleForm struct {
	Name, Responsibilities, Competence string
	RACI                               map[string]string
}

// Part is the form's RACI letter for an area.
func (f roleForm) Part(area string) string { return f.RACI[area] }

func roleFormFrom(r *http.Request) roleForm {
	f := roleForm{Name: strings.TrimSpace(r.PostFormValue("name")), Responsibilities: strings.TrimSpace(r.PostFormValue("responsibilities")),
		Competence: strings.TrimSpace(r.PostFormValue("competence")), RACI: map[string]string{}}
	for _, a := range isms.ControlAreas {
		f.RACI[a.Code] = r.PostFormValue("raci." + a.Code)
	}
	return f
}

type roleFormPage struct {
	Page
	labels
	Form         roleForm
	Errors       map[string]string
	Areas        []isms.ControlArea
	Parts        []isms.RACI
	Action, Back string
	Editing      bool
}

func (u *UI) showRoleForm(q *request, status int, page *roleFormPage) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("an ISMS manager defines the roles: %w", isms.ErrForbidden)
	}
	page.Section, page.Areas, page.Parts = "roles", isms.ControlAreas, isms.RACIValues
	return u.render(q, status, "role_form", page)
}

func (u *UI) newRolePage(q *request) error {
	page := &roleFormPage{Form: roleForm{RACI: map[string]string{}}, Action: q.orgPath("roles"), Back: q.orgPath("roles")}
	page.Title = "Add an ISMS role"
	return u.showRoleForm(q, http.StatusOK, page)
}

func (u *UI) saveRole(q *request, id string) error {
	form := roleFormFrom(q.r)
	r, err := u.svc.SaveISMSRole(q.r.Context(), q.access, id, app.ISMSRoleInput{Name: &form.Name, Responsibilities: &form.Responsibilities,
		Competence: &form.Competence, RACI: form.RACI})
	if err == nil {
		return u.redirect(q, q.orgPath("roles", r.ID), r.Name+" saved.")
	}
	if errors.Is(err, isms.ErrNotFound) {
		return err
	}
	page := &roleFormPage{Form: form, Action: q.orgPath("roles"), Back: q.orgPath("roles"), Editing: id != ""}
	page.Title = "Add an ISMS role"
	if id != "" {
		page.Action, page.Back, page.Title = q.orgPath("roles", id), q.orgPath("roles", id), "Edit "+form.Name
	}
	if errs := conflictOrFields(err); errs != nil {
		page.Errors = errs
		return u.showRoleForm(q, http.StatusUnprocessableEntity, page)
	}
	return err
}

func (u *UI) createRole(q *request) error { return u.saveRole(q, "") }

func (u *UI) updateRole(q *request) error { return u.saveRole(q, q.r.PathValue("id")) }

func (u *UI) editRolePage(q *request) error {
	v, err := u.svc.ISMSRole(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	form := roleForm{Name: v.Name, Responsibilities: v.Responsibilities, Competence: v.Competence, RACI: map[string]string{}}
	for k, p := range v.RACI {
		form.RACI[k] = string(p)
	}
	page := &roleFormPage{Form: form, Action: q.orgPath("roles", v.ID), Back: q.orgPath("roles", v.ID), Editing: true}
	page.Title = "Edit " + v.Name
	return u.showRoleForm(q, http.StatusOK, page)
}

// ---------------------------------------------------------------------
// Training.

type courseRowView struct {
	app.CourseView
	Link, Rate string
}

type trainingQuery struct {
	State, Course string
	AI            bool
}

type trainingPage struct {
	Page
	labels
	Query    trainingQuery
	Courses  []courseRowView
	Rows     []trainingRowView
	Metrics  app.TrainingMetrics
	Rate     string
	AIRate   string
	States   []isms.TrainingState
	CanEdit  bool
	Problems []isms.FieldError
	// More counts the rows left out of a long list.
	More int
}

// maxTrainingRows bounds the rows the training page lists.
const maxTrainingRows = 500

func (u *UI) trainingPage(q *request) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	qu := trainingQuery{State: v.Get("state"), Course: v.Get("course"), AI: v.Get("ai") != ""}
	if _, set := v["state"]; !set {
		qu.State = string(isms.TrainingOverdue)
	}
	page := &trainingPage{Query: qu, States: isms.TrainingStates, CanEdit: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Training and awareness", "training"
	courses, err := u.svc.TrainingCourses(ctx, q.access)
	if err != nil {
		return err
	}
	for _, c := range courses {
		rate := -1.0
		if c.Required > 0 {
			rate = float64(c.Completed()) / float64(c.Required)
		}
		page.Courses = append(page.Courses, courseRowView{CourseView: c, Link: q.orgPath("training", c.ID), Rate: percent(rate)})
	}
	if page.Metrics, err = u.svc.TrainingMetrics(ctx, q.access); err != nil {
		return err
	}
	page.Rate, page.AIRate = percent(page.Metrics.Rate()), percent(page.Metrics.AIRate())
	rows, err := u.svc.TrainingStatus(ctx, q.access, app.TrainingFilter{State: isms.TrainingState(qu.State), CourseID: qu.Course, AISecurity: qu.AI})
	if fields := isms.FieldErrors(err); fields != nil {
		page.Problems = fields
		return u.render(q, http.StatusBadRequest, "training", page)
	}
	if err != nil {
		return err
	}
	if len(rows) > maxTrainingRows {
		page.More = len(rows) - maxTrainingRows
		rows = rows[:maxTrainingRows]
	}
	for _, r := range rows {
		page.Rows = append(page.Rows, q.trainingRowView(r))
	}
	return u.render(q, http.StatusOK, "training", page)
}

type courseState struct {
	TrainingForm   trainingForm
	TrainingErrors map[string]string
	Refusal        string
}

type coursePage struct {
	Page
	labels
	courseState
	Course      app.CourseDetail
	Rate        string
	Audience    []roleLink
	Rows        []trainingRowView
	Records     []recordView
	People      []isms.Person
	CanEdit     bool
	HistoryLink string
	Today       string
}

func (u *UI) coursePage(q *request) error { return u.showCourse(q, http.StatusOK, courseState{}) }

func (u *UI) showCourse(q *request, status int, st courseState) error {
	ctx := q.r.Context()
	d, err := u.svc.TrainingCourse(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &coursePage{courseState: st, Course: d, CanEdit: q.access.Can(isms.PermWriteRecords),
		HistoryLink: q.orgPath("history", "training_course", d.ID), Today: time.Now().UTC().Format(time.DateOnly)}
	page.Title, page.Section = d.Title, "training"
	if d.Required > 0 {
		page.Rate = percent(float64(d.Completed()) / float64(d.Required))
	}
	views, _, err := u.svc.ISMSRoles(ctx, q.access)
	if err != nil {
		return err
	}
	for _, r := range views {
		if slices.Contains(d.AudienceRoleIDs, r.ID) {
			page.Audience = append(page.Audience, roleLink{Name: r.Name, Link: q.orgPath("roles", r.ID)})
		}
	}
	for _, r := range d.Rows {
		page.Rows = append(page.Rows, q.trainingRowView(r))
		if r.Person.InScope(time.Now()) {
			page.People = append(page.People, r.Person)
		}
	}
	slices.SortFunc(page.People, func(x, y isms.Person) int { return strings.Compare(x.Name, y.Name) })
	for _, t := range d.Records {
		page.Records = append(page.Records, q.recordView(t, d.TrainingCourse, d.People[t.PersonID], d.Names))
	}
	if page.TrainingForm.CompletedAt == "" {
		page.TrainingForm.CompletedAt = page.Today
	}
	return u.render(q, status, "course", page)
}

func (u *UI) recordCourseTraining(q *request) error {
	form := trainingFormFrom(q.r)
	form.CourseID = q.r.PathValue("id")
	t, errs, err := u.recordTraining(q, form)
	if errs != nil {
		return u.showCourse(q, http.StatusUnprocessableEntity, courseState{TrainingForm: form, TrainingErrors: errs})
	}
	if msg, status, ok := refusalOf(err); ok {
		return u.showCourse(q, status, courseState{TrainingForm: form, Refusal: msg})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("training", t.CourseID)+"#records", "Training recorded.")
}

type courseForm struct {
	Title, Description, RecurrenceMonths string
	AudienceRoleIDs                      []string
	AISecurity                           bool
}

// InAudience reports whether the form's audience holds the role.
func (f courseForm) InAudience(id string) bool { return slices.Contains(f.AudienceRoleIDs, id) }

func courseFormFrom(r *http.Request) courseForm {
	_ = r.ParseForm()
	return courseForm{Title: strings.TrimSpace(r.PostFormValue("title")), Description: strings.TrimSpace(r.PostFormValue("description")),
		RecurrenceMonths: strings.TrimSpace(r.PostFormValue("recurrence_months")), AudienceRoleIDs: r.PostForm["audience"],
		AISecurity: r.PostFormValue("ai_security") == "true"}
}

type courseFormPage struct {
	Page
	labels
	Form         courseForm
	Errors       map[string]string
	Roles        []isms.ISMSRole
	Action, Back string
	Editing      bool
}

func (u *UI) showCourseForm(q *request, status int, page *courseFormPage) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("an ISMS manager plans the training: %w", isms.ErrForbidden)
	}
	views, _, err := u.svc.ISMSRoles(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	for _, r := range views {
		page.Roles = append(page.Roles, r.ISMSRole)
	}
	page.Section = "training"
	return u.render(q, status, "course_form", page)
}

func (u *UI) newCoursePage(q *request) error {
	page := &courseFormPage{Form: courseForm{RecurrenceMonths: "12"}, Action: q.orgPath("training"), Back: q.orgPath("training")}
	page.Title = "Add a training course"
	return u.showCourseForm(q, http.StatusOK, page)
}

func (u *UI) saveCourse(q *request, id string) error {
	form := courseFormFrom(q.r)
	in := app.CourseInput{Title: &form.Title, Description: &form.Description, AISecurity: &form.AISecurity}
	audience := slices.Clone(form.AudienceRoleIDs)
	in.AudienceRoleIDs = &audience
	var err error
	months := 0
	if form.RecurrenceMonths != "" {
		if _, scanErr := fmt.Sscan(form.RecurrenceMonths, &months); scanErr != nil {
			err = isms.Invalid("recurrence_months", "%q is not a number of months", form.RecurrenceMonths)
		}
	}
	in.RecurrenceMonths = &months
	var c isms.TrainingCourse
	if err == nil {
		if c, err = u.svc.SaveTrainingCourse(q.r.Context(), q.access, id, in); err == nil {
			return u.redirect(q, q.orgPath("training", c.ID), c.Title+" saved.")
		}
	}
	if errors.Is(err, isms.ErrNotFound) {
		return err
	}
	page := &courseFormPage{Form: form, Action: q.orgPath("training"), Back: q.orgPath("training"), Editing: id != ""}
	page.Title = "Add a training course"
	if id != "" {
		page.Action, page.Back, page.Title = q.orgPath("training", id), q.orgPath("training", id), "Edit "+form.Title
	}
	if errs := conflictOrFields(err); errs != nil {
		page.Errors = errs
		return u.showCourseForm(q, http.StatusUnprocessableEntity, page)
	}
	return err
}

func (u *UI) createCourse(q *request) error { return u.saveCourse(q, "") }

func (u *UI) updateCourse(q *request) error { return u.saveCourse(q, q.r.PathValue("id")) }

func (u *UI) editCoursePage(q *request) error {
	d, err := u.svc.TrainingCourse(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	form := courseForm{Title: d.Title, Description: d.Description, RecurrenceMonths: fmt.Sprint(d.RecurrenceMonths),
		AudienceRoleIDs: d.AudienceRoleIDs, AISecurity: d.AISecurity}
	page := &courseFormPage{Form: form, Action: q.orgPath("training", d.ID), Back: q.orgPath("training", d.ID), Editing: true}
	page.Title = "Edit " + d.Title
	return u.showCourseForm(q, http.StatusOK, page)
}

// ---------------------------------------------------------------------
// On the control pages of A.6.3 (and its 2013 counterpart): the figures
// of awareness training, live.

// trainingMetricsControls are the controls whose page shows the figures.
var trainingMetricsControls = map[string]bool{"iso27001-2022:A.6.3": true, "iso27001-2013:A.7.2.2": true}

type trainingMetricsView struct {
	app.TrainingMetrics
	Rate, AIRate      string
	Link, OverdueLink string
}

func (u *UI) trainingMetricsView(q *request) (*trainingMetricsView, error) {
	m, err := u.svc.TrainingMetrics(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	return &trainingMetricsView{TrainingMetrics: m, Rate: percent(m.Rate()), AIRate: percent(m.AIRate()), Link: q.orgPath("training"),
		OverdueLink: urlWith(q.orgPath("training"), url.Values{"state": {string(isms.TrainingOverdue)}})}, nil
}
