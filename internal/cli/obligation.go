package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/obligation"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) obligationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "obligation",
		Short: "List, show, import and export the register of legal and contractual obligations",
		Long: `The register of legal, statutory, regulatory and contractual requirements (Annex A 5.31
to 5.34): each obligation with its source, owner, review date and the controls that meet it. An
applicable obligation includes those controls in the Statement of Applicability.`,
	}
	cmd.AddCommand(e.obligationListCmd(), e.obligationShowCmd(), e.obligationImportCmd(), e.obligationExportCmd())
	return cmd
}

type obligationJSON struct {
	ID            string   `json:"id"`
	Ref           string   `json:"ref"`
	Kind          string   `json:"kind"`
	Title         string   `json:"title"`
	Source        string   `json:"source"`
	SourceURL     string   `json:"source_url,omitempty"`
	Jurisdiction  string   `json:"jurisdiction,omitempty"`
	OwnerID       string   `json:"owner_id,omitempty"`
	Applicability string   `json:"applicability,omitempty"`
	AIRiskClass   string   `json:"ai_risk_class,omitempty"`
	AssetIDs      []string `json:"asset_ids"`
	Controls      []string `json:"controls"`
	ReviewDate    string   `json:"review_date,omitempty"`
	Overdue       bool     `json:"review_overdue"`
	Status        string   `json:"status"`
	NotApplicable string   `json:"not_applicable_reason,omitempty"`
}

func toObligationJSON(o isms.Obligation, now time.Time) obligationJSON {
	out := obligationJSON{ID: o.ID, Ref: o.Ref(), Kind: string(o.Kind), Title: o.Title, Source: o.Source, SourceURL: o.SourceURL,
		Jurisdiction: o.Jurisdiction, OwnerID: o.OwnerID, Applicability: o.Applicability, AIRiskClass: string(o.AIRiskClass),
		AssetIDs: nonNil(o.AssetIDs), Controls: nonNil(o.Controls), Overdue: o.Overdue(now), Status: string(o.Status),
		NotApplicable: o.NotApplicableReason}
	if o.ReviewDate != nil {
		out.ReviewDate = o.ReviewDate.Format(time.DateOnly)
	}
	return out
}

func (e *environment) obligationListCmd() *cobra.Command {
	var org, kind, status, control, query string
	var overdue bool
	cmd := &cobra.Command{Use: "list --org SLUG [--kind K] [--status S] [--control REF] [--overdue] [--q TEXT]",
		Short: "List the obligations in reference order", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "only this kind: legal, statutory, regulatory or contractual")
	cmd.Flags().StringVar(&status, "status", "", "only applicable or not_applicable obligations")
	cmd.Flags().StringVar(&control, "control", "", "only obligations this control meets, such as iso27001-2022:A.5.34")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only obligations past their review date")
	cmd.Flags().StringVar(&query, "q", "", "only obligations whose title, source or jurisdiction contains this")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f := isms.ObligationFilter{Kind: isms.ObligationKind(kind), Status: isms.ObligationStatus(status), Control: control,
			Overdue: overdue, Query: query}
		now := time.Now()
		items, err := allPages(func(cursor string) ([]obligationJSON, string, error) {
			f.Cursor, f.Limit = cursor, store.MaxLimit
			p, err := svc.ListObligations(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]obligationJSON, len(p.Obligations))
			for i, o := range p.Obligations {
				out[i] = toObligationJSON(o, now)
			}
			return out, p.Next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(items))
		for i, it := range items {
			review := dash(it.ReviewDate)
			if it.Overdue {
				review += " (overdue)"
			}
			rows[i] = []string{it.Ref, it.Kind, truncate(it.Title, 40), truncate(it.Source, 40), strconv.Itoa(len(it.Controls)), review, it.Status}
		}
		return e.printList(*format, []string{"REF", "KIND", "TITLE", "SOURCE", "CONTROLS", "REVIEW", "STATUS"}, rows, items)
	}
	return cmd
}

func (e *environment) obligationShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show OB-001 --org SLUG", Short: "Show one obligation with the controls that meet it", Args: cobra.ExactArgs(1)}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		o, err := svc.ObligationByRef(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		it := toObligationJSON(o, time.Now())
		review := dash(it.ReviewDate)
		if it.Overdue {
			review += " (overdue)"
		}
		rows := [][]string{{"Ref", it.Ref}, {"Kind", it.Kind}, {"Title", it.Title}, {"Source", it.Source}, {"Link", dash(it.SourceURL)},
			{"Jurisdiction", dash(it.Jurisdiction)}, {"Owner (membership)", dash(it.OwnerID)}, {"Status", it.Status},
			{"Why not applicable", dash(it.NotApplicable)}, {"Review date", review}, {"AI Act risk class", dash(it.AIRiskClass)},
			{"AI assets", dash(strings.Join(it.AssetIDs, ", "))}, {"Controls", dash(strings.Join(it.Controls, ", "))},
			{"Applicability", dash(it.Applicability)}}
		return e.printList(*format, []string{"FIELD", "VALUE"}, rows, it)
	}
	return cmd
}

func (e *environment) obligationImportCmd() *cobra.Command {
	var org string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE --org SLUG [--dry-run]",
		Short: "Import an obligations CSV, whole or not at all",
		Long: `Add the rows of an obligations CSV to the register; a row whose ref (OB-001) names an
obligation replaces it. Every problem is reported with its line and column, and nothing is
imported unless the whole file is right. 'isms obligation export' writes a file this reads.`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report what would change, changing nothing")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		res, err := svc.ImportObligations(cmd.Context(), acc, args[0], f, dryRun)
		var problems obligation.Problems
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
		fmt.Fprintf(e.io.Out, "%s %s: %d created, %d updated\n", verb, args[0], res.Created, res.Updated)
		return nil
	}
	return cmd
}

func (e *environment) obligationExportCmd() *cobra.Command {
	var org, format, out string
	cmd := &cobra.Command{
		Use:   "export --org SLUG [--format csv|xlsx] [--out FILE]",
		Short: "Export the register as the obligations CSV (which import reads back) or a spreadsheet",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
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
			err = svc.ExportObligationsCSV(cmd.Context(), acc, isms.ObligationFilter{}, w)
		} else {
			err = svc.ExportObligationsXLSX(cmd.Context(), acc, isms.ObligationFilter{}, w)
		}
		return errors.Join(describe(err), closeOut())
	}
	return cmd
}
