package isms

import (
	"net/mail"
	"strings"
	"time"
)

// User is a person's account on this instance. One account can be a member
// of several organisations, with a role in each.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	// InstanceAdmin may create organisations on this instance; it gives
	// no access to any organisation's records by itself.
	InstanceAdmin bool      `json:"instance_admin"`
	Disabled      bool      `json:"disabled"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// NormalizeEmail lower-cases and checks an address; accounts are found by
// email, so two spellings of one address must not make two accounts.
func NormalizeEmail(v *ValidationError, field, email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		v.Add(field, "is required")
		return email
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		v.Add(field, "%q is not an email address", email)
	}
	return email
}

// MinPasswordLength follows NIST SP 800-63B: length matters, composition
// rules do not.
const MinPasswordLength = 12

// ValidatePassword checks a new password.
func ValidatePassword(v *ValidationError, field, password string) {
	n := len([]rune(password))
	switch {
	case n < MinPasswordLength:
		v.Add(field, "must be at least %d characters", MinPasswordLength)
	case len(password) > 1024:
		v.Add(field, "must be at most 1024 bytes")
	}
}
