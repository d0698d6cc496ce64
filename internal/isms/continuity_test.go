package isms

import "testing"

func TestContinuityRules(t *testing.T) {
	minutes := func(n int) *int { return &n }
	for _, tc := range []struct {
		name    string
		minutes *int
		rto     int
		missed  bool
	}{
		{"within", minutes(239), 4, false},
		{"exactly the RTO", minutes(240), 4, false},
		{"a minute over", minutes(241), 4, true},
		{"not measured", nil, 4, false},
		{"no RTO to miss", minutes(9999), 0, false},
	} {
		if got := (ContinuityTest{RecoveryMinutes: tc.minutes}).MissedRTO(tc.rto); got != tc.missed {
			t.Errorf("%s: MissedRTO = %v, want %v", tc.name, got, tc.missed)
		}
	}
	valid := BIA{Name: "Inference", OwnerID: "m1", Criticality: CriticalityHigh, RTOHours: 4, MTPDHours: 24}
	for _, tc := range []struct {
		name  string
		edit  func(*BIA)
		field string
	}{
		{"valid", func(*BIA) {}, ""},
		{"RTO equal to MTPD", func(b *BIA) { b.RTOHours = 24 }, ""},
		{"RTO beyond MTPD", func(b *BIA) { b.RTOHours = 25 }, "rto_hours"},
		{"RTO of zero", func(b *BIA) { b.RTOHours = 0 }, "rto_hours"},
		{"MTPD beyond a year", func(b *BIA) { b.MTPDHours = MaxHours + 1 }, "mtpd_hours"},
		{"rating of 6", func(b *BIA) { b.Impacts[3].Reputational = 6 }, "impacts.72h.reputational"},
	} {
		b := valid
		tc.edit(&b)
		fields := FieldErrors(b.Validate())
		switch {
		case tc.field == "" && len(fields) > 0:
			t.Errorf("%s: %v", tc.name, fields)
		case tc.field != "" && (len(fields) != 1 || fields[0].Field != tc.field):
			t.Errorf("%s: %v, want one problem with %s", tc.name, fields, tc.field)
		}
	}
}
