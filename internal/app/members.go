package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// MemberInput adds a person to an organisation.
type MemberInput struct {
	Email string
	// Name is needed only when the account does not exist yet.
	Name string
	Role string
	// ExpiresAt ends the membership; required for auditors.
	ExpiresAt *time.Time
	// Password is the new account's first password. When empty for a new
	// account, one is generated and returned once. It is never applied to
	// an account that already exists: that password belongs to its owner.
	Password string
}

// MemberAdded is the outcome of AddMember.
type MemberAdded struct {
	Member isms.Member
	// AccountCreated is true when the email had no account before.
	AccountCreated bool
	// GeneratedPassword is the first password of a new account when the
	// input gave none; it is shown once and stored only as a hash.
	GeneratedPassword string
}

// checkGrant enforces who may hand out a role: nobody above their own
// role, and the owner role only by owners.
func checkGrant(a Access, role isms.Role) error {
	if role == isms.RoleOwner && !a.Can(isms.PermManageOwners) {
		return fmt.Errorf("only owners may grant the owner role: %w", isms.ErrForbidden)
	}
	if !a.Role.AtLeast(role) {
		return fmt.Errorf("a %s may not grant the %s role: %w", a.Role, role, isms.ErrForbidden)
	}
	return nil
}

// AddMember makes a person a member, creating their account if needed.
func (s *Service) AddMember(ctx context.Context, a Access, in MemberInput) (MemberAdded, error) {
	if err := a.require(isms.PermManageMembers); err != nil {
		return MemberAdded{}, err
	}
	now := s.now()
	v := &isms.ValidationError{}
	email := isms.NormalizeEmail(v, "email", in.Email)
	role, err := isms.ParseRole("role", in.Role)
	if err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	} else {
		isms.ValidateMembership(v, role, in.ExpiresAt, now)
	}
	if in.Password != "" {
		isms.ValidatePassword(v, "password", in.Password)
	}
	if err := v.Err(); err != nil {
		return MemberAdded{}, err
	}
	if err := checkGrant(a, role); err != nil {
		return MemberAdded{}, err
	}

	// Hash before the transaction: argon2id takes a while, and SQLite's
	// single writer must not wait on it.
	out := MemberAdded{}
	_, _, err = s.db.UserByEmail(ctx, email)
	newAccount := errors.Is(err, isms.ErrNotFound)
	if err != nil && !newAccount {
		return out, err
	}
	var (
		name = in.Name
		hash string
	)
	if newAccount {
		v := &isms.ValidationError{}
		name = isms.NormalizeName(v, "name", in.Name, 200)
		if err := v.Err(); err != nil {
			return out, err
		}
		password := in.Password
		if password == "" {
			password = credential.NewPassword()
			out.GeneratedPassword = password
		}
		if hash, err = s.passwords.Hash(ctx, password); err != nil {
			return out, err
		}
	}

	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		user, _, err := tx.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, isms.ErrNotFound) && newAccount:
			if user, err = tx.CreateUser(ctx, email, name, hash, false); err != nil {
				return err
			}
			out.AccountCreated = true
		case errors.Is(err, isms.ErrNotFound):
			return fmt.Errorf("account %s vanished while being added: %w", email, isms.ErrConflict)
		case err != nil:
			return err
		}
		if _, err := tx.MemberByUser(ctx, a.Org.ID, user.ID); err == nil {
			return &isms.ConflictError{Field: "email", Detail: "is already a member of this organisation"}
		}
		out.Member, err = tx.AddMember(ctx, a.Org.ID, user.ID, role, in.ExpiresAt)
		return err
	})
	if err != nil {
		return MemberAdded{}, fmt.Errorf("add member: %w", err)
	}
	if !out.AccountCreated {
		out.GeneratedPassword = ""
	}
	return out, nil
}

// MemberUpdate changes a membership.
type MemberUpdate struct {
	Role      string
	ExpiresAt *time.Time
}

// UpdateMember changes a member's role or expiry.
func (s *Service) UpdateMember(ctx context.Context, a Access, id string, in MemberUpdate) (isms.Member, error) {
	if err := a.require(isms.PermManageMembers); err != nil {
		return isms.Member{}, err
	}
	v := &isms.ValidationError{}
	role, err := isms.ParseRole("role", in.Role)
	if err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	} else {
		isms.ValidateMembership(v, role, in.ExpiresAt, s.now())
	}
	if err := v.Err(); err != nil {
		return isms.Member{}, err
	}
	if err := checkGrant(a, role); err != nil {
		return isms.Member{}, err
	}
	var m isms.Member
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		current, err := tx.Member(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if current.Role == isms.RoleOwner {
			if err := a.require(isms.PermManageOwners); err != nil {
				return err
			}
			if role != isms.RoleOwner || in.ExpiresAt != nil {
				if err := s.keepAnOwner(ctx, tx, a.Org.ID, current); err != nil {
					return err
				}
			}
		}
		m, err = tx.UpdateMember(ctx, a.Org.ID, id, role, in.ExpiresAt)
		return err
	})
	return m, err
}

// keepAnOwner refuses a change that would leave no active owner: nobody
// could then manage owners again without the command line.
func (s *Service) keepAnOwner(ctx context.Context, tx *store.Tx, orgID string, leaving isms.Member) error {
	n, err := tx.CountActiveOwners(ctx, orgID, s.now())
	if err != nil {
		return err
	}
	if leaving.Active(s.now()) && n <= 1 {
		return &isms.ConflictError{Field: "role", Detail: "cannot be changed: this is the organisation's last owner; make someone else owner first"}
	}
	return nil
}

// RemoveMember ends a membership and revokes the member's API tokens in
// the organisation. Members may always remove themselves, except the last
// owner.
func (s *Service) RemoveMember(ctx context.Context, a Access, id string) error {
	self := a.Member.ID == id && a.Principal.Token == nil
	if !self {
		if err := a.require(isms.PermManageMembers); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		current, err := tx.Member(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if current.Role == isms.RoleOwner {
			if !self {
				if err := a.require(isms.PermManageOwners); err != nil {
					return err
				}
			}
			if err := s.keepAnOwner(ctx, tx, a.Org.ID, current); err != nil {
				return err
			}
		}
		owned, err := tx.CountOwnedBy(ctx, a.Org.ID, current.ID)
		if err != nil {
			return err
		}
		if owned > 0 {
			return &isms.ConflictError{Field: "member", Detail: fmt.Sprintf("owns or looks after %d assets, risks or open actions; hand them to someone else first", owned)}
		}
		if err := tx.RevokeUserTokens(ctx, a.Org.ID, current.UserID); err != nil {
			return err
		}
		// Their staff record stays; only its link to the account goes.
		if err := tx.UnlinkMember(ctx, a.Org.ID, id); err != nil {
			return err
		}
		return tx.RemoveMember(ctx, a.Org.ID, id)
	})
}

// Member returns one member.
func (s *Service) Member(ctx context.Context, a Access, id string) (isms.Member, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.Member{}, err
	}
	return s.db.Member(ctx, a.Org.ID, id)
}

// ListMembers returns a page of members and the cursor of the next page.
func (s *Service) ListMembers(ctx context.Context, a Access, f isms.MemberFilter) ([]isms.Member, string, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, "", err
	}
	if f.Role != "" && !f.Role.IsValid() {
		_, err := isms.ParseRole("role", string(f.Role))
		return nil, "", err
	}
	return listPage(f.Cursor, f.Limit, func(after string, limit int) ([]isms.Member, error) {
		f.Cursor, f.Limit = after, limit
		return s.db.ListMembers(ctx, a.Org.ID, f)
	}, func(m isms.Member) string { return m.Email })
}

// listPage runs a keyset-paginated query: it decodes the cursor, fetches
// one row more than the page to learn whether another page follows, and
// returns the page with the cursor of the next one (empty on the last).
// key gives the sort key of a row, which the next cursor carries.
func listPage[T any](cursor string, limit int, fetch func(after string, limit int) ([]T, error), key func(T) string) ([]T, string, error) {
	after, err := store.DecodeCursor("cursor", cursor)
	if err != nil {
		return nil, "", err
	}
	limit = pageSize(limit)
	rows, err := fetch(after, limit+1)
	if err != nil {
		return nil, "", err
	}
	rows, more := page(rows, limit)
	if !more {
		return rows, "", nil
	}
	return rows, store.EncodeCursor(key(rows[len(rows)-1])), nil
}

// page cuts a list fetched with one row of look-ahead to the page size and
// reports whether more rows follow.
func page[T any](rows []T, limit int) ([]T, bool) {
	if len(rows) > limit {
		return rows[:limit], true
	}
	return rows, false
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return store.DefaultLimit
	case n > store.MaxLimit:
		return store.MaxLimit
	}
	return n
}
