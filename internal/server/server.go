// Package server assembles the HTTP server of isms: the web UI and the
// JSON API on one router, wrapped in the middleware every request passes
// (request id, logging, metrics, panic recovery, security headers), plus
// health, readiness and Prometheus metrics, and graceful shutdown.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/httpapi"
	"github.com/isms-dev/isms/internal/problem"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/web"
)

// Server is the assembled HTTP handler with what it needs to shut down.
type Server struct {
	cfg     config.Config
	log     *slog.Logger
	svc     *app.Service
	router  *router.Router
	ui      *web.UI
	api     *httpapi.API
	handler http.Handler
	metrics *metrics
}

// New assembles the server.
func New(cfg config.Config, svc *app.Service, log *slog.Logger) (*Server, error) {
	ui, err := web.New(svc, log, web.Options{SecureCookies: cfg.TLS(), BehindProxy: cfg.BehindProxy})
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		log:     log,
		svc:     svc,
		router:  router.New(),
		ui:      ui,
		api:     httpapi.New(svc, log, cfg.MaxBodyBytes),
		metrics: newMetrics(),
	}
	s.router.HandleFunc("GET", "/healthz", s.healthz)
	s.router.HandleFunc("GET", "/readyz", s.readyz)
	s.router.Handle("GET", "/metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	s.api.Register(s.router)
	ui.Register(s.router)
	s.handler = s.requestID(s.recover(s.logRequests(s.observe(s.securityHeaders(http.HandlerFunc(s.dispatch))))))
	return s, nil
}

// Routes lists every route, for the tests that hold them against the
// authorization table.
func (s *Server) Routes() []router.Route { return s.router.Routes() }

// ServeHTTP serves a request through the middleware.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// dispatch routes a request, answering unknown paths and wrong methods in
// the style of the part of the site they were aimed at: problem details
// under /api/, a page elsewhere.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	isAPI := strings.HasPrefix(r.URL.Path, httpapi.Prefix+"/") || r.URL.Path == httpapi.Prefix
	if !usableURL(r.URL) {
		// No record is named by such bytes, and PostgreSQL cannot even
		// compare them with text: refuse them before any handler does.
		if isAPI {
			p := problem.New(http.StatusBadRequest, "malformed-request", "the path or query holds bytes that are not UTF-8 text, or NUL")
			p.RequestID = router.RequestID(r.Context())
			problem.Write(w, p)
			return
		}
		s.ui.ErrorPage(w, r, http.StatusBadRequest)
		return
	}
	if _, pattern := s.router.Handler(r); pattern != "" {
		s.router.ServeHTTP(w, r)
		return
	}
	allowed := s.allowedMethods(r)
	switch {
	case len(allowed) > 0:
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		if isAPI {
			p := problem.New(http.StatusMethodNotAllowed, "method-not-allowed", r.Method+" is not allowed here; use "+strings.Join(allowed, ", "))
			p.Instance, p.RequestID = r.URL.Path, router.RequestID(r.Context())
			problem.Write(w, p)
			return
		}
		s.ui.ErrorPage(w, r, http.StatusMethodNotAllowed)
	case isAPI:
		s.api.NotFound(w, r)
	default:
		s.ui.ErrorPage(w, r, http.StatusNotFound)
	}
}

// usableURL reports whether the path and every query key and value are
// UTF-8 text without NUL.
func usableURL(u *url.URL) bool {
	text := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	if !text(u.Path) {
		return false
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return false
	}
	for k, vs := range q {
		if !text(k) || slices.ContainsFunc(vs, func(v string) bool { return !text(v) }) {
			return false
		}
	}
	return true
}

func (s *Server) allowedMethods(r *http.Request) []string {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.router.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	return allowed
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 only when the database answers and its schema is the
// one this binary expects, so a load balancer holds traffic back from an
// instance that cannot serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	db := s.svc.DB()
	if err := db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "err", err)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	st, err := db.Status(ctx)
	if err != nil || !st.UpToDate() {
		http.Error(w, "database schema is not current; run isms migrate", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes the id a proxy assigned, if it looks like one, or makes
// one, and returns it in X-Request-ID so users can quote it.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !requestIDPattern.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(router.WithRequestID(r.Context(), id)))
	})
}

// recover turns a panic in a handler into a 500 and a log line with the
// stack, instead of a dropped connection.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic while serving request", "panic", fmt.Sprint(v),
				"request_id", router.RequestID(r.Context()), "stack", string(debug.Stack()))
			if strings.HasPrefix(r.URL.Path, httpapi.Prefix+"/") {
				p := problem.From(errors.New("panic"))
				p.RequestID = router.RequestID(r.Context())
				problem.Write(w, p)
				return
			}
			s.ui.ErrorPage(w, r, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler sent.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") {
			level = slog.LevelDebug
		}
		s.log.Log(r.Context(), level, "request",
			"request_id", router.RequestID(r.Context()),
			"method", r.Method,
			"path", r.URL.Path,
			"status", rec.status,
			"bytes", rec.bytes,
			"duration_ms", time.Since(start).Milliseconds(),
		)
	})
}

// securityHeaders sends the headers every response carries. The Content
// Security Policy allows scripts and styles only from this origin, so an
// injected <script> or inline handler does not run.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.cfg.TLS() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// Run serves on cfg.Addr until ctx ends, then stops accepting connections
// and waits up to 30 seconds for requests in flight to finish. ready is
// called with the bound address once the server listens.
func (s *Server) Run(ctx context.Context, ready func(addr net.Addr)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	go s.sweep(ctx)
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// sweep runs the service's housekeeping at start and every hour.
func (s *Server) sweep(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := s.svc.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "isms_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "isms_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe counts and times requests, labelled by route pattern rather
// than path so ids in paths do not explode the number of series.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := s.router.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(r.Method, pattern, strconv.Itoa(rec.status)).Inc()
		s.metrics.duration.WithLabelValues(r.Method, pattern).Observe(time.Since(start).Seconds())
	})
}
