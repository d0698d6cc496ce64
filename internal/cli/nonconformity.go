package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// ncJSON is a record of the nonconformity register as the CLI prints it.
type ncJSON struct {
	Ref         string     `json:"ref"`
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Grade       string     `json:"grade,omitempty"`
	Source      string     `json:"source"`
	Title       string     `json:"title"`
	Requirement string     `json:"requirement,omitempty"`
	FindingID   string     `json:"finding_id,omitempty"`
	Stage       string     `json:"stage"`
	Overdue     bool       `json:"overdue"`
	DueDate     string     `json:"due_date,omitempty"`
	Actions     int        `json:"actions"`
	ActionsDone int        `json:"actions_done"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
}

func toNCJSON(r app.NCRow) ncJSON {
	out := ncJSON{Ref: r.Ref(), ID: r.ID, Kind: string(r.Kind), Grade: string(r.Grade), Source: string(r.Source), Title: r.Title,
		Requirement: r.Requirement, FindingID: r.FindingID, Stage: string(r.Stage), Overdue: r.Overdue, Actions: r.Actions,
		ActionsDone: r.ActionsDone, ClosedAt: r.ClosedAt}
	if r.DueDate != nil {
		out.DueDate = r.DueDate.Format(time.DateOnly)
	}
	return out
}

func (e *environment) nonconformityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "nonconformity", Aliases: []string{"nc"},
		Short: "The register of nonconformities and improvements (10.1, 10.2)"}
	cmd.AddCommand(e.ncListCmd(), e.ncShowCmd(), e.ncRaiseCmd(), e.ncActionCmd())
	return cmd
}

func (e *environment) ncListCmd() *cobra.Command {
	var org, status, kind, source string
	var overdue bool
	cmd := &cobra.Command{Use: "list --org SLUG [--status open|closed|all] [--kind K] [--source S] [--overdue]",
		Short: "List the register, newest first", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&status, "status", "open", "open, closed or all")
	cmd.Flags().StringVar(&kind, "kind", "", "nonconformity or improvement")
	cmd.Flags().StringVar(&source, "source", "", "where they were found: "+sourceNames())
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only open records past their date or with an overdue action")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f := store.NCFilter{Kind: isms.NCKind(kind), Source: isms.NCSource(source), Overdue: overdue, Limit: store.MaxLimit}
		switch status {
		case "open":
			f.Open = true
		case "closed":
			f.Closed = true
		case "all":
		default:
			return fmt.Errorf("--status %q: use open, closed or all", status)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		items, err := allPages(func(cursor string) ([]ncJSON, string, error) {
			if cursor != "" {
				f.After, _ = strconv.Atoi(cursor)
			}
			rows, err := svc.Nonconformities(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]ncJSON, len(rows))
			for i, r := range rows {
				out[i] = toNCJSON(r)
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
			due := dash(it.DueDate)
			if it.Overdue {
				due += " (overdue)"
			}
			rows[i] = []string{it.Ref, dash(it.Grade), it.Source, truncate(it.Title, 50), it.Stage,
				fmt.Sprintf("%d/%d", it.ActionsDone, it.Actions), due}
		}
		return e.printList(*format, []string{"REF", "GRADE", "SOURCE", "TITLE", "STAGE", "ACTIONS", "DUE"}, rows, items)
	}
	return cmd
}

func sourceNames() string {
	names := make([]string, len(isms.NCSources))
	for i, s := range isms.NCSources {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func (e *environment) ncShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show REF --org SLUG", Short: "Show a record with its correction, cause, actions and verification",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		d, err := svc.Nonconformity(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		type actionJSON struct {
			ID          string     `json:"id"`
			Title       string     `json:"title"`
			Owner       string     `json:"owner"`
			DueDate     string     `json:"due_date"`
			CompletedAt *time.Time `json:"completed_at,omitempty"`
			Outcome     string     `json:"outcome,omitempty"`
		}
		out := struct {
			ncJSON
			Description      string       `json:"description"`
			Owner            string       `json:"owner"`
			Correction       string       `json:"correction"`
			RootCause        string       `json:"root_cause"`
			Effective        *bool        `json:"effective,omitempty"`
			VerifiedBy       string       `json:"verified_by,omitempty"`
			VerificationNote string       `json:"verification_note,omitempty"`
			CorrectiveAction []actionJSON `json:"actions"`
		}{ncJSON: toNCJSON(app.NCRow{Nonconformity: d.Nonconformity, Stage: d.Stage, Overdue: d.Overdue, Actions: len(d.Actions)}),
			Description: d.Description, Owner: d.Members[d.OwnerID], Correction: d.Correction, RootCause: d.RootCause,
			Effective: d.Effective, VerifiedBy: d.Members[d.VerifiedBy], VerificationNote: d.VerificationNote,
			CorrectiveAction: []actionJSON{}}
		for _, c := range d.Actions {
			if c.Done() {
				out.ActionsDone++
			}
			out.CorrectiveAction = append(out.CorrectiveAction, actionJSON{ID: c.ID, Title: c.Title, Owner: d.Members[c.OwnerID],
				DueDate: c.DueDate.Format(time.DateOnly), CompletedAt: c.CompletedAt, Outcome: c.Outcome})
		}
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return cmd
}

func (e *environment) ncRaiseCmd() *cobra.Command {
	var org, kind, grade, source, title, description, requirement, owner, due, finding string
	cmd := &cobra.Command{
		Use: "raise --org SLUG (--finding ID [--owner EMAIL] | --title TEXT --description TEXT [--grade major|minor] [--source S] " +
			"[--requirement FRAMEWORK:ITEM] [--owner EMAIL] [--due YYYY-MM-DD] [--kind improvement])",
		Short: "Raise a nonconformity or an improvement; --finding records a missed vulnerability deadline",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&finding, "finding", "", "a finding past its remediation deadline; everything else follows from it")
	cmd.Flags().StringVar(&kind, "kind", "nonconformity", "nonconformity or improvement")
	cmd.Flags().StringVar(&grade, "grade", "minor", "major or minor; none for an improvement")
	cmd.Flags().StringVar(&source, "source", "other", "where it was found: "+sourceNames())
	cmd.Flags().StringVar(&title, "title", "", "a short title")
	cmd.Flags().StringVar(&description, "description", "", "what was found, with the evidence")
	cmd.Flags().StringVar(&requirement, "requirement", "", "the requirement not met, such as iso27001-2022:A.5.18")
	cmd.Flags().StringVar(&owner, "owner", "", "who answers for it, by email; required, except with --finding on an asset that has an owner")
	cmd.Flags().StringVar(&due, "due", "", "to be closed by, YYYY-MM-DD")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		ownerID, err := memberIDByEmail(cmd, svc, acc, owner)
		if err != nil {
			return err
		}
		var n isms.Nonconformity
		if finding != "" {
			if n, err = svc.RaiseFindingNonconformity(cmd.Context(), acc, finding, ownerID); err != nil {
				return describe(err)
			}
		} else {
			if kind == string(isms.KindImprovement) && !cmd.Flags().Changed("grade") {
				grade = ""
			}
			in := app.NCInput{Kind: kind, Source: source, Grade: &grade, Title: &title, Description: &description, Requirement: &requirement}
			if due != "" {
				d, err := time.Parse(time.DateOnly, due)
				if err != nil {
					return fmt.Errorf("--due %q: want YYYY-MM-DD", due)
				}
				in.DueDate, in.SetDueDate = &d, true
			}
			in.OwnerID = &ownerID
			if n, err = svc.RaiseNonconformity(cmd.Context(), acc, in); err != nil {
				return describe(err)
			}
		}
		fmt.Fprintf(e.io.Out, "raised %s %s\n", n.Ref(), n.Title)
		return nil
	}
	return cmd
}

func (e *environment) ncActionCmd() *cobra.Command {
	var org, title, owner, due, outcome, complete string
	cmd := &cobra.Command{
		Use:   "action REF --org SLUG (--title TEXT --owner EMAIL --due YYYY-MM-DD | --done ACTION-ID --outcome TEXT)",
		Short: "Plan a corrective action, or report one done",
		Args:  cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&title, "title", "", "what is to be done")
	cmd.Flags().StringVar(&owner, "owner", "", "who does it, by email")
	cmd.Flags().StringVar(&due, "due", "", "by when, YYYY-MM-DD")
	cmd.Flags().StringVar(&complete, "done", "", "the id of an action to report done")
	cmd.Flags().StringVar(&outcome, "outcome", "", "what was done, with --done")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		if complete != "" {
			yes := true
			c, err := svc.SaveCorrectiveAction(cmd.Context(), acc, args[0], complete, app.CorrectiveActionInput{Done: &yes, Outcome: &outcome})
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "done: %s\n", c.Title)
			return nil
		}
		d, err := time.Parse(time.DateOnly, due)
		if err != nil {
			return fmt.Errorf("--due %q: want YYYY-MM-DD", due)
		}
		id, err := memberIDByEmail(cmd, svc, acc, owner)
		if err != nil {
			return err
		}
		c, err := svc.SaveCorrectiveAction(cmd.Context(), acc, args[0], "", app.CorrectiveActionInput{Title: &title, OwnerID: &id, DueDate: &d})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "planned action %s: %s, due %s\n", c.ID, c.Title, due)
		return nil
	}
	return cmd
}
