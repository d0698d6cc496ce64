package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/framework"
)

func (e *environment) frameworkCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "framework", Short: "Browse, validate, import and export frameworks"}
	validate := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a framework file and report every problem with its line",
		Long: `Check a framework file without importing it: an isms framework or mappings file
(docs/frameworks.md), an OSCAL catalog (JSON), or a CISO Assistant library (YAML).
Every problem is reported with the file, line and field. Mapping targets are checked
against isms's own catalogs. Exits 0 only when the file has no problem.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readFrameworkFile(args[0])
			if err != nil {
				return err
			}
			file, err := framework.Parse(args[0], data)
			if err == nil {
				lib, lerr := framework.Builtin()
				if lerr != nil {
					fmt.Fprintf(e.io.Err, "warning: isms's own catalogs did not load, so mapping targets are checked only within the file:\n%v\n", lerr)
					lib = framework.NewLibrary(nil)
				}
				err = lib.Check(args[0], file.Frameworks, file.Mappings, true)
			}
			var problems framework.Problems
			if errors.As(err, &problems) {
				fmt.Fprintln(e.io.Out, problems.Error())
				fmt.Fprintf(e.io.Out, "%d problem(s) in %s\n", len(problems), args[0])
				return exitError(1)
			}
			if err != nil {
				return err
			}
			for _, f := range file.Frameworks {
				fmt.Fprintf(e.io.Out, "%s: framework %s (%s): %d items, %d assessable, %d mappings\n",
					args[0], f.ID, f.Name, len(f.Items), f.Assessable(), len(f.Mappings))
			}
			for _, s := range file.Mappings {
				fmt.Fprintf(e.io.Out, "%s: mappings %s: %d mappings\n", args[0], s.ID, len(s.Mappings))
			}
			fmt.Fprintf(e.io.Out, "%s: no problems\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(validate)
	return cmd
}

func readFrameworkFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > framework.MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes; the largest framework file isms reads is %d", path, st.Size(), framework.MaxFileSize)
	}
	return os.ReadFile(path)
}
