package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

// malformedError is a request the server cannot read, naming the field.
type malformedError struct {
	field isms.FieldError
}

func (e *malformedError) Error() string {
	if e.field.Field == "" {
		return e.field.Detail
	}
	return e.field.Field + ": " + e.field.Detail
}

func malformed(field, format string, args ...any) error {
	return &malformedError{field: isms.FieldError{Field: field, Detail: fmt.Sprintf(format, args...)}}
}

type mediaTypeError struct{ got string }

func (e *mediaTypeError) Error() string {
	return fmt.Sprintf("content type %q: send application/json", e.got)
}

// decode reads exactly one JSON object into v, refusing unknown fields,
// wrong types and bodies over the limit, with the field named.
func (a *API) decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return &mediaTypeError{got: ct}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return malformed("", "the body must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.EOF):
		return malformed("", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "the JSON body ends too early")
	case errors.As(err, &syntax):
		return malformed("", "malformed JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return malformed("", "the body must be a JSON object, not %s", typeErr.Value)
		}
		return malformed(typeErr.Field, "must be %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return malformed(name, "is not a field of this request")
	}
	return malformed("", "cannot read the JSON body: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "float64":
		return "a number"
	case "slice":
		return "an array"
	}
	return "an object"
}

// optional is a PATCH field: absent, null, or a value.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the field was present.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// parseTime reads an RFC 3339 date-time of a request field.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, isms.Invalid(field, "%q is not an RFC 3339 date-time such as 2027-01-31T00:00:00Z", s)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// queryInt reads an optional whole-number query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, malformed(name, "%q is not a positive whole number", v)
	}
	return n, nil
}

// knownQuery refuses query parameters the endpoint does not take, so a
// misspelt filter is not silently ignored.
func knownQuery(r *http.Request, names ...string) error {
	for k := range r.URL.Query() {
		found := false
		for _, n := range names {
			if k == n {
				found = true
			}
		}
		if !found {
			return malformed(k, "is not a query parameter of this endpoint; use %s", strings.Join(names, ", "))
		}
	}
	return nil
}
