package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) soaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "soa",
		Short: "Show, approve, compare and export the Statement of Applicability",
		Long: `The Statement of Applicability (ISO/IEC 27001 6.1.3 d): every Annex A control of a framework the
organisation runs, included or excluded with its justification, with its implementation status
and evidence. Version 0, or no --version, is the draft as the records stand; approved versions
are frozen and numbered from 1.`,
	}
	cmd.AddCommand(e.soaShowCmd(), e.soaVersionsCmd(), e.soaApproveCmd(), e.soaCompareCmd(), e.soaExportCmd())
	return cmd
}

// soaFlags are the flags every soa command has.
type soaFlags struct {
	org, framework string
	version        int
}

func (f *soaFlags) add(cmd *cobra.Command, withVersion bool) {
	cmd.Flags().StringVar(&f.org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&f.framework, "framework", framework.ISO27001v2022, "the framework whose statement to use")
	if withVersion {
		cmd.Flags().IntVar(&f.version, "version", 0, "an approved version; 0 for the draft")
	}
}

type soaEntryJSON struct {
	Control        string   `json:"control"`
	ID             string   `json:"id"`
	Title          string   `json:"title"`
	Applicability  string   `json:"applicability"`
	Derived        bool     `json:"derived,omitempty"`
	Reasons        []string `json:"reasons"`
	Exclusion      string   `json:"exclusion,omitempty"`
	Status         string   `json:"status"`
	Owner          string   `json:"owner,omitempty"`
	Implementation string   `json:"implementation,omitempty"`
	Evidence       int      `json:"evidence"`
	Flags          []string `json:"flags"`
}

func (e *environment) soaShowCmd() *cobra.Command {
	var f soaFlags
	var flagged bool
	cmd := &cobra.Command{Use: "show --org SLUG [--framework ID] [--version N] [--flagged]", Short: "List the statement's controls", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	f.add(cmd, true)
	cmd.Flags().BoolVar(&flagged, "flagged", false, "only controls with a contradiction to resolve")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, f.org)
		if err != nil {
			return err
		}
		defer done()
		doc, err := svc.SoA(cmd.Context(), acc, f.framework, f.version)
		if err != nil {
			return describe(err)
		}
		var items []soaEntryJSON
		var rows [][]string
		for _, en := range doc.Entries {
			if flagged && len(en.Flags) == 0 {
				continue
			}
			j := soaEntryJSON{Control: en.Control, ID: en.ID, Title: en.Title, Applicability: string(en.Applicability), Derived: en.Derived,
				Reasons: []string{}, Exclusion: en.Exclusion, Status: string(en.Status), Owner: en.Owner, Implementation: en.Implementation,
				Evidence: len(en.Evidence), Flags: []string{}}
			for _, r := range en.Reasons {
				j.Reasons = append(j.Reasons, strings.TrimSpace(r.Ref+" "+r.Title))
				if r.Kind != "risk" {
					j.Reasons[len(j.Reasons)-1] = r.Kind + ": " + r.Title
				}
			}
			for _, fl := range en.Flags {
				j.Flags = append(j.Flags, string(fl.Kind))
			}
			items = append(items, j)
			applic := dash(j.Applicability)
			if j.Applicability == "" {
				applic = "undecided"
			}
			rows = append(rows, []string{j.ID, truncate(j.Title, 48), applic, j.Status, dash(j.Owner), fmt.Sprint(j.Evidence),
				dash(strings.Join(j.Flags, ","))})
		}
		if items == nil {
			items = []soaEntryJSON{}
		}
		return e.printList(*format, []string{"CONTROL", "TITLE", "APPLICABILITY", "STATUS", "OWNER", "EVIDENCE", "FLAGS"}, rows, items)
	}
	return cmd
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

type soaVersionJSON struct {
	Version     int       `json:"version"`
	Approver    string    `json:"approver"`
	ApprovedAt  time.Time `json:"approved_at"`
	Note        string    `json:"note,omitempty"`
	ContentHash string    `json:"content_hash"`
}

func versionJSON(v store.SoAVersion) soaVersionJSON {
	return soaVersionJSON{Version: v.Number, Approver: v.Approver, ApprovedAt: v.CreatedAt, Note: v.Note, ContentHash: v.ContentHash}
}

func (e *environment) soaVersionsCmd() *cobra.Command {
	var f soaFlags
	cmd := &cobra.Command{Use: "versions --org SLUG [--framework ID]", Short: "List the approved versions", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	f.add(cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, f.org)
		if err != nil {
			return err
		}
		defer done()
		versions, err := svc.SoAVersions(cmd.Context(), acc, f.framework)
		if err != nil {
			return describe(err)
		}
		items := make([]soaVersionJSON, len(versions))
		rows := make([][]string, len(versions))
		for i, v := range versions {
			items[i] = versionJSON(v)
			rows[i] = []string{fmt.Sprint(v.Number), v.Approver, v.CreatedAt.Format(time.RFC3339), v.ContentHash[:16], dash(v.Note)}
		}
		return e.printList(*format, []string{"VERSION", "APPROVER", "APPROVED", "HASH", "NOTE"}, rows, items)
	}
	return cmd
}

func (e *environment) soaApproveCmd() *cobra.Command {
	var f soaFlags
	var note string
	cmd := &cobra.Command{
		Use:   "approve --org SLUG [--framework ID] [--note TEXT]",
		Short: "Freeze the draft as the next approved version",
		Long: `Approve the draft statement: it is frozen as the next numbered version, and the approver, the
date and the SHA-256 of its content are recorded in the ledger. A statement with controls left
undecided, or excluding a control that a risk treatment selects, is refused with the controls named.`,
		Args: cobra.NoArgs,
	}
	f.add(cmd, false)
	cmd.Flags().StringVar(&note, "note", "", "what this version is for, for the document control table")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, f.org)
		if err != nil {
			return err
		}
		defer done()
		v, err := svc.ApproveSoA(cmd.Context(), acc, f.framework, note)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "approved version %d of the %s statement; content SHA-256 %s\n", v.Number, f.framework, v.ContentHash)
		return nil
	}
	return cmd
}

func (e *environment) soaCompareCmd() *cobra.Command {
	var f soaFlags
	var from, to int
	cmd := &cobra.Command{Use: "compare --org SLUG --from N [--to M]", Short: "List what changed between two versions (0 is the draft)",
		Args: cobra.NoArgs}
	format := formatFlag(cmd)
	f.add(cmd, false)
	cmd.Flags().IntVar(&from, "from", 0, "the earlier version")
	cmd.Flags().IntVar(&to, "to", 0, "the later version (default: the draft)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, f.org)
		if err != nil {
			return err
		}
		defer done()
		diffs, err := svc.CompareSoA(cmd.Context(), acc, f.framework, from, to)
		if err != nil {
			return describe(err)
		}
		rows := make([][]string, len(diffs))
		for i, d := range diffs {
			rows[i] = []string{d.ID, d.Field, truncate(dash(d.Before), 40), truncate(dash(d.After), 40)}
		}
		return e.printList(*format, []string{"CONTROL", "FIELD", "BEFORE", "AFTER"}, rows, diffs)
	}
	return cmd
}

func (e *environment) soaExportCmd() *cobra.Command {
	var f soaFlags
	var format, out string
	cmd := &cobra.Command{
		Use:   "export --org SLUG [--version N] --format xlsx|csv|pdf|html|oscal -o FILE",
		Short: "Write the statement as a spreadsheet, CSV, PDF, HTML or OSCAL JSON",
		Args:  cobra.NoArgs,
	}
	f.add(cmd, true)
	cmd.Flags().StringVar(&format, "format", "", "xlsx, csv, pdf, html or oscal (required)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "the file to write (required; - for standard output)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if format == "" || out == "" {
			return errors.New("--format and -o are required")
		}
		svc, acc, done, err := e.inOrg(cmd, f.org)
		if err != nil {
			return err
		}
		defer done()
		exp, err := svc.ExportSoA(cmd.Context(), acc, f.framework, f.version, format)
		if err != nil {
			return describe(err)
		}
		if out == "-" {
			_, err = e.io.Out.Write(exp.Body)
			return err
		}
		// Write beside the target and rename, so a failed write never
		// leaves half a statement under the name asked for.
		tmp := out + ".part"
		if err := os.WriteFile(tmp, exp.Body, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, out); err != nil {
			_ = os.Remove(tmp)
			return err
		}
		fmt.Fprintf(e.io.Err, "wrote %s (%d bytes)\n", out, len(exp.Body))
		return nil
	}
	return cmd
}

func (e *environment) controlCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "control", Short: "Change the organisation's record of a control, its reasons and tasks"}
	cmd.AddCommand(e.controlSetCmd(), e.controlAddCmd(), e.controlReasonCmd(), e.controlTaskCmd())
	return cmd
}

func (e *environment) controlAddCmd() *cobra.Command {
	var org, title, description string
	cmd := &cobra.Command{
		Use:   "add CODE --org SLUG --title TEXT [--description TEXT]",
		Short: "Add one of the organisation's own controls (org:CODE), which every statement lists after the annex",
		Args:  cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&title, "title", "", "the control's title (required)")
	cmd.Flags().StringVar(&description, "description", "", "what the control requires")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		c, err := svc.CreateCustomControl(cmd.Context(), acc, args[0], title, description)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "added control %s\n", c.Control)
		return nil
	}
	return cmd
}

func (e *environment) controlReasonCmd() *cobra.Command {
	var org, kind, title, url string
	cmd := &cobra.Command{
		Use:   "reason CONTROL --org SLUG --kind legal|contractual|business --title TEXT --url URL",
		Short: "Record a legal, contractual or business reason to include a control, with where it is written down",
		Args:  cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "legal, contractual or business")
	cmd.Flags().StringVar(&title, "title", "", "the requirement, such as GDPR article 32")
	cmd.Flags().StringVar(&url, "url", "", "where it is written down")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		if _, err := svc.AddControlReason(cmd.Context(), acc, args[0], kind, title, url); err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "%s: %s reason recorded\n", args[0], kind)
		return nil
	}
	return cmd
}

func (e *environment) controlTaskCmd() *cobra.Command {
	var org, title, assignee, due string
	cmd := &cobra.Command{
		Use:   "task CONTROL --org SLUG --title TEXT [--assignee EMAIL] [--due YYYY-MM-DD]",
		Short: "Add an implementation task to a control",
		Args:  cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&title, "title", "", "what is to be done (required)")
	cmd.Flags().StringVar(&assignee, "assignee", "", "who does it, by email")
	cmd.Flags().StringVar(&due, "due", "", "by when, YYYY-MM-DD")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		in := app.TaskInput{Title: title}
		if due != "" {
			d, err := time.Parse(time.DateOnly, due)
			if err != nil {
				return fmt.Errorf("--due %q: want YYYY-MM-DD", due)
			}
			in.DueDate = &d
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		if in.AssigneeID, err = memberIDByEmail(cmd, svc, acc, assignee); err != nil {
			return err
		}
		t, err := svc.SaveControlTask(cmd.Context(), acc, args[0], "", in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "added task %s to %s\n", t.ID, args[0])
		return nil
	}
	return cmd
}

func (e *environment) controlSetCmd() *cobra.Command {
	var org string
	var reviewed bool
	strs := map[string]*string{}
	cmd := &cobra.Command{
		Use:   "set CONTROL --org SLUG [--applicability included|excluded] [--exclusion-reason TEXT] [--status S] ...",
		Short: "Change the organisation's record of a control, such as iso27001-2022:A.8.8",
		Args:  cobra.ExactArgs(1),
	}
	for _, name := range []string{"applicability", "exclusion-reason", "status", "owner", "implementation", "review-cadence",
		"evidence-cadence", "notes"} {
		strs[name] = cmd.Flags().String(name, "", "")
	}
	cmd.Flags().Lookup("applicability").Usage = "included or excluded"
	cmd.Flags().Lookup("exclusion-reason").Usage = "why an excluded control does not apply (required to exclude)"
	cmd.Flags().Lookup("status").Usage = "not_started, planned, partial or implemented"
	cmd.Flags().Lookup("owner").Usage = "the owner's email"
	cmd.Flags().Lookup("implementation").Usage = "how the organisation implements the control"
	cmd.Flags().Lookup("review-cadence").Usage = "monthly, quarterly or yearly"
	cmd.Flags().Lookup("evidence-cadence").Usage = "how often evidence must be collected: monthly, quarterly or yearly"
	cmd.Flags().Lookup("notes").Usage = "notes"
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().BoolVar(&reviewed, "reviewed", false, "record that the control was reviewed now")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		set := func(name string) *string {
			if cmd.Flags().Changed(name) {
				return strs[name]
			}
			return nil
		}
		in := app.ControlInput{Applicability: set("applicability"), ExclusionReason: set("exclusion-reason"), Status: set("status"),
			Implementation: set("implementation"), ReviewCadence: set("review-cadence"), EvidenceCadence: set("evidence-cadence"),
			Notes: set("notes"), Reviewed: reviewed}
		if email := set("owner"); email != nil {
			id, err := memberIDByEmail(cmd, svc, acc, *email)
			if err != nil {
				return err
			}
			in.OwnerID = &id
		}
		c, err := svc.UpdateControl(cmd.Context(), acc, args[0], in)
		if err != nil {
			return describe(err)
		}
		applic := string(c.Applicability)
		if applic == "" {
			applic = "undecided"
		}
		fmt.Fprintf(e.io.Out, "%s: %s, %s\n", c.Control, applic, isms.ImplementationStatus(c.Status).Label())
		return nil
	}
	return cmd
}

// memberIDByEmail finds the membership of the person with email; "" clears.
func memberIDByEmail(cmd *cobra.Command, svc *app.Service, acc app.Access, email string) (string, error) {
	if email == "" {
		return "", nil
	}
	members, _, err := svc.ListMembers(cmd.Context(), acc, isms.MemberFilter{Query: email, Limit: 200})
	if err != nil {
		return "", describe(err)
	}
	for _, m := range members {
		if strings.EqualFold(m.Email, email) {
			return m.ID, nil
		}
	}
	return "", fmt.Errorf("%s is not a member of %s", email, acc.Org.Slug)
}
