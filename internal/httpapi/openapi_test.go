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
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/framework"
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
		// OpenAPI has no wildcard for the rest of a path: the document
		// names {item...} as {item}, whose value escapes its slashes.
		r.Pattern = restWildcard.ReplaceAllString(r.Pattern, "{$1}")
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

// restWildcard is a ServeMux wildcard that matches the rest of the path.
var restWildcard = regexp.MustCompile(`\{([a-z]+)\.\.\.\}`)

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
			// The router gives path parameters as they are in the URL,
			// percent-encoded; the document describes their values.
			for name, raw := range params {
				if v, err := url.PathUnescape(raw); err == nil {
					params[name] = v
				}
			}
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

	exerciseFrameworks(t, f)
	exerciseRecords(t, f)
	exerciseSoA(t, f)
	exerciseScans(t, f)
	exerciseNonconformities(t, f)
	exerciseDocuments(t, f)
	exerciseObligations(t, f)
	exerciseSuppliers(t, f)
	exerciseContinuity(t, f)
	exerciseIncidents(t, f)
	exerciseMetrics(t, f)
	exercisePeople(t, f)
	exerciseAccessReviews(t, f)
	exerciseReviews(t, f)
	exerciseAudits(t, f)
	exerciseSelfAssessment(t, f)
}

// testFile reads one of the framework package's example files.
func testFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "framework", "testdata", "files", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mappingsFile maps an item of the custom.yaml example, so that its
// import cannot be removed while this file's is there.
const mappingsFile = `format: isms-mappings/1
id: acme-ai-to-iso
name: Acme AI controls to ISO/IEC 27001:2022
mappings:
  - from: acme-ai-controls:GOV-2
    to: iso27001-2022:A.5.2
    relation: related
    note: the board assigns the roles
`

// oddIDsFile has item ids with slashes, spaces and brackets.
const oddIDsFile = `format: isms-framework/1
id: odd-ids
name: Odd item ids
version: "1"
kind: custom
items:
  - id: SEC/1
    kind: section
    title: Section one
  - id: SEC/1 (a)
    parent: SEC/1
    kind: control
    title: Control a
  - id: SEC/1 (a):2.b
    parent: SEC/1 (a)
    kind: control
    title: Control a, part 2b
`

// instanceFile is a framework imported for the whole instance.
const instanceFile = `format: isms-framework/1
id: group-baseline
name: Group security baseline
version: "1"
kind: custom
items:
  - id: GB-1
    kind: control
    title: Asset owners
`

// exerciseFrameworks calls the framework routes with success and the
// main failures.
func exerciseFrameworks(t *testing.T, f *fixture) {
	t.Helper()
	owner, viewer, admin := f.ownerToken, f.viewerToken, f.adminToken
	const missingID = "01890000-0000-7000-8000-000000000000"
	expect := func(req request, want int) response {
		t.Helper()
		res := f.do(t, req)
		if res.status != want {
			t.Errorf("%s %s: status %d, want %d; body %s", req.method, req.path, res.status, want, res.body)
		}
		return res
	}
	expectField := func(req request, want int, field string) problem.Problem {
		t.Helper()
		p := decodeProblem(t, f.do(t, req), want)
		if !names(p, field) {
			t.Errorf("%s %s: the problem does not name %q: %+v", req.method, req.path, field, p)
		}
		return p
	}
	importReq := func(token, query, contentType, body string) request {
		path := "/orgs/acme/framework-imports"
		if query != "" {
			path += "?" + query
		}
		return request{method: "POST", path: path, token: token, contentType: contentType, body: body}
	}
	if _, _, err := f.svc.ImportInstanceFrameworks(context.Background(), app.OperatorPrincipal("cli:test"),
		app.FrameworkFile{Name: "group.yaml", Data: []byte(instanceFile)}); err != nil {
		t.Fatalf("import for the instance: %v", err)
	}

	// The library.
	var fws list[frameworkJSON]
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks?limit=200", token: viewer}, 200, &fws)
	byID := map[string]frameworkJSON{}
	for _, fw := range fws.Items {
		byID[fw.ID] = fw
	}
	if iso := byID["iso27001-2022"]; !iso.Enabled || !iso.Selectable || iso.Scope != "builtin" || iso.ImportID != nil || iso.Items == 0 || iso.Assessable == 0 {
		t.Errorf("ISO/IEC 27001:2022 in the list = %+v", iso)
	}
	if atlas := byID["mitre-atlas"]; atlas.Kind != "threats" || atlas.Enabled || atlas.Selectable {
		t.Errorf("MITRE ATLAS in the list = %+v", atlas)
	}
	if gb := byID["group-baseline"]; gb.Scope != "instance" || gb.ImportID == nil || gb.Enabled {
		t.Errorf("the instance's framework in the list = %+v", gb)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks?kind=threats&enabled=false", token: viewer}, 200, &fws)
	if len(fws.Items) < 3 || slices.ContainsFunc(fws.Items, func(fw frameworkJSON) bool { return fw.Kind != "threats" }) {
		t.Errorf("threat libraries = %+v", fws.Items)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks?enabled=true", token: viewer}, 200, &fws)
	if len(fws.Items) != 1 || fws.Items[0].ID != "iso27001-2022" {
		t.Errorf("enabled frameworks = %+v", fws.Items)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks?limit=2", token: viewer}, 200, &fws)
	if len(fws.Items) != 2 || fws.NextCursor == "" {
		t.Errorf("first page of two frameworks = %+v", fws)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks?limit=2&cursor=" + fws.NextCursor, token: viewer}, 200)
	expectField(request{method: "GET", path: "/orgs/acme/frameworks?kind=regulation", token: viewer}, 422, "kind")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks?enabled=maybe", token: viewer}, 400, "enabled")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks?sort=name", token: viewer}, 400, "sort")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks?cursor=LTE", token: viewer}, 422, "cursor")
	expect(request{method: "GET", path: "/orgs/acme/frameworks?limit=0", token: viewer}, 400)
	expect(request{method: "GET", path: "/orgs/globex/frameworks", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks"}, 401)

	var fw frameworkJSON
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/owasp-llm-top10-2025", token: viewer}, 200, &fw)
	if fw.ID != "owasp-llm-top10-2025" || fw.Kind != "threats" || fw.Items != 10 {
		t.Errorf("GET the OWASP LLM list = %+v", fw)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks/no-such-framework", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022", token: f.otherToken}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022"}, 401)

	// Switching frameworks on and off.
	f.ok(t, request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{"enabled": true}`}, 200, &fw)
	if !fw.Enabled || fw.ID != "iso42001-2023" {
		t.Errorf("ISO/IEC 42001 after switching it on = %+v", fw)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/iso42001-2023", token: viewer}, 200, &fw)
	if !fw.Enabled {
		t.Error("switching ISO/IEC 42001 on did not last")
	}
	f.ok(t, request{method: "PATCH", path: "/orgs/acme/frameworks/iso27001-2022", token: owner, body: `{"enabled": false}`}, 200, &fw)
	if fw.Enabled {
		t.Errorf("ISO/IEC 27001:2022 after switching it off = %+v", fw)
	}
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/iso27001-2022", token: owner, body: `{"enabled": true}`}, 200)
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/group-baseline", token: owner, body: `{"enabled": true}`}, 200)
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: viewer, body: `{"enabled": false}`}, 403)
	expectField(request{method: "PATCH", path: "/orgs/acme/frameworks/mitre-atlas", token: admin, body: `{"enabled": true}`}, 422, "enabled")
	expectField(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{}`}, 422, "enabled")
	expectField(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{"enabled": null}`}, 422, "enabled")
	expectField(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{"enabled": "yes"}`}, 400, "enabled")
	expectField(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{"enabled": true, "kind": "custom"}`}, 400, "kind")
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{"enabled": true}`, contentType: "application/yaml"}, 415)
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", token: admin, body: `{"enabled": true` + strings.Repeat(" ", 3000) + `}`}, 413)
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/no-such-framework", token: admin, body: `{"enabled": true}`}, 404)
	expect(request{method: "PATCH", path: "/orgs/globex/frameworks/iso42001-2023", token: admin, body: `{"enabled": true}`}, 404)
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/iso42001-2023", body: `{"enabled": true}`}, 401)

	// Export.
	res := expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/export", token: viewer}, 200)
	if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != "application/json" || !strings.Contains(cd, `filename="iso27001-2022.oscal.json"`) {
		t.Errorf("OSCAL export: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	var oscal struct {
		Catalog struct {
			Metadata struct {
				Title string `json:"title"`
			} `json:"metadata"`
		} `json:"catalog"`
	}
	if err := json.Unmarshal(res.body, &oscal); err != nil || oscal.Catalog.Metadata.Title != "ISO/IEC 27001:2022" {
		t.Errorf("OSCAL export: title %q (%v)", oscal.Catalog.Metadata.Title, err)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks/owasp-llm-top10-2025/export?format=oscal", token: viewer}, 200)
	res = expect(request{method: "GET", path: "/orgs/acme/frameworks/owasp-llm-top10-2025/export?format=yaml", token: viewer}, 200)
	if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != "application/yaml" || !strings.Contains(cd, `filename="owasp-llm-top10-2025.yaml"`) {
		t.Errorf("YAML export: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	if file, err := framework.Parse("export.yaml", res.body); err != nil || len(file.Frameworks) != 1 || len(file.Frameworks[0].Items) != 10 {
		t.Errorf("the YAML export does not read back: %v", err)
	}
	expectField(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/export?format=pdf", token: viewer}, 422, "format")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/export?fmt=yaml", token: viewer}, 400, "fmt")
	res = expect(request{method: "GET", path: "/orgs/acme/frameworks/no-such-framework/export", token: viewer}, 404)
	if cd := res.header.Get("Content-Disposition"); cd != "" {
		t.Errorf("a failed export still offers a file: Content-Disposition %q", cd)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/export"}, 401)

	// Items.
	var items list[itemJSON]
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?kind=control&limit=5", token: viewer}, 200, &items)
	if len(items.Items) != 5 || items.NextCursor == "" || items.Items[0].ID != "A.5.1" || items.Items[0].Parent == nil || *items.Items[0].Parent != "A.5" {
		t.Errorf("first five controls = %+v", items)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?kind=control&limit=5&cursor=" + items.NextCursor, token: viewer}, 200)
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?parent=A.5&limit=200", token: viewer}, 200, &items)
	if len(items.Items) != 37 {
		t.Errorf("A.5 has %d children, want 37", len(items.Items))
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?parent=&assessable=false", token: viewer}, 200, &items)
	for _, it := range items.Items {
		if it.Parent != nil || it.Assessable {
			t.Errorf("top-level grouping filter gave %+v", it)
		}
	}
	if len(items.Items) == 0 {
		t.Error("ISO/IEC 27001:2022 has no top-level groupings")
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/owasp-llm-top10-2025/items?q=PROMPT+injection", token: viewer}, 200, &items)
	if len(items.Items) == 0 || items.Items[0].ID != "LLM01:2025" {
		t.Errorf("items about prompt injection = %+v", items.Items)
	}
	expectField(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?kind=widget", token: viewer}, 422, "kind")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?assessable=sometimes", token: viewer}, 400, "assessable")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?title=x", token: viewer}, 400, "title")
	expectField(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items?cursor=eA", token: viewer}, 422, "cursor")
	expect(request{method: "GET", path: "/orgs/acme/frameworks/no-such-framework/items", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items"}, 401)

	var item itemDetailJSON
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/owasp-llm-top10-2025/items/LLM01:2025", token: viewer}, 200, &item)
	if item.ID != "LLM01:2025" || item.Framework != "owasp-llm-top10-2025" || item.Kind != "threat" || len(item.Mappings) == 0 {
		t.Errorf("LLM01:2025 = %+v", item)
	}
	for _, m := range item.Mappings {
		if m.Direction == "out" && m.Framework == "iso27001-2022" && m.Item == "A.8.26" && (m.Relation != "treated_by" || m.RelationLabel != "treated by" || m.Title == "") {
			t.Errorf("the mapping to A.8.26 = %+v", m)
		}
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items/A.8.26", token: viewer}, 200, &item)
	if !slices.ContainsFunc(item.Mappings, func(m mappingJSON) bool {
		return m.Direction == "in" && m.Framework == "owasp-llm-top10-2025" && m.Item == "LLM01:2025" && m.RelationLabel == "treats"
	}) {
		t.Errorf("A.8.26 does not show that LLM01:2025 is treated by it: %+v", item.Mappings)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items/A.5", token: viewer}, 200, &item)
	if len(item.Children) != 37 || item.Children[0] != "A.5.1" || item.Parent != nil {
		t.Errorf("A.5 = %+v", item)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks/mitre-atlas/items/AML.T0051.000", token: viewer}, 200)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items/A.9.99", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/owasp-llm-top10-2025/items/LLM01", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/no-such-framework/items/A.5.1", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/globex/frameworks/iso27001-2022/items/A.5.1", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/iso27001-2022/items/A.5.1"}, 401)

	// Search.
	var hits list[hitJSON]
	f.ok(t, request{method: "GET", path: "/orgs/acme/framework-items?q=prompt+injection", token: viewer}, 200, &hits)
	if !slices.ContainsFunc(hits.Items, func(h hitJSON) bool { return h.ID == "LLM01:2025" && h.FrameworkName != "" }) || hits.NextCursor != "" {
		t.Errorf("search for prompt injection = %+v", hits)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/framework-items?q=access&framework=iso27001-2022&limit=3", token: viewer}, 200, &hits)
	if len(hits.Items) != 3 || slices.ContainsFunc(hits.Items, func(h hitJSON) bool { return h.Framework != "iso27001-2022" }) {
		t.Errorf("three hits in ISO/IEC 27001:2022 = %+v", hits.Items)
	}
	expectField(request{method: "GET", path: "/orgs/acme/framework-items?q=", token: viewer}, 422, "q")
	expectField(request{method: "GET", path: "/orgs/acme/framework-items", token: viewer}, 422, "q")
	expectField(request{method: "GET", path: "/orgs/acme/framework-items?q=access&framework=no-such-framework", token: viewer}, 422, "framework")
	expectField(request{method: "GET", path: "/orgs/acme/framework-items?q=access&limit=many", token: viewer}, 400, "limit")
	expectField(request{method: "GET", path: "/orgs/acme/framework-items?q=access&cursor=AA", token: viewer}, 400, "cursor")
	expect(request{method: "GET", path: "/orgs/globex/framework-items?q=access", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/framework-items?q=access"}, 401)

	// Imports.
	var imports list[importJSON]
	f.ok(t, request{method: "GET", path: "/orgs/acme/framework-imports", token: viewer}, 200, &imports)
	if len(imports.Items) != 1 || imports.Items[0].Scope != "instance" || !slices.Equal(imports.Items[0].Frameworks, []string{"group-baseline"}) {
		t.Errorf("imports before any of the organisation's = %+v", imports)
	}
	instanceImport := imports.Items[0].ID

	custom, ciso, broken := testFile(t, "custom.yaml"), testFile(t, "ciso-library.yaml"), testFile(t, "broken.yaml")
	var check checkJSON
	f.ok(t, importReq(viewer, "name=custom.yaml&dry_run=true", "application/yaml", custom), 200, &check)
	if !check.Valid || !slices.Equal(check.Frameworks, []string{"acme-ai-controls"}) {
		t.Errorf("dry run of custom.yaml = %+v", check)
	}
	f.ok(t, importReq(owner, "name=ciso-library.yaml&dry_run=true", "text/yaml", ciso), 200, &check)
	if !slices.Equal(check.Frameworks, []string{"acme-ai-baseline", "acme-ai-baseline-threats", "acme-ai-baseline-controls"}) || check.Mappings == 0 {
		t.Errorf("dry run of ciso-library.yaml = %+v", check)
	}
	expect(request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls", token: viewer}, 404)

	var customImport importJSON
	res = f.ok(t, importReq(admin, "name=custom.yaml", "application/yaml", custom), 201, &customImport)
	if customImport.FileName != "custom.yaml" || customImport.SourceFormat != "isms" || customImport.Scope != "org" ||
		!slices.Equal(customImport.Frameworks, []string{"acme-ai-controls"}) {
		t.Errorf("import of custom.yaml = %+v", customImport)
	}
	if loc := res.header.Get("Location"); loc != Prefix+"/orgs/acme/framework-imports/"+customImport.ID {
		t.Errorf("Location = %q", loc)
	}
	var cisoImport importJSON
	f.ok(t, importReq(owner, "name=ciso-library.yaml", "application/x-yaml; charset=utf-8", ciso), 201, &cisoImport)
	if cisoImport.SourceFormat != "ciso" || len(cisoImport.Frameworks) != 3 {
		t.Errorf("import of ciso-library.yaml = %+v", cisoImport)
	}
	var copyImport importJSON
	f.ok(t, importReq(owner, "name=copy.yaml&id=acme-ai-controls-copy", "text/plain", custom), 201, &copyImport)
	if !slices.Equal(copyImport.Frameworks, []string{"acme-ai-controls-copy"}) {
		t.Errorf("import under another id = %+v", copyImport)
	}
	var mapImport importJSON
	f.ok(t, importReq(owner, "name=map.yaml", "application/octet-stream", mappingsFile), 201, &mapImport)
	if mapImport.Frameworks == nil || len(mapImport.Frameworks) != 0 {
		t.Errorf("import of mappings only = %+v", mapImport)
	}
	// An OSCAL export reads back as JSON.
	res = expect(request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls/export", token: viewer}, 200)
	var oscalImport importJSON
	f.ok(t, importReq(owner, "name=acme.oscal.json&id=acme-ai-oscal", "application/json", string(res.body)), 201, &oscalImport)
	if oscalImport.SourceFormat != "oscal" || !slices.Equal(oscalImport.Frameworks, []string{"acme-ai-oscal"}) {
		t.Errorf("import of an OSCAL export = %+v", oscalImport)
	}

	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls", token: viewer}, 200, &fw)
	if fw.Scope != "org" || fw.ImportID == nil || *fw.ImportID != customImport.ID || fw.Kind != "custom" || fw.Enabled || !fw.Selectable || fw.Items != 3 {
		t.Errorf("the imported framework = %+v", fw)
	}
	expect(request{method: "PATCH", path: "/orgs/acme/frameworks/acme-ai-controls", token: admin, body: `{"enabled": true}`}, 200)
	expectField(request{method: "PATCH", path: "/orgs/acme/frameworks/acme-ai-baseline-threats", token: admin, body: `{"enabled": true}`}, 422, "enabled")
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls/items/GOV-2", token: viewer}, 200, &item)
	if len(item.Mappings) != 2 || item.Attributes == nil {
		t.Errorf("GOV-2, mapped by its file and by the mappings file = %+v", item)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls/items/GOV-1", token: viewer}, 200, &item)
	if !slices.Equal(item.Attributes["priority"], []string{"high"}) || item.Parent == nil || *item.Parent != "GOV" {
		t.Errorf("GOV-1 = %+v", item)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-baseline/items/models.1", token: viewer}, 200, &item)
	if item.Label != "MODELS.1" || item.Kind != "requirement" {
		t.Errorf("models.1 of the CISO Assistant library = %+v", item)
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/framework-items?q=model+registry", token: viewer}, 200, &hits)
	if !slices.ContainsFunc(hits.Items, func(h hitJSON) bool { return h.Framework == "acme-ai-baseline" }) {
		t.Errorf("search does not find the imported library: %+v", hits.Items)
	}
	res = expect(request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls/export?format=yaml", token: viewer}, 200)
	if !strings.Contains(string(res.body), "iso27001-2022:A.5.1") {
		t.Errorf("the YAML export of an import lacks its mapping:\n%s", res.body)
	}

	// Imports that fail.
	p := decodeProblem(t, f.do(t, importReq(owner, "name=broken.yaml", "application/yaml", broken)), 422)
	for _, field := range []string{"colour", "id", "items[1].id", "items[2].parent", "items[2].kind", "items[3].title", "mappings[1].relation"} {
		if !names(p, field) {
			t.Errorf("the problems of broken.yaml do not name %s: %+v", field, p.Errors)
		}
	}
	for _, fe := range p.Errors {
		if !regexp.MustCompile(`^line [0-9]+: `).MatchString(fe.Detail) {
			t.Errorf("the problem of %s does not give its line: %q", fe.Field, fe.Detail)
		}
	}
	expectField(importReq(owner, "name=broken.yaml&dry_run=true", "text/yaml", broken), 422, "items[2].parent")
	expectField(importReq(owner, "name=custom.yaml", "application/yaml", custom), 422, "id")
	expectField(importReq(owner, "id=Not_An_ID", "application/yaml", custom), 422, "id")
	expectField(importReq(owner, "id=iso27001-2022", "application/yaml", custom), 422, "id")
	expectField(importReq(owner, "id=one-of-three", "application/yaml", ciso), 422, "id")
	expectField(importReq(owner, "", "application/yaml", "format: isms-framework/1\n"), 422, "id")
	expectField(importReq(owner, "dry_run=perhaps", "application/yaml", custom), 400, "dry_run")
	expectField(importReq(owner, "colour=blue", "application/yaml", custom), 400, "colour")
	expect(importReq(viewer, "name=other.yaml&id=viewer-controls", "application/yaml", custom), 403)
	if p := decodeProblem(t, f.do(t, importReq(owner, "", "application/xml", custom)), 415); !strings.Contains(p.Detail, "application/yaml") {
		t.Errorf("the refusal of an XML import does not say what to send: %q", p.Detail)
	}
	expect(importReq(owner, "", "application/x-www-form-urlencoded", custom), 415)
	expect(importReq(owner, "", "application/yaml", strings.Repeat("#", framework.MaxFileSize+1)), 413)
	expect(importReq(f.otherToken, "id=globex-controls", "application/yaml", custom), 404)
	expect(importReq("", "id=anon-controls", "application/yaml", custom), 401)

	f.ok(t, request{method: "GET", path: "/orgs/acme/framework-imports?limit=2", token: viewer}, 200, &imports)
	if len(imports.Items) != 2 || imports.NextCursor == "" || imports.Items[0].ID != instanceImport || imports.Items[1].ID != customImport.ID {
		t.Errorf("first page of imports = %+v", imports)
	}
	expect(request{method: "GET", path: "/orgs/acme/framework-imports?cursor=" + imports.NextCursor, token: viewer}, 200)
	expectField(request{method: "GET", path: "/orgs/acme/framework-imports?limit=-1", token: viewer}, 400, "limit")
	expectField(request{method: "GET", path: "/orgs/acme/framework-imports?scope=org", token: viewer}, 400, "scope")
	expectField(request{method: "GET", path: "/orgs/acme/framework-imports?cursor=eA", token: viewer}, 422, "cursor")
	expect(request{method: "GET", path: "/orgs/globex/framework-imports", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/framework-imports"}, 401)

	// One import, as its Location names it.
	importPath := func(id string) string { return "/orgs/acme/framework-imports/" + id }
	var one importJSON
	f.ok(t, request{method: "GET", path: importPath(customImport.ID), token: viewer}, 200, &one)
	if one.ID != customImport.ID || one.FileName != "custom.yaml" {
		t.Errorf("GET import = %+v", one)
	}
	expect(request{method: "GET", path: importPath(missingID), token: viewer}, 404)
	expect(request{method: "GET", path: importPath(customImport.ID)}, 401)

	// Removal.
	expectField(request{method: "DELETE", path: importPath(customImport.ID), token: owner}, 409, "id")
	expect(request{method: "DELETE", path: importPath(mapImport.ID), token: viewer}, 403)
	expect(request{method: "DELETE", path: importPath(instanceImport), token: owner}, 404)
	expect(request{method: "DELETE", path: importPath(missingID), token: owner}, 404)
	expect(request{method: "DELETE", path: importPath(mapImport.ID), token: f.otherToken}, 404)
	expect(request{method: "DELETE", path: importPath(mapImport.ID)}, 401)
	expect(request{method: "DELETE", path: importPath(mapImport.ID), token: admin}, 204)
	expect(request{method: "DELETE", path: importPath(mapImport.ID), token: admin}, 404)
	expect(request{method: "DELETE", path: importPath(customImport.ID), token: owner}, 204)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls", token: viewer}, 404)
	expect(request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls-copy", token: viewer}, 200)
	// Item ids may hold characters a path segment cannot: they come
	// percent-encoded.
	var odd importJSON
	f.ok(t, importReq(owner, "name=odd.yaml", "application/yaml", oddIDsFile), 201, &odd)
	for _, id := range []string{"SEC/1", "SEC/1 (a)", "SEC/1 (a):2.b"} {
		f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/odd-ids/items/" + url.PathEscape(id), token: viewer}, 200, &item)
		if item.ID != id {
			t.Errorf("GET item %q = %+v", id, item)
		}
	}
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/odd-ids/items?parent=" + url.QueryEscape("SEC/1"), token: viewer}, 200, &items)
	if len(items.Items) != 1 || items.Items[0].ID != "SEC/1 (a)" {
		t.Errorf("children of SEC/1 = %+v", items.Items)
	}

	// Once removed, the file can be imported again, and the choice to
	// run its framework still holds.
	expect(importReq(owner, "name=custom.yaml", "application/yaml", custom), 201)
	f.ok(t, request{method: "GET", path: "/orgs/acme/frameworks/acme-ai-controls", token: viewer}, 200, &fw)
	if !fw.Enabled {
		t.Errorf("the framework imported again is not enabled as before: %+v", fw)
	}
	expectField(importReq(owner, "name="+strings.Repeat("n", 256)+"&dry_run=true", "application/yaml", custom), 422, "name")

	var report verifyJSON
	f.ok(t, request{method: "GET", path: "/orgs/acme/ledger/verify", token: viewer}, 200, &report)
	if !report.OK {
		t.Errorf("the ledger after imports and removals does not verify: %+v", report.Problems)
	}
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
		fwJSON = `{"id": "iso27001-2022", "name": "ISO/IEC 27001:2022", "short_name": "ISO 27001", "version": "2022", "revision": 1, "kind": "standard", "publisher": "ISO", "description": "", "source": "", "licence": "", "items": 127, "assessable": 123, "enabled": true, "selectable": true, "scope": "builtin", "import_id": null}`
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
		{"framework without import_id", "GET", "/orgs/acme/frameworks/iso27001-2022", "", 200, nil, strings.Replace(fwJSON, `, "import_id": null`, "", 1)},
		{"framework of an unknown kind", "GET", "/orgs/acme/frameworks/iso27001-2022", "", 200, nil, strings.Replace(fwJSON, `"standard"`, `"regulation"`, 1)},
		{"export in an undocumented format", "GET", "/orgs/acme/frameworks/iso27001-2022/export", "", 200, http.Header{"Content-Type": {"text/csv"}}, "id,title\n"},
		{"YAML export that is not a framework file", "GET", "/orgs/acme/frameworks/iso27001-2022/export?format=yaml", "", 200, http.Header{"Content-Type": {"application/yaml"}}, "format: isms-framework/1\nid: x\n"},
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
