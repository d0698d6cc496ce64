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

// DefaultTokenLifetime is how long a token lives when the request does not
// say.
const DefaultTokenLifetime = 30 * 24 * time.Hour

// TokenInput asks for a new API token.
type TokenInput struct {
	Name string
	// Role defaults to the token owner's role; it may not exceed it.
	Role string
	// ExpiresIn defaults to DefaultTokenLifetime.
	ExpiresIn time.Duration
	// UserEmail makes the token for another member; it needs the
	// manage_tokens permission. Empty means the caller.
	UserEmail string
}

// TokenCreated carries the only copy of a new token's secret.
type TokenCreated struct {
	Token  isms.APIToken
	Secret string
}

// CreateToken makes an API token bound to the organisation and a role.
func (s *Service) CreateToken(ctx context.Context, a Access, in TokenInput) (TokenCreated, error) {
	if err := a.require(isms.PermOwnTokens); err != nil {
		return TokenCreated{}, err
	}
	if a.Principal.Token != nil {
		return TokenCreated{}, fmt.Errorf("create token: a token may not make tokens; sign in instead: %w", isms.ErrForbidden)
	}
	now := s.now()
	v := &isms.ValidationError{}
	name := in.Name
	if name == "" {
		name = "API token"
	}
	name = isms.NormalizeName(v, "name", name, 100)
	if in.ExpiresIn == 0 {
		in.ExpiresIn = DefaultTokenLifetime
	}
	if in.ExpiresIn < time.Minute || in.ExpiresIn > isms.MaxTokenLifetime {
		v.Add("expires_in", "must be between 1 minute and %d days", int(isms.MaxTokenLifetime.Hours()/24))
	}
	var role isms.Role
	if in.Role != "" {
		r, err := isms.ParseRole("role", in.Role)
		if err != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
		}
		role = r
	}
	if err := v.Err(); err != nil {
		return TokenCreated{}, err
	}

	owner := a.Member
	if in.UserEmail != "" && (a.Principal.User == nil || isms.NormalizeEmail(&isms.ValidationError{}, "", in.UserEmail) != a.Principal.User.Email) {
		if err := a.require(isms.PermManageTokens); err != nil {
			return TokenCreated{}, err
		}
		ve := &isms.ValidationError{}
		email := isms.NormalizeEmail(ve, "user_email", in.UserEmail)
		if err := ve.Err(); err != nil {
			return TokenCreated{}, err
		}
		u, _, err := s.db.UserByEmail(ctx, email)
		if err == nil {
			owner, err = s.db.MemberByUser(ctx, a.Org.ID, u.ID)
		}
		if errors.Is(err, isms.ErrNotFound) {
			return TokenCreated{}, isms.Invalid("user_email", "%s is not a member of this organisation", email)
		} else if err != nil {
			return TokenCreated{}, err
		}
	}
	if owner.ID == "" {
		return TokenCreated{}, isms.Invalid("user_email", "name the member the token is for")
	}
	if !owner.Active(now) {
		return TokenCreated{}, isms.Invalid("user_email", "the membership of %s has expired", owner.Email)
	}
	if role == "" {
		role = owner.Role
	}
	if !owner.Role.AtLeast(role) || (role == isms.RoleOwner && owner.Role != isms.RoleOwner) {
		return TokenCreated{}, isms.Invalid("role", "may not exceed the member's role %s", owner.Role)
	}
	if err := checkGrant(a, role); err != nil {
		return TokenCreated{}, err
	}
	expires := now.Add(in.ExpiresIn)
	if owner.ExpiresAt != nil && expires.After(*owner.ExpiresAt) {
		return TokenCreated{}, isms.Invalid("expires_in", "must end by %s, when the membership ends", owner.ExpiresAt.Format(time.RFC3339))
	}

	secret, display := credential.NewAPIToken()
	var out TokenCreated
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		t, err := tx.CreateToken(ctx, isms.APIToken{
			OrgID: a.Org.ID, UserID: owner.UserID, Name: name, Role: role, Prefix: display, ExpiresAt: expires,
		}, credential.Digest(secret))
		out = TokenCreated{Token: t, Secret: secret}
		return err
	})
	if err != nil {
		return TokenCreated{}, fmt.Errorf("create token: %w", err)
	}
	return out, nil
}

// ListTokens lists tokens: all of the organisation's for those who manage
// tokens, otherwise the caller's own.
func (s *Service) ListTokens(ctx context.Context, a Access, f isms.TokenFilter) ([]isms.APIToken, string, error) {
	if err := a.require(isms.PermOwnTokens); err != nil {
		return nil, "", err
	}
	if !a.Can(isms.PermManageTokens) {
		f.UserID = a.userID()
	}
	switch f.Status {
	case "", isms.TokenActive, isms.TokenExpired, isms.TokenRevoked:
	default:
		return nil, "", isms.Invalid("status", "%q is not a token status; use active, expired or revoked", f.Status)
	}
	return listPage(f.Cursor, f.Limit, func(after string, limit int) ([]isms.APIToken, error) {
		f.Cursor, f.Limit = after, limit
		return s.db.ListTokens(ctx, a.Org.ID, f, s.now())
	}, func(t isms.APIToken) string { return t.ID })
}

// Token returns one token, under the same visibility rules as ListTokens.
func (s *Service) Token(ctx context.Context, a Access, id string) (isms.APIToken, error) {
	if err := a.require(isms.PermOwnTokens); err != nil {
		return isms.APIToken{}, err
	}
	t, err := s.db.Token(ctx, a.Org.ID, id)
	if err != nil {
		return t, err
	}
	if t.UserID != a.userID() && !a.Can(isms.PermManageTokens) {
		return isms.APIToken{}, fmt.Errorf("token %s: %w", id, isms.ErrNotFound)
	}
	return t, nil
}

// RevokeToken ends a token at once.
func (s *Service) RevokeToken(ctx context.Context, a Access, id string) (isms.APIToken, error) {
	if _, err := s.Token(ctx, a, id); err != nil {
		return isms.APIToken{}, err
	}
	var t isms.APIToken
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		t, err = tx.RevokeToken(ctx, a.Org.ID, id)
		return err
	})
	return t, err
}

// AuthenticateToken returns the principal of a bearer token, or
// isms.ErrUnauthenticated when it is unknown, expired or revoked, or its
// account is disabled.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (Principal, error) {
	if !credential.LooksLikeAPIToken(secret) {
		return Principal{}, fmt.Errorf("malformed token: %w", isms.ErrUnauthenticated)
	}
	t, err := s.db.TokenBySecretHash(ctx, credential.Digest(secret))
	if errors.Is(err, isms.ErrNotFound) {
		return Principal{}, fmt.Errorf("unknown token: %w", isms.ErrUnauthenticated)
	} else if err != nil {
		return Principal{}, err
	}
	if st := t.Status(s.now()); st != isms.TokenActive {
		return Principal{}, fmt.Errorf("token %s is %s: %w", t.ID, st, isms.ErrUnauthenticated)
	}
	u, err := s.db.UserByID(ctx, t.UserID)
	if err != nil {
		return Principal{}, err
	}
	if u.Disabled {
		return Principal{}, fmt.Errorf("account of token %s is disabled: %w", t.ID, isms.ErrUnauthenticated)
	}
	if err := s.db.TouchToken(ctx, t.ID); err != nil {
		s.log.WarnContext(ctx, "could not note token use", "token_id", t.ID, "err", err)
	}
	return Principal{User: &u, Token: &t}, nil
}
