package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/server"
	"github.com/isms-dev/isms/internal/store"
)

const (
	email    = "dana@helix.example"
	password = "correct horse battery staple"
)

type site struct {
	url string
	db  *dbtest.DB
	svc *app.Service
}

func newSite(t *testing.T, cfg config.Config) *site {
	t.Helper()
	return newSiteOn(t, cfg, dbtest.Open(t, store.SQLite), nil)
}

// newSiteOn is newSite on a given database, keeping evidence files in
// files when it is set.
func newSiteOn(t *testing.T, cfg config.Config, db *dbtest.DB, files *evidence.Files) *site {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := app.New(db.DB, log, app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}, Evidence: files})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	op := app.OperatorPrincipal("cli:test")
	if _, err := svc.CreateOrg(ctx, op, app.OrgInput{Slug: "helix-ai", Name: "Helix AI Ltd"}); err != nil {
		t.Fatal(err)
	}
	acc, _ := svc.OpenOrg(ctx, op, "helix-ai")
	if _, err := svc.AddMember(ctx, acc, app.MemberInput{Email: email, Name: "Dana", Role: "owner", Password: password}); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(cfg, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &site{url: ts.URL, db: db, svc: svc}
}

type browser struct {
	t *testing.T
	c *http.Client
	s *site
}

func (s *site) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.s.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (b *browser) login(pw string) (*http.Response, string) {
	b.t.Helper()
	return b.do("POST", "/login", url.Values{"email": {email}, "password": {pw}, "csrf": {b.csrf("/login")}, "next": {"/o/helix-ai/members"}})
}

func (b *browser) post(path, page string, kv ...string) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"csrf": {b.csrf(page)}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return b.do("POST", path, form)
}

func TestSignIn(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)

	resp, body := b.do("POST", "/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "form expired") {
		t.Errorf("sign-in without the form's token: %d", resp.StatusCode)
	}
	resp, body = b.login("wrong password")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "email or password is wrong") {
		t.Errorf("wrong password: %d %q", resp.StatusCode, body)
	}
	resp, _ = b.login(password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/members" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "isms_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure over plain HTTP", session)
	}
	if resp, _ := b.do("GET", "/o/helix-ai/members", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("members page after sign-in: %d", resp.StatusCode)
	}
	resp, _ = b.post("/logout", "/account")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign out: %d", resp.StatusCode)
	}
	// The old cookie no longer opens anything, even if replayed.
	replay := s.browser(t)
	u, _ := url.Parse(s.url)
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "isms_session", Value: session.Value}})
	if resp, _ := replay.do("GET", "/o/helix-ai/members", nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("replayed session after sign-out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSignInIsThrottled(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	for range 5 {
		b.login("wrong password")
	}
	resp, body := b.login(password)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed attempts") {
		t.Errorf("sixth attempt: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestSecureCookies(t *testing.T) {
	cfg := config.Default()
	cfg.SecureCookies = true
	s := newSite(t, cfg)
	resp, page := s.browser(t).do("GET", "/login", nil)
	if h := resp.Header.Get("Strict-Transport-Security"); h == "" {
		t.Error("no HSTS header behind TLS")
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || !cookies[0].Secure {
		t.Fatalf("sign-in form cookie = %+v, want one Secure cookie", cookies)
	}
	// A client does not send Secure cookies over http://, so send the
	// form's cookie by hand.
	form := url.Values{"email": {email}, "password": {password}, "csrf": {csrfField.FindStringSubmatch(page)[1]}}
	req, _ := http.NewRequest("POST", s.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookies[0])
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-isms_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.Secure || session.Path != "/" || session.Domain != "" {
		t.Errorf("sign-in: %d, session cookie %+v; want __Host-isms_session, Secure, Path=/, no Domain", resp.StatusCode, session)
	}
}

func TestMembersAndTokens(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)

	resp, body := b.post("/o/helix-ai/members", "/o/helix-ai/members", "email", "auditor@cb.example", "name", "Audrey", "role", "auditor")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Required for auditors") || !strings.Contains(body, "is required for the auditor role") {
		t.Errorf("auditor without expiry: %d", resp.StatusCode)
	}
	resp, body = b.post("/o/helix-ai/members", "/o/helix-ai/members", "email", "lee@helix.example", "name", "Lee", "role", "viewer")
	pw := regexp.MustCompile(`<code id="new-password">([A-Z2-7]{26})</code>`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusCreated || pw == nil {
		t.Fatalf("new account without a password: %d, generated password shown: %v", resp.StatusCode, pw != nil)
	}
	if _, err := s.svc.SignIn(context.Background(), "lee@helix.example", pw[1], "127.0.0.1"); err != nil {
		t.Errorf("the generated password does not work: %v", err)
	}
	_, list := b.do("GET", "/o/helix-ai/members", nil)
	if strings.Contains(list, pw[1]) {
		t.Error("the generated password is shown again")
	}

	resp, body = b.post("/o/helix-ai/tokens", "/o/helix-ai/tokens", "name", "ci upload", "role", "contributor", "expires", "168h", "user_email", email)
	secret := regexp.MustCompile(`<code id="new-token">(isms_[A-Za-z0-9_-]{43})</code>`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusCreated || secret == nil {
		t.Fatalf("create token: %d, secret shown: %v", resp.StatusCode, secret != nil)
	}
	_, list = b.do("GET", "/o/helix-ai/tokens", nil)
	if strings.Contains(list, secret[1]) || !strings.Contains(list, "ci upload") {
		t.Error("the token list shows the secret, or not the token")
	}
	if _, err := s.svc.AuthenticateToken(context.Background(), secret[1]); err != nil {
		t.Errorf("the token made in the UI does not work: %v", err)
	}
}

func TestLedgerPages(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	_, body := b.do("GET", "/o/helix-ai/ledger/verify", nil)
	if !strings.Contains(body, "Intact.") {
		t.Errorf("verify page of an intact ledger:\n%s", body)
	}
	resp, export := b.do("GET", "/o/helix-ai/ledger/export", nil)
	if ct := resp.Header.Get("Content-Type"); ct != "application/jsonl" {
		t.Errorf("export content type %q", ct)
	}
	var org ledger.Entry
	sc := bufio.NewScanner(strings.NewReader(export))
	v := (*ledger.Verifier)(nil)
	for sc.Scan() {
		var e ledger.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if v == nil {
			v, org = ledger.NewVerifier(e.Chain), e
		}
		v.Add(e)
	}
	if v == nil || !v.Report().OK() || v.Report().Entries != 2 {
		t.Fatalf("exported chain does not verify offline: %+v", v)
	}

	s.db.Tamper(t, `UPDATE organizations SET name = 'Evil Corp' WHERE id = $1`, org.RecordID)
	_, body = b.do("GET", "/o/helix-ai/ledger/verify", nil)
	if !strings.Contains(body, "problem(s) found") || !strings.Contains(body, org.RecordID) || !strings.Contains(body, "record_modified") {
		t.Errorf("verify page after tampering does not name the organisation record:\n%s", body)
	}
	_, body = b.do("GET", "/o/helix-ai/history/organization/"+org.RecordID, nil)
	if !strings.Contains(body, "Helix AI Ltd") {
		t.Error("history page does not show the recorded name")
	}
}
