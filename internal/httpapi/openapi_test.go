package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/problem"
	"github.com/isms-dev/isms/internal/router"
)

// loadDoc loads and validates the embedded OpenAPI document.
func loadDoc(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadDoc(t)
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if doc.Info.Title != "isms API" || doc.Info.Version == "" || doc.Info.Description == "" {
		t.Errorf("info = %+v, want title %q, a version and a description", doc.Info, "isms API")
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != Prefix {
		t.Errorf("servers = %v, want the one server %s", doc.Servers, Prefix)
	}

	t.Run("formatted", func(t *testing.T) {
		var compact, indented bytes.Buffer
		if err := json.Compact(&compact, OpenAPIDocument()); err != nil {
			t.Fatal(err)
		}
		if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		indented.WriteByte('\n')
		if !bytes.Equal(indented.Bytes(), OpenAPIDocument()) {
			t.Error("openapi.json is not indented with two spaces as json.Indent would; reformat it")
		}
	})

	t.Run("problem kinds", func(t *testing.T) {
		var documented []string
		for _, v := range doc.Components.Schemas["ProblemKind"].Value.Enum {
			documented = append(documented, v.(string))
		}
		slices.Sort(documented)
		kinds := slices.Sorted(maps.Keys(problem.Kinds))
		if !slices.Equal(documented, kinds) {
			t.Errorf("ProblemKind enum = %v, problem.Kinds = %v", documented, kinds)
		}
	})

	t.Run("every operation is described", func(t *testing.T) {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
					t.Errorf("%s %s lacks an operationId, summary or tag", method, path)
				}
				for code, resp := range op.Responses.Map() {
					if resp.Value.Description == nil || *resp.Value.Description == "" {
						t.Errorf("%s %s response %s has no description", method, path, code)
					}
				}
			}
		}
	})
}

// TestOpenAPIRoutes holds the document's operations against the routes
// the API registers.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadDoc(t)
	documented := make(map[router.Route]bool)
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[router.Route{Method: method, Pattern: Prefix + path}] = true
		}
	}
	rt := router.New()
	New(nil, nil, 0).Register(rt)
	registered := make(map[router.Route]bool)
	for _, r := range rt.Routes() {
		registered[r] = true
		if !documented[r] {
			t.Errorf("route %s is registered but not in openapi.json", r)
		}
	}
	for _, r := range slices.SortedFunc(maps.Keys(documented), func(a, b router.Route) int {
		return strings.Compare(a.String(), b.String())
	}) {
		if !registered[r] {
			t.Errorf("openapi.json describes %s, which the API does not register", r)
		}
	}
}

// exchange is one request and response the validator saw.
type exchange struct {
	method, path string
	// route is the documented operation, as "GET /orgs/{org}".
	route  string
	status int
	// reqErr says how the request breaks the document; nil if it keeps it.
	reqErr error
	// respErr says how the response breaks the document.
	respErr error
	body    []byte
}

func (e exchange) String() string {
	return fmt.Sprintf("%s %s -> %d", e.method, e.path, e.status)
}

// validator checks every exchange of a server against the document.
type validator struct {
	doc    *openapi3.T
	router routers.Router
	mu     sync.Mutex
	seen   []exchange
}

var registerJSONL sync.Once

func newValidator(t testing.TB, doc *openapi3.T) *validator {
	t.Helper()
	rt, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router over openapi.json: %v", err)
	}
	registerJSONL.Do(func() { openapi3filter.RegisterBodyDecoder("application/jsonl", decodeJSONLines) })
	return &validator{doc: doc, router: rt}
}

// decodeJSONLines reads a JSON Lines body as the array of its lines, which
// is how the document describes the export.
func decodeJSONLines(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	lines := []any{}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		var v any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("line %d: %w", len(lines)+1, err)
		}
		lines = append(lines, v)
	}
	return lines, sc.Err()
}

// bearerFormat checks the Authorization header as the security scheme
// describes it, so that a request without a well-formed token breaks the
// document.
func bearerFormat(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || !credential.LooksLikeAPIToken(token) {
		return errors.New("no bearer token of the form isms_ and 43 base64url characters")
	}
	return nil
}

func (v *validator) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    bearerFormat,
	}
}

// wrap returns next behind the validator.
func (v *validator) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ex := exchange{method: r.Method, path: r.URL.RequestURI()}
		route, params, findErr := v.router.FindRoute(r)
		var in *openapi3filter.RequestValidationInput
		if findErr != nil {
			ex.reqErr = fmt.Errorf("no operation in the document: %w", findErr)
		} else {
			ex.route = route.Method + " " + route.Path
			clone := r.Clone(r.Context())
			clone.Body = io.NopCloser(bytes.NewReader(body))
			in = &openapi3filter.RequestValidationInput{Request: clone, PathParams: params, Route: route, Options: v.options()}
			ex.reqErr = openapi3filter.ValidateRequest(r.Context(), in)
		}

		rec := httptest.NewRecorder()
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(rec, r)
		ex.status, ex.body = rec.Code, rec.Body.Bytes()
		if in != nil {
			out := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: v.options(),
			}
			out.SetBodyBytes(rec.Body.Bytes())
			ex.respErr = openapi3filter.ValidateResponse(r.Context(), out)
		} else {
			ex.respErr = errors.New("the response cannot be checked: the request matches no operation")
		}
		v.mu.Lock()
		v.seen = append(v.seen, ex)
		v.mu.Unlock()

		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// check fails t for every exchange that breaks the document: a response
// it does not describe, or a request it refuses that the server accepted.
// It returns the exchanges by documented operation.
func (v *validator) check(t testing.TB) map[string][]exchange {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	byRoute := make(map[string][]exchange)
	for _, ex := range v.seen {
		byRoute[ex.route] = append(byRoute[ex.route], ex)
		if ex.respErr != nil {
			t.Errorf("%s: the response does not match openapi.json: %v\nbody: %s", ex, ex.respErr, ex.body)
		}
		if ex.reqErr != nil && (ex.status < 400 || ex.status >= 500) {
			t.Errorf("%s: openapi.json refuses the request, but the server answered %d: %v", ex, ex.status, ex.reqErr)
		}
	}
	return byRoute
}

// TestOpenAPIRecorded runs every route, with success and failure, against
// a real server and database, and checks every request and response
// against the document.
func TestOpenAPIRecorded(t *testing.T) {
	doc := loadDoc(t)
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		v := newValidator(t, doc)
		f := newFixture(t, fixtureOptions{dialect: db.Dialect(), maxBody: 2048, wrap: v.wrap})
		exerciseAPI(t, f)

		byRoute := v.check(t)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				route := method + " " + path
				var success, failure bool
				failure = !documentsErrors(op)
				statuses := map[int]bool{}
				for _, ex := range byRoute[route] {
					statuses[ex.status] = true
					success = success || ex.status < 300
					failure = failure || ex.status >= 400
				}
				switch {
				case !success:
					t.Errorf("%s was never exercised successfully", route)
				case !failure:
					t.Errorf("%s was never exercised with an error", route)
				}
				var missed []string
				for code := range op.Responses.Map() {
					var n int
					if _, err := fmt.Sscan(code, &n); err == nil && !statuses[n] && n != http.StatusInternalServerError {
						missed = append(missed, code)
					}
				}
				if len(missed) > 0 {
					slices.Sort(missed)
					t.Logf("%s: documented statuses not exercised: %s", route, strings.Join(missed, ", "))
				}
			}
		}
		if t.Failed() {
			return
		}
		t.Logf("%d exchanges match openapi.json", len(v.seen))
	})
}

// documentsErrors reports whether op has any error response.
func documentsErrors(op *openapi3.Operation) bool {
	for code := range op.Responses.Map() {
		if code >= "400" {
			return true
		}
	}
	return false
}

// exerciseAPI calls every route with success and the main failures. The
// statuses are checked here; the shape of every answer is the validator's.
func exerciseAPI(t *testing.T, f *fixture) {
	t.Helper()
	owner, viewer, admin := f.ownerToken, f.viewerToken, f.adminToken
	memberPath := func(id string) string { return "/orgs/acme/members/" + id }
	tokenPath := func(id string) string { return "/orgs/acme/tokens/" + id }
	const missingID = "01890000-0000-7000-8000-000000000000"
	expect := func(req request, want int) response {
		t.Helper()
		res := f.do(t, req)
		if res.status != want {
			t.Errorf("%s %s: status %d, want %d; body %s", req.method, req.path, res.status, want, res.body)
		}
		return res
	}

	// Meta.
	res := expect(request{method: "GET", path: "/openapi.json"}, 200)
	if !bytes.Equal(res.body, OpenAPIDocument()) {
		t.Error("GET /openapi.json does not serve the embedded document")
	}
	expect(request{method: "GET", path: "/problems/invalid-input"}, 200)
	expect(request{method: "GET", path: "/problems/no-such-kind"}, 404)

	// Authentication, on /me.
	var me struct {
		User  userJSON  `json:"user"`
		Token tokenJSON `json:"token"`
		Orgs  []orgJSON `json:"orgs"`
	}
	f.ok(t, request{method: "GET", path: "/me", token: owner}, 200, &me)
	if me.User.Email != "owner@example.com" || len(me.Orgs) != 1 || me.Orgs[0].Slug != "acme" || me.Token.Status != "active" {
		t.Errorf("GET /me = %+v", me)
	}
	expect(request{method: "GET", path: "/me"}, 401)
	expect(request{method: "GET", path: "/me", token: "isms_tooshort"}, 401)
	expect(request{method: "GET", path: "/me", token: f.expiredToken}, 401)
	expect(request{method: "GET", path: "/me", token: f.revokedToken}, 401)

	// Organisations.
	var orgs list[orgJSON]
	f.ok(t, request{method: "GET", path: "/orgs?limit=10", token: owner}, 200, &orgs)
	if len(orgs.Items) != 1 || orgs.Items[0].Role != "owner" || orgs.NextCursor != "" {
		t.Errorf("GET /orgs = %+v", orgs)
	}
	expect(request{method: "GET", path: "/orgs?limit=0", token: owner}, 400)
	expect(request{method: "GET", path: "/orgs?page=2", token: owner}, 400)
	expect(request{method: "GET", path: "/orgs?cursor=%21%21", token: owner}, 422)
	expect(request{method: "GET", path: "/orgs"}, 401)

	expect(request{method: "GET", path: "/orgs/acme", token: viewer}, 200)
	expect(request{method: "GET", path: "/orgs/globex", token: owner}, 404)
	expect(request{method: "GET", path: "/orgs/no-such-org", token: owner}, 404)
	expect(request{method: "GET", path: "/orgs/acme", token: f.revokedToken}, 401)

	expect(request{method: "PATCH", path: "/orgs/acme", token: admin, body: `{"name": "Acme Ltd"}`}, 200)
	expect(request{method: "PATCH", path: "/orgs/acme", token: viewer, body: `{"name": "Viewer Was Here"}`}, 403)
	expect(request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"slug": "acme2"}`}, 400)
	expect(request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": 7}`}, 400)
	expect(request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": "  "}`}, 422)
	expect(request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": "x"}`, contentType: "text/plain"}, 415)
	expect(request{method: "PATCH", path: "/orgs/acme", token: owner, body: `{"name": "` + strings.Repeat("x", 4000) + `"}`}, 413)
	expect(request{method: "PATCH", path: "/orgs/acme", body: `{"name": "x"}`}, 401)
	expect(request{method: "PATCH", path: "/orgs/globex", token: owner, body: `{"name": "x"}`}, 404)

	// Members.
	var created memberCreated
	res = f.ok(t, request{method: "POST", path: "/orgs/acme/members", token: owner,
		body: memberBody("new.person@example.com", "contributor")}, 201, &created)
	if !created.AccountCreated || created.GeneratedPassword == "" {
		t.Errorf("new account: account_created %v, generated password %q", created.AccountCreated, created.GeneratedPassword)
	}
	if loc := res.header.Get("Location"); loc != Prefix+memberPath(created.ID) {
		t.Errorf("Location = %q", loc)
	}
	var auditor memberCreated
	f.ok(t, request{method: "POST", path: "/orgs/acme/members", token: owner,
		body: memberBody("owner@globex.example", "auditor", fmt.Sprintf(`"expires_at": %q`, inAYear()))}, 201, &auditor)
	if auditor.AccountCreated || auditor.GeneratedPassword != "" || auditor.ExpiresAt == nil {
		t.Errorf("existing account added as auditor: %+v", auditor)
	}
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("viewer@example.com", "viewer")}, 409)
	expect(request{method: "POST", path: "/orgs/acme/members", token: viewer, body: memberBody("x@example.com", "viewer")}, 403)
	expect(request{method: "POST", path: "/orgs/acme/members", token: admin, body: memberBody("x@example.com", "owner")}, 403)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("x@example.com", "auditor")}, 422)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("x@example.com", "wizard")}, 422)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("not an email", "viewer")}, 422)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: `{"email": "x@example.com", "role": `}, 400)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("x@example.com", "viewer", `"team": "red"`)}, 400)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: `{"email": ["x@example.com"], "role": "viewer"}`}, 400)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("x@example.com", "viewer"), contentType: "application/xml"}, 415)
	expect(request{method: "POST", path: "/orgs/acme/members", token: owner, body: memberBody("x@example.com", "viewer", `"password": "`+strings.Repeat("p", 3000)+`"`)}, 413)
	expect(request{method: "POST", path: "/orgs/acme/members", token: f.otherToken, body: memberBody("x@example.com", "viewer")}, 404)
	expect(request{method: "POST", path: "/orgs/acme/members", body: memberBody("x@example.com", "viewer")}, 401)

	var members list[memberJSON]
	f.ok(t, request{method: "GET", path: "/orgs/acme/members?role=viewer&q=VERA&limit=5", token: viewer}, 200, &members)
	if len(members.Items) != 1 || members.Items[0].Email != "viewer@example.com" {
		t.Errorf("members filtered by role and q = %+v", members.Items)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/members?limit=2", token: viewer}, 200, &members)
	if members.NextCursor == "" {
		t.Error("a full page of members has no next_cursor")
	}
	expect(request{method: "GET", path: "/orgs/acme/members?cursor=" + members.NextCursor, token: viewer}, 200)
	expect(request{method: "GET", path: "/orgs/acme/members?role=wizard", token: viewer}, 422)
	expect(request{method: "GET", path: "/orgs/acme/members?limit=ten", token: viewer}, 400)
	expect(request{method: "GET", path: "/orgs/acme/members?sort=email", token: viewer}, 400)
	expect(request{method: "GET", path: "/orgs/acme/members?cursor=%25%25", token: viewer}, 422)
	expect(request{method: "GET", path: "/orgs/globex/members", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/members", token: f.expiredToken}, 401)

	expect(request{method: "GET", path: memberPath(created.ID), token: viewer}, 200)
	expect(request{method: "GET", path: memberPath(missingID), token: viewer}, 404)
	expect(request{method: "GET", path: memberPath(created.ID)}, 401)

	var patched memberJSON
	f.ok(t, request{method: "PATCH", path: memberPath(created.ID), token: admin,
		body: fmt.Sprintf(`{"role": "isms_manager", "expires_at": %q}`, inAYear())}, 200, &patched)
	if patched.Role != "isms_manager" || patched.ExpiresAt == nil {
		t.Errorf("patched member = %+v", patched)
	}
	f.ok(t, request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"expires_at": null}`}, 200, &patched)
	if patched.Role != "isms_manager" || patched.ExpiresAt != nil {
		t.Errorf("member after removing the expiry = %+v", patched)
	}
	expect(request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"role": "wizard"}`}, 422)
	expect(request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"role": null}`}, 422)
	expect(request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"expires_at": "next week"}`}, 422)
	expect(request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"role": "viewer", "colour": "red"}`}, 400)
	expect(request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"role": "viewer"}`, contentType: "text/json"}, 415)
	expect(request{method: "PATCH", path: memberPath(created.ID), token: admin, body: `{"role": "` + strings.Repeat("v", 3000) + `"}`}, 413)
	expect(request{method: "PATCH", path: memberPath(created.ID), token: viewer, body: `{"role": "viewer"}`}, 403)
	expect(request{method: "PATCH", path: memberPath(f.ownerMember.ID), token: owner, body: `{"role": "admin"}`}, 409)
	expect(request{method: "PATCH", path: memberPath(missingID), token: admin, body: `{"role": "viewer"}`}, 404)
	expect(request{method: "PATCH", path: memberPath(created.ID), body: `{"role": "viewer"}`}, 401)

	expect(request{method: "DELETE", path: memberPath(created.ID), token: viewer}, 403)
	expect(request{method: "DELETE", path: memberPath(f.ownerMember.ID), token: owner}, 409)
	expect(request{method: "DELETE", path: memberPath(created.ID), token: admin}, 204)
	expect(request{method: "DELETE", path: memberPath(created.ID), token: admin}, 404)
	expect(request{method: "DELETE", path: memberPath(created.ID)}, 401)

	// Tokens.
	var tokens list[tokenJSON]
	f.ok(t, request{method: "GET", path: "/orgs/acme/tokens", token: owner}, 200, &tokens)
	statuses := map[string]int{}
	for _, tok := range tokens.Items {
		statuses[string(tok.Status)]++
	}
	if statuses["active"] == 0 || statuses["expired"] != 1 || statuses["revoked"] != 1 {
		t.Errorf("token statuses = %v, want active ones, one expired and one revoked", statuses)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/tokens?status=active&user_id=" + f.viewerMember.UserID + "&limit=1", token: owner}, 200, &tokens)
	if len(tokens.Items) != 1 || tokens.Items[0].UserID != f.viewerMember.UserID || tokens.NextCursor == "" {
		t.Errorf("viewer's active tokens, one a page = %+v", tokens)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/tokens", token: viewer}, 200, &tokens)
	for _, tok := range tokens.Items {
		if tok.UserID != f.viewerMember.UserID {
			t.Errorf("a viewer sees the token %s of %s", tok.ID, tok.UserEmail)
		}
	}
	expect(request{method: "GET", path: "/orgs/acme/tokens?status=lost", token: owner}, 422)
	expect(request{method: "GET", path: "/orgs/acme/tokens?limit=-1", token: owner}, 400)
	expect(request{method: "GET", path: "/orgs/acme/tokens?cursor=!", token: owner}, 422)
	expect(request{method: "GET", path: "/orgs/acme/tokens?owner=me", token: owner}, 400)
	expect(request{method: "GET", path: "/orgs/acme/tokens", token: f.otherToken}, 404)
	expect(request{method: "GET", path: "/orgs/acme/tokens"}, 401)

	expect(request{method: "GET", path: tokenPath(f.spareTokenID), token: viewer}, 200)
	expect(request{method: "GET", path: tokenPath(missingID), token: owner}, 404)
	expect(request{method: "GET", path: tokenPath(me.Token.ID), token: viewer}, 404)
	expect(request{method: "GET", path: tokenPath(f.spareTokenID)}, 401)

	var revoked tokenJSON
	f.ok(t, request{method: "DELETE", path: tokenPath(f.spareTokenID), token: viewer}, 200, &revoked)
	if revoked.Status != "revoked" || revoked.RevokedAt == nil {
		t.Errorf("revoked token = %+v", revoked)
	}
	expect(request{method: "DELETE", path: tokenPath(f.spareTokenID), token: owner}, 200)
	expect(request{method: "DELETE", path: tokenPath(me.Token.ID), token: viewer}, 404)
	expect(request{method: "DELETE", path: tokenPath(missingID), token: owner}, 404)
	expect(request{method: "DELETE", path: tokenPath(f.spareTokenID)}, 401)

	// Ledger.
	var entries list[ledger.Entry]
	f.ok(t, request{method: "GET", path: "/orgs/acme/ledger?limit=3", token: viewer}, 200, &entries)
	if len(entries.Items) != 3 || entries.NextCursor == "" {
		t.Fatalf("first ledger page = %+v", entries)
	}
	expect(request{method: "GET", path: "/orgs/acme/ledger?limit=3&cursor=" + entries.NextCursor, token: viewer}, 200)
	f.ok(t, request{method: "GET", path: "/orgs/acme/ledger?record_type=member&action=delete&record_id=" + created.ID + "&actor=token:" + tokenID(t, f, admin), token: viewer}, 200, &entries)
	if len(entries.Items) != 1 || string(entries.Items[0].Content) != "null" {
		t.Errorf("the member's deletion in the ledger = %+v", entries.Items)
	}
	expect(request{method: "GET", path: "/orgs/acme/ledger?action=erase", token: viewer}, 422)
	expect(request{method: "GET", path: "/orgs/acme/ledger?cursor=bm90LWEtbnVtYmVy", token: viewer}, 422)
	expect(request{method: "GET", path: "/orgs/acme/ledger?limit=1.5", token: viewer}, 400)
	expect(request{method: "GET", path: "/orgs/acme/ledger?type=member", token: viewer}, 400)
	expect(request{method: "GET", path: "/orgs/globex/ledger", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/ledger"}, 401)

	var report verifyJSON
	f.ok(t, request{method: "GET", path: "/orgs/acme/ledger/verify", token: viewer}, 200, &report)
	if !report.OK || report.Entries == 0 || report.HeadSeq != report.Entries {
		t.Errorf("verify report = %+v", report)
	}
	expect(request{method: "GET", path: "/orgs/globex/ledger/verify", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/ledger/verify", token: "isms_" + strings.Repeat("A", 43)}, 401)

	res = expect(request{method: "GET", path: "/orgs/acme/ledger/export", token: viewer}, 200)
	if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != "application/jsonl" || !strings.Contains(cd, "ledger-acme.jsonl") {
		t.Errorf("export Content-Type %q, Content-Disposition %q", ct, cd)
	}
	lines := bytes.Split(bytes.TrimSuffix(res.body, []byte("\n")), []byte("\n"))
	if int64(len(lines)) != report.Entries {
		t.Errorf("export has %d lines, the chain %d entries", len(lines), report.Entries)
	}
	var last ledger.Entry
	if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil || last.Seq != report.HeadSeq || last.Hash != report.HeadHash {
		t.Errorf("the export's last line %s is not the chain's head %d %s (%v)", lines[len(lines)-1], report.HeadSeq, report.HeadHash, err)
	}
	res = expect(request{method: "GET", path: "/orgs/globex/ledger/export", token: viewer}, 404)
	if cd := res.header.Get("Content-Disposition"); cd != "" {
		t.Errorf("a failed export still offers a file: Content-Disposition %q", cd)
	}
	expect(request{method: "GET", path: "/orgs/acme/ledger/export"}, 401)
}

// tokenID returns the id of the token whose secret is given.
func tokenID(t *testing.T, f *fixture, secret string) string {
	t.Helper()
	var me struct {
		Token tokenJSON `json:"token"`
	}
	f.ok(t, request{method: "GET", path: "/me", token: secret}, 200, &me)
	return me.Token.ID
}

// captureTB records the errors a check reports instead of failing.
type captureTB struct {
	testing.TB
	errs []string
}

func (c *captureTB) Errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// TestValidatorCatchesDrift makes sure the recorded test cannot pass
// vacuously: answers the document does not describe must be reported.
func TestValidatorCatchesDrift(t *testing.T) {
	doc := loadDoc(t)
	const (
		token  = "isms_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		org    = `{"id": "01890000-0000-7000-8000-000000000000", "slug": "acme", "name": "Acme", "role": "owner", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}`
		notFnd = `{"type": "/api/v1/problems/not-found", "title": "Not Found", "status": 404}`
	)
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		status int
		header http.Header
		answer string
	}{
		{"the baseline passes", "GET", "/orgs/acme", "", 200, nil, org},
		{"missing field", "GET", "/orgs/acme", "", 200, nil, strings.Replace(org, `"role": "owner", `, "", 1)},
		{"extra field", "GET", "/orgs/acme", "", 200, nil, strings.Replace(org, `{`, `{"plan": "gold", `, 1)},
		{"wrong enum", "GET", "/orgs/acme", "", 200, nil, strings.Replace(org, `"owner"`, `"root"`, 1)},
		{"undocumented status", "GET", "/orgs/acme", "", http.StatusTeapot, nil, notFnd},
		{"problem as plain JSON", "GET", "/orgs/acme", "", 404, http.Header{"Content-Type": {"application/json"}}, notFnd},
		{"401 without WWW-Authenticate", "GET", "/orgs/acme", "", 401, nil,
			`{"type": "/api/v1/problems/unauthenticated", "title": "Unauthorized", "status": 401}`},
		{"201 without Location", "POST", "/orgs/acme/members", memberBody("a@example.com", "viewer"), 201, nil, `{}`},
		{"refused request accepted", "PATCH", "/orgs/acme", `{"name": "x", "slug": "y"}`, 200, nil, org},
		{"not a route of the document", "GET", "/orgs/acme/secrets", "", 404, nil, notFnd},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newValidator(t, doc)
			h := v.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				ct := "application/json"
				if tt.status >= 400 {
					ct = problem.MediaType
				}
				w.Header().Set("Content-Type", ct)
				maps.Copy(w.Header(), tt.header)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.answer)
			}))
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req := httptest.NewRequest(tt.method, Prefix+tt.path, body)
			req.Header.Set("Authorization", "Bearer "+token)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			c := &captureTB{TB: t}
			v.check(c)
			if baseline := i == 0; baseline != (len(c.errs) == 0) {
				t.Errorf("check reported %d errors: %q", len(c.errs), c.errs)
			}
		})
	}
}
