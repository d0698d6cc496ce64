package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

type result struct {
	code     int
	out, err string
}

// run executes a command line in-process against the data folder.
func run(t *testing.T, data, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"ISMS_DATA": data}
	code := Run(context.Background(), args, IO{
		In: strings.NewReader(stdin), Out: &out, Err: &errOut,
		Getenv: func(k string) string { return env[k] },
	})
	return result{code, out.String(), errOut.String()}
}

func TestOperatorCommands(t *testing.T) {
	data := t.TempDir()
	steps := []struct {
		args    []string
		stdin   string
		code    int
		out     string // in stdout
		errText string // in stderr
	}{
		{args: []string{"org", "list"}, code: 1, errText: "run isms migrate"},
		{args: []string{"migrate"}, out: "applied 0001_init"},
		{args: []string{"migrate"}, out: "schema is at version"},
		{args: []string{"org", "create", "acme", "--name", "Acme AI"}, out: "created organisation acme"},
		{args: []string{"org", "create", "acme", "--name", "Again"}, code: 1, errText: `slug "acme" is already taken`},
		{args: []string{"org", "create", "Not A Slug", "--name", "X"}, code: 1, errText: "slug"},
		{args: []string{"org", "create", "beta"}, code: 1, errText: `"name" not set`},
		{args: []string{"user", "add", "dana@acme.example", "--org", "acme", "--role", "owner", "--name", "Dana", "--password-stdin"},
			stdin: "a long passphrase here\n", out: "created account dana@acme.example to acme as owner"},
		{args: []string{"user", "add", "lee@acme.example", "--org", "acme", "--role", "viewer", "--name", "Lee"}, out: "first password (shown once)"},
		{args: []string{"user", "add", "x@acme.example", "--org", "acme", "--role", "boss", "--name", "X"}, code: 1, errText: `role: "boss" is not a role`},
		{args: []string{"user", "add", "a@cb.example", "--org", "acme", "--role", "auditor", "--name", "A"}, code: 1, errText: "expires_at"},
		{args: []string{"user", "add", "x@acme.example", "--org", "nope", "--role", "viewer"}, code: 1, errText: `organisation "nope"`},
		{args: []string{"user", "list", "--org", "acme"}, out: "dana@acme.example"},
		{args: []string{"user", "list", "--format", "yaml"}, code: 1, errText: "--format"},
		{args: []string{"token", "create", "--user", "lee@acme.example", "--org", "acme", "--role", "owner"}, code: 1, errText: "role"},
		{args: []string{"token", "create", "--user", "lee@acme.example", "--org", "acme", "--expires", "1h"}, out: "isms_", errText: "role viewer"},
		{args: []string{"ledger", "verify", "--org", "acme"}, out: "intact"},
		{args: []string{"ledger", "verify"}, out: "chain instance: intact"},
		{args: []string{"user", "passwd", "lee@acme.example", "--password-stdin"}, stdin: "short\n", code: 1, errText: "password"},
		{args: []string{"version"}, out: "isms "},
		{args: []string{"user", "disable", "lee@acme.example"}, out: "disabled lee@acme.example"},
		{args: []string{"user", "list", "--format", "json"}, out: `"disabled": true`},
		{args: []string{"user", "enable", "lee@acme.example"}, out: "enabled lee@acme.example"},
		{args: []string{"user", "disable", "nobody@acme.example"}, code: 1, errText: "not found"},
		{args: []string{"backup", "--output", data + "/backup.db"}, out: "wrote"},
		{args: []string{"backup", "--output", data + "/backup.db"}, code: 1, errText: "exists"},
		{args: []string{"ledger", "verify", "--db", "sqlite:" + data + "/backup.db"}, out: "intact"},
		{args: []string{"nonsense"}, code: 1, errText: "unknown command"},
	}
	for _, s := range steps {
		r := run(t, data, s.stdin, s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.out) || !strings.Contains(r.err, s.errText) {
			t.Errorf("isms %s: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				strings.Join(s.args, " "), r.code, r.out, r.err, s.code, s.out, s.errText)
		}
	}

	var members []struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	r := run(t, data, "", "user", "list", "--org", "acme", "--format", "json")
	if err := json.Unmarshal([]byte(r.out), &members); err != nil || len(members) != 2 || members[0].Email != "dana@acme.example" || members[0].Role != "owner" {
		t.Errorf("user list --format json = %s (%v)", r.out, err)
	}
}

func TestServeRefusesAnOutdatedSchema(t *testing.T) {
	data := t.TempDir()
	if r := run(t, data, "", "migrate"); r.code != 0 {
		t.Fatal(r.err)
	}
	db, err := sql.Open("sqlite", "file:"+data+"/isms.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := run(t, data, "", "serve", "--addr", "127.0.0.1:0")
	if r.code == 0 || !strings.Contains(r.err, "run isms migrate") {
		t.Errorf("serve on an outdated schema: exit %d, %q", r.code, r.err)
	}
}

func TestConfigIsRedacted(t *testing.T) {
	var out, errOut bytes.Buffer
	env := map[string]string{"ISMS_DB": "postgres://isms:hunter22@db:5432/isms"}
	code := Run(context.Background(), []string{"config", "--addr", "0.0.0.0:9090"}, IO{Out: &out, Err: &errOut, Getenv: func(k string) string { return env[k] }})
	if code != 0 || strings.Contains(out.String(), "hunter22") || !strings.Contains(out.String(), `addr = "0.0.0.0:9090"`) {
		t.Errorf("isms config: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	root := newRoot(IO{Getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short == "" {
			t.Errorf("command %q has no short description", c.CommandPath())
		}
		path := strings.Fields(c.CommandPath())[1:]
		r := run(t, t.TempDir(), "", append(path, "--help")...)
		if r.code != 0 || !strings.Contains(r.out, "Usage:") {
			t.Errorf("%s --help: exit %d, %q", c.CommandPath(), r.code, r.out)
		}
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && sub.Name() != "completion" {
				walk(sub)
			}
		}
	}
	walk(root)
}
