package isms

import (
	"testing"
	"time"
)

func TestNonconformityStage(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { v := t0.AddDate(0, 0, days); return &v }
	yes, no := true, false
	open := CorrectiveAction{DueDate: at(10)}
	done := CorrectiveAction{DueDate: at(10), CompletedAt: at(5)}
	doneLater := CorrectiveAction{DueDate: at(20), CompletedAt: at(9)}
	for _, tc := range []struct {
		name    string
		nc      Nonconformity
		actions []CorrectiveAction
		want    NCStage
	}{
		{"raised", Nonconformity{}, nil, StageOpen},
		{"an action open", Nonconformity{}, []CorrectiveAction{done, open}, StageAction},
		{"all done", Nonconformity{}, []CorrectiveAction{done}, StageVerification},
		{"ineffective after the last action", Nonconformity{VerifiedAt: at(7), Effective: &no}, []CorrectiveAction{done}, StageOpen},
		{"a new action done after an ineffective verification", Nonconformity{VerifiedAt: at(7), Effective: &no},
			[]CorrectiveAction{done, doneLater}, StageVerification},
		{"a new action open after an ineffective verification", Nonconformity{VerifiedAt: at(7), Effective: &no},
			[]CorrectiveAction{done, open}, StageAction},
		{"closed", Nonconformity{VerifiedAt: at(7), Effective: &yes, ClosedAt: at(7)}, []CorrectiveAction{done}, StageClosed},
	} {
		if got := tc.nc.Stage(tc.actions); got != tc.want {
			t.Errorf("%s: stage %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestNonconformityOverdue(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	past, future := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1)
	for _, tc := range []struct {
		name    string
		nc      Nonconformity
		actions []CorrectiveAction
		want    bool
	}{
		{"no dates", Nonconformity{}, nil, false},
		{"past its date", Nonconformity{DueDate: &past}, nil, true},
		{"an action past its date", Nonconformity{DueDate: &future}, []CorrectiveAction{{DueDate: &past}}, true},
		{"a late action done", Nonconformity{}, []CorrectiveAction{{DueDate: &past, CompletedAt: &now}}, false},
		{"closed late", Nonconformity{DueDate: &past, ClosedAt: &now}, nil, false},
	} {
		if got := tc.nc.Overdue(tc.actions, now); got != tc.want {
			t.Errorf("%s: overdue %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNonconformityRef(t *testing.T) {
	if got := (Nonconformity{Kind: KindNonconformity, RefNum: 7}).Ref(); got != "NC-007" {
		t.Errorf("ref = %s", got)
	}
	if got := (Nonconformity{Kind: KindImprovement, RefNum: 1234}).Ref(); got != "OFI-1234" {
		t.Errorf("ref = %s", got)
	}
}
