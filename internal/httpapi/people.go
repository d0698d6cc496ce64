package httpapi

import (
	"cmp"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// csvImportTypes are the media types a CSV import may be sent as.
var csvImportTypes = []string{"text/csv", "application/octet-stream"}

// readCSVBody checks the media type of a CSV upload and reads it.
func readCSVBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || !slices.Contains(csvImportTypes, mt) {
		return nil, &mediaTypeError{got: ct, want: csvImportTypes}
	}
	return readFile(w, r, app.MaxImportSize, "CSV import")
}

// ---------------------------------------------------------------------
// People.

// personJSON is a staff record.
type personJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Team      string    `json:"team"`
	JobTitle  string    `json:"job_title"`
	StartDate *string   `json:"start_date"`
	EndDate   *string   `json:"end_date"`
	MemberID  *string   `json:"member_id"`
	RoleIDs   []string  `json:"role_ids"`
	Notes     string    `json:"notes"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toPersonJSON(p isms.Person, status isms.PersonStatus) personJSON {
	roles := p.RoleIDs
	if roles == nil {
		roles = []string{}
	}
	return personJSON{ID: p.ID, Name: p.Name, Email: p.Email, Team: p.Team, JobTitle: p.JobTitle, StartDate: formatDate(p.StartDate),
		EndDate: formatDate(p.EndDate), MemberID: nullable(p.MemberID), RoleIDs: roles, Notes: p.Notes, Status: string(status),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// personRowJSON is a line of the staff list, with their training counts.
type personRowJSON struct {
	personJSON
	TrainingOverdue int `json:"training_overdue"`
	TrainingDueSoon int `json:"training_due_soon"`
}

// personDetailJSON is a staff record with their training and checklists.
type personDetailJSON struct {
	personJSON
	Training        []trainingStatusJSON `json:"training"`
	Checklists      []checklistJSON      `json:"checklists"`
	AccessRemovedAt *time.Time           `json:"access_removed_at"`
}

// trainingStatusJSON is where one person stands with one course.
type trainingStatusJSON struct {
	PersonID      string  `json:"person_id"`
	PersonName    string  `json:"person_name"`
	CourseID      string  `json:"course_id"`
	CourseTitle   string  `json:"course_title"`
	AISecurity    bool    `json:"ai_security"`
	State         string  `json:"state"`
	LastCompleted *string `json:"last_completed"`
	LastRecordID  *string `json:"last_record_id"`
	Due           *string `json:"due"`
}

func toTrainingStatusJSON(r app.TrainingRow) trainingStatusJSON {
	out := trainingStatusJSON{PersonID: r.Person.ID, PersonName: r.Person.Name, CourseID: r.Course.ID, CourseTitle: r.Course.Title,
		AISecurity: r.Course.AISecurity, State: string(r.State)}
	if r.Last != nil {
		out.LastCompleted, out.LastRecordID = formatDate(&r.Last.CompletedAt), &r.Last.ID
	}
	if !r.Due.IsZero() {
		out.Due = formatDate(&r.Due)
	}
	return out
}

// checklistItemJSON is one step of a checklist.
type checklistItemJSON struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Control       string     `json:"control"`
	AccessRemoval bool       `json:"access_removal"`
	Done          bool       `json:"done"`
	DoneBy        *string    `json:"done_by"`
	DoneAt        *time.Time `json:"done_at"`
	Note          string     `json:"note"`
}

// checklistJSON is a joiner's or leaver's checklist.
type checklistJSON struct {
	ID              string              `json:"id"`
	PersonID        string              `json:"person_id"`
	Kind            string              `json:"kind"`
	DueDate         *string             `json:"due_date"`
	Complete        bool                `json:"complete"`
	AccessRemovedAt *time.Time          `json:"access_removed_at"`
	Items           []checklistItemJSON `json:"items"`
	CreatedAt       time.Time           `json:"created_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

func toChecklistJSON(c app.ChecklistView) checklistJSON {
	out := checklistJSON{ID: c.ID, PersonID: c.PersonID, Kind: string(c.Kind), DueDate: formatDate(c.DueDate), Complete: c.Progress.Complete(),
		AccessRemovedAt: c.Progress.AccessRemovedAt, Items: []checklistItemJSON{}, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for _, it := range c.Items {
		out.Items = append(out.Items, checklistItemJSON{ID: it.ID, Title: it.Title, Control: it.Control, AccessRemoval: it.AccessRemoval,
			Done: it.Done(), DoneBy: nullable(it.DoneBy), DoneAt: it.DoneAt, Note: it.Note})
	}
	return out
}

func (a *API) listPeople(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "status", "team", "role", "q", "limit", "cursor"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page, err := a.svc.People(r.Context(), acc, isms.PersonFilter{Status: isms.PersonStatus(q.Get("status")), Team: q.Get("team"),
		RoleID: q.Get("role"), Query: q.Get("q"), Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := newList(make([]personRowJSON, 0, len(page.People)), page.Next)
	for _, p := range page.People {
		out.Items = append(out.Items, personRowJSON{personJSON: toPersonJSON(p.Person, p.Status), TrainingOverdue: p.Overdue,
			TrainingDueSoon: p.DueSoon})
	}
	return writeJSON(w, http.StatusOK, out)
}

// personWrite is a new staff record or a change to one.
type personWrite struct {
	Name      optional[string]   `json:"name"`
	Email     optional[string]   `json:"email"`
	Team      optional[string]   `json:"team"`
	JobTitle  optional[string]   `json:"job_title"`
	StartDate optional[string]   `json:"start_date"`
	EndDate   optional[string]   `json:"end_date"`
	MemberID  optional[string]   `json:"member_id"`
	RoleIDs   optional[[]string] `json:"role_ids"`
	Notes     optional[string]   `json:"notes"`
}

func (in personWrite) input() (app.PersonInput, error) {
	out := app.PersonInput{Name: text(in.Name), Email: text(in.Email), Team: text(in.Team), JobTitle: text(in.JobTitle), Notes: text(in.Notes),
		MemberID: text(in.MemberID)}
	for _, f := range []struct {
		name string
		o    optional[string]
		set  *bool
		dst  **time.Time
	}{{"start_date", in.StartDate, &out.SetStartDate, &out.StartDate}, {"end_date", in.EndDate, &out.SetEndDate, &out.EndDate}} {
		if !f.o.Set {
			continue
		}
		*f.set = true
		if !f.o.Null {
			d, err := parseDate(f.name, &f.o.Value)
			if err != nil {
				return out, err
			}
			*f.dst = d
		}
	}
	if in.RoleIDs.Set {
		roles := in.RoleIDs.Value
		if roles == nil {
			roles = []string{}
		}
		out.RoleIDs = &roles
	}
	return out, nil
}

func (a *API) createPerson(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in personWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	p, err := a.svc.CreatePerson(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/people/"+p.ID)
	return a.writePerson(w, r, acc, http.StatusCreated, p.ID)
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writePerson(w, r, acc, http.StatusOK, id)
}

func (a *API) patchPerson(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in personWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := a.svc.UpdatePerson(r.Context(), acc, id, upd); err != nil {
		return err
	}
	return a.writePerson(w, r, acc, http.StatusOK, id)
}

func (a *API) writePerson(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.Person(r.Context(), acc, id)
	if err != nil {
		return err
	}
	out := personDetailJSON{personJSON: toPersonJSON(d.Person, d.Status), Training: []trainingStatusJSON{}, Checklists: []checklistJSON{},
		AccessRemovedAt: d.AccessRemovedAt}
	for _, t := range d.Training {
		out.Training = append(out.Training, toTrainingStatusJSON(t))
	}
	for _, c := range d.Checklists {
		out.Checklists = append(out.Checklists, toChecklistJSON(c))
	}
	return writeJSON(w, status, out)
}

func (a *API) exportPeople(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format"); err != nil {
		return err
	}
	day := a.now().UTC().Format(dateLayout)
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(w, csvType, "people-"+acc.Org.Slug+"-"+day+".csv", func(out io.Writer) error {
			return a.svc.ExportPeopleCSV(r.Context(), acc, out)
		})
	case "xlsx":
		return sendFile(w, xlsxType, "people-"+acc.Org.Slug+"-"+day+".xlsx", func(out io.Writer) error {
			return a.svc.ExportPeopleXLSX(r.Context(), acc, out)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

// personImportJSON is what a people import did, or would do.
type personImportJSON struct {
	DryRun    bool     `json:"dry_run"`
	Created   int      `json:"created"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	PersonIDs []string `json:"person_ids"`
}

// importPeople takes the people CSV as the request body.
func (a *API) importPeople(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "name", "dry_run"); err != nil {
		return err
	}
	dryRun, err := queryBool(r, "dry_run")
	if err != nil {
		return err
	}
	name, err := fileName(r, "people.csv")
	if err != nil {
		return err
	}
	data, err := readCSVBody(w, r)
	if err != nil {
		return err
	}
	res, err := a.svc.ImportPeople(r.Context(), acc, name, data, dryRun != nil && *dryRun)
	if err != nil {
		return err
	}
	out := personImportJSON{DryRun: res.DryRun, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, PersonIDs: []string{}}
	if !res.DryRun {
		for _, p := range res.People {
			out.PersonIDs = append(out.PersonIDs, p.ID)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// ---------------------------------------------------------------------
// Checklists.

type checklistStart struct {
	Kind    string  `json:"kind"`
	EndDate *string `json:"end_date"`
}

func (a *API) startChecklist(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in checklistStart
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	end, err := parseDate("end_date", in.EndDate)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.svc.StartChecklist(r.Context(), acc, id, in.Kind, end)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/checklists/"+c.ID)
	return writeJSON(w, http.StatusCreated, toChecklistJSON(c))
}

func (a *API) getChecklist(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.svc.Checklist(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toChecklistJSON(c))
}

// checklistItemWrite adds an item (title) or ticks one (done, note).
type checklistItemWrite struct {
	Title         optional[string] `json:"title"`
	AccessRemoval optional[bool]   `json:"access_removal"`
	Done          optional[bool]   `json:"done"`
	Note          optional[string] `json:"note"`
}

func (a *API) saveChecklistItem(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in checklistItemWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	itemID := r.PathValue("item")
	upd := app.ChecklistItemInput{Title: text(in.Title), Note: text(in.Note), AccessRemoval: in.AccessRemoval.Value}
	for _, f := range []struct {
		name string
		set  bool
		null bool
	}{{"title", in.Title.Set, in.Title.Null}, {"access_removal", in.AccessRemoval.Set, in.AccessRemoval.Null}, {"done", in.Done.Set, in.Done.Null},
		{"note", in.Note.Set, in.Note.Null}} {
		if f.set && f.null {
			return isms.Invalid(f.name, "cannot be null")
		}
	}
	status := http.StatusOK
	if itemID == "" {
		status = http.StatusCreated
		if in.Done.Set {
			return isms.Invalid("done", "a new item starts open; tick it once it is added")
		}
	} else if in.AccessRemoval.Set {
		return isms.Invalid("access_removal", "is fixed when the item is added")
	}
	if in.Done.Set {
		upd.Done = &in.Done.Value
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.svc.SaveChecklistItem(r.Context(), acc, id, itemID, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toChecklistJSON(c))
}

// ---------------------------------------------------------------------
// ISMS roles.

// ismsRoleJSON is a role of the management system.
type ismsRoleJSON struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Responsibilities string            `json:"responsibilities"`
	Competence       []string          `json:"competence"`
	RACI             map[string]string `json:"raci"`
	HolderIDs        []string          `json:"holder_ids"`
	CourseIDs        []string          `json:"course_ids"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

func toISMSRoleJSON(v app.ISMSRoleView) ismsRoleJSON {
	out := ismsRoleJSON{ID: v.ID, Name: v.Name, Responsibilities: v.Responsibilities, Competence: v.CompetenceList(), RACI: map[string]string{},
		HolderIDs: []string{}, CourseIDs: []string{}, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	if out.Competence == nil {
		out.Competence = []string{}
	}
	for k, p := range v.RACI {
		out.RACI[k] = string(p)
	}
	for _, p := range v.Holders {
		out.HolderIDs = append(out.HolderIDs, p.ID)
	}
	for _, c := range v.Courses {
		out.CourseIDs = append(out.CourseIDs, c.ID)
	}
	return out
}

// raciGapJSON is a control area without exactly one accountable role.
type raciGapJSON struct {
	Area        string   `json:"area"`
	Accountable []string `json:"accountable"`
	Message     string   `json:"message"`
}

type ismsRoleList struct {
	Items []ismsRoleJSON `json:"items"`
	Gaps  []raciGapJSON  `json:"gaps"`
}

func (a *API) listISMSRoles(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	views, gaps, err := a.svc.ISMSRoles(r.Context(), acc)
	if err != nil {
		return err
	}
	out := ismsRoleList{Items: []ismsRoleJSON{}, Gaps: []raciGapJSON{}}
	for _, v := range views {
		out.Items = append(out.Items, toISMSRoleJSON(v))
	}
	for _, g := range gaps {
		acct := g.Accountable
		if acct == nil {
			acct = []string{}
		}
		out.Gaps = append(out.Gaps, raciGapJSON{Area: g.Area.Code, Accountable: acct, Message: g.Message()})
	}
	return writeJSON(w, http.StatusOK, out)
}

// ismsRoleWrite is a new role or a change to one; raci replaces the
// whole RACI.
type ismsRoleWrite struct {
	Name             optional[string]            `json:"name"`
	Responsibilities optional[string]            `json:"responsibilities"`
	Competence       optional[[]string]          `json:"competence"`
	RACI             optional[map[string]string] `json:"raci"`
}

func (in ismsRoleWrite) input() (app.ISMSRoleInput, error) {
	out := app.ISMSRoleInput{Name: text(in.Name), Responsibilities: text(in.Responsibilities)}
	if in.Competence.Set {
		if slices.ContainsFunc(in.Competence.Value, func(s string) bool { return strings.ContainsAny(s, "\r\n") }) {
			return out, isms.Invalid("competence", "each requirement is one line")
		}
		c := strings.Join(in.Competence.Value, "\n")
		out.Competence = &c
	}
	if in.RACI.Set {
		out.RACI = map[string]string{}
		for k, v := range in.RACI.Value {
			out.RACI[k] = v
		}
	}
	return out, nil
}

func (a *API) saveISMSRole(w http.ResponseWriter, r *http.Request, acc app.Access, id string) error {
	var in ismsRoleWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	saved, err := a.svc.SaveISMSRole(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	v, err := a.svc.ISMSRole(r.Context(), acc, saved.ID)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/isms-roles/"+saved.ID)
	}
	return writeJSON(w, status, toISMSRoleJSON(v))
}

func (a *API) createISMSRole(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	return a.saveISMSRole(w, r, acc, "")
}

func (a *API) patchISMSRole(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.saveISMSRole(w, r, acc, id)
}

func (a *API) getISMSRole(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.svc.ISMSRole(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toISMSRoleJSON(v))
}

// ---------------------------------------------------------------------
// Training.

// courseJSON is a training course with where the people who must take it
// stand.
type courseJSON struct {
	ID               string    `json:"id"`
	Title            string    `json:"title"`
	Description      string    `json:"description"`
	AudienceRoleIDs  []string  `json:"audience_role_ids"`
	RecurrenceMonths int       `json:"recurrence_months"`
	AISecurity       bool      `json:"ai_security"`
	Required         int       `json:"required"`
	Completed        int       `json:"completed"`
	DueSoon          int       `json:"due_soon"`
	Overdue          int       `json:"overdue"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func toCourseJSON(c app.CourseView) courseJSON {
	audience := c.AudienceRoleIDs
	if audience == nil {
		audience = []string{}
	}
	return courseJSON{ID: c.ID, Title: c.Title, Description: c.Description, AudienceRoleIDs: audience, RecurrenceMonths: c.RecurrenceMonths,
		AISecurity: c.AISecurity, Required: c.Required, Completed: c.Completed(), DueSoon: c.DueSoon, Overdue: c.Overdue, CreatedAt: c.CreatedAt,
		UpdatedAt: c.UpdatedAt}
}

func (a *API) listCourses(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	courses, err := a.svc.TrainingCourses(r.Context(), acc)
	if err != nil {
		return err
	}
	out := newList(make([]courseJSON, 0, len(courses)), "")
	for _, c := range courses {
		out.Items = append(out.Items, toCourseJSON(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

// courseWrite is a new course or a change to one.
type courseWrite struct {
	Title            optional[string]   `json:"title"`
	Description      optional[string]   `json:"description"`
	AudienceRoleIDs  optional[[]string] `json:"audience_role_ids"`
	RecurrenceMonths optional[int]      `json:"recurrence_months"`
	AISecurity       optional[bool]     `json:"ai_security"`
}

func (a *API) saveCourse(w http.ResponseWriter, r *http.Request, acc app.Access, id string) error {
	var in courseWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd := app.CourseInput{Title: text(in.Title), Description: text(in.Description)}
	if in.AudienceRoleIDs.Set {
		audience := in.AudienceRoleIDs.Value
		if audience == nil {
			audience = []string{}
		}
		upd.AudienceRoleIDs = &audience
	}
	if in.RecurrenceMonths.Set {
		if in.RecurrenceMonths.Null {
			return isms.Invalid("recurrence_months", "cannot be null; 0 means once")
		}
		upd.RecurrenceMonths = &in.RecurrenceMonths.Value
	}
	if in.AISecurity.Set {
		if in.AISecurity.Null {
			return isms.Invalid("ai_security", "cannot be null")
		}
		upd.AISecurity = &in.AISecurity.Value
	}
	c, err := a.svc.SaveTrainingCourse(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/training-courses/"+c.ID)
	}
	return a.writeCourse(w, r, acc, status, c.ID)
}

func (a *API) writeCourse(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.TrainingCourse(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toCourseJSON(d.CourseView))
}

func (a *API) createCourse(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	return a.saveCourse(w, r, acc, "")
}

func (a *API) patchCourse(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.saveCourse(w, r, acc, id)
}

func (a *API) getCourse(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeCourse(w, r, acc, http.StatusOK, id)
}

// trainingRecordJSON is one completion.
type trainingRecordJSON struct {
	ID          string    `json:"id"`
	PersonID    string    `json:"person_id"`
	CourseID    string    `json:"course_id"`
	CompletedAt string    `json:"completed_at"`
	EvidenceID  *string   `json:"evidence_id"`
	Note        string    `json:"note"`
	ExpiresAt   *string   `json:"expires_at"`
	RecordedBy  string    `json:"recorded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func toTrainingRecordJSON(t isms.TrainingRecord) trainingRecordJSON {
	return trainingRecordJSON{ID: t.ID, PersonID: t.PersonID, CourseID: t.CourseID, CompletedAt: t.CompletedAt.Format(dateLayout),
		EvidenceID: nullable(t.EvidenceID), Note: t.Note, ExpiresAt: formatDate(t.ExpiresAt), RecordedBy: t.RecordedBy, CreatedAt: t.CreatedAt}
}

func (a *API) listTrainingRecords(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "person", "course", "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	limit = min(cmp.Or(limit, store.DefaultLimit), store.MaxLimit)
	q := r.URL.Query()
	records, err := a.svc.TrainingRecords(r.Context(), acc, store.TrainingRecordFilter{PersonID: q.Get("person"), CourseID: q.Get("course"),
		Limit: limit})
	if err != nil {
		return err
	}
	out := newList(make([]trainingRecordJSON, 0, len(records)), "")
	for _, t := range records {
		out.Items = append(out.Items, toTrainingRecordJSON(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

// trainingRecordWrite is a completion as recorded.
type trainingRecordWrite struct {
	PersonID    string `json:"person_id"`
	CourseID    string `json:"course_id"`
	CompletedAt string `json:"completed_at"`
	EvidenceID  string `json:"evidence_id"`
	Note        string `json:"note"`
}

func (a *API) recordTraining(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in trainingRecordWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd := app.TrainingInput{PersonID: in.PersonID, CourseID: in.CourseID, EvidenceID: in.EvidenceID, Note: in.Note}
	if in.CompletedAt != "" {
		d, err := parseDate("completed_at", &in.CompletedAt)
		if err != nil {
			return err
		}
		upd.CompletedAt = *d
	}
	t, err := a.svc.RecordTraining(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toTrainingRecordJSON(t))
}

func (a *API) trainingStatus(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "person", "course", "state", "ai_security"); err != nil {
		return err
	}
	ai, err := queryBool(r, "ai_security")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rows, err := a.svc.TrainingStatus(r.Context(), acc, app.TrainingFilter{PersonID: q.Get("person"), CourseID: q.Get("course"),
		State: isms.TrainingState(q.Get("state")), AISecurity: ai != nil && *ai})
	if err != nil {
		return err
	}
	out := newList(make([]trainingStatusJSON, 0, len(rows)), "")
	for _, row := range rows {
		out.Items = append(out.Items, toTrainingStatusJSON(row))
	}
	return writeJSON(w, http.StatusOK, out)
}

// trainingMetricsJSON are the figures of competence and awareness.
type trainingMetricsJSON struct {
	Courses        int      `json:"courses"`
	People         int      `json:"people"`
	Required       int      `json:"required"`
	Completed      int      `json:"completed"`
	Overdue        int      `json:"overdue"`
	CompletionRate *float64 `json:"completion_rate"`
	AIRequired     int      `json:"ai_required"`
	AICompleted    int      `json:"ai_completed"`
	AIRate         *float64 `json:"ai_completion_rate"`
	LastCompletion *string  `json:"last_completion"`
}

func (a *API) trainingMetrics(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	m, err := a.svc.TrainingMetrics(r.Context(), acc)
	if err != nil {
		return err
	}
	rate := func(v float64) *float64 {
		if v < 0 {
			return nil
		}
		return &v
	}
	return writeJSON(w, http.StatusOK, trainingMetricsJSON{Courses: m.Courses, People: m.People, Required: m.Required, Completed: m.Completed,
		Overdue: m.Overdue, CompletionRate: rate(m.Rate()), AIRequired: m.AIRequired, AICompleted: m.AICompleted, AIRate: rate(m.AIRate()),
		LastCompletion: formatDate(m.LastCompletion)})
}
