package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/httpapi"
)

func (e *environment) frameworkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "framework",
		Short: "Browse, validate, import and export frameworks",
		Long: `The framework library: ISO/IEC 27001:2022 and 2013, ISO/IEC 42001, the AI security overlay,
MITRE ATLAS, the OWASP ML and LLM Top 10, classic threats, and frameworks you import.
Without --org, commands see isms's own catalogs and the instance-wide imports; with
--org SLUG, also that organisation's imports and which frameworks it runs.`,
	}
	cmd.AddCommand(e.frameworkValidateCmd(), e.frameworkListCmd(), e.frameworkShowCmd(), e.frameworkExportCmd(),
		e.frameworkImportCmd(), e.frameworkRemoveCmd(), e.frameworkEnableCmd(true), e.frameworkEnableCmd(false))
	return cmd
}

// frameworks opens the library as an organisation (slug) or the instance
// (slug empty) sees it.
func (e *environment) frameworks(cmd *cobra.Command, slug string) ([]app.FrameworkView, *framework.Library, func(), error) {
	svc, done, err := e.openService(cmd)
	if err != nil {
		return nil, nil, nil, err
	}
	if slug == "" {
		views, lib, err := svc.InstanceFrameworks(cmd.Context(), operator())
		if err != nil {
			done()
			return nil, nil, nil, err
		}
		return views, lib, done, nil
	}
	acc, err := openOrg(cmd, svc, slug)
	if err == nil {
		var views []app.FrameworkView
		views, err = svc.Frameworks(cmd.Context(), acc)
		if err == nil {
			lib, lerr := svc.Library(cmd.Context(), acc)
			return views, lib, done, lerr
		}
	}
	done()
	return nil, nil, nil, err
}

func findView(views []app.FrameworkView, id string) (app.FrameworkView, error) {
	for _, v := range views {
		if v.ID == id {
			return v, nil
		}
	}
	ids := make([]string, len(views))
	for i, v := range views {
		ids[i] = v.ID
	}
	return app.FrameworkView{}, fmt.Errorf("no framework %q; the frameworks are %s", id, strings.Join(ids, ", "))
}

func (e *environment) frameworkListCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "list [--org SLUG]", Short: "List the frameworks", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "show this organisation's view: its imports and what it runs")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		views, _, done, err := e.frameworks(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		type row struct {
			ID         string         `json:"id"`
			Name       string         `json:"name"`
			Version    string         `json:"version"`
			Kind       framework.Kind `json:"kind"`
			Items      int            `json:"items"`
			Assessable int            `json:"assessable"`
			Scope      string         `json:"scope"`
			ImportID   string         `json:"import_id,omitempty"`
			Enabled    *bool          `json:"enabled,omitempty"`
		}
		items := make([]row, len(views))
		rows := make([][]string, len(views))
		for i, v := range views {
			items[i] = row{ID: v.ID, Name: v.Name, Version: v.Version, Kind: v.Kind, Items: len(v.Items), Assessable: v.Assessable(),
				Scope: v.Scope, ImportID: v.ImportID}
			runs := "-"
			if org != "" {
				items[i].Enabled = &v.Enabled
				runs = yesNo(v.Enabled)
			}
			rows[i] = []string{v.ID, v.Name, string(v.Kind), fmt.Sprint(len(v.Items)), fmt.Sprint(v.Assessable()), v.Scope, runs}
		}
		return e.printList(*format, []string{"ID", "NAME", "KIND", "ITEMS", "ASSESSABLE", "SCOPE", "RUN"}, rows, items)
	}
	return cmd
}

func (e *environment) frameworkShowCmd() *cobra.Command {
	var org, format string
	cmd := &cobra.Command{
		Use:   "show ID [--org SLUG] [--format table|json|yaml]",
		Short: "Show a framework: its tree of items, or all of it as JSON or YAML",
		Long: `Show a framework. table prints the tree of items; json prints the framework with every
item and mapping; yaml writes it in the isms framework file format (docs/frameworks.md),
which 'isms framework import' reads back, so a built-in catalog is an example to start from.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			views, _, done, err := e.frameworks(cmd, org)
			if err != nil {
				return err
			}
			defer done()
			v, err := findView(views, args[0])
			if err != nil {
				return err
			}
			switch format {
			case "table":
				e.printTree(v.Framework)
				return nil
			case "json":
				enc := json.NewEncoder(e.io.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(v.Framework)
			case "yaml":
				data, err := framework.WriteYAML(v.Framework)
				if err != nil {
					return err
				}
				_, err = e.io.Out.Write(data)
				return err
			}
			return fmt.Errorf("--format %q: use table, json or yaml", format)
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "look in this organisation's view")
	cmd.Flags().StringVar(&format, "format", "table", "table, json or yaml")
	return cmd
}

func (e *environment) printTree(f *framework.Framework) {
	fmt.Fprintf(e.io.Out, "%s (%s, version %s, revision %d): %d items, %d assessable\n", f.Name, f.ID, f.Version, f.Revision, len(f.Items), f.Assessable())
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, it := range f.Children(parent) {
			fmt.Fprintf(e.io.Out, "%s%-10s %s\n", strings.Repeat("  ", depth), it.Cite(), it.Title)
			walk(it.ID, depth+1)
		}
	}
	walk("", 1)
}

func (e *environment) frameworkExportCmd() *cobra.Command {
	var org, format, output string
	cmd := &cobra.Command{
		Use:   "export ID --format oscal [--org SLUG] [--output FILE]",
		Short: "Export a framework as an OSCAL 1.1 catalog (or isms YAML)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			views, _, done, err := e.frameworks(cmd, org)
			if err != nil {
				return err
			}
			defer done()
			v, err := findView(views, args[0])
			if err != nil {
				return err
			}
			body, _, _, err := httpapi.ExportFramework(v.Framework, format)
			if err != nil {
				return describe(err)
			}
			var w io.Writer = e.io.Out
			if output != "" {
				return os.WriteFile(output, body, 0o644)
			}
			_, err = w.Write(body)
			return err
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "look in this organisation's view")
	cmd.Flags().StringVar(&format, "format", "oscal", "oscal or yaml")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

func (e *environment) frameworkImportCmd() *cobra.Command {
	var org, id string
	cmd := &cobra.Command{
		Use:   "import FILE [--org SLUG] [--id ID]",
		Short: "Import a framework file, whole or not at all",
		Long: `Import an isms framework or mappings file, an OSCAL catalog or a CISO Assistant library.
With --org the frameworks belong to that organisation; without, to every organisation
of the instance. The file is checked first and every problem is reported with its line;
nothing is imported unless the whole file is right. --id gives a one-framework file
another id (an OSCAL catalog's id is otherwise made from its title).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readFrameworkFile(args[0])
			if err != nil {
				return err
			}
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			in := app.FrameworkFile{Name: args[0], Data: data, ID: id}
			var file *framework.File
			if org == "" {
				_, file, err = svc.ImportInstanceFrameworks(cmd.Context(), operator(), in)
			} else {
				acc, oerr := openOrg(cmd, svc, org)
				if oerr != nil {
					return oerr
				}
				_, file, err = svc.ImportFrameworks(cmd.Context(), acc, in)
			}
			if err != nil {
				return e.frameworkProblems(err, args[0])
			}
			for _, f := range file.Frameworks {
				fmt.Fprintf(e.io.Out, "imported framework %s (%s): %d items, %d mappings\n", f.ID, f.Name, len(f.Items), len(f.Mappings))
			}
			for _, s := range file.Mappings {
				fmt.Fprintf(e.io.Out, "imported mappings %s: %d mappings\n", s.ID, len(s.Mappings))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "import for this organisation only")
	cmd.Flags().StringVar(&id, "id", "", "the framework id to use")
	return cmd
}

// frameworkProblems prints a file's problems one per line.
func (e *environment) frameworkProblems(err error, name string) error {
	var problems framework.Problems
	if errors.As(err, &problems) {
		fmt.Fprintln(e.io.Err, problems.Error())
		return fmt.Errorf("%d problem(s) in %s; nothing was imported", len(problems), name)
	}
	return describe(err)
}

func (e *environment) frameworkRemoveCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{
		Use:   "remove IMPORT-ID --org SLUG",
		Short: "Remove an organisation's import and the frameworks it brought",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			acc, err := openOrg(cmd, svc, org)
			if err != nil {
				return err
			}
			if err := svc.RemoveFrameworkImport(cmd.Context(), acc, args[0]); err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "removed import %s\n", args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organisation slug (required)")
	_ = cmd.MarkFlagRequired("org")
	return cmd
}

// frameworkEnableCmd makes `enable` and `disable`: whether an organisation
// runs a framework.
func (e *environment) frameworkEnableCmd(enable bool) *cobra.Command {
	use, short := "disable ID --org SLUG", "Stop running a framework in an organisation"
	if enable {
		use, short = "enable ID --org SLUG", "Run a framework in an organisation (ISO/IEC 27001:2022 runs by default)"
	}
	var org string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			acc, err := openOrg(cmd, svc, org)
			if err != nil {
				return err
			}
			v, err := svc.SetFrameworkEnabled(cmd.Context(), acc, args[0], enable)
			if err != nil {
				return describe(err)
			}
			state := "no longer runs"
			if v.Enabled {
				state = "runs"
			}
			fmt.Fprintf(e.io.Out, "%s %s %s\n", org, state, v.Name)
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organisation slug (required)")
	_ = cmd.MarkFlagRequired("org")
	return cmd
}

func (e *environment) frameworkValidateCmd() *cobra.Command {
	return &cobra.Command{
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
