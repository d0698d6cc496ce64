package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

type userJSON struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

type orgJSON struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Role      isms.Role `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toOrgJSON(o isms.Organization, role isms.Role) orgJSON {
	return orgJSON{ID: o.ID, Slug: o.Slug, Name: o.Name, Role: role, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

type meJSON struct {
	User  userJSON  `json:"user"`
	Token tokenJSON `json:"token"`
	Orgs  []orgJSON `json:"orgs"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request, p app.Principal) error {
	orgs, err := a.svc.MyOrgs(r.Context(), p)
	if err != nil {
		return err
	}
	out := meJSON{User: userJSON{ID: p.User.ID, Email: p.User.Email, Name: p.User.Name}, Orgs: []orgJSON{}}
	if p.Token != nil {
		out.Token = toTokenJSON(*p.Token, a.now())
	}
	for _, om := range orgs {
		out.Orgs = append(out.Orgs, toOrgJSON(om.Org, om.Role))
	}
	return writeJSON(w, http.StatusOK, out)
}

// listOrgs lists the organisations the caller can open, by slug. A token
// opens exactly one.
func (a *API) listOrgs(w http.ResponseWriter, r *http.Request, p app.Principal) error {
	if err := knownQuery(r, "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	after, err := store.DecodeCursor("cursor", r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	orgs, err := a.svc.MyOrgs(r.Context(), p)
	if err != nil {
		return err
	}
	slices.SortFunc(orgs, func(x, y store.OrgMembership) int { return strings.Compare(x.Org.Slug, y.Org.Slug) })
	items := []orgJSON{}
	next := ""
	limit = min(max(limit, 0), store.MaxLimit)
	if limit == 0 {
		limit = store.DefaultLimit
	}
	for _, om := range orgs {
		if om.Org.Slug <= after {
			continue
		}
		if len(items) == limit {
			next = store.EncodeCursor(items[len(items)-1].Slug)
			break
		}
		items = append(items, toOrgJSON(om.Org, om.Role))
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (a *API) getOrg(w http.ResponseWriter, _ *http.Request, acc app.Access) error {
	return writeJSON(w, http.StatusOK, toOrgJSON(acc.Org, acc.Role))
}

type orgPatch struct {
	Name *string `json:"name"`
}

func (a *API) patchOrg(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in orgPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return isms.Invalid("name", "is the only field that can be changed and is missing")
	}
	org, err := a.svc.RenameOrg(r.Context(), acc, *in.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toOrgJSON(org, acc.Role))
}
