package isms

import "time"

// APIToken lets a script act for a member in one organisation with a role
// no higher than the member's. Only a hash of the secret is kept.
type APIToken struct {
	ID        string `json:"id"`
	OrgID     string `json:"-"`
	UserID    string `json:"user_id"`
	UserEmail string `json:"user_email"`
	Name      string `json:"name"`
	Role      Role   `json:"role"`
	// Prefix is the start of the secret, shown so people can tell their
	// tokens apart without the secret itself.
	Prefix     string     `json:"prefix"`
	ExpiresAt  time.Time  `json:"expires_at"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// TokenStatus is where a token stands at a moment.
type TokenStatus string

// Token statuses.
const (
	TokenActive  TokenStatus = "active"
	TokenExpired TokenStatus = "expired"
	TokenRevoked TokenStatus = "revoked"
)

// Status returns whether t is usable at now.
func (t APIToken) Status(now time.Time) TokenStatus {
	switch {
	case t.RevokedAt != nil:
		return TokenRevoked
	case !now.Before(t.ExpiresAt):
		return TokenExpired
	}
	return TokenActive
}

// MaxTokenLifetime bounds how long a token may live: a forgotten token in a
// CI secret store should die on its own.
const MaxTokenLifetime = 366 * 24 * time.Hour

// TokenFilter selects tokens in a list.
type TokenFilter struct {
	UserID string
	Status TokenStatus
	Cursor string
	Limit  int
}
