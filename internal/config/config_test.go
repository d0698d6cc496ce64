package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddCommonFlags(fs)
	AddServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "isms.toml")
	if err := os.WriteFile(file, []byte("addr = \"127.0.0.1:7000\"\ndata = \"/from/file\"\nlog_level = \"debug\"\nsession_idle = \"2h\"\nbehind_proxy = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"defaults", nil, nil, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:8080" || c.Data != "./isms-data" || c.DB != "" {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{"file over defaults", []string{"--config", file}, nil, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:7000" || c.LogLevel != "debug" || c.SessionIdle != 2*time.Hour || !c.BehindProxy {
				t.Errorf("from file = %+v", c)
			}
		}},
		{"env over file", nil, map[string]string{"ISMS_CONFIG": file, "ISMS_ADDR": "0.0.0.0:9000"}, func(t *testing.T, c Config) {
			if c.Addr != "0.0.0.0:9000" || c.Data != "/from/file" {
				t.Errorf("env over file = %+v", c)
			}
		}},
		{"flags over env", []string{"--addr", "127.0.0.1:9999", "--data", "/flag"}, map[string]string{"ISMS_ADDR": "0.0.0.0:9000", "ISMS_DATA": "/env"}, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9999" || c.Data != "/flag" {
				t.Errorf("flags over env = %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(flags(t, tt.args...), envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestSecretFromFileAndRedaction(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(secret, []byte("postgres://isms:s3cret@db.internal:5432/isms\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(flags(t), envOf(map[string]string{"ISMS_DB_FILE": secret}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "postgres://isms:s3cret@db.internal:5432/isms" {
		t.Errorf("DB = %q", c.DB)
	}
	out := c.Redacted()
	if strings.Contains(out, "s3cret") || !strings.Contains(out, `db = "postgres://isms:xxxxx@db.internal:5432/isms"`) {
		t.Errorf("redacted config shows the password or lost the URL:\n%s", out)
	}
}

func TestInvalidSettingsNameTheSetting(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("adress = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.toml")
	if err := os.WriteFile(broken, []byte("addr = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown key in file", []string{"--config", bad}, nil, `unknown setting "adress"`},
		{"syntax error in file names the line", []string{"--config", broken}, nil, "line 1"},
		{"bad duration in env", nil, map[string]string{"ISMS_SESSION_IDLE": "soon"}, "ISMS_SESSION_IDLE"},
		{"bad bool flag value", []string{"--behind-proxy=maybe"}, nil, "behind-proxy"},
		{"bad address", []string{"--addr", "nowhere"}, nil, "addr"},
		{"bad log format", nil, map[string]string{"ISMS_LOG_FORMAT": "xml"}, "log_format"},
		{"bad database URL", []string{"--db", "mysql://x"}, nil, "db"},
		{"half a TLS pair", []string{"--tls-cert", "c.pem"}, nil, "tls_cert and tls_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			AddCommonFlags(fs)
			AddServeFlags(fs)
			err := fs.Parse(tt.args)
			if err == nil {
				_, err = Load(fs, envOf(tt.env))
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
