package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

// idList encodes a list of ids (or names) as the JSON array a text column
// holds; none is [].
func idList(ids []string) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// parseIDList decodes a column written by idList.
func parseIDList(s string) ([]string, error) {
	var out []string
	if s == "" || s == "[]" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("list column %q: %w", s, err)
	}
	return out, nil
}

// ---------------------------------------------------------------------
// People.

const personColumns = `id, org_id, name, email, team, job_title, start_date, end_date, member_id, role_ids, notes, created_at, updated_at`

func scanPerson(row interface{ Scan(...any) error }) (isms.Person, error) {
	var (
		p          isms.Person
		start, end nullTime
		member     *string
		roles      string
	)
	err := row.Scan(&p.ID, &p.OrgID, &p.Name, &p.Email, &p.Team, &p.JobTitle, &start, &end, &member, &roles, &p.Notes, &p.CreatedAt,
		&p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.StartDate, p.EndDate, p.MemberID = start.ptr(), end.ptr(), deref(member)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.RoleIDs, err = parseIDList(roles)
	return p, err
}

// SavePerson adds a staff record, or replaces one when p.ID is set.
func (tx *Tx) SavePerson(ctx context.Context, p isms.Person) (isms.Person, error) {
	p.UpdatedAt = tx.now
	if p.ID == "" {
		p.ID, p.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO people (`+personColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
			$12, $13)`, p.ID, p.OrgID, p.Name, p.Email, p.Team, p.JobTitle, timeArg(p.StartDate), timeArg(p.EndDate), nullString(p.MemberID),
			idList(p.RoleIDs), p.Notes, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return p, conflict(err, "add person "+p.Email)
		}
		return p, tx.record(ctx, RecordPerson, p.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE people SET name = $3, email = $4, team = $5, job_title = $6, start_date = $7, end_date = $8,
		member_id = $9, role_ids = $10, notes = $11, updated_at = $12 WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID, p.Name, p.Email, p.Team,
		p.JobTitle, timeArg(p.StartDate), timeArg(p.EndDate), nullString(p.MemberID), idList(p.RoleIDs), p.Notes, p.UpdatedAt)
	if err != nil {
		return p, conflict(err, "update person "+p.Email)
	}
	if err := mustAffect(res, nil, "person "+p.ID); err != nil {
		return p, err
	}
	return p, tx.record(ctx, RecordPerson, p.ID, ledger.ActionUpdate)
}

// UnlinkMember removes the link from every staff record to a membership
// that is about to end; the records stay.
func (tx *Tx) UnlinkMember(ctx context.Context, orgID, memberID string) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id FROM people WHERE org_id = $1 AND member_id = $2`, orgID, memberID)
	if err != nil {
		return fmt.Errorf("people of member %s: %w", memberID, err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE people SET member_id = NULL, updated_at = $3 WHERE org_id = $1 AND id = $2`,
			orgID, id, tx.now); err != nil {
			return fmt.Errorf("unlink person %s: %w", id, err)
		}
		if err := tx.record(ctx, RecordPerson, id, ledger.ActionUpdate); err != nil {
			return err
		}
	}
	return nil
}

// Person returns a staff record.
func (r Reads) Person(ctx context.Context, orgID, id string) (isms.Person, error) {
	p, err := scanPerson(r.q.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return p, notFound(err, "person "+id)
	}
	return p, nil
}

// PersonByEmail returns the staff record with an email.
func (r Reads) PersonByEmail(ctx context.Context, orgID, email string) (isms.Person, error) {
	p, err := scanPerson(r.q.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE org_id = $1 AND email = $2`, orgID, email))
	if err != nil {
		return p, notFound(err, "person "+email)
	}
	return p, nil
}

// PersonCursor is the sort key of the last person of a page.
type PersonCursor struct {
	Name string `json:"n"`
	ID   string `json:"i"`
}

// People lists staff records by name. The status filter is judged at f.Now:
// start and end dates are days, so someone whose last day is today is
// still leaving.
func (r Reads) People(ctx context.Context, orgID string, f isms.PersonFilter) ([]isms.Person, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.Team != "" {
		w.add("team = $%d", f.Team)
	}
	if f.RoleID != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.RoleID)
		w.add(`role_ids LIKE $%d ESCAPE '\'`, `%"`+esc+`"%`)
	}
	if f.Query != "" {
		p := likePattern(f.Query)
		w.add("("+r.contains("name", 1)+" OR "+r.contains("email", 1)+" OR "+r.contains("job_title", 1)+")", p)
	}
	if f.Status != "" {
		now := f.Now
		gone := now.Add(-24 * time.Hour)
		switch f.Status {
		case isms.PersonLeft:
			w.add("end_date <= $%d", gone)
		case isms.PersonJoining:
			w.add("start_date > $%[1]d AND (end_date IS NULL OR end_date > $%[2]d)", now, gone)
		case isms.PersonLeaving:
			w.add("end_date > $%[1]d AND (start_date IS NULL OR start_date <= $%[2]d)", gone, now)
		case isms.PersonActive:
			w.add("end_date IS NULL AND (start_date IS NULL OR start_date <= $%d)", now)
		default:
			w.add("FALSE")
		}
	}
	if f.Cursor != "" {
		var c PersonCursor
		if err := json.Unmarshal([]byte(f.Cursor), &c); err != nil {
			return nil, isms.Invalid("cursor", "is not a cursor returned by this API")
		}
		w.add("(name > $%[1]d OR (name = $%[1]d AND id > $%[2]d))", c.Name, c.ID)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+personColumns+` FROM people WHERE `+w.sql()+` ORDER BY name, id LIMIT `+
		w.arg(clampLimit(f.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	defer rows.Close()
	var out []isms.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// EncodePersonCursor makes the cursor after p.
func EncodePersonCursor(p isms.Person) string {
	b, _ := json.Marshal(PersonCursor{Name: p.Name, ID: p.ID})
	return string(b)
}

// AllPeople returns every staff record of the organisation, by name.
func (r Reads) AllPeople(ctx context.Context, orgID string) ([]isms.Person, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+personColumns+` FROM people WHERE org_id = $1 ORDER BY name, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	defer rows.Close()
	var out []isms.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Teams lists the teams people belong to, by name.
func (r Reads) Teams(ctx context.Context, orgID string) ([]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT DISTINCT team FROM people WHERE org_id = $1 AND team <> '' ORDER BY team`, orgID)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------
// ISMS roles.

const ismsRoleColumns = `id, org_id, name, responsibilities, competence, raci, created_at, updated_at`

func scanISMSRole(row interface{ Scan(...any) error }) (isms.ISMSRole, error) {
	var (
		r    isms.ISMSRole
		raci string
	)
	if err := row.Scan(&r.ID, &r.OrgID, &r.Name, &r.Responsibilities, &r.Competence, &raci, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.RACI = map[string]isms.RACI{}
	if err := json.Unmarshal([]byte(raci), &r.RACI); err != nil {
		return r, fmt.Errorf("raci of role %s: %w", r.ID, err)
	}
	return r, nil
}

func raciText(m map[string]isms.RACI) string {
	clean := map[string]isms.RACI{}
	for k, v := range m {
		if v != isms.RACINone {
			clean[k] = v
		}
	}
	// encoding/json writes map keys sorted, so the text is the same for
	// the same RACI.
	b, _ := json.Marshal(clean)
	return string(b)
}

// SaveISMSRole adds a role, or replaces one when r.ID is set.
func (tx *Tx) SaveISMSRole(ctx context.Context, r isms.ISMSRole) (isms.ISMSRole, error) {
	r.UpdatedAt = tx.now
	if r.ID == "" {
		r.ID, r.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO isms_roles (`+ismsRoleColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			r.ID, r.OrgID, r.Name, r.Responsibilities, r.Competence, raciText(r.RACI), r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return r, conflict(err, "add ISMS role "+r.Name)
		}
		return r, tx.record(ctx, RecordISMSRole, r.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE isms_roles SET name = $3, responsibilities = $4, competence = $5, raci = $6, updated_at = $7
		WHERE org_id = $1 AND id = $2`, r.OrgID, r.ID, r.Name, r.Responsibilities, r.Competence, raciText(r.RACI), r.UpdatedAt)
	if err != nil {
		return r, conflict(err, "update ISMS role "+r.Name)
	}
	if err := mustAffect(res, nil, "ISMS role "+r.ID); err != nil {
		return r, err
	}
	return r, tx.record(ctx, RecordISMSRole, r.ID, ledger.ActionUpdate)
}

// ISMSRole returns a role.
func (r Reads) ISMSRole(ctx context.Context, orgID, id string) (isms.ISMSRole, error) {
	role, err := scanISMSRole(r.q.QueryRowContext(ctx, `SELECT `+ismsRoleColumns+` FROM isms_roles WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return role, notFound(err, "ISMS role "+id)
	}
	return role, nil
}

// ISMSRoles lists the organisation's roles by name.
func (r Reads) ISMSRoles(ctx context.Context, orgID string) ([]isms.ISMSRole, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+ismsRoleColumns+` FROM isms_roles WHERE org_id = $1 ORDER BY name, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("ISMS roles: %w", err)
	}
	defer rows.Close()
	var out []isms.ISMSRole
	for rows.Next() {
		role, err := scanISMSRole(rows)
		if err != nil {
			return nil, fmt.Errorf("ISMS roles: %w", err)
		}
		out = append(out, role)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------
// Training.

const courseColumns = `id, org_id, title, description, audience_role_ids, recurrence_months, ai_security, created_at, updated_at`

func scanCourse(row interface{ Scan(...any) error }) (isms.TrainingCourse, error) {
	var (
		c        isms.TrainingCourse
		audience string
	)
	if err := row.Scan(&c.ID, &c.OrgID, &c.Title, &c.Description, &audience, &c.RecurrenceMonths, &c.AISecurity, &c.CreatedAt,
		&c.UpdatedAt); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	var err error
	c.AudienceRoleIDs, err = parseIDList(audience)
	return c, err
}

// SaveTrainingCourse adds a course, or replaces one when c.ID is set.
func (tx *Tx) SaveTrainingCourse(ctx context.Context, c isms.TrainingCourse) (isms.TrainingCourse, error) {
	c.UpdatedAt = tx.now
	if c.ID == "" {
		c.ID, c.CreatedAt = NewID(), tx.now
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO training_courses (`+courseColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ID, c.OrgID, c.Title, c.Description, idList(c.AudienceRoleIDs), c.RecurrenceMonths, c.AISecurity, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return c, conflict(err, "add training course "+c.Title)
		}
		return c, tx.record(ctx, RecordTrainingCourse, c.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE training_courses SET title = $3, description = $4, audience_role_ids = $5,
		recurrence_months = $6, ai_security = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`, c.OrgID, c.ID, c.Title, c.Description,
		idList(c.AudienceRoleIDs), c.RecurrenceMonths, c.AISecurity, c.UpdatedAt)
	if err != nil {
		return c, conflict(err, "update training course "+c.Title)
	}
	if err := mustAffect(res, nil, "training course "+c.ID); err != nil {
		return c, err
	}
	return c, tx.record(ctx, RecordTrainingCourse, c.ID, ledger.ActionUpdate)
}

// TrainingCourse returns a course.
func (r Reads) TrainingCourse(ctx context.Context, orgID, id string) (isms.TrainingCourse, error) {
	c, err := scanCourse(r.q.QueryRowContext(ctx, `SELECT `+courseColumns+` FROM training_courses WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return c, notFound(err, "training course "+id)
	}
	return c, nil
}

// TrainingCourses lists the organisation's courses by title.
func (r Reads) TrainingCourses(ctx context.Context, orgID string) ([]isms.TrainingCourse, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+courseColumns+` FROM training_courses WHERE org_id = $1 ORDER BY title, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("training courses: %w", err)
	}
	defer rows.Close()
	var out []isms.TrainingCourse
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, fmt.Errorf("training courses: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const trainingRecordColumns = `id, org_id, person_id, course_id, completed_at, evidence_id, note, recorded_by, created_at`

func scanTrainingRecord(row interface{ Scan(...any) error }) (isms.TrainingRecord, error) {
	var (
		t        isms.TrainingRecord
		evidence *string
	)
	err := row.Scan(&t.ID, &t.OrgID, &t.PersonID, &t.CourseID, &t.CompletedAt, &evidence, &t.Note, &t.RecordedBy, &t.CreatedAt)
	t.EvidenceID, t.CompletedAt, t.CreatedAt = deref(evidence), t.CompletedAt.UTC(), t.CreatedAt.UTC()
	return t, err
}

// AddTrainingRecord records a completion.
func (tx *Tx) AddTrainingRecord(ctx context.Context, t isms.TrainingRecord) (isms.TrainingRecord, error) {
	t.ID, t.CreatedAt = NewID(), tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO training_records (`+trainingRecordColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.OrgID, t.PersonID, t.CourseID, t.CompletedAt.UTC(), nullString(t.EvidenceID), t.Note, t.RecordedBy, t.CreatedAt)
	if err != nil {
		return t, fmt.Errorf("record training: %w", err)
	}
	return t, tx.record(ctx, RecordTrainingRecord, t.ID, ledger.ActionCreate)
}

// TrainingRecordFilter selects completions.
type TrainingRecordFilter struct {
	PersonID string
	CourseID string
	Limit    int
}

// TrainingRecords lists completions, latest first.
func (r Reads) TrainingRecords(ctx context.Context, orgID string, f TrainingRecordFilter) ([]isms.TrainingRecord, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if f.PersonID != "" {
		w.add("person_id = $%d", f.PersonID)
	}
	if f.CourseID != "" {
		w.add("course_id = $%d", f.CourseID)
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + w.arg(f.Limit)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+trainingRecordColumns+` FROM training_records WHERE `+w.sql()+`
		ORDER BY completed_at DESC, id DESC`+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("training records: %w", err)
	}
	defer rows.Close()
	var out []isms.TrainingRecord
	for rows.Next() {
		t, err := scanTrainingRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("training records: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------
// Joiner and leaver checklists.

const checklistColumns = `id, org_id, person_id, kind, due_date, created_at, updated_at`

func scanChecklist(row interface{ Scan(...any) error }) (isms.Checklist, error) {
	var (
		c    isms.Checklist
		kind string
		due  nullTime
	)
	err := row.Scan(&c.ID, &c.OrgID, &c.PersonID, &kind, &due, &c.CreatedAt, &c.UpdatedAt)
	c.Kind, c.DueDate, c.CreatedAt, c.UpdatedAt = isms.ChecklistKind(kind), due.ptr(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

const checklistItemColumns = `id, org_id, checklist_id, position, title, control, access_removal, done_by, done_at, note, created_at, updated_at`

func scanChecklistItem(row interface{ Scan(...any) error }) (isms.ChecklistItem, error) {
	var (
		it   isms.ChecklistItem
		done nullTime
	)
	err := row.Scan(&it.ID, &it.OrgID, &it.ChecklistID, &it.Position, &it.Title, &it.Control, &it.AccessRemoval, &it.DoneBy, &done, &it.Note,
		&it.CreatedAt, &it.UpdatedAt)
	it.DoneAt, it.CreatedAt, it.UpdatedAt = done.ptr(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	return it, err
}

// CreateChecklist starts a checklist with its items.
func (tx *Tx) CreateChecklist(ctx context.Context, c isms.Checklist, items []isms.ChecklistItem) (isms.Checklist, []isms.ChecklistItem, error) {
	c.ID, c.CreatedAt, c.UpdatedAt = NewID(), tx.now, tx.now
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO checklists (`+checklistColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.OrgID, c.PersonID, string(c.Kind), timeArg(c.DueDate), c.CreatedAt, c.UpdatedAt); err != nil {
		return c, nil, fmt.Errorf("start checklist: %w", err)
	}
	if err := tx.record(ctx, RecordChecklist, c.ID, ledger.ActionCreate); err != nil {
		return c, nil, err
	}
	out := make([]isms.ChecklistItem, 0, len(items))
	for i, it := range items {
		it.OrgID, it.ChecklistID, it.Position = c.OrgID, c.ID, i+1
		saved, err := tx.SaveChecklistItem(ctx, it)
		if err != nil {
			return c, nil, err
		}
		out = append(out, saved)
	}
	return c, out, nil
}

// SaveChecklistItem adds an item, or replaces one when it.ID is set.
func (tx *Tx) SaveChecklistItem(ctx context.Context, it isms.ChecklistItem) (isms.ChecklistItem, error) {
	it.UpdatedAt = tx.now
	if it.ID == "" {
		it.ID, it.CreatedAt = NewID(), tx.now
		if it.Position == 0 {
			if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_items WHERE checklist_id = $1`,
				it.ChecklistID).Scan(&it.Position); err != nil {
				return it, fmt.Errorf("add checklist item: %w", err)
			}
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO checklist_items (`+checklistItemColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
			$10, $11, $12)`, it.ID, it.OrgID, it.ChecklistID, it.Position, it.Title, it.Control, it.AccessRemoval, it.DoneBy, timeArg(it.DoneAt),
			it.Note, it.CreatedAt, it.UpdatedAt)
		if err != nil {
			return it, fmt.Errorf("add checklist item: %w", err)
		}
		return it, tx.record(ctx, RecordChecklistItem, it.ID, ledger.ActionCreate)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE checklist_items SET title = $4, done_by = $5, done_at = $6, note = $7, updated_at = $8
		WHERE org_id = $1 AND checklist_id = $2 AND id = $3`, it.OrgID, it.ChecklistID, it.ID, it.Title, it.DoneBy, timeArg(it.DoneAt),
		it.Note, it.UpdatedAt)
	if err := mustAffect(res, err, "checklist item "+it.ID); err != nil {
		return it, err
	}
	return it, tx.record(ctx, RecordChecklistItem, it.ID, ledger.ActionUpdate)
}

// TouchChecklist marks a checklist changed, so that its ledger entry
// shows when its items last moved.
func (tx *Tx) TouchChecklist(ctx context.Context, c isms.Checklist) (isms.Checklist, error) {
	c.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE checklists SET due_date = $3, updated_at = $4 WHERE org_id = $1 AND id = $2`, c.OrgID, c.ID,
		timeArg(c.DueDate), c.UpdatedAt)
	if err := mustAffect(res, err, "checklist "+c.ID); err != nil {
		return c, err
	}
	return c, tx.record(ctx, RecordChecklist, c.ID, ledger.ActionUpdate)
}

// Checklist returns one checklist.
func (r Reads) Checklist(ctx context.Context, orgID, id string) (isms.Checklist, error) {
	c, err := scanChecklist(r.q.QueryRowContext(ctx, `SELECT `+checklistColumns+` FROM checklists WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return c, notFound(err, "checklist "+id)
	}
	return c, nil
}

// Checklists lists the checklists of the given people (all people when
// none is given), oldest first.
func (r Reads) Checklists(ctx context.Context, orgID string, personIDs ...string) ([]isms.Checklist, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if len(personIDs) > 0 {
		w.in("person_id", personIDs)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+checklistColumns+` FROM checklists WHERE `+w.sql()+` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("checklists: %w", err)
	}
	defer rows.Close()
	var out []isms.Checklist
	for rows.Next() {
		c, err := scanChecklist(rows)
		if err != nil {
			return nil, fmt.Errorf("checklists: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ChecklistItems returns the items of the given checklists, by checklist,
// in order.
func (r Reads) ChecklistItems(ctx context.Context, orgID string, checklistIDs ...string) (map[string][]isms.ChecklistItem, error) {
	out := map[string][]isms.ChecklistItem{}
	if len(checklistIDs) == 0 {
		return out, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("checklist_id", slices.Compact(slices.Sorted(slices.Values(checklistIDs))))
	rows, err := r.q.QueryContext(ctx, `SELECT `+checklistItemColumns+` FROM checklist_items WHERE `+w.sql()+` ORDER BY position, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("checklist items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanChecklistItem(rows)
		if err != nil {
			return nil, fmt.Errorf("checklist items: %w", err)
		}
		out[it.ChecklistID] = append(out[it.ChecklistID], it)
	}
	return out, rows.Err()
}

// TrainingKey names one person's completions of one course.
type TrainingKey struct{ PersonID, CourseID string }

// LatestTrainingRecords returns each person's latest completion of each
// course, for the given people or, with none given, everyone.
func (r Reads) LatestTrainingRecords(ctx context.Context, orgID string, personIDs ...string) (map[TrainingKey]isms.TrainingRecord, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if len(personIDs) > 0 && len(personIDs) <= MaxLimit+1 {
		w.in("person_id", slices.Compact(slices.Sorted(slices.Values(personIDs))))
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+trainingRecordColumns+` FROM training_records WHERE `+w.sql()+`
		ORDER BY completed_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("latest training records: %w", err)
	}
	defer rows.Close()
	out := map[TrainingKey]isms.TrainingRecord{}
	for rows.Next() {
		t, err := scanTrainingRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("latest training records: %w", err)
		}
		out[TrainingKey{t.PersonID, t.CourseID}] = t
	}
	return out, rows.Err()
}
