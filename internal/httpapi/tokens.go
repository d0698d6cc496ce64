package httpapi

import (
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

type tokenJSON struct {
	ID         string           `json:"id"`
	UserID     string           `json:"user_id"`
	UserEmail  string           `json:"user_email"`
	Name       string           `json:"name"`
	Role       isms.Role        `json:"role"`
	Prefix     string           `json:"prefix"`
	Status     isms.TokenStatus `json:"status"`
	ExpiresAt  time.Time        `json:"expires_at"`
	CreatedAt  time.Time        `json:"created_at"`
	RevokedAt  *time.Time       `json:"revoked_at"`
	LastUsedAt *time.Time       `json:"last_used_at"`
}

func toTokenJSON(t isms.APIToken, now time.Time) tokenJSON {
	return tokenJSON{ID: t.ID, UserID: t.UserID, UserEmail: t.UserEmail, Name: t.Name, Role: t.Role, Prefix: t.Prefix,
		Status: t.Status(now), ExpiresAt: t.ExpiresAt, CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "status", "user_id", "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	tokens, next, err := a.svc.ListTokens(r.Context(), acc, isms.TokenFilter{
		Status: isms.TokenStatus(q.Get("status")), UserID: q.Get("user_id"), Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		return err
	}
	now := a.now()
	items := make([]tokenJSON, len(tokens))
	for i, t := range tokens {
		items[i] = toTokenJSON(t, now)
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (a *API) getToken(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.Token(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toTokenJSON(t, a.now()))
}

// revokeToken ends a token; revoking is the API's DELETE because a token
// cannot come back, though its record stays for the ledger.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.RevokeToken(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toTokenJSON(t, a.now()))
}
