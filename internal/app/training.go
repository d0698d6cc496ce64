package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// CourseInput is a training course as entered; on an update nil fields
// stay.
type CourseInput struct {
	Title, Description *string
	// AudienceRoleIDs are the ISMS roles that must take it; empty means
	// everyone.
	AudienceRoleIDs  *[]string
	RecurrenceMonths *int
	AISecurity       *bool
}

// SaveTrainingCourse adds a course, or changes one when id is set.
func (s *Service) SaveTrainingCourse(ctx context.Context, a Access, id string, in CourseInput) (isms.TrainingCourse, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.TrainingCourse{}, err
	}
	var out isms.TrainingCourse
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		c := isms.TrainingCourse{OrgID: a.Org.ID, RecurrenceMonths: 12}
		if id != "" {
			var err error
			if c, err = tx.TrainingCourse(ctx, a.Org.ID, id); err != nil {
				return err
			}
		}
		if in.Title != nil {
			c.Title = strings.TrimSpace(*in.Title)
		}
		if in.Description != nil {
			c.Description = strings.TrimSpace(*in.Description)
		}
		if in.AudienceRoleIDs != nil {
			c.AudienceRoleIDs = cleanIDs(*in.AudienceRoleIDs)
		}
		if in.RecurrenceMonths != nil {
			c.RecurrenceMonths = *in.RecurrenceMonths
		}
		if in.AISecurity != nil {
			c.AISecurity = *in.AISecurity
		}
		v := &isms.ValidationError{}
		if err := c.Validate(); err != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
		}
		if err := checkRoleIDs(ctx, tx, a.Org.ID, v, "audience", c.AudienceRoleIDs); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		courses, err := tx.TrainingCourses(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		for _, o := range courses {
			if o.ID != c.ID && strings.EqualFold(o.Title, c.Title) {
				return &isms.ConflictError{Field: "title", Detail: "there is a course named " + o.Title + " already"}
			}
		}
		out, err = tx.SaveTrainingCourse(ctx, c)
		return err
	})
	return out, err
}

// TrainingInput is a completion as entered.
type TrainingInput struct {
	PersonID, CourseID string
	CompletedAt        time.Time
	EvidenceID, Note   string
}

// mayRecordTraining allows ISMS managers to record anyone's training, and
// a contributor their own, on the staff record linked to their membership.
func (a Access) mayRecordTraining(p isms.Person) error {
	if a.Can(isms.PermWriteRecords) {
		return nil
	}
	if a.Role == isms.RoleContributor && a.Member.ID != "" && p.MemberID == a.Member.ID {
		return nil
	}
	if a.Role == isms.RoleContributor {
		return fmt.Errorf("a contributor records only their own training: %w", isms.ErrForbidden)
	}
	return a.require(isms.PermWriteRecords)
}

// RecordTraining records that a person completed a course, with the
// evidence of it when there is some (a certificate uploaded as evidence).
func (s *Service) RecordTraining(ctx context.Context, a Access, in TrainingInput) (isms.TrainingRecord, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.TrainingRecord{}, err
	}
	var out isms.TrainingRecord
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		t := isms.TrainingRecord{OrgID: a.Org.ID, PersonID: strings.TrimSpace(in.PersonID), CourseID: strings.TrimSpace(in.CourseID),
			EvidenceID: strings.TrimSpace(in.EvidenceID), Note: strings.TrimSpace(in.Note), RecordedBy: whoID(a)}
		if !in.CompletedAt.IsZero() {
			t.CompletedAt = dayOf(in.CompletedAt)
		}
		v := &isms.ValidationError{}
		if err := t.Validate(s.now()); err != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
		}
		var p isms.Person
		if t.PersonID != "" {
			var err error
			p, err = tx.Person(ctx, a.Org.ID, t.PersonID)
			if errors.Is(err, isms.ErrNotFound) {
				v.Add("person", "is not a person of this organisation")
			} else if err != nil {
				return err
			}
		}
		if t.CourseID != "" {
			if _, err := tx.TrainingCourse(ctx, a.Org.ID, t.CourseID); errors.Is(err, isms.ErrNotFound) {
				v.Add("course", "is not a training course of this organisation")
			} else if err != nil {
				return err
			}
		}
		if t.EvidenceID != "" {
			if _, err := tx.Evidence(ctx, a.Org.ID, t.EvidenceID); errors.Is(err, isms.ErrNotFound) {
				v.Add("evidence", "is not an evidence item of this organisation")
			} else if err != nil {
				return err
			}
		}
		switch {
		case p.ID != "":
			if err := a.mayRecordTraining(p); err != nil {
				return err
			}
		case !a.Can(isms.PermWriteRecords) && a.Role != isms.RoleContributor:
			return a.require(isms.PermWriteRecords)
		}
		if err := v.Err(); err != nil {
			return err
		}
		c, err := tx.TrainingCourse(ctx, a.Org.ID, t.CourseID)
		if err != nil {
			return err
		}
		out, err = tx.AddTrainingRecord(ctx, t)
		out = out.WithExpiry(c)
		return err
	})
	return out, err
}

// withExpiry sets when each record stops counting.
func (s *Service) withExpiry(ctx context.Context, orgID string, records []isms.TrainingRecord) ([]isms.TrainingRecord, error) {
	if len(records) == 0 {
		return records, nil
	}
	courses, err := s.db.TrainingCourses(ctx, orgID)
	if err != nil {
		return nil, err
	}
	byID := map[string]isms.TrainingCourse{}
	for _, c := range courses {
		byID[c.ID] = c
	}
	for i, r := range records {
		records[i] = r.WithExpiry(byID[r.CourseID])
	}
	return records, nil
}

// TrainingRow is where one person stands with one course they must take.
type TrainingRow struct {
	Person isms.Person
	Course isms.TrainingCourse
	// Last is their latest completion, nil when they never took it.
	Last  *isms.TrainingRecord
	State isms.TrainingState
	// Due is when the next completion is due; zero for a course taken
	// once and done.
	Due time.Time
}

// trainingRows judges every course each of people must take. Leavers are
// left out; with courses nil, the organisation's courses are read.
func (s *Service) trainingRows(ctx context.Context, orgID string, people []isms.Person, courses []isms.TrainingCourse, now time.Time) ([]TrainingRow, error) {
	if len(people) == 0 {
		return nil, nil
	}
	if courses == nil {
		var err error
		if courses, err = s.db.TrainingCourses(ctx, orgID); err != nil {
			return nil, err
		}
	}
	if len(courses) == 0 {
		return nil, nil
	}
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	latest, err := s.db.LatestTrainingRecords(ctx, orgID, ids...)
	if err != nil {
		return nil, err
	}
	var out []TrainingRow
	for _, p := range people {
		if !p.InScope(now) {
			continue
		}
		for _, c := range courses {
			if !c.RequiredOf(p) {
				continue
			}
			row := TrainingRow{Person: p, Course: c}
			if t, ok := latest[store.TrainingKey{PersonID: p.ID, CourseID: c.ID}]; ok {
				row.Last = &t
			}
			row.State, row.Due = isms.TrainingDue(p, c, row.Last, now)
			out = append(out, row)
		}
	}
	return out, nil
}

// TrainingFilter selects rows of the training status.
type TrainingFilter struct {
	PersonID, CourseID string
	State              isms.TrainingState
	// AISecurity selects the courses that cover AI security.
	AISecurity bool
}

// TrainingStatus lists where everyone in post stands with each course
// they must take, overdue first, then by due date.
func (s *Service) TrainingStatus(ctx context.Context, a Access, f TrainingFilter) ([]TrainingRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	if f.State != "" && !slices.Contains(isms.TrainingStates, f.State) {
		return nil, isms.Invalid("state", "%q is not a state; use current, due_soon or overdue", f.State)
	}
	var people []isms.Person
	if f.PersonID != "" {
		p, err := s.db.Person(ctx, a.Org.ID, f.PersonID)
		if errors.Is(err, isms.ErrNotFound) {
			return nil, isms.Invalid("person", "is not a person of this organisation")
		}
		if err != nil {
			return nil, err
		}
		people = []isms.Person{p}
	} else {
		var err error
		if people, err = s.db.AllPeople(ctx, a.Org.ID); err != nil {
			return nil, err
		}
	}
	courses, err := s.db.TrainingCourses(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	if f.CourseID != "" {
		i := slices.IndexFunc(courses, func(c isms.TrainingCourse) bool { return c.ID == f.CourseID })
		if i < 0 {
			return nil, isms.Invalid("course", "is not a training course of this organisation")
		}
		courses = courses[i : i+1]
	}
	if f.AISecurity {
		courses = slices.DeleteFunc(courses, func(c isms.TrainingCourse) bool { return !c.AISecurity })
	}
	rows, err := s.trainingRows(ctx, a.Org.ID, people, courses, s.now())
	if err != nil {
		return nil, err
	}
	if f.State != "" {
		rows = slices.DeleteFunc(rows, func(r TrainingRow) bool { return r.State != f.State })
	}
	rank := map[isms.TrainingState]int{isms.TrainingOverdue: 0, isms.TrainingDueSoon: 1, isms.TrainingCurrent: 2}
	slices.SortStableFunc(rows, func(x, y TrainingRow) int {
		if d := rank[x.State] - rank[y.State]; d != 0 {
			return d
		}
		switch {
		case x.Due.IsZero() != y.Due.IsZero():
			if x.Due.IsZero() {
				return 1
			}
			return -1
		case !x.Due.Equal(y.Due):
			return x.Due.Compare(y.Due)
		}
		return strings.Compare(x.Person.Name, y.Person.Name)
	})
	return rows, nil
}

// TrainingRecords lists completions, latest first.
func (s *Service) TrainingRecords(ctx context.Context, a Access, f store.TrainingRecordFilter) ([]isms.TrainingRecord, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	records, err := s.db.TrainingRecords(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	return s.withExpiry(ctx, a.Org.ID, records)
}

// CourseView is a course with where the people who must take it stand.
type CourseView struct {
	isms.TrainingCourse
	// AudienceNames names the roles of the audience.
	AudienceNames []string
	Required      int
	Current       int
	DueSoon       int
	// DueSoonDone counts the due-soon ones that were completed before.
	DueSoonDone int
	Overdue     int
}

// Completed counts the people whose completion still counts.
func (c CourseView) Completed() int { return c.Current + c.DueSoonDone }

// TrainingCourses lists the courses by title with their figures.
func (s *Service) TrainingCourses(ctx context.Context, a Access) ([]CourseView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	courses, err := s.db.TrainingCourses(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.db.AllPeople(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	roles, err := s.db.ISMSRoles(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	rows, err := s.trainingRows(ctx, a.Org.ID, people, courses, s.now())
	if err != nil {
		return nil, err
	}
	out := make([]CourseView, len(courses))
	for i, c := range courses {
		out[i] = CourseView{TrainingCourse: c, AudienceNames: audienceNames(c, roles)}
		for _, r := range rows {
			if r.Course.ID != c.ID {
				continue
			}
			out[i].Required++
			switch r.State {
			case isms.TrainingCurrent:
				out[i].Current++
			case isms.TrainingDueSoon:
				out[i].DueSoon++
				if r.Last != nil {
					out[i].DueSoonDone++
				}
			case isms.TrainingOverdue:
				out[i].Overdue++
			}
		}
	}
	return out, nil
}

func audienceNames(c isms.TrainingCourse, roles []isms.ISMSRole) []string {
	var out []string
	for _, r := range roles {
		if slices.Contains(c.AudienceRoleIDs, r.ID) {
			out = append(out, r.Name)
		}
	}
	return out
}

// CourseDetail is a course with the people who must take it and its
// completions.
type CourseDetail struct {
	CourseView
	Rows []TrainingRow
	// Records are the latest completions, latest first.
	Records []isms.TrainingRecord
	// People names people by id, for the completions.
	People map[string]isms.Person
	Names  map[string]string
}

// TrainingCourse returns a course with where everyone stands with it.
func (s *Service) TrainingCourse(ctx context.Context, a Access, id string) (CourseDetail, error) {
	all, err := s.TrainingCourses(ctx, a)
	if err != nil {
		return CourseDetail{}, err
	}
	i := slices.IndexFunc(all, func(c CourseView) bool { return c.ID == id })
	if i < 0 {
		return CourseDetail{}, fmt.Errorf("training course %s: %w", id, isms.ErrNotFound)
	}
	d := CourseDetail{CourseView: all[i], People: map[string]isms.Person{}}
	if d.Rows, err = s.TrainingStatus(ctx, a, TrainingFilter{CourseID: id}); err != nil {
		return d, err
	}
	if d.Records, err = s.db.TrainingRecords(ctx, a.Org.ID, store.TrainingRecordFilter{CourseID: id, Limit: 200}); err != nil {
		return d, err
	}
	for i, r := range d.Records {
		d.Records[i] = r.WithExpiry(d.TrainingCourse)
	}
	people, err := s.db.AllPeople(ctx, a.Org.ID)
	if err != nil {
		return d, err
	}
	for _, p := range people {
		d.People[p.ID] = p
	}
	d.Names, err = s.memberNames(ctx, a.Org.ID)
	return d, err
}

// TrainingMetrics are the figures of competence and awareness: live
// evidence for A.6.3 and clause 7.2.
type TrainingMetrics struct {
	Courses int
	// People counts the people in post; Required the trainings they must
	// take; Completed those whose completion still counts; Overdue those
	// past their date.
	People, Required, Completed, Overdue int
	// AIRequired and AICompleted count the same for the courses on AI
	// security.
	AIRequired, AICompleted int
	// LastCompletion is the latest completion recorded.
	LastCompletion *time.Time
}

// Rate is the share of required trainings completed, from 0 to 1, or -1
// when nothing is required.
func (m TrainingMetrics) Rate() float64 {
	if m.Required == 0 {
		return -1
	}
	return float64(m.Completed) / float64(m.Required)
}

// AIRate is Rate for the AI security courses.
func (m TrainingMetrics) AIRate() float64 {
	if m.AIRequired == 0 {
		return -1
	}
	return float64(m.AICompleted) / float64(m.AIRequired)
}

// TrainingMetrics computes the figures now.
func (s *Service) TrainingMetrics(ctx context.Context, a Access) (TrainingMetrics, error) {
	if err := a.require(isms.PermRead); err != nil {
		return TrainingMetrics{}, err
	}
	var m TrainingMetrics
	courses, err := s.db.TrainingCourses(ctx, a.Org.ID)
	if err != nil {
		return m, err
	}
	people, err := s.db.AllPeople(ctx, a.Org.ID)
	if err != nil {
		return m, err
	}
	now := s.now()
	m.Courses = len(courses)
	for _, p := range people {
		if p.InScope(now) {
			m.People++
		}
	}
	rows, err := s.trainingRows(ctx, a.Org.ID, people, courses, now)
	if err != nil {
		return m, err
	}
	for _, r := range rows {
		done := r.Last != nil && r.State != isms.TrainingOverdue
		m.Required++
		if done {
			m.Completed++
		}
		if r.State == isms.TrainingOverdue {
			m.Overdue++
		}
		if r.Course.AISecurity {
			m.AIRequired++
			if done {
				m.AICompleted++
			}
		}
	}
	last, err := s.db.TrainingRecords(ctx, a.Org.ID, store.TrainingRecordFilter{Limit: 1})
	if err != nil {
		return m, err
	}
	if len(last) > 0 {
		m.LastCompletion = &last[0].CompletedAt
	}
	return m, nil
}
