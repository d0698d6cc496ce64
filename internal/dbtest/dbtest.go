// Package dbtest opens real, migrated test databases: a SQLite file in a
// temporary folder always, and a PostgreSQL schema of its own when
// ISMS_TEST_POSTGRES_URL names a server. With ISMS_TEST_POSTGRES_REQUIRED=1
// a missing server fails the test instead of skipping it, so CI cannot pass
// without the PostgreSQL half of the suite.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/store"
)

// PostgresURL returns the server URL tests may use, or "".
func PostgresURL() string { return os.Getenv("ISMS_TEST_POSTGRES_URL") }

// DB is a test database and how to reach it from outside the application.
type DB struct {
	*store.DB
	Opts store.Options
}

// Each runs fn as a subtest on a fresh SQLite database and a fresh
// PostgreSQL schema.
func Each(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a migrated database of the dialect, removed when the test
// ends. For PostgreSQL it skips the test when no server is configured.
func Open(t testing.TB, d Dialect) *DB {
	t.Helper()
	ctx := context.Background()
	opts := Options(t, d)
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return &DB{DB: db, Opts: opts}
}

// Dialect is store.Dialect, repeated so callers need one import less.
type Dialect = store.Dialect

// Options returns store options for an empty database of the dialect,
// without opening it: a SQLite file in a temporary folder, or a new
// PostgreSQL schema dropped when the test ends.
func Options(t testing.TB, d Dialect) store.Options {
	t.Helper()
	if d == store.SQLite {
		return store.Options{DataDir: t.TempDir()}
	}
	return store.Options{URL: NewPostgresSchema(t)}
}

// NewPostgresSchema creates an empty schema and returns a URL whose
// connections use it, so tests can run in parallel on one database.
func NewPostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		if os.Getenv("ISMS_TEST_POSTGRES_REQUIRED") == "1" {
			t.Fatal("ISMS_TEST_POSTGRES_REQUIRED=1 but ISMS_TEST_POSTGRES_URL is not set")
		}
		t.Skip("PostgreSQL part skipped: set ISMS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run it")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	schema := "isms_test_" + strings.ReplaceAll(store.NewID(), "-", "")
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL running at %s?): %v", store.RedactURL(base), err)
	}
	t.Cleanup(func() {
		cleanup, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer cleanup.Close()
		if _, err := cleanup.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse ISMS_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Tamper runs plain SQL on its own connection, outside the application,
// the way someone editing the database behind its back would.
func (d *DB) Tamper(t testing.TB, query string, args ...any) {
	t.Helper()
	driver, dsn := "pgx", d.Opts.URL
	if !store.IsPostgresURL(d.Opts.URL) {
		driver, dsn = "sqlite", fmt.Sprintf("file:%s/isms.db?_pragma=busy_timeout(5000)", d.Opts.DataDir)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open for plain SQL: %v", err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("plain SQL %q: %v", query, err)
	}
}
