package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// meetingJSON is a management review as the CLI lists it.
type meetingJSON struct {
	Ref         string `json:"ref"`
	ID          string `json:"id"`
	Title       string `json:"title"`
	MeetingDate string `json:"meeting_date"`
	PeriodFrom  string `json:"period_from"`
	Status      string `json:"status"`
	Compiled    bool   `json:"compiled"`
	Actions     int    `json:"actions"`
	OpenActions int    `json:"open_actions"`
}

func (e *environment) reviewCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "review", Short: "Management reviews (9.3): their compiled inputs, decisions, actions and minutes"}
	cmd.AddCommand(e.meetingListCmd(), e.meetingShowCmd(), e.meetingMinutesCmd())
	return cmd
}

func (e *environment) meetingListCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "list --org SLUG", Short: "List the reviews, latest meeting first", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		list, err := svc.Reviews(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		items := make([]meetingJSON, len(list))
		rows := make([][]string, len(list))
		for i, r := range list {
			items[i] = meetingJSON{Ref: r.Ref(), ID: r.ID, Title: r.Title, MeetingDate: r.MeetingDate.Format(time.DateOnly),
				PeriodFrom: r.Period.From.Format(time.DateOnly), Status: string(r.Status), Compiled: r.CompiledAt != nil, Actions: r.Actions,
				OpenActions: r.OpenActions}
			rows[i] = []string{r.Ref(), items[i].MeetingDate, truncate(r.Title, 40), string(r.Status), fmt.Sprintf("%d/%d", r.OpenActions, r.Actions)}
		}
		return e.printList(*format, []string{"REF", "MEETING", "TITLE", "STATUS", "OPEN ACTIONS"}, rows, items)
	}
	return cmd
}

func (e *environment) meetingShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show REF --org SLUG", Short: "Show a review with its inputs as compiled, decisions and actions, as JSON",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		d, err := svc.Review(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		type actionJSON struct {
			ID      string     `json:"id"`
			Title   string     `json:"title"`
			Owner   string     `json:"owner"`
			DueDate string     `json:"due_date"`
			Status  string     `json:"status"`
			DoneAt  *time.Time `json:"done_at,omitempty"`
		}
		out := struct {
			Ref         string          `json:"ref"`
			ID          string          `json:"id"`
			Title       string          `json:"title"`
			MeetingDate string          `json:"meeting_date"`
			PeriodFrom  string          `json:"period_from"`
			Status      string          `json:"status"`
			Chair       string          `json:"chair"`
			Attendees   []string        `json:"attendees"`
			Guests      []string        `json:"guests"`
			Notes       string          `json:"notes,omitempty"`
			Decisions   []string        `json:"decisions"`
			Actions     []actionJSON    `json:"actions"`
			InputsHash  string          `json:"inputs_sha256,omitempty"`
			Inputs      json.RawMessage `json:"inputs"`
		}{Ref: d.Ref(), ID: d.ID, Title: d.Title, MeetingDate: d.MeetingDate.Format(time.DateOnly), PeriodFrom: d.Period.From.Format(time.DateOnly),
			Status: string(d.Status), Chair: d.Members[d.ChairID], Attendees: []string{}, Guests: d.GuestList(), Notes: d.Notes,
			Decisions: []string{}, Actions: []actionJSON{}, InputsHash: d.InputsHash, Inputs: d.Review.Inputs}
		if out.Guests == nil {
			out.Guests = []string{}
		}
		if out.Inputs == nil {
			out.Inputs = json.RawMessage("null")
		}
		for _, id := range d.AttendeeIDs {
			out.Attendees = append(out.Attendees, d.Members[id])
		}
		for _, dec := range d.Decisions {
			out.Decisions = append(out.Decisions, dec.Text)
		}
		for _, a := range d.Actions {
			out.Actions = append(out.Actions, actionJSON{ID: a.ID, Title: a.Title, Owner: d.Members[a.OwnerID],
				DueDate: a.DueDate.Format(time.DateOnly), Status: a.Status(), DoneAt: a.DoneAt})
		}
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return cmd
}

func (e *environment) meetingMinutesCmd() *cobra.Command {
	var org, out string
	cmd := &cobra.Command{Use: "minutes REF --org SLUG -o FILE", Short: "Write a review's minutes as PDF", Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return fmt.Errorf("-o FILE is required")
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		var b bytes.Buffer
		if err := svc.WriteReviewMinutes(cmd.Context(), acc, args[0], &b); err != nil {
			return describe(err)
		}
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(e.io.Err, "wrote %s\n", out)
		return nil
	}
	return cmd
}

func (e *environment) certificationCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "certification", Short: "The certification cycle: certificate, external audits and what is due"}
	var org string
	show := &cobra.Command{Use: "show --org SLUG", Short: "Show the current cycle with its calendar and audits", Args: cobra.NoArgs}
	format := formatFlag(show)
	show.Flags().StringVar(&org, "org", "", "the organisation (required)")
	show.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		c, err := svc.Certification(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		if c.Current == nil {
			return fmt.Errorf("no certification cycle is recorded for %s", org)
		}
		date := func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.Format(time.DateOnly)
		}
		type dueJSON struct {
			Audit   string `json:"audit"`
			DueBy   string `json:"due_by,omitempty"`
			Planned string `json:"planned,omitempty"`
			Done    string `json:"done,omitempty"`
			Overdue bool   `json:"overdue"`
			DueSoon bool   `json:"due_soon"`
		}
		type auditJSON struct {
			Kind        string   `json:"kind"`
			Planned     string   `json:"planned,omitempty"`
			Done        string   `json:"done,omitempty"`
			LeadAuditor string   `json:"lead_auditor,omitempty"`
			Result      string   `json:"result,omitempty"`
			Findings    []string `json:"findings"`
		}
		cur := c.Current
		out := struct {
			Body              string      `json:"body"`
			Standard          string      `json:"standard"`
			Scope             string      `json:"scope"`
			CertificateNumber string      `json:"certificate_number,omitempty"`
			Stage1            string      `json:"stage1_date,omitempty"`
			Stage2            string      `json:"stage2_date,omitempty"`
			Issued            string      `json:"issued_on,omitempty"`
			Expires           string      `json:"expires_on,omitempty"`
			Calendar          []dueJSON   `json:"calendar"`
			Audits            []auditJSON `json:"audits"`
			EarlierCycles     int         `json:"earlier_cycles"`
		}{Body: cur.Body, Standard: cur.Standard, Scope: cur.Scope, CertificateNumber: cur.CertificateNumber, Stage1: date(cur.Stage1Date),
			Stage2: date(cur.Stage2Date), Issued: date(cur.IssuedOn), Expires: date(cur.ExpiresOn), Calendar: []dueJSON{}, Audits: []auditJSON{},
			EarlierCycles: len(c.History)}
		rows := [][]string{}
		for _, d := range c.Calendar {
			j := dueJSON{Audit: string(d.Kind), DueBy: date(d.DueBy), Planned: date(d.Planned), Done: date(d.Done), Overdue: d.Overdue, DueSoon: d.DueSoon}
			out.Calendar = append(out.Calendar, j)
			state := "done"
			switch {
			case d.Done == nil && d.Overdue:
				state = "OVERDUE"
			case d.Done == nil && d.DueSoon:
				state = "due soon"
			case d.Done == nil:
				state = "due"
			}
			rows = append(rows, []string{d.Kind.Label(), dash(j.DueBy), dash(j.Planned), dash(j.Done), state})
		}
		for _, a := range c.Audits {
			j := auditJSON{Kind: string(a.Kind), Planned: date(a.PlannedDate), Done: date(a.DoneDate), LeadAuditor: a.LeadAuditor, Result: a.Result,
				Findings: []string{}}
			for _, n := range a.Findings {
				j.Findings = append(j.Findings, n.Ref())
			}
			out.Audits = append(out.Audits, j)
		}
		if *format == "json" {
			enc := json.NewEncoder(e.io.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		fmt.Fprintf(e.io.Out, "%s, %s\ncertificate %s, issued %s, expires %s\n\n", cur.Standard, cur.Body, dash(cur.CertificateNumber),
			dash(out.Issued), dash(out.Expires))
		return e.printList("table", []string{"AUDIT", "DUE BY", "PLANNED", "DONE", "STATE"}, rows, nil)
	}
	cmd.AddCommand(show)
	return cmd
}
