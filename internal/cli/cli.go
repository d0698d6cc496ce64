// Package cli is the isms command: serve, migrate, config, and the
// operator commands that work on the same database as the server. Run is
// the whole program, so tests can run any command in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/store"
)

// Version is set at build time with -ldflags "-X github.com/isms-dev/isms/internal/cli.Version=v1.2.3".
var Version = ""

// IO is where a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Getenv reads the environment; tests pass their own.
	Getenv func(string) string
}

// Run executes the command line args and returns the exit status.
func Run(ctx context.Context, args []string, stdio IO) int {
	if stdio.Getenv == nil {
		stdio.Getenv = os.Getenv
	}
	root := newRoot(stdio)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stdio.Err, "isms:", err)
		var exit exitError
		if errors.As(err, &exit) {
			return int(exit)
		}
		return 1
	}
	return 0
}

// exitError is a failure whose message has already been printed, such as
// a ledger that does not verify.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func newRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "isms",
		Short: "isms: an ISO/IEC 27001 information security management system for AI companies",
		Long: `isms keeps an organisation's ISMS: its people and roles, and (as it grows) assets,
risks, the Statement of Applicability, controls, evidence, audits and corrective actions.
Every change is written to a hash-chained ledger that 'isms ledger verify' checks.

Settings come from flags, ISMS_* environment variables and an optional TOML file
(--config), in that order of precedence; 'isms config' prints the result.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	config.AddCommonFlags(root.PersistentFlags())
	env := &environment{io: stdio}
	root.AddCommand(
		env.serveCmd(),
		env.migrateCmd(),
		env.configCmd(),
		env.versionCmd(),
		env.orgCmd(),
		env.userCmd(),
		env.tokenCmd(),
		env.ledgerCmd(),
		env.backupCmd(),
		env.frameworkCmd(),
		env.assetCmd(),
		env.riskCmd(),
		env.soaCmd(),
		env.controlCmd(),
		env.evidenceCmd(),
		env.importCmd(),
		env.findingCmd(),
		env.nonconformityCmd(),
		env.metricCmd(),
		env.auditCmd(),
		env.reviewCmd(),
		env.certificationCmd(),
		env.documentCmd(),
		env.readinessCmd(),
		env.packCmd(),
		env.obligationCmd(),
		env.supplierCmd(),
		env.continuityCmd(),
		env.incidentCmd(),
		env.personCmd(),
		env.trainingCmd(),
		env.accessReviewCmd(),
	)
	return root
}

// environment carries what commands share.
type environment struct {
	io IO
}

func (e *environment) load(cmd *cobra.Command) (config.Config, error) {
	return config.Load(cmd.Flags(), e.io.Getenv)
}

func (e *environment) logger(cfg config.Config) *slog.Logger {
	level, _ := cfg.Level()
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.io.Err, opts))
	}
	return slog.New(slog.NewTextHandler(e.io.Err, opts))
}

// openService opens the database for an operator command, which needs a
// current schema, and returns the service over it.
func (e *environment) openService(cmd *cobra.Command) (*app.Service, func(), error) {
	cfg, err := e.load(cmd)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(cmd.Context(), store.Options{URL: cfg.DB, DataDir: cfg.Data})
	if err != nil {
		return nil, nil, err
	}
	st, err := db.Status(cmd.Context())
	if err == nil && !st.UpToDate() {
		err = fmt.Errorf("%w (version %d, this isms needs %d): run isms migrate", store.ErrSchemaOutdated, st.Current, st.Latest)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	files, err := openEvidence(cfg)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	svc, err := app.New(db, e.logger(cfg), app.Options{Evidence: files, ScanMaxSize: cfg.ScanMaxBytes})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, func() { db.Close() }, nil
}

// openEvidence opens the evidence file store under the data folder; with
// no data folder there is none.
func openEvidence(cfg config.Config) (*evidence.Files, error) {
	dir := cfg.EvidenceDir()
	if dir == "" {
		return nil, nil
	}
	files, err := evidence.Open(dir, cfg.EvidenceMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("evidence folder: %w", err)
	}
	return files, nil
}

// operator names the person at the command line for the ledger.
func operator() app.Principal {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return app.OperatorPrincipal("cli:" + name)
}

func (e *environment) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of isms",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			migrations, err := store.Migrations(store.SQLite)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.io.Out, "isms %s (%s, %s/%s, schema %d)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH, len(migrations))
			return nil
		},
	}
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (e *environment) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective settings, with secrets redacted",
		Long: `Print the settings isms would use, merged from defaults, the config file, ISMS_*
environment variables and flags, as TOML. Passwords in the database URL are replaced by xxxxx.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.load(cmd)
			if err != nil {
				return err
			}
			fmt.Fprint(e.io.Out, cfg.Redacted())
			return nil
		},
	}
	config.AddServeFlags(cmd.Flags())
	return cmd
}

func (e *environment) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date",
		Long:  "Apply every migration the database lacks, each in its own transaction. Safe to run again.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.load(cmd)
			if err != nil {
				return err
			}
			db, err := store.Open(cmd.Context(), store.Options{URL: cfg.DB, DataDir: cfg.Data})
			if err != nil {
				return err
			}
			defer db.Close()
			applied, err := db.Migrate(cmd.Context())
			for _, m := range applied {
				fmt.Fprintf(e.io.Out, "applied %s\n", m.Name)
			}
			if err != nil {
				return err
			}
			st, err := db.Status(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.io.Out, "schema is at version %d (%s)\n", st.Current, db.Dialect())
			return nil
		},
	}
}

func (e *environment) backupCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "backup --output FILE",
		Short: "Write a consistent copy of the SQLite database while isms runs",
		Long: `Write a consistent copy of the SQLite database to a new file, while the server keeps
running. Check the copy with 'isms ledger verify --db sqlite:FILE'. For PostgreSQL,
use pg_dump.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			if err := svc.DB().BackupTo(cmd.Context(), output); err != nil {
				return err
			}
			fmt.Fprintf(e.io.Out, "wrote %s\n", output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "the new file (required)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}
