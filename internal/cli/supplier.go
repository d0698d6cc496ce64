package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/supplier"
)

func (e *environment) supplierCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "supplier",
		Short: "List, show, import and export an organisation's suppliers",
		Long: `The supplier register (ISO/IEC 27001:2022 A.5.19 to A.5.23): clouds, model providers, data
vendors and the rest, with what is shared with them, their contract clauses, certifications and
assessments. Each supplier is judged when it is read: a critical one without an exit plan, a
lapsed or lapsing certification, an overdue review, a missing or failed assessment, or missing
contract clauses are flagged.`,
	}
	cmd.AddCommand(e.supplierListCmd(), e.supplierShowCmd(), e.supplierImportCmd(), e.supplierExportCmd())
	return cmd
}

// supplierFilterFlags adds the register's filters to a command.
func supplierFilterFlags(cmd *cobra.Command, f *isms.SupplierFilter) {
	cmd.Flags().StringVar((*string)(&f.Kind), "kind", "", "only suppliers of this kind, such as cloud or model_provider")
	cmd.Flags().StringVar((*string)(&f.Criticality), "criticality", "", "only suppliers of this criticality: low, medium, high or critical")
	cmd.Flags().StringVar((*string)(&f.Flag), "flag", "", "only suppliers raising this flag, such as no_exit_plan")
	cmd.Flags().BoolVar(&f.Flagged, "flagged", false, "only suppliers that need attention")
	cmd.Flags().StringVar(&f.Query, "q", "", "only suppliers whose name or services contain this")
}

type supplierJSON struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Kind        string      `json:"kind"`
	Criticality string      `json:"criticality"`
	Status      string      `json:"status"`
	NextReview  string      `json:"next_review"`
	Flags       []isms.Flag `json:"flags"`
}

func (e *environment) supplierListCmd() *cobra.Command {
	var org string
	var f isms.SupplierFilter
	cmd := &cobra.Command{Use: "list --org SLUG [--flagged] [--kind KIND] [--q TEXT]", Short: "List the suppliers with what needs attention",
		Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	supplierFilterFlags(cmd, &f)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		list, err := allPages(func(cursor string) ([]supplierJSON, string, error) {
			f.Cursor, f.Limit = cursor, 200
			p, err := svc.ListSuppliers(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]supplierJSON, len(p.Suppliers))
			for i, s := range p.Suppliers {
				out[i] = supplierJSON{ID: s.ID, Name: s.Name, Kind: string(s.Kind), Criticality: string(s.Criticality), Status: string(s.Status),
					NextReview: s.NextReview().Format(time.DateOnly), Flags: s.Flags}
				if out[i].Flags == nil {
					out[i].Flags = []isms.Flag{}
				}
			}
			return out, p.Next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(list))
		for i, s := range list {
			flags := make([]string, len(s.Flags))
			for j, fl := range s.Flags {
				flags[j] = string(fl.Kind)
			}
			rows[i] = []string{s.Name, s.Kind, s.Criticality, s.Status, s.NextReview, dash(strings.Join(flags, ","))}
		}
		return e.printList(*format, []string{"NAME", "KIND", "CRITICALITY", "STATUS", "NEXT REVIEW", "FLAGS"}, rows, list)
	}
	return cmd
}

func (e *environment) supplierShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show SUPPLIER --org SLUG", Short: "Show a supplier, named by id or name, with its assurance", Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		id, err := findSupplier(cmd, svc, acc, args[0])
		if err != nil {
			return err
		}
		d, err := svc.Supplier(cmd.Context(), acc, id)
		if err != nil {
			return describe(err)
		}
		now := time.Now()
		tw := tabwriter.NewWriter(e.io.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "Name\t%s\nKind\t%s\nCriticality\t%s\nStatus\t%s\nServices\t%s\n", d.Name, d.Kind.Label(), d.Criticality.Label(),
			d.Status.Label(), dash(d.Services))
		data := make([]string, len(d.DataShared))
		for i, c := range d.DataShared {
			data[i] = c.Label()
		}
		fmt.Fprintf(tw, "Data shared\t%s\nData location\t%s\nNext review\t%s\nExit plan\t%s\n", dash(strings.Join(data, ", ")),
			dash(d.DataLocation), d.NextReview().Format(time.DateOnly), dash(d.ExitPlan))
		var held []string
		for _, k := range d.Clauses {
			c, _ := isms.ClauseByKey(k)
			held = append(held, c.Label)
		}
		fmt.Fprintf(tw, "Clauses\t%s\n", dash(strings.Join(held, ", ")))
		for _, a := range d.Assets {
			fmt.Fprintf(tw, "Dependent asset\t%s (%s)\n", a.Name, a.Type.Label())
		}
		for _, c := range d.Certifications {
			fmt.Fprintf(tw, "Certification\t%s %s, valid until %s (%d days)\n", c.Kind.Label(), c.Reference, c.ValidUntil.Format(time.DateOnly),
				c.DaysLeft(now))
		}
		for _, a := range d.Assessments {
			fmt.Fprintf(tw, "Assessment\t%s, %s by %s, %d answers\n", a.Result.Label(), a.AssessedOn.Format(time.DateOnly), a.Assessor, len(a.Answers))
		}
		for _, f := range d.Flags {
			fmt.Fprintf(tw, "Needs attention\t%s: %s\n", f.Kind.Label(), f.Detail)
		}
		return tw.Flush()
	}
	return cmd
}

// findSupplier resolves a supplier named by its id or its name, ignoring
// case.
func findSupplier(cmd *cobra.Command, svc *app.Service, acc app.Access, name string) (string, error) {
	if d, err := svc.Supplier(cmd.Context(), acc, name); err == nil {
		return d.ID, nil
	}
	p, err := svc.ListSuppliers(cmd.Context(), acc, isms.SupplierFilter{Query: name, Limit: 200})
	if err != nil {
		return "", describe(err)
	}
	for _, s := range p.Suppliers {
		if strings.EqualFold(s.Name, name) {
			return s.ID, nil
		}
	}
	return "", fmt.Errorf("no supplier %q in the register", name)
}

func (e *environment) supplierImportCmd() *cobra.Command {
	var org string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE --org SLUG [--dry-run]",
		Short: "Import the supplier CSV, whole or not at all",
		Long: `Import the suppliers of a CSV file (columns in docs/suppliers.md; an export is a valid file). A
supplier already in the register, by name, is updated, keeping what the file has no column for.
Every problem is reported with its line and column, and nothing is imported unless the whole
file is right. --dry-run checks the file and says what the import would do.`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report what would change, changing nothing")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		data, err := readLimited(args[0], supplier.MaxBytes)
		if err != nil {
			return err
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		res, err := svc.ImportSuppliers(cmd.Context(), acc, args[0], strings.NewReader(string(data)), dryRun)
		var problems supplier.Problems
		if errors.As(err, &problems) {
			fmt.Fprintln(e.io.Err, problems.Error())
			return fmt.Errorf("%d problem(s) in %s; nothing was imported", len(problems), args[0])
		}
		if err != nil {
			return describe(err)
		}
		verb := "imported"
		if dryRun {
			verb = "would import (dry run, nothing changed)"
		}
		fmt.Fprintf(e.io.Out, "%s %s: %d created, %d updated\n", verb, args[0], len(res.Created), len(res.Updated))
		return nil
	}
	return cmd
}

func (e *environment) supplierExportCmd() *cobra.Command {
	var org, format, out string
	var f isms.SupplierFilter
	cmd := &cobra.Command{
		Use:   "export --org SLUG [--format csv|xlsx] [--out FILE]",
		Short: "Export the register as the supplier CSV (which import reads back) or a spreadsheet",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	supplierFilterFlags(cmd, &f)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
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
			err = svc.ExportSuppliersCSV(cmd.Context(), acc, f, w)
		} else {
			err = svc.ExportSuppliersXLSX(cmd.Context(), acc, f, w)
		}
		return errors.Join(describe(err), closeOut())
	}
	return cmd
}
