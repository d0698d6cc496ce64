package cli

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/demo"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/server"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) serveCmd() *cobra.Command {
	var withDemo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and the JSON API",
		Long: `Serve the web UI and the JSON API on one address until SIGINT or SIGTERM, then finish
the requests in flight and stop. An empty database is migrated on first start; an
older schema is refused until 'isms migrate' has run.

With --demo, an empty database is filled with the ISMS of a fictional AI company and
the address and credentials to sign in are printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.load(cmd)
			if err != nil {
				return err
			}
			return e.serve(cmd.Context(), cfg, withDemo)
		},
	}
	config.AddServeFlags(cmd.Flags())
	cmd.Flags().BoolVar(&withDemo, "demo", false, "fill an empty database with demo data and print how to sign in")
	return cmd
}

func (e *environment) serve(ctx context.Context, cfg config.Config, withDemo bool) error {
	log := e.logger(cfg)
	db, err := store.Open(ctx, store.Options{URL: cfg.DB, DataDir: cfg.Data})
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	switch {
	case st.Empty:
		applied, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		log.Info("new database: schema created", "dialect", db.Dialect(), "migrations", len(applied))
	case st.Current > st.Latest:
		return fmt.Errorf("database schema version %d is newer than this isms (%d): use a newer binary", st.Current, st.Latest)
	case !st.UpToDate():
		return fmt.Errorf("%w (version %d, this isms needs %d): back up the database, then run isms migrate", store.ErrSchemaOutdated, st.Current, st.Latest)
	}
	// Load the catalogs now, so a broken build fails at start-up, not on
	// the first page that needs them.
	start := time.Now()
	lib, err := framework.Builtin()
	if err != nil {
		return err
	}
	stats := lib.Stats()
	log.Info("framework library loaded", "frameworks", stats.Frameworks, "items", stats.Items, "mappings", stats.Mappings,
		"duration_ms", time.Since(start).Milliseconds())
	files, err := openEvidence(cfg)
	if err != nil {
		return err
	}
	svc, err := app.New(db, log, app.Options{SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax, Evidence: files, ScanMaxSize: cfg.ScanMaxBytes})
	if err != nil {
		return err
	}
	if err := svc.PrepareSignIn(); err != nil {
		return err
	}
	var creds *demo.Credentials
	if withDemo {
		if creds, err = e.seedDemo(ctx, db, svc); err != nil {
			return err
		}
	}
	srv, err := server.New(cfg, svc, log)
	if err != nil {
		return err
	}
	return srv.Run(ctx, func(addr net.Addr) {
		url := baseURL(cfg, addr)
		log.Info("serving", "url", url, "dialect", db.Dialect())
		if withDemo {
			e.printDemo(url, creds)
		}
	})
}

// seedDemo fills an empty instance; on one that has accounts already it
// leaves everything as it is.
func (e *environment) seedDemo(ctx context.Context, db *store.DB, svc *app.Service) (*demo.Credentials, error) {
	n, err := db.CountUsers(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	creds, err := demo.Seed(ctx, svc)
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	return &creds, nil
}

func (e *environment) printDemo(url string, creds *demo.Credentials) {
	out := e.io.Out
	fmt.Fprintln(out)
	if creds == nil {
		fmt.Fprintf(out, "  isms is running at %s\n", url)
		fmt.Fprintf(out, "  The database already has accounts, so no demo data was added. Sign in as\n")
		fmt.Fprintf(out, "  %s with the password printed at first start, or set a new one:\n", demo.AdminEmail)
		fmt.Fprintf(out, "    isms user passwd %s --password-stdin\n\n", demo.AdminEmail)
		return
	}
	fmt.Fprintf(out, "  isms demo is running at %s\n\n", url)
	fmt.Fprintf(out, "  Sign in as   %s\n", creds.Email)
	fmt.Fprintf(out, "  password     %s\n\n", creds.Password)
	fmt.Fprintf(out, "  The password is shown only now. Demo organisation: %s/o/%s/\n\n", url, creds.OrgSlug)
}

func baseURL(cfg config.Config, addr net.Addr) string {
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	host := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok && (tcp.IP.IsUnspecified() || tcp.IP.IsLoopback()) {
		host = fmt.Sprintf("localhost:%d", tcp.Port)
		if tcp.IP.IsLoopback() && !strings.HasPrefix(cfg.Addr, "localhost") {
			host = addr.String()
		}
	}
	return scheme + "://" + host
}
