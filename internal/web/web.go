// Package web is the server-rendered user interface of isms: html/template
// pages over the application service, with sign-in, server-side sessions,
// CSRF protection on every form and no inline script, so a strict Content
// Security Policy holds. Templates and assets are embedded in the binary.
package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/problem"
	"github.com/isms-dev/isms/internal/router"
)

// Options configure the UI.
type Options struct {
	// SecureCookies marks cookies Secure (and __Host-) for HTTPS.
	SecureCookies bool
	// BehindProxy takes the client address from X-Forwarded-For.
	BehindProxy bool
}

// UI serves the web pages.
type UI struct {
	svc    *app.Service
	log    *slog.Logger
	opts   Options
	pages  *pages
	assets *assets
	// csrf rejects cross-origin form posts by their Sec-Fetch-Site and
	// Origin headers, before the per-session token is even checked.
	csrf *http.CrossOriginProtection
}

// New parses every template and fingerprints every asset; a broken
// template fails here, at start-up, not on the first request to its page.
func New(svc *app.Service, log *slog.Logger, opts Options) (*UI, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	p, err := parsePages(a)
	if err != nil {
		return nil, err
	}
	return &UI{svc: svc, log: log, opts: opts, pages: p, assets: a, csrf: http.NewCrossOriginProtection()}, nil
}

// Register adds every page to r.
func (u *UI) Register(r *router.Router) {
	r.HandleFunc("GET", "/static/{sum}/{name}", u.assets.serve)
	r.HandleFunc("GET", "/favicon.ico", u.assets.favicon)
	r.HandleFunc("GET", "/login", u.loginPage)
	r.Handle("POST", "/login", u.guard(http.HandlerFunc(u.login)))
	r.Handle("POST", "/logout", u.signedIn(u.logout))
	r.Handle("GET", "/{$}", u.signedIn(u.home))
	r.Handle("GET", "/orgs", u.signedIn(u.orgsPage))
	r.Handle("POST", "/orgs", u.signedIn(u.createOrg))
	r.Handle("GET", "/switch", u.signedIn(u.switchOrg))
	r.Handle("GET", "/account", u.signedIn(u.accountPage))
	r.Handle("POST", "/account/password", u.signedIn(u.changePassword))
	r.Handle("GET", "/o/{org}/{$}", u.inOrg(u.overview))
	r.Handle("GET", "/o/{org}/members", u.inOrg(u.membersPage))
	r.Handle("POST", "/o/{org}/members", u.inOrg(u.addMember))
	r.Handle("GET", "/o/{org}/members/{id}", u.inOrg(u.memberPage))
	r.Handle("POST", "/o/{org}/members/{id}", u.inOrg(u.updateMember))
	r.Handle("POST", "/o/{org}/members/{id}/remove", u.inOrg(u.removeMember))
	r.Handle("GET", "/o/{org}/tokens", u.inOrg(u.tokensPage))
	r.Handle("POST", "/o/{org}/tokens", u.inOrg(u.createToken))
	r.Handle("POST", "/o/{org}/tokens/{id}/revoke", u.inOrg(u.revokeToken))
	r.Handle("GET", "/o/{org}/settings", u.inOrg(u.settingsPage))
	r.Handle("POST", "/o/{org}/settings", u.inOrg(u.updateSettings))
	r.Handle("GET", "/o/{org}/ledger", u.inOrg(u.ledgerPage))
	r.Handle("GET", "/o/{org}/ledger/verify", u.inOrg(u.verifyPage))
	r.Handle("GET", "/o/{org}/ledger/export", u.inOrg(u.exportLedger))
	r.Handle("GET", "/o/{org}/history/{type}/{id}", u.inOrg(u.historyPage))
	r.Handle("GET", "/o/{org}/frameworks", u.inOrg(u.frameworksPage))
	r.Handle("POST", "/o/{org}/frameworks", u.inOrg(u.importFramework))
	r.Handle("GET", "/o/{org}/frameworks/{id}", u.inOrg(u.frameworkPage))
	r.Handle("POST", "/o/{org}/frameworks/{id}/enabled", u.inOrg(u.setFrameworkEnabled))
	r.Handle("GET", "/o/{org}/frameworks/{id}/export", u.inOrg(u.exportFramework))
	r.Handle("GET", "/o/{org}/frameworks/{id}/items/{item...}", u.inOrg(u.itemPage))
	r.Handle("POST", "/o/{org}/framework-imports/{id}/remove", u.inOrg(u.removeFrameworkImport))
	r.Handle("GET", "/o/{org}/framework-search", u.inOrg(u.searchPage))
	u.registerAssetPages(r)
	u.registerRiskPages(r)
	u.registerSoAPages(r)
	u.registerControlPages(r)
	u.registerEvidencePages(r)
	u.registerScanPages(r)
	u.registerNonconformityPages(r)
	u.registerMetricPages(r)
	u.registerDocumentPages(r)
	u.registerReadinessPages(r)
	u.registerObligationPages(r)
	u.registerSupplierPages(r)
	u.registerContinuityPages(r)
	u.registerIncidentPages(r)
	u.registerPeoplePages(r)
	u.registerAccessReviewPages(r)
	u.registerAuditPages(r)
	u.registerReviewPages(r)
	u.registerSelfAssessmentPages(r)
	u.registerCertificationPages(r)
}

// request is what a signed-in handler knows about the request.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	session app.Session
	access  app.Access // zero outside /o/{org}/
}

func (q *request) principal() app.Principal { return app.UserPrincipal(q.session.User) }

type sessionHandler func(q *request) error

// guard applies the cross-origin check to state-changing requests.
func (u *UI) guard(h http.Handler) http.Handler {
	return u.csrf.Handler(h)
}

// signedIn resumes the session from its cookie, checks the form's CSRF
// token on every POST, and sends people without a session to sign in.
func (u *UI) signedIn(h sessionHandler) http.Handler {
	return u.withSession(h, func(q *request) error {
		q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxFormBytes)
		return u.checkCSRF(q)
	})
}

// withSession resumes the session and, for a POST, runs post before h: it
// bounds the body and checks the CSRF token.
func (u *UI) withSession(h sessionHandler, post func(q *request) error) http.Handler {
	return u.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := &request{w: w, r: r}
		err := u.resume(q)
		if err == nil && r.Method == http.MethodPost {
			err = post(q)
		}
		if err == nil {
			err = h(q)
		}
		if err != nil {
			u.fail(q, err)
		}
	}))
}

func (u *UI) inOrg(h sessionHandler) http.Handler {
	return u.signedIn(u.orgScoped(h))
}

// orgScoped opens the organisation the path names for the signed-in
// member, who gets "not found" for one they are not a member of.
func (u *UI) orgScoped(h sessionHandler) sessionHandler {
	return func(q *request) error {
		acc, err := u.svc.OpenOrg(q.r.Context(), q.principal(), q.r.PathValue("org"))
		if err != nil {
			return err
		}
		q.access = acc
		if q.session.OrgID != acc.Org.ID {
			if err := u.svc.SwitchOrg(q.r.Context(), q.session, acc.Org.ID); err != nil {
				return err
			}
			q.session.OrgID = acc.Org.ID
		}
		return h(q)
	}
}

func (u *UI) resume(q *request) error {
	c, err := q.r.Cookie(u.sessionCookieName())
	if err != nil || c.Value == "" {
		return isms.ErrUnauthenticated
	}
	sess, err := u.svc.ResumeSession(q.r.Context(), c.Value)
	if err != nil {
		return err
	}
	q.session = sess
	return nil
}

// errCSRF is a form post without the session's token.
var errCSRF = errors.New("the form is out of date or came from another site; reload the page and try again")

func (u *UI) checkCSRF(q *request) error {
	got := q.r.PostFormValue("csrf")
	if subtle.ConstantTimeCompare([]byte(got), []byte(q.session.CSRFToken)) != 1 {
		return errCSRF
	}
	return nil
}

// fail shows an error page, or sends the visitor to sign in.
func (u *UI) fail(q *request, err error) {
	if errors.Is(err, isms.ErrUnauthenticated) {
		if q.r.Method == http.MethodGet {
			http.Redirect(q.w, q.r, "/login?next="+url.QueryEscape(q.r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		u.ErrorPage(q.w, q.r, http.StatusUnauthorized)
		return
	}
	if errors.Is(err, errCSRF) {
		u.renderError(q.w, q.r, http.StatusForbidden, errCSRF.Error())
		return
	}
	p := problem.From(err)
	if p.Status >= 500 {
		u.log.ErrorContext(q.r.Context(), "page failed", "err", err, "request_id", router.RequestID(q.r.Context()), "path", q.r.URL.Path)
	}
	msg := ""
	if p.Status == http.StatusForbidden {
		msg = "Your role in this organisation does not allow this."
	}
	u.renderError(q.w, q.r, p.Status, msg)
}

// ErrorPage shows the page for an HTTP status.
func (u *UI) ErrorPage(w http.ResponseWriter, r *http.Request, status int) {
	u.renderError(w, r, status, "")
}

func (u *UI) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if msg == "" {
		switch status {
		case http.StatusNotFound:
			msg = "There is no such page, or it belongs to an organisation you are not a member of."
		case http.StatusUnauthorized:
			msg = "Your session has ended. Sign in again."
		case http.StatusMethodNotAllowed:
			msg = "This page cannot be used that way."
		default:
			msg = "Something went wrong on our side. The request id below identifies it in the server's log."
		}
	}
	page := &errorPage{Status: status, StatusText: http.StatusText(status), Message: msg, RequestID: router.RequestID(r.Context())}
	page.Title = fmt.Sprintf("%d %s", status, http.StatusText(status))
	page.Bare = true
	u.pages.render(w, r, status, "error", page, u.log)
}

func (u *UI) sessionCookieName() string {
	if u.opts.SecureCookies {
		// __Host- makes browsers refuse the cookie unless it is Secure,
		// for path / and without a Domain, so a sibling subdomain cannot
		// plant one.
		return "__Host-isms_session"
	}
	return "isms_session"
}

func (u *UI) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: u.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// clientAddr is the address sign-in throttling counts failures against.
func (u *UI) clientAddr(r *http.Request) string {
	if u.opts.BehindProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			parts := strings.Split(fwd, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// redirect answers a form post with a redirect to a page (post, redirect,
// get), with a message for that page.
func (u *UI) redirect(q *request, to, flash string) error {
	if flash != "" {
		if err := u.svc.Flash(q.r.Context(), q.session, flash); err != nil {
			return err
		}
	}
	http.Redirect(q.w, q.r, to, http.StatusSeeOther)
	return nil
}

// orgPath returns a path inside the current organisation.
func (q *request) orgPath(parts ...string) string {
	return "/o/" + q.access.Org.Slug + "/" + strings.Join(parts, "/")
}
