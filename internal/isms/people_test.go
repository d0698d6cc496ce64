package isms

import (
	"testing"
	"time"
)

func TestPersonStatus(t *testing.T) {
	now := time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)
	day := func(n int) *time.Time { d := time.Date(2026, 11, 29+n, 0, 0, 0, 0, time.UTC); return &d }
	for _, tc := range []struct {
		name       string
		start, end *time.Time
		want       PersonStatus
	}{
		{"no dates", nil, nil, PersonActive},
		{"started", day(-300), nil, PersonActive},
		{"starts today", day(0), nil, PersonActive},
		{"starts tomorrow", day(1), nil, PersonJoining},
		{"last day ahead", day(-300), day(10), PersonLeaving},
		{"last day today", day(-300), day(0), PersonLeaving},
		{"left yesterday", day(-300), day(-1), PersonLeft},
		{"joins and leaves later", day(3), day(30), PersonJoining},
	} {
		if got := (Person{StartDate: tc.start, EndDate: tc.end}).Status(now); got != tc.want {
			t.Errorf("%s: status %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestTrainingDue(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	started := ago(400)
	person := Person{StartDate: &started, CreatedAt: ago(400)}
	yearly := TrainingCourse{RecurrenceMonths: 12, CreatedAt: ago(500)}
	once := TrainingCourse{CreatedAt: ago(500)}
	done := func(days int) *TrainingRecord { return &TrainingRecord{CompletedAt: ago(days)} }
	for _, tc := range []struct {
		name   string
		p      Person
		c      TrainingCourse
		last   *TrainingRecord
		want   TrainingState
		dueDay int // days from now of the due date; 0 means none
	}{
		{"done last month", person, yearly, done(30), TrainingCurrent, 335},
		{"expires within 30 days", person, yearly, done(350), TrainingDueSoon, 15},
		{"expired", person, yearly, done(400), TrainingOverdue, -35},
		{"once, done long ago", person, once, done(1000), TrainingCurrent, 0},
		{"never, long in post", person, yearly, nil, TrainingOverdue, -370},
		{"never, a newcomer", Person{StartDate: ptrTime(ago(10))}, yearly, nil, TrainingDueSoon, 20},
		{"never, a new course", person, TrainingCourse{RecurrenceMonths: 12, CreatedAt: ago(5)}, nil, TrainingDueSoon, 25},
	} {
		state, due := TrainingDue(tc.p, tc.c, tc.last, now)
		if state != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, state, tc.want)
		}
		switch {
		case tc.dueDay == 0 && !due.IsZero():
			t.Errorf("%s: due %s, want none", tc.name, due)
		case tc.dueDay != 0 && !due.Equal(now.AddDate(0, 0, tc.dueDay)):
			t.Errorf("%s: due %s, want %s", tc.name, due, now.AddDate(0, 0, tc.dueDay))
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestCourseAudience(t *testing.T) {
	p := Person{RoleIDs: []string{"owner"}}
	if !(TrainingCourse{}).RequiredOf(p) || !(TrainingCourse{AudienceRoleIDs: []string{"x", "owner"}}).RequiredOf(p) ||
		(TrainingCourse{AudienceRoleIDs: []string{"x"}}).RequiredOf(p) {
		t.Error("a course is for everyone without an audience, else for the holders of its roles")
	}
	for months, want := range map[int]string{0: "once", 1: "every month", 6: "every 6 months", 12: "every year", 24: "every 2 years"} {
		if got := (TrainingCourse{RecurrenceMonths: months}).RecurrenceLabel(); got != want {
			t.Errorf("%d months: %q, want %q", months, got, want)
		}
	}
}

func TestRACIGaps(t *testing.T) {
	roles := []ISMSRole{
		{Name: "ISMS manager", RACI: map[string]RACI{"isms": RACIAccountable, "A.5": RACIAccountable, "A.6": RACIResponsible}},
		{Name: "Platform lead", RACI: map[string]RACI{"A.5": RACIAccountable, "A.7": RACIAccountable, "A.8": RACIAccountable}},
	}
	gaps := RACIGaps(roles)
	if len(gaps) != 2 || gaps[0].Area.Code != "A.5" || len(gaps[0].Accountable) != 2 || gaps[1].Area.Code != "A.6" || len(gaps[1].Accountable) != 0 {
		t.Fatalf("gaps = %+v; want A.5 with two accountable roles and A.6 with none", gaps)
	}
	if msg := gaps[1].Message(); msg != "Nobody is accountable for people controls (A.6.1 to A.6.8)." {
		t.Errorf("message = %q", msg)
	}
	if err := (ISMSRole{Name: "x", RACI: map[string]RACI{"A.9": RACIInformed, "A.5": "Q"}}).Validate(); len(FieldErrors(err)) != 2 {
		t.Errorf("an unknown area and part: %v", err)
	}
}

func TestChecklistProgress(t *testing.T) {
	t1, t2 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	items := []ChecklistItem{{AccessRemoval: true, DoneAt: &t2}, {AccessRemoval: true, DoneAt: &t1}, {}}
	p := Progress(items)
	if p.Complete() || p.AccessRemovedAt == nil || !p.AccessRemovedAt.Equal(t2) || p.Done != 2 {
		t.Errorf("progress = %+v; want access removed at the last access step, not complete", p)
	}
	items[0].DoneAt = nil
	if p := Progress(items); p.AccessRemovedAt != nil {
		t.Error("an open access step still records the removal")
	}
	if (ChecklistProgress{}).Complete() {
		t.Error("an empty checklist is complete")
	}
}

func TestAccessReviewStatus(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	due := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	r := AccessReview{RefNum: 3, DueDate: due}
	if r.Ref() != "AR-003" || r.Status(0) != ReviewOpen || r.Status(2) != ReviewInProgress || !r.Overdue(now) {
		t.Errorf("open campaign: %s %s %s %v", r.Ref(), r.Status(0), r.Status(2), r.Overdue(now))
	}
	if r.Overdue(time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)) {
		t.Error("overdue on its due day")
	}
	r.CompletedAt = &now
	if r.Status(0) != ReviewComplete || r.Overdue(now) {
		t.Error("a complete campaign is not complete, or overdue")
	}
	accounts := []ReviewAccount{{Decision: DecisionKeep}, {Decision: DecisionChange}, {Decision: DecisionRevoke}, {}}
	if tl := Tally(accounts); tl.Decided() != 3 || tl.Undecided() != 1 || tl.Kept != 1 {
		t.Errorf("tally = %+v", tl)
	}
	a := ReviewAccount{System: "MLflow", Account: "bob", Rights: "read", Decision: DecisionChange}
	if err := a.Validate(); len(FieldErrors(err)) != 1 || FieldErrors(err)[0].Field != "note" {
		t.Errorf("a change without a note: %v", err)
	}
	ps := RowProblems{{Line: 3, Field: "email", Detail: "bad"}, {Detail: "empty"}}
	if fe := ps.FieldErrors(); fe[0].Field != "email" || fe[0].Detail != "line 3: bad" || fe[1].Field != "file" {
		t.Errorf("field errors = %+v", fe)
	}
}
