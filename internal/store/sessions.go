package store

import (
	"context"
	"fmt"
	"time"
)

// Session is a signed-in browser. The cookie holds a random secret; the
// database holds only its hash, so a copy of the database cannot be used
// to take over sessions.
type Session struct {
	IDHash     string
	UserID     string
	CSRFToken  string
	OrgID      string // the organisation the user last worked in
	Flash      string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, org_id, flash, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, '', $5, $5, $6)`, s.IDHash, s.UserID, s.CSRFToken, nullString(s.OrgID), s.CreatedAt.UTC(), s.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SessionByHash finds a session that has not expired at now.
func (db *DB) SessionByHash(ctx context.Context, idHash string, now time.Time) (Session, error) {
	var (
		s     Session
		orgID *string
	)
	err := db.read.QueryRowContext(ctx, `SELECT id_hash, user_id, csrf_token, org_id, flash, created_at, last_seen_at, expires_at
		FROM sessions WHERE id_hash = $1 AND expires_at > $2`, idHash, now.UTC()).
		Scan(&s.IDHash, &s.UserID, &s.CSRFToken, &orgID, &s.Flash, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if err != nil {
		return s, notFound(err, "session")
	}
	if orgID != nil {
		s.OrgID = *orgID
	}
	return s, nil
}

// TouchSession extends an idle session's life.
func (db *DB) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`,
		idHash, seen.UTC(), expires.UTC())
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// SetSessionOrg remembers the organisation the user works in.
func (db *DB) SetSessionOrg(ctx context.Context, idHash, orgID string) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET org_id = $2 WHERE id_hash = $1`, idHash, orgID); err != nil {
		return fmt.Errorf("set session organisation: %w", err)
	}
	return nil
}

// SetFlash stores a message to show on the next page.
func (db *DB) SetFlash(ctx context.Context, idHash, msg string) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET flash = $2 WHERE id_hash = $1`, idHash, msg); err != nil {
		return fmt.Errorf("set flash: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user except keepHash, after
// a password change or when the account is disabled.
func (db *DB) DeleteUserSessions(ctx context.Context, userID, keepHash string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, keepHash); err != nil {
		return fmt.Errorf("delete sessions of user: %w", err)
	}
	return nil
}

// DeleteExpired removes expired sessions and login failures older than
// failuresBefore.
func (db *DB) DeleteExpired(ctx context.Context, now, failuresBefore time.Time) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now.UTC()); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, failuresBefore.UTC()); err != nil {
		return fmt.Errorf("delete old login failures: %w", err)
	}
	return nil
}

// RecordLoginFailure notes a failed sign-in for subject (an email or a
// client address).
func (db *DB) RecordLoginFailure(ctx context.Context, subject string, at time.Time) error {
	if _, err := db.write.ExecContext(ctx, `INSERT INTO login_failures (subject, at) VALUES ($1, $2)`, subject, at.UTC()); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// LoginFailures counts subject's failures since a time, up to 100, and
// returns the latest one.
func (db *DB) LoginFailures(ctx context.Context, subject string, since time.Time) (int, time.Time, error) {
	// Rows rather than COUNT and MAX: SQLite returns an aggregate of a
	// timestamp column as text, not as a time.
	rows, err := db.read.QueryContext(ctx, `SELECT at FROM login_failures WHERE subject = $1 AND at > $2 ORDER BY at DESC LIMIT 100`,
		subject, since.UTC())
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count login failures: %w", err)
	}
	defer rows.Close()
	var (
		n    int
		last time.Time
	)
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return 0, time.Time{}, fmt.Errorf("count login failures: %w", err)
		}
		if n == 0 {
			last = at.UTC()
		}
		n++
	}
	return n, last, rows.Err()
}

// ClearLoginFailures forgets subject's failures after a good sign-in.
func (db *DB) ClearLoginFailures(ctx context.Context, subject string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE subject = $1`, subject); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
