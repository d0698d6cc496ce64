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
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/store"
)

// seed opens the data folder's database through the service, as the
// server would, for what the command line does not create itself.
func seed(t *testing.T, data string, fn func(svc *app.Service, acc app.Access)) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), "acme")
	if err != nil {
		t.Fatal(err)
	}
	fn(svc, acc)
}

func TestPeopleCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"},
		{"user", "add", "lee@acme.example", "--org", "acme", "--role", "contributor", "--name", "Lee"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	ctx := context.Background()
	seed(t, data, func(svc *app.Service, acc app.Access) {
		name, title := "AI system owner", "Security awareness"
		if _, err := svc.SaveISMSRole(ctx, acc, "", app.ISMSRoleInput{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SaveTrainingCourse(ctx, acc, "", app.CourseInput{Title: &title}); err != nil {
			t.Fatal(err)
		}
	})
	step := func(code int, out, errText string, args ...string) string {
		t.Helper()
		r := run(t, data, "", args...)
		if r.code != code || !strings.Contains(r.out, out) || !strings.Contains(r.err, errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(args, " "), r.code, r.out, r.err, code, out, errText)
		}
		return r.out
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := time.Now().AddDate(-2, 0, 0).Format(time.DateOnly)
	bad := write("bad.csv", "name,email,roles\nAnn,ann@acme.example,AI system owner\nBob,bob@acme.example,Wizard\n")
	step(1, "", "bad.csv: line 3, roles:", "person", "import", bad, "--org", "acme")
	step(1, "", "nothing was imported", "person", "import", bad, "--org", "acme")
	good := write("people.csv", "name,email,team,start_date,roles,member_email\n"+
		"Ann Analyst,ann@acme.example,Security,"+old+",AI system owner,\nLee Lin,lee@acme.example,Platform,"+old+",,lee@acme.example\n")
	step(0, "would import (dry run, nothing changed) ", "", "person", "import", good, "--org", "acme", "--dry-run")
	step(0, "2 added, 0 updated", "", "people", "import", good, "--org", "acme")
	step(0, "0 added, 0 updated, 2 unchanged", "", "person", "import", good, "--org", "acme")
	out := step(0, "Ann Analyst", "", "person", "list", "--org", "acme", "--team", "Security")
	if strings.Contains(out, "Lee Lin") || !strings.Contains(out, "AI system owner") {
		t.Errorf("people of the security team:\n%s", out)
	}
	var people []personJSON
	if err := json.Unmarshal([]byte(step(0, "", "", "person", "list", "--org", "acme", "--format", "json")), &people); err != nil ||
		len(people) != 2 || people[0].Roles[0] != "AI system owner" || people[0].Status != "active" {
		t.Errorf("people as JSON: %+v %v", people, err)
	}
	step(1, "", "status", "person", "list", "--org", "acme", "--status", "retired")
	csvOut := step(0, "name,email,team,job_title", "", "person", "export", "--org", "acme")
	if !strings.Contains(csvOut, "Lee Lin,lee@acme.example,Platform,,"+old+",,lee@acme.example,,") {
		t.Errorf("export:\n%s", csvOut)
	}
	xlsx := filepath.Join(dir, "people.xlsx")
	step(0, "", "", "person", "export", "--org", "acme", "--format", "xlsx", "--out", xlsx)
	if st, err := os.Stat(xlsx); err != nil || st.Size() < 1000 {
		t.Errorf("xlsx export: %v", err)
	}
	step(1, "", "--format", "person", "export", "--org", "acme", "--format", "pdf")

	// The course is new: both have a month to take it.
	out = step(0, "Security awareness", "", "training", "list", "--org", "acme")
	if strings.Count(out, "due_soon") != 2 {
		t.Errorf("training:\n%s", out)
	}
	if out = step(0, "PERSON", "", "training", "list", "--org", "acme", "--overdue"); strings.Contains(out, "Security awareness") {
		t.Errorf("overdue training:\n%s", out)
	}
	step(0, "Lee Lin", "", "training", "list", "--org", "acme", "--person", "LEE@acme.example")
	step(1, "", "not a person", "training", "list", "--org", "acme", "--person", "nobody@acme.example")
	step(1, "", "state", "training", "list", "--org", "acme", "--state", "late")

	// Access reviews: opened in the UI or the API, accounts imported here.
	seed(t, data, func(svc *app.Service, acc app.Access) {
		lee, err := svc.PersonByEmail(ctx, acc, "lee@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		title, due := "Model registry, Q3", time.Now().AddDate(0, 0, 14)
		if _, err := svc.CreateAccessReview(ctx, acc, app.AccessReviewInput{Title: &title, Systems: &[]string{"MLflow"},
			ReviewerIDs: &[]string{lee.MemberID}, DueDate: &due}); err != nil {
			t.Fatal(err)
		}
	})
	badAccounts := write("accounts-bad.csv", "system,account,rights\nMLflow,alice,publish\nMLflow,alice,read\n")
	step(1, "", "accounts-bad.csv: line 3, account: alice on MLflow is on line 2 already", "access-review", "import", "AR-1", badAccounts, "--org", "acme")
	accounts := write("accounts.csv", "system,account,holder,rights\nMLflow,alice,Alice,publish\nMLflow,svc-train,pipeline,admin\n")
	step(0, "imported 2 accounts into AR-001; it lists 2, 2 to decide", "", "access-review", "import", "AR-001", accounts, "--org", "acme")
	step(1, "", "listed in AR-001 already", "ar", "import", "AR-001", accounts, "--org", "acme")
	step(0, "AR-001", "", "access-review", "list", "--org", "acme", "--status", "open")
	step(0, `"account": "svc-train"`, "", "access-review", "show", "AR-1", "--org", "acme")
	step(1, "", "not found", "access-review", "show", "AR-9", "--org", "acme")
	step(1, "", "--status", "access-review", "list", "--org", "acme", "--status", "pending")
}
