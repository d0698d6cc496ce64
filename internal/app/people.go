package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
)

// whoID names the principal on a record it signs (a ticked item, a
// decision): the member's id, or an operator's name.
func whoID(a Access) string { return cmp.Or(a.Member.ID, a.Principal.Actor()) }

// dayOf is the start of t's day in UTC: start and end dates, due dates
// and completions are days.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dayPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := dayOf(*t)
	return &d
}

// PersonInput is a staff record as entered. On an update, nil fields stay
// as they are; the dates change when their Set flag is true, so that an
// update can clear them.
type PersonInput struct {
	Name, Email, Team, JobTitle, Notes *string
	StartDate, EndDate                 *time.Time
	SetStartDate, SetEndDate           bool
	// MemberID links the isms member the person is; "" unlinks.
	MemberID *string
	// RoleIDs are the ISMS roles they hold, replacing those they held.
	RoleIDs *[]string
}

// CreatePerson adds a staff record.
func (s *Service) CreatePerson(ctx context.Context, a Access, in PersonInput) (isms.Person, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Person{}, err
	}
	var out isms.Person
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		p := isms.Person{OrgID: a.Org.ID}
		if err := s.applyPersonInput(ctx, tx, &p, in); err != nil {
			return err
		}
		var err error
		out, err = tx.SavePerson(ctx, p)
		return err
	})
	return out, err
}

// UpdatePerson changes a staff record.
func (s *Service) UpdatePerson(ctx context.Context, a Access, id string, in PersonInput) (isms.Person, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Person{}, err
	}
	var out isms.Person
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		p, err := tx.Person(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if err := s.applyPersonInput(ctx, tx, &p, in); err != nil {
			return err
		}
		out, err = tx.SavePerson(ctx, p)
		return err
	})
	return out, err
}

func (s *Service) applyPersonInput(ctx context.Context, tx *store.Tx, p *isms.Person, in PersonInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&p.Name, in.Name)
	set(&p.Team, in.Team)
	set(&p.JobTitle, in.JobTitle)
	set(&p.Notes, in.Notes)
	v := &isms.ValidationError{}
	if in.Email != nil {
		p.Email = strings.ToLower(strings.TrimSpace(*in.Email))
	}
	if in.SetStartDate {
		p.StartDate = dayPtr(in.StartDate)
	}
	if in.SetEndDate {
		p.EndDate = dayPtr(in.EndDate)
	}
	if in.MemberID != nil {
		p.MemberID = strings.TrimSpace(*in.MemberID)
	}
	if in.RoleIDs != nil {
		p.RoleIDs = cleanIDs(*in.RoleIDs)
	}
	if err := p.Validate(); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	if p.Email != "" {
		other, err := tx.PersonByEmail(ctx, p.OrgID, p.Email)
		switch {
		case err == nil && other.ID != p.ID:
			return &isms.ConflictError{Field: "email", Detail: fmt.Sprintf("%s is the email of %s already", p.Email, other.Name)}
		case err != nil && !errors.Is(err, isms.ErrNotFound):
			return err
		}
	}
	if p.MemberID != "" {
		if _, err := tx.Member(ctx, p.OrgID, p.MemberID); errors.Is(err, isms.ErrNotFound) {
			v.Add("member", "is not a member of this organisation")
		} else if err != nil {
			return err
		} else if err := s.checkMemberFree(ctx, tx, *p); err != nil {
			return err
		}
	}
	if err := checkRoleIDs(ctx, tx, p.OrgID, v, "roles", p.RoleIDs); err != nil {
		return err
	}
	return v.Err()
}

// checkMemberFree refuses to link a member to a second staff record.
func (s *Service) checkMemberFree(ctx context.Context, tx *store.Tx, p isms.Person) error {
	all, err := tx.AllPeople(ctx, p.OrgID)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != p.ID && o.MemberID == p.MemberID {
			return &isms.ConflictError{Field: "member", Detail: "this member is linked to " + o.Name + " already"}
		}
	}
	return nil
}

// cleanIDs trims ids and drops empty and repeated ones, keeping the
// order.
func cleanIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// checkRoleIDs reports the ids that are no ISMS role of the organisation.
func checkRoleIDs(ctx context.Context, r interface {
	ISMSRoles(context.Context, string) ([]isms.ISMSRole, error)
}, orgID string, v *isms.ValidationError, field string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	roles, err := r.ISMSRoles(ctx, orgID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(roles, func(r isms.ISMSRole) bool { return r.ID == id }) {
			v.Add(field, "%q is not an ISMS role of this organisation", id)
		}
	}
	return nil
}

// PersonRow is a line of the staff list.
type PersonRow struct {
	isms.Person
	Status isms.PersonStatus
	// Overdue and DueSoon count the trainings they must take that are
	// past their date or close to it.
	Overdue, DueSoon int
}

// PeoplePage is a page of the staff list.
type PeoplePage struct {
	People []PersonRow
	// Next is the cursor of the next page, "" on the last.
	Next string
}

// People lists staff records by name, a page at a time. f.Cursor is a
// cursor this method returned.
func (s *Service) People(ctx context.Context, a Access, f isms.PersonFilter) (PeoplePage, error) {
	if err := a.require(isms.PermRead); err != nil {
		return PeoplePage{}, err
	}
	if f.Status != "" && !slices.Contains(isms.PersonStatuses, f.Status) {
		return PeoplePage{}, isms.Invalid("status", "%q is not a status; use joining, active, leaving or left", f.Status)
	}
	key, err := store.DecodeCursor("cursor", f.Cursor)
	if err != nil {
		return PeoplePage{}, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	f.Cursor, f.Limit, f.Now = key, limit+1, s.now()
	list, err := s.db.People(ctx, a.Org.ID, f)
	if err != nil {
		return PeoplePage{}, err
	}
	var page PeoplePage
	if len(list) > limit {
		list = list[:limit]
		page.Next = store.EncodeCursor(store.EncodePersonCursor(list[limit-1]))
	}
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	rows, err := s.trainingRows(ctx, a.Org.ID, list, nil, f.Now)
	if err != nil {
		return page, err
	}
	counts := map[string][2]int{}
	for _, r := range rows {
		c := counts[r.Person.ID]
		switch r.State {
		case isms.TrainingOverdue:
			c[0]++
		case isms.TrainingDueSoon:
			c[1]++
		}
		counts[r.Person.ID] = c
	}
	for _, p := range list {
		c := counts[p.ID]
		page.People = append(page.People, PersonRow{Person: p, Status: p.Status(f.Now), Overdue: c[0], DueSoon: c[1]})
	}
	return page, nil
}

// Teams lists the teams of the staff list.
func (s *Service) Teams(ctx context.Context, a Access) ([]string, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.db.Teams(ctx, a.Org.ID)
}

// ChecklistView is a checklist with its items and how far it is.
type ChecklistView struct {
	isms.Checklist
	Items    []isms.ChecklistItem
	Progress isms.ChecklistProgress
}

// PersonDetail is a staff record with their roles, training and
// checklists.
type PersonDetail struct {
	isms.Person
	Status isms.PersonStatus
	Roles  []isms.ISMSRole
	// Member is the isms member they are, when linked.
	Member *isms.Member
	// Training is every course they must take, with where they stand.
	Training []TrainingRow
	// Records are their completions, latest first, and Courses the
	// courses by id.
	Records    []isms.TrainingRecord
	Courses    map[string]isms.TrainingCourse
	Checklists []ChecklistView
	// AccessRemovedAt is when a leaver's checklist recorded the last of
	// their access removed.
	AccessRemovedAt *time.Time
	// Names names members by id, for who recorded and ticked what.
	Names map[string]string
}

// Person returns a staff record with what belongs to it.
func (s *Service) Person(ctx context.Context, a Access, id string) (PersonDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return PersonDetail{}, err
	}
	p, err := s.db.Person(ctx, a.Org.ID, id)
	if err != nil {
		return PersonDetail{}, err
	}
	now := s.now()
	d := PersonDetail{Person: p, Status: p.Status(now), Courses: map[string]isms.TrainingCourse{}}
	roles, err := s.db.ISMSRoles(ctx, a.Org.ID)
	if err != nil {
		return d, err
	}
	for _, r := range roles {
		if p.HasRole(r.ID) {
			d.Roles = append(d.Roles, r)
		}
	}
	if p.MemberID != "" {
		if m, err := s.db.Member(ctx, a.Org.ID, p.MemberID); err == nil {
			d.Member = &m
		}
	}
	courses, err := s.db.TrainingCourses(ctx, a.Org.ID)
	if err != nil {
		return d, err
	}
	for _, c := range courses {
		d.Courses[c.ID] = c
	}
	if d.Training, err = s.trainingRows(ctx, a.Org.ID, []isms.Person{p}, courses, now); err != nil {
		return d, err
	}
	if d.Records, err = s.db.TrainingRecords(ctx, a.Org.ID, store.TrainingRecordFilter{PersonID: p.ID}); err != nil {
		return d, err
	}
	for i, r := range d.Records {
		d.Records[i] = r.WithExpiry(d.Courses[r.CourseID])
	}
	if d.Checklists, err = s.checklistViews(ctx, s.db.Reads, a.Org.ID, p.ID); err != nil {
		return d, err
	}
	for _, c := range d.Checklists {
		if c.Kind == isms.ChecklistLeaver && c.Progress.AccessRemovedAt != nil {
			d.AccessRemovedAt = c.Progress.AccessRemovedAt
		}
	}
	d.Names, err = s.memberNames(ctx, a.Org.ID)
	return d, err
}

func (s *Service) checklistViews(ctx context.Context, r store.Reads, orgID, personID string) ([]ChecklistView, error) {
	lists, err := r.Checklists(ctx, orgID, personID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(lists))
	for i, c := range lists {
		ids[i] = c.ID
	}
	items, err := r.ChecklistItems(ctx, orgID, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]ChecklistView, len(lists))
	for i, c := range lists {
		out[i] = ChecklistView{Checklist: c, Items: items[c.ID], Progress: isms.Progress(items[c.ID])}
	}
	return out, nil
}

// ---------------------------------------------------------------------
// Joiner and leaver checklists.

// StartChecklist starts a joiner's or a leaver's checklist for a person
// with the standard items. A leaver's needs their last day: endDate, or
// the one on their record, which endDate then sets.
func (s *Service) StartChecklist(ctx context.Context, a Access, personID, kind string, endDate *time.Time) (ChecklistView, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return ChecklistView{}, err
	}
	k := isms.ChecklistKind(strings.TrimSpace(kind))
	if k != isms.ChecklistJoiner && k != isms.ChecklistLeaver {
		return ChecklistView{}, isms.Invalid("kind", "%q is not a checklist; use joiner or leaver", kind)
	}
	var out ChecklistView
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		p, err := tx.Person(ctx, a.Org.ID, personID)
		if err != nil {
			return err
		}
		existing, err := s.checklistViews(ctx, tx.Reads, a.Org.ID, p.ID)
		if err != nil {
			return err
		}
		for _, c := range existing {
			if c.Kind == k && !c.Progress.Complete() {
				return &isms.ConflictError{Field: "kind", Detail: fmt.Sprintf("%s has an unfinished %s checklist already", p.Name,
					strings.ToLower(k.Label()))}
			}
		}
		c := isms.Checklist{OrgID: a.Org.ID, PersonID: p.ID, Kind: k}
		switch k {
		case isms.ChecklistJoiner:
			if endDate != nil {
				return isms.Invalid("end_date", "is for a leaver's checklist")
			}
			c.DueDate = p.StartDate
		case isms.ChecklistLeaver:
			if endDate != nil {
				p.EndDate = dayPtr(endDate)
				if err := p.Validate(); err != nil {
					return err
				}
				if p, err = tx.SavePerson(ctx, p); err != nil {
					return err
				}
			}
			if p.EndDate == nil {
				return isms.Invalid("end_date", "is required: a leaver's access is removed by their last day")
			}
			c.DueDate = p.EndDate
		}
		var items []isms.ChecklistItem
		for _, t := range isms.ChecklistTemplates[k] {
			items = append(items, isms.ChecklistItem{Title: t.Title, Control: t.Control, AccessRemoval: t.AccessRemoval})
		}
		c, saved, err := tx.CreateChecklist(ctx, c, items)
		if err != nil {
			return err
		}
		out = ChecklistView{Checklist: c, Items: saved, Progress: isms.Progress(saved)}
		return nil
	})
	return out, err
}

// ChecklistItemInput ticks or unticks an item, with a note; or, for a new
// item, names it.
type ChecklistItemInput struct {
	Done          *bool
	Note          *string
	Title         *string
	AccessRemoval bool
}

// SaveChecklistItem ticks or unticks an item of a checklist, recording
// who did it and when, or adds an item when itemID is "".
func (s *Service) SaveChecklistItem(ctx context.Context, a Access, checklistID, itemID string, in ChecklistItemInput) (ChecklistView, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return ChecklistView{}, err
	}
	var out ChecklistView
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		c, err := tx.Checklist(ctx, a.Org.ID, checklistID)
		if err != nil {
			return err
		}
		items, err := tx.ChecklistItems(ctx, a.Org.ID, c.ID)
		if err != nil {
			return err
		}
		it := isms.ChecklistItem{OrgID: a.Org.ID, ChecklistID: c.ID, AccessRemoval: in.AccessRemoval}
		if itemID != "" {
			i := slices.IndexFunc(items[c.ID], func(it isms.ChecklistItem) bool { return it.ID == itemID })
			if i < 0 {
				return fmt.Errorf("checklist item %s: %w", itemID, isms.ErrNotFound)
			}
			it = items[c.ID][i]
		} else if in.Title == nil {
			return isms.Invalid("title", "is required for a new item")
		}
		if in.Title != nil {
			it.Title = strings.TrimSpace(*in.Title)
		}
		if in.Note != nil {
			it.Note = strings.TrimSpace(*in.Note)
		}
		if in.Done != nil {
			switch {
			case *in.Done && !it.Done():
				now := s.now()
				it.DoneAt, it.DoneBy = &now, whoID(a)
			case !*in.Done:
				it.DoneAt, it.DoneBy = nil, ""
			}
		}
		if err := it.Validate(); err != nil {
			return err
		}
		if _, err := tx.SaveChecklistItem(ctx, it); err != nil {
			return err
		}
		if c, err = tx.TouchChecklist(ctx, c); err != nil {
			return err
		}
		items, err = tx.ChecklistItems(ctx, a.Org.ID, c.ID)
		out = ChecklistView{Checklist: c, Items: items[c.ID], Progress: isms.Progress(items[c.ID])}
		return err
	})
	return out, err
}

// Checklist returns one checklist with its items.
func (s *Service) Checklist(ctx context.Context, a Access, id string) (ChecklistView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ChecklistView{}, err
	}
	c, err := s.db.Checklist(ctx, a.Org.ID, id)
	if err != nil {
		return ChecklistView{}, err
	}
	items, err := s.db.ChecklistItems(ctx, a.Org.ID, c.ID)
	if err != nil {
		return ChecklistView{}, err
	}
	return ChecklistView{Checklist: c, Items: items[c.ID], Progress: isms.Progress(items[c.ID])}, nil
}

// ---------------------------------------------------------------------
// ISMS roles.

// ISMSRoleInput is a role as entered; on an update nil fields stay. RACI,
// when set, replaces the role's whole RACI: area code to R, A, C, I or "".
type ISMSRoleInput struct {
	Name, Responsibilities, Competence *string
	RACI                               map[string]string
}

// SaveISMSRole adds a role, or changes one when id is set.
func (s *Service) SaveISMSRole(ctx context.Context, a Access, id string, in ISMSRoleInput) (isms.ISMSRole, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ISMSRole{}, err
	}
	var out isms.ISMSRole
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r := isms.ISMSRole{OrgID: a.Org.ID, RACI: map[string]isms.RACI{}}
		if id != "" {
			var err error
			if r, err = tx.ISMSRole(ctx, a.Org.ID, id); err != nil {
				return err
			}
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&r.Name, in.Name}, {&r.Responsibilities, in.Responsibilities}, {&r.Competence, in.Competence}} {
			if f.src != nil {
				*f.dst = strings.TrimSpace(*f.src)
			}
		}
		if in.RACI != nil {
			r.RACI = map[string]isms.RACI{}
			for area, part := range in.RACI {
				if p := isms.RACI(strings.ToUpper(strings.TrimSpace(part))); p != isms.RACINone {
					r.RACI[strings.TrimSpace(area)] = p
				}
			}
		}
		if err := r.Validate(); err != nil {
			return err
		}
		roles, err := tx.ISMSRoles(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		for _, o := range roles {
			if o.ID != r.ID && strings.EqualFold(o.Name, r.Name) {
				return &isms.ConflictError{Field: "name", Detail: "there is a role named " + o.Name + " already"}
			}
		}
		out, err = tx.SaveISMSRole(ctx, r)
		return err
	})
	return out, err
}

// ISMSRoleView is a role with who holds it and the courses it must take.
type ISMSRoleView struct {
	isms.ISMSRole
	// Holders are the people in post who hold it.
	Holders []isms.Person
	// Courses are the courses its holders must take because of it.
	Courses []isms.TrainingCourse
}

// ISMSRoles lists the roles by name, with their holders and courses, and
// the control areas whose accountability is unclear.
func (s *Service) ISMSRoles(ctx context.Context, a Access) ([]ISMSRoleView, []isms.RACIGap, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, nil, err
	}
	roles, err := s.db.ISMSRoles(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	people, err := s.db.AllPeople(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	courses, err := s.db.TrainingCourses(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	out := make([]ISMSRoleView, len(roles))
	for i, r := range roles {
		out[i] = ISMSRoleView{ISMSRole: r}
		for _, p := range people {
			if p.HasRole(r.ID) && p.InScope(now) {
				out[i].Holders = append(out[i].Holders, p)
			}
		}
		for _, c := range courses {
			if slices.Contains(c.AudienceRoleIDs, r.ID) {
				out[i].Courses = append(out[i].Courses, c)
			}
		}
	}
	return out, isms.RACIGaps(roles), nil
}

// ISMSRole returns one role with its holders and courses.
func (s *Service) ISMSRole(ctx context.Context, a Access, id string) (ISMSRoleView, error) {
	all, _, err := s.ISMSRoles(ctx, a)
	if err != nil {
		return ISMSRoleView{}, err
	}
	for _, r := range all {
		if r.ID == id {
			return r, nil
		}
	}
	return ISMSRoleView{}, fmt.Errorf("ISMS role %s: %w", id, isms.ErrNotFound)
}

// ---------------------------------------------------------------------
// The people CSV: import and export.

// PeopleColumns are the columns of the people CSV, in the order an export
// writes them. Roles are ISMS role names separated by semicolons;
// member_email links the isms member with that email.
var PeopleColumns = []string{"name", "email", "team", "job_title", "start_date", "end_date", "member_email", "roles", "notes"}

// PeopleImport is what an import did, or would do on a dry run.
type PeopleImport struct {
	Created, Updated, Unchanged int
	DryRun                      bool
	People                      []isms.Person
}

// ImportPeople reads the people CSV and adds or updates the staff records
// it holds, matched by email. A column the file does not have leaves that
// field as it is. The import is whole or not at all: any problem, reported
// with its line and column, leaves the records as they were.
func (s *Service) ImportPeople(ctx context.Context, a Access, name string, data []byte, dryRun bool) (PeopleImport, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return PeopleImport{}, err
	}
	table, problems := readCSV(data, PeopleColumns, []string{"name", "email"})
	if len(problems) > 0 {
		return PeopleImport{}, problems
	}
	var out PeopleImport
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out = PeopleImport{DryRun: dryRun}
		problems = nil
		roles, err := tx.ISMSRoles(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		roleByName := map[string]string{}
		for _, r := range roles {
			roleByName[strings.ToLower(r.Name)] = r.ID
		}
		members, err := tx.AllMembers(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		memberByEmail := map[string]string{}
		for _, m := range members {
			memberByEmail[strings.ToLower(m.Email)] = m.ID
		}
		people, err := tx.AllPeople(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		byEmail := map[string]isms.Person{}
		linked := map[string]string{} // member id to the email of the person linked
		for _, p := range people {
			byEmail[p.Email] = p
			if p.MemberID != "" {
				linked[p.MemberID] = p.Email
			}
		}
		seen := map[string]int{}
		var next []isms.Person
		var isNew []bool
		for _, row := range table.Rows {
			add := func(field, format string, args ...any) {
				problems = append(problems, isms.RowProblem{Line: row.Line, Field: field, Detail: fmt.Sprintf(format, args...)})
			}
			email := strings.ToLower(row.Values["email"])
			if first, ok := seen[email]; ok && email != "" {
				add("email", "%s is on line %d already", email, first)
				continue
			}
			seen[email] = row.Line
			current, exists := byEmail[email]
			p := current
			if !exists {
				p = isms.Person{OrgID: a.Org.ID}
			}
			p.RoleIDs = slices.Clone(p.RoleIDs)
			p.Name, p.Email = row.Values["name"], email
			for _, f := range []struct {
				col string
				dst *string
			}{{"team", &p.Team}, {"job_title", &p.JobTitle}, {"notes", &p.Notes}} {
				if row.Has(f.col) {
					*f.dst = row.Values[f.col]
				}
			}
			for _, f := range []struct {
				col string
				dst **time.Time
			}{{"start_date", &p.StartDate}, {"end_date", &p.EndDate}} {
				if !row.Has(f.col) {
					continue
				}
				*f.dst = nil
				if v := row.Values[f.col]; v != "" {
					d, err := time.Parse(time.DateOnly, v)
					if err != nil {
						add(f.col, "%q is not a date such as 2027-01-31", v)
						continue
					}
					*f.dst = &d
				}
			}
			if row.Has("member_email") {
				p.MemberID = ""
				if v := strings.ToLower(row.Values["member_email"]); v != "" {
					id, ok := memberByEmail[v]
					switch {
					case !ok:
						add("member_email", "%s is not a member of this organisation", v)
					case linked[id] != "" && linked[id] != email:
						add("member_email", "%s is linked to %s already", v, linked[id])
					default:
						p.MemberID = id
						linked[id] = email
					}
				}
			}
			if row.Has("roles") {
				p.RoleIDs = nil
				for n := range strings.SplitSeq(row.Values["roles"], ";") {
					if n = strings.TrimSpace(n); n == "" {
						continue
					}
					id, ok := roleByName[strings.ToLower(n)]
					if !ok {
						add("roles", "%q is not an ISMS role; add it under Roles first, or use one of %s", n, roleNames(roles))
						continue
					}
					if !slices.Contains(p.RoleIDs, id) {
						p.RoleIDs = append(p.RoleIDs, id)
					}
				}
			}
			if err := p.Validate(); err != nil {
				for _, fe := range isms.FieldErrors(err) {
					add(fe.Field, "%s", fe.Detail)
				}
			}
			next = append(next, p)
			isNew = append(isNew, !exists)
		}
		if len(problems) > 0 {
			if len(problems) > maxImportProblems {
				problems = problems[:maxImportProblems]
			}
			return problems
		}
		for i, p := range next {
			switch {
			case isNew[i]:
				out.Created++
			case samePerson(byEmail[p.Email], p):
				out.Unchanged++
				out.People = append(out.People, p)
				continue
			default:
				out.Updated++
			}
			saved, err := tx.SavePerson(ctx, p)
			if err != nil {
				return err
			}
			out.People = append(out.People, saved)
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return PeopleImport{}, err
	}
	return out, nil
}

func samePerson(a, b isms.Person) bool {
	eqDate := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.Name == b.Name && a.Email == b.Email && a.Team == b.Team && a.JobTitle == b.JobTitle && a.Notes == b.Notes &&
		a.MemberID == b.MemberID && slices.Equal(a.RoleIDs, b.RoleIDs) && eqDate(a.StartDate, b.StartDate) && eqDate(a.EndDate, b.EndDate)
}

func roleNames(roles []isms.ISMSRole) string {
	if len(roles) == 0 {
		return "none yet"
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// peopleExport reads what an export writes.
func (s *Service) peopleExport(ctx context.Context, a Access) ([]isms.Person, map[string]isms.ISMSRole, map[string]isms.Member, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, nil, nil, err
	}
	people, err := s.db.AllPeople(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	roles, err := s.db.ISMSRoles(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	byRole := map[string]isms.ISMSRole{}
	for _, r := range roles {
		byRole[r.ID] = r
	}
	byMember := map[string]isms.Member{}
	for _, m := range members {
		byMember[m.ID] = m
	}
	return people, byRole, byMember, nil
}

// ExportPeopleCSV writes the staff list as the people CSV, which
// ImportPeople reads back.
func (s *Service) ExportPeopleCSV(ctx context.Context, a Access, w io.Writer) error {
	people, roles, members, err := s.peopleExport(ctx, a)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(PeopleColumns); err != nil {
		return err
	}
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	}
	for _, p := range people {
		var names []string
		for _, id := range p.RoleIDs {
			if r, ok := roles[id]; ok {
				names = append(names, r.Name)
			}
		}
		rec := []string{p.Name, p.Email, p.Team, p.JobTitle, date(p.StartDate), date(p.EndDate), members[p.MemberID].Email,
			strings.Join(names, "; "), p.Notes}
		for i, v := range rec {
			rec[i] = neutralise(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// neutralise keeps a spreadsheet from reading a cell as a formula.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportPeopleXLSX writes the staff list and where everyone stands with
// their training as a spreadsheet.
func (s *Service) ExportPeopleXLSX(ctx context.Context, a Access, w io.Writer) error {
	people, roles, members, err := s.peopleExport(ctx, a)
	if err != nil {
		return err
	}
	now := s.now()
	rows, err := s.trainingRows(ctx, a.Org.ID, people, nil, now)
	if err != nil {
		return err
	}
	overdue := map[string]int{}
	lines := make([]report.TrainingLine, 0, len(rows))
	for _, r := range rows {
		if r.State == isms.TrainingOverdue {
			overdue[r.Person.ID]++
		}
		l := report.TrainingLine{Person: r.Person.Name, Email: r.Person.Email, Course: r.Course.Title, AISecurity: r.Course.AISecurity,
			State: r.State.Label()}
		if r.Last != nil {
			l.LastCompleted = &r.Last.CompletedAt
			l.Evidence = r.Last.EvidenceID
		}
		if !r.Due.IsZero() {
			due := r.Due
			l.Due = &due
		}
		lines = append(lines, l)
	}
	out := make([]report.Person, 0, len(people))
	for _, p := range people {
		var names []string
		for _, id := range p.RoleIDs {
			if r, ok := roles[id]; ok {
				names = append(names, r.Name)
			}
		}
		out = append(out, report.Person{Name: p.Name, Email: p.Email, Team: p.Team, JobTitle: p.JobTitle, StartDate: p.StartDate,
			EndDate: p.EndDate, Status: p.Status(now).Label(), Roles: names, Member: members[p.MemberID].Email, Overdue: overdue[p.ID]})
	}
	return report.PeopleXLSX(w, a.Org.Name, now, out, lines)
}

// PeopleCSVTemplate is the people CSV layout with two example rows.
func PeopleCSVTemplate() []byte {
	return []byte(strings.Join(PeopleColumns, ",") + "\n" +
		"Priya Raman,priya@example.com,Security,ISMS manager,2024-03-01,,priya@example.com,ISMS manager,\n" +
		"Tomás Ortega,tomas@example.com,ML platform,Staff engineer,2023-09-18,,,AI system owner; Risk owner,Owns the model registry\n")
}

// PersonByEmail finds a staff record by email.
func (s *Service) PersonByEmail(ctx context.Context, a Access, email string) (isms.Person, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.Person{}, err
	}
	return s.db.PersonByEmail(ctx, a.Org.ID, strings.ToLower(strings.TrimSpace(email)))
}
