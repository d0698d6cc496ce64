package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// incidentDeadlineJSON is a notification deadline as the CLI prints it.
type incidentDeadlineJSON struct {
	Kind        string     `json:"kind"`
	Rule        string     `json:"rule"`
	Due         time.Time  `json:"due"`
	State       string     `json:"state"`
	HoursLeft   float64    `json:"hours_left"`
	DoneAt      *time.Time `json:"done_at,omitempty"`
	Reference   string     `json:"reference,omitempty"`
	NotRequired string     `json:"not_required,omitempty"`
}

// incidentJSON is an incident of the register as the CLI prints it.
type incidentJSON struct {
	Ref          string                 `json:"ref"`
	ID           string                 `json:"id"`
	Title        string                 `json:"title"`
	Category     string                 `json:"category"`
	AI           bool                   `json:"ai_category"`
	Severity     string                 `json:"severity"`
	Status       string                 `json:"status"`
	DetectedAt   time.Time              `json:"detected_at"`
	AwareAt      *time.Time             `json:"aware_at,omitempty"`
	PersonalData bool                   `json:"personal_data"`
	Deadlines    []incidentDeadlineJSON `json:"deadlines"`
	ClosedAt     *time.Time             `json:"closed_at,omitempty"`
}

func toIncidentJSON(i isms.Incident, now time.Time) incidentJSON {
	out := incidentJSON{Ref: i.Ref(), ID: i.ID, Title: i.Title, Category: string(i.Category), AI: i.Category.AI(), Severity: string(i.Severity),
		Status: string(i.Status), DetectedAt: i.DetectedAt, AwareAt: i.AwareAt, PersonalData: i.PersonalData,
		Deadlines: []incidentDeadlineJSON{}, ClosedAt: i.ClosedAt}
	for _, d := range i.Deadlines() {
		out.Deadlines = append(out.Deadlines, incidentDeadlineJSON{Kind: string(d.Kind), Rule: d.Rule, Due: d.Due, State: string(d.State(now)),
			HoursLeft: math.Round(d.Left(now).Hours()*10) / 10, DoneAt: d.Done, Reference: d.Ref, NotRequired: d.NotRequired})
	}
	return out
}

// deadlineSummary describes an incident's most pressing deadline in a
// table cell.
func deadlineSummary(it incidentJSON) string {
	var parts []string
	for _, d := range it.Deadlines {
		name := "GDPR"
		if d.Kind == string(isms.DeadlineAIAct) {
			name = "AI Act"
		}
		switch d.State {
		case string(isms.DeadlineRunning):
			parts = append(parts, fmt.Sprintf("%s %.0fh left", name, math.Floor(d.HoursLeft)))
		case string(isms.DeadlineOverdue):
			parts = append(parts, fmt.Sprintf("%s %.0fh late", name, math.Ceil(-d.HoursLeft)))
		default:
			parts = append(parts, name+" "+strings.ReplaceAll(d.State, "_", " "))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func (e *environment) incidentCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "incident", Short: "The incident register (Annex A 5.24 to 5.28, 6.8)"}
	cmd.AddCommand(e.incidentListCmd(), e.incidentShowCmd(), e.incidentExportCmd())
	return cmd
}

// incidentFilterFlags adds the filters list and export share.
func incidentFilterFlags(cmd *cobra.Command, f *store.IncidentFilter, category, status *string, defaultStatus string) {
	cmd.Flags().StringVar(status, "status", defaultStatus, "open, all, or one of reported, triaged, contained, eradicated, recovered, closed")
	cmd.Flags().StringVar(category, "category", "", "a category, or ai for every AI category")
	cmd.Flags().StringVar((*string)(&f.Severity), "severity", "", "low, medium, high or critical")
	cmd.Flags().BoolVar(&f.PersonalData, "personal-data", false, "only incidents that involve personal data")
	cmd.Flags().BoolVar(&f.NotificationDue, "notification-due", false, "only incidents with a notification or report still to make")
}

func applyIncidentFlags(f *store.IncidentFilter, category, status string) {
	f.Status = status
	if status == "all" {
		f.Status = ""
	}
	if category == "ai" {
		f.AI = true
	} else {
		f.Category = isms.IncidentCategory(category)
	}
}

func (e *environment) incidentListCmd() *cobra.Command {
	var (
		org, category, status string
		f                     store.IncidentFilter
	)
	cmd := &cobra.Command{Use: "list --org SLUG [--status S] [--category C|ai] [--severity S] [--personal-data] [--notification-due]",
		Short: "List the register, newest first, with the notification deadlines", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	incidentFilterFlags(cmd, &f, &category, &status, "open")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		applyIncidentFlags(&f, category, status)
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		now := svc.DB().Now().UTC()
		f.Limit = store.MaxLimit
		items, err := allPages(func(cursor string) ([]incidentJSON, string, error) {
			if cursor != "" {
				f.After, _ = strconv.Atoi(cursor)
			}
			rows, err := svc.Incidents(cmd.Context(), acc, f)
			if err != nil {
				return nil, "", describe(err)
			}
			out := make([]incidentJSON, len(rows))
			for i, r := range rows {
				out[i] = toIncidentJSON(r.Incident, now)
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
			category := it.Category
			if it.AI {
				category += " (AI)"
			}
			rows[i] = []string{it.Ref, it.Severity, it.Status, category, truncate(it.Title, 50),
				it.DetectedAt.Format("2006-01-02 15:04"), deadlineSummary(it)}
		}
		return e.printList(*format, []string{"REF", "SEVERITY", "STATUS", "CATEGORY", "TITLE", "DETECTED (UTC)", "NOTIFICATION"}, rows, items)
	}
	return cmd
}

func (e *environment) incidentShowCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "show REF --org SLUG",
		Short: "Show an incident with its deadlines, response, timeline, evidence and chain of custody, and what it raised",
		Args:  cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		d, err := svc.Incident(cmd.Context(), acc, args[0])
		if err != nil {
			return describe(err)
		}
		type eventJSON struct {
			At   time.Time `json:"at"`
			What string    `json:"what"`
			Who  string    `json:"who"`
		}
		type evidenceJSON struct {
			EvidenceID  string      `json:"evidence_id"`
			Title       string      `json:"title"`
			SHA256      string      `json:"sha256,omitempty"`
			CollectedBy string      `json:"collected_by"`
			CollectedAt time.Time   `json:"collected_at"`
			Custody     []eventJSON `json:"custody"`
		}
		type raisedJSON struct {
			Kind  string `json:"kind"`
			Ref   string `json:"ref"`
			Title string `json:"title"`
		}
		assets := make([]string, 0, len(d.Assets))
		for _, a := range d.Assets {
			assets = append(assets, a.Name)
		}
		out := struct {
			incidentJSON
			Description    string         `json:"description"`
			OccurredAt     *time.Time     `json:"occurred_at,omitempty"`
			Reporter       string         `json:"reporter,omitempty"`
			Handler        string         `json:"handler,omitempty"`
			Assets         []string       `json:"affected_assets"`
			DataSubjects   int            `json:"data_subjects,omitempty"`
			AIHighRisk     bool           `json:"ai_high_risk"`
			AISerious      bool           `json:"ai_serious"`
			AICase         string         `json:"ai_case,omitempty"`
			Containment    string         `json:"containment,omitempty"`
			Eradication    string         `json:"eradication,omitempty"`
			Recovery       string         `json:"recovery,omitempty"`
			LessonsLearned string         `json:"lessons_learned,omitempty"`
			Timeline       []eventJSON    `json:"timeline"`
			Evidence       []evidenceJSON `json:"evidence"`
			Raised         []raisedJSON   `json:"raised"`
		}{incidentJSON: toIncidentJSON(d.Incident, svc.DB().Now().UTC()), Description: d.Description, OccurredAt: d.OccurredAt,
			Reporter: d.Reporter, Handler: d.Members[d.HandlerID], Assets: assets, DataSubjects: d.DataSubjects, AIHighRisk: d.AIHighRisk,
			AISerious: d.AISerious, AICase: string(d.AICase), Containment: d.Containment, Eradication: d.Eradication, Recovery: d.Recovery,
			LessonsLearned: d.LessonsLearned, Timeline: []eventJSON{}, Evidence: []evidenceJSON{}, Raised: []raisedJSON{}}
		for _, ev := range d.Events {
			out.Timeline = append(out.Timeline, eventJSON{At: ev.At, What: ev.What, Who: ev.Who})
		}
		for _, it := range d.Evidence {
			item := evidenceJSON{EvidenceID: it.EvidenceID, Title: it.Title, SHA256: it.SHA256, CollectedBy: it.CollectedBy,
				CollectedAt: it.CollectedAt, Custody: []eventJSON{}}
			for _, c := range it.Custody {
				item.Custody = append(item.Custody, eventJSON{At: c.At, What: c.Note, Who: c.Who})
			}
			out.Evidence = append(out.Evidence, item)
		}
		for _, l := range d.Links {
			out.Raised = append(out.Raised, raisedJSON{Kind: string(l.Kind), Ref: l.Ref, Title: l.Title})
		}
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return cmd
}

func (e *environment) incidentExportCmd() *cobra.Command {
	var (
		org, format, out, category, status string
		f                                  store.IncidentFilter
	)
	cmd := &cobra.Command{
		Use:   "export --org SLUG [--format csv|xlsx] [--out FILE] [filters]",
		Short: "Export the register as CSV, or as a spreadsheet with every timeline and the evidence with its chain of custody",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	incidentFilterFlags(cmd, &f, &category, &status, "all")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if format != "csv" && format != "xlsx" {
			return fmt.Errorf("--format %q: use csv or xlsx", format)
		}
		applyIncidentFlags(&f, category, status)
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
			err = svc.ExportIncidentsCSV(cmd.Context(), acc, f, w)
		} else {
			err = svc.ExportIncidentsXLSX(cmd.Context(), acc, f, w)
		}
		return errors.Join(describe(err), closeOut())
	}
	return cmd
}
