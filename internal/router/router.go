// Package router is http.ServeMux that remembers what was registered, so
// tests can hold the list of routes against the authorization table and
// the OpenAPI document, and metrics can label requests by route.
package router

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// Route is one registered method and path pattern.
type Route struct {
	Method  string
	Pattern string
}

func (r Route) String() string { return r.Method + " " + r.Pattern }

// Router registers handlers on a ServeMux and keeps the list.
type Router struct {
	mux    *http.ServeMux
	routes []Route
}

// New returns an empty router.
func New() *Router { return &Router{mux: http.NewServeMux()} }

// Handle registers h for method and pattern ("GET /api/v1/orgs/{org}").
func (r *Router) Handle(method, pattern string, h http.Handler) {
	r.mux.Handle(method+" "+pattern, h)
	r.routes = append(r.routes, Route{Method: method, Pattern: pattern})
}

// HandleFunc registers a handler function.
func (r *Router) HandleFunc(method, pattern string, h http.HandlerFunc) {
	r.Handle(method, pattern, h)
}

// Routes returns every registered route, sorted.
func (r *Router) Routes() []Route {
	out := slices.Clone(r.routes)
	slices.SortFunc(out, func(a, b Route) int {
		if c := strings.Compare(a.Pattern, b.Pattern); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return out
}

// ServeHTTP dispatches to the registered handlers.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.mux.ServeHTTP(w, req) }

// Handler returns the handler and pattern that would serve req, for
// middleware that needs the route before dispatch.
func (r *Router) Handler(req *http.Request) (http.Handler, string) { return r.mux.Handler(req) }

type requestIDKey struct{}

// WithRequestID returns a context carrying the request's id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id of the request being served, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
