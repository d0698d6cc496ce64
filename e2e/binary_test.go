package e2e

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/dbtest"
)

// TestBinary drives the built isms binary as an operator and a user would:
// set up with the CLI, serve, sign in, create a record through the API
// with a token, verify the ledger, tamper with the record in SQL behind
// isms's back, and see verification fail naming the record.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildBinary(t)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			env := []string{"ISMS_DATA=" + t.TempDir()}
			if backend == "postgres" {
				env = append(env, "ISMS_DB="+dbtest.NewPostgresSchema(t))
			}
			runScenario(t, bin, env)
		})
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "isms")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/isms")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runISMS runs the binary and returns its exit code and output.
func runISMS(t *testing.T, bin string, env []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run isms %v: %v", args, err)
	}
	return code, stdout.String(), stderr.String()
}

func mustISMS(t *testing.T, bin string, env []string, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := runISMS(t, bin, env, stdin, args...)
	if code != 0 {
		t.Fatalf("isms %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func runScenario(t *testing.T, bin string, env []string) {
	const (
		email    = "owner@acme.example"
		password = "a passphrase long enough"
	)
	mustISMS(t, bin, env, "", "migrate")
	mustISMS(t, bin, env, "", "org", "create", "acme", "--name", "Acme AI")
	mustISMS(t, bin, env, password+"\n", "user", "add", email, "--org", "acme", "--role", "owner", "--name", "Olivia Owner", "--password-stdin")

	base, stop := serve(t, bin, env)

	// Sign in through the form, as a browser would.
	client := newClient(t)
	page := fetch(t, client, "GET", base+"/login", nil, http.StatusOK)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {csrf[1]}, "next": {"/"}}
	fetch(t, client, "POST", base+"/login", form, http.StatusOK)
	overview := fetch(t, client, "GET", base+"/o/acme/", nil, http.StatusOK)
	if !strings.Contains(overview, "Acme AI") {
		t.Fatal("signed in, but the overview does not show the organisation")
	}

	// A token from the CLI, a record through the API.
	token := strings.TrimSpace(mustISMS(t, bin, env, "", "token", "create", "--user", email, "--org", "acme", "--expires", "1h"))
	body := `{"email":"lena@acme.example","name":"Lena Vogel","role":"contributor","password":"another long passphrase"}`
	req, _ := http.NewRequest("POST", base+"/api/v1/orgs/acme/members", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var member struct {
		ID   string `json:"id"`
		Role string `json:"role"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&member); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create member through the API: status %d, %v", resp.StatusCode, err)
	}
	resp.Body.Close()

	out := mustISMS(t, bin, env, "", "ledger", "verify", "--org", "acme")
	if !strings.Contains(out, "intact") {
		t.Fatalf("ledger verify: %s", out)
	}

	// Evidence through the API lands in the data folder, once; the CLI
	// exports the statement and verifies the files.
	for range 2 {
		uploadEvidence(t, base, token)
	}
	if out := mustISMS(t, bin, env, "", "evidence", "verify"); !strings.Contains(out, "ok: 1 files for 2 evidence items") {
		t.Fatalf("evidence verify: %s", out)
	}
	pdf := filepath.Join(t.TempDir(), "soa.pdf")
	mustISMS(t, bin, env, "", "soa", "export", "--org", "acme", "--format", "pdf", "-o", pdf)
	if head, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(head), "%PDF-") {
		t.Fatalf("soa export wrote no PDF: %v", err)
	}

	// Behind isms's back: promote the new member with plain SQL.
	tamper(t, env, `UPDATE memberships SET role = 'owner' WHERE id = '`+member.ID+`'`)
	code, out, errOut := runISMS(t, bin, env, "", "ledger", "verify", "--org", "acme")
	if code == 0 {
		t.Fatalf("ledger verify passed after tampering:\n%s", out)
	}
	if !strings.Contains(out, "record_modified") || !strings.Contains(out, "member "+member.ID) || !strings.Contains(out, "role") {
		t.Fatalf("ledger verify should name member %s and its role field:\n%s%s", member.ID, out, errOut)
	}
	// The whole instance fails too, and the JSON report says the same.
	code, out, _ = runISMS(t, bin, env, "", "ledger", "verify", "--format", "json")
	if code == 0 || !strings.Contains(out, member.ID) {
		t.Fatalf("ledger verify of every chain: exit %d\n%s", code, out)
	}

	// The offline check of an export passes: the entries are intact, only
	// the record was changed.
	export := filepath.Join(t.TempDir(), "ledger.jsonl")
	mustISMS(t, bin, env, "", "ledger", "export", "--org", "acme", "--output", export)
	if out := mustISMS(t, bin, env, "", "ledger", "verify", "--file", export); !strings.Contains(out, "intact") {
		t.Fatalf("offline verify of the export: %s", out)
	}

	if code := stop(); code != 0 {
		t.Errorf("serve exited with %d after SIGTERM, want 0", code)
	}
}

// uploadEvidence sends a small PDF as evidence for A.8.8, the metadata part
// first as the API wants it.
func uploadEvidence(t *testing.T, base, token string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	meta, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="metadata"`},
		"Content-Type": {"application/json"}})
	meta.Write([]byte(`{"kind":"file","title":"Weekly scan","links":[{"target":"control","ref":"iso27001-2022:A.8.8"}]}`))
	file, _ := mw.CreateFormFile("file", "scan.pdf")
	file.Write([]byte("%PDF-1.7\nweekly scan\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/orgs/acme/evidence", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload evidence through the API: %d %s", resp.StatusCode, msg)
	}
}

var servingLine = regexp.MustCompile(`msg=serving url=(http://\S+)`)

// serve starts `isms serve` on a free port and returns its URL and a stop
// function that sends SIGTERM and returns the exit code.
func serve(t *testing.T, bin string, env []string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	var base string
	var logged strings.Builder
	for lines.Scan() {
		logged.WriteString(lines.Text() + "\n")
		if m := servingLine.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("isms serve did not start:\n%s", logged.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		defer cancel()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		return 0
	}
	t.Cleanup(func() { stop() })
	return base, stop
}

func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values, want int) string {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", method, u, resp.StatusCode, want, b)
	}
	return string(b)
}

// tamper changes the database with plain SQL on a connection of its own.
func tamper(t *testing.T, env []string, query string) {
	t.Helper()
	var data, dbURL string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "ISMS_DATA":
			data = v
		case "ISMS_DB":
			dbURL = v
		}
	}
	driver, dsn := "sqlite", fmt.Sprintf("file:%s?_pragma=busy_timeout(5000)", filepath.Join(data, "isms.db"))
	if dbURL != "" {
		driver, dsn = "pgx", dbURL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query)
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tamper changed %d rows, want 1", n)
	}
}
