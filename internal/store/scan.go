package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

// nullTime scans a nullable timestamp as a *time.Time in UTC.
type nullTime struct{ sql.NullTime }

func (n nullTime) ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

// mustAffect turns an UPDATE or DELETE that matched no row into
// isms.ErrNotFound.
func mustAffect(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, isms.ErrNotFound)
	}
	return nil
}

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
