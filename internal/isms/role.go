package isms

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a person may do in one organisation. Roles are ordered by
// rank only for deciding who may grant what; permissions come from the
// table in Can, not from the rank.
type Role string

// The roles of an organisation, from most to least privileged.
const (
	RoleOwner       Role = "owner"
	RoleAdmin       Role = "admin"
	RoleISMSManager Role = "isms_manager"
	RoleContributor Role = "contributor"
	RoleViewer      Role = "viewer"
	// RoleAuditor is for the certification body's auditors: read-only and
	// always with an expiry date.
	RoleAuditor Role = "auditor"
)

// Roles lists every role, most privileged first.
var Roles = []Role{RoleOwner, RoleAdmin, RoleISMSManager, RoleContributor, RoleViewer, RoleAuditor}

// RoleNames returns the roles as strings, for messages and form options.
func RoleNames() []string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return names
}

// ParseRole returns the role named s or a validation error for field.
func ParseRole(field, s string) (Role, error) {
	r := Role(s)
	if !r.IsValid() {
		return "", Invalid(field, "%q is not a role; use one of %s", s, strings.Join(RoleNames(), ", "))
	}
	return r, nil
}

// IsValid reports whether r is one of Roles.
func (r Role) IsValid() bool { return slices.Contains(Roles, r) }

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case RoleOwner:
		return "Owner"
	case RoleAdmin:
		return "Admin"
	case RoleISMSManager:
		return "ISMS manager"
	case RoleContributor:
		return "Contributor"
	case RoleViewer:
		return "Viewer"
	case RoleAuditor:
		return "Auditor"
	}
	return string(r)
}

// rank orders roles for granting: a person can hand out only roles at or
// below their own. Viewer and auditor share a rank: both only read.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 5
	case RoleAdmin:
		return 4
	case RoleISMSManager:
		return 3
	case RoleContributor:
		return 2
	case RoleViewer, RoleAuditor:
		return 1
	}
	return 0
}

// AtLeast reports whether r ranks at or above other.
func (r Role) AtLeast(other Role) bool { return r.rank() >= other.rank() }

// Min returns the less privileged of r and other. A token bound to a role
// never acts above its owner's current role.
func (r Role) Min(other Role) Role {
	if other.rank() < r.rank() {
		return other
	}
	if r == RoleAuditor || other == RoleAuditor {
		// Equal rank with viewer: the auditor role carries the expiry,
		// so keep it.
		return RoleAuditor
	}
	return r
}

// Permission is one kind of action on an organisation's records.
type Permission string

// Permissions checked by the application layer.
const (
	// PermRead: see the organisation's records and their history.
	PermRead Permission = "read"
	// PermWriteRecords: create and change any ISMS record.
	PermWriteRecords Permission = "write_records"
	// PermOwnTokens: create and revoke one's own API tokens.
	PermOwnTokens Permission = "own_tokens"
	// PermManageMembers: add, change and remove members below owner.
	PermManageMembers Permission = "manage_members"
	// PermManageTokens: see and revoke every member's API tokens.
	PermManageTokens Permission = "manage_tokens"
	// PermManageOrg: change the organisation's settings.
	PermManageOrg Permission = "manage_org"
	// PermManageOwners: grant, change and remove the owner role.
	PermManageOwners Permission = "manage_owners"
)

var rolePermissions = map[Role][]Permission{
	RoleOwner:       {PermRead, PermWriteRecords, PermOwnTokens, PermManageMembers, PermManageTokens, PermManageOrg, PermManageOwners},
	RoleAdmin:       {PermRead, PermWriteRecords, PermOwnTokens, PermManageMembers, PermManageTokens, PermManageOrg},
	RoleISMSManager: {PermRead, PermWriteRecords, PermOwnTokens},
	RoleContributor: {PermRead, PermOwnTokens},
	RoleViewer:      {PermRead, PermOwnTokens},
	RoleAuditor:     {PermRead, PermOwnTokens},
}

// Describe says what the permission allows, for messages.
func (p Permission) Describe() string {
	switch p {
	case PermRead:
		return "seeing this organisation's records"
	case PermWriteRecords:
		return "changing ISMS records"
	case PermOwnTokens:
		return "managing one's own API tokens"
	case PermManageMembers:
		return "managing members"
	case PermManageTokens:
		return "managing other members' API tokens"
	case PermManageOrg:
		return "changing the organisation's settings"
	case PermManageOwners:
		return "managing owners"
	}
	return string(p)
}

// Can reports whether r carries permission p.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// String implements fmt.Stringer.
func (r Role) String() string { return string(r) }

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) {
	if !r.IsValid() {
		return nil, fmt.Errorf("invalid role %q", string(r))
	}
	return []byte(r), nil
}
