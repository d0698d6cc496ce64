package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) importCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import scanner results"}
	cmd.AddCommand(e.importNessusCmd())
	return cmd
}

// scanSummaryJSON is what `isms import nessus --format json` prints per file.
type scanSummaryJSON struct {
	File       string         `json:"file"`
	ScanID     string         `json:"scan_id"`
	Name       string         `json:"name"`
	Hosts      int            `json:"hosts"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"by_severity"`
	New        int            `json:"new"`
	Updated    int            `json:"updated"`
	Fixed      int            `json:"fixed"`
	Reopened   int            `json:"reopened"`
	Compliance int            `json:"compliance"`
	NewAssets  int            `json:"new_assets"`
	SHA256     string         `json:"sha256"`
}

func (e *environment) importNessusCmd() *cobra.Command {
	var org, format string
	cmd := &cobra.Command{
		Use:   "nessus --org SLUG FILE...",
		Short: "Import Nessus .nessus (v2) scan files: hosts, findings, fixes and audit checks",
		Long: `Import each file in turn. A file is imported whole or not at all: any problem (not a Nessus
v2 file, malformed or truncated XML) is reported with its line and column and leaves the records as
they were. Hosts are matched to assets by FQDN, IP address, NetBIOS name or MAC address, in that order;
hosts no asset matches become discovered assets awaiting an owner. Findings a scanned host no longer
has are marked fixed. The file is kept as evidence for Annex A 8.8.`,
		Args: cobra.MinimumNArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if format != "table" && format != "json" {
			return fmt.Errorf("--format %q: use table or json", format)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var out []scanSummaryJSON
		var failed error
		for _, path := range args {
			f, err := os.Open(path)
			if err != nil {
				failed = errors.Join(failed, err)
				continue
			}
			res, err := svc.ImportNessus(cmd.Context(), acc, path, f)
			f.Close()
			if err != nil {
				failed = errors.Join(failed, fmt.Errorf("%s: %w", path, describe(err)))
				continue
			}
			sc := res.Scan
			sum := scanSummaryJSON{File: path, ScanID: sc.ID, Name: sc.Name, Hosts: sc.Hosts, Findings: sc.Findings,
				BySeverity: map[string]int{}, New: sc.New, Updated: sc.SeenAgain, Fixed: sc.Fixed, Reopened: sc.Again,
				Compliance: sc.Compliance, NewAssets: sc.AssetsCreated, SHA256: sc.FileSHA256}
			for i, n := range sc.BySeverity {
				sum.BySeverity[isms.Severity(i).String()] = n
			}
			out = append(out, sum)
			if format == "table" {
				fmt.Fprintf(e.io.Out, "%s: scan %q, %d hosts (%d new assets), %d findings (critical %d, high %d, medium %d, low %d, info %d); "+
					"%d new, %d updated, %d fixed, %d reopened; %d compliance checks\n", path, sc.Name, sc.Hosts, sc.AssetsCreated, sc.Findings,
					sc.BySeverity[4], sc.BySeverity[3], sc.BySeverity[2], sc.BySeverity[1], sc.BySeverity[0], sc.New, sc.SeenAgain, sc.Fixed,
					sc.Again, sc.Compliance)
			}
		}
		if format == "json" {
			if out == nil {
				out = []scanSummaryJSON{}
			}
			enc := json.NewEncoder(e.io.Out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(out); err != nil {
				return err
			}
		}
		return failed
	}
	return cmd
}

type findingJSON struct {
	ID               string   `json:"id"`
	Asset            string   `json:"asset"`
	PluginID         int      `json:"plugin_id"`
	Plugin           string   `json:"plugin"`
	Severity         string   `json:"severity"`
	Port             int      `json:"port"`
	Protocol         string   `json:"protocol"`
	Status           string   `json:"status"`
	CVEs             []string `json:"cves"`
	ExploitAvailable bool     `json:"exploit_available"`
	FirstSeen        string   `json:"first_seen"`
	DueDate          string   `json:"due_date,omitempty"`
	Overdue          bool     `json:"overdue"`
}

func (e *environment) findingCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "finding", Short: "The vulnerability findings of scan imports"}
	var org, status, severity, cve string
	var overdue bool
	list := &cobra.Command{Use: "list --org SLUG [--status open|fixed] [--severity S] [--cve ID] [--overdue]",
		Short: "List findings, most severe first", Args: cobra.NoArgs}
	format := formatFlag(list)
	list.Flags().StringVar(&org, "org", "", "the organisation (required)")
	list.Flags().StringVar(&status, "status", "open", "open, fixed, or empty for both")
	list.Flags().StringVar(&severity, "severity", "", "only this severity: critical, high, medium, low or info")
	list.Flags().StringVar(&cve, "cve", "", "only findings of this CVE")
	list.Flags().BoolVar(&overdue, "overdue", false, "only open findings past their remediation date")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		f := store.FindingFilter{Status: isms.FindingStatus(status), CVE: cve, Overdue: overdue}
		if severity != "" {
			sev, err := isms.ParseSeverity("severity", severity)
			if err != nil {
				return describe(err)
			}
			f.Severity = &sev
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		now := time.Now()
		items, err := allPages(func(cursor string) ([]findingJSON, string, error) {
			f.Cursor, f.Limit = cursor, store.MaxLimit
			p, err := svc.ListFindings(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]findingJSON, len(p.Findings))
			for i, fd := range p.Findings {
				out[i] = findingJSON{ID: fd.ID, Asset: fd.AssetName, PluginID: fd.Plugin.ID, Plugin: fd.Plugin.Name, Severity: fd.Severity.String(),
					Port: fd.Port, Protocol: fd.Protocol, Status: string(fd.Status), CVEs: nonNil(fd.Plugin.CVEs),
					ExploitAvailable: fd.Plugin.ExploitAvailable, FirstSeen: fd.FirstSeen.Format(time.DateOnly), Overdue: fd.Overdue(now)}
				if fd.DueDate != nil {
					out[i].DueDate = fd.DueDate.Format(time.DateOnly)
				}
			}
			return out, p.Next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(items))
		for i, it := range items {
			due := dash(it.DueDate)
			if it.Overdue {
				due += " (overdue)"
			}
			rows[i] = []string{it.Severity, truncate(it.Asset, 30), strconv.Itoa(it.PluginID), truncate(it.Plugin, 50),
				fmt.Sprintf("%d/%s", it.Port, it.Protocol), it.Status, due}
		}
		return e.printList(*format, []string{"SEVERITY", "ASSET", "PLUGIN", "NAME", "PORT", "STATUS", "DUE"}, rows, items)
	}
	cmd.AddCommand(list)
	return cmd
}
