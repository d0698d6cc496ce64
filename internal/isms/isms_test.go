package isms

import (
	"errors"
	"testing"
	"time"
)

func TestRoles(t *testing.T) {
	tests := []struct {
		a, b    Role
		min     Role
		atLeast bool
	}{
		{RoleOwner, RoleAdmin, RoleAdmin, true},
		{RoleViewer, RoleAdmin, RoleViewer, false},
		{RoleAuditor, RoleViewer, RoleAuditor, true},
		{RoleViewer, RoleAuditor, RoleAuditor, true},
		{RoleContributor, RoleISMSManager, RoleContributor, false},
	}
	for _, tt := range tests {
		if got := tt.a.Min(tt.b); got != tt.min {
			t.Errorf("%s.Min(%s) = %s, want %s", tt.a, tt.b, got, tt.min)
		}
		if got := tt.a.AtLeast(tt.b); got != tt.atLeast {
			t.Errorf("%s.AtLeast(%s) = %v, want %v", tt.a, tt.b, got, tt.atLeast)
		}
	}
	for _, r := range Roles {
		if !r.Can(PermRead) {
			t.Errorf("%s cannot read", r)
		}
		if r.Label() == string(r) && r != RoleOwner {
			t.Errorf("%s has no label", r)
		}
	}
	if RoleAuditor.Can(PermWriteRecords) || RoleViewer.Can(PermWriteRecords) || RoleContributor.Can(PermManageMembers) {
		t.Error("a read-only role can write")
	}
	if RoleAdmin.Can(PermManageOwners) || !RoleOwner.Can(PermManageOwners) {
		t.Error("only owners manage owners")
	}
	if _, err := ParseRole("role", "boss"); !errors.Is(err, ErrInvalid) || FieldErrors(err)[0].Field != "role" {
		t.Errorf("ParseRole(boss) = %v", err)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name  string
		check func(v *ValidationError)
		field string // "" when valid
	}{
		{"slug", func(v *ValidationError) {
			v.Fields = append(v.Fields, FieldErrors(ValidateSlug("slug", "helix-ai"))...)
		}, ""},
		{"slug upper case", func(v *ValidationError) { v.Fields = append(v.Fields, FieldErrors(ValidateSlug("slug", "Helix"))...) }, "slug"},
		{"slug trailing hyphen", func(v *ValidationError) { v.Fields = append(v.Fields, FieldErrors(ValidateSlug("slug", "helix-"))...) }, "slug"},
		{"email", func(v *ValidationError) { NormalizeEmail(v, "email", " Dana@Helix.Example ") }, ""},
		{"email with name part", func(v *ValidationError) { NormalizeEmail(v, "email", "Dana <dana@helix.example>") }, "email"},
		{"email missing", func(v *ValidationError) { NormalizeEmail(v, "email", "  ") }, "email"},
		{"name", func(v *ValidationError) { NormalizeName(v, "name", " Helix AI ", 10) }, ""},
		{"name too long", func(v *ValidationError) { NormalizeName(v, "name", "Helix AI Ltd", 10) }, "name"},
		{"name with a control character", func(v *ValidationError) { NormalizeName(v, "name", "Helix\x00AI", 10) }, "name"},
		{"name not UTF-8", func(v *ValidationError) { NormalizeName(v, "name", "Helix\xff", 10) }, "name"},
		{"password", func(v *ValidationError) { ValidatePassword(v, "password", "twelve chars") }, ""},
		{"password short", func(v *ValidationError) { ValidatePassword(v, "password", "eleven char") }, "password"},
		{"auditor without expiry", func(v *ValidationError) { ValidateMembership(v, RoleAuditor, nil, time.Now()) }, "expires_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &ValidationError{}
			tt.check(v)
			switch {
			case tt.field == "" && v.Err() != nil:
				t.Errorf("unexpected problem: %v", v)
			case tt.field != "" && (v.Err() == nil || v.Fields[0].Field != tt.field):
				t.Errorf("want a problem with %s, got %v", tt.field, v.Err())
			}
		})
	}
	if got := NormalizeEmail(&ValidationError{}, "email", " Dana@Helix.Example "); got != "dana@helix.example" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func TestStatuses(t *testing.T) {
	now := time.Now()
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	if (Member{ExpiresAt: &past}).Active(now) || !(Member{ExpiresAt: &future}).Active(now) || !(Member{}).Active(now) {
		t.Error("Member.Active")
	}
	tests := []struct {
		tok  APIToken
		want TokenStatus
	}{
		{APIToken{ExpiresAt: future}, TokenActive},
		{APIToken{ExpiresAt: past}, TokenExpired},
		{APIToken{ExpiresAt: now}, TokenExpired},
		{APIToken{ExpiresAt: future, RevokedAt: &past}, TokenRevoked},
	}
	for _, tt := range tests {
		if got := tt.tok.Status(now); got != tt.want {
			t.Errorf("Status = %s, want %s", got, tt.want)
		}
	}
}
