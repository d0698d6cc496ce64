package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

func (e *environment) assetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "asset",
		Short: "Import, list and export an organisation's assets",
		Long: `The asset inventory: models, datasets, endpoints, clusters, suppliers and the classic
IT assets. Import reads CycloneDX BOMs (ML-BOM models and data with their model cards),
Hugging Face cards (README.md), SPDX 3 AI BOMs and the isms asset CSV; importing the
same file again updates the assets it made instead of adding them twice.`,
	}
	cmd.AddCommand(e.assetImportCmd(), e.assetListCmd(), e.assetExportCmd(), e.assetTemplateCmd())
	return cmd
}

func (e *environment) assetImportCmd() *cobra.Command {
	var org, format string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE --org SLUG [--format csv|cyclonedx|hf|spdx] [--dry-run]",
		Short: "Import assets from a BOM, a model card or the asset CSV, whole or not at all",
		Long: `Import the assets a file describes. --format names what the file must be; without it the
format is told from the content. Every problem is reported with its line and field, and
nothing is imported unless the whole file is right. --dry-run checks the file and says
what the import would do.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(args[0], aibom.MaxFileSize)
			if err != nil {
				return err
			}
			svc, acc, done, err := e.inOrg(cmd, org)
			if err != nil {
				return err
			}
			defer done()
			res, err := svc.ImportAssets(cmd.Context(), acc, app.AssetFile{Name: args[0], Format: format, Data: data}, dryRun)
			if err != nil {
				var problems aibom.Problems
				if errors.As(err, &problems) {
					fmt.Fprintln(e.io.Err, problems.Error())
					return fmt.Errorf("%d problem(s) in %s; nothing was imported", len(problems), args[0])
				}
				return describe(err)
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(e.io.Err, "warning: "+w)
			}
			verb := "imported"
			if dryRun {
				verb = "would import (dry run, nothing changed)"
			}
			fmt.Fprintf(e.io.Out, "%s %s: %d created, %d updated, %d unchanged, %d relations added, %d unresolved\n",
				verb, res.Format, res.Created, res.Updated, res.Unchanged, res.Relations, res.Unresolved)
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "", "what the file is: "+strings.Join(app.AssetFormats, ", ")+" (default: tell from the content)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report what would change, changing nothing")
	return cmd
}

// inOrg opens the service and the organisation --org names, which the
// command requires.
func (e *environment) inOrg(cmd *cobra.Command, org string) (*app.Service, app.Access, func(), error) {
	if org == "" {
		return nil, app.Access{}, nil, errors.New("--org is required")
	}
	svc, done, err := e.openService(cmd)
	if err != nil {
		return nil, app.Access{}, nil, err
	}
	acc, err := openOrg(cmd, svc, org)
	if err != nil {
		done()
		return nil, app.Access{}, nil, err
	}
	return svc, acc, done, nil
}

// readLimited reads a file that must not exceed limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes; the largest file isms reads here is %d", path, st.Size(), limit)
	}
	return os.ReadFile(path)
}

func (e *environment) assetListCmd() *cobra.Command {
	var org, typ, tag, query string
	cmd := &cobra.Command{Use: "list --org SLUG [--type TYPE] [--tag TAG] [--q TEXT]", Short: "List the assets", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&typ, "type", "", "only assets of this type, such as model or dataset")
	cmd.Flags().StringVar(&tag, "tag", "", "only assets with this tag")
	cmd.Flags().StringVar(&query, "q", "", "only assets whose name contains this")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f := isms.AssetFilter{Type: isms.AssetType(typ), Tag: tag, Query: query}
		assets, err := allPages(func(cursor string) ([]assetJSON, string, error) {
			f.Cursor, f.Limit = cursor, 200
			p, err := svc.ListAssets(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]assetJSON, len(p.Assets))
			for i, a := range p.Assets {
				out[i] = assetJSON{ID: a.ID, Name: a.Name, Type: string(a.Type), Classification: a.Classification, Lifecycle: string(a.Lifecycle),
					Confidentiality: a.Confidentiality, Integrity: a.Integrity, Availability: a.Availability, OwnerID: a.OwnerID,
					Tags: a.Tags, Attributes: a.Attributes, SourceKey: a.SourceKey}
				if out[i].Tags == nil {
					out[i].Tags = []string{}
				}
			}
			return out, p.Next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(assets))
		for i, a := range assets {
			rows[i] = []string{a.Name, a.Type, dash(a.Classification), fmt.Sprintf("%d/%d/%d", a.Confidentiality, a.Integrity, a.Availability),
				a.Lifecycle, dash(strings.Join(a.Tags, ","))}
		}
		return e.printList(*format, []string{"NAME", "TYPE", "CLASSIFICATION", "C/I/A", "LIFECYCLE", "TAGS"}, rows, assets)
	}
	return cmd
}

type assetJSON struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Type            string            `json:"type"`
	Classification  string            `json:"classification"`
	Lifecycle       string            `json:"lifecycle"`
	Confidentiality int               `json:"confidentiality"`
	Integrity       int               `json:"integrity"`
	Availability    int               `json:"availability"`
	OwnerID         string            `json:"owner_id,omitempty"`
	Tags            []string          `json:"tags"`
	Attributes      map[string]string `json:"attributes"`
	SourceKey       string            `json:"source_key,omitempty"`
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// outputFile opens --out, or standard output for "" and "-".
func (e *environment) outputFile(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return e.io.Out, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func (e *environment) assetExportCmd() *cobra.Command {
	var org, format, out string
	cmd := &cobra.Command{
		Use:   "export --org SLUG [--format csv|xlsx] [--out FILE]",
		Short: "Export the inventory as the asset CSV (which import reads back) or a spreadsheet",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
				err = svc.ExportAssetsCSV(cmd.Context(), acc, isms.AssetFilter{}, w)
			} else {
				err = svc.ExportAssetsXLSX(cmd.Context(), acc, isms.AssetFilter{}, w)
			}
			return errors.Join(err, closeOut())
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}

func (e *environment) assetTemplateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "template",
		Short: "Print the asset CSV layout with two example rows",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := e.io.Out.Write(app.AssetCSVTemplate())
			return err
		},
	}
}

func (e *environment) riskCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "risk", Short: "List risks and write the risk reports"}
	cmd.AddCommand(e.riskListCmd(), e.riskReportCmd())
	return cmd
}

type riskJSON struct {
	ID                 string   `json:"id"`
	Ref                string   `json:"ref"`
	Title              string   `json:"title"`
	ThreatRef          string   `json:"threat_ref,omitempty"`
	Status             string   `json:"status"`
	Treatment          string   `json:"treatment,omitempty"`
	InherentLikelihood int      `json:"inherent_likelihood"`
	InherentImpact     int      `json:"inherent_impact"`
	InherentLevel      string   `json:"inherent_level"`
	ResidualLikelihood int      `json:"residual_likelihood"`
	ResidualImpact     int      `json:"residual_impact"`
	ResidualLevel      string   `json:"residual_level,omitempty"`
	OwnerID            string   `json:"owner_id"`
	AssetIDs           []string `json:"asset_ids"`
	Controls           []string `json:"controls"`
	ReviewDate         string   `json:"review_date,omitempty"`
}

func (e *environment) riskListCmd() *cobra.Command {
	var org, status, treatment, sort, query string
	var overdue bool
	cmd := &cobra.Command{Use: "list --org SLUG [--status S] [--treatment T] [--overdue] [--sort ref|level|residual]", Short: "List the risk register", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&status, "status", "", "only risks in this status: "+strings.Join(statusNames(), ", "))
	cmd.Flags().StringVar(&treatment, "treatment", "", "only risks with this treatment: mitigate, avoid, transfer or accept")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only risks past their review date or with an action past due")
	cmd.Flags().StringVar(&sort, "sort", "ref", "order: ref, level (highest first) or residual")
	cmd.Flags().StringVar(&query, "q", "", "only risks whose title contains this, or with this reference")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f := isms.RiskFilter{Status: isms.RiskStatus(status), Treatment: isms.Treatment(treatment), Overdue: overdue, Sort: sort, Query: query}
		risks, err := allPages(func(cursor string) ([]riskJSON, string, error) {
			f.Cursor, f.Limit = cursor, 200
			p, err := svc.ListRisks(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]riskJSON, len(p.Risks))
			for i, k := range p.Risks {
				out[i] = riskJSON{ID: k.ID, Ref: k.Ref(), Title: k.Title, ThreatRef: k.ThreatRef, Status: string(k.Status), Treatment: string(k.Treatment),
					InherentLikelihood: k.InherentLikelihood, InherentImpact: k.InherentImpact, InherentLevel: k.Inherent.Name,
					ResidualLikelihood: k.ResidualLikelihood, ResidualImpact: k.ResidualImpact, ResidualLevel: k.Residual.Name,
					OwnerID: k.OwnerID, AssetIDs: nonNil(k.AssetIDs), Controls: nonNil(k.Controls)}
				if k.ReviewDate != nil {
					out[i].ReviewDate = k.ReviewDate.Format("2006-01-02")
				}
			}
			return out, p.Next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(risks))
		for i, k := range risks {
			rows[i] = []string{k.Ref, k.Title, k.InherentLevel, dash(k.ResidualLevel), k.Status, dash(k.Treatment)}
		}
		return e.printList(*format, []string{"REF", "TITLE", "LEVEL", "RESIDUAL", "STATUS", "TREATMENT"}, rows, risks)
	}
	return cmd
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func statusNames() []string {
	out := make([]string, len(isms.RiskStatuses))
	for i, s := range isms.RiskStatuses {
		out[i] = string(s)
	}
	return out
}

func (e *environment) riskReportCmd() *cobra.Command {
	var org, kind, format, out string
	cmd := &cobra.Command{
		Use:   "report --org SLUG --kind assessment|treatment [--format pdf|xlsx] --out FILE",
		Short: "Write the risk assessment report (8.2) or the risk treatment plan (8.3)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if org == "" || out == "" {
				return errors.New("--org and --out are required")
			}
			if !slices.Contains([]string{app.ReportAssessment, app.ReportTreatment}, kind) {
				return fmt.Errorf("--kind %q: use assessment or treatment", kind)
			}
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			acc, err := openOrg(cmd, svc, org)
			if err != nil {
				return err
			}
			w, closeOut, err := e.outputFile(out)
			if err != nil {
				return err
			}
			err = svc.WriteRiskReport(cmd.Context(), acc, kind, format, isms.RiskFilter{Sort: "ref"}, w)
			if cerr := closeOut(); err == nil {
				err = cerr
			}
			if err != nil && out != "-" {
				_ = os.Remove(out)
			}
			return describe(err)
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&kind, "kind", app.ReportAssessment, "assessment or treatment")
	cmd.Flags().StringVar(&format, "format", "pdf", "pdf or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "the file to write (required; - for standard output)")
	return cmd
}
