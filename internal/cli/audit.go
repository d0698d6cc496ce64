package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Internal audits (9.2): the programme, audits and their reports"}
	cmd.AddCommand(e.auditListCmd(), e.auditShowCmd(), e.auditReportCmd())
	return cmd
}

// auditJSON is an audit as the CLI lists it.
type auditJSON struct {
	Ref          string   `json:"ref"`
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Status       string   `json:"status"`
	PlannedStart string   `json:"planned_start"`
	PlannedEnd   string   `json:"planned_end"`
	CycleYear    int      `json:"cycle_year,omitempty"`
	Auditors     []string `json:"auditors"`
	Items        int      `json:"items"`
	Done         int      `json:"done"`
}

func (e *environment) auditListCmd() *cobra.Command {
	var org, status string
	cmd := &cobra.Command{Use: "list --org SLUG [--status planned|in_progress|completed]", Short: "List the audits with their progress",
		Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&status, "status", "", "only audits with this status")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if status != "" && !isms.AuditStatus(status).Valid() {
			return fmt.Errorf("--status %q: use planned, in_progress or completed", status)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f := store.AuditFilter{Status: isms.AuditStatus(status), Limit: store.MaxLimit}
		var items []auditJSON
		for {
			rows, err := svc.Audits(cmd.Context(), acc, f)
			if err != nil {
				return describe(err)
			}
			for _, r := range rows {
				items = append(items, auditJSON{Ref: r.Ref(), ID: r.ID, Title: r.Title, Status: string(r.Status),
					PlannedStart: r.PlannedStart.Format(time.DateOnly), PlannedEnd: r.PlannedEnd.Format(time.DateOnly), CycleYear: r.Year,
					Auditors: r.Auditors, Items: r.Items, Done: r.Done})
			}
			if len(rows) < f.Limit {
				break
			}
			f.After = rows[len(rows)-1].RefNum
		}
		rows := make([][]string, len(items))
		for i, it := range items {
			rows[i] = []string{it.Ref, truncate(it.Title, 50), it.Status, it.PlannedStart, strings.Join(it.Auditors, ", "),
				fmt.Sprintf("%d/%d", it.Done, it.Items)}
		}
		return e.printList(*format, []string{"REF", "TITLE", "STATUS", "PLANNED", "AUDITORS", "DONE"}, rows, items)
	}
	return cmd
}

func (e *environment) auditShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show REF --org SLUG", Short: "Show an audit with its checklist and the records it raised",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		d, err := svc.Audit(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		type itemJSON struct {
			Ref      string      `json:"ref"`
			Kind     string      `json:"kind"`
			Title    string      `json:"title"`
			Result   string      `json:"result,omitempty"`
			Notes    string      `json:"notes,omitempty"`
			Evidence []isms.Link `json:"evidence,omitempty"`
			Record   string      `json:"record,omitempty"`
		}
		out := struct {
			Ref        string     `json:"ref"`
			ID         string     `json:"id"`
			Title      string     `json:"title"`
			Status     string     `json:"status"`
			Scope      []string   `json:"scope"`
			Criteria   string     `json:"criteria"`
			Auditors   []string   `json:"auditors"`
			Planned    string     `json:"planned"`
			Completed  *time.Time `json:"completed_at,omitempty"`
			Conclusion string     `json:"conclusion,omitempty"`
			Items      []itemJSON `json:"items"`
		}{Ref: d.Ref(), ID: d.ID, Title: d.Title, Status: string(d.Status), Scope: d.Scope, Criteria: d.Criteria, Auditors: d.Auditors,
			Planned: d.PlannedStart.Format(time.DateOnly) + "/" + d.PlannedEnd.Format(time.DateOnly), Completed: d.CompletedAt,
			Conclusion: d.Conclusion, Items: []itemJSON{}}
		for _, it := range d.Items {
			out.Items = append(out.Items, itemJSON{Ref: it.Ref, Kind: string(it.Kind), Title: it.Title, Result: string(it.Result),
				Notes: it.Notes, Evidence: it.Evidence, Record: it.NCRef})
		}
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return cmd
}

func (e *environment) auditReportCmd() *cobra.Command {
	var org, format, out string
	cmd := &cobra.Command{Use: "report REF --org SLUG [--format pdf|xlsx] --output FILE", Short: "Write an audit's report as PDF or XLSX",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "pdf", "pdf or xlsx")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write; it must not exist (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return fmt.Errorf("the report is a binary file: name it with --output")
		}
		if format != "pdf" && format != "xlsx" {
			return fmt.Errorf("--format %q: use pdf or xlsx", format)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var b bytes.Buffer
		if format == "pdf" {
			err = svc.AuditReportPDF(cmd.Context(), acc, args[0], &b)
		} else {
			err = svc.AuditReportXLSX(cmd.Context(), acc, args[0], &b)
		}
		if err != nil {
			return describe(err)
		}
		// A report is evidence: never overwrite one already written.
		file, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		if _, err := file.Write(b.Bytes()); err != nil {
			file.Close()
			return fmt.Errorf("write %s: %w", out, err)
		}
		if err := file.Close(); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(e.io.Err, "wrote %s\n", out)
		return nil
	}
	return cmd
}
