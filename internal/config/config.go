// Package config gathers the settings of isms from defaults, an optional
// TOML file, ISMS_* environment variables and command-line flags, in
// rising order of precedence, and prints them with secrets hidden.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"

	"github.com/isms-dev/isms/internal/store"
)

// Config is every setting of a running isms.
type Config struct {
	// Addr is where serve listens.
	Addr string
	// Data is the folder for the SQLite database and stored files.
	Data string
	// DB selects PostgreSQL (postgres://…) or another SQLite file
	// (sqlite:PATH); empty means Data/isms.db.
	DB        string
	LogFormat string
	LogLevel  string
	// TLSCert and TLSKey make serve speak HTTPS itself.
	TLSCert string
	TLSKey  string
	// SecureCookies marks cookies Secure although serve speaks plain
	// HTTP, for deployments behind a TLS-terminating proxy.
	SecureCookies bool
	// BehindProxy trusts X-Forwarded-For for the client address (used by
	// sign-in throttling) and X-Forwarded-Proto for TLS.
	BehindProxy  bool
	SessionIdle  time.Duration
	SessionMax   time.Duration
	MaxBodyBytes int64
	// EvidenceMaxBytes is the largest evidence file accepted.
	EvidenceMaxBytes int64
	// ScanMaxBytes is the largest vulnerability scan file imported.
	ScanMaxBytes int64
}

// Default returns the settings used when nothing else is given.
func Default() Config {
	return Config{
		Addr:         "127.0.0.1:8080",
		Data:         "./isms-data",
		LogFormat:    "text",
		LogLevel:     "info",
		SessionIdle:  12 * time.Hour,
		SessionMax:   7 * 24 * time.Hour,
		MaxBodyBytes: 1 << 20,
		// Scan exports and screen recordings of reviews run to tens of
		// megabytes; a limit keeps one upload from filling the disk.
		EvidenceMaxBytes: 100 << 20,
		// A credentialed scan of a few thousand hosts is hundreds of
		// megabytes; the import streams it, so size costs time, not memory.
		ScanMaxBytes: 2 << 30,
	}
}

// setting describes one setting in all its spellings.
type setting struct {
	key    string // in the TOML file; the flag is the same with - for _
	env    string
	secret bool
	help   string
	get    func(*Config) string
	set    func(*Config, string) error
}

func (s setting) flag() string { return strings.ReplaceAll(s.key, "_", "-") }

func stringSetting(key, help string, field func(*Config) *string) setting {
	return setting{key: key, env: "ISMS_" + strings.ToUpper(key), help: help,
		get: func(c *Config) string { return *field(c) },
		set: func(c *Config, v string) error { *field(c) = v; return nil }}
}

func boolSetting(key, help string, field func(*Config) *bool) setting {
	return setting{key: key, env: "ISMS_" + strings.ToUpper(key), help: help,
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) },
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			*field(c) = b
			return nil
		}}
}

func durationSetting(key, help string, field func(*Config) *time.Duration) setting {
	return setting{key: key, env: "ISMS_" + strings.ToUpper(key), help: help,
		get: func(c *Config) string { return field(c).String() },
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as 12h or 30m", v)
			}
			*field(c) = d
			return nil
		}}
}

var settings = []setting{
	stringSetting("addr", "address to listen on", func(c *Config) *string { return &c.Addr }),
	stringSetting("data", "data folder (SQLite database and stored files)", func(c *Config) *string { return &c.Data }),
	func() setting {
		s := stringSetting("db", "database: postgres://… or sqlite:PATH (default: isms.db in the data folder)", func(c *Config) *string { return &c.DB })
		s.secret = true
		return s
	}(),
	stringSetting("log_format", "log format: text or json", func(c *Config) *string { return &c.LogFormat }),
	stringSetting("log_level", "log level: debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
	stringSetting("tls_cert", "TLS certificate file (serve HTTPS)", func(c *Config) *string { return &c.TLSCert }),
	stringSetting("tls_key", "TLS private key file", func(c *Config) *string { return &c.TLSKey }),
	boolSetting("secure_cookies", "mark cookies Secure behind a TLS-terminating proxy", func(c *Config) *bool { return &c.SecureCookies }),
	boolSetting("behind_proxy", "trust X-Forwarded-For and X-Forwarded-Proto", func(c *Config) *bool { return &c.BehindProxy }),
	durationSetting("session_idle", "sign out after this long without a request", func(c *Config) *time.Duration { return &c.SessionIdle }),
	durationSetting("session_max", "sign out this long after sign-in", func(c *Config) *time.Duration { return &c.SessionMax }),
	{key: "max_body_bytes", env: "ISMS_MAX_BODY_BYTES", help: "largest request body accepted by the API, in bytes",
		get: func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) },
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			c.MaxBodyBytes = n
			return nil
		}},
	{key: "evidence_max_bytes", env: "ISMS_EVIDENCE_MAX_BYTES", help: "largest evidence file accepted, in bytes",
		get: func(c *Config) string { return strconv.FormatInt(c.EvidenceMaxBytes, 10) },
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			c.EvidenceMaxBytes = n
			return nil
		}},
	{key: "scan_max_bytes", env: "ISMS_SCAN_MAX_BYTES", help: "largest vulnerability scan file imported, in bytes",
		get: func(c *Config) string { return strconv.FormatInt(c.ScanMaxBytes, 10) },
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			c.ScanMaxBytes = n
			return nil
		}},
}

// Flags of the settings that every command shares.
var commonKeys = []string{"data", "db", "log_format", "log_level"}

// AddCommonFlags defines --config and the shared settings' flags.
func AddCommonFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "TOML configuration file (or ISMS_CONFIG)")
	addFlags(fs, commonKeys)
}

// AddServeFlags defines the flags that only serve uses.
func AddServeFlags(fs *pflag.FlagSet) {
	var keys []string
	for _, s := range settings {
		if !contains(commonKeys, s.key) {
			keys = append(keys, s.key)
		}
	}
	addFlags(fs, keys)
}

func addFlags(fs *pflag.FlagSet, keys []string) {
	def := Default()
	for _, s := range settings {
		if !contains(keys, s.key) {
			continue
		}
		help := fmt.Sprintf("%s (%s)", s.help, s.env)
		if s.get(&def) == "false" {
			fs.Bool(s.flag(), false, help)
		} else {
			fs.String(s.flag(), s.get(&def), help)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Load merges defaults, the config file, the environment and the flags
// that were set on the command line, then validates the result.
func Load(fs *pflag.FlagSet, getenv func(string) string) (Config, error) {
	c := Default()
	path := getenv("ISMS_CONFIG")
	if f := fs.Lookup("config"); f != nil && f.Changed {
		path = f.Value.String()
	}
	if path != "" {
		if err := c.loadFile(path); err != nil {
			return c, err
		}
	}
	for _, s := range settings {
		v, from := getenv(s.env), s.env
		if s.secret && v == "" {
			if file := getenv(s.env + "_FILE"); file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					return c, fmt.Errorf("%s_FILE: %w", s.env, err)
				}
				v, from = strings.TrimSpace(string(b)), s.env+"_FILE"
			}
		}
		if v != "" {
			if err := s.set(&c, v); err != nil {
				return c, fmt.Errorf("environment %s: %w", from, err)
			}
		}
		if f := fs.Lookup(s.flag()); f != nil && f.Changed {
			if err := s.set(&c, f.Value.String()); err != nil {
				return c, fmt.Errorf("flag --%s: %w", s.flag(), err)
			}
		}
	}
	return c, c.Validate()
}

func (c *Config) loadFile(path string) error {
	raw := map[string]any{}
	md, err := toml.DecodeFile(path, &raw)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	for _, key := range md.Keys() {
		name := key.String()
		var s *setting
		for i := range settings {
			if settings[i].key == name {
				s = &settings[i]
			}
		}
		if s == nil {
			return fmt.Errorf("config file %s: unknown setting %q", path, name)
		}
		if err := s.set(c, fmt.Sprint(raw[name])); err != nil {
			return fmt.Errorf("config file %s: setting %s: %w", path, name, err)
		}
	}
	return nil
}

// Validate checks the settings that can be checked without side effects.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", c.Addr))
	}
	if c.DB == "" && c.Data == "" {
		errs = append(errs, errors.New("data: a data folder is needed when db is not set"))
	}
	if c.DB != "" && !store.IsPostgresURL(c.DB) && !strings.HasPrefix(c.DB, "sqlite:") {
		errs = append(errs, fmt.Errorf("db %q: use postgres://…, postgresql://… or sqlite:PATH", store.RedactURL(c.DB)))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log_format %q: use text or json", c.LogFormat))
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls_cert and tls_key: give both or neither"))
	}
	if c.SessionIdle < time.Minute || c.SessionMax < c.SessionIdle {
		errs = append(errs, errors.New("session_idle must be at least 1m and session_max at least session_idle"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("max_body_bytes must be at least 1024"))
	}
	if c.EvidenceMaxBytes < 1024 {
		errs = append(errs, errors.New("evidence_max_bytes must be at least 1024"))
	}
	if c.ScanMaxBytes < 1024 {
		errs = append(errs, errors.New("scan_max_bytes must be at least 1024"))
	}
	return errors.Join(errs...)
}

// Level returns the slog level named by LogLevel.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("log_level %q: use debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// TLS reports whether serve speaks HTTPS, directly or behind a proxy.
func (c Config) TLS() bool { return c.TLSCert != "" || c.SecureCookies }

// Redacted prints the settings as TOML, the way a config file would hold
// them, with the password in the database URL hidden.
func (c Config) Redacted() string {
	var b bytes.Buffer
	for _, s := range settings {
		v := s.get(&c)
		if s.secret {
			v = store.RedactURL(v)
		}
		switch s.key {
		case "secure_cookies", "behind_proxy", "max_body_bytes", "evidence_max_bytes", "scan_max_bytes":
			fmt.Fprintf(&b, "%s = %s\n", s.key, v)
		default:
			fmt.Fprintf(&b, "%s = %q\n", s.key, v)
		}
	}
	return b.String()
}

// EvidenceDir is where evidence files are kept: under the data folder,
// whichever database holds the records. Empty when there is no data folder.
func (c Config) EvidenceDir() string {
	if c.Data == "" {
		return ""
	}
	return filepath.Join(c.Data, "evidence")
}
