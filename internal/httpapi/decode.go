package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// malformedError is a request the server cannot read, naming the field
// when there is one.
type malformedError struct {
	field isms.FieldError
}

func (e *malformedError) Error() string {
	if e.field.Field == "" {
		return e.field.Detail
	}
	return e.field.Field + ": " + e.field.Detail
}

// fields returns the field the error names, if any, for the problem's
// errors member.
func (e *malformedError) fields() []isms.FieldError {
	if e.field.Field == "" {
		return nil
	}
	return []isms.FieldError{e.field}
}

func malformed(field, format string, args ...any) error {
	return &malformedError{field: isms.FieldError{Field: field, Detail: fmt.Sprintf(format, args...)}}
}

// mediaTypeError is a body sent with a Content-Type the endpoint does not
// take. want lists the types it takes; empty means application/json.
type mediaTypeError struct {
	got  string
	want []string
}

func (e *mediaTypeError) Error() string {
	want := "application/json"
	if len(e.want) > 0 {
		want = "one of " + strings.Join(e.want, ", ")
	}
	if e.got == "" {
		return "the request has no Content-Type: send the body as " + want
	}
	return fmt.Sprintf("content type %q: send %s", e.got, want)
}

// decode reads exactly one JSON object into v, a pointer to a struct. It
// refuses bodies over the limit, anything but an object, member names that
// are not v's JSON field names exactly (encoding/json alone would accept
// "Role" for "role"), members given twice, and values of the wrong type,
// naming the field.
func (a *API) decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return &mediaTypeError{got: ct}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return malformed("", "cannot read the body: %v", err)
	}
	return decodeJSON(data, v)
}

// decodeJSON reads data, which must be exactly one JSON object, into v as
// decode does: a request body, or the JSON part of a multipart upload.
func decodeJSON(data []byte, v any) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return malformed("", "the body is empty; send a JSON object")
	}
	if !json.Valid(data) {
		var syntax *json.SyntaxError
		if err := json.Unmarshal(data, new(any)); errors.As(err, &syntax) {
			if strings.Contains(syntax.Error(), "after top-level value") {
				return malformed("", "the body must hold a single JSON object")
			}
			return malformed("", "malformed JSON at byte %d: %v", syntax.Offset, syntax)
		}
		return malformed("", "malformed JSON")
	}
	if trimmed[0] != '{' {
		return malformed("", "the body must be a JSON object, not %s", jsonValueKind(trimmed[0]))
	}
	if err := checkMembers(data, reflect.TypeOf(v).Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(withoutEmbedded(err, reflect.TypeOf(v).Elem()))
	}
	return nil
}

// withoutEmbedded drops from the field path of a type error the names of
// structs embedded in t ("riskWrite.title"), which are no JSON names.
func withoutEmbedded(err error, t reflect.Type) error {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || typeErr.Field == "" {
		return err
	}
	embedded := map[string]bool{}
	var collect func(reflect.Type)
	collect = func(t reflect.Type) {
		for f := range t.Fields() {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				embedded[f.Name] = true
				collect(f.Type)
			}
		}
	}
	collect(t)
	var path []string
	for _, seg := range strings.Split(typeErr.Field, ".") {
		if !embedded[seg] {
			path = append(path, seg)
		}
	}
	typeErr.Field = strings.Join(path, ".")
	return err
}

// checkMembers checks the member names of the JSON object in data, which
// is valid JSON, against the JSON field names of struct type t.
func checkMembers(data []byte, t reflect.Type) error {
	known := jsonFieldNames(t)
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the opening brace
		return decodeError(err)
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return decodeError(err)
		}
		name, _ := tok.(string)
		switch {
		case !slices.Contains(known, name):
			return malformed(name, "is not a field of this request; use %s", strings.Join(known, ", "))
		case seen[name]:
			return malformed(name, "appears more than once")
		}
		seen[name] = true
		var value any
		if err := dec.Decode(&value); err != nil {
			return decodeError(err)
		}
		if hasNUL(value) {
			return malformed(name, "must not contain NUL characters")
		}
	}
	return nil
}

// hasNUL reports whether a decoded JSON value holds a string with a NUL
// character, which PostgreSQL cannot store in text.
func hasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.ContainsRune(x, 0)
	case []any:
		return slices.ContainsFunc(x, hasNUL)
	case map[string]any:
		for k, item := range x {
			if strings.ContainsRune(k, 0) || hasNUL(item) {
				return true
			}
		}
	}
	return false
}

// usableText reports whether s can be stored and compared by every
// database isms runs on: valid UTF-8 without NUL characters. Input that is
// not is refused here rather than failing in the database.
func usableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// jsonFieldNames lists the JSON names of a struct's fields.
func jsonFieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			// encoding/json promotes the fields of an embedded struct.
			names = append(names, jsonFieldNames(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// decodeError turns an error of encoding/json into a malformed request.
func decodeError(err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return malformed("", "malformed JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return malformed("", "the body must be a JSON object, not %s", typeErr.Value)
		}
		return malformed(typeErr.Field, "must be %s, not %s", jsonKind(typeErr.Type), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return malformed(name, "is not a field of this request")
	}
	return malformed("", "cannot read the JSON body: %v", err)
}

// jsonKind names the JSON type that a Go type is read from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// jsonValueKind names the kind of JSON value that starts with c.
func jsonValueKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// optional is a PATCH field: absent, null, or a value.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the field was present. It reads the value as
// strictly as decode reads the body: an object in it must not have
// unknown members either.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&o.Value)
}

// parseTime reads an RFC 3339 date-time of a request field.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, isms.Invalid(field, "%q is not an RFC 3339 date-time such as 2027-01-31T00:00:00Z", s)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// dateLayout is how the API writes and reads days without a time, such
// as a review date.
const dateLayout = "2006-01-02"

// parseDate reads an optional day of a request field.
func parseDate(field string, s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(dateLayout, *s)
	if err != nil {
		return nil, isms.Invalid(field, "%q is not a date such as 2027-01-31", *s)
	}
	return &t, nil
}

// formatDate writes an optional day.
func formatDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(dateLayout)
	return &s
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
// misspelt filter is not silently ignored; parameters given twice, so that
// it is not a guess which one counts; values that are not usable text; and
// cursors that do not decode to usable text, which this API never makes.
func knownQuery(r *http.Request, names ...string) error {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(names, k) {
			return malformed(k, "is not a query parameter of this endpoint; use %s", strings.Join(names, ", "))
		}
		if len(q[k]) > 1 {
			return malformed(k, "is given more than once")
		}
		if !usableText(q[k][0]) {
			return malformed(k, "must be UTF-8 text without NUL characters")
		}
	}
	if c := q.Get("cursor"); c != "" {
		if b, err := base64.RawURLEncoding.DecodeString(c); err == nil && !usableText(string(b)) {
			return isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	return nil
}

// pathID returns the id in the request path. An id that is not usable
// text cannot name a record.
func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !usableText(id) {
		return "", fmt.Errorf("id %q: %w", id, isms.ErrNotFound)
	}
	return id, nil
}
