package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/problem"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// fixture is a real API server over a real database, seeded with two
// organisations and tokens of every standing the tests need.
type fixture struct {
	db  *dbtest.DB
	svc *app.Service
	// files is the evidence file store; nil with noEvidenceStore.
	files *evidence.Files
	// handler is what the server serves: the router behind a request id.
	handler http.Handler
	srv     *httptest.Server
	// clockSkew moves the service's clock forward, in nanoseconds.
	clockSkew atomic.Int64

	org, other isms.Organization
	// operator opens the organisation without roles, for seeding and for
	// checking what the database holds.
	operator app.Access

	ownerMember, viewerMember isms.Member
	// Tokens by the member they act for.
	ownerToken, adminToken, viewerToken, otherToken string
	expiredToken, revokedToken                      string
	// spareTokenID is a token of the viewer that tests may revoke.
	spareTokenID string
}

type fixtureOptions struct {
	dialect dbtest.Dialect
	maxBody int64
	// wrap, if set, wraps the API's handler (after the request id).
	wrap func(http.Handler) http.Handler
	// noEvidenceStore starts the service without an evidence file store.
	noEvidenceStore bool
}

// newFixture seeds the database through the service, as an operator at
// the command line would, and starts the server.
func newFixture(t testing.TB, o fixtureOptions) *fixture {
	t.Helper()
	if o.dialect == "" {
		o.dialect = store.SQLite
	}
	if o.maxBody == 0 {
		o.maxBody = 1 << 20
	}
	f := &fixture{db: dbtest.Open(t, o.dialect)}
	f.db.Now = func() time.Time { return time.Now().Add(time.Duration(f.clockSkew.Load())) }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if !o.noEvidenceStore {
		// A small store, so that the tests can upload a file over its limit.
		var err error
		if f.files, err = evidence.Open(t.TempDir(), 1<<20); err != nil {
			t.Fatalf("open evidence store: %v", err)
		}
	}
	svc, err := app.New(f.db.DB, log, app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}, Evidence: f.files})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	f.svc = svc

	ctx := context.Background()
	op := app.OperatorPrincipal("cli:test")
	f.org = f.mustOrg(t, op, "acme", "Acme")
	f.other = f.mustOrg(t, op, "globex", "Globex")
	if f.operator, err = svc.OpenOrg(ctx, op, "acme"); err != nil {
		t.Fatalf("open acme: %v", err)
	}
	otherAcc, err := svc.OpenOrg(ctx, op, "globex")
	if err != nil {
		t.Fatalf("open globex: %v", err)
	}

	f.ownerMember = f.mustMember(t, f.operator, "owner@example.com", "Olivia Owner", "owner")
	f.mustMember(t, f.operator, "admin@example.com", "Adam Admin", "admin")
	f.viewerMember = f.mustMember(t, f.operator, "viewer@example.com", "Vera Viewer", "viewer")
	f.mustMember(t, otherAcc, "owner@globex.example", "Gary Globex", "owner")

	f.ownerToken = f.mustToken(t, f.operator, "owner@example.com", "owner script", 0).Secret
	f.adminToken = f.mustToken(t, f.operator, "admin@example.com", "admin script", 0).Secret
	f.viewerToken = f.mustToken(t, f.operator, "viewer@example.com", "viewer script", 0).Secret
	f.otherToken = f.mustToken(t, otherAcc, "owner@globex.example", "globex script", 0).Secret
	f.spareTokenID = f.mustToken(t, f.operator, "viewer@example.com", "spare", 0).Token.ID
	revoked := f.mustToken(t, f.operator, "viewer@example.com", "revoked", 0)
	if _, err := svc.RevokeToken(ctx, f.operator, revoked.Token.ID); err != nil {
		t.Fatalf("revoke token: %v", err)
	}
	f.revokedToken = revoked.Secret
	// A token that lives a minute expires when the clock moves on two.
	f.expiredToken = f.mustToken(t, f.operator, "viewer@example.com", "short-lived", time.Minute).Secret
	f.clockSkew.Store(int64(2 * time.Minute))

	api := New(svc, log, o.maxBody)
	rt := router.New()
	api.Register(rt)
	var h http.Handler = rt
	if o.wrap != nil {
		h = o.wrap(h)
	}
	var requests atomic.Int64
	f.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := fmt.Sprintf("test-%d", requests.Add(1))
		h.ServeHTTP(w, r.WithContext(router.WithRequestID(r.Context(), id)))
	})
	f.srv = httptest.NewServer(f.handler)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) mustOrg(t testing.TB, p app.Principal, slug, name string) isms.Organization {
	t.Helper()
	org, err := f.svc.CreateOrg(context.Background(), p, app.OrgInput{Slug: slug, Name: name})
	if err != nil {
		t.Fatalf("create organisation %s: %v", slug, err)
	}
	return org
}

func (f *fixture) mustMember(t testing.TB, acc app.Access, email, name, role string) isms.Member {
	t.Helper()
	added, err := f.svc.AddMember(context.Background(), acc, app.MemberInput{
		Email: email, Name: name, Role: role, Password: "correct horse battery staple",
	})
	if err != nil {
		t.Fatalf("add member %s: %v", email, err)
	}
	return added.Member
}

func (f *fixture) mustToken(t testing.TB, acc app.Access, email, name string, life time.Duration) app.TokenCreated {
	t.Helper()
	tok, err := f.svc.CreateToken(context.Background(), acc, app.TokenInput{Name: name, UserEmail: email, ExpiresIn: life})
	if err != nil {
		t.Fatalf("create token for %s: %v", email, err)
	}
	return tok
}

// request is one API call.
type request struct {
	method, path string
	token        string
	// authorization, if set, is sent as the Authorization header instead
	// of a bearer token.
	authorization string
	// contentType defaults to application/json when there is a body.
	contentType string
	body        string
}

// response is what the server answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req to the running server.
func (f *fixture) do(t testing.TB, req request) response {
	t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	path := req.path
	if !strings.HasPrefix(path, Prefix) {
		path = Prefix + path
	}
	r, err := http.NewRequest(req.method, f.srv.URL+path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, path, err)
	}
	switch {
	case req.authorization != "":
		r.Header.Set("Authorization", req.authorization)
	case req.token != "":
		r.Header.Set("Authorization", "Bearer "+req.token)
	}
	switch {
	case req.contentType != "":
		r.Header.Set("Content-Type", req.contentType)
	case req.body != "":
		r.Header.Set("Content-Type", "application/json")
	}
	res, err := f.srv.Client().Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// ok sends req and decodes the JSON answer into v, failing unless the
// status is want.
func (f *fixture) ok(t testing.TB, req request, want int, v any) response {
	t.Helper()
	res := f.do(t, req)
	if res.status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", req.method, req.path, res.status, want, res.body)
	}
	if v != nil {
		if err := json.Unmarshal(res.body, v); err != nil {
			t.Fatalf("%s %s: decode %s: %v", req.method, req.path, res.body, err)
		}
	}
	return res
}

// decodeProblem checks that res is a problem of status want and returns it.
func decodeProblem(t testing.TB, res response, want int) problem.Problem {
	t.Helper()
	if res.status != want {
		t.Errorf("status %d, want %d; body %s", res.status, want, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != problem.MediaType {
		t.Errorf("Content-Type %q, want %q", ct, problem.MediaType)
	}
	var p problem.Problem
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem body %s: %v", res.body, err)
	}
	if p.Status != res.status {
		t.Errorf("problem status %d, response status %d", p.Status, res.status)
	}
	if !strings.HasPrefix(p.Type, problem.TypeBase) || p.Title == "" || p.Detail == "" {
		t.Errorf("problem lacks type, title or detail: %s", res.body)
	}
	if p.RequestID == "" {
		t.Errorf("problem has no request_id: %s", res.body)
	}
	for _, fe := range p.Errors {
		if fe.Field == "" || fe.Detail == "" {
			t.Errorf("problem names a field error without field or detail: %s", res.body)
		}
	}
	return p
}

// names reports whether the problem's errors name field.
func names(p problem.Problem, field string) bool {
	for _, fe := range p.Errors {
		if fe.Field == field {
			return true
		}
	}
	return false
}

// state is what a failed request must leave as it was.
type state struct {
	Members       int
	Users         int
	OrgHead       store.Head
	InstanceHead  store.Head
	LedgerEntries int64
	// Imports lists the ids of the framework imports the organisation
	// sees; Frameworks, every framework it sees and whether it runs it.
	Imports, Frameworks string
}

func (f *fixture) state(t testing.TB) state {
	t.Helper()
	ctx := context.Background()
	sum, err := f.svc.Summary(ctx, f.operator)
	if err != nil {
		t.Fatalf("summary: %v", err)
	}
	users, err := f.db.CountUsers(ctx)
	if err != nil {
		t.Fatalf("count users: %v", err)
	}
	orgHead, err := f.db.LedgerHead(ctx, f.org.ID)
	if err != nil {
		t.Fatalf("ledger head: %v", err)
	}
	instHead, err := f.db.LedgerHead(ctx, "instance")
	if err != nil {
		t.Fatalf("instance ledger head: %v", err)
	}
	imports, err := f.svc.FrameworkImports(ctx, f.operator)
	if err != nil {
		t.Fatalf("framework imports: %v", err)
	}
	var ids []string
	for _, fi := range imports {
		ids = append(ids, fi.ID)
	}
	views, err := f.svc.Frameworks(ctx, f.operator)
	if err != nil {
		t.Fatalf("frameworks: %v", err)
	}
	var fws []string
	for _, v := range views {
		fws = append(fws, fmt.Sprintf("%s=%t", v.ID, v.Enabled))
	}
	return state{Members: sum.Members, Users: users, OrgHead: orgHead, InstanceHead: instHead, LedgerEntries: sum.LedgerEntries,
		Imports: strings.Join(ids, " "), Frameworks: strings.Join(fws, " ")}
}

// memberBody is a POST members body.
func memberBody(email, role string, extra ...string) string {
	fields := []string{fmt.Sprintf(`"email": %q`, email), fmt.Sprintf(`"role": %q`, role), `"name": "Test Person"`}
	fields = append(fields, extra...)
	return "{" + strings.Join(fields, ", ") + "}"
}

// inAYear is a valid expiry.
func inAYear() string { return time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339) }
