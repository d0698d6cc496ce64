package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (e *environment) readinessCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "readiness --org SLUG [--format json]",
		Short: "Check the records against ISO/IEC 27001:2022 certification: Stage 1 documents and Stage 2 controls", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *format != "table" && *format != "json" {
			return fmt.Errorf("--format %q: use table or json", *format)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		r, err := svc.Readiness(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		if *format == "json" {
			enc := json.NewEncoder(e.io.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		tw := tabwriter.NewWriter(e.io.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "Stage 1: %d%% of the required documented information is present\n", r.Stage1Percent)
		for _, it := range r.Stage1 {
			state := "missing"
			if it.Present {
				state = "present"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", it.Clause, state, it.Title, it.Detail)
		}
		fmt.Fprintf(tw, "Stage 2: %d%% of applicable controls are implemented with current evidence\n", r.Stage2Percent)
		for _, t := range r.Themes {
			fmt.Fprintf(tw, "  %s\t%d of %d ready\t%d%%\n", t.Theme, t.Ready, t.Applicable, t.Percent)
		}
		if len(r.Gaps) > 0 {
			fmt.Fprintf(tw, "Gaps (%d):\n", len(r.Gaps))
			for _, g := range r.Gaps {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", g.ID, truncate(g.Title, 50), strings.Join(g.Missing, "; "))
			}
		}
		return tw.Flush()
	}
	return cmd
}
