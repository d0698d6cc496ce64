package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/isms"
)

// The sign-in form has no session to hold its CSRF token, so the token
// travels in a cookie of its own and must come back in the form
// (the double-submit pattern).
const loginCookie = "isms_login"

type loginPage struct {
	Page
	Email string
	Next  string
	Error string
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	u.showLogin(w, r, http.StatusOK, &loginPage{Email: r.URL.Query().Get("email"), Next: safeNext(r.URL.Query().Get("next"))})
}

func (u *UI) showLogin(w http.ResponseWriter, r *http.Request, status int, page *loginPage) {
	token := credential.NewSecret()
	u.setCookie(w, loginCookie, token, 3600)
	page.Title = "Sign in"
	page.Bare = true
	page.CSRF = token
	u.pages.render(w, r, status, "login", page, u.log)
}

// safeNext keeps the post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	page := &loginPage{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	c, err := r.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		page.Error = "The sign-in form expired. Please try again."
		u.showLogin(w, r, http.StatusForbidden, page)
		return
	}
	user, err := u.svc.SignIn(r.Context(), page.Email, r.PostFormValue("password"), u.clientAddr(r))
	var throttled *isms.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(throttled.RetryAfterSeconds))
		page.Error = "Too many failed attempts. Try again in " + strconv.Itoa(throttled.RetryAfterSeconds) + " seconds."
		u.showLogin(w, r, http.StatusTooManyRequests, page)
		return
	case errors.Is(err, isms.ErrUnauthenticated):
		page.Error = "The email or password is wrong."
		u.showLogin(w, r, http.StatusUnauthorized, page)
		return
	case err != nil:
		u.log.ErrorContext(r.Context(), "sign-in failed", "err", err)
		u.ErrorPage(w, r, http.StatusInternalServerError)
		return
	}
	secret, _, err := u.svc.StartSession(r.Context(), user)
	if err != nil {
		u.log.ErrorContext(r.Context(), "start session", "err", err)
		u.ErrorPage(w, r, http.StatusInternalServerError)
		return
	}
	u.setCookie(w, loginCookie, "", -1)
	u.setCookie(w, u.sessionCookieName(), secret, 0)
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

func (u *UI) logout(q *request) error {
	if err := u.svc.EndSession(q.r.Context(), q.session); err != nil {
		return err
	}
	u.setCookie(q.w, u.sessionCookieName(), "", -1)
	http.Redirect(q.w, q.r, "/login", http.StatusSeeOther)
	return nil
}

// home sends people to the organisation they last worked in.
func (u *UI) home(q *request) error {
	orgs, err := u.svc.MyOrgs(q.r.Context(), q.principal())
	if err != nil {
		return err
	}
	for _, om := range orgs {
		if om.Org.ID == q.session.OrgID {
			http.Redirect(q.w, q.r, "/o/"+om.Org.Slug+"/", http.StatusSeeOther)
			return nil
		}
	}
	if len(orgs) == 1 {
		http.Redirect(q.w, q.r, "/o/"+orgs[0].Org.Slug+"/", http.StatusSeeOther)
		return nil
	}
	http.Redirect(q.w, q.r, "/orgs", http.StatusSeeOther)
	return nil
}

type accountPage struct {
	Page
	Errors map[string]string
}

func (u *UI) accountPage(q *request) error {
	return u.render(q, http.StatusOK, "account", &accountPage{Page: Page{Title: "Your account", Section: "account"}})
}

func (u *UI) changePassword(q *request) error {
	err := u.svc.ChangePassword(q.r.Context(), q.session, q.r.PostFormValue("current_password"), q.r.PostFormValue("new_password"))
	if fields := isms.FieldErrors(err); fields != nil {
		return u.render(q, http.StatusUnprocessableEntity, "account", &accountPage{
			Page: Page{Title: "Your account", Section: "account"}, Errors: fieldMap(fields)})
	}
	if err != nil {
		return err
	}
	return u.redirect(q, "/account", "Your password was changed. Your other sessions were signed out.")
}

// fieldMap indexes validation problems by field for the templates.
func fieldMap(fields []isms.FieldError) map[string]string {
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		if _, dup := m[f.Field]; !dup {
			m[f.Field] = f.Detail
		}
	}
	return m
}
