package isms

import (
	"slices"
	"testing"
	"time"
)

func TestGDPRDeadline(t *testing.T) {
	aware := time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC)
	due := aware.Add(72 * time.Hour)
	early, late := due.Add(-time.Hour), due.Add(time.Hour)
	for _, tc := range []struct {
		name string
		i    Incident
		now  time.Time
		want DeadlineState
	}{
		{"running", Incident{PersonalData: true, AwareAt: &aware}, aware.Add(10 * time.Hour), DeadlineRunning},
		{"overdue", Incident{PersonalData: true, AwareAt: &aware}, late, DeadlineOverdue},
		{"notified in time", Incident{PersonalData: true, AwareAt: &aware, AuthorityNotifiedAt: &early}, late, DeadlineMet},
		{"notified late", Incident{PersonalData: true, AwareAt: &aware, AuthorityNotifiedAt: &late}, late, DeadlineLate},
		{"not required", Incident{PersonalData: true, AwareAt: &aware, NotificationNotRequired: "encrypted; key not exposed"}, late,
			DeadlineNotRequired},
	} {
		d, ok := tc.i.GDPRDeadline()
		if !ok || !d.Due.Equal(due) {
			t.Errorf("%s: deadline %v, %v; want due %v", tc.name, d.Due, ok, due)
		}
		if got := d.State(tc.now); got != tc.want {
			t.Errorf("%s: state %s, want %s", tc.name, got, tc.want)
		}
	}
	if _, ok := (Incident{AwareAt: &aware}).GDPRDeadline(); ok {
		t.Error("a deadline without personal data")
	}
}

// TestIncidentSteps checks that each step of the response is recorded
// before the status passes it.
func TestIncidentSteps(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	base := Incident{Title: "x", Category: IncidentPhishing, Severity: IncidentLow, DetectedAt: now.Add(-time.Hour)}
	fields := func(err error) []string {
		var out []string
		for _, f := range FieldErrors(err) {
			out = append(out, f.Field)
		}
		return out
	}
	for _, tc := range []struct {
		status IncidentStatus
		want   []string
	}{
		{IncidentReported, nil},
		{IncidentTriaged, []string{"handler"}},
		{IncidentContained, []string{"handler", "containment"}},
		{IncidentEradicated, []string{"handler", "containment", "eradication"}},
		{IncidentRecovered, []string{"handler", "containment", "eradication", "recovery"}},
		{IncidentClosed, []string{"handler", "containment", "eradication", "recovery", "lessons_learned"}},
	} {
		i := base
		i.Status = tc.status
		if got := fields(i.Validate(now)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: fields %v, want %v", tc.status, got, tc.want)
		}
	}
}

func TestIncidentCategories(t *testing.T) {
	ai := 0
	for _, c := range IncidentCategories {
		if c.AI() {
			ai++
		}
		if c.Label() == string(c) {
			t.Errorf("%s has no label", c)
		}
	}
	if ai != 6 || len(IncidentCategories) != 14 {
		t.Errorf("%d categories, %d of them AI; want 14 and 6", len(IncidentCategories), ai)
	}
	if got := (Incident{RefNum: 7}).Ref(); got != "INC-007" {
		t.Errorf("ref = %s", got)
	}
}
