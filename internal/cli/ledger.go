package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/ledger"
)

func (e *environment) ledgerCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "Verify and export the hash-chained change ledger"}
	var (
		org, file string
	)
	verify := &cobra.Command{
		Use:   "verify [--org SLUG | --file FILE]",
		Short: "Recompute the ledger and check every record against it",
		Long: `Recompute the hash chain of one organisation (--org) or of every chain, check that each
chain ends at its recorded head, and compare every current record with its last ledger
entry. Anything changed behind isms's back (a record or an entry edited, inserted or
deleted with plain SQL) is reported by name. With --file, check an exported chain
offline, without a database. Exits 0 only when everything is intact.`,
		Args: cobra.NoArgs,
	}
	format := formatFlag(verify)
	verify.Flags().StringVar(&org, "org", "", "verify only this organisation's chain")
	verify.Flags().StringVar(&file, "file", "", "verify an exported chain (JSON Lines) without a database")
	verify.MarkFlagsMutuallyExclusive("org", "file")
	verify.RunE = func(cmd *cobra.Command, _ []string) error {
		var reports []ledger.Report
		if file != "" {
			r, err := verifyFile(file)
			if err != nil {
				return err
			}
			reports = []ledger.Report{r}
		} else {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			if org != "" {
				acc, err := openOrg(cmd, svc, org)
				if err != nil {
					return err
				}
				r, err := svc.VerifyLedger(cmd.Context(), acc)
				if err != nil {
					return err
				}
				reports = []ledger.Report{r}
			} else if reports, err = svc.VerifyAllChains(cmd.Context(), operator()); err != nil {
				return err
			}
		}
		if err := e.printReports(*format, reports); err != nil {
			return err
		}
		for _, r := range reports {
			if !r.OK() {
				return exitError(2)
			}
		}
		return nil
	}

	var exportOrg, output string
	export := &cobra.Command{
		Use:   "export --org SLUG [--output FILE]",
		Short: "Write an organisation's ledger as JSON Lines",
		Long:  "Write the organisation's whole chain, oldest entry first, one JSON object per line, in the format docs/ledger.md specifies.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			acc, err := openOrg(cmd, svc, exportOrg)
			if err != nil {
				return err
			}
			var w io.Writer = e.io.Out
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return err
				}
				defer func() {
					if cerr := f.Close(); err == nil {
						err = cerr
					}
				}()
				w = f
			}
			bw := bufio.NewWriter(w)
			enc := json.NewEncoder(bw)
			if err := svc.ExportLedger(cmd.Context(), acc, func(en ledger.Entry) error { return enc.Encode(en) }); err != nil {
				return err
			}
			return bw.Flush()
		},
	}
	export.Flags().StringVar(&exportOrg, "org", "", "organisation slug (required)")
	export.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	_ = export.MarkFlagRequired("org")
	cmd.AddCommand(verify, export)
	return cmd
}

// verifyFile checks an exported chain offline.
func verifyFile(path string) (ledger.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return ledger.Report{}, err
	}
	defer f.Close()
	r, err := ledger.VerifyExport(f)
	if err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

func (e *environment) printReports(format string, reports []ledger.Report) error {
	if format == "json" {
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	if format != "table" {
		return fmt.Errorf("--format %q: use table or json", format)
	}
	for _, r := range reports {
		status := "intact"
		if !r.OK() {
			status = fmt.Sprintf("TAMPERED: %d problem(s)", len(r.Problems))
		}
		fmt.Fprintf(e.io.Out, "chain %s: %s; %d entries, %d records checked, head %d %s\n",
			r.Chain, status, r.Entries, r.Records, r.HeadSeq, r.HeadHash)
		for _, p := range r.Problems {
			fmt.Fprintf(e.io.Out, "  %s\n", p)
		}
	}
	return nil
}
