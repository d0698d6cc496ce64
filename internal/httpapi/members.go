package httpapi

import (
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

type memberJSON struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      isms.Role  `json:"role"`
	ExpiresAt *time.Time `json:"expires_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

func toMemberJSON(m isms.Member) memberJSON {
	return memberJSON{ID: m.ID, UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role,
		ExpiresAt: m.ExpiresAt, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "role", "q", "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	members, next, err := a.svc.ListMembers(r.Context(), acc, isms.MemberFilter{
		Role: isms.Role(q.Get("role")), Query: q.Get("q"), Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		return err
	}
	items := make([]memberJSON, len(members))
	for i, m := range members {
		items[i] = toMemberJSON(m)
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

type memberCreate struct {
	Email     string  `json:"email"`
	Name      string  `json:"name"`
	Role      string  `json:"role"`
	ExpiresAt *string `json:"expires_at"`
	Password  string  `json:"password"`
}

type memberCreated struct {
	memberJSON
	AccountCreated    bool   `json:"account_created"`
	GeneratedPassword string `json:"generated_password,omitempty"`
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in memberCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var expires *time.Time
	if in.ExpiresAt != nil {
		t, err := parseTime("expires_at", *in.ExpiresAt)
		if err != nil {
			return err
		}
		expires = &t
	}
	added, err := a.svc.AddMember(r.Context(), acc, app.MemberInput{
		Email: in.Email, Name: in.Name, Role: in.Role, ExpiresAt: expires, Password: in.Password,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/members/"+added.Member.ID)
	return writeJSON(w, http.StatusCreated, memberCreated{
		memberJSON: toMemberJSON(added.Member), AccountCreated: added.AccountCreated, GeneratedPassword: added.GeneratedPassword,
	})
}

func (a *API) getMember(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := a.svc.Member(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toMemberJSON(m))
}

type memberPatch struct {
	Role      optional[string] `json:"role"`
	ExpiresAt optional[string] `json:"expires_at"`
}

func (a *API) patchMember(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in memberPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	current, err := a.svc.Member(r.Context(), acc, id)
	if err != nil {
		return err
	}
	upd := app.MemberUpdate{Role: string(current.Role), ExpiresAt: current.ExpiresAt}
	if in.Role.Set {
		if in.Role.Null {
			return isms.Invalid("role", "cannot be null")
		}
		upd.Role = in.Role.Value
	}
	if in.ExpiresAt.Set {
		upd.ExpiresAt = nil
		if !in.ExpiresAt.Null {
			t, err := parseTime("expires_at", in.ExpiresAt.Value)
			if err != nil {
				return err
			}
			upd.ExpiresAt = &t
		}
	}
	m, err := a.svc.UpdateMember(r.Context(), acc, current.ID, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toMemberJSON(m))
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemoveMember(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
