package store

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// where collects the conditions of a list query. Conditions are static
// format strings with one %d for the placeholder number; values always go in
// as arguments.
type where struct {
	conds []string
	args  []any
}

func newWhere() *where { return &where{} }

func (w *where) add(cond string, args ...any) {
	nums := make([]any, len(args))
	for i, a := range args {
		w.args = append(w.args, a)
		nums[i] = len(w.args)
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, nums...))
}

// in adds "col IN ($a, $b, …)" for the values; an empty list matches
// nothing.
func (w *where) in(col string, values []string) {
	if len(values) == 0 {
		w.conds = append(w.conds, "FALSE")
		return
	}
	w.conds = append(w.conds, col+" IN "+w.list(values))
}

// list adds the values as arguments and returns "($a, $b, …)"; values
// must not be empty.
func (w *where) list(values []string) string {
	marks := make([]string, len(values))
	for i, v := range values {
		w.args = append(w.args, v)
		marks[i] = fmt.Sprintf("$%d", len(w.args))
	}
	return "(" + strings.Join(marks, ", ") + ")"
}

// arg adds a value that is not a condition (a LIMIT) and returns its
// placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(w.conds, " AND ")
}

// Page sizes of every list.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// clampLimit bounds a query's row count. It allows one row more than the
// largest page, which callers fetch to learn whether another page follows.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit+1:
		return MaxLimit + 1
	}
	return n
}

// contains is the case-insensitive match of a column against a pattern
// from likePattern, which is where.add's argument number arg. SQLite's LIKE
// already ignores the case of ASCII letters, as its lower() does, and
// comparing without lower() lets it skip a function call per row.
func (r Reads) contains(col string, arg int) string {
	op := "LIKE"
	if r.dialect == Postgres {
		op = "ILIKE"
	}
	return fmt.Sprintf("%s %s $%%[%d]d ESCAPE '\\'", col, op, arg)
}

// likePattern makes a case-insensitive substring pattern, with LIKE's
// wildcards in the input escaped (used with ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(s)) + "%"
}

// EncodeCursor makes an opaque cursor from the sort key of a page's last
// row; clients pass it back unchanged.
func EncodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(field, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 || !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "", isms.Invalid(field, "is not a cursor returned by this API")
	}
	return string(b), nil
}
