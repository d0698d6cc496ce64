// Package problem turns errors into RFC 9457 problem details: one mapping
// from the error kinds of package isms to HTTP statuses, used by the JSON
// API (which writes the problem) and the web UI (which shows a page with
// the same status).
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/isms-dev/isms/internal/isms"
)

// MediaType is the content type of problem details.
const MediaType = "application/problem+json"

// TypeBase prefixes every problem type; GET TypeBase+kind describes it.
const TypeBase = "/api/v1/problems/"

// Kinds of problem, each documented at TypeBase+kind.
var Kinds = map[string]string{
	"malformed-request":  "The request body is not the JSON the endpoint expects: a syntax error, a value of the wrong type, an unknown field, or a query parameter that cannot be read. The errors member names the field.",
	"invalid-input":      "The request was well-formed but a value breaks a rule: a missing name, a role that does not exist, an expiry in the past. The errors member names every offending field.",
	"unauthenticated":    "No valid API token came with the request. Send Authorization: Bearer isms_…; tokens are created in the web UI under API tokens, or with isms token create.",
	"forbidden":          "The token's role in this organisation does not allow the action.",
	"not-found":          "There is no such record, or it belongs to an organisation the caller cannot see.",
	"conflict":           "The change contradicts the current state, such as adding a member twice or removing the last owner.",
	"too-large":          "The request body is larger than the server accepts (max_body_bytes).",
	"unsupported-media":  "The request body was sent with a Content-Type the endpoint does not take: JSON bodies need application/json; a framework import one of application/yaml, application/x-yaml, text/yaml, application/json, text/plain or application/octet-stream; an asset import one of text/csv, application/json, application/ld+json, application/vnd.cyclonedx+json, application/xml, text/xml, application/vnd.cyclonedx+xml, text/markdown or application/octet-stream; a people or account CSV import text/csv or application/octet-stream.",
	"method-not-allowed": "The resource exists but does not support this method; the Allow header lists those it does.",
	"throttled":          "Too many attempts; wait for the number of seconds in Retry-After.",
	"internal":           "The server failed. The request_id member identifies the failure in the server's log.",
}

// fieldErrorer is an error that names the fields it is about, such as
// the problems of an imported framework file.
type fieldErrorer interface {
	error
	FieldErrors() []isms.FieldError
}

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	Errors    []isms.FieldError `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	// RetryAfter becomes the Retry-After header, not a member.
	RetryAfter int `json:"-"`
}

// New returns a problem of a kind with a detail message.
func New(status int, kind, detail string, fields ...isms.FieldError) Problem {
	return Problem{Type: TypeBase + kind, Title: http.StatusText(status), Status: status, Detail: detail, Errors: fields}
}

// From classifies err. Unexpected errors become a 500 whose detail says
// nothing of the cause; the caller logs the cause.
func From(err error) Problem {
	var (
		throttled *isms.ThrottledError
		conflict  *isms.ConflictError
		tooLarge  *http.MaxBytesError
		invalid   *isms.ValidationError
		fielded   fieldErrorer
	)
	switch {
	case errors.As(err, &tooLarge):
		return New(http.StatusRequestEntityTooLarge, "too-large",
			"the request body is larger than "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes")
	case errors.As(err, &invalid):
		return New(http.StatusUnprocessableEntity, "invalid-input", invalid.Error(), invalid.Fields...)
	case errors.As(err, &fielded):
		fields := fielded.FieldErrors()
		return New(http.StatusUnprocessableEntity, "invalid-input", fmt.Sprintf("the file has %d problem(s)", len(fields)), fields...)
	case errors.As(err, &conflict):
		p := New(http.StatusConflict, "conflict", conflict.Error())
		if conflict.Field != "" {
			p.Errors = []isms.FieldError{{Field: conflict.Field, Detail: conflict.Detail}}
		}
		return p
	case errors.Is(err, isms.ErrConflict):
		return New(http.StatusConflict, "conflict", "the change conflicts with the current state of the record")
	case errors.Is(err, isms.ErrNotFound):
		return New(http.StatusNotFound, "not-found", "no such record, or it is not visible to you")
	case errors.Is(err, isms.ErrForbidden):
		return New(http.StatusForbidden, "forbidden", forbiddenDetail(err))
	case errors.Is(err, isms.ErrUnauthenticated):
		return New(http.StatusUnauthorized, "unauthenticated", "a valid API token is required")
	case errors.As(err, &throttled):
		p := New(http.StatusTooManyRequests, "throttled", throttled.Error())
		p.RetryAfter = throttled.RetryAfterSeconds
		return p
	}
	return New(http.StatusInternalServerError, "internal", "the server failed; the request id identifies the failure in its log")
}

// forbiddenDetail keeps the explanation the application gave, which names
// the role and the action but nothing secret.
func forbiddenDetail(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return msg
}

// Write sends p as application/problem+json.
func Write(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", MediaType)
	w.Header().Set("Cache-Control", "no-store")
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	if p.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="isms"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
