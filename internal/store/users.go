package store

import (
	"context"
	"fmt"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const userColumns = `id, email, name, instance_admin, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (isms.User, error) {
	var u isms.User
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.InstanceAdmin, &u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)...)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// CreateUser adds an account. The email must already be normalised.
func (tx *Tx) CreateUser(ctx context.Context, email, name, passwordHash string, instanceAdmin bool) (isms.User, error) {
	u := isms.User{ID: NewID(), Email: email, Name: name, InstanceAdmin: instanceAdmin, CreatedAt: tx.now, UpdatedAt: tx.now}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, instance_admin, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		u.ID, u.Email, u.Name, passwordHash, u.InstanceAdmin, false, u.CreatedAt, u.UpdatedAt)
	if err != nil {
		return u, conflict(err, "create user")
	}
	return u, tx.record(ctx, RecordUser, u.ID, ledger.ActionCreate)
}

// SetPassword replaces an account's password hash.
func (tx *Tx) SetPassword(ctx context.Context, userID, passwordHash string) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, passwordHash, tx.now)
	if err := mustAffect(res, err, "set password of user "+userID); err != nil {
		return err
	}
	return tx.record(ctx, RecordUser, userID, ledger.ActionUpdate)
}

// UpdateUser changes an account's name and whether it is disabled.
func (tx *Tx) UpdateUser(ctx context.Context, u isms.User) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET name = $2, disabled = $3, instance_admin = $4, updated_at = $5 WHERE id = $1`,
		u.ID, u.Name, u.Disabled, u.InstanceAdmin, tx.now)
	if err := mustAffect(res, err, "update user "+u.ID); err != nil {
		return err
	}
	return tx.record(ctx, RecordUser, u.ID, ledger.ActionUpdate)
}

// UserByID finds an account.
func (r Reads) UserByID(ctx context.Context, id string) (isms.User, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, notFound(err, "user "+id)
	}
	return u, nil
}

// UserByEmail finds an account and its password hash by normalised email.
func (r Reads) UserByEmail(ctx context.Context, email string) (isms.User, string, error) {
	var hash string
	u, err := scanUser(r.q.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, email), &hash)
	if err != nil {
		return u, "", notFound(err, "user")
	}
	return u, hash, nil
}

// PasswordHash returns an account's password hash.
func (r Reads) PasswordHash(ctx context.Context, userID string) (string, error) {
	var hash string
	if err := r.q.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash); err != nil {
		return "", notFound(err, "user "+userID)
	}
	return hash, nil
}

// ListUsers returns every account of the instance by email, after the
// email afterEmail.
func (r Reads) ListUsers(ctx context.Context, afterEmail string, limit int) ([]isms.User, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE email > $1 ORDER BY email LIMIT $2`,
		afterEmail, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []isms.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers returns how many accounts exist.
func (r Reads) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}
