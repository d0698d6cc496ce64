package isms

import (
	"errors"
	"testing"
	"time"
)

func TestCertificationCalendar(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	at := func(months int) *time.Time { v := now.AddDate(0, months, 0); return &v }
	type line struct {
		kind             AuditKind
		due              *time.Time
		done             bool
		overdue, dueSoon bool
	}
	for _, tc := range []struct {
		name   string
		cycle  CertCycle
		audits []ExternalAudit
		want   []line
	}{
		{"initial audit, nothing agreed", CertCycle{}, nil, []line{{kind: AuditStage1}, {kind: AuditStage2}}},
		{"initial audit, Stage 1 done, Stage 2 next month", CertCycle{Stage1Date: at(-1), Stage2Date: at(1)},
			[]ExternalAudit{{Kind: AuditStage1, DoneDate: at(-1)}},
			[]line{{kind: AuditStage1, due: at(-1), done: true}, {kind: AuditStage2, due: at(1), dueSoon: true}}},
		{"certified 14 months ago, year 1 done", CertCycle{IssuedOn: at(-14), ExpiresOn: at(22)},
			[]ExternalAudit{{Kind: AuditSurveillance1, DoneDate: at(-3)}, {Kind: AuditSurveillance2, PlannedDate: at(8)}},
			[]line{{kind: AuditSurveillance1, due: at(-2), done: true}, {kind: AuditSurveillance2, due: at(10)},
				{kind: AuditRecertification, due: at(22)}}},
		{"year 1 missed", CertCycle{IssuedOn: at(-13)}, nil,
			[]line{{kind: AuditSurveillance1, due: at(-1), overdue: true}, {kind: AuditSurveillance2, due: at(11)},
				{kind: AuditRecertification, due: at(23)}}},
		{"recertification soon, expiry defaulted", CertCycle{IssuedOn: at(-34)},
			[]ExternalAudit{{Kind: AuditSurveillance1, DoneDate: at(-23)}, {Kind: AuditSurveillance2, DoneDate: at(-11)}},
			[]line{{kind: AuditSurveillance1, due: at(-22), done: true}, {kind: AuditSurveillance2, due: at(-10), done: true},
				{kind: AuditRecertification, due: at(2), dueSoon: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cycle.Calendar(tc.audits, now)
			if len(got) != len(tc.want) {
				t.Fatalf("calendar = %+v, want %d lines", got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Kind != w.kind || (g.DueBy == nil) != (w.due == nil) || g.DueBy != nil && !g.DueBy.Equal(*w.due) ||
					(g.Done != nil) != w.done || g.Overdue != w.overdue || g.DueSoon != w.dueSoon {
					t.Errorf("line %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	if next := Next(CertCycle{IssuedOn: at(-14)}.Calendar([]ExternalAudit{{Kind: AuditSurveillance1, DoneDate: at(-3)}}, now)); next == nil ||
		next.Kind != AuditSurveillance2 {
		t.Errorf("next = %+v, want the year 2 surveillance", next)
	}
}

func TestCertCycleValidate(t *testing.T) {
	d := func(s string) *time.Time { v, _ := time.Parse(time.DateOnly, s); return &v }
	ok := CertCycle{Body: "Certa", Scope: "Helix AI platform", Standard: DefaultStandard}
	for _, tc := range []struct {
		name   string
		change func(*CertCycle)
		field  string
	}{
		{"valid", func(*CertCycle) {}, ""},
		{"no body", func(c *CertCycle) { c.Body = " " }, "body"},
		{"no scope", func(c *CertCycle) { c.Scope = "" }, "scope"},
		{"stage 2 before stage 1", func(c *CertCycle) { c.Stage1Date, c.Stage2Date = d("2026-03-01"), d("2026-02-01") }, "stage2_date"},
		{"issued without a number", func(c *CertCycle) { c.IssuedOn = d("2026-03-01") }, "certificate_number"},
		{"expires before issue", func(c *CertCycle) {
			c.IssuedOn, c.ExpiresOn, c.CertificateNumber = d("2026-03-01"), d("2026-02-01"), "C-1"
		}, "expires_on"},
	} {
		c := ok
		tc.change(&c)
		err := c.Validate()
		var v *ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &v) || v.Fields[0].Field != tc.field):
			t.Errorf("%s: error %v, want one on %s", tc.name, err, tc.field)
		}
	}
}

func TestReviewValidate(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	ok := Review{Title: "Management review 2026", MeetingDate: now, ChairID: "m1", Status: ReviewDraft, AttendeeIDs: []string{"m1", "m2"}}
	for _, tc := range []struct {
		name   string
		change func(*Review)
		field  string
	}{
		{"valid", func(*Review) {}, ""},
		{"no title", func(r *Review) { r.Title = "" }, "title"},
		{"no date", func(r *Review) { r.MeetingDate = time.Time{} }, "meeting_date"},
		{"no chair", func(r *Review) { r.ChairID = "" }, "chair"},
		{"an attendee twice", func(r *Review) { r.AttendeeIDs = []string{"m1", "m1"} }, "attendees"},
		{"unknown status", func(r *Review) { r.Status = "cancelled" }, "status"},
	} {
		r := ok
		tc.change(&r)
		err := r.Validate()
		var v *ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &v) || v.Fields[0].Field != tc.field):
			t.Errorf("%s: error %v, want one on %s", tc.name, err, tc.field)
		}
	}
	if got := (Review{Guests: " Marta Kowalski (Certa)\n\n  External counsel \n"}).GuestList(); len(got) != 2 || got[1] != "External counsel" {
		t.Errorf("guests = %q", got)
	}
	if (ReviewAction{DueDate: &now}).Overdue(now.AddDate(0, 0, 1)) != true {
		t.Error("an open action past its date is not overdue")
	}
}
