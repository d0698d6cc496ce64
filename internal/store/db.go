// Package store keeps isms records in SQLite or PostgreSQL. It is the only
// package that speaks SQL: one set of statements with $N placeholders serves
// both databases, and every change is written together with its ledger entry
// in one transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/isms-dev/isms/internal/isms"
)

// Dialect names the database behind a DB.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open isms database. With SQLite it holds two pools over one
// file: a single-connection pool for writes, because SQLite allows one
// writer at a time and queueing in Go is cheaper than spinning on
// SQLITE_BUSY, and a read pool that WAL lets run beside the writer. With
// PostgreSQL both are the same pool.
type DB struct {
	// Reads are the queries, served from the read pool.
	Reads
	write   *sql.DB
	read    *sql.DB
	dialect Dialect
	// Now is the clock every timestamp comes from; tests replace it.
	Now func() time.Time
}

// Options say which database to open.
type Options struct {
	// URL is a postgres:// or postgresql:// URL, or sqlite:PATH, or empty
	// for the SQLite file in DataDir.
	URL string
	// DataDir holds isms.db when URL is empty.
	DataDir string
}

// IsPostgresURL reports whether u selects PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open connects to the database that opts name. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	var (
		db  *DB
		err error
	)
	switch {
	case IsPostgresURL(opts.URL):
		db, err = openPostgres(opts.URL)
	case opts.URL == "":
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		db, err = openSQLite(filepath.Join(opts.DataDir, "isms.db"))
	case strings.HasPrefix(opts.URL, "sqlite:"):
		db, err = openSQLite(strings.TrimPrefix(opts.URL, "sqlite:"))
	default:
		return nil, fmt.Errorf("database URL %q: use postgres://…, postgresql://… or sqlite:PATH", RedactURL(opts.URL))
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(u string) (*DB, error) {
	pool, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", RedactURL(u), err)
	}
	pool.SetMaxOpenConns(25)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Reads: Reads{pool, Postgres}, write: pool, read: pool, dialect: Postgres, Now: time.Now}, nil
}

// sqliteDSN builds a modernc.org/sqlite DSN. The pragmas go in the DSN so
// that every connection the pool opens gets them, not just the first.
// busy_timeout comes before journal_mode: switching to WAL needs a lock, and
// without the timeout a second process opening the file at that moment
// fails at once with SQLITE_BUSY.
func sqliteDSN(path string, write bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL is durable in WAL mode except for the last transactions
	// before a power loss; FULL would fsync every commit.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_time_format", "sqlite")
	if write {
		// Take the write lock at BEGIN, so a transaction never fails half
		// way when it first writes after reading.
		q.Set("_txlock", "immediate")
		// A scan import writes hundreds of megabytes in one transaction;
		// with the 2 MB default cache SQLite spills pages to the WAL in
		// the middle of it. 16 MB is the most this one connection holds.
		q.Add("_pragma", "cache_size(-16384)")
	} else {
		q.Add("_pragma", "query_only(1)")
		// Reads of a large register touch many pages: map the file
		// instead of copying each page through a read call, and keep
		// more of it cached per connection than the 2 MB default.
		q.Add("_pragma", "mmap_size(268435456)")
		q.Add("_pragma", "cache_size(-16384)")
	}
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(path string) (*DB, error) {
	write, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	return &DB{Reads: Reads{read, SQLite}, write: write, read: read, dialect: SQLite, Now: time.Now}, nil
}

// analyzedTables are the tables whose statistics steer the plans of the
// register's filtered lists and counts.
var analyzedTables = []string{"risks", "risk_assets", "risk_actions", "assets", "asset_tags", "asset_relations"}

// Optimize refreshes the statistics SQLite's planner uses, for each table
// that has grown or shrunk by half since they were gathered. Without them
// SQLite guesses, and on a large register it guesses wrong: to count one
// owner's risks it walks every risk. Gathering them for a table of 100,000
// risks takes about a fifth of a second. PostgreSQL's autovacuum does the
// same on its own.
func (db *DB) Optimize(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	for _, table := range analyzedTables {
		var rows int
		if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&rows); err != nil {
			return fmt.Errorf("optimize %s: %w", table, err)
		}
		// sqlite_stat1 exists once anything was analyzed; its stat starts
		// with the number of rows the statistics were gathered on.
		var stat string
		err := db.write.QueryRowContext(ctx, `SELECT stat FROM sqlite_stat1 WHERE tbl = $1 LIMIT 1`, table).Scan(&stat)
		if err != nil && !errNoRows(err) && !strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("optimize %s: %w", table, err)
		}
		var known int
		fmt.Sscanf(stat, "%d", &known)
		if rows < 1000 && known == 0 || known > 0 && rows <= 2*known && 2*rows >= known {
			continue
		}
		if _, err := db.write.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return fmt.Errorf("optimize %s: %w", table, err)
		}
	}
	return nil
}

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// RedactURL hides the password in a database URL for logs and messages.
func RedactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.User == nil {
		return u
	}
	if _, has := parsed.User.Password(); has {
		parsed.User = url.UserPassword(parsed.User.Username(), "xxxxx")
	}
	return parsed.String()
}

// querier is what both a pool and a transaction offer, so read helpers
// serve inside and outside transactions alike.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Reads holds the queries, so that the same methods read through the pool
// (on DB) and inside a transaction (on Tx).
type Reads struct {
	q       querier
	dialect Dialect
}

// Tx is one write transaction. Every change made through it is recorded
// in the ledger, in the same transaction, under the actor given to InTx.
type Tx struct {
	// Reads inside a transaction see its own changes.
	Reads
	tx    *txConn
	db    *DB
	now   time.Time
	actor string
}

// Now is the time of the transaction: every timestamp it writes is equal.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in a write transaction on behalf of actor, committing when
// fn returns nil and rolling back on an error or a panic. On PostgreSQL a
// serialization failure or deadlock is retried, so fn must not have effects
// outside the transaction. fn must not call InTx: with SQLite's single
// writer connection a nested transaction would wait for itself forever.
func (db *DB) InTx(ctx context.Context, actor string, fn func(*Tx) error) error {
	if actor == "" {
		return errors.New("transaction without an actor: every change must say who made it")
	}
	const attempts = 3
	var err error
	for range attempts {
		err = db.inTx(ctx, actor, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) inTx(ctx context.Context, actor string, fn func(*Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	conn := &txConn{Tx: sqlTx}
	if db.dialect == SQLite {
		// pgx keeps prepared statements per connection already; preparing
		// again per transaction would cost PostgreSQL a round trip each.
		conn.stmts = map[string]*sql.Stmt{}
	}
	tx := &Tx{Reads: Reads{conn, db.dialect}, tx: conn, db: db, now: db.now(), actor: actor}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// txConn runs a write transaction's statements, preparing each distinct
// one once on SQLite: an import runs the same few statements, and the
// ledger's, thousands of times in one transaction, and parsing them again
// each time was a tenth of its cost. The statements close with the
// transaction. Without stmts it passes every statement straight through.
type txConn struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

// maxTxStatements bounds the cache: statements built with lists of
// varying length are distinct, and a transaction should not keep them all.
const maxTxStatements = 256

func (c *txConn) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	if c.stmts == nil || len(c.stmts) >= maxTxStatements {
		return nil, nil
	}
	s, err := c.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

func (c *txConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.prepared(ctx, query)
	if err != nil || s == nil {
		return c.Tx.ExecContext(ctx, query, args...)
	}
	return s.ExecContext(ctx, args...)
}

func (c *txConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.prepared(ctx, query)
	if err != nil || s == nil {
		return c.Tx.QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext falls back to the transaction when the statement cannot
// be prepared, so that the error reaches the caller through the row.
func (c *txConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := c.prepared(ctx, query)
	if err != nil || s == nil {
		return c.Tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// readTx runs fn in a read-only transaction, so that everything fn reads
// comes from one consistent snapshot.
func (db *DB) readTx(ctx context.Context, fn func(q querier) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to lose
	return fn(tx)
}

// notFound turns sql.ErrNoRows into isms.ErrNotFound; it is the one place
// that translation happens.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, isms.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// conflict turns a unique-constraint violation into isms.ErrConflict.
func conflict(err error, what string) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%s: %w", what, isms.ErrConflict)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) && (liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return fmt.Errorf("%s: %w", what, isms.ErrConflict)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isForeignKeyViolation reports whether err is a row still referred to by
// another, on either database.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return true
	}
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// ErrBackupPostgres: PostgreSQL is backed up with its own tools.
var ErrBackupPostgres = errors.New("isms backup copies SQLite databases; back up PostgreSQL with pg_dump")

// BackupTo writes a consistent copy of a SQLite database to path, which
// must not exist yet, while the database stays in use: VACUUM INTO reads
// one snapshot, so the copy holds no half-done transaction.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup %s: the file exists; choose a new name", path)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
