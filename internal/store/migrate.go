package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrSchemaOutdated says the database needs `isms migrate` before use.
var ErrSchemaOutdated = errors.New("database schema is older than this version of isms")

// Migrations returns the dialect's migrations in version order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration file %s: name it NNNN_what.sql", name)
		}
		if version != len(out)+1 {
			return nil, fmt.Errorf("migration file %s: expected version %d", name, len(out)+1)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: version, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	return out, nil
}

// SchemaStatus is where a database's schema stands.
type SchemaStatus struct {
	Current int
	Latest  int
	// Empty is true when the database holds no tables at all, so that
	// migrating it cannot disturb anybody else's data.
	Empty bool
}

// UpToDate reports whether the schema is the one this binary expects.
func (s SchemaStatus) UpToDate() bool { return s.Current == s.Latest }

// Status reads the schema version.
func (db *DB) Status(ctx context.Context) (SchemaStatus, error) {
	migrations, err := Migrations(db.dialect)
	if err != nil {
		return SchemaStatus{}, err
	}
	st := SchemaStatus{Latest: len(migrations)}
	tables, err := db.tableCount(ctx)
	if err != nil {
		return st, err
	}
	st.Empty = tables == 0
	hasTable, err := db.hasMigrationsTable(ctx)
	if err != nil || !hasTable {
		return st, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&st.Current)
	if err != nil {
		return st, fmt.Errorf("read schema version: %w", err)
	}
	return st, nil
}

// The catalog queries are the one place where the dialects need different
// SQL: SQLite and PostgreSQL describe their tables differently.
func (db *DB) tableCount(ctx context.Context) (int, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var n int
	if err := db.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tables: %w", err)
	}
	return n, nil
}

func (db *DB) hasMigrationsTable(ctx context.Context) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var n int
	if err := db.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("look for schema_migrations: %w", err)
	}
	return n > 0, nil
}

// Migrate applies every migration the database lacks, each in its own
// transaction, and returns the ones it applied. It refuses a database whose
// schema is newer than this binary.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	migrations, err := Migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []Migration
	for _, m := range migrations {
		done, err := db.applyMigration(ctx, m, len(migrations))
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, m Migration, latest int) (applied bool, err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migration %s: begin: %w", m.Name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if db.dialect == Postgres {
		// Two processes migrating at once would both see the version
		// missing; the lock makes the second wait and then skip it.
		if _, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7120419)`); err != nil {
			return false, fmt.Errorf("migration %s: lock: %w", m.Name, err)
		}
	}
	var current int
	if err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return false, fmt.Errorf("migration %s: read version: %w", m.Name, err)
	}
	if current > latest {
		err = fmt.Errorf("database schema version %d is newer than this isms (%d): use a newer binary", current, latest)
		return false, err
	}
	if current >= m.Version {
		return false, tx.Rollback()
	}
	if _, err = tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, db.now()); err != nil {
		return false, fmt.Errorf("migration %s: record: %w", m.Name, err)
	}
	if err = tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: commit: %w", m.Name, err)
	}
	return true, nil
}
