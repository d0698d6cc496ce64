package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// Sign-in throttling: within failureWindow, an email gets freeEmailFailures
// wrong passwords and a client address freeAddrFailures (several people
// may share an office address); after that each further attempt waits
// twice as long as the one before, from 30 seconds up to the window.
const (
	failureWindow     = 15 * time.Minute
	freeEmailFailures = 5
	freeAddrFailures  = 50
	firstDelay        = 30 * time.Second
)

// ErrBadCredentials is the one answer to a wrong email or password, so the
// answer does not tell which accounts exist.
var ErrBadCredentials = fmt.Errorf("email or password is wrong: %w", isms.ErrUnauthenticated)

// SignIn checks an email and password from a client address.
func (s *Service) SignIn(ctx context.Context, email, password, clientAddr string) (isms.User, error) {
	email = isms.NormalizeEmail(&isms.ValidationError{}, "email", email)
	subjects := []struct {
		key  string
		free int
	}{{"email:" + email, freeEmailFailures}, {"addr:" + clientAddr, freeAddrFailures}}
	now := s.now()
	for _, sub := range subjects {
		n, last, err := s.db.LoginFailures(ctx, sub.key, now.Add(-failureWindow))
		if err != nil {
			return isms.User{}, err
		}
		if wait := throttleDelay(n, sub.free, last, now); wait > 0 {
			return isms.User{}, &isms.ThrottledError{RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
		}
	}

	user, hash, err := s.db.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, isms.ErrNotFound):
		dummy, herr := s.dummyHash()
		if herr != nil {
			return isms.User{}, herr
		}
		_ = s.passwords.Check(ctx, password, dummy)
	case err != nil:
		return isms.User{}, err
	default:
		err = s.passwords.Check(ctx, password, hash)
		if err != nil && !errors.Is(err, credential.ErrMismatch) {
			return isms.User{}, fmt.Errorf("check password of user %s: %w", user.ID, err)
		}
	}
	if err != nil || user.Disabled {
		for _, sub := range subjects {
			if err := s.db.RecordLoginFailure(ctx, sub.key, now); err != nil {
				return isms.User{}, err
			}
		}
		s.log.InfoContext(ctx, "sign-in failed", "client_addr", clientAddr)
		return isms.User{}, ErrBadCredentials
	}
	if err := s.db.ClearLoginFailures(ctx, subjects[0].key); err != nil {
		return isms.User{}, err
	}
	if s.passwords.NeedsRehash(hash) {
		s.upgradeHash(ctx, user, password)
	}
	s.log.InfoContext(ctx, "signed in", "user_id", user.ID)
	return user, nil
}

// upgradeHash re-hashes a password whose hash used older parameters. A
// failure only delays the upgrade to the next sign-in.
func (s *Service) upgradeHash(ctx context.Context, u isms.User, password string) {
	hash, err := s.passwords.Hash(ctx, password)
	if err == nil {
		err = s.db.InTx(ctx, "user:"+u.ID, func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, hash) })
	}
	if err != nil {
		s.log.WarnContext(ctx, "could not upgrade password hash", "user_id", u.ID, "err", err)
	}
}

func throttleDelay(failures, free int, last, now time.Time) time.Duration {
	if failures < free {
		return 0
	}
	delay := firstDelay << min(failures-free, 10)
	delay = min(delay, failureWindow)
	return last.Add(delay).Sub(now)
}

// Session is a signed-in browser with its user.
type Session struct {
	store.Session
	User isms.User
}

// StartSession opens a session for user and returns the cookie secret.
func (s *Service) StartSession(ctx context.Context, user isms.User) (string, Session, error) {
	secret := credential.NewSecret()
	now := s.now()
	sess := store.Session{
		IDHash:     credential.Digest(secret),
		UserID:     user.ID,
		CSRFToken:  credential.NewSecret(),
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(min(s.sessionIdle, s.sessionMax)),
	}
	if orgs, err := s.db.OrgsOfUser(ctx, user.ID, now); err == nil && len(orgs) > 0 {
		sess.OrgID = orgs[0].Org.ID
	}
	if err := s.db.CreateSession(ctx, sess); err != nil {
		return "", Session{}, err
	}
	return secret, Session{Session: sess, User: user}, nil
}

// ResumeSession finds the live session of a cookie secret and extends it.
// It returns isms.ErrUnauthenticated when there is none.
func (s *Service) ResumeSession(ctx context.Context, secret string) (Session, error) {
	now := s.now()
	sess, err := s.db.SessionByHash(ctx, credential.Digest(secret), now)
	if errors.Is(err, isms.ErrNotFound) {
		return Session{}, isms.ErrUnauthenticated
	} else if err != nil {
		return Session{}, err
	}
	user, err := s.db.UserByID(ctx, sess.UserID)
	if err != nil {
		return Session{}, err
	}
	if user.Disabled {
		return Session{}, isms.ErrUnauthenticated
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		expires := now.Add(s.sessionIdle)
		if limit := sess.CreatedAt.Add(s.sessionMax); limit.Before(expires) {
			expires = limit
		}
		if err := s.db.TouchSession(ctx, sess.IDHash, now, expires); err != nil {
			return Session{}, err
		}
		sess.LastSeenAt, sess.ExpiresAt = now, expires
	}
	return Session{Session: sess, User: user}, nil
}

// EndSession signs a browser out.
func (s *Service) EndSession(ctx context.Context, sess Session) error {
	return s.db.DeleteSession(ctx, sess.IDHash)
}

// SwitchOrg remembers the organisation a session works in.
func (s *Service) SwitchOrg(ctx context.Context, sess Session, orgID string) error {
	return s.db.SetSessionOrg(ctx, sess.IDHash, orgID)
}

// Flash stores a one-time message for the session's next page.
func (s *Service) Flash(ctx context.Context, sess Session, msg string) error {
	return s.db.SetFlash(ctx, sess.IDHash, msg)
}

// ChangePassword replaces the signed-in user's password after checking the
// current one, and signs out every other session of the account.
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, next string) error {
	v := &isms.ValidationError{}
	isms.ValidatePassword(v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := s.db.PasswordHash(ctx, sess.UserID)
	if err != nil {
		return err
	}
	if err := s.passwords.Check(ctx, current, hash); err != nil {
		return isms.Invalid("current_password", "is wrong")
	}
	newHash, err := s.passwords.Hash(ctx, next)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, "user:"+sess.UserID, func(tx *store.Tx) error {
		return tx.SetPassword(ctx, sess.UserID, newHash)
	})
	if err != nil {
		return err
	}
	return s.db.DeleteUserSessions(ctx, sess.UserID, sess.IDHash)
}

// SetPasswordByOperator replaces an account's password from the command
// line and signs out all its sessions.
func (s *Service) SetPasswordByOperator(ctx context.Context, p Principal, email, password string) error {
	if p.Operator == "" {
		return isms.ErrForbidden
	}
	v := &isms.ValidationError{}
	email = isms.NormalizeEmail(v, "email", email)
	isms.ValidatePassword(v, "password", password)
	if err := v.Err(); err != nil {
		return err
	}
	u, _, err := s.db.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	hash, err := s.passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, p.Actor(), func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, hash) })
	if err != nil {
		return err
	}
	return s.db.DeleteUserSessions(ctx, u.ID, "")
}

// SetDisabled locks an account out of every organisation at once, or lets
// it back in, from the command line. A disabled account's sessions end
// and its tokens stop working; its history stays.
func (s *Service) SetDisabled(ctx context.Context, p Principal, email string, disabled bool) (isms.User, error) {
	if p.Operator == "" {
		return isms.User{}, isms.ErrForbidden
	}
	u, _, err := s.db.UserByEmail(ctx, isms.NormalizeEmail(&isms.ValidationError{}, "email", email))
	if err != nil {
		return u, err
	}
	u.Disabled = disabled
	if err := s.db.InTx(ctx, p.Actor(), func(tx *store.Tx) error { return tx.UpdateUser(ctx, u) }); err != nil {
		return u, err
	}
	if disabled {
		return u, s.db.DeleteUserSessions(ctx, u.ID, "")
	}
	return u, nil
}

// SetInstanceAdmin grants or withdraws the right to create organisations.
func (s *Service) SetInstanceAdmin(ctx context.Context, p Principal, email string, admin bool) (isms.User, error) {
	if p.Operator == "" {
		return isms.User{}, isms.ErrForbidden
	}
	u, _, err := s.db.UserByEmail(ctx, isms.NormalizeEmail(&isms.ValidationError{}, "email", email))
	if err != nil {
		return u, err
	}
	u.InstanceAdmin = admin
	err = s.db.InTx(ctx, p.Actor(), func(tx *store.Tx) error { return tx.UpdateUser(ctx, u) })
	return u, err
}

// Sweep deletes expired sessions and old sign-in failures, and refreshes
// the database's statistics where they went stale.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	if err := s.db.DeleteExpired(ctx, now, now.Add(-failureWindow)); err != nil {
		return err
	}
	return s.db.Optimize(ctx)
}
