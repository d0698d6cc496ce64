package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// continuityJSON is an analysis as the CLI prints it: with its plans and
// the last test, and the flags.
type continuityJSON struct {
	Ref          string   `json:"ref"`
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Criticality  string   `json:"criticality"`
	RTOHours     int      `json:"rto_hours"`
	RPOHours     int      `json:"rpo_hours"`
	MTPDHours    int      `json:"mtpd_hours"`
	ReviewDate   string   `json:"review_date,omitempty"`
	Plans        []string `json:"plans"`
	LastTest     string   `json:"last_test,omitempty"`
	Flags        []string `json:"flags"`
	Dependencies []string `json:"dependencies"`
}

func toContinuityJSON(v app.BIAView) continuityJSON {
	out := continuityJSON{Ref: v.Ref(), ID: v.ID, Name: v.Name, Criticality: string(v.Criticality), RTOHours: v.RTOHours, RPOHours: v.RPOHours,
		MTPDHours: v.MTPDHours, Plans: []string{}, Flags: []string{}, Dependencies: []string{}}
	if v.ReviewDate != nil {
		out.ReviewDate = v.ReviewDate.Format(time.DateOnly)
	}
	for _, p := range v.Plans {
		out.Plans = append(out.Plans, p.Ref())
	}
	if t := v.LastTest; t != nil {
		out.LastTest = fmt.Sprintf("%s %s %s", t.Ref(), t.TestedOn.Format(time.DateOnly), t.Result)
		if t.RecoveryMinutes != nil {
			out.LastTest += fmt.Sprintf(" in %d min", *t.RecoveryMinutes)
		}
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{v.NoPlan, "no_plan"}, {v.ReviewOverdue, "review_overdue"}, {v.MissedRTO, "missed_rto"}} {
		if f.on {
			out.Flags = append(out.Flags, f.name)
		}
	}
	for _, d := range v.Dependencies {
		out.Dependencies = append(out.Dependencies, d.Name)
	}
	return out
}

func (e *environment) continuityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "continuity", Aliases: []string{"bia"},
		Short: "Business impact analyses with their continuity plans and tests (A.5.29, A.5.30, A.8.13, A.8.14)"}
	cmd.AddCommand(e.continuityListCmd(), e.continuityShowCmd(), e.continuityExportCmd())
	return cmd
}

// continuityFlags adds the register's filters to cmd.
func continuityFlags(cmd *cobra.Command) *app.ContinuityFilter {
	f := &app.ContinuityFilter{}
	cmd.Flags().StringVar((*string)(&f.Criticality), "criticality", "", "critical, high, medium or low")
	cmd.Flags().StringVar(&f.Query, "q", "", "words of the name, or a reference such as BIA-3")
	cmd.Flags().BoolVar(&f.Flagged, "flagged", false, "only analyses with a flag: critical without a plan, review overdue, last test missed the RTO")
	return f
}

func (e *environment) continuityListCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "list --org SLUG [--criticality C] [--q TEXT] [--flagged]",
		Short: "List the analyses with their plans and last test", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	f := continuityFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if f.Criticality != "" && !f.Criticality.IsValid() {
			return fmt.Errorf("--criticality %q: use critical, high, medium or low", f.Criticality)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f.Limit = store.MaxLimit
		items, err := allPages(func(cursor string) ([]continuityJSON, string, error) {
			if cursor != "" {
				f.After, _ = strconv.Atoi(cursor)
			}
			// Read a page before the flagged filter thins it, so that a
			// short page still says whether another follows.
			all := *f
			all.Flagged = false
			rows, err := svc.BIAs(cmd.Context(), acc, all)
			if err != nil {
				return nil, "", describe(err)
			}
			var out []continuityJSON
			for _, r := range rows {
				if !f.Flagged || r.Flagged() {
					out = append(out, toContinuityJSON(r))
				}
			}
			next := ""
			if len(rows) == f.Limit {
				next = strconv.Itoa(rows[len(rows)-1].RefNum)
			}
			return out, next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(items))
		for i, it := range items {
			rows[i] = []string{it.Ref, truncate(it.Name, 40), it.Criticality, fmt.Sprintf("%d/%d/%d", it.RTOHours, it.RPOHours, it.MTPDHours),
				dash(strings.Join(it.Plans, ",")), dash(it.LastTest), dash(strings.Join(it.Flags, ","))}
		}
		return e.printList(*format, []string{"REF", "NAME", "CRITICALITY", "RTO/RPO/MTPD (H)", "PLANS", "LAST TEST", "FLAGS"}, rows, items)
	}
	return cmd
}

func (e *environment) continuityShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show REF --org SLUG", Short: "Show an analysis with its impacts, dependencies, plans and their tests",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		v, err := svc.BIADetail(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		type testJSON struct {
			Ref             string   `json:"ref"`
			TestedOn        string   `json:"tested_on"`
			Kind            string   `json:"kind"`
			Result          string   `json:"result"`
			RecoveryMinutes *int     `json:"recovery_minutes,omitempty"`
			MissedRTO       bool     `json:"missed_rto"`
			FollowUps       []string `json:"follow_ups,omitempty"`
		}
		type planJSON struct {
			Ref         string     `json:"ref"`
			Title       string     `json:"title"`
			Version     string     `json:"version,omitempty"`
			NeverTested bool       `json:"never_tested"`
			TestStale   bool       `json:"test_stale"`
			Tests       []testJSON `json:"tests"`
		}
		out := struct {
			continuityJSON
			Description string         `json:"description"`
			OwnerID     string         `json:"owner_id"`
			Impacts     map[string]any `json:"impacts"`
			PlanDetails []planJSON     `json:"plan_details"`
		}{continuityJSON: toContinuityJSON(v), Description: v.Description, OwnerID: v.OwnerID, Impacts: map[string]any{}, PlanDetails: []planJSON{}}
		for i, r := range v.Impacts {
			out.Impacts[fmt.Sprintf("%dh", isms.ImpactHorizons[i])] = r
		}
		for _, p := range v.Plans {
			d, err := svc.PlanDetail(cmd.Context(), acc, p.ID)
			if err != nil {
				return describe(err)
			}
			pj := planJSON{Ref: d.Ref(), Title: d.Title, Version: d.Version, NeverTested: d.NeverTested, TestStale: d.TestStale, Tests: []testJSON{}}
			for _, t := range d.Tests {
				tj := testJSON{Ref: t.Ref(), TestedOn: t.TestedOn.Format(time.DateOnly), Kind: string(t.Kind), Result: string(t.Result),
					RecoveryMinutes: t.RecoveryMinutes, MissedRTO: t.MissedRTO}
				for _, f := range t.FollowUps {
					tj.FollowUps = append(tj.FollowUps, f.Title)
				}
				pj.Tests = append(pj.Tests, tj)
			}
			out.PlanDetails = append(out.PlanDetails, pj)
		}
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return cmd
}

func (e *environment) continuityExportCmd() *cobra.Command {
	var org, output, format string
	cmd := &cobra.Command{Use: "export --org SLUG [--format csv|xlsx] [--output FILE]",
		Short: "Export the analyses with their plans, last test and flags", Args: cobra.NoArgs}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file rather than standard output (required for xlsx)")
	f := continuityFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if format != "csv" && format != "xlsx" {
			return fmt.Errorf("--format %q: use csv or xlsx", format)
		}
		if format == "xlsx" && output == "" {
			return fmt.Errorf("--format xlsx writes a binary file: name it with --output")
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var buf bytes.Buffer
		if format == "xlsx" {
			err = svc.ExportContinuityXLSX(cmd.Context(), acc, *f, &buf)
		} else {
			err = svc.ExportContinuityCSV(cmd.Context(), acc, *f, &buf)
		}
		if err != nil {
			return describe(err)
		}
		if output == "" {
			_, err = buf.WriteTo(e.io.Out)
			return err
		}
		// A new file only: an export never overwrites what is there.
		file, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := buf.WriteTo(file); err != nil {
			file.Close()
			return err
		}
		return file.Close()
	}
	return cmd
}
