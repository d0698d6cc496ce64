package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// importProblems prints every problem of an import, by line, and says
// that nothing was imported.
func (e *environment) importProblems(err error, file string) error {
	var problems isms.RowProblems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintf(e.io.Err, "%s: %s\n", file, p)
		}
		return fmt.Errorf("%d problem(s) in %s; nothing was imported", len(problems), file)
	}
	return describe(err)
}

// ---------------------------------------------------------------------
// isms person.

func (e *environment) personCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "person", Aliases: []string{"people"}, Short: "The staff list: list, import and export people",
		Long: `People are staff records (not accounts): name, email, team, job title, dates, the ISMS
roles they hold and, when they sign in, the isms member they are. Their training and
joiner and leaver checklists are kept in the web UI and the API.`}
	cmd.AddCommand(e.personListCmd(), e.personImportCmd(), e.personExportCmd())
	return cmd
}

type personJSON struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Email           string   `json:"email"`
	Team            string   `json:"team"`
	JobTitle        string   `json:"job_title"`
	StartDate       string   `json:"start_date,omitempty"`
	EndDate         string   `json:"end_date,omitempty"`
	Status          string   `json:"status"`
	Roles           []string `json:"roles"`
	TrainingOverdue int      `json:"training_overdue"`
}

func (e *environment) personListCmd() *cobra.Command {
	var org, status, team, query string
	cmd := &cobra.Command{Use: "list --org SLUG [--status joining|active|leaving|left] [--team T] [--q TEXT]",
		Short: "List people by name, with their ISMS roles and overdue training", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&status, "status", "", "joining, active, leaving or left")
	cmd.Flags().StringVar(&team, "team", "", "only this team")
	cmd.Flags().StringVar(&query, "q", "", "part of the name, email or job title")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		roles, _, err := svc.ISMSRoles(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		names := map[string]string{}
		for _, r := range roles {
			names[r.ID] = r.Name
		}
		items, err := allPages(func(cursor string) ([]personJSON, string, error) {
			page, err := svc.People(cmd.Context(), acc, isms.PersonFilter{Status: isms.PersonStatus(status), Team: team, Query: query,
				Cursor: cursor, Limit: store.MaxLimit})
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]personJSON, len(page.People))
			for i, p := range page.People {
				out[i] = personJSON{ID: p.ID, Name: p.Name, Email: p.Email, Team: p.Team, JobTitle: p.JobTitle, Status: string(p.Status),
					Roles: []string{}, TrainingOverdue: p.Overdue}
				if p.StartDate != nil {
					out[i].StartDate = p.StartDate.Format(time.DateOnly)
				}
				if p.EndDate != nil {
					out[i].EndDate = p.EndDate.Format(time.DateOnly)
				}
				for _, id := range p.RoleIDs {
					if n, ok := names[id]; ok {
						out[i].Roles = append(out[i].Roles, n)
					}
				}
			}
			return out, page.Next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(items))
		for i, p := range items {
			rows[i] = []string{p.Name, p.Email, dash(p.Team), p.Status, dash(strings.Join(p.Roles, ", ")), strconv.Itoa(p.TrainingOverdue)}
		}
		return e.printList(*format, []string{"NAME", "EMAIL", "TEAM", "STATUS", "ISMS ROLES", "TRAINING OVERDUE"}, rows, items)
	}
	return cmd
}

func (e *environment) personImportCmd() *cobra.Command {
	var org string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE --org SLUG [--dry-run]",
		Short: "Import the people CSV, whole or not at all",
		Long: `Add or update people from a CSV file with a header row, matched by email. Columns:
name and email (required), team, job_title, start_date and end_date (YYYY-MM-DD),
member_email (an isms member to link), roles (ISMS role names separated by ;) and
notes; a column the file leaves out leaves that field as it is. Every problem is
reported with its line and column, and nothing is imported unless the whole file is
right. 'isms person export' writes the same layout.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(args[0], app.MaxImportSize)
			if err != nil {
				return err
			}
			svc, acc, done, err := e.inOrg(cmd, org)
			if err != nil {
				return err
			}
			defer done()
			res, err := svc.ImportPeople(cmd.Context(), acc, args[0], data, dryRun)
			if err != nil {
				return e.importProblems(err, args[0])
			}
			verb := "imported"
			if dryRun {
				verb = "would import (dry run, nothing changed)"
			}
			fmt.Fprintf(e.io.Out, "%s %s: %d added, %d updated, %d unchanged\n", verb, args[0], res.Created, res.Updated, res.Unchanged)
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report what would change, changing nothing")
	return cmd
}

func (e *environment) personExportCmd() *cobra.Command {
	var org, format, out string
	cmd := &cobra.Command{
		Use:   "export --org SLUG [--format csv|xlsx] [--out FILE]",
		Short: "Export the staff list as the people CSV (which import reads back) or a spreadsheet with everyone's training",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "csv" && format != "xlsx" {
				return fmt.Errorf("--format %q: use csv or xlsx", format)
			}
			svc, acc, done, err := e.inOrg(cmd, org)
			if err != nil {
				return err
			}
			defer done()
			w, closeOut, err := e.outputFile(out)
			if err != nil {
				return err
			}
			if format == "csv" {
				err = svc.ExportPeopleCSV(cmd.Context(), acc, w)
			} else {
				err = svc.ExportPeopleXLSX(cmd.Context(), acc, w)
			}
			return errors.Join(err, closeOut())
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}

// ---------------------------------------------------------------------
// isms training.

func (e *environment) trainingCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "training", Short: "Where everyone stands with the training they must take (6.3, 7.2, 7.3)"}
	cmd.AddCommand(e.trainingListCmd())
	return cmd
}

type trainingJSON struct {
	Person        string `json:"person"`
	Email         string `json:"email"`
	Course        string `json:"course"`
	AISecurity    bool   `json:"ai_security"`
	State         string `json:"state"`
	LastCompleted string `json:"last_completed,omitempty"`
	Due           string `json:"due,omitempty"`
}

func (e *environment) trainingListCmd() *cobra.Command {
	var org, state, person string
	var overdue, ai bool
	cmd := &cobra.Command{Use: "list --org SLUG [--overdue | --state current|due_soon|overdue] [--person EMAIL] [--ai]",
		Short: "List each person in post with each course they must take, overdue first", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&state, "state", "", "current, due_soon or overdue")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only overdue training: the overdue training list")
	cmd.Flags().StringVar(&person, "person", "", "only this person, by email")
	cmd.Flags().BoolVar(&ai, "ai", false, "only the courses on AI security")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if overdue {
			if state != "" && state != string(isms.TrainingOverdue) {
				return errors.New("--overdue and --state disagree")
			}
			state = string(isms.TrainingOverdue)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f := app.TrainingFilter{State: isms.TrainingState(state), AISecurity: ai}
		if person != "" {
			p, err := svc.PersonByEmail(cmd.Context(), acc, person)
			if errors.Is(err, isms.ErrNotFound) {
				return fmt.Errorf("%s is not a person of %s", person, acc.Org.Slug)
			}
			if err != nil {
				return err
			}
			f.PersonID = p.ID
		}
		rows, err := svc.TrainingStatus(cmd.Context(), acc, f)
		if err != nil {
			return describe(err)
		}
		items := make([]trainingJSON, len(rows))
		table := make([][]string, len(rows))
		for i, r := range rows {
			items[i] = trainingJSON{Person: r.Person.Name, Email: r.Person.Email, Course: r.Course.Title, AISecurity: r.Course.AISecurity,
				State: string(r.State)}
			if r.Last != nil {
				items[i].LastCompleted = r.Last.CompletedAt.Format(time.DateOnly)
			}
			if !r.Due.IsZero() {
				items[i].Due = r.Due.Format(time.DateOnly)
			}
			table[i] = []string{r.Person.Name, truncate(r.Course.Title, 40), items[i].State, dash(items[i].LastCompleted), dash(items[i].Due)}
		}
		return e.printList(*format, []string{"PERSON", "COURSE", "STATE", "LAST COMPLETED", "DUE"}, table, items)
	}
	return cmd
}

// ---------------------------------------------------------------------
// isms access-review.

func (e *environment) accessReviewCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "access-review", Aliases: []string{"ar"}, Short: "Access review campaigns (5.15 to 5.18, 8.2, 8.3)",
		Long: `Access review campaigns over chosen systems: every account with its rights, a reviewer's
decision to keep, change or revoke each, and completion, which records evidence for
A.5.18. Campaigns are opened, decided and completed in the web UI or the API; the
command line lists them, shows one, and imports accounts into one.`}
	cmd.AddCommand(e.reviewListCmd(), e.reviewShowCmd(), e.reviewImportCmd())
	return cmd
}

type reviewJSON struct {
	Ref         string     `json:"ref"`
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Systems     []string   `json:"systems"`
	Status      string     `json:"status"`
	Overdue     bool       `json:"overdue"`
	DueDate     string     `json:"due_date"`
	Accounts    int        `json:"accounts"`
	Kept        int        `json:"kept"`
	Changed     int        `json:"changed"`
	Revoked     int        `json:"revoked"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	EvidenceID  string     `json:"evidence_id,omitempty"`
}

func toReviewJSON(r isms.AccessReview, t isms.ReviewTally, status isms.ReviewStatus, overdue bool) reviewJSON {
	systems := r.Systems
	if systems == nil {
		systems = []string{}
	}
	return reviewJSON{Ref: r.Ref(), ID: r.ID, Title: r.Title, Systems: systems, Status: string(status), Overdue: overdue,
		DueDate: r.DueDate.Format(time.DateOnly), Accounts: t.Accounts, Kept: t.Kept, Changed: t.Changed, Revoked: t.Revoked,
		CompletedAt: r.CompletedAt, EvidenceID: r.EvidenceID}
}

func (e *environment) reviewListCmd() *cobra.Command {
	var org, status string
	var overdue bool
	cmd := &cobra.Command{Use: "list --org SLUG [--status open|complete|all] [--overdue]", Short: "List campaigns, newest first",
		Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&status, "status", "all", "open, complete or all")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only unfinished campaigns past their due date")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f := store.AccessReviewFilter{Overdue: overdue, Limit: store.MaxLimit}
		switch status {
		case "open":
			f.Open = true
		case "complete":
			f.Complete = true
		case "all":
		default:
			return fmt.Errorf("--status %q: use open, complete or all", status)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		items, err := allPages(func(cursor string) ([]reviewJSON, string, error) {
			if cursor != "" {
				f.After, _ = strconv.Atoi(cursor)
			}
			rows, err := svc.AccessReviews(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]reviewJSON, len(rows))
			for i, r := range rows {
				out[i] = toReviewJSON(r.AccessReview, r.Tally, r.Status, r.Overdue)
			}
			next := ""
			if len(rows) == f.Limit {
				next = strconv.Itoa(rows[len(rows)-1].RefNum)
			}
			return out, next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(items))
		for i, it := range items {
			due := it.DueDate
			if it.Overdue {
				due += " (overdue)"
			}
			rows[i] = []string{it.Ref, truncate(it.Title, 40), it.Status, fmt.Sprintf("%d/%d", it.Kept+it.Changed+it.Revoked, it.Accounts),
				strconv.Itoa(it.Revoked), due}
		}
		return e.printList(*format, []string{"REF", "TITLE", "STATUS", "DECIDED", "REVOKED", "DUE"}, rows, items)
	}
	return cmd
}

func (e *environment) reviewShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show REF --org SLUG", Short: "Show a campaign with its accounts and decisions, as JSON", Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		d, err := svc.AccessReview(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		type accountJSON struct {
			System    string     `json:"system"`
			Account   string     `json:"account"`
			Holder    string     `json:"holder,omitempty"`
			Rights    string     `json:"rights"`
			Decision  string     `json:"decision,omitempty"`
			Note      string     `json:"note,omitempty"`
			DecidedBy string     `json:"decided_by,omitempty"`
			DecidedAt *time.Time `json:"decided_at,omitempty"`
		}
		name := func(id string) string {
			if n, ok := d.Names[id]; ok {
				return n
			}
			return id
		}
		out := struct {
			reviewJSON
			Reviewers   []string      `json:"reviewers"`
			PeriodStart string        `json:"period_start,omitempty"`
			PeriodEnd   string        `json:"period_end,omitempty"`
			CompletedBy string        `json:"completed_by,omitempty"`
			AccountList []accountJSON `json:"account_list"`
		}{reviewJSON: toReviewJSON(d.AccessReview, d.Tally, d.Status, d.Overdue), Reviewers: []string{}, AccountList: []accountJSON{}}
		for _, id := range d.ReviewerIDs {
			out.Reviewers = append(out.Reviewers, name(id))
		}
		if d.PeriodStart != nil {
			out.PeriodStart = d.PeriodStart.Format(time.DateOnly)
		}
		if d.PeriodEnd != nil {
			out.PeriodEnd = d.PeriodEnd.Format(time.DateOnly)
		}
		if d.CompletedBy != "" {
			out.CompletedBy = name(d.CompletedBy)
		}
		for _, a := range d.Accounts {
			v := accountJSON{System: a.System, Account: a.Account, Holder: a.Holder, Rights: a.Rights, Decision: string(a.Decision),
				Note: a.DecisionNote, DecidedAt: a.DecidedAt}
			if a.DecidedBy != "" {
				v.DecidedBy = name(a.DecidedBy)
			}
			out.AccountList = append(out.AccountList, v)
		}
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return cmd
}

func (e *environment) reviewImportCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{
		Use:   "import REF FILE --org SLUG",
		Short: "Import a campaign's accounts from CSV (system, account, holder, rights), whole or not at all",
		Long: `List the accounts of a CSV file in an open campaign. The header row names the columns
system, account and rights (required) and holder. An account already listed, or listed
twice in the file, is a problem; every problem is reported with its line and column,
and nothing is imported unless the whole file is right.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(args[1], app.MaxImportSize)
			if err != nil {
				return err
			}
			svc, acc, done, err := e.inOrg(cmd, org)
			if err != nil {
				return err
			}
			defer done()
			n, err := svc.ImportReviewAccounts(cmd.Context(), acc, args[0], data)
			if err != nil {
				return e.importProblems(err, args[1])
			}
			d, err := svc.AccessReview(cmd.Context(), acc, args[0])
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "imported %d accounts into %s; it lists %d, %d to decide\n", n, d.Ref(), d.Tally.Accounts, d.Tally.Undecided())
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	return cmd
}
