package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/server"
	"github.com/isms-dev/isms/internal/store"
)

func newServer(t *testing.T, cfg config.Config) (*server.Server, *app.Service, *dbtest.DB) {
	t.Helper()
	db := dbtest.Open(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := app.New(db.DB, log, app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(cfg, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	return srv, svc, db
}

func TestOperationalEndpointsAndFallbacks(t *testing.T) {
	srv, _, _ := newServer(t, config.Default())
	tests := []struct {
		method, path string
		status       int
		contentType  string
		body         string
		allow        string
	}{
		{"GET", "/healthz", 200, "text/plain", "ok", ""},
		{"GET", "/readyz", 200, "text/plain", "ready", ""},
		{"GET", "/metrics", 200, "text/plain", "isms_http_requests_total", ""},
		{"GET", "/api/v1/nothing-here", 404, "application/problem+json", `"status":404`, ""},
		{"PUT", "/api/v1/orgs/acme", 405, "application/problem+json", "method-not-allowed", "GET, PATCH"},
		{"GET", "/no/such/page", 404, "text/html", "There is no such page", ""},
		{"DELETE", "/login", 405, "text/html", "cannot be used that way", "GET, POST"},
		{"GET", "/o/acme/members/%00", 400, "text/html", "400", ""},
		{"GET", "/o/acme/members?q=%ff", 400, "text/html", "400", ""},
		{"GET", "/api/v1/orgs/acme/members?q=a%00b", 400, "application/problem+json", "malformed-request", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			// Metrics count the requests before them.
			srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.contentType) || !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("status %d, type %q, body %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
			if rec.Header().Get("Allow") != tt.allow {
				t.Errorf("Allow = %q, want %q", rec.Header().Get("Allow"), tt.allow)
			}
			if rec.Header().Get("X-Request-ID") == "" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src 'self'") {
				t.Error("request id or Content-Security-Policy missing")
			}
		})
	}
}

func TestReadyzRefusesAnOldSchema(t *testing.T) {
	srv, _, db := newServer(t, config.Default())
	db.Tamper(t, `DELETE FROM schema_migrations`)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "isms migrate") {
		t.Errorf("readyz on an outdated schema: %d %q", rec.Code, rec.Body.String())
	}
}

// TestShutdownFinishesRequestsInFlight stops the server while a request is
// half sent; the request still gets its answer, and Run returns cleanly.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	srv, svc, _ := newServer(t, cfg)
	ctx := context.Background()
	op := app.OperatorPrincipal("cli:test")
	if _, err := svc.CreateOrg(ctx, op, app.OrgInput{Slug: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	acc, _ := svc.OpenOrg(ctx, op, "acme")
	if _, err := svc.AddMember(ctx, acc, app.MemberInput{Email: "o@acme.example", Name: "O", Role: "owner", Password: "a long enough password"}); err != nil {
		t.Fatal(err)
	}
	tok, err := svc.CreateToken(ctx, acc, app.TokenInput{UserEmail: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx, func(a net.Addr) { addrc <- a }) }()
	addr := <-addrc

	body, writer := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr.String()+"/api/v1/orgs/acme/members", body)
	req.Header.Set("Authorization", "Bearer "+tok.Secret)
	req.Header.Set("Content-Type", "application/json")
	respc := make(chan *http.Response, 1)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			errc <- err
			return
		}
		respc <- resp
	}()
	if _, err := writer.Write([]byte(`{"email":"late@acme.example","name":"Late",`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the handler is now reading the body
	stop()
	time.Sleep(200 * time.Millisecond) // shutdown has begun and waits
	if _, err := writer.Write([]byte(`"role":"viewer","password":"a long enough password"}`)); err != nil {
		t.Fatal(err)
	}
	writer.Close()
	select {
	case resp := <-respc:
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("request in flight during shutdown: status %d, want 201", resp.StatusCode)
		}
	case err := <-errc:
		t.Fatalf("request in flight during shutdown failed: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("request in flight never finished")
	}
	if err := <-done; err != nil {
		t.Errorf("Run after shutdown: %v", err)
	}
}
