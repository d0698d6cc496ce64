package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func (e *environment) evidenceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Add, list and verify evidence",
		Long: `Evidence shows controls operating: uploaded files, links and written records, each for a period.
Files are kept once per content under the data folder's evidence/ folder, named by their SHA-256,
and the hash is in the ledger; 'isms evidence verify' rehashes them.`,
	}
	cmd.AddCommand(e.evidenceAddCmd(), e.evidenceListCmd(), e.evidenceVerifyCmd(), e.evidenceRequestCmd())
	return cmd
}

func (e *environment) evidenceAddCmd() *cobra.Command {
	var org, title, description, url, body, period, cadence string
	var controls []string
	cmd := &cobra.Command{
		Use:   "add [FILE] --org SLUG --control REF --title TEXT [--url URL | --body TEXT] [--period-end DATE]",
		Short: "Add a file, a link or a written record as evidence for controls",
		Args:  cobra.MaximumNArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringSliceVar(&controls, "control", nil, "a control the evidence is for, such as iso27001-2022:A.8.8 (repeatable)")
	cmd.Flags().StringVar(&title, "title", "", "what the evidence is (required)")
	cmd.Flags().StringVar(&description, "description", "", "more about it")
	cmd.Flags().StringVar(&url, "url", "", "add a link to where the evidence lives")
	cmd.Flags().StringVar(&body, "body", "", "add a written record with this text")
	cmd.Flags().StringVar(&period, "period-end", "", "the date the evidence is for, YYYY-MM-DD (default: today)")
	cmd.Flags().StringVar(&cadence, "cadence", "", "how often it must be collected again: monthly, quarterly or yearly")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		in := app.EvidenceInput{Title: title, Description: description, URL: url, Body: body, Cadence: cadence}
		switch {
		case len(args) == 1 && url == "" && body == "":
			in.Kind, in.FileName = string(isms.EvidenceFile), args[0]
		case len(args) == 0 && url != "" && body == "":
			in.Kind = string(isms.EvidenceLink)
		case len(args) == 0 && body != "" && url == "":
			in.Kind = string(isms.EvidenceRecord)
		default:
			return fmt.Errorf("give one of FILE, --url or --body")
		}
		if period != "" {
			d, err := time.Parse(time.DateOnly, period)
			if err != nil {
				return fmt.Errorf("--period-end %q: want YYYY-MM-DD", period)
			}
			in.PeriodEnd = &d
		}
		for _, c := range controls {
			in.Links = append(in.Links, isms.EvidenceLinkTo{Target: isms.TargetControl, Ref: c})
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var d app.EvidenceDetail
		if in.Kind == string(isms.EvidenceFile) {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			d, err = svc.AddEvidence(cmd.Context(), acc, in, f)
			if err != nil {
				return describe(err)
			}
		} else if d, err = svc.AddEvidence(cmd.Context(), acc, in, nil); err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "added evidence %s (%s)", d.ID, d.Kind)
		if d.SHA256 != "" {
			stored := "stored"
			if !d.Stored {
				stored = "same content already stored"
			}
			fmt.Fprintf(e.io.Out, ", %s, %d bytes, SHA-256 %s, %s", d.MediaType, d.Size, d.SHA256, stored)
		}
		fmt.Fprintln(e.io.Out)
		return nil
	}
	return cmd
}

type evidenceJSON struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	PeriodEnd string `json:"period_end"`
	Cadence   string `json:"cadence,omitempty"`
	SHA256    string `json:"sha256,omitempty"`
	Size      int64  `json:"size,omitempty"`
	MediaType string `json:"media_type,omitempty"`
	URL       string `json:"url,omitempty"`
}

func (e *environment) evidenceListCmd() *cobra.Command {
	var org, control, query string
	cmd := &cobra.Command{Use: "list --org SLUG [--control REF] [--q TEXT]", Short: "List evidence, newest period first",
		Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&control, "control", "", "only evidence for this control")
	cmd.Flags().StringVar(&query, "q", "", "only evidence whose title contains this")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		f := store.EvidenceFilter{Target: isms.TargetControl, Ref: control, Query: query}
		items, err := allPages(func(cursor string) ([]evidenceJSON, string, error) {
			f.Cursor, f.Limit = cursor, store.MaxLimit+1
			list, err := svc.ListEvidence(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			next := ""
			if len(list) > store.MaxLimit {
				list = list[:store.MaxLimit]
				next = store.EvidenceCursor(list[len(list)-1])
			}
			out := make([]evidenceJSON, len(list))
			for i, ev := range list {
				out[i] = evidenceJSON{ID: ev.ID, Kind: string(ev.Kind), Title: ev.Title, PeriodEnd: ev.PeriodEnd.Format(time.DateOnly),
					Cadence: string(ev.Cadence), SHA256: ev.SHA256, Size: ev.Size, MediaType: ev.MediaType, URL: ev.URL}
			}
			return out, next, nil
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(items))
		for i, it := range items {
			rows[i] = []string{it.ID, it.Kind, truncate(it.Title, 48), it.PeriodEnd, dash(it.Cadence)}
		}
		return e.printList(*format, []string{"ID", "KIND", "TITLE", "PERIOD END", "CADENCE"}, rows, items)
	}
	return cmd
}

func (e *environment) evidenceVerifyCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{
		Use:   "verify [--org SLUG]",
		Short: "Rehash every stored evidence file and report missing or altered ones",
		Long: `Read every evidence file that an evidence item refers to, of one organisation or of all, hash it
again and compare with the SHA-256 recorded when it was uploaded (which the ledger holds).
Missing and altered files are listed with the evidence items that refer to them, and the
exit status is 1.`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&org, "org", "", "only this organisation (default: every organisation)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, done, err := e.openService(cmd)
		if err != nil {
			return err
		}
		defer done()
		acc := app.Access{Principal: operator()}
		if org != "" {
			if acc, err = openOrg(cmd, svc, org); err != nil {
				return err
			}
		}
		check, err := svc.VerifyEvidenceFiles(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		for _, p := range check.Problems {
			var items []string
			for _, it := range p.Items {
				items = append(items, fmt.Sprintf("%s %q", it.EvidenceID, it.Title))
			}
			fmt.Fprintf(e.io.Out, "%s %s: %s; evidence %s\n", strings.ToUpper(p.Kind), p.SHA256, p.Detail, strings.Join(items, ", "))
		}
		if n := len(check.Unreferenced); n > 0 {
			fmt.Fprintf(e.io.Out, "note: %d stored files are named by no evidence item (left by uploads that failed after the file was written); they are kept\n", n)
		}
		if len(check.Problems) > 0 {
			fmt.Fprintf(e.io.Out, "%d of %d files (for %d evidence items) missing or altered\n", len(check.Problems), check.Files, check.Items)
			return exitError(1)
		}
		fmt.Fprintf(e.io.Out, "ok: %d files for %d evidence items verified\n", check.Files, check.Items)
		return nil
	}
	return cmd
}

func (e *environment) evidenceRequestCmd() *cobra.Command {
	var org, title, assignee, due string
	cmd := &cobra.Command{
		Use:   "request CONTROL --org SLUG --title TEXT --assignee EMAIL --due YYYY-MM-DD",
		Short: "Ask a member for evidence of a control by a date; it shows on their overview until fulfilled",
		Args:  cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&title, "title", "", "what to collect (required)")
	cmd.Flags().StringVar(&assignee, "assignee", "", "who collects it, by email (required)")
	cmd.Flags().StringVar(&due, "due", "", "by when, YYYY-MM-DD (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		d, err := time.Parse(time.DateOnly, due)
		if err != nil {
			return fmt.Errorf("--due %q: want YYYY-MM-DD", due)
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		id, err := memberIDByEmail(cmd, svc, acc, assignee)
		if err != nil {
			return err
		}
		q, err := svc.RequestEvidence(cmd.Context(), acc, args[0], title, id, d)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(e.io.Out, "requested evidence %s for %s from %s by %s\n", q.ID, args[0], assignee, due)
		return nil
	}
	return cmd
}
