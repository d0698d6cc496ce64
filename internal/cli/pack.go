package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/pack"
)

func (e *environment) packCmd() *cobra.Command {
	var org, out string
	cmd := &cobra.Command{Use: "pack --org SLUG -o FILE.zip",
		Short: "Write the auditor pack: the records an auditor asks for and every evidence file, with a manifest of their SHA-256",
		Args:  cobra.NoArgs}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the zip file to write (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if out == "" {
			return errors.New("-o FILE.zip is required")
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var b bytes.Buffer
		if err := svc.AuditorPack(cmd.Context(), acc, &b); err != nil {
			return describe(err)
		}
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		rep, err := pack.Verify(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.io.Out, "wrote %s: %d files\n", out, len(rep.Manifest.Files))
		return nil
	}
	cmd.AddCommand(e.packVerifyCmd())
	return cmd
}

func (e *environment) packVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "verify FILE.zip", Short: "Check every file of an auditor pack against its manifest (exit 1 on a problem)",
		Args: cobra.ExactArgs(1)}
	format := formatFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		rep, err := pack.Verify(f, st.Size())
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		if *format == "json" {
			enc := json.NewEncoder(e.io.Out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				return err
			}
		} else {
			for _, p := range rep.Problems {
				fmt.Fprintf(e.io.Out, "%s\t%s\t%s\n", p.Kind, p.Path, p.Detail)
			}
		}
		if !rep.OK() {
			return fmt.Errorf("%s: %d problems in %d files", args[0], len(rep.Problems), rep.Checked)
		}
		if *format != "json" {
			fmt.Fprintf(e.io.Out, "ok: %d files of %s, generated %s, match the manifest\n", rep.Checked, rep.Manifest.Organisation,
				rep.Manifest.GeneratedAt.Format("2006-01-02 15:04 UTC"))
		}
		return nil
	}
	return cmd
}
