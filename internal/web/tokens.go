package web

import (
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

type tokenForm struct {
	Name, Role, Expires, UserEmail string
}

type tokenRow struct {
	isms.APIToken
	Status isms.TokenStatus
}

type tokensPage struct {
	Page
	Tokens   []tokenRow
	Next     string
	Status   string
	Roles    []isms.Role
	Members  []isms.Member
	Lifetime []lifetime
	Form     tokenForm
	Errors   map[string]string
	Created  *app.TokenCreated
}

type lifetime struct {
	Value, Label string
}

var lifetimes = []lifetime{{"168h", "7 days"}, {"720h", "30 days"}, {"2160h", "90 days"}, {"4320h", "180 days"}, {"8760h", "365 days"}}

func (u *UI) listTokens(q *request, page *tokensPage) error {
	ctx := q.r.Context()
	page.Title, page.Section = "API tokens", "tokens"
	page.Roles = grantable(q.access.Role)
	page.Lifetime = lifetimes
	page.Status = q.r.URL.Query().Get("status")
	tokens, next, err := u.svc.ListTokens(ctx, q.access, isms.TokenFilter{Status: isms.TokenStatus(page.Status), Cursor: q.r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	now := time.Now()
	for _, t := range tokens {
		page.Tokens = append(page.Tokens, tokenRow{APIToken: t, Status: t.Status(now)})
	}
	page.Next = next
	if q.access.Can(isms.PermManageTokens) {
		members, _, err := u.svc.ListMembers(ctx, q.access, isms.MemberFilter{Limit: 200})
		if err != nil {
			return err
		}
		page.Members = members
	}
	return nil
}

func (u *UI) tokensPage(q *request) error {
	page := &tokensPage{Form: tokenForm{Expires: "720h", UserEmail: q.session.User.Email}}
	if err := u.listTokens(q, page); err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "tokens", page)
}

func (u *UI) createToken(q *request) error {
	f := tokenForm{Name: q.r.PostFormValue("name"), Role: q.r.PostFormValue("role"), Expires: q.r.PostFormValue("expires"),
		UserEmail: q.r.PostFormValue("user_email")}
	d, perr := time.ParseDuration(f.Expires)
	var (
		created app.TokenCreated
		err     error
	)
	if perr != nil {
		err = isms.Invalid("expires_in", "choose how long the token lives")
	} else {
		created, err = u.svc.CreateToken(q.r.Context(), q.access, app.TokenInput{Name: f.Name, Role: f.Role, ExpiresIn: d, UserEmail: f.UserEmail})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		page := &tokensPage{Form: f, Errors: fieldMap(fields)}
		if err := u.listTokens(q, page); err != nil {
			return err
		}
		return u.render(q, http.StatusUnprocessableEntity, "tokens", page)
	}
	if err != nil {
		return err
	}
	// The secret exists only in this response.
	page := &tokensPage{Created: &created, Form: tokenForm{Expires: "720h", UserEmail: q.session.User.Email}}
	if err := u.listTokens(q, page); err != nil {
		return err
	}
	return u.render(q, http.StatusCreated, "tokens", page)
}

func (u *UI) revokeToken(q *request) error {
	t, err := u.svc.RevokeToken(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("tokens"), "Token "+t.Name+" ("+t.Prefix+"…) was revoked.")
}
