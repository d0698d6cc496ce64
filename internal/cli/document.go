package cli

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) documentCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "document", Aliases: []string{"doc"},
		Short: "The register of policies, procedures, plans and records (7.5)"}
	cmd.AddCommand(e.docListCmd(), e.docStartCmd(), e.docExportCmd(), e.docPDFCmd())
	return cmd
}

// docJSON is a document of the register as the CLI prints it.
type docJSON struct {
	Ref           string   `json:"ref"`
	ID            string   `json:"id"`
	Kind          string   `json:"kind"`
	Title         string   `json:"title"`
	InForce       string   `json:"in_force,omitempty"`
	UnderWay      string   `json:"under_way,omitempty"`
	NextReview    string   `json:"next_review,omitempty"`
	ReviewOverdue bool     `json:"review_overdue"`
	Acknowledged  int      `json:"acknowledged"`
	Readers       int      `json:"readers"`
	Controls      []string `json:"controls"`
}

func (e *environment) docListCmd() *cobra.Command {
	var org, kind, control string
	cmd := &cobra.Command{Use: "list --org SLUG [--kind K] [--control FRAMEWORK:ITEM]", Short: "List the documents in force or under way",
		Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "policy, topic_policy, procedure, plan or record")
	cmd.Flags().StringVar(&control, "control", "", "only the documents that address this control")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		list, err := svc.Documents(cmd.Context(), acc, store.DocFilter{Kind: isms.DocKind(kind), Control: control})
		if err != nil {
			return describe(err)
		}
		now := time.Now()
		items := make([]docJSON, len(list))
		rows := make([][]string, len(list))
		for i, d := range list {
			it := docJSON{Ref: d.Ref(), ID: d.ID, Kind: string(d.Kind), Title: d.Title, ReviewOverdue: d.ReviewOverdue(now),
				Acknowledged: d.Acknowledged, Readers: d.Readers, Controls: nonNil(d.Controls)}
			if d.Published != nil {
				it.InForce = d.Published.Number()
			}
			if d.Open != nil {
				it.UnderWay = d.Open.Number() + " " + string(d.Open.Status)
			}
			if d.NextReview != nil {
				it.NextReview = d.NextReview.Format(time.DateOnly)
			}
			items[i] = it
			review := dash(it.NextReview)
			if it.ReviewOverdue {
				review += " (overdue)"
			}
			acks := "-"
			if it.Readers > 0 {
				acks = fmt.Sprintf("%d/%d", it.Acknowledged, it.Readers)
			}
			rows[i] = []string{it.Ref, it.Kind, truncate(it.Title, 45), dash(it.InForce), dash(it.UnderWay), review, acks}
		}
		return e.printList(*format, []string{"REF", "KIND", "TITLE", "IN FORCE", "UNDER WAY", "NEXT REVIEW", "ACKNOWLEDGED"}, rows, items)
	}
	return cmd
}

func (e *environment) docExportCmd() *cobra.Command {
	var org, format, out string
	cmd := &cobra.Command{Use: "export --org SLUG --format csv|xlsx -o FILE", Short: "Write the register as a spreadsheet", Args: cobra.NoArgs}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if out == "" {
			return fmt.Errorf("-o FILE is required")
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var b bytes.Buffer
		if err := svc.ExportDocuments(cmd.Context(), acc, format, &b); err != nil {
			return describe(err)
		}
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(e.io.Err, "wrote %s\n", out)
		return nil
	}
	return cmd
}

func (e *environment) docPDFCmd() *cobra.Command {
	var org, version, out string
	cmd := &cobra.Command{Use: "pdf REF --org SLUG [--version N.M] -o FILE", Short: "Write a version of a document as PDF (the one in force by default)",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&version, "version", "", "the version number, such as 1.2")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return fmt.Errorf("-o FILE is required")
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		if version == "" {
			d, err := svc.Document(cmd.Context(), acc, args[0])
			if err != nil {
				return describe(err)
			}
			if d.Published == nil {
				return fmt.Errorf("%s has no version in force; name one with --version", d.Ref())
			}
			version = d.Published.Number()
		}
		var b bytes.Buffer
		v, err := svc.DocumentPDF(cmd.Context(), acc, args[0], version, &b)
		if err != nil {
			return describe(err)
		}
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(e.io.Err, "wrote %s (version %s)\n", out, v.Number())
		return nil
	}
	return cmd
}

func (e *environment) docStartCmd() *cobra.Command {
	var org, owner string
	cmd := &cobra.Command{Use: "start TEMPLATE --org SLUG --owner EMAIL", Short: "Start a document from a starter template, filled from the organisation's records",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&owner, "owner", "", "who keeps the document, by email (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		id, err := memberIDByEmail(cmd, svc, acc, owner)
		if err != nil {
			return err
		}
		d, err := svc.CreateFromTemplate(cmd.Context(), acc, args[0], id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "started %s %s with draft 1.0\n", d.Ref(), d.Title)
		return nil
	}
	return cmd
}
