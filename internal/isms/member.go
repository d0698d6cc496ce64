package isms

import "time"

// Member is a user's membership of an organisation, with the role that
// decides what they may do there.
type Member struct {
	ID     string `json:"id"`
	OrgID  string `json:"-"`
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	// ExpiresAt ends the membership; auditors always have one.
	ExpiresAt *time.Time `json:"expires_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Active reports whether the membership still grants access at now.
func (m Member) Active(now time.Time) bool {
	return m.ExpiresAt == nil || now.Before(*m.ExpiresAt)
}

// ValidateMembership checks the role and expiry rules shared by adding and
// changing a member.
func ValidateMembership(v *ValidationError, role Role, expiresAt *time.Time, now time.Time) {
	if role == RoleAuditor && expiresAt == nil {
		v.Add("expires_at", "is required for the auditor role: access for a certification body must end")
	}
	if expiresAt != nil && !expiresAt.After(now) {
		v.Add("expires_at", "must be in the future")
	}
}

// MemberFilter selects members in a list.
type MemberFilter struct {
	Role   Role
	Query  string // part of the email or name
	Cursor string
	Limit  int
}
