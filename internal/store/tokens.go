package store

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const tokenSelect = `SELECT t.id, t.org_id, t.user_id, u.email, t.name, t.role, t.prefix, t.expires_at, t.created_at, t.revoked_at, g.last_used_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN api_token_usage g ON g.token_id = t.id`

func scanToken(row interface{ Scan(...any) error }) (isms.APIToken, error) {
	var (
		t             isms.APIToken
		revoked, used nullTime
	)
	err := row.Scan(&t.ID, &t.OrgID, &t.UserID, &t.UserEmail, &t.Name, &t.Role, &t.Prefix, &t.ExpiresAt, &t.CreatedAt, &revoked, &used)
	t.ExpiresAt, t.CreatedAt = t.ExpiresAt.UTC(), t.CreatedAt.UTC()
	t.RevokedAt, t.LastUsedAt = revoked.ptr(), used.ptr()
	return t, err
}

// CreateToken stores a new API token; only the hash of its secret is kept.
func (tx *Tx) CreateToken(ctx context.Context, t isms.APIToken, secretHash string) (isms.APIToken, error) {
	t.ID = NewID()
	t.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO api_tokens (id, org_id, user_id, name, role, prefix, secret_hash, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.OrgID, t.UserID, t.Name, string(t.Role), t.Prefix, secretHash, t.ExpiresAt, t.CreatedAt)
	if err != nil {
		return t, conflict(err, "create token")
	}
	if err := tx.record(ctx, RecordAPIToken, t.ID, ledger.ActionCreate); err != nil {
		return t, err
	}
	return tx.Token(ctx, t.OrgID, t.ID)
}

// RevokeToken ends a token now. Revoking a revoked token changes nothing.
func (tx *Tx) RevokeToken(ctx context.Context, orgID, id string) (isms.APIToken, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`,
		orgID, id, tx.now)
	if err != nil {
		return isms.APIToken{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return isms.APIToken{}, fmt.Errorf("revoke token %s: %w", id, err)
	} else if n == 1 {
		if err := tx.record(ctx, RecordAPIToken, id, ledger.ActionUpdate); err != nil {
			return isms.APIToken{}, err
		}
	}
	return tx.Token(ctx, orgID, id)
}

// RevokeUserTokens revokes every live token of a user in an organisation,
// when the user leaves it.
func (tx *Tx) RevokeUserTokens(ctx context.Context, orgID, userID string) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id FROM api_tokens WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL`, orgID, userID)
	if err != nil {
		return fmt.Errorf("find tokens to revoke: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("find tokens to revoke: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find tokens to revoke: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.RevokeToken(ctx, orgID, id); err != nil {
			return err
		}
	}
	return nil
}

// Token finds an organisation's token by id.
func (r Reads) Token(ctx context.Context, orgID, id string) (isms.APIToken, error) {
	t, err := scanToken(r.q.QueryRowContext(ctx, tokenSelect+` WHERE t.org_id = $1 AND t.id = $2`, orgID, id))
	if err != nil {
		return t, notFound(err, "token "+id)
	}
	return t, nil
}

// TokenBySecretHash finds the token whose secret hashes to hash.
func (r Reads) TokenBySecretHash(ctx context.Context, hash string) (isms.APIToken, error) {
	t, err := scanToken(r.q.QueryRowContext(ctx, tokenSelect+` WHERE t.secret_hash = $1`, hash))
	if err != nil {
		return t, notFound(err, "token")
	}
	return t, nil
}

// ListTokens returns an organisation's tokens, newest first; f.Cursor is
// the id of the last token of the previous page.
func (r Reads) ListTokens(ctx context.Context, orgID string, f isms.TokenFilter, now time.Time) ([]isms.APIToken, error) {
	w := newWhere()
	w.add("t.org_id = $%d", orgID)
	if f.UserID != "" {
		w.add("t.user_id = $%d", f.UserID)
	}
	switch f.Status {
	case isms.TokenActive:
		w.add("t.revoked_at IS NULL AND t.expires_at > $%d", now)
	case isms.TokenExpired:
		w.add("t.revoked_at IS NULL AND t.expires_at <= $%d", now)
	case isms.TokenRevoked:
		w.add("t.revoked_at IS NOT NULL")
	}
	if f.Cursor != "" {
		w.add("t.id < $%d", f.Cursor)
	}
	limit := w.arg(clampLimit(f.Limit))
	rows, err := r.q.QueryContext(ctx, tokenSelect+` WHERE `+w.sql()+` ORDER BY t.id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []isms.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TouchToken notes that a token was used. It writes at most once a minute
// per token: the time is for people, and a write per API call would make
// reads contend with the single SQLite writer.
func (db *DB) TouchToken(ctx context.Context, id string) error {
	now := db.now()
	_, err := db.write.ExecContext(ctx, `INSERT INTO api_token_usage (token_id, last_used_at) VALUES ($1, $2)
		ON CONFLICT (token_id) DO UPDATE SET last_used_at = excluded.last_used_at
		WHERE api_token_usage.last_used_at < $3`, id, now, now.Add(-time.Minute))
	if err != nil {
		return fmt.Errorf("note use of token %s: %w", id, err)
	}
	return nil
}
