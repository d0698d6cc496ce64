package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/demo"
	"github.com/isms-dev/isms/internal/store"
)

// TestReviewCommands reads the demo's management reviews and certification
// from the command line.
func TestReviewCommands(t *testing.T) {
	data := t.TempDir()
	if r := run(t, data, "", "migrate"); r.code != 0 {
		t.Fatal(r.err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, tc := range []struct {
		args      []string
		code      int
		out, errs string
	}{
		{[]string{"review", "list", "--org", "helix-ai"}, 0, "MR-002", ""},
		{[]string{"review", "list"}, 1, "", "--org"},
		{[]string{"review", "show", "MR-9", "--org", "helix-ai"}, 1, "", "not found"},
		{[]string{"review", "minutes", "MR-1", "--org", "helix-ai"}, 1, "", "-o FILE"},
		{[]string{"certification", "show", "--org", "helix-ai"}, 0, "Surveillance audit, year 2", ""},
		{[]string{"certification", "show", "--org", "helix-ai-eu"}, 1, "", "no certification cycle"},
	} {
		r := run(t, data, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.out, tc.out) || !strings.Contains(r.err, tc.errs) {
			t.Errorf("isms %s: code %d, out %q, err %q", strings.Join(tc.args, " "), r.code, r.out, r.err)
		}
	}
	r := run(t, data, "", "review", "show", "MR-2", "--org", "helix-ai")
	var shown struct {
		Status string `json:"status"`
		Inputs struct {
			Nonconformities struct {
				Raised []struct {
					Ref string `json:"ref"`
				} `json:"raised"`
			} `json:"nonconformities"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(r.out), &shown); err != nil || shown.Status != "draft" || len(shown.Inputs.Nonconformities.Raised) == 0 {
		t.Errorf("review show: %v %+v\n%s", err, shown, r.out)
	}
	pdf := filepath.Join(t.TempDir(), "minutes.pdf")
	if r := run(t, data, "", "review", "minutes", "MR-1", "--org", "helix-ai", "-o", pdf); r.code != 0 {
		t.Fatal(r.err)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("minutes: %v", err)
	}
}
