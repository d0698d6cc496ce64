package isms

import (
	"testing"
	"time"
)

func TestDeriveStatus(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	num := func(v float64) *float64 { return &v }
	higher := Metric{Direction: HigherIsBetter, Target: num(90)}
	lower := Metric{Direction: LowerIsBetter, Target: num(0)}
	noTarget := Metric{Direction: HigherIsBetter}
	tests := []struct {
		name     string
		due      *time.Time
		readings []Reading
		want     ObjectiveStatus
		wantOK   bool
	}{
		{"no metrics", day(2026, 12, 31), nil, "", false},
		{"no target", day(2026, 12, 31), []Reading{{Metric: noTarget, Latest: num(50)}}, "", false},
		{"not measured", day(2026, 12, 31), []Reading{{Metric: higher}}, "", false},
		{"meets", day(2026, 12, 31), []Reading{{Metric: higher, Latest: num(90)}}, ObjectiveAchieved, true},
		{"meets lower", day(2026, 12, 31), []Reading{{Metric: lower, Latest: num(0)}}, ObjectiveAchieved, true},
		{"improving", day(2026, 12, 31), []Reading{{Metric: higher, Latest: num(80), Previous: num(70)}}, ObjectiveOnTrack, true},
		{"one value", day(2026, 12, 31), []Reading{{Metric: higher, Latest: num(80)}}, ObjectiveOnTrack, true},
		{"flat", day(2026, 12, 31), []Reading{{Metric: higher, Latest: num(80), Previous: num(80)}}, ObjectiveAtRisk, true},
		{"worse, lower is better", day(2026, 12, 31), []Reading{{Metric: lower, Latest: num(3), Previous: num(2)}}, ObjectiveAtRisk, true},
		{"due soon", day(2026, 6, 20), []Reading{{Metric: higher, Latest: num(80), Previous: num(70)}}, ObjectiveAtRisk, true},
		{"due today", day(2026, 6, 1), []Reading{{Metric: higher, Latest: num(80), Previous: num(70)}}, ObjectiveAtRisk, true},
		{"past due", day(2026, 5, 30), []Reading{{Metric: higher, Latest: num(80), Previous: num(70)}}, ObjectiveMissed, true},
		{"past due but met", day(2026, 5, 30), []Reading{{Metric: higher, Latest: num(95)}}, ObjectiveAchieved, true},
		{"worst decides", day(2026, 12, 31), []Reading{{Metric: higher, Latest: num(95)}, {Metric: lower, Latest: num(2), Previous: num(1)},
			{Metric: higher, Latest: num(85), Previous: num(80)}}, ObjectiveAtRisk, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DeriveStatus(tt.due, now, tt.readings)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("DeriveStatus = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMetricValidate(t *testing.T) {
	num := func(v float64) *float64 { return &v }
	ok := Metric{Key: "ai-training", Name: "AI security training", Unit: "%", Direction: HigherIsBetter, Source: MetricManual, Target: num(100)}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid metric: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Metric)
		field string
	}{
		{"key with capitals", func(m *Metric) { m.Key = "AI" }, "key"},
		{"key ending in hyphen", func(m *Metric) { m.Key = "ai-" }, "key"},
		{"key too short", func(m *Metric) { m.Key = "a" }, "key"},
		{"no name", func(m *Metric) { m.Name = " " }, "name"},
		{"direction", func(m *Metric) { m.Direction = "up" }, "direction"},
		{"source", func(m *Metric) { m.Source = "api" }, "source"},
		{"percentage over 100", func(m *Metric) { m.Target = num(120) }, "target"},
		{"unit too long", func(m *Metric) { m.Unit = "furlongs per fortnight" }, "unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			fields := FieldErrors(m.Validate())
			if len(fields) != 1 || fields[0].Field != tt.field {
				t.Errorf("Validate = %v, want one problem with %s", fields, tt.field)
			}
		})
	}
	if _, err := ParseValue("value", "NaN"); err == nil {
		t.Error("ParseValue accepts NaN")
	}
	if v, err := ParseValue("value", " 12.5 "); err != nil || v != 12.5 || FormatValue(v) != "12.5" {
		t.Errorf("ParseValue(12.5) = %v, %v", v, err)
	}
}

func TestObjectiveValidate(t *testing.T) {
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	o := Objective{Title: "Train everyone", Target: "100% of staff", OwnerID: "m1", DueDate: &due, Status: ObjectiveOnTrack}
	if err := o.Validate(); err != nil {
		t.Fatalf("valid objective: %v", err)
	}
	o.Target, o.DueDate, o.Status = "", nil, "fine"
	got := map[string]bool{}
	for _, f := range FieldErrors(o.Validate()) {
		got[f.Field] = true
	}
	for _, f := range []string{"target", "due_date", "status"} {
		if !got[f] {
			t.Errorf("no problem with %s: %v", f, got)
		}
	}
	if o.RefNum = 7; o.Ref() != "OBJ-007" {
		t.Errorf("Ref = %s", o.Ref())
	}
}
